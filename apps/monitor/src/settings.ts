import { EnvReader, loadMonitorConfig, type Env, type MonitorConfig } from '@driftwatch/config';
import { clickhouseSettingsFromEnv, type ClickHouseSettings } from '@driftwatch/clickhouse';

export interface MonitorAppSettings {
  clickhouse: ClickHouseSettings;
  configPath: string;
  config: MonitorConfig;
  httpHost: string;
  httpPort: number;
}

/** Environment and monitor config, validated before anything starts. */
export function monitorSettingsFromEnv(env: Env = process.env): MonitorAppSettings {
  const read = new EnvReader(env);
  const configPath = read.string('MONITOR_CONFIG', 'monitors.yaml');
  return {
    clickhouse: clickhouseSettingsFromEnv(env),
    configPath,
    config: loadMonitorConfig(configPath),
    httpHost: read.string('HTTP_HOST', '127.0.0.1'),
    httpPort: read.int('MONITOR_HTTP_PORT', 3002, { min: 0, max: 65_535 }),
  };
}

/** Injection token for the validated settings. */
export abstract class MonitorSettingsToken {}
export interface MonitorSettingsToken extends MonitorAppSettings {}
