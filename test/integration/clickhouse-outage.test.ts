import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { infra, sandbox, type Sandbox } from '../support/services';
import { produceStream, storedCounts } from '../support/stream';
import { waitFor } from '../support/wait';

const TOTAL = 60_000;
let box: Sandbox;
let ingest: IngestProcess;
let sdk: DriftwatchClient;

before(async () => {
  box = await sandbox('chdown');
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '300' });
  await ingest.start();
  await ingest.waitReady();
});

after(async () => {
  infra('start', 'clickhouse');
  await sdk?.close().catch(() => undefined);
  await ingest?.stop();
  await box?.cleanup();
});

test('ClickHouse stopped for 15 s during ingest: fetching pauses, readiness drops, nothing is lost', async (t) => {
  // about 30 s of traffic: 1,000 events every 500 ms
  const producing = produceStream(sdk, TOTAL, 1_000, 500);
  await waitFor('some rows stored', async () => (await storedCounts(box.ch)).rows > 5_000, 60_000);

  infra('stop', 'clickhouse');
  const stoppedAt = Date.now();
  await waitFor(
    'readiness to report the outage',
    async () => (await ingest.get('/health/ready')).status === 503,
    15_000,
  );
  await waitFor(
    'failed inserts being retried',
    async () => (await ingest.metric('driftwatch_ingest_store_failures_total')) > 0,
    15_000,
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 15_000 - (Date.now() - stoppedAt)))); // the outage lasts 15 s
  assert.equal((await ingest.get('/health/live')).status, 200, 'the service stays alive during the outage');
  const buffered = await ingest.metric('driftwatch_ingest_buffered_messages');
  const failures = await ingest.metric('driftwatch_ingest_store_failures_total');
  assert.ok(buffered <= 10_000 + 5_000, `fetching paused: ${buffered} messages held in memory`);
  infra('start', 'clickhouse');

  await producing;
  const done = await waitFor(
    'every event stored after ClickHouse came back',
    async () => {
      const c = await storedCounts(box.ch);
      return c.distinct >= TOTAL ? c : undefined;
    },
    120_000,
    500,
  );
  await waitFor('readiness back', async () => (await ingest.get('/health/ready')).status === 200, 30_000);
  t.diagnostic(
    `${failures} failed insert attempts retried during the outage; ${buffered} messages buffered while paused`,
  );
  assert.equal(done.distinct, TOTAL);
  assert.equal(done.final, TOTAL);
  assert.equal(done.maxSeq, TOTAL - 1);
});
