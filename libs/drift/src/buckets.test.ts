import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultMigrationsDir, literal } from '@driftwatch/clickhouse';
import { binCounts, quantileBinEdges } from '@driftwatch/stats';
import { BUCKET_BITS, bucketLower, bucketOf, bucketSql, isBucketBoundary, snapEdges, snapToBucket } from './buckets';
import { gridCounts, gridEdges, gridFromSorted } from './grid';
import { binBuckets } from './count';
import { sharedRanges } from './duplicates';
import type { BucketCounts } from './tally';
import { PREDICTION_FEATURE } from './window-sql';

function values(): number[] {
  const out = [
    0,
    -0,
    1,
    -1,
    0.5,
    -2.5,
    3,
    1e-300,
    -1e-300,
    5e-324,
    1.5e300,
    -1.5e300,
    127,
    128,
    129,
    255,
    256,
    257,
    1 + 2 ** -7,
    1 - 2 ** -53,
  ];
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) out.push((rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6));
  return out;
}

test('every value lies in its bucket [lower(k), lower(k + 1)), and keys follow value order', () => {
  const vs = values();
  for (const v of vs) {
    const k = bucketOf(v);
    assert.ok(
      bucketLower(k) <= v && v < bucketLower(k + 1),
      `${v} in bucket ${k} = [${bucketLower(k)}, ${bucketLower(k + 1)})`,
    );
  }
  const sorted = [...vs].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) assert.ok(bucketOf(sorted[i - 1]!) <= bucketOf(sorted[i]!));
});

test('a bucket spans at most 2^-BUCKET_BITS of its lower bound (normal doubles)', () => {
  for (const v of values()) {
    if (Math.abs(v) < 2 ** -1000) continue;
    const k = bucketOf(v);
    const lo = bucketLower(k);
    const hi = bucketLower(k + 1);
    assert.ok((hi - lo) / Math.min(Math.abs(lo), Math.abs(hi)) <= 2 ** -BUCKET_BITS + 1e-15, `${v}: [${lo}, ${hi})`);
  }
});

test('integers up to 128 in magnitude are boundaries, each alone in its bucket', () => {
  for (let n = -128; n <= 128; n++) {
    assert.ok(isBucketBoundary(n), `${n}`);
    assert.notEqual(bucketOf(n), bucketOf(n + 1), `${n} and ${n + 1}`);
  }
});

test('snapping moves an edge to the nearest boundary, at most half a bucket away', () => {
  for (const x of values()) {
    const s = snapToBucket(x);
    assert.ok(isBucketBoundary(s), `${x} -> ${s}`);
    const k = bucketOf(x);
    assert.ok(Math.abs(s - x) <= (bucketLower(k + 1) - bucketLower(k)) / 2, `${x} -> ${s}`);
  }
  assert.deepEqual(snapEdges([1.0001, 1.0002, 2.9999, -0.0000001]), [1, 3]);
});

test('counting per bucket then binning equals binning raw values on snapped PSI edges and grid', () => {
  const sample = values()
    .filter((v) => Math.abs(v) < 1e6)
    .sort((a, b) => a - b);
  const psiEdges = snapEdges(quantileBinEdges(sample, 10));
  const grid = gridFromSorted(sample, 1000, BUCKET_BITS);
  assert.ok(gridEdges(grid).every(isBucketBoundary));
  const buckets: BucketCounts = new Map([['v1', new Map([['x', new Map<number, number>()]])]]);
  const m = buckets.get('v1')!.get('x')!;
  for (const v of sample) m.set(bucketOf(v), (m.get(bucketOf(v)) ?? 0) + 1);
  const c = binBuckets(buckets, [{ feature: 'x', psiEdges, grid }])
    .byVersion.get('v1')!
    .get('x')!;
  assert.deepEqual(c.psi, binCounts(psiEdges, sample));
  assert.deepEqual(c.grid, gridCounts(grid, sample));
  assert.equal(c.n, sample.length);
});

test('migration 004 buckets values with exactly the expression bucketSql renders (defined once)', () => {
  const sql = readFileSync(join(defaultMigrationsDir(), '004_feature_histograms.sql'), 'utf8');
  const uses = (valueSql: string) => sql.split(`${bucketSql(valueSql)} AS bucket`).length - 1;
  assert.equal(uses('num_values'), 2, 'numeric features of predictions and features');
  assert.equal(uses('assumeNotNull(prediction_num)'), 1, 'the numeric prediction output');
  assert.equal(sql.split('AS bucket').length - 1, 3, 'no other bucketing');
  assert.equal(
    sql.split(`${literal(PREDICTION_FEATURE)} AS feature`).length - 1,
    2,
    'the prediction output is the feature PREDICTION_FEATURE',
  );
});

test("minutes more than one ledger part covers: overlaps of the parts' minute ranges", () => {
  assert.deepEqual(sharedRanges([]), []);
  assert.deepEqual(
    sharedRanges([
      [0, 59],
      [120, 180],
    ]),
    [],
  );
  assert.deepEqual(
    sharedRanges([
      [60, 120],
      [0, 60],
      [120, 240],
    ]),
    [
      [60, 60],
      [120, 120],
    ],
  );
  assert.deepEqual(
    sharedRanges([
      [0, 600],
      [60, 120],
      [100, 300],
      [900, 960],
    ]),
    [[60, 300]],
  );
});
