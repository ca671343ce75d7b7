import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  createClickHouse,
  ensureDatabase,
  migrate,
  type ClickHouse,
  type ClickHouseSettings,
} from '@driftwatch/clickhouse';
import { topicNames, type TopicNames } from '@driftwatch/contracts';
import { createKafka, ensureTopics, kafkaSecurityFromEnv, type KafkaSecurity } from '@driftwatch/kafka';
import type { Kafka } from 'kafkajs';
import { repoRoot } from './paths';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? 'localhost:9092';
export const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://localhost:8123';

/** A name no other test run uses: each test gets its own topics, consumer group and database. */
export function uniqueName(label: string): string {
  return `it_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** Starts or stops one local service through the project's own script (deploy/local/infra.sh). */
export function infra(command: 'start' | 'stop', service: 'kafka' | 'clickhouse'): void {
  execFileSync('bash', [join(repoRoot(), 'deploy/local/infra.sh'), command, service], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How tests, and the processes they start, reach a Kafka cluster. */
export interface KafkaConnection {
  brokers: string[];
  security: KafkaSecurity;
  /** The same, as the variables a driftwatch process reads. */
  env: Record<string, string>;
}

/**
 * The Kafka of deploy/local/infra.sh (or KAFKA_BROKERS), with the security variables of this
 * process, so that `KAFKA_SECURITY_PROTOCOL=... npm run bench:ingest` runs against a secured cluster
 * (started processes inherit them).
 */
export function localKafka(): KafkaConnection {
  return { brokers: KAFKA_BROKERS.split(','), security: kafkaSecurityFromEnv(process.env), env: { KAFKA_BROKERS } };
}

export interface Sandbox {
  name: string;
  topics: TopicNames;
  kafka: Kafka;
  connection: KafkaConnection;
  ch: ClickHouse;
  clickhouse: ClickHouseSettings;
  /** Environment for an ingest process bound to this sandbox. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Own topics, database (migrated) and consumer group for one test file. */
export async function sandbox(
  label: string,
  partitions = 3,
  requestTimeoutMs = 30_000,
  connection = localKafka(),
): Promise<Sandbox> {
  const name = uniqueName(label);
  const clickhouse: ClickHouseSettings = {
    url: CLICKHOUSE_URL,
    database: name,
    username: 'default',
    password: '',
    requestTimeoutMs,
  };
  await ensureDatabase(clickhouse);
  const ch = createClickHouse(clickhouse);
  await migrate(ch);
  const topics = topicNames(name);
  const kafka = createKafka({
    brokers: connection.brokers,
    ...connection.security,
    clientId: `test-${label}`,
    topicPrefix: name,
    topicPartitions: partitions,
  });
  await ensureTopics(kafka, [topics.prediction, topics.features, topics.label, topics.deadLetter], partitions);
  return {
    name,
    topics,
    kafka,
    connection,
    ch,
    clickhouse,
    env: {
      ...connection.env,
      CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: name,
      TOPIC_PREFIX: name,
      INGEST_GROUP_ID: `${name}-ingest`,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
    },
    async cleanup() {
      await ch.command(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
      await ch.close();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
