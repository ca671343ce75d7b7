import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
// the same cron package (and version) that @nestjs/schedule builds its jobs with
import { CronJob, CronTime } from 'cron';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createClickHouse, ensureDatabase, migrate, type ClickHouse } from '@driftwatch/clickhouse';
import type { MonitorSpec } from '@driftwatch/config';
import { lastWindowEnd, recordRun, runMonitor, type RunOutcome } from '@driftwatch/drift';
import { AlertingService } from './alerting.service';
import { MonitorSettingsToken } from './settings';
import { missedTicks, NonOverlappingRuns } from './ticks';

/**
 * Drives the monitors on their cron schedules. A run of a monitor never overlaps the next run of
 * the same monitor (that tick is recorded as skipped); a failing monitor records a failed run and
 * the others go on; after downtime a monitor with catch_up: run_missed replays the windows it
 * missed (at most max_catch_up), one with catch_up: skip starts from the next tick.
 * Each monitor's schedule is a dynamic job in @nestjs/schedule's registry, named by
 * {@link monitorJobName}.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('monitor');
  readonly ch: ClickHouse;
  private readonly jobNames: string[] = [];
  // alert rules run inside the no-overlap guard too: a monitor's runs reach alerting in order
  private readonly runs = new NonOverlappingRuns(async (spec, endMs) => {
    const outcome = await runMonitor(this.ch, spec, endMs);
    await this.alerting.onRun(spec, outcome);
    return outcome;
  });
  private started = false;
  readonly registry = new Registry();
  private readonly runsTotal = new Counter({
    name: 'driftwatch_monitor_runs_total',
    help: 'Monitor runs by outcome',
    labelNames: ['monitor', 'status'],
    registers: [this.registry],
  });
  private readonly breachesTotal = new Counter({
    name: 'driftwatch_monitor_breaches_total',
    help: 'Drift results that breached their threshold',
    labelNames: ['monitor'],
    registers: [this.registry],
  });
  private readonly runSeconds = new Histogram({
    name: 'driftwatch_monitor_run_duration_seconds',
    help: 'Duration of one monitor run',
    labelNames: ['monitor'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(
    private readonly settings: MonitorSettingsToken,
    private readonly alerting: AlertingService,
    private readonly schedules: SchedulerRegistry,
  ) {
    this.ch = createClickHouse(settings.clickhouse);
    collectDefaultMetrics({ register: this.registry, prefix: 'driftwatch_monitor_' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureDatabase(this.settings.clickhouse);
    await migrate(this.ch);
    await this.alerting.start(this.ch, this.registry);
    for (const spec of this.settings.config.monitors.filter((m) => m.enabled)) {
      await this.catchUp(spec);
      const name = monitorJobName(spec.name);
      const job = CronJob.from({
        cronTime: spec.schedule,
        onTick: () => void this.tick(spec),
        start: false,
        timeZone: 'UTC',
      });
      this.schedules.addCronJob(name, job);
      this.jobNames.push(name);
      job.start();
      this.logger.log(
        `monitor ${spec.name} (model ${spec.model}) scheduled '${spec.schedule}', window ${spec.windowMs / 1000}s`,
        { monitor: spec.name, model: spec.model },
      );
    }
    this.started = true;
  }

  ready(): boolean {
    return this.started;
  }

  /** A schedule tick: the window ends at the tick (to the second). */
  async tick(spec: MonitorSpec, endMs = Math.floor(Date.now() / 1000) * 1000): Promise<RunOutcome> {
    const outcome = await this.runs.tick(spec, endMs);
    this.runsTotal.inc({ monitor: spec.name, status: outcome.status });
    if (outcome.status === 'skipped') {
      this.logger.warn(`monitor ${spec.name}: tick skipped, previous run still running`, {
        monitor: spec.name,
        model: spec.model,
        runId: outcome.runId,
      });
      await recordRun(this.ch, spec, outcome, endMs, Date.now()).catch(() => undefined);
      return outcome;
    }
    this.runSeconds.observe({ monitor: spec.name }, outcome.durationMs / 1000);
    this.breachesTotal.inc({ monitor: spec.name }, outcome.breaches);
    const run = { monitor: spec.name, model: spec.model, runId: outcome.runId };
    if (outcome.status === 'ok')
      this.logger.log(
        `monitor ${spec.name}: ${outcome.results} results, ${outcome.breaches} breaches in ${Math.round(outcome.durationMs)} ms`,
        run,
      );
    else this.logger.error(`monitor ${spec.name} failed: ${outcome.error}`, run);
    return outcome;
  }

  private async catchUp(spec: MonitorSpec): Promise<void> {
    if (spec.catchUp !== 'run_missed') return;
    const last = await lastWindowEnd(this.ch, spec.name).catch(() => undefined);
    if (last === undefined) return;
    const time = new CronTime(spec.schedule, 'UTC');
    const missed = missedTicks(
      (ms) => time.getNextDateFrom(new Date(ms)).toMillis(),
      last,
      Date.now(),
      spec.maxCatchUp,
    );
    for (const endMs of missed) await this.tick(spec, endMs);
    if (missed.length)
      this.logger.log(`monitor ${spec.name}: caught up ${missed.length} missed runs (at most ${spec.maxCatchUp})`, {
        monitor: spec.name,
        model: spec.model,
      });
  }

  async beforeApplicationShutdown(): Promise<void> {
    // ScheduleModule deletes every registered job at shutdown too; whichever runs first stops them
    for (const name of this.jobNames) {
      if (this.schedules.doesExist('cron', name)) this.schedules.deleteCronJob(name);
    }
    await this.runs.idle();
    await this.alerting.stop();
    await this.ch.close();
  }
}

/** The name of a monitor's job in @nestjs/schedule's SchedulerRegistry. */
export function monitorJobName(monitor: string): string {
  return `monitor:${monitor}`;
}
