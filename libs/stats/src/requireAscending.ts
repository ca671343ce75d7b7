import { StatsInputError } from './statsInputError';

/**
 * Checks that a sample is in ascending (non-decreasing) order. The `...Sorted`
 * fast paths call it because an unsorted input would give a silently wrong
 * answer; the check is O(n), far cheaper than the sort it lets callers skip.
 *
 * @param values - sample that should already be sorted ascending
 * @param argument - parameter name used in the error
 * @throws {StatsInputError} `NOT_SORTED` at the first descent.
 *
 * @example
 * requireAscending([1, 1, 2], 'a'); // ok
 * requireAscending([2, 1], 'a');    // throws NOT_SORTED
 */
export function requireAscending(values: ArrayLike<number>, argument: string): void {
  for (let i = 1; i < values.length; i++) {
    if (values[i]! < values[i - 1]!) {
      throw new StatsInputError(
        'NOT_SORTED',
        argument,
        `element ${i} (${values[i]}) is less than element ${i - 1} (${values[i - 1]}); sort ascending first`,
      );
    }
  }
}
