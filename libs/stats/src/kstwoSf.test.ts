import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose } from './__fixtures__/assertClose';
import { loadScipyFixtures } from './__fixtures__/scipyFixtures';
import { kolmogorovDurbinCdf } from './kolmogorovDurbinCdf';
import { kolmogorovPelzGoodCdf } from './kolmogorovPelzGoodCdf';
import { kolmogorovPomeranzCdf } from './kolmogorovPomeranzCdf';
import { kstwoSf } from './kstwoSf';
import { smirnovSf } from './smirnovSf';
import { smirnovSfSampled } from './smirnovSfSampled';
import { StatsInputError } from './statsInputError';

const fixtures = loadScipyFixtures();

test('kstwoSf matches scipy.stats.kstwo.sf over all algorithm branches', () => {
  // Where the sf is 1 - cdf (Durbin/Pomeranz/Pelz-Good) both sides carry
  // ~1e-16 absolute rounding in the cdf, so compare with an absolute floor.
  for (const c of fixtures.kstwoSf) {
    assertClose(kstwoSf(c.d, c.n), c.sf, { rel: 1e-12, abs: 1e-15 }, `kstwoSf(${c.d}, ${c.n})`);
  }
});

test('smirnovSf matches scipy.special.smirnov', () => {
  for (const c of fixtures.smirnovSf) {
    assertClose(smirnovSf(c.n, c.d), c.sf, { rel: 1e-14, abs: 1e-300 }, `smirnovSf(${c.n}, ${c.d})`);
  }
});

test('kstwoSf matches scipy for large n, where 2 * smirnovSf samples the Smirnov sum', () => {
  // n = 1e5..1e8 across 2.2 <= n d^2 < 370, d >= 1/2, and n near the switch between sampling and
  // summing every term. Measured: <= 2.2e-16 on these fixtures, <= 5.8e-16 on 3100 random cases.
  // Results below 1e-310 are subnormal (few significant bits), and there scipy's own sum
  // underflows to 0 first (kstwo.sf(0.0608, 1e5) = 0; here 8.6e-322), hence the absolute floor.
  assert.ok(fixtures.kstwoSfLargeN.length >= 60);
  for (const c of fixtures.kstwoSfLargeN) {
    assertClose(kstwoSf(c.d, c.n), c.sf, { rel: 1e-15, abs: 1e-310 }, `kstwoSf(${c.d}, ${c.n})`);
  }
});

test('smirnovSf matches scipy.special.smirnov for large n, including n d^2 below kstwo range', () => {
  // Measured: <= 6.8e-16 on these fixtures, all of it scipy's error at n = 1e6, d = 1e-4 (a 30-digit
  // sum of all 10^6 terms matches smirnovSf to 1.7e-17); same subnormal floor as above.
  for (const c of fixtures.smirnovSfLargeN) {
    assertClose(smirnovSf(c.n, c.d), c.sf, { rel: 1e-15, abs: 1e-310 }, `smirnovSf(${c.n}, ${c.d})`);
  }
});

test('Kolmogorov distribution pieces match their doc-comment examples', () => {
  assertClose(kstwoSf(0.5, 5), 0.112, { rel: 1e-14 });
  assertClose(kstwoSf(0.01, 5000), 0.6954557253913853, { rel: 1e-13 });
  assertClose(smirnovSf(5, 0.5), 0.056, { rel: 1e-14 });
  assertClose(smirnovSfSampled(100000, 0.01, 98999), 2.046639011774627e-9, { rel: 1e-15 });
  assert.equal(smirnovSf(1, 0.3), 0.7);
  assertClose(kolmogorovDurbinCdf(10, 0.274), 0.6284796154565043, { rel: 1e-13 });
  assertClose(kolmogorovPomeranzCdf(10, 0.4), 0.9410107548000007, { rel: 1e-14 });
  assertClose(kolmogorovPelzGoodCdf(1000, 0.03), 0.6773, { abs: 1e-4 });
});

test('kstwoSf boundaries: 1 below the support, 0 at d >= 1', () => {
  assert.equal(kstwoSf(0, 10), 1);
  assert.equal(kstwoSf(0.05, 10), 1);
  assert.equal(kstwoSf(1, 10), 0);
  assert.equal(kstwoSf(1.5, 10), 0);
});

test('kstwoSf and smirnovSf reject bad input with StatsInputError', () => {
  const bad: Array<[() => unknown, string]> = [
    [() => kstwoSf(NaN, 10), 'NON_FINITE'],
    [() => kstwoSf(0.1, 0), 'INVALID_PARAMETER'],
    [() => kstwoSf(0.1, 2.5), 'INVALID_PARAMETER'],
    [() => smirnovSf(10, Infinity), 'NON_FINITE'],
    [() => smirnovSf(10, 1.5), 'INVALID_PARAMETER'],
    [() => smirnovSf(0, 0.5), 'INVALID_PARAMETER'],
  ];
  for (const [call, code] of bad) {
    assert.throws(call, (e: unknown) => e instanceof StatsInputError && e.code === code);
  }
});
