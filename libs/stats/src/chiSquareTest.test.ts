import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { chiSquareTest } from './chiSquareTest';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

for (const c of fixtures.chiSquareTest) {
  test(`chiSquareTest matches scipy.stats.chi2_contingency(correction=False): ${c.name}`, () => {
    const result = chiSquareTest(c.reference, c.current);
    assert.equal(result.dof, c.dof);
    assertClose(result.statistic, c.statistic, { rel: 1e-13, abs: 1e-13 }, 'statistic');
    assertClose(result.pValue, c.pValue, { rel: 1e-12 }, 'pValue');
  });
}

test('chiSquareTest doc-comment example', () => {
  const result = chiSquareTest({ a: 10, b: 20 }, { a: 20, b: 20, c: 10 });
  assert.equal(result.dof, 2);
  assertClose(result.statistic, 8.88888888888889, { rel: 1e-15 });
  assertClose(result.pValue, 0.011743628457021359, { rel: 1e-13 });
});

test('chiSquareTest does not depend on key order', () => {
  assert.deepEqual(
    chiSquareTest({ a: 1, b: 5, c: 9 }, { c: 4, a: 7, b: 2 }),
    chiSquareTest({ c: 9, b: 5, a: 1 }, { a: 7, b: 2, c: 4 }),
  );
});

test('chiSquareTest rejects bad counts with StatsInputError', () => {
  const bad: Array<[Record<string, number>, Record<string, number>, string]> = [
    [{}, {}, 'EMPTY'],
    [{ a: 1, b: NaN }, { a: 1 }, 'NON_FINITE'],
    [{ a: 1 }, { a: Infinity }, 'NON_FINITE'],
    [{ a: 1, b: -2 }, { a: 1, b: 3 }, 'NEGATIVE_COUNT'],
    [{ a: 0, b: 0 }, { a: 1, b: 3 }, 'ZERO_TOTAL'],
    [{ a: 4 }, {}, 'ZERO_TOTAL'],
  ];
  for (const [reference, current, code] of bad) {
    assert.throws(
      () => chiSquareTest(reference, current),
      (e: unknown) => e instanceof StatsInputError && e.code === code,
    );
  }
});
