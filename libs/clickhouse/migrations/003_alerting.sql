-- Alert history and the delivery outbox: append-only, so every decision and every attempt stays
-- queryable. The latest row of an alert_key (highest seq) is the alert's state; the latest row of
-- a delivery_id is the delivery's. seq orders rows of one process: epoch ms * 1000 + a counter.

-- One row whenever an alert changes (pending, firing, repeat, resolved) or a retraining trigger
-- is decided (triggered, or suppressed by its cooldown). notice_id/routes/notice are set when the
-- row calls for a notification: enough to enqueue it again if the process stopped in between.
CREATE TABLE IF NOT EXISTS alert_events (
    seq UInt64,
    recorded_at DateTime('UTC'),
    alert_key String,
    kind Enum8('alert' = 1, 'retraining' = 2),
    monitor String,
    model String,
    model_version String,
    rule String,
    severity String,
    status Enum8('inactive' = 1, 'pending' = 2, 'firing' = 3, 'resolved' = 4, 'triggered' = 5, 'suppressed' = 6),
    notify String,
    active_since_ms UInt64,
    consecutive UInt32,
    last_notified_ms UInt64,
    evaluated_at DateTime('UTC'),
    evaluated_at_ms UInt64,
    run_id String,
    condition String,
    labels String,
    notice_id String,
    routes Array(String),
    notice String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(recorded_at)
ORDER BY (monitor, alert_key, seq);

-- One row when a notification is queued for a channel (status queued, with the payload), then one
-- per attempt (sent, retrying with next_attempt_ms, or failed).
CREATE TABLE IF NOT EXISTS alert_deliveries (
    seq UInt64,
    recorded_at DateTime('UTC'),
    delivery_id String,
    channel String,
    channel_kind Enum8('email' = 1, 'webhook' = 2),
    kind Enum8('alert' = 1, 'retraining' = 2),
    monitor String,
    model String,
    run_id String,
    notice_ids Array(String),
    status Enum8('queued' = 1, 'retrying' = 2, 'sent' = 3, 'failed' = 4),
    attempt UInt16,
    next_attempt_ms UInt64,
    http_status UInt16,
    error String,
    run_ended_ms UInt64,
    attempted_ms UInt64,
    payload String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(recorded_at)
ORDER BY (channel, delivery_id, seq);
