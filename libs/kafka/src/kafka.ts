import { Kafka, logLevel, type ITopicConfig, type LogEntry } from 'kafkajs';
import { DEFAULT_TOPIC_PREFIX, TOPIC_PREFIX_CHARS, TOPIC_PREFIX_RE } from '@driftwatch/contracts';
import { EnvReader, type Env } from '@driftwatch/env';
import { registerCompressionCodecs } from './codecs';
import { describeSecurity, kafkaSecurityFromEnv, type KafkaSecurity } from './security';

/** Where and how to connect; `ssl` and `sasl` (from KafkaSecurity) absent: plaintext, as before. */
export interface KafkaSettings extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  topicPartitions: number;
}

export function kafkaSettingsFromEnv(env: Env = process.env, clientId = 'driftwatch'): KafkaSettings {
  const read = new EnvReader(env);
  return {
    brokers: read.hostPorts('KAFKA_BROKERS', 'localhost:9092'),
    clientId: read.string(
      'KAFKA_CLIENT_ID',
      clientId,
      /^[A-Za-z0-9_.-]{1,100}$/,
      'a client id matching [A-Za-z0-9_.-]{1,100}',
    ),
    topicPrefix: read.string(
      'TOPIC_PREFIX',
      DEFAULT_TOPIC_PREFIX,
      TOPIC_PREFIX_RE,
      `a topic prefix matching ${TOPIC_PREFIX_CHARS}`,
    ),
    topicPartitions: read.int('KAFKA_TOPIC_PARTITIONS', 6, { min: 1, max: 1000 }),
    ...kafkaSecurityFromEnv(env),
  };
}

/** E.g. `127.0.0.1:9093 over SASL_SSL, SCRAM-SHA-512 as user ingest`: for logs and errors, without secrets. */
export function describeKafka(settings: Pick<KafkaSettings, 'brokers' | 'ssl' | 'sasl'>): string {
  return `${settings.brokers.join(',')} over ${describeSecurity(settings)}`;
}

/** Where Kafka code logs; `fields` say what a line is about (topic, partition, offset, groupId, broker). */
export interface LogSink {
  log(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const withFields = (m: string, fields?: Record<string, unknown>) => (fields ? `${m} ${JSON.stringify(fields)}` : m);

export const consoleLog: LogSink = {
  log: (m, f) => console.log(withFields(m, f)),
  warn: (m, f) => console.warn(withFields(m, f)),
  error: (m, f) => console.error(withFields(m, f)),
};

/** kafkajs that reads every Kafka codec, with its log lines routed to ours (warnings and errors only; kafkajs is chatty). */
export function createKafka(settings: KafkaSettings, log: LogSink = consoleLog): Kafka {
  registerCompressionCodecs(); // producers in other languages use snappy, lz4 and zstd; kafkajs alone reads only gzip
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.ssl !== undefined && { ssl: settings.ssl }),
    ...(settings.sasl !== undefined && { sasl: settings.sasl }),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 12, maxRetryTime: 10_000 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry;
        const fields = { namespace, ...rest }; // topic, partition, groupId, broker, error, retryCount, ...
        if (level === logLevel.ERROR) log.error(`kafkajs: ${message}`, fields);
        else if (level === logLevel.WARN) log.warn(`kafkajs: ${message}`, fields);
      },
  });
}

/** Creates the topics that do not exist yet (idempotent; safe with several replicas starting); replication follows the broker default. */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions: number,
  configEntries: ITopicConfig['configEntries'] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1, configEntries })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** The broker refused a produce request as too large (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE), however kafkajs wrapped it. */
export function refusedAsTooLarge(err: unknown): boolean {
  for (
    let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
    e;
    e = (e.cause ?? e.originalError) as typeof e
  ) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}
