/**
 * The alerting part of the monitor config: channels (where notifications go), rules (when an
 * alert fires) and retraining triggers. Checked at start-up like the rest of the file; a webhook
 * whose signing secret is missing from the environment is a config error, not a runtime surprise.
 *
 *   alerting:
 *     repeat_interval: 4h
 *     channels:
 *       oncall:   { email: [ml-oncall@example.com] }
 *       team-hook: { webhook: https://hooks.example.com/driftwatch, secret_env: TEAM_HOOK_SECRET }
 *   monitors:
 *     - name: fraud-hourly
 *       ...
 *       rules:
 *         - { name: input-drift, when: psi > 0.2, for: 2 runs, severity: warning, routes: [oncall, team-hook] }
 *       retraining: { min_drifted_features: 3, critical_features: [amount], cooldown: 24h, routes: [retrain] }
 */
import {
  ALL_QUALITY_METRICS,
  FEATURE_METRICS,
  isFeatureMetric,
  isQualityMetric,
  MODEL_METRICS,
  type AlertingSettings,
  type ChannelSpec,
  type Comparison,
  type Condition,
  type RetrainingSpec,
  type RuleMetric,
  type RuleSpec,
  type Severity,
} from '@driftwatch/alerting';
import type { Env } from '@driftwatch/env';
import {
  child,
  has,
  isMap,
  NAME_CHARS,
  type Problems,
  readInt,
  readList,
  readName,
  type YamlMap,
} from './config-reading';
import { DURATION_EXPECTED, durationMs } from './monitor-config-time';

export const DEFAULT_ALERTING: Readonly<AlertingSettings> = Object.freeze({
  repeatIntervalMs: 4 * 3_600_000,
  maxAttempts: 8,
  retryBaseMs: 30_000,
  retryMaxMs: 12 * 3_600_000,
  channels: {},
});

export const ALERTING_KEYS = ['repeat_interval', 'max_attempts', 'retry_base', 'retry_max', 'channels'] as const;
const RULE_KEYS = ['name', 'when', 'for', 'severity', 'labels', 'routes', 'features', 'per_version'] as const;
const RETRAINING_KEYS = ['when', 'min_drifted_features', 'critical_features', 'cooldown', 'routes'] as const;
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
const METRIC_NAMES = [...Object.keys(FEATURE_METRICS), ...Object.keys(MODEL_METRICS), ...ALL_QUALITY_METRICS];
const CONDITION_EXPECTED = `a condition "<metric> <op> <number>" with op one of > >= < <= and metric one of ${METRIC_NAMES.join(', ')}`;
const FOR_EXPECTED = `a number of consecutive runs like "3 runs", or ${DURATION_EXPECTED}, or 0`;
// Deliberately simple: one @, no spaces, a dot in the domain. The SMTP server has the last word.
const EMAIL_RE = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;
const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;

/** `psi > 0.2` -> a Condition, or undefined. */
export function parseCondition(text: unknown): Condition | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*([a-z0-9_.]+)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(text);
  if (!m || !METRIC_NAMES.includes(m[1]!)) return undefined;
  const threshold = Number(m[3]);
  if (!Number.isFinite(threshold)) return undefined;
  return { metric: m[1] as RuleMetric, op: m[2] as Comparison, threshold, text: `${m[1]} ${m[2]} ${m[3]}` };
}

function readCondition(value: unknown, path: string, p: Problems): Condition | undefined {
  return parseCondition(value) ?? p.invalid(path, value, CONDITION_EXPECTED);
}

function readDuration(value: unknown, path: string, p: Problems): number | undefined {
  return durationMs(value) ?? p.invalid(path, value, DURATION_EXPECTED);
}

/** `alerting:` at the top of the file. `env` holds the webhook secrets named by secret_env. */
export function readAlerting(value: unknown, path: string, p: Problems, env: Env): AlertingSettings {
  const out: AlertingSettings = { ...DEFAULT_ALERTING, channels: {} };
  if (!isMap(value)) {
    p.invalid(path, value, `a map with keys ${ALERTING_KEYS.join(', ')}`);
    return out;
  }
  p.unknownKeys(value, path, ALERTING_KEYS);
  const at = (key: string) => child(path, key);
  if (has(value, 'repeat_interval'))
    out.repeatIntervalMs = readDuration(value.repeat_interval, at('repeat_interval'), p) ?? out.repeatIntervalMs;
  if (has(value, 'max_attempts'))
    out.maxAttempts = readInt(value.max_attempts, at('max_attempts'), p, 1, 100) ?? out.maxAttempts;
  // timers cannot wait longer than 2^31 ms (24.8 days); a day is plenty between two attempts
  const retryDuration = (key: 'retry_base' | 'retry_max') => {
    const ms = readDuration(value[key], at(key), p);
    return ms !== undefined && ms > 86_400_000 ? p.invalid(at(key), value[key], 'a duration of at most 1d') : ms;
  };
  if (has(value, 'retry_base')) out.retryBaseMs = retryDuration('retry_base') ?? out.retryBaseMs;
  if (has(value, 'retry_max')) out.retryMaxMs = retryDuration('retry_max') ?? out.retryMaxMs;
  if (out.retryBaseMs > out.retryMaxMs)
    p.invalid(
      at('retry_base'),
      value.retry_base ?? '30s',
      `a duration no longer than retry_max (${String(value.retry_max ?? '12h')})`,
    );
  if (has(value, 'channels')) {
    if (!isMap(value.channels))
      p.invalid(
        at('channels'),
        value.channels,
        'a map of channel name to { email: [...] } or { webhook: url, secret_env: NAME }',
      );
    else {
      for (const [name, spec] of Object.entries(value.channels)) {
        const channelPath = child(at('channels'), name);
        if (readName(name, channelPath, p, 'a channel name') === undefined) continue;
        const channel = readChannel(name, spec, channelPath, p, env);
        if (channel) out.channels[name] = channel;
      }
    }
  }
  return out;
}

const EMAIL_KEYS = ['email'] as const;
const WEBHOOK_KEYS = ['webhook', 'secret_env', 'format', 'timeout'] as const;

function readChannel(name: string, value: unknown, path: string, p: Problems, env: Env): ChannelSpec | undefined {
  if (!isMap(value) || has(value, 'email') === has(value, 'webhook')) {
    // keys only: a webhook URL may itself be the secret (Slack's are)
    const shown = isMap(value) ? `{ ${Object.keys(value).join(', ')} }` : value;
    return p.invalid(path, shown, 'a channel: { email: [addresses] } or { webhook: url, secret_env: NAME }');
  }
  if (has(value, 'email')) {
    p.unknownKeys(value, path, EMAIL_KEYS);
    const list = readList(value.email, child(path, 'email'), p, 'a non-empty list of email addresses');
    if (!list) return undefined;
    if (list.length === 0) return p.invalid(child(path, 'email'), list, 'a non-empty list of email addresses');
    const before = p.list.length;
    list.forEach((address, i) => {
      if (typeof address !== 'string' || !EMAIL_RE.test(address))
        p.invalid(child(child(path, 'email'), i), address, 'an email address like ml-oncall@example.com');
    });
    return p.list.length === before ? { name, kind: 'email', to: list as string[] } : undefined;
  }
  p.unknownKeys(value, path, WEBHOOK_KEYS);
  const url = readWebhookUrl(value.webhook, child(path, 'webhook'), p);
  let format: 'standard' | 'slack' = 'standard';
  if (has(value, 'format')) {
    if (value.format === 'standard' || value.format === 'slack') format = value.format;
    else
      p.invalid(
        child(path, 'format'),
        value.format,
        'standard (signed driftwatch JSON) or slack (Slack incoming-webhook text)',
      );
  }
  const timeoutMs = has(value, 'timeout') ? readDuration(value.timeout, child(path, 'timeout'), p) : 10_000;
  let secret = '';
  let secretEnv = '';
  if (!has(value, 'secret_env')) {
    // Slack's incoming webhooks authenticate by their secret URL and ignore signatures.
    if (format === 'standard')
      p.missing(
        child(path, 'secret_env'),
        "the name of the environment variable that holds this webhook's signing secret",
      );
  } else if (typeof value.secret_env !== 'string' || !ENV_NAME_RE.test(value.secret_env)) {
    p.invalid(child(path, 'secret_env'), value.secret_env, 'an environment variable name like TEAM_HOOK_SECRET');
  } else {
    secretEnv = value.secret_env;
    secret = env[secretEnv] ?? '';
    // Never show the secret itself: only its variable's name.
    if (secret.length < 16)
      p.invalid(
        child(path, 'secret_env'),
        secretEnv,
        `an environment variable that is set to a signing secret of at least 16 characters (${secretEnv} is ${secret ? 'too short' : 'not set'})`,
      );
  }
  if (url === undefined || timeoutMs === undefined) return undefined;
  return { name, kind: 'webhook', url, secret, secretEnv, format, timeoutMs };
}

function readWebhookUrl(value: unknown, path: string, p: Problems): string | undefined {
  const expected = 'an absolute http:// or https:// URL without user or password';
  if (typeof value !== 'string') return p.invalid(path, value, expected);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return p.invalid(path, value, expected);
  }
  if (url.username || url.password) {
    // shown without them: rebuilt from the parsed URL, so an @ inside the password cannot leak a part
    url.username = '***';
    url.password = '';
    return p.invalid(path, url.toString(), expected);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return p.invalid(path, value, expected);
  return value;
}

/** What a monitor computes, to refuse rules on metrics it never produces. */
export interface RuleContext {
  methods: ReadonlySet<string>;
  latency: boolean;
  /** The quality metrics the monitor computes (its quality section); empty without one. */
  qualityMetrics: ReadonlySet<string>;
  /** Feature names when the monitor lists them; undefined for all features. */
  features?: ReadonlySet<string>;
  /** Every channel the file declares, valid or not (an invalid one is reported once, where it is declared). */
  channelNames: readonly string[];
}

function metricProblem(metric: RuleMetric, ctx: RuleContext): string | undefined {
  if (isFeatureMetric(metric)) {
    const method = FEATURE_METRICS[metric].method;
    return ctx.methods.has(method)
      ? undefined
      : `a metric this monitor computes: ${metric} needs the ${method} method, which none of its features runs`;
  }
  if (isQualityMetric(metric))
    return ctx.qualityMetrics.has(metric)
      ? undefined
      : `a metric this monitor computes: ${metric} needs a quality section whose task computes it (listed in metrics, if metrics is given)`;
  if (metric !== 'drifted_features' && !ctx.latency)
    return `a metric this monitor computes: ${metric} needs latency: true`;
  return undefined;
}

function readRoutes(value: unknown, path: string, p: Problems, ctx: RuleContext): string[] | undefined {
  const names = ctx.channelNames;
  const expected = `a non-empty list of channels defined under alerting.channels${names.length ? ` (${names.join(', ')})` : ' (none is defined)'}`;
  const list = readList(value, path, p, expected);
  if (!list) return undefined;
  if (list.length === 0) return p.invalid(path, list, expected);
  const before = p.list.length;
  list.forEach((route, i) => {
    if (typeof route !== 'string' || !names.includes(route)) p.invalid(child(path, i), route, expected);
  });
  return p.list.length === before ? [...new Set(list as string[])] : undefined;
}

function readFeatureList(value: unknown, path: string, p: Problems, ctx: RuleContext): string[] | undefined {
  const list = readList(value, path, p, 'a list of feature names');
  if (!list) return undefined;
  const before = p.list.length;
  list.forEach((f, i) => {
    const name = readName(f, child(path, i), p, 'a feature name');
    if (name !== undefined && ctx.features && !ctx.features.has(name))
      p.invalid(child(path, i), name, `a feature this monitor watches (${[...ctx.features].join(', ')})`);
  });
  return p.list.length === before ? [...new Set(list as string[])] : undefined;
}

function readFor(value: unknown, path: string, p: Problems): { forRuns: number; forMs: number } | undefined {
  if (value === 0 || value === '0') return { forRuns: 1, forMs: 0 };
  const runs = typeof value === 'string' ? /^\s*(\d+)\s+runs?\s*$/.exec(value) : null;
  if (runs && Number(runs[1]) >= 1 && Number(runs[1]) <= 1000) return { forRuns: Number(runs[1]), forMs: 0 };
  const ms = durationMs(value);
  return ms !== undefined ? { forRuns: 1, forMs: ms } : p.invalid(path, value, FOR_EXPECTED);
}

/** A monitor's `rules:` list (or the file's, which every monitor gets). */
/** A rule's metric that this monitor does not compute (top-level rules are checked against every monitor). */
export function ruleProblem(rule: RuleSpec, ctx: RuleContext): string | undefined {
  return metricProblem(rule.when.metric, ctx);
}

export function readRules(
  value: unknown,
  path: string,
  p: Problems,
  ctx: RuleContext,
  taken: readonly RuleSpec[] = [],
): RuleSpec[] {
  const list = readList(value, path, p, 'a list of rules');
  const rules: RuleSpec[] = [];
  for (const [i, item] of (list ?? []).entries()) {
    const rulePath = child(path, i);
    if (!isMap(item)) {
      p.invalid(rulePath, item, `a rule: a map with keys ${RULE_KEYS.join(', ')}`);
      continue;
    }
    p.unknownKeys(item, rulePath, RULE_KEYS);
    const at = (key: string) => child(rulePath, key);
    const name = has(item, 'name')
      ? readName(item.name, at('name'), p, 'a rule name')
      : p.missing(at('name'), `a rule name of ${NAME_CHARS}`);
    const when = has(item, 'when')
      ? readCondition(item.when, at('when'), p)
      : p.missing(at('when'), CONDITION_EXPECTED);
    if (when) {
      const problem = metricProblem(when.metric, ctx);
      if (problem) p.invalid(at('when'), item.when, problem);
    }
    const timing = has(item, 'for') ? readFor(item.for, at('for'), p) : { forRuns: 1, forMs: 0 };
    let severity: Severity = 'warning';
    if (has(item, 'severity')) {
      if (SEVERITIES.includes(item.severity as Severity)) severity = item.severity as Severity;
      else p.invalid(at('severity'), item.severity, SEVERITIES.join(', '));
    }
    const labels = has(item, 'labels') ? readLabels(item.labels, at('labels'), p) : {};
    const routes = has(item, 'routes')
      ? readRoutes(item.routes, at('routes'), p, ctx)
      : p.missing(at('routes'), 'a non-empty list of channels defined under alerting.channels');
    let features: string[] | undefined;
    if (has(item, 'features')) {
      if (when && !isFeatureMetric(when.metric))
        p.invalid(
          at('features'),
          item.features,
          `no features: ${when.metric} is a metric of the model, not of a feature`,
        );
      else features = readFeatureList(item.features, at('features'), p, ctx);
    }
    let perVersion = false;
    if (has(item, 'per_version')) {
      if (typeof item.per_version === 'boolean') perVersion = item.per_version;
      else p.invalid(at('per_version'), item.per_version, 'true or false');
    }
    if (name !== undefined && [...taken, ...rules].some((r) => r.name === name)) {
      p.invalid(
        at('name'),
        name,
        `a rule name no other rule of this monitor has${taken.some((r) => r.name === name) ? ' (a top-level rule has it)' : ''}`,
      );
      continue;
    }
    if (name === undefined || !when || !timing || !routes) continue;
    rules.push({ name, when, ...timing, severity, labels, routes, ...(features ? { features } : {}), perVersion });
  }
  return rules;
}

function readLabels(value: unknown, path: string, p: Problems): Record<string, string> {
  if (!isMap(value)) {
    p.invalid(path, value, 'a map of label name to text');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as YamlMap)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key))
      p.invalid(child(path, key), key, 'a label name of letters, digits and _ (not starting with a digit)');
    else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      p.invalid(child(path, key), v, 'a text, number or boolean');
    else out[key] = String(v);
  }
  return out;
}

/** A monitor's `retraining:`. */
export function readRetraining(
  value: unknown,
  path: string,
  p: Problems,
  ctx: RuleContext,
): RetrainingSpec | undefined {
  if (!isMap(value)) return p.invalid(path, value, `a map with keys ${RETRAINING_KEYS.join(', ')}`);
  p.unknownKeys(value, path, RETRAINING_KEYS);
  const at = (key: string) => child(path, key);
  let when: Condition | undefined;
  if (has(value, 'when')) {
    when = readCondition(value.when, at('when'), p);
    const problem =
      when &&
      (isFeatureMetric(when.metric)
        ? `a metric of the model (${Object.keys(MODEL_METRICS).join(', ')}): the evidence of drifted features is min_drifted_features and critical_features`
        : metricProblem(when.metric, ctx));
    if (problem) p.invalid(at('when'), value.when, problem);
  }
  const minDriftedFeatures = has(value, 'min_drifted_features')
    ? readInt(value.min_drifted_features, at('min_drifted_features'), p, 1)
    : 1;
  const criticalFeatures = has(value, 'critical_features')
    ? readFeatureList(value.critical_features, at('critical_features'), p, ctx)
    : [];
  const cooldownMs = has(value, 'cooldown') ? readDuration(value.cooldown, at('cooldown'), p) : 24 * 3_600_000;
  const routes = has(value, 'routes')
    ? readRoutes(value.routes, at('routes'), p, ctx)
    : p.missing(at('routes'), 'a non-empty list of channels defined under alerting.channels');
  if (minDriftedFeatures === undefined || !criticalFeatures || cooldownMs === undefined || !routes) return undefined;
  return { ...(when ? { when } : {}), minDriftedFeatures, criticalFeatures, cooldownMs, routes };
}
