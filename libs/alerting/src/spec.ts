/**
 * What a monitor asks of alerting: rules (when an alert fires), retraining triggers, and where
 * notifications go. The monitor config file states it; libs/config parses and checks the file
 * into these types, and the engine (engine.ts, rule-evaluation.ts) and the outbox read them.
 */
import {
  ALL_QUALITY_METRICS,
  type DriftResultRow,
  type HealthResultRow,
  type QualityMetric,
} from '@driftwatch/clickhouse';

export type Comparison = '>' | '>=' | '<' | '<=';
export type Severity = 'info' | 'warning' | 'critical';

/** Metrics of one feature's drift result, by the method that computes them and the column that holds them. */
export const FEATURE_METRICS = {
  psi: { method: 'psi', field: 'value' },
  'ks.statistic': { method: 'ks', field: 'value' },
  'ks.p_value': { method: 'ks', field: 'p_value' },
  'chi2.statistic': { method: 'chi2', field: 'value' },
  'chi2.p_value': { method: 'chi2', field: 'p_value' },
  js: { method: 'js', field: 'value' },
  wasserstein: { method: 'wasserstein', field: 'value' },
} as const satisfies Record<string, { method: string; field: keyof DriftResultRow }>;

/** Metrics of a model (per version segment): health results, and the count of drifted features. */
export const MODEL_METRICS = {
  drifted_features: { column: undefined },
  'latency.p50_ms': { column: 'latency_p50_ms' },
  'latency.p90_ms': { column: 'latency_p90_ms' },
  'latency.p95_ms': { column: 'latency_p95_ms' },
  'latency.p99_ms': { column: 'latency_p99_ms' },
  error_rate: { column: 'error_rate' },
  events_per_s: { column: 'events_per_s' },
  events: { column: 'events' },
} as const satisfies Record<string, { column: keyof HealthResultRow | undefined }>;

export type FeatureMetric = keyof typeof FEATURE_METRICS;
export type ModelMetric = keyof typeof MODEL_METRICS;
/**
 * Model quality metrics (quality_results.metric: f1, rmse, ...), judged on the quality window of a
 * run (label_delay earlier) and only where enough predictions are labelled.
 */
export { ALL_QUALITY_METRICS, type QualityMetric };
export type RuleMetric = FeatureMetric | ModelMetric | QualityMetric;

export function isQualityMetric(metric: string): metric is QualityMetric {
  return (ALL_QUALITY_METRICS as readonly string[]).includes(metric);
}

export function isFeatureMetric(metric: RuleMetric): metric is FeatureMetric {
  return Object.hasOwn(FEATURE_METRICS, metric);
}

export interface Condition {
  metric: RuleMetric;
  op: Comparison;
  threshold: number;
  /** As written, normalised: `psi > 0.2`. */
  text: string;
}

export interface RuleSpec {
  name: string;
  when: Condition;
  /** Fire after the condition held this many consecutive runs (1 = at once)... */
  forRuns: number;
  /** ...or for this long (window end to window end); 0 when `for` counts runs. */
  forMs: number;
  severity: Severity;
  labels: Record<string, string>;
  /** Channel names. */
  routes: string[];
  /** Only these features (feature metrics only); absent: every feature. */
  features?: string[];
  /** One alert per model version instead of one for all versions together. */
  perVersion: boolean;
}

export interface RetrainingSpec {
  /** An extra condition on the run (e.g. `drifted_features >= 3`); absent: none. */
  when?: Condition;
  /** Evidence: at least this many drifted features... */
  minDriftedFeatures: number;
  /** ...or any one of these drifted. */
  criticalFeatures: string[];
  cooldownMs: number;
  routes: string[];
}

/** The alerting part of a monitor. */
export interface AlertingMonitorSpec {
  name: string;
  model: string;
  /** The file's top-level rules first, then the monitor's own. */
  rules: RuleSpec[];
  retraining?: RetrainingSpec;
}

export interface EmailChannelSpec {
  name: string;
  kind: 'email';
  to: string[];
}

export interface WebhookChannelSpec {
  name: string;
  kind: 'webhook';
  url: string;
  /** Standard Webhooks signing secret; Slack endpoints authenticate by their URL and get none. */
  secret: string;
  /** The environment variable the secret was read from (messages name it, never the secret). */
  secretEnv: string;
  /** standard: signed driftwatch JSON; slack: Slack incoming-webhook text. */
  format: 'standard' | 'slack';
  timeoutMs: number;
}

/** Where notifications go: the channels of the file's `alerting:` section. */
export type ChannelSpec = EmailChannelSpec | WebhookChannelSpec;

export interface AlertingSettings {
  repeatIntervalMs: number;
  maxAttempts: number;
  /** Backoff of delivery retries: steps of min(retryMaxMs, retryBaseMs * 4^(attempt-1)), equal jitter (delivery.ts retryDelayMs). */
  retryBaseMs: number;
  retryMaxMs: number;
  channels: Record<string, ChannelSpec>;
}
