-- Baselines and monitor results. Baselines are versioned: baseline_id is '<name>@<content hash>',
-- so a result always points at the exact reference it was compared with. One row per feature.
CREATE TABLE IF NOT EXISTS baselines (
    baseline_id String,
    name String,
    model String,
    feature String,
    kind Enum8('numeric' = 1, 'categorical' = 2),
    source String,
    created_at DateTime('UTC'),
    n UInt64,
    psi_edges Array(Float64),
    psi_counts Array(UInt64),
    grid_lo Float64,
    grid_width Float64,
    grid_counts Array(UInt64),
    categories Array(String),
    category_counts Array(UInt64),
    mean Float64,
    std Float64,
    min Float64,
    max Float64,
    sample Array(Float64)
) ENGINE = ReplacingMergeTree(created_at)
ORDER BY (model, name, baseline_id, feature);

CREATE TABLE IF NOT EXISTS monitor_runs (
    run_id String,
    monitor String,
    model String,
    scheduled_at DateTime('UTC'),
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    started_at DateTime('UTC'),
    duration_ms UInt32,
    status Enum8('ok' = 1, 'failed' = 2, 'skipped' = 3),
    error String,
    baseline_id String,
    results UInt32
) ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (monitor, started_at, run_id);

-- value: the statistic (PSI, KS D, chi-squared, JS distance, Wasserstein); for binned KS,
-- value_lo/value_hi bound the exact D and p_value_lo/p_value_hi the exact p-value.
-- model_version '*' is all versions together.
CREATE TABLE IF NOT EXISTS drift_results (
    run_id String,
    monitor String,
    model String,
    model_version String,
    feature String,
    feature_kind Enum8('numeric' = 1, 'categorical' = 2),
    method String,
    status Enum8('ok' = 1, 'insufficient_data' = 2),
    value Nullable(Float64),
    value_lo Nullable(Float64),
    value_hi Nullable(Float64),
    p_value Nullable(Float64),
    p_value_lo Nullable(Float64),
    p_value_hi Nullable(Float64),
    threshold Nullable(Float64),
    breached UInt8,
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    baseline_id String,
    baseline_n UInt64,
    window_n UInt64,
    computed_at DateTime('UTC')
) ENGINE = MergeTree
PARTITION BY toYYYYMM(window_end)
ORDER BY (model, feature, method, window_end, run_id);

CREATE TABLE IF NOT EXISTS health_results (
    run_id String,
    monitor String,
    model String,
    model_version String,
    status Enum8('ok' = 1, 'insufficient_data' = 2),
    events UInt64,
    errors UInt64,
    error_rate Nullable(Float64),
    events_per_s Float64,
    latency_p50_ms Nullable(Float64),
    latency_p90_ms Nullable(Float64),
    latency_p95_ms Nullable(Float64),
    latency_p99_ms Nullable(Float64),
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    computed_at DateTime('UTC')
) ENGINE = MergeTree
PARTITION BY toYYYYMM(window_end)
ORDER BY (model, model_version, window_end, run_id);
