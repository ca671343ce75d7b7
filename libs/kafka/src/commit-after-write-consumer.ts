import { Partitioners, type Consumer, type EachBatchPayload, type IHeaders, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { consoleLog, type LogSink } from './kafka';

/** What a decoder makes of one message: a value to store, or a refusal with its reason. */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

export interface RejectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  code: string;
  reason: string;
  failedAtMs: number;
}

/** Where decoded values go. `store` resolves only when everything it was given is durable. */
export interface Sink<T> {
  store(accepted: T[], rejected: RejectedMessage[]): Promise<void>;
}

/** Hooks for metrics; every one is optional. */
export interface ConsumerObserver {
  consumed?(topic: string, count: number): void;
  deadLettered?(topic: string, code: string): void;
  stored?(accepted: number, rejected: number, seconds: number): void;
  storeFailed?(error: Error, attempt: number): void;
  lag?(topic: string, partition: number, lag: number): void;
  buffered?(count: number): void;
}

export interface DeadLetterHeaders {
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition: string;
  sourceOffset: string;
  failedAt: string;
}

export interface CommitAfterWriteOptions<T> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  deadLetterHeaders: DeadLetterHeaders;
  decode(topic: string, message: KafkaMessage): DecodeResult<T>;
  sink: Sink<T>;
  /** Flush when this many messages are buffered; fetching pauses at `pauseFactor` times this many (default 3). */
  maxBufferedMessages: number;
  pauseFactor?: number;
  /** How long a fetch may wait for data on the broker (default 100 ms): also the delay before a resume takes effect. */
  maxWaitTimeInMs?: number;
  /** Flush when the oldest buffered message is this old. */
  maxBufferAgeMs: number;
  /** Backoff between failed stores: doubles from initial to max. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How long `stop()` keeps trying to store what is buffered before giving up (it is redelivered then). */
  shutdownTimeoutMs?: number;
  maxBytesPerFetch?: number;
  observer?: ConsumerObserver;
  log?: LogSink;
}

interface Pending<T> {
  accepted: T[];
  rejected: RejectedMessage[];
  /** next offset to commit per "topic\0partition" */
  offsets: Map<string, string>;
  count: number;
  since: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function emptyPending<T>(): Pending<T> {
  return { accepted: [], rejected: [], offsets: new Map(), count: 0, since: 0 };
}

/**
 * A kafkajs consumer-group loop that commits an offset only after everything up to it is stored.
 *
 * Messages are decoded as they arrive; good values and refusals are buffered together with the
 * offsets they came from. A flush (on size or age) sends refusals to the dead-letter topic, hands
 * everything to the sink, and only when both succeeded commits the offsets. A failing sink is
 * retried with backoff while fetching is paused; nothing is dropped. A crash before a commit means
 * redelivery, which the sink must tolerate (ClickHouse tables collapse duplicates by event id).
 */
export class CommitAfterWriteConsumer<T> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private pending: Pending<T> = emptyPending<T>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private stopping = false;
  private inFlightBatches = 0;
  private storeHealthy = true;
  private joined = false;
  private lastError: string | undefined;
  private uncommitted = new Map<string, string>();
  private readonly log: LogSink;
  private readonly pauseAt: number;

  constructor(private readonly options: CommitAfterWriteOptions<T>) {
    this.log = options.log ?? consoleLog;
    this.pauseAt = options.maxBufferedMessages * (options.pauseFactor ?? 3);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // compressed bytes: a gzip batch inflates 5-10x in memory, so keep fetches modest
      maxBytes: this.options.maxBytesPerFetch ?? 4 * 1024 * 1024,
      maxBytesPerPartition: Math.min(this.options.maxBytesPerFetch ?? 4 * 1024 * 1024, 2 * 1024 * 1024),
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.lastError = `consumer crashed: ${payload.error.message}${payload.restart ? ' (restarting)' : ''}`;
      this.log.error(this.lastError);
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.timer = setInterval(() => this.maybeFlushOnAge(), Math.max(20, Math.min(200, this.options.maxBufferAgeMs / 4)));
  }

  /** Liveness: the loop is running. Readiness: joined the group and the sink accepts writes. */
  health(): { live: boolean; ready: boolean; reason?: string } {
    const live = this.consumer !== undefined && !this.stopping;
    const ready = live && this.joined && this.storeHealthy;
    const reason = ready ? undefined : (this.lastError ?? (this.joined ? 'stopping' : 'not yet joined to the consumer group'));
    return { live, ready, reason };
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.inFlightBatches++;
    try {
      const { topic, partition } = batch;
      const key = `${topic}\0${partition}`;
      const { decode, observer } = this.options;
      let count = 0;
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const result = decode(topic, message);
        if (result.ok) {
          this.pending.accepted.push(result.value);
        } else {
          this.pending.rejected.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
            code: result.code,
            reason: result.reason,
            failedAtMs: Date.now(),
          });
          observer?.deadLettered?.(topic, result.code);
        }
        if (this.pending.count === 0) this.pending.since = Date.now();
        this.pending.count++;
        this.pending.offsets.set(key, (BigInt(message.offset) + 1n).toString());
        resolveOffset(message.offset);
        count++;
      }
      observer?.consumed?.(topic, count);
      observer?.lag?.(topic, partition, Number(batch.offsetLag()));
      observer?.buffered?.(this.pending.count);
      // flush in the background while fetching goes on; pause only when stores fall behind
      if (this.pending.count >= this.options.maxBufferedMessages) void this.kick();
      if (this.pending.count >= this.pauseAt) this.pause();
      await heartbeat().catch(() => undefined); // a rebalance in progress: the next batch will tell
    } finally {
      this.inFlightBatches--;
    }
  }

  private maybeFlushOnAge(): void {
    if (this.flushing || this.pending.count === 0) return;
    if (Date.now() - this.pending.since >= this.options.maxBufferAgeMs) void this.kick();
  }

  /** Starts storing what is buffered, unless a flush is already running (one at a time). */
  private kick(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.count === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = emptyPending<T>();
    this.flushing = this.storeAndCommit(batch, deadline).finally(() => {
      this.flushing = undefined;
      this.options.observer?.buffered?.(this.pending.count);
      if (this.stopping) return;
      if (this.paused && this.storeHealthy && this.pending.count < this.pauseAt) this.resume();
      if (this.pending.count >= this.options.maxBufferedMessages) void this.kick();
    });
    return this.flushing;
  }

  /** Stores and commits everything buffered so far. */
  async flush(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    while (this.flushing || this.pending.count > 0) await this.kick(deadline);
  }

  private async storeAndCommit(batch: Pending<T>, deadline: number): Promise<void> {
    const { retryInitialMs = 200, retryMaxMs = 10_000, observer } = this.options;
    let attempt = 0;
    let delay = retryInitialMs;
    for (;;) {
      const started = process.hrtime.bigint();
      try {
        if (batch.rejected.length > 0) await this.sendToDeadLetter(batch.rejected);
        await this.options.sink.store(batch.accepted, batch.rejected);
        observer?.stored?.(batch.accepted.length, batch.rejected.length, Number(process.hrtime.bigint() - started) / 1e9);
        break;
      } catch (err) {
        attempt++;
        this.storeHealthy = false;
        this.lastError = (err as Error).message;
        observer?.storeFailed?.(err as Error, attempt);
        this.log.warn(`store of ${batch.count} messages failed (attempt ${attempt}), retrying in ${delay} ms: ${this.lastError}`);
        this.pause();
        if (Date.now() + delay > deadline) {
          throw new Error(`gave up storing ${batch.count} messages before shutdown; they were not committed and will be redelivered`);
        }
        await sleep(delay);
        delay = Math.min(retryMaxMs, delay * 2);
      }
    }
    if (!this.storeHealthy) {
      this.storeHealthy = true;
      this.lastError = undefined;
      this.log.log(`store recovered after ${attempt} failed attempts`);
    }
    for (const [key, offset] of batch.offsets) this.uncommitted.set(key, offset);
    await this.commit();
  }

  /**
   * Commits every stored offset not yet committed. A failed commit (broker restart, rebalance) is
   * kept and retried with the next flush; the worst case is redelivery of stored messages.
   */
  private async commit(): Promise<void> {
    if (!this.consumer || this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted].map(([key, offset]) => {
      const [topic, partition] = key.split('\0') as [string, string];
      return { topic, partition: Number(partition), offset };
    });
    try {
      await this.consumer.commitOffsets(offsets);
      for (const o of offsets) {
        const key = `${o.topic}\0${o.partition}`;
        if (this.uncommitted.get(key) === o.offset) this.uncommitted.delete(key);
      }
    } catch (err) {
      this.log.warn(`offset commit failed, will retry with the next flush: ${(err as Error).message}`);
    }
  }

  private async sendToDeadLetter(rejected: RejectedMessage[]): Promise<void> {
    const h = this.options.deadLetterHeaders;
    await this.producer!.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: rejected.map((r) => ({
        key: r.key,
        value: r.value,
        headers: {
          ...r.headers,
          [h.reason]: r.reason,
          [h.code]: r.code,
          [h.sourceTopic]: r.topic,
          [h.sourcePartition]: String(r.partition),
          [h.sourceOffset]: r.offset,
          [h.failedAt]: new Date(r.failedAtMs).toISOString(),
        },
      })),
    });
  }

  private pause(): void {
    if (this.paused || !this.consumer) return;
    this.paused = true;
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  private resume(): void {
    if (!this.paused || !this.consumer) return;
    this.paused = false;
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  /** Ordered shutdown: stop fetching, let the current batch finish, flush, commit, disconnect. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.pause();
    const { shutdownTimeoutMs = 30_000 } = this.options;
    const deadline = Date.now() + shutdownTimeoutMs;
    while (this.inFlightBatches > 0 && Date.now() < deadline) await sleep(10);
    try {
      await this.flush(deadline);
      await this.commit();
    } catch (err) {
      this.log.error((err as Error).message);
    }
    await this.consumer?.disconnect().catch((err: Error) => this.log.warn(`consumer disconnect: ${err.message}`));
    await this.producer?.disconnect().catch((err: Error) => this.log.warn(`producer disconnect: ${err.message}`));
  }
}
