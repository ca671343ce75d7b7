import { ldexp } from './doubleDouble';

// ln 2 and ln(2 pi)/2 as double-double (hi, lo), from 50-digit mpmath.
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const HALF_LOG_2PI_HI = 0.9189385332046728;
const HALF_LOG_2PI_LO = -3.8782941580672414e-17;
// ln 2 split so that m * LN2_EXACT_HI is exact for |m| < 2^20 (fdlibm ln2_hi / ln2_lo).
const LN2_EXACT_HI = 6.9314718036912381649e-1;
const LN2_EXACT_LO = 1.90821492927058770002e-10;
// Terms below e^-60 of the largest are left out: even 10^6 of them are < 1e-20 of the sum.
const CUTOFF = 60;
// Sampling needs the terms at v = 0 and 1 below e^-45 of the largest (n x above ~50); otherwise
// the trapezoidal error from the non-smooth start decays too slowly to be judged from two grids
// and every term is summed. (Tests: sampling still matched the full sum with 30; it failed at 20.)
const EDGE_CUTOFF = 45;
// Fewest nodes of the first scan over 1..lastV (cheap plain-double terms: they only locate the peak).
const SCAN_NODES = 32;
// The trapezoidal sum is accepted only with at least this many nodes in the window ...
const MIN_WINDOW_NODES = 16;
// ... and once two successive grids agree to this (1e-12 once accepted a grid 7e-15 off: near
// v = 0 the error can shrink only ~30x per halving, so the test must be at rounding level).
const CONVERGED = 1e-15;
// ln(v/n), ln((n-v)/n), ln(p_v) are taken in double only while above -2.3, i.e. ratios >= 0.1 (see logTerm).
const RATIO_LOG_LIMIT = 2.3;
const DEKKER_SPLIT = 134217729; // 2^27 + 1
// Stirling error ln k! - ((k + 1/2) ln k - k + ln(2 pi)/2) for k = 0..15 (k = 0 unused), from 40-digit mpmath.
const STIRLING_ERROR = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];

/**
 * The lower Smirnov sum P(D_n^+ >= x) = x * sum_{v=0}^{lastV} A_v,
 * A_v = C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v), for {@link smirnovSf}
 * when n > 140: the quantity scipy's term-by-term double-double loop computes
 * (O(n) terms, ~1.5 us each here: 0.2 s at n = 10^5, 2 s at n = 10^6), in
 * 30-200 us (at most ~0.6 ms over kstwoSf's range), within ~6e-16 of scipy.
 *
 * Not a port of scipy here: scipy's `_smirnov` (xsf `cephes/kolmogorov.h`)
 * is that same double-double loop, stopping only when the remaining terms
 * are negligible, and takes 0.1-0.2 s per call at n = 10^5 and ~1 s at 10^6
 * (scipy 1.17.1; it switches to a closed form above 10^6). Summing only the
 * terms within e^-40 of the largest does not help either: for
 * 2.2 <= n x^2 < 370 they are a quarter (n x^2 = 369) to 95% (2.2) of all n.
 *
 * Why sampling every k-th term is enough: A_v = dbinom(v; n, p_v) / p_v with
 * p_v = x + v/n (the two bases add up to 1), a smooth, single-peaked function
 * of v whose width is of order n / sqrt(n x^2) terms. By Poisson summation, a
 * sum over the integers of such a function equals k times its sum over any
 * coarser grid c + kZ up to its Fourier transform at frequency 1/k, which for
 * an analytic, Gaussian-like term falls off like exp(-2 pi^2 sigma^2 / k^2)
 * (the exponentially convergent trapezoidal rule). So:
 * 1. a scan of 32-64 cheap plain-double terms locates the peak and the window
 *    where terms exceed e^-60 of the largest (one node beyond each side: past
 *    a single peak everything further out is smaller still);
 * 2. k starts at the scan step (a power of 2) and is halved until two
 *    successive grids agree to 1e-15 with at least 16 nodes in the window
 *    (typically 40-300 terms in all; at k = 1 it is the plain sum);
 * 3. if the scan does not show a single peak, or A_0 or A_1 is above e^-45 of
 *    the largest (n x below ~50: the terms are not smooth near v = 0 and the
 *    trapezoidal error there decays too slowly to be judged from two grids),
 *    every term in the window is summed instead (k = 1): at most ~1400 terms
 *    over kstwoSf's range (n x^2 >= 2.2), but O(n), as in scipy, for a direct
 *    call with n x < ~50 at large n.
 *
 * Each term in Loader's saddle-point form, with s = n x / v, t = n x / (n - v):
 *   ln A_v = v ln(1 + s) + (n - v) ln(1 - t) - ln(2 pi n)/2 - ln(v/n)/2
 *            - ln((n - v)/n)/2 - ln p_v + delta(n) - delta(v) - delta(n - v),
 * delta(k) the error of Stirling's formula for ln k! (table below 16, series
 * above). The first two products are each of size n x and cancel down to the
 * exponent (between 0 and about -745), so they are formed in double-double,
 * n x included, with a double-double logarithm (ln y = 2 atanh((y-1)/(y+1))
 * after scaling y into [0.7, 1.42]); the other logarithms, of v/n, (n-v)/n
 * and p_v, stay in double while those ratios are >= 0.1 (double-double
 * closer to v = 0 or n). Each ln A_v is thus good to a few 1e-16 absolute, the scale
 * e^(m ln 2) is applied exactly as 2^m, and the terms are added with
 * Neumaier's compensated sum (a plain sum of ~100 terms of size ~1 alone
 * drifted by 1e-15).
 *
 * Checked against scipy.special.smirnov on 3273 random (n, x) with
 * 141 <= n <= 10^6 (3100 of them in kstwoSf's 2 * smirnov branch): max
 * relative difference 5.8e-16; half bit-identical, 96% within 2.3e-16. Where
 * scipy itself drifts (n = 10^6, n x <= 100: up to 7e-15 from a 30-digit sum
 * of all terms), this stays within 1.1e-16 of that sum.
 *
 * Source: Loader, C. (2000) "Fast and accurate computation of binomial
 * probabilities" (stirlerr, saddle-point form of dbinom); Trefethen, L. N. &
 * Weideman, J. A. C. (2014) "The exponentially convergent trapezoidal rule",
 * SIAM Review 56(3), 385-458 (Poisson summation error); Hida, Li & Bailey
 * (2001) and Dekker (1971) for double-double arithmetic; Neumaier, A. (1974)
 * ZAMM 54, 39-51; Birnbaum & Tingey (1951) for the sum itself.
 *
 * @param n - sample size, integer, 2 <= n <= 10^8 (so that v (n - v) < 2^53)
 * @param x - statistic value, 1/n < x < 1 - 1/n (not validated: internal to smirnovSf)
 * @param lastV - last index of the lower sum, n - floor(n x) - 1 (smirnovSf's n1mxfl)
 * @returns P(D_n^+ >= x)
 *
 * @example
 * smirnovSfSampled(100000, 0.01, 98999);  // 2.046639011774627e-9 (scipy.special.smirnov(100000, 0.01): same)
 */
export function smirnovSfSampled(n: number, x: number, lastV: number): number {
  // n x exactly, as nxHi + nxLo.
  const nxHi = n * x;
  const nxLo = twoProductError(n, x, nxHi);
  // C = -ln(2 pi n)/2 + delta(n), double-double.
  let cHi = logDD(n, 0);
  cHi = mulD(cHi, ddLo[0]!, -0.5);
  cHi = addDD(cHi, ddLo[0]!, -HALF_LOG_2PI_HI, -HALF_LOG_2PI_LO);
  cHi = addDD(cHi, ddLo[0]!, stirlingError(n), 0);
  const cLo = ddLo[0]!;
  const twoLogNHi = 2 * logDD(n, 0);
  const terms: Terms = { n, x, nxHi, nxLo, cHi, cLo, twoLogNHi, twoLogNLo: 2 * ddLo[0]!, refHi: 0, refLo: 0 };

  // Scan: a grid of step k (a power of 2, 32 to 64 nodes) anchored at v = 1.
  let k = 1;
  while (2 * k * SCAN_NODES <= lastV) k *= 2;
  const scan: number[] = [];
  let peak = -1;
  for (let v = 1; v <= lastV; v += k) {
    scan.push(roughLogTerm(terms, v));
    if (peak < 0 || scan[scan.length - 1]! > scan[peak]!) peak = scan.length - 1;
  }
  const logTerm0 = n * Math.log1p(-x) - Math.log(x);
  const logMax = peak < 0 ? logTerm0 : Math.max(logTerm0, scan[peak]!);
  // Single peak: rising up to `peak`, falling after it (and not rising again after a larger A_0).
  let singlePeak = peak <= 0 || logTerm0 <= scan[0]!;
  for (let i = 1; i < scan.length && singlePeak; i++) {
    singlePeak = i <= peak ? scan[i]! >= scan[i - 1]! : scan[i]! <= scan[i - 1]!;
  }
  let vLo = 1;
  let vHi = lastV;
  if (singlePeak) {
    // One node beyond each side of the nodes above the cut: everything further out is below it.
    let last = scan.length - 1;
    while (last >= 0 && scan[last]! < logMax - CUTOFF) last--;
    vHi = Math.min(1 + (last + 1) * k, lastV);
    if (logTerm0 < logMax - EDGE_CUTOFF && scan[0]! < logMax - EDGE_CUTOFF) {
      let first = 0;
      while (scan[first]! < logMax - CUTOFF) first++;
      vLo = 1 + Math.max(first - 1, 0) * k;
    } else {
      k = 1;
    }
  } else {
    k = 1;
  }

  // Terms are summed as A_v / e^(m ln 2) with m ln 2 held exactly, so the scale is 2^m.
  const m = Math.round(logMax / Math.LN2);
  terms.refHi = m * LN2_EXACT_HI;
  terms.refLo = m * LN2_EXACT_LO;
  const acc = new Float64Array(2);
  addTerms(terms, vLo, vHi, k, acc);
  let estimate = (acc[0]! + acc[1]!) * k;
  while (k > 1) {
    const half = k / 2;
    addTerms(terms, vLo + half, vHi, k, acc);
    k = half;
    const refined = (acc[0]! + acc[1]!) * k;
    const settled = (vHi - vLo) / k >= MIN_WINDOW_NODES && Math.abs(refined - estimate) <= CONVERGED * refined;
    estimate = refined;
    if (settled) break;
  }
  estimate += scaledTerm(terms, 0);
  return ldexp(x * estimate, m);
}

/** What a term needs: n, x, n x, C = -ln(2 pi n)/2 + delta(n), 2 ln n and the scale m ln 2, each as hi + lo. */
interface Terms {
  n: number;
  x: number;
  nxHi: number;
  nxLo: number;
  cHi: number;
  cLo: number;
  twoLogNHi: number;
  twoLogNLo: number;
  refHi: number;
  refLo: number;
}

/**
 * Adds A_v / e^(m ln 2) for v = from, from + step, ... <= to into acc as a
 * Neumaier compensated sum (acc[0] the sum, acc[1] the compensation): terms
 * of size ~1 into a sum of up to ~100, where a plain sum drifted by 1e-15.
 */
function addTerms(terms: Terms, from: number, to: number, step: number, acc: Float64Array): void {
  let sum = acc[0]!;
  let compensation = acc[1]!;
  for (let v = from; v <= to; v += step) {
    const term = scaledTerm(terms, v);
    const next = sum + term;
    compensation += sum >= term ? sum - next + term : term - next + sum;
    sum = next;
  }
  acc[0] = sum;
  acc[1] = compensation;
}

/** A_v / e^(m ln 2). */
function scaledTerm(terms: Terms, v: number): number {
  const hi = logTerm(terms, v);
  return Math.exp(hi - terms.refHi + (ddLo[0]! - terms.refLo));
}

/** ln A_v in plain doubles (errors ~1e-11 absolute): enough to find the peak and the window. */
function roughLogTerm(terms: Terms, v: number): number {
  const { n, nxHi } = terms;
  const w = n - v;
  return (
    v * Math.log1p(nxHi / v) +
    w * Math.log1p(-nxHi / w) +
    terms.cHi -
    0.5 * (Math.log(v / n) + Math.log(w / n)) -
    Math.log((v + nxHi) / n) -
    stirlingError(v) -
    stirlingError(w)
  );
}

/** ln A_v as the returned high part plus ddLo[0] (of size ~10, not normalised), good to a few 1e-16 absolute. */
function logTerm(terms: Terms, v: number): number {
  const { n, x, nxHi, nxLo } = terms;
  if (v === 0) {
    // ln A_0 = n ln(1 - x) - ln x
    let h = logDD(twoSum(1, -x), ddLo[0]!);
    const nHi = h * n;
    const nLo = twoProductError(h, n, nHi) + ddLo[0]! * n;
    h = logDD(x, 0);
    return addDD(nHi, nLo, -h, -ddLo[0]!);
  }
  const w = n - v;
  // up = v + n x
  const upHi = twoSum(v, nxHi);
  const upLo = ddLo[0]! + nxLo;
  // v ln(1 + s) = v ln(up / v)
  let h = divD(upHi, upLo, v);
  h = logDD(h, ddLo[0]!);
  const aHi = h * v;
  const aLo = twoProductError(h, v, aHi) + ddLo[0]! * v;
  // (n - v) ln(1 - t) = w ln((w - n x) / w)
  h = twoSum(w, -nxHi);
  h = divD(h, ddLo[0]! - nxLo, w);
  h = logDD(h, ddLo[0]!);
  const bHi = h * w;
  const bLo = twoProductError(h, w, bHi) + ddLo[0]! * w;
  h = addDD(aHi, aLo, bHi, bLo);
  h = addDD(h, ddLo[0]!, terms.cHi, terms.cLo);
  // -ln(v/n)/2 - ln(w/n)/2 - ln(up/n): in double while each log is below 2.3 in size (the
  // terms that matter when n x^2 >= 2.2), else in double-double as -ln(v w up^2)/2 + 2 ln n:
  // near v = 0 or v = n these logs reach ln n, and there (n x small, p ~ 1) the largest terms
  // are, so rounding them in double put the sum 7e-15 off at n = 10^6, x = 3e-6.
  const logV = Math.log(v / n);
  const logW = Math.log(w / n);
  const logUp = Math.log(upHi / n);
  if (logV > -RATIO_LOG_LIMIT && logW > -RATIO_LOG_LIMIT && logUp > -RATIO_LOG_LIMIT) {
    ddLo[0] = ddLo[0]! - 0.5 * (logV + logW) - logUp - stirlingError(v) - stirlingError(w);
    return h;
  }
  const eHi = h;
  const eLo = ddLo[0]!;
  h = mulDD(upHi, upLo, upHi, upLo);
  h = logDD(mulD(h, ddLo[0]!, v * w), ddLo[0]!); // v w < 2^53 is exact
  h = addDD(terms.twoLogNHi, terms.twoLogNLo, -0.5 * h, -0.5 * ddLo[0]!);
  h = addDD(eHi, eLo, h, ddLo[0]!);
  ddLo[0] = ddLo[0]! - stirlingError(v) - stirlingError(w);
  return h;
}

// Double-double scalar helpers: each returns the high part and leaves the low part in ddLo[0]
// (a typed-array slot: no allocation, where the DoubleDouble class or a captured `let` would
// allocate a heap number per operation and spend a fifth of the time in the garbage collector).
const ddLo = new Float64Array(1);

/** fl(a * b) error, exact (Dekker; JavaScript has no fma). |a|, |b| < 2^996. */
function twoProductError(a: number, b: number, p: number): number {
  let t = DEKKER_SPLIT * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = DEKKER_SPLIT * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** a + b exactly: returns fl(a + b), error in ddLo[0]. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  ddLo[0] = a - (s - bb) + (b - bb);
  return s;
}

/** (aHi + aLo) + (bHi + bLo), accurate even under cancellation (Briggs-Kahan). */
function addDD(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const s1 = twoSum(aHi, bHi);
  let s2 = ddLo[0]!;
  const t1 = twoSum(aLo, bLo);
  const t2 = ddLo[0]!;
  s2 += t1;
  const u1 = s1 + s2;
  const u2 = s2 - (u1 - s1) + t2;
  const r = u1 + u2;
  ddLo[0] = u2 - (r - u1);
  return r;
}

/** (aHi + aLo) * b for a double b. */
function mulD(aHi: number, aLo: number, b: number): number {
  const p1 = aHi * b;
  const p2 = twoProductError(aHi, b, p1) + aLo * b;
  const r = p1 + p2;
  ddLo[0] = p2 - (r - p1);
  return r;
}

/** (aHi + aLo) * (bHi + bLo). */
function mulDD(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const p1 = aHi * bHi;
  const p2 = twoProductError(aHi, bHi, p1) + (aHi * bLo + aLo * bHi);
  const r = p1 + p2;
  ddLo[0] = p2 - (r - p1);
  return r;
}

/** (aHi + aLo) / (bHi + bLo): the double quotient plus one correction from the exact remainder. */
function divDD(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const q1 = aHi / bHi;
  const p = q1 * bHi;
  const r = twoSum(aHi, -p);
  const q2 = (r + (ddLo[0]! - twoProductError(q1, bHi, p)) + aLo - q1 * bLo) / bHi;
  const s = q1 + q2;
  ddLo[0] = q2 - (s - q1);
  return s;
}

/** (aHi + aLo) / b for a double b. */
function divD(aHi: number, aLo: number, b: number): number {
  const q1 = aHi / b;
  const p = q1 * b;
  const r = twoSum(aHi, -p);
  const q2 = (r + (ddLo[0]! - twoProductError(q1, b, p)) + aLo) / b;
  const s = q1 + q2;
  ddLo[0] = q2 - (s - q1);
  return s;
}

/**
 * ln(aHi + aLo) for a > 0 in double-double: a = 2^e y with y in [0.75, 1.5],
 * ln y = 2 atanh(r), r = (y - 1)/(y + 1), |r| <= 0.2; r + r^3/3 in
 * double-double and the rest of the series in double (its error is below
 * 1e-20 absolute).
 */
function logDD(aHi: number, aLo: number): number {
  let e = 0;
  let yHi = aHi;
  let yLo = aLo;
  if (aHi > 1.5 || aHi < 0.75) {
    // y = a / 2^e in [2^-1/2, 2^1/2] up to rounding of log2, well inside [0.5, 2].
    e = Math.round(Math.log2(aHi));
    yHi = ldexp(aHi, -e);
    yLo = ldexp(aLo, -e);
  }
  // r = (y - 1) / (y + 1); y - 1 is exact for y in [0.5, 2].
  const numHi = twoSum(yHi - 1, yLo);
  const numLo = ddLo[0]!;
  const denHi = twoSum(yHi, 1);
  const denLo = ddLo[0]! + yLo;
  const rHi = divDD(numHi, numLo, denHi, denLo);
  const rLo = ddLo[0]!;
  const r2Hi = mulDD(rHi, rLo, rHi, rLo);
  const r2Lo = ddLo[0]!;
  const r3Hi = mulDD(r2Hi, r2Lo, rHi, rLo);
  const r3Lo = ddLo[0]!;
  const thirdHi = divD(r3Hi, r3Lo, 3);
  const thirdLo = ddLo[0]!;
  // r^5 (1/5 + r^2/7 + r^4/9 + ...) in double.
  let tail = 0;
  let power = r3Hi * r2Hi;
  for (let j = 5; j < 200; j += 2) {
    const term = power / j;
    tail += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(tail)) break;
    power *= r2Hi;
  }
  let h = addDD(rHi, rLo, thirdHi, thirdLo);
  h = addDD(h, ddLo[0]!, tail, 0);
  const sLo = ddLo[0]!;
  if (e === 0) {
    ddLo[0] = 2 * sLo;
    return 2 * h;
  }
  const eHi = LN2_HI * e;
  const eLo = twoProductError(LN2_HI, e, eHi) + LN2_LO * e;
  return addDD(2 * h, 2 * sLo, eHi, eLo);
}

/** ln k! - ((k + 1/2) ln k - k + ln(2 pi)/2) for an integer k >= 1 (Loader's stirlerr). */
function stirlingError(k: number): number {
  if (k <= 15) return STIRLING_ERROR[k]!;
  const k2 = 1 / (k * k);
  return ((((((-691 / 360360) * k2 + 1 / 1188) * k2 - 1 / 1680) * k2 + 1 / 1260) * k2 - 1 / 360) * k2 + 1 / 12) / k;
}
