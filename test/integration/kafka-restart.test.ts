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
  box = await sandbox('kafkarestart');
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '300' });
  await ingest.start();
  await ingest.waitReady();
});

after(async () => {
  infra('start', 'kafka');
  await sdk?.close().catch(() => undefined);
  await ingest?.stop();
  await box?.cleanup();
});

test('the Kafka broker restarted during ingest: producers and the ingest service resume, nothing is lost', async (t) => {
  const producing = produceStream(sdk, TOTAL, 1_000, 400);
  await waitFor('some rows stored', async () => (await storedCounts(box.ch)).rows > 5_000, 60_000);
  const stored = (await storedCounts(box.ch)).distinct;
  infra('stop', 'kafka');
  await new Promise((resolve) => setTimeout(resolve, 5_000)); // the broker stays down for 5 s
  infra('start', 'kafka');

  await producing;
  let last: Awaited<ReturnType<typeof storedCounts>> | undefined;
  const done = await waitFor(
    'every event stored after the broker restart',
    async () => {
      last = await storedCounts(box.ch);
      return last.distinct >= TOTAL ? last : undefined;
    },
    180_000,
    500,
  ).catch((err: Error) => {
    // what a reader of a failed run needs: how far it got, and what the ingest service said
    throw new Error(
      `${err.message}: ${last?.distinct} of ${TOTAL} stored; ingest output ends with:\n${ingest.output.slice(-4000)}`,
    );
  });
  t.diagnostic(
    `${stored} events stored before the restart, all ${done.distinct} after; ${done.rows - TOTAL} duplicates collapsed`,
  );
  assert.ok(stored < TOTAL, 'the broker went down mid-stream');
  assert.equal(done.distinct, TOTAL);
  assert.equal(done.final, TOTAL);
  assert.equal((await ingest.get('/health/live')).status, 200, 'the same ingest process is still running');
});
