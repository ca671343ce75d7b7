import { ALL_VERSIONS, formatDateTime, LATENCY_QUANTILES, literal, type ClickHouse, type DriftResultRow, type HealthResultRow } from '@driftwatch/clickhouse';
import type { Baseline, BaselineFeature } from './baseline';
import { evaluateFeature, type WindowFeature } from './evaluate';
import type { DriftMethod, FeatureKind, Thresholds } from './spec';
import { windowCounts } from './histograms';
import { featureArraysSql, healthRows, PREDICTION_FEATURE } from './queries';
import { featureSource, type TimeRange } from './window';

export interface FeatureSetting {
  kind?: FeatureKind;
  methods?: DriftMethod[];
  thresholds?: Partial<Thresholds>;
}

/** One monitor run: a model's window compared with a baseline. Built by apps/monitor from config. */
export interface DriftJob {
  runId: string;
  monitor: string;
  model: string;
  window: TimeRange;
  baseline: Baseline;
  /** 'all': every feature of the baseline */
  features: 'all' | Record<string, FeatureSetting>;
  excludeFeatures: readonly string[];
  prediction: boolean;
  numericMethods: readonly DriftMethod[];
  categoricalMethods: readonly DriftMethod[];
  thresholds: Thresholds;
  minSamples: number;
  segmentByVersion: boolean;
  latency: boolean;
}

function selectFeatures(job: DriftJob): { base: BaselineFeature; setting: FeatureSetting }[] {
  const chosen: { base: BaselineFeature; setting: FeatureSetting }[] = [];
  const wanted: [string, FeatureSetting][] = job.features === 'all' ? [...job.baseline.features.keys()].map((f) => [f, {}]) : Object.entries(job.features);
  for (const [name, setting] of wanted) {
    if (job.excludeFeatures.includes(name)) continue;
    if (name === PREDICTION_FEATURE && !job.prediction) continue;
    const base = job.baseline.features.get(name);
    if (!base) throw new Error(`feature ${name} is not in baseline ${job.baseline.id}`);
    if (setting.kind && setting.kind !== base.kind) throw new Error(`feature ${name} is configured ${setting.kind} but baseline ${job.baseline.id} has it ${base.kind}`);
    chosen.push({ base, setting });
  }
  if (job.prediction && job.features !== 'all' && !(PREDICTION_FEATURE in job.features) && job.baseline.features.has(PREDICTION_FEATURE)) {
    chosen.push({ base: job.baseline.features.get(PREDICTION_FEATURE)!, setting: {} });
  }
  return chosen;
}

function addInto(target: number[], source: number[]): void {
  source.forEach((v, i) => (target[i] = (target[i] ?? 0) + v));
}

/**
 * Computes a run's drift and health results. ClickHouse does the counting (per-minute counts
 * pre-aggregated at insert time for numeric and categorical features, one raw aggregate for
 * health); TypeScript bins the buckets and finishes the
 * statistics. Versions are segments of the same counts, and '*' (all versions) is their sum, so
 * segmentation costs no extra scan.
 */
export async function runDriftJob(ch: ClickHouse, job: DriftJob, nowMs = Date.now()): Promise<{ drift: DriftResultRow[]; health: HealthResultRow[] }> {
  const features = selectFeatures(job);
  const numeric = features.filter((f) => f.base.kind === 'numeric');
  const categorical = features.filter((f) => f.base.kind === 'categorical');
  const levels = LATENCY_QUANTILES.map(([level]) => level);
  // health reads raw rows: start it with the counts, without FINAL, and redo it through FINAL only
  // if the window turns out to hold duplicates
  const healthNoDuplicates = job.latency ? settled(healthRows(ch, job.model, job.window, levels, false)) : undefined;
  const { numeric: num, categories: cat, extraCopies } = await windowCounts(
    ch,
    job.model,
    job.window,
    numeric.map(({ base }) => ({ feature: base.feature, psiEdges: base.psiEdges, grid: base.grid })),
    categorical.map(({ base }) => base.feature),
  );

  // window -> version -> feature -> what the statistics need
  const windows = new Map<string, Map<string, WindowFeature>>();
  const at = (version: string, feature: string, make: () => WindowFeature) => {
    let byFeature = windows.get(version);
    if (!byFeature) windows.set(version, (byFeature = new Map()));
    let w = byFeature.get(feature);
    if (!w) byFeature.set(feature, (w = make()));
    return w;
  };
  for (const [version, byFeature] of num.byVersion) {
    for (const [feature, c] of byFeature) {
      const targets = job.segmentByVersion ? [version, ALL_VERSIONS] : [ALL_VERSIONS];
      for (const v of targets) {
        const w = at(v, feature, () => ({ n: 0, psi: [], grid: [] }));
        w.n += c.n;
        addInto(w.psi!, c.psi);
        addInto(w.grid!, c.grid);
      }
    }
  }
  for (const [version, byFeature] of cat) {
    for (const [feature, m] of byFeature) {
      const targets = job.segmentByVersion ? [version, ALL_VERSIONS] : [ALL_VERSIONS];
      for (const v of targets) {
        const w = at(v, feature, () => ({ n: 0, categories: new Map() }));
        for (const [k, n] of m) {
          w.n += n;
          w.categories!.set(k, (w.categories!.get(k) ?? 0) + n);
        }
      }
    }
  }
  await attachExactSamples(ch, job, numeric.map((f) => f.base), windows);

  const base = {
    run_id: job.runId,
    monitor: job.monitor,
    model: job.model,
    window_start: formatDateTime(job.window.startMs),
    window_end: formatDateTime(job.window.endMs),
    computed_at: formatDateTime(nowMs),
  };
  const versions = windows.size > 0 ? [...windows.keys()] : [ALL_VERSIONS];
  const drift: DriftResultRow[] = [];
  for (const version of versions) {
    for (const { base: bf, setting } of features) {
      const w = windows.get(version)?.get(bf.feature) ?? { n: 0 };
      const methods = setting.methods ?? (bf.kind === 'numeric' ? job.numericMethods : job.categoricalMethods);
      const thresholds = { ...job.thresholds, ...setting.thresholds };
      for (const r of evaluateFeature(bf, w, methods, thresholds, job.minSamples)) {
        drift.push({
          ...base,
          model_version: version,
          feature: bf.feature,
          feature_kind: bf.kind,
          method: r.method,
          status: r.status,
          value: r.value,
          value_lo: r.valueLo,
          value_hi: r.valueHi,
          p_value: r.pValue,
          p_value_lo: r.pValueLo,
          p_value_hi: r.pValueHi,
          threshold: r.threshold,
          breached: r.breached ? 1 : 0,
          baseline_id: job.baseline.id,
          baseline_n: bf.n,
          window_n: w.n,
        });
      }
    }
  }

  const health: HealthResultRow[] = [];
  if (job.latency) {
    const seconds = (job.window.endMs - job.window.startMs) / 1000;
    const rows = extraCopies > 0 ? await healthRows(ch, job.model, job.window, levels, true) : await unwrap(healthNoDuplicates!);
    for (const h of rows) {
      if (!job.segmentByVersion && h.model_version !== ALL_VERSIONS) continue;
      const enough = h.events >= job.minSamples;
      const q = (i: number) => (enough ? h.quantiles[i]! : null);
      health.push({
        ...base,
        model_version: h.model_version,
        status: enough ? 'ok' : 'insufficient_data',
        events: h.events,
        errors: h.errors,
        error_rate: h.events > 0 ? h.errors / h.events : null,
        events_per_s: h.events / seconds,
        latency_p50_ms: q(0),
        latency_p90_ms: q(1),
        latency_p95_ms: q(2),
        latency_p99_ms: q(3),
      });
    }
  }
  return { drift, health };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (so it may wait unobserved while other queries run). */
function settled<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function unwrap<T>(p: Promise<Settled<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * scipy's ks_2samp is exact when both samples have at most 10,000 values. When the baseline kept
 * all its values and a window is that small, fetch the window's values (an aggregate of at most
 * 10,000 numbers per feature) so KS is exact rather than binned.
 */
async function attachExactSamples(ch: ClickHouse, job: DriftJob, numeric: BaselineFeature[], windows: Map<string, Map<string, WindowFeature>>): Promise<void> {
  const small = numeric.filter((b) => b.sample.length === b.n && b.n <= 10_000 && (windows.get(ALL_VERSIONS)?.get(b.feature)?.n ?? 0) <= 10_000);
  if (small.length === 0) return;
  const names = small.map((b) => b.feature);
  const rows = await ch.query<{ model_version: string; name: string; vals: number[] }>(
    `SELECT model_version, name, groupArray(value) AS vals FROM
       (SELECT model_version, ${featureArraysSql('numeric', true)}
        FROM ${featureSource(job.model, job.window, 'num_names, num_values, prediction_num')})
     ARRAY JOIN names_all AS name, values_all AS value
     WHERE name IN (${names.map(literal).join(', ')})
     GROUP BY model_version, name`,
  );
  for (const r of rows) {
    const vals = r.vals.map(Number);
    const targets = job.segmentByVersion ? [r.model_version, ALL_VERSIONS] : [ALL_VERSIONS];
    for (const v of targets) {
      const w = windows.get(v)?.get(r.name);
      if (w) w.values = (w.values ?? []).concat(vals);
    }
  }
}
