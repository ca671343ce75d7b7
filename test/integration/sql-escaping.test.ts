import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClickHouse, identifier, literal, type ClickHouse } from '@driftwatch/clickhouse';
import { CLICKHOUSE_URL, uniqueName } from '../support/services';

/** Strings an attacker (or an unlucky model name) might send; each must come back unchanged. */
const HOSTILE = [
  "it's",
  "x'); DROP TABLE t; --",
  "\\' OR 1=1 --",
  'back\\slash\\',
  'trailing backslash\\',
  '`backtick`',
  'new\nline\r\ttab',
  'nul\0byte',
  '\x01\x02\x1f\x7f',
  "'''",
  "\\\\'",
  'unicode ✓ 😀 ünïcödé',
  '$1 {x:String} ? :p',
  '/* comment */ -- comment',
  "'; SELECT * FROM system.users; --",
];

let ch: ClickHouse;
let db: string;

before(async () => {
  db = uniqueName('escape');
  const admin = createClickHouse({
    url: CLICKHOUSE_URL,
    database: 'default',
    username: 'default',
    password: '',
    requestTimeoutMs: 10_000,
  });
  await admin.command(`CREATE DATABASE ${db}`);
  await admin.close();
  ch = createClickHouse({
    url: CLICKHOUSE_URL,
    database: db,
    username: 'default',
    password: '',
    requestTimeoutMs: 10_000,
  });
});

after(async () => {
  await ch.command(`DROP DATABASE IF EXISTS ${db}`);
  await ch.close();
});

test('literal() round-trips hostile strings through the real ClickHouse unchanged', async () => {
  for (const value of HOSTILE) {
    const [row] = await ch.query<{ v: string; n: string }>(
      `SELECT ${literal(value)} AS v, length(${literal(value)}) AS n`,
    );
    assert.equal(row!.v, value, `round trip of ${JSON.stringify(value)}`);
    assert.equal(Number(row!.n), Buffer.byteLength(value), `byte length of ${JSON.stringify(value)}`);
  }
});

test('identifier() makes hostile names usable as column and table names, and nothing else runs', async () => {
  for (const [i, name] of HOSTILE.filter((h) => !h.includes('\0')).entries()) {
    const table = `t${i} ${name}`;
    await ch.command(`CREATE TABLE ${identifier(table)} (${identifier(name)} String) ENGINE = Memory`);
    await ch.command(`INSERT INTO ${identifier(table)} (${identifier(name)}) VALUES (${literal(name)})`);
    const rows = await ch.query<Record<string, string>>(`SELECT ${identifier(name)} FROM ${identifier(table)}`);
    assert.deepEqual(Object.values(rows[0]!), [name]);
  }
  const tables = await ch.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${literal(db)}`);
  assert.equal(
    tables.length,
    HOSTILE.filter((h) => !h.includes('\0')).length,
    'exactly the tables we created, none dropped',
  );
});

test('arrays, numbers, NULL and dates render as ClickHouse reads them', async () => {
  const [row] = await ch.query<Record<string, unknown>>(
    `SELECT ${literal(['a', "b'c", null])} AS arr, ${literal(-1.5e-300)} AS small, ${literal([0.5, 1e-320, -5e-324])} AS subnormal, ${literal(null)} AS nothing, toString(${literal(new Date('2026-03-04T05:06:07Z'))}) AS d`,
  );
  assert.deepEqual(row, {
    arr: ['a', "b'c", null],
    small: -1.5e-300,
    subnormal: [0.5, 1e-320, -5e-324],
    nothing: null,
    d: '2026-03-04 05:06:07',
  });
});
