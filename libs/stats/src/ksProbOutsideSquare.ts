/**
 * Exact two-sided null probability P(D_{n,n} >= h/n) of the two-sample
 * Kolmogorov-Smirnov statistic for two samples of equal size n: the
 * proportion of monotone lattice paths from (0,0) to (n,n) that touch or
 * cross one of the diagonals x - y = ±h.
 *
 * Definition (reflection principle):
 *   P = 2 * sum_{k>=1} (-1)^(k-1) C(2n, n - k h) / C(2n, n).
 * Evaluated as scipy does, without the subtractive cancellation of the
 * alternating sum: each ratio A_k = C(2n, n-kh)/C(2n, n-(k-1)h) is a product
 * of h simple factors, and P = 2 A_0 (1 - A_1 (1 - A_2 (1 - ...))) by Horner.
 * O(n) operations.
 *
 * Source: Gnedenko & Korolyuk (1951); Hodges, J. L. (1958) "The significance
 * probability of the Smirnov two-sample test", Arkiv för Matematik 3(43);
 * scipy `scipy/stats/_stats_py.py` `_compute_prob_outside_square` (same
 * operation order, so results agree with scipy to the last bit).
 *
 * @param n - common sample size, integer > 0
 * @param h - integer 1 <= h <= n; the statistic is D = h / n
 * @returns the two-sided p-value (may exceed 1 by rounding for tiny h; the
 *   caller decides what to do, as scipy's caller does)
 *
 * @example
 * ksProbOutsideSquare(5, 5);   // 2 / C(10, 5) = 0.007936507936507936
 * ksProbOutsideSquare(3, 2);   // 0.6
 */
export function ksProbOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) {
      p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    }
    p = p1 * (1 - p);
  }
  return 2 * p;
}
