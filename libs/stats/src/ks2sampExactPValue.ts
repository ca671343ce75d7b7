import { ksOuterProbInside } from './ksOuterProbInside';
import { ksProbOutsideSquare } from './ksProbOutsideSquare';

/**
 * Exact two-sided p-value of the two-sample Kolmogorov-Smirnov statistic
 * under H0 (no ties), as scipy's `_attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')`.
 *
 * Definition: D can only take values h / lcm(n1, n2) for integer h, so h is
 * recovered as round(d * lcm) (which also removes rounding noise in d) and
 * d is snapped to h / lcm. Then p = P(D_{n1,n2} >= h / lcm):
 * {@link ksProbOutsideSquare} when n1 = n2, else {@link ksOuterProbInside}.
 * h = 0 gives p = 1. If the computed p is not in [0, 1] (rounding at the
 * extremes) the attempt is reported as failed so the caller can fall back to
 * the asymptotic distribution, exactly as scipy does.
 *
 * Source: Hodges (1958) Arkiv för Matematik 3(43); scipy
 * `scipy/stats/_stats_py.py` `_attempt_exact_2kssamp`.
 *
 * @param n1 - first sample size, integer > 0
 * @param n2 - second sample size, integer > 0
 * @param d - observed statistic in [0, 1]
 * @returns success flag, the snapped statistic h / lcm, and the p-value
 *   (meaningful only when success is true)
 *
 * @example
 * ks2sampExactPValue(5, 5, 1);   // { success: true, statistic: 1, pValue: 0.007936507936507936 }
 */
export function ks2sampExactPValue(
  n1: number,
  n2: number,
  d: number,
): { success: boolean; statistic: number; pValue: number } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) {
    return { success: true, statistic, pValue: 1 };
  }
  const pValue = n1 === n2 ? ksProbOutsideSquare(n1, h) : ksOuterProbInside(n1, n2, g, h);
  if (!(pValue >= 0 && pValue <= 1)) {
    return { success: false, statistic, pValue };
  }
  return { success: true, statistic, pValue };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
