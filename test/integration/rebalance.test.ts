import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { produceStream, storedCounts } from '../support/stream';
import { waitFor } from '../support/wait';

// Scale-out is more replicas in one consumer group: partitions move between them while rows are
// buffered. Rows buffered for a partition a replica lost are stored by it but not committed (its
// new owner reads them again; duplicates collapse), so nothing is lost and nothing counted twice.
const TOTAL = 200_000;
let box: Sandbox;
let sdk: DriftwatchClient;
const replicas: IngestProcess[] = [];

before(async () => {
  box = await sandbox('rebalance', 6);
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
});

after(async () => {
  await sdk?.close().catch(() => undefined);
  for (const r of replicas) await r.stop();
  await box?.cleanup();
});

async function startReplica(): Promise<IngestProcess> {
  const replica = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '300' });
  replicas.push(replica);
  await replica.start();
  await replica.waitReady(90_000);
  return replica;
}

test('two ingest replicas in one group and a third joining mid-stream of 200,000 events: every event stored once, counted once', async (t) => {
  await Promise.all([startReplica(), startReplica()]);
  // 12 models: events are keyed by model, so several models spread over the partitions
  const producing = produceStream(sdk, TOTAL, 1_000, 100, (seq) => `rebalance-${seq % 12}`); // about 20 s of stream
  const atJoin = await waitFor(
    'a quarter of the stream stored',
    async () => {
      const c = await storedCounts(box.ch, null);
      return c.distinct >= TOTAL / 4 ? c : undefined;
    },
    180_000,
    100,
  );
  const third = await startReplica();
  const atReady = await storedCounts(box.ch, null);
  assert.ok(atReady.distinct < TOTAL, `the third replica joined mid-stream (${atReady.distinct} of ${TOTAL} stored)`);
  await producing;
  const done = await waitFor(
    'every event stored',
    async () => {
      const c = await storedCounts(box.ch, null);
      return c.distinct >= TOTAL ? c : undefined;
    },
    300_000,
    500,
  );
  t.diagnostic(
    `third replica started at ${atJoin.distinct} stored, consuming at ${atReady.distinct}; ${done.rows - TOTAL} redelivered copies collapsed`,
  );
  assert.equal(done.distinct, TOTAL, 'every produced event_id is present');
  assert.equal(done.minSeq, 0);
  assert.equal(done.maxSeq, TOTAL - 1);
  assert.equal(done.final, TOTAL, 'dedup-safe count (FINAL) equals what was produced');
  const consumedByThird = await third.metric('driftwatch_ingest_consumed_total');
  const metricsText = async () =>
    (await (await third.get('/metrics')).text())
      .split('\n')
      .filter((l) => l.startsWith('driftwatch_ingest_consumed'))
      .join('\n');
  assert.ok(
    consumedByThird > 0,
    `the third replica took partitions over:\n${await metricsText()}\n${replicas
      .map(
        (r, i) =>
          `--- replica ${i}\n${r.output
            .split('\n')
            .filter((l) => /joined group|kafkajs|warn|error/i.test(l))
            .join('\n')
            .slice(-2000)}`,
      )
      .join('\n')}`,
  );
  for (const [i, r] of replicas.entries()) {
    assert.equal((await r.get('/health/live')).status, 200, `replica ${i} live`);
    assert.equal(await r.metric('driftwatch_ingest_consumer_crashes_total'), 0, `replica ${i} never crashed`);
  }
  // the group's commits reach the end of every partition: no partition is left behind by the moves
  const admin = box.kafka.admin();
  await admin.connect();
  try {
    let state = '';
    await waitFor(
      'every partition committed to its end',
      async () => {
        const ends = await admin.fetchTopicOffsets(box.topics.prediction);
        const [committed] = await admin.fetchOffsets({
          groupId: box.env.INGEST_GROUP_ID!,
          topics: [box.topics.prediction],
        });
        state = ends
          .map(
            (e) =>
              `p${e.partition} ${committed?.partitions.find((p) => p.partition === e.partition)?.offset}/${e.high}`,
          )
          .join(', ');
        return ends.every(
          (e) => e.high === '0' || committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high,
        );
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}: committed/end ${state}\n${replicas.map((r, i) => `--- replica ${i}\n${r.output.slice(-1500)}`).join('\n')}`,
      );
    });
  } finally {
    await admin.disconnect();
  }
});
