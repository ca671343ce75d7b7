import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClickHouse } from '@driftwatch/clickhouse';
import { pythonWithKafka } from './foreign-producers';
import { repoRoot } from './paths';

/**
 * Current ClickHouse as a test lane: chDB (the ClickHouse engine as a Python library, a dev tool
 * from PyPI) behind the same ClickHouse interface the libs use, so that the real migrations and
 * the queries the libs build run on a current engine as well as on the 18.16 server.
 */

/** chDB 4.4.0 embeds ClickHouse 26.9.2.1: the "current" release the tests check against. */
export const CHDB_PACKAGE = 'chdb==4.4.0';

/** The Python of .local/py (see pythonWithKafka) with chDB installed too, once (measured: about 50 s, 900 MB). */
export function pythonWithChdb(): string {
  const python = pythonWithKafka();
  const marker = join(python, '..', '..', `.complete-${CHDB_PACKAGE.replace(/[^a-z0-9.]/gi, '-')}`);
  if (!existsSync(marker)) {
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', CHDB_PACKAGE], {
      stdio: 'inherit',
      timeout: 600_000,
    });
    execFileSync('touch', [marker]);
  }
  return python;
}

interface Answer {
  id: number;
  ok: boolean;
  error?: string;
  rows?: string;
  version?: string;
}

/** A ClickHouse backed by one chDB session in a child process (test/fixtures/chdb_server.py). */
export class ChdbClickHouse implements ClickHouse {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: Error | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly dir: string,
    readonly database: string,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as Answer;
      const waiter = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiter?.resolve(answer);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`chdb_server.py exited (${code ?? signal}): ${this.stderr}`);
      for (const waiter of this.pending.values()) waiter.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Starts a session with its data in a new temporary directory, removed by close(). */
  static start(database = 'driftwatch'): ChdbClickHouse {
    const dir = mkdtempSync(join(tmpdir(), 'dw-chdb-'));
    const child = spawn(pythonWithChdb(), [join(repoRoot(), 'test/fixtures/chdb_server.py'), dir, database], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ChdbClickHouse(child, dir, database);
  }

  private async request(body: Record<string, unknown>): Promise<Answer> {
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    const answer = await new Promise<Answer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
    if (!answer.ok) throw new Error(`chDB: ${answer.error}`);
    return answer;
  }

  async command(sql: string): Promise<void> {
    await this.request({ op: 'command', sql });
  }

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const { rows = '' } = await this.request({ op: 'query', sql });
    return rows
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: string, rows: readonly (object | string)[]): Promise<void> {
    if (rows.length === 0) return;
    const text = rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');
    await this.request({ op: 'insert', table, rows: text });
  }

  /** The ClickHouse release inside chDB, e.g. '26.9.2.1'. */
  async version(): Promise<string> {
    const { version = '' } = await this.request({ op: 'version' });
    return version;
  }

  async ping(): Promise<boolean> {
    return this.version().then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.stdin.end();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
