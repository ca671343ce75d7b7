import { binIndex } from './binIndex';
import { requireAscending } from './requireAscending';
import { requireFiniteSample } from './requireFiniteSample';
import { StatsInputError } from './statsInputError';

/**
 * Counts of `values` per bin for interior `edges` (see {@link binIndex} for
 * the bin convention). The in-process twin of a SQL `GROUP BY bin` push-down.
 *
 * Definition: counts[i] = #{ v : binIndex(edges, v) = i }, i = 0 .. edges.length,
 * i.e. `numpy.bincount(numpy.searchsorted(edges, values, 'right'), minlength=len(edges)+1)`.
 *
 * @param edges - strictly increasing finite interior edges (may be empty: one bin)
 * @param values - finite sample to count
 * @returns counts, length edges.length + 1
 * @throws {StatsInputError} `EMPTY`/`NON_FINITE` for `values`; `NON_FINITE`,
 *   `NOT_SORTED` or `INVALID_PARAMETER` (repeated edge) for `edges`.
 *
 * @example
 * binCounts([2, 3], [1, 2, 2.5, 3, 7]);  // [1, 2, 2]
 */
export function binCounts(edges: ArrayLike<number>, values: ArrayLike<number>): number[] {
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i])) {
      throw new StatsInputError('NON_FINITE', 'edges', `element ${i} is ${String(edges[i])}; expected a finite edge`);
    }
  }
  requireAscending(edges, 'edges');
  for (let i = 1; i < edges.length; i++) {
    if (edges[i] === edges[i - 1]) {
      throw new StatsInputError(
        'INVALID_PARAMETER',
        'edges',
        `element ${i} repeats ${edges[i]}; edges must be strictly increasing`,
      );
    }
  }
  requireFiniteSample(values, 'values');
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    counts[binIndex(edges, values[i]!)]! += 1;
  }
  return counts;
}
