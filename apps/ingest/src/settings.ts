import { EnvReader, type Env } from '@driftwatch/env';
import { clickhouseSettingsFromEnv, type ClickHouseSettings } from '@driftwatch/clickhouse';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@driftwatch/kafka';
import { LIMITS, type SkewLimits } from '@driftwatch/contracts';
import { logSettingsFromEnv, type LogSettings } from '@driftwatch/runtime';

export interface IngestSettings {
  kafka: KafkaSettings;
  clickhouse: ClickHouseSettings;
  groupId: string;
  flushRows: number;
  flushMs: number;
  flushBytes: number;
  stuckAfterMs: number;
  skew: SkewLimits;
  retentionDays: number;
  httpHost: string;
  httpPort: number;
  shutdownTimeoutMs: number;
  log: LogSettings;
}

/** Every environment variable the ingest service reads, validated at start-up. */
export function ingestSettingsFromEnv(env: Env = process.env): IngestSettings {
  const read = new EnvReader(env);
  return {
    kafka: kafkaSettingsFromEnv(env, 'driftwatch-ingest'),
    clickhouse: clickhouseSettingsFromEnv(env),
    groupId: read.string(
      'INGEST_GROUP_ID',
      'driftwatch-ingest',
      /^[A-Za-z0-9_.-]{1,200}$/,
      'a group id matching [A-Za-z0-9_.-]{1,200}',
    ),
    flushRows: read.int('INGEST_FLUSH_ROWS', 10_000, { min: 1, max: 1_000_000 }),
    flushMs: read.int('INGEST_FLUSH_MS', 1_000, { min: 10, max: 600_000 }),
    flushBytes: read.int('INGEST_FLUSH_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 * 1024 * 1024 }),
    stuckAfterMs: read.int('INGEST_STUCK_AFTER_MS', 120_000, { min: 1000 }),
    skew: {
      maxPastMs: read.int('INGEST_MAX_EVENT_AGE_MS', LIMITS.defaultMaxPastMs, { min: 1000 }),
      maxFutureMs: read.int('INGEST_MAX_EVENT_FUTURE_MS', LIMITS.defaultMaxFutureMs, { min: 0 }),
    },
    retentionDays: read.int('RETENTION_DAYS', 90, { min: 1, max: 36_500 }),
    httpHost: read.string('HTTP_HOST', '127.0.0.1'),
    httpPort: read.int('INGEST_HTTP_PORT', 3001, { min: 0, max: 65_535 }),
    shutdownTimeoutMs: read.int('INGEST_SHUTDOWN_TIMEOUT_MS', 30_000, { min: 1000 }),
    log: logSettingsFromEnv(env),
  };
}
