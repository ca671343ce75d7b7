import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_HEADERS, decodeEvent, kindOfTopic, topicNames } from '@driftwatch/contracts';
import {
  RowWriter,
  TABLES,
  createClickHouse,
  deadLetterRow,
  dropExpiredPartitions,
  ensureDatabase,
  eventRow,
  migrate,
  type ClickHouse,
  type TableRow,
} from '@driftwatch/clickhouse';
import {
  CommitAfterWriteConsumer,
  createKafka,
  describeKafka,
  ensureTopics,
  type DecodeResult,
  type LogSink,
  type RejectedMessage,
  type StoreRefusal,
} from '@driftwatch/kafka';
import { IngestMetrics } from './metrics';
import { IngestSettings } from './settings.token';

/** Wires contracts (decode), ClickHouse (rows, writer) and Kafka (commit-after-write loop). */
@Injectable()
export class IngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private readonly ch: ClickHouse;
  private consumer: CommitAfterWriteConsumer<TableRow> | undefined;

  constructor(
    private readonly settings: IngestSettings,
    private readonly metrics: IngestMetrics,
  ) {
    this.ch = createClickHouse(settings.clickhouse);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { settings } = this;
    await ensureDatabase(settings.clickhouse);
    const report = await migrate(this.ch);
    if (report.applied.length) this.logger.log(`applied migrations: ${report.applied.join(', ')}`);
    // kafkajs and the consumer log through Nest's logger, with their fields (topic, partition, offset, groupId)
    const log: LogSink = {
      log: (m, fields) => this.logger.log(m, fields),
      warn: (m, fields) => this.logger.warn(m, fields),
      error: (m, fields) => this.logger.error(m, fields),
    };
    const kafka = createKafka(settings.kafka, log);
    const topics = topicNames(settings.kafka.topicPrefix);
    const where = describeKafka(settings.kafka);
    this.logger.log(`Kafka: ${where}`);
    // the first request to Kafka: refused credentials or certificates show up here, so say where and as whom
    await ensureTopics(
      kafka,
      [topics.prediction, topics.features, topics.label, topics.deadLetter],
      settings.kafka.topicPartitions,
    ).catch((err: Error) => {
      throw new Error(`Kafka ${where}: ${err.message}`, { cause: err });
    });
    const writer = new RowWriter(this.ch, this.metrics);
    this.consumer = new CommitAfterWriteConsumer<TableRow>({
      kafka,
      groupId: settings.groupId,
      topics: [topics.prediction, topics.features, topics.label],
      deadLetterTopic: topics.deadLetter,
      deadLetterHeaders: DEAD_LETTER_HEADERS,
      decode: (topic: string, message: KafkaMessage): DecodeResult<TableRow> => {
        const kind = kindOfTopic(topics, topic);
        if (!kind) return { ok: false, code: 'unknown_topic', reason: `topic ${topic} carries no driftwatch events` };
        const decoded = decodeEvent(kind, message.value, settings.skew);
        return decoded.ok ? { ok: true, value: eventRow(decoded) } : decoded;
      },
      sink: {
        store: async (accepted: TableRow[], rejected: RejectedMessage[]): Promise<StoreRefusal[]> => {
          const refused = await writer.write([
            ...accepted,
            ...rejected.map(
              (r): TableRow => ({
                table: TABLES.deadLetters,
                row: deadLetterRow({
                  sourceTopic: r.topic,
                  sourcePartition: r.partition,
                  sourceOffset: r.offset,
                  code: r.code,
                  reason: r.reason,
                  value: r.value,
                  failedAtMs: r.failedAtMs,
                }),
              }),
            ),
          ]);
          // dead-letter rows are made storable by deadLetterRow; should one be refused all the same, the dead-letter topic still has it
          for (const r of refused) {
            const source = r.index >= accepted.length ? rejected[r.index - accepted.length] : undefined;
            if (source)
              this.logger.error(`a dead_letters row was refused: ${r.reason}`, {
                topic: source.topic,
                partition: source.partition,
                offset: source.offset,
              });
          }
          return refused.filter((r) => r.index < accepted.length);
        },
      },
      maxBufferedMessages: settings.flushRows,
      maxBufferAgeMs: settings.flushMs,
      maxBufferedBytes: settings.flushBytes,
      shutdownTimeoutMs: settings.shutdownTimeoutMs,
      stuckAfterMs: settings.stuckAfterMs,
      observer: this.metrics,
      log,
    });
    await this.consumer.start();
    this.logger.log(
      `consuming ${topics.prediction}, ${topics.features}, ${topics.label} as group ${settings.groupId} into ${settings.clickhouse.database}`,
    );
  }

  health(): { live: boolean; ready: boolean; reason?: string } {
    return this.consumer?.health() ?? { live: true, ready: false, reason: 'starting' };
  }

  @Cron(CronExpression.EVERY_HOUR)
  async applyRetention(): Promise<void> {
    try {
      const dropped = await dropExpiredPartitions(this.ch, this.settings.retentionDays);
      if (dropped.length)
        this.logger.log(`retention (${this.settings.retentionDays} days) dropped ${dropped.join(', ')}`);
    } catch (err) {
      this.logger.error(`retention failed: ${(err as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.logger.log('stopping: pause fetching, flush, commit');
    await this.consumer?.stop();
    await this.ch.close();
    this.logger.log('stopped');
  }
}
