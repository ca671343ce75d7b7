import { ALL_VERSIONS, type DriftResultRow, type HealthResultRow, type QualityResultRow } from '@driftwatch/clickhouse';
import type { Evidence } from './notification';
import {
  FEATURE_METRICS,
  isFeatureMetric,
  isQualityMetric,
  MODEL_METRICS,
  type Comparison,
  type Condition,
  type FeatureMetric,
  type ModelMetric,
  type RuleMetric,
  type RuleSpec,
} from './spec';

/** The columns of a drift_results row that rules read. */
export type DriftResult = Pick<
  DriftResultRow,
  | 'model_version'
  | 'feature'
  | 'method'
  | 'status'
  | 'value'
  | 'value_lo'
  | 'value_hi'
  | 'p_value'
  | 'p_value_lo'
  | 'p_value_hi'
  | 'threshold'
  | 'breached'
>;

/** The columns of a health_results row that rules read. */
export type HealthResult = Pick<
  HealthResultRow,
  | 'model_version'
  | 'status'
  | 'events'
  | 'error_rate'
  | 'events_per_s'
  | 'latency_p50_ms'
  | 'latency_p90_ms'
  | 'latency_p95_ms'
  | 'latency_p99_ms'
>;

/** The columns of a quality_results row that rules read. */
export type QualityResult = Pick<QualityResultRow, 'model_version' | 'metric' | 'status' | 'value'>;

/** What one rule saw in one segment (model version) of a run; undefined = no verdict (insufficient data). */
export interface Observation {
  active: boolean;
  evidence: Evidence[];
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/**
 * The value a condition is checked on. A binned KS result is an interval [lo, hi] that holds
 * the exact value; a condition is met only when the whole interval meets it (`> t` on lo,
 * `< t` on hi), the same rule that decides `breached`: no alert on a maybe.
 */
function conditionValue(row: DriftResult, field: 'value' | 'p_value', op: Comparison): number | null {
  const upward = op === '>' || op === '>=';
  if (field === 'value') return (upward ? row.value_lo : row.value_hi) ?? row.value;
  return (upward ? row.p_value_lo : row.p_value_hi) ?? row.p_value;
}

/** The methods' own breach direction, for listing breached results as evidence. */
function breachEvidence(row: DriftResult): Evidence {
  const pValueMethod = row.method === 'ks' || row.method === 'chi2';
  return {
    modelVersion: row.model_version,
    feature: row.feature,
    metric: pValueMethod ? `${row.method}.p_value` : row.method,
    value: (pValueMethod ? row.p_value : row.value) ?? Number.NaN,
    op: pValueMethod ? '<' : '>',
    threshold: row.threshold ?? Number.NaN,
  };
}

/** Features whose drift breached their threshold in a segment (each once, by its first breached method). */
export function driftedFeatures(drift: readonly DriftResult[], version: string): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const row of drift) {
    if (row.model_version === version && row.status === 'ok' && row.breached && !seen.has(row.feature))
      seen.set(row.feature, breachEvidence(row));
  }
  return [...seen.values()];
}

function modelMetricValue(
  metric: Exclude<RuleMetric, FeatureMetric>,
  version: string,
  drift: readonly DriftResult[],
  health: readonly HealthResult[],
  quality: readonly QualityResult[],
): number | undefined {
  if (isQualityMetric(metric)) {
    // 'insufficient_labels' (too few labelled predictions, too little coverage): no verdict
    const row = quality.find((q) => q.model_version === version && q.metric === metric && q.status === 'ok');
    return row && typeof row.value === 'number' && Number.isFinite(row.value) ? row.value : undefined;
  }
  if (metric === 'drifted_features') {
    const judged = drift.some((r) => r.model_version === version && r.status === 'ok');
    return judged ? driftedFeatures(drift, version).length : undefined;
  }
  // counts are facts even below min_samples (a traffic drop is exactly that); quantiles and rates are not
  const counting = metric === 'events' || metric === 'events_per_s';
  const row = health.find((h) => h.model_version === version && (counting || h.status === 'ok'));
  const value = row?.[MODEL_METRICS[metric as ModelMetric].column as keyof HealthResult];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A condition on a model-level metric in one segment; undefined when there is no verdict. */
export function observeModelCondition(
  when: Condition,
  version: string,
  drift: readonly DriftResult[],
  health: readonly HealthResult[],
  quality: readonly QualityResult[] = [],
): Observation | undefined {
  if (isFeatureMetric(when.metric)) throw new Error(`${when.metric} is a feature metric`);
  const value = modelMetricValue(when.metric, version, drift, health, quality);
  if (value === undefined) return undefined;
  const active = compare(value, when.op, when.threshold);
  const evidence: Evidence[] = active
    ? [{ modelVersion: version, metric: when.metric, value, op: when.op, threshold: when.threshold }]
    : [];
  if (active && when.metric === 'drifted_features') evidence.push(...driftedFeatures(drift, version));
  return { active, evidence };
}

/** The segments a rule is judged in: all versions together, or each version on its own. */
export function ruleSegments(
  perVersion: boolean,
  drift: readonly DriftResult[],
  health: readonly HealthResult[],
  quality: readonly QualityResult[] = [],
): string[] {
  if (!perVersion) return [ALL_VERSIONS];
  const versions = new Set([...drift, ...health, ...quality].map((r) => r.model_version));
  versions.delete(ALL_VERSIONS);
  return versions.size > 0 ? [...versions].sort() : [ALL_VERSIONS];
}

/** One rule in one segment of a run's results. */
export function observeRule(
  rule: RuleSpec,
  version: string,
  drift: readonly DriftResult[],
  health: readonly HealthResult[],
  quality: readonly QualityResult[] = [],
): Observation | undefined {
  const when = rule.when;
  if (!isFeatureMetric(when.metric)) return observeModelCondition(when, version, drift, health, quality);
  const { method, field } = FEATURE_METRICS[when.metric];
  const evidence: Evidence[] = [];
  let judged = false;
  for (const row of drift) {
    if (row.model_version !== version || row.method !== method || row.status !== 'ok') continue;
    if (rule.features && !rule.features.includes(row.feature)) continue;
    const value = conditionValue(row, field, when.op);
    if (value === null || !Number.isFinite(value)) continue;
    judged = true;
    if (compare(value, when.op, when.threshold))
      evidence.push({
        modelVersion: version,
        feature: row.feature,
        metric: when.metric,
        value,
        op: when.op,
        threshold: when.threshold,
      });
  }
  return judged ? { active: evidence.length > 0, evidence } : undefined;
}
