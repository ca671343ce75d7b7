/**
 * Stage 3 of a run, for model quality: evaluate. The counts of each model version, and of all
 * versions together (their sum), are finished into metrics (libs/stats) and one quality_results
 * row per configured metric. Below min_labelled labelled predictions or min_label_coverage, every
 * metric of that version says 'insufficient_labels' (value null), which changes no alert.
 */
import { ALL_VERSIONS, formatDateTime, type QualityResultRow } from '@driftwatch/clickhouse';
import {
  binaryClassificationMetrics,
  multiclassMetrics,
  regressionMetrics,
  rocAucFromScoreCounts,
  StatsInputError,
  type ScoreCount,
} from '@driftwatch/stats';
import type { QualityCounts, QualityCoverage, QualityWindowCounts } from './count-quality';
import type { RunPlan } from './plan';
import type { QualityMetric, QualitySpec } from './spec';
import type { TimeRange } from './window-sql';

/** The quality_results rows of a run (none when the monitor has no quality section). */
export function evaluateQuality(
  plan: Pick<RunPlan, 'runId' | 'monitor' | 'model' | 'segmentByVersion' | 'quality'>,
  window: TimeRange,
  counts: QualityWindowCounts,
  computedAtMs: number,
): QualityResultRow[] {
  const quality = plan.quality;
  if (!quality) return [];
  const versions = [...counts.coverage];
  const all: QualityCoverage = { model_version: ALL_VERSIONS, predictions: 0, labelled: 0 };
  for (const c of versions) {
    all.predictions += c.predictions;
    all.labelled += c.labelled;
  }
  const segments: [QualityCoverage, QualityCounts | undefined][] = [
    [all, sumCounts([...counts.byVersion.values()])],
    ...(plan.segmentByVersion
      ? versions.map((c): [QualityCoverage, QualityCounts | undefined] => [c, counts.byVersion.get(c.model_version)])
      : []),
  ];
  const columns = {
    run_id: plan.runId,
    monitor: plan.monitor,
    model: plan.model,
    window_start: formatDateTime(window.startMs),
    window_end: formatDateTime(window.endMs),
    computed_at: formatDateTime(computedAtMs),
    segment: '',
    threshold: null,
    breached: 0 as const,
    baseline_value: null,
  };
  const rows: QualityResultRow[] = [];
  for (const [coverage, segmentCounts] of segments) {
    const share = coverage.predictions > 0 ? coverage.labelled / coverage.predictions : 0;
    const enough =
      segmentCounts !== undefined && coverage.labelled >= quality.minLabelled && share >= quality.minLabelCoverage;
    const values = enough ? qualityMetrics(quality, segmentCounts) : undefined;
    for (const metric of quality.metrics) {
      const value = values?.[metric] ?? null;
      rows.push({
        ...columns,
        model_version: coverage.model_version,
        metric,
        status: enough ? 'ok' : 'insufficient_labels',
        value,
        labelled: coverage.labelled,
        predictions: coverage.predictions,
        coverage: share,
      });
    }
  }
  return rows;
}

/** The metrics of one segment's counts; a metric undefined for the data (AUC with one class) is null. */
export function qualityMetrics(
  quality: QualitySpec,
  counts: QualityCounts,
): Partial<Record<QualityMetric, number | null>> {
  switch (counts.task) {
    case 'binary': {
      const m = binaryClassificationMetrics(counts.counts);
      return {
        accuracy: m.accuracy,
        precision: m.precision,
        recall: m.recall,
        f1: m.f1,
        specificity: m.specificity,
        predicted_positive_rate: m.predictedPositiveRate,
        actual_positive_rate: m.actualPositiveRate,
        brier: m.brier,
        log_loss: m.logLoss,
        roc_auc: quality.metrics.includes('roc_auc') ? rocAucOrNull(counts.scores) : null,
      };
    }
    case 'multiclass': {
      const m = multiclassMetrics(counts.cells);
      return {
        accuracy: m.accuracy,
        macro_precision: m.macroPrecision,
        macro_recall: m.macroRecall,
        macro_f1: m.macroF1,
        weighted_precision: m.weightedPrecision,
        weighted_recall: m.weightedRecall,
        weighted_f1: m.weightedF1,
      };
    }
    case 'regression': {
      const m = regressionMetrics(counts.sums);
      return { mae: m.mae, rmse: m.rmse, mape: m.mape, r2: m.r2, mean_error: m.meanError };
    }
  }
}

/** ROC AUC is undefined when the labelled predictions hold one class only: null, not a failed run. */
function rocAucOrNull(scores: readonly ScoreCount[]): number | null {
  try {
    return rocAucFromScoreCounts(scores);
  } catch (err) {
    if (err instanceof StatsInputError && err.code === 'ZERO_TOTAL') return null;
    throw err;
  }
}

/** All versions together: counts, sums and per-score counts add up. undefined when nothing is labelled. */
export function sumCounts(parts: readonly QualityCounts[]): QualityCounts | undefined {
  const [first, ...rest] = parts;
  if (!first) return undefined;
  switch (first.task) {
    case 'binary': {
      const counts = { ...first.counts };
      const scores = new Map<number, ScoreCount>(first.scores.map((s) => [s.score, { ...s }]));
      for (const p of rest) {
        if (p.task !== 'binary') continue;
        for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += p.counts[key];
        for (const s of p.scores) {
          const at = scores.get(s.score);
          if (at) {
            at.positives += s.positives;
            at.negatives += s.negatives;
          } else scores.set(s.score, { ...s });
        }
      }
      return { task: 'binary', counts, scores: [...scores.values()] };
    }
    case 'multiclass':
      // multiclassMetrics sums repeated (actual, predicted) cells itself.
      return { task: 'multiclass', cells: parts.flatMap((p) => (p.task === 'multiclass' ? p.cells : [])) };
    case 'regression': {
      const sums = { ...first.sums };
      for (const p of rest) {
        if (p.task !== 'regression') continue;
        for (const key of Object.keys(sums) as (keyof typeof sums)[]) sums[key] += p.sums[key];
      }
      return { task: 'regression', sums };
    }
  }
}
