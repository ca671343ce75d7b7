#!/usr/bin/env bash
# `npm run demo`: build, bring up local Kafka and ClickHouse (installing them if missing), run the
# demo. Ctrl-C stops the demo's services; Kafka and ClickHouse are stopped too when the demo
# started them (not when they were already running, e.g. for tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
started_infra=0
status=$(bash deploy/local/infra.sh status 2>/dev/null || true)
if [[ $status == *": down"* ]]; then started_infra=1; fi
bash deploy/local/infra.sh up
# The cleanup must not need the output: after Ctrl-C on `npm run demo |& tee demo.log`, or with
# `| head`, the pipe is closed, and the first log line written to it killed infra.sh (SIGPIPE)
# before it stopped Kafka. With SIGPIPE ignored such a write just fails, and infra.sh's log
# carries on without it.
stop_infra() {
  trap '' PIPE
  if ((started_infra)); then bash deploy/local/infra.sh down; fi
}
trap stop_infra EXIT
export KAFKAJS_NO_PARTITIONER_WARNING=1
node dist/apps/demo/src/main.js
