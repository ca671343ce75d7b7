/**
 * Redelivered duplicates, corrected for in one place. Kafka delivers at least once, so an event
 * may be stored more than once until ReplacingMergeTree merges its copies away (and the views of
 * migration 004 count every copy they see). Every count of the count stage goes through one of
 * the two corrections here, so no count depends on FINAL or on merges:
 * - raw rows: count every row, then, only if some event has extra copies, subtract all copies of
 *   those events and add one copy of each (countRawRowsOnce);
 * - pre-aggregated minutes: the copy ledger (event_copies) names the events the views counted more
 *   than once, and one raw row of each, weighted 1 - copies, is added (correctFromLedger).
 */
import { formatDateTime, literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import { bucketSql } from './buckets';
import { readBucketCounts, readCategoryCounts, type Tally } from './tally';
import {
  EVENT_TABLES,
  extraCopiesSql,
  featureArraysSql,
  featureIndexSql,
  minuteFilter,
  rangeFilter,
  type EventTable,
  type RowSet,
  type TimeRange,
} from './window-sql';

/**
 * Counts a range's raw rows once per event: `count` adds the counts of a row set times a sign,
 * and is called for every stored row, then, only if some event is stored more than once, for all
 * copies of those events (-1) and for one copy of each (+1). Counts are additive, so the sum is
 * exactly the deduplicated count. Returns the number of extra copies found.
 */
export async function countRawRowsOnce(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  count: (rows: RowSet, sign: 1 | -1) => Promise<unknown>,
): Promise<number> {
  const [[extra]] = await Promise.all([
    ch.query<{ predictions: string | null; features: string | null }>(extraCopiesSql(model, range)),
    count('raw', 1),
  ]);
  const extraCopies = Number(extra?.predictions ?? 0) + Number(extra?.features ?? 0);
  if (extraCopies > 0) {
    await count('dupCopies', -1);
    await count('dupFirst', 1);
  }
  return extraCopies;
}

/**
 * At most this many duplicated events are corrected from their raw rows (their hashes go into the
 * query text, which 18.16 caps at 256 KiB); past it a window is counted from the raw rows.
 */
export const MAX_CORRECTED_EVENTS = 2000;

/** An event the views counted `copies` times, by the hash of its id, in the raw table it came from. */
export interface LedgerDuplicate {
  source: EventTable;
  hash: string;
  copies: number;
}

/**
 * Events stored more than once in whole minutes, from the copy ledger. Only rows that can be
 * duplicated are grouped: a part holds each event hash once per minute (the views group their
 * block, merges sum), so a duplicate is either a row with copies > 1 or a hash in a minute that
 * more than one part covers (`shared`: inclusive [from, to] unix-second ranges, from the parts'
 * minute ranges in system.parts). Once parts are merged that is a few boundary minutes.
 */
export function duplicatedEventsSql(
  model: string,
  minutes: TimeRange,
  shared: readonly (readonly [number, number])[],
  limit: number,
): string {
  const inShared = shared
    .map(([from, to]) => ` OR (minute >= toDateTime(${from}, 'UTC') AND minute <= toDateTime(${to}, 'UTC'))`)
    .join('');
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

/** The events the views counted more than once in whole minutes (at most MAX_CORRECTED_EVENTS + 1 of them). */
export async function ledgerDuplicates(ch: ClickHouse, model: string, minutes: TimeRange): Promise<LedgerDuplicate[]> {
  const shared = await sharedLedgerMinutes(ch, minutes);
  const rows = await ch.query<{ src: string; h: string; c: string }>(
    duplicatedEventsSql(model, minutes, shared, MAX_CORRECTED_EVENTS + 1),
  );
  return rows.map((r) => ({ source: r.src as EventTable, hash: r.h, copies: Number(r.c) }));
}

function hashList(dups: readonly LedgerDuplicate[]): string {
  for (const d of dups) if (!/^\d{1,20}$/.test(d.hash)) throw new Error(`unexpected event hash ${d.hash}`);
  return dups.map((d) => d.hash).join(', ');
}

/**
 * One raw row per duplicated event, weighted 1 - copies: added to the view counts (which counted
 * it `copies` times) it leaves the event counted once.
 */
function correctionRowsSql(
  table: EventTable,
  model: string,
  minutes: TimeRange,
  dups: readonly LedgerDuplicate[],
  kind: 'numeric' | 'categorical',
): string {
  const hashes = hashList(dups);
  const weights = `CAST([${dups.map((d) => 1 - d.copies).join(', ')}] AS Array(Int64))`;
  const [names, values, prediction, nullType] =
    kind === 'numeric'
      ? ['num_names', 'num_values', 'prediction_num', 'Nullable(Float64)']
      : ['cat_names', 'cat_values', 'prediction_str', 'Nullable(String)'];
  const predictionColumn = table === TABLES.predictions ? prediction : `CAST(NULL AS ${nullType}) AS ${prediction}`;
  return `SELECT model_version, ${names}, ${values}, ${predictionColumn}, transform(cityHash64(event_id), [${hashes}], ${weights}, toInt64(0)) AS w
FROM ${table} WHERE ${rangeFilter(model, minutes)} AND cityHash64(event_id) IN (${hashes}) ORDER BY event_id LIMIT 1 BY event_id`;
}

/** Event hashes of duplicated events that more than one event id shares (a 64-bit hash collision). */
function collisionsSql(table: EventTable, model: string, minutes: TimeRange, dups: readonly LedgerDuplicate[]): string {
  return `SELECT count() AS n FROM (SELECT cityHash64(event_id) AS h FROM ${table} WHERE ${rangeFilter(model, minutes)} AND h IN (${hashList(dups)}) GROUP BY h HAVING uniqExact(event_id) > 1)`;
}

/**
 * Corrects the view counts of whole minutes for the events the ledger says they counted more than
 * once: one raw row of each, weighted 1 - copies, is added to `tally`, and its extra copies are
 * counted. False when the views cannot be corrected and raw rows must count these minutes:
 * more than MAX_CORRECTED_EVENTS duplicates, or two event ids under one hash (the ledger cannot
 * say which one was redelivered).
 */
export async function correctFromLedger(
  ch: ClickHouse,
  model: string,
  minutes: TimeRange,
  dups: readonly LedgerDuplicate[],
  features: readonly string[],
  categorical: readonly string[],
  tally: Tally,
): Promise<boolean> {
  if (dups.length === 0) return true;
  if (dups.length > MAX_CORRECTED_EVENTS) return false;
  const work: Promise<unknown>[] = [];
  const collisions: Promise<{ n: string }[]>[] = [];
  for (const table of EVENT_TABLES) {
    const mine = dups.filter((d) => d.source === table);
    if (mine.length === 0) continue;
    tally.extraCopies += mine.reduce((a, d) => a + d.copies - 1, 0);
    collisions.push(ch.query<{ n: string }>(collisionsSql(table, model, minutes, mine)));
    if (features.length > 0) {
      work.push(
        readBucketCounts(
          ch,
          `SELECT model_version, fi, bucket, sum(w) AS n FROM (SELECT model_version, ${featureArraysSql('numeric', true)}, w FROM (${correctionRowsSql(table, model, minutes, mine, 'numeric')}))
           ARRAY JOIN names_all AS name, values_all AS value WHERE fi > 0
           GROUP BY model_version, ${featureIndexSql('name', features)} AS fi, ${bucketSql('value')} AS bucket`,
          features,
          tally.buckets,
        ),
      );
    }
    if (categorical.length > 0) {
      work.push(
        readCategoryCounts(
          ch,
          `SELECT model_version, name, value, sum(w) AS n FROM (SELECT model_version, ${featureArraysSql('categorical', true)}, w FROM (${correctionRowsSql(table, model, minutes, mine, 'categorical')}))
           ARRAY JOIN names_all AS name, values_all AS value WHERE name IN (${categorical.map(literal).join(', ')})
           GROUP BY model_version, name, value`,
          tally.categories,
        ),
      );
    }
  }
  const [found] = await Promise.all([Promise.all(collisions), Promise.all(work)]);
  return !found.some(([r]) => Number(r?.n ?? 0) > 0);
}
