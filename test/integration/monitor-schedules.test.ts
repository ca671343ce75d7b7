import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TABLES } from '@driftwatch/clickhouse';
import { MonitorModule } from '../../apps/monitor/src/monitor.module';
import { monitorJobName } from '../../apps/monitor/src/scheduler.service';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

const TEN_MIN = 600_000;
let box: Sandbox;
let dir: string;

before(async () => {
  box = await sandbox('monitorschedules');
  dir = mkdtempSync(join(tmpdir(), 'dw-schedules-'));
});

after(async () => {
  await box?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the monitor module registers one @nestjs/schedule cron job per enabled monitor, after catch-up, and removes them at shutdown', async () => {
  // catching-up last succeeded 3 ticks ago: with run_missed it replays those 3 windows at start
  const lastTick = Math.floor(Date.now() / TEN_MIN) * TEN_MIN;
  const lastOk = lastTick - 3 * TEN_MIN;
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  await box.ch.insert(TABLES.monitorRuns, [
    {
      run_id: 'earlier',
      monitor: 'catching-up',
      model: 'm',
      scheduled_at: at(lastOk),
      window_start: at(lastOk - TEN_MIN),
      window_end: at(lastOk),
      started_at: at(lastOk),
      duration_ms: 1,
      status: 'ok',
      error: '',
      baseline_id: 'b@1',
      results: 1,
    },
  ]);
  const config = join(dir, 'monitors.yaml');
  writeFileSync(
    config,
    `
version: 1
monitors:
  - { name: every-second, model: m, baseline: no-such-baseline, schedule: "* * * * * *" }
  - { name: catching-up, model: m, baseline: no-such-baseline, schedule: "*/10 * * * *", catch_up: run_missed }
  - { name: switched-off, model: m, baseline: no-such-baseline, enabled: false }
`,
  );
  Object.assign(process.env, box.env, { MONITOR_CONFIG: config });
  const app = await NestFactory.createApplicationContext(MonitorModule, { logger: ['error'] });
  await app.init();
  let closed = false;
  try {
    const registry = app.get(SchedulerRegistry);
    const jobs = registry.getCronJobs();
    assert.deepEqual([...jobs.keys()].sort(), [monitorJobName('catching-up'), monitorJobName('every-second')]);
    assert.ok(
      [...jobs.values()].every((job) => job.isActive),
      'every registered job is running',
    );
    assert.equal(String(registry.getCronJob(monitorJobName('catching-up')).cronTime.source), '*/10 * * * *');

    const caughtUp = await box.ch.query<{ end: string }>(
      `SELECT toString(window_end) AS end FROM ${TABLES.monitorRuns} WHERE monitor = 'catching-up' AND run_id != 'earlier' AND window_end <= '${at(lastTick)}' ORDER BY window_end`,
    );
    assert.deepEqual(
      caughtUp.map((r) => r.end),
      [at(lastOk + TEN_MIN), at(lastOk + 2 * TEN_MIN), at(lastOk + 3 * TEN_MIN)],
      'the missed windows ran before the job was scheduled',
    );
    // the registered job is what drives the runs: the every-second monitor records (failed) runs
    await waitFor(
      'a scheduled run of every-second',
      async () => {
        const [r] = await box.ch.query<{ n: string }>(
          `SELECT count() AS n FROM ${TABLES.monitorRuns} WHERE monitor = 'every-second' AND status = 'failed'`,
        );
        return Number(r!.n) > 0;
      },
      15_000,
      200,
    );

    const registered = [...jobs.values()];
    await app.close();
    closed = true;
    assert.equal(registry.getCronJobs().size, 0, 'shutdown removes the jobs from the registry');
    assert.ok(
      registered.every((job) => !job.isActive),
      'and stops them',
    );
  } finally {
    if (!closed) await app.close();
  }
});
