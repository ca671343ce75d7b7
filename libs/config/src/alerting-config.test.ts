import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MonitorConfigError, parseMonitorConfig } from './monitor-config';
import { parseCondition } from './alerting-config';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ENV = { TEAM_HOOK_SECRET: SECRET, RETRAIN_SECRET: SECRET };

function file(alerting: string, monitorExtra: string): string {
  return `version: 1
alerting:
${alerting}
monitors:
  - name: flights
    model: flight-delay
    baseline: flights-jan
    features:
      dep_delay: { type: numeric }
      origin: { type: categorical }
${monitorExtra}`;
}

const CHANNELS = `  repeat_interval: 2h
  channels:
    oncall: { email: [ml-oncall@example.com, data@example.com] }
    team-hook: { webhook: "https://hooks.example.com/driftwatch", secret_env: TEAM_HOOK_SECRET, timeout: 5s }
    slack: { webhook: "https://hooks.slack.com/services/T000/B000/XXX", format: slack }
    retrain: { webhook: "http://127.0.0.1:9999/retrain", secret_env: RETRAIN_SECRET }`;

function problems(text: string, env: Record<string, string> = ENV): string[] {
  try {
    parseMonitorConfig(text, 'monitors.yaml', env);
  } catch (error) {
    assert.ok(error instanceof MonitorConfigError, String(error));
    return error.problems.map((p) => p.message);
  }
  assert.fail('the config was accepted');
}

test('rules, channels and retraining are read with their defaults', () => {
  const config = parseMonitorConfig(
    file(
      CHANNELS,
      `    rules:
      - { name: input-drift, when: "psi > 0.2", for: 2 runs, routes: [oncall, team-hook], labels: { team: risk, tier: 1 } }
      - { name: slow, when: "latency.p99_ms>=250", for: 30m, severity: critical, routes: [slack], per_version: true }
      - { name: origin-shift, when: "chi2.p_value < 1e-3", features: [origin], for: 0, routes: [oncall] }
    retraining: { when: "drifted_features >= 2", critical_features: [dep_delay], cooldown: 12h, routes: [retrain] }
`,
    ),
    'monitors.yaml',
    ENV,
  );
  assert.equal(config.alerting.repeatIntervalMs, 2 * 3_600_000);
  assert.equal(config.alerting.maxAttempts, 8);
  assert.deepEqual(config.alerting.channels['oncall'], {
    name: 'oncall',
    kind: 'email',
    to: ['ml-oncall@example.com', 'data@example.com'],
  });
  assert.deepEqual(config.alerting.channels['team-hook'], {
    name: 'team-hook',
    kind: 'webhook',
    url: 'https://hooks.example.com/driftwatch',
    secret: SECRET,
    secretEnv: 'TEAM_HOOK_SECRET',
    format: 'standard',
    timeoutMs: 5000,
  });
  assert.equal(
    config.alerting.channels['slack']?.kind === 'webhook' && config.alerting.channels['slack'].format,
    'slack',
  );
  const [monitor] = config.monitors;
  assert.deepEqual(monitor!.rules, [
    {
      name: 'input-drift',
      when: { metric: 'psi', op: '>', threshold: 0.2, text: 'psi > 0.2' },
      forRuns: 2,
      forMs: 0,
      severity: 'warning',
      labels: { team: 'risk', tier: '1' },
      routes: ['oncall', 'team-hook'],
      perVersion: false,
    },
    {
      name: 'slow',
      when: { metric: 'latency.p99_ms', op: '>=', threshold: 250, text: 'latency.p99_ms >= 250' },
      forRuns: 1,
      forMs: 1_800_000,
      severity: 'critical',
      labels: {},
      routes: ['slack'],
      perVersion: true,
    },
    {
      name: 'origin-shift',
      when: { metric: 'chi2.p_value', op: '<', threshold: 0.001, text: 'chi2.p_value < 1e-3' },
      forRuns: 1,
      forMs: 0,
      severity: 'warning',
      labels: {},
      routes: ['oncall'],
      features: ['origin'],
      perVersion: false,
    },
  ]);
  assert.deepEqual(monitor!.retraining, {
    when: { metric: 'drifted_features', op: '>=', threshold: 2, text: 'drifted_features >= 2' },
    minDriftedFeatures: 1,
    criticalFeatures: ['dep_delay'],
    cooldownMs: 12 * 3_600_000,
    routes: ['retrain'],
  });
});

test('a bad alerting config names each key, value and what was expected', () => {
  const messages = problems(
    file(
      `  channels:
    oncall: { email: [not-an-address] }
    team-hook: { webhook: "ftp://hooks.example.com/x", secret_env: TEAM_HOOK_SECRET }
    nosecret: { webhook: "https://hooks.example.com/y" }
    unset: { webhook: "https://hooks.example.com/z", secret_env: NOT_SET_ANYWHERE }`,
      `    rules:
      - { name: typo, when: "pssi > 0.2", routes: [oncall] }
      - { name: not-run, when: "wasserstein > 1", routes: [oncall] }
      - { name: nowhere, when: "psi > 0.2", routes: [pager] }
      - { name: odd, when: "psi > 0.2", for: soon, routes: [oncall] }
`,
    ),
  );
  assert.deepEqual(messages, [
    'monitors.yaml: alerting.channels.oncall.email[0]: "not-an-address" is invalid: expected an email address like ml-oncall@example.com',
    'monitors.yaml: alerting.channels["team-hook"].webhook: "ftp://hooks.example.com/x" is invalid: expected an absolute http:// or https:// URL without user or password',
    "monitors.yaml: alerting.channels.nosecret.secret_env: missing key; expected the name of the environment variable that holds this webhook's signing secret",
    'monitors.yaml: alerting.channels.unset.secret_env: "NOT_SET_ANYWHERE" is invalid: expected an environment variable that is set to a signing secret of at least 16 characters (NOT_SET_ANYWHERE is not set)',
    'monitors.yaml: monitors[0].rules[0].when: "pssi > 0.2" is invalid: expected a condition "<metric> <op> <number>" with op one of > >= < <= and metric one of psi, ks.statistic, ks.p_value, chi2.statistic, chi2.p_value, js, wasserstein, drifted_features, latency.p50_ms, latency.p90_ms, latency.p95_ms, latency.p99_ms, error_rate, events_per_s, events, accuracy, precision, recall, f1, specificity, predicted_positive_rate, actual_positive_rate, brier, log_loss, roc_auc, macro_precision, macro_recall, macro_f1, weighted_precision, weighted_recall, weighted_f1, mae, rmse, mape, r2, mean_error',
    'monitors.yaml: monitors[0].rules[1].when: "wasserstein > 1" is invalid: expected a metric this monitor computes: wasserstein needs the wasserstein method, which none of its features runs',
    'monitors.yaml: monitors[0].rules[2].routes[0]: "pager" is invalid: expected a non-empty list of channels defined under alerting.channels (oncall, team-hook, nosecret, unset)',
    'monitors.yaml: monitors[0].rules[3].for: "soon" is invalid: expected a number of consecutive runs like "3 runs", or a duration like 30s, 15m, 1h, 7d, or 0',
  ]);
});

test('a secret is never shown, only the name of its variable', () => {
  const messages = problems(
    file(`  channels:\n    hook: { webhook: "https://h.example.com/", secret_env: SHORT }`, ''),
    { SHORT: 'tiny-secret' },
  );
  assert.deepEqual(messages, [
    'monitors.yaml: alerting.channels.hook.secret_env: "SHORT" is invalid: expected an environment variable that is set to a signing secret of at least 16 characters (SHORT is too short)',
  ]);
  assert.ok(!messages.join('').includes('tiny-secret'));
});

test('latency rules need latency; features: only with feature metrics; rule names unique', () => {
  const messages = problems(
    file(
      CHANNELS,
      `    latency: false
    rules:
      - { name: slow, when: "latency.p99_ms > 250", routes: [oncall] }
      - { name: many, when: "drifted_features >= 3", features: [origin], routes: [oncall] }
      - { name: many, when: "psi > 0.1", features: [nope], routes: [oncall] }
`,
    ),
  );
  assert.deepEqual(messages, [
    'monitors.yaml: monitors[0].rules[0].when: "latency.p99_ms > 250" is invalid: expected a metric this monitor computes: latency.p99_ms needs latency: true',
    'monitors.yaml: monitors[0].rules[1].features: ["origin"] is invalid: expected no features: drifted_features is a metric of the model, not of a feature',
    'monitors.yaml: monitors[0].rules[2].features[0]: "nope" is invalid: expected a feature this monitor watches (dep_delay, origin)',
    'monitors.yaml: monitors[0].rules[2].name: "many" is invalid: expected a rule name no other rule of this monitor has',
  ]);
});

test('parseCondition reads metric, operator and number, and nothing else', () => {
  assert.deepEqual(parseCondition(' ks.p_value<0.01 '), {
    metric: 'ks.p_value',
    op: '<',
    threshold: 0.01,
    text: 'ks.p_value < 0.01',
  });
  for (const bad of ['psi > ', 'psi = 0.2', 'psi > 0.2 or 1', 'PSI > 0.2', 'psi > 0x10', 'psi > 1e999', 42, null])
    assert.equal(parseCondition(bad), undefined, String(bad));
});

test('retraining.when is a model metric; top-level rules must suit every monitor; retry delays are bounded; URLs with credentials are refused without showing them', () => {
  const messages = problems(`version: 1
alerting:
  retry_base: 2d
  channels:
    hook: { webhook: "https://user:hunter2@pass@hooks.example.com/x", secret_env: TEAM_HOOK_SECRET }
    odd: { webhook: "https://hooks.slack.com/services/T0/B0/SECRETPART", email: [a@example.com] }
rules:
  - { name: slow, when: "latency.p99_ms > 250", routes: [hook] }
monitors:
  - name: flights
    model: flight-delay
    baseline: flights-jan
    latency: false
    retraining: { when: "psi > 0.3", routes: [hook] }
`);
  assert.deepEqual(messages, [
    'monitors.yaml: alerting.retry_base: "2d" is invalid: expected a duration of at most 1d',
    'monitors.yaml: alerting.channels.hook.webhook: "https://***@hooks.example.com/x" is invalid: expected an absolute http:// or https:// URL without user or password',
    'monitors.yaml: alerting.channels.odd: "{ webhook, email }" is invalid: expected a channel: { email: [addresses] } or { webhook: url, secret_env: NAME }',
    'monitors.yaml: rules[0].when: "latency.p99_ms > 250" is invalid: expected a metric every monitor (monitors[0] flights does not) computes: latency.p99_ms needs latency: true',
    'monitors.yaml: monitors[0].retraining.when: "psi > 0.3" is invalid: expected a metric of the model (drifted_features, latency.p50_ms, latency.p90_ms, latency.p95_ms, latency.p99_ms, error_rate, events_per_s, events): the evidence of drifted features is min_drifted_features and critical_features',
  ]);
  assert.ok(
    !messages.join('\n').includes('hunter2') &&
      !messages.join('\n').includes('pass@') &&
      !messages.join('\n').includes('SECRETPART'),
  );
});
