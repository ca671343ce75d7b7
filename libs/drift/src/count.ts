/**
 * Stage 2 of a run: count. ClickHouse counts, no raw rows leave it: per feature and model
 * version, value buckets or categories, from the pre-aggregated minutes where they serve
 * (count-views.ts) and from raw rows elsewhere (count-raw.ts), dedup-safe either way
 * (duplicates.ts); and health (latency quantiles, errors, events). The counts come out per
 * segment: each model version, and all versions together (ALL_VERSIONS, their sum: segmentation
 * costs no extra scan).
 */
import { ALL_VERSIONS, LATENCY_QUANTILES, literal, type ClickHouse } from '@driftwatch/clickhouse';
import { binIndex } from '@driftwatch/stats';
import type { BaselineFeature } from './baseline';
import { BUCKET_BITS, bucketLower } from './buckets';
import { countFromRawRows, dedupedCounts, healthCounts, type HealthCounts } from './count-raw';
import { countFromViews, viewsCoverFromMs } from './count-views';
import { gridEdges } from './grid';
import type { PlannedFeature, RunPlan } from './plan';
import {
  mergeInto,
  type BucketCounts,
  type CategoryCounts,
  type NumericBinning,
  type NumericCounts,
  type Tally,
} from './tally';
import { featureArraysSql, featureSource, type TimeRange } from './window-sql';

/** What a window holds of one feature: numeric histograms (or raw values when few) or categories. */
export interface WindowFeature {
  n: number;
  psi?: number[];
  grid?: number[];
  values?: number[];
  categories?: Map<string, number>;
}

/** segment (a model version, or ALL_VERSIONS) -> feature -> what the window holds of it */
export type Segments = Map<string, Map<string, WindowFeature>>;

export interface WindowCounts {
  segments: Segments;
  /** Per model version and ALL_VERSIONS, at LATENCY_QUANTILES; empty when the monitor does not watch latency. */
  health: HealthCounts[];
}

/** The counts a run's evaluate stage needs, for the planned features of its window. */
export async function countWindow(
  ch: ClickHouse,
  plan: RunPlan,
  features: readonly PlannedFeature[],
): Promise<WindowCounts> {
  const numeric = features.filter((f) => f.base.kind === 'numeric').map((f) => f.base);
  const categorical = features.filter((f) => f.base.kind === 'categorical').map((f) => f.base.feature);
  const levels = LATENCY_QUANTILES.map(([level]) => level);
  // health reads raw rows: start it with the counts, without FINAL, and redo it through FINAL only
  // if the window turns out to hold duplicates
  const healthNoDuplicates = plan.latency
    ? settled(healthCounts(ch, plan.model, plan.window, levels, false))
    : undefined;
  const counted = await windowCounts(
    ch,
    plan.model,
    plan.window,
    numeric.map((base) => ({ feature: base.feature, psiEdges: base.psiEdges, grid: base.grid })),
    categorical,
  );
  const segments = segmentsOf(counted.numeric, counted.categories, plan.segmentByVersion);
  await attachExactSamples(ch, plan, numeric, segments);
  let health: HealthCounts[] = [];
  if (plan.latency)
    health =
      counted.extraCopies > 0
        ? await healthCounts(ch, plan.model, plan.window, levels, true)
        : await unwrap(healthNoDuplicates!);
  return { segments, health };
}

/** Counts per version into segments: each version (when segmenting by version) and ALL_VERSIONS. */
function segmentsOf(numeric: NumericCounts, categories: CategoryCounts, segmentByVersion: boolean): Segments {
  const segments: Segments = new Map();
  const at = (segment: string, feature: string, make: () => WindowFeature) => {
    let byFeature = segments.get(segment);
    if (!byFeature) segments.set(segment, (byFeature = new Map()));
    let w = byFeature.get(feature);
    if (!w) byFeature.set(feature, (w = make()));
    return w;
  };
  for (const [version, byFeature] of numeric.byVersion) {
    for (const [feature, c] of byFeature) {
      for (const segment of segmentByVersion ? [version, ALL_VERSIONS] : [ALL_VERSIONS]) {
        const w = at(segment, feature, () => ({ n: 0, psi: [], grid: [] }));
        w.n += c.n;
        addInto(w.psi!, c.psi);
        addInto(w.grid!, c.grid);
      }
    }
  }
  for (const [version, byFeature] of categories) {
    for (const [feature, m] of byFeature) {
      for (const segment of segmentByVersion ? [version, ALL_VERSIONS] : [ALL_VERSIONS]) {
        const w = at(segment, feature, () => ({ n: 0, categories: new Map() }));
        for (const [k, n] of m) {
          w.n += n;
          w.categories!.set(k, (w.categories!.get(k) ?? 0) + n);
        }
      }
    }
  }
  return segments;
}

function addInto(target: number[], source: number[]): void {
  source.forEach((v, i) => (target[i] = (target[i] ?? 0) + v));
}

/**
 * scipy's ks_2samp is exact when both samples have at most 10,000 values. When the baseline kept
 * all its values and a window is that small, fetch the window's values (an aggregate of at most
 * 10,000 numbers per feature) so KS is exact rather than binned.
 */
async function attachExactSamples(
  ch: ClickHouse,
  plan: RunPlan,
  numeric: readonly BaselineFeature[],
  segments: Segments,
): Promise<void> {
  const small = numeric.filter(
    (b) => b.sample.length === b.n && b.n <= 10_000 && (segments.get(ALL_VERSIONS)?.get(b.feature)?.n ?? 0) <= 10_000,
  );
  if (small.length === 0) return;
  const names = small.map((b) => b.feature);
  const rows = await ch.query<{ model_version: string; name: string; vals: number[] }>(
    `SELECT model_version, name, groupArray(value) AS vals FROM
       (SELECT model_version, ${featureArraysSql('numeric', true)}
        FROM ${featureSource(plan.model, plan.window, 'num_names, num_values, prediction_num')})
     ARRAY JOIN names_all AS name, values_all AS value
     WHERE name IN (${names.map(literal).join(', ')})
     GROUP BY model_version, name`,
  );
  for (const r of rows) {
    const vals = r.vals.map(Number);
    for (const segment of plan.segmentByVersion ? [r.model_version, ALL_VERSIONS] : [ALL_VERSIONS]) {
      const w = segments.get(segment)?.get(r.name);
      if (w) w.values = (w.values ?? []).concat(vals);
    }
  }
}

const MINUTE = 60_000;

/** Whether a numeric binning is made of whole buckets, so pre-aggregated counts serve it. */
export function isBucketed(binning: NumericBinning): boolean {
  return binning.grid.bucketBits === BUCKET_BITS;
}

/**
 * Numeric (per bucket, then binned) and categorical counts of a window, dedup-safe. Whole minutes
 * come from the tables the materialized views of migration 004 fill at insert time (a few
 * thousand rows per feature and hour instead of every event); from raw rows: the seconds before
 * the first and after the last whole minute, minutes stored before the views existed (migration
 * 005's raw_until), and numeric features whose edges are not bucket boundaries (baselines made
 * before buckets, values the buckets cannot resolve).
 */
export async function windowCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  binnings: readonly NumericBinning[],
  categorical: readonly string[],
): Promise<{ numeric: NumericCounts; categories: CategoryCounts; extraCopies: number }> {
  // features whose baseline edges are not bucket boundaries (baselines made before buckets, or
  // values the buckets cannot resolve) are counted from raw rows, on their own edges
  const bucketed = binnings.filter(isBucketed);
  const plain = binnings.filter((b) => !isBucketed(b));
  // the views (and their duplicate search) only when they count something, or when nothing else
  // would tell whether the window holds duplicates
  const needViews = bucketed.length > 0 || categorical.length > 0 || plain.length === 0;
  const [fromBuckets, fromRaw] = await Promise.all([
    needViews ? bucketedCounts(ch, model, range, bucketed, categorical) : undefined,
    plain.length > 0 ? dedupedCounts(ch, model, range, plain, []) : undefined,
  ]);
  if (!fromRaw) return fromBuckets!;
  if (!fromBuckets) return fromRaw;
  for (const [version, byFeature] of fromRaw.numeric.byVersion) {
    let target = fromBuckets.numeric.byVersion.get(version);
    if (!target) fromBuckets.numeric.byVersion.set(version, (target = new Map()));
    for (const [feature, c] of byFeature) target.set(feature, c);
  }
  return { ...fromBuckets, extraCopies: Math.max(fromBuckets.extraCopies, fromRaw.extraCopies) };
}

/** Whole minutes from the views (raw rows where they cannot serve), the seconds at the edges from raw rows. */
async function bucketedCounts(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  binnings: readonly NumericBinning[],
  categorical: readonly string[],
): Promise<{ numeric: NumericCounts; categories: CategoryCounts; extraCopies: number }> {
  const features = binnings.map((b) => b.feature);
  const startMinute = Math.max(Math.ceil(range.startMs / MINUTE) * MINUTE, await viewsCoverFromMs(ch));
  const endMinute = Math.floor(range.endMs / MINUTE) * MINUTE;
  const parts: Promise<Tally>[] = [];
  if (startMinute < endMinute) {
    const minutes = { startMs: startMinute, endMs: endMinute };
    parts.push(
      countFromViews(ch, model, minutes, features, categorical).then(
        (p) => p ?? countFromRawRows(ch, model, minutes, features, categorical),
      ),
    );
    if (range.startMs < startMinute)
      parts.push(countFromRawRows(ch, model, { startMs: range.startMs, endMs: startMinute }, features, categorical));
    if (endMinute < range.endMs)
      parts.push(countFromRawRows(ch, model, { startMs: endMinute, endMs: range.endMs }, features, categorical));
  } else if (range.startMs < range.endMs) {
    parts.push(countFromRawRows(ch, model, range, features, categorical));
  }
  const buckets: BucketCounts = new Map();
  const categories: CategoryCounts = new Map();
  let extraCopies = 0;
  for (const p of await Promise.all(parts)) {
    mergeInto(buckets, p.buckets);
    mergeInto(categories, p.categories);
    extraCopies += p.extraCopies;
  }
  return { numeric: binBuckets(buckets, binnings), categories, extraCopies };
}

/** Bucket counts to the PSI bins and KS grid bins of each feature: exact, as every edge is a bucket boundary. */
export function binBuckets(buckets: BucketCounts, binnings: readonly NumericBinning[]): NumericCounts {
  const byName = new Map(binnings.map((b) => [b.feature, b]));
  const byVersion: NumericCounts['byVersion'] = new Map();
  for (const [version, byFeature] of buckets) {
    const out = new Map<string, { psi: number[]; grid: number[]; n: number }>();
    for (const [feature, m] of byFeature) {
      const b = byName.get(feature);
      if (!b) continue;
      const edges = gridEdges(b.grid);
      const c = {
        psi: new Array<number>(b.psiEdges.length + 1).fill(0),
        grid: new Array<number>(b.grid.bins + 2).fill(0),
        n: 0,
      };
      for (const [k, n] of m) {
        if (n === 0) continue;
        const lower = bucketLower(k);
        c.psi[binIndex(b.psiEdges, lower)]! += n;
        c.grid[binIndex(edges, lower)]! += n;
        c.n += n;
      }
      if (c.n !== 0) out.set(feature, c);
    }
    if (out.size > 0) byVersion.set(version, out);
  }
  return { byVersion };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (so it may wait unobserved while other queries run). */
function settled<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function unwrap<T>(p: Promise<Settled<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw r.error;
  return r.value;
}
