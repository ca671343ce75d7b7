import { StatsInputError } from './statsInputError';

/**
 * Checks a vector of counts (or weights, or unnormalised probabilities): it
 * must be non-empty, finite, non-negative and have a positive total.
 *
 * @param counts - the counts
 * @param argument - parameter name used in the error
 * @returns the total of the counts (computed in input order)
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`, `NEGATIVE_COUNT`, or
 *   `ZERO_TOTAL` when every count is 0.
 *
 * @example
 * requireCounts([3, 0, 1], 'reference'); // 4
 * requireCounts([0, 0], 'reference');    // throws ZERO_TOTAL
 */
export function requireCounts(counts: ArrayLike<number>, argument: string): number {
  if (counts.length === 0) {
    throw new StatsInputError('EMPTY', argument, 'must not be empty');
  }
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (typeof c !== 'number' || !Number.isFinite(c)) {
      throw new StatsInputError('NON_FINITE', argument, `element ${i} is ${String(c)}; expected a finite count`);
    }
    if (c < 0) {
      throw new StatsInputError('NEGATIVE_COUNT', argument, `element ${i} is ${c}; counts must be >= 0`);
    }
    total += c;
  }
  if (!(total > 0)) {
    throw new StatsInputError('ZERO_TOTAL', argument, 'all counts are 0; proportions are undefined');
  }
  return total;
}
