import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { quantile } from './quantile';
import { quantileSorted } from './quantileSorted';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

test('quantile equals numpy.quantile (linear) exactly', () => {
  for (const c of fixtures.quantile) {
    const sorted = Float64Array.from(c.values).sort();
    c.p.forEach((p, k) => {
      assert.equal(quantile(c.values, p), c.quantiles[k], `quantile(${JSON.stringify(c.values)}, ${p})`);
      assert.equal(quantileSorted(sorted, p), c.quantiles[k]);
    });
  }
});

test('quantile doc-comment examples', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0.1), 1.3);
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([10, 0], 0.25), 2.5);
});

test('quantile rejects bad input with StatsInputError', () => {
  const bad: Array<[() => unknown, string]> = [
    [() => quantile([], 0.5), 'EMPTY'],
    [() => quantile([1, NaN], 0.5), 'NON_FINITE'],
    [() => quantile([1, -Infinity], 0.5), 'NON_FINITE'],
    [() => quantile([1, 2], 1.5), 'INVALID_PARAMETER'],
    [() => quantile([1, 2], NaN), 'INVALID_PARAMETER'],
    [() => quantileSorted([2, 1], 0.5), 'NOT_SORTED'],
  ];
  for (const [call, code] of bad) {
    assert.throws(call, (e: unknown) => e instanceof StatsInputError && e.code === code);
  }
});
