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

/** Columns every raw table starts with. */
function eventColumns(e: { event_id: string; model: string; model_version?: string; timestamp_ms: number }): object {
  return { event_id: e.event_id, model: e.model, model_version: e.model_version ?? '', ts: formatDateTime(e.timestamp_ms), timestamp_ms: e.timestamp_ms };
}

function predictionRow(e: Accepted<'prediction'>, ingestedAt: string): object {
  const proba = e.probabilities ?? {};
  return {
    ...eventColumns(e),
    latency_ms: e.latency_ms,
    status: e.status,
    prediction_num: typeof e.prediction === 'number' ? e.prediction : null,
    prediction_str: typeof e.prediction === 'string' ? e.prediction : null,
    score: e.score ?? null,
    proba_classes: Object.keys(proba),
    proba_values: Object.values(proba),
    ...featureColumns(e.features),
    ingested_at: ingestedAt,
  };
}

function featuresRow(e: Accepted<'features'>, ingestedAt: string): object {
  return {
    ...eventColumns(e),
    ...featureColumns(e.features),
    ingested_at: ingestedAt,
  };
}

function labelRow(e: Accepted<'label'>, ingestedAt: string): object {
  return {
    ...eventColumns(e),
    label_num: typeof e.label === 'number' ? e.label : null,
    label_str: typeof e.label === 'string' ? e.label : null,
    ingested_at: ingestedAt,
  };
}

/** The table and row an accepted event is stored as. */
export function eventRow(accepted: AnyAccepted, ingestedAtMs = Date.now()): { table: RawTable; row: object } {
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
    reason: d.reason,
    raw: bytes.subarray(0, DEAD_LETTER_RAW_LIMIT).toString('utf8'),
    raw_bytes: bytes.length,
    failed_at: formatDateTime(d.failedAtMs),
  };
}
