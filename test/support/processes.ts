import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { freePort } from './services';
import { waitFor } from './wait';

/** A driftwatch app as a child process (so tests can SIGTERM it or kill -9 it), with its HTTP port. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private port = 0;
  output = '';
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: null,
    signal: null,
  });

  constructor(
    private readonly env: Record<string, string>,
    private readonly command: string[],
    private readonly portVariable: string,
  ) {}

  async start(): Promise<void> {
    this.port = await freePort();
    this.output = '';
    const [file, ...args] = this.command;
    const child = spawn(file!, args, {
      // text logs unless a test asks for json: they are what a failing test prints for a person to read
      env: {
        ...process.env,
        LOG_FORMAT: 'text',
        ...this.env,
        [this.portVariable]: String(this.port),
        NO_COLOR: '1',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (b: Buffer) => (this.output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (this.output += b.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `ready on :${this.port}\n${this.output}`,
      async () => (await this.get('/health/ready')).status === 200,
      timeoutMs,
    );
  }

  get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, { signal: AbortSignal.timeout(5000) });
  }

  /** The value of one Prometheus series (summed over label sets that match). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await this.get('/metrics')).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const m = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
    }
    return sum;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Stops it if it still runs (test cleanup). */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** The real ingest service, started with its production script (bounded heap; `exec` keeps the pid, so kill -9 hits Node). */
export class IngestProcess extends AppProcess {
  constructor(env: Record<string, string>) {
    super(env, ['bash', join(repoRoot(), 'apps/ingest/start.sh')], 'INGEST_HTTP_PORT');
  }
}

/** The real monitor service. */
export class MonitorProcess extends AppProcess {
  constructor(env: Record<string, string>) {
    super(env, [process.execPath, join(repoRoot(), 'dist/apps/monitor/src/main.js')], 'MONITOR_HTTP_PORT');
  }
}
