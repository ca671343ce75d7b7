import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Partitioners, type Producer } from 'kafkajs';
import { repoRoot } from '../support/paths';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

// After a fix (a producer's clock, a limit raised), dead letters go back to their topics with the
// documented command, and what is now valid is stored; what is still bad is refused again.
let box: Sandbox;
let ingest: IngestProcess;
let producer: Producer;

before(async () => {
  box = await sandbox('replay', 2);
  producer = box.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

after(async () => {
  await producer?.disconnect();
  await ingest?.stop();
  await box?.cleanup();
});

const event = (ageMs: number) => ({
  event_id: randomUUID(),
  model: 'replay-model',
  model_version: 'v1',
  timestamp: Date.now() - ageMs,
  latency_ms: 3,
  status: 'ok',
  prediction: 1,
  features: { x: 1 },
});

async function count(sql: string): Promise<number> {
  const [row] = await box.ch.query<{ n: string }>(sql);
  return Number(row?.n);
}

test('dead letters replayed after the fix are stored; the ones still bad are refused again', async () => {
  // an ingest service that accepts events up to one minute old
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200', INGEST_MAX_EVENT_AGE_MS: '60000' });
  await ingest.start();
  await ingest.waitReady();
  const late = [event(10 * 60_000), event(20 * 60_000), event(30 * 60_000)];
  await producer.send({
    topic: box.topics.prediction,
    messages: [...late, event(0)]
      .map((e) => ({ key: e.model, value: JSON.stringify(e), headers: { 'x-trace': 'abc' } }))
      .concat([{ key: 'replay-model', value: '{"broken', headers: { 'x-trace': 'def' } }]),
  });
  await waitFor(
    '4 dead letters and 1 event stored',
    async () =>
      (await count(`SELECT count() AS n FROM dead_letters FINAL`)) === 4 &&
      (await count(`SELECT uniqExact(event_id) AS n FROM predictions`)) === 1,
  );
  await ingest.stop();

  // the fix: accept events up to 30 days old again (the default), then replay what timed out
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  const cli = (...args: string[]) =>
    execFileSync(
      process.execPath,
      [join(repoRoot(), 'dist/apps/monitor/src/cli.js'), 'dead-letters', 'replay', ...args],
      { env: { ...process.env, ...box.env }, encoding: 'utf8' },
    );
  assert.match(
    cli('--dry-run', 'true'),
    /would replay 4 of 4 dead letters \((malformed_json 1, timestamp_skew 3|timestamp_skew 3, malformed_json 1)\)/,
  );
  assert.match(cli('--code', 'timestamp_skew'), /replayed 3 of 4 dead letters \(timestamp_skew 3\)/);
  const stored = await waitFor('the 3 late events stored', async () => {
    const rows = await box.ch.query<{ event_id: string }>(
      `SELECT DISTINCT event_id FROM predictions ORDER BY event_id`,
    );
    return rows.length === 4 ? rows.map((r) => r.event_id) : undefined;
  });
  for (const e of late) assert.ok(stored.includes(e.event_id), `late event ${e.event_id} stored after replay`);

  // replaying the broken one only dead-letters it again, with its reason and the replay's trace
  assert.match(cli('--code', 'malformed_json'), /replayed 1 of 4/);
  await waitFor(
    'the broken message refused again',
    async () => (await count(`SELECT count() AS n FROM dead_letters WHERE code = 'malformed_json'`)) === 2,
  );
  assert.equal((await ingest.get('/health/ready')).status, 200);
});
