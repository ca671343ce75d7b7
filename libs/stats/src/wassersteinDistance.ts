import { requireCounts } from './requireCounts';
import { requireFiniteSample } from './requireFiniteSample';
import { StatsInputError } from './statsInputError';

/**
 * First Wasserstein (earth mover's) distance between two 1-D empirical
 * distributions, identical to `scipy.stats.wasserstein_distance(u, v, uWeights, vWeights)`.
 *
 * Definition: with U and V the (weighted) empirical CDFs,
 *   W1(u, v) = integral_{-inf}^{+inf} |U(x) - V(x)| dx
 *            = sum_k |U(z_k) - V(z_k)| * (z_{k+1} - z_k)
 * over the pooled sorted values z_1 <= ... <= z_N (U and V are step functions,
 * constant between pooled values; U(z) = weight of u-values <= z / total weight).
 *
 * Source: Ramdas, Garcia & Cuturi (2017) "On Wasserstein two-sample testing and
 * related families of nonparametric tests", Entropy 19(2); scipy `_cdf_distance`
 * (Bellemare et al. 2017, arXiv:1705.10743).
 *
 * @param u - finite values of the first distribution
 * @param v - finite values of the second distribution
 * @param uWeights - optional non-negative weights for u (same length, positive total)
 * @param vWeights - optional non-negative weights for v
 * @returns W1 >= 0, in the units of the values
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE` for u or v;
 *   `LENGTH_MISMATCH`, `NEGATIVE_COUNT`, `NON_FINITE`, `ZERO_TOTAL` for weights.
 *
 * @example
 * wassersteinDistance([0, 1, 3], [5, 6, 8]);                  // 5
 * wassersteinDistance([0, 1], [0, 1], [3, 1], [1, 1]);        // 0.25
 */
export function wassersteinDistance(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  uWeights?: ArrayLike<number>,
  vWeights?: ArrayLike<number>,
): number {
  requireFiniteSample(u, 'u');
  requireFiniteSample(v, 'v');
  const uSide = sortedCumulative(u, uWeights, 'uWeights');
  const vSide = sortedCumulative(v, vWeights, 'vWeights');
  const us = uSide.values;
  const vs = vSide.values;
  const nu = us.length;
  const nv = vs.length;
  // Walk the pooled sorted values; between consecutive pooled values z and z'
  // both CDFs are constant, evaluated as searchsorted(side='right') like scipy.
  let i = 0;
  let j = 0;
  let previous = Math.min(us[0]!, vs[0]!);
  let total = 0;
  while (i < nu || j < nv) {
    const z = j >= nv || (i < nu && us[i]! <= vs[j]!) ? us[i]! : vs[j]!;
    const uCdf = uSide.cdf(i);
    const vCdf = vSide.cdf(j);
    total += Math.abs(uCdf - vCdf) * (z - previous);
    previous = z;
    while (i < nu && us[i]! === z) i++;
    while (j < nv && vs[j]! === z) j++;
  }
  return total;
}

/** Sorted values with their CDF at "first k values" (weighted or not). */
function sortedCumulative(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  weightsArgument: string,
): { values: Float64Array; cdf: (k: number) => number } {
  const n = values.length;
  if (weights === undefined) {
    return { values: Float64Array.from(values).sort(), cdf: (k) => k / n };
  }
  if (weights.length !== n) {
    throw new StatsInputError(
      'LENGTH_MISMATCH',
      weightsArgument,
      `has ${weights.length} elements but its values have ${n}`,
    );
  }
  requireCounts(weights, weightsArgument);
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => values[a]! - values[b]! || a - b);
  const sorted = new Float64Array(n);
  const cumulative = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    sorted[k] = values[order[k]!]!;
    cumulative[k + 1] = cumulative[k]! + weights[order[k]!]!;
  }
  const totalWeight = cumulative[n]!;
  return { values: sorted, cdf: (k) => cumulative[k]! / totalWeight };
}
