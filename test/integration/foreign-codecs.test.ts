import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { consoleProduce, type Codec } from '../support/foreign-producers';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

// Kafka's own console producer (the Java client) with each codec: kafkajs alone reads only gzip,
// and one lz4 batch used to crash the consumer for good while /health/live said 200.
let box: Sandbox;
let ingest: IngestProcess;

before(async () => {
  box = await sandbox('codecs', 2);
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
});

after(async () => {
  await ingest?.stop();
  await box?.cleanup();
});

const CODECS: Codec[] = ['gzip', 'snappy', 'lz4', 'zstd', 'none'];
const PER_CODEC = 300;

test('events from the Java console producer are stored whatever the codec (gzip, snappy, lz4, zstd, none)', async () => {
  for (const codec of CODECS) {
    const lines = Array.from({ length: PER_CODEC }, (_, i) =>
      JSON.stringify({
        event_id: randomUUID(),
        model: `codec-${codec}`,
        model_version: 'v1',
        timestamp: new Date().toISOString(),
        latency_ms: i % 50,
        status: 'ok',
        prediction: i % 2,
        features: { x: i / 7, city: i % 3 ? 'Zürich' : 'Kraków' },
      }),
    );
    lines.splice(PER_CODEC / 2, 0, '{"this line": "is not an event"');
    consoleProduce(box.topics.prediction, lines, codec);
  }
  const expected = CODECS.map((c) => [`codec-${c}`, PER_CODEC]);
  const counts = await waitFor(
    `${PER_CODEC} events of each codec stored\n${ingest.output.slice(-2000)}`,
    async () => {
      const rows = await box.ch.query<{ model: string; n: string }>(
        `SELECT model, uniqExact(event_id) AS n FROM predictions GROUP BY model ORDER BY model`,
      );
      const got = rows.map((r) => [r.model, Number(r.n)]);
      return got.length === CODECS.length && got.every(([, n]) => n === PER_CODEC) ? got : undefined;
    },
    90_000,
  );
  assert.deepEqual(counts, expected.sort());
  const stored = await box.ch.query<{ city: string }>(
    `SELECT DISTINCT cat_values[1] AS city FROM predictions ORDER BY city`,
  );
  assert.deepEqual(
    stored.map((r) => r.city),
    ['Kraków', 'Zürich'],
  );
  const dead = await waitFor('one dead letter per codec', async () => {
    const [row] = await box.ch.query<{ n: string }>(
      `SELECT count() AS n FROM dead_letters FINAL WHERE code = 'malformed_json'`,
    );
    return Number(row?.n) === CODECS.length ? Number(row?.n) : undefined;
  });
  assert.equal(dead, CODECS.length);
  assert.equal((await ingest.get('/health/live')).status, 200);
  assert.equal(await ingest.metric('driftwatch_ingest_consumer_crashes_total'), 0, ingest.output.slice(-2000));
});
