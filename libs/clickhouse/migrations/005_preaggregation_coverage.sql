-- What the pre-aggregation of 004 does not cover, so that counts stay exact on upgrades.
--
-- preaggregation_coverage: the materialized views count only rows inserted after they were
-- created. Rows stored before (a database upgraded from an earlier version) have event times up
-- to raw_until, recorded here once the views exist; a monitor counts minutes up to raw_until from
-- the raw rows and only later minutes from the views. On an upgrade raw_until is at least ten
-- minutes past now, so an insert still in flight from an old ingest instance (events are accepted
-- up to five minutes ahead) lands in raw-counted minutes. On a new database the raw tables are
-- empty and raw_until is 1970: everything comes from the views.
CREATE TABLE IF NOT EXISTS preaggregation_coverage (
    raw_until DateTime('UTC'),
    recorded_at DateTime('UTC')
) ENGINE = MergeTree
ORDER BY recorded_at;

INSERT INTO preaggregation_coverage
SELECT if(stored > toDateTime(0, 'UTC'), greatest(stored, now()) + 600, stored), now()
FROM (SELECT greatest((SELECT max(ts) FROM predictions), (SELECT max(ts) FROM features)) AS stored);

-- Numeric features of a baseline whose values the buckets cannot resolve (a large offset with a
-- small spread, e.g. years or epoch seconds: snapping merged their PSI edges or most of their KS
-- grid). Their PSI edges and grid are the exact ones, and monitors count them from raw rows.
CREATE TABLE IF NOT EXISTS baseline_unbucketed_features (
    baseline_id String,
    model String,
    feature String,
    created_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(created_at)
ORDER BY (model, baseline_id, feature);
