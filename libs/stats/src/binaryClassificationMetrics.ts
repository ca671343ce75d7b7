import { requireCounts } from './requireCounts';
import { StatsInputError } from './statsInputError';

/** The counts and sums a binary classifier's window reduces to (computed in ClickHouse). */
export interface BinaryCounts {
  /** Labelled events predicted positive that are positive. */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Σ (p - y)², p the score, y 1 for the positive class and 0 otherwise. */
  squaredErrorSum: number;
  /** Σ -(y ln p + (1 - y) ln(1 - p)), p clipped to [1e-15, 1 - 1e-15]. */
  logLossSum: number;
}

export interface BinaryClassificationMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  specificity: number;
  predictedPositiveRate: number;
  actualPositiveRate: number;
  brier: number;
  logLoss: number;
}

/** Clip bound for log loss: probabilities are taken in [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]. */
export const LOG_LOSS_EPS = 1e-15;

/**
 * Binary classification metrics from a confusion matrix and two sums, as scikit-learn defines
 * them (accuracy_score, precision_score, recall_score, f1_score, brier_score_loss, log_loss);
 * specificity is TN / (TN + FP). A ratio whose denominator is 0 (no predicted positives for
 * precision, no actual positives for recall) is 0, scikit-learn's zero_division default.
 *
 * @param counts - tp, fp, tn, fn and the Brier and log-loss sums over the same events
 * @throws {StatsInputError} `NON_FINITE`, `NEGATIVE_COUNT`, or `ZERO_TOTAL` when no event is counted
 *
 * @example
 * binaryClassificationMetrics({ tp: 3, fp: 1, tn: 4, fn: 2, squaredErrorSum: 1, logLossSum: 5 });
 * // accuracy 0.7, precision 0.75, recall 0.6, f1 ≈ 0.667, specificity 0.8, brier 0.1, logLoss 0.5
 */
export function binaryClassificationMetrics(counts: BinaryCounts): BinaryClassificationMetrics {
  const { tp, fp, tn, fn, squaredErrorSum, logLossSum } = counts;
  const n = requireCounts([tp, fp, tn, fn], 'counts');
  for (const [name, v] of [
    ['squaredErrorSum', squaredErrorSum],
    ['logLossSum', logLossSum],
  ] as const) {
    if (!Number.isFinite(v)) throw new StatsInputError('NON_FINITE', name, `is ${v}; expected a finite sum`);
    if (v < 0) throw new StatsInputError('NEGATIVE_COUNT', name, `is ${v}; a sum of losses is >= 0`);
  }
  const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);
  return {
    accuracy: (tp + tn) / n,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    specificity: ratio(tn, tn + fp),
    predictedPositiveRate: (tp + fp) / n,
    actualPositiveRate: (tp + fn) / n,
    brier: squaredErrorSum / n,
    logLoss: logLossSum / n,
  };
}
