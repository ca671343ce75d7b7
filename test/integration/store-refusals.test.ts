import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RowWriter, TABLES, eventRow, type TableRow } from '@driftwatch/clickhouse';
import { validateEvent } from '@driftwatch/contracts';
import { sandbox, type Sandbox } from '../support/services';

// A batch ClickHouse refuses for the content of some rows is bisected: the good rows are stored,
// the bad ones come back with ClickHouse's words (before, the whole batch was retried forever).
let box: Sandbox;

before(async () => {
  box = await sandbox('refusals', 1);
});

after(async () => {
  await box?.cleanup();
});

function row(i: number): TableRow & { row: string } {
  const checked = validateEvent('prediction', {
    event_id: randomUUID(),
    model: 'refusals',
    model_version: 'v1',
    timestamp: Date.now(),
    latency_ms: 1,
    status: 'ok',
    prediction: i,
    features: { x: i, city: 'placeholder' },
  });
  assert.ok(checked.ok);
  return eventRow(checked) as TableRow & { row: string };
}

test('rows ClickHouse refuses are found by bisection and reported; every other row is stored once', async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => row(i));
  const bad = [3, 500, 998];
  // what validation now refuses, as if a producer had got it past: a lone surrogate escape in JSON
  for (const i of bad) rows[i]!.row = rows[i]!.row.replace('"placeholder"', '"half \\ud83d"');
  const labels: TableRow[] = [
    {
      table: TABLES.labels,
      row: `{"event_id":"${randomUUID()}","model":"refusals","model_version":"","ts":"2026-01-01 00:00:00","timestamp_ms":0,"label_num":1,"label_str":null,"ingested_at":"2026-01-01 00:00:00"}`,
    },
  ];
  const inserts: number[] = [];
  const refused = await new RowWriter(box.ch, { onInsert: (_table, n) => void inserts.push(n) }).write([
    ...rows,
    ...labels,
  ]);
  assert.deepEqual(
    refused.map((r) => r.index),
    bad,
  );
  for (const r of refused) {
    assert.equal(r.table, 'predictions');
    assert.match(r.reason, /surrogate/);
  }
  const [count] = await box.ch.query<{ n: string; ids: string }>(
    `SELECT count() AS n, uniqExact(event_id) AS ids FROM predictions`,
  );
  assert.deepEqual([Number(count?.n), Number(count?.ids)], [997, 997], 'each good row stored exactly once');
  const [labelCount] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM labels`);
  assert.equal(Number(labelCount?.n), 1, 'the other table of the batch is stored as it was');
  assert.ok(
    inserts.length <= 2 * 3 * Math.ceil(Math.log2(1000)) + 1,
    `${inserts.length} inserts for 3 bad rows in 1000`,
  );
});
