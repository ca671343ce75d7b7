/**
 * npm run bench:drift — one full monitor run on EVENTS (default 10,000,000) events with 20 numeric
 * and 5 categorical features, against the floor and the naive way, in one run.
 *
 * - load: the events are generated inside ClickHouse (INSERT ... SELECT FROM numbers), one window
 *   hour of EVENTS events plus a baseline hour of BASELINE_EVENTS events; half the numeric
 *   features and one categorical feature are shifted in the window.
 * - drift run: libs/drift's computeResults (all features, PSI + KS + chi-squared + latency/health),
 *   the same code the monitor app runs.
 * - floor: one bare ClickHouse scan reading the same columns of the same rows.
 * - naive: the rows pulled into Node and the same libs/stats functions run on them.
 * Last line: drift_run_ms=N floor_ms=M ratio=R naive_ms=K
 */
import { performance } from 'node:perf_hooks';
import { ALL_VERSIONS, formatDateTime, literal } from '@driftwatch/clickhouse';
import { baselineFromRange, computeResults, type RunPlan } from '@driftwatch/drift';
import { chiSquareTest, ks2samp, psiFromCounts, quantileBinEdges, binCounts } from '@driftwatch/stats';
import { sandbox } from '../support/services';

const EVENTS = Number(process.env.EVENTS ?? 10_000_000);
const BASELINE_EVENTS = Number(process.env.BASELINE_EVENTS ?? 1_000_000);
const HOUR = 3_600_000;

async function main(): Promise<void> {
  const box = await sandbox('benchdrift', 1, 1_800_000);
  const log = (m: string) => console.log(`[bench] ${m}`);
  const t0 = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
  const baselineRange = { startMs: t0, endMs: t0 + HOUR };
  const window = { startMs: t0 + 2 * HOUR, endMs: t0 + 3 * HOUR };
  try {
    const load = async (first: number, count: number, startMs: number, shifted: boolean, table = 'predictions') => {
      // values: sums of two hashed uniforms (triangular), shifted by 0.3 sd in the window for num_0..num_9
      const shift = shifted ? 'if(i < 10, 0.12, 0.)' : '0.';
      await box.ch.command(`INSERT INTO ${table}
        SELECT substring(toString(1000000000000 + number), 2) AS seq_id,
          'bench' AS model, if(number % 2 = 0, 'v1', 'v2') AS model_version,
          toDateTime(${Math.floor(startMs / 1000)} + intDiv((number - ${first}) * 3600, ${count}), 'UTC') AS ts,
          toUInt64(${startMs}) + intDiv((number - ${first}) * 3600000, ${count}) AS timestamp_ms,
          (cityHash64(number, 999) % 10000) / 100. AS latency_ms,
          if(number % 50 = 0, 'error', 'ok') AS status,
          toNullable((cityHash64(number, 998) % 1000) / 1000.) AS prediction_num, CAST(NULL AS Nullable(String)), CAST(NULL AS Nullable(Float64)), emptyArrayString(), emptyArrayFloat64(),
          arrayMap(i -> concat('num_', toString(i)), range(20)) AS num_names,
          arrayMap(i -> (cityHash64(number, i) % 1000000) / 2000000. + (cityHash64(number, i + 50) % 1000000) / 2000000. + ${shift}, range(20)) AS num_values,
          arrayMap(i -> concat('cat_', toString(i)), range(5)) AS cat_names,
          arrayMap(i -> concat('c', toString(if(${shifted ? 1 : 0} = 1 AND i = 0, cityHash64(number, 100 + i) % 12, cityHash64(number, 100 + i) % 8))), range(5)) AS cat_values,
          emptyArrayString(), toDateTime(${Math.floor(Date.now() / 1000)}, 'UTC')
        FROM system.numbers WHERE number >= ${first} LIMIT ${count}`);
    };
    let started = performance.now();
    await load(0, BASELINE_EVENTS, baselineRange.startMs, false);
    const baselineLoadS = (performance.now() - started) / 1000;
    started = performance.now();
    await load(BASELINE_EVENTS, EVENTS, window.startMs, true);
    const windowLoadS = (performance.now() - started) / 1000;
    log(
      `loaded ${BASELINE_EVENTS} baseline events in ${baselineLoadS.toFixed(1)} s, ${EVENTS} window events in ${windowLoadS.toFixed(1)} s (predictions, with migration 004's materialized views)`,
    );
    // the cost moved to insert time: the same window events into a copy of the table that has no
    // materialized views (migration 004's views pre-aggregate every insert into predictions)
    await box.ch.command(`CREATE TABLE predictions_without_views AS predictions`);
    started = performance.now();
    await load(BASELINE_EVENTS, EVENTS, window.startMs, true, 'predictions_without_views');
    const plainLoadS = (performance.now() - started) / 1000;
    await box.ch.command(`DROP TABLE predictions_without_views`);
    log(
      `the same ${EVENTS} window events into a copy of predictions without the views: ${plainLoadS.toFixed(1)} s (insert cost of the views: +${(windowLoadS - plainLoadS).toFixed(1)} s)`,
    );
    await box.ch.command(`OPTIMIZE TABLE predictions FINAL`).catch(() => undefined);
    const sizes = await box.ch.query<{ table: string; rows: string; parts: string; bytes: string }>(
      `SELECT table, sum(rows) AS rows, count() AS parts, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = currentDatabase() AND active AND table IN ('predictions', 'numeric_histograms', 'category_counts', 'event_copies') GROUP BY table ORDER BY table`,
    );
    log(
      `stored: ${sizes.map((t) => `${t.table} ${t.rows} rows in ${t.parts} parts, ${(Number(t.bytes) / 2 ** 20).toFixed(1)} MiB`).join('; ')}`,
    );
    started = performance.now();
    const baseline = await baselineFromRange(box.ch, 'bench', 'bench', baselineRange);
    log(
      `baseline from ${BASELINE_EVENTS} events: ${baseline.id} (${baseline.features.size} features) in ${(performance.now() - started).toFixed(0)} ms`,
    );

    const job: RunPlan = {
      runId: 'bench',
      monitor: 'bench',
      model: 'bench',
      window,
      baseline,
      features: 'all',
      excludeFeatures: [],
      prediction: false,
      numericMethods: ['psi', 'ks'],
      categoricalMethods: ['psi', 'chi2'],
      thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: null, wasserstein: null },
      minSamples: 100,
      segmentByVersion: true,
      latency: true,
    };
    const where = `model = 'bench' AND ts >= toDateTime(${literal(formatDateTime(window.startMs))}, 'UTC') AND ts < toDateTime(${literal(formatDateTime(window.endMs))}, 'UTC')`;
    // the columns a run reads (the run counts without FINAL, so the floor has none either)
    const floorSql = `SELECT count(), sum(arraySum(num_values)), sum(length(num_names)), sum(length(cat_names)), sum(length(arrayStringConcat(cat_values))), sum(latency_ms), countIf(status = 'error'), uniqExact(model_version), sum(length(event_id)) FROM predictions WHERE ${where}`;
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const s = performance.now();
      const r = await fn();
      return [r, performance.now() - s];
    };
    await box.ch.query(floorSql); // warm the page cache for both
    const [, floorMs] = await timed(() => box.ch.query(floorSql));
    // DRIFT_TRACE=1 prints each query of the run with its duration
    const traced = process.env.DRIFT_TRACE
      ? Object.assign(Object.create(box.ch) as typeof box.ch, {
          query: async <T>(sql: string) => {
            const s = performance.now();
            const r = await box.ch.query<T>(sql);
            log(`  ${(performance.now() - s).toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`);
            return r;
          },
        })
      : box.ch;
    const [result, runMs] = await timed(() => computeResults(traced, job));
    const breached = result.drift.filter((r) => r.breached && r.model_version === ALL_VERSIONS);
    log(
      `drift run: ${result.drift.length} drift rows, ${result.health.length} health rows in ${runMs.toFixed(0)} ms; breached (all versions): ${breached.map((r) => `${r.feature}/${r.method}`).join(' ')}`,
    );
    log(`floor (one scan of the same columns): ${floorMs.toFixed(0)} ms`);

    // the naive way: rows into Node, the same libs/stats functions
    const naiveStart = performance.now();
    const numeric = Array.from({ length: 20 }, () => new Float64Array(EVENTS));
    const categorical = Array.from({ length: 5 }, () => new Map<string, number>());
    const latencies = new Float64Array(EVENTS);
    let i = 0;
    await fetchRows(
      box.env.CLICKHOUSE_URL!,
      box.name,
      `SELECT num_values, cat_values, latency_ms FROM predictions FINAL WHERE ${where} FORMAT JSONEachRow`,
      (row) => {
        const r = JSON.parse(row) as { num_values: number[]; cat_values: string[]; latency_ms: number };
        for (let f = 0; f < 20; f++) numeric[f]![i] = r.num_values[f]!;
        for (let f = 0; f < 5; f++)
          categorical[f]!.set(r.cat_values[f]!, (categorical[f]!.get(r.cat_values[f]!) ?? 0) + 1);
        latencies[i] = r.latency_ms;
        i++;
      },
    );
    for (let f = 0; f < 20; f++) {
      const base = baseline.features.get(`num_${f}`)!;
      const cur = numeric[f]!.subarray(0, i);
      const edges = quantileBinEdges(base.sample, 10);
      psiFromCounts(binCounts(edges, base.sample), binCounts(edges, cur));
      ks2samp(base.sample, Array.from(cur));
    }
    for (let f = 0; f < 5; f++) {
      const base = baseline.features.get(`cat_${f}`)!;
      chiSquareTest(
        Object.fromEntries(base.categories.map((c, k) => [c, base.categoryCounts[k]!])),
        Object.fromEntries(categorical[f]!),
      );
    }
    latencies.subarray(0, i).sort();
    const naiveMs = performance.now() - naiveStart;
    log(`naive (${i} rows into Node, libs/stats): ${naiveMs.toFixed(0)} ms`);

    // at-least-once delivery: after a consumer restart some events are stored twice. Redeliver
    // ~1,000 events spread over the window and run again: same results, and what the correction costs
    await box.ch.command(
      `INSERT INTO predictions SELECT * FROM predictions WHERE ${where} AND cityHash64(event_id) % 10000 = 0`,
    );
    const [{ dups }] = (await box.ch.query<{ dups: string }>(
      `SELECT toString(count() - uniqExact(event_id)) AS dups FROM predictions WHERE ${where}`,
    )) as [{ dups: string }];
    const [again, dupRunMs] = await timed(() => computeResults(traced, { ...job, runId: 'bench-dups' }));
    const same =
      JSON.stringify(again.drift.map((r) => ({ ...r, run_id: '', computed_at: '' }))) ===
      JSON.stringify(result.drift.map((r) => ({ ...r, run_id: '', computed_at: '' })));
    log(
      `drift run with ${dups} redelivered events in the window: ${dupRunMs.toFixed(0)} ms (ratio ${(dupRunMs / floorMs).toFixed(2)}); results ${same ? 'identical to the run without them' : 'DIFFERENT'}`,
    );
    console.log(
      `drift_run_ms=${runMs.toFixed(0)} floor_ms=${floorMs.toFixed(0)} ratio=${(runMs / floorMs).toFixed(2)} naive_ms=${naiveMs.toFixed(0)}`,
    );
  } finally {
    if (process.env.KEEP_DB) log(`kept database ${box.name}`);
    else await box.cleanup();
  }
}

/** Streams a query's JSONEachRow lines over HTTP, calling onRow per line. */
async function fetchRows(url: string, database: string, sql: string, onRow: (line: string) => void): Promise<void> {
  const res = await fetch(`${url}/?database=${database}`, { method: 'POST', body: sql });
  if (!res.ok || !res.body) throw new Error(`query failed: ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) if (line) onRow(line);
  }
  if (rest) onRow(rest);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
