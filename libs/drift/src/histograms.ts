import { formatDateTime, literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import { binIndex } from '@driftwatch/stats';
import { BUCKET_BITS, bucketLower, bucketSql } from './buckets';
import { gridEdges } from './grid';
import { categoryCounts, dedupedCounts, featureArraysSql, PREDICTION_FEATURE, type CategoryCounts, type NumericBinning, type NumericCounts } from './queries';
import { extraCopiesSql, featureSource, rangeFilter, type RowSet, type TimeRange } from './window';

/** version -> feature -> bucket key (buckets.ts) -> count */
export type BucketCounts = Map<string, Map<string, Map<number, number>>>;

const MINUTE = 60_000;

/**
 * At most this many duplicated events are corrected from their raw rows (their hashes go into the
 * query text, which 18.16 caps at 256 KiB); past it a window is counted from the raw rows.
 */
export const MAX_CORRECTED_EVENTS = 2000;

/** Whether a numeric binning is made of whole buckets, so pre-aggregated counts serve it. */
export function isBucketed(binning: NumericBinning): boolean {
  return binning.grid.bucketBits === BUCKET_BITS;
}

/**
 * The first minute the materialized views cover for every event (migration 005): rows stored
 * before the views existed have event times up to raw_until, so minutes up to and including its
 * minute are counted from raw rows. 0 on a database that had no rows when the views came.
 */
export async function viewsCoverFromMs(ch: ClickHouse): Promise<number> {
  const [r] = await ch.query<{ t: string }>(`SELECT toString(toUInt32(max(raw_until))) AS t FROM ${TABLES.preaggregationCoverage}`);
  const seconds = Number(r?.t ?? 0);
  return seconds > 0 ? Math.floor((seconds * 1000) / MINUTE) * MINUTE + MINUTE : 0;
}

/** Adds n to out[version][feature][key] (bucket counts and category counts alike). */
function addCount<K>(out: Map<string, Map<string, Map<K, number>>>, version: string, feature: string, key: K, n: number): void {
  let byFeature = out.get(version);
  if (!byFeature) out.set(version, (byFeature = new Map()));
  let m = byFeature.get(feature);
  if (!m) byFeature.set(feature, (m = new Map()));
  m.set(key, (m.get(key) ?? 0) + n);
}

function mergeInto<K>(target: Map<string, Map<string, Map<K, number>>>, source: Map<string, Map<string, Map<K, number>>>): void {
  for (const [version, byFeature] of source) for (const [feature, m] of byFeature) for (const [k, n] of m) addCount(target, version, feature, k, n);
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
      const c = { psi: new Array<number>(b.psiEdges.length + 1).fill(0), grid: new Array<number>(b.grid.bins + 2).fill(0), n: 0 };
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

function featureIndexSql(column: string, features: readonly string[]): string {
  return `transform(${column}, ${literal(features)}, ${literal(features.map((_, i) => i + 1))}, 0)`;
}

/** Bucket counts of numeric features from raw rows (the minutes at a window's edges, and fallbacks). */
export function rawBucketCountsSql(model: string, range: TimeRange, features: readonly string[], rows: RowSet): string {
  const hasPrediction = features.includes(PREDICTION_FEATURE);
  const inner = featureSource(model, range, hasPrediction ? 'num_names, num_values, prediction_num' : 'num_names, num_values', rows);
  return `SELECT model_version, fi, bucket, count() AS n
FROM (SELECT model_version, ${featureArraysSql('numeric', hasPrediction)} FROM ${inner})
ARRAY JOIN names_all AS name, values_all AS value
WHERE fi > 0
GROUP BY model_version, ${featureIndexSql('name', features)} AS fi, ${bucketSql('value')} AS bucket`;
}

function minuteFilter(model: string, minutes: TimeRange): string {
  return `model = ${literal(model)} AND minute >= toDateTime(${literal(formatDateTime(minutes.startMs))}, 'UTC') AND minute < toDateTime(${literal(formatDateTime(minutes.endMs))}, 'UTC')`;
}

/** Bucket counts of whole minutes from the pre-aggregated table (migration 004). */
export function histogramCountsSql(model: string, minutes: TimeRange, features: readonly string[]): string {
  return `SELECT model_version, fi, bucket, sum(n) AS n FROM ${TABLES.numericHistograms}
WHERE ${minuteFilter(model, minutes)} AND feature IN (${features.map(literal).join(', ')})
GROUP BY model_version, ${featureIndexSql('feature', features)} AS fi, bucket`;
}

export function categoryStatesSql(model: string, minutes: TimeRange, features: readonly string[]): string {
  return `SELECT model_version, feature AS name, value, sum(n) AS n FROM ${TABLES.categoryCounts}
WHERE ${minuteFilter(model, minutes)} AND feature IN (${features.map(literal).join(', ')})
GROUP BY model_version, feature, value`;
}

/**
 * Events stored more than once in whole minutes, from the copy ledger. Only rows that can be
 * duplicated are grouped: a part holds each event hash once per minute (the views group their
 * block, merges sum), so a duplicate is either a row with copies > 1 or a hash in a minute that
 * more than one part covers (`shared`: inclusive [from, to] unix-second ranges, from the parts'
 * minute ranges in system.parts). Once parts are merged that is a few boundary minutes.
 */
export function duplicatedEventsSql(model: string, minutes: TimeRange, shared: readonly (readonly [number, number])[], limit: number): string {
  const inShared = shared.map(([from, to]) => ` OR (minute >= toDateTime(${from}, 'UTC') AND minute <= toDateTime(${to}, 'UTC'))`).join('');
  return `SELECT toString(source) AS src, toString(event_hash) AS h, sum(copies) AS c FROM ${TABLES.eventCopies}
WHERE ${minuteFilter(model, minutes)} AND (copies > 1${inShared})
GROUP BY source, event_hash HAVING c > 1 LIMIT ${limit}`;
}

/**
 * Minutes of a range that more than one active part of the copy ledger covers, as merged inclusive
 * [from, to] ranges of unix seconds. A part's minute range is its partition-key min/max
 * (system.parts min_time/max_time, on 18.16 and current versions), so no row is read. A part
 * inserted for these minutes after this look (a late redelivery racing the run) is seen only by
 * the next run: ClickHouse gives no snapshot across queries, as with the raw-row path.
 */
export async function sharedLedgerMinutes(ch: ClickHouse, minutes: TimeRange): Promise<[number, number][]> {
  const parts = await ch.query<{ lo: string; hi: string }>(
    `SELECT toUInt32(min_time) AS lo, toUInt32(max_time) AS hi FROM system.parts
     WHERE database = currentDatabase() AND table = ${literal(TABLES.eventCopies)} AND active
       AND max_time >= toDateTime(${literal(formatDateTime(minutes.startMs))}, 'UTC') AND min_time < toDateTime(${literal(formatDateTime(minutes.endMs))}, 'UTC')`,
  );
  return sharedRanges(parts.map((p) => [Number(p.lo), Number(p.hi)]));
}

/** The points that more than one of the inclusive ranges covers, as merged inclusive ranges. */
export function sharedRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const shared: [number, number][] = [];
  let reach = Number.NEGATIVE_INFINITY; // the furthest point covered by the ranges seen so far
  for (const [lo, hi] of sorted) {
    if (lo <= reach) {
      const overlap: [number, number] = [lo, Math.min(hi, reach)];
      const last = shared[shared.length - 1];
      if (last && overlap[0] <= last[1]) last[1] = Math.max(last[1], overlap[1]);
      else shared.push(overlap);
    }
    reach = Math.max(reach, hi);
  }
  return shared;
}

interface Duplicate {
  source: 'predictions' | 'features';
  h: string;
  c: number;
}

function hashList(dups: readonly Duplicate[]): string {
  for (const d of dups) if (!/^\d{1,20}$/.test(d.h)) throw new Error(`unexpected event hash ${d.h}`);
  return dups.map((d) => d.h).join(', ');
}

/**
 * One raw row per duplicated event, weighted 1 - copies: added to the view counts (which counted
 * it `copies` times) it leaves the event counted once.
 */
function correctionRowsSql(table: 'predictions' | 'features', model: string, minutes: TimeRange, dups: readonly Duplicate[], kind: 'numeric' | 'categorical'): string {
  const hashes = hashList(dups);
  const weights = `CAST([${dups.map((d) => 1 - d.c).join(', ')}] AS Array(Int64))`;
  const [names, values, prediction, nullType] = kind === 'numeric' ? ['num_names', 'num_values', 'prediction_num', 'Nullable(Float64)'] : ['cat_names', 'cat_values', 'prediction_str', 'Nullable(String)'];
  const predictionColumn = table === 'predictions' ? prediction : `CAST(NULL AS ${nullType}) AS ${prediction}`;
  return `SELECT model_version, ${names}, ${values}, ${predictionColumn}, transform(cityHash64(event_id), [${hashes}], ${weights}, toInt64(0)) AS w
FROM ${table} WHERE ${rangeFilter(model, minutes)} AND cityHash64(event_id) IN (${hashes}) ORDER BY event_id LIMIT 1 BY event_id`;
}

/** Event hashes of duplicated events that more than one event id shares (a 64-bit hash collision). */
function collisionsSql(table: 'predictions' | 'features', model: string, minutes: TimeRange, dups: readonly Duplicate[]): string {
  return `SELECT count() AS n FROM (SELECT cityHash64(event_id) AS h FROM ${table} WHERE ${rangeFilter(model, minutes)} AND h IN (${hashList(dups)}) GROUP BY h HAVING uniqExact(event_id) > 1)`;
}

interface Part {
  buckets: BucketCounts;
  categories: CategoryCounts;
  extraCopies: number;
}

async function readNumeric(ch: ClickHouse, sql: string, features: readonly string[], into: BucketCounts, sign = 1): Promise<void> {
  const rows = await ch.query<{ model_version: string; fi: number; bucket: number; n: string }>(sql);
  for (const r of rows) addCount(into, r.model_version, features[Number(r.fi) - 1]!, Number(r.bucket), sign * Number(r.n));
}

async function readCategories(ch: ClickHouse, sql: string, into: CategoryCounts): Promise<void> {
  const rows = await ch.query<{ model_version: string; name: string; value: string; n: string }>(sql);
  for (const r of rows) addCount(into, r.model_version, r.name, r.value, Number(r.n));
}

/** Counts of a range from raw rows, dedup-safe: raw - all copies of duplicated events + one copy each. */
async function fromRawRows(ch: ClickHouse, model: string, range: TimeRange, features: readonly string[], categorical: readonly string[]): Promise<Part> {
  const part: Part = { buckets: new Map(), categories: new Map(), extraCopies: 0 };
  const count = (rows: RowSet, sign: number) =>
    Promise.all([
      features.length > 0 ? readNumeric(ch, rawBucketCountsSql(model, range, features, rows), features, part.buckets, sign) : undefined,
      categoryCounts(ch, model, range, categorical, rows, sign, part.categories),
    ]);
  const [[extra]] = await Promise.all([ch.query<{ predictions: string | null; features: string | null }>(extraCopiesSql(model, range)), count('raw', 1)]);
  part.extraCopies = Number(extra?.predictions ?? 0) + Number(extra?.features ?? 0);
  if (part.extraCopies > 0) {
    await count('dupCopies', -1);
    await count('dupFirst', 1);
  }
  return part;
}

/** Counts of whole minutes from the pre-aggregated tables, corrected for duplicates; undefined when raw rows must do. */
async function fromViews(ch: ClickHouse, model: string, minutes: TimeRange, features: readonly string[], categorical: readonly string[]): Promise<Part | undefined> {
  const part: Part = { buckets: new Map(), categories: new Map(), extraCopies: 0 };
  const [dups] = await Promise.all([
    sharedLedgerMinutes(ch, minutes).then((shared) => ch.query<{ src: string; h: string; c: string }>(duplicatedEventsSql(model, minutes, shared, MAX_CORRECTED_EVENTS + 1))),
    features.length > 0 ? readNumeric(ch, histogramCountsSql(model, minutes, features), features, part.buckets) : undefined,
    categorical.length > 0 ? readCategories(ch, categoryStatesSql(model, minutes, categorical), part.categories) : undefined,
  ]);
  if (dups.length === 0) return part;
  if (dups.length > MAX_CORRECTED_EVENTS) return undefined;
  const work: Promise<unknown>[] = [];
  const collisions: Promise<{ n: string }[]>[] = [];
  for (const table of ['predictions', 'features'] as const) {
    const mine: Duplicate[] = dups.filter((d) => d.src === table).map((d) => ({ source: table, h: d.h, c: Number(d.c) }));
    if (mine.length === 0) continue;
    part.extraCopies += mine.reduce((a, d) => a + d.c - 1, 0);
    collisions.push(ch.query<{ n: string }>(collisionsSql(table, model, minutes, mine)));
    if (features.length > 0) {
      work.push(
        readNumeric(
          ch,
          `SELECT model_version, fi, bucket, sum(w) AS n FROM (SELECT model_version, ${featureArraysSql('numeric', true)}, w FROM (${correctionRowsSql(table, model, minutes, mine, 'numeric')}))
           ARRAY JOIN names_all AS name, values_all AS value WHERE fi > 0
           GROUP BY model_version, ${featureIndexSql('name', features)} AS fi, ${bucketSql('value')} AS bucket`,
          features,
          part.buckets,
        ),
      );
    }
    if (categorical.length > 0) {
      work.push(
        readCategories(
          ch,
          `SELECT model_version, name, value, sum(w) AS n FROM (SELECT model_version, ${featureArraysSql('categorical', true)}, w FROM (${correctionRowsSql(table, model, minutes, mine, 'categorical')}))
           ARRAY JOIN names_all AS name, values_all AS value WHERE name IN (${categorical.map(literal).join(', ')})
           GROUP BY model_version, name, value`,
          part.categories,
        ),
      );
    }
  }
  const [found] = await Promise.all([Promise.all(collisions), Promise.all(work)]);
  // two event ids under one hash: the ledger cannot say which one was redelivered
  if (found.some(([r]) => Number(r?.n ?? 0) > 0)) return undefined;
  return part;
}

/**
 * Numeric (per bucket, then binned) and categorical counts of a window, dedup-safe. Whole minutes
 * come from the tables the materialized views of migration 004 fill at insert time (a few
 * thousand rows per feature and hour instead of every event); from raw rows: the seconds before
 * the first and after the last whole minute, minutes stored before the views existed (migration
 * 005's raw_until), and numeric features whose edges are not bucket boundaries (baselines made
 * before buckets, values the buckets cannot resolve).
 */
export async function windowCounts(ch: ClickHouse, model: string, range: TimeRange, binnings: readonly NumericBinning[], categorical: readonly string[]): Promise<{ numeric: NumericCounts; categories: CategoryCounts; extraCopies: number }> {
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

async function bucketedCounts(ch: ClickHouse, model: string, range: TimeRange, binnings: readonly NumericBinning[], categorical: readonly string[]): Promise<{ numeric: NumericCounts; categories: CategoryCounts; extraCopies: number }> {
  const features = binnings.map((b) => b.feature);
  const startMinute = Math.max(Math.ceil(range.startMs / MINUTE) * MINUTE, await viewsCoverFromMs(ch));
  const endMinute = Math.floor(range.endMs / MINUTE) * MINUTE;
  const parts: Promise<Part>[] = [];
  if (startMinute < endMinute) {
    const minutes = { startMs: startMinute, endMs: endMinute };
    parts.push(fromViews(ch, model, minutes, features, categorical).then((p) => p ?? fromRawRows(ch, model, minutes, features, categorical)));
    if (range.startMs < startMinute) parts.push(fromRawRows(ch, model, { startMs: range.startMs, endMs: startMinute }, features, categorical));
    if (endMinute < range.endMs) parts.push(fromRawRows(ch, model, { startMs: endMinute, endMs: range.endMs }, features, categorical));
  } else if (range.startMs < range.endMs) {
    parts.push(fromRawRows(ch, model, range, features, categorical));
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
