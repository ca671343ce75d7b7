/**
 * The `quality` section of a monitor (issue #11): model quality against labels that arrive later.
 *
 *   quality:
 *     task: binary            # binary | multiclass | regression
 *     positive: 1             # binary: the label value of the positive class (default 1)
 *     threshold: 0.5          # binary: a prediction is positive when score >= threshold
 *     metrics: [f1, roc_auc]  # default: every metric of the task
 *     label_delay: 24h        # judge the window that ended this long ago
 *     min_labelled: 100
 *     min_label_coverage: 0.5
 */
import {
  DEFAULT_DECISION_THRESHOLD,
  DEFAULT_MIN_LABEL_COVERAGE,
  DEFAULT_MIN_LABELLED,
  QUALITY_METRICS,
  QUALITY_TASKS,
  type QualityMetric,
  type QualitySpec,
  type QualityTask,
} from '@driftwatch/drift';
import { child, has, isMap, type Problems, readInt, readList } from './config-reading';
import { DURATION_EXPECTED, durationMs } from './monitor-config-time';

export const QUALITY_KEYS = [
  'task',
  'positive',
  'threshold',
  'metrics',
  'label_delay',
  'min_labelled',
  'min_label_coverage',
] as const;

const BINARY_ONLY = ['positive', 'threshold'] as const;

/** undefined when the section is unusable (every problem reported). */
export function readQuality(value: unknown, path: string, p: Problems): QualitySpec | undefined {
  if (!isMap(value)) return p.invalid(path, value, `a map with keys ${QUALITY_KEYS.join(', ')}`);
  p.unknownKeys(value, path, QUALITY_KEYS);
  const at = (key: string) => child(path, key);

  let task: QualityTask | undefined;
  if (!has(value, 'task')) p.missing(at('task'), QUALITY_TASKS.join(', '));
  else if ((QUALITY_TASKS as readonly unknown[]).includes(value.task)) task = value.task as QualityTask;
  else p.invalid(at('task'), value.task, QUALITY_TASKS.join(', '));

  const fraction = (key: 'threshold' | 'min_label_coverage', fallback: number) => {
    if (!has(value, key)) return fallback;
    const v = value[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1
      ? v
      : (p.invalid(at(key), v, 'a number from 0 to 1') ?? fallback);
  };
  const threshold = fraction('threshold', DEFAULT_DECISION_THRESHOLD);
  const minLabelCoverage = fraction('min_label_coverage', DEFAULT_MIN_LABEL_COVERAGE);
  const minLabelled = has(value, 'min_labelled')
    ? (readInt(value.min_labelled, at('min_labelled'), p, 1) ?? DEFAULT_MIN_LABELLED)
    : DEFAULT_MIN_LABELLED;

  let labelDelayMs = 0;
  if (!has(value, 'label_delay')) p.missing(at('label_delay'), `${DURATION_EXPECTED} (how long labels take to arrive)`);
  else
    labelDelayMs =
      durationMs(value.label_delay) ?? p.invalid(at('label_delay'), value.label_delay, DURATION_EXPECTED) ?? 0;

  let positive: number | string | undefined;
  if (has(value, 'positive')) {
    const v = value.positive;
    if ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length > 0)) positive = v;
    else p.invalid(at('positive'), v, 'the label value of the positive class: a number or a non-empty string');
  }
  if (task !== undefined && task !== 'binary')
    for (const key of BINARY_ONLY)
      if (has(value, key)) p.invalid(at(key), value[key], `no ${key}: it applies to task binary only`);

  if (task === undefined) return undefined;
  const allowed: readonly QualityMetric[] = QUALITY_METRICS[task];
  let metrics = [...allowed];
  if (has(value, 'metrics')) {
    const expected = `a non-empty list of ${task} metrics: ${allowed.join(', ')}`;
    const list = readList(value.metrics, at('metrics'), p, expected);
    if (list?.length === 0) p.invalid(at('metrics'), list, expected);
    else if (list) {
      const chosen: QualityMetric[] = [];
      for (const [i, m] of list.entries()) {
        if (!(allowed as readonly unknown[]).includes(m))
          p.invalid(child(at('metrics'), i), m, `a ${task} metric: ${allowed.join(', ')}`);
        else if (chosen.includes(m as QualityMetric)) p.invalid(child(at('metrics'), i), m, 'each metric once');
        else chosen.push(m as QualityMetric);
      }
      metrics = chosen;
    }
  }
  return {
    task,
    ...(positive !== undefined ? { positive } : {}),
    threshold,
    metrics,
    labelDelayMs,
    minLabelled,
    minLabelCoverage,
  };
}
