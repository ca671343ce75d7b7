import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_MONITOR_SETTINGS,
  formatDuration,
  loadMonitorConfig,
  MonitorConfigError,
  parseDuration,
  parseMonitorConfig,
  type MonitorSpec,
} from './monitor-config';
import { DEFAULT_ALERTING } from './alerting-config';

const MINIMAL = `
version: 1
monitors:
  - name: flight-delay-hourly
    model: flight-delay
    baseline: flights-jan
`;

/** The message of the MonitorConfigError that parsing `text` throws. */
function problemsOf(text: string, source?: string): string {
  try {
    parseMonitorConfig(text, source);
  } catch (error) {
    assert.ok(error instanceof MonitorConfigError, `expected a MonitorConfigError, got ${error}`);
    return error.message;
  }
  assert.fail('the config was accepted');
}

/** A one-monitor file with `lines` added to the monitor. */
function monitorWith(...lines: string[]): string {
  return `${MINIMAL.trimEnd()}\n${lines.map((line) => `    ${line}`).join('\n')}\n`;
}

test('a minimal file gets every default', () => {
  const config = parseMonitorConfig(MINIMAL);
  const expected: MonitorSpec = {
    name: 'flight-delay-hourly',
    model: 'flight-delay',
    baseline: { kind: 'id', id: 'flights-jan' },
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
    features: 'all',
    excludeFeatures: [],
    prediction: true,
    latency: true,
    enabled: true,
    rules: [],
  };
  assert.deepEqual(config, { version: 1, monitors: [expected], alerting: { ...DEFAULT_ALERTING, channels: {} } });
  assert.deepEqual(
    { ...DEFAULT_MONITOR_SETTINGS },
    {
      schedule: expected.schedule,
      windowMs: expected.windowMs,
      minSamples: expected.minSamples,
      segmentByVersion: expected.segmentByVersion,
      catchUp: expected.catchUp,
      maxCatchUp: expected.maxCatchUp,
      numericMethods: expected.numericMethods,
      categoricalMethods: expected.categoricalMethods,
      thresholds: expected.thresholds,
      psiBins: expected.psiBins,
    },
  );
});

test('a full file: defaults override the built-ins, a monitor overrides the defaults, thresholds merge key by key', () => {
  const config = parseMonitorConfig(`
version: 1
defaults:
  schedule: "0 * * * *"
  window: 2h
  min_samples: 500
  segment_by_version: false
  catch_up: run_missed
  max_catch_up: 48
  numeric_methods: [psi, wasserstein]
  categorical_methods: [js]
  thresholds:
    psi: 0.25
    wasserstein: 3.5
  psi_bins: 20
monitors:
  - name: flight-delay-hourly
    model: flight-delay
    baseline: { from: "2024-01-01T00:00:00Z", to: "2024-02-01T01:00:00+01:00" }
    window: 90m
    schedule: "30 */5 1-12 * * 1-5"
    min_samples: 1
    segment_by_version: true
    catch_up: skip
    max_catch_up: 1
    numeric_methods: [ks]
    categorical_methods: [chi2, psi]
    thresholds: { ks_p_value: 0.05, js: null }
    psi_bins: 2
    features:
      distance: { type: numeric }
      origin: { type: categorical, methods: [chi2], thresholds: { chi2_p_value: 0.001 } }
      carrier:
      dep_delay: { methods: [js], thresholds: { psi: 0.3 } }
    exclude_features: [dep_hour, "dep:minute"]
    prediction: false
    latency: false
    enabled: false
  - name: flight-delay-daily
    model: flight-delay
    baseline: flights-jan
    thresholds: { psi: null }
`);
  const [hourly, daily] = config.monitors;
  const hourlyThresholds = { psi: 0.25, ksPValue: 0.05, chi2PValue: 0.01, js: null, wasserstein: 3.5 };
  assert.deepEqual(hourly, {
    name: 'flight-delay-hourly',
    model: 'flight-delay',
    baseline: { kind: 'range', fromMs: Date.parse('2024-01-01T00:00:00Z'), toMs: Date.parse('2024-02-01T00:00:00Z') },
    schedule: '30 */5 1-12 * * 1-5',
    windowMs: 90 * 60_000,
    minSamples: 1,
    segmentByVersion: true,
    catchUp: 'skip',
    maxCatchUp: 1,
    numericMethods: ['ks'],
    categoricalMethods: ['chi2', 'psi'],
    thresholds: hourlyThresholds,
    psiBins: 2,
    features: {
      distance: { type: 'numeric', methods: ['ks'], thresholds: hourlyThresholds },
      origin: { type: 'categorical', methods: ['chi2'], thresholds: { ...hourlyThresholds, chi2PValue: 0.001 } },
      carrier: { thresholds: hourlyThresholds },
      dep_delay: { methods: ['js'], thresholds: { ...hourlyThresholds, psi: 0.3 } },
    },
    excludeFeatures: ['dep_hour', 'dep:minute'],
    prediction: false,
    latency: false,
    enabled: false,
    rules: [],
  });
  assert.deepEqual(daily, {
    name: 'flight-delay-daily',
    model: 'flight-delay',
    baseline: { kind: 'id', id: 'flights-jan' },
    schedule: '0 * * * *',
    windowMs: 2 * 3_600_000,
    minSamples: 500,
    segmentByVersion: false,
    catchUp: 'run_missed',
    maxCatchUp: 48,
    numericMethods: ['psi', 'wasserstein'],
    categoricalMethods: ['js'],
    thresholds: { psi: null, ksPValue: 0.01, chi2PValue: 0.01, js: 0.1, wasserstein: 3.5 },
    psiBins: 20,
    features: 'all',
    excludeFeatures: [],
    prediction: true,
    latency: true,
    enabled: true,
    rules: [],
  });
  // Each monitor owns its lists: changing one changes no other, nor the defaults.
  hourly.numericMethods.push('psi');
  daily.categoricalMethods.push('psi');
  assert.deepEqual(DEFAULT_MONITOR_SETTINGS.numericMethods, ['psi', 'ks']);
  assert.deepEqual(DEFAULT_MONITOR_SETTINGS.categoricalMethods, ['psi', 'chi2']);
});

test('malformed YAML names the line and column the yaml parser reports', () => {
  assert.equal(
    problemsOf('version: 1\nmonitors:\n  - name: a\n    window: 1h\n      model: m\n'),
    'monitors.yaml:4:13: invalid YAML: Nested mappings are not allowed in compact mappings\n' +
      'monitors.yaml:4:13: invalid YAML: Implicit keys need to be on a single line',
  );
  assert.equal(problemsOf(`${MINIMAL}    model: other\n`), 'monitors.yaml:7:5: invalid YAML: Map keys must be unique');
  assert.equal(
    problemsOf(`${MINIMAL}  - a: 1\n---\nversion: 1\n`),
    'monitors.yaml:8:1: invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()',
  );
  assert.equal(
    problemsOf(`${MINIMAL}    window: !secret 1h\n`),
    'monitors.yaml:7:13: invalid YAML: Unresolved tag: !secret',
  );
  const error = (() => {
    try {
      parseMonitorConfig('version: [1\n', 'prod.yaml');
    } catch (e) {
      return e as MonitorConfigError;
    }
  })();
  assert.ok(error instanceof MonitorConfigError);
  assert.equal(error.source, 'prod.yaml');
  assert.deepEqual(
    error.problems.map(({ line, column }) => ({ line, column })),
    [{ line: 2, column: 1 }],
  );
  assert.match(error.message, /^prod\.yaml:2:1: invalid YAML: /);
});

test('an unquoted cron schedule is a YAML alias: one line per mistake, with a hint', () => {
  const hint = '; a plain value starting with * is a YAML alias: quote it, like "*/10 * * * *"';
  assert.equal(
    problemsOf(`${MINIMAL}    schedule: */10 * * * *\n`),
    `monitors.yaml:7:20: invalid YAML: Unexpected alias at node end${hint}`,
  );
  assert.equal(
    problemsOf(`${MINIMAL}    schedule: * * * * *\n`),
    `monitors.yaml:7:15: invalid YAML: Alias cannot be an empty string${hint}\nmonitors.yaml:7:17: invalid YAML: Unexpected alias at node end${hint}`,
  );
  assert.equal(
    problemsOf(`${MINIMAL}    schedule: *x\n`),
    `monitors.yaml:7:15: invalid YAML: Unresolved alias *x: no anchor &x before it${hint}`,
  );
  // Anchors and aliases themselves work.
  const config = parseMonitorConfig(
    `${MINIMAL}    numeric_methods: &methods [js]\n  - { name: b, model: m, baseline: b, numeric_methods: *methods }\n`,
  );
  const [, second] = config.monitors;
  assert.ok(second);
  assert.deepEqual(second.numericMethods, ['js']);
});

test('an unknown key is an error, with the keys that are allowed there', () => {
  assert.equal(
    problemsOf(monitorWith('windw: 1h')),
    'monitors.yaml: monitors[0].windw: unknown key; expected one of name, model, baseline, window, schedule, min_samples, segment_by_version, ' +
      'catch_up, max_catch_up, numeric_methods, categorical_methods, thresholds, psi_bins, features, exclude_features, ' +
      'prediction, latency, enabled, rules, retraining, quality',
  );
  assert.equal(
    problemsOf(
      `version: 1\ndefaults: { thresholds: { kl: 0.1 } }\nmonitors: [{ name: a, model: m, baseline: b }]\nretraining: {}\n`,
    ),
    'monitors.yaml: retraining: unknown key; expected one of version, defaults, alerting, rules, monitors\n' +
      'monitors.yaml: defaults.thresholds.kl: unknown key; expected one of psi, ks_p_value, chi2_p_value, js, wasserstein',
  );
  assert.equal(
    problemsOf(monitorWith('features: { origin: { typ: categorical } }')),
    'monitors.yaml: monitors[0].features.origin.typ: unknown key; expected one of type, methods, thresholds',
  );
});

test('a bad duration', () => {
  assert.equal(
    problemsOf(monitorWith('window: 1hour')),
    'monitors.yaml: monitors[0].window: "1hour" is invalid: expected a duration like 30s, 15m, 1h, 7d',
  );
  assert.equal(
    problemsOf(monitorWith('window: 60')),
    'monitors.yaml: monitors[0].window: 60 is invalid: expected a duration like 30s, 15m, 1h, 7d',
  );
});

test('a bad cron schedule: field count, then the first field out of range or syntax', () => {
  assert.equal(
    problemsOf(monitorWith('schedule: "*/10 * * *"')),
    'monitors.yaml: monitors[0].schedule: "*/10 * * *" is invalid: expected a cron schedule of 5 fields (minute hour day-of-month month day-of-week) or 6 (second first)',
  );
  assert.equal(
    problemsOf(monitorWith('schedule: "0 24 * * *"')),
    'monitors.yaml: monitors[0].schedule: "0 24 * * *" is invalid: expected a cron schedule whose hour field ("24") holds 0-23 as n, *, */n, a-b, a-b/n or a list a,b,c',
  );
  for (const [schedule, field] of [
    ['*/0 * * * *', 'minute field ("*/0") holds 0-59'],
    ['*/60 * * * *', 'minute field ("*/60") holds 0-59'],
    ['0 0 0 * *', 'day-of-month field ("0") holds 1-31'],
    ['0 0 * 1-13 *', 'month field ("1-13") holds 1-12'],
    ['0 0 * * MON', 'day-of-week field ("MON") holds 0-7'],
    ['0 0 * 5-2 *', 'month field ("5-2") holds 1-12'],
    ['60 0 0 * * *', 'second field ("60") holds 0-59'],
    ['0 0 1,,2 * *', 'day-of-month field ("1,,2") holds 1-31'],
    ['0 0 * * 1/2', 'day-of-week field ("1/2") holds 0-7'],
    ['0 0 ? * *', 'day-of-month field ("?") holds 1-31'],
  ]) {
    assert.ok(problemsOf(monitorWith(`schedule: "${schedule}"`)).includes(`whose ${field} as n,`), schedule);
  }
  assert.match(problemsOf(monitorWith('schedule: "@hourly"')), /expected a cron schedule of 5 fields/);
  assert.match(problemsOf(monitorWith('schedule: 5')), /schedule: 5 is invalid: expected a cron schedule of 5 fields/);
  for (const schedule of ['* * * * *', '0 0 1,15 * 0', '0 9-17/2 * * 1-5', '30 0 */6 * * 7', ' 5  4 * * * ']) {
    assert.doesNotThrow(() => parseMonitorConfig(monitorWith(`schedule: "${schedule}"`)), schedule);
  }
  const [trimmed] = parseMonitorConfig(monitorWith('schedule: " 5  4 * * * "')).monitors;
  assert.ok(trimmed);
  assert.equal(trimmed.schedule, '5 4 * * *');
});

test('a bad threshold type or range', () => {
  assert.equal(
    problemsOf(monitorWith('thresholds: { psi: "0.2", ks_p_value: 1, js: 1.5, wasserstein: -1, chi2_p_value: .nan }')),
    [
      'monitors.yaml: monitors[0].thresholds.psi: "0.2" is invalid: expected a number greater than 0, or null (report only)',
      'monitors.yaml: monitors[0].thresholds.ks_p_value: 1 is invalid: expected a p-value between 0 and 1 (exclusive), or null (report only)',
      'monitors.yaml: monitors[0].thresholds.chi2_p_value: NaN is invalid: expected a p-value between 0 and 1 (exclusive), or null (report only)',
      'monitors.yaml: monitors[0].thresholds.js: 1.5 is invalid: expected a number greater than 0 and at most 1, or null (report only)',
      'monitors.yaml: monitors[0].thresholds.wasserstein: -1 is invalid: expected a number greater than 0, or null (report only)',
    ].join('\n'),
  );
  assert.equal(
    problemsOf(monitorWith('thresholds: 0.2')),
    'monitors.yaml: monitors[0].thresholds: 0.2 is invalid: expected a map of thresholds with keys psi, ks_p_value, chi2_p_value, js, wasserstein',
  );
});

test('a method or threshold not valid for the feature type', () => {
  assert.equal(
    problemsOf(
      monitorWith(
        'features:',
        '  origin: { type: categorical, methods: [chi2, ks], thresholds: { ks_p_value: 0.1 } }',
        '  distance: { type: numeric, methods: [chi2] }',
      ),
    ),
    [
      'monitors.yaml: monitors[0].features.origin.methods[1]: "ks" is invalid: expected a method for categorical features: psi, chi2, js',
      'monitors.yaml: monitors[0].features.origin.thresholds.ks_p_value: 0.1 is invalid: expected a threshold for categorical features: psi, chi2_p_value, js',
      'monitors.yaml: monitors[0].features.distance.methods[0]: "chi2" is invalid: expected a method for numeric features: psi, ks, wasserstein, js',
    ].join('\n'),
  );
  // Without a type the inferred one is unknown until the baseline is read: only methods valid for both.
  assert.equal(
    problemsOf(monitorWith('features:', '  dep-delay: { methods: [psi, ks], thresholds: { chi2_p_value: 0.1 } }')),
    [
      'monitors.yaml: monitors[0].features["dep-delay"].methods[1]: "ks" is invalid: expected a method valid for both feature types (psi, js), or set type: numeric to use ks',
      'monitors.yaml: monitors[0].features["dep-delay"].thresholds.chi2_p_value: 0.1 is invalid: expected a threshold valid for both feature types (psi, js), or set type: categorical to use chi2_p_value',
    ].join('\n'),
  );
  assert.equal(
    problemsOf(monitorWith('numeric_methods: [psi, chi2]', 'categorical_methods: []')),
    [
      'monitors.yaml: monitors[0].numeric_methods[1]: "chi2" is invalid: expected a method for numeric features: psi, ks, wasserstein, js',
      'monitors.yaml: monitors[0].categorical_methods: [] is invalid: expected a non-empty list of methods: psi, chi2, js',
    ].join('\n'),
  );
});

test('duplicate monitor names', () => {
  const text = `${MINIMAL}  - name: other\n    model: m\n    baseline: b\n  - name: flight-delay-hourly\n    model: m\n    baseline: b\n`;
  assert.equal(
    problemsOf(text),
    'monitors.yaml: monitors[2].name: "flight-delay-hourly" is invalid: expected a name no other monitor has (monitors[0] has it)',
  );
});

test('names that are not plain names, like an SQL injection, are refused', () => {
  assert.equal(
    problemsOf(
      `version: 1\nmonitors:\n  - name: "x'); DROP TABLE predictions; --"\n    model: "m odel"\n    baseline: "b;"\n`,
    ),
    [
      `monitors.yaml: monitors[0].name: "x'); DROP TABLE predictions; --" is invalid: expected a name of 1 to 128 letters, digits and _ . : -`,
      'monitors.yaml: monitors[0].model: "m odel" is invalid: expected a model name of 1 to 128 letters, digits and _ . : -',
      'monitors.yaml: monitors[0].baseline: "b;" is invalid: expected a baseline id of 1 to 128 letters, digits and _ . : -',
    ].join('\n'),
  );
  assert.equal(
    problemsOf(monitorWith(`features: { "origin'--": {} }`, `exclude_features: ["${'a'.repeat(129)}"]`)),
    [
      `monitors.yaml: monitors[0].exclude_features[0]: "${'a'.repeat(96)}... is invalid: expected a feature name of 1 to 128 letters, digits and _ . : -`,
      `monitors.yaml: monitors[0].features["origin'--"]: "origin'--" is invalid: expected a feature name of 1 to 128 letters, digits and _ . : -`,
    ].join('\n'),
  );
});

test('a missing required key', () => {
  assert.equal(
    problemsOf('version: 1\nmonitors:\n  - name: a\n'),
    [
      'monitors.yaml: monitors[0].model: missing key; expected a model name of 1 to 128 letters, digits and _ . : -',
      'monitors.yaml: monitors[0].baseline: missing key; expected a baseline id of 1 to 128 letters, digits and _ . : -, or a time range { from, to }',
    ].join('\n'),
  );
  assert.equal(
    problemsOf('monitors: []\n'),
    'monitors.yaml: version: missing key; expected 1\nmonitors.yaml: monitors: [] is invalid: expected a non-empty list of monitors',
  );
  assert.equal(
    problemsOf('version: 1\n'),
    'monitors.yaml: monitors: missing key; expected a non-empty list of monitors',
  );
  assert.equal(
    problemsOf('# nothing yet\n'),
    'monitors.yaml: the file is empty; expected a map with keys version, defaults, alerting, rules, monitors',
  );
});

test('a baseline range needs zoned ISO times with from before to', () => {
  assert.equal(
    problemsOf(
      monitorWith('baseline: { from: "2024-02-01T00:00:00Z", to: "2024-02-01T01:00:00+01:00" }').replace(
        '    baseline: flights-jan\n',
        '',
      ),
    ),
    'monitors.yaml: monitors[0].baseline.to: "2024-02-01T01:00:00+01:00" is invalid: expected a time after from (2024-02-01T00:00:00Z)',
  );
  const iso = 'an ISO-8601 time with a zone, like 2024-01-31T00:00:00Z or 2024-01-31T01:00:00+01:00';
  assert.equal(
    problemsOf(
      `version: 1\nmonitors:\n  - { name: a, model: m, baseline: { from: "2024-01-01T00:00:00", to: "2024-02-30T00:00:00Z" } }\n  - { name: b, model: m, baseline: { from: "2024-01-01" } }\n`,
    ),
    [
      `monitors.yaml: monitors[0].baseline.from: "2024-01-01T00:00:00" is invalid: expected ${iso}`,
      `monitors.yaml: monitors[0].baseline.to: "2024-02-30T00:00:00Z" is invalid: expected ${iso}`,
      `monitors.yaml: monitors[1].baseline.from: "2024-01-01" is invalid: expected ${iso}`,
      `monitors.yaml: monitors[1].baseline.to: missing key; expected ${iso}`,
    ].join('\n'),
  );
  // A %YAML 1.1 directive does not turn times into dates that lose their zone.
  const v11 = parseMonitorConfig(
    `%YAML 1.1\n---\nversion: 1\nmonitors: [{ name: a, model: m, baseline: { from: 2024-01-01T00:00:00Z, to: 2024-02-01T00:00:00+01:00 } }]\n`,
  );
  const [v11Monitor] = v11.monitors;
  assert.ok(v11Monitor);
  assert.deepEqual(v11Monitor.baseline, {
    kind: 'range',
    fromMs: Date.parse('2024-01-01T00:00:00Z'),
    toMs: Date.parse('2024-01-31T23:00:00Z'),
  });
  const [fractional] = parseMonitorConfig(
    `version: 1\nmonitors: [{ name: a, model: m, baseline: { from: "2024-02-29T23:30:00.5-00:30", to: "2024-03-01T00:00:01.123456Z" } }]\n`,
  ).monitors;
  assert.ok(fractional);
  const { baseline } = fractional;
  assert.deepEqual(baseline, {
    kind: 'range',
    fromMs: Date.parse('2024-03-01T00:00:00.500Z'),
    toMs: Date.parse('2024-03-01T00:00:01.123Z'),
  });
});

test('version 2 is refused alone: its other keys are not checked against version 1', () => {
  assert.equal(
    problemsOf('version: 2\nmonitors: { new: format }\n'),
    'monitors.yaml: version: 2 is invalid: expected 1 (the only version of this file format)',
  );
  assert.equal(
    problemsOf(MINIMAL.replace('version: 1', 'version: "1"')),
    'monitors.yaml: version: "1" is invalid: expected 1 (the only version of this file format)',
  );
});

test('every problem of a file is reported together, in a stable order', () => {
  const text = `
version: 1
defaults:
  window: 1hour
  min_samples: 0
  max_catch_up: 1001
  psi_bins: 1
  catch_up: always
  segment_by_version: yes
monitors:
  - name: a
    model: m
    baseline: b
    enabled: "false"
    features: [distance]
  - just a string
`;
  const error = (() => {
    try {
      parseMonitorConfig(text, 'conf/monitors.yaml');
    } catch (e) {
      return e as MonitorConfigError;
    }
  })();
  assert.ok(error instanceof MonitorConfigError);
  assert.equal(error.name, 'MonitorConfigError');
  assert.equal(
    error.message,
    [
      'conf/monitors.yaml: defaults.window: "1hour" is invalid: expected a duration like 30s, 15m, 1h, 7d',
      'conf/monitors.yaml: defaults.min_samples: 0 is invalid: expected an integer of at least 1',
      'conf/monitors.yaml: defaults.segment_by_version: "yes" is invalid: expected true or false',
      'conf/monitors.yaml: defaults.catch_up: "always" is invalid: expected skip or run_missed',
      'conf/monitors.yaml: defaults.max_catch_up: 1001 is invalid: expected an integer from 1 to 1000',
      'conf/monitors.yaml: defaults.psi_bins: 1 is invalid: expected an integer from 2 to 100',
      'conf/monitors.yaml: monitors[0].enabled: "false" is invalid: expected true or false',
      'conf/monitors.yaml: monitors[0].features: ["distance"] is invalid: expected a map of feature name to settings (omit it for all features)',
      'conf/monitors.yaml: monitors[1]: "just a string" is invalid: expected a monitor: a map with name, model and baseline',
    ].join('\n'),
  );
  assert.deepEqual(error.problems[0], {
    path: 'defaults.window',
    value: '1hour',
    expected: 'a duration like 30s, 15m, 1h, 7d',
    message: 'conf/monitors.yaml: defaults.window: "1hour" is invalid: expected a duration like 30s, 15m, 1h, 7d',
  });
  assert.equal(error.problems.length, 9);
});

test('a feature may be named __proto__', () => {
  const config = parseMonitorConfig(`${MINIMAL}    features:\n      __proto__: { type: numeric }\n`);
  const [monitor] = config.monitors;
  assert.ok(monitor);
  assert.ok(monitor.features !== 'all' && Object.hasOwn(monitor.features, '__proto__'));
  assert.equal(Object.getPrototypeOf(monitor.features), Object.prototype);
});

test('parseDuration reads <int><unit> and nothing else; formatDuration is its inverse', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('2w'), 1_209_600_000);
  for (const bad of [
    '',
    '1',
    'h',
    '0s',
    '-1h',
    '1.5h',
    '1H',
    '1 h',
    ' 1h',
    '1h30m',
    '1ms',
    '1y',
    '99999999999999999w',
  ]) {
    assert.throws(() => parseDuration(bad), {
      name: 'RangeError',
      message: `${JSON.stringify(bad)} is not a duration: expected a duration like 30s, 15m, 1h, 7d`,
    });
  }
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(5_400_000), '90m');
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(604_800_000), '1w');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1_500), '1500ms');
  for (const text of ['45s', '59m', '23h', '6d', '3w']) assert.equal(formatDuration(parseDuration(text)), text);
  assert.throws(() => formatDuration(-1), RangeError);
  assert.throws(() => formatDuration(1.5), RangeError);
});

test('loadMonitorConfig reads a file and names its path when it cannot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-config-'));
  try {
    const good = join(dir, 'monitors.yaml');
    writeFileSync(good, MINIMAL);
    const [first] = loadMonitorConfig(good).monitors;
    assert.ok(first);
    assert.equal(first.name, 'flight-delay-hourly');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, monitorWith('window: 1hour'));
    assert.throws(() => loadMonitorConfig(bad), {
      name: 'MonitorConfigError',
      message: `${bad}: monitors[0].window: "1hour" is invalid: expected a duration like 30s, 15m, 1h, 7d`,
    });

    const missing = join(dir, 'nope.yaml');
    assert.throws(() => loadMonitorConfig(missing), {
      name: 'MonitorConfigError',
      message: `${missing}: cannot read the monitor config file: no such file`,
    });
    assert.throws(() => loadMonitorConfig(dir), {
      message: `${dir}: cannot read the monitor config file: it is a directory`,
    });
    assert.throws(() => loadMonitorConfig('relative/nope.yaml'), {
      message: `${resolve('relative/nope.yaml')}: cannot read the monitor config file: no such file`,
    });

    // webhook secrets are read from the environment it is given, not from process.env
    const hooked = join(dir, 'hooked.yaml');
    writeFileSync(
      hooked,
      `version: 1\nalerting:\n  channels:\n    hook: { webhook: "https://hooks.example.com/x", secret_env: DW_TEST_HOOK_SECRET }\nmonitors:\n  - { name: a, model: m, baseline: b }\n`,
    );
    assert.equal(process.env.DW_TEST_HOOK_SECRET, undefined);
    const hook = loadMonitorConfig(hooked, { DW_TEST_HOOK_SECRET: 'whsec_0123456789abcdef' }).alerting.channels.hook;
    assert.equal(hook?.kind === 'webhook' && hook.secret, 'whsec_0123456789abcdef');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadMonitorConfig reads webhook secrets from the environment it is given, not only process.env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-config-'));
  try {
    const path = join(dir, 'monitors.yaml');
    writeFileSync(
      path,
      `version: 1
alerting:
  channels:
    hook: { webhook: "https://hooks.example.com/x", secret_env: DW_TEST_ONLY_HOOK_SECRET }
monitors:
  - { name: m1, model: m, baseline: b, rules: [{ name: drift, when: "psi > 0.2", routes: [hook] }] }
`,
    );
    assert.equal(process.env.DW_TEST_ONLY_HOOK_SECRET, undefined);
    const config = loadMonitorConfig(path, { DW_TEST_ONLY_HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    const hook = config.alerting.channels.hook;
    assert.equal(hook?.kind === 'webhook' ? hook.secret : undefined, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
