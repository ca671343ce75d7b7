/**
 * Counting from raw rows, dedup-safe (duplicates.ts): value buckets and categories for the
 * seconds at a window's edges and the minutes the views do not cover; counts binned on a
 * feature's own edges for baselines whose edges are not bucket boundaries; and health (latency
 * quantiles, errors, events), which has no pre-aggregate.
 */
import { ALL_VERSIONS, literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import { bucketSql } from './buckets';
import { countRawRowsOnce } from './duplicates';
import { gridBinSql } from './grid';
import {
  emptyTally,
  readBucketCounts,
  readCategoryCounts,
  type CategoryCounts,
  type NumericBinning,
  type NumericCounts,
  type Tally,
} from './tally';
import {
  featureArraysSql,
  featureIndexSql,
  featureSource,
  floatArray,
  PREDICTION_FEATURE,
  rangeFilter,
  type RowSet,
  type TimeRange,
} from './window-sql';

/** Bucket counts of numeric features from raw rows (the minutes at a window's edges, and fallbacks). */
export function rawBucketCountsSql(model: string, range: TimeRange, features: readonly string[], rows: RowSet): string {
  const hasPrediction = features.includes(PREDICTION_FEATURE);
  const inner = featureSource(
    model,
    range,
    hasPrediction ? 'num_names, num_values, prediction_num' : 'num_names, num_values',
    rows,
  );
  return `SELECT model_version, fi, bucket, count() AS n
FROM (SELECT model_version, ${featureArraysSql('numeric', hasPrediction)} FROM ${inner})
ARRAY JOIN names_all AS name, values_all AS value
WHERE fi > 0
GROUP BY model_version, ${featureIndexSql('name', features)} AS fi, ${bucketSql('value')} AS bucket`;
}

export function categoryCountsSql(
  model: string,
  range: TimeRange,
  features: readonly string[],
  rows: RowSet = 'final',
): string {
  const hasPrediction = features.includes(PREDICTION_FEATURE);
  const inner = featureSource(
    model,
    range,
    hasPrediction ? 'cat_names, cat_values, prediction_str' : 'cat_names, cat_values',
    rows,
  );
  const arrays = featureArraysSql('categorical', hasPrediction);
  return `SELECT model_version, name, value, count() AS n
FROM (SELECT model_version, ${arrays} FROM ${inner})
ARRAY JOIN names_all AS name, values_all AS value
WHERE name IN (${features.map(literal).join(', ')})
GROUP BY model_version, name, value`;
}

async function categoryCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  features: readonly string[],
  rows: RowSet,
  sign: number,
  into: CategoryCounts,
): Promise<void> {
  if (features.length > 0) await readCategoryCounts(ch, categoryCountsSql(model, range, features, rows), into, sign);
}

/** Bucket and category counts of a range from raw rows, dedup-safe. */
export async function countFromRawRows(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  features: readonly string[],
  categorical: readonly string[],
): Promise<Tally> {
  const tally = emptyTally();
  tally.extraCopies = await countRawRowsOnce(ch, model, range, (rows, sign) =>
    Promise.all([
      features.length > 0
        ? readBucketCounts(ch, rawBucketCountsSql(model, range, features, rows), features, tally.buckets, sign)
        : undefined,
      categoryCounts(ch, model, range, categorical, rows, sign, tally.categories),
    ]),
  );
  return tally;
}

/**
 * One aggregate query for all numeric features of a model in a range, binned on each feature's
 * own edges (baselines whose edges are not bucket boundaries). Each value is binned twice in
 * ClickHouse with comparison sums and arithmetic (no lambdas: 18.16 cannot run lambdas that
 * capture a MergeTree column): psi_bin = number of PSI edges <= value, grid_bin from the grid.
 * Feature settings are looked up by the feature's index (transform), so the query stays one
 * pass whatever the number of features. The prediction output (prediction_num) is a feature too.
 */
export function numericCountsSql(
  model: string,
  range: TimeRange,
  binnings: readonly NumericBinning[],
  rows: RowSet = 'final',
): string {
  const names = binnings.map((b) => b.feature);
  const maxEdges = Math.max(1, ...binnings.map((b) => b.psiEdges.length));
  const psiTerms: string[] = [];
  for (let k = 0; k < maxEdges; k++) {
    const edgeK = binnings.map((b) => b.psiEdges[k] ?? Number.POSITIVE_INFINITY);
    psiTerms.push(`(value >= arrayElement(${floatArray(edgeK)}, fi))`);
  }
  const bins = binnings[0]?.grid.bins ?? 0;
  if (binnings.some((b) => b.grid.bins !== bins))
    throw new Error('all features of one query must use the same number of grid bins');
  const lo = `arrayElement(${floatArray(binnings.map((b) => b.grid.lo))}, fi)`;
  const width = `arrayElement(${floatArray(binnings.map((b) => b.grid.width))}, fi)`;
  const hasPrediction = names.includes(PREDICTION_FEATURE);
  const inner = featureSource(
    model,
    range,
    hasPrediction ? 'num_names, num_values, prediction_num' : 'num_names, num_values',
    rows,
  );
  const arrays = featureArraysSql('numeric', hasPrediction);
  return `SELECT model_version, fi, psi_bin, grid_bin, count() AS n
FROM (SELECT model_version, ${arrays} FROM ${inner})
ARRAY JOIN names_all AS name, values_all AS value
WHERE fi > 0
GROUP BY model_version, ${featureIndexSql('name', names)} AS fi, ${psiTerms.join(' + ')} AS psi_bin, ${gridBinSql('value', lo, width, bins)} AS grid_bin`;
}

async function numericCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  binnings: readonly NumericBinning[],
  rows: RowSet,
  sign: number,
  into: NumericCounts,
): Promise<void> {
  if (binnings.length === 0) return;
  const byVersion = into.byVersion;
  const result = await ch.query<{
    model_version: string;
    fi: number;
    psi_bin: number;
    grid_bin: number | string;
    n: string;
  }>(numericCountsSql(model, range, binnings, rows));
  for (const r of result) {
    const b = binnings[Number(r.fi) - 1]!;
    let features = byVersion.get(r.model_version);
    if (!features) byVersion.set(r.model_version, (features = new Map()));
    let c = features.get(b.feature);
    if (!c)
      features.set(
        b.feature,
        (c = { psi: new Array(b.psiEdges.length + 1).fill(0), grid: new Array(b.grid.bins + 2).fill(0), n: 0 }),
      );
    const n = sign * Number(r.n);
    addToBin(c.psi, Number(r.psi_bin), n, `PSI bin of ${b.feature}`);
    addToBin(c.grid, Number(r.grid_bin), n, `grid bin of ${b.feature}`);
    c.n += n;
  }
}

/** Adds n to counts[index]; an index the SQL should never return is an error, not a silent NaN. */
function addToBin(counts: number[], index: number, n: number, what: string): void {
  const current = counts[index];
  if (current === undefined) throw new Error(`${what}: index ${index} is outside 0..${counts.length - 1}`);
  counts[index] = current + n;
}

/** Numeric counts binned on each feature's own edges, and categorical counts, of a range from raw rows, dedup-safe. */
export async function dedupedCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  binnings: readonly NumericBinning[],
  categorical: readonly string[],
): Promise<{ numeric: NumericCounts; categories: CategoryCounts; extraCopies: number }> {
  const numeric: NumericCounts = { byVersion: new Map() };
  const categories: CategoryCounts = new Map();
  const extraCopies = await countRawRowsOnce(ch, model, range, (rows, sign) =>
    Promise.all([
      numericCounts(ch, model, range, binnings, rows, sign, numeric),
      categoryCounts(ch, model, range, categorical, rows, sign, categories),
    ]),
  );
  return { numeric, categories, extraCopies };
}

/** Events, errors and latency quantiles (at `levels`) of one model version, or of all (ALL_VERSIONS). */
export interface HealthCounts {
  model_version: string;
  events: number;
  errors: number;
  quantiles: number[];
}

/**
 * Latency quantiles, errors and counts per version, and for all versions together (quantiles are
 * not additive, so the total is its own aggregate). quantilesExact is exact: the element at
 * position floor(q * n) of the sorted latencies of the window (no interpolation).
 * `dedup`: read through FINAL (needed only when the window holds duplicates, which a run learns
 * from its feature counts).
 */
export async function healthCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  levels: readonly number[],
  dedup = true,
): Promise<HealthCounts[]> {
  // one scan: quantile states per version, finalized per version and merged across versions
  const lv = levels.map(literal).join(', ');
  const [r] = await ch.query<{
    versions: string[];
    ev: string[];
    er: string[];
    vq: number[][];
    total: string;
    total_errors: string;
    tq: number[];
  }>(
    `SELECT groupArray(model_version) AS versions, groupArray(events) AS ev, groupArray(errors) AS er, groupArray(finalizeAggregation(qs)) AS vq,
            sum(events) AS total, sum(errors) AS total_errors, quantilesExactMerge(${lv})(qs) AS tq
     FROM (SELECT model_version, count() AS events, countIf(status = 'error') AS errors, quantilesExactState(${lv})(latency_ms) AS qs
           FROM ${TABLES.predictions} ${dedup ? 'FINAL' : ''} WHERE ${rangeFilter(model, range)} GROUP BY model_version)`,
  );
  if (!r || Number(r.total) === 0)
    return [{ model_version: ALL_VERSIONS, events: 0, errors: 0, quantiles: levels.map(() => Number.NaN) }];
  const rows: HealthCounts[] = r.versions.map((v, i) => ({
    model_version: v,
    events: Number(r.ev[i]),
    errors: Number(r.er[i]),
    quantiles: r.vq[i]!.map(Number),
  }));
  rows.push({
    model_version: ALL_VERSIONS,
    events: Number(r.total),
    errors: Number(r.total_errors),
    quantiles: r.tq.map(Number),
  });
  return rows;
}
