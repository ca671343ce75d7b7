const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;

/**
 * Pelz-Good asymptotic approximation of the CDF of the two-sided one-sample
 * Kolmogorov-Smirnov statistic, P(D_n <= x); used by {@link kstwoSf} for large
 * n where the exact methods are too slow (scipy `scipy/stats/_ksstats.py`
 * `_kolmogn_PelzGood`, same steps).
 *
 * Definition: with z = x sqrt(n), the Li-Chien/Korolyuk expansion
 *   P(D_n <= x) ~ K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^(3/2)
 * with each K_i rewritten through Jacobi theta-function identities into
 * series in q = exp(-pi^2 / (8 z^2)) that converge fast for small z.
 *
 * Source: Pelz, W. & Good, I. J. (1976) "Approximating the lower tail-areas of
 * the Kolmogorov-Smirnov one-sample statistic", J. R. Statist. Soc. B 38(2),
 * 152-156; Simard & L'Ecuyer (2011) J. Statistical Software 39(11).
 *
 * @param n - sample size, integer >= 1
 * @param x - statistic value (not validated: internal to kstwoSf)
 * @returns approximate P(D_n <= x)
 *
 * @example
 * kolmogorovPelzGoodCdf(1000, 0.03);  // ~0.6773 (exact kstwo.cdf(0.03, 1000) = 0.67731)
 */
export function kolmogorovPelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zsquared = z * z;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;

  // Horner scheme for sum_k c_k q^(k^2), reduced to odd integers.
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const msquared = m * m;
    const mfour = msquared * msquared;
    const msix = mfour * msquared;
    const qpower = Math.pow(q, 8 * k);
    K[0] = K[0]! * qpower + 1;
    K[1] = K[1]! * qpower + (k1a + k1b * msquared);
    K[2] = K[2]! * qpower + (k2a + k2b * msquared + k2c * mfour);
    K[3] = K[3]! * qpower + (k3a + k3b * msquared + k3c * mfour + k3d * msix);
  }
  const divisors = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / divisors[i]!;

  // The remaining terms over all integers k, summed directly.
  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksquared = k * k;
    const kspi = Math.PI * k;
    const qpower = Math.pow(q, ksquared);
    k2extra += ksquared * qpower;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpower;
  }
  K[2] = K[2]! + k2extra * ((PI_SQUARED * SQRT_2PI) / (-36 * zthree));
  K[3] = K[3]! + k3extra * ((PI_SQUARED * SQRT_2PI) / (216 * zsix));
  let total = 0;
  for (let i = 0; i < 4; i++) total += K[i]! / Math.pow(n, i / 2);
  return total;
}
