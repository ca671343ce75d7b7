import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMonitorConfig } from '@driftwatch/config';
import { repoRoot } from '../support/paths';

// The file the README's "Run it on your own data" tells a newcomer to copy.
const EXAMPLE = join(repoRoot(), 'deploy/monitors.example.yaml');

test('deploy/monitors.example.yaml loads through the monitor config parser as the README describes it', () => {
  const config = loadMonitorConfig(EXAMPLE, {});
  assert.equal(config.monitors.length, 1);
  const [monitor] = config.monitors;
  assert.equal(monitor?.name, 'fraud-hourly');
  assert.equal(monitor?.model, 'fraud-detector');
  assert.deepEqual(monitor?.baseline, { kind: 'id', id: 'training' });
  assert.equal(monitor?.windowMs, 3_600_000);
  assert.equal(monitor?.schedule, '*/10 * * * *');
  assert.equal(monitor?.features, 'all');
  assert.ok(monitor?.prediction && monitor.latency && monitor.enabled);
  assert.deepEqual(monitor?.rules, []);
  assert.deepEqual(config.alerting.channels, {});
});

test('the alerting lines commented out in the example are valid once uncommented', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  // the commented YAML keys of the alerting example (and nothing of the prose around them)
  const uncommented = text.replace(
    /^(\s*)# (?=\s*(?:rules:|alerting:|channels:|team-hook:|- \{ name: input-drift))/gm,
    '$1',
  );
  assert.notEqual(uncommented, text);
  const dir = mkdtempSync(join(tmpdir(), 'dw-example-'));
  try {
    const path = join(dir, 'monitors.yaml');
    writeFileSync(path, uncommented);
    const config = loadMonitorConfig(path, { TEAM_HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    assert.deepEqual(
      config.monitors[0]?.rules.map((r) => [r.name, r.routes]),
      [['input-drift', ['team-hook']]],
    );
    assert.equal(config.alerting.channels['team-hook']?.kind, 'webhook');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
