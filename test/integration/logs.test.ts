import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { repoRoot } from '../support/paths';
import { waitFor } from '../support/wait';

// Logs for production: the real ingest service with LOG_FORMAT=json writes one JSON object per
// line (what a log collector reads), and a bad LOG_LEVEL or an old Node.js stops it with a sentence.
let box: Sandbox;

before(async () => {
  box = await sandbox('logs', 1);
});

after(async () => {
  await box?.cleanup();
});

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'];

test('LOG_FORMAT=json: every line the ingest service writes, from start to SIGTERM, is one JSON record', async () => {
  const ingest = new IngestProcess({ ...box.env, LOG_FORMAT: 'json', LOG_LEVEL: 'log' });
  try {
    await ingest.start();
    await ingest.waitReady();
    await waitFor('the consumer joined its group', () => ingest.output.includes('joined group'));
    ingest.kill('SIGTERM');
    assert.equal((await ingest.exited).code, 0, ingest.output);
  } finally {
    await ingest.stop();
  }
  const lines = ingest.output.split('\n').filter((line) => line !== '');
  assert.ok(lines.length >= 5, ingest.output);
  assert.ok(!ingest.output.includes('\u001b['), 'no ANSI codes');
  const records = lines.map((line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.match(String(record.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
    assert.ok(LEVELS.includes(String(record.level)), line);
    assert.equal(record.service, 'ingest', line);
    assert.equal(typeof record.message, 'string', line);
    return record;
  });
  // Nest's own lines and ours, with what they are about
  assert.ok(
    records.some((r) => r.component === 'NestApplication' && r.message === 'Nest application successfully started'),
    ingest.output,
  );
  const joined = records.find((r) => String(r.message).startsWith('joined group'));
  assert.equal(joined?.groupId, box.env.INGEST_GROUP_ID, ingest.output);
  assert.equal(joined?.component, 'ingest');
  assert.ok(
    records.some((r) => r.message === 'SIGTERM received'),
    ingest.output,
  );
  assert.ok(
    records.some((r) => r.message === 'stopped'),
    ingest.output,
  );
});

test('an invalid LOG_LEVEL stops the service at start-up, naming the key, the value and what was expected', async () => {
  const ingest = new IngestProcess({ ...box.env, LOG_LEVEL: 'info' });
  try {
    await ingest.start();
    const exit = await ingest.exited;
    assert.equal(exit.code, 1, ingest.output);
  } finally {
    await ingest.stop();
  }
  assert.equal(
    ingest.output,
    'driftwatch ingest failed to start: config LOG_LEVEL="info" is invalid: expected one of error, warn, log, debug, verbose\n',
  );
});

test('an unsupported Node.js stops the service before NestJS is loaded, with the version it needs', async () => {
  const pretend = join(repoRoot(), 'test/fixtures/pretend-node-20.11.cjs');
  const ingest = new IngestProcess({ ...box.env, INGEST_NODE_FLAGS: `--require ${pretend}` });
  try {
    await ingest.start();
    assert.equal((await ingest.exited).code, 1, ingest.output);
  } finally {
    await ingest.stop();
  }
  assert.equal(
    ingest.output,
    'driftwatch ingest needs Node.js ^20.19.0 || >=22.12.0 (20.19 or newer on 20, 22.12 or newer); this is 20.11.1\n',
  );
});
