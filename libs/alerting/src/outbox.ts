import { retryDelayMs, type AttemptResult } from './delivery';
import type { Channel, Notification } from './notification';

export type DeliveryStatus = 'queued' | 'retrying' | 'sent' | 'failed';

/** One row of the delivery history (alert_deliveries). */
export interface DeliveryRecord {
  deliveryId: string;
  channel: string;
  channelKind: 'email' | 'webhook';
  kind: 'alert' | 'retraining';
  monitor: string;
  model: string;
  runId: string;
  noticeIds: string[];
  status: DeliveryStatus;
  attempt: number;
  nextAttemptMs: number;
  httpStatus: number;
  error: string;
  runEndedMs: number;
  attemptedMs: number;
  /** The notification as JSON: on the queued row only. */
  payload: string;
}

/** Where the outbox keeps its history: ClickHouse in the app (store.ts), memory in unit tests. */
export interface OutboxStore {
  appendDeliveries(records: readonly DeliveryRecord[]): Promise<void>;
  /** Deliveries whose latest row is queued or retrying, with their payload. */
  unfinishedDeliveries(): Promise<DeliveryRecord[]>;
  /** `channel \n noticeId` of every notice ever queued: nothing is queued twice for one channel. */
  queuedNotices(): Promise<Set<string>>;
}

export interface OutboxOptions {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now?: () => number;
  random?: () => number;
  /** Called after every attempt, with whether the delivery is finished (sent or failed). */
  onAttempt?: (record: DeliveryRecord, result: AttemptResult) => void;
  onError?: (message: string) => void;
}

export interface QueuedNotification {
  channel: string;
  notification: Notification;
  /** The notices it carries (alert notices, or the retraining trigger). */
  noticeIds: string[];
  runEndedMs: number;
}

/** A delivery not finished yet: its latest record, its notification, and the timer of its next attempt. */
interface ScheduledDelivery {
  record: DeliveryRecord;
  notification: Notification;
  timer?: NodeJS.Timeout;
}

const noticeKey = (channel: string, noticeId: string) => `${channel}\n${noticeId}`;

/**
 * The delivery outbox: a notification is recorded (queued) before its first attempt, every
 * attempt's result is recorded after it, failures are retried with exponential backoff (x4 per
 * attempt, equal jitter: retryDelayMs) up to maxAttempts, then marked failed. A restart resumes what was queued or retrying.
 * At-least-once: an attempt whose result could not be recorded is made again, with the same id
 * (webhook-id, Message-ID), so receivers can drop the repeat.
 */
export class Outbox {
  private readonly pending = new Map<string, ScheduledDelivery>();
  private readonly inFlight = new Set<Promise<void>>();
  private known = new Set<string>();
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly channels: ReadonlyMap<string, Channel>,
    private readonly options: OutboxOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the history and resumes unfinished deliveries. */
  async start(): Promise<void> {
    this.known = await this.store.queuedNotices();
    for (const record of await this.store.unfinishedDeliveries()) {
      let notification: Notification;
      try {
        notification = JSON.parse(record.payload) as Notification;
      } catch {
        this.options.onError?.(`delivery ${record.deliveryId}: stored payload is not JSON; marking it failed`);
        await this.finish(
          { ...record, status: 'failed', error: 'stored payload is not JSON' },
          { ok: false, retryable: false },
        );
        continue;
      }
      this.schedule({ record, notification }, Math.max(0, record.nextAttemptMs - this.now()));
    }
  }

  /** Whether this notice was ever queued for this channel. */
  wasQueued(channel: string, noticeId: string): boolean {
    return this.known.has(noticeKey(channel, noticeId));
  }

  /** Records the notifications as queued (throws if that fails: nothing is sent unrecorded), then attempts each at once. */
  async enqueue(items: readonly QueuedNotification[]): Promise<void> {
    const fresh = items.filter((i) => !this.pending.has(i.notification.id));
    if (fresh.length === 0) return;
    const records = fresh.map(({ channel, notification, noticeIds, runEndedMs }): DeliveryRecord => {
      const target = this.channels.get(channel);
      return {
        deliveryId: notification.id,
        channel,
        channelKind: target?.kind ?? 'webhook',
        kind: notification.kind,
        monitor: notification.monitor,
        model: notification.model,
        runId: notification.runId,
        noticeIds,
        status: 'queued',
        attempt: 0,
        nextAttemptMs: this.now(),
        httpStatus: 0,
        error: '',
        runEndedMs,
        attemptedMs: 0,
        payload: JSON.stringify(notification),
      };
    });
    await this.store.appendDeliveries(records);
    records.forEach((record, i) => {
      for (const id of record.noticeIds) this.known.add(noticeKey(record.channel, id));
      this.schedule({ record: { ...record, payload: '' }, notification: fresh[i]!.notification }, 0);
    });
  }

  /** Deliveries not finished yet (queued or waiting for a retry). */
  get backlog(): number {
    return this.pending.size;
  }

  /** Stops retry timers and waits for attempts in flight; unfinished deliveries resume at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when nothing is in flight or due (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(p: ScheduledDelivery, delayMs: number): void {
    if (this.stopped) return;
    this.pending.set(p.record.deliveryId, p);
    const run = () => {
      const attempt = this.attempt(p).finally(() => this.inFlight.delete(attempt));
      this.inFlight.add(attempt);
    };
    if (delayMs <= 0) run();
    else p.timer = setTimeout(run, delayMs);
  }

  private async attempt(p: ScheduledDelivery): Promise<void> {
    const channel = this.channels.get(p.record.channel);
    const attempt = p.record.attempt + 1;
    const attemptedMs = this.now();
    const result: AttemptResult = channel
      ? await channel.send(p.notification)
      : { ok: false, retryable: false, error: `channel ${p.record.channel} is no longer in the config` };
    const base = {
      ...p.record,
      attempt,
      attemptedMs,
      httpStatus: result.status ?? 0,
      error: result.error ?? '',
      payload: '',
    };
    if (result.ok) return this.finish({ ...base, status: 'sent', nextAttemptMs: 0 }, result);
    if (!result.retryable || attempt >= this.options.maxAttempts) {
      const why = result.retryable
        ? `gave up after ${attempt} attempts: ${base.error}`
        : `not retryable: ${base.error}`;
      return this.finish({ ...base, status: 'failed', nextAttemptMs: 0, error: why }, result);
    }
    const delay = retryDelayMs(attempt, this.options.retryBaseMs, this.options.retryMaxMs, this.options.random);
    const record: DeliveryRecord = { ...base, status: 'retrying', nextAttemptMs: this.now() + delay };
    await this.record(record);
    this.options.onAttempt?.(record, result);
    this.schedule({ record, notification: p.notification }, delay);
  }

  private async finish(record: DeliveryRecord, result: AttemptResult): Promise<void> {
    this.pending.delete(record.deliveryId);
    await this.record(record);
    this.options.onAttempt?.(record, result);
  }

  private async record(record: DeliveryRecord): Promise<void> {
    await this.store.appendDeliveries([record]).catch((err: Error) => {
      this.options.onError?.(
        `delivery ${record.deliveryId} (${record.channel}): attempt ${record.attempt} ${record.status}, but recording it failed: ${err.message}`,
      );
    });
  }
}
