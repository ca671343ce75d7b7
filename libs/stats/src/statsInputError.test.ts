import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as stats from './index';

test('StatsInputError is an Error with a code and the argument name', () => {
  const error = new stats.StatsInputError('EMPTY', 'reference', 'must not be empty');
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'StatsInputError');
  assert.equal(error.code, 'EMPTY');
  assert.equal(error.argument, 'reference');
  assert.equal(error.message, 'reference: must not be empty');
});

test('every sample-based function applies the same rule to empty and non-finite input', () => {
  const sampleFunctions: Array<[string, (x: number[]) => unknown]> = [
    ['ks2samp', (x) => stats.ks2samp(x, [1, 2])],
    ['ks2sampSorted', (x) => stats.ks2sampSorted(x, [1, 2])],
    ['quantile', (x) => stats.quantile(x, 0.5)],
    ['quantileSorted', (x) => stats.quantileSorted(x, 0.5)],
    ['quantileBinEdges', (x) => stats.quantileBinEdges(x)],
    ['psi', (x) => stats.psi(x, [1, 2])],
    ['wassersteinDistance', (x) => stats.wassersteinDistance(x, [1, 2])],
    [
      'jensenShannonDistance',
      (x) =>
        stats.jensenShannonDistance(
          x,
          x.map(() => 1),
        ),
    ],
    [
      'psiFromCounts',
      (x) =>
        stats.psiFromCounts(
          x,
          x.map(() => 1),
        ),
    ],
  ];
  for (const [name, call] of sampleFunctions) {
    for (const [input, code] of [
      [[], 'EMPTY'],
      [[1, NaN], 'NON_FINITE'],
      [[Infinity, 1], 'NON_FINITE'],
      [[1, -Infinity], 'NON_FINITE'],
    ] as Array<[number[], string]>) {
      assert.throws(
        () => call(input),
        (e: unknown) => e instanceof stats.StatsInputError && e.code === code,
        `${name}(${JSON.stringify(input.map(String))}) should throw ${code}`,
      );
    }
  }
});

test('validators report the offending element', () => {
  assert.throws(() => stats.requireFiniteSample([1, 2, NaN], 'window'), /window: element 2 is NaN/);
  assert.throws(() => stats.requireAscending([1, 3, 2], 'baseline'), /baseline: element 2/);
  assert.equal(stats.requireCounts([3, 0, 1], 'reference'), 4);
});
