import { ldexp } from './doubleDouble';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;

/**
 * CDF of the two-sided one-sample Kolmogorov-Smirnov statistic,
 * P(D_n <= d), by Durbin's matrix method in the Marsaglia-Tsang-Wang form;
 * one of the exact methods behind {@link kstwoSf} (scipy
 * `scipy/stats/_ksstats.py` `_kolmogn_DMTW`, same steps).
 *
 * Definition: write n d = k - h with k a positive integer and 0 <= h < 1,
 * m = 2k - 1. Build the m x m matrix H with H[i][j] = 1/(i - j + 1)! for
 * i - j + 1 >= 0 (else 0), first column (1 - h^(i+1)) / (i+1)!, last row its
 * reverse, and corner (1 - 2 h^m + max(0, 2h - 1)^m) / m!. Then
 *   P(D_n <= d) = (n! / n^n) * (H^n)[k-1][k-1],
 * with H^n by repeated squaring and binary exponents tracked separately so
 * nothing overflows. Cost O(m^3 log n); used where k is small.
 *
 * Source: Durbin, J. (1968) Ann. Math. Statist. 39, 398-411; Marsaglia, G.,
 * Tsang, W. W. & Wang, J. (2003) "Evaluating Kolmogorov's distribution",
 * J. Statistical Software 8(18).
 *
 * @param n - sample size, integer >= 1
 * @param d - statistic value (not validated: internal to kstwoSf)
 * @returns P(D_n <= d) in [0, 1]
 *
 * @example
 * kolmogorovDurbinCdf(10, 0.274);  // ~0.6284796154565043 (scipy kstwo.cdf(0.274, 10))
 */
export function kolmogorovDurbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j; // may underflow: harmless
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let hPower: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) hPower[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      hPower = matmul(hPower, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > E128) {
      for (let i = 0; i < H.length; i++) H[i] = H[i]! / E128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = hPower[(k - 1) * m + (k - 1)]!;
  // Multiply by n!/n^n.
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return Math.min(Math.max(p, 0), 1);
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      const rowB = l * m;
      const rowOut = i * m;
      for (let j = 0; j < m; j++) out[rowOut + j]! += ail * b[rowB + j]!;
    }
  }
  return out;
}
