import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MonitorConfigError, parseMonitorConfig } from './monitor-config';

const MONITOR = `
version: 1
monitors:
  - name: fraud-hourly
    model: fraud
    baseline: fraud-jan
`;

function withQuality(...lines: string[]): string {
  return `${MONITOR.trimEnd()}\n    quality:\n${lines.map((line) => `      ${line}`).join('\n')}\n`;
}

function problemsOf(text: string): string {
  try {
    parseMonitorConfig(text);
  } catch (error) {
    assert.ok(error instanceof MonitorConfigError, `expected a MonitorConfigError, got ${error}`);
    return error.message;
  }
  assert.fail('the config was accepted');
}

test('a monitor without a quality section has none (behaves as before)', () => {
  const [monitor] = parseMonitorConfig(MONITOR).monitors;
  assert.ok(monitor);
  assert.equal('quality' in monitor, false);
});

test('a binary quality section gets its defaults: every binary metric, threshold 0.5, 100 labelled, coverage 0.5', () => {
  const [monitor] = parseMonitorConfig(withQuality('task: binary', 'label_delay: 24h')).monitors;
  assert.deepEqual(monitor?.quality, {
    task: 'binary',
    threshold: 0.5,
    metrics: [
      'accuracy',
      'precision',
      'recall',
      'f1',
      'specificity',
      'predicted_positive_rate',
      'actual_positive_rate',
      'brier',
      'log_loss',
      'roc_auc',
    ],
    labelDelayMs: 86_400_000,
    minLabelled: 100,
    minLabelCoverage: 0.5,
  });
});

test('every key of a quality section is read', () => {
  const [monitor] = parseMonitorConfig(
    withQuality(
      'task: binary',
      'positive: fraud',
      'threshold: 0.3',
      'metrics: [f1, roc_auc]',
      'label_delay: 2h',
      'min_labelled: 20',
      'min_label_coverage: 0.8',
    ),
  ).monitors;
  assert.deepEqual(monitor?.quality, {
    task: 'binary',
    positive: 'fraud',
    threshold: 0.3,
    metrics: ['f1', 'roc_auc'],
    labelDelayMs: 7_200_000,
    minLabelled: 20,
    minLabelCoverage: 0.8,
  });
  const [regression] = parseMonitorConfig(withQuality('task: regression', 'label_delay: 1d')).monitors;
  assert.deepEqual(regression?.quality?.metrics, ['mae', 'rmse', 'mape', 'r2', 'mean_error']);
});

test('a bad quality section names the key, the value and what was expected', () => {
  assert.match(
    problemsOf(withQuality('task: ranking', 'label_delay: 1h')),
    /monitors\[0\]\.quality\.task: "ranking" is invalid: expected binary, multiclass, regression/,
  );
  assert.match(problemsOf(withQuality('task: binary')), /monitors\[0\]\.quality\.label_delay: missing key/);
  const many = problemsOf(
    withQuality(
      'task: regression',
      'label_delay: soon',
      'metrics: [rmse, f1]',
      'threshold: 0.4',
      'min_labelled: 0',
      'min_label_coverage: 1.5',
      'colour: red',
    ),
  );
  for (const expected of [
    /quality\.label_delay: "soon" is invalid: expected a duration/,
    /quality\.metrics\[1\]: "f1" is invalid: expected a regression metric: mae, rmse, mape, r2, mean_error/,
    /quality\.threshold: 0\.4 is invalid: expected no threshold: it applies to task binary only/,
    /quality\.min_labelled: 0 is invalid: expected an integer of at least 1/,
    /quality\.min_label_coverage: 1\.5 is invalid: expected a number from 0 to 1/,
    /quality\.colour: unknown key/,
  ])
    assert.match(many, expected);
});

/** The file with an email channel and one rule on the monitor. */
function withRule(text: string, when: string): string {
  const channel = 'version: 1\nalerting:\n  channels:\n    oncall: { email: [ml@example.com] }\n';
  return `${text.replace('version: 1\n', channel).trimEnd()}\n    rules:\n      - { name: quality, when: "${when}", routes: [oncall] }\n`;
}

test('rules on quality metrics: accepted where the quality section computes them, refused elsewhere', () => {
  const binary = withQuality('task: binary', 'label_delay: 1d');
  const config = parseMonitorConfig(withRule(binary, 'f1 < 0.8'));
  assert.deepEqual(config.monitors[0]?.rules[0]?.when, { metric: 'f1', op: '<', threshold: 0.8, text: 'f1 < 0.8' });
  assert.match(
    problemsOf(withRule(MONITOR, 'f1 < 0.8')),
    /rules\[0\]\.when: "f1 < 0\.8" is invalid: expected a metric this monitor computes: f1 needs a quality section/,
  );
  assert.match(problemsOf(withRule(binary, 'rmse > 12')), /rmse needs a quality section/);
  const regression = parseMonitorConfig(withRule(withQuality('task: regression', 'label_delay: 1d'), 'rmse > 12'));
  assert.equal(regression.monitors[0]?.rules[0]?.when.metric, 'rmse');
});
