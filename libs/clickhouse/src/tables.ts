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
  // pre-aggregated at insert time by the materialized views of migration 004
  numericHistograms: 'numeric_histograms',
  categoryCounts: 'category_counts',
  eventCopies: 'event_copies',
  baselineBucketing: 'baseline_bucketing',
  // migration 005
  preaggregationCoverage: 'preaggregation_coverage',
  baselineUnbucketedFeatures: 'baseline_unbucketed_features',
  // migration 006
  qualityResults: 'quality_results',
} as const;

export type RawTable = (typeof TABLES)['predictions' | 'features' | 'labels' | 'deadLetters'];

/** Tables filled from the raw tables by materialized views, partitioned by the same day. */
export type DerivedTable = (typeof TABLES)['numericHistograms' | 'categoryCounts' | 'eventCopies'];

/** Tables partitioned by day (toYYYYMMDD), whose partitions retention may drop. */
export const DAY_PARTITIONED: readonly (RawTable | DerivedTable)[] = [
  TABLES.predictions,
  TABLES.features,
  TABLES.labels,
  TABLES.deadLetters,
  TABLES.numericHistograms,
  TABLES.categoryCounts,
  TABLES.eventCopies,
];
