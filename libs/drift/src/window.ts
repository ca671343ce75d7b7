import { formatDateTime, literal } from '@driftwatch/clickhouse';

/** A half-open time range [startMs, endMs) of one model's events. */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** The WHERE clause selecting one model's events in a range (ts is DateTime, second resolution). */
export function rangeFilter(model: string, range: TimeRange): string {
  return `model = ${literal(model)} AND ts >= toDateTime(${literal(formatDateTime(range.startMs))}, 'UTC') AND ts < toDateTime(${literal(formatDateTime(range.endMs))}, 'UTC')`;
}

/**
 * Feature arrays of a model's events in a range, from both places features arrive: inline with
 * predictions and logged apart (features table). FINAL collapses redelivered duplicates, so
 * every count built on this is dedup-safe.
 */
export function featureSource(model: string, range: TimeRange, columns: string): string {
  const where = rangeFilter(model, range);
  // the features table has no prediction: the same columns, as NULL
  const featureColumns = columns
    .replace('prediction_num', 'CAST(NULL AS Nullable(Float64)) AS prediction_num')
    .replace('prediction_str', 'CAST(NULL AS Nullable(String)) AS prediction_str');
  return `(SELECT model_version, ${columns} FROM predictions FINAL WHERE ${where} UNION ALL SELECT model_version, ${featureColumns} FROM features FINAL WHERE ${where})`;
}

/** A numeric array literal that may hold ±infinity (padding edges never reached). */
export function floatArray(values: readonly number[]): string {
  return `[${values.map((v) => (v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : literal(v))).join(', ')}]`;
}
