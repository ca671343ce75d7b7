import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Partitioners, type KafkaMessage, type Producer } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@driftwatch/contracts';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

let box: Sandbox;
let ingest: IngestProcess;
let producer: Producer;

before(async () => {
  box = await sandbox('dlq');
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  producer = box.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

after(async () => {
  await producer?.disconnect();
  await ingest?.stop();
  await box?.cleanup();
});

function prediction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    model: 'dlq-model',
    model_version: 'v1',
    timestamp: new Date().toISOString(),
    latency_ms: 5,
    status: 'ok',
    prediction: 1,
    features: { x: 1.5, colour: 'red' },
    ...overrides,
  };
}

interface Sent {
  name: string;
  topic: string;
  value: Buffer | null;
  code?: string;
  reason?: RegExp;
  partition?: number;
  offset?: string;
}

async function send(item: Sent): Promise<void> {
  const [meta] = await producer.send({
    topic: item.topic,
    acks: -1,
    messages: [{ key: 'dlq-model', value: item.value }],
  });
  item.partition = meta!.partition;
  item.offset = meta!.baseOffset!;
}

test('bad messages go to the dead-letter topic with their reason; the good ones around them are stored', async () => {
  const tooManyFeatures: Record<string, number> = {};
  for (let i = 0; i < 1001; i++) tooManyFeatures[`f${i}`] = i;
  const good = [prediction(), prediction(), prediction({ model: 'dlq-model-2' })];
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const items: Sent[] = [
    { name: 'good 1', topic: box.topics.prediction, value: json(good[0]) },
    {
      name: 'malformed JSON',
      topic: box.topics.prediction,
      value: Buffer.from('{"event_id": "abc", "model": '),
      code: 'malformed_json',
      reason: /not valid JSON/,
    },
    {
      name: 'wrong type',
      topic: box.topics.prediction,
      value: json(prediction({ latency_ms: 'fast' })),
      code: 'schema',
      reason: /latency_ms: has the wrong type, expected number \(got "fast"\)/,
    },
    {
      name: 'oversize',
      topic: box.topics.prediction,
      value: json(prediction({ features: { blob: 'x'.repeat(1_600_000) } })),
      code: 'oversize',
      reason: /at most 1048576/,
    },
    {
      name: 'too many features',
      topic: box.topics.features,
      value: json({
        ...prediction({ features: tooManyFeatures }),
        latency_ms: undefined,
        status: undefined,
        prediction: undefined,
      }),
      code: 'too_many_features',
      reason: /1001 entries, at most 1000/,
    },
    {
      name: 'bad model name',
      topic: box.topics.prediction,
      value: json(prediction({ model: 'model with spaces' })),
      code: 'bad_name',
      reason: /model: name "model with spaces" is not allowed/,
    },
    {
      name: 'SQL injection in model',
      topic: box.topics.prediction,
      value: json(prediction({ model: "x'); DROP TABLE predictions; --" })),
      code: 'bad_name',
      reason: /DROP TABLE predictions/,
    },
    {
      name: 'SQL injection in feature name',
      topic: box.topics.prediction,
      value: json(prediction({ features: { 'a`; DROP DATABASE default; --': 1 } })),
      code: 'bad_name',
      reason: /features: name/,
    },
    {
      name: 'unknown field',
      topic: box.topics.prediction,
      value: json(prediction({ extra: true })),
      code: 'schema',
      reason: /unknown field "extra"/,
    },
    { name: 'good 2', topic: box.topics.prediction, value: json(good[1]) },
    {
      name: 'binary garbage',
      topic: box.topics.prediction,
      value: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]),
      code: 'invalid_utf8',
      reason: /not valid UTF-8 \(first bad byte 0xff at offset 0\)/,
    },
    {
      name: 'empty value',
      topic: box.topics.prediction,
      value: null,
      code: 'malformed_json',
      reason: /empty message value/,
    },
    {
      name: 'JSON array',
      topic: box.topics.prediction,
      value: Buffer.from('[1,2]'),
      code: 'not_an_object',
      reason: /must be a JSON object/,
    },
    {
      name: 'timestamp too old',
      topic: box.topics.prediction,
      value: json(prediction({ timestamp: '2001-09-11T00:00:00Z' })),
      code: 'timestamp_skew',
      reason: /outside the accepted window/,
    },
    {
      name: 'bad label',
      topic: box.topics.label,
      value: json({ event_id: randomUUID(), model: 'dlq-model', timestamp: Date.now(), label: { nested: 1 } }),
      code: 'schema',
      reason: /label: has the wrong type, expected number or string/,
    },
    { name: 'good 3', topic: box.topics.prediction, value: json(good[2]) },
  ];
  for (const item of items) await send(item);
  const bad = items.filter((i) => i.code);

  const stored = await waitFor('the three good events in ClickHouse', async () => {
    const rows = await box.ch.query<{ event_id: string }>(`SELECT event_id FROM predictions FINAL ORDER BY event_id`);
    return rows.length >= 3 ? rows : undefined;
  });
  assert.deepEqual(
    stored.map((r) => r.event_id),
    good.map((g) => g.event_id as string).sort(),
  );

  // the dead-letter topic holds every bad message with its reason, source and original bytes
  const consumer = box.kafka.consumer({ groupId: `${box.name}-dlq-reader` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: box.topics.deadLetter, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await waitFor(`${bad.length} dead letters`, () => seen.length >= bad.length, 30_000);
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen.length, bad.length);
  const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
  for (const item of bad) {
    const m = seen.find(
      (s) =>
        header(s, DEAD_LETTER_HEADERS.sourceTopic) === item.topic &&
        header(s, DEAD_LETTER_HEADERS.sourceOffset) === item.offset &&
        header(s, DEAD_LETTER_HEADERS.sourcePartition) === String(item.partition),
    );
    assert.ok(m, `dead letter for '${item.name}'`);
    assert.equal(header(m, DEAD_LETTER_HEADERS.code), item.code, `code of '${item.name}'`);
    assert.match(header(m, DEAD_LETTER_HEADERS.reason) ?? '', item.reason!, `reason of '${item.name}'`);
    assert.ok((m.value ?? Buffer.alloc(0)).equals(item.value ?? Buffer.alloc(0)), `original bytes of '${item.name}'`);
  }

  // the same refusals are queryable with SQL, and the injection attempts changed nothing
  const dl = await box.ch.query<{ code: string; n: string }>(
    `SELECT code, count() AS n FROM dead_letters FINAL GROUP BY code ORDER BY code`,
  );
  const expected = new Map<string, number>();
  for (const b of bad) expected.set(b.code!, (expected.get(b.code!) ?? 0) + 1);
  assert.deepEqual(
    dl.map((r) => [r.code, Number(r.n)]),
    [...expected].sort(([a], [b]) => a.localeCompare(b)),
  );
  const tables = await box.ch.query<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = '${box.name}' ORDER BY name`,
  );
  for (const table of ['dead_letters', 'features', 'labels', 'predictions', 'schema_migrations']) {
    assert.ok(
      tables.some((t) => t.name === table),
      `table ${table} still exists`,
    );
  }

  // the service kept running and counted them
  assert.equal((await ingest.get('/health/ready')).status, 200);
  assert.equal(await ingest.metric('driftwatch_ingest_dead_lettered_total'), bad.length);
});
