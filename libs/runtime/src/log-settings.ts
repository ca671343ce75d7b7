import { EnvReader, type Env } from '@driftwatch/env';

/** Nest's log levels, most severe first; LOG_LEVEL names the least severe one written. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  format: LogFormat;
  /** Lines of this level and the more severe ones are written. */
  level: LogLevel;
  /** ANSI colours on the level of text lines: only on a terminal, and never with NO_COLOR set. */
  colors: boolean;
}

/**
 * LOG_FORMAT (`json` when stdout is not a terminal, the case of a container or a file, `text` on
 * a terminal), LOG_LEVEL (default `log`) and NO_COLOR (https://no-color.org: any non-empty value
 * turns colours off), validated like every other setting: a bad value stops start-up with the key,
 * the value and what was expected.
 */
export function logSettingsFromEnv(
  env: Env = process.env,
  stdoutIsTerminal: boolean = process.stdout.isTTY === true,
): LogSettings {
  const read = new EnvReader(env);
  const noColor = (env.NO_COLOR ?? '') !== '';
  const format = read.string(
    'LOG_FORMAT',
    stdoutIsTerminal ? 'text' : 'json',
    /^(json|text)$/,
    'json or text',
  ) as LogFormat;
  const level = read.string(
    'LOG_LEVEL',
    'log',
    /^(error|warn|log|debug|verbose)$/,
    `one of ${LOG_LEVELS.join(', ')}`,
  ) as LogLevel;
  return { format, level, colors: format === 'text' && stdoutIsTerminal && !noColor };
}
