/**
 * Alerts end to end on the real services: the monitor app runs rules on real flights data in
 * ClickHouse and notifies a real SMTP server and real HTTP receivers on loopback.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventRow, TABLES } from '@driftwatch/clickhouse';
import { validateEvent } from '@driftwatch/contracts';
import type { Notification } from '@driftwatch/alerting';
import { flightFeatures, loadFlights, predictDelay, type Flight } from '../support/flights';
import { SmtpCatcher, WebhookReceiver } from '../support/receivers';
import { MonitorProcess } from '../support/processes';
import { freePort, sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

const HOUR = 3_600_000;
const NOW = Date.now();
const SECRET = 'whsec_ZHJpZnR3YXRjaC1hbGVydGluZy10ZXN0';
let box: Sandbox;
let dir: string;
const smtp = new SmtpCatcher();
const hook = new WebhookReceiver(SECRET);
const late = new WebhookReceiver(SECRET);
const pipeline = new WebhookReceiver(SECRET);
const gone = new WebhookReceiver(SECRET);
let monitor: MonitorProcess | undefined;
let env: Record<string, string>;

/** Flights as prediction events at evenly spaced times in [fromMs, toMs); `errorEvery` n > 0: every n-th has status ok, all others error. */
async function store(flights: readonly Flight[], fromMs: number, toMs: number, errorEvery = 0): Promise<void> {
  const rows = flights.map((f, i) => {
    const features = flightFeatures(f);
    const timestamp = fromMs + Math.floor((i * (toMs - fromMs)) / flights.length);
    const status = errorEvery > 0 && i % errorEvery !== 0 ? 'error' : 'ok';
    const checked = validateEvent('prediction', {
      event_id: randomUUID(),
      model: 'flights',
      model_version: 'v1',
      timestamp,
      latency_ms: 5 + (i % 7),
      status,
      prediction: predictDelay(features),
      features,
    });
    assert.ok(checked.ok);
    return eventRow(checked).row;
  });
  await box.ch.insert(TABLES.predictions, rows);
}

function config(): string {
  const path = join(dir, 'monitors.yaml');
  writeFileSync(
    path,
    `version: 1
alerting:
  repeat_interval: 1h
  retry_base: 1s
  retry_max: 2s
  max_attempts: 8
  channels:
    oncall: { email: [ml-oncall@example.com, data-team@example.com] }
    hook: { webhook: "${hook.url('/alerts')}", secret_env: HOOK_SECRET, timeout: 2s }
    late: { webhook: "${late.url('/alerts')}", secret_env: HOOK_SECRET, timeout: 2s }
    gone: { webhook: "${gone.url('/alerts')}", secret_env: HOOK_SECRET }
    pipeline: { webhook: "${pipeline.url('/retrain')}", secret_env: HOOK_SECRET }
monitors:
  - name: flights-live
    model: flights
    baseline: { from: "${new Date(NOW - 3 * HOUR).toISOString()}", to: "${new Date(NOW - 2 * HOUR).toISOString()}" }
    window: 1h
    schedule: "*/2 * * * * *"
    rules:
      - { name: errors, when: "error_rate > 0.5", severity: critical, labels: { team: flights }, routes: [oncall, hook, late, gone] }
      - { name: input-drift, when: "psi > 0.2", for: 2 runs, routes: [hook] }
    retraining: { min_drifted_features: 1, cooldown: 1h, routes: [pipeline] }
`,
  );
  return path;
}

async function startMonitor(): Promise<MonitorProcess> {
  monitor = new MonitorProcess(env);
  await monitor.start();
  await monitor.waitReady();
  return monitor;
}

async function okRuns(): Promise<number> {
  const [r] = await box.ch.query<{ n: string }>(
    `SELECT count() AS n FROM ${TABLES.monitorRuns} WHERE monitor = 'flights-live' AND status = 'ok'`,
  );
  return Number(r!.n);
}

const bodyOf = (r: { body: string }) => JSON.parse(r.body) as Notification;
const rulesOf = (n: Notification) =>
  n.alerts
    .map((a) => `${a.rule}:${a.state}`)
    .sort()
    .join(',');

before(async () => {
  box = await sandbox('alerting');
  dir = mkdtempSync(join(tmpdir(), 'dw-alerting-'));
  await Promise.all([smtp.start(), hook.start(), pipeline.start(), gone.start()]);
  late.port = await freePort(); // reserved: this receiver is down until the test starts it
  gone.script.push(...new Array<number>(20).fill(404));
  const flights = loadFlights();
  // baseline: all departure hours; window: evening departures only (dep_hour drifts), 3 in 4 failing
  await store(flights.slice(0, 3000), NOW - 3 * HOUR, NOW - 2 * HOUR);
  const evening = flights
    .slice(3000)
    .filter((f) => Number(flightFeatures(f).dep_hour) >= 18)
    .slice(0, 600);
  await store(evening, NOW - 30 * 60_000, NOW - 60_000, 4);
  env = {
    ...box.env,
    MONITOR_CONFIG: config(),
    HOOK_SECRET: SECRET,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_FROM: 'driftwatch <alerts@driftwatch.test>',
  };
});

after(async () => {
  await monitor?.stop();
  await Promise.all([smtp.stop(), hook.stop(), late.stop(), pipeline.stop(), gone.stop()]);
  await box?.cleanup();
});

test('a breach fires once per route: email with the metrics, signed webhooks retried after 500s, a queued delivery reaches a receiver that comes back, retraining once', async () => {
  hook.script.push(500, 500); // the first notification needs three attempts
  await startMonitor();

  const [mail] = await waitFor('the firing email', () => (smtp.mails.length > 0 ? smtp.mails : undefined), 60_000);
  assert.match(mail!.mail.subject ?? '', /FIRING/);
  assert.match(mail!.mail.subject ?? '', /flights/);
  assert.deepEqual([...mail!.envelopeTo].sort(), ['data-team@example.com', 'ml-oncall@example.com']);
  assert.match(mail!.mail.text ?? '', /error_rate/);
  assert.match(mail!.mail.text ?? '', /run_id = '/);
  assert.match(String(mail!.mail.html), /<table[\s\S]*error_rate[\s\S]*<\/table>/);

  // the receiver that was down when the alert fired gets it once it is up
  await late.start(late.port);
  await waitFor('the queued delivery at the late receiver', () => late.delivered().length === 1, 30_000);

  const errorsNotice = await waitFor(
    'the errors notification accepted by the hook',
    () => hook.delivered().find((r) => rulesOf(bodyOf(r)) === 'errors:firing'),
    30_000,
  );
  const attempts = hook.received.filter((r) => r.headers['webhook-id'] === errorsNotice.headers['webhook-id']);
  assert.deepEqual(
    attempts.map((r) => r.status),
    [500, 500, 200],
    'retried after each 500, then accepted',
  );
  assert.ok(
    hook.received.every((r) => r.verified),
    'every attempt carries a valid Standard Webhooks signature',
  );
  assert.equal(new Set(attempts.map((r) => r.body)).size, 1, 'the same body on every attempt');
  const n = bodyOf(errorsNotice);
  assert.equal(n.version, 'driftwatch.notification.v1');
  assert.equal(n.model, 'flights');
  assert.equal(n.alerts[0]!.severity, 'critical');
  assert.deepEqual(n.alerts[0]!.labels, { team: 'flights' });
  assert.ok(n.alerts[0]!.evidence[0]!.value > 0.5);

  // input-drift has for: 2 runs, so it fires on a later run, in a notification of its own run
  const drift = await waitFor(
    'the input-drift notification',
    () => hook.delivered().find((r) => rulesOf(bodyOf(r)) === 'input-drift:firing'),
    30_000,
  );
  assert.ok(
    bodyOf(drift).alerts[0]!.evidence.some((e) => e.feature === 'dep_hour' && e.metric === 'psi' && e.value > 0.2),
  );
  assert.notEqual(bodyOf(drift).runId, n.runId);

  const [retrain] = await waitFor(
    'the retraining webhook',
    () => (pipeline.delivered().length > 0 ? pipeline.delivered() : undefined),
    30_000,
  );
  const request = bodyOf(retrain!);
  assert.equal(request.kind, 'retraining');
  assert.equal(request.model, 'flights');
  assert.equal(request.retraining!.modelVersion, 'v1');
  assert.ok(
    request.retraining!.driftedFeatures.some(
      (f) => f.feature === 'dep_hour' && f.method === 'psi' && f.value > f.threshold,
    ),
  );
  assert.match(request.baselineId, /^flights-live\.range@/);
  assert.ok(request.runId && request.windowEndMs - request.windowStartMs === HOUR);

  // a 404 is not retried: failed at once, counted in /metrics, recorded in ClickHouse
  await waitFor(
    'the failed delivery in /metrics',
    async () => (await monitor!.metric('driftwatch_alert_deliveries_failed_total', { channel: 'gone' })) === 1,
    30_000,
  );
  assert.equal(gone.received.length, 1);
  const [failed] = await box.ch.query<{ error: string }>(
    `SELECT error FROM ${TABLES.alertDeliveries} WHERE channel = 'gone' AND status = 'failed'`,
  );
  assert.match(failed!.error, /not retryable: HTTP 404/);
  const pending = await box.ch.query<{ status: string }>(
    `SELECT status FROM ${TABLES.alertEvents} WHERE rule = 'input-drift' ORDER BY seq LIMIT 2`,
  );
  assert.deepEqual(
    pending.map((r) => r.status),
    ['pending', 'firing'],
  );
});

test('a restart in the middle of a firing alert sends nothing again; retraining keeps its cooldown', async () => {
  const before = {
    mails: smtp.mails.length,
    hook: hook.delivered().length,
    late: late.delivered().length,
    pipeline: pipeline.received.length,
  };
  monitor!.kill('SIGTERM');
  assert.equal((await monitor!.exited).code, 0);
  const runsBefore = await okRuns();
  const [{ seq }] = (await box.ch.query<{ seq: string }>(
    `SELECT toString(max(seq)) AS seq FROM ${TABLES.alertEvents}`,
  )) as [{ seq: string }];
  await startMonitor();
  await waitFor('three more runs after the restart', async () => (await okRuns()) >= runsBefore + 3, 60_000, 500);
  assert.deepEqual(
    {
      mails: smtp.mails.length,
      hook: hook.delivered().length,
      late: late.delivered().length,
      pipeline: pipeline.received.length,
    },
    before,
  );
  // the rules did run after the restart: the retraining trigger was held back by its cooldown each
  // time. A run is in monitor_runs before its rules are judged, so the third run's alert events may
  // still be on their way when the count of runs is reached: wait for them.
  const sinceRestart = () =>
    box.ch.query<{ status: string; n: string }>(
      `SELECT status, count() AS n FROM ${TABLES.alertEvents} WHERE seq > ${BigInt(seq)} GROUP BY status`,
    );
  const since = await waitFor(
    'suppressed retraining on each of three runs since the restart',
    async () => {
      const rows = await sinceRestart();
      return Number(rows.find((r) => r.status === 'suppressed')?.n ?? 0) >= 3 && rows;
    },
    30_000,
    250,
  );
  assert.ok(
    since.every((r) => r.status === 'firing' || r.status === 'suppressed'),
    `no new trigger or transition after the restart: ${JSON.stringify(since)}`,
  );
});

test('a resolved alert sends one resolved notification', async () => {
  const mailsBefore = smtp.mails.length;
  // plenty of healthy traffic: the error rate falls under 0.5
  await store(loadFlights().slice(6000, 10_000), NOW - 40 * 60_000, Date.now() - 1000);
  const resolved = await waitFor(
    'the resolved email',
    () => smtp.mails.slice(mailsBefore).find((m) => /RESOLVED/.test(m.mail.subject ?? '')),
    60_000,
  );
  assert.match(resolved.mail.subject ?? '', /errors/);
  const runs = await okRuns();
  await waitFor('two more runs', async () => (await okRuns()) >= runs + 2, 30_000, 500);
  assert.equal(smtp.mails.slice(mailsBefore).length, 1, 'one resolved email, nothing more');
  assert.equal(hook.delivered().filter((r) => rulesOf(bodyOf(r)).includes('errors:resolved')).length, 1);
  monitor!.kill('SIGTERM');
  assert.equal((await monitor!.exited).code, 0);
});

test('a bad alerting config stops the monitor at start-up and says exactly what is wrong', async () => {
  const cases: [string, string, RegExp][] = [
    [
      'invalid URL',
      `channels: { hook: { webhook: "not a url", secret_env: HOOK_SECRET } }`,
      /alerting\.channels\.hook\.webhook: "not a url" is invalid: expected an absolute http:\/\/ or https:\/\/ URL/,
    ],
    [
      'missing secret',
      `channels: { hook: { webhook: "http://127.0.0.1:1/x", secret_env: NO_SUCH_SECRET } }`,
      /alerting\.channels\.hook\.secret_env: "NO_SUCH_SECRET" is invalid: .*\(NO_SUCH_SECRET is not set\)/,
    ],
    [
      'unknown metric',
      `channels: { hook: { webhook: "http://127.0.0.1:1/x", secret_env: HOOK_SECRET } }\nrules: [{ name: r, when: "latency.p999_ms > 5", routes: [hook] }]`,
      /rules\[0\]\.when: "latency\.p999_ms > 5" is invalid: expected a condition/,
    ],
    [
      'password in a URL',
      `channels: { hook: { webhook: "https://ops:${SECRET}@hooks.example.com/x", secret_env: HOOK_SECRET } }`,
      /alerting\.channels\.hook\.webhook: "https:\/\/\*\*\*@hooks\.example\.com\/x" is invalid/,
    ],
    [
      'malformed YAML',
      `channels: { hook: { webhook: "http://127.0.0.1:1/x", secret_env: HOOK_SECRET }`,
      /invalid YAML/,
    ],
  ];
  for (const [what, alerting, expected] of cases) {
    const path = join(dir, `${what.replace(/ /g, '-')}.yaml`);
    const [head, ...rest] = alerting.split('\n');
    writeFileSync(
      path,
      `version: 1\nalerting:\n  ${head}\n${rest.join('\n')}\nmonitors:\n  - { name: m, model: flights, baseline: b }\n`,
    );
    const bad = new MonitorProcess({ ...env, MONITOR_CONFIG: path });
    await bad.start();
    assert.equal((await bad.exited).code, 1, what);
    assert.match(bad.output, expected, what);
    assert.ok(!bad.output.includes(SECRET), `${what}: no secret in the output`);
  }
});
