import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConsumerObserver } from '@driftwatch/kafka';
import type { InsertObserver } from '@driftwatch/clickhouse';

/** Prometheus metrics of the ingest service, fed by the consumer and writer hooks. */
export class IngestMetrics implements ConsumerObserver, InsertObserver {
  readonly registry = new Registry();
  private readonly consumedTotal = new Counter({
    name: 'driftwatch_ingest_consumed_total',
    help: 'Messages consumed from Kafka',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  private readonly deadLetteredTotal = new Counter({
    name: 'driftwatch_ingest_dead_lettered_total',
    help: 'Messages sent to the dead-letter topic',
    labelNames: ['topic', 'code'],
    registers: [this.registry],
  });
  private readonly insertedTotal = new Counter({
    name: 'driftwatch_ingest_inserted_rows_total',
    help: 'Rows inserted into ClickHouse',
    labelNames: ['table'],
    registers: [this.registry],
  });
  private readonly insertSeconds = new Histogram({
    name: 'driftwatch_ingest_insert_duration_seconds',
    help: 'Duration of one ClickHouse INSERT',
    labelNames: ['table'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly storeFailures = new Counter({
    name: 'driftwatch_ingest_store_failures_total',
    help: 'Failed attempts to store a batch (retried)',
    registers: [this.registry],
  });
  private readonly lagGauge = new Gauge({
    name: 'driftwatch_ingest_consumer_lag',
    help: 'Messages behind the high watermark, per partition',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  private readonly bufferedGauge = new Gauge({
    name: 'driftwatch_ingest_buffered_messages',
    help: 'Messages consumed and not yet stored',
    registers: [this.registry],
  });
  private readonly bufferedBytesGauge = new Gauge({
    name: 'driftwatch_ingest_buffered_bytes',
    help: 'Bytes of message values consumed and not yet stored',
    registers: [this.registry],
  });
  private readonly refusedTotal = new Counter({
    name: 'driftwatch_ingest_refused_rows_total',
    help: 'Rows ClickHouse refused for their content (dead-lettered as store_refused)',
    labelNames: ['table'],
    registers: [this.registry],
  });
  private readonly deadLetterFailures = new Counter({
    name: 'driftwatch_ingest_dead_letter_produce_failed_total',
    help: 'Dead letters recorded only in the dead_letters table because the dead-letter topic refused them',
    registers: [this.registry],
  });
  private readonly crashesTotal = new Counter({
    name: 'driftwatch_ingest_consumer_crashes_total',
    help: 'Consumer crashes, by who restarts it (kafkajs itself, or the service)',
    labelNames: ['restarted_by'],
    registers: [this.registry],
  });
  private readonly restartsTotal = new Counter({
    name: 'driftwatch_ingest_consumer_restarts_total',
    help: 'Consumers restarted by the service after kafkajs gave up on them',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'driftwatch_ingest_' });
  }

  consumed(topic: string, count: number): void {
    this.consumedTotal.inc({ topic }, count);
  }
  deadLettered(topic: string, code: string): void {
    this.deadLetteredTotal.inc({ topic, code });
  }
  storeFailed(): void {
    this.storeFailures.inc();
  }
  lag(topic: string, partition: number, lag: number): void {
    this.lagGauge.set({ topic, partition: String(partition) }, lag);
  }
  buffered(count: number, bytes: number): void {
    this.bufferedGauge.set(count);
    this.bufferedBytesGauge.set(bytes);
  }
  deadLetterProduceFailed(messages: number): void {
    this.deadLetterFailures.inc(messages);
  }
  crashed(restarting: boolean): void {
    this.crashesTotal.inc({ restarted_by: restarting ? 'kafkajs' : 'service' });
  }
  restarted(): void {
    this.restartsTotal.inc();
  }
  onRefused(table: string, rows: number): void {
    this.refusedTotal.inc({ table }, rows);
  }
  onInsert(table: string, rows: number, seconds: number): void {
    this.insertedTotal.inc({ table }, rows);
    this.insertSeconds.observe({ table }, seconds);
  }
}
