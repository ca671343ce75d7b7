import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@driftwatch/contracts';
import { DriftwatchClient } from '@driftwatch/sdk';
import { repoRoot } from '../support/paths';
import { IngestProcess } from '../support/processes';
import { startSecureKafka, type Mode, type SecureKafka } from '../support/secure-kafka';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

// Every Kafka client we have, on a broker that only speaks SASL_SSL and mutual TLS: the ingest
// service and the SDK (each way of authenticating), the CLI, and the start-up refusals. One broker
// (test/support/secure-kafka.ts) serves the whole file.
let kafka: SecureKafka;
let box: Sandbox;
const running: IngestProcess[] = [];

before(async () => {
  kafka = await startSecureKafka();
  // the sandbox creates its topics over SASL_SSL with SCRAM-SHA-512
  box = await sandbox('kafkasec', 1, 30_000, kafka.connection('scram-sha-512'));
});

after(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await box?.cleanup().catch(() => undefined);
  await kafka?.stop();
});

/** The real ingest service connecting in `mode` (each with its own consumer group: no wait for a departed member). */
function ingestService(mode: Mode, extra: Record<string, string> = {}): IngestProcess {
  const ingest = new IngestProcess({
    ...box.env,
    ...kafka.env(mode),
    INGEST_FLUSH_MS: '200',
    INGEST_GROUP_ID: `${box.name}-${mode}`,
    ...extra,
  });
  running.push(ingest);
  return ingest;
}

/** An SDK client that, like a serving app, is given no brokers and reads the environment. */
function sdkFromEnvironment(vars: Record<string, string>): DriftwatchClient {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return new DriftwatchClient({ topicPrefix: box.name });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Logs `count` predictions of `model` with the SDK and waits until ClickHouse has all of them. */
async function roundTrip(sdk: DriftwatchClient, model: string, count = 25): Promise<void> {
  try {
    for (let i = 0; i < count; i++) sdk.logPrediction({ model, modelVersion: 'v1', prediction: i, latencyMs: 1 + i });
    await sdk.flush(30_000);
  } finally {
    await sdk.close(5_000).catch(() => undefined);
  }
  await waitFor(`${count} ${model} events in ClickHouse`, async () => {
    const [row] = await box.ch.query<{ n: string }>(
      `SELECT uniqExact(event_id) AS n FROM predictions WHERE model = '${model}'`,
    );
    return Number(row?.n) === count;
  });
}

/** How the service ended, failing after `ms`. */
async function exitWithin(ingest: IngestProcess, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the service still runs after ${ms} ms:\n${ingest.output}`)), ms);
  });
  try {
    return (await Promise.race([ingest.exited, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops a running ingest service the way an orchestrator does. */
async function stopGracefully(ingest: IngestProcess): Promise<void> {
  ingest.kill('SIGTERM');
  assert.equal(await exitWithin(ingest, 30_000), 0, ingest.output);
}

const secrets = () => [...Object.values(kafka.users).map((u) => u.password)];

function assertNoSecret(output: string, ...more: string[]): void {
  for (const secret of [...secrets(), ...more])
    assert.ok(!output.includes(secret), `a password appears in the output:\n${output}`);
}

test('SASL_SSL with SCRAM-SHA-512 (password from a file): the ingest service and an SDK configured from the environment', async () => {
  const ingest = ingestService('scram-sha-512');
  await ingest.start();
  await ingest.waitReady();
  await roundTrip(sdkFromEnvironment(kafka.env('scram-sha-512')), 'scram512-model');
  assert.match(ingest.output, new RegExp(`Kafka: ${kafka.saslSsl} over SASL_SSL, SCRAM-SHA-512 as user dw-scram512`));
  await stopGracefully(ingest);
  assertNoSecret(ingest.output);
});

test('SASL_SSL with PLAIN: the ingest service and an SDK given kafkajs ssl and sasl options', async () => {
  const ingest = ingestService('plain');
  await ingest.start();
  await ingest.waitReady();
  const { brokers, security } = kafka.connection('plain');
  await roundTrip(
    new DriftwatchClient({ brokers, topicPrefix: box.name, ssl: security.ssl, sasl: security.sasl }),
    'plain-model',
  );
  assert.match(ingest.output, new RegExp(`Kafka: ${kafka.saslSsl} over SASL_SSL, PLAIN as user dw-plain`));
  await stopGracefully(ingest);
  assertNoSecret(ingest.output);
});

test('mutual TLS (SSL, client certificate with an encrypted key): the ingest service and an SDK configured from the environment', async () => {
  const ingest = ingestService('mutual-tls');
  await ingest.start();
  await ingest.waitReady();
  await roundTrip(sdkFromEnvironment(kafka.env('mutual-tls')), 'mtls-model');
  assert.match(ingest.output, new RegExp(`Kafka: ${kafka.mutualTls} over SSL with a client certificate`));
  await stopGracefully(ingest);
});

test("the CLI's dead-letters replay reads the dead-letter topic over SASL_SSL with SCRAM-SHA-256", async () => {
  const producer = box.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const h = DEAD_LETTER_HEADERS;
    const headers = {
      [h.code]: 'malformed_json',
      [h.reason]: 'not JSON',
      [h.sourceTopic]: box.topics.prediction,
      [h.failedAt]: new Date().toISOString(),
    };
    await producer.send({ topic: box.topics.deadLetter, messages: [{ key: 'm', value: '{"broken', headers }] });
  } finally {
    await producer.disconnect();
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(repoRoot(), 'dist/apps/monitor/src/cli.js'), 'dead-letters', 'replay', '--dry-run', 'true'],
    {
      env: { ...process.env, ...box.env, ...kafka.env('scram-sha-256') },
    },
  );
  assert.match(stdout, /would replay 1 of 1 dead letters \(malformed_json 1\)/);
});

test('a wrong password stops the ingest service at start, saying where and as whom, without the password', async () => {
  for (const mode of ['scram-sha-512', 'plain'] as const) {
    const wrong = `wrong-${kafka.users[mode].password.slice(0, 6)}-${Date.now()}`;
    const ingest = ingestService(mode, { KAFKA_SASL_PASSWORD: wrong, KAFKA_SASL_PASSWORD_FILE: '' });
    await ingest.start();
    assert.equal(await exitWithin(ingest, 60_000), 1, ingest.output);
    const user = kafka.users[mode].username;
    const mechanism = mode === 'plain' ? 'PLAIN' : 'SCRAM-SHA-512';
    assert.match(
      ingest.output,
      new RegExp(
        `driftwatch ingest failed to start: Kafka ${kafka.saslSsl} over SASL_SSL, ${mechanism} as user ${user}: SASL \\S+( \\S+)? authentication failed`,
      ),
    );
    assertNoSecret(ingest.output, wrong);
  }
});

test('a CA file that does not exist is refused at start-up, naming the variable, by the ingest service and the SDK', async () => {
  const missing = join(tmpdir(), box.name, 'no-such-ca.pem');
  const ingest = ingestService('scram-sha-512', { KAFKA_SSL_CA_FILE: missing });
  await ingest.start();
  assert.equal(await exitWithin(ingest, 30_000), 1, ingest.output);
  assert.match(
    ingest.output,
    new RegExp(
      `driftwatch ingest failed to start: config KAFKA_SSL_CA_FILE="${missing}" is invalid: expected a readable file \\(no such file\\)`,
    ),
  );
  assert.doesNotMatch(ingest.output, /Kafka: /, 'refused before connecting to anything');
  assert.throws(() => sdkFromEnvironment({ ...kafka.env('mutual-tls'), KAFKA_SSL_CA_FILE: missing }), {
    name: 'ConfigError',
    message: `config KAFKA_SSL_CA_FILE="${missing}" is invalid: expected a readable file (no such file)`,
  });
});
