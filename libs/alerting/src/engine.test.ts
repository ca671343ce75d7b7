import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMonitorConfig, type MonitorSpec } from '@driftwatch/config';
import type { AttemptResult } from './delivery';
import { AlertEngine, type RunReport } from './engine';
import type { Channel, Notification } from './notification';
import { Outbox, type DeliveryRecord, type OutboxStore } from './outbox';
import type { DriftResult } from './rule-evaluation';
import type { AlertEventRecord, AlertStore } from './store';

/** The alert history in memory: a fake of ClickHouseAlertStore, same latest-row-wins reading. */
class MemoryStore implements AlertStore, OutboxStore {
  events: AlertEventRecord[] = [];
  deliveries: DeliveryRecord[] = [];
  async appendAlertEvents(records: readonly AlertEventRecord[]) {
    this.events.push(...structuredClone(records));
  }
  async latestAlertEvents() {
    const latest = new Map<string, AlertEventRecord>();
    for (const e of this.events) latest.set(e.alertKey, e);
    return [...latest.values()];
  }
  async noticeEvents() {
    return this.events.filter((e) => e.noticeId);
  }
  async lastRetraining() {
    return new Map(this.events.filter((e) => e.status === 'triggered').map((e) => [e.alertKey, e.evaluatedAtMs]));
  }
  /** Set to make the next outbox writes fail, as when ClickHouse is down. */
  deliveriesDown = false;
  async appendDeliveries(records: readonly DeliveryRecord[]) {
    if (this.deliveriesDown) throw new Error('ClickHouse is down');
    this.deliveries.push(...structuredClone(records));
  }
  async unfinishedDeliveries() {
    const latest = new Map<string, DeliveryRecord>();
    for (const d of this.deliveries)
      latest.set(d.deliveryId, { ...d, payload: latest.get(d.deliveryId)?.payload || d.payload });
    return [...latest.values()].filter((d) => d.status === 'queued' || d.status === 'retrying');
  }
  async queuedNotices() {
    return new Set(
      this.deliveries
        .filter((d) => d.status === 'queued')
        .flatMap((d) => d.noticeIds.map((id) => `${d.channel}\n${id}`)),
    );
  }
}

class RecordingChannel implements Channel {
  readonly kind = 'webhook';
  received: Notification[] = [];
  constructor(readonly name: string) {}
  async send(n: Notification): Promise<AttemptResult> {
    this.received.push(n);
    return { ok: true, status: 200, retryable: false };
  }
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const [spec] = parseMonitorConfig(
  `version: 1
alerting:
  channels:
    hook: { webhook: "http://127.0.0.1:1/hook", secret_env: HOOK_SECRET }
    pipeline: { webhook: "http://127.0.0.1:1/retrain", secret_env: HOOK_SECRET }
monitors:
  - name: flights-hourly
    model: flights
    baseline: b
    rules:
      - { name: input-drift, when: "psi > 0.2", for: 2 runs, routes: [hook] }
      - { name: many-drifted, when: "drifted_features >= 2", routes: [hook] }
    retraining: { min_drifted_features: 3, critical_features: [dep_delay], cooldown: 6h, routes: [pipeline] }
`,
  'engine.test',
  { HOOK_SECRET: SECRET },
).monitors as [MonitorSpec];

function psiRow(feature: string, value: number, version = '*'): DriftResult {
  return {
    model_version: version,
    feature,
    method: 'psi',
    status: 'ok',
    value,
    value_lo: null,
    value_hi: null,
    p_value: null,
    p_value_lo: null,
    p_value_hi: null,
    threshold: 0.2,
    breached: value > 0.2 ? 1 : 0,
  };
}

const HOUR = 3_600_000;
function run(i: number, drift: DriftResult[]): RunReport {
  return {
    runId: `run-${i}`,
    windowStartMs: i * HOUR,
    windowEndMs: (i + 1) * HOUR,
    baselineId: 'b@1',
    endedAtMs: (i + 1) * HOUR,
    drift,
    health: [],
  };
}

async function engine(store: MemoryStore) {
  const hook = new RecordingChannel('hook');
  const pipeline = new RecordingChannel('pipeline');
  const outbox = new Outbox(
    store,
    new Map<string, Channel>([
      ['hook', hook],
      ['pipeline', pipeline],
    ]),
    { maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 1 },
  );
  await outbox.start();
  const alerts = new AlertEngine(store, outbox, [spec], 4 * HOUR);
  const recovered = await alerts.start();
  return { alerts, outbox, hook, pipeline, recovered };
}

const rulesOf = (n: Notification) =>
  n.alerts
    .map((a) => `${a.rule}:${a.state}`)
    .sort()
    .join(',');
const drifting = [psiRow('dep_delay', 0.5), psiRow('distance', 0.3), psiRow('origin', 0.01)];
const calm = [psiRow('dep_delay', 0.01), psiRow('distance', 0.02), psiRow('origin', 0.01)];

test('one grouped notification per run and route; pending until for is met; one resolved notice', async () => {
  const store = new MemoryStore();
  const { alerts, outbox, hook } = await engine(store);
  await alerts.evaluate(spec, run(0, drifting)); // many-drifted fires, input-drift pending
  await alerts.evaluate(spec, run(1, drifting)); // input-drift fires
  await alerts.evaluate(spec, run(2, drifting)); // nothing new (repeat interval 4h)
  await alerts.evaluate(spec, run(3, calm)); // both resolve: one message
  await outbox.idle();
  const summary = hook.received.map((n) =>
    n.alerts
      .map((a) => `${a.rule}:${a.state}`)
      .sort()
      .join(','),
  );
  assert.deepEqual(summary, [
    'many-drifted:firing',
    'input-drift:firing',
    'input-drift:resolved,many-drifted:resolved',
  ]);
  const firing = hook.received[1]!.alerts[0]!;
  assert.deepEqual(
    firing.evidence.map((e) => `${e.feature} ${e.metric} ${e.value}`),
    ['dep_delay psi 0.5', 'distance psi 0.3'],
  );
  assert.equal(hook.received[0]!.sql.includes(`run_id = 'run-0'`), true);
  assert.deepEqual(
    store.events.filter((e) => e.rule === 'input-drift').map((e) => e.status),
    ['pending', 'firing', 'firing', 'resolved'],
  );
});

test('a restart in the middle of a firing alert sends no duplicate', async () => {
  const store = new MemoryStore();
  const first = await engine(store);
  await first.alerts.evaluate(spec, run(0, drifting));
  await first.outbox.idle();
  assert.equal(first.hook.received.length, 1);

  const second = await engine(store);
  assert.equal(second.recovered, 0);
  await second.alerts.evaluate(spec, run(1, drifting)); // input-drift fires now; many-drifted stays firing
  await second.outbox.idle();
  assert.deepEqual(
    second.hook.received.map((n) => n.alerts.map((a) => a.rule).join()),
    ['input-drift'],
  );
});

test('a notice decided while the outbox could not record it is queued by the next run, or at the next start', async () => {
  const store = new MemoryStore();
  const first = await engine(store);
  await first.alerts.evaluate(spec, run(0, drifting)); // many-drifted fires
  store.deliveriesDown = true;
  await assert.rejects(first.alerts.evaluate(spec, run(1, calm)), /ClickHouse is down/); // resolved: recorded, not queued
  store.deliveriesDown = false;
  await first.outbox.idle();
  assert.deepEqual(first.hook.received.map(rulesOf), ['many-drifted:firing'], 'nothing sent unrecorded');

  // the process stops here; the next start finds the resolved notice that never reached the outbox
  const second = await engine(store);
  await second.outbox.idle();
  assert.equal(second.recovered, 1);
  assert.deepEqual(second.hook.received.map(rulesOf), ['many-drifted:resolved']);
  assert.equal((await engine(store)).recovered, 0, 'queued once, never again');

  // without a restart: the same process queues it with its next run
  const store2 = new MemoryStore();
  const third = await engine(store2);
  await third.alerts.evaluate(spec, run(0, drifting));
  store2.deliveriesDown = true;
  await assert.rejects(third.alerts.evaluate(spec, run(1, calm)));
  store2.deliveriesDown = false;
  await third.alerts.evaluate(spec, run(2, calm));
  await third.outbox.idle();
  assert.deepEqual(third.hook.received.map(rulesOf), ['many-drifted:firing', 'many-drifted:resolved']);
});

test('retraining: a critical feature is enough evidence; the cooldown holds back the next trigger', async () => {
  const store = new MemoryStore();
  const { alerts, outbox, pipeline } = await engine(store);
  const onlyCritical = [psiRow('dep_delay', 0.5), psiRow('distance', 0.01)];
  await alerts.evaluate(spec, run(0, [psiRow('distance', 0.5)])); // one non-critical feature: not enough
  await alerts.evaluate(spec, run(1, onlyCritical)); // triggered
  await alerts.evaluate(spec, run(3, onlyCritical)); // 2 h later: cooldown (6 h)
  await alerts.evaluate(spec, run(8, onlyCritical)); // 7 h later: triggered again
  await outbox.idle();
  assert.deepEqual(
    pipeline.received.map((n) => [n.kind, n.runId, n.retraining?.reason]),
    [
      ['retraining', 'run-1', 'critical feature drifted: dep_delay'],
      ['retraining', 'run-8', 'critical feature drifted: dep_delay'],
    ],
  );
  assert.deepEqual(pipeline.received[0]!.retraining!.driftedFeatures, [
    { feature: 'dep_delay', method: 'psi', value: 0.5, threshold: 0.2 },
  ]);
  assert.deepEqual(
    store.events.filter((e) => e.kind === 'retraining').map((e) => e.status),
    ['triggered', 'suppressed', 'triggered'],
  );
});

test('a pending alert keeps its count across a restart', async () => {
  const store = new MemoryStore();
  const first = await engine(store);
  await first.alerts.evaluate(spec, run(0, drifting)); // input-drift: pending (1 of 2 runs)
  const second = await engine(store);
  await second.alerts.evaluate(spec, run(1, drifting)); // second run in a row: fires
  await second.outbox.idle();
  assert.deepEqual(
    second.hook.received.map((n) => n.alerts.map((a) => a.rule).join()),
    ['input-drift'],
  );
});

test('a per-version alert resolves once its version is gone from the window for 3 runs while others have events; an empty window resolves nothing', async () => {
  const perVersion = { ...spec, rules: [{ ...spec.rules[1]!, perVersion: true }], retraining: undefined };
  const store = new MemoryStore();
  const { alerts, outbox, hook } = await engine(store);
  const v2Calm = calm.map((r) => ({ ...r, model_version: 'v2' }));
  await alerts.evaluate(perVersion, run(0, [...drifting.map((r) => ({ ...r, model_version: 'v1' })), ...v2Calm]));
  await alerts.evaluate(perVersion, run(1, [])); // an outage: no events at all
  await alerts.evaluate(perVersion, run(2, [])); // still nothing
  await alerts.evaluate(perVersion, run(3, [])); // and again: v1 stays firing
  await alerts.evaluate(perVersion, run(4, v2Calm)); // v1 retired: absent 1
  await alerts.evaluate(perVersion, run(5, v2Calm)); // absent 2
  await outbox.idle();
  assert.deepEqual(
    hook.received.map((n) => n.alerts.map((a) => `${a.rule}/${a.modelVersion}:${a.state}`).join()),
    ['many-drifted/v1:firing'],
  );
  await alerts.evaluate(perVersion, run(6, v2Calm)); // absent 3: resolved
  await outbox.idle();
  assert.deepEqual(
    hook.received.map((n) => n.alerts.map((a) => `${a.rule}/${a.modelVersion}:${a.state}`).join()),
    ['many-drifted/v1:firing', 'many-drifted/v1:resolved'],
  );
});
