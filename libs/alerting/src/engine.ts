import { createHash } from 'node:crypto';
import { ALL_VERSIONS, TABLES, literal } from '@driftwatch/clickhouse';
import { INACTIVE, stepAlert, type AlertState, type Notify } from './lifecycle';
import type { AlertNotice, Notification, RetrainingRequest } from './notification';
import type { Outbox, QueuedNotification } from './outbox';
import {
  driftedFeatures,
  observeModelCondition,
  observeRule,
  ruleSegments,
  type DriftResult,
  type HealthResult,
  type QualityResult,
} from './rule-evaluation';
import type { AlertingMonitorSpec, RuleSpec } from './spec';
import type { AlertEventRecord, AlertStore } from './store';

/** What a finished monitor run hands to alerting. */
export interface RunReport {
  runId: string;
  windowStartMs: number;
  windowEndMs: number;
  baselineId: string;
  /** When the run's results were stored: the start of the delivery-latency clock. */
  endedAtMs: number;
  drift: readonly DriftResult[];
  health: readonly HealthResult[];
  /** quality_results rows of the run (monitors with a quality section); absent: none. */
  quality?: readonly QualityResult[];
}

/** Stored with a row that calls for a notification, to enqueue it again after a crash. */
interface StoredNotice
  extends Pick<Notification, 'kind' | 'monitor' | 'model' | 'runId' | 'windowStartMs' | 'windowEndMs' | 'baselineId'> {
  endedAtMs: number;
  alert?: AlertNotice;
  retraining?: RetrainingRequest;
}

/** A notice decided (and recorded in the alert history), with the routes it is still to be queued on. */
interface NoticeToQueue {
  noticeId: string;
  routes: readonly string[];
  notice: StoredNotice;
}

export interface EvaluationOutcome {
  events: AlertEventRecord[];
  queued: QueuedNotification[];
}

/** Runs a version must be absent from the window (while others have events) before its alerts resolve. */
export const VANISHED_AFTER_RUNS = 3;

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The SQL that shows a run's evidence, as sent in every notification. */
export function evidenceSql(runId: string): string {
  return [
    `SELECT model_version, feature, method, value, p_value, threshold, breached, window_n FROM ${TABLES.driftResults} WHERE run_id = ${literal(runId)} ORDER BY breached DESC, model_version, feature, method;`,
    `SELECT model_version, events, error_rate, latency_p50_ms, latency_p99_ms FROM ${TABLES.healthResults} WHERE run_id = ${literal(runId)} ORDER BY model_version;`,
    `SELECT model_version, metric, status, value, labelled, coverage, window_end FROM ${TABLES.qualityResults} WHERE run_id = ${literal(runId)} ORDER BY model_version, metric;`,
  ].join('\n');
}

/**
 * Turns monitor runs into alert state changes and notifications. State is kept in memory and
 * appended to the alert history before any notification is queued; at start the latest state of
 * every alert is read back, and a notification that was decided but never queued (a crash in
 * between) is queued then. The outbox never queues one notice twice for one channel.
 */
export class AlertEngine {
  private readonly states = new Map<string, AlertState>();
  private readonly lastRetraining = new Map<string, number>();
  /** Consecutive runs an open per-version alert's version was absent from the window. */
  private readonly absentRuns = new Map<string, number>();
  /** Notifications whose outbox record failed (ClickHouse down): tried again before the next run's. */
  private readonly unqueued: QueuedNotification[] = [];

  constructor(
    private readonly store: AlertStore,
    private readonly outbox: Outbox,
    private readonly monitors: readonly AlertingMonitorSpec[],
    private readonly repeatIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reads the alert history back and queues what was decided but never queued (the process
   * stopped in between): per alert, the notices after the last one the outbox has, so an old
   * "firing" never arrives after its "resolved". Returns how many notifications it queued.
   */
  async start(): Promise<number> {
    const names = this.monitors.map((m) => m.name);
    for (const row of await this.store.latestAlertEvents(names))
      if (row.kind === 'alert') this.states.set(row.alertKey, row.state);
    for (const [key, at] of await this.store.lastRetraining(names)) this.lastRetraining.set(key, at);
    const byAlert = new Map<string, { order: number; pending: NoticeToQueue }[]>();
    const seen = new Set<string>();
    for (const [order, row] of (await this.store.noticeEvents(names)).entries()) {
      if (seen.has(row.noticeId)) continue; // the same decision recorded twice: one notice
      seen.add(row.noticeId);
      const missing = row.routes.filter((route) => !this.outbox.wasQueued(route, row.noticeId));
      const list = byAlert.get(row.alertKey) ?? [];
      if (missing.length < row.routes.length) list.length = 0; // queued (at least in part): older notices are settled
      if (missing.length > 0)
        list.push({
          order,
          pending: { noticeId: row.noticeId, routes: missing, notice: JSON.parse(row.notice) as StoredNotice },
        });
      byAlert.set(row.alertKey, list);
    }
    // runs in the order their notices were decided, so a "firing" is queued before its "resolved"
    const byRun = new Map<string, NoticeToQueue[]>();
    const inOrder = [...byAlert.values()].flat().sort((a, b) => a.order - b.order);
    for (const { pending: p } of inOrder) byRun.set(p.notice.runId, [...(byRun.get(p.notice.runId) ?? []), p]);
    const queued: QueuedNotification[] = [];
    for (const pending of byRun.values()) {
      const monitor = this.monitors.find((m) => m.name === pending[0]!.notice.monitor);
      if (monitor) queued.push(...this.notifications(monitor, pending));
    }
    await this.outbox.enqueue(queued);
    return queued.length;
  }

  /** One finished run of one monitor: steps every rule, records the changes, queues the notifications. */
  async evaluate(spec: AlertingMonitorSpec, run: RunReport): Promise<EvaluationOutcome> {
    const events: AlertEventRecord[] = [];
    const pending: NoticeToQueue[] = [];
    // staged: memory changes only once the history has them, so a failed write is decided again next run
    const staged = new Map<string, AlertState>();
    const stagedRetraining = new Map<string, number>();
    const context = {
      monitor: spec.name,
      model: spec.model,
      runId: run.runId,
      windowStartMs: run.windowStartMs,
      windowEndMs: run.windowEndMs,
      baselineId: run.baselineId,
      endedAtMs: run.endedAtMs,
    };
    for (const rule of spec.rules) {
      const present = ruleSegments(rule.perVersion, run.drift, run.health, run.quality);
      const prefix = `${spec.name}/${rule.name}/`;
      const vanished = this.vanishedVersions(rule, prefix, present);
      for (const version of [...present, ...vanished]) {
        const alertKey = `${prefix}${version}`;
        const observation = present.includes(version)
          ? observeRule(rule, version, run.drift, run.health, run.quality)
          : { active: false, evidence: [] };
        const step = stepAlert(this.states.get(alertKey), observation?.active, run.windowEndMs, {
          forRuns: rule.forRuns,
          forMs: rule.forMs,
          repeatIntervalMs: this.repeatIntervalMs,
        });
        if (!step.changed) continue;
        staged.set(alertKey, step.next);
        let noticeId = '';
        let stored: StoredNotice | undefined;
        if (step.notify) {
          noticeId = hash(
            `${alertKey}|${step.notify}|${step.next.activeSinceMs}|${step.notify === 'repeat' ? run.windowEndMs : ''}`,
          );
          const alert = this.notice(
            spec,
            rule,
            version,
            alertKey,
            noticeId,
            step.notify,
            step.next,
            observation?.evidence ?? [],
          );
          stored = { kind: 'alert', ...context, alert };
          pending.push({ noticeId, routes: rule.routes, notice: stored });
        }
        events.push({
          alertKey,
          kind: 'alert',
          monitor: spec.name,
          model: spec.model,
          modelVersion: version,
          rule: rule.name,
          severity: rule.severity,
          status: step.next.status,
          notify: step.notify ?? '',
          state: step.next,
          evaluatedAtMs: run.windowEndMs,
          runId: run.runId,
          condition: rule.when.text,
          labels: rule.labels,
          noticeId,
          routes: step.notify ? rule.routes : [],
          notice: stored ? JSON.stringify(stored) : '',
        });
      }
    }
    this.retraining(spec, run, context, events, pending, stagedRetraining);
    await this.store.appendAlertEvents(events);
    for (const [key, state] of staged) this.states.set(key, state);
    for (const [key, at] of stagedRetraining) this.lastRetraining.set(key, at);
    const queued = [...this.unqueued.splice(0), ...this.notifications(spec, pending)];
    try {
      await this.outbox.enqueue(queued);
    } catch (err) {
      this.unqueued.push(...queued);
      throw err;
    }
    return { events, queued };
  }

  /**
   * Versions with an open alert (pending or firing) that are gone from the window: no events at
   * all while other versions have some (a rollout retired them), for VANISHED_AFTER_RUNS runs in
   * a row. They resolve, as a vanished series does in Prometheus. An empty window (an outage, a
   * quiet hour) resolves nothing, and neither do rules on event counts, for which zero events is
   * the measurement. The count of absent runs lives in memory: a restart only delays resolving.
   */
  private vanishedVersions(rule: RuleSpec, prefix: string, present: readonly string[]): string[] {
    const realVersions = present.some((v) => v !== ALL_VERSIONS);
    const countsEvents = rule.when.metric === 'events' || rule.when.metric === 'events_per_s';
    const out: string[] = [];
    for (const [key, state] of this.states) {
      if (!key.startsWith(prefix) || (state.status !== 'firing' && state.status !== 'pending')) continue;
      const version = key.slice(prefix.length);
      if (present.includes(version) || !realVersions || countsEvents) {
        this.absentRuns.delete(key);
        continue;
      }
      const absent = (this.absentRuns.get(key) ?? 0) + 1;
      this.absentRuns.set(key, absent);
      if (absent >= VANISHED_AFTER_RUNS) out.push(version);
    }
    return out;
  }

  /** Retraining: evidence (enough drifted features, or a critical one) and the optional condition, then the cooldown. */
  private retraining(
    spec: AlertingMonitorSpec,
    run: RunReport,
    context: Omit<StoredNotice, 'kind'>,
    events: AlertEventRecord[],
    pending: NoticeToQueue[],
    staged: Map<string, number>,
  ): void {
    const r = spec.retraining;
    if (!r) return;
    for (const version of ruleSegments(true, run.drift, run.health, run.quality)) {
      const drifted = driftedFeatures(run.drift, version);
      const critical = drifted.filter((e) => r.criticalFeatures.includes(e.feature!));
      if (drifted.length < r.minDriftedFeatures && critical.length === 0) continue;
      if (r.when && !observeModelCondition(r.when, version, run.drift, run.health, run.quality)?.active) continue;
      const alertKey = `${spec.name}/retraining/${version}`;
      const last = this.lastRetraining.get(alertKey);
      const coolingDown = last !== undefined && run.windowEndMs - last < r.cooldownMs;
      const reason =
        critical.length > 0
          ? `critical feature${critical.length > 1 ? 's' : ''} drifted: ${critical.map((e) => e.feature).join(', ')}`
          : `${drifted.length} features drifted (at least ${r.minDriftedFeatures} required)`;
      let noticeId = '';
      let stored: StoredNotice | undefined;
      if (!coolingDown) {
        staged.set(alertKey, run.windowEndMs);
        noticeId = hash(`${alertKey}|triggered|${run.windowEndMs}`);
        const breached = run.drift.filter((d) => d.model_version === version && d.status === 'ok' && d.breached);
        const request: RetrainingRequest = {
          modelVersion: version,
          reason,
          driftedFeatures: breached.map((d) => ({
            feature: d.feature,
            method: d.method,
            value: d.value ?? Number.NaN,
            threshold: d.threshold ?? Number.NaN,
            ...(d.p_value !== null ? { pValue: d.p_value } : {}),
          })),
        };
        stored = { kind: 'retraining', ...context, retraining: request };
        pending.push({ noticeId, routes: r.routes, notice: stored });
      }
      events.push({
        alertKey,
        kind: 'retraining',
        monitor: spec.name,
        model: spec.model,
        modelVersion: version,
        rule: 'retraining',
        severity: '',
        status: coolingDown ? 'suppressed' : 'triggered',
        notify: coolingDown ? '' : 'retraining',
        state: { ...INACTIVE, lastNotifiedMs: coolingDown ? last! : run.windowEndMs },
        evaluatedAtMs: run.windowEndMs,
        runId: run.runId,
        condition: coolingDown ? `cooldown until ${new Date(last! + r.cooldownMs).toISOString()}: ${reason}` : reason,
        labels: {},
        noticeId,
        routes: coolingDown ? [] : r.routes,
        notice: stored ? JSON.stringify(stored) : '',
      });
    }
  }

  private notice(
    spec: AlertingMonitorSpec,
    rule: RuleSpec,
    version: string,
    alertKey: string,
    noticeId: string,
    notify: Notify,
    state: AlertState,
    evidence: AlertNotice['evidence'],
  ): AlertNotice {
    return {
      noticeId,
      alertKey,
      rule: rule.name,
      monitor: spec.name,
      model: spec.model,
      modelVersion: version,
      state: notify === 'resolved' ? 'resolved' : 'firing',
      repeat: notify === 'repeat',
      severity: rule.severity,
      labels: rule.labels,
      condition: rule.when.text,
      activeSinceMs: state.activeSinceMs,
      evidence: notify === 'resolved' ? [] : evidence,
    };
  }

  /** One notification per route and kind: a run's alerts travel together (grouped per model and run). */
  private notifications(spec: AlertingMonitorSpec, pending: readonly NoticeToQueue[]): QueuedNotification[] {
    const groups = new Map<string, NoticeToQueue[]>();
    for (const p of pending) {
      for (const route of p.routes) {
        if (this.outbox.wasQueued(route, p.noticeId)) continue;
        // a retraining request travels alone: each is one call of the team's pipeline
        const key = [route, p.notice.kind, p.notice.runId, p.notice.kind === 'retraining' ? p.noticeId : ''].join('\n');
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
    }
    const out: QueuedNotification[] = [];
    for (const [key, group] of groups) {
      const [channel, kind] = key.split('\n') as [string, 'alert' | 'retraining'];
      const first = group[0]!.notice;
      const noticeIds = group.map((p) => p.noticeId).sort();
      const notification: Notification = {
        version: 'driftwatch.notification.v1',
        id: `ntf_${hash(`${channel}|${kind}|${noticeIds.join(',')}`)}`,
        kind,
        monitor: spec.name,
        model: spec.model,
        runId: first.runId,
        windowStartMs: first.windowStartMs,
        windowEndMs: first.windowEndMs,
        baselineId: first.baselineId,
        alerts: group.flatMap((p) => (p.notice.alert ? [p.notice.alert] : [])),
        ...(kind === 'retraining' && first.retraining ? { retraining: first.retraining } : {}),
        sql: evidenceSql(first.runId),
        createdAtMs: this.now(),
      };
      out.push({ channel, notification, noticeIds, runEndedMs: first.endedAtMs });
    }
    return out;
  }
}
