import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronTime } from 'cron';
import { DEFAULT_MONITOR_SETTINGS, type MonitorSpec } from '@driftwatch/config';
import type { RunOutcome } from '@driftwatch/drift';
import { missedTicks, NonOverlappingRuns } from './ticks';

const spec = (name: string): MonitorSpec => ({
  ...DEFAULT_MONITOR_SETTINGS,
  name,
  model: 'm',
  baseline: { kind: 'id', id: 'b' },
  features: 'all',
  excludeFeatures: [],
  prediction: true,
  latency: true,
  enabled: true,
  rules: [],
});

test('a tick during a slow run of the same monitor is skipped; other monitors still run', async () => {
  const release: (() => void)[] = [];
  const started: string[] = [];
  const runs = new NonOverlappingRuns(async (s, endMs) => {
    started.push(`${s.name}@${endMs}`);
    await new Promise<void>((resolve) => release.push(resolve));
    return {
      runId: 'r',
      monitor: s.name,
      status: 'ok',
      windowStartMs: 0,
      windowEndMs: endMs,
      durationMs: 1,
      results: 1,
      breaches: 0,
    } as RunOutcome;
  });
  const slow = runs.tick(spec('slow'), 1000);
  const skipped = await runs.tick(spec('slow'), 2000);
  assert.equal(skipped.status, 'skipped');
  assert.match(skipped.error!, /previous run of this monitor is still running/);
  const other = runs.tick(spec('other'), 2000);
  assert.deepEqual(started, ['slow@1000', 'other@2000']);
  release.forEach((r) => r());
  assert.equal((await slow).status, 'ok');
  assert.equal((await other).status, 'ok');
  const again = runs.tick(spec('slow'), 3000);
  release.at(-1)!();
  assert.equal((await again).status, 'ok', 'once the slow run finished, the next tick runs');
});

test('missed ticks after downtime: oldest first, at most max, none when nothing was missed', () => {
  const every10min = new CronTime('*/10 * * * *', 'UTC');
  const next = (ms: number) => every10min.getNextDateFrom(new Date(ms)).toMillis();
  const last = Date.parse('2026-06-01T10:00:00Z');
  assert.deepEqual(
    missedTicks(next, last, Date.parse('2026-06-01T10:35:00Z'), 24).map((ms) =>
      new Date(ms).toISOString().slice(11, 16),
    ),
    ['10:10', '10:20', '10:30'],
  );
  assert.deepEqual(
    missedTicks(next, last, Date.parse('2026-06-01T10:35:00Z'), 2).map((ms) =>
      new Date(ms).toISOString().slice(11, 16),
    ),
    ['10:20', '10:30'],
  );
  assert.deepEqual(missedTicks(next, last, Date.parse('2026-06-01T10:09:59Z'), 24), []);
});
