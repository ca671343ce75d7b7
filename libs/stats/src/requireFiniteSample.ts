import { StatsInputError } from './statsInputError';

/**
 * Checks that a sample is non-empty and holds only finite numbers: the one
 * rule for bad input shared by every sample-based function in this library.
 *
 * @param values - the sample
 * @param argument - parameter name used in the error, e.g. `'reference'`
 * @throws {StatsInputError} `EMPTY` if `values` has no elements;
 *   `NON_FINITE` if an element is NaN or ±Infinity (the index is reported).
 *
 * @example
 * requireFiniteSample([1, 2], 'a');      // ok
 * requireFiniteSample([1, NaN], 'a');    // throws NON_FINITE "a: element 1 is NaN"
 */
export function requireFiniteSample(values: ArrayLike<number>, argument: string): void {
  if (values.length === 0) {
    throw new StatsInputError('EMPTY', argument, 'must not be empty');
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StatsInputError('NON_FINITE', argument, `element ${i} is ${String(v)}; expected a finite number`);
    }
  }
}
