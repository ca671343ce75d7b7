#!/usr/bin/env bash
# Starts the ingest service with a bounded V8 heap: without a limit V8 grows the heap lazily on a
# large machine (measured: ~490 MB RSS at 30k events/s, ~220-270 MB with this limit, same speed).
# `exec` keeps one process (signals reach Node directly). INGEST_NODE_FLAGS adds Node flags, e.g.
# INGEST_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:ingest to profile it.
exec node ${INGEST_NODE_FLAGS:-} --max-old-space-size="${INGEST_MAX_HEAP_MB:-256}" --max-semi-space-size="${INGEST_SEMI_SPACE_MB:-16}" \
  "$(dirname "$0")/../../dist/apps/ingest/src/main.js" "$@"
