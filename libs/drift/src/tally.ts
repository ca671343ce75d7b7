/**
 * The shapes counts take while a window is counted, and how they add up: per model version and
 * feature, counts per value bucket (buckets.ts), per category, or per PSI bin and KS grid bin.
 */
import type { ClickHouse } from '@driftwatch/clickhouse';
import type { Grid } from './grid';

/** Per-feature binning a numeric count needs: PSI edges (interior, ascending) and the KS grid. */
export interface NumericBinning {
  feature: string;
  psiEdges: number[];
  grid: Grid;
}

/** Counts per version, feature, PSI bin and grid bin: everything PSI, KS, JS and Wasserstein need. */
export interface NumericCounts {
  /** version -> feature -> { psi: counts per PSI bin, grid: counts per grid bin, n } */
  byVersion: Map<string, Map<string, { psi: number[]; grid: number[]; n: number }>>;
}

/** version -> feature -> bucket key (buckets.ts) -> count */
export type BucketCounts = Map<string, Map<string, Map<number, number>>>;

/** version -> feature -> category -> count, for categorical features (and string predictions). */
export type CategoryCounts = Map<string, Map<string, Map<string, number>>>;

/** What one part of a window (whole minutes from the views, or seconds from raw rows) counted. */
export interface Tally {
  buckets: BucketCounts;
  categories: CategoryCounts;
  /** Stored rows beyond the first copy of each event (redelivered duplicates), already corrected for. */
  extraCopies: number;
}

export function emptyTally(): Tally {
  return { buckets: new Map(), categories: new Map(), extraCopies: 0 };
}

/** Adds n to out[version][feature][key] (bucket counts and category counts alike). */
export function addCount<K>(
  out: Map<string, Map<string, Map<K, number>>>,
  version: string,
  feature: string,
  key: K,
  n: number,
): void {
  let byFeature = out.get(version);
  if (!byFeature) out.set(version, (byFeature = new Map()));
  let m = byFeature.get(feature);
  if (!m) byFeature.set(feature, (m = new Map()));
  m.set(key, (m.get(key) ?? 0) + n);
}

export function mergeInto<K>(
  target: Map<string, Map<string, Map<K, number>>>,
  source: Map<string, Map<string, Map<K, number>>>,
): void {
  for (const [version, byFeature] of source)
    for (const [feature, m] of byFeature) for (const [k, n] of m) addCount(target, version, feature, k, n);
}

/** Adds the rows of a bucket-count query (model_version, fi: 1-based index into `features`, bucket, n), times `sign`. */
export async function readBucketCounts(
  ch: ClickHouse,
  sql: string,
  features: readonly string[],
  into: BucketCounts,
  sign = 1,
): Promise<void> {
  const rows = await ch.query<{ model_version: string; fi: number; bucket: number; n: string }>(sql);
  for (const r of rows)
    addCount(into, r.model_version, features[Number(r.fi) - 1]!, Number(r.bucket), sign * Number(r.n));
}

/** Adds the rows of a category-count query (model_version, name, value, n), times `sign`. */
export async function readCategoryCounts(ch: ClickHouse, sql: string, into: CategoryCounts, sign = 1): Promise<void> {
  const rows = await ch.query<{ model_version: string; name: string; value: string; n: string }>(sql);
  for (const r of rows) addCount(into, r.model_version, r.name, r.value, sign * Number(r.n));
}
