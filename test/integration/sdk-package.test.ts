import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/paths';
import { IngestProcess } from '../support/processes';
import { sandbox, type Sandbox } from '../support/services';
import { waitFor } from '../support/wait';

// The SDK as a serving app outside this repository gets it: `npm pack` of libs/sdk, installed with
// npm from the tarball and the registry alone into a fresh project, loaded with plain require().
let box: Sandbox;
let ingest: IngestProcess;
let project: string;
let tarball: string;

before(async () => {
  box = await sandbox('sdkpkg', 1);
  ingest = new IngestProcess({ ...box.env, INGEST_FLUSH_MS: '200' });
  await ingest.start();
  project = mkdtempSync(join(tmpdir(), 'dw-sdk-user-'));
});

after(async () => {
  await ingest?.stop();
  await box?.cleanup();
  if (project) rmSync(project, { recursive: true, force: true });
});

test('npm pack of libs/sdk gives a package with its exports, types and only registry dependencies', () => {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], {
      cwd: join(repoRoot(), 'libs/sdk'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = join(project, packed!.filename);
  const files = packed!.files.map((f) => f.path);
  for (const path of [
    'package.json',
    'LICENSE',
    'dist/sdk/src/index.js',
    'dist/sdk/src/index.d.ts',
    'dist/contracts/src/schemas/prediction.v1.json',
  ]) {
    assert.ok(files.includes(path), `${path} in ${files.join(' ')}`);
  }
  assert.deepEqual(
    files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
    [],
    'no TypeScript sources',
  );
});

test('installed from the tarball into a project outside the repository, it logs a prediction that the ingest service stores', async () => {
  assert.ok(tarball, 'the pack test ran');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'serving-app', version: '1.0.0', private: true }),
  );
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], {
    cwd: project,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(install.status, 0, install.stderr);
  assert.deepEqual(
    readdirSync(join(project, 'node_modules/@driftwatch')),
    ['sdk'],
    'no workspace lib is fetched on its own',
  );
  assert.ok(existsSync(join(project, 'node_modules/kafkajs/package.json')));

  writeFileSync(
    join(project, 'app.js'),
    `const { DriftwatchClient, DriftwatchValidationError } = require('@driftwatch/sdk');
const dw = new DriftwatchClient({ brokers: process.env.KAFKA_BROKERS.split(','), topicPrefix: process.env.TOPIC_PREFIX });
const eventId = dw.logPrediction({ model: 'packaged-sdk', modelVersion: 'v1', prediction: 0.91, latencyMs: 7, features: { amount: 12.5, country: 'FR' } });
try {
  dw.logPrediction({ model: 'not a name', modelVersion: 'v1', prediction: 1, latencyMs: 1 });
  throw new Error('an invalid event was accepted');
} catch (err) {
  if (!(err instanceof DriftwatchValidationError) || err.code !== 'bad_name') throw err;
}
dw.close().then(() => console.log(eventId));
`,
  );
  // and the types: a TypeScript user of the package type-checks against its .d.ts
  writeFileSync(
    join(project, 'check.ts'),
    `import { DriftwatchClient, type PredictionInput } from '@driftwatch/sdk';
const input: PredictionInput = { model: 'm', modelVersion: 'v1', prediction: 'yes', latencyMs: 1 };
const id: string = new DriftwatchClient({ brokers: ['localhost:9092'] }).logPrediction(input);
// @ts-expect-error latencyMs is required
new DriftwatchClient().logPrediction({ model: 'm', modelVersion: 'v1', prediction: 1 });
export { id };
`,
  );
  const tsc = join(repoRoot(), 'node_modules/typescript/bin/tsc');
  const typeRoots = join(repoRoot(), 'node_modules/@types');
  const checked = spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
      '--typeRoots',
      typeRoots,
      'check.ts',
    ],
    { cwd: project, encoding: 'utf8' },
  );
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);

  await ingest.waitReady();
  const run = spawnSync(process.execPath, ['app.js'], {
    cwd: project,
    env: { ...process.env, ...box.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const eventId = run.stdout.trim();
  const [row] = await waitFor(`event ${eventId} stored\n${ingest.output.slice(-2000)}`, async () => {
    const rows = await box.ch.query<{
      model: string;
      score: number | null;
      prediction_num: number;
      cat_values: string[];
    }>(`SELECT model, prediction_num, cat_values FROM predictions FINAL WHERE event_id = '${eventId}'`);
    return rows.length ? rows : undefined;
  });
  assert.equal(row!.model, 'packaged-sdk');
  assert.equal(row!.prediction_num, 0.91);
  assert.deepEqual(row!.cat_values, ['FR']);
});
