/**
 * Index of the bin that holds `value`, for interior edges from
 * {@link quantileBinEdges}: bin 0 is (-inf, e_1), bin i is [e_i, e_{i+1}),
 * the last bin is [e_k, +inf). A value equal to an edge goes to the upper bin.
 *
 * Definition: the number of edges <= value, i.e.
 * `numpy.searchsorted(edges, value, side='right')`, found by binary search in
 * O(log k). The SQL equivalent is a sum of comparisons, `(value >= e_1) + ... + (value >= e_k)`
 * (ClickHouse 18.16 cannot run a lambda over edges that captures a column of a MergeTree table).
 *
 * @param edges - strictly increasing finite edges (not re-validated: this is
 *   called once per value in hot loops; use {@link binCounts} for checked input)
 * @param value - the value to place
 * @returns bin index in [0, edges.length]
 *
 * @example
 * binIndex([2, 3, 4], 1.5);  // 0
 * binIndex([2, 3, 4], 3);    // 2   (equal to edge 3 -> upper bin)
 * binIndex([2, 3, 4], 99);   // 3
 */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
