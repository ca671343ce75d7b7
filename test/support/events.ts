import type { PredictionInput } from '@driftwatch/sdk';

/** A UUID-shaped event id that encodes a sequence number, so a test can check which events arrived. */
export function sequenceId(seq: number): string {
  return `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

/** SQL that reads the sequence number back from such an id. */
export const SEQ_SQL = 'toUInt64(substring(event_id, 25, 12))';

const CATEGORIES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** A prediction with 20 numeric and 5 categorical features, deterministic in seq. */
export function syntheticPrediction(seq: number, model = 'synthetic', numeric = 20, categorical = 5): PredictionInput {
  const features: Record<string, number | string> = {};
  let x = (seq * 2654435761) % 4294967296;
  for (let i = 0; i < numeric; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    features[`num_${i}`] = Math.round((x / 2147483648) * 1e6) / 1e3;
  }
  for (let i = 0; i < categorical; i++) features[`cat_${i}`] = CATEGORIES[(seq + i * 3) % CATEGORIES.length]!;
  return {
    eventId: sequenceId(seq),
    model,
    modelVersion: seq % 2 === 0 ? 'v1' : 'v2',
    prediction: (seq % 1000) / 1000,
    latencyMs: 1 + (seq % 97),
    status: seq % 50 === 0 ? 'error' : 'ok',
    features,
  };
}
