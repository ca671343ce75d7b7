import type { LogFormat, LogLevel } from './log-settings';

/**
 * What a log line is about, beyond its message: `model`, `monitor`, `runId`, `topic`,
 * `partition`, `offset`, `groupId`, `error`, `stack`... Values are JSON values.
 */
export type LogFields = Record<string, unknown>;

export interface LogRecord {
  timeMs: number;
  /** `fatal` is written as an error that is never filtered out. */
  level: LogLevel | 'fatal';
  /** The program: `ingest`, `monitor`. */
  service: string;
  /** The part of the program that wrote it (Nest's logger context: `ingest`, `alerting`, `NestFactory`). */
  component?: string;
  message: string;
  fields?: LogFields;
}

/** Keys of every line; a field of the same name cannot replace them. */
const RESERVED = new Set(['time', 'level', 'service', 'component', 'message']);

const COLORS: Record<LogRecord['level'], string> = {
  fatal: '\x1b[31m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  log: '\x1b[32m',
  debug: '\x1b[35m',
  verbose: '\x1b[36m',
};

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

function stringify(object: object): string {
  try {
    return JSON.stringify(object, (_key, value) => jsonValue(value));
  } catch {
    // a circular value in some field: keep the line, lose that field's detail
    return JSON.stringify(object, (key, value) =>
      key === '' || typeof value !== 'object' || value === null ? jsonValue(value) : String(value),
    );
  }
}

function textValue(value: unknown): string {
  const text = typeof value === 'string' ? value : stringify({ v: value }).slice(5, -1);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/**
 * One line, without its newline. JSON: one object with `time` (ISO-8601, UTC), `level`, `service`,
 * `component` (when known), `message`, then the fields; newlines inside values are escaped, so a
 * line is always one record. Text: the same, for people: `time level service [component] message
 * key=value ...`, the level coloured when `colors`.
 */
export function formatLogLine(record: LogRecord, format: LogFormat, colors = false): string {
  const time = new Date(record.timeMs).toISOString();
  const level = record.level === 'fatal' ? 'error' : record.level;
  const fields = Object.entries(record.fields ?? {}).filter(
    ([key, value]) => value !== undefined && !RESERVED.has(key),
  );
  if (format === 'json') {
    return stringify({
      time,
      level,
      service: record.service,
      ...(record.component !== undefined && { component: record.component }),
      message: record.message,
      ...Object.fromEntries(fields),
    });
  }
  const shownLevel = colors ? `${COLORS[record.level]}${level.padEnd(7)}\x1b[0m` : level.padEnd(7);
  const component = record.component !== undefined ? ` [${record.component}]` : '';
  const rest = fields.map(([key, value]) => ` ${key}=${textValue(value)}`).join('');
  return `${time} ${shownLevel} ${record.service}${component} ${record.message}${rest}`;
}
