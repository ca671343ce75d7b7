import {
  CompressionTypes,
  Partitioners,
  type Consumer,
  type ConsumerConfig,
  type EachBatchPayload,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { consoleLog, refusedAsTooLarge, type LogSink } from './kafka';

/** What a decoder makes of one message: a value to store, or a refusal with its reason. */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

/** Where a message came from, and its bytes as they arrived. */
export interface SourceMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface RejectedMessage extends SourceMessage {
  code: string;
  reason: string;
  failedAtMs: number;
}

/** A value the sink could not store because of its content (not an outage): its index in `accepted`, and why. */
export interface StoreRefusal {
  index: number;
  reason: string;
}

/** Where decoded values go. `store` resolves only when everything it was given is durable or refused. */
export interface Sink<T> {
  /**
   * Stores the accepted values and records the rejected messages. Rejects on an outage (the whole
   * call is retried); returns the accepted values refused for their content, which are then
   * dead-lettered with the sink's reason and given back to `store` as rejected messages.
   */
  store(accepted: T[], rejected: RejectedMessage[]): Promise<StoreRefusal[] | void>;
}

/** Hooks for metrics; every one is optional. */
export interface ConsumerObserver {
  consumed?(topic: string, count: number): void;
  deadLettered?(topic: string, code: string): void;
  deadLetterProduceFailed?(messages: number): void;
  stored?(accepted: number, rejected: number, seconds: number): void;
  storeFailed?(error: Error, attempt: number): void;
  lag?(topic: string, partition: number, lag: number): void;
  buffered?(count: number, bytes: number): void;
  crashed?(restarting: boolean): void;
  restarted?(): void;
}

export interface DeadLetterHeaders {
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition: string;
  sourceOffset: string;
  failedAt: string;
}

/** The part of kafkajs this class uses: a unit test gives it a fake, everything else the real client. */
export type KafkaClient = Pick<Kafka, 'consumer' | 'producer'>;

export interface CommitAfterWriteOptions<T> {
  kafka: KafkaClient;
  groupId: string;
  topics: string[];
  deadLetterTopic: string;
  deadLetterHeaders: DeadLetterHeaders;
  decode(topic: string, message: KafkaMessage): DecodeResult<T>;
  sink: Sink<T>;
  /** Flush when this many messages are buffered; fetching pauses at `pauseFactor` times this many (default 3). */
  maxBufferedMessages: number;
  /** Flush when the buffered message values reach this many bytes; fetching pauses at `pauseFactor` times it (default 32 MiB). */
  maxBufferedBytes?: number;
  pauseFactor?: number;
  /** How long a fetch may wait for data on the broker (default 100 ms): also the delay before a resume takes effect. */
  maxWaitTimeInMs?: number;
  /** Flush when the oldest buffered message is this old. */
  maxBufferAgeMs: number;
  /** Backoff between failed stores: doubles from initial to max. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How long `stop()` may take in all; what is not stored by then is not committed and is redelivered. */
  shutdownTimeoutMs?: number;
  maxBytesPerFetch?: number;
  /** A consumer kafkajs gave up on is restarted after 1 s, doubling up to this (default 60 s). */
  restartMaxMs?: number;
  /** Liveness fails when the consumer has been down this long, or one batch has been in the decoder this long (default 120 s). */
  stuckAfterMs?: number;
  /** Dead-letter produce requests carry at most this many bytes of message values (default 512 KiB, under the broker's 1 MiB). */
  deadLetterChunkBytes?: number;
  observer?: ConsumerObserver;
  log?: LogSink;
}

/** Consumed messages not yet stored, with the offsets they came from. */
interface Batch<T> {
  accepted: T[];
  /** the source of each accepted value (same index), kept to dead-letter a value the store refuses */
  sources: SourceMessage[];
  rejected: RejectedMessage[];
  /** the rejected messages are on the dead-letter topic (or recorded in the sink only, when that failed) */
  deadLettered: boolean;
  /** next offset to commit per "topic\0partition" */
  offsets: Map<string, string>;
  count: number;
  bytes: number;
  since: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `work` settles or at `deadline`, whichever comes first (the work goes on unobserved). */
async function until(work: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function emptyBatch<T>(): Batch<T> {
  return {
    accepted: [],
    sources: [],
    rejected: [],
    deadLettered: false,
    offsets: new Map(),
    count: 0,
    bytes: 0,
    since: 0,
  };
}

const partitionKey = (topic: string, partition: number) => `${topic}\0${partition}`;

const DEAD_LETTER_ATTEMPTS = 3;

/**
 * A kafkajs consumer-group loop that commits an offset only after everything up to it is stored.
 *
 * Messages are decoded as they arrive (a decoder that throws makes a dead letter, never a stop);
 * good values and refusals are buffered together with the offsets they came from. A flush (on
 * count, bytes or age) sends refusals to the dead-letter topic once, hands everything to the sink,
 * dead-letters what the sink refuses for its content, and only then commits the offsets. A sink
 * that fails (an outage) is retried with backoff while fetching is paused; nothing is dropped. A
 * crash before a commit means redelivery, which the sink must tolerate (ClickHouse tables collapse
 * duplicates by event id). Offsets of partitions this consumer no longer owns after a rebalance
 * are not committed by it (their new owner reads them again). A consumer kafkajs gives up on is
 * restarted with backoff; liveness fails when it stays down or a batch never finishes decoding.
 */
export class CommitAfterWriteConsumer<T> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private pending: Batch<T> = emptyBatch<T>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private stopping = false;
  private stopDeadline = Number.POSITIVE_INFINITY;
  private inFlightBatches = 0;
  private decodingSince: number | undefined;
  private storeHealthy = true;
  private joined = false;
  private assigned: Set<string> | undefined;
  private downSince: number | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private lastError: string | undefined;
  private uncommitted = new Map<string, string>();
  private lastCommitFailureMs = 0;
  private committing: Promise<void> | undefined;
  private readonly log: LogSink;
  private readonly flushBytes: number;
  private readonly pauseAtMessages: number;
  private readonly pauseAtBytes: number;

  constructor(private readonly options: CommitAfterWriteOptions<T>) {
    this.log = options.log ?? consoleLog;
    const factor = options.pauseFactor ?? 3;
    this.flushBytes = options.maxBufferedBytes ?? 32 * 1024 * 1024;
    this.pauseAtMessages = options.maxBufferedMessages * factor;
    this.pauseAtBytes = this.flushBytes * factor;
  }

  async start(): Promise<void> {
    this.producer = this.options.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    await this.runConsumer();
    this.timer = setInterval(
      () => this.maybeFlushOnAge(),
      Math.max(20, Math.min(200, this.options.maxBufferAgeMs / 4)),
    );
  }

  private consumerConfig(): ConsumerConfig {
    const maxBytes = this.options.maxBytesPerFetch ?? 4 * 1024 * 1024;
    return {
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // compressed bytes: a gzip batch inflates 5-10x in memory, so keep fetches modest
      maxBytes,
      maxBytesPerPartition: Math.min(maxBytes, 2 * 1024 * 1024),
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    };
  }

  private async runConsumer(): Promise<void> {
    const consumer = this.options.kafka.consumer(this.consumerConfig());
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (consumer !== this.consumer) return;
      this.joined = true;
      this.downSince = undefined;
      this.restarts = 0;
      this.assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((p) => partitionKey(topic, p)),
        ),
      );
      const owned = Object.entries(payload.memberAssignment).map(
        ([topic, partitions]) => `${topic} [${partitions.join(',')}]`,
      );
      this.log.log(`joined group ${payload.groupId}: ${owned.join(', ') || 'no partitions'}`, {
        groupId: payload.groupId,
      });
      // kafkajs forgets a pause when the group is joined again: a full buffer must stay paused
      if (this.paused) consumer.pause(this.options.topics.map((topic) => ({ topic })));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== this.consumer) return;
      this.joined = false;
      this.downSince ??= Date.now();
      this.lastError = `consumer crashed: ${payload.error.message}${payload.restart ? ' (kafkajs restarts it)' : ' (restarting it)'}`;
      this.log.error(this.lastError, { groupId: this.options.groupId });
      this.options.observer?.crashed?.(payload.restart);
      if (!payload.restart) this.scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    if (this.stopping) {
      // stop() came while this (replacement) consumer was connecting: it must not fetch
      await consumer.disconnect().catch(() => undefined);
      return;
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** A consumer kafkajs stopped for good (a non-retriable error) is replaced, with backoff; buffered rows and offsets carry over. */
  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    const delay = Math.min(this.options.restartMaxMs ?? 60_000, 1000 * 2 ** this.restarts);
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        this.log.warn(`restarting the consumer (attempt ${this.restarts})`);
        this.options.observer?.restarted?.();
        try {
          await this.runConsumer();
        } catch (err) {
          this.lastError = `consumer restart failed: ${(err as Error).message}`;
          this.log.error(this.lastError);
          this.scheduleRestart();
        }
      })();
    }, delay);
  }

  /**
   * Liveness: the consumer runs (or is down for less than `stuckAfterMs`, being restarted) and no
   * batch has been stuck in the decoder that long. Readiness: joined the group and the sink accepts writes.
   */
  health(): { live: boolean; ready: boolean; reason?: string } {
    const stuckAfter = this.options.stuckAfterMs ?? 120_000;
    const now = Date.now();
    let liveReason: string | undefined;
    if (this.consumer === undefined || this.stopping) liveReason = this.stopping ? 'stopping' : 'not started';
    else if (this.downSince !== undefined && now - this.downSince >= stuckAfter) {
      liveReason = `consumer down for ${Math.round((now - this.downSince) / 1000)} s: ${this.lastError ?? 'unknown error'}`;
    } else if (this.decodingSince !== undefined && now - this.decodingSince >= stuckAfter) {
      liveReason = `one batch has been decoding for ${Math.round((now - this.decodingSince) / 1000)} s`;
    }
    const live = liveReason === undefined;
    const ready = live && this.joined && this.storeHealthy;
    const reason =
      liveReason ??
      (ready ? undefined : (this.lastError ?? (this.joined ? 'stopping' : 'not yet joined to the consumer group')));
    return { live, ready, reason };
  }

  private decode(topic: string, message: KafkaMessage): DecodeResult<T> {
    try {
      return this.options.decode(topic, message);
    } catch (err) {
      return {
        ok: false,
        code: 'decode_error',
        reason: `the decoder failed: ${String((err as Error)?.message ?? err)}`,
      };
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.inFlightBatches++;
    this.decodingSince = Date.now();
    try {
      const { topic, partition } = batch;
      const key = partitionKey(topic, partition);
      const { observer } = this.options;
      const pending = this.pending;
      let count = 0;
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const result = this.decode(topic, message);
        const source: SourceMessage = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        };
        if (result.ok) {
          pending.accepted.push(result.value);
          pending.sources.push(source);
        } else {
          pending.rejected.push({ ...source, code: result.code, reason: result.reason, failedAtMs: Date.now() });
          observer?.deadLettered?.(topic, result.code);
        }
        if (pending.count === 0) pending.since = Date.now();
        pending.count++;
        pending.bytes += (message.value?.length ?? 0) + (message.key?.length ?? 0);
        pending.offsets.set(key, (BigInt(message.offset) + 1n).toString());
        resolveOffset(message.offset);
        count++;
      }
      observer?.consumed?.(topic, count);
      observer?.lag?.(topic, partition, Number(batch.offsetLag()));
      observer?.buffered?.(this.pending.count, this.pending.bytes);
      // flush in the background while fetching goes on; pause only when stores fall behind
      if (this.pending.count >= this.options.maxBufferedMessages || this.pending.bytes >= this.flushBytes)
        this.kickInBackground();
      if (this.overFull()) this.pause();
      await heartbeat().catch(() => undefined); // a rebalance in progress: the next batch will tell
    } finally {
      this.inFlightBatches--;
      this.decodingSince = undefined;
    }
  }

  private overFull(): boolean {
    return this.pending.count >= this.pauseAtMessages || this.pending.bytes >= this.pauseAtBytes;
  }

  private maybeFlushOnAge(): void {
    if (this.flushing) return;
    if (this.pending.count === 0) {
      // a commit that failed (a rebalance, a broker restart) is retried even when no more messages come
      if (this.uncommitted.size > 0 && Date.now() - this.lastCommitFailureMs >= 1000) void this.commit();
      return;
    }
    if (Date.now() - this.pending.since >= this.options.maxBufferAgeMs) this.kickInBackground();
  }

  /** A flush nobody awaits: its only failure (giving up at the shutdown deadline) is reported by `stop()`. */
  private kickInBackground(): void {
    this.kick().catch(() => undefined);
  }

  /** Starts storing what is buffered, unless a flush is already running (one at a time). */
  private kick(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.count === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = emptyBatch<T>();
    this.flushing = this.storeAndCommit(batch).finally(() => {
      this.flushing = undefined;
      this.options.observer?.buffered?.(this.pending.count, this.pending.bytes);
      if (this.stopping) return;
      if (this.paused && this.storeHealthy && !this.overFull()) this.resume();
      if (this.pending.count >= this.options.maxBufferedMessages || this.pending.bytes >= this.flushBytes)
        this.kickInBackground();
    });
    return this.flushing;
  }

  /** Stores and commits everything buffered so far. */
  async flush(): Promise<void> {
    while (this.flushing || this.pending.count > 0) await this.kick();
  }

  private async storeAndCommit(batch: Batch<T>): Promise<void> {
    const { retryInitialMs = 200, retryMaxMs = 10_000, observer } = this.options;
    let attempt = 0;
    let deadLetterAttempts = 0;
    let delay = retryInitialMs;
    for (;;) {
      const started = process.hrtime.bigint();
      try {
        if (!batch.deadLettered && batch.rejected.length > 0) {
          deadLetterAttempts++;
          await this.sendToDeadLetter(batch.rejected, deadLetterAttempts >= DEAD_LETTER_ATTEMPTS);
        }
        batch.deadLettered = true;
        const refusals = (await this.options.sink.store(batch.accepted, batch.rejected)) ?? [];
        observer?.stored?.(
          batch.accepted.length - refusals.length,
          batch.rejected.length,
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        if (refusals.length === 0) break;
        // the rest of the batch is stored: dead-letter the refused values, then record them
        const failedAtMs = Date.now();
        batch.rejected = refusals.flatMap(({ index, reason }) => {
          const source = batch.sources[index];
          if (source) return [{ ...source, code: 'store_refused', reason, failedAtMs }];
          this.log.error(
            `the store refused value ${index} of ${batch.sources.length}, which it was not given; ignored`,
          );
          return [];
        });
        batch.accepted = [];
        batch.sources = [];
        batch.deadLettered = false;
        deadLetterAttempts = 0;
        for (const r of batch.rejected) observer?.deadLettered?.(r.topic, r.code);
        this.log.warn(`${refusals.length} messages refused by the store for their content; dead-lettering them`);
        for (const r of batch.rejected.slice(0, 10)) {
          this.log.warn(`store refused a message: ${r.reason}`, {
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
          });
        }
      } catch (err) {
        attempt++;
        this.storeHealthy = false;
        this.lastError = (err as Error).message;
        observer?.storeFailed?.(err as Error, attempt);
        this.log.warn(
          `store of ${batch.count} messages failed (attempt ${attempt}), retrying in ${delay} ms: ${this.lastError}`,
        );
        this.pause();
        if (Date.now() + delay > this.stopDeadline) {
          throw new Error(
            `gave up storing ${batch.count} messages before shutdown; they were not committed and will be redelivered`,
          );
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
   * Commits every stored offset not yet committed, of the partitions this consumer owns. A failed
   * commit (broker restart, rebalance) is kept and retried with the next flush; the worst case is
   * redelivery of stored messages. Offsets of partitions lost in a rebalance are dropped: their
   * new owner starts from the last commit, so those messages are stored twice and collapse.
   */
  private commit(): Promise<void> {
    this.committing ??= this.commitNow().finally(() => (this.committing = undefined));
    return this.committing;
  }

  private async commitNow(): Promise<void> {
    if (!this.consumer || this.uncommitted.size === 0) return;
    for (const key of this.uncommitted.keys()) {
      if (this.assigned && !this.assigned.has(key)) this.uncommitted.delete(key);
    }
    const offsets = [...this.uncommitted].map(([key, offset]) => {
      const [topic, partition] = key.split('\0') as [string, string];
      return { topic, partition: Number(partition), offset };
    });
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(offsets);
      for (const o of offsets) {
        const key = partitionKey(o.topic, o.partition);
        if (this.uncommitted.get(key) === o.offset) this.uncommitted.delete(key);
      }
    } catch (err) {
      this.lastCommitFailureMs = Date.now();
      this.log.warn(`offset commit failed, will retry: ${(err as Error).message}`, {
        groupId: this.options.groupId,
        offsets,
      });
    }
  }

  /**
   * Sends refusals to the dead-letter topic in gzip requests of at most `deadLetterChunkBytes` of
   * values. A single message the broker still refuses as too large goes with its value cut to
   * the chunk size (the reason says so; the sink keeps the record). On the last allowed attempt a
   * failure is logged and counted, and the sink's record (the dead_letters table) stands alone.
   */
  private async sendToDeadLetter(rejected: RejectedMessage[], lastAttempt: boolean): Promise<void> {
    const chunkBytes = this.options.deadLetterChunkBytes ?? 512 * 1024;
    try {
      let chunk: RejectedMessage[] = [];
      let bytes = 0;
      for (const r of rejected) {
        const size = (r.value?.length ?? 0) + (r.key?.length ?? 0);
        if (chunk.length > 0 && bytes + size > chunkBytes) {
          await this.produceDeadLetters(chunk, chunkBytes);
          chunk = [];
          bytes = 0;
        }
        chunk.push(r);
        bytes += size;
      }
      if (chunk.length > 0) await this.produceDeadLetters(chunk, chunkBytes);
    } catch (err) {
      if (!lastAttempt) throw err;
      this.options.observer?.deadLetterProduceFailed?.(rejected.length);
      this.log.error(
        `could not write ${rejected.length} dead letters to ${this.options.deadLetterTopic} (${(err as Error).message}); they are recorded in the store only`,
      );
    }
  }

  private async produceDeadLetters(chunk: RejectedMessage[], chunkBytes: number): Promise<void> {
    const send = (messages: Message[]) =>
      this.producer!.send({
        topic: this.options.deadLetterTopic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages,
      });
    try {
      await send(chunk.map((r) => this.deadLetterMessage(r)));
    } catch (err) {
      if (!refusedAsTooLarge(err) || chunk.length !== 1) throw err;
      const r = chunk[0]!;
      const size = r.value?.length ?? 0;
      await send([
        this.deadLetterMessage({
          ...r,
          value: r.value?.subarray(0, chunkBytes) ?? null,
          reason: `${r.reason} [value cut from ${size} to ${chunkBytes} bytes for the dead-letter topic]`,
        }),
      ]);
    }
  }

  private deadLetterMessage(r: RejectedMessage): Message {
    const h = this.options.deadLetterHeaders;
    return {
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
    };
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

  /**
   * Ordered shutdown within `shutdownTimeoutMs`, whatever the store does: stop fetching, let the
   * current batch finish, flush, commit what was stored, disconnect. What is not stored by the
   * deadline is not committed (it is redelivered to the next consumer).
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.pause();
    const { shutdownTimeoutMs = 30_000 } = this.options;
    const end = Date.now() + shutdownTimeoutMs;
    // keep a share of the time for the commit and the disconnects
    this.stopDeadline = end - Math.min(5000, shutdownTimeoutMs / 4);
    while (this.inFlightBatches > 0 && Date.now() < this.stopDeadline) await sleep(10);
    const flushed = this.flush().then(
      () => this.commit(),
      (err: Error) => this.log.error(err.message),
    );
    await until(flushed, this.stopDeadline);
    if (this.flushing || this.pending.count > 0) {
      this.log.error(
        `shutdown deadline reached with ${this.pending.count} messages unstored; they were not committed and will be redelivered`,
      );
    }
    const disconnects = Promise.all([
      this.consumer?.disconnect().catch((err: Error) => this.log.warn(`consumer disconnect: ${err.message}`)),
      this.producer?.disconnect().catch((err: Error) => this.log.warn(`producer disconnect: ${err.message}`)),
    ]);
    await until(disconnects, end);
  }
}
