/**
 * The rows a monitor run appends to the result tables (migrations/002_monitoring.sql, 006), each
 * defined once, next to the table it is written to: libs/drift builds and writes them, libs/alerting
 * reads them, apps/monitor hands them from one to the other. A new kind of result (quality, data
 * quality) is a migration, a row type here and an entry in ResultRows.
 *
 * The types are the rows as written: DateTime columns as formatDateTime text, numbers as numbers.
 * Read back with SELECT, UInt64 columns arrive as strings.
 */
import type { ClickHouse } from './client';
import { TABLES } from './tables';

/** model_version of the rows that hold all versions of a model together. */
export const ALL_VERSIONS = '*';

/** 'insufficient_data': fewer events than the monitor's min_samples; no verdict. */
export type ResultStatus = 'ok' | 'insufficient_data';

/** The columns every result row of one run and segment carries. */
interface RunSegmentColumns {
  run_id: string;
  monitor: string;
  model: string;
  /** A model version, or ALL_VERSIONS. */
  model_version: string;
  window_start: string;
  window_end: string;
  computed_at: string;
}

/**
 * drift_results: one method on one feature in one segment of a run. value is the statistic (PSI,
 * KS D, chi-squared, JS distance, Wasserstein); for a binned KS, value_lo/value_hi bound the exact
 * D and p_value_lo/p_value_hi the exact p-value.
 */
export interface DriftResultRow extends RunSegmentColumns {
  feature: string;
  feature_kind: 'numeric' | 'categorical';
  /** A drift method name (libs/drift DriftMethod); the column is a String. */
  method: string;
  status: ResultStatus;
  value: number | null;
  value_lo: number | null;
  value_hi: number | null;
  p_value: number | null;
  p_value_lo: number | null;
  p_value_hi: number | null;
  threshold: number | null;
  breached: 0 | 1;
  baseline_id: string;
  baseline_n: number;
  window_n: number;
}

/** health_results: events, errors, throughput and latency quantiles of one segment of a run. */
export interface HealthResultRow extends RunSegmentColumns {
  status: ResultStatus;
  events: number;
  errors: number;
  error_rate: number | null;
  events_per_s: number;
  latency_p50_ms: number | null;
  latency_p90_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
}

/** The latency quantiles a health row holds: level, and the column that holds it. */
export const LATENCY_QUANTILES = [
  [0.5, 'latency_p50_ms'],
  [0.9, 'latency_p90_ms'],
  [0.95, 'latency_p95_ms'],
  [0.99, 'latency_p99_ms'],
] as const satisfies readonly (readonly [number, keyof HealthResultRow])[];

/** What kind of output a model's quality is judged for (the `quality.task` of a monitor). */
export const QUALITY_TASKS = ['binary', 'multiclass', 'regression'] as const;
export type QualityTask = (typeof QUALITY_TASKS)[number];

/**
 * The quality metrics of each task, as quality_results.metric and alert rules name them (defined
 * here, with the row, because libs/drift writes them and libs/alerting reads them); every
 * one of them is the default of its task. Binary: a prediction is positive when score >=
 * threshold. Multiclass: macro = mean over classes, weighted = weighted by label support. MAPE is
 * a fraction (0.1 = 10%) over the labels with |y| >= 1e-9 only; mean_error = mean(prediction - label).
 */
export const QUALITY_METRICS = {
  binary: [
    'accuracy',
    'precision',
    'recall',
    'f1',
    'specificity',
    'predicted_positive_rate',
    'actual_positive_rate',
    'brier',
    'log_loss',
    'roc_auc',
  ],
  multiclass: [
    'accuracy',
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_precision',
    'weighted_recall',
    'weighted_f1',
  ],
  regression: ['mae', 'rmse', 'mape', 'r2', 'mean_error'],
} as const satisfies Record<QualityTask, readonly string[]>;
export type QualityMetric = (typeof QUALITY_METRICS)[QualityTask][number];
/** Every quality metric of any task, once. */
export const ALL_QUALITY_METRICS: readonly QualityMetric[] = [...new Set(Object.values(QUALITY_METRICS).flat())];

/**
 * quality_results (migration 006): one model quality metric (QUALITY_METRICS of libs/drift) of one
 * model version, or ALL_VERSIONS, over the window that ended label_delay before the run.
 * 'insufficient_labels': fewer labelled predictions or less coverage than the monitor asks; value
 * is null and the row changes no alert.
 */
export interface QualityResultRow extends RunSegmentColumns {
  /** '' : per-segment quality results are not computed yet. */
  segment: string;
  metric: QualityMetric;
  status: 'ok' | 'insufficient_labels';
  value: number | null;
  /** Predictions of the window that have a label. */
  labelled: number;
  predictions: number;
  /** labelled / predictions; 0 when there are no predictions. */
  coverage: number;
  threshold: number | null;
  breached: 0 | 1;
  baseline_value: number | null;
}

/** monitor_runs: every run of a monitor, ok, failed or skipped. */
export interface MonitorRunRow {
  run_id: string;
  monitor: string;
  model: string;
  scheduled_at: string;
  window_start: string;
  window_end: string;
  started_at: string;
  duration_ms: number;
  status: 'ok' | 'failed' | 'skipped';
  error: string;
  baseline_id: string;
  /** Rows the run appended to drift_results, health_results and quality_results. */
  results: number;
}

/** Each result table with the type of its rows. */
export interface ResultRows {
  [TABLES.driftResults]: DriftResultRow;
  [TABLES.healthResults]: HealthResultRow;
  [TABLES.qualityResults]: QualityResultRow;
  [TABLES.monitorRuns]: MonitorRunRow;
}

export type ResultTable = keyof ResultRows;

/** Appends rows to a result table; the compiler holds them to the table's row type. */
export function insertResults<T extends ResultTable>(
  ch: ClickHouse,
  table: T,
  rows: readonly ResultRows[T][],
): Promise<void> {
  return ch.insert(table, rows);
}
