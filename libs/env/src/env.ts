/**
 * Reading environment variables with a schema: every bad value stops start-up with a message that
 * names the key, the value and what was expected (docs/ARCHITECTURE.md, "Configuration").
 */
export class ConfigError extends Error {
  constructor(readonly key: string, readonly value: unknown, readonly expected: string) {
    super(`config ${key}=${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

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

  int(key: string, fallback: number, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntOptions = {}): number {
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
    if (!protocols.includes(parsed.protocol)) throw new ConfigError(key, value, `a URL with protocol ${protocols.join(' or ')}`);
    return value;
  }

  /** Comma-separated host:port list. */
  hostPorts(key: string, fallback: string): string[] {
    const value = this.string(key, fallback);
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0 || !items.every((s) => /^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/.test(s))) {
      throw new ConfigError(key, value, 'a comma-separated list of host:port');
    }
    return items;
  }
}
