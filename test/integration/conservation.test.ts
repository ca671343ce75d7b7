import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runPythonFixture } from '../support/foreign-producers';
import { IngestProcess } from '../support/processes';
import { KAFKA_BROKERS, sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

/**
 * The ingest guarantee, on the real services: every message that reaches our topics, from any
 * producer with any codec, is stored or dead-lettered with a reason, and the stream goes on.
 * A librdkafka producer (Python) sends 50,000 seeded messages, valid events interleaved with
 * hostile ones on 4 partitions and 5 codecs; then every acknowledged offset is accounted for.
 */
interface Produced {
  topic: string;
  partition: number;
  offset: number;
  class: string;
  codec: string;
  expect: 'stored' | 'dead';
  event_id?: string;
  code?: string | null;
}

const COUNT = 50_000;
let box: Sandbox;
let ingest: IngestProcess;

before(async () => {
  box = await sandbox('conserve', 4);
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '300' });
  await ingest.start();
  await ingest.waitReady();
});

after(async () => {
  await ingest?.stop();
  await box?.cleanup();
});

test('50,000 hostile and valid messages from a librdkafka producer: stored + dead-lettered = produced, by offset', async (t) => {
  const manifest = join(tmpdir(), `${box.name}.manifest.jsonl`);
  runPythonFixture('hostile_producer.py', [
    '--brokers',
    KAFKA_BROKERS,
    '--prefix',
    box.name,
    '--partitions',
    '4',
    '--count',
    String(COUNT),
    '--seed',
    '7',
    '--manifest',
    manifest,
  ]);
  const produced: Produced[] = readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Produced);
  assert.equal(produced.length, COUNT);
  const tableOf: Record<string, string> = {
    [box.topics.prediction]: 'predictions',
    [box.topics.features]: 'features',
    [box.topics.label]: 'labels',
  };
  const expectedDead = produced.filter((p) => p.expect === 'dead').length;
  const expectedIds = new Set(produced.filter((p) => p.expect === 'stored').map((p) => p.event_id!));

  const ids = new Set<string>();
  const deadByOffset = new Map<string, string>();
  await waitFor(
    `all ${COUNT} messages stored or dead-lettered\n${ingest.output.slice(-3000)}`,
    async () => {
      ids.clear();
      for (const table of ['predictions', 'features', 'labels']) {
        for (const r of await box.ch.query<{ event_id: string }>(`SELECT DISTINCT event_id FROM ${table}`))
          ids.add(r.event_id);
      }
      deadByOffset.clear();
      for (const r of await box.ch.query<{
        source_topic: string;
        source_partition: number;
        source_offset: string;
        code: string;
      }>(`SELECT source_topic, source_partition, source_offset, code FROM dead_letters FINAL`)) {
        deadByOffset.set(`${r.source_topic}/${r.source_partition}/${r.source_offset}`, r.code);
      }
      return ids.size >= expectedIds.size && deadByOffset.size >= expectedDead;
    },
    240_000,
    1000,
  );

  // every offset is accounted for, each the way it should be
  const wrong: string[] = [];
  let stored = 0;
  let dead = 0;
  for (const p of produced) {
    const where = `${p.topic}/${p.partition}/${p.offset}`;
    const code = deadByOffset.get(where);
    if (p.expect === 'stored') {
      if (ids.has(p.event_id!) && code === undefined) stored++;
      else
        wrong.push(
          `${where} ${p.class} (${p.codec}) should be stored in ${tableOf[p.topic]}, dead-letter code: ${code}`,
        );
    } else if (code !== undefined && (p.code == null || p.code === code)) {
      dead++;
    } else {
      wrong.push(
        `${where} ${p.class} (${p.codec}) should be dead-lettered as ${p.code ?? 'any code'}, got ${code ?? 'nothing'}`,
      );
    }
  }
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} messages not accounted for as expected`);
  assert.equal(stored + dead, COUNT);
  assert.equal(deadByOffset.size, expectedDead, 'no dead letter that was not produced as one');
  assert.equal(ids.size, expectedIds.size, 'no stored event that was not produced');
  t.diagnostic(
    `${stored} stored + ${dead} dead-lettered = ${COUNT} produced, over ${new Set(produced.map((p) => p.codec)).size} codecs`,
  );

  // the dead-letter topic holds the same messages
  const admin = box.kafka.admin();
  await admin.connect();
  try {
    const dlq = await admin.fetchTopicOffsets(box.topics.deadLetter);
    const dlqMessages = dlq.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    assert.ok(
      dlqMessages >= expectedDead,
      `dead-letter topic has ${dlqMessages} messages, expected at least ${expectedDead}`,
    );
    // no partition stalls: the group committed every partition to its end
    await waitFor('every partition committed to its end', async () => {
      for (const topic of [box.topics.prediction, box.topics.features, box.topics.label]) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: box.env.INGEST_GROUP_ID!, topics: [topic] });
        for (const end of ends) {
          const c = committed?.partitions.find((p) => p.partition === end.partition);
          if (Number(end.high) > 0 && c?.offset !== end.high) return false;
        }
      }
      return true;
    });
  } finally {
    await admin.disconnect();
  }

  // the service kept running: same process, live, ready, never restarted its consumer
  assert.equal(ingest.pid !== undefined && (await ingest.get('/health/live')).status, 200);
  assert.equal((await ingest.get('/health/ready')).status, 200);
  assert.equal(await ingest.metric('driftwatch_ingest_consumer_crashes_total'), 0);
  assert.equal(await ingest.metric('driftwatch_ingest_consumer_restarts_total'), 0);
});
