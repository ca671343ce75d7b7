/**
 * The result row types (libs/clickhouse/src/results.ts) and the tables the migrations create hold
 * the same columns: one full row of each type (the compiler allows no missing or extra key) is
 * compared with DESCRIBE TABLE, stored, and read back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ALL_VERSIONS,
  createClickHouse,
  ensureDatabase,
  insertResults,
  migrate,
  TABLES,
  type ClickHouse,
  type ClickHouseSettings,
  type ResultRows,
  type ResultTable,
} from '@driftwatch/clickhouse';
import { CLICKHOUSE_URL, uniqueName } from '../support/services';

let settings: ClickHouseSettings;
let ch: ClickHouse;

before(async () => {
  settings = {
    url: CLICKHOUSE_URL,
    database: uniqueName('results'),
    username: 'default',
    password: '',
    requestTimeoutMs: 10_000,
  };
  await ensureDatabase(settings);
  ch = createClickHouse(settings);
  await migrate(ch);
});

after(async () => {
  await ch.command(`DROP DATABASE IF EXISTS ${settings.database}`);
  await ch.close();
});

const segment = {
  run_id: 'run-1',
  monitor: 'm',
  model: 'flights',
  model_version: ALL_VERSIONS,
  window_start: '2026-01-01 10:00:00',
  window_end: '2026-01-01 11:00:00',
  computed_at: '2026-01-01 11:00:01',
};

const rows: { [T in ResultTable]: ResultRows[T] } = {
  [TABLES.driftResults]: {
    ...segment,
    feature: 'distance',
    feature_kind: 'numeric',
    method: 'ks',
    status: 'ok',
    value: 0.25,
    value_lo: 0.2,
    value_hi: 0.3,
    p_value: 0.001,
    p_value_lo: 0.0005,
    p_value_hi: 0.002,
    threshold: 0.01,
    breached: 1,
    baseline_id: 'b@1',
    baseline_n: 8000,
    window_n: 4000,
  },
  [TABLES.healthResults]: {
    ...segment,
    status: 'ok',
    events: 4000,
    errors: 40,
    error_rate: 0.01,
    events_per_s: 1.1,
    latency_p50_ms: 5,
    latency_p90_ms: 9,
    latency_p95_ms: 12,
    latency_p99_ms: 24,
  },
  [TABLES.qualityResults]: {
    ...segment,
    window_start: '2026-01-01 09:00:00',
    window_end: '2026-01-01 10:00:00',
    segment: '',
    metric: 'f1',
    status: 'ok',
    value: 0.75,
    labelled: 900,
    predictions: 1000,
    coverage: 0.9,
    threshold: 0.8,
    breached: 1,
    baseline_value: null,
  },
  [TABLES.monitorRuns]: {
    run_id: 'run-1',
    monitor: 'm',
    model: 'flights',
    scheduled_at: '2026-01-01 11:00:00',
    window_start: '2026-01-01 10:00:00',
    window_end: '2026-01-01 11:00:00',
    started_at: '2026-01-01 11:00:00',
    duration_ms: 925,
    status: 'ok',
    error: '',
    baseline_id: 'b@1',
    results: 2,
  },
};

for (const table of Object.keys(rows) as ResultTable[]) {
  test(`${table}: the row type has exactly the table's columns, and a row goes in and comes back`, async () => {
    const row = rows[table];
    const columns = await ch.query<{ name: string }>(`DESCRIBE TABLE ${table}`);
    assert.deepEqual(Object.keys(row).sort(), columns.map((c) => c.name).sort());
    await insertResults(ch, table, [row] as ResultRows[typeof table][]);
    const [back] = await ch.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    // UInt64 columns come back as strings (JSON output of 64-bit integers)
    const numeric = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);
    assert.deepEqual(
      Object.fromEntries(Object.entries(back!).map(([k, v]) => [k, numeric(v)])),
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, numeric(v)])),
    );
  });
}
