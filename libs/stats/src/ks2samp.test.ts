import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { expandRecipe, loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { ks2samp } from './ks2samp';
import { ks2sampExactPValue } from './ks2sampExactPValue';
import { ks2sampSorted } from './ks2sampSorted';
import { ksOuterProbInside } from './ksOuterProbInside';
import { ksProbOutsideSquare } from './ksProbOutsideSquare';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

// Exact mode reproduces scipy's arithmetic operation for operation (bit-identical
// in practice); the asymptotic mode goes through kstwoSf, whose worst observed
// difference from scipy is ~1e-12 relative in the Pomeranz region.
const STATISTIC_TOLERANCE = { rel: 1e-15 };
const EXACT_P_TOLERANCE = { rel: 1e-15 };
const ASYMPTOTIC_P_TOLERANCE = { rel: 1e-12, abs: 1e-16 };

function samples(c: (typeof fixtures.ks2samp)[number]): [number[], number[]] {
  return [c.a ?? expandRecipe(c.recipeA!), c.b ?? expandRecipe(c.recipeB!)];
}

for (const c of fixtures.ks2samp) {
  test(`ks2samp matches scipy.stats.ks_2samp: ${c.name}`, () => {
    const [a, b] = samples(c);
    const result = ks2samp(a, b);
    assertClose(result.statistic, c.statistic, STATISTIC_TOLERANCE, 'statistic');
    assertClose(result.pValue, c.pValue, c.mode === 'exact' ? EXACT_P_TOLERANCE : ASYMPTOTIC_P_TOLERANCE, 'pValue');
  });
}

test('ks2sampSorted gives the same answer as ks2samp on pre-sorted input', () => {
  const c = fixtures.ks2samp.find((x) => x.name.startsWith('9999 vs 10000 exact'))!;
  const [a, b] = samples(c);
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  assert.deepEqual(ks2sampSorted(sortedA, sortedB), ks2samp(a, b));
});

test('ks2samp is symmetric and does not modify its inputs', () => {
  const a = [3, 1, 2, 9, 7];
  const b = [4, 8, 6, 5, 0, 10, 11];
  const before = [...a];
  assert.deepEqual(ks2samp(a, b), ks2samp(b, a));
  assert.deepEqual(a, before);
});

test('ks2samp doc-comment example', () => {
  assert.deepEqual(ks2samp([0.1, 0.5, 0.9, 1.3], [0.4, 0.8, 1.2, 1.6, 2.0]), {
    statistic: 0.4,
    pValue: 0.7460317460317459,
  });
  assert.deepEqual(ks2sampSorted([1, 2, 3], [4, 5, 6]), { statistic: 1, pValue: 0.09999999999999999 });
});

test('exact p-value pieces match their doc-comment examples', () => {
  assert.equal(ksProbOutsideSquare(5, 5), 2 / 252);
  assertClose(ksProbOutsideSquare(3, 2), 0.6, { rel: 1e-15 });
  assertClose(ksOuterProbInside(3, 2, 1, 6), 0.2, { rel: 1e-15 });
  assert.deepEqual(ks2sampExactPValue(5, 5, 1), { success: true, statistic: 1, pValue: 0.007936507936507936 });
});

test('exact attempt reports failure when rounding pushes p above 1 (scipy falls back to asymptotic)', () => {
  // scipy's _compute_prob_outside_square(13, 1) is 1.0000000000000002.
  const attempt = ks2sampExactPValue(13, 13, 1 / 13);
  assert.equal(attempt.success, false);
  assert.ok(attempt.pValue > 1);
});

test('ks2samp rejects empty and non-finite samples with StatsInputError', () => {
  const cases: Array<[number[], number[], string]> = [
    [[], [1], 'EMPTY'],
    [[1], [], 'EMPTY'],
    [[1, NaN], [1], 'NON_FINITE'],
    [[1], [Infinity], 'NON_FINITE'],
    [[-Infinity], [1], 'NON_FINITE'],
  ];
  for (const [a, b, code] of cases) {
    assert.throws(
      () => ks2samp(a, b),
      (e: unknown) => e instanceof StatsInputError && e.code === code,
    );
  }
});

test('ks2sampSorted rejects unsorted input instead of returning a wrong answer', () => {
  assert.throws(
    () => ks2sampSorted([1, 3, 2], [1, 2]),
    (e: unknown) => e instanceof StatsInputError && e.code === 'NOT_SORTED' && e.argument === 'a',
  );
});
