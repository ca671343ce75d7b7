/**
 * Reading a YAML config with every problem collected and reported in the file's own terms: the
 * key path, the value and what was expected. Shared by the monitor config and its alerting part.
 */
import { LIMITS, NAME_RE } from '@driftwatch/contracts';
import type { MonitorConfigProblem } from './monitor-config';

// ---------------------------------------------------------------------------------------------
// Collecting problems

export type YamlMap = Record<string, unknown>;

export class Problems {
  readonly list: MonitorConfigProblem[] = [];

  constructor(private readonly source: string) {}

  invalid(path: string, value: unknown, expected: string): undefined {
    const where = path ? `${this.source}: ${path}:` : `${this.source}:`;
    this.list.push({ path, value, expected, message: `${where} ${show(value)} is invalid: expected ${expected}` });
    return undefined;
  }

  missing(path: string, expected: string): undefined {
    this.list.push({
      path,
      value: undefined,
      expected,
      message: `${this.source}: ${path}: missing key; expected ${expected}`,
    });
    return undefined;
  }

  emptyFile(expected: string): undefined {
    this.list.push({
      path: '',
      value: null,
      expected,
      message: `${this.source}: the file is empty; expected ${expected}`,
    });
    return undefined;
  }

  unknownKeys(map: YamlMap, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(map)) {
      if (allowed.includes(key)) continue;
      const expected = `one of ${allowed.join(', ')}`;
      const at = child(path, key);
      this.list.push({
        path: at,
        value: map[key],
        expected,
        message: `${this.source}: ${at}: unknown key; expected ${expected}`,
      });
    }
  }

  syntax(yamlMessage: string, pos: { line: number; col: number } | undefined, hint: string): void {
    // yaml's pretty message is "<reason> at line L, column C:\n\n<excerpt>"; the position goes first instead.
    const reason = yamlMessage.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim() + hint;
    const where = pos ? `${this.source}:${pos.line}:${pos.col}` : this.source;
    // One line per mistake: `schedule: * * * * *` is four alias errors on one line.
    if (pos && this.list.some((p) => p.line === pos.line && p.value === reason)) return;
    this.list.push({
      path: '',
      value: reason,
      expected: 'valid YAML',
      message: `${where}: invalid YAML: ${reason}`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  }
}

export const ALIAS_HINT = '; a plain value starting with * is a YAML alias: quote it, like "*/10 * * * *"';

export function show(value: unknown): string {
  const text =
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** `monitors[0]`, `monitors[0].window`, `features["dep-hour"]`: names that are not identifiers are quoted. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

export function has(map: YamlMap, key: string): boolean {
  return Object.hasOwn(map, key);
}

// ---------------------------------------------------------------------------------------------
// Values

/** The names events carry (model, feature), so the same pattern: defined once in contracts. */
export const NAME_CHARS = `1 to ${LIMITS.maxNameLength} letters, digits and _ . : -`;

export function readName(value: unknown, path: string, p: Problems, what: string): string | undefined {
  return typeof value === 'string' && NAME_RE.test(value) ? value : p.invalid(path, value, `${what} of ${NAME_CHARS}`);
}

export function readBoolean(value: unknown, path: string, p: Problems): boolean | undefined {
  return typeof value === 'boolean' ? value : p.invalid(path, value, 'true or false');
}

export function readInt(value: unknown, path: string, p: Problems, min: number, max?: number): number | undefined {
  const ok =
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max);
  return ok
    ? value
    : p.invalid(path, value, max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`);
}

export function readList(value: unknown, path: string, p: Problems, expected: string): unknown[] | undefined {
  return Array.isArray(value) ? value : p.invalid(path, value, expected);
}
