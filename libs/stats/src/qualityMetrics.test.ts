import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadSklearnFixtures } from './__fixtures__/sklearnFixtures';
import { binaryClassificationMetrics, LOG_LOSS_EPS } from './binaryClassificationMetrics';
import { multiclassMetrics } from './multiclassMetrics';
import { MAPE_MIN_LABEL, regressionMetrics } from './regressionMetrics';
import { rocAucFromScoreCounts, type ScoreCount } from './rocAucFromScoreCounts';
import { StatsInputError } from './statsInputError';

const fixtures = loadSklearnFixtures();
const tol = { rel: 1e-12, abs: 1e-14 };

// The reductions below are what the quality count stage asks ClickHouse for: counts and sums, no rows.

for (const c of fixtures.binary) {
  test(`binary metrics match scikit-learn: ${c.name}`, () => {
    const counts = { tp: 0, fp: 0, tn: 0, fn: 0, squaredErrorSum: 0, logLossSum: 0 };
    const byScore = new Map<number, ScoreCount>();
    c.y.forEach((y, i) => {
      const s = c.score[i] ?? Number.NaN;
      const predicted = s >= c.threshold;
      if (predicted && y === 1) counts.tp++;
      else if (predicted) counts.fp++;
      else if (y === 1) counts.fn++;
      else counts.tn++;
      counts.squaredErrorSum += (s - y) ** 2;
      const p = Math.min(Math.max(s, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
      counts.logLossSum += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      const cell = byScore.get(s) ?? { score: s, positives: 0, negatives: 0 };
      if (y === 1) cell.positives++;
      else cell.negatives++;
      byScore.set(s, cell);
    });
    const m = binaryClassificationMetrics(counts);
    for (const key of [
      'accuracy',
      'precision',
      'recall',
      'f1',
      'specificity',
      'predictedPositiveRate',
      'actualPositiveRate',
      'brier',
    ] as const)
      assertClose(m[key], c[key], tol, key);
    assertClose(m.logLoss, c.logLoss, { rel: 1e-9 }, 'logLoss');
    if (c.rocAuc === null)
      assert.throws(() => rocAucFromScoreCounts([...byScore.values()]), {
        name: 'StatsInputError',
        code: 'ZERO_TOTAL',
      });
    else assertClose(rocAucFromScoreCounts([...byScore.values()]), c.rocAuc, tol, 'rocAuc');
  });
}

for (const c of fixtures.multiclass) {
  test(`multiclass metrics match scikit-learn: ${c.name}`, () => {
    const cells = new Map<string, { actual: string; predicted: string; count: number }>();
    c.y.forEach((actual, i) => {
      const predicted = c.pred[i] ?? '';
      const key = JSON.stringify([actual, predicted]);
      const cell = cells.get(key) ?? { actual, predicted, count: 0 };
      cell.count++;
      cells.set(key, cell);
    });
    const m = multiclassMetrics([...cells.values()]);
    for (const key of [
      'accuracy',
      'macroPrecision',
      'macroRecall',
      'macroF1',
      'weightedPrecision',
      'weightedRecall',
      'weightedF1',
    ] as const)
      assertClose(m[key], c[key], tol, key);
  });
}

for (const c of fixtures.regression) {
  test(`regression metrics match scikit-learn: ${c.name}`, () => {
    const sums = {
      n: 0,
      errorSum: 0,
      absErrorSum: 0,
      squaredErrorSum: 0,
      labelSum: 0,
      labelSquaredSum: 0,
      relativeErrorSum: 0,
      relativeN: 0,
    };
    c.y.forEach((y, i) => {
      const e = (c.pred[i] ?? Number.NaN) - y;
      sums.n++;
      sums.errorSum += e;
      sums.absErrorSum += Math.abs(e);
      sums.squaredErrorSum += e * e;
      sums.labelSum += y;
      sums.labelSquaredSum += y * y;
      if (Math.abs(y) >= MAPE_MIN_LABEL) {
        sums.relativeErrorSum += Math.abs(e) / Math.abs(y);
        sums.relativeN++;
      }
    });
    const m = regressionMetrics(sums);
    for (const key of ['mae', 'rmse', 'meanError'] as const) assertClose(m[key], c[key], tol, key);
    // Σy² - (Σy)²/n loses digits against sklearn's Σ(y - ȳ)²: still 1e-9 relative on these samples.
    assertClose(m.r2, c.r2, { rel: 1e-9, abs: 1e-12 }, 'r2');
    if (c.mape === null) assert.equal(m.mape, null);
    else assertClose(m.mape ?? Number.NaN, c.mape, tol, 'mape');
  });
}

test('the doc-comment examples hold', () => {
  const b = binaryClassificationMetrics({ tp: 3, fp: 1, tn: 4, fn: 2, squaredErrorSum: 1, logLossSum: 5 });
  assert.equal(b.accuracy, 0.7);
  assert.equal(b.precision, 0.75);
  assert.equal(b.specificity, 0.8);
  const auc = rocAucFromScoreCounts([
    { score: 0.1, positives: 0, negatives: 1 },
    { score: 0.4, positives: 0, negatives: 1 },
    { score: 0.35, positives: 1, negatives: 0 },
    { score: 0.8, positives: 1, negatives: 0 },
  ]);
  assert.equal(auc, 0.75);
  const mc = multiclassMetrics([
    { actual: 'a', predicted: 'a', count: 2 },
    { actual: 'b', predicted: 'a', count: 1 },
    { actual: 'b', predicted: 'b', count: 1 },
  ]);
  assert.equal(mc.accuracy, 0.75);
  assert.equal(mc.macroRecall, 0.75);
});

test('bad input is a typed StatsInputError', () => {
  const is = (code: string) => (e: unknown) => e instanceof StatsInputError && e.code === code;
  const zero = { tp: 0, fp: 0, tn: 0, fn: 0, squaredErrorSum: 0, logLossSum: 0 };
  assert.throws(() => binaryClassificationMetrics(zero), is('ZERO_TOTAL'));
  assert.throws(() => binaryClassificationMetrics({ ...zero, tp: -1 }), is('NEGATIVE_COUNT'));
  assert.throws(() => binaryClassificationMetrics({ ...zero, tp: 1, logLossSum: Number.NaN }), is('NON_FINITE'));
  assert.throws(() => rocAucFromScoreCounts([]), is('EMPTY'));
  assert.throws(
    () =>
      rocAucFromScoreCounts([
        { score: 1, positives: 1, negatives: 0 },
        { score: 1, positives: 0, negatives: 1 },
      ]),
    is('INVALID_PARAMETER'),
  );
  assert.throws(() => multiclassMetrics([]), is('EMPTY'));
  assert.throws(() => multiclassMetrics([{ actual: 'a', predicted: 'a', count: 0 }]), is('ZERO_TOTAL'));
  const sums = {
    n: 0,
    errorSum: 0,
    absErrorSum: 0,
    squaredErrorSum: 0,
    labelSum: 0,
    labelSquaredSum: 0,
    relativeErrorSum: 0,
    relativeN: 0,
  };
  assert.throws(() => regressionMetrics(sums), is('ZERO_TOTAL'));
  assert.throws(() => regressionMetrics({ ...sums, n: 1, labelSum: Number.POSITIVE_INFINITY }), is('NON_FINITE'));
});
