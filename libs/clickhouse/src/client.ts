import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { EnvReader, type Env } from '@driftwatch/env';
import { isPlainIdentifier, PLAIN_IDENTIFIER_RE } from './sql';

export interface ClickHouseSettings {
  url: string;
  database: string;
  username: string;
  password: string;
  requestTimeoutMs: number;
}

export function clickhouseSettingsFromEnv(env: Env = process.env): ClickHouseSettings {
  const read = new EnvReader(env);
  return {
    url: read.url('CLICKHOUSE_URL', 'http://localhost:8123'),
    database: read.string(
      'CLICKHOUSE_DATABASE',
      'driftwatch',
      PLAIN_IDENTIFIER_RE,
      'a database name matching [A-Za-z_][A-Za-z0-9_]*',
    ),
    username: read.string('CLICKHOUSE_USER', 'default'),
    password: read.string('CLICKHOUSE_PASSWORD', ''),
    requestTimeoutMs: read.int('CLICKHOUSE_REQUEST_TIMEOUT_MS', 60_000, { min: 1000 }),
  };
}

/**
 * The ClickHouse boundary: every other lib talks to ClickHouse through this interface, so tests
 * of logic can fake it and tests of the boundary use the real server.
 */
export interface ClickHouse {
  readonly database: string;
  command(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Rows as objects, or already serialized as one JSON object each (text, see rows.ts). */
  insert(table: string, rows: readonly (object | string)[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

class HttpClickHouse implements ClickHouse {
  constructor(
    private readonly client: ClickHouseClient,
    readonly database: string,
  ) {}

  async command(sql: string): Promise<void> {
    await this.client.command({ query: sql });
  }

  async query<T>(sql: string): Promise<T[]> {
    const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
    return result.json<T>();
  }

  async insert(table: string, rows: readonly (object | string)[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: rows as object[], format: 'JSONEachRow' });
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function createClickHouse(settings: ClickHouseSettings): ClickHouse {
  if (!isPlainIdentifier(settings.database))
    throw new Error(`database name '${settings.database}' is not a plain identifier`);
  const client = createClient({
    url: settings.url,
    database: settings.database,
    username: settings.username,
    password: settings.password,
    request_timeout: settings.requestTimeoutMs,
    log: { level: ClickHouseLogLevel.OFF }, // errors are reported by the callers, with context
    // a row that is already JSON text goes in as it is (the ingest hot path builds rows as text)
    json: {
      parse: JSON.parse,
      stringify: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
    },
  });
  return new HttpClickHouse(client, settings.database);
}

/** Creates the database if needed, through a connection to the always-present `default` database. */
export async function ensureDatabase(settings: ClickHouseSettings): Promise<void> {
  const admin = createClickHouse({ ...settings, database: 'default' });
  try {
    await admin.command(`CREATE DATABASE IF NOT EXISTS ${settings.database}`);
  } finally {
    await admin.close();
  }
}
