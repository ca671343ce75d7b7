import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { jensenShannonDistance } from './jensenShannonDistance';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

test('jensenShannonDistance matches the exact value (50-digit mpmath)', () => {
  for (const c of fixtures.jensenShannonDistance) {
    assertClose(
      jensenShannonDistance(c.p, c.q, c.base),
      c.distanceExact,
      { rel: 1e-13, abs: 1e-16 },
      JSON.stringify(c),
    );
  }
});

test("jensenShannonDistance agrees with scipy up to scipy's own rounding error", () => {
  // scipy sums signed terms that cancel when p is close to q (2e-7 relative
  // error on p = [1,2,3], q = [1.0001,2,3]); elsewhere both agree to 1e-13.
  for (const c of fixtures.jensenShannonDistance) {
    const scipyError = Math.abs(c.distance - c.distanceExact);
    assertClose(
      jensenShannonDistance(c.p, c.q, c.base),
      c.distance,
      { rel: 1e-13, abs: 2 * scipyError + 1e-16 },
      JSON.stringify(c),
    );
  }
});

test('jensenShannonDistance doc-comment examples and bounds', () => {
  assert.equal(jensenShannonDistance([1, 0], [0, 1], 2), 1);
  assertClose(jensenShannonDistance([1, 0, 0], [1, 1, 0]), 0.464501404022459, { rel: 1e-15 });
  assert.equal(jensenShannonDistance([2, 4], [1, 2]), 0);
});

test('jensenShannonDistance rejects bad input with StatsInputError', () => {
  const bad: Array<[() => unknown, string]> = [
    [() => jensenShannonDistance([], []), 'EMPTY'],
    [() => jensenShannonDistance([1, 2], [1]), 'LENGTH_MISMATCH'],
    [() => jensenShannonDistance([1, NaN], [1, 2]), 'NON_FINITE'],
    [() => jensenShannonDistance([1, -1], [1, 2]), 'NEGATIVE_COUNT'],
    [() => jensenShannonDistance([0, 0], [1, 2]), 'ZERO_TOTAL'],
    [() => jensenShannonDistance([1, 2], [1, 2], 1), 'INVALID_PARAMETER'],
    [() => jensenShannonDistance([1, 2], [1, 2], -2), 'INVALID_PARAMETER'],
  ];
  for (const [call, code] of bad) {
    assert.throws(call, (e: unknown) => e instanceof StatsInputError && e.code === code);
  }
});
