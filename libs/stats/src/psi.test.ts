import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { binCounts } from './binCounts';
import { binIndex } from './binIndex';
import { psi } from './psi';
import { psiFromCounts } from './psiFromCounts';
import { quantileBinEdges } from './quantileBinEdges';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

for (const c of fixtures.psi) {
  test(`psi matches the numpy reference: ${c.name}`, () => {
    const edges = quantileBinEdges(c.reference, c.bins);
    // Edges and counts are exact: same numpy quantile arithmetic, same comparisons.
    assert.deepEqual(edges, c.edges);
    assert.deepEqual(binCounts(edges, c.reference), c.referenceCounts);
    assert.deepEqual(binCounts(edges, c.current), c.currentCounts);
    const options: { bins?: number; epsilon?: number } = {};
    if (c.bins !== undefined) options.bins = c.bins;
    if (c.epsilon !== undefined) options.epsilon = c.epsilon;
    assertClose(psi(c.reference, c.current, options), c.psi, { rel: 1e-12, abs: 1e-15 });
    // The push-down path: edges to SQL, counts back, same PSI.
    assertClose(psiFromCounts(c.referenceCounts, c.currentCounts, c.epsilon), c.psi, { rel: 1e-12, abs: 1e-15 });
  });
}

for (const c of fixtures.psiFromCounts) {
  test(`psiFromCounts matches the numpy reference: ${c.name}`, () => {
    assertClose(psiFromCounts(c.referenceCounts, c.currentCounts, c.epsilon), c.psi, { rel: 1e-12, abs: 1e-15 });
  });
}

test('PSI pieces match their doc-comment examples', () => {
  assert.deepEqual(quantileBinEdges([1, 2, 3, 4, 5], 4), [2, 3, 4]);
  assert.deepEqual(quantileBinEdges([0, 0, 0, 0, 1], 4), [0]);
  assert.equal(binIndex([2, 3, 4], 1.5), 0);
  assert.equal(binIndex([2, 3, 4], 3), 2);
  assert.equal(binIndex([2, 3, 4], 99), 3);
  assert.equal(binIndex([], 5), 0);
  assert.deepEqual(binCounts([2, 3], [1, 2, 2.5, 3, 7]), [1, 2, 2]);
  assertClose(psiFromCounts([50, 50], [25, 75]), 0.2746530721670274, { rel: 1e-15 });
  assertClose(psi([1, 2, 3, 4], [1, 3, 4, 5], { bins: 2 }), 0.2746530721670274, { rel: 1e-15 });
});

test('a value equal to an edge is counted in the upper bin', () => {
  const edges = quantileBinEdges([1, 2, 3, 4, 5], 4); // [2, 3, 4]
  assert.deepEqual(binCounts(edges, [2, 3, 4]), [0, 1, 1, 1]);
});

test('psi of a sample against itself is 0', () => {
  const sample = [5, 1, 4, 4, 2, 8, 9, 3, 3, 7];
  assert.equal(psi(sample, sample), 0);
});

test('psi rejects bad input with StatsInputError', () => {
  const bad: Array<[() => unknown, string]> = [
    [() => psi([], [1]), 'EMPTY'],
    [() => psi([1, 2], []), 'EMPTY'],
    [() => psi([1, NaN], [1]), 'NON_FINITE'],
    [() => psi([1, 2], [Infinity]), 'NON_FINITE'],
    [() => psi([1, 2], [1], { bins: 0 }), 'INVALID_PARAMETER'],
    [() => psi([1, 2], [1], { bins: 2.5 }), 'INVALID_PARAMETER'],
    [() => psi([1, 2], [1], { epsilon: 0 }), 'INVALID_PARAMETER'],
    [() => psiFromCounts([1, 2], [1, 2, 3]), 'LENGTH_MISMATCH'],
    [() => psiFromCounts([1, -2], [1, 2]), 'NEGATIVE_COUNT'],
    [() => psiFromCounts([0, 0], [1, 2]), 'ZERO_TOTAL'],
    [() => psiFromCounts([], []), 'EMPTY'],
    [() => psiFromCounts([1, NaN], [1, 2]), 'NON_FINITE'],
    [() => binCounts([2, 1], [1]), 'NOT_SORTED'],
    [() => binCounts([1, 1], [1]), 'INVALID_PARAMETER'],
    [() => binCounts([NaN], [1]), 'NON_FINITE'],
  ];
  for (const [call, code] of bad) {
    assert.throws(call, (e: unknown) => e instanceof StatsInputError && e.code === code, code);
  }
});
