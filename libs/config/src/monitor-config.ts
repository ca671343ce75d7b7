/**
 * The monitor config file (monitors.yaml, version 1), read once at start-up. A bad file stops the
 * process with every problem listed, one per line, each naming the key path, the value and what
 * was expected (docs/ARCHITECTURE.md, "Configuration"):
 *
 *   monitors.yaml: monitors[0].window: "1hour" is invalid: expected a duration like 30s, 15m, 1h, 7d
 *
 * Checks are written by hand rather than with a JSON Schema: the messages are in the file's own
 * terms (YAML paths, durations, cron fields) and the cross-field rules (a method valid for the
 * feature's type, unique names, from before to) are not expressible in a schema anyway.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NAME_RE } from '@driftwatch/contracts';
import { LineCounter, parseDocument, visit } from 'yaml';
import {
  ALIAS_HINT,
  child,
  has,
  isMap,
  NAME_CHARS,
  Problems,
  readBoolean,
  readInt,
  readList,
  readName,
  type YamlMap,
} from './config-reading';
import {
  ALL_QUALITY_METRICS,
  type AlertingMonitorSpec,
  type AlertingSettings,
  type RuleSpec,
} from '@driftwatch/alerting';
import {
  CATEGORICAL_METHODS,
  NUMERIC_METHODS,
  type BaselineRef,
  type CategoricalMethod,
  type DriftMethod,
  type DriftMonitorSpec,
  type FeatureKind,
  type FeatureSpec,
  type NumericMethod,
  type Thresholds,
} from '@driftwatch/drift';
import {
  DEFAULT_ALERTING,
  readAlerting,
  readRetraining,
  readRules,
  ruleProblem,
  type RuleContext,
} from './alerting-config';
import type { Env } from '@driftwatch/env';
import { readQuality } from './quality-config';
import { cronProblem, DURATION_EXPECTED, durationMs, ISO_TIME_EXPECTED, isoTimeMs } from './monitor-config-time';

export { formatDuration, parseDuration } from './monitor-config-time';

export type CatchUp = 'skip' | 'run_missed';

/** The settings `defaults:` gives every monitor and a monitor may override. */
export interface MonitorSettings {
  /** Cron, 5 fields or 6 with seconds first; whitespace collapsed to single spaces. */
  schedule: string;
  /** The current window: the last windowMs before the run time. */
  windowMs: number;
  /** Below this many rows a result says 'insufficient data'. */
  minSamples: number;
  /** One result per model_version as well as one for all versions. */
  segmentByVersion: boolean;
  catchUp: CatchUp;
  /** At most this many missed runs replayed when catchUp is run_missed. */
  maxCatchUp: number;
  numericMethods: NumericMethod[];
  categoricalMethods: CategoricalMethod[];
  thresholds: Thresholds;
  psiBins: number;
}

/** A monitor as the file defines it: what a run computes (libs/drift), what alerting does with it (libs/alerting), and when it runs. */
export interface MonitorSpec extends MonitorSettings, DriftMonitorSpec, AlertingMonitorSpec {
  enabled: boolean;
}

export interface MonitorConfig {
  version: 1;
  monitors: MonitorSpec[];
  alerting: AlertingSettings;
}

/** The built-in defaults, which `defaults:` in the file overrides key by key. */
export const DEFAULT_MONITOR_SETTINGS: Readonly<MonitorSettings> = Object.freeze<MonitorSettings>({
  schedule: '*/10 * * * *',
  windowMs: 3_600_000,
  minSamples: 100,
  segmentByVersion: true,
  catchUp: 'skip',
  maxCatchUp: 24,
  numericMethods: ['psi', 'ks'],
  categoricalMethods: ['psi', 'chi2'],
  thresholds: { psi: 0.2, ksPValue: 0.01, chi2PValue: 0.01, js: 0.1, wasserstein: null },
  psiBins: 10,
});

export interface MonitorConfigProblem {
  /** YAML key path, like `monitors[2].features.origin.type`; '' for the file as a whole. */
  path: string;
  /** The offending value; undefined for a missing key. */
  value: unknown;
  /** What was expected, in words. */
  expected: string;
  /** This problem as one line of the error message, starting with the file name. */
  message: string;
  /** For YAML syntax errors: 1-based position from the yaml parser. */
  line?: number;
  column?: number;
}

export class MonitorConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly MonitorConfigProblem[],
  ) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'MonitorConfigError';
  }
}

/**
 * Reads and checks a monitor config file. `env` holds the webhook secrets that channels name by secret_env.
 * @throws {MonitorConfigError} when the file cannot be read (naming its absolute path) or is invalid
 */
export function loadMonitorConfig(path: string, env: Env = process.env): MonitorConfig {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    const expected = 'a readable monitor config file';
    throw new MonitorConfigError(absolute, [
      { path: '', value: absolute, expected, message: `${absolute}: cannot read the monitor config file: ${reason}` },
    ]);
  }
  return parseMonitorConfig(text, absolute, env);
}

/**
 * Parses and checks the text of a monitor config file and applies every default.
 * @param source - the file name used in messages
 * @throws {MonitorConfigError} listing every problem found
 */
export function parseMonitorConfig(text: string, source = 'monitors.yaml', env: Env = process.env): MonitorConfig {
  const problems = new Problems(source);
  const lineCounter = new LineCounter();
  // The core schema even under a `%YAML 1.1` directive: times stay strings (checked for a zone), yes/no are not booleans.
  const doc = parseDocument(text, { prettyErrors: true, lineCounter, schema: 'core' });
  // Warnings too (an unresolved tag like `!secret x` would silently read as "x").
  for (const error of [...doc.errors, ...doc.warnings]) {
    const aliasMistake =
      error.code === 'BAD_ALIAS' || (error.code === 'UNEXPECTED_TOKEN' && / alias /.test(error.message));
    problems.syntax(error.message, error.linePos?.[0], aliasMistake ? ALIAS_HINT : '');
  }
  if (problems.list.length === 0) {
    // toJS would throw on these without a position.
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc)) return;
        const pos = alias.range ? lineCounter.linePos(alias.range[0]) : undefined;
        problems.syntax(`Unresolved alias *${alias.source}: no anchor &${alias.source} before it`, pos, ALIAS_HINT);
      },
    });
  }
  if (problems.list.length > 0) throw new MonitorConfigError(source, problems.list);
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (error) {
    // e.g. the alias-expansion limit that guards against "billion laughs"
    problems.syntax((error as Error).message, undefined, '');
    throw new MonitorConfigError(source, problems.list);
  }
  const config = readRoot(root, problems, env);
  if (problems.list.length > 0 || config === undefined) throw new MonitorConfigError(source, problems.list);
  return config;
}

// ---------------------------------------------------------------------------------------------
// Methods

/** A non-empty list of distinct methods from `allowed`. */
function readMethods<T extends DriftMethod>(
  value: unknown,
  path: string,
  p: Problems,
  allowed: readonly T[],
  expected: (method: unknown) => string,
): T[] | undefined {
  if (!Array.isArray(value) || value.length === 0)
    return p.invalid(path, value, `a non-empty list of methods: ${allowed.join(', ')}`);
  const seen = new Set<T>();
  for (const [i, item] of value.entries()) {
    if (!(allowed as readonly unknown[]).includes(item)) p.invalid(child(path, i), item, expected(item));
    else if (seen.has(item)) p.invalid(child(path, i), item, 'each method once');
    else seen.add(item);
  }
  return seen.size === value.length ? [...seen] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Thresholds

const THRESHOLD_KEYS = {
  psi: {
    field: 'psi',
    method: 'psi',
    expected: 'a number greater than 0, or null (report only)',
    valid: (x: number) => x > 0,
  },
  ks_p_value: {
    field: 'ksPValue',
    method: 'ks',
    expected: 'a p-value between 0 and 1 (exclusive), or null (report only)',
    valid: (x: number) => x > 0 && x < 1,
  },
  chi2_p_value: {
    field: 'chi2PValue',
    method: 'chi2',
    expected: 'a p-value between 0 and 1 (exclusive), or null (report only)',
    valid: (x: number) => x > 0 && x < 1,
  },
  js: {
    field: 'js',
    method: 'js',
    expected: 'a number greater than 0 and at most 1, or null (report only)',
    valid: (x: number) => x > 0 && x <= 1,
  },
  wasserstein: {
    field: 'wasserstein',
    method: 'wasserstein',
    expected: 'a number greater than 0, or null (report only)',
    valid: (x: number) => x > 0,
  },
} as const satisfies Record<
  string,
  { field: keyof Thresholds; method: DriftMethod; expected: string; valid: (x: number) => boolean }
>;
type ThresholdKey = keyof typeof THRESHOLD_KEYS;
const THRESHOLD_KEY_NAMES = Object.keys(THRESHOLD_KEYS) as ThresholdKey[];

function thresholdKeysFor(methods: readonly DriftMethod[]): ThresholdKey[] {
  return THRESHOLD_KEY_NAMES.filter((key) => methods.includes(THRESHOLD_KEYS[key].method));
}

/**
 * Threshold overrides, key by key. `limit` restricts the keys to the methods that can run on a
 * feature (a chi2 threshold on a numeric feature could never apply).
 */
function readThresholds(
  value: unknown,
  path: string,
  p: Problems,
  limit?: { keys: readonly ThresholdKey[]; expected: (key: ThresholdKey) => string },
): Partial<Thresholds> {
  if (!isMap(value)) {
    p.invalid(path, value, `a map of thresholds with keys ${(limit?.keys ?? THRESHOLD_KEY_NAMES).join(', ')}`);
    return {};
  }
  p.unknownKeys(value, path, THRESHOLD_KEY_NAMES);
  const out: Partial<Thresholds> = {};
  for (const key of THRESHOLD_KEY_NAMES) {
    if (!has(value, key)) continue;
    const at = child(path, key);
    const x = value[key];
    const { field, expected, valid } = THRESHOLD_KEYS[key];
    if (limit && !limit.keys.includes(key)) p.invalid(at, x, limit.expected(key));
    else if (x === null || (typeof x === 'number' && Number.isFinite(x) && valid(x))) out[field] = x;
    else p.invalid(at, x, expected);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Settings shared by `defaults:` and each monitor

const SETTING_KEYS = [
  'window',
  'schedule',
  'min_samples',
  'segment_by_version',
  'catch_up',
  'max_catch_up',
  'numeric_methods',
  'categorical_methods',
  'thresholds',
  'psi_bins',
] as const;

/** `base` with the settings present in `map` applied; a bad value is reported and the base value kept. */
function readSettings(map: YamlMap, path: string, p: Problems, base: Readonly<MonitorSettings>): MonitorSettings {
  const out: MonitorSettings = {
    ...base,
    numericMethods: [...base.numericMethods],
    categoricalMethods: [...base.categoricalMethods],
    thresholds: { ...base.thresholds },
  };
  const at = (key: string) => child(path, key);
  if (has(map, 'window'))
    out.windowMs = durationMs(map.window) ?? p.invalid(at('window'), map.window, DURATION_EXPECTED) ?? out.windowMs;
  if (has(map, 'schedule')) {
    const expected = cronProblem(map.schedule);
    if (expected === undefined) out.schedule = (map.schedule as string).trim().split(/\s+/).join(' ');
    else p.invalid(at('schedule'), map.schedule, expected);
  }
  if (has(map, 'min_samples')) out.minSamples = readInt(map.min_samples, at('min_samples'), p, 1) ?? out.minSamples;
  if (has(map, 'segment_by_version'))
    out.segmentByVersion = readBoolean(map.segment_by_version, at('segment_by_version'), p) ?? out.segmentByVersion;
  if (has(map, 'catch_up')) {
    const value = map.catch_up;
    if (value === 'skip' || value === 'run_missed') out.catchUp = value;
    else p.invalid(at('catch_up'), value, 'skip or run_missed');
  }
  if (has(map, 'max_catch_up'))
    out.maxCatchUp = readInt(map.max_catch_up, at('max_catch_up'), p, 1, 1000) ?? out.maxCatchUp;
  if (has(map, 'numeric_methods')) {
    out.numericMethods =
      readMethods(map.numeric_methods, at('numeric_methods'), p, NUMERIC_METHODS, () => methodFor('numeric')) ??
      out.numericMethods;
  }
  if (has(map, 'categorical_methods')) {
    out.categoricalMethods =
      readMethods(map.categorical_methods, at('categorical_methods'), p, CATEGORICAL_METHODS, () =>
        methodFor('categorical'),
      ) ?? out.categoricalMethods;
  }
  if (has(map, 'thresholds')) Object.assign(out.thresholds, readThresholds(map.thresholds, at('thresholds'), p));
  if (has(map, 'psi_bins')) out.psiBins = readInt(map.psi_bins, at('psi_bins'), p, 2, 100) ?? out.psiBins;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The file

const ROOT_KEYS = ['version', 'defaults', 'alerting', 'rules', 'monitors'] as const;
const MONITOR_KEYS = [
  'name',
  'model',
  'baseline',
  ...SETTING_KEYS,
  'features',
  'exclude_features',
  'prediction',
  'latency',
  'enabled',
  'rules',
  'retraining',
  'quality',
] as const;
const FEATURE_KEYS = ['type', 'methods', 'thresholds'] as const;
const BASELINE_KEYS = ['from', 'to'] as const;

function readRoot(root: unknown, p: Problems, env: Env): MonitorConfig | undefined {
  if (root === null || root === undefined) return p.emptyFile(`a map with keys ${ROOT_KEYS.join(', ')}`);
  if (!isMap(root)) return p.invalid('', root, `a map with keys ${ROOT_KEYS.join(', ')}`);
  if (!has(root, 'version')) p.missing('version', '1');
  else if (root.version !== 1) {
    // Another version's keys would only produce noise: report the version alone.
    return p.invalid('version', root.version, '1 (the only version of this file format)');
  }
  p.unknownKeys(root, '', ROOT_KEYS);

  let defaults: Readonly<MonitorSettings> = DEFAULT_MONITOR_SETTINGS;
  if (has(root, 'defaults')) {
    if (!isMap(root.defaults)) p.invalid('defaults', root.defaults, `a map with keys ${SETTING_KEYS.join(', ')}`);
    else {
      p.unknownKeys(root.defaults, 'defaults', SETTING_KEYS);
      defaults = readSettings(root.defaults, 'defaults', p, DEFAULT_MONITOR_SETTINGS);
    }
  }

  const alerting = has(root, 'alerting')
    ? readAlerting(root.alerting, 'alerting', p, env)
    : { ...DEFAULT_ALERTING, channels: {} };
  // Top-level rules apply to every monitor; a metric a monitor does not compute never fires there.
  const declared = isMap(root.alerting) && isMap(root.alerting.channels) ? Object.keys(root.alerting.channels) : [];
  const anyMetric: RuleContext = {
    methods: new Set([...NUMERIC_METHODS, ...CATEGORICAL_METHODS]),
    latency: true,
    qualityMetrics: new Set(ALL_QUALITY_METRICS),
    channelNames: declared,
  };
  const sharedRules = has(root, 'rules') ? readRules(root.rules, 'rules', p, anyMetric) : [];

  const monitors: MonitorSpec[] = [];
  if (!has(root, 'monitors')) p.missing('monitors', 'a non-empty list of monitors');
  else if (!Array.isArray(root.monitors) || root.monitors.length === 0)
    p.invalid('monitors', root.monitors, 'a non-empty list of monitors');
  else {
    const firstIndexOf = new Map<string, number>();
    for (const [i, item] of root.monitors.entries()) {
      const path = child('monitors', i);
      const name = isMap(item) ? item.name : undefined;
      if (typeof name === 'string' && NAME_RE.test(name)) {
        const first = firstIndexOf.get(name);
        if (first !== undefined)
          p.invalid(child(path, 'name'), name, `a name no other monitor has (monitors[${first}] has it)`);
        else firstIndexOf.set(name, i);
      }
      const monitor = readMonitor(item, path, p, defaults, declared, sharedRules);
      if (monitor) monitors.push(monitor);
    }
  }
  return { version: 1, monitors, alerting };
}

/** undefined when the monitor lacks a usable name, model or baseline (already reported). */
function readMonitor(
  item: unknown,
  path: string,
  p: Problems,
  defaults: Readonly<MonitorSettings>,
  channelNames: readonly string[],
  sharedRules: readonly RuleSpec[],
): MonitorSpec | undefined {
  if (!isMap(item)) return p.invalid(path, item, 'a monitor: a map with name, model and baseline');
  p.unknownKeys(item, path, MONITOR_KEYS);
  const at = (key: string) => child(path, key);

  const name = has(item, 'name')
    ? readName(item.name, at('name'), p, 'a name')
    : p.missing(at('name'), `a name of ${NAME_CHARS}`);
  const model = has(item, 'model')
    ? readName(item.model, at('model'), p, 'a model name')
    : p.missing(at('model'), `a model name of ${NAME_CHARS}`);
  const baseline = has(item, 'baseline')
    ? readBaseline(item.baseline, at('baseline'), p)
    : p.missing(at('baseline'), BASELINE_EXPECTED);
  const settings = readSettings(item, path, p, defaults);

  const flag = (key: 'prediction' | 'latency' | 'enabled') =>
    has(item, key) ? (readBoolean(item[key], at(key), p) ?? true) : true;
  const prediction = flag('prediction');
  const latency = flag('latency');
  const enabled = flag('enabled');
  const quality = has(item, 'quality') ? readQuality(item.quality, at('quality'), p) : undefined;

  let excludeFeatures: string[] = [];
  if (has(item, 'exclude_features')) {
    const list = readList(item.exclude_features, at('exclude_features'), p, 'a list of feature names');
    const seen = new Set<string>();
    for (const [i, value] of (list ?? []).entries()) {
      const feature = readName(value, child(at('exclude_features'), i), p, 'a feature name');
      if (feature !== undefined && seen.has(feature))
        p.invalid(child(at('exclude_features'), i), feature, 'each feature once');
      else if (feature !== undefined) seen.add(feature);
    }
    excludeFeatures = [...seen];
  }

  let features: MonitorSpec['features'] = 'all';
  if (has(item, 'features')) {
    if (!isMap(item.features))
      p.invalid(at('features'), item.features, 'a map of feature name to settings (omit it for all features)');
    else {
      const entries: [string, FeatureSpec][] = [];
      for (const [feature, value] of Object.entries(item.features)) {
        const featurePath = child(at('features'), feature);
        if (!NAME_RE.test(feature)) p.invalid(featurePath, feature, `a feature name of ${NAME_CHARS}`);
        else if (excludeFeatures.includes(feature)) {
          const excluded = child(at('exclude_features'), excludeFeatures.indexOf(feature));
          p.invalid(excluded, feature, 'a feature not listed under features as well');
        }
        const spec = readFeature(value, featurePath, p, settings);
        if (spec) entries.push([feature, spec]);
      }
      // fromEntries defines own properties, so a feature named __proto__ stays a feature.
      features = Object.fromEntries(entries);
    }
  }

  const methods = new Set<string>([...settings.numericMethods, ...settings.categoricalMethods]);
  if (features !== 'all') for (const f of Object.values(features)) for (const m of f.methods ?? []) methods.add(m);
  const ctx: RuleContext = {
    methods,
    latency,
    qualityMetrics: new Set(quality?.metrics ?? []),
    ...(features !== 'all' ? { features: new Set(Object.keys(features)) } : {}),
    channelNames,
  };
  sharedRules.forEach((rule, i) => {
    const problem = ruleProblem(rule, ctx);
    if (problem)
      p.invalid(
        child(child('rules', i), 'when'),
        rule.when.text,
        problem.replace('this monitor', `every monitor (${path} ${name ?? ''} does not)`),
      );
  });
  const rules = [
    ...sharedRules,
    ...(has(item, 'rules') ? readRules(item.rules, at('rules'), p, ctx, sharedRules) : []),
  ];
  const retraining = has(item, 'retraining') ? readRetraining(item.retraining, at('retraining'), p, ctx) : undefined;

  if (name === undefined || model === undefined || baseline === undefined) return undefined;
  return {
    name,
    model,
    baseline,
    ...settings,
    features,
    excludeFeatures,
    prediction,
    latency,
    enabled,
    rules,
    ...(retraining ? { retraining } : {}),
    ...(quality ? { quality } : {}),
  };
}

const BASELINE_EXPECTED = `a baseline id of ${NAME_CHARS}, or a time range { from, to }`;

function readBaseline(value: unknown, path: string, p: Problems): BaselineRef | undefined {
  if (typeof value === 'string') {
    const id = readName(value, path, p, 'a baseline id');
    return id === undefined ? undefined : { kind: 'id', id };
  }
  if (!isMap(value)) return p.invalid(path, value, BASELINE_EXPECTED);
  p.unknownKeys(value, path, BASELINE_KEYS);
  const time = (key: 'from' | 'to') => {
    if (!has(value, key)) return p.missing(child(path, key), ISO_TIME_EXPECTED);
    return isoTimeMs(value[key]) ?? p.invalid(child(path, key), value[key], ISO_TIME_EXPECTED);
  };
  const fromMs = time('from');
  const toMs = time('to');
  if (fromMs === undefined || toMs === undefined) return undefined;
  if (fromMs >= toMs) return p.invalid(child(path, 'to'), value.to, `a time after from (${value.from})`);
  return { kind: 'range', fromMs, toMs };
}

const METHODS_FOR: Record<FeatureKind, readonly DriftMethod[]> = {
  numeric: NUMERIC_METHODS,
  categorical: CATEGORICAL_METHODS,
};
const METHODS_FOR_BOTH: readonly DriftMethod[] = NUMERIC_METHODS.filter((m) =>
  (CATEGORICAL_METHODS as readonly string[]).includes(m),
);

function methodFor(type: FeatureKind): string {
  return `a method for ${type} features: ${METHODS_FOR[type].join(', ')}`;
}

/** The one type a method is valid for, or undefined (valid for both, or for none). */
function onlyTypeOf(method: unknown): FeatureKind | undefined {
  const numeric = (NUMERIC_METHODS as readonly unknown[]).includes(method);
  const categorical = (CATEGORICAL_METHODS as readonly unknown[]).includes(method);
  return numeric === categorical ? undefined : numeric ? 'numeric' : 'categorical';
}

function readFeature(value: unknown, path: string, p: Problems, monitor: MonitorSettings): FeatureSpec | undefined {
  // `distance:` with nothing after it (null) lists the feature with no settings of its own.
  if (value === null) return { thresholds: { ...monitor.thresholds } };
  if (!isMap(value)) return p.invalid(path, value, `a map with keys ${FEATURE_KEYS.join(', ')}, or nothing`);
  p.unknownKeys(value, path, FEATURE_KEYS);

  let type: FeatureKind | undefined;
  if (has(value, 'type')) {
    if (value.type === 'numeric' || value.type === 'categorical') type = value.type;
    else p.invalid(child(path, 'type'), value.type, 'numeric or categorical (omit it to infer the type)');
  }
  // Without a type only the methods valid for both types are safe: the inferred type is not known yet.
  const allowedMethods = type ? METHODS_FOR[type] : METHODS_FOR_BOTH;
  const allowedThresholds = thresholdKeysFor(allowedMethods);
  const expected = (
    what: 'method' | 'threshold',
    item: unknown,
    method: unknown,
    allowed: readonly string[],
  ): string => {
    if (type) return `a ${what} for ${type} features: ${allowed.join(', ')}`;
    const needs = onlyTypeOf(method);
    const both = `a ${what} valid for both feature types (${allowed.join(', ')})`;
    return needs ? `${both}, or set type: ${needs} to use ${item}` : both;
  };

  const spec: FeatureSpec = { thresholds: { ...monitor.thresholds } };
  if (type) spec.type = type;
  if (has(value, 'methods')) {
    const methods = readMethods(value.methods, child(path, 'methods'), p, allowedMethods, (m) =>
      expected('method', m, m, allowedMethods),
    );
    if (methods) spec.methods = methods;
  } else if (type) {
    spec.methods = type === 'numeric' ? [...monitor.numericMethods] : [...monitor.categoricalMethods];
  }
  if (has(value, 'thresholds')) {
    const overrides = readThresholds(value.thresholds, child(path, 'thresholds'), p, {
      keys: allowedThresholds,
      expected: (key) => expected('threshold', key, THRESHOLD_KEYS[key].method, allowedThresholds),
    });
    Object.assign(spec.thresholds, overrides);
  }
  return spec;
}
