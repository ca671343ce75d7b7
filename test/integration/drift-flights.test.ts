import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALL_VERSIONS, type DriftResultRow, type HealthResultRow } from '@driftwatch/clickhouse';
import { DriftwatchClient } from '@driftwatch/sdk';
import {
  baselineFromRange,
  baselineFromRecords,
  dedupedCounts,
  loadBaseline,
  MAX_CORRECTED_EVENTS,
  computeResults,
  saveBaseline,
  windowCounts,
  type RunPlan,
} from '@driftwatch/drift';
import { flightFeatures, loadFlights, predictDelay, shuffled, type Flight } from '../support/flights';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

/**
 * Real data: vega-datasets' flights (20k US flights, 2001), replayed through Kafka as a delay
 * model's feature logs and predictions. Shuffled with a fixed seed, the first 8,000 flights are
 * the baseline hour, the next 4,000 a window from the same distribution, and a third window holds
 * only evening departures (17:00 and later): a real sub-population whose departure hours, and
 * with them the model's predictions, are clearly shifted.
 */
const HOUR = 3_600_000;
let box: Sandbox;
let ingest: IngestProcess;
const T0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
const MODEL = 'flight-delay';
let baselineRows: Record<string, unknown>[] = [];
let eveningCount = 0;

before(async () => {
  box = await sandbox('drift');
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  const flights = shuffled(loadFlights(), 42);
  const baseline = flights.slice(0, 8000);
  const same = flights.slice(8000, 12000);
  const evening = flights
    .slice(12000)
    .filter((f) => Number(flightFeatures(f).dep_hour) >= 17)
    .slice(0, 4000);
  const sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
  const replay = (rows: Flight[], startMs: number) =>
    rows.forEach((f, i) => {
      const features = flightFeatures(f);
      const timestamp = startMs + Math.floor((i * HOUR) / rows.length);
      const eventId = sdk.logPrediction({
        model: MODEL,
        modelVersion: i % 2 ? 'v1' : 'v2',
        prediction: predictDelay(features),
        latencyMs: 5 + (i % 20),
        timestamp,
      });
      sdk.logFeatures({ eventId, model: MODEL, modelVersion: i % 2 ? 'v1' : 'v2', features, timestamp });
    });
  replay(baseline, T0);
  replay(same, T0 + HOUR);
  replay(evening, T0 + 2 * HOUR);
  eveningCount = evening.length;
  await sdk.close();
  baselineRows = baseline.map((f) => ({ ...flightFeatures(f), __prediction__: predictDelay(flightFeatures(f)) }));
  const total = baseline.length + same.length + evening.length;
  await waitFor(
    'all flights in ClickHouse',
    async () => {
      const [r] = await box.ch.query<{ n: string }>(`SELECT uniqExact(event_id) AS n FROM features`);
      return Number(r!.n) >= total;
    },
    120_000,
  );
});

after(async () => {
  await ingest?.stop();
  await box?.cleanup();
});

function job(baseline: RunPlan['baseline'], hour: number, runId: string): RunPlan {
  return {
    runId,
    monitor: 'flights',
    model: MODEL,
    window: { startMs: T0 + hour * HOUR, endMs: T0 + (hour + 1) * HOUR },
    baseline,
    features: 'all',
    excludeFeatures: [],
    prediction: true,
    numericMethods: ['psi', 'ks'],
    categoricalMethods: ['psi', 'chi2'],
    thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: 0.1, wasserstein: null },
    minSamples: 100,
    segmentByVersion: true,
    latency: true,
  };
}

test('a baseline from a range of production data equals the same data imported as a dataset', async () => {
  const fromRange = await baselineFromRange(box.ch, 'flights-hour0', MODEL, { startMs: T0, endMs: T0 + HOUR });
  const fromFile = baselineFromRecords('flights-hour0', MODEL, 'dataset:test', baselineRows);
  assert.deepEqual([...fromRange.features.keys()].sort(), [
    '__prediction__',
    'dep_hour',
    'destination',
    'distance',
    'origin',
    'weekday',
  ]);
  for (const [name, f] of fromRange.features) {
    const g = fromFile.features.get(name)!;
    assert.equal(f.kind, g.kind, name);
    assert.equal(f.n, 8000, `${name}: every baseline event counted once`);
    assert.deepEqual(f.psiEdges, g.psiEdges, `${name}: PSI edges`);
    assert.deepEqual(f.psiCounts, g.psiCounts, `${name}: PSI counts (ClickHouse vs TypeScript binning)`);
    assert.deepEqual(f.gridCounts, g.gridCounts, `${name}: KS grid counts`);
    assert.deepEqual(f.categoryCounts, g.categoryCounts, `${name}: category counts`);
  }
  assert.equal(fromRange.id, fromFile.id, 'same content, same baseline id: reproducible');
  await saveBaseline(box.ch, fromRange);
  const loaded = await loadBaseline(box.ch, MODEL, 'flights-hour0');
  assert.equal(loaded?.id, fromRange.id);
  assert.deepEqual(loaded?.features.get('distance')?.psiCounts, fromRange.features.get('distance')?.psiCounts);
});

test('a window from the same distribution does not breach; evening departures breach where they differ', async (t) => {
  const baseline = (await loadBaseline(box.ch, MODEL, 'flights-hour0'))!;
  const same = await computeResults(box.ch, job(baseline, 1, 'run-same'));
  const shifted = await computeResults(box.ch, job(baseline, 2, 'run-evening'));
  const all = (rows: DriftResultRow[]) => rows.filter((r) => r.model_version === ALL_VERSIONS);
  for (const r of all(same.drift)) {
    t.diagnostic(
      `same    ${r.feature.padEnd(14)} ${r.method.padEnd(5)} value=${r.value?.toFixed(4)} p=${r.p_value?.toExponential(2) ?? '-'} n=${r.window_n}`,
    );
    assert.equal(r.status, 'ok');
    assert.equal(r.window_n, 4000);
    assert.equal(
      r.breached,
      0,
      `${r.feature} ${r.method} must not breach on a window from the baseline's distribution`,
    );
  }
  const byKey = new Map(all(shifted.drift).map((r) => [`${r.feature}/${r.method}`, r]));
  for (const r of all(shifted.drift))
    t.diagnostic(
      `evening ${r.feature.padEnd(14)} ${r.method.padEnd(5)} value=${r.value?.toFixed(4)} p=${r.p_value?.toExponential(2) ?? '-'} breached=${r.breached}`,
    );
  // departure hour is the selection itself; the prediction depends on it
  for (const key of ['dep_hour/psi', 'dep_hour/ks', '__prediction__/psi', '__prediction__/ks'])
    assert.equal(byKey.get(key)?.breached, 1, `${key} must breach`);
  assert.ok(byKey.get('dep_hour/psi')!.value! > 1, 'a strong shift has a large PSI');
  // binned KS: the exact D lies in [value_lo, value_hi]
  const ks = byKey.get('dep_hour/ks')!;
  assert.ok(ks.value_lo! <= ks.value! && ks.value! <= ks.value_hi!);
  // versions are segments of the same counts
  const versions = shifted.drift.filter((r) => r.feature === 'dep_hour' && r.method === 'psi');
  assert.deepEqual(versions.map((r) => r.model_version).sort(), ['*', 'v1', 'v2']);
  assert.equal(
    versions.filter((r) => r.model_version !== '*').reduce((a, r) => a + r.window_n, 0),
    eveningCount,
  );
  const health = shifted.health.find((h) => h.model_version === ALL_VERSIONS)!;
  assert.equal(health.events, eveningCount);
  assert.equal(health.latency_p99_ms, 24);
});

test('a window that does not start or end on a minute: whole minutes from the views plus raw seconds give the raw-row counts', async () => {
  const baseline = (await loadBaseline(box.ch, MODEL, 'flights-hour0'))!;
  const numeric = [...baseline.features.values()]
    .filter((f) => f.kind === 'numeric')
    .map((f) => ({ feature: f.feature, psiEdges: f.psiEdges, grid: f.grid }));
  const categorical = [...baseline.features.values()].filter((f) => f.kind === 'categorical').map((f) => f.feature);
  const window = { startMs: T0 + HOUR + 90_500, endMs: T0 + 2 * HOUR + 20 * 60_000 + 17_000 };
  const viaViews = await windowCounts(box.ch, MODEL, window, numeric, categorical);
  // the raw-row path (as before the views): PSI bins by comparison sums against the same edges
  const viaRaw = await dedupedCounts(box.ch, MODEL, window, numeric, categorical);
  const psi = (c: typeof viaViews.numeric) =>
    [...c.byVersion].map(([v, m]) => [v, [...m].map(([f, x]) => [f, x.psi, x.n]).sort()]).sort();
  assert.deepEqual(psi(viaViews.numeric), psi(viaRaw.numeric));
  const cats = (c: typeof viaViews.categories) =>
    [...c].map(([v, m]) => [v, [...m].map(([f, x]) => [f, [...x].sort()]).sort()]).sort();
  assert.deepEqual(cats(viaViews.categories), cats(viaRaw.categories));
  assert.ok(
    [...viaViews.numeric.byVersion.values()].some((m) => (m.get('distance')?.n ?? 0) > 0),
    'the window holds events of both hours',
  );
});

test('redelivered duplicates change no result: counts are dedup-safe without FINAL', async () => {
  const baseline = (await loadBaseline(box.ch, MODEL, 'flights-hour0'))!;
  const before = await computeResults(box.ch, job(baseline, 1, 'run-before-dups'));
  // store 500 events of the window hour, and their features, a second time (as a redelivery would)
  const where = `model = '${MODEL}' AND ts >= toDateTime(${(T0 + HOUR) / 1000}, 'UTC') AND ts < toDateTime(${(T0 + 2 * HOUR) / 1000}, 'UTC')`;
  for (const table of ['predictions', 'features']) {
    await box.ch.command(`INSERT INTO ${table} SELECT * FROM ${table} WHERE ${where} ORDER BY event_id LIMIT 500`);
  }
  const [raw] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM predictions WHERE ${where}`);
  assert.equal(Number(raw!.n), 4500, 'the duplicates are stored');
  const afterDups = await computeResults(box.ch, job(baseline, 1, 'run-after-dups'));
  const strip = (rows: readonly (DriftResultRow | HealthResultRow)[]) =>
    rows.map((r) => ({ ...r, run_id: '', computed_at: '' }));
  assert.deepEqual(strip(afterDups.drift), strip(before.drift));
  assert.deepEqual(strip(afterDups.health), strip(before.health));
  // merges drop the extra copies from the raw tables, but the per-minute counts the views made
  // at insert time still hold them: the copy ledger must keep the results unchanged
  // the ledger merges too: its rows then say copies = 2 instead of two rows of 1
  for (const table of ['predictions', 'features', 'event_copies'])
    await box.ch.command(`OPTIMIZE TABLE ${table} FINAL`);
  const [merged] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM predictions WHERE ${where}`);
  assert.equal(Number(merged!.n), 4000, 'the duplicates are merged away');
  const afterMerge = await computeResults(box.ch, job(baseline, 1, 'run-after-merge'));
  assert.deepEqual(strip(afterMerge.drift), strip(before.drift));
  assert.deepEqual(strip(afterMerge.health), strip(before.health));
});

test('more redelivered duplicates than the copy ledger corrects (a replay after a long outage): the run counts raw rows and the results still do not change', async () => {
  const baseline = (await loadBaseline(box.ch, MODEL, 'flights-hour0'))!;
  const before = await computeResults(box.ch, job(baseline, 2, 'run-before-replay'));
  const where = `model = '${MODEL}' AND ts >= toDateTime(${(T0 + 2 * HOUR) / 1000}, 'UTC') AND ts < toDateTime(${(T0 + 3 * HOUR) / 1000}, 'UTC')`;
  const copies = MAX_CORRECTED_EVENTS + 500;
  assert.ok(eveningCount > copies, 'the evening hour has enough events to replay');
  for (const table of ['predictions', 'features']) {
    await box.ch.command(
      `INSERT INTO ${table} SELECT * FROM ${table} WHERE ${where} ORDER BY event_id LIMIT ${copies}`,
    );
  }
  const [stored] = await box.ch.query<{ n: string }>(
    `SELECT count() - uniqExact(event_id) AS n FROM predictions WHERE ${where}`,
  );
  assert.equal(Number(stored!.n), copies, 'the duplicates are stored');
  const after = await computeResults(box.ch, job(baseline, 2, 'run-after-replay'));
  const strip = (rows: readonly (DriftResultRow | HealthResultRow)[]) =>
    rows.map((r) => ({ ...r, run_id: '', computed_at: '' }));
  assert.deepEqual(strip(after.drift), strip(before.drift));
  assert.deepEqual(strip(after.health), strip(before.health));
});
