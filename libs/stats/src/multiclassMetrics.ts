import { StatsInputError } from './statsInputError';

/** One cell of a confusion matrix: events whose label is `actual` and prediction `predicted`. */
export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
}

export interface MulticlassMetrics {
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedPrecision: number;
  weightedRecall: number;
  weightedF1: number;
  /** The classes averaged over: every class seen as a label or a prediction, sorted. */
  classes: string[];
}

/**
 * Multiclass metrics from a confusion matrix, as scikit-learn's accuracy_score and
 * precision_recall_fscore_support with average 'macro' and 'weighted' define them: the classes
 * are every value seen as a label or as a prediction; per class precision TP/(TP+FP), recall
 * TP/(TP+FN), F1 their harmonic mean, 0 when a denominator is 0 (zero_division default: a class
 * never predicted has precision 0); macro is the plain mean over classes, weighted the mean
 * weighted by each class's support (its count as a label).
 *
 * @param cells - the non-zero cells; a pair (actual, predicted) may appear more than once (summed)
 * @throws {StatsInputError} `EMPTY`, `NON_FINITE`, `NEGATIVE_COUNT`, `ZERO_TOTAL` when every count is 0
 *
 * @example
 * multiclassMetrics([
 *   { actual: 'a', predicted: 'a', count: 2 },
 *   { actual: 'b', predicted: 'a', count: 1 },
 *   { actual: 'b', predicted: 'b', count: 1 },
 * ]); // accuracy 0.75, macroRecall 0.75, macroPrecision ≈ 0.833
 */
export function multiclassMetrics(cells: readonly ConfusionCell[]): MulticlassMetrics {
  if (cells.length === 0) throw new StatsInputError('EMPTY', 'cells', 'must not be empty');
  const truePos = new Map<string, number>();
  const support = new Map<string, number>();
  const predicted = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let n = 0;
  let correct = 0;
  for (const [i, c] of cells.entries()) {
    if (!Number.isFinite(c.count)) throw new StatsInputError('NON_FINITE', 'cells', `cell ${i} count is ${c.count}`);
    if (c.count < 0) throw new StatsInputError('NEGATIVE_COUNT', 'cells', `cell ${i} count is ${c.count}`);
    add(support, c.actual, c.count);
    add(predicted, c.predicted, c.count);
    add(truePos, c.actual, 0);
    add(truePos, c.predicted, 0);
    if (c.actual === c.predicted) {
      add(truePos, c.actual, c.count);
      correct += c.count;
    }
    n += c.count;
  }
  if (n === 0) throw new StatsInputError('ZERO_TOTAL', 'cells', 'every count is 0');
  const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);
  const classes = [...truePos.keys()].sort();
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let weightedP = 0;
  let weightedR = 0;
  let weightedF = 0;
  for (const k of classes) {
    const tp = truePos.get(k) ?? 0;
    const s = support.get(k) ?? 0;
    const pr = predicted.get(k) ?? 0;
    const precision = ratio(tp, pr);
    const recall = ratio(tp, s);
    const f1 = ratio(2 * tp, s + pr);
    macroP += precision;
    macroR += recall;
    macroF += f1;
    weightedP += precision * s;
    weightedR += recall * s;
    weightedF += f1 * s;
  }
  const k = classes.length;
  return {
    accuracy: correct / n,
    macroPrecision: macroP / k,
    macroRecall: macroR / k,
    macroF1: macroF / k,
    weightedPrecision: weightedP / n,
    weightedRecall: weightedR / n,
    weightedF1: weightedF / n,
    classes,
  };
}
