import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClickHouse } from './client';
import { literal } from './sql';
import { TABLES } from './tables';

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/** The migrations folder ships as source next to the compiled code: find it from either place. */
export function defaultMigrationsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'libs', 'clickhouse', 'migrations');
    if (existsSync(candidate)) return candidate;
    const sibling = join(dir, 'migrations');
    if (existsSync(sibling) && existsSync(join(dir, 'package.json'))) return sibling;
    dir = dirname(dir);
  }
  throw new Error(`cannot find libs/clickhouse/migrations above ${__dirname}`);
}

/** Splits a .sql file into statements: a statement ends with ';' at the end of a line. Comment lines are dropped. */
export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function loadMigrations(dir = defaultMigrationsDir()): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return files.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return {
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: splitStatements(text),
    };
  });
}

export interface MigrationReport {
  applied: string[];
  skipped: string[];
}

/**
 * Applies the migrations that the database has not recorded yet, in order, and records each one.
 * Statements are written to be idempotent (IF NOT EXISTS), so two processes migrating at once or a
 * crash between a statement and its record do no harm. An applied migration whose file changed is
 * an error: migrations are append-only.
 */
export async function migrate(ch: ClickHouse, migrations = loadMigrations()): Promise<MigrationReport> {
  await ch.command(
    `CREATE TABLE IF NOT EXISTS ${TABLES.migrations} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ` +
      `ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  );
  const recorded = await ch.query<{ version: number; checksum: string }>(
    `SELECT version, any(checksum) AS checksum FROM ${TABLES.migrations} GROUP BY version`,
  );
  const byVersion = new Map(recorded.map((r) => [Number(r.version), r.checksum]));
  const report: MigrationReport = { applied: [], skipped: [] };
  for (const m of migrations) {
    const seen = byVersion.get(m.version);
    if (seen !== undefined) {
      if (seen !== m.checksum) {
        throw new Error(
          `migration ${m.name} was applied with checksum ${seen} but the file now has ${m.checksum}; add a new migration instead of editing an applied one`,
        );
      }
      report.skipped.push(m.name);
      continue;
    }
    for (const statement of m.statements) await ch.command(statement);
    await ch.command(
      `INSERT INTO ${TABLES.migrations} (version, name, checksum, applied_at) VALUES (${m.version}, ${literal(m.name)}, ${literal(m.checksum)}, now())`,
    );
    report.applied.push(m.name);
  }
  return report;
}
