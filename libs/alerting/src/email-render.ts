import { formatNumber, renderTable } from '@driftwatch/format';
import type { AlertNotice, Notification } from './notification';
import type { Severity } from './spec';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The content of one email: the same facts in a plain-text and an HTML part, so that a reader
 * whose client shows only one of them misses nothing. Every value in the HTML part is escaped:
 * rule names, labels and feature names come from users' config and events.
 */
export function renderEmail(n: Notification): RenderedEmail {
  const headline = headlineOf(n);
  const report = reportOf(n);
  return {
    // a rule name with a line break must not become a second header line
    subject: `[driftwatch] ${headline}`.replace(/\s+/g, ' '),
    text: renderText(headline, report),
    html: renderHtml(headline, report),
  };
}

/** What the email says, before it is laid out as text or HTML. */
interface Report {
  fields: Field[];
  sections: Section[];
  sql: string;
}
type Field = [label: string, value: string];
interface Table {
  columns: string[];
  rows: string[][];
}
interface Section {
  title: string;
  fields: Field[];
  /** absent: `empty` says why there is nothing to tabulate */
  table?: Table;
  empty?: string;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function headlineOf(n: Notification): string {
  if (n.kind === 'retraining') return `RETRAINING requested for model ${n.model}`;
  const firing = n.alerts.filter((a) => a.state === 'firing');
  const resolved = n.alerts.filter((a) => a.state === 'resolved');
  if (firing.length === 0) return `RESOLVED: ${alertsNoun(resolved)} for model ${n.model}`;
  const state = firing.every((a) => a.repeat) ? 'STILL FIRING' : 'FIRING';
  const severity = firing.map((a) => a.severity).reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
  const alsoResolved = resolved.length > 0 ? `, ${resolved.length} resolved` : '';
  return `${state}: ${alertsNoun(firing)} for model ${n.model} (${severity})${alsoResolved}`;
}

function alertsNoun(alerts: AlertNotice[]): string {
  const [only] = alerts;
  return alerts.length === 1 && only !== undefined ? only.rule : `${alerts.length} alerts`;
}

function reportOf(n: Notification): Report {
  const fields: Field[] = [
    ['Model', n.model],
    ['Monitor', n.monitor],
    ['Run', n.runId],
    ['Window', `${isoTime(n.windowStartMs)} .. ${isoTime(n.windowEndMs)}`],
    ['Baseline', n.baselineId],
  ];
  const sections = n.alerts.map(alertSection);
  if (n.retraining) {
    const r = n.retraining;
    sections.unshift({
      title: `Retraining requested for version ${r.modelVersion}`,
      fields: [['Reason', r.reason]],
      table: {
        columns: ['feature', 'method', 'value', 'threshold', 'p-value'],
        rows: r.driftedFeatures.map((f) => [
          f.feature,
          f.method,
          formatNumber(f.value),
          formatNumber(f.threshold),
          formatNumber(f.pValue),
        ]),
      },
      empty: 'No drifted features listed.',
    });
  }
  return { fields, sections, sql: n.sql };
}

function alertSection(a: AlertNotice): Section {
  const state = a.state === 'resolved' ? 'RESOLVED' : a.repeat ? 'STILL FIRING' : 'FIRING';
  const labels = Object.keys(a.labels)
    .sort()
    .map((k) => `${k}=${a.labels[k]}`);
  return {
    title: `${a.rule}: ${state} (${a.severity})`,
    fields: [
      ['Condition', a.condition],
      ['Labels', labels.length > 0 ? labels.join(', ') : '-'],
      ['Active since', isoTime(a.activeSinceMs)],
    ],
    table:
      a.evidence.length === 0
        ? undefined
        : {
            columns: ['version', 'feature', 'metric', 'value', 'condition'],
            rows: a.evidence.map((e) => [
              e.modelVersion,
              e.feature ?? '-',
              e.metric,
              formatNumber(e.value),
              `${e.op} ${formatNumber(e.threshold)}`,
            ]),
          },
    empty: a.state === 'resolved' ? 'The condition no longer holds.' : 'No breached metrics in this run.',
  };
}

const SQL_CAPTION = 'To see the evidence, paste into clickhouse-client:';

function renderText(headline: string, r: Report): string {
  const lines = [headline, '', ...textFields(r.fields)];
  for (const s of r.sections) {
    lines.push('', `== ${s.title} ==`, ...textFields(s.fields), '');
    lines.push(...(s.table && s.table.rows.length > 0 ? renderTable(s.table.columns, s.table.rows) : [s.empty ?? '']));
  }
  lines.push('', SQL_CAPTION, '', r.sql, '');
  return lines.join('\n');
}

function textFields(fields: Field[]): string[] {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
}

function renderHtml(headline: string, r: Report): string {
  const parts = [
    `<!doctype html>\n<html><body style="font-family: sans-serif">`,
    `<h2>${esc(headline)}</h2>`,
    htmlFields(r.fields),
  ];
  for (const s of r.sections) {
    parts.push(`<h3>${esc(s.title)}</h3>`, htmlFields(s.fields));
    parts.push(s.table && s.table.rows.length > 0 ? htmlTable(s.table) : `<p>${esc(s.empty ?? '')}</p>`);
  }
  parts.push(`<p>${esc(SQL_CAPTION)}</p>`, `<pre>${esc(r.sql)}</pre>`, '</body></html>');
  return parts.join('\n');
}

function htmlFields(fields: Field[]): string {
  const rows = fields.map(([label, value]) => `<tr><th align="left">${esc(label)}</th><td>${esc(value)}</td></tr>`);
  return `<table class="fields">\n${rows.join('\n')}\n</table>`;
}

function htmlTable({ columns, rows }: Table): string {
  const head = `<tr>${columns.map((c) => `<th align="left">${esc(c)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`);
  return `<table class="metrics" border="1" cellpadding="4" style="border-collapse: collapse">\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(s: string): string {
  // The pattern matches only the keys of HTML_ESCAPES, so the fallback is never taken.
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** ISO UTC; a corrupt timestamp is shown as it is instead of failing the whole email. */
function isoTime(ms: number): string {
  const time = new Date(ms);
  return Number.isNaN(time.getTime()) ? String(ms) : time.toISOString();
}
