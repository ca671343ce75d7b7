import { ks2sampSorted } from './ks2sampSorted';
import { requireFiniteSample } from './requireFiniteSample';

/**
 * Two-sided two-sample Kolmogorov-Smirnov test: are `a` and `b` drawn from the
 * same continuous distribution? Same statistic and p-value as
 * `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')`.
 *
 * Definition: D = sup_x |F_a(x) - F_b(x)| with F the empirical CDFs; the
 * p-value is exact (lattice-path counting) when max(n1, n2) <= 10000 and from
 * the Kolmogorov distribution with n = round(n1 n2 / (n1 + n2)) above. See
 * {@link ks2sampSorted} for the details; this function sorts copies of the
 * inputs (the inputs are not modified) and calls it.
 *
 * Source: Smirnov, N. V. (1939); Hodges, J. L. (1958) Arkiv för Matematik 3(43);
 * Simard & L'Ecuyer (2011); scipy `ks_2samp`.
 *
 * @param a - first sample, finite values, any order
 * @param b - second sample, finite values, any order
 * @returns statistic D in [0, 1] and the two-sided pValue
 * @throws {StatsInputError} `EMPTY` or `NON_FINITE` for a or b.
 *
 * @example
 * ks2samp([0.1, 0.5, 0.9, 1.3], [0.4, 0.8, 1.2, 1.6, 2.0]);
 * // { statistic: 0.4, pValue: 0.7460317460317459 }  (scipy: same)
 */
export function ks2samp(a: number[], b: number[]): { statistic: number; pValue: number } {
  requireFiniteSample(a, 'a');
  requireFiniteSample(b, 'b');
  return ks2sampSorted(Float64Array.from(a).sort(), Float64Array.from(b).sort());
}
