-- Raw events, one row per event. Features are parallel arrays (numeric names/values,
-- categorical names/values, names whose value was null): see ARCHITECTURE.md for the measured
-- reason. Redelivered events (at-least-once) carry identical values, so ReplacingMergeTree
-- collapses them on the sort key, which ends with event_id; queries stay dedup-safe with FINAL
-- or uniqExact(event_id). Partitioned by day: retention drops whole partitions.

CREATE TABLE IF NOT EXISTS predictions (
    event_id String,
    model String,
    model_version String,
    ts DateTime('UTC'),
    timestamp_ms UInt64,
    latency_ms Float64,
    status Enum8('ok' = 1, 'error' = 2),
    prediction_num Nullable(Float64),
    prediction_str Nullable(String),
    score Nullable(Float64),
    proba_classes Array(String),
    proba_values Array(Float64),
    num_names Array(String),
    num_values Array(Float64),
    cat_names Array(String),
    cat_values Array(String),
    null_names Array(String),
    ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(ts)
ORDER BY (model, model_version, ts, event_id);

CREATE TABLE IF NOT EXISTS features (
    event_id String,
    model String,
    model_version String,
    ts DateTime('UTC'),
    timestamp_ms UInt64,
    num_names Array(String),
    num_values Array(Float64),
    cat_names Array(String),
    cat_values Array(String),
    null_names Array(String),
    ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(ts)
ORDER BY (model, model_version, ts, event_id);

-- A label may be corrected: the newest one (ingested_at) wins under FINAL or argMax.
CREATE TABLE IF NOT EXISTS labels (
    event_id String,
    model String,
    model_version String,
    ts DateTime('UTC'),
    timestamp_ms UInt64,
    label_num Nullable(Float64),
    label_str Nullable(String),
    ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(ts)
ORDER BY (model, event_id);

-- Messages the ingest service refused, with the reason; the same messages are on the
-- dead-letter topic with their original bytes. `raw` keeps the first 64 KiB.
CREATE TABLE IF NOT EXISTS dead_letters (
    source_topic String,
    source_partition UInt32,
    source_offset UInt64,
    code String,
    reason String,
    raw String,
    raw_bytes UInt32,
    failed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(failed_at)
PARTITION BY toYYYYMMDD(failed_at)
ORDER BY (source_topic, source_partition, source_offset);
