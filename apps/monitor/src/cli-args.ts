/**
 * The driftwatch CLI's commands and their options, and the parsing of a command line against them.
 * Parsing does no I/O: a command line is checked whole before the CLI reads a file, the
 * environment or ClickHouse, so a mistyped command changes nothing.
 */

/** Exit statuses of the CLI (also in `driftwatch --help` and the README). */
export const EXIT = {
  ok: 0,
  /** Something failed while doing the work: ClickHouse or Kafka unreachable, a dataset that does not parse, a run that failed. */
  runtime: 1,
  /** The command line is wrong: unknown command or option, a missing or malformed value. Nothing was done. */
  usage: 2,
  /** The environment or the monitor config file is invalid, or this Node.js is not supported. Nothing was done. */
  config: 3,
} as const;

/** A command line that does not fit the command's options; the CLI exits with EXIT.usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandSpec,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  name: string;
  /** What the value is (shown in help), or undefined for a flag (`--dry-run`, also `--dry-run true|false`). */
  value?: string;
  required?: boolean;
  help: string;
}

export interface CommandSpec {
  /** The words that name it: `baseline import`. */
  words: readonly string[];
  summary: string;
  options: readonly OptionSpec[];
  /** Lines after the options: defaults, examples. */
  notes?: readonly string[];
}

export const COMMANDS = {
  baselineImport: {
    words: ['baseline', 'import'],
    summary: 'import a reference dataset (CSV with a header, or JSON Lines) as a versioned baseline',
    options: [
      { name: 'model', value: 'MODEL', required: true, help: 'the model the baseline is for' },
      { name: 'name', value: 'NAME', required: true, help: 'the baseline name monitors refer to (baseline: NAME)' },
      {
        name: 'file',
        value: 'FILE',
        required: true,
        help: '.csv, .jsonl or .ndjson, relative to the directory you ran the command in',
      },
      {
        name: 'prediction-column',
        value: 'COLUMN',
        help: "the column holding the model's output (monitored as __prediction__)",
      },
      { name: 'psi-bins', value: 'N', help: 'quantile bins of numeric features for PSI, 2 to 100 (default 10)' },
    ],
    notes: [
      'Example: driftwatch baseline import --model fraud-detector --name training --file train.csv --prediction-column score',
    ],
  },
  run: {
    words: ['run'],
    summary: 'run one monitor now (or for the window ending at --at) and print its outcome as JSON',
    options: [
      { name: 'monitor', value: 'NAME', required: true, help: 'a monitor of the config file' },
      {
        name: 'config',
        value: 'FILE',
        help: 'the monitor config (default MONITOR_CONFIG, else monitors.yaml), relative to the directory you ran the command in',
      },
      { name: 'at', value: 'ISO-8601', help: 'the end of the window, e.g. 2026-06-01T12:00:00Z (default now)' },
    ],
  },
  deadLettersReplay: {
    words: ['dead-letters', 'replay'],
    summary: 'send dead letters back to their source topics, e.g. after fixing a producer or raising a limit',
    options: [
      { name: 'code', value: 'CODE[,CODE...]', help: 'only these refusal codes (e.g. timestamp_skew)' },
      { name: 'since', value: 'ISO-8601', help: 'only those that failed at or after this time' },
      { name: 'until', value: 'ISO-8601', help: 'only those that failed before this time' },
      { name: 'dry-run', help: 'count what would be replayed, per code, and send nothing' },
    ],
    notes: ['Reads the dead-letter topic (KAFKA_BROKERS, TOPIC_PREFIX) to its end as it was when the command started.'],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export type ParsedCommand =
  | { help: true; command?: CommandName }
  | { help: false; command: CommandName; options: Map<string, string> };

const ALL: [CommandName, CommandSpec][] = Object.entries(COMMANDS) as [CommandName, CommandSpec][];

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
}

/** Finds the command named by the first words of `argv`, and parses the rest against its options. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  if (argv.length === 0) throw new UsageError('no command given');
  if (isHelp(argv[0]) && argv.length === 1) return { help: true };
  const found = ALL.find(([, spec]) => spec.words.every((word, i) => argv[i] === word));
  if (!found) {
    const known = ALL.map(([, spec]) => spec.words.join(' ')).join(', ');
    throw new UsageError(`unknown command '${argv.slice(0, 2).join(' ')}' (commands: ${known})`);
  }
  const [name, spec] = found;
  const rest = argv.slice(spec.words.length);
  if (rest.some((arg) => arg === '--help' || arg === '-h')) return { help: true, command: name };
  return { help: false, command: name, options: parseOptions(spec, rest) };
}

function parseOptions(spec: CommandSpec, args: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`, spec);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    const option = spec.options.find((o) => o.name === key);
    if (!option) throw new UsageError(`unknown option '--${key}' for '${spec.words.join(' ')}'`, spec);
    if (options.has(key)) throw new UsageError(`--${key} is given twice`, spec);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (option.value === undefined) {
      // a flag: bare, or followed by true/false (`--dry-run true`, as the README long wrote it)
      if (value === undefined && (args[i + 1] === 'true' || args[i + 1] === 'false')) value = args[++i];
      value ??= 'true';
      if (value !== 'true' && value !== 'false')
        throw new UsageError(`--${key} takes no value, or true or false (got '${value}')`, spec);
    } else if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`--${key} needs a value (${option.value})`, spec);
      i++;
    }
    if (value === '' && option.value !== undefined)
      throw new UsageError(`--${key} needs a value (${option.value})`, spec);
    options.set(key, value);
  }
  for (const option of spec.options) {
    if (option.required && !options.has(option.name)) throw new UsageError(`--${option.name} is required`, spec);
  }
  return options;
}

/** `--at`, `--since`, `--until`: an ISO-8601 date-time, as epoch milliseconds. */
export function timeOption(options: Map<string, string>, key: string, command: CommandSpec): number | undefined {
  const value = options.get(key);
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d\d-\d\d(T|$)/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(`--${key} '${value}' is not an ISO-8601 date-time (e.g. 2026-06-01T12:00:00Z)`, command);
  return ms;
}

/** An integer option within bounds. */
export function intOption(
  options: Map<string, string>,
  key: string,
  fallback: number,
  min: number,
  max: number,
  command: CommandSpec,
): number {
  const value = options.get(key);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${key} '${value}' is not an integer from ${min} to ${max}`, command);
  return n;
}

const EXIT_LINES = [
  'Exit status:',
  `  ${EXIT.ok}  done`,
  `  ${EXIT.runtime}  failed while working: ClickHouse or Kafka unreachable, a dataset that does not parse, a run not ok`,
  `  ${EXIT.usage}  usage error: unknown command or option, missing or malformed value; nothing was done`,
  `  ${EXIT.config}  configuration error: invalid environment variable or monitor config, unsupported Node.js; nothing was done`,
];

/** `driftwatch --help`, or `driftwatch <command> --help`. */
export function helpText(command?: CommandName): string {
  if (command === undefined) {
    const width = Math.max(...ALL.map(([, spec]) => spec.words.join(' ').length));
    return [
      'Usage: driftwatch <command> [options]      (from the repository: npm run driftwatch -- <command> [options])',
      '',
      'Commands:',
      ...ALL.map(([, spec]) => `  ${spec.words.join(' ').padEnd(width)}  ${spec.summary}`),
      '',
      "Run 'driftwatch <command> --help' for a command's options. Relative paths are taken from the directory",
      'you ran the command in (INIT_CWD under npm run). ClickHouse: CLICKHOUSE_URL, CLICKHOUSE_DATABASE, ...',
      '',
      ...EXIT_LINES,
      '',
    ].join('\n');
  }
  const spec: CommandSpec = COMMANDS[command];
  const usage = spec.options.map((o) => {
    const text = o.value === undefined ? `--${o.name}` : `--${o.name} ${o.value}`;
    return o.required ? text : `[${text}]`;
  });
  const labels = spec.options.map((o) => (o.value === undefined ? `--${o.name}` : `--${o.name} ${o.value}`));
  const width = Math.max(...labels.map((l) => l.length));
  return [
    `Usage: driftwatch ${spec.words.join(' ')} ${usage.join(' ')}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...spec.options.map((o, i) => `  ${labels[i]!.padEnd(width)}  ${o.required ? '(required) ' : ''}${o.help}`),
    `  ${'--help'.padEnd(width)}  this text`,
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
    '',
    ...EXIT_LINES,
    '',
  ].join('\n');
}
