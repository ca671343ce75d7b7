import { quantileSorted } from './quantileSorted';
import { requireFiniteSample } from './requireFiniteSample';

/**
 * Quantile of an unsorted sample, identical to `numpy.quantile(values, p)`
 * (linear interpolation, Hyndman & Fan type 7). Sorts a copy and delegates to
 * {@link quantileSorted}; sort once yourself and call `quantileSorted` when
 * you need several quantiles of the same sample.
 *
 * Definition: see {@link quantileSorted}. Source: numpy `_quantile`/`_lerp`;
 * Hyndman & Fan (1996), definition 7.
 *
 * @param values - finite sample, any order (not modified)
 * @param p - probability in [0, 1]
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`, `INVALID_PARAMETER`.
 *
 * @example
 * quantile([4, 1, 3, 2], 0.5);   // 2.5
 * quantile([10, 0], 0.25);       // 2.5
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  requireFiniteSample(values, 'values');
  return quantileSorted(Float64Array.from(values).sort(), p);
}
