import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ks2samp, kstwoSf } from '@driftwatch/stats';
import { binnedKs } from './binnedKs';
import { gridCounts, gridFromSorted } from './grid';

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function normal(rand: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

test('the exact KS statistic and its asymptotic p-value lie inside the binned bounds', () => {
  const rand = lcg(7);
  const cases = [
    { shift: 0, sd: 1, n: 20_000, m: 15_000 },
    { shift: 0.05, sd: 1, n: 20_000, m: 20_000 },
    { shift: 0.5, sd: 1.5, n: 12_000, m: 30_000 },
    { shift: 0, sd: 1, n: 50_000, m: 11_000, round: true }, // heavy ties
  ];
  for (const c of cases) {
    const draw = (k: number, mean: number, sd: number) =>
      Array.from({ length: k }, () => (c.round ? Math.round(normal(rand, mean, sd) * 4) / 4 : normal(rand, mean, sd)));
    const a = draw(c.n, 0, 1);
    const b = draw(c.m, c.shift, c.sd);
    const grid = gridFromSorted(
      [...a].sort((x, y) => x - y),
      1000,
    );
    const binned = binnedKs(gridCounts(grid, a), gridCounts(grid, b));
    const exact = ks2samp(a, b);
    assert.ok(
      binned.dLo <= exact.statistic + 1e-12 && exact.statistic <= binned.dHi + 1e-12,
      `D ${exact.statistic} in [${binned.dLo}, ${binned.dHi}]`,
    );
    const en = Math.round((c.n * c.m) / (c.n + c.m));
    const pExact = kstwoSf(exact.statistic, en);
    assert.ok(
      binned.pLo <= pExact + 1e-12 && pExact <= binned.pHi + 1e-12,
      `p ${pExact} in [${binned.pLo}, ${binned.pHi}]`,
    );
    assert.ok(Math.abs(binned.statistic - exact.statistic) <= (binned.dHi - binned.dLo) / 2 + 1e-12);
    // with 1,000 bins the interval is narrow for smooth data: a user can read the verdict from it
    if (!c.round) assert.ok(binned.dHi - binned.dLo < 0.01, `interval width ${binned.dHi - binned.dLo}`);
  }
});

test('identical histograms give D = 0 and p = 1; disjoint ones give D = 1', () => {
  const same = binnedKs([0, 5, 5, 0], [0, 50, 50, 0]);
  assert.equal(same.dLo, 0);
  assert.equal(same.pHi, 1);
  const apart = binnedKs([10, 0, 0], [0, 0, 10]);
  assert.equal(apart.dLo, 1);
  assert.equal(apart.dHi, 1);
});

test('bad histograms are refused with a typed error', () => {
  assert.throws(() => binnedKs([1, 2], [1]), { name: 'StatsInputError' });
  assert.throws(() => binnedKs([0, 0], [1, 1]), { name: 'StatsInputError' });
  assert.throws(() => binnedKs([1, -1], [1, 1]), { name: 'StatsInputError' });
});
