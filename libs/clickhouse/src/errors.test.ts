import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clickhouseErrorCode, isContentError } from './errors';

test('a parse error is content, in the wording of ClickHouse 18.16 and of current releases', () => {
  const old = new Error(
    'Code: 25, e.displayText() = DB::Exception: Cannot parse escape sequence: missing second part of surrogate pair, e.what() = DB::Exception',
  );
  const current = Object.assign(new Error('Cannot parse input: expected { before: ...'), {
    code: '27',
    type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  });
  assert.equal(clickhouseErrorCode(old), 25);
  assert.ok(isContentError(old));
  assert.ok(isContentError(current));
  assert.ok(isContentError(new Error('insert failed', { cause: old })), 'found through a wrapping error');
});

test('an outage is not content: no answer, memory, too many parts, a missing table, an unknown code', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
  assert.equal(clickhouseErrorCode(refused), undefined);
  for (const e of [
    refused,
    new Error('Timeout error.'),
    new Error('Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded'),
    Object.assign(new Error('Too many parts (300)'), { code: '252' }),
    new Error("Code: 60, e.displayText() = DB::Exception: Table x.predictions doesn't exist."),
    new Error('Code: 99999. DB::Exception: something new'),
  ]) {
    assert.equal(isContentError(e), false, e.message);
  }
});
