/**
 * Stage 4 of a run: record. Result rows are appended to their tables, and every run (ok, failed or
 * skipped) to monitor_runs, which is also where a restarted monitor learns how far it got.
 */
import {
  formatDateTime,
  insertResults,
  literal,
  TABLES,
  type ClickHouse,
  type DriftResultRow,
  type HealthResultRow,
  type QualityResultRow,
} from '@driftwatch/clickhouse';
import type { RunOutcome } from './run';
import type { DriftMonitorSpec } from './spec';

/** Appends a run's results (append-only tables: a result is never changed). */
export async function recordResults(
  ch: ClickHouse,
  drift: readonly DriftResultRow[],
  health: readonly HealthResultRow[],
  quality: readonly QualityResultRow[] = [],
): Promise<void> {
  await Promise.all([
    insertResults(ch, TABLES.driftResults, drift),
    insertResults(ch, TABLES.healthResults, health),
    ...(quality.length > 0 ? [insertResults(ch, TABLES.qualityResults, quality)] : []),
  ]);
}

/** Records a run in monitor_runs (every run: ok, failed or skipped). */
export async function recordRun(
  ch: ClickHouse,
  spec: Pick<DriftMonitorSpec, 'name' | 'model'>,
  outcome: RunOutcome,
  scheduledAtMs: number,
  startedAtMs: number,
): Promise<void> {
  await insertResults(ch, TABLES.monitorRuns, [
    {
      run_id: outcome.runId,
      monitor: spec.name,
      model: spec.model,
      scheduled_at: formatDateTime(scheduledAtMs),
      window_start: formatDateTime(outcome.windowStartMs),
      window_end: formatDateTime(outcome.windowEndMs),
      started_at: formatDateTime(startedAtMs),
      duration_ms: Math.round(outcome.durationMs),
      status: outcome.status,
      error: outcome.error ?? '',
      baseline_id: outcome.baselineId ?? '',
      results: outcome.results,
    },
  ]);
}

/** End of the newest successful window of a monitor, to catch up from after downtime. */
export async function lastWindowEnd(ch: ClickHouse, monitor: string): Promise<number | undefined> {
  const [r] = await ch.query<{ end: string; n: string }>(
    `SELECT toString(max(window_end)) AS end, count() AS n FROM ${TABLES.monitorRuns} WHERE monitor = ${literal(monitor)} AND status = 'ok'`,
  );
  if (!r || Number(r.n) === 0) return undefined;
  return Date.parse(`${r.end.replace(' ', 'T')}Z`);
}
