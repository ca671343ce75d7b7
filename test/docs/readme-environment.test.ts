import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clickhouseSettingsFromEnv } from '@driftwatch/clickhouse';
import type { Env } from '@driftwatch/env';
import { kafkaSettingsFromEnv } from '@driftwatch/kafka';
import { ingestSettingsFromEnv } from '../../apps/ingest/src/settings';
import { monitorSettingsFromEnv } from '../../apps/monitor/src/settings';
import { repoRoot } from '../support/paths';

/**
 * The README's configuration tables against what the code reads, so they cannot drift apart:
 * each service's table must list every variable its settings code (and start script) reads, and
 * nothing else; and every variable read anywhere in libs/, apps/ or deploy/local/ must be in some
 * table.
 */

const ROOT = repoRoot();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** The variable names in the first column of the table under the heading that starts with `heading`. */
function readmeTable(heading: string): Set<string> {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`### ${heading}`));
  assert.ok(start >= 0, `README.md has no heading "### ${heading}"`);
  const names = new Set<string>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const firstCell = line.split('|')[1] ?? '';
    for (const [, name] of firstCell.matchAll(/`([^`]+)`/g)) if (name && ENV_NAME.test(name)) names.add(name);
  }
  assert.ok(names.size > 0, `no table of variables under "### ${heading}"`);
  return names;
}

/** Every key the settings function looks up in the environment it is given. */
function keysRead(settingsFromEnv: (env: Env) => unknown, values: Env = {}): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key);
    },
  });
  settingsFromEnv(env);
  return read;
}

/**
 * `${NAME:-default}` / `${NAME-default}` in a shell script: read from the environment, unless the
 * script sets NAME itself to something else (`X=$(...)`; `X="${X:-9092}"` is still a read).
 */
function shellReads(path: string): Set<string> {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const names = new Set<string>();
  for (const [, name] of text.matchAll(/\$\{([A-Z][A-Z0-9_]*):?-/g)) {
    const setsItself = new RegExp(`^\\s*(?:export\\s+|local\\s+)?${name}=(?!"?\\$\\{${name}:?-)`, 'm');
    if (name && !setsItself.test(text)) names.add(name);
  }
  return names;
}

/** Files under dir (recursively) whose name ends with one of the suffixes, tests excluded. */
function sources(dir: string, suffix: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix) && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

/**
 * Variables read in TypeScript source: EnvReader calls (`read.int('NAME'`; `read.secret('NAME'`
 * reads NAME and NAME_FILE) and `process.env.NAME` / `env.NAME`.
 */
function codeReads(path: string): Set<string> {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const names = new Set<string>();
  for (const [, name] of text.matchAll(/\bread\.(?:string|int|boolean|url|hostPorts|file)\(\s*'([A-Z][A-Z0-9_]*)'/g))
    names.add(name!);
  for (const [, name] of text.matchAll(/\bread\.secret\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(name!).add(`${name}_FILE`);
  for (const [, name] of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(name!);
  return names;
}

function union(...sets: Iterable<string>[]): Set<string> {
  return new Set(sets.flatMap((s) => [...s]));
}

function assertSameVariables(table: Set<string>, read: Set<string>, what: string): void {
  const missing = [...read].filter((name) => !table.has(name)).sort();
  const stale = [...table].filter((name) => !read.has(name)).sort();
  assert.deepEqual(missing, [], `${what} reads ${missing.join(', ')}, missing from its table in README.md`);
  assert.deepEqual(stale, [], `README.md's table for ${what} lists ${stale.join(', ')}, which it does not read`);
}

test('the ingest service table lists exactly what ingest settings and apps/ingest/start.sh read', () => {
  const read = union(keysRead(ingestSettingsFromEnv), shellReads('apps/ingest/start.sh'));
  assertSameVariables(readmeTable('Ingest service'), read, 'the ingest service');
});

test('the monitor service table lists exactly what the monitor settings (with an email channel) and the CLI (with its Kafka settings) read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-readme-env-'));
  try {
    // an email channel, so that the SMTP settings are read too (they are only read then)
    const config = join(dir, 'monitors.yaml');
    writeFileSync(
      config,
      `version: 1
alerting:
  channels:
    oncall: { email: [ml-oncall@example.com] }
monitors:
  - { name: m1, model: m, baseline: b, rules: [{ name: drift, when: "psi > 0.2", routes: [oncall] }] }
`,
    );
    const service = keysRead(monitorSettingsFromEnv, { MONITOR_CONFIG: config });
    assert.ok(service.has('SMTP_HOST'), 'the email channel made the settings read SMTP_HOST');
    const kafka = keysRead((env) => kafkaSettingsFromEnv(env, 'driftwatch-cli')); // dead-letters replay
    const cli = union(keysRead(clickhouseSettingsFromEnv), kafka, codeReads('apps/monitor/src/cli.ts'));
    assertSameVariables(readmeTable('Monitor service'), union(service, cli), 'the monitor service and CLI');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the demo and local infrastructure table lists exactly what the demo and deploy/local/*.sh read themselves', () => {
  const scripts = readdirSync(join(ROOT, 'deploy/local'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => shellReads(`deploy/local/${f}`));
  const read = union(...sources('apps/demo/src', '.ts').map(codeReads), ...scripts);
  assertSameVariables(readmeTable('Demo and local infrastructure'), read, 'the demo and deploy/local');
});

test('every variable read in libs/ and apps/ is in one of the tables', () => {
  const documented = union(
    readmeTable('Ingest service'),
    readmeTable('Monitor service'),
    readmeTable('Demo and local infrastructure'),
  );
  const files = [...sources('libs', '.ts'), ...sources('apps', '.ts')].filter((f) => f.includes('/src/'));
  const undocumented = files.flatMap((f) =>
    [...codeReads(f)].filter((name) => !documented.has(name)).map((name) => `${name} (${f})`),
  );
  assert.deepEqual(undocumented, []);
});
