import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { KAFKA_BROKERS } from './services';

/**
 * Producers that are not our SDK, as a serving app in another language would run them:
 * Kafka's own console producer (Java, from the jars deploy/local/infra.sh fetched) and librdkafka
 * through Python's confluent-kafka (installed on first use into .local/py, a dev-time tool only).
 */

export type Codec = 'gzip' | 'snappy' | 'lz4' | 'zstd' | 'none';

/** Sends one message per line with Kafka's console producer and the given codec. */
export function consoleProduce(topic: string, lines: string[], codec: Codec): void {
  const jars = join(process.env.DRIFTWATCH_LOCAL_DIR ?? join(repoRoot(), '.local'), 'kafka/libs/*');
  const result = spawnSync(
    'java',
    [
      '-cp',
      jars,
      `-Dlog4j.configuration=file:${join(repoRoot(), 'deploy/local/kafka/log4j.properties')}`,
      'kafka.tools.ConsoleProducer',
      '--bootstrap-server',
      KAFKA_BROKERS,
      '--topic',
      topic,
      '--compression-codec',
      codec,
      '--producer-property',
      'linger.ms=50',
      '--producer-property',
      'acks=all',
    ],
    { input: `${lines.join('\n')}\n`, encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0)
    throw new Error(`console producer (${codec}) failed: ${result.stderr || result.error?.message}`);
}

/** A Python interpreter with confluent-kafka, in a virtual environment under .local/py (created once). */
export function pythonWithKafka(): string {
  const venv = join(process.env.DRIFTWATCH_LOCAL_DIR ?? join(repoRoot(), '.local'), 'py');
  const python = join(venv, 'bin/python');
  if (!existsSync(join(venv, '.complete'))) {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'confluent-kafka>=2.5,<3'],
      { stdio: 'inherit', timeout: 300_000 },
    );
    execFileSync('touch', [join(venv, '.complete')]);
  }
  return python;
}

/** Runs a script from test/fixtures with the Python that has confluent-kafka. */
export function runPythonFixture(script: string, args: string[], timeoutMs = 600_000): string {
  const result = spawnSync(pythonWithKafka(), [join(repoRoot(), 'test/fixtures', script), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0)
    throw new Error(`${script} failed (${result.status ?? result.signal}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}
