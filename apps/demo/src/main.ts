/**
 * The demo (README's first command): local Kafka and ClickHouse, the ingest and monitor services,
 * a local SMTP catcher and webhook receiver, and real data — vega-datasets' 20k US flights of
 * 2001 — replayed through the SDK as a delay model's predictions, features and late labels, with
 * a drift part-way. It prints what a user then sees with SQL, the alerts that fired, the email
 * that arrived and the webhooks received (signature verified), then keeps the platform running
 * until Ctrl-C (DEMO_EXIT=1: stop after printing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { createClickHouse, clickhouseSettingsFromEnv, type ClickHouse } from '@driftwatch/clickhouse';
import { topicNames } from '@driftwatch/contracts';
import { createKafka, kafkaSettingsFromEnv } from '@driftwatch/kafka';
import { DriftwatchClient } from '@driftwatch/sdk';
import type { Notification } from '@driftwatch/alerting';
import { formatNumber } from '@driftwatch/format';
import { flightFeatures, loadFlights, predictDelay, shuffled } from '../../../test/support/flights';
import { SmtpCatcher, WebhookReceiver } from '../../../test/support/receivers';
import { resultTable, type ColumnFormats } from './result-table';

const ROOT = join(__dirname, '../../../..');
const MODEL = 'flight-delay';
const HOUR = 3_600_000;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function show(ch: ClickHouse, title: string, sql: string, formats: ColumnFormats = {}): Promise<void> {
  console.log(`\n${title}\n  ${sql.replace(/\s+/g, ' ').trim()}\n`);
  console.log(resultTable(await ch.query(sql), formats));
}

async function main(): Promise<void> {
  // the demo has its own database and topics, emptied at each run, so it never mixes with real data
  process.env.CLICKHOUSE_DATABASE ??= 'driftwatch_demo';
  process.env.TOPIC_PREFIX ??= 'driftwatch-demo';
  process.env.INGEST_GROUP_ID ??= 'driftwatch-demo-ingest';
  const settings = clickhouseSettingsFromEnv();
  const admin = createClickHouse({ ...settings, database: 'default' });
  await admin.command(`DROP DATABASE IF EXISTS ${settings.database}`);
  await admin.close();
  const port = process.env.INGEST_HTTP_PORT ?? '3001';
  const ingest = spawn('bash', [join(ROOT, 'apps/ingest/start.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // the demo prints for people: its services log text even when its output goes to a file or a pipe
    env: {
      ...process.env,
      LOG_FORMAT: process.env.LOG_FORMAT ?? 'text',
      INGEST_HTTP_PORT: port,
      INGEST_FLUSH_MS: '500',
    },
  });
  const children: ChildProcess[] = [ingest];
  // where the alerts go: a real SMTP server and a real webhook receiver, on loopback
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const smtp = new SmtpCatcher();
  const receiver = new WebhookReceiver(secret);
  await Promise.all([smtp.start(), receiver.start()]);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all([smtp.stop(), receiver.stop()]);
    await Promise.all(
      children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map(
          (c) =>
            new Promise((resolve) => {
              c.once('exit', resolve);
              c.kill('SIGTERM');
            }),
        ),
    );
    console.log('[demo] stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => {
    console.log(
      '\n[demo] Ctrl-C: stopping the monitor and ingest services (they flush and commit), the SMTP server and the webhook receiver',
    );
    void stop(0);
  });
  process.on('SIGTERM', () => void stop(143));
  ingest.once('exit', (code) => {
    if (!stopping) {
      console.error(`ingest service exited unexpectedly (code ${code})`);
      process.exit(1);
    }
  });

  await until('the ingest service', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, 120_000);
  const ch = createClickHouse(settings);
  // baseline hour: 8,000 flights in random order; monitored hour: 4,000 flights whose second half
  // are evening departures only (a real sub-population: the drift appears part-way)
  const all = shuffled(loadFlights(), 7);
  const rest = all.slice(8000);
  const evening = rest.filter((f) => Number(flightFeatures(f).dep_hour) >= 17);
  const flights = [...all.slice(0, 8000), ...rest.slice(0, 2000), ...evening.slice(0, 2000)];
  const hourStart = Math.floor(Date.now() / 60_000) * 60_000 - 2 * HOUR;
  console.log(
    `\n[demo] replaying ${formatNumber(flights.length)} real flights (vega-datasets flights-20k) through the SDK as model '${MODEL}': a baseline hour, then an hour whose second half drifts (evening departures only)`,
  );
  const sdk = new DriftwatchClient({ clientId: 'driftwatch-demo', topicPrefix: process.env.TOPIC_PREFIX });
  const ids: string[] = [];
  flights.forEach((f, i) => {
    const features = flightFeatures(f);
    const at =
      i < 8000 ? hourStart + Math.floor((i * HOUR) / 8000) : hourStart + HOUR + Math.floor(((i - 8000) * HOUR) / 4000);
    ids.push(
      sdk.logPrediction({
        model: MODEL,
        modelVersion: i % 2 === 0 ? 'v1' : 'v2',
        prediction: predictDelay(features),
        latencyMs: 3 + Number(features.distance) / 400 + (i % 17) * 0.7,
        status: i % 400 === 0 ? 'error' : 'ok',
        features,
        timestamp: at,
      }),
    );
  });
  // ground truth arrives later: the real delay of each flight
  flights.forEach((f, i) => sdk.logLabel({ eventId: ids[i]!, model: MODEL, label: f.delay }));
  await sdk.close();

  // one malformed message from a hand-rolled producer, to show the dead-letter path
  const kafka = createKafka(kafkaSettingsFromEnv(process.env, 'driftwatch-demo'));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic: topicNames(process.env.TOPIC_PREFIX).prediction,
    messages: [{ value: '{"model": "flight-delay", "latency_ms": "fast"' }],
  });
  await producer.disconnect();

  await until(
    'all events in ClickHouse',
    async () => {
      const [r] = await ch.query<{ p: string; l: string; d: string }>(
        `SELECT (SELECT uniqExact(event_id) FROM predictions WHERE model = '${MODEL}') AS p, (SELECT uniqExact(event_id) FROM labels WHERE model = '${MODEL}') AS l, (SELECT count() FROM dead_letters) AS d`,
      );
      return Number(r!.p) >= flights.length && Number(r!.l) >= flights.length && Number(r!.d) >= 1;
    },
    120_000,
  );

  await show(
    ch,
    'Events per model and version (dedup-safe)',
    `SELECT model, model_version, uniqExact(event_id) AS events, countIf(status = 'error') AS errors FROM predictions FINAL WHERE model = '${MODEL}' GROUP BY model, model_version ORDER BY model_version`,
    { events: 'number', errors: 'number' },
  );
  await show(
    ch,
    'Latency per version',
    `SELECT model_version, quantileExact(0.5)(latency_ms) AS p50_ms, quantileExact(0.95)(latency_ms) AS p95_ms, quantileExact(0.99)(latency_ms) AS p99_ms FROM predictions FINAL WHERE model = '${MODEL}' GROUP BY model_version ORDER BY model_version`,
  );
  await show(
    ch,
    'Mean predicted vs actual delay by origin (top 5 by flights), predictions joined to late labels',
    `SELECT origin, count() AS flights, avg(predicted) AS predicted_delay, avg(label_num) AS actual_delay FROM (SELECT event_id, cat_values[indexOf(cat_names, 'origin')] AS origin, prediction_num AS predicted FROM predictions FINAL WHERE model = '${MODEL}') ANY INNER JOIN (SELECT event_id, label_num FROM labels FINAL WHERE model = '${MODEL}') USING event_id GROUP BY origin ORDER BY flights DESC LIMIT 5`,
    { flights: 'number' },
  );
  await show(
    ch,
    'Dead letters (refused messages, with the reason)',
    `SELECT source_topic, code, reason FROM dead_letters ORDER BY failed_at DESC LIMIT 3`,
  );
  // the monitor service: baseline = the first hour, window = the last hour, a run every 15 s
  const configPath = join(ROOT, '.local', 'demo-monitors.yaml');
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(
    configPath,
    `version: 1
alerting:
  repeat_interval: 4h
  channels:
    oncall: { email: [ml-oncall@example.com, flights-team@example.com] }
    team-hook: { webhook: "${receiver.url('/alerts')}", secret_env: DEMO_WEBHOOK_SECRET }
    retrain-pipeline: { webhook: "${receiver.url('/retrain')}", secret_env: DEMO_WEBHOOK_SECRET }
monitors:
  - name: flight-delay-hourly
    model: ${MODEL}
    baseline: { from: "${new Date(hourStart).toISOString()}", to: "${new Date(hourStart + HOUR).toISOString()}" }
    window: 1h
    schedule: "*/15 * * * * *"
    rules:
      - { name: input-drift, when: "psi > 0.2", severity: warning, labels: { team: flights }, routes: [oncall, team-hook] }
      - { name: slow-predictions, when: "latency.p99_ms > 250", severity: critical, routes: [oncall, team-hook] }
      - { name: errors, when: "error_rate > 0.02", severity: critical, routes: [oncall, team-hook] }
    retraining: { min_drifted_features: 2, cooldown: 24h, routes: [retrain-pipeline] }
`,
  );
  console.log(
    `\n[demo] starting the monitor service with ${configPath}; email to a local SMTP server on :${smtp.port}, webhooks to a local receiver on :${receiver.port}`,
  );
  const monitorPort = process.env.MONITOR_HTTP_PORT ?? '3002';
  const monitor = spawn(process.execPath, [join(ROOT, 'dist/apps/monitor/src/main.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      LOG_FORMAT: process.env.LOG_FORMAT ?? 'text',
      MONITOR_CONFIG: configPath,
      MONITOR_HTTP_PORT: monitorPort,
      DEMO_WEBHOOK_SECRET: secret,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: 'driftwatch demo <driftwatch@localhost>',
    },
  });
  children.push(monitor);
  await until(
    'the first monitor run',
    async () => {
      const [r] = await ch.query<{ n: string }>(
        `SELECT count() AS n FROM monitor_runs WHERE monitor = 'flight-delay-hourly' AND status = 'ok'`,
      );
      return Number(r!.n) >= 1;
    },
    120_000,
  );
  const run = `(SELECT argMax(run_id, started_at) FROM monitor_runs WHERE monitor = 'flight-delay-hourly' AND status = 'ok')`;
  await show(
    ch,
    'Drift of the last hour against the baseline hour, all versions (breached = threshold crossed)',
    `SELECT feature, method, value, p_value, threshold, breached, window_n FROM drift_results WHERE run_id = ${run} AND model_version = '*' ORDER BY breached DESC, feature, method`,
    { window_n: 'number' },
  );
  await show(
    ch,
    'Health of the last hour',
    `SELECT model_version, events, errors, error_rate, events_per_s, latency_p50_ms, latency_p95_ms, latency_p99_ms FROM health_results WHERE run_id = ${run} ORDER BY model_version`,
    { events: 'number', errors: 'number', error_rate: 'percent' },
  );
  await showAlerts(ch, run, smtp, receiver, secret);
  console.log(`\n[demo] query the tables yourself: clickhouse-client --port 9000 -d ${settings.database}`);
  if (process.env.DEMO_EXIT === '1') {
    await ch.close();
    return stop(0);
  }
  console.log(
    `[demo] the platform keeps running (a monitor run every 15 s; metrics on http://127.0.0.1:${monitorPort}/metrics). Ctrl-C stops everything.`,
  );
}

/** The alerts of the first run: state changes, the email, the webhooks, and how fast they left. */
async function showAlerts(
  ch: ClickHouse,
  run: string,
  smtp: SmtpCatcher,
  receiver: WebhookReceiver,
  secret: string,
): Promise<void> {
  await until(
    'the email and the webhooks',
    async () =>
      smtp.mails.length >= 1 && receiver.delivered('/alerts').length >= 1 && receiver.delivered('/retrain').length >= 1,
    60_000,
  );
  await show(
    ch,
    'Alerts of that run (alert_events: the append-only alert history)',
    `SELECT rule, model_version, status, notify, condition, length(routes) AS routes FROM alert_events WHERE run_id = ${run} ORDER BY kind, rule, model_version`,
    { routes: 'number' },
  );
  await show(
    ch,
    'Deliveries (alert_deliveries: the outbox), with the time from the end of the run to the first attempt',
    `SELECT channel, kind, status, attempt, http_status, attempted_ms - run_ended_ms AS run_end_to_attempt_ms FROM alert_deliveries WHERE run_id = ${run} AND attempt = 1 ORDER BY channel, kind`,
    { run_end_to_attempt_ms: 'number' },
  );
  const [latency] = await ch.query<{ max_ms: string; min_ms: string }>(
    `SELECT toString(max(attempted_ms - run_ended_ms)) AS max_ms, toString(min(attempted_ms - run_ended_ms)) AS min_ms FROM alert_deliveries WHERE run_id = ${run} AND attempt = 1`,
  );
  const { mail, envelopeTo } = smtp.mails[0]!;
  console.log(
    `\nThe email that arrived at the local SMTP server\n  To: ${envelopeTo.join(', ')}\n  Subject: ${mail.subject}\n  Parts: text (${mail.text?.length ?? 0} chars), html (${String(mail.html).length} chars, the breached metrics in a <table>)\n`,
  );
  console.log(
    (mail.text ?? '')
      .split('\n')
      .slice(0, 24)
      .map((l) => `  | ${l}`)
      .join('\n'),
  );
  console.log(
    '\nWebhooks received by the local receiver (Standard Webhooks signature checked with the endpoint secret)',
  );
  for (const r of receiver.received) {
    const body = JSON.parse(r.body) as Notification;
    const what =
      body.kind === 'retraining'
        ? `retraining of version ${body.retraining?.modelVersion}: ${body.retraining?.reason}; features ${body.retraining?.driftedFeatures.map((f) => `${f.feature}/${f.method}=${formatNumber(f.value)}`).join(' ')}`
        : body.alerts.map((a) => `${a.rule} ${a.state} (${a.evidence.length} breached metrics)`).join('; ');
    console.log(
      `  POST ${r.path}  webhook-id ${String(r.headers['webhook-id'])}  signature ${r.verified ? 'verified' : 'INVALID'}  ${what}`,
    );
  }
  console.log(
    `\n[demo] end of monitor run -> first delivery attempt: ${latency?.min_ms} to ${latency?.max_ms} ms (target: under 5000 ms)`,
  );
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
