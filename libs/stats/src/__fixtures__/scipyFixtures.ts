// Test support: loads scipy.json (written by scripts/fixtures/gen_stats_fixtures.py)
// and expands the sample recipes it stores instead of large samples.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FIXTURE = join('libs', 'stats', 'src', '__fixtures__', 'scipy.json');

export interface SampleRecipe {
  seed: number;
  n: number;
  kind: 'uniform' | 'integer';
  offset: number;
  scale?: number;
  levels?: number;
}

export interface ScipyFixtures {
  versions: { scipy: string; numpy: string };
  ks2samp: Array<{
    name: string;
    statistic: number;
    pValue: number;
    mode: 'exact' | 'asymp';
    a?: number[];
    b?: number[];
    recipeA?: SampleRecipe;
    recipeB?: SampleRecipe;
  }>;
  kstwoSf: Array<{ n: number; d: number; sf: number }>;
  smirnovSf: Array<{ n: number; d: number; sf: number }>;
  kstwoSfLargeN: Array<{ n: number; d: number; sf: number }>;
  smirnovSfLargeN: Array<{ n: number; d: number; sf: number }>;
  chiSquareTest: Array<{
    name: string;
    reference: Record<string, number>;
    current: Record<string, number>;
    statistic: number;
    pValue: number;
    dof: number;
  }>;
  chiSquareSf: Array<{ x: number; dof: number; sf: number }>;
  regularizedGammaQ: Array<{ a: number; x: number; q: number }>;
  logGamma: Array<{ x: number; value: number }>;
  psi: Array<{
    name: string;
    reference: number[];
    current: number[];
    bins?: number;
    epsilon?: number;
    edges: number[];
    referenceCounts: number[];
    currentCounts: number[];
    psi: number;
  }>;
  psiFromCounts: Array<{
    name: string;
    referenceCounts: number[];
    currentCounts: number[];
    epsilon?: number;
    psi: number;
  }>;
  quantile: Array<{ values: number[]; p: number[]; quantiles: number[] }>;
  jensenShannonDistance: Array<{ p: number[]; q: number[]; base?: number; distance: number; distanceExact: number }>;
  wassersteinDistance: Array<{ u: number[]; v: number[]; uWeights?: number[]; vWeights?: number[]; distance: number }>;
}

let cached: ScipyFixtures | undefined;

/**
 * The scipy reference values. Tests run from dist/libs/stats/src (compiled)
 * while the JSON stays in the source tree, so walk up from this file until the
 * repository root that holds libs/stats/src/__fixtures__/scipy.json.
 */
export function loadScipyFixtures(): ScipyFixtures {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, FIXTURE);
    if (existsSync(candidate)) {
      cached = JSON.parse(readFileSync(candidate, 'utf8')) as ScipyFixtures;
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${FIXTURE} not found above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Expands a recipe exactly as gen_stats_fixtures.py `minstd_sample` does:
 * Park-Miller LCG x <- 48271 x mod (2^31 - 1), u = x / (2^31 - 1). All
 * intermediate products are below 2^53, so the stream is identical in
 * JavaScript and Python.
 */
export function expandRecipe(recipe: SampleRecipe): number[] {
  const modulus = 2147483647;
  let state = recipe.seed;
  const out = new Array<number>(recipe.n);
  for (let i = 0; i < recipe.n; i++) {
    state = (state * 48271) % modulus;
    const u = state / modulus;
    out[i] =
      recipe.kind === 'uniform' ? recipe.offset + recipe.scale! * u : recipe.offset + Math.floor(u * recipe.levels!);
  }
  return out;
}
