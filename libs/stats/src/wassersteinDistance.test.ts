import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { StatsInputError } from './statsInputError';
import { wassersteinDistance } from './wassersteinDistance';

const fixtures = loadScipyFixtures();

test('wassersteinDistance matches scipy.stats.wasserstein_distance', () => {
  for (const c of fixtures.wassersteinDistance) {
    assertClose(
      wassersteinDistance(c.u, c.v, c.uWeights, c.vWeights),
      c.distance,
      { rel: 1e-13, abs: 1e-15 },
      JSON.stringify(c).slice(0, 80),
    );
  }
});

test('wassersteinDistance doc-comment examples', () => {
  assert.equal(wassersteinDistance([0, 1, 3], [5, 6, 8]), 5);
  assert.equal(wassersteinDistance([0, 1], [0, 1], [3, 1], [1, 1]), 0.25);
  assert.equal(wassersteinDistance([2, 2], [2]), 0);
});

test('wassersteinDistance rejects bad input with StatsInputError', () => {
  const bad: Array<[() => unknown, string]> = [
    [() => wassersteinDistance([], [1]), 'EMPTY'],
    [() => wassersteinDistance([1], [NaN]), 'NON_FINITE'],
    [() => wassersteinDistance([Infinity], [1]), 'NON_FINITE'],
    [() => wassersteinDistance([1, 2], [1], [1], [1]), 'LENGTH_MISMATCH'],
    [() => wassersteinDistance([1, 2], [1], [1, -1], [1]), 'NEGATIVE_COUNT'],
    [() => wassersteinDistance([1, 2], [1], [0, 0], [1]), 'ZERO_TOTAL'],
  ];
  for (const [call, code] of bad) {
    assert.throws(call, (e: unknown) => e instanceof StatsInputError && e.code === code);
  }
});
