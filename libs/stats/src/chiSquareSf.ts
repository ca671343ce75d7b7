import { regularizedGammaQ } from './regularizedGammaQ';
import { StatsInputError } from './statsInputError';

/**
 * Survival function of the chi-squared distribution, P(X > x) for
 * X ~ chi2(dof); the same quantity as `scipy.stats.chi2.sf(x, dof)` /
 * `scipy.special.chdtrc(dof, x)`.
 *
 * Definition: P(X > x) = Q(dof / 2, x / 2), the regularized upper incomplete
 * gamma function ({@link regularizedGammaQ}); 1 for x <= 0.
 *
 * Source: Abramowitz & Stegun 26.4.19; Cephes `chdtrc` (scipy `xsf/cephes/chdtr.h`).
 *
 * @param x - statistic value, finite
 * @param dof - degrees of freedom, finite and > 0 (need not be an integer)
 * @returns the upper-tail probability in [0, 1]
 * @throws {StatsInputError} `NON_FINITE`; `INVALID_PARAMETER` for dof <= 0.
 *
 * @example
 * chiSquareSf(3.841458820694124, 1);  // 0.04999999999999989 (the 5% critical value)
 * chiSquareSf(2, 2);                  // 0.36787944117144245 (e^-1)
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(dof)) {
    throw new StatsInputError(
      'NON_FINITE',
      Number.isFinite(x) ? 'dof' : 'x',
      `is ${Number.isFinite(x) ? dof : x}; expected a finite number`,
    );
  }
  if (!(dof > 0)) {
    throw new StatsInputError('INVALID_PARAMETER', 'dof', `is ${dof}; expected dof > 0`);
  }
  if (x <= 0) {
    return 1;
  }
  return regularizedGammaQ(dof / 2, x / 2);
}
