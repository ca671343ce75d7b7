import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClickHouse,
  dropExpiredPartitions,
  ensureDatabase,
  formatDateTime,
  loadMigrations,
  migrate,
  type ClickHouse,
  type ClickHouseSettings,
} from '@driftwatch/clickhouse';
import { CLICKHOUSE_URL, uniqueName } from '../support/services';

let settings: ClickHouseSettings;
let ch: ClickHouse;

before(async () => {
  settings = {
    url: CLICKHOUSE_URL,
    database: uniqueName('migrate'),
    username: 'default',
    password: '',
    requestTimeoutMs: 10_000,
  };
  await ensureDatabase(settings);
  ch = createClickHouse(settings);
});

after(async () => {
  await ch.command(`DROP DATABASE IF EXISTS ${settings.database}`);
  await ch.close();
});

test('migrations apply once, are recorded, and re-running them is a no-op', async () => {
  const first = await migrate(ch);
  assert.deepEqual(
    first.applied,
    loadMigrations().map((m) => m.name),
  );
  const second = await migrate(ch);
  assert.deepEqual(second.applied, []);
  assert.deepEqual(second.skipped, first.applied);
  const recorded = await ch.query<{ name: string }>(`SELECT name FROM schema_migrations FINAL ORDER BY version`);
  assert.deepEqual(
    recorded.map((r) => r.name),
    first.applied,
  );
});

test('an applied migration whose file was edited stops the run with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-migrations-'));
  const original = loadMigrations();
  for (const m of original)
    writeFileSync(join(dir, `${m.name}.sql`), `${m.statements.join(';\n')};\n-- edited\nSELECT 1;\n`);
  await assert.rejects(migrate(ch, loadMigrations(dir)), /was applied with checksum .* add a new migration/);
});

test('retention drops day partitions older than the limit and keeps the rest', async () => {
  const now = Date.parse('2026-06-30T12:00:00Z');
  const day = 86_400_000;
  const rows = [40, 31, 29, 1].map((age, i) => ({
    event_id: `00000000-0000-4000-8000-00000000000${i}`,
    model: 'retention',
    model_version: 'v1',
    ts: formatDateTime(now - age * day),
    timestamp_ms: now - age * day,
    latency_ms: 1,
    status: 'ok',
    prediction_num: 1,
    prediction_str: null,
    score: null,
    proba_classes: [],
    proba_values: [],
    num_names: [],
    num_values: [],
    cat_names: [],
    cat_values: [],
    null_names: [],
    ingested_at: formatDateTime(now),
  }));
  await ch.insert('predictions', rows);
  const dropped = await dropExpiredPartitions(ch, 30, now);
  // the counts the materialized views of migration 004 derived from those rows leave with them
  assert.deepEqual(dropped.sort(), [
    'event_copies/20260521',
    'event_copies/20260530',
    'numeric_histograms/20260521',
    'numeric_histograms/20260530',
    'predictions/20260521',
    'predictions/20260530',
  ]);
  const left = await ch.query<{ ts: string }>(`SELECT toString(ts) AS ts FROM predictions ORDER BY ts`);
  assert.deepEqual(
    left.map((r) => r.ts.slice(0, 10)),
    ['2026-06-01', '2026-06-29'],
  );
  const counted = await ch.query<{ minute: string; n: string }>(
    `SELECT toString(minute) AS minute, sum(n) AS n FROM numeric_histograms GROUP BY minute ORDER BY minute`,
  );
  assert.deepEqual(
    counted.map((r) => [r.minute.slice(0, 10), Number(r.n)]),
    [
      ['2026-06-01', 1],
      ['2026-06-29', 1],
    ],
  );
});
