import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ConfigResourceTypes } from 'kafkajs';
import { DriftwatchClient, DriftwatchValidationError } from '@driftwatch/sdk';
import { sandbox, type Sandbox } from '../support/services';

// A cluster whose topics take smaller messages than our contract's 1 MiB (a managed Kafka with a
// tighter max.message.bytes): the SDK splits a batch the broker refuses as too large instead of
// retrying it for ever, and says so for a single event the broker will never take.
let box: Sandbox;
let sdk: DriftwatchClient;

before(async () => {
  box = await sandbox('sdkbatch', 1);
  const admin = box.kafka.admin();
  await admin.connect();
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: box.topics.prediction,
        configEntries: [{ name: 'max.message.bytes', value: '200000' }],
      },
    ],
  });
  await admin.disconnect();
  sdk = new DriftwatchClient({
    brokers: box.env.KAFKA_BROKERS!.split(','),
    topicPrefix: box.name,
    log: { log: () => undefined, warn: () => undefined, error: () => undefined },
  });
});

after(async () => {
  await sdk?.close().catch(() => undefined);
  await box?.cleanup();
});

const note = (bytes: number) => randomBytes(bytes).toString('base64').slice(0, bytes); // does not compress
/** Features of 4,000 random characters each (the contract allows 4,096 per string). */
function wide(count: number): Record<string, string> {
  const features: Record<string, string> = {};
  for (let i = 0; i < count; i++) features[`f${i}`] = note(4_000);
  return features;
}

test('a batch the broker refuses as too large is split until it fits; an event too large alone is dropped and counted', async () => {
  const ids = Array.from({ length: 40 }, (_, i) =>
    sdk.logPrediction({
      model: 'big-notes',
      modelVersion: 'v1',
      prediction: i,
      latencyMs: 1,
      features: { note: note(3_500), n: i },
    }),
  );
  // about 3.7 KB each: 40 of them make one ~150 KB request, under the 200 KB topic limit; the next
  // ones are wider: 90 KB each, so the 900 KB default batch (10 of them) is refused and split
  for (let i = 0; i < 10; i++)
    ids.push(
      sdk.logPrediction({ model: 'big-notes', modelVersion: 'v1', prediction: i, latencyMs: 1, features: wide(22) }),
    );
  assert.throws(
    () =>
      sdk.logPrediction({ model: 'big-notes', modelVersion: 'v1', prediction: 0, latencyMs: 1, features: wide(300) }),
    (err: unknown) => err instanceof DriftwatchValidationError && err.code === 'oversize',
    'an event over 1 MiB is refused in the caller',
  );
  // 320 KB (about 240 KB gzipped): valid for the contract, too large for this topic
  sdk.logPrediction({ model: 'big-notes', modelVersion: 'v1', prediction: 0, latencyMs: 1, features: wide(80) });
  await sdk.flush(60_000);
  assert.equal(sdk.pendingEvents, 0);
  assert.equal(sdk.droppedTooLarge, 1, 'the one event the topic can never take');
  const admin = box.kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(box.topics.prediction);
  await admin.disconnect();
  assert.equal(Number(offsets?.high), ids.length, 'every other event reached the topic');
});
