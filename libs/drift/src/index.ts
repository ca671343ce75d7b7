// Public API of @driftwatch/drift: monitor runs (plan -> count -> evaluate -> record), baselines,
// and the spec of a monitor that libs/config parses into. What other packages use, nothing more.

// What a monitor asks of a run
export {
  CATEGORICAL_METHODS,
  NUMERIC_METHODS,
  type BaselineRef,
  type CategoricalMethod,
  type DriftMethod,
  type DriftMonitorSpec,
  type FeatureKind,
  type FeatureSpec,
  type NumericMethod,
  type Thresholds,
  ALL_QUALITY_METRICS,
  DEFAULT_DECISION_THRESHOLD,
  DEFAULT_MIN_LABEL_COVERAGE,
  DEFAULT_MIN_LABELLED,
  QUALITY_METRICS,
  QUALITY_TASKS,
  type QualityMetric,
  type QualitySpec,
  type QualityTask,
} from './spec';

// A run
export { computeResults, runMonitor, type RunOutcome, type RunResults } from './run';
export type { RunPlan } from './plan';
export { lastWindowEnd, recordRun } from './record';

// Counting a window (baselines and tests count the same way a run does)
export { windowCounts } from './count';
export { dedupedCounts } from './count-raw';
export { MAX_CORRECTED_EVENTS } from './duplicates';
export { PREDICTION_FEATURE } from './window-sql';
export { countQuality, qualityWindow, type QualityCounts, type QualityWindowCounts } from './count-quality';
export { evaluateQuality, qualityMetrics } from './evaluate-quality';
export { bucketLower, bucketOf, bucketSql, isBucketBoundary } from './buckets';

// Baselines
export { baselineFromRange, baselineFromRecords, loadBaseline, saveBaseline, type Baseline } from './baseline';
export { readDataset } from './dataset';
