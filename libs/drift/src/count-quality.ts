/**
 * Stage 2 of a run, for model quality: count. Each prediction of the quality window is joined with
 * its label, and ClickHouse reduces them to what the metrics need, per model version: predictions
 * and labelled (coverage), and for a binary model the confusion counts, two loss sums and the
 * counts of positives and negatives per distinct score (exact ROC AUC); for a multiclass model the
 * confusion matrix; for a regression model error and label sums. No row comes back to Node.
 *
 * Dedup-safe without FINAL: predictions are grouped by event_id (redelivered copies are identical;
 * argMax by ingested_at picks one), labels too, and the newest label of an event wins (argMax by
 * its timestamp_ms, then ingested_at), so a corrected label replaces the earlier one. Only
 * predictions with status 'ok' count: an error has no output to judge. All counts and sums are
 * additive, so all versions together ('*') are the sum of the versions (evaluate-quality.ts).
 */
import { literal, TABLES, type ClickHouse } from '@driftwatch/clickhouse';
import type { BinaryCounts, ConfusionCell, RegressionSums, ScoreCount } from '@driftwatch/stats';
import { LOG_LOSS_EPS, MAPE_MIN_LABEL } from '@driftwatch/stats';
import type { QualitySpec } from './spec';
import { rangeFilter, type TimeRange } from './window-sql';

/** Predictions of a version in the quality window, and how many of them have a usable label. */
export interface QualityCoverage {
  model_version: string;
  predictions: number;
  labelled: number;
}

/** What a window of one version reduces to, by task. */
export type QualityCounts =
  | { task: 'binary'; counts: BinaryCounts; scores: ScoreCount[] }
  | { task: 'multiclass'; cells: ConfusionCell[] }
  | { task: 'regression'; sums: RegressionSums };

export interface QualityWindowCounts {
  coverage: QualityCoverage[];
  /** By model version; a version without labelled predictions may be absent. */
  byVersion: Map<string, QualityCounts>;
}

/** The window a quality run judges: the monitor's window shifted back by the label delay. */
export function qualityWindow(window: TimeRange, quality: Pick<QualitySpec, 'labelDelayMs'>): TimeRange {
  return { startMs: window.startMs - quality.labelDelayMs, endMs: window.endMs - quality.labelDelayMs };
}

/**
 * One row per prediction (event) of the window, with its newest label: model_version, score,
 * prediction_num/_str, has_label (0 without a label), label_num/_str.
 */
function labelledPredictionsSql(model: string, range: TimeRange): string {
  const where = `${rangeFilter(model, range)} AND status = 'ok'`;
  const newestLabel = (column: string) => `argMax(${column}, (timestamp_ms, ingested_at)) AS ${column}`;
  return (
    `SELECT model_version, score, prediction_num, prediction_str, has_label, label_num, label_str FROM (` +
    `SELECT event_id, argMax(model_version, ingested_at) AS model_version, argMax(score, ingested_at) AS score, ` +
    `argMax(prediction_num, ingested_at) AS prediction_num, argMax(prediction_str, ingested_at) AS prediction_str ` +
    `FROM ${TABLES.predictions} WHERE ${where} GROUP BY event_id` +
    `) AS p ANY LEFT JOIN (` +
    `SELECT event_id, toUInt8(1) AS has_label, ${newestLabel('label_num')}, ${newestLabel('label_str')} ` +
    `FROM ${TABLES.labels} WHERE model = ${literal(model)} AND event_id IN (SELECT event_id FROM ${TABLES.predictions} WHERE ${where}) ` +
    `GROUP BY event_id` +
    `) AS l USING event_id`
  );
}

/** The SQL test of whether a prediction has what its task needs to be judged (a label and an output). */
function usableSql(quality: QualitySpec): string {
  switch (quality.task) {
    case 'binary':
      return 'has_label = 1 AND isNotNull(score) AND (isNotNull(label_num) OR isNotNull(label_str))';
    case 'multiclass':
      return 'has_label = 1 AND (isNotNull(prediction_str) OR isNotNull(prediction_num)) AND (isNotNull(label_str) OR isNotNull(label_num))';
    case 'regression':
      return 'has_label = 1 AND isNotNull(prediction_num) AND isNotNull(label_num)';
  }
}

/** 1 when the label is the positive class: a number matches label_num, a string label_str. */
function positiveSql(positive: number | string | undefined): string {
  if (positive === undefined) return 'ifNull(label_num, 0) = 1';
  return typeof positive === 'number'
    ? `ifNull(label_num = ${literal(positive)}, 0)`
    : `ifNull(label_str = ${literal(positive)}, 0)`;
}

/** A class as text whether it was logged as a string or a number (1 and 1.0 are both '1'). */
const classSql = (str: string, num: string) => `ifNull(${str}, toString(${num}))`;

const n = (v: unknown) => Number(v);

/** Counts the quality window of a monitor, per model version. */
export async function countQuality(
  ch: ClickHouse,
  model: string,
  range: TimeRange,
  quality: QualitySpec,
): Promise<QualityWindowCounts> {
  const rows = labelledPredictionsSql(model, range);
  const usable = usableSql(quality);
  const judged = `SELECT * FROM (${rows}) WHERE ${usable}`;
  const coverageQuery = ch.query<Record<string, unknown>>(
    `SELECT model_version, count() AS predictions, countIf(${usable}) AS labelled FROM (${rows}) GROUP BY model_version`,
  );
  const byVersion = new Map<string, QualityCounts>();
  switch (quality.task) {
    case 'binary': {
      const actual = positiveSql(quality.positive);
      const predicted = `score >= ${literal(quality.threshold)}`;
      const p = `least(greatest(score, ${literal(LOG_LOSS_EPS)}), ${literal(1 - LOG_LOSS_EPS)})`;
      const [counts, scores] = await Promise.all([
        ch.query<Record<string, unknown>>(
          `SELECT model_version, countIf(pp AND ap) AS tp, countIf(pp AND NOT ap) AS fp, countIf(NOT pp AND NOT ap) AS tn, ` +
            `countIf(NOT pp AND ap) AS fn, sum(pow(s - ap, 2)) AS sq, sum(-(ap * log(p) + (1 - ap) * log(1 - p))) AS ll ` +
            `FROM (SELECT model_version, assumeNotNull(score) AS s, ${actual} AS ap, ${predicted} AS pp, ${p} AS p FROM (${judged})) ` +
            `GROUP BY model_version`,
        ),
        ch.query<Record<string, unknown>>(
          `SELECT model_version, s AS score, countIf(ap) AS positives, countIf(NOT ap) AS negatives ` +
            `FROM (SELECT model_version, assumeNotNull(score) AS s, ${actual} AS ap FROM (${judged})) GROUP BY model_version, score`,
        ),
      ]);
      for (const r of counts) {
        byVersion.set(String(r.model_version), {
          task: 'binary',
          counts: { tp: n(r.tp), fp: n(r.fp), tn: n(r.tn), fn: n(r.fn), squaredErrorSum: n(r.sq), logLossSum: n(r.ll) },
          scores: [],
        });
      }
      for (const r of scores) {
        const v = byVersion.get(String(r.model_version));
        if (v?.task === 'binary')
          v.scores.push({ score: n(r.score), positives: n(r.positives), negatives: n(r.negatives) });
      }
      break;
    }
    case 'multiclass': {
      const cells = await ch.query<Record<string, unknown>>(
        `SELECT model_version, ${classSql('label_str', 'label_num')} AS actual, ${classSql('prediction_str', 'prediction_num')} AS predicted, ` +
          `count() AS count FROM (${judged}) GROUP BY model_version, actual, predicted`,
      );
      for (const r of cells) {
        const key = String(r.model_version);
        const v = byVersion.get(key) ?? { task: 'multiclass', cells: [] };
        if (v.task === 'multiclass')
          v.cells.push({ actual: String(r.actual), predicted: String(r.predicted), count: n(r.count) });
        byVersion.set(key, v);
      }
      break;
    }
    case 'regression': {
      const sums = await ch.query<Record<string, unknown>>(
        `SELECT model_version, count() AS n, sum(e) AS es, sum(abs(e)) AS aes, sum(e * e) AS ses, sum(y) AS ys, sum(y * y) AS yys, ` +
          `sumIf(abs(e) / abs(y), abs(y) >= ${literal(MAPE_MIN_LABEL)}) AS res, countIf(abs(y) >= ${literal(MAPE_MIN_LABEL)}) AS rn ` +
          `FROM (SELECT model_version, assumeNotNull(prediction_num) - assumeNotNull(label_num) AS e, assumeNotNull(label_num) AS y FROM (${judged})) ` +
          `GROUP BY model_version`,
      );
      for (const r of sums) {
        byVersion.set(String(r.model_version), {
          task: 'regression',
          sums: {
            n: n(r.n),
            errorSum: n(r.es),
            absErrorSum: n(r.aes),
            squaredErrorSum: n(r.ses),
            labelSum: n(r.ys),
            labelSquaredSum: n(r.yys),
            relativeErrorSum: n(r.res),
            relativeN: n(r.rn),
          },
        });
      }
      break;
    }
  }
  const coverage = (await coverageQuery).map((r) => ({
    model_version: String(r.model_version),
    predictions: n(r.predictions),
    labelled: n(r.labelled),
  }));
  return { coverage, byVersion };
}
