import { createHash } from 'node:crypto';
import { formatDateTime, literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import { binCounts, quantileBinEdges } from '@driftwatch/stats';
import { BUCKET_BITS, snapEdges } from './buckets';
import { DEFAULT_GRID_BINS, gridCounts, gridEdges, gridFromSorted, type Grid } from './grid';
import { windowCounts } from './count';
import type { NumericBinning } from './tally';
import type { FeatureKind } from './spec';
import { featureArraysSql, featureSource, type TimeRange } from './window-sql';

/** What the statistics need of one feature of a baseline. */
export interface BaselineFeature {
  feature: string;
  kind: FeatureKind;
  n: number;
  psiEdges: number[];
  psiCounts: number[];
  grid: Grid;
  gridCounts: number[];
  categories: string[];
  categoryCounts: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  /** sorted; the whole baseline when it has at most BASELINE_SAMPLE values */
  sample: number[];
}

export interface Baseline {
  id: string;
  name: string;
  model: string;
  source: string;
  createdAtMs: number;
  features: Map<string, BaselineFeature>;
}

/** Values kept per numeric feature (deterministic sample by event id hash). */
export const BASELINE_SAMPLE = 10_000;

export interface BaselineOptions {
  psiBins?: number;
  gridBins?: number;
}

function summary(sorted: number[]): Pick<BaselineFeature, 'mean' | 'std' | 'min' | 'max'> {
  const n = sorted.length;
  let mean = 0;
  for (const v of sorted) mean += v / n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n), min: sorted[0]!, max: sorted[n - 1]! };
}

function baselineId(name: string, features: BaselineFeature[]): string {
  const hash = createHash('sha256');
  for (const f of [...features].sort((a, b) => a.feature.localeCompare(b.feature))) {
    hash.update(
      JSON.stringify([
        f.feature,
        f.kind,
        f.n,
        f.psiEdges,
        f.psiCounts,
        f.grid,
        f.gridCounts,
        f.categories,
        f.categoryCounts,
      ]),
    );
  }
  return `${name}@${hash.digest('hex').slice(0, 12)}`;
}

/**
 * PSI edges are the baseline's quantile edges snapped to the nearest bucket boundary (at most half
 * a bucket, 0.39% relative, away: buckets.ts), and the KS grid's edges likewise, so that a window
 * counted from the pre-aggregated buckets gets exactly the counts that binning its raw values on
 * these edges would give. libs/stats psi() keeps numpy's exact quantile edges; only the monitor's
 * binning is snapped.
 */
function numericFeature(feature: string, values: number[], options: BaselineOptions): BaselineFeature {
  const sorted = Float64Array.from(values).sort();
  const exactEdges = quantileBinEdges(sorted, options.psiBins ?? 10);
  const bins = options.gridBins ?? DEFAULT_GRID_BINS;
  const bucketed = gridFromSorted(sorted, bins, BUCKET_BITS);
  // Buckets are relative to a value's size, not to the feature's spread: years (2001..2026) or
  // epoch seconds fall into a handful of buckets. When snapping would merge PSI edges or most of
  // the KS grid, the feature keeps its exact edges and is counted from raw rows instead.
  const snapped = snapEdges(exactEdges);
  const resolved =
    snapped.length === exactEdges.length && distinctCount(gridEdges(bucketed)) >= MIN_DISTINCT_GRID_SHARE * (bins + 1);
  const psiEdges = resolved ? snapped : exactEdges;
  const grid = resolved ? bucketed : gridFromSorted(sorted, bins);
  const psiCounts = binCounts(psiEdges, sorted);
  const list = Array.from(sorted);
  const sample =
    list.length <= BASELINE_SAMPLE
      ? list
      : Array.from({ length: BASELINE_SAMPLE }, (_, i) => list[Math.floor((i * list.length) / BASELINE_SAMPLE)]!);
  return {
    feature,
    kind: 'numeric',
    n: list.length,
    psiEdges,
    psiCounts,
    grid,
    gridCounts: gridCounts(grid, sorted),
    categories: [],
    categoryCounts: [],
    ...summary(list),
    sample,
  };
}

/** Share of a bucketed KS grid's edges that must stay distinct for the buckets to serve a feature: coinciding edges only coarsen the grid (the binned KS interval stays guaranteed, just wider), but below a tenth the buckets no longer resolve the feature. */
const MIN_DISTINCT_GRID_SHARE = 0.1;

function distinctCount(sortedEdges: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < sortedEdges.length; i++) if (i === 0 || sortedEdges[i] !== sortedEdges[i - 1]) n++;
  return n;
}

function categoricalFeature(feature: string, counts: Map<string, number>): BaselineFeature {
  const categories = [...counts.keys()].sort();
  const categoryCounts = categories.map((c) => counts.get(c)!);
  const n = categoryCounts.reduce((a, b) => a + b, 0);
  return {
    feature,
    kind: 'categorical',
    n,
    psiEdges: [],
    psiCounts: [],
    grid: { lo: 0, width: 1, bins: 0 },
    gridCounts: [],
    categories,
    categoryCounts,
    mean: 0,
    std: 0,
    min: 0,
    max: 0,
    sample: [],
  };
}

/**
 * A baseline from a reference dataset (e.g. a training set): records of feature name -> value.
 * A column whose non-null values are all finite numbers is numeric, otherwise categorical.
 */
export function baselineFromRecords(
  name: string,
  model: string,
  source: string,
  records: Iterable<Record<string, unknown>>,
  options: BaselineOptions = {},
  nowMs = Date.now(),
): Baseline {
  const columns = new Map<string, unknown[]>();
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) {
      if (value === null || value === undefined || value === '') continue;
      let list = columns.get(key);
      if (!list) columns.set(key, (list = []));
      list.push(value);
    }
  }
  const features: BaselineFeature[] = [];
  for (const [feature, values] of columns) {
    if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      features.push(numericFeature(feature, values as number[], options));
    } else {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      features.push(categoricalFeature(feature, counts));
    }
  }
  if (features.length === 0) throw new Error(`baseline ${name}: the dataset has no values`);
  return {
    id: baselineId(name, features),
    name,
    model,
    source,
    createdAtMs: nowMs,
    features: new Map(features.map((f) => [f.feature, f])),
  };
}

/**
 * A baseline from a fixed time range of the model's production data, computed in ClickHouse:
 * a deterministic sample (by event id hash) fixes the PSI edges and the KS grid, then the full
 * range is counted on them with the same push-down queries the monitors use.
 */
export async function baselineFromRange(
  ch: ClickHouse,
  name: string,
  model: string,
  range: TimeRange,
  options: BaselineOptions = {},
  nowMs = Date.now(),
): Promise<Baseline> {
  const source = `range:${new Date(range.startMs).toISOString()}..${new Date(range.endMs).toISOString()}`;
  const numericSql = `SELECT name, count() AS n, avg(value) AS mean, stddevPop(value) AS std, min(value) AS min, max(value) AS max FROM
    (SELECT ${featureArraysSql('numeric', true)}
     FROM ${featureSource(model, range, 'num_names, num_values, prediction_num')})
    ARRAY JOIN names_all AS name, values_all AS value GROUP BY name`;
  const stats = await ch.query<{ name: string; n: string; mean: number; std: number; min: number; max: number }>(
    numericSql,
  );
  const samples = await ch.query<{ name: string; sample: number[] }>(
    `SELECT name, groupArray(value) AS sample FROM (
       SELECT name, value FROM
         (SELECT event_id, ${featureArraysSql('numeric', true)}
          FROM ${featureSource(model, range, 'event_id, num_names, num_values, prediction_num')})
       ARRAY JOIN names_all AS name, values_all AS value
       ORDER BY name, cityHash64(event_id) LIMIT ${BASELINE_SAMPLE} BY name)
     GROUP BY name`,
  );
  const sampleOf = new Map(samples.map((s) => [s.name, s.sample.map(Number)]));
  const numeric: BaselineFeature[] = stats.map((s) => {
    const f = numericFeature(s.name, sampleOf.get(s.name) ?? [], options);
    return { ...f, n: Number(s.n), mean: s.mean, std: s.std, min: s.min, max: s.max };
  });
  const binnings: NumericBinning[] = numeric.map((f) => ({ feature: f.feature, psiEdges: f.psiEdges, grid: f.grid }));
  const catNames = await ch.query<{ name: string }>(
    `SELECT DISTINCT arrayJoin(names_all) AS name FROM (SELECT ${featureArraysSql('categorical', true)} FROM ${featureSource(model, range, 'cat_names, cat_values, prediction_str')})`,
  );
  // the same dedup-safe counting as a monitor window (pre-aggregated buckets where they serve)
  const { numeric: counts, categories: cats } = await windowCounts(
    ch,
    model,
    range,
    binnings,
    catNames.map((c) => c.name),
  );
  for (const f of numeric) {
    f.psiCounts = new Array(f.psiEdges.length + 1).fill(0);
    f.gridCounts = new Array(f.grid.bins + 2).fill(0);
    for (const byFeature of counts.byVersion.values()) {
      const c = byFeature.get(f.feature);
      if (!c) continue;
      c.psi.forEach((v, i) => (f.psiCounts[i]! += v));
      c.grid.forEach((v, i) => (f.gridCounts[i]! += v));
    }
  }
  const merged = new Map<string, Map<string, number>>();
  for (const byFeature of cats.values()) {
    for (const [feature, m] of byFeature) {
      let target = merged.get(feature);
      if (!target) merged.set(feature, (target = new Map()));
      for (const [k, v] of m) target.set(k, (target.get(k) ?? 0) + v);
    }
  }
  const categorical = [...merged].map(([feature, m]) => categoricalFeature(feature, m));
  const features = [...numeric, ...categorical];
  if (features.length === 0) throw new Error(`baseline ${name}: model ${model} has no events in ${source}`);
  return {
    id: baselineId(name, features),
    name,
    model,
    source,
    createdAtMs: nowMs,
    features: new Map(features.map((f) => [f.feature, f])),
  };
}

export async function saveBaseline(ch: ClickHouse, b: Baseline): Promise<void> {
  const rows = [...b.features.values()].map((f) => ({
    baseline_id: b.id,
    name: b.name,
    model: b.model,
    feature: f.feature,
    kind: f.kind,
    source: b.source,
    created_at: formatDateTime(b.createdAtMs),
    n: f.n,
    psi_edges: f.psiEdges,
    psi_counts: f.psiCounts,
    grid_lo: f.grid.lo,
    grid_width: f.grid.width,
    grid_counts: f.gridCounts,
    categories: f.categories,
    category_counts: f.categoryCounts,
    mean: f.mean,
    std: f.std,
    min: f.min,
    max: f.max,
    sample: f.sample,
  }));
  const numeric = [...b.features.values()].filter((f) => f.kind === 'numeric');
  const bucketBits = numeric.find((f) => f.grid.bucketBits)?.grid.bucketBits;
  const unbucketed = numeric.filter((f) => !f.grid.bucketBits);
  // how to read the edges goes first, the baseline rows last: a baseline is found only through
  // its rows, so a write that stops half-way leaves no baseline rather than a misread one
  if (bucketBits && unbucketed.length > 0) {
    await ch.insert(
      TABLES.baselineUnbucketedFeatures,
      unbucketed.map((f) => ({
        baseline_id: b.id,
        model: b.model,
        feature: f.feature,
        created_at: formatDateTime(b.createdAtMs),
      })),
    );
  }
  if (bucketBits)
    await ch.insert(TABLES.baselineBucketing, [
      { baseline_id: b.id, model: b.model, bucket_bits: bucketBits, created_at: formatDateTime(b.createdAtMs) },
    ]);
  await ch.insert(TABLES.baselines, rows);
}

/** The baseline with this id, or the newest version of the baseline with this name. */
export async function loadBaseline(ch: ClickHouse, model: string, idOrName: string): Promise<Baseline | undefined> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT * FROM ${TABLES.baselines} FINAL WHERE model = ${literal(model)} AND baseline_id = (
       SELECT argMax(baseline_id, created_at) FROM ${TABLES.baselines} WHERE model = ${literal(model)} AND (baseline_id = ${literal(idOrName)} OR name = ${literal(idOrName)}))`,
  );
  if (rows.length === 0) return undefined;
  const first = rows[0]!;
  const id = literal(first.baseline_id as string);
  const [[bucketing], exceptions] = await Promise.all([
    ch.query<{ bits: number }>(
      `SELECT max(bucket_bits) AS bits FROM ${TABLES.baselineBucketing} WHERE model = ${literal(model)} AND baseline_id = ${id}`,
    ),
    ch.query<{ feature: string }>(
      `SELECT DISTINCT feature FROM ${TABLES.baselineUnbucketedFeatures} WHERE model = ${literal(model)} AND baseline_id = ${id}`,
    ),
  ]);
  const unbucketed = new Set(exceptions.map((e) => e.feature));
  const bucketBitsOf = (r: Record<string, unknown>) =>
    r.kind === 'numeric' && !unbucketed.has(r.feature as string) ? Number(bucketing?.bits ?? 0) : 0;
  const features = new Map<string, BaselineFeature>();
  for (const r of rows) {
    const gridCountsArr = (r.grid_counts as string[]).map(Number);
    const bucketBits = bucketBitsOf(r);
    // 18.16 reads some doubles back from text 1 ulp off: snap again, so bucketed edges stay boundaries
    const psiEdges = (r.psi_edges as number[]).map(Number);
    features.set(r.feature as string, {
      feature: r.feature as string,
      kind: r.kind as FeatureKind,
      n: Number(r.n),
      psiEdges: bucketBits > 0 ? snapEdges(psiEdges) : psiEdges,
      psiCounts: (r.psi_counts as string[]).map(Number),
      grid: {
        lo: Number(r.grid_lo),
        width: Number(r.grid_width),
        bins: Math.max(0, gridCountsArr.length - 2),
        ...(bucketBits > 0 && { bucketBits }),
      },
      gridCounts: gridCountsArr,
      categories: r.categories as string[],
      categoryCounts: (r.category_counts as string[]).map(Number),
      mean: Number(r.mean),
      std: Number(r.std),
      min: Number(r.min),
      max: Number(r.max),
      sample: (r.sample as number[]).map(Number),
    });
  }
  return {
    id: first.baseline_id as string,
    name: first.name as string,
    model,
    source: first.source as string,
    createdAtMs: Date.parse(`${String(first.created_at).replace(' ', 'T')}Z`),
    features,
  };
}
