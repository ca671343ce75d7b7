import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { produceStream, storedCounts } from '../support/stream';
import { waitFor } from '../support/wait';

const TOTAL = 200_000;
let box: Sandbox;
let ingest: IngestProcess;
let sdk: DriftwatchClient;

before(async () => {
  box = await sandbox('crash');
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
});

after(async () => {
  await sdk?.close().catch(() => undefined);
  await ingest?.stop();
  await box?.cleanup();
});

test('kill -9 of the ingest service in the middle of a 200k-event stream loses nothing', async (t) => {
  ingest = new IngestProcess(box.env);
  await ingest.start();
  await ingest.waitReady();
  const producing = produceStream(sdk, TOTAL, 5_000, 100);

  // kill it while the stream is flowing: some rows stored, most not yet
  const before = await waitFor(
    'some rows stored',
    async () => {
      const c = await storedCounts(box.ch);
      return c.rows >= 20_000 ? c : undefined;
    },
    120_000,
    50,
  );
  ingest.kill('SIGKILL');
  const exit = await ingest.exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(before.distinct < TOTAL, `killed mid-stream (${before.distinct} of ${TOTAL} stored)`);

  await producing;
  const restartedAt = Date.now();
  ingest = new IngestProcess(box.env);
  await ingest.start();
  await ingest.waitReady();
  const after = await waitFor(
    'every event stored after the restart',
    async () => {
      const c = await storedCounts(box.ch);
      return c.distinct >= TOTAL ? c : undefined;
    },
    240_000,
    500,
  );
  t.diagnostic(
    `killed with ${before.distinct} events stored; after restart all ${after.distinct} stored in ${Date.now() - restartedAt} ms, ${after.rows - TOTAL} redelivered duplicates collapsed`,
  );
  assert.equal(after.distinct, TOTAL, 'every produced event_id is present');
  assert.equal(after.minSeq, 0);
  assert.equal(after.maxSeq, TOTAL - 1);
  assert.equal(after.final, TOTAL, 'dedup-safe count (FINAL) equals what was produced');
  assert.ok(after.rows >= TOTAL);
});
