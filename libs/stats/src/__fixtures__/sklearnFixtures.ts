// Test support: loads sklearn.json (written by scripts/fixtures/gen_quality_fixtures.py).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BinaryClassificationMetrics } from '../binaryClassificationMetrics';

const FIXTURE = join('libs', 'stats', 'src', '__fixtures__', 'sklearn.json');

export interface SklearnFixtures {
  versions: { sklearn: string; numpy: string };
  /** scikit-learn's values for each metric our function computes, plus its ROC AUC (null: one class only) */
  binary: Array<
    BinaryClassificationMetrics & {
      name: string;
      y: number[];
      score: number[];
      threshold: number;
      rocAuc: number | null;
    }
  >;
  multiclass: Array<{
    name: string;
    y: string[];
    pred: string[];
    accuracy: number;
    macroPrecision: number;
    macroRecall: number;
    macroF1: number;
    weightedPrecision: number;
    weightedRecall: number;
    weightedF1: number;
  }>;
  regression: Array<{
    name: string;
    y: number[];
    pred: number[];
    mae: number;
    rmse: number;
    mape: number | null;
    r2: number;
    meanError: number;
  }>;
}

let cached: SklearnFixtures | undefined;

/** The scikit-learn reference values; found by walking up from dist/ to the source tree. */
export function loadSklearnFixtures(): SklearnFixtures {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, FIXTURE);
    if (existsSync(candidate)) {
      cached = JSON.parse(readFileSync(candidate, 'utf8')) as SklearnFixtures;
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${FIXTURE} not found above ${__dirname}`);
    dir = parent;
  }
}
