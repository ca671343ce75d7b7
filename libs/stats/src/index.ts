// Public API of @driftwatch/stats: pure statistics functions, one per file.
// Every function throws StatsInputError for bad input (empty, NaN, ±Infinity, ...).

export { StatsInputError, type StatsInputErrorCode } from './statsInputError';
export { requireFiniteSample } from './requireFiniteSample';
export { requireAscending } from './requireAscending';
export { requireCounts } from './requireCounts';

// Quantiles (numpy 'linear')
export { quantile } from './quantile';
export { quantileSorted } from './quantileSorted';

// Kolmogorov-Smirnov
export { ks2samp } from './ks2samp';
export { ks2sampSorted } from './ks2sampSorted';
export { ks2sampExactPValue } from './ks2sampExactPValue';
export { ksProbOutsideSquare } from './ksProbOutsideSquare';
export { ksOuterProbInside } from './ksOuterProbInside';
export { kstwoSf } from './kstwoSf';
export { smirnovSf } from './smirnovSf';
export { kolmogorovDurbinCdf } from './kolmogorovDurbinCdf';
export { kolmogorovPomeranzCdf } from './kolmogorovPomeranzCdf';
export { kolmogorovPelzGoodCdf } from './kolmogorovPelzGoodCdf';

// Chi-squared
export { chiSquareTest } from './chiSquareTest';
export { chiSquareSf } from './chiSquareSf';
export { regularizedGammaQ } from './regularizedGammaQ';
export { logGamma } from './logGamma';

// Population Stability Index and its database push-down pieces
export { psi } from './psi';
export { psiFromCounts } from './psiFromCounts';
export { quantileBinEdges } from './quantileBinEdges';
export { binIndex } from './binIndex';
export { binCounts } from './binCounts';

// Distances
export { jensenShannonDistance } from './jensenShannonDistance';
export { wassersteinDistance } from './wassersteinDistance';

// Model quality: metrics finished from counts and sums computed in the database
export {
  binaryClassificationMetrics,
  LOG_LOSS_EPS,
  type BinaryClassificationMetrics,
  type BinaryCounts,
} from './binaryClassificationMetrics';
export { rocAucFromScoreCounts, type ScoreCount } from './rocAucFromScoreCounts';
export { multiclassMetrics, type ConfusionCell, type MulticlassMetrics } from './multiclassMetrics';
export { MAPE_MIN_LABEL, regressionMetrics, type RegressionMetrics, type RegressionSums } from './regressionMetrics';
