import type { AttemptResult } from './delivery';
import type { Comparison, Severity } from './spec';

/** One result that met a rule's condition: the metric, its value and the threshold it crossed. */
export interface Evidence {
  modelVersion: string;
  /** Absent for model-level metrics (latency, error rate, drifted_features). */
  feature?: string;
  /** The rule-language metric, e.g. `psi`, `ks.p_value`, `latency.p99_ms`, `drifted_features`. */
  metric: string;
  value: number;
  op: Comparison;
  threshold: number;
}

/** What one alert says in one notification. */
export interface AlertNotice {
  /** Stable per alert, state and episode: the same notice is never sent twice to one route. */
  noticeId: string;
  alertKey: string;
  rule: string;
  monitor: string;
  model: string;
  modelVersion: string;
  /** `firing` also covers repeats while firing (`repeat: true`). */
  state: 'firing' | 'resolved';
  repeat: boolean;
  severity: Severity;
  labels: Record<string, string>;
  /** The rule's condition as written, e.g. `psi > 0.2`. */
  condition: string;
  /** When the condition first held in this episode (window end, ms). */
  activeSinceMs: number;
  /** Results that met the condition in this run (empty on resolved). */
  evidence: Evidence[];
}

/** The retraining request carried by a `retraining` notification. */
export interface RetrainingRequest {
  modelVersion: string;
  reason: string;
  driftedFeatures: { feature: string; method: string; value: number; threshold: number; pValue?: number }[];
}

/**
 * One grouped message: one model, one run, one route. The body of a webhook, the content of an
 * email. Stored in the outbox as JSON, so a retry after a restart sends the same message.
 */
export interface Notification {
  /** Payload format version, for receivers. */
  version: 'driftwatch.notification.v1';
  /** Stable across retries: the webhook-id, the email Message-ID. */
  id: string;
  kind: 'alert' | 'retraining';
  monitor: string;
  model: string;
  runId: string;
  windowStartMs: number;
  windowEndMs: number;
  baselineId: string;
  alerts: AlertNotice[];
  retraining?: RetrainingRequest;
  /** SQL a user can paste into clickhouse-client to see the evidence. */
  sql: string;
  createdAtMs: number;
}

/** A destination of notifications (an email list, a webhook endpoint). */
export interface Channel {
  /** The channel's name in the monitor config. */
  readonly name: string;
  readonly kind: 'email' | 'webhook';
  /** One attempt. Never throws: the result says whether another attempt may succeed. */
  send(notification: Notification): Promise<AttemptResult>;
  close?(): Promise<void>;
}
