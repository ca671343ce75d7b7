import { readFileSync, statSync } from 'node:fs';

/**
 * Reading environment variables with a schema: every bad value stops start-up with a message that
 * names the key, the value and what was expected (docs/ARCHITECTURE.md, "Configuration").
 */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`config ${key}=${value === HIDDEN ? HIDDEN : JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'ConfigError';
  }

  /** The same error about a secret: neither the message nor `value` holds what the variable was set to. */
  static hidden(key: string, expected: string): ConfigError {
    return new ConfigError(key, HIDDEN, expected);
  }
}

/** What a secret's value is shown as in errors. */
const HIDDEN = '<hidden>';

export type Env = Record<string, string | undefined>;

export interface IntOptions {
  min?: number;
  max?: number;
}

export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  string(key: string, fallback: string, pattern?: RegExp, expected = `a value matching ${pattern}`): string {
    const value = this.env[key];
    if (value === undefined || value === '') return fallback;
    if (pattern && !pattern.test(value)) throw new ConfigError(key, value, expected);
    return value;
  }

  int(
    key: string,
    fallback: number,
    { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntOptions = {},
  ): number {
    const value = this.env[key];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(key, value, `an integer from ${min} to ${max}`);
    }
    return n;
  }

  /** `true` or `false` (case-insensitive); anything else is a mistake worth stopping for, not `false`. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.env[key];
    if (value === undefined || value === '') return fallback;
    const word = value.trim().toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    throw new ConfigError(key, value, 'true or false');
  }

  url(key: string, fallback: string, protocols: readonly string[] = ['http:', 'https:']): string {
    const value = this.string(key, fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(key, value, `a URL (${protocols.join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol))
      throw new ConfigError(key, value, `a URL with protocol ${protocols.join(' or ')}`);
    return value;
  }

  /**
   * The contents of the file whose path is in `key`, read now, so that a missing or unreadable file
   * stops start-up naming the variable instead of failing at the first connection.
   */
  file(key: string): { path: string; contents: Buffer } | undefined {
    const path = this.env[key];
    if (path === undefined || path === '') return undefined;
    try {
      if (statSync(path).isDirectory()) throw new ConfigError(key, path, 'a readable file, not a directory');
      return { path, contents: readFileSync(path) };
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new ConfigError(key, path, `a readable file (${why})`);
    }
  }

  /**
   * A secret, given either in `key` itself or in a file named by `<key>_FILE` (how Docker and
   * Kubernetes mount secrets), never both. A file's trailing line break is not part of the secret.
   * No error shows the secret: only its variable, and the path of its file.
   */
  secret(key: string): string | undefined {
    const fileKey = `${key}_FILE`;
    const value = this.env[key];
    const file = this.file(fileKey);
    if (file && value !== undefined && value !== '') {
      throw ConfigError.hidden(key, `either ${key} or ${fileKey} (${file.path}), not both`);
    }
    if (!file) return value === '' ? undefined : value;
    const secret = file.contents.toString('utf8').replace(/\r?\n$/, '');
    if (secret === '') throw new ConfigError(fileKey, file.path, 'a file that holds the secret; it is empty');
    return secret;
  }

  /** Comma-separated host:port list. */
  hostPorts(key: string, fallback: string): string[] {
    const value = this.string(key, fallback);
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0 || !items.every((s) => /^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/.test(s))) {
      throw new ConfigError(key, value, 'a comma-separated list of host:port');
    }
    return items;
  }
}
