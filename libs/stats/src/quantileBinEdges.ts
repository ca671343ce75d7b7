import { quantileSorted } from './quantileSorted';
import { requireFiniteSample } from './requireFiniteSample';
import { StatsInputError } from './statsInputError';

/**
 * Interior bin edges at the reference sample's quantiles, as used by PSI.
 *
 * Definition: e_i = Q(i / bins) for i = 1 .. bins-1, where Q is the numpy
 * linear quantile ({@link quantileSorted}); repeated edges (a value that
 * fills more than one quantile bin) are merged so no bin is empty by
 * construction. The bins they define are (-inf, e_1), [e_1, e_2), ...,
 * [e_{k-1}, +inf): outer bins are open so a current value outside the
 * reference range still lands in a bin. See {@link binIndex}.
 *
 * The edges are plain numbers so a database push-down can send them to SQL
 * (e.g. ClickHouse `(x >= e_1) + ... + (x >= e_k)` gives the same bin index as
 * {@link binIndex}) and feed the counts to {@link psiFromCounts}.
 *
 * Source: quantile binning for the Population Stability Index, e.g.
 * Yurdakul, B. (2018) "Statistical Properties of Population Stability Index",
 * Western Michigan University dissertation 3208; quantiles as
 * `numpy.quantile(reference, np.arange(1, bins) / bins)`.
 *
 * @param reference - finite reference (baseline) sample
 * @param bins - number of quantile bins before merging, integer >= 1 (default 10)
 * @returns strictly increasing interior edges (length <= bins - 1)
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`; `INVALID_PARAMETER` for bad `bins`.
 *
 * @example
 * quantileBinEdges([1, 2, 3, 4, 5], 4);   // [2, 3, 4]
 * quantileBinEdges([0, 0, 0, 0, 1], 4);   // [0]   (three equal edges merged)
 */
export function quantileBinEdges(reference: ArrayLike<number>, bins = 10): number[] {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new StatsInputError('INVALID_PARAMETER', 'bins', `is ${bins}; expected an integer >= 1`);
  }
  requireFiniteSample(reference, 'reference');
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = quantileSorted(sorted, i / bins);
    if (edges.length === 0 || edge !== edges[edges.length - 1]) {
      edges.push(edge);
    }
  }
  return edges;
}
