/**
 * Stage 3 of a run, for drift: evaluate. Each planned feature of each segment against its
 * baseline, by each of its methods (libs/stats and the binned KS), into drift_results rows.
 */
import { ALL_VERSIONS, type DriftResultRow } from '@driftwatch/clickhouse';
import { chiSquareTest, jensenShannonDistance, ks2samp, psiFromCounts } from '@driftwatch/stats';
import type { BaselineFeature } from './baseline';
import { binnedKs } from './binnedKs';
import type { Segments, WindowFeature } from './count';
import { gridEdges } from './grid';
import { runColumns, type PlannedFeature, type RunPlan } from './plan';
import type { DriftMethod, Thresholds } from './spec';

/** The drift_results rows of a run: every planned feature of every segment, by each of its methods. */
export function evaluateDrift(
  plan: RunPlan,
  features: readonly PlannedFeature[],
  segments: Segments,
  computedAtMs: number,
): DriftResultRow[] {
  const columns = runColumns(plan, computedAtMs);
  const versions = segments.size > 0 ? [...segments.keys()] : [ALL_VERSIONS];
  const rows: DriftResultRow[] = [];
  for (const version of versions) {
    for (const { base, methods, thresholds } of features) {
      const w = segments.get(version)?.get(base.feature) ?? { n: 0 };
      for (const r of evaluateFeature(base, w, methods, thresholds, plan.minSamples)) {
        rows.push({
          ...columns,
          model_version: version,
          feature: base.feature,
          feature_kind: base.kind,
          method: r.method,
          status: r.status,
          value: r.value,
          value_lo: r.valueLo,
          value_hi: r.valueHi,
          p_value: r.pValue,
          p_value_lo: r.pValueLo,
          p_value_hi: r.pValueHi,
          threshold: r.threshold,
          breached: r.breached ? 1 : 0,
          baseline_id: plan.baseline.id,
          baseline_n: base.n,
          window_n: w.n,
        });
      }
    }
  }
  return rows;
}

export interface MethodResult {
  method: DriftMethod;
  status: 'ok' | 'insufficient_data';
  value: number | null;
  valueLo: number | null;
  valueHi: number | null;
  pValue: number | null;
  pValueLo: number | null;
  pValueHi: number | null;
  threshold: number | null;
  breached: boolean;
}

function thresholdOf(method: DriftMethod, t: Thresholds): number | null {
  return { psi: t.psi, ks: t.ksPValue, chi2: t.chi2PValue, js: t.js, wasserstein: t.wasserstein }[method];
}

/** psi, js, wasserstein breach above the threshold; ks and chi2 breach when the p-value falls below. */
function isBreached(method: DriftMethod, value: number, pValue: number | null, threshold: number | null): boolean {
  if (threshold === null) return false;
  if (method === 'ks' || method === 'chi2') return pValue !== null && pValue < threshold;
  return value > threshold;
}

/** A binned KS breaches only when even the smallest D the histograms allow has p below the threshold. */
function ksBreached(ks: { pHi: number }, threshold: number | null): boolean {
  return threshold !== null && ks.pHi < threshold;
}

function result(
  method: DriftMethod,
  thresholds: Thresholds,
  value: number,
  extra: Partial<MethodResult> = {},
): MethodResult {
  const threshold = thresholdOf(method, thresholds);
  const pValue = extra.pValue ?? null;
  return {
    method,
    status: 'ok',
    value,
    valueLo: null,
    valueHi: null,
    pValue,
    pValueLo: null,
    pValueHi: null,
    threshold,
    breached: isBreached(method, value, pValue, threshold),
    ...extra,
  };
}

/** The distance between two histograms on the same grid: sum of bin width * |Fb - Fc| over the grid. */
function gridWasserstein(base: BaselineFeature, cur: number[]): number {
  const edges = gridEdges(base.grid);
  let cb = 0;
  let cc = 0;
  let sum = 0;
  const nb = base.gridCounts.reduce((a, b) => a + b, 0);
  const nc = cur.reduce((a, b) => a + b, 0);
  for (let j = 0; j < cur.length - 1; j++) {
    cb += base.gridCounts[j]! / nb;
    cc += cur[j]! / nc;
    if (j >= 1) sum += Math.abs(cb - cc) * (base.grid.bucketBits ? edges[j]! - edges[j - 1]! : base.grid.width);
  }
  return sum;
}

/**
 * Runs the chosen methods for one feature of one window against its baseline. Below `minSamples`
 * events in the window every method says 'insufficient data' and nothing breaches: PSI and KS
 * are unreliable on tiny samples.
 */
export function evaluateFeature(
  base: BaselineFeature,
  window: WindowFeature,
  methods: readonly DriftMethod[],
  thresholds: Thresholds,
  minSamples: number,
): MethodResult[] {
  return methods.map((method): MethodResult => {
    if (window.n < minSamples || base.n === 0) {
      return {
        method,
        status: 'insufficient_data',
        value: null,
        valueLo: null,
        valueHi: null,
        pValue: null,
        pValueLo: null,
        pValueHi: null,
        threshold: thresholdOf(method, thresholds),
        breached: false,
      };
    }
    if (base.kind === 'numeric') {
      switch (method) {
        case 'psi':
          return result(method, thresholds, psiFromCounts(base.psiCounts, window.psi!));
        case 'js':
          return result(method, thresholds, jensenShannonDistance(base.psiCounts, window.psi!));
        case 'wasserstein':
          return result(method, thresholds, gridWasserstein(base, window.grid!));
        case 'ks': {
          // exact, as scipy's 'auto', when both samples are whole and small; binned with bounds otherwise
          if (window.values && base.sample.length === base.n && Math.max(base.n, window.n) <= 10_000) {
            const exact = ks2samp(base.sample, window.values);
            return result(method, thresholds, exact.statistic, {
              pValue: exact.pValue,
              valueLo: exact.statistic,
              valueHi: exact.statistic,
              pValueLo: exact.pValue,
              pValueHi: exact.pValue,
            });
          }
          const ks = binnedKs(base.gridCounts, window.grid!);
          return result(method, thresholds, ks.statistic, {
            pValue: ks.pValue,
            valueLo: ks.dLo,
            valueHi: ks.dHi,
            pValueLo: ks.pLo,
            pValueHi: ks.pHi,
            breached: ksBreached(ks, thresholdOf(method, thresholds)),
          });
        }
        default:
          throw new Error(`method ${method} does not apply to numeric feature ${base.feature}`);
      }
    }
    const categories = [...new Set([...base.categories, ...window.categories!.keys()])].sort();
    const ref = categories.map((c) => base.categoryCounts[base.categories.indexOf(c)] ?? 0);
    const cur = categories.map((c) => window.categories!.get(c) ?? 0);
    switch (method) {
      case 'psi':
        return result(method, thresholds, psiFromCounts(ref, cur));
      case 'js':
        return result(method, thresholds, jensenShannonDistance(ref, cur));
      case 'chi2': {
        if (categories.length < 2) return result(method, thresholds, 0, { pValue: 1 }); // one category on both sides: nothing to test
        const t = chiSquareTest(
          Object.fromEntries(categories.map((c, i) => [c, ref[i]!])),
          Object.fromEntries(categories.map((c, i) => [c, cur[i]!])),
        );
        return result(method, thresholds, t.statistic, { pValue: t.pValue });
      }
      default:
        throw new Error(`method ${method} does not apply to categorical feature ${base.feature}`);
    }
  });
}
