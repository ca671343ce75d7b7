import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { attemptWebhook, WebhookChannel } from '@driftwatch/alerting';
import { WebhookReceiver } from '../support/receivers';

/** A real HTTP receiver on loopback: answers with the scripted statuses, verifies every signature. */
const SECRET = 'whsec_ZHJpZnR3YXRjaC10ZXN0LXNlY3JldA==';
const receiver = new WebhookReceiver(SECRET);
const { script, received } = receiver;
let url = '';

before(async () => {
  await receiver.start();
  url = receiver.url('/hook');
});

after(() => receiver.stop());

test('signed deliveries: 5xx, 429 and timeouts are retryable, other 4xx are not, the id is the same on every attempt', async () => {
  script.push(500, 429, 'hang', 404, 200);
  const body = JSON.stringify({ model: 'fraud', state: 'firing' });
  const results = [];
  for (let i = 0; i < 5; i++)
    results.push(await attemptWebhook({ url, secret: SECRET, id: 'dlv_42', body, timeoutMs: 500 }));
  assert.deepEqual(
    results.map((r) => [r.ok, r.status, r.retryable]),
    [
      [false, 500, true],
      [false, 429, true],
      [false, undefined, true],
      [false, 404, false],
      [true, 200, false],
    ],
  );
  assert.match(results[2]!.error!, /timed out after 500 ms/);
  assert.equal(received.length, 5);
  assert.ok(
    received.every((r) => r.verified),
    'every attempt carries a valid signature',
  );
  assert.deepEqual([...new Set(received.map((r) => r.headers['webhook-id']))], ['dlv_42']);
  assert.equal(received[4]!.body, body);
});

test('a receiver that is down is a retryable network error', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const r = await attemptWebhook({
    url: `http://127.0.0.1:${port}/hook`,
    secret: SECRET,
    id: 'dlv_43',
    body: '{}',
    timeoutMs: 1000,
  });
  assert.equal(r.ok, false);
  assert.equal(r.retryable, true);
  assert.match(r.error!, /ECONNREFUSED|fetch failed/);
});

test('a Slack channel (no signing secret) posts Slack text with the id but no signature', async () => {
  const channel = new WebhookChannel({ name: 'slack', url, secret: '', format: 'slack', timeoutMs: 2000 });
  const before = received.length;
  const result = await channel.send({
    version: 'driftwatch.notification.v1',
    id: 'ntf_slack',
    kind: 'alert',
    monitor: 'm',
    model: 'fraud<&>',
    runId: 'r',
    windowStartMs: 0,
    windowEndMs: 3_600_000,
    baselineId: 'b',
    sql: '',
    createdAtMs: 0,
    alerts: [
      {
        noticeId: 'n',
        alertKey: 'k',
        rule: 'input-drift',
        monitor: 'm',
        model: 'fraud<&>',
        modelVersion: '*',
        state: 'firing',
        repeat: false,
        severity: 'warning',
        labels: {},
        condition: 'psi > 0.2',
        activeSinceMs: 0,
        evidence: [{ modelVersion: '*', feature: 'amount', metric: 'psi', value: 0.41, op: '>', threshold: 0.2 }],
      },
    ],
  });
  assert.deepEqual([result.ok, result.status], [true, 200]);
  const got = received[before]!;
  assert.equal(got.headers['webhook-id'], 'ntf_slack');
  assert.equal(got.headers['webhook-signature'], undefined);
  const text = (JSON.parse(got.body) as { text: string }).text;
  assert.match(
    text,
    /FIRING\* input-drift \(warning\) on model \*fraud&lt;&amp;&gt;\*: `psi &gt; 0.2`/,
    'Slack escapes & < > as entities and shows them as typed',
  );
  assert.match(text, /• psi 0\.41 &gt; 0\.2 \(amount\)/);
});
