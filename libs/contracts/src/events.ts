/** TypeScript shapes of the three event kinds; the JSON Schemas in ./schemas are the contract. */
export type FeatureValue = number | string | null;
export type FeatureValues = Record<string, FeatureValue>;
/** ISO-8601 date-time with a zone, or epoch milliseconds. */
export type Timestamp = string | number;

export interface PredictionEvent {
  schema_version?: 1;
  event_id: string;
  model: string;
  model_version: string;
  timestamp: Timestamp;
  latency_ms: number;
  status: 'ok' | 'error';
  prediction: number | string;
  score?: number;
  probabilities?: Record<string, number>;
  features?: FeatureValues;
}

export interface FeaturesEvent {
  schema_version?: 1;
  event_id: string;
  model: string;
  model_version: string;
  timestamp: Timestamp;
  features: FeatureValues;
}

export interface LabelEvent {
  schema_version?: 1;
  event_id: string;
  model: string;
  model_version?: string;
  timestamp: Timestamp;
  label: number | string;
}

export interface EventByKind {
  prediction: PredictionEvent;
  features: FeaturesEvent;
  label: LabelEvent;
}

/** An event that passed validation, with its timestamp resolved to epoch milliseconds. */
export type Accepted<K extends keyof EventByKind> = EventByKind[K] & { timestamp_ms: number };

export type AnyAccepted =
  | { kind: 'prediction'; event: Accepted<'prediction'> }
  | { kind: 'features'; event: Accepted<'features'> }
  | { kind: 'label'; event: Accepted<'label'> };
