import { ks2sampExactPValue } from './ks2sampExactPValue';
import { kstwoSf } from './kstwoSf';
import { requireAscending } from './requireAscending';
import { requireFiniteSample } from './requireFiniteSample';

/** scipy's `MAX_AUTO_N`: 'auto' is exact when both sizes are at most this. */
const MAX_EXACT_N = 10000;

/**
 * Two-sided two-sample Kolmogorov-Smirnov test on samples that are already
 * sorted ascending: the fast path behind {@link ks2samp} for callers that sort
 * a baseline once and test many windows against it. Same statistic and
 * p-value as `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')`.
 *
 * Definition: D = max_x |F_a(x) - F_b(x)| over the pooled values x, with the
 * empirical CDFs counting values <= x (numpy `searchsorted(side='right')`, so
 * tied values step together). p-value as scipy's 'auto' mode:
 * - exact when max(n1, n2) <= 10000: D is snapped to h / lcm(n1, n2) and
 *   p = P(D_{n1,n2} >= D) by lattice-path counting ({@link ks2sampExactPValue});
 *   if that fails numerically (p outside [0, 1]) it falls back to:
 * - asymptotic otherwise: p = {@link kstwoSf}(D, round(n1 n2 / (n1 + n2)))
 *   (scipy's `kstwo.sf(d, np.round(en))`, round half to even).
 * The p-value is clipped to [0, 1]. The exact distribution assumes continuous
 * data; with ties it is conservative, as in scipy.
 *
 * Source: Smirnov, N. V. (1939) Bull. Moscow Univ. 2(2); Hodges (1958);
 * scipy `scipy/stats/_stats_py.py` `ks_2samp`.
 *
 * @param a - first sample, finite, sorted ascending
 * @param b - second sample, finite, sorted ascending
 * @returns statistic D in [0, 1] and the two-sided pValue
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`, `NOT_SORTED` for a or b.
 *
 * @example
 * ks2sampSorted([1, 2, 3], [4, 5, 6]);  // { statistic: 1, pValue: 0.09999999999999999 } (= 2 / C(6, 3))
 */
export function ks2sampSorted(a: ArrayLike<number>, b: ArrayLike<number>): { statistic: number; pValue: number } {
  requireFiniteSample(a, 'a');
  requireFiniteSample(b, 'b');
  requireAscending(a, 'a');
  requireAscending(b, 'b');
  const n1 = a.length;
  const n2 = b.length;

  // Walk the pooled values in order; at each distinct value x the ECDF
  // difference is (#a <= x)/n1 - (#b <= x)/n2, computed as scipy does.
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! === x) i++;
    while (j < n2 && b[j]! === x) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  let d = minS > maxDiff ? minS : maxDiff;

  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const exact = ks2sampExactPValue(n1, n2, d);
    d = exact.statistic;
    if (exact.success) {
      return { statistic: d, pValue: Math.min(Math.max(exact.pValue, 0), 1) };
    }
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kstwoSf(d, roundHalfEven(en)) };
}

/** numpy.round: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
