import { StatsInputError } from './statsInputError';

/** Labelled events at one distinct score: how many are positive and how many negative. */
export interface ScoreCount {
  score: number;
  positives: number;
  negatives: number;
}

/**
 * Exact ROC AUC from counts per distinct score (a GROUP BY score), by the Mann-Whitney statistic:
 *
 *   AUC = Σ_s pos(s) · (neg(< s) + ½ neg(s)) / (P · N)
 *
 * the probability that a random positive scores above a random negative, ties counting ½. This
 * equals scikit-learn's roc_auc_score, whose trapezoidal ROC curve joins tied scores by one
 * diagonal step (Hanley & McNeil 1982; Mann & Whitney 1947). Input order does not matter.
 *
 * @param counts - one entry per distinct score; a score may appear once only
 * @throws {StatsInputError} `EMPTY`; `NON_FINITE`; `NEGATIVE_COUNT`; `INVALID_PARAMETER` for a
 *   repeated score; `ZERO_TOTAL` when there is no positive or no negative (AUC is undefined:
 *   scikit-learn raises ValueError "Only one class present")
 *
 * @example
 * rocAucFromScoreCounts([
 *   { score: 0.1, positives: 0, negatives: 1 },
 *   { score: 0.4, positives: 0, negatives: 1 },
 *   { score: 0.35, positives: 1, negatives: 0 },
 *   { score: 0.8, positives: 1, negatives: 0 },
 * ]); // 0.75
 */
export function rocAucFromScoreCounts(counts: readonly ScoreCount[]): number {
  if (counts.length === 0) throw new StatsInputError('EMPTY', 'counts', 'must not be empty');
  for (const [i, c] of counts.entries()) {
    for (const v of [c.score, c.positives, c.negatives]) {
      if (!Number.isFinite(v)) throw new StatsInputError('NON_FINITE', 'counts', `entry ${i} holds ${v}`);
    }
    if (c.positives < 0 || c.negatives < 0)
      throw new StatsInputError('NEGATIVE_COUNT', 'counts', `entry ${i} has a negative count`);
  }
  const sorted = [...counts].sort((a, b) => a.score - b.score);
  let positives = 0;
  let negatives = 0;
  let below = 0;
  let u = 0;
  let previous: number | undefined;
  for (const c of sorted) {
    if (c.score === previous)
      throw new StatsInputError('INVALID_PARAMETER', 'counts', `score ${c.score} appears twice`);
    previous = c.score;
    u += c.positives * (below + c.negatives / 2);
    below += c.negatives;
    positives += c.positives;
    negatives += c.negatives;
  }
  if (positives === 0 || negatives === 0)
    throw new StatsInputError('ZERO_TOTAL', 'counts', 'ROC AUC needs at least one positive and one negative');
  return u / (positives * negatives);
}
