import { kstwoSf, StatsInputError } from '@driftwatch/stats';

export interface BinnedKs {
  /** best estimate of D: the middle of [dLo, dHi] */
  statistic: number;
  dLo: number;
  dHi: number;
  /** p-value at `statistic`, and the p-values at the ends of the D interval */
  pValue: number;
  pLo: number;
  pHi: number;
  n: number;
  m: number;
}

/**
 * Two-sample KS from two histograms on the same bins (counts per bin, bins in increasing order,
 * each bin half-open [e_{j-1}, e_j)), with a guaranteed interval for the exact statistic.
 *
 * Let C(j) be the fraction of a sample below e_j (cumulative count through bin j). For x in
 * [e_{j-1}, e_j) each ECDF lies between C(j-1) and C(j), so
 *   D <= max_j max(Cb(j) - Cc(j-1), Cc(j) - Cb(j-1))            (dHi)
 * and D is at least the gap of the left limits at every edge:
 *   D >= max_j |Cb(j) - Cc(j)|                                    (dLo).
 * The exact D of the raw samples lies in [dLo, dHi]; `statistic` is the midpoint, so its error is
 * at most (dHi - dLo) / 2, which is at most the largest mass of one sample in one bin.
 * The p-value is the asymptotic two-sided one scipy.stats.ks_2samp uses for large samples,
 * kstwo.sf(D, round(n*m/(n+m))); it decreases with D, so the exact-D p-value lies in [pLo, pHi]
 * = [p(dHi), p(dLo)].
 * @throws StatsInputError on length mismatch, negative or non-finite counts, or an empty sample.
 */
export function binnedKs(baseline: ArrayLike<number>, current: ArrayLike<number>): BinnedKs {
  if (baseline.length !== current.length)
    throw new StatsInputError(
      'LENGTH_MISMATCH',
      'current',
      `histograms differ in length: ${baseline.length} vs ${current.length}`,
    );
  let n = 0;
  let m = 0;
  for (let j = 0; j < baseline.length; j++) {
    const b = baseline[j]!;
    const c = current[j]!;
    if (!Number.isFinite(b) || !Number.isFinite(c))
      throw new StatsInputError('NON_FINITE', 'counts', `bin ${j} is not finite`);
    if (b < 0 || c < 0) throw new StatsInputError('NEGATIVE_COUNT', 'counts', `bin ${j} is negative`);
    n += b;
    m += c;
  }
  if (n === 0 || m === 0) throw new StatsInputError('EMPTY', n === 0 ? 'baseline' : 'current', 'a histogram is empty');
  let cb = 0;
  let cc = 0;
  let dLo = 0;
  let dHi = 0;
  for (let j = 0; j < baseline.length; j++) {
    const nb = cb + baseline[j]! / n;
    const nc = cc + current[j]! / m;
    dHi = Math.max(dHi, nb - cc, nc - cb);
    dLo = Math.max(dLo, Math.abs(nb - nc));
    cb = nb;
    cc = nc;
  }
  dHi = Math.min(1, dHi);
  const statistic = (dLo + dHi) / 2;
  const en = Math.round((n * m) / (n + m));
  const p = (d: number) => kstwoSf(Math.min(1, Math.max(0, d)), Math.max(1, en));
  return { statistic, dLo, dHi, pValue: p(statistic), pLo: p(dHi), pHi: p(dLo), n, m };
}
