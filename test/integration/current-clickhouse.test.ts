/**
 * Every statement valid on both engines: the 18.16 server the project runs on, and a current
 * ClickHouse (chDB, test/support/chdb.ts). Both get the migrations and the same small data set;
 * the real monitor run (baseline from a range, count, evaluate, record) must give the same drift
 * and health results on both. Values are compared, not JSON text: 18.16 quotes 64-bit integers in
 * JSON and the current engine does not.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ALL_VERSIONS,
  createClickHouse,
  dropExpiredPartitions,
  ensureDatabase,
  eventRow,
  loadMigrations,
  migrate,
  TABLES,
  type ClickHouse,
} from '@driftwatch/clickhouse';
import { ClickHouseAlertStore, type DeliveryRecord } from '@driftwatch/alerting';
import { validateEvent } from '@driftwatch/contracts';
import {
  countQuality,
  evaluateQuality,
  lastWindowEnd,
  loadBaseline,
  QUALITY_METRICS,
  runMonitor,
  type DriftMonitorSpec,
  type QualitySpec,
  type RunOutcome,
} from '@driftwatch/drift';
import { ChdbClickHouse } from '../support/chdb';
import { CLICKHOUSE_URL, uniqueName } from '../support/services';

const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
const MODEL = 'scoring';
const EVENTS_AN_HOUR = 1200;

let old: ClickHouse; // 18.16
let current: ChdbClickHouse;
let database: string;

/**
 * The same events for both engines (fixed ids and ingest time): two versions, numeric and
 * categorical features, a number that the buckets cannot resolve (epoch seconds), a null, errors,
 * latencies, and a few redelivered copies. `shift` moves the distributions of the later hour.
 */
function hourOfEvents(hour: number, shift: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < EVENTS_AN_HOUR; i++) {
    const timestamp = T0 + hour * HOUR + Math.floor((i * HOUR) / EVENTS_AN_HOUR);
    const checked = validateEvent('prediction', {
      event_id: `00000000-0000-4000-8000-${(hour * 100_000 + i).toString(16).padStart(12, '0')}`,
      model: MODEL,
      model_version: i % 4 === 0 ? 'v2' : 'v1',
      timestamp,
      latency_ms: 2 + ((i * 37) % 50) / 4 + shift * 3,
      status: i % 50 === 7 ? 'error' : 'ok',
      prediction: ((i * 13) % 100) / 100 + shift * 0.2,
      features: {
        amount: 10 + ((i * 31) % 97) / 3 + shift * 8,
        age: 18 + ((i * 7) % 60),
        session_start_s: 1_790_000_000 + ((i * 7919) % 14_400) + shift * 3 * 3600,
        channel: i % (3 + shift) === 0 ? 'web' : 'app',
        country: ['fr', 'de', 'es', 'it'][(i + shift * (i % 2)) % 4] ?? 'fr',
        note: i % 10 === 0 ? null : 'x',
      },
    });
    assert.ok(checked.ok, JSON.stringify(checked));
    const { row } = eventRow(checked, T0 + 5 * HOUR);
    rows.push(row);
    if (i % 100 === 3) rows.push(row); // redelivered: stored twice, counted once
  }
  return rows;
}

const spec: DriftMonitorSpec = {
  name: 'scoring-drift',
  model: MODEL,
  baseline: { kind: 'range', fromMs: T0, toMs: T0 + HOUR },
  windowMs: HOUR,
  minSamples: 100,
  segmentByVersion: true,
  numericMethods: ['psi', 'ks', 'wasserstein', 'js'],
  categoricalMethods: ['psi', 'chi2', 'js'],
  thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: null, wasserstein: null },
  psiBins: 10,
  features: 'all',
  excludeFeatures: [],
  prediction: true,
  latency: true,
};

before(async () => {
  database = uniqueName('current');
  const settings = { url: CLICKHOUSE_URL, database, username: 'default', password: '', requestTimeoutMs: 30_000 };
  await ensureDatabase(settings);
  old = createClickHouse(settings);
  current = ChdbClickHouse.start();
  await migrate(old);
});

after(async () => {
  await old?.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await old?.close();
  await current?.close();
});

test('every migration applies on current ClickHouse, and is recognised as applied on the next start', async () => {
  const names = loadMigrations().map((m) => m.name);
  assert.deepEqual((await migrate(current)).applied, names);
  assert.deepEqual(await migrate(current), { applied: [], skipped: names });
  assert.match(await current.version(), /^\d+\.\d+\./);
});

/** A number, whichever way the engine wrote it in JSON (18.16 quotes 64-bit integers). */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) return Number(value);
  return undefined;
}

/** Differences between two values, numbers within a relative tolerance (floats summed in another order). */
function differences(a: unknown, b: unknown, path: string, out: string[]): void {
  const [x, y] = [numeric(a), numeric(b)];
  if (x !== undefined && y !== undefined) {
    if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) out.push(`${path}: ${x} vs ${y}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((v, i) => differences(v, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as never)[k], (b as never)[k], `${path}.${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

function assertSameValues(a: unknown, b: unknown, what: string): void {
  const out: string[] = [];
  differences(a, b, what, out);
  assert.deepEqual(out, [], `18.16 and current ClickHouse differ:\n${out.slice(0, 30).join('\n')}`);
}

/** Result rows keyed by what they are about, without what differs by run (id, times). */
function byKey<T extends object>(rows: readonly T[] | undefined, key: (row: T) => string): Record<string, unknown> {
  const keyed: Record<string, unknown> = {};
  for (const row of rows ?? []) {
    const { run_id: _r, computed_at: _c, ...rest } = row as Record<string, unknown>;
    keyed[key(row)] = rest;
  }
  return keyed;
}

test('the same events give the same baseline, drift and health results on 18.16 and on current ClickHouse', async () => {
  const rows = [0, 1, 2].flatMap((hour) => hourOfEvents(hour, hour === 2 ? 1 : 0));
  for (const ch of [old, current]) await ch.insert(TABLES.predictions, rows);

  const outcomes: RunOutcome[] = [];
  for (const ch of [old, current]) {
    const steady = await runMonitor(ch, spec, T0 + 2 * HOUR); // hour 1: like the baseline
    const shifted = await runMonitor(ch, spec, T0 + 3 * HOUR); // hour 2: shifted
    for (const o of [steady, shifted]) assert.equal(o.status, 'ok', o.error);
    outcomes.push(steady, shifted);
    assert.equal(await lastWindowEnd(ch, spec.name), T0 + 3 * HOUR);
  }
  const [oldSteady, oldShifted, curSteady, curShifted] = outcomes as [RunOutcome, RunOutcome, RunOutcome, RunOutcome];

  // the baseline created from the range, stored and read back: its id is a hash of its content
  const [oldBase, curBase] = await Promise.all(
    [old, current].map((ch) => loadBaseline(ch, MODEL, 'scoring-drift.range')),
  );
  assert.ok(oldBase && curBase);
  assert.equal(curBase.id, oldBase.id);
  assertSameValues(Object.fromEntries(curBase.features), Object.fromEntries(oldBase.features), 'baseline');

  const driftKey = (r: { model_version: string; feature: string; method: string }) =>
    `${r.model_version}/${r.feature}/${r.method}`;
  const healthKey = (r: { model_version: string }) => r.model_version;
  for (const [o, c, what] of [
    [oldSteady, curSteady, 'steady'],
    [oldShifted, curShifted, 'shifted'],
  ] as const) {
    assert.ok((o.drift?.length ?? 0) > 40, `${what}: drift rows for 3 segments x 6 features`);
    assert.equal(Object.keys(byKey(o.drift, driftKey)).length, o.drift?.length, 'one row a key');
    // redelivered copies are counted once (the duplicate correction of libs/drift duplicates.ts)
    assert.equal(Number(o.health?.find((r) => r.model_version === ALL_VERSIONS)?.events), EVENTS_AN_HOUR);
    assertSameValues(byKey(c.drift, driftKey), byKey(o.drift, driftKey), `${what}.drift`);
    assertSameValues(byKey(c.health, healthKey), byKey(o.health, healthKey), `${what}.health`);
    assert.equal(c.breaches, o.breaches);
  }
  // one version alone is not like the baseline of all versions (version and country share a cycle)
  const breached = (o: RunOutcome) =>
    (o.drift ?? [])
      .filter((r) => r.breached && r.model_version === ALL_VERSIONS)
      .map((r) => `${r.feature}/${r.method}`);
  assert.deepEqual(breached(oldSteady), [], 'the same distribution is no drift');
  assert.ok(breached(oldShifted).length >= 6, `the shifted hour is drift: ${breached(oldShifted)}`);

  // what was recorded, read back through each engine's JSON (the columns a dashboard reads)
  const stored = {
    [TABLES.driftResults]: `SELECT model_version, feature, method, status, value, p_value, breached, window_n, baseline_n,
      toUnixTimestamp(window_end) AS end FROM ${TABLES.driftResults} ORDER BY end, model_version, feature, method`,
    [TABLES.healthResults]: `SELECT model_version, status, events, errors, error_rate, latency_p99_ms,
      toUnixTimestamp(window_end) AS end FROM ${TABLES.healthResults} ORDER BY end, model_version`,
  };
  for (const [table, sql] of Object.entries(stored))
    assertSameValues(await current.query(sql), await old.query(sql), table);
});

type AlertEventRecord = Parameters<ClickHouseAlertStore['appendAlertEvents']>[0][number];

test('the alert store and retention read the same back from 18.16 and from current ClickHouse', async () => {
  const at = T0 + 3 * HOUR;
  const alert: AlertEventRecord = {
    alertKey: 'scoring-drift/psi-high/*',
    kind: 'alert',
    monitor: spec.name,
    model: MODEL,
    modelVersion: ALL_VERSIONS,
    rule: 'psi-high',
    severity: 'warning',
    status: 'firing',
    notify: 'firing',
    state: { status: 'firing', activeSinceMs: at - HOUR, consecutive: 2, lastNotifiedMs: at },
    evaluatedAtMs: at,
    runId: 'run-1',
    condition: 'psi > 0.2',
    labels: { team: 'risk' },
    noticeId: 'notice-1',
    routes: ['ops'],
    notice: '{}',
  };
  const retraining: AlertEventRecord = {
    ...alert,
    alertKey: 'scoring-drift/retrain',
    kind: 'retraining',
    status: 'triggered',
    notify: '',
    noticeId: '',
  };
  const queued: DeliveryRecord = {
    deliveryId: 'delivery-1',
    channel: 'ops',
    channelKind: 'webhook',
    kind: 'alert',
    monitor: spec.name,
    model: MODEL,
    runId: 'run-1',
    noticeIds: ['notice-1'],
    status: 'queued',
    attempt: 0,
    nextAttemptMs: at,
    httpStatus: 0,
    error: '',
    runEndedMs: at,
    attemptedMs: 0,
    payload: '{"alerts":1}',
  };
  const readBack = [];
  for (const ch of [old, current]) {
    const store = new ClickHouseAlertStore(ch);
    await store.appendAlertEvents([alert, retraining, { ...alert, state: { ...alert.state, consecutive: 3 } }]);
    await store.appendDeliveries([queued, { ...queued, status: 'retrying', attempt: 1, httpStatus: 503, payload: '' }]);
    // a day partition past a 30-day retention
    await ch.insert(TABLES.deadLetters, [
      {
        source_topic: 't',
        source_partition: 0,
        source_offset: 1,
        code: 'json',
        reason: 'x',
        raw: '{',
        raw_bytes: 1,
        failed_at: '2020-01-01 00:00:00',
      },
    ]);
    readBack.push({
      latest: await store.latestAlertEvents([spec.name]),
      notices: await store.noticeEvents([spec.name]),
      retraining: [...(await store.lastRetraining([spec.name]))],
      unfinished: await store.unfinishedDeliveries(),
      queued: [...(await store.queuedNotices())],
      dropped: await dropExpiredPartitions(ch, 30),
    });
  }
  const [fromOld, fromCurrent] = readBack;
  assert.equal(fromOld?.latest.find((r) => r.kind === 'alert')?.state.consecutive, 3);
  assert.deepEqual(fromOld?.dropped, ['dead_letters/20200101']);
  assert.deepEqual(fromOld?.unfinished[0]?.payload, '{"alerts":1}');
  assertSameValues(fromCurrent, fromOld, 'alerting');
});

test('model quality counts give the same metrics on 18.16 and on current ClickHouse', async () => {
  // Scored, classified and numeric predictions with labels: redelivered copies, corrected labels.
  const rows: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 300; i++) {
    const at = T0 + Math.floor((i * HOUR) / 300);
    const id = `00000000-0000-4000-9000-${i.toString(16).padStart(12, '0')}`;
    const score = ((i * 37) % 101) / 100;
    const prediction = validateEvent('prediction', {
      event_id: id,
      model: 'quality',
      model_version: i % 3 === 0 ? 'v2' : 'v1',
      timestamp: at,
      latency_ms: 3,
      status: 'ok',
      prediction: i % 4 === 0 ? 'b' : 10 + (i % 17),
      score,
    });
    assert.ok(prediction.ok, JSON.stringify(prediction));
    const { row } = eventRow(prediction, T0 + 5 * HOUR);
    rows.push(row);
    if (i % 50 === 1) rows.push(row);
    if (i % 5 === 4) continue; // 80% labelled
    const label = (value: number | string, afterMs: number) => {
      const checked = validateEvent('label', { event_id: id, model: 'quality', timestamp: at + afterMs, label: value });
      assert.ok(checked.ok);
      return eventRow(checked, T0 + 5 * HOUR + afterMs).row;
    };
    if (i % 7 === 0) labels.push(label(0, 1000)); // corrected by the newer label below
    labels.push(label((i * 13) % 7 < 3 ? 1 : 0, 2000));
  }
  for (const ch of [old, current]) {
    await ch.insert(TABLES.predictions, rows);
    await ch.insert(TABLES.labels, labels);
  }
  const window = { startMs: T0, endMs: T0 + HOUR };
  for (const task of ['binary', 'multiclass', 'regression'] as const) {
    const quality: QualitySpec = {
      task,
      threshold: 0.5,
      metrics: [...QUALITY_METRICS[task]],
      labelDelayMs: 0,
      minLabelled: 10,
      minLabelCoverage: 0.1,
    };
    const plan = { runId: 'run-q', monitor: 'quality', model: 'quality', segmentByVersion: true, quality };
    const [o, c] = await Promise.all(
      [old, current].map(async (ch) =>
        evaluateQuality(plan, window, await countQuality(ch, 'quality', window, quality), T0),
      ),
    );
    const key = (r: { model_version: string; metric: string }) => `${r.model_version}/${r.metric}`;
    assert.ok(o && c && o.some((r) => r.status === 'ok' && r.value !== null), `${task}: values on 18.16`);
    assertSameValues(byKey(c, key), byKey(o, key), `quality.${task}`);
  }
});
