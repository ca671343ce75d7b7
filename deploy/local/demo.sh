#!/usr/bin/env bash
# `npm run demo`: build, bring up local Kafka and ClickHouse (installing them if missing), run the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
bash deploy/local/infra.sh up
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node dist/apps/demo/src/main.js
