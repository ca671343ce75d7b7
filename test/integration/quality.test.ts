/**
 * Model quality on the real ClickHouse (issue #11): predictions and labels are inserted directly
 * with the raw row builders (no Kafka), counted by count-quality.ts and finished by
 * evaluate-quality.ts. Every metric is checked against a value computed here, row by row, the
 * naive way (ROC AUC by comparing every positive with every negative); redelivered predictions
 * and labels change nothing, a corrected label replaces the earlier one, and a window with too
 * few labels says insufficient_labels.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ALL_VERSIONS,
  createClickHouse,
  ensureDatabase,
  eventRow,
  insertResults,
  migrate,
  TABLES,
  type ClickHouse,
  type ClickHouseSettings,
  type QualityResultRow,
} from '@driftwatch/clickhouse';
import {
  countQuality,
  evaluateQuality,
  QUALITY_METRICS,
  runMonitor,
  type DriftMonitorSpec,
  type QualitySpec,
} from '@driftwatch/drift';
import { CLICKHOUSE_URL, uniqueName } from '../support/services';

let settings: ClickHouseSettings;
let ch: ClickHouse;

before(async () => {
  settings = {
    url: CLICKHOUSE_URL,
    database: uniqueName('quality'),
    username: 'default',
    password: '',
    requestTimeoutMs: 30_000,
  };
  await ensureDatabase(settings);
  ch = createClickHouse(settings);
  await migrate(ch);
});

after(async () => {
  await ch.command(`DROP DATABASE IF EXISTS ${settings.database}`);
  await ch.close();
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 10);
const WINDOW = { startMs: T0, endMs: T0 + HOUR };

function prediction(model: string, id: string, version: string, atMs: number, output: number | string, score?: number) {
  return eventRow({
    kind: 'prediction',
    event: {
      event_id: id,
      model,
      model_version: version,
      timestamp: atMs,
      timestamp_ms: atMs,
      latency_ms: 5,
      status: 'ok',
      prediction: output,
      ...(score !== undefined ? { score } : {}),
    },
  }).row;
}

function label(model: string, id: string, atMs: number, value: number | string, ingestedAtMs = atMs) {
  return eventRow(
    { kind: 'label', event: { event_id: id, model, timestamp: atMs, timestamp_ms: atMs, label: value } },
    ingestedAtMs,
  ).row;
}

function plan(quality: QualitySpec, model: string) {
  return { runId: `run-${model}`, monitor: `${model}-quality`, model, segmentByVersion: true, quality };
}

const quality = (task: QualitySpec['task'], extra: Partial<QualitySpec> = {}): QualitySpec => ({
  task,
  threshold: 0.5,
  metrics: [...QUALITY_METRICS[task]],
  labelDelayMs: 0,
  minLabelled: 10,
  minLabelCoverage: 0.5,
  ...extra,
});

function metricValue(rows: readonly QualityResultRow[], version: string, metric: string): number | null {
  const row = rows.find((r) => r.model_version === version && r.metric === metric);
  assert.ok(row, `no ${metric} row for ${version}`);
  return row.value;
}

function close(actual: number | null, expected: number, what: string) {
  assert.ok(actual !== null, `${what} is null`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

interface Binary {
  id: string;
  version: string;
  score: number;
  y: 0 | 1;
}

/** The naive reference: every metric from the (deduplicated, newest-label) rows. */
function binaryReference(events: readonly Binary[]) {
  const pp = (e: Binary) => e.score >= 0.5;
  const tp = events.filter((e) => pp(e) && e.y === 1).length;
  const fp = events.filter((e) => pp(e) && e.y === 0).length;
  const fn = events.filter((e) => !pp(e) && e.y === 1).length;
  const tn = events.length - tp - fp - fn;
  const pos = events.filter((e) => e.y === 1);
  const neg = events.filter((e) => e.y === 0);
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a.score > b.score ? 1 : a.score === b.score ? 0.5 : 0;
  const clip = (p: number) => Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  const mean = (f: (e: Binary) => number) => events.reduce((s, e) => s + f(e), 0) / events.length;
  return {
    accuracy: (tp + tn) / events.length,
    precision: tp / (tp + fp),
    recall: tp / (tp + fn),
    f1: (2 * tp) / (2 * tp + fp + fn),
    specificity: tn / (tn + fp),
    roc_auc: wins / (pos.length * neg.length),
    brier: mean((e) => (e.score - e.y) ** 2),
    log_loss: mean((e) => -(e.y * Math.log(clip(e.score)) + (1 - e.y) * Math.log(1 - clip(e.score)))),
  };
}

test('binary: metrics equal the naive reference; duplicates change nothing; the newest label wins', async () => {
  const model = 'fraud';
  const events: Binary[] = [];
  for (let i = 0; i < 300; i++) {
    const score = ((i * 37) % 101) / 100; // two decimals: many ties
    const y = (i * 13) % 7 < 3 === score > 0.4 ? 1 : 0;
    events.push({ id: `e${i}`, version: i % 3 === 0 ? 'v2' : 'v1', score, y });
  }
  const at = (i: number) => T0 + i * 10_000;
  const predictions = events.map((e, i) => prediction(model, e.id, e.version, at(i), e.score >= 0.5 ? 1 : 0, e.score));
  // 80% labelled: events 0..239. Events 0..49 first get the wrong label, corrected later.
  const labelled = events.slice(0, 240);
  const wrong = labelled.slice(0, 50).map((e, i) => label(model, e.id, at(i) + 1000, 1 - e.y));
  const right = labelled.map((e, i) => label(model, e.id, at(i) + 2000, e.y));
  await ch.insert(TABLES.predictions, predictions);
  await ch.insert(TABLES.labels, wrong);
  await ch.insert(TABLES.labels, right);
  // Outside the window: counts for nothing.
  await ch.insert(TABLES.predictions, [prediction(model, 'outside', 'v1', WINDOW.endMs, 1, 0.9)]);
  await ch.insert(TABLES.labels, [label(model, 'outside', WINDOW.endMs + 1000, 0)]);

  const spec = quality('binary', { minLabelled: 50 });
  const before = evaluateQuality(plan(spec, model), WINDOW, await countQuality(ch, model, WINDOW, spec), T0 + 2 * HOUR);

  for (const [version, subset] of [
    [ALL_VERSIONS, labelled],
    ['v1', labelled.filter((e) => e.version === 'v1')],
    ['v2', labelled.filter((e) => e.version === 'v2')],
  ] as const) {
    const reference = binaryReference(subset);
    for (const [metric, expected] of Object.entries(reference))
      close(metricValue(before, version, metric), expected, `${version} ${metric}`);
    const row = before.find((r) => r.model_version === version && r.metric === 'f1');
    assert.equal(row?.status, 'ok');
    assert.equal(row?.labelled, subset.length);
  }
  const all = before.find((r) => r.model_version === ALL_VERSIONS && r.metric === 'f1');
  assert.equal(all?.predictions, 300);
  assert.equal(all?.coverage, 0.8);

  // Redelivered: every prediction and label stored again (separate parts: no merge collapses them).
  await ch.insert(TABLES.predictions, predictions.slice(0, 150));
  await ch.insert(TABLES.labels, right.slice(100, 200));
  await ch.insert(
    TABLES.labels,
    wrong.slice(0, 10).map((l) => l),
  ); // an old wrong copy again: still older
  const after = evaluateQuality(plan(spec, model), WINDOW, await countQuality(ch, model, WINDOW, spec), T0 + 2 * HOUR);
  assert.deepEqual(
    after.map((r) => [r.model_version, r.metric, r.value, r.labelled, r.predictions]),
    before.map((r) => [r.model_version, r.metric, r.value, r.labelled, r.predictions]),
  );

  // The rows go into quality_results as they are.
  await insertResults(ch, TABLES.qualityResults, after);
  const [stored] = await ch.query<{ n: string }>(
    `SELECT count() AS n FROM ${TABLES.qualityResults} WHERE model = 'fraud'`,
  );
  assert.equal(Number(stored?.n), after.length);
});

test('a window below min_label_coverage or min_labelled says insufficient_labels, value null', async () => {
  const model = 'sparse';
  const rows = [];
  const labels = [];
  for (let i = 0; i < 100; i++) {
    rows.push(prediction(model, `s${i}`, 'v1', T0 + i * 1000, 1, i / 100));
    if (i < 30) labels.push(label(model, `s${i}`, T0 + i * 1000 + 500, i % 2));
  }
  await ch.insert(TABLES.predictions, rows);
  await ch.insert(TABLES.labels, labels);
  const lowCoverage = quality('binary', { minLabelled: 10, minLabelCoverage: 0.5 });
  const result = evaluateQuality(
    plan(lowCoverage, model),
    WINDOW,
    await countQuality(ch, model, WINDOW, lowCoverage),
    T0,
  );
  assert.ok(result.length > 0);
  for (const r of result) {
    assert.equal(r.status, 'insufficient_labels');
    assert.equal(r.value, null);
    assert.equal(r.breached, 0);
    assert.equal(r.labelled, 30);
    assert.equal(r.predictions, 100);
    assert.equal(r.coverage, 0.3);
  }
  const fewLabels = quality('binary', { minLabelled: 31, minLabelCoverage: 0.1 });
  const few = evaluateQuality(plan(fewLabels, model), WINDOW, await countQuality(ch, model, WINDOW, fewLabels), T0);
  assert.ok(few.every((r) => r.status === 'insufficient_labels' && r.value === null));
  const enough = quality('binary', { minLabelled: 30, minLabelCoverage: 0.3 });
  const ok = evaluateQuality(plan(enough, model), WINDOW, await countQuality(ch, model, WINDOW, enough), T0);
  assert.ok(ok.every((r) => r.status === 'ok' && r.value !== null));

  // An empty window: one all-versions row per metric, insufficient.
  const empty = { startMs: T0 - 10 * HOUR, endMs: T0 - 9 * HOUR };
  const none = evaluateQuality(plan(enough, model), empty, await countQuality(ch, model, empty, enough), T0);
  assert.equal(none.length, enough.metrics.length);
  assert.ok(
    none.every((r) => r.model_version === ALL_VERSIONS && r.status === 'insufficient_labels' && r.coverage === 0),
  );
});

test('multiclass and regression: metrics equal the naive reference', async () => {
  const classes = ['cat', 'dog', 'emu'];
  const mc = [];
  const mcLabels = [];
  const truth: { y: string; p: string }[] = [];
  for (let i = 0; i < 60; i++) {
    const y = classes[(i * 7) % 3] ?? 'cat';
    const p = i % 4 === 0 ? (classes[(i + 1) % 3] ?? 'cat') : y === 'emu' && i % 5 === 0 ? 'dog' : y;
    truth.push({ y, p });
    mc.push(prediction('animals', `a${i}`, 'v1', T0 + i * 1000, p));
    mcLabels.push(label('animals', `a${i}`, T0 + i * 1000 + 1, y));
  }
  await ch.insert(TABLES.predictions, [...mc, ...mc.slice(0, 20)]);
  await ch.insert(TABLES.labels, mcLabels);
  const mcSpec = quality('multiclass');
  const mcRows = evaluateQuality(
    plan(mcSpec, 'animals'),
    WINDOW,
    await countQuality(ch, 'animals', WINDOW, mcSpec),
    T0,
  );
  close(
    metricValue(mcRows, ALL_VERSIONS, 'accuracy'),
    truth.filter((t) => t.y === t.p).length / truth.length,
    'accuracy',
  );
  let macroF1 = 0;
  let weightedRecall = 0;
  for (const c of classes) {
    const tp = truth.filter((t) => t.y === c && t.p === c).length;
    const support = truth.filter((t) => t.y === c).length;
    const predicted = truth.filter((t) => t.p === c).length;
    macroF1 += (2 * tp) / (support + predicted) / classes.length;
    weightedRecall += (tp / support) * (support / truth.length);
  }
  close(metricValue(mcRows, ALL_VERSIONS, 'macro_f1'), macroF1, 'macro_f1');
  close(metricValue(mcRows, ALL_VERSIONS, 'weighted_recall'), weightedRecall, 'weighted_recall');

  const pairs: { y: number; p: number }[] = [];
  const rg = [];
  const rgLabels = [];
  for (let i = 0; i < 40; i++) {
    const y = i === 0 ? 0 : 10 + ((i * 17) % 23);
    const p = y + ((i * 5) % 7) - 3;
    pairs.push({ y, p });
    rg.push(prediction('delay', `d${i}`, i % 2 ? 'v1' : 'v2', T0 + i * 1000, p));
    rgLabels.push(label('delay', `d${i}`, T0 + i * 1000 + 1, y));
  }
  await ch.insert(TABLES.predictions, rg);
  await ch.insert(TABLES.labels, [...rgLabels, ...rgLabels]);
  const rgSpec = quality('regression');
  const rgRows = evaluateQuality(plan(rgSpec, 'delay'), WINDOW, await countQuality(ch, 'delay', WINDOW, rgSpec), T0);
  const n = pairs.length;
  const mean = pairs.reduce((s, q) => s + q.y, 0) / n;
  const ssRes = pairs.reduce((s, q) => s + (q.p - q.y) ** 2, 0);
  const ssTot = pairs.reduce((s, q) => s + (q.y - mean) ** 2, 0);
  const nonZero = pairs.filter((q) => Math.abs(q.y) >= 1e-9);
  close(metricValue(rgRows, ALL_VERSIONS, 'mae'), pairs.reduce((s, q) => s + Math.abs(q.p - q.y), 0) / n, 'mae');
  close(metricValue(rgRows, ALL_VERSIONS, 'rmse'), Math.sqrt(ssRes / n), 'rmse');
  close(metricValue(rgRows, ALL_VERSIONS, 'r2'), 1 - ssRes / ssTot, 'r2');
  close(metricValue(rgRows, ALL_VERSIONS, 'mean_error'), pairs.reduce((s, q) => s + q.p - q.y, 0) / n, 'mean_error');
  close(
    metricValue(rgRows, ALL_VERSIONS, 'mape'),
    nonZero.reduce((s, q) => s + Math.abs(q.p - q.y) / Math.abs(q.y), 0) / nonZero.length,
    'mape (label 0 skipped)',
  );
});

test('a monitor run judges the window that ended label_delay ago and records its quality rows; without a quality section, none', async () => {
  const model = 'churn';
  const rows = [];
  const labels = [];
  for (let i = 0; i < 120; i++) {
    const score = (i % 10) / 10;
    rows.push(prediction(model, `c${i}`, 'v1', T0 + i * 1000, score >= 0.5 ? 1 : 0, score));
    labels.push(label(model, `c${i}`, T0 + HOUR + i * 1000, i % 3 === 0 ? 1 : 0));
  }
  await ch.insert(TABLES.predictions, rows);
  await ch.insert(TABLES.labels, labels);
  const spec: DriftMonitorSpec = {
    name: 'churn-hourly',
    model,
    baseline: { kind: 'range', fromMs: T0, toMs: T0 + HOUR },
    windowMs: HOUR,
    minSamples: 10,
    segmentByVersion: true,
    numericMethods: ['psi'],
    categoricalMethods: ['psi'],
    thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: 0.1, wasserstein: null },
    psiBins: 5,
    features: 'all',
    excludeFeatures: [],
    prediction: true,
    latency: true,
  };
  const withQuality = {
    ...spec,
    quality: quality('binary', { labelDelayMs: 24 * HOUR, metrics: ['accuracy', 'roc_auc'] }),
  };
  // Run at T0 + 25h: the drift window is [T0 + 24h, T0 + 25h), the quality window [T0, T0 + 1h).
  const outcome = await runMonitor(ch, withQuality, T0 + 25 * HOUR);
  assert.equal(outcome.status, 'ok', outcome.error);
  const expected = evaluateQuality(
    { runId: outcome.runId, monitor: spec.name, model, segmentByVersion: true, quality: withQuality.quality },
    WINDOW,
    await countQuality(ch, model, WINDOW, withQuality.quality),
    0,
  );
  const strip = (r: QualityResultRow) => ({ ...r, computed_at: '' });
  assert.deepEqual(outcome.quality?.map(strip), expected.map(strip));
  assert.ok(outcome.quality?.every((r) => r.status === 'ok' && r.window_start === '2026-01-05 10:00:00'));
  const stored = await ch.query<{ n: string }>(
    `SELECT count() AS n FROM ${TABLES.qualityResults} WHERE run_id = '${outcome.runId}'`,
  );
  assert.equal(Number(stored[0]?.n), expected.length);
  const [run] = await ch.query<{ results: number }>(
    `SELECT results FROM ${TABLES.monitorRuns} WHERE run_id = '${outcome.runId}'`,
  );
  assert.equal(run?.results, outcome.results);

  const plain = await runMonitor(ch, { ...spec, name: 'churn-plain' }, T0 + 25 * HOUR);
  assert.equal(plain.status, 'ok', plain.error);
  assert.deepEqual(plain.quality, []);
  const none = await ch.query<{ n: string }>(
    `SELECT count() AS n FROM ${TABLES.qualityResults} WHERE monitor = 'churn-plain'`,
  );
  assert.equal(Number(none[0]?.n), 0);
});
