-- Model quality (issue #11): one row per metric, model version ('*' for all versions) and window
-- of a run. The window is the monitor's window that ended label_delay before the run, when labels
-- had time to arrive. labelled: predictions of the window that have a label; coverage =
-- labelled / predictions. status 'insufficient_labels' (value NULL, breached 0): fewer than
-- min_labelled labelled predictions or coverage below min_label_coverage; such a row changes no
-- alert. segment is '' (per-segment results are not computed yet). baseline_value is reserved
-- for a reference value of the metric (NULL for now). A window evaluated again later (late labels)
-- is a new row with a newer computed_at: the newest row of a (monitor, model_version, metric,
-- window_end) is the current value.
CREATE TABLE IF NOT EXISTS quality_results (
    run_id String,
    monitor String,
    model String,
    model_version String,
    segment String,
    metric String,
    status Enum8('ok' = 1, 'insufficient_labels' = 2),
    value Nullable(Float64),
    labelled UInt64,
    predictions UInt64,
    coverage Float64,
    threshold Nullable(Float64),
    breached UInt8,
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    baseline_value Nullable(Float64),
    computed_at DateTime('UTC')
) ENGINE = MergeTree
PARTITION BY toYYYYMM(window_end)
ORDER BY (model, metric, window_end, run_id);
