import { sum } from 'simple-statistics';
import { chiSquareSf } from './chiSquareSf';
import { StatsInputError } from './statsInputError';

/**
 * Pearson chi-squared test of homogeneity between a reference and a current
 * categorical distribution, given as counts per category; the same statistic,
 * p-value and degrees of freedom as
 * `scipy.stats.chi2_contingency([ref_counts, cur_counts], correction=False)`.
 *
 * Definition: build the 2 x k table O over the union of categories (a category
 * missing on one side counts 0; a category with 0 on both sides is dropped, as
 * it carries no information and would make an expected count 0). With row
 * totals R_i, column totals C_j and grand total N, E_ij = R_i C_j / N and
 *   X^2 = sum_ij (O_ij - E_ij)^2 / E_ij,   dof = k - 1,
 *   p = P(chi2(dof) > X^2)  ({@link chiSquareSf}).
 * With a single category left (dof = 0) the result is X^2 = 0, p = 1, dof = 0,
 * as scipy returns. No Yates correction is applied.
 *
 * Source: Pearson, K. (1900), Phil. Mag. 50(302); Agresti, A. (2013)
 * "Categorical Data Analysis", 3rd ed., §3.2; scipy `chi2_contingency`.
 *
 * @param reference - counts per category of the reference (baseline), >= 0
 * @param current - counts per category of the current window, >= 0
 * @returns statistic X^2, pValue, dof
 * @throws {StatsInputError} `EMPTY` if both records are empty; `NON_FINITE`;
 *   `NEGATIVE_COUNT`; `ZERO_TOTAL` if either side's counts sum to 0.
 *
 * @example
 * chiSquareTest({ a: 10, b: 20 }, { a: 20, b: 20, c: 10 });
 * // table [[10, 20, 0], [20, 20, 10]]:
 * // { statistic: 8.88888888888889, pValue: 0.011743628457021359, dof: 2 }
 */
export function chiSquareTest(
  reference: Record<string, number>,
  current: Record<string, number>,
): { statistic: number; pValue: number; dof: number } {
  const categories = [...new Set([...Object.keys(reference), ...Object.keys(current)])];
  if (categories.length === 0) {
    throw new StatsInputError('EMPTY', 'reference', 'reference and current have no categories');
  }
  const observedReference: number[] = [];
  const observedCurrent: number[] = [];
  for (const category of categories) {
    const r = countOf(reference, category, 'reference');
    const c = countOf(current, category, 'current');
    if (r === 0 && c === 0) continue;
    observedReference.push(r);
    observedCurrent.push(c);
  }
  const referenceTotal = sum(observedReference);
  const currentTotal = sum(observedCurrent);
  if (!(referenceTotal > 0)) {
    throw new StatsInputError('ZERO_TOTAL', 'reference', 'all counts are 0; the test is undefined');
  }
  if (!(currentTotal > 0)) {
    throw new StatsInputError('ZERO_TOTAL', 'current', 'all counts are 0; the test is undefined');
  }
  const k = observedReference.length;
  const dof = k - 1;
  if (dof === 0) {
    return { statistic: 0, pValue: 1, dof: 0 };
  }
  const total = referenceTotal + currentTotal;
  const terms: number[] = [];
  for (const [observed, rowTotal] of [
    [observedReference, referenceTotal],
    [observedCurrent, currentTotal],
  ] as const) {
    for (let j = 0; j < k; j++) {
      const expected = (rowTotal * (observedReference[j]! + observedCurrent[j]!)) / total;
      const diff = observed[j]! - expected;
      terms.push((diff * diff) / expected);
    }
  }
  const statistic = sum(terms);
  return { statistic, pValue: chiSquareSf(statistic, dof), dof };
}

/** The count of `category` in `counts` (0 when absent), validated. */
function countOf(counts: Record<string, number>, category: string, argument: string): number {
  if (!Object.prototype.hasOwnProperty.call(counts, category)) {
    return 0;
  }
  const value = counts[category];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StatsInputError(
      'NON_FINITE',
      argument,
      `count of "${category}" is ${String(value)}; expected a finite number`,
    );
  }
  if (value < 0) {
    throw new StatsInputError('NEGATIVE_COUNT', argument, `count of "${category}" is ${value}; counts must be >= 0`);
  }
  return value;
}
