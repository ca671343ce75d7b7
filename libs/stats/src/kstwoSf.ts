import { kolmogorovDurbinCdf } from './kolmogorovDurbinCdf';
import { kolmogorovPelzGoodCdf } from './kolmogorovPelzGoodCdf';
import { kolmogorovPomeranzCdf } from './kolmogorovPomeranzCdf';
import { smirnovSf } from './smirnovSf';
import { StatsInputError } from './statsInputError';

// Stirling-series coefficients B_2j / (2j (2j-1)), j = 8..1 (scipy _ksstats.py).
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic
 * D_n = sup_x |F_n(x) - F(x)| for a sample of size n, P(D_n >= d); the same
 * computation as `scipy.stats.kstwo.sf(d, n)`. This is the distribution scipy's
 * `ks_2samp` uses for two-sided p-values in its asymptotic mode, with
 * n = round(n1 n2 / (n1 + n2)) (see {@link ks2sampSorted}).
 *
 * Definition: P(D_n >= d), evaluated by the algorithm selection of Simard &
 * L'Ecuyer (2011) as implemented in scipy `_kolmogn`:
 * - d <= 1/(2n): 1;  d >= 1: 0;
 * - 1/(2n) < d <= 1/n: 1 - n! / n^n (2nd - 1)^n (Ruben & Gambino 1982);
 * - d >= 1 - 1/n: 2 (1 - d)^n;
 * - d >= 1/2: 2 * smirnovSf(n, d) (exact: the one-sided events are disjoint);
 * - n <= 140: 1 - Durbin/MTW matrix CDF if n d^2 <= 0.754693, 1 - Pomeranz if
 *   n d^2 <= 4, else 2 * smirnovSf(n, d) (Miller's approximation);
 * - n > 140: 0 if n d^2 >= 370; 2 * smirnovSf(n, d) if n d^2 >= 2.2; otherwise
 *   1 - Durbin/MTW CDF if n d^1.5 <= 1.4, else 1 - Pelz-Good approximation.
 *
 * Cost: in the 2 * smirnovSf branch scipy sums O(n) terms (0.1-0.3 s per call
 * at n = 10^5, ~1 s at 10^6; a direct port took 0.15-0.32 s and 1.4-2 s);
 * smirnovSf samples that sum instead ({@link smirnovSfSampled}): 30-200 us
 * per call, at most ~0.6 ms (n ~ 1000-1400, n d^2 ~ 2.2), ~1 us for n > 10^6
 * (scipy's closed form). The Durbin/MTW branch (n d^1.5 <= 1.4, p ~ 1) is
 * O((n d)^3 log n) as in scipy: up to ~26 ms at n = 10^5.
 *
 * Source: Simard, R. & L'Ecuyer, P. (2011) "Computing the two-sided
 * Kolmogorov-Smirnov distribution", J. Statistical Software 39(11); scipy
 * `scipy/stats/_ksstats.py` (`_kolmogn`) and `kstwo` in `_continuous_distns.py`.
 *
 * @param d - statistic value, finite
 * @param n - sample size, integer >= 1
 * @returns P(D_n >= d) in [0, 1]
 * @throws {StatsInputError} `NON_FINITE` for d; `INVALID_PARAMETER` for n.
 *
 * @example
 * kstwoSf(0.5, 5);       // 0.112 (= 2 * smirnovSf(5, 0.5))
 * kstwoSf(0.01, 5000);   // 0.6954557253913853 (Durbin/MTW region; scipy: same)
 */
export function kstwoSf(d: number, n: number): number {
  if (!Number.isFinite(d)) {
    throw new StatsInputError('NON_FINITE', 'd', `is ${d}; expected a finite number`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new StatsInputError('INVALID_PARAMETER', 'n', `is ${n}; expected an integer >= 1`);
  }
  // Support of kstwo is [1/(2n), 1] (scipy rv_continuous.sf boundaries).
  if (d <= 0.5 / n) return 1;
  if (d >= 1) return 0;
  const x = d;
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: 1/(2n) <= x <= 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clamp01(1 - cdf);
  }
  if (t >= n - 1) {
    return clamp01(2 * Math.pow(1 - x, n));
  }
  if (x >= 0.5) {
    return clamp01(2 * smirnovSf(n, x));
  }
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clamp01(1 - kolmogorovDurbinCdf(n, x));
    if (nxsquared <= 4) return clamp01(1 - kolmogorovPomeranzCdf(n, x));
    return clamp01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clamp01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? kolmogorovDurbinCdf(n, x) : kolmogorovPelzGoodCdf(n, x);
  return clamp01(1 - clamp01(cdf));
}

function clamp01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** ln(n! / n^n) by Stirling's series with n ln n removed up front (scipy `_log_nfactorial_div_n_pow_n`). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}
