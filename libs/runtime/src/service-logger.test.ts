import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@driftwatch/env';
import { logSettingsFromEnv } from './log-settings';
import { ServiceLogger } from './service-logger';

const T0 = Date.parse('2026-06-01T12:00:00.250Z');

function capture(env: Record<string, string>, terminal = false): { logger: ServiceLogger; lines: string[] } {
  const lines: string[] = [];
  const logger = new ServiceLogger(
    'ingest',
    logSettingsFromEnv(env, terminal),
    (line) => lines.push(line),
    () => T0,
  );
  return { logger, lines };
}

test('json: one object per line with time, level, service, component, message and the fields', () => {
  const { logger, lines } = capture({ LOG_FORMAT: 'json' });
  // as a Nest Logger('ingest') forwards them: fields, then its context last
  logger.warn('offset commit failed, will retry', { topic: 'dw.predictions', partition: 2, offset: '41' }, 'ingest');
  logger.error('store failed\nsecond line', undefined, 'ingest');
  logger.log('http on 127.0.0.1:3001');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l)),
    [
      {
        time: '2026-06-01T12:00:00.250Z',
        level: 'warn',
        service: 'ingest',
        component: 'ingest',
        message: 'offset commit failed, will retry',
        topic: 'dw.predictions',
        partition: 2,
        offset: '41',
      },
      {
        time: '2026-06-01T12:00:00.250Z',
        level: 'error',
        service: 'ingest',
        component: 'ingest',
        message: 'store failed\nsecond line',
      },
      { time: '2026-06-01T12:00:00.250Z', level: 'log', service: 'ingest', message: 'http on 127.0.0.1:3001' },
    ],
  );
  assert.ok(
    lines.every((l) => !l.includes('\n')),
    'a newline in a message stays inside its line',
  );
});

test("Nest's error(message, stack, context) and Error values keep the stack as a field", () => {
  const { logger, lines } = capture({ LOG_FORMAT: 'json' });
  const err = new Error('boom');
  logger.error('unhandled', err.stack, 'ExceptionHandler');
  logger.error(err, 'scheduler');
  const [first, second] = lines.map((l) => JSON.parse(l));
  assert.equal(first.component, 'ExceptionHandler');
  assert.match(first.stack, /^Error: boom\n\s+at /);
  assert.equal(second.message, 'boom');
  assert.match(second.stack, /^Error: boom/);
});

test('a field cannot replace the keys every line has', () => {
  const { logger, lines } = capture({ LOG_FORMAT: 'json' });
  logger.log('run done', { level: 'x', message: 'y', runId: 'r1', model: 'm' }, 'monitor');
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: '2026-06-01T12:00:00.250Z',
    level: 'log',
    service: 'ingest',
    component: 'monitor',
    message: 'run done',
    runId: 'r1',
    model: 'm',
  });
});

test('LOG_LEVEL writes that level and the more severe ones; fatal always', () => {
  const { logger, lines } = capture({ LOG_FORMAT: 'json', LOG_LEVEL: 'warn' });
  logger.verbose('v');
  logger.debug('d');
  logger.log('l');
  logger.warn('w');
  logger.error('e');
  logger.fatal('f');
  assert.deepEqual(
    lines.map((l) => [JSON.parse(l).level, JSON.parse(l).message]),
    [
      ['warn', 'w'],
      ['error', 'e'],
      ['error', 'f'],
    ],
  );
  const all = capture({ LOG_FORMAT: 'json', LOG_LEVEL: 'verbose' });
  all.logger.verbose('v');
  all.logger.debug('d');
  assert.equal(all.lines.length, 2);
  const quiet = capture({ LOG_FORMAT: 'json' });
  quiet.logger.debug('d');
  assert.equal(quiet.lines.length, 0, 'the default level is log');
});

test('text: for people, coloured only on a terminal and never with NO_COLOR', () => {
  const plain = capture({ LOG_FORMAT: 'text' });
  plain.logger.warn('store failed', { table: 'predictions', reason: 'timed out' }, 'ingest');
  assert.equal(
    plain.lines[0],
    '2026-06-01T12:00:00.250Z warn    ingest [ingest] store failed table=predictions reason="timed out"',
  );
  const terminal = capture({}, true);
  terminal.logger.warn('x');
  assert.ok(terminal.lines[0]!.includes('\u001b[33mwarn'), 'text with colours by default on a terminal');
  const noColor = capture({ NO_COLOR: '1' }, true);
  noColor.logger.warn('x');
  assert.ok(!noColor.lines[0]!.includes('\u001b'));
});

test('the format defaults to json off a terminal and text on one', () => {
  assert.equal(logSettingsFromEnv({}, false).format, 'json');
  assert.equal(logSettingsFromEnv({}, true).format, 'text');
  assert.equal(logSettingsFromEnv({ LOG_FORMAT: 'json' }, true).format, 'json');
});

test('a bad LOG_LEVEL or LOG_FORMAT is a ConfigError naming the key, the value and what was expected', () => {
  assert.throws(
    () => logSettingsFromEnv({ LOG_LEVEL: 'info' }),
    (err: Error) =>
      err instanceof ConfigError &&
      err.message === 'config LOG_LEVEL="info" is invalid: expected one of error, warn, log, debug, verbose',
  );
  assert.throws(
    () => logSettingsFromEnv({ LOG_FORMAT: 'logfmt' }),
    /config LOG_FORMAT="logfmt" is invalid: expected json or text/,
  );
});

test('sink() gives libs a log/warn/error(message, fields) that lands in the same lines', () => {
  const { logger, lines } = capture({ LOG_FORMAT: 'json' });
  logger.sink('kafka').warn('kafkajs: Connection timeout', { broker: '127.0.0.1:9092', groupId: 'g' });
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: '2026-06-01T12:00:00.250Z',
    level: 'warn',
    service: 'ingest',
    component: 'kafka',
    message: 'kafkajs: Connection timeout',
    broker: '127.0.0.1:9092',
    groupId: 'g',
  });
});
