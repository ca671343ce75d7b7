/** Table names, defined once. Migrations in ../migrations create them. */
export const TABLES = {
  predictions: 'predictions',
  features: 'features',
  labels: 'labels',
  deadLetters: 'dead_letters',
  migrations: 'schema_migrations',
  baselines: 'baselines',
  monitorRuns: 'monitor_runs',
  driftResults: 'drift_results',
  healthResults: 'health_results',
  alertEvents: 'alert_events',
  alertDeliveries: 'alert_deliveries',
} as const;

export type RawTable = (typeof TABLES)['predictions' | 'features' | 'labels' | 'deadLetters'];

/** Tables partitioned by day (toYYYYMMDD), whose partitions retention may drop. */
export const DAY_PARTITIONED: readonly RawTable[] = [TABLES.predictions, TABLES.features, TABLES.labels, TABLES.deadLetters];
