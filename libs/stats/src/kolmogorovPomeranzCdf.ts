import { ldexp } from './doubleDouble';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;

/**
 * CDF of the two-sided one-sample Kolmogorov-Smirnov statistic,
 * P(D_n <= d), by Pomeranz's recursion; one of the exact methods behind
 * {@link kstwoSf} (scipy `scipy/stats/_ksstats.py` `_kolmogn_Pomeranz`,
 * same steps).
 *
 * Definition: with t = n d, l = floor(t), f = t - l and g = min(f, 1 - f),
 * the boundary crossings split [0, 1] into 2n + 2 cells of width g/n,
 * 2g/n or (1 - 2g)/n; P(D_n <= d) = n! * V[2n+1][n], where each row V[i] is
 * the previous row convolved with the truncated Poisson-like weights
 * (width^r / r!) of its cell, restricted to the admissible index band
 * [j1(i), j2(i)]. Intermediate rows are rescaled by 2^128 to avoid underflow.
 *
 * Source: Pomeranz, J. (1974) "Exact cumulative distribution of the
 * Kolmogorov-Smirnov statistic for small samples (Algorithm 487)",
 * Comm. ACM 17(12); Simard, R. & L'Ecuyer, P. (2011) J. Statistical Software 39(11).
 *
 * @param n - sample size, integer >= 1
 * @param x - statistic value (not validated: internal to kstwoSf)
 * @returns P(D_n <= x) in [0, 1]
 *
 * @example
 * kolmogorovPomeranzCdf(10, 0.4);  // 0.9410107548000007 (scipy kstwo.cdf(0.4, 10))
 */
export function kolmogorovPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let [j1, j2] = bandLimits(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = bandLimits(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const aStart = k1 - V0s;
      const aLen = Math.min(ln2, npwrs - aStart);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      // Entries convStart .. convStart+convLen-1 of the full convolution of
      // V0[aStart .. aStart+aLen) with pwrs[0 .. ln2).
      let maxV1 = -Infinity;
      for (let c = 0; c < convLen; c++) {
        const kk = convStart + c;
        let s = 0;
        const lo = Math.max(0, kk - (ln2 - 1));
        const hi = Math.min(kk, aLen - 1);
        for (let a = lo; a <= hi; a++) s += V0[aStart + a]! * pwrs[kk - a]!;
        V1[c] = s;
        if (s > maxV1) maxV1 = s;
      }
      if (convLen < npwrs && maxV1 < 0) maxV1 = 0; // numpy's max(V1) also sees the zero tail
      if (maxV1 > 0 && maxV1 < EM128) {
        for (let c = 0; c < npwrs; c++) V1[c] = V1[c]! * E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return Math.min(Math.max(ans, 0), 1);
}

/** Admissible index band [j1, j2] of row i (scipy `_pomeranz_compute_j1j2`). */
function bandLimits(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}
