import { sum } from 'simple-statistics';
import { requireCounts } from './requireCounts';
import { StatsInputError } from './statsInputError';

/**
 * Jensen-Shannon distance between two discrete distributions given as count
 * or (unnormalised) probability vectors over the same categories; the
 * quantity `scipy.spatial.distance.jensenshannon(p, q, base)` computes.
 *
 * Definition: normalise p <- p / sum(p), q <- q / sum(q); m = (p + q) / 2;
 *   JSD = sqrt( (KL(p || m) + KL(q || m)) / 2 ),  KL(a || b) = sum a_i ln(a_i / b_i)
 * with 0 ln(0 / b) = 0. With `base` the divergence is divided by ln(base)
 * before the square root. Bounded by sqrt(ln 2) in nats, 1 in base 2.
 *
 * Evaluation: per category, with s = p_i + q_i and d = (p_i - q_i) / s,
 *   p_i ln(p_i / m_i) + q_i ln(q_i / m_i) = (s / 2) * [(1+d) ln(1+d) + (1-d) ln(1-d)]
 *                                          = (s / 2) * sum_{k>=1} d^(2k) / (k (2k-1)),
 * a sum of non-negative terms (series for small |d|). scipy sums the signed
 * terms p_i ln(p_i / m_i) and q_i ln(q_i / m_i) separately, which cancel when
 * p is close to q: for p = [1, 2, 3], q = [1.0001, 2, 3] scipy's result is
 * off by 2e-7 relative (and can even be NaN from a negative rounding error),
 * while this form stays within a few ulps (checked against 50-digit mpmath).
 * Elsewhere the two agree to ~1e-13.
 *
 * Source: Lin, J. (1991) "Divergence measures based on the Shannon entropy",
 * IEEE Trans. Inf. Theory 37(1); Endres, D. M. & Schindelin, J. E. (2003)
 * "A new metric for probability distributions", IEEE Trans. Inf. Theory 49(7);
 * scipy `jensenshannon`.
 *
 * @param p - non-negative counts/probabilities
 * @param q - non-negative counts/probabilities, same length as p
 * @param base - logarithm base, > 0 and != 1 (default e)
 * @returns the distance, in [0, sqrt(ln 2 / ln base)]
 * @throws {StatsInputError} `LENGTH_MISMATCH`; `EMPTY`, `NON_FINITE`,
 *   `NEGATIVE_COUNT`, `ZERO_TOTAL` for p or q; `INVALID_PARAMETER` for base.
 *
 * @example
 * jensenShannonDistance([1, 0], [0, 1], 2);          // 1
 * jensenShannonDistance([1, 0, 0], [1, 1, 0]);       // 0.464501404022459 (scipy: same)
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (p.length !== q.length) {
    throw new StatsInputError('LENGTH_MISMATCH', 'q', `has ${q.length} elements but p has ${p.length}`);
  }
  if (base !== undefined && !(Number.isFinite(base) && base > 0 && base !== 1)) {
    throw new StatsInputError('INVALID_PARAMETER', 'base', `is ${base}; expected a finite number > 0 and != 1`);
  }
  const pTotal = requireCounts(p, 'p');
  const qTotal = requireCounts(q, 'q');
  const terms = new Array<number>(p.length);
  for (let i = 0; i < p.length; i++) {
    const s = p[i]! / pTotal + q[i]! / qTotal;
    // d = (p_i/P - q_i/Q) / (p_i/P + q_i/Q), formed from the raw counts so the
    // difference is exact for integer counts (products below 2^53).
    const pq = p[i]! * qTotal;
    const qp = q[i]! * pTotal;
    terms[i] = s === 0 ? 0 : (s / 2) * symmetricEntropyTerm((pq - qp) / (pq + qp));
  }
  let js = sum(terms);
  if (base !== undefined) {
    js /= Math.log(base);
  }
  return Math.sqrt(js / 2);
}

/** (1+d) ln(1+d) + (1-d) ln(1-d) for |d| <= 1, without cancellation near d = 0. */
function symmetricEntropyTerm(d: number): number {
  const a = Math.abs(d);
  if (a === 1) return 2 * Math.LN2;
  if (a < 0.125) {
    // sum_{k>=1} d^(2k) / (k (2k - 1)); terms shrink by d^2 < 1/64 each step.
    const d2 = d * d;
    let power = d2;
    let total = 0;
    for (let k = 1; k < 30; k++) {
      const term = power / (k * (2 * k - 1));
      total += term;
      if (term <= 1e-17 * total) break;
      power *= d2;
    }
    return total;
  }
  return (1 + a) * Math.log1p(a) + (1 - a) * Math.log1p(-a);
}
