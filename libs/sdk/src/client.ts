import { randomUUID } from 'node:crypto';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import {
  DEFAULT_SKEW,
  LIMITS,
  topicNames,
  validateEvent,
  type EventKind,
  type FeatureValues,
  type SkewLimits,
  type TopicNames,
} from '@driftwatch/contracts';
import {
  consoleLog,
  createKafka,
  kafkaSettingsFromEnv,
  refusedAsTooLarge,
  type KafkaSettings,
  type LogSink,
} from '@driftwatch/kafka';
import { DriftwatchBufferFullError, DriftwatchValidationError } from './errors';

type TimestampInput = Date | string | number;

export interface PredictionInput {
  model: string;
  modelVersion: string;
  prediction: number | string;
  latencyMs: number;
  status?: 'ok' | 'error';
  score?: number;
  probabilities?: Record<string, number>;
  features?: FeatureValues;
  eventId?: string;
  timestamp?: TimestampInput;
}

export interface FeaturesInput {
  model: string;
  modelVersion: string;
  features: FeatureValues;
  eventId?: string;
  timestamp?: TimestampInput;
}

export interface LabelInput {
  /** The event_id of the prediction this label belongs to. */
  eventId: string;
  model: string;
  modelVersion?: string;
  label: number | string;
  timestamp?: TimestampInput;
}

export interface DriftwatchClientOptions {
  /**
   * Kafka bootstrap servers. Omitted: KAFKA_BROKERS (default localhost:9092), and with it the
   * security variables KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_* that every driftwatch
   * Kafka client reads, checked here (README, "Connecting to your Kafka").
   */
  brokers?: string[];
  clientId?: string;
  /** TLS, as kafkajs takes it (node:tls options: `ca`, `cert`, `key`, `passphrase`, ...); overrides the environment's. */
  ssl?: KafkaSettings['ssl'];
  /** SASL, as kafkajs takes it, e.g. `{ mechanism: 'scram-sha-512', username, password }`; overrides the environment's. */
  sasl?: KafkaSettings['sasl'];
  topicPrefix?: string;
  /** An existing kafkajs instance instead of brokers/clientId. */
  kafka?: Kafka;
  /** Events per Kafka request and topic (default 1000). */
  batchSize?: number;
  /**
   * Bytes of event JSON per Kafka request and topic, before compression (default 900,000: under the
   * broker's default 1 MiB batch limit even when nothing compresses). A request the broker refuses
   * as too large is split and this limit halved for that topic.
   */
  maxBatchBytes?: number;
  /** How long an event may wait for its batch to fill (default 20 ms). */
  lingerMs?: number;
  /** Unsent events held at most; beyond it log calls throw DriftwatchBufferFullError (default 200,000). */
  maxBufferedEvents?: number;
  /** Send requests in flight at once (default 4). */
  maxInFlight?: number;
  skew?: SkewLimits;
  log?: LogSink;
}

interface Queued {
  key: string;
  value: string;
  bytes: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toTimestamp(ts: TimestampInput | undefined): string | number {
  if (ts === undefined) return new Date().toISOString();
  if (ts instanceof Date) return ts.toISOString();
  return ts;
}

/** Where and how to connect: the options, or, when they name no brokers, the environment every driftwatch client reads. */
function kafkaSettings(options: DriftwatchClientOptions): KafkaSettings {
  const fallbackClientId = 'driftwatch-sdk';
  const base: KafkaSettings = options.brokers
    ? { brokers: options.brokers, clientId: fallbackClientId, topicPrefix: 'driftwatch', topicPartitions: 1 }
    : kafkaSettingsFromEnv(process.env, fallbackClientId);
  return {
    ...base,
    clientId: options.clientId ?? base.clientId,
    topicPrefix: options.topicPrefix ?? 'driftwatch',
    topicPartitions: 1,
    ...(options.ssl !== undefined && { ssl: options.ssl }),
    ...(options.sasl !== undefined && { sasl: options.sasl }),
  };
}

/**
 * The producer SDK serving apps import. Each log call validates the event against the same
 * schemas and limits as the ingest service (a bad call throws here, in the caller), fills
 * event_id and timestamp, and queues it; batches are gzip-compressed and keyed by model so one
 * model's events stay in order within a partition. `flush()` resolves when everything logged so
 * far is acknowledged by Kafka (acks=all); failed sends are retried, never dropped silently.
 */
export class DriftwatchClient {
  readonly topics: TopicNames;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<void> | undefined;
  private readonly queues = new Map<string, Queued[]>();
  private buffered = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  private closed = false;
  private readonly idle: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly batchBytes = new Map<string, number>();
  private readonly maxBatchBytes: number;
  private droppedEvents = 0;
  private readonly lingerMs: number;
  private readonly maxBuffered: number;
  private readonly maxInFlight: number;
  private readonly skew: SkewLimits;
  private readonly log: LogSink;

  constructor(options: DriftwatchClientOptions = {}) {
    this.topics = topicNames(options.topicPrefix);
    this.kafka = options.kafka ?? createKafka(kafkaSettings(options), options.log);
    this.batchSize = options.batchSize ?? 1000;
    this.maxBatchBytes = options.maxBatchBytes ?? 900_000;
    this.lingerMs = options.lingerMs ?? 20;
    this.maxBuffered = options.maxBufferedEvents ?? 200_000;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.skew = options.skew ?? DEFAULT_SKEW;
    this.log = options.log ?? consoleLog;
  }

  /** Logs a prediction; returns its event_id (use it for logFeatures/logLabel of the same event). */
  logPrediction(input: PredictionInput): string {
    const event = {
      event_id: input.eventId ?? randomUUID(),
      model: input.model,
      model_version: input.modelVersion,
      timestamp: toTimestamp(input.timestamp),
      latency_ms: input.latencyMs,
      status: input.status ?? 'ok',
      prediction: input.prediction,
      ...(input.score !== undefined && { score: input.score }),
      ...(input.probabilities !== undefined && { probabilities: input.probabilities }),
      ...(input.features !== undefined && { features: input.features }),
    };
    return this.enqueue('prediction', event);
  }

  logFeatures(input: FeaturesInput): string {
    const event = {
      event_id: input.eventId ?? randomUUID(),
      model: input.model,
      model_version: input.modelVersion,
      timestamp: toTimestamp(input.timestamp),
      features: input.features,
    };
    return this.enqueue('features', event);
  }

  logLabel(input: LabelInput): string {
    const event = {
      event_id: input.eventId,
      model: input.model,
      ...(input.modelVersion !== undefined && { model_version: input.modelVersion }),
      timestamp: toTimestamp(input.timestamp),
      label: input.label,
    };
    return this.enqueue('label', event);
  }

  private enqueue(kind: EventKind, event: { event_id: string; model: string }): string {
    if (this.closed) throw new Error('driftwatch client is closed');
    const checked = validateEvent(kind, event, this.skew);
    if (!checked.ok) throw new DriftwatchValidationError(kind, checked.code, checked.reason);
    const { timestamp_ms: _resolved, ...wire } = checked.event; // validation annotates the event; the wire has no such field
    const value = JSON.stringify(wire);
    const bytes = Buffer.byteLength(value);
    if (bytes > LIMITS.maxMessageBytes) {
      throw new DriftwatchValidationError(
        kind,
        'oversize',
        `event is ${bytes} bytes, at most ${LIMITS.maxMessageBytes} allowed`,
      );
    }
    if (this.buffered >= this.maxBuffered) throw new DriftwatchBufferFullError(this.buffered);
    const topic = this.topics[kind];
    let queue = this.queues.get(topic);
    if (!queue) this.queues.set(topic, (queue = []));
    queue.push({ key: event.model, value, bytes });
    this.buffered++;
    if (queue.length >= this.batchSize) this.pump();
    else if (!this.timer) this.timer = setTimeout(() => this.pump(true), this.lingerMs);
    return event.event_id;
  }

  /** Sends full batches (or everything, when `all`), keeping at most maxInFlight requests open. */
  private pump(all = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const [topic, queue] of this.queues) {
      while (queue.length > 0 && (all || queue.length >= this.batchSize) && this.inFlight < this.maxInFlight) {
        void this.send(topic, queue.splice(0, this.batchLength(topic, queue)));
      }
    }
    if (this.buffered > 0 && !this.timer && this.inFlight < this.maxInFlight) {
      this.timer = setTimeout(() => this.pump(true), this.lingerMs);
    }
  }

  /** How many queued events make the next request: up to batchSize events and the topic's byte limit (at least one). */
  private batchLength(topic: string, queue: Queued[]): number {
    const limit = this.batchBytes.get(topic) ?? this.maxBatchBytes;
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < this.batchSize && (n === 0 || bytes + queue[n]!.bytes <= limit))
      bytes += queue[n++]!.bytes;
    return n;
  }

  private async send(topic: string, batch: Queued[]): Promise<void> {
    this.inFlight++;
    try {
      await this.connect();
      const messages: Message[] = batch.map((q) => ({ key: q.key, value: q.value }));
      await this.producer!.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP });
      this.buffered -= batch.length;
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err as Error;
      if (refusedAsTooLarge(err) && batch.length === 1) {
        // one event the broker will never take (its limit is below ours): say so, do not retry forever
        this.buffered--;
        this.droppedEvents++;
        this.log.error(
          `driftwatch: the broker refused one ${topic} event of ${batch[0]!.bytes} bytes as too large; dropped it: ${this.lastError.message}`,
        );
      } else {
        if (refusedAsTooLarge(err)) {
          const limit = this.batchBytes.get(topic) ?? this.maxBatchBytes;
          this.batchBytes.set(
            topic,
            Math.max(
              1,
              Math.min(
                limit,
                batch.reduce((sum, q) => sum + q.bytes, 0),
              ) >> 1,
            ),
          );
        } else {
          await sleep(500); // kafkajs already retried: the cluster is unreachable for now
        }
        // keep the events, in front to keep their order
        this.queues.get(topic)!.unshift(...batch);
      }
    } finally {
      this.inFlight--;
    }
    if (this.buffered === 0 && this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    else this.pump(this.idle.length > 0);
  }

  private connect(): Promise<void> {
    if (!this.connecting) {
      this.producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.connecting = this.producer.connect().catch((err: Error) => {
        this.connecting = undefined;
        throw err;
      });
    }
    return this.connecting;
  }

  /** Events the broker refused as too large even alone (its message size limit is below the 1 MiB of the contract). */
  get droppedTooLarge(): number {
    return this.droppedEvents;
  }

  /** Events logged but not yet acknowledged by Kafka. */
  get pendingEvents(): number {
    return this.buffered;
  }

  /**
   * Resolves when every event logged so far is acknowledged by Kafka. Rejects after `timeoutMs`
   * (default 60 s) with the last send error if Kafka does not take them; they stay queued.
   */
  async flush(timeoutMs = 60_000): Promise<void> {
    if (this.buffered === 0) return;
    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.pump(true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `flush timed out with ${this.buffered} unsent events${this.lastError ? `: ${this.lastError.message}` : ''}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Flushes, then disconnects. */
  async close(timeoutMs?: number): Promise<void> {
    try {
      await this.flush(timeoutMs);
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      await this.producer?.disconnect();
    }
  }
}
