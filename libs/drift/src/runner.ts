import { randomUUID } from 'node:crypto';
import { formatDateTime, insertResults, literal, TABLES, type ClickHouse, type DriftResultRow, type HealthResultRow } from '@driftwatch/clickhouse';
import { baselineFromRange, loadBaseline, saveBaseline, type Baseline } from './baseline';
import type { DriftMethod, DriftMonitorSpec } from './spec';
import { runDriftJob, type FeatureSetting } from './job';

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
  /** The rows appended to drift_results and health_results (ok runs), for alert rules. */
  drift?: DriftResultRow[];
  health?: HealthResultRow[];
  /** When the results were stored (ok runs). */
  storedAtMs?: number;
}

/** The baseline a monitor compares with: a stored one by id or name, or its configured time range (created once). */
export async function resolveBaseline(ch: ClickHouse, spec: DriftMonitorSpec): Promise<Baseline> {
  if (spec.baseline.kind === 'id') {
    const found = await loadBaseline(ch, spec.model, spec.baseline.id);
    if (!found) throw new Error(`baseline '${spec.baseline.id}' of model ${spec.model} does not exist; import it with: npm run driftwatch -- baseline import`);
    return found;
  }
  const name = `${spec.name}.range`;
  const existing = await loadBaseline(ch, spec.model, name);
  if (existing) return existing;
  const created = await baselineFromRange(ch, name, spec.model, { startMs: spec.baseline.fromMs, endMs: spec.baseline.toMs }, { psiBins: spec.psiBins });
  await saveBaseline(ch, created);
  return created;
}

function featureSettings(spec: DriftMonitorSpec): 'all' | Record<string, FeatureSetting> {
  if (spec.features === 'all') return 'all';
  const out: Record<string, FeatureSetting> = {};
  for (const [name, f] of Object.entries(spec.features)) {
    out[name] = { ...(f.type && { kind: f.type }), ...(f.methods && { methods: f.methods as DriftMethod[] }), thresholds: f.thresholds };
  }
  return out;
}

/** Records a run in monitor_runs (every run: ok, failed or skipped). */
export async function recordRun(ch: ClickHouse, spec: Pick<DriftMonitorSpec, 'name' | 'model'>, outcome: RunOutcome, scheduledAtMs: number, startedAtMs: number): Promise<void> {
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

/**
 * One run of one monitor for the window ending at `endMs`: resolve the baseline, compute drift
 * and health in ClickHouse, append the results, record the run. Never throws: a failure (bad
 * query, ClickHouse down, missing baseline) is a failed run with its error, recorded when
 * ClickHouse can take it.
 */
export async function runMonitor(ch: ClickHouse, spec: DriftMonitorSpec, endMs: number, now: () => number = Date.now): Promise<RunOutcome> {
  const started = now();
  const runId = randomUUID();
  const window = { startMs: endMs - spec.windowMs, endMs };
  let outcome: RunOutcome;
  try {
    const baseline = await resolveBaseline(ch, spec);
    const { drift, health } = await runDriftJob(
      ch,
      {
        runId,
        monitor: spec.name,
        model: spec.model,
        window,
        baseline,
        features: featureSettings(spec),
        excludeFeatures: spec.excludeFeatures,
        prediction: spec.prediction,
        numericMethods: spec.numericMethods as DriftMethod[],
        categoricalMethods: spec.categoricalMethods as DriftMethod[],
        thresholds: spec.thresholds,
        minSamples: spec.minSamples,
        segmentByVersion: spec.segmentByVersion,
        latency: spec.latency,
      },
      started,
    );
    await Promise.all([insertResults(ch, TABLES.driftResults, drift), insertResults(ch, TABLES.healthResults, health)]);
    const breaches = drift.filter((r) => r.breached).length;
    const storedAtMs = now();
    outcome = { runId, monitor: spec.name, status: 'ok', baselineId: baseline.id, windowStartMs: window.startMs, windowEndMs: endMs, durationMs: storedAtMs - started, results: drift.length + health.length, breaches, drift, health, storedAtMs };
  } catch (err) {
    outcome = { runId, monitor: spec.name, status: 'failed', error: (err as Error).message.slice(0, 2000), windowStartMs: window.startMs, windowEndMs: endMs, durationMs: now() - started, results: 0, breaches: 0 };
  }
  await recordRun(ch, spec, outcome, endMs, started).catch((err: Error) => {
    outcome.error = `${outcome.error ?? ''} (and the run could not be recorded: ${err.message})`.trim();
  });
  return outcome;
}

/** End of the newest successful window of a monitor, to catch up from after downtime. */
export async function lastWindowEnd(ch: ClickHouse, monitor: string): Promise<number | undefined> {
  const [r] = await ch.query<{ end: string; n: string }>(
    `SELECT toString(max(window_end)) AS end, count() AS n FROM ${TABLES.monitorRuns} WHERE monitor = ${literal(monitor)} AND status = 'ok'`,
  );
  if (!r || Number(r.n) === 0) return undefined;
  return Date.parse(`${r.end.replace(' ', 'T')}Z`);
}
