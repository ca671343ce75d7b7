import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signWebhook, verifyWebhook, webhookHeaders } from './signature';
import { retryDelayMs, isRetryableStatus } from './delivery';

test('signatures match the Standard Webhooks example', () => {
  // the example of the Standard Webhooks specification
  const sig = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
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
  assert.equal(verifyWebhook('whsec_c2VjcmV0LWtleQ==', { ...headers, 'webhook-signature': `v1,bogus ${headers['webhook-signature']}` }, body, 300, now), true, 'one of several signatures may match');
});

test('retries: 5xx, 429 and network errors are retried, other 4xx are not; delays grow with full jitter', () => {
  assert.deepEqual([500, 502, 503, 429, 400, 401, 404, 410].map(isRetryableStatus), [true, true, true, true, false, false, false, false]);
  assert.deepEqual([1, 2, 3, 8, 20].map((a) => retryDelayMs(a, 30_000, 6 * 3_600_000, () => 0.999999)), [29_999, 59_999, 119_999, 3_839_996, 21_599_978]);
  assert.equal(retryDelayMs(5, 30_000, 6 * 3_600_000, () => 0), 0);
});
