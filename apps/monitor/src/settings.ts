import { loadMonitorConfig, type MonitorConfig } from '@driftwatch/config';
import { EnvReader, type Env } from '@driftwatch/env';
import { clickhouseSettingsFromEnv, type ClickHouseSettings } from '@driftwatch/clickhouse';
import { smtpSettingsFromEnv, type SmtpSettings } from '@driftwatch/alerting';
import { logSettingsFromEnv, type LogSettings } from '@driftwatch/runtime';

export interface MonitorAppSettings {
  clickhouse: ClickHouseSettings;
  configPath: string;
  config: MonitorConfig;
  httpHost: string;
  httpPort: number;
  /** Present when some channel sends email. */
  smtp?: SmtpSettings;
  log: LogSettings;
}

/** Environment and monitor config, validated before anything starts. */
export function monitorSettingsFromEnv(env: Env = process.env): MonitorAppSettings {
  const read = new EnvReader(env);
  const configPath = read.string('MONITOR_CONFIG', 'monitors.yaml');
  const config = loadMonitorConfig(configPath, env);
  const sendsEmail = Object.values(config.alerting.channels).some((c) => c.kind === 'email');
  return {
    clickhouse: clickhouseSettingsFromEnv(env),
    configPath,
    config,
    ...(sendsEmail ? { smtp: smtpSettingsFromEnv(env) } : {}),
    httpHost: read.string('HTTP_HOST', '127.0.0.1'),
    httpPort: read.int('MONITOR_HTTP_PORT', 3002, { min: 0, max: 65_535 }),
    log: logSettingsFromEnv(env),
  };
}

/** Injection token for the validated settings. */
export abstract class MonitorSettingsToken {}
export interface MonitorSettingsToken extends MonitorAppSettings {}
