import { binCounts } from './binCounts';
import { psiFromCounts } from './psiFromCounts';
import { quantileBinEdges } from './quantileBinEdges';

/**
 * Population Stability Index between a reference sample and a current sample,
 * with bins at the reference's quantiles.
 *
 * Definition: edges = {@link quantileBinEdges}(reference, bins) (numpy linear
 * quantiles at i/bins, repeated edges merged, open outer bins, a value equal
 * to an edge counted in the upper bin), then
 * PSI = sum_i (c_i - r_i) * ln(c_i / r_i) over the bins' proportions with 0
 * replaced by epsilon ({@link psiFromCounts}). Equivalent numpy:
 * `e = np.unique(np.quantile(ref, np.arange(1, bins) / bins));
 *  R = np.bincount(np.searchsorted(e, ref, 'right'), minlength=len(e)+1)`
 * (same for cur), then the PSI sum.
 *
 * Source: Siddiqi (2006) "Credit Risk Scorecards", ch. 8; Yurdakul (2018).
 *
 * @param reference - finite baseline sample
 * @param current - finite sample to compare
 * @param options.bins - quantile bins before merging, integer >= 1 (default 10)
 * @param options.epsilon - stand-in for a zero proportion, > 0 (default 1e-4)
 * @returns PSI >= 0
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE` for either sample;
 *   `INVALID_PARAMETER` for bad bins or epsilon.
 *
 * @example
 * // edges of [1,2,3,4] with bins=2: [2.5]; reference counts [2, 2], current [1, 3]
 * psi([1, 2, 3, 4], [1, 3, 4, 5], { bins: 2 });
 * // = (0.25-0.5)*ln(0.5) + (0.75-0.5)*ln(1.5) = 0.27465307216702745
 */
export function psi(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { bins?: number; epsilon?: number } = {},
): number {
  const edges = quantileBinEdges(reference, options.bins ?? 10);
  const referenceCounts = binCounts(edges, reference);
  const currentCounts = binCounts(edges, current);
  return psiFromCounts(referenceCounts, currentCounts, options.epsilon ?? 1e-4);
}
