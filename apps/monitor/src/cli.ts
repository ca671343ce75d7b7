/**
 * driftwatch command line (npm run driftwatch -- <command>; `--help` lists the commands, and
 * `<command> --help` its options). Each command checks its whole command line, its environment
 * and its input files first, and only then touches ClickHouse or Kafka: a mistyped command writes
 * nothing. Exit statuses: EXIT in ./cli-args.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  clickhouseSettingsFromEnv,
  createClickHouse,
  ensureDatabase,
  migrate,
  type ClickHouse,
  type ClickHouseSettings,
} from '@driftwatch/clickhouse';
import { loadMonitorConfig, MonitorConfigError } from '@driftwatch/config';
import { ConfigError } from '@driftwatch/env';
import { DEAD_LETTER_HEADERS, LIMITS, NAME_RE, REJECT_CODES, topicNames } from '@driftwatch/contracts';
import { createKafka, describeKafka, kafkaSettingsFromEnv, replayDeadLetters } from '@driftwatch/kafka';
import { baselineFromRecords, PREDICTION_FEATURE, readDataset, runMonitor, saveBaseline } from '@driftwatch/drift';
import { formatNumber } from '@driftwatch/format';
import { unsupportedNodeMessage } from '@driftwatch/runtime';
import { COMMANDS, EXIT, helpText, intOption, parseCommandLine, timeOption, UsageError } from './cli-args';

/**
 * Relative paths are the caller's: `npm run driftwatch` runs this from the repository root, and
 * npm keeps the directory it was started in as INIT_CWD.
 */
function callerPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD || process.cwd(), path);
}

/** An input file that exists and is a file, else a usage error naming the path as resolved. */
function inputFile(option: string, path: string, command: (typeof COMMANDS)[keyof typeof COMMANDS]): string {
  const absolute = callerPath(path);
  if (!existsSync(absolute) || !statSync(absolute).isFile())
    throw new UsageError(`--${option} '${path}': no such file (${absolute})`, command);
  return absolute;
}

/** Connects, creates the database and applies migrations, then runs `work`: only ever after every check passed. */
async function withClickHouse<T>(settings: ClickHouseSettings, work: (ch: ClickHouse) => Promise<T>): Promise<T> {
  await ensureDatabase(settings);
  const ch = createClickHouse(settings);
  try {
    await migrate(ch);
    return await work(ch);
  } finally {
    await ch.close();
  }
}

async function baselineImport(options: Map<string, string>): Promise<void> {
  const command = COMMANDS.baselineImport;
  const model = options.get('model')!;
  const name = options.get('name')!;
  for (const [key, value] of [
    ['model', model],
    ['name', name],
  ] as const) {
    if (!NAME_RE.test(value)) throw new UsageError(`--${key} '${value}' must match ${LIMITS.namePattern}`, command);
  }
  const psiBins = intOption(options, 'psi-bins', 10, 2, 100, command);
  const file = options.get('file')!;
  const path = inputFile('file', file, command);
  const settings = clickhouseSettingsFromEnv();
  const predictionColumn = options.get('prediction-column');
  const records = readDataset(path).map((r) => {
    if (!predictionColumn || !(predictionColumn in r)) return r;
    const { [predictionColumn]: prediction, ...features } = r;
    return { ...features, [PREDICTION_FEATURE]: prediction };
  });
  const baseline = baselineFromRecords(name, model, `dataset:${file}`, records, { psiBins });
  await withClickHouse(settings, (ch) => saveBaseline(ch, baseline));
  console.log(
    `baseline ${baseline.id}: ${formatNumber(records.length)} records, features ${[...baseline.features.values()].map((f) => `${f.feature} (${f.kind})`).join(', ')}`,
  );
}

async function run(options: Map<string, string>): Promise<void> {
  const command = COMMANDS.run;
  const name = options.get('monitor')!;
  const atMs = timeOption(options, 'at', command);
  const settings = clickhouseSettingsFromEnv();
  const config = loadMonitorConfig(
    callerPath(options.get('config') ?? (process.env.MONITOR_CONFIG || 'monitors.yaml')),
  );
  const spec = config.monitors.find((m) => m.name === name);
  if (!spec)
    throw new UsageError(
      `--monitor '${name}': no such monitor in the config (it has: ${config.monitors.map((m) => m.name).join(', ')})`,
      command,
    );
  const endMs = atMs ?? Math.floor(Date.now() / 1000) * 1000;
  const outcome = await withClickHouse(settings, (ch) => runMonitor(ch, spec, endMs));
  console.log(JSON.stringify(outcome));
  if (outcome.status !== 'ok') process.exitCode = EXIT.runtime;
}

async function replay(options: Map<string, string>): Promise<void> {
  const command = COMMANDS.deadLettersReplay;
  const codes = options
    .get('code')
    ?.split(',')
    .map((c) => c.trim());
  const unknown = codes?.filter((c) => !(REJECT_CODES as readonly string[]).includes(c));
  if (unknown?.length)
    throw new UsageError(
      `--code '${unknown.join(',')}': not a refusal code (codes: ${REJECT_CODES.join(', ')})`,
      command,
    );
  const filter = {
    codes,
    sinceMs: timeOption(options, 'since', command),
    untilMs: timeOption(options, 'until', command),
  };
  const dryRun = options.get('dry-run') === 'true';
  const settings = kafkaSettingsFromEnv(process.env, 'driftwatch-cli');
  const report = await replayDeadLetters(createKafka(settings), {
    deadLetterTopic: topicNames(settings.topicPrefix).deadLetter,
    headers: DEAD_LETTER_HEADERS,
    filter,
    dryRun,
  }).catch((err: Error) => {
    throw new Error(`Kafka ${describeKafka(settings)}: ${err.message}`, { cause: err });
  });
  const matched = Object.values(report.byCode).reduce((a, b) => a + b, 0);
  const byCode = Object.entries(report.byCode)
    .map(([code, n]) => `${code} ${formatNumber(n)}`)
    .join(', ');
  console.log(
    `${dryRun ? 'would replay' : 'replayed'} ${formatNumber(dryRun ? matched : report.replayed)} of ${formatNumber(report.scanned)} dead letters${byCode ? ` (${byCode})` : ''}`,
  );
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseCommandLine(argv);
  if (parsed.help) {
    process.stdout.write(helpText(parsed.command));
    return;
  }
  if (parsed.command === 'baselineImport') return baselineImport(parsed.options);
  if (parsed.command === 'run') return run(parsed.options);
  return replay(parsed.options);
}

/** The exit status for an error, and what to print for it. */
function failure(err: Error): [number, string] {
  if (err instanceof UsageError) {
    const help = err.command ? `driftwatch ${err.command.words.join(' ')} --help` : 'driftwatch --help';
    return [EXIT.usage, `driftwatch: ${err.message}\nRun '${help}' for usage.`];
  }
  if (err instanceof ConfigError || err instanceof MonitorConfigError)
    return [EXIT.config, `driftwatch: ${err.message}`];
  return [EXIT.runtime, `driftwatch: ${err.message}`];
}

const unsupported = unsupportedNodeMessage('driftwatch');
if (unsupported) {
  console.error(unsupported);
  process.exit(EXIT.config);
}
main(process.argv.slice(2)).catch((err: Error) => {
  const [status, message] = failure(err);
  console.error(message);
  process.exit(status);
});
