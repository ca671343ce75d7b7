import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { infra, sandbox, type Sandbox } from '../support/services';
import { produceStream, storedCounts } from '../support/stream';
import { waitFor } from '../support/wait';

const TOTAL = 40_000;
let box: Sandbox;
let ingest: IngestProcess;
let sdk: DriftwatchClient;

before(async () => {
  box = await sandbox('sigterm');
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
});

after(async () => {
  infra('start', 'clickhouse');
  await sdk?.close().catch(() => undefined);
  await ingest?.stop();
  await box?.cleanup();
});

test('SIGTERM: the service stores and commits what it consumed, exits 0, and a restart redelivers nothing', async (t) => {
  // a long flush interval, so that at SIGTERM there are consumed rows not yet stored
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '30000', INGEST_FLUSH_ROWS: '1000000' });
  await ingest.start();
  await ingest.waitReady();
  const producing = produceStream(sdk, TOTAL, 2_000, 200);
  const consumed = await waitFor(
    'messages consumed',
    async () => {
      const n = await ingest.metric('driftwatch_ingest_consumed_total');
      return n >= 5_000 ? n : undefined;
    },
    60_000,
    100,
  );
  assert.equal((await storedCounts(box.ch)).rows, 0, 'nothing flushed yet');

  ingest.kill('SIGTERM');
  const exit = await ingest.exited;
  assert.equal(exit.code, 0, `exit code 0 after SIGTERM\n${ingest.output}`);
  const atStop = await storedCounts(box.ch);
  assert.ok(atStop.rows >= consumed, `everything consumed before SIGTERM was stored (${atStop.rows} >= ${consumed})`);
  assert.equal(atStop.rows, atStop.distinct, 'no duplicates');

  await producing;
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  const done = await waitFor(
    'the rest stored',
    async () => {
      const c = await storedCounts(box.ch);
      return c.distinct >= TOTAL ? c : undefined;
    },
    120_000,
    300,
  );
  t.diagnostic(
    `${atStop.rows} events stored at SIGTERM; the restart consumed the remaining ${done.rows - atStop.rows}`,
  );
  assert.equal(done.rows, TOTAL, 'offsets were committed at shutdown: no event was delivered twice');
});

test('SIGTERM while ClickHouse is down exits within INGEST_SHUTDOWN_TIMEOUT_MS, commits nothing unstored, and a restart stores it all', async (t) => {
  const model = 'sigterm-outage';
  await ingest?.stop(); // the first test's service, still in the group
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200', INGEST_SHUTDOWN_TIMEOUT_MS: '5000' });
  await ingest.start();
  await ingest.waitReady();
  infra('stop', 'clickhouse');
  try {
    await produceStream(sdk, 1_000, 1_000, 0, model);
    await waitFor(
      `a failed store attempt\n${ingest.output.slice(-3000)}`,
      async () => (await ingest.metric('driftwatch_ingest_store_failures_total')) > 0,
      60_000,
      100,
    );
    const sent = Date.now();
    ingest.kill('SIGTERM');
    const exit = await ingest.exited;
    const tookMs = Date.now() - sent;
    t.diagnostic(`exited ${exit.code} ${tookMs} ms after SIGTERM, ClickHouse down`);
    assert.ok(
      tookMs < 5_000 + 2_000,
      `exited within the 5 s timeout (took ${tookMs} ms)\n${ingest.output.slice(-2000)}`,
    );
  } finally {
    infra('start', 'clickhouse');
  }
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  const done = await waitFor(
    'the 1,000 events stored after the restart',
    async () => {
      const c = await storedCounts(box.ch, model);
      return c.distinct >= 1_000 ? c : undefined;
    },
    120_000,
    300,
  );
  assert.equal(done.distinct, 1_000, 'nothing unstored was committed at shutdown');
});
