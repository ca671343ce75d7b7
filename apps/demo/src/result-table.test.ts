import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultTable } from './result-table';

/** The printed table back as one record per row, header -> cell (columns are 2+ spaces apart). */
function cells(text: string): Record<string, string>[] {
  const [header, , ...rows] = text.split('\n').map((l) => l.trim().split(/ {2,}/));
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i] ?? ''])));
}

// rows as ClickHouse returns them (JSONEachRow): 64-bit integers as strings, floats as numbers
const health = [
  {
    model_version: '*',
    events: '3950',
    errors: '9',
    error_rate: 9 / 3950,
    events_per_s: 3950 / 3600,
    latency_p50_ms: 5.25,
    latency_p99_ms: 14.759,
  },
  {
    model_version: 'v1',
    events: '1975',
    errors: '0',
    error_rate: 0,
    events_per_s: 1975 / 3600,
    latency_p50_ms: 5,
    latency_p99_ms: 14.7,
  },
];
const drift = [
  {
    feature: 'dep_hour',
    method: 'ks',
    value: 0.21337,
    p_value: 2e-30,
    threshold: 0.01,
    breached: 1,
    window_n: '1234567',
  },
  {
    feature: 'distance',
    method: 'ks',
    value: 0.04512,
    p_value: 0.004,
    threshold: 0.01,
    breached: 1,
    window_n: '1234567',
  },
  { feature: 'dep_hour', method: 'psi', value: 0.00012, p_value: null, threshold: 0.2, breached: 0, window_n: 1234567 },
];

test('the health table shows a small error rate as a percentage, not 0', () => {
  const [all, v1] = cells(resultTable(health, { events: 'number', errors: 'number', error_rate: 'percent' }));
  assert.equal(all!.errors, '9');
  assert.equal(all!.error_rate, '0.2278 %', '9 errors in 3,950 events');
  assert.equal(v1!.error_rate, '0 %');
  assert.equal(all!.events_per_s, '1.097');
  assert.equal(all!.latency_p99_ms, '14.76');
});

test('the drift table keeps tiny p-values apart from each other and from 0', () => {
  const rows = cells(resultTable(drift, { window_n: 'number' }));
  assert.deepEqual(
    rows.map((r) => r.p_value),
    ['2e-30', '0.004', '-'],
  );
  assert.deepEqual(
    rows.map((r) => r.value),
    ['0.2134', '0.04512', '1.2e-4'],
  );
});

test('a large count is printed as a whole number with grouped thousands', () => {
  const rows = cells(resultTable(drift, { window_n: 'number' }));
  assert.deepEqual(
    rows.map((r) => r.window_n),
    ['1,234,567', '1,234,567', '1,234,567'],
  );
  assert.equal(cells(resultTable(health, { events: 'number' }))[0]!.events, '3,950');
});

test('no rows is said, not an empty table', () => {
  assert.equal(resultTable([]), '  (no rows)');
});
