import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriftwatchClient, DriftwatchValidationError } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

let box: Sandbox;
let ingest: IngestProcess;
let sdk: DriftwatchClient;

before(async () => {
  box = await sandbox('roundtrip');
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  await ingest.waitReady();
  sdk = new DriftwatchClient({ brokers: box.env.KAFKA_BROKERS!.split(','), topicPrefix: box.name });
});

after(async () => {
  await sdk?.close().catch(() => undefined);
  await ingest?.stop();
  await box?.cleanup();
});

test('a prediction logged with the SDK is in ClickHouse with every field intact', async () => {
  const ts = new Date(Date.now() - 60_000);
  const id = sdk.logPrediction({
    model: 'fraud-detector',
    modelVersion: '2024.06.1',
    prediction: 0.873,
    latencyMs: 12.25,
    status: 'ok',
    score: 0.873,
    probabilities: { fraud: 0.873, legit: 0.127 },
    features: {
      amount: 129.99,
      country: 'FR',
      'card:type': 'visa',
      age_days: 0,
      merchant: null,
      'weird.name-1': -1e-7,
    },
    timestamp: ts,
  });
  const errId = sdk.logPrediction({
    model: 'fraud-detector',
    modelVersion: '2024.06.1',
    prediction: 'unknown',
    latencyMs: 250,
    status: 'error',
    timestamp: ts.getTime(),
  });
  await sdk.flush();
  const rows = await waitFor('both predictions stored', async () => {
    const r = await box.ch.query<Record<string, unknown>>(
      `SELECT * FROM predictions FINAL WHERE model = 'fraud-detector' ORDER BY latency_ms`,
    );
    return r.length === 2 ? r : undefined;
  });
  const [ok, err] = rows as [Record<string, unknown>, Record<string, unknown>];
  assert.equal(ok.event_id, id);
  assert.equal(ok.model_version, '2024.06.1');
  assert.equal(ok.ts, ts.toISOString().slice(0, 19).replace('T', ' '));
  assert.equal(Number(ok.timestamp_ms), ts.getTime());
  assert.equal(ok.latency_ms, 12.25);
  assert.equal(ok.status, 'ok');
  assert.equal(ok.prediction_num, 0.873);
  assert.equal(ok.prediction_str, null);
  assert.equal(ok.score, 0.873);
  assert.deepEqual(ok.proba_classes, ['fraud', 'legit']);
  assert.deepEqual(ok.proba_values, [0.873, 0.127]);
  assert.deepEqual(ok.num_names, ['amount', 'age_days', 'weird.name-1']);
  assert.deepEqual(ok.num_values, [129.99, 0, -1e-7]);
  assert.deepEqual(ok.cat_names, ['country', 'card:type']);
  assert.deepEqual(ok.cat_values, ['FR', 'visa']);
  assert.deepEqual(ok.null_names, ['merchant']);
  assert.equal(err.event_id, errId);
  assert.equal(err.status, 'error');
  assert.equal(err.prediction_num, null);
  assert.equal(err.prediction_str, 'unknown');
  assert.equal(err.score, null);
  assert.deepEqual(err.num_names, []);
});

test('features and a late label are stored against the prediction event_id', async () => {
  const id = sdk.logPrediction({ model: 'churn', modelVersion: 'v3', prediction: 'stay', latencyMs: 3 });
  assert.throws(
    () => sdk.logFeatures({ eventId: id, model: 'churn', modelVersion: 'v3', features: { 'discount%': null } }),
    (err: Error) =>
      err instanceof DriftwatchValidationError && err.code === 'bad_name' && /discount%/.test(err.message),
  );
  sdk.logFeatures({
    eventId: id,
    model: 'churn',
    modelVersion: 'v3',
    features: { tenure_months: 27, plan: 'pro', discount: null },
  });
  // labels arrive late; an ISO timestamp with an offset is kept to the millisecond
  const labelAt = new Date(Date.now() - 2 * 86_400_000);
  const labelIso = `${labelAt.toISOString().slice(0, 19)}.123+01:00`;
  sdk.logLabel({ eventId: id, model: 'churn', modelVersion: 'v3', label: 'churned', timestamp: labelIso });
  await sdk.flush();
  const joined = await waitFor('features and label joined to the prediction', async () => {
    const r = await box.ch.query<{ plan: string; tenure: number; nulls: string[]; label: string; label_ms: string }>(
      `SELECT cat_values[indexOf(cat_names, 'plan')] AS plan, num_values[indexOf(num_names, 'tenure_months')] AS tenure, f.null_names AS nulls, label_str AS label, toString(l.timestamp_ms) AS label_ms
       FROM (SELECT * FROM features FINAL WHERE event_id = '${id}') AS f
       ANY INNER JOIN (SELECT event_id, label_str, timestamp_ms FROM labels FINAL WHERE event_id = '${id}') AS l USING event_id`,
    );
    return r[0];
  });
  assert.equal(joined.plan, 'pro');
  assert.equal(joined.tenure, 27);
  assert.deepEqual(joined.nulls, ['discount']);
  assert.equal(joined.label, 'churned');
  assert.equal(joined.label_ms, String(Date.parse(labelIso)));
});
