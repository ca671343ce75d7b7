// Public API of @driftwatch/stats: pure statistics functions, one per file.
// Every function throws StatsInputError for bad input (empty, NaN, ±Infinity, ...).

export { StatsInputError, type StatsInputErrorCode } from './statsInputError';
export { requireFiniteSample } from './requireFiniteSample';
export { requireAscending } from './requireAscending';
export { requireCounts } from './requireCounts';

// Quantiles (numpy 'linear')
export { quantile } from './quantile';
export { quantileSorted } from './quantileSorted';
