import type { LoggerService } from '@nestjs/common';
import { type LogFields, type LogRecord, formatLogLine } from './log-line';
import { LOG_LEVELS, type LogLevel, type LogSettings } from './log-settings';

/** Where finished lines go (without their newline). */
export type LineOutput = (line: string) => void;

const toStdout: LineOutput = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Nest passes its logger context (a class or component name) as the last parameter. */
const COMPONENT = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The one logger of a driftwatch service: Nest's LoggerService (pass it to NestFactory.create, and
 * every `new Logger('x').log(...)` in the app ends up here), the sink for kafkajs and our Kafka
 * consumer (`sink()`), and the process's warnings. Every line goes to stdout, one record a line,
 * in the format and from the level of its settings.
 *
 * Fields ride along as an object parameter: `logger.warn('run failed', { model, runId })` on a
 * Nest Logger, or `sink.warn('commit failed', { topic, partition, offset })`.
 */
export class ServiceLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    readonly service: string,
    private readonly settings: LogSettings,
    private readonly out: LineOutput = toStdout,
    private readonly now: () => number = Date.now,
  ) {
    this.threshold = LOG_LEVELS.indexOf(settings.level);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest calls this when an app is created with a list of levels; LOG_LEVEL decides here. */
  setLogLevels(): void {}

  /** A sink with `log`, `warn` and `error(message, fields?)` for libs that take one (libs/kafka's LogSink). */
  sink(component: string): Record<'log' | 'warn' | 'error', (message: string, fields?: LogFields) => void> {
    return {
      log: (message, fields) => this.write('log', message, [fields, component]),
      warn: (message, fields) => this.write('warn', message, [fields, component]),
      error: (message, fields) => this.write('error', message, [fields, component]),
    };
  }

  /** Node's process warnings (deprecations, listener leaks) as log lines, instead of plain text on stderr. */
  takeProcessWarnings(): void {
    process.removeAllListeners('warning');
    process.on('warning', (warning) => this.write('warn', warning.message, [{ warning: warning.name }, 'node']));
  }

  private write(level: LogRecord['level'], message: unknown, params: unknown[]): void {
    if (level !== 'fatal' && LOG_LEVELS.indexOf(level as LogLevel) > this.threshold) return;
    const rest = [...params];
    let component: string | undefined;
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && COMPONENT.test(last)) {
      component = last;
      rest.pop();
    }
    const fields: LogFields = {};
    for (const param of rest) {
      if (param === undefined || param === null) continue;
      if (param instanceof Error) Object.assign(fields, { error: param.message, stack: param.stack });
      else if (typeof param === 'string')
        fields.stack = param; // Nest's error(message, stack, context)
      else if (typeof param === 'object') Object.assign(fields, param);
      else fields.detail = param;
    }
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      fields.stack ??= message.stack;
    } else if (typeof message === 'string') {
      text = message;
    } else {
      try {
        text = JSON.stringify(message) ?? String(message);
      } catch {
        text = String(message);
      }
    }
    const record: LogRecord = { timeMs: this.now(), level, service: this.service, message: text, fields };
    if (component !== undefined) record.component = component;
    this.out(formatLogLine(record, this.settings.format, this.settings.colors));
  }
}
