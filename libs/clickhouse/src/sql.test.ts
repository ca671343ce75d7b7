import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, identifier, literal, raw, sql, SqlValueError } from './sql';
import { splitStatements } from './migrations';

test('literal escapes quotes, backslashes and control characters', () => {
  assert.equal(literal("it's"), "'it\\'s'");
  assert.equal(literal('a\\b'), "'a\\\\b'");
  assert.equal(literal('x\ny\0z\x01'), "'x\\ny\\0z\\x01'");
  assert.equal(literal("x'); DROP TABLE t; --"), "'x\\'); DROP TABLE t; --'");
  assert.equal(literal(null), 'NULL');
  assert.equal(literal(true), '1');
  assert.equal(literal([1, 'a']), "[1, 'a']");
  assert.equal(literal(12n), '12');
});

test('literal refuses values it cannot render faithfully', () => {
  assert.throws(() => literal(Number.NaN), SqlValueError);
  assert.throws(() => literal(Number.POSITIVE_INFINITY), SqlValueError);
  assert.throws(() => literal(new Date('nope')), SqlValueError);
  assert.throws(() => literal({} as never), SqlValueError);
});

test('identifier quotes with backticks and escapes them', () => {
  assert.equal(identifier('plain'), '`plain`');
  assert.equal(identifier('a`b'), '`a\\`b`');
  assert.equal(identifier('a\\'), '`a\\\\`');
  assert.throws(() => identifier(''), SqlValueError);
});

test('sql template renders values as literals and raw fragments verbatim', () => {
  const model = "m'1";
  assert.equal(
    sql`SELECT count() FROM ${raw('predictions')} WHERE model = ${model} AND x > ${2}`,
    "SELECT count() FROM predictions WHERE model = 'm\\'1' AND x > 2",
  );
  assert.equal(formatDateTime(Date.parse('2026-01-02T03:04:05.678Z')), '2026-01-02 03:04:05');
});

test('migration files split into statements on semicolons at line ends, comments dropped', () => {
  assert.deepEqual(splitStatements("-- c\nCREATE TABLE a (x String DEFAULT ';');\n\nSELECT 1;\n"), [
    "CREATE TABLE a (x String DEFAULT ';')",
    'SELECT 1',
  ]);
});
