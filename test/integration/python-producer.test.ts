import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { topicNames } from '@driftwatch/contracts';
import { pythonWithKafka } from '../support/foreign-producers';
import { repoRoot } from '../support/paths';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

// The README's Python producer (examples/python/produce.py, confluent-kafka with zstd) against the
// real ingest service: what it documents as the wire contract is what ingest stores.
let box: Sandbox;
let ingest: IngestProcess;

before(async () => {
  box = await sandbox('python', 2);
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
});

after(async () => {
  await ingest?.stop();
  await box?.cleanup();
});

test('examples/python/produce.py with zstd: every prediction, its features and its label are stored', async () => {
  const COUNT = 150;
  const run = spawnSync(
    pythonWithKafka(),
    [
      join(repoRoot(), 'examples/python/produce.py'),
      '--brokers',
      box.env.KAFKA_BROKERS!,
      '--topic-prefix',
      box.name,
      '--model',
      'py-fraud',
      '--count',
      String(COUNT),
      '--compression',
      'zstd',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const produced = JSON.parse(run.stdout) as {
    model: string;
    topics: Record<string, string>;
    compression: string;
    event_ids: string[];
  };
  assert.equal(produced.compression, 'zstd');
  const { prediction, features, label } = topicNames(box.name);
  assert.deepEqual(
    produced.topics,
    { prediction, features, label },
    'the example writes to the topics libs/contracts defines',
  );
  assert.equal(new Set(produced.event_ids).size, COUNT);

  const counts = await waitFor(
    `${COUNT} predictions, features and labels stored\n${ingest.output.slice(-2000)}`,
    async () => {
      const [row] = await box.ch.query<{ p: string; f: string; l: string }>(
        `SELECT (SELECT uniqExact(event_id) FROM predictions WHERE model = 'py-fraud') AS p,
                (SELECT uniqExact(event_id) FROM features WHERE model = 'py-fraud') AS f,
                (SELECT uniqExact(event_id) FROM labels WHERE model = 'py-fraud') AS l`,
      );
      const got = [Number(row?.p), Number(row?.f), Number(row?.l)];
      return got.every((n) => n === COUNT) ? got : undefined;
    },
    60_000,
  );
  assert.deepEqual(counts, [COUNT, COUNT, COUNT]);
  const ids = await box.ch.query<{ event_id: string }>(
    `SELECT event_id FROM predictions FINAL WHERE model = 'py-fraud' ORDER BY timestamp_ms`,
  );
  assert.deepEqual(
    ids.map((r) => r.event_id),
    produced.event_ids,
    'the event_ids the script logged, in its order',
  );
  // features and labels join their prediction by event_id, with values and ISO timestamps intact
  // (ClickHouse 18.16 takes one JOIN per SELECT: features and labels are joined first)
  const [joined] = await box.ch.query<{ n: string; countries: string[]; late_ms: string }>(
    `SELECT count() AS n, groupUniqArray(country) AS countries, toString(min(l_ms - p_ms)) AS late_ms
     FROM (SELECT event_id, timestamp_ms AS p_ms FROM predictions FINAL WHERE model = 'py-fraud')
     ANY INNER JOIN (
       SELECT event_id, country, l_ms
       FROM (SELECT event_id, cat_values[1] AS country FROM features FINAL WHERE model = 'py-fraud')
       ANY INNER JOIN (SELECT event_id, timestamp_ms AS l_ms FROM labels FINAL WHERE model = 'py-fraud') USING event_id
     ) USING event_id`,
  );
  assert.equal(Number(joined!.n), COUNT);
  assert.deepEqual([...joined!.countries].sort(), ['DE', 'FR', 'US']);
  assert.equal(joined!.late_ms, '500');
  const [dead] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM dead_letters`);
  assert.equal(Number(dead!.n), 0);
  assert.equal(await ingest.metric('driftwatch_ingest_consumer_crashes_total'), 0);
});
