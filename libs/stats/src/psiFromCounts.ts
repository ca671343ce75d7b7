import { sum } from 'simple-statistics';
import { requireCounts } from './requireCounts';
import { StatsInputError } from './statsInputError';

/**
 * Population Stability Index from per-bin counts of a reference and a current
 * sample (bins aligned by index, e.g. from {@link binCounts} or a SQL query
 * that used the edges from {@link quantileBinEdges}).
 *
 * Definition: with proportions r_i = R_i / sum(R) and c_i = C_i / sum(C),
 * where a proportion that is exactly 0 is replaced by `epsilon` (no
 * renormalisation), PSI = sum_i (c_i - r_i) * ln(c_i / r_i).
 * Rule of thumb: < 0.1 no significant shift, 0.1-0.25 moderate, > 0.25 major.
 *
 * Source: Siddiqi, N. (2006) "Credit Risk Scorecards", Wiley, ch. 8
 * (characteristic/population stability); Yurdakul (2018) for its relation to
 * the symmetrised Kullback-Leibler divergence.
 *
 * @param referenceCounts - non-negative counts of the reference per bin
 * @param currentCounts - non-negative counts of the current window per bin
 * @param epsilon - stand-in for an empty bin's proportion, > 0 (default 1e-4)
 * @returns PSI >= 0
 * @throws {StatsInputError} `LENGTH_MISMATCH` if the vectors differ in length;
 *   `EMPTY`, `NON_FINITE`, `NEGATIVE_COUNT`, `ZERO_TOTAL` for either vector;
 *   `INVALID_PARAMETER` if epsilon is not a finite number > 0.
 *
 * @example
 * // r = [0.5, 0.5], c = [0.25, 0.75]
 * psiFromCounts([50, 50], [25, 75]);
 * // = (0.25-0.5)*ln(0.5) + (0.75-0.5)*ln(1.5) = 0.27465307216702745
 */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  epsilon = 1e-4,
): number {
  if (!(Number.isFinite(epsilon) && epsilon > 0)) {
    throw new StatsInputError('INVALID_PARAMETER', 'epsilon', `is ${epsilon}; expected a finite number > 0`);
  }
  if (referenceCounts.length !== currentCounts.length) {
    throw new StatsInputError(
      'LENGTH_MISMATCH',
      'currentCounts',
      `has ${currentCounts.length} bins but referenceCounts has ${referenceCounts.length}`,
    );
  }
  const referenceTotal = requireCounts(referenceCounts, 'referenceCounts');
  const currentTotal = requireCounts(currentCounts, 'currentCounts');
  const terms = new Array<number>(referenceCounts.length);
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i]! === 0 ? epsilon : referenceCounts[i]! / referenceTotal;
    const c = currentCounts[i]! === 0 ? epsilon : currentCounts[i]! / currentTotal;
    terms[i] = (c - r) * Math.log(c / r);
  }
  return sum(terms);
}
