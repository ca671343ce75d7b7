/**
 * What a monitor asks of a drift run: the methods, thresholds, features and baseline. The monitor
 * config file states it; libs/config parses and checks the file into these types, and a run
 * (run.ts) reads them.
 */
import {
  ALL_QUALITY_METRICS,
  QUALITY_METRICS,
  QUALITY_TASKS,
  type QualityMetric,
  type QualityTask,
} from '@driftwatch/clickhouse';

/** How a feature's values are compared: numbers by bins and grids, strings by categories. */
export type FeatureKind = 'numeric' | 'categorical';

/** The drift methods, as the monitor config names them, by the kind of feature they apply to. */
export const NUMERIC_METHODS = ['psi', 'ks', 'wasserstein', 'js'] as const;
export const CATEGORICAL_METHODS = ['psi', 'chi2', 'js'] as const;
export type NumericMethod = (typeof NUMERIC_METHODS)[number];
export type CategoricalMethod = (typeof CATEGORICAL_METHODS)[number];
export type DriftMethod = NumericMethod | CategoricalMethod;

/**
 * When a drift result is a breach: psi > psi, KS p-value < ksPValue, chi-square p-value <
 * chi2PValue, JS distance > js, Wasserstein distance > wasserstein. null = report only.
 */
export interface Thresholds {
  psi: number | null;
  ksPValue: number | null;
  chi2PValue: number | null;
  js: number | null;
  wasserstein: number | null;
}

/** A stored baseline by id (or name: its newest version), or a fixed time range of this model's production data [fromMs, toMs). */
export type BaselineRef = { kind: 'id'; id: string } | { kind: 'range'; fromMs: number; toMs: number };

/** One configured feature. */
export interface FeatureSpec {
  /** Absent: inferred from the baseline data. */
  type?: FeatureKind;
  /** Absent: the monitor's numericMethods or categoricalMethods, by the feature's kind. */
  methods?: DriftMethod[];
  /** The monitor's thresholds with this feature's overrides applied. */
  thresholds: Thresholds;
}

/** The drift part of a monitor: what one run of it computes. */
export interface DriftMonitorSpec {
  name: string;
  model: string;
  baseline: BaselineRef;
  /** The current window: the last windowMs before the run time. */
  windowMs: number;
  /** Below this many rows a result says 'insufficient data'. */
  minSamples: number;
  /** One result per model_version as well as one for all versions. */
  segmentByVersion: boolean;
  numericMethods: NumericMethod[];
  categoricalMethods: CategoricalMethod[];
  thresholds: Thresholds;
  /** PSI bins of a baseline made from a time range. */
  psiBins: number;
  /** 'all': every feature seen in the baseline, kinds inferred, minus excludeFeatures. */
  features: Record<string, FeatureSpec> | 'all';
  excludeFeatures: string[];
  /** Monitor the prediction output like a feature (PREDICTION_FEATURE). */
  prediction: boolean;
  /** Latency quantiles, error rate and throughput. */
  latency: boolean;
  /** Model quality against delayed labels; absent: none. */
  quality?: QualitySpec;
}

export { ALL_QUALITY_METRICS, QUALITY_METRICS, QUALITY_TASKS, type QualityMetric, type QualityTask };

/** The quality part of a monitor (absent: the monitor computes no quality, exactly as before). */
export interface QualitySpec {
  task: QualityTask;
  /** binary: the label value of the positive class (a number matches label_num, a string label_str). */
  positive?: number | string;
  /** binary: a prediction is positive when its score >= threshold. */
  threshold: number;
  metrics: QualityMetric[];
  /** A run judges the window (of the monitor's length) that ended labelDelayMs before it. */
  labelDelayMs: number;
  /** Below this many labelled predictions a result says 'insufficient labels'. */
  minLabelled: number;
  /** Below this fraction of predictions labelled a result says 'insufficient labels'. */
  minLabelCoverage: number;
}

export const DEFAULT_DECISION_THRESHOLD = 0.5;
export const DEFAULT_MIN_LABELLED = 100;
export const DEFAULT_MIN_LABEL_COVERAGE = 0.5;
