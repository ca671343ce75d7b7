/**
 * Where the per-minute buckets of migration 004 cannot serve, a monitor must still count exactly:
 * features the buckets cannot resolve (large offset, small spread), rows stored before the views
 * existed (an upgraded database), and edges that 18.16 reads back from text one ulp off.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventRow, literal, TABLES, type DriftResultRow } from '@driftwatch/clickhouse';
import { validateEvent } from '@driftwatch/contracts';
import {
  baselineFromRange,
  bucketLower,
  bucketOf,
  bucketSql,
  dedupedCounts,
  isBucketBoundary,
  loadBaseline,
  computeResults,
  saveBaseline,
  windowCounts,
  type Baseline,
  type RunPlan,
} from '@driftwatch/drift';
import { sandbox, type Sandbox } from '../support/services';

const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const MODEL = 'clicks';
let box: Sandbox;

/** 3,000 events an hour: seconds since the epoch of a session start (a large offset, a spread of hours) and an amount. */
async function store(hour: number, shiftSeconds: number): Promise<void> {
  const rows = Array.from({ length: 3000 }, (_, i) => {
    const timestamp = T0 + hour * HOUR + Math.floor((i * HOUR) / 3000);
    const features = {
      session_start_s: 1_790_000_000 + ((i * 7919) % 14_400) + shiftSeconds,
      amount: 10 + ((i * 31) % 97) / 3,
      channel: i % 3 === 0 ? 'web' : 'app',
    };
    const checked = validateEvent('prediction', {
      event_id: randomUUID(),
      model: MODEL,
      model_version: 'v1',
      timestamp,
      latency_ms: 3,
      status: 'ok',
      prediction: 0.5,
      features,
    });
    assert.ok(checked.ok);
    return eventRow(checked).row;
  });
  await box.ch.insert(TABLES.predictions, rows);
}

function job(baseline: Baseline, hour: number): RunPlan {
  return {
    runId: `run-${hour}`,
    monitor: 'clicks',
    model: MODEL,
    window: { startMs: T0 + hour * HOUR, endMs: T0 + (hour + 1) * HOUR },
    baseline,
    features: 'all',
    excludeFeatures: [],
    prediction: false,
    numericMethods: ['psi', 'ks'],
    categoricalMethods: ['psi', 'chi2'],
    thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: null, wasserstein: null },
    minSamples: 100,
    segmentByVersion: false,
    latency: false,
  };
}

before(async () => {
  box = await sandbox('preagg', 1);
  await store(0, 0); // baseline hour
  await store(1, 0); // same distribution
  await store(2, 3 * 3600); // sessions started three hours later
});

after(async () => {
  await box?.cleanup();
});

test('a feature the buckets cannot resolve (epoch seconds) keeps exact edges, is counted from raw rows, and its shift is seen', async () => {
  const created = await baselineFromRange(box.ch, 'hour0', MODEL, { startMs: T0, endMs: T0 + HOUR });
  await saveBaseline(box.ch, created);
  const baseline = (await loadBaseline(box.ch, MODEL, created.id))!;
  const epoch = baseline.features.get('session_start_s')!;
  const amount = baseline.features.get('amount')!;
  assert.equal(epoch.grid.bucketBits, undefined, 'epoch seconds: 1.79e9 +- 4 h is a few buckets of 0.78%');
  assert.equal(epoch.psiEdges.length, 9, 'all nine PSI edges kept');
  assert.ok(amount.grid.bucketBits, 'an ordinary feature stays bucketed');
  assert.ok(amount.psiEdges.every(isBucketBoundary));

  const same = await computeResults(box.ch, job(baseline, 1));
  const shifted = await computeResults(box.ch, job(baseline, 2));
  const breached = (rows: DriftResultRow[]) =>
    rows
      .filter((r) => r.breached)
      .map((r) => `${r.feature}/${r.method}`)
      .sort();
  assert.deepEqual(breached(same.drift), []);
  assert.deepEqual(breached(shifted.drift), ['session_start_s/ks', 'session_start_s/psi']);
});

test('rows stored before the views existed are counted from raw rows (an upgraded database)', async () => {
  const baseline = (await loadBaseline(box.ch, MODEL, 'hour0'))!;
  const binnings = [...baseline.features.values()]
    .filter((f) => f.kind === 'numeric')
    .map((f) => ({ feature: f.feature, psiEdges: f.psiEdges, grid: f.grid }));
  const window = { startMs: T0 + HOUR, endMs: T0 + 2 * HOUR };
  const exact = await dedupedCounts(box.ch, MODEL, window, binnings, ['channel']);
  // as if hour 1 had been stored before migration 004: the views never saw it
  const hour1 = `minute >= toDateTime(${window.startMs / 1000}, 'UTC') AND minute < toDateTime(${window.endMs / 1000}, 'UTC')`;
  for (const table of [TABLES.numericHistograms, TABLES.categoryCounts, TABLES.eventCopies])
    await box.ch.command(`ALTER TABLE ${table} DELETE WHERE ${hour1}`);
  await waitForMutations();
  const blind = await windowCounts(box.ch, MODEL, window, binnings, ['channel']);
  assert.equal(
    blind.numeric.byVersion.get('v1')?.get('amount')?.n ?? 0,
    0,
    'without coverage, the views alone miss those rows',
  );
  await box.ch.command(
    `INSERT INTO ${TABLES.preaggregationCoverage} VALUES (toDateTime(${window.endMs / 1000 - 1}, 'UTC'), now())`,
  );
  const counted = await windowCounts(box.ch, MODEL, window, binnings, ['channel']);
  // PSI bins and sizes compare with the raw-row query directly; its KS grid is the uniform one,
  // so grids compare only for the unbucketed feature, which both count on the same edges
  const psi = (c: typeof exact.numeric) =>
    [...c.byVersion.get('v1')!].map(([f, x]) => [f, x.psi, x.n, f === 'session_start_s' ? x.grid : []]).sort();
  assert.deepEqual(psi(counted.numeric), psi(exact.numeric));
  assert.deepEqual(counted.categories, exact.categories);
  assert.equal(counted.numeric.byVersion.get('v1')!.get('amount')!.n, 3000);
});

async function waitForMutations(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [r] = await box.ch.query<{ n: string }>(
      `SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0`,
    );
    if (Number(r!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('mutations did not finish');
}

test('bucketed edges stay bucket boundaries after a save and load (18.16 reads some doubles 1 ulp off)', async () => {
  const edge = 3.958120942115784e-9; // a boundary that 18.16 parses back as 3.9581209421157845e-9, one ulp above
  assert.ok(isBucketBoundary(edge));
  const made = await baselineFromRange(box.ch, 'hour0-copy', MODEL, { startMs: T0, endMs: T0 + HOUR });
  const amount = made.features.get('amount')!;
  const tiny: Baseline = {
    ...made,
    id: 'tiny@1',
    name: 'tiny',
    features: new Map([['amount', { ...amount, psiEdges: [edge, ...amount.psiEdges.slice(1)] }]]),
  };
  await saveBaseline(box.ch, tiny);
  const loaded = (await loadBaseline(box.ch, MODEL, 'tiny@1'))!;
  assert.equal(loaded.features.get('amount')!.psiEdges[0], edge);
});

test('the bucket of a value is the same in ClickHouse (the views) as in TypeScript (baselines)', async () => {
  const values = [
    0,
    -0,
    1,
    -1,
    128,
    129,
    -129,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    0.1,
    1 / 3,
    1.79e9,
    -2.5e-7,
    3.958120942115784e-9,
  ];
  // bucket boundaries and the double just below each: where SQL and TypeScript would first disagree
  const below = (x: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    view.setBigUint64(0, view.getBigUint64(0) + (x > 0 ? -1n : 1n));
    return view.getFloat64(0);
  };
  for (let k = -300; k <= 300; k += 7) {
    const boundary = bucketLower(k * 1000 + 17);
    values.push(boundary, below(boundary));
  }
  const rows = await box.ch.query<{ v: number; b: number }>(
    `SELECT v, ${bucketSql('v')} AS b FROM (SELECT arrayJoin([${values.map((v) => `toFloat64(${literal(v)})`).join(', ')}]) AS v)`,
  );
  assert.equal(rows.length, values.length);
  const mismatches = rows.filter((r, i) => Number(r.b) !== bucketOf(values[i]!));
  assert.deepEqual(mismatches, []);
});
