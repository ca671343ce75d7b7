import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signWebhook, verifyWebhook, webhookHeaders } from './signature';
import { retryDelayMs, isRetryableStatus } from './delivery';

test('signatures match the Standard Webhooks example', () => {
  // the example of the Standard Webhooks specification
  const sig = signWebhook(
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'msg_p5jXN8AQM9LWM0D4loKWxJek',
    1614265330,
    '{"test": 2432232314}',
  );
  assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

test('a receiver accepts the signed body and refuses a changed body, a wrong secret or a stale timestamp', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const body = '{"model":"fraud","state":"firing"}';
  const headers = { ...webhookHeaders('whsec_c2VjcmV0LWtleQ==', 'dlv_1', body, now) };
  assert.equal(verifyWebhook('whsec_c2VjcmV0LWtleQ==', headers, body, 300, now), true);
  assert.equal(verifyWebhook('whsec_c2VjcmV0LWtleQ==', headers, body.replace('firing', 'resolved'), 300, now), false);
  assert.equal(verifyWebhook('whsec_b3RoZXI=', headers, body, 300, now), false);
  assert.equal(verifyWebhook('whsec_c2VjcmV0LWtleQ==', headers, body, 300, now + 301_000), false);
  assert.equal(
    verifyWebhook(
      'whsec_c2VjcmV0LWtleQ==',
      { ...headers, 'webhook-signature': `v1,bogus ${headers['webhook-signature']}` },
      body,
      300,
      now,
    ),
    true,
    'one of several signatures may match',
  );
});

test('retries: 5xx, 429 and network errors are retried, other 4xx are not; delays grow x4 with equal jitter; 8 attempts span about a day', () => {
  assert.deepEqual([500, 502, 503, 429, 400, 401, 404, 410].map(isRetryableStatus), [
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
  const HOUR = 3_600_000;
  const longest = [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(a, 30_000, 12 * HOUR, () => 1));
  const shortest = [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(a, 30_000, 12 * HOUR, () => 0));
  assert.deepEqual(longest, [30_000, 120_000, 480_000, 1_920_000, 7_680_000, 30_720_000, 43_200_000]);
  assert.deepEqual(
    shortest,
    longest.map((d) => d / 2),
    'never earlier than half the step',
  );
  const span = (delays: number[]) => delays.reduce((a, b) => a + b, 0) / HOUR;
  assert.ok(span(shortest) > 11 && span(longest) < 24, `${span(shortest)} .. ${span(longest)} h`);
});
