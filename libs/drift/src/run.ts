/**
 * One run of one monitor, top to bottom: plan (plan.ts) -> count (count.ts; count-quality.ts for
 * the quality window, label_delay earlier) -> evaluate (evaluate-drift.ts, evaluate-health.ts,
 * evaluate-quality.ts) -> record (record.ts). A new kind of result (data quality) is one more
 * evaluate stage here.
 */
import { randomUUID } from 'node:crypto';
import type { ClickHouse, DriftResultRow, HealthResultRow, QualityResultRow } from '@driftwatch/clickhouse';
import { countWindow } from './count';
import { countQuality, qualityWindow } from './count-quality';
import { evaluateDrift } from './evaluate-drift';
import { evaluateHealth } from './evaluate-health';
import { evaluateQuality } from './evaluate-quality';
import { planRun, plannedFeatures, type RunPlan } from './plan';
import { recordResults, recordRun } from './record';
import type { DriftMonitorSpec } from './spec';

/** The rows a run appends to drift_results, health_results and quality_results. */
export interface RunResults {
  drift: DriftResultRow[];
  health: HealthResultRow[];
  /** Empty when the monitor has no quality section. */
  quality: QualityResultRow[];
}

export interface RunOutcome {
  runId: string;
  monitor: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  baselineId?: string;
  windowStartMs: number;
  windowEndMs: number;
  durationMs: number;
  results: number;
  breaches: number;
  /** The rows appended to drift_results, health_results and quality_results (ok runs), for alert rules. */
  drift?: DriftResultRow[];
  health?: HealthResultRow[];
  quality?: QualityResultRow[];
  /** When the results were stored (ok runs). */
  storedAtMs?: number;
}

/**
 * One run of one monitor for the window ending at `endMs`: plan (resolve the baseline), count and
 * evaluate drift and health, append the results, record the run. Never throws: a failure (bad
 * query, ClickHouse down, missing baseline) is a failed run with its error, recorded when
 * ClickHouse can take it.
 */
export async function runMonitor(
  ch: ClickHouse,
  spec: DriftMonitorSpec,
  endMs: number,
  now: () => number = Date.now,
): Promise<RunOutcome> {
  const started = now();
  const runId = randomUUID();
  const window = { startMs: endMs - spec.windowMs, endMs };
  let outcome: RunOutcome;
  try {
    const plan = await planRun(ch, spec, runId, window);
    const { drift, health, quality } = await computeResults(ch, plan, started);
    await recordResults(ch, drift, health, quality);
    const breaches = drift.filter((r) => r.breached).length;
    const storedAtMs = now();
    outcome = {
      runId,
      monitor: spec.name,
      status: 'ok',
      baselineId: plan.baseline.id,
      windowStartMs: window.startMs,
      windowEndMs: endMs,
      durationMs: storedAtMs - started,
      results: drift.length + health.length + quality.length,
      breaches,
      drift,
      health,
      quality,
      storedAtMs,
    };
  } catch (err) {
    outcome = {
      runId,
      monitor: spec.name,
      status: 'failed',
      error: (err as Error).message.slice(0, 2000),
      windowStartMs: window.startMs,
      windowEndMs: endMs,
      durationMs: now() - started,
      results: 0,
      breaches: 0,
    };
  }
  await recordRun(ch, spec, outcome, endMs, started).catch((err: Error) => {
    outcome.error = `${outcome.error ?? ''} (and the run could not be recorded: ${err.message})`.trim();
  });
  return outcome;
}

/**
 * Count, then evaluate: the result rows of a planned run, not recorded. ClickHouse does the
 * counting; TypeScript bins the buckets and finishes the statistics.
 */
export async function computeResults(ch: ClickHouse, plan: RunPlan, computedAtMs = Date.now()): Promise<RunResults> {
  const features = plannedFeatures(plan);
  const quality = plan.quality;
  const qualityRange = quality ? qualityWindow(plan.window, quality) : undefined;
  const [counts, qualityCounts] = await Promise.all([
    countWindow(ch, plan, features),
    quality && qualityRange ? countQuality(ch, plan.model, qualityRange, quality) : undefined,
  ]);
  return {
    drift: evaluateDrift(plan, features, counts.segments, computedAtMs),
    health: evaluateHealth(plan, counts.health, computedAtMs),
    quality: qualityCounts && qualityRange ? evaluateQuality(plan, qualityRange, qualityCounts, computedAtMs) : [],
  };
}
