/**
 * Stage 1 of a run: the plan. Which window, which baseline, which features with which methods and
 * thresholds. Nothing is counted yet; the only query is the baseline's (created once from its
 * time range when the monitor has no stored one).
 */
import { formatDateTime, type ClickHouse } from '@driftwatch/clickhouse';
import { baselineFromRange, loadBaseline, saveBaseline, type Baseline, type BaselineFeature } from './baseline';
import type { DriftMethod, DriftMonitorSpec, FeatureSpec, QualitySpec, Thresholds } from './spec';
import { PREDICTION_FEATURE, type TimeRange } from './window-sql';

/** One run of a monitor: a model's window compared with a baseline. */
export interface RunPlan {
  runId: string;
  monitor: string;
  model: string;
  window: TimeRange;
  baseline: Baseline;
  /** 'all': every feature of the baseline */
  features: 'all' | Record<string, FeatureSpec>;
  excludeFeatures: readonly string[];
  prediction: boolean;
  numericMethods: readonly DriftMethod[];
  categoricalMethods: readonly DriftMethod[];
  thresholds: Thresholds;
  minSamples: number;
  segmentByVersion: boolean;
  latency: boolean;
  /** Model quality, judged on its own window (qualityWindow); absent: none. */
  quality?: QualitySpec;
}

/** A feature a run evaluates: its baseline, and the methods and thresholds it is judged by. */
export interface PlannedFeature {
  base: BaselineFeature;
  methods: readonly DriftMethod[];
  thresholds: Thresholds;
}

/** The plan of one run of a monitor, for the window ending at `window.endMs`. */
export async function planRun(
  ch: ClickHouse,
  spec: DriftMonitorSpec,
  runId: string,
  window: TimeRange,
): Promise<RunPlan> {
  return {
    runId,
    monitor: spec.name,
    model: spec.model,
    window,
    baseline: await resolveBaseline(ch, spec),
    features: spec.features,
    excludeFeatures: spec.excludeFeatures,
    prediction: spec.prediction,
    numericMethods: spec.numericMethods,
    categoricalMethods: spec.categoricalMethods,
    thresholds: spec.thresholds,
    minSamples: spec.minSamples,
    segmentByVersion: spec.segmentByVersion,
    latency: spec.latency,
    ...(spec.quality ? { quality: spec.quality } : {}),
  };
}

/** The baseline a monitor compares with: a stored one by id or name, or its configured time range (created once). */
export async function resolveBaseline(ch: ClickHouse, spec: DriftMonitorSpec): Promise<Baseline> {
  if (spec.baseline.kind === 'id') {
    const found = await loadBaseline(ch, spec.model, spec.baseline.id);
    if (!found)
      throw new Error(
        `baseline '${spec.baseline.id}' of model ${spec.model} does not exist; import it with: npm run driftwatch -- baseline import`,
      );
    return found;
  }
  const name = `${spec.name}.range`;
  const existing = await loadBaseline(ch, spec.model, name);
  if (existing) return existing;
  const created = await baselineFromRange(
    ch,
    name,
    spec.model,
    { startMs: spec.baseline.fromMs, endMs: spec.baseline.toMs },
    { psiBins: spec.psiBins },
  );
  await saveBaseline(ch, created);
  return created;
}

/** The features of a plan, each with the baseline it is compared with and its methods and thresholds. */
export function plannedFeatures(plan: RunPlan): PlannedFeature[] {
  const chosen: { base: BaselineFeature; setting?: FeatureSpec }[] = [];
  const wanted: [string, FeatureSpec | undefined][] =
    plan.features === 'all'
      ? [...plan.baseline.features.keys()].map((f) => [f, undefined])
      : Object.entries(plan.features);
  for (const [name, setting] of wanted) {
    if (plan.excludeFeatures.includes(name)) continue;
    if (name === PREDICTION_FEATURE && !plan.prediction) continue;
    const base = plan.baseline.features.get(name);
    if (!base) throw new Error(`feature ${name} is not in baseline ${plan.baseline.id}`);
    if (setting?.type && setting.type !== base.kind)
      throw new Error(
        `feature ${name} is configured ${setting.type} but baseline ${plan.baseline.id} has it ${base.kind}`,
      );
    chosen.push({ base, setting });
  }
  const prediction = plan.baseline.features.get(PREDICTION_FEATURE);
  if (plan.prediction && plan.features !== 'all' && !(PREDICTION_FEATURE in plan.features) && prediction)
    chosen.push({ base: prediction });
  return chosen.map(({ base, setting }) => ({
    base,
    methods: setting?.methods ?? (base.kind === 'numeric' ? plan.numericMethods : plan.categoricalMethods),
    thresholds: { ...plan.thresholds, ...setting?.thresholds },
  }));
}

/** The columns every result row of a run carries but its segment (model_version). */
export function runColumns(plan: RunPlan, computedAtMs: number) {
  return {
    run_id: plan.runId,
    monitor: plan.monitor,
    model: plan.model,
    window_start: formatDateTime(plan.window.startMs),
    window_end: formatDateTime(plan.window.endMs),
    computed_at: formatDateTime(computedAtMs),
  };
}
