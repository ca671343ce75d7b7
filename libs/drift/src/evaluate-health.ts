/**
 * Stage 3 of a run, for health: evaluate. Events, errors, throughput and latency quantiles of each
 * segment into health_results rows; below min_samples events the quantiles and the error rate
 * are no verdict ('insufficient_data'), the counts stay facts.
 */
import { ALL_VERSIONS, LATENCY_QUANTILES, type HealthResultRow } from '@driftwatch/clickhouse';
import type { HealthCounts } from './count-raw';
import { runColumns, type RunPlan } from './plan';

/** The health_results rows of a run (none when the monitor does not watch latency). */
export function evaluateHealth(
  plan: RunPlan,
  counts: readonly HealthCounts[],
  computedAtMs: number,
): HealthResultRow[] {
  if (!plan.latency) return [];
  const columns = runColumns(plan, computedAtMs);
  const seconds = (plan.window.endMs - plan.window.startMs) / 1000;
  const rows: HealthResultRow[] = [];
  for (const h of counts) {
    if (!plan.segmentByVersion && h.model_version !== ALL_VERSIONS) continue;
    const enough = h.events >= plan.minSamples;
    const row: HealthResultRow = {
      ...columns,
      model_version: h.model_version,
      status: enough ? 'ok' : 'insufficient_data',
      events: h.events,
      errors: h.errors,
      error_rate: h.events > 0 ? h.errors / h.events : null,
      events_per_s: h.events / seconds,
      latency_p50_ms: null,
      latency_p90_ms: null,
      latency_p95_ms: null,
      latency_p99_ms: null,
    };
    // healthCounts gives the quantiles in the order of LATENCY_QUANTILES
    if (enough) LATENCY_QUANTILES.forEach(([, column], i) => (row[column] = h.quantiles[i]!));
    rows.push(row);
  }
  return rows;
}
