import type { Accepted, AnyAccepted, FeatureValues } from '@driftwatch/contracts';
import { formatDateTime } from './sql';
import { TABLES, type RawTable } from './tables';

export interface FeatureColumns {
  num_names: string[];
  num_values: number[];
  cat_names: string[];
  cat_values: string[];
  null_names: string[];
}

/** Splits a feature map into the parallel arrays of the raw tables (numbers, strings, nulls). */
export function featureColumns(features: FeatureValues | undefined): FeatureColumns {
  const cols: FeatureColumns = { num_names: [], num_values: [], cat_names: [], cat_values: [], null_names: [] };
  if (!features) return cols;
  for (const name of Object.keys(features)) {
    const value = features[name];
    if (typeof value === 'number') {
      cols.num_names.push(name);
      cols.num_values.push(value);
    } else if (typeof value === 'string') {
      cols.cat_names.push(name);
      cols.cat_values.push(value);
    } else {
      cols.null_names.push(name);
    }
  }
  return cols;
}

const q = JSON.stringify;

/**
 * Rows are built as JSONEachRow text directly: the hot path of ingest (measured: object rows with
 * spreads plus the client's JSON encoding took ~30% of the ingest CPU and most of its garbage).
 * Every value goes through JSON.stringify, so any string is escaped correctly.
 */
function eventColumns(e: { event_id: string; model: string; model_version?: string; timestamp_ms: number }): string {
  return `{"event_id":${q(e.event_id)},"model":${q(e.model)},"model_version":${q(e.model_version ?? '')},"ts":"${formatDateTime(e.timestamp_ms)}","timestamp_ms":${e.timestamp_ms}`;
}

function featureText(features: FeatureValues | undefined): string {
  const c = featureColumns(features);
  return `,"num_names":${q(c.num_names)},"num_values":${q(c.num_values)},"cat_names":${q(c.cat_names)},"cat_values":${q(c.cat_values)},"null_names":${q(c.null_names)}`;
}

const numOrNull = (v: unknown) => (typeof v === 'number' ? String(v) : 'null');
const strOrNull = (v: unknown) => (typeof v === 'string' ? q(v) : 'null');

function predictionRow(e: Accepted<'prediction'>, ingestedAt: string): string {
  const proba = e.probabilities ?? {};
  return (
    `${eventColumns(e)},"latency_ms":${e.latency_ms},"status":"${e.status}","prediction_num":${numOrNull(e.prediction)},"prediction_str":${strOrNull(e.prediction)}` +
    `,"score":${numOrNull(e.score)},"proba_classes":${q(Object.keys(proba))},"proba_values":${q(Object.values(proba))}${featureText(e.features)},"ingested_at":"${ingestedAt}"}`
  );
}

function featuresRow(e: Accepted<'features'>, ingestedAt: string): string {
  return `${eventColumns(e)}${featureText(e.features)},"ingested_at":"${ingestedAt}"}`;
}

function labelRow(e: Accepted<'label'>, ingestedAt: string): string {
  return `${eventColumns(e)},"label_num":${numOrNull(e.label)},"label_str":${strOrNull(e.label)},"ingested_at":"${ingestedAt}"}`;
}

/** The table an accepted event is stored in, and its row as one JSONEachRow object (text). */
export function eventRow(accepted: AnyAccepted, ingestedAtMs = Date.now()): { table: RawTable; row: string } {
  const at = formatDateTime(ingestedAtMs);
  switch (accepted.kind) {
    case 'prediction':
      return { table: TABLES.predictions, row: predictionRow(accepted.event, at) };
    case 'features':
      return { table: TABLES.features, row: featuresRow(accepted.event, at) };
    case 'label':
      return { table: TABLES.labels, row: labelRow(accepted.event, at) };
  }
}

export const DEAD_LETTER_RAW_LIMIT = 64 * 1024;

export interface DeadLetter {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  code: string;
  reason: string;
  value: Buffer | null;
  failedAtMs: number;
}

export function deadLetterRow(d: DeadLetter): object {
  const bytes = d.value ?? Buffer.alloc(0);
  return {
    source_topic: d.sourceTopic,
    source_partition: d.sourcePartition,
    source_offset: d.sourceOffset,
    code: d.code,
    reason: d.reason.toWellFormed(),
    raw: bytes.subarray(0, DEAD_LETTER_RAW_LIMIT).toString('utf8'),
    raw_bytes: bytes.length,
    failed_at: formatDateTime(d.failedAtMs),
  };
}
