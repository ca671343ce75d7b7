import { randomUUID } from 'node:crypto';
import type { MonitorSpec } from '@driftwatch/config';
import type { RunOutcome } from '@driftwatch/drift';

/**
 * Runs each monitor's ticks so that a run never overlaps the next run of the same monitor: a
 * tick that arrives while the previous run is still going is reported as skipped (and the caller
 * records it), not queued, so a slow monitor cannot pile up work. Other monitors are unaffected.
 */
export class NonOverlappingRuns {
  private readonly running = new Map<string, Promise<RunOutcome>>();

  constructor(private readonly run: (spec: MonitorSpec, endMs: number) => Promise<RunOutcome>) {}

  async tick(spec: MonitorSpec, endMs: number): Promise<RunOutcome> {
    if (this.running.has(spec.name)) {
      return {
        runId: randomUUID(),
        monitor: spec.name,
        status: 'skipped',
        error: 'the previous run of this monitor is still running',
        windowStartMs: endMs - spec.windowMs,
        windowEndMs: endMs,
        durationMs: 0,
        results: 0,
        breaches: 0,
      };
    }
    const run = this.run(spec, endMs);
    this.running.set(spec.name, run);
    try {
      return await run;
    } finally {
      this.running.delete(spec.name);
    }
  }

  /** Resolves when every run in progress has finished (shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}

/**
 * The ticks a monitor missed between the end of its last successful window and now, oldest
 * first, at most `max` of them (the newest ones): what catch_up: run_missed replays.
 * `next(ms)` is the schedule's first tick strictly after ms.
 */
export function missedTicks(next: (ms: number) => number, lastEndMs: number, nowMs: number, max: number): number[] {
  const missed: number[] = [];
  for (let at = next(lastEndMs); at <= nowMs; at = next(at)) {
    missed.push(at);
    if (missed.length > max) missed.shift();
  }
  return missed;
}
