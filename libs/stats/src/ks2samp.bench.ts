// Benchmark (prints figures; not a test): cost of ks2samp around scipy's
// exact/asymptotic switch at n = 10000, and of kstwoSf per call at large n.
//   npx tsc -p tsconfig.json && node dist/libs/stats/src/ks2samp.bench.js
import { expandRecipe, type SampleRecipe } from './__fixtures__/scipyFixtures';
import { ks2samp } from './ks2samp';
import { ks2sampSorted } from './ks2sampSorted';
import { kstwoSf } from './kstwoSf';

const uniform = (seed: number, n: number, offset: number): SampleRecipe => ({
  seed,
  n,
  kind: 'uniform',
  offset,
  scale: 1,
});

const cases: Array<[string, SampleRecipe, SampleRecipe]> = [
  ['10000 vs 10000, same distribution (exact, equal n)', uniform(1, 10000, 0), uniform(2, 10000, 0)],
  ['10000 vs 10000, disjoint (exact, equal n)', uniform(1, 10000, 0), uniform(2, 10000, 2)],
  ['9999 vs 10000, same distribution (exact, unequal n)', uniform(1, 9999, 0), uniform(2, 10000, 0)],
  ['9999 vs 10000, shift 0.05 (exact, unequal n)', uniform(1, 9999, 0), uniform(2, 10000, 0.05)],
  ['9999 vs 10000, shift 0.5 (exact, unequal n)', uniform(1, 9999, 0), uniform(2, 10000, 0.5)],
  ['9999 vs 10000, disjoint (exact, worst case O(n^2))', uniform(1, 9999, 0), uniform(2, 10000, 2)],
  ['10001 vs 12000, shift 0.02 (asymptotic, smirnov branch)', uniform(1, 10001, 0), uniform(2, 12000, 0.02)],
  ['200000 vs 200000, shift 0.005 (asymptotic, smirnov n=100000)', uniform(1, 200000, 0), uniform(2, 200000, 0.005)],
];

function millis(run: () => unknown, repeats: number): number {
  run(); // warm up the JIT
  const started = process.hrtime.bigint();
  for (let i = 0; i < repeats; i++) run();
  return Number(process.hrtime.bigint() - started) / 1e6 / repeats;
}

for (const [label, recipeA, recipeB] of cases) {
  const a = expandRecipe(recipeA);
  const b = expandRecipe(recipeB);
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  const result = ks2samp(a, b);
  const total = millis(() => ks2samp(a, b), 5);
  const presorted = millis(() => ks2sampSorted(sortedA, sortedB), 5);
  console.log(
    `${label.padEnd(62)} D=${result.statistic.toPrecision(6)} p=${result.pValue.toPrecision(6)}  ks2samp ${total.toFixed(1)} ms, ks2sampSorted ${presorted.toFixed(1)} ms`,
  );
}

// kstwoSf in its 2 * smirnovSf branch (n > 140, 2.2 <= n d^2 < 370): the asymptotic p-value of two
// large samples, n = round(n1 n2 / (n1 + n2)). Per call before the sampled Smirnov sum (term by
// term in double-double, as scipy; same machine): n = 1e5: 150-190 ms, n = 166666: 320 ms,
// n = 1e6: 1.4-2.0 s; n > 1e6: ~1 us (scipy's closed-form approximation, unchanged).
const kstwoCalls: Array<[number, number]> = [
  [100000, 0.005],
  [100000, 0.01],
  [100000, 0.02],
  [166666, 0.005],
  [1000000, 0.0015],
  [1000000, 0.003],
  [1000000, 0.01],
  [10000000, 0.0005],
  [10000000, 0.001],
  [10000000, 0.003],
  [100000000, 0.001],
];
for (const [n, d] of kstwoCalls) {
  const sf = kstwoSf(d, n);
  const perCall = millis(() => kstwoSf(d, n), 200);
  console.log(
    `kstwoSf(${d}, ${n})`.padEnd(32) +
      ` n d^2=${(n * d * d).toFixed(2).padStart(6)} sf=${sf.toPrecision(6).padEnd(12)} ${(perCall * 1000).toFixed(1)} us per call`,
  );
}
