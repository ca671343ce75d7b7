import { StatsInputError } from './statsInputError';

/** The sums a regression window reduces to (computed in ClickHouse); error e = prediction - label y. */
export interface RegressionSums {
  n: number;
  /** Σ e */
  errorSum: number;
  /** Σ |e| */
  absErrorSum: number;
  /** Σ e² */
  squaredErrorSum: number;
  /** Σ y */
  labelSum: number;
  /** Σ y² */
  labelSquaredSum: number;
  /** Σ |e| / |y| over the events with |y| >= MAPE_MIN_LABEL only, and their number. */
  relativeErrorSum: number;
  relativeN: number;
}

export interface RegressionMetrics {
  mae: number;
  rmse: number;
  /** null when every label is below MAPE_MIN_LABEL in magnitude. */
  mape: number | null;
  r2: number;
  meanError: number;
}

/** Labels smaller than this in magnitude are left out of MAPE (the relative error is unbounded). */
export const MAPE_MIN_LABEL = 1e-9;

/**
 * Regression metrics from sums, as scikit-learn defines mean_absolute_error,
 * root_mean_squared_error, mean_absolute_percentage_error (a fraction, not percent) and r2_score;
 * mean error is Σ(prediction - label)/n (positive: over-prediction). Differences from
 * scikit-learn: MAPE skips labels with |y| < 1e-9 rather than dividing by max(|y|, eps).
 * R² = 1 - SS_res/SS_tot with SS_tot = Σy² - (Σy)²/n; when SS_tot is 0, R² is 1 for a perfect
 * fit and 0 otherwise (scikit-learn's force_finite).
 *
 * @throws {StatsInputError} `ZERO_TOTAL` when n is 0, `NON_FINITE`, `NEGATIVE_COUNT` for a negative n or sum of magnitudes
 *
 * @example
 * // labels [1, 2, 3], predictions [2, 2, 2]
 * regressionMetrics({ n: 3, errorSum: 0, absErrorSum: 2, squaredErrorSum: 2, labelSum: 6,
 *   labelSquaredSum: 14, relativeErrorSum: 1 + 1 / 3, relativeN: 3 });
 * // mae ≈ 0.667, rmse ≈ 0.816, mape ≈ 0.444, r2 0, meanError 0
 */
export function regressionMetrics(sums: RegressionSums): RegressionMetrics {
  for (const [key, v] of Object.entries(sums)) {
    if (!Number.isFinite(v)) throw new StatsInputError('NON_FINITE', key, `is ${v}`);
  }
  const { n, errorSum, absErrorSum, squaredErrorSum, labelSum, labelSquaredSum, relativeErrorSum, relativeN } = sums;
  for (const [key, v] of [
    ['n', n],
    ['absErrorSum', absErrorSum],
    ['squaredErrorSum', squaredErrorSum],
    ['labelSquaredSum', labelSquaredSum],
    ['relativeErrorSum', relativeErrorSum],
    ['relativeN', relativeN],
  ] as const) {
    if (v < 0) throw new StatsInputError('NEGATIVE_COUNT', key, `is ${v}; expected >= 0`);
  }
  if (n === 0) throw new StatsInputError('ZERO_TOTAL', 'n', 'no labelled events');
  // Cancellation can leave a tiny negative SS_tot for constant labels: clamp at 0.
  const ssTot = Math.max(0, labelSquaredSum - (labelSum * labelSum) / n);
  const ssTotIsZero = ssTot <= 1e-12 * Math.max(1, labelSquaredSum);
  const r2 = ssTotIsZero ? (squaredErrorSum === 0 ? 1 : 0) : 1 - squaredErrorSum / ssTot;
  return {
    mae: absErrorSum / n,
    rmse: Math.sqrt(squaredErrorSum / n),
    mape: relativeN === 0 ? null : relativeErrorSum / relativeN,
    r2,
    meanError: errorSum / n,
  };
}
