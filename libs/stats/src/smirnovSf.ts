import { DoubleDouble, ldexp } from './doubleDouble';
import { smirnovSfSampled } from './smirnovSfSampled';
import { StatsInputError } from './statsInputError';

const EPSILON = 2.220446049250313e-16;
const MINLOG = -7.451332191019412076235e2; // ln(2^-1075), Cephes/xsf const.h
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
const SM_UPPER_MAX_TERMS = 3;
const SM_UPPERSUM_MIN_N = 10;
const SM_MAX_EXPONENT = 960;
// Above this n the lower sum is evaluated by smirnovSfSampled; at or below it by scipy's
// term-by-term loop (<= 140 terms, <= 0.2 ms).
const SAMPLED_MIN_N = 140;

/**
 * Survival function of the one-sided one-sample Kolmogorov-Smirnov statistic
 * D_n^+ = sup_x (F_n(x) - F(x)): P(D_n^+ >= d), the value of
 * `scipy.special.smirnov(n, d)` (xsf/Cephes `smirnov`): same method for
 * n <= 140 and every branch outside the lower sum, the same sum evaluated
 * faster for larger n (below). {@link kstwoSf} uses 2 * smirnovSf as the
 * two-sided tail where the two one-sided events cannot both happen (d >= 1/2)
 * or the overlap is negligible.
 *
 * Definition (Smirnov 1944; Birnbaum & Tingey 1951):
 *   P(D_n^+ >= d) = d * sum_{v=0}^{floor(n(1-d))} C(n, v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
 * or, when that has fewer terms and little cancellation, via the complementary
 * "upper" sum over v > n(1-d) (Dwass 1959). For n <= 140 (and the upper sum)
 * each term is formed in double-double arithmetic with a separate binary
 * exponent so nothing overflows or loses the ~log2(n) bits a plain double
 * would, and the sum stops when the remaining terms cannot change it, as in
 * scipy; that costs O(n) terms (~0.2 s at n = 10^5, 2 s at n = 10^6, in scipy
 * too), so for 140 < n <= 10^6 the lower sum is taken by
 * {@link smirnovSfSampled} (trapezoidal sampling of the smooth terms, each in
 * double-double; 30-200 us, at most ~0.6 ms for n d^2 >= 2.2, still O(n) when
 * n d < ~50; within ~6e-16 of scipy). Closed forms for d <= 1/n and
 * d >= 1 - 1/n; for n > 10^6 scipy's approximation
 * exp(-(6 n d + 1)^2 / (18 n)), kept for agreement with scipy although against
 * the full sum it is off by ~1e-6 relative at p ~ 1e-2, ~4e-6 at p ~ 1e-9 and
 * up to ~4e-3 at p ~ 1e-87 (measured for n = 10^6 + 1 .. 10^8).
 *
 * Source: Smirnov, N. V. (1944) Usp. Mat. Nauk 10; Birnbaum, Z. W. & Tingey, F. H.
 * (1951) Ann. Math. Statist. 22(4); van Mulbregt, P. (2018) "Computing the
 * cumulative distribution function and quantiles of the one-sided
 * Kolmogorov-Smirnov statistic", arXiv:1802.06966; scipy `xsf/cephes/kolmogorov.h`.
 *
 * @param n - sample size, integer >= 1
 * @param d - statistic value in [0, 1]
 * @returns P(D_n^+ >= d) in [0, 1]
 * @throws {StatsInputError} `NON_FINITE`; `INVALID_PARAMETER` for n not a
 *   positive integer or d outside [0, 1].
 *
 * @example
 * smirnovSf(1, 0.3);    // 0.7
 * smirnovSf(5, 0.5);    // 0.056  (scipy.special.smirnov(5, 0.5))
 */
export function smirnovSf(n: number, d: number): number {
  if (!Number.isFinite(d)) {
    throw new StatsInputError('NON_FINITE', 'd', `is ${d}; expected a finite number`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new StatsInputError('INVALID_PARAMETER', 'n', `is ${n}; expected an integer >= 1`);
  }
  if (!(d >= 0 && d <= 1)) {
    throw new StatsInputError('INVALID_PARAMETER', 'd', `is ${d}; expected a value in [0, 1]`);
  }
  const x = d;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  const { alpha, nxFloor: nxfl } = modNX(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  // If alpha is 0 the last term belongs to neither summation.
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  // x <= 1/n: P = 1 - x (1 + x)^(n-1).
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const t = powD(DoubleDouble.of(1).add(x), n - 1).hi;
    return clamp01(1 - x * t);
  }
  // The sf underflows.
  if (-2 * n * x * x < MINLOG) return 0;
  // x >= 1 - 1/n: P = (1 - x)^n.
  if (nxfl >= n - 1) {
    return clamp01(powD(DoubleDouble.of(1).add(-x), n).hi);
  }
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    // p ~ exp(-(6nx + 1)^2 / 18n), Smirnov's asymptotic with correction.
    const logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
    // Maximise precision for small p-values.
    return clamp01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  const nUpperTerms = n - n1mxceil + 1;
  const useUpperSum =
    (nUpperTerms <= 1 && x < 0.5) ||
    (n >= SM_UPPERSUM_MIN_N && nUpperTerms <= SM_UPPER_MAX_TERMS && x <= 0.5 / Math.sqrt(n));
  if (!useUpperSum && n > SAMPLED_MIN_N) {
    return clamp01(smirnovSfSampled(n, x, n1mxfl));
  }

  let start = 0;
  let step = 1;
  let nTerms = n1mxfl + 1;
  const vmid = Math.floor(n / 2);
  let cMan = DoubleDouble.of(1);
  let cExpt = 0;
  let aj: DoubleDouble;
  if (useUpperSum) {
    start = n;
    step = -1;
    nTerms = n - n1mxceil + 1;
    aj = pow4D(1, x, 1, 0, n - 1);
  } else {
    aj = pow4D(1, -x, 1, 0, n).div(x);
  }
  let ajSum = DoubleDouble.of(0).add(aj);
  ({ cMan, cExpt } = updateBinomial(cMan, cExpt, n, 0));
  for (let j = 1; j < nTerms; j++) {
    const v = start + j * step;
    aj = computeAv(n, x, v, cMan, cExpt);
    if (Number.isFinite(aj.hi) && !aj.isZero()) {
      ajSum = ajSum.add(aj);
    }
    // Safe to stop early?
    if (!aj.isZero()) {
      if (4 * (nTerms - j) * Math.abs(aj.hi) < EPSILON * ajSum.hi && j !== nTerms - 1) {
        break;
      }
    } else if (j > vmid) {
      break;
    }
    ({ cMan, cExpt } = updateBinomial(cMan, cExpt, n, j));
  }
  const prob = ajSum.mul(x).hi;
  return clamp01(step < 0 ? 1 - prob : prob);
}

function clamp01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** floor(n x) and the remainder n x - floor(n x), computed exactly. */
function modNX(n: number, x: number): { alpha: number; nxFloor: number } {
  const nxD = DoubleDouble.of(x).mul(n);
  const nxFloorD = nxD.floor();
  let alpha = nxD.sub(nxFloorD).hi;
  let nxFloor = Math.trunc(nxFloorD.hi);
  if (alpha === 1) {
    nxFloor += 1;
    alpha = 0;
  }
  return { alpha, nxFloor };
}

/** C(n, j+1) from C(n, j), kept as a mantissa in [0.5, 1) and a binary exponent. */
function updateBinomial(
  cMan: DoubleDouble,
  cExpt: number,
  n: number,
  j: number,
): { cMan: DoubleDouble; cExpt: number } {
  const rat = DoubleDouble.of(n - j).div(j + 1.0);
  const [man, e] = cMan.mul(rat).frexp();
  return { cMan: man, cExpt: cExpt + e };
}

/** a^m for a double-double a, trading a little accuracy for speed as xsf does. */
function powD(a: DoubleDouble, m: number): DoubleDouble {
  if (m <= 0) {
    if (m === 0) return DoubleDouble.of(1);
    return DoubleDouble.of(1).div(powD(a, -m));
  }
  if (a.isZero()) return DoubleDouble.of(0);
  const ans = Math.pow(a.hi, m);
  const r = a.lo / a.hi;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) {
    if (Math.abs(adj) < 1e-4) {
      // First two terms of the Taylor series of (1 + r)^m.
      adj += m * r * (((m - 1) / 2.0) * r);
    } else {
      adj = Math.expm1(m * Math.log1p(r));
    }
  }
  return DoubleDouble.of(ans).add(ans * adj);
}

/** The smallest power of 2 >= |x| (xsf `nextPowerOf2`). */
function nextPowerOf2(x: number): number {
  const q = ldexp(x, 1 - 53);
  let l = Math.abs(q + x);
  if (l === 0) {
    l = Math.abs(x);
  } else {
    const lInt = Math.trunc(l);
    if (lInt === l) l = lInt;
  }
  return l;
}

/** a^m as (significand, binary exponent), splitting the power so it never underflows. */
function pow2ScaledD(a: DoubleDouble, m: number): [DoubleDouble, number] {
  if (m <= 0) {
    if (m === 0) return [DoubleDouble.of(1), 0];
    const [ans, aE1] = pow2ScaledD(a, -m);
    const [inv, aE2] = DoubleDouble.of(1).div(ans).frexp();
    return [inv, -aE1 + aE2];
  }
  const [y, yE] = a.frexp();
  if (m === 1) return [y, yE];
  let maxExpt = SM_MAX_EXPONENT;
  // y^m >= 2^-960 needs m <= 960 / -log2(y); check cheaply, then carefully.
  if ((m * (y.hi - 1)) / y.hi < -SM_MAX_EXPONENT * Math.LN2) {
    const lg2y = Math.log(y.hi) / Math.LN2;
    const lgAns = m * lg2y;
    if (lgAns <= -SM_MAX_EXPONENT) {
      maxExpt = Math.trunc(nextPowerOf2(-SM_MAX_EXPONENT / lg2y + 1) / 2);
    }
  }
  if (m <= maxExpt) {
    const [ans, ansE] = powD(y, m).frexp();
    return [ans, ansE + m * yE];
  }
  const q = Math.trunc(m / maxExpt);
  const r = m % maxExpt;
  // y^m = (y^maxExpt)^q * y^r
  const [y2r, y2rE] = pow2ScaledD(y, r);
  const [y2m, y2mE] = pow2ScaledD(y, maxExpt);
  const [y2mq, y2mqE0] = pow2ScaledD(y2m, q);
  const [ans, ansE] = y2r.mul(y2mq).frexp();
  const y2mqE = y2mqE0 + y2mE * q;
  return [ans, ansE + y2mqE + y2rE + m * yE];
}

/** ((a + b) / (c + d))^m in double-double. */
function pow4D(a: number, b: number, c: number, d: number, m: number): DoubleDouble {
  if (m <= 0) {
    if (m === 0) return DoubleDouble.of(1);
    return pow4D(c, d, a, b, -m);
  }
  const A = DoubleDouble.of(a).add(b);
  const C = DoubleDouble.of(c).add(d);
  if (A.isZero()) return C.isZero() ? new DoubleDouble(NaN, NaN) : DoubleDouble.of(0);
  if (C.isZero()) return A.hi < 0 ? new DoubleDouble(-Infinity, -Infinity) : new DoubleDouble(Infinity, Infinity);
  return powD(A.div(C), m);
}

/** One term A_v = C(n, v) (1 - x - v/n)^(n-v) (x + v/n)^(v-1). */
function computeAv(n: number, x: number, v: number, cMan: DoubleDouble, cExpt: number): DoubleDouble {
  const t2x = DoubleDouble.of(n - v)
    .div(n)
    .sub(x);
  const [t2, t2E] = pow2ScaledD(t2x, n - v);
  const t1x = DoubleDouble.of(v).div(n).add(x);
  const [t1, t1E] = pow2ScaledD(t1x, v - 1);
  const ans = t1.mul(t2).mul(cMan);
  return ans.ldexp(cExpt + t1E + t2E);
}
