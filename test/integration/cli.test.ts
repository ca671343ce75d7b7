import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/paths';
import { CLICKHOUSE_URL, sandbox, uniqueName, type Sandbox } from '../support/services';

// The driftwatch CLI as a user meets it: --help everywhere, an exit status per kind of failure,
// paths relative to where the user ran it, and nothing written to ClickHouse for a wrong command.
const CLI = join(repoRoot(), 'dist/apps/monitor/src/cli.js');
let box: Sandbox;
let dir: string;

before(async () => {
  box = await sandbox('cli', 1);
  dir = mkdtempSync(join(tmpdir(), 'dw-cli-'));
  writeFileSync(
    join(dir, 'train.csv'),
    `amount,country,score\n${Array.from({ length: 200 }, (_, i) => `${i * 1.5},${i % 2 ? 'FR' : 'DE'},${(i % 10) / 10}`).join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'monitors.yaml'),
    'version: 1\nmonitors:\n  - { name: fraud-hourly, model: fraud, baseline: training }\n',
  );
  writeFileSync(
    join(dir, 'bad.yaml'),
    'version: 1\nmonitors:\n  - { name: fraud-hourly, model: fraud, baseline: training, window: 1hour }\n',
  );
});

after(async () => {
  await box?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI like `node cli.js ...`; env without INIT_CWD unless given (npm test sets it for the whole tree). */
function cli(args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): Result {
  const { INIT_CWD: _npmCwd, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [...nodeFlags, CLI, ...args], {
    env: { ...inherited, ...box.env, ...env },
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help for the CLI and for each command prints its usage, options and exit statuses, and exits 0', () => {
  const cases: [string[], string[]][] = [
    [['--help'], ['baseline import', 'run', 'dead-letters replay']],
    [
      ['baseline', 'import', '--help'],
      ['--model MODEL', '--name NAME', '--file FILE', '--prediction-column COLUMN', '--psi-bins N'],
    ],
    [
      ['run', '-h'],
      ['--monitor NAME', '--config FILE', '--at ISO-8601'],
    ],
    [
      ['dead-letters', 'replay', '--help'],
      ['--code CODE', '--since ISO-8601', '--until ISO-8601', '--dry-run'],
    ],
  ];
  for (const [args, mentions] of cases) {
    const r = cli(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: driftwatch /);
    for (const text of mentions) assert.ok(r.stdout.includes(text), `${args.join(' ')} mentions ${text}`);
    assert.match(r.stdout, /Exit status:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
    assert.equal(r.stderr, '');
  }
});

test('a wrong command line exits 2, a bad environment or monitor config 3, and neither creates the database', async () => {
  const database = uniqueName('cli_untouched');
  const env = { CLICKHOUSE_DATABASE: database };
  const cases: [string, string[], Record<string, string>, number, RegExp][] = [
    ['no command', [], {}, 2, /^driftwatch: no command given\nRun 'driftwatch --help' for usage\.\n$/],
    ['unknown command', ['baseline', 'list'], {}, 2, /unknown command 'baseline list'/],
    [
      'missing option',
      ['baseline', 'import', '--model', 'fraud'],
      {},
      2,
      /--name is required\nRun 'driftwatch baseline import --help'/,
    ],
    [
      'bad name',
      ['baseline', 'import', '--model', 'fraud detector', '--name', 'training', '--file', 'train.csv'],
      {},
      2,
      /--model 'fraud detector' must match/,
    ],
    [
      'bad number',
      ['baseline', 'import', '--model', 'fraud', '--name', 'training', '--file', 'train.csv', '--psi-bins', 'ten'],
      {},
      2,
      /--psi-bins 'ten' is not an integer/,
    ],
    [
      'missing file',
      ['baseline', 'import', '--model', 'fraud', '--name', 'training', '--file', 'nope.csv'],
      {},
      2,
      /--file 'nope.csv': no such file/,
    ],
    [
      'unknown option',
      ['run', '--monitor', 'fraud-hourly', '--windw', '2h'],
      {},
      2,
      /unknown option '--windw' for 'run'/,
    ],
    [
      'bad time',
      ['run', '--monitor', 'fraud-hourly', '--at', 'noon'],
      {},
      2,
      /--at 'noon' is not an ISO-8601 date-time/,
    ],
    [
      'unknown monitor',
      ['run', '--monitor', 'fraud-daily'],
      {},
      2,
      /--monitor 'fraud-daily': no such monitor in the config \(it has: fraud-hourly\)/,
    ],
    ['unknown code', ['dead-letters', 'replay', '--code', 'too_old'], {}, 2, /--code 'too_old': not a refusal code/],
    [
      'bad monitor config',
      ['run', '--monitor', 'fraud-hourly', '--config', 'bad.yaml'],
      {},
      3,
      /monitors\[0\]\.window: "1hour" is invalid: expected a duration/,
    ],
    [
      'missing monitor config',
      ['run', '--monitor', 'fraud-hourly', '--config', 'nope.yaml'],
      {},
      3,
      /cannot read the monitor config file: no such file/,
    ],
    [
      'bad environment',
      ['baseline', 'import', '--model', 'fraud', '--name', 'training', '--file', 'train.csv'],
      { CLICKHOUSE_URL: 'ftp://localhost' },
      3,
      /^driftwatch: config CLICKHOUSE_URL="ftp:\/\/localhost" is invalid: expected a URL/,
    ],
    [
      'bad Kafka environment',
      ['dead-letters', 'replay', '--dry-run'],
      { KAFKA_BROKERS: 'localhost' },
      3,
      /config KAFKA_BROKERS="localhost" is invalid/,
    ],
  ];
  for (const [what, args, extra, status, message] of cases) {
    const r = cli(args, { ...env, ...extra });
    assert.equal(r.status, status, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.equal(r.stdout, '', what);
  }
  const [row] = await box.ch.query<{ n: string }>(
    `SELECT count() AS n FROM system.databases WHERE name = '${database}'`,
  );
  assert.equal(Number(row!.n), 0, `database ${database} must not exist`);
});

test('an unsupported Node.js is a configuration error (3) with the version the CLI needs', () => {
  const r = cli(['--help'], {}, ['--require', join(repoRoot(), 'test/fixtures/pretend-node-20.11.cjs')]);
  assert.equal(r.status, 3);
  assert.equal(
    r.stderr,
    'driftwatch needs Node.js ^20.19.0 || >=22.12.0 (20.19 or newer on 20, 22.12 or newer); this is 20.11.1\n',
  );
});

test('ClickHouse out of reach with a valid command line is a runtime error (1)', () => {
  const r = cli(['baseline', 'import', '--model', 'fraud', '--name', 'training', '--file', 'train.csv'], {
    CLICKHOUSE_URL: 'http://127.0.0.1:1',
    CLICKHOUSE_REQUEST_TIMEOUT_MS: '1000',
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^driftwatch: .*ECONNREFUSED/);
});

test('under npm run driftwatch, relative paths are those of the directory npm was started in', () => {
  // npm runs the script from the repository root and keeps the caller's directory as INIT_CWD
  const { INIT_CWD: _npmCwd, ...inherited } = process.env;
  const npm = (...args: string[]) =>
    spawnSync('npm', ['--prefix', repoRoot(), 'run', '--silent', 'driftwatch', '--', ...args], {
      cwd: dir,
      env: { ...inherited, ...box.env, CLICKHOUSE_URL },
      encoding: 'utf8',
      timeout: 120_000,
    });
  const imported = npm(
    'baseline',
    'import',
    '--model',
    'fraud',
    '--name',
    'training',
    '--file',
    'train.csv',
    '--prediction-column',
    'score',
  );
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(
    imported.stdout,
    /^baseline training@[0-9a-f]{12}: 200 records, features amount \(numeric\), country \(categorical\), __prediction__ \(numeric\)/,
  );
  const ran = npm('run', '--monitor', 'fraud-hourly', '--config', 'monitors.yaml');
  const outcome = JSON.parse(ran.stdout) as { monitor: string; status: string; baselineId: string };
  assert.equal(outcome.monitor, 'fraud-hourly', ran.stderr);
  assert.equal(outcome.baselineId, /baseline (\S+):/.exec(imported.stdout)?.[1]);
  assert.equal(ran.status, outcome.status === 'ok' ? 0 : 1);
});
