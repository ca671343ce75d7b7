// Public API of @driftwatch/clickhouse: the client, migrations and retention, table names, the raw
// and result rows, and SQL literal escaping. What other packages use, nothing more.

// The client
export {
  clickhouseSettingsFromEnv,
  createClickHouse,
  ensureDatabase,
  type ClickHouse,
  type ClickHouseSettings,
} from './client';
export { defaultMigrationsDir, loadMigrations, migrate } from './migrations';
export { dropExpiredPartitions } from './retention';

// Tables and their rows
export { TABLES } from './tables';
export { deadLetterRow, eventRow } from './rows';
export { RowWriter, type InsertObserver, type TableRow } from './row-writer';
export {
  ALL_QUALITY_METRICS,
  ALL_VERSIONS,
  insertResults,
  QUALITY_METRICS,
  QUALITY_TASKS,
  type QualityMetric,
  type QualityTask,
  LATENCY_QUANTILES,
  type DriftResultRow,
  type HealthResultRow,
  type MonitorRunRow,
  type QualityResultRow,
  type ResultRows,
  type ResultTable,
} from './results';

// SQL
export { formatDateTime, identifier, literal } from './sql';
