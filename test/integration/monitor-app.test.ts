import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../support/paths';
import { eventRow, TABLES } from '@driftwatch/clickhouse';
import { validateEvent } from '@driftwatch/contracts';
import { flightFeatures, loadFlights, predictDelay } from '../support/flights';
import { MonitorProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

const HOUR = 3_600_000;
let box: Sandbox;
let monitor: MonitorProcess;
let dir: string;
const NOW = Date.now();

before(async () => {
  box = await sandbox('monitorapp');
  dir = mkdtempSync(join(tmpdir(), 'dw-monitor-'));
  // two hours of real flights, stored directly (the Kafka path has its own tests)
  const flights = loadFlights().slice(0, 6000);
  const rows = flights.map((f, i) => {
    const features = flightFeatures(f);
    const event = {
      event_id: randomUUID(),
      model: 'flights',
      model_version: 'v1',
      timestamp: NOW - 2 * HOUR + Math.floor((i * 2 * HOUR) / flights.length),
      latency_ms: 4 + (i % 9),
      status: 'ok',
      prediction: predictDelay(features),
      features,
    };
    const checked = validateEvent('prediction', event);
    assert.ok(checked.ok);
    return eventRow(checked).row;
  });
  await box.ch.insert(TABLES.predictions, rows);
});

after(async () => {
  await monitor?.stop();
  await box?.cleanup();
});

function writeConfig(text: string): string {
  const path = join(dir, `${randomUUID()}.yaml`);
  writeFileSync(path, text);
  return path;
}

test('scheduled monitors write runs and results; a failing monitor records failed runs and the others go on', async () => {
  const config = writeConfig(`
version: 1
defaults:
  schedule: "*/2 * * * * *"
  window: 1h
monitors:
  - name: flights-hourly
    model: flights
    baseline: { from: "${new Date(NOW - 2 * HOUR).toISOString()}", to: "${new Date(NOW - HOUR).toISOString()}" }
  - name: broken
    model: flights
    baseline: no-such-baseline
`);
  monitor = new MonitorProcess({ ...box.env, MONITOR_CONFIG: config });
  await monitor.start();
  await monitor.waitReady();
  const runs = await waitFor(
    'two runs of each monitor',
    async () => {
      const r = await box.ch.query<{ monitor: string; status: string; n: string; error: string }>(
        `SELECT monitor, status, count() AS n, any(error) AS error FROM monitor_runs GROUP BY monitor, status ORDER BY monitor, status`,
      );
      const n = (m: string, s: string) => Number(r.find((x) => x.monitor === m && x.status === s)?.n ?? 0);
      return n('flights-hourly', 'ok') >= 2 && n('broken', 'failed') >= 2 ? r : undefined;
    },
    60_000,
    500,
  );
  const broken = runs.find((r) => r.monitor === 'broken')!;
  assert.match(broken.error, /baseline 'no-such-baseline' of model flights does not exist/);
  const [drift] = await box.ch.query<{ features: string[]; baseline: string; n: string }>(
    `SELECT groupUniqArray(feature) AS features, any(baseline_id) AS baseline, count() AS n FROM drift_results WHERE monitor = 'flights-hourly'`,
  );
  assert.deepEqual([...drift!.features].sort(), [
    '__prediction__',
    'dep_hour',
    'destination',
    'distance',
    'origin',
    'weekday',
  ]);
  assert.match(drift!.baseline, /^flights-hourly\.range@[0-9a-f]{12}$/);
  const [health] = await box.ch.query<{ events: string }>(
    `SELECT events FROM health_results WHERE monitor = 'flights-hourly' AND model_version = '*' LIMIT 1`,
  );
  assert.ok(Number(health!.events) > 2000, 'the last hour of events is in the health result');
  assert.ok((await monitor.metric('driftwatch_monitor_runs_total', { monitor: 'broken', status: 'failed' })) >= 2);
  monitor.kill('SIGTERM');
  assert.equal((await monitor.exited).code, 0);
});

test('a bad monitor config stops the service at start-up with the key, the value and what was expected', async () => {
  const config = writeConfig(`
version: 1
monitors:
  - name: flights-hourly
    model: flights
    baseline: b1
    window: 1hour
    schedule: "*/10 * * *"
`);
  const bad = new MonitorProcess({ ...box.env, MONITOR_CONFIG: config });
  await bad.start();
  const exit = await bad.exited;
  assert.equal(exit.code, 1);
  assert.match(bad.output, /monitors\[0\]\.window: "1hour" is invalid: expected a duration/);
  assert.match(bad.output, /monitors\[0\]\.schedule: "\*\/10 \* \* \*" is invalid/);
});

test('the CLI imports a CSV training set as a versioned baseline and runs a monitor against it', async () => {
  const flights = loadFlights().slice(10_000, 13_000);
  const csv = ['distance,dep_hour,weekday,origin,destination,delay_pred']
    .concat(
      flights.map((f) => {
        const x = flightFeatures(f);
        return [x.distance, x.dep_hour, x.weekday, `"${x.origin}"`, x.destination, predictDelay(x)].join(',');
      }),
    )
    .join('\n');
  const file = join(dir, 'train.csv');
  writeFileSync(file, `${csv}\n`);
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [join(repoRoot(), 'dist/apps/monitor/src/cli.js'), ...args], {
      env: { ...process.env, ...box.env },
      encoding: 'utf8',
    });
  const imported = cli(
    'baseline',
    'import',
    '--model',
    'flights',
    '--name',
    'training',
    '--file',
    file,
    '--prediction-column',
    'delay_pred',
  );
  assert.match(
    imported,
    /^baseline training@[0-9a-f]{12}: 3,000 records, features distance \(numeric\), dep_hour \(numeric\), weekday \(numeric\), origin \(categorical\), destination \(categorical\), __prediction__ \(numeric\)/,
  );
  const id = /baseline (\S+):/.exec(imported)![1]!;
  assert.equal(
    cli(
      'baseline',
      'import',
      '--model',
      'flights',
      '--name',
      'training',
      '--file',
      file,
      '--prediction-column',
      'delay_pred',
    ).split(':')[0],
    `baseline ${id}`,
    'the same data gives the same id',
  );
  const config = writeConfig(`
version: 1
monitors:
  - name: against-training
    model: flights
    baseline: training
    window: 2h
`);
  const outcome = JSON.parse(cli('run', '--monitor', 'against-training', '--config', config)) as {
    status: string;
    baselineId: string;
    results: number;
  };
  assert.equal(outcome.status, 'ok');
  assert.equal(outcome.baselineId, id);
  const [r] = await box.ch.query<{ n: string; ids: string[] }>(
    `SELECT count() AS n, groupUniqArray(baseline_id) AS ids FROM drift_results WHERE monitor = 'against-training'`,
  );
  assert.ok(Number(r!.n) > 0);
  assert.deepEqual(r!.ids, [id]);
});
