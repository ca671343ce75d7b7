/**
 * The outbox on the real ClickHouse store: a delivery queued while its receiver is down survives
 * a restart of the process and reaches the receiver when it comes back, with the same webhook-id
 * and body; the history shows every attempt.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ClickHouseAlertStore, Outbox, WebhookChannel, type Channel, type Notification } from '@driftwatch/alerting';
import { TABLES } from '@driftwatch/clickhouse';
import { WebhookReceiver } from '../support/receivers';
import { freePort, sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

const SECRET = 'whsec_ZHJpZnR3YXRjaC1vdXRib3gtdGVzdA==';
let box: Sandbox;
const receiver = new WebhookReceiver(SECRET);

before(async () => {
  box = await sandbox('outbox', 1);
  receiver.port = await freePort(); // down for now
});

after(async () => {
  await receiver.stop();
  await box?.cleanup();
});

function outbox(attempts: string[]): Outbox {
  const channels = new Map<string, Channel>([
    [
      'hook',
      new WebhookChannel({
        name: 'hook',
        url: receiver.url('/hook'),
        secret: SECRET,
        format: 'standard',
        timeoutMs: 2000,
      }),
    ],
  ]);
  return new Outbox(new ClickHouseAlertStore(box.ch), channels, {
    maxAttempts: 8,
    retryBaseMs: 200,
    retryMaxMs: 400,
    onAttempt: (record) => attempts.push(`${record.attempt}:${record.status}`),
  });
}

const notification: Notification = {
  version: 'driftwatch.notification.v1',
  id: 'ntf_outbox_restart',
  kind: 'alert',
  monitor: 'm',
  model: 'fraud',
  runId: 'run-1',
  windowStartMs: 0,
  windowEndMs: 3_600_000,
  baselineId: 'b@1',
  alerts: [],
  sql: 'SELECT 1',
  createdAtMs: 1,
};

test('a delivery queued while the receiver is down survives a restart and arrives once the receiver is back', async () => {
  const firstAttempts: string[] = [];
  const first = outbox(firstAttempts);
  await first.start();
  await first.enqueue([{ channel: 'hook', notification, noticeIds: ['notice-1'], runEndedMs: Date.now() }]);
  await waitFor('two failed attempts', () => firstAttempts.length >= 2, 10_000);
  await first.stop(); // the process goes away with the delivery still retrying
  assert.ok(
    firstAttempts.every((a) => a.endsWith(':retrying')),
    firstAttempts.join(),
  );

  await receiver.start(receiver.port);
  const secondAttempts: string[] = [];
  const second = outbox(secondAttempts);
  await second.start();
  assert.equal(second.wasQueued('hook', 'notice-1'), true, 'the restarted outbox knows the notice was queued');
  await waitFor('the delivery after the restart', () => receiver.delivered().length === 1, 10_000);
  await second.idle();
  await second.stop();

  const [got] = receiver.delivered();
  assert.equal(got!.headers['webhook-id'], 'ntf_outbox_restart');
  assert.equal(got!.verified, true);
  assert.deepEqual(JSON.parse(got!.body), notification, 'the body stored at enqueue is the body sent');
  assert.deepEqual(
    secondAttempts,
    [`${firstAttempts.length + 1}:sent`],
    'the attempt count carries on across the restart',
  );
  const history = await box.ch.query<{ status: string; attempt: number }>(
    `SELECT status, attempt FROM ${TABLES.alertDeliveries} WHERE delivery_id = 'ntf_outbox_restart' ORDER BY seq`,
  );
  assert.deepEqual(
    history.map((h) => `${h.attempt}:${h.status}`),
    ['0:queued', ...firstAttempts, `${firstAttempts.length + 1}:sent`],
  );

  const third = outbox([]);
  await third.start();
  assert.equal(third.backlog, 0, 'nothing left to send after a restart');
  await third.stop();
});
