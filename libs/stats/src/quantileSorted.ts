import { requireAscending } from './requireAscending';
import { requireFiniteSample } from './requireFiniteSample';
import { StatsInputError } from './statsInputError';

/**
 * Quantile of an ascending-sorted sample with linear interpolation between
 * order statistics, identical to `numpy.quantile(x, p)` (default
 * `method='linear'`, Hyndman & Fan type 7).
 *
 * Definition: with n values x[0] <= ... <= x[n-1], the virtual index is
 * h = (n - 1) * p, i = floor(h), g = h - i, and
 *   Q(p) = x[i] + (x[i+1] - x[i]) * g          if g < 0.5
 *   Q(p) = x[i+1] - (x[i+1] - x[i]) * (1 - g)  if g >= 0.5
 * (numpy evaluates the lerp from the nearer end, which is why there are two
 * forms; both are used here so results match numpy bit for bit). For
 * h >= n - 1 the result is x[n-1].
 *
 * Source: numpy `numpy/lib/_function_base_impl.py` (`_quantile`, `_lerp`);
 * Hyndman, R. J. & Fan, Y. (1996) "Sample quantiles in statistical packages",
 * The American Statistician 50(4), definition 7.
 *
 * Fast path: callers that need several quantiles of one sample sort it once
 * and call this repeatedly; {@link quantile} sorts for you.
 *
 * @param sorted - finite values in ascending order
 * @param p - probability in [0, 1]
 * @returns the p-quantile
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`, `NOT_SORTED`;
 *   `INVALID_PARAMETER` if p is not in [0, 1].
 *
 * @example
 * quantileSorted([1, 2, 3, 4], 0.5);  // 2.5   (h = 1.5)
 * quantileSorted([1, 2, 3, 4], 0.1);  // 1.3   (h = 0.3: 1 + 1 * 0.3)
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  requireFiniteSample(sorted, 'sorted');
  requireAscending(sorted, 'sorted');
  if (!(p >= 0 && p <= 1)) {
    throw new StatsInputError('INVALID_PARAMETER', 'p', `is ${p}; expected a probability in [0, 1]`);
  }
  const n = sorted.length;
  const h = (n - 1) * p;
  if (h >= n - 1) {
    return sorted[n - 1]!;
  }
  const i = Math.floor(h);
  const g = h - i;
  const a = sorted[i]!;
  const b = sorted[i + 1]!;
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}
