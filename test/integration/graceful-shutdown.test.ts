import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
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
  const consumed = await waitFor('messages consumed', async () => {
    const n = await ingest.metric('driftwatch_ingest_consumed_total');
    return n >= 5_000 ? n : undefined;
  }, 60_000, 100);
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
  const done = await waitFor('the rest stored', async () => {
    const c = await storedCounts(box.ch);
    return c.distinct >= TOTAL ? c : undefined;
  }, 120_000, 300);
  t.diagnostic(`${atStop.rows} events stored at SIGTERM; the restart consumed the remaining ${done.rows - atStop.rows}`);
  assert.equal(done.rows, TOTAL, 'offsets were committed at shutdown: no event was delivered twice');
});
