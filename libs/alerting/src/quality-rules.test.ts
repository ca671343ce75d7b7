import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_VERSIONS } from '@driftwatch/clickhouse';
import { observeRule, ruleSegments, type QualityResult } from './rule-evaluation';
import type { RuleSpec } from './spec';

function rule(metric: 'f1' | 'rmse', op: '<' | '>', threshold: number, perVersion = false): RuleSpec {
  return {
    name: `${metric}-rule`,
    when: { metric, op, threshold, text: `${metric} ${op} ${threshold}` },
    forRuns: 1,
    forMs: 0,
    severity: 'warning',
    labels: {},
    routes: [],
    perVersion,
  };
}

const row = (model_version: string, metric: QualityResult['metric'], value: number | null): QualityResult => ({
  model_version,
  metric,
  status: value === null ? 'insufficient_labels' : 'ok',
  value,
});

test('a quality rule fires on the metric of its segment: f1 < 0.8, rmse > 12', () => {
  const quality = [row(ALL_VERSIONS, 'f1', 0.7), row(ALL_VERSIONS, 'rmse', 10), row('v2', 'f1', 0.9)];
  const f1 = observeRule(rule('f1', '<', 0.8), ALL_VERSIONS, [], [], quality);
  assert.equal(f1?.active, true);
  assert.deepEqual(f1?.evidence, [{ modelVersion: ALL_VERSIONS, metric: 'f1', value: 0.7, op: '<', threshold: 0.8 }]);
  assert.equal(observeRule(rule('rmse', '>', 12), ALL_VERSIONS, [], [], quality)?.active, false);
  assert.equal(observeRule(rule('f1', '<', 0.8), 'v2', [], [], quality)?.active, false);
});

test('insufficient labels, or no quality result at all, is no verdict: the alert state does not change', () => {
  const quality = [row(ALL_VERSIONS, 'f1', null)];
  assert.equal(observeRule(rule('f1', '<', 0.8), ALL_VERSIONS, [], [], quality), undefined);
  assert.equal(observeRule(rule('f1', '<', 0.8), ALL_VERSIONS, [], []), undefined);
});

test('per-version quality rules are judged in the versions the quality rows hold', () => {
  const quality = [row(ALL_VERSIONS, 'f1', 0.7), row('v1', 'f1', 0.7), row('v2', 'f1', 0.9)];
  assert.deepEqual(ruleSegments(true, [], [], quality), ['v1', 'v2']);
  assert.deepEqual(ruleSegments(false, [], [], quality), [ALL_VERSIONS]);
});
