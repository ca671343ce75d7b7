/**
 * Why a stats function refused its input. One code per rule, so callers can
 * branch on it (a monitor run records "window empty" differently from "a
 * feature value was NaN") without parsing messages.
 *
 * - `EMPTY`: a sample or count vector has no elements.
 * - `NON_FINITE`: a value is NaN, +Infinity or -Infinity.
 * - `LENGTH_MISMATCH`: two vectors that must align have different lengths.
 * - `NEGATIVE_COUNT`: a count, weight or probability is negative.
 * - `ZERO_TOTAL`: counts or weights are all zero, so proportions are undefined.
 * - `NOT_SORTED`: a `...Sorted` fast path was given input that is not ascending.
 * - `INVALID_PARAMETER`: an option is out of its domain (bins < 1, p outside [0, 1], ...).
 */
export type StatsInputErrorCode =
  | 'EMPTY'
  | 'NON_FINITE'
  | 'LENGTH_MISMATCH'
  | 'NEGATIVE_COUNT'
  | 'ZERO_TOTAL'
  | 'NOT_SORTED'
  | 'INVALID_PARAMETER';

/**
 * The single error type every function in `@driftwatch/stats` throws for bad
 * input. The library never returns NaN for bad input: it throws this instead.
 *
 * @param code - machine-readable reason, see {@link StatsInputErrorCode}
 * @param argument - name of the offending parameter, e.g. `'reference'`
 * @param message - human-readable detail
 *
 * @example
 * try { ks2samp([], [1]); } catch (e) {
 *   if (e instanceof StatsInputError && e.code === 'EMPTY') { ... }
 * }
 */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';

  constructor(
    readonly code: StatsInputErrorCode,
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}
