/**
 * npm run bench:ingest — end-to-end ingest throughput against ClickHouse's own Kafka engine.
 *
 * 1. Produces EVENTS (default 1,000,000) prediction events with 20 numeric and 5 categorical
 *    features into a fresh topic with the SDK.
 * 2. Starts the real ingest service (child process) on that topic and measures from the first
 *    message consumed (its consumed counter leaves 0) to the last row visible in ClickHouse, and
 *    its peak RSS (VmHWM).
 * 3. Reference, same run, same messages: a ClickHouse Kafka-engine table (JSON read as one
 *    String column, fields extracted by a materialized view into an equivalent table), measured
 *    from the view's creation (which starts its consumer) to the last row visible. Its rate counts
 *    the rows it delivered (it may lose some: see below).
 * Last line: ingest_events_per_s=N kafka_engine_events_per_s=M ratio=R peak_rss_mb=X
 *
 * On a secured cluster (KAFKA_SECURITY_PROTOCOL and the rest, README "Connecting to your Kafka")
 * the SDK, the ingest service and the topic set-up use it; the reference is skipped there, since
 * ClickHouse's Kafka engine takes TLS and SASL settings from the server's config.xml, not from a
 * table: the last line is then ingest_events_per_s=N peak_rss_mb=X.
 */
import { readFileSync } from 'node:fs';
import { DriftwatchClient } from '@driftwatch/sdk';
import { IngestProcess } from '../support/processes';
import { sandbox } from '../support/services';
import { syntheticPrediction } from '../support/events';
import { waitFor } from '../support/wait';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PARTITIONS = Number(process.env.PARTITIONS ?? 6);

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
  return kb / 1024;
}

async function main(): Promise<void> {
  const box = await sandbox('bench', PARTITIONS);
  const log = (m: string) => console.log(`[bench] ${m}`);
  try {
    log(
      `producing ${EVENTS} events (20 numeric + 5 categorical features) into ${box.topics.prediction} (${PARTITIONS} partitions)`,
    );
    const sdk = new DriftwatchClient({
      brokers: box.connection.brokers,
      ...box.connection.security,
      topicPrefix: box.name,
      batchSize: 2000,
      maxInFlight: 8,
      maxBufferedEvents: 50_000,
    });
    const t0 = Date.now();
    for (let seq = 0; seq < EVENTS; seq++) {
      for (;;) {
        try {
          sdk.logPrediction(syntheticPrediction(seq, 'bench'));
          break;
        } catch (err) {
          if ((err as Error).name !== 'DriftwatchBufferFullError') throw err;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    }
    await sdk.close(600_000);
    const produceMs = Date.now() - t0;
    log(
      `produced in ${(produceMs / 1000).toFixed(1)} s (${Math.round(EVENTS / (produceMs / 1000))} events/s through the SDK)`,
    );

    // --- driftwatch ingest service ---
    const ingest = new IngestProcess({ ...box.env });
    await ingest.start();
    const startedConsuming = await waitFor(
      'first message consumed',
      async () =>
        (await ingest.metric('driftwatch_ingest_consumed_total').catch(() => 0)) > 0 ? Date.now() : undefined,
      120_000,
      10,
    );
    await waitFor(
      'all rows visible',
      async () => {
        const [r] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM predictions`);
        return Number(r!.n) >= EVENTS;
      },
      1_800_000,
      100,
    );
    const ingestMs = Date.now() - startedConsuming;
    const pid = ingest.pid!;
    const rss = peakRssMb(pid);
    ingest.kill('SIGTERM');
    await ingest.exited;
    const ingestRate = EVENTS / (ingestMs / 1000);
    log(
      `driftwatch ingest: ${EVENTS} events in ${(ingestMs / 1000).toFixed(2)} s = ${Math.round(ingestRate)} events/s, peak RSS ${rss.toFixed(0)} MB`,
    );

    if (box.connection.security.ssl || box.connection.security.sasl) {
      log(
        `ClickHouse Kafka engine: skipped (KAFKA_SECURITY_PROTOCOL=${process.env.KAFKA_SECURITY_PROTOCOL}; the engine reads TLS and SASL settings from config.xml)`,
      );
      const [stored] = await box.ch.query<{ a: string }>(`SELECT uniqExact(event_id) AS a FROM predictions`);
      if (Number(stored!.a) !== EVENTS) throw new Error(`driftwatch ingest lost ${EVENTS - Number(stored!.a)} events`);
      console.log(`ingest_events_per_s=${Math.round(ingestRate)} peak_rss_mb=${rss.toFixed(0)}`);
      return;
    }

    // --- reference: ClickHouse's Kafka engine on the same topic ---
    const brokers = box.env.KAFKA_BROKERS!;
    await box.ch.command(`CREATE TABLE ref_predictions AS predictions`);
    await box.ch.command(
      // one message = one row: 18.16 needs kafka_row_delimiter for that (current versions ignore it)
      `CREATE TABLE ref_queue (raw String) ENGINE = Kafka SETTINGS kafka_broker_list = '${brokers}', kafka_topic_list = '${box.topics.prediction}', ` +
        `kafka_group_name = '${box.name}-kafka-engine', kafka_format = 'TabSeparated', kafka_row_delimiter = '\\n', kafka_max_block_size = 65536`,
    );
    const viewStarted = Date.now();
    await box.ch.command(`
      CREATE MATERIALIZED VIEW ref_view TO ref_predictions AS
      SELECT
        visitParamExtractString(raw, 'event_id') AS event_id,
        visitParamExtractString(raw, 'model') AS model,
        visitParamExtractString(raw, 'model_version') AS model_version,
        parseDateTimeBestEffort(visitParamExtractString(raw, 'timestamp')) AS ts,
        toUInt64(toUnixTimestamp(parseDateTimeBestEffort(visitParamExtractString(raw, 'timestamp')))) * 1000 AS timestamp_ms,
        visitParamExtractFloat(raw, 'latency_ms') AS latency_ms,
        CAST(visitParamExtractString(raw, 'status') AS Enum8('ok' = 1, 'error' = 2)) AS status,
        toNullable(visitParamExtractFloat(raw, 'prediction')) AS prediction_num,
        CAST(NULL AS Nullable(String)) AS prediction_str,
        CAST(NULL AS Nullable(Float64)) AS score,
        CAST([] AS Array(String)) AS proba_classes,
        CAST([] AS Array(Float64)) AS proba_values,
        extractAll(visitParamExtractRaw(raw, 'features'), '"([^"]+)":-?[0-9]') AS num_names,
        arrayMap(x -> toFloat64(x), extractAll(visitParamExtractRaw(raw, 'features'), '":(-?[0-9][0-9.eE+-]*)')) AS num_values,
        extractAll(visitParamExtractRaw(raw, 'features'), '"([^"]+)":"') AS cat_names,
        extractAll(visitParamExtractRaw(raw, 'features'), '":"([^"]*)"') AS cat_values,
        CAST([] AS Array(String)) AS null_names,
        now() AS ingested_at
      FROM ref_queue`);
    // the 18.16 Kafka engine is at-most-once (seen here: 999,999 of 1,000,000 rows): wait for all
    // rows or for the count to stop moving for 15 s, and time it to the last row that arrived
    let refRows = 0;
    let lastRowAt = viewStarted;
    await waitFor(
      'the reference to finish',
      async () => {
        const [r] = await box.ch.query<{ n: string }>(`SELECT count() AS n FROM ref_predictions`);
        const n = Number(r!.n);
        if (n > refRows) {
          refRows = n;
          lastRowAt = Date.now();
        }
        return n >= EVENTS || (n > 0 && Date.now() - lastRowAt > 15_000);
      },
      1_800_000,
      100,
    );
    const refMs = lastRowAt - viewStarted;
    await box.ch.command(`DROP TABLE ref_view`);
    await box.ch.command(`DROP TABLE ref_queue`);
    const refRate = refRows / (refMs / 1000);
    log(
      `ClickHouse Kafka engine: ${refRows} events in ${(refMs / 1000).toFixed(2)} s = ${Math.round(refRate)} events/s${refRows < EVENTS ? ` (it lost ${EVENTS - refRows})` : ''}`,
    );

    // both tables must hold the same events
    const [check] = await box.ch.query<{ a: string; b: string; fa: string; fb: string }>(
      `SELECT (SELECT uniqExact(event_id) FROM predictions) AS a, (SELECT uniqExact(event_id) FROM ref_predictions) AS b,
              (SELECT sum(arraySum(num_values)) FROM predictions FINAL) AS fa, (SELECT sum(arraySum(num_values)) FROM ref_predictions FINAL) AS fb`,
    );
    log(
      `distinct events: ingest ${check!.a}, reference ${check!.b}; sum of numeric features: ${Number(check!.fa).toFixed(3)} vs ${Number(check!.fb).toFixed(3)}`,
    );
    if (Number(check!.a) !== EVENTS) throw new Error(`driftwatch ingest lost ${EVENTS - Number(check!.a)} events`);
    console.log(
      `ingest_events_per_s=${Math.round(ingestRate)} kafka_engine_events_per_s=${Math.round(refRate)} ratio=${(ingestRate / refRate).toFixed(2)} peak_rss_mb=${rss.toFixed(0)}`,
    );
  } finally {
    await box.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
