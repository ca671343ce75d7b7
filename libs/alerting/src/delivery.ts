import { webhookHeaders } from './signature';

export interface WebhookRequest {
  url: string;
  secret: string;
  /** the same id on every attempt of one logical delivery */
  id: string;
  body: string;
  timeoutMs?: number;
}

export interface AttemptResult {
  ok: boolean;
  /** HTTP status, or undefined for a network error or a timeout */
  status?: number;
  /** whether another attempt may succeed: 5xx, 429, network errors and timeouts; not other 4xx */
  retryable: boolean;
  error?: string;
}

/** Whether a failed attempt is worth retrying (Standard Webhooks senders retry 5xx and 429, not other 4xx). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** One signed POST, with a timeout. Never throws: the result says what happened. */
export async function attemptWebhook(req: WebhookRequest, nowMs = Date.now()): Promise<AttemptResult> {
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      // no secret (a Slack endpoint): no signature; the id still travels for deduplication
      headers: {
        'content-type': 'application/json',
        'user-agent': 'driftwatch',
        ...(req.secret ? webhookHeaders(req.secret, req.id, req.body, nowMs) : { 'webhook-id': req.id }),
      },
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reusable
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, retryable: false };
    return { ok: false, status: res.status, retryable: isRetryableStatus(res.status), error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason =
      e.name === 'TimeoutError'
        ? `timed out after ${req.timeoutMs ?? 10_000} ms`
        : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    return { ok: false, retryable: true, error: reason };
  }
}

/** Growth of the retry delay per attempt. */
export const RETRY_FACTOR = 4;

/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs` (x4 per attempt),
 * capped at `maxMs`, with "equal jitter": half the step fixed, half a uniform draw, so receivers
 * coming back are not hit by every sender at once and no retry comes early. Defaults (30 s base,
 * 12 h cap): steps of 30 s, 2 m, 8 m, 32 m, 2 h 8 m, 8 h 32 m, 12 h; the 8 attempts of a delivery
 * span 11.7 to 23.4 hours, about a day.
 */
export function retryDelayMs(
  attempt: number,
  baseMs = 30_000,
  maxMs = 12 * 3_600_000,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * RETRY_FACTOR ** Math.max(0, attempt - 1));
  return Math.floor(step / 2 + random() * (step / 2));
}
