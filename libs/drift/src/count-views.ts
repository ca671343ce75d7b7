/**
 * Counting whole minutes from the tables the materialized views of migration 004 fill at insert
 * time (a few thousand rows per feature and hour instead of every event), corrected for
 * duplicates through the copy ledger (duplicates.ts).
 */
import { literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import { correctFromLedger, ledgerDuplicates } from './duplicates';
import { emptyTally, readBucketCounts, readCategoryCounts, type Tally } from './tally';
import { featureIndexSql, minuteFilter, type TimeRange } from './window-sql';

const MINUTE = 60_000;

/**
 * The first minute the materialized views cover for every event (migration 005): rows stored
 * before the views existed have event times up to raw_until, so minutes up to and including its
 * minute are counted from raw rows. 0 on a database that had no rows when the views came.
 */
export async function viewsCoverFromMs(ch: ClickHouse): Promise<number> {
  const [r] = await ch.query<{ t: string }>(
    `SELECT toString(toUInt32(max(raw_until))) AS t FROM ${TABLES.preaggregationCoverage}`,
  );
  const seconds = Number(r?.t ?? 0);
  return seconds > 0 ? Math.floor((seconds * 1000) / MINUTE) * MINUTE + MINUTE : 0;
}

/** Bucket counts of whole minutes from the pre-aggregated table (migration 004). */
export function histogramCountsSql(model: string, minutes: TimeRange, features: readonly string[]): string {
  return `SELECT model_version, fi, bucket, sum(n) AS n FROM ${TABLES.numericHistograms}
WHERE ${minuteFilter(model, minutes)} AND feature IN (${features.map(literal).join(', ')})
GROUP BY model_version, ${featureIndexSql('feature', features)} AS fi, bucket`;
}

/** Category counts of whole minutes from the pre-aggregated table (migration 004). */
export function categoryStatesSql(model: string, minutes: TimeRange, features: readonly string[]): string {
  return `SELECT model_version, feature AS name, value, sum(n) AS n FROM ${TABLES.categoryCounts}
WHERE ${minuteFilter(model, minutes)} AND feature IN (${features.map(literal).join(', ')})
GROUP BY model_version, feature, value`;
}

/** Counts of whole minutes from the pre-aggregated tables, corrected for duplicates; undefined when raw rows must do. */
export async function countFromViews(
  ch: ClickHouse,
  model: string,
  minutes: TimeRange,
  features: readonly string[],
  categorical: readonly string[],
): Promise<Tally | undefined> {
  const tally = emptyTally();
  const [dups] = await Promise.all([
    ledgerDuplicates(ch, model, minutes),
    features.length > 0
      ? readBucketCounts(ch, histogramCountsSql(model, minutes, features), features, tally.buckets)
      : undefined,
    categorical.length > 0
      ? readCategoryCounts(ch, categoryStatesSql(model, minutes, categorical), tally.categories)
      : undefined,
  ]);
  return (await correctFromLedger(ch, model, minutes, dups, features, categorical, tally)) ? tally : undefined;
}
