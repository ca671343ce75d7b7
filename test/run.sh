#!/usr/bin/env bash
# `npm test` (the README's test command, after `npm ci`): build, bring up the local Kafka and
# ClickHouse (installing them when missing: Debian packages, Kafka jars from Maven Central),
# then run the unit tests (libs/, apps/) and the integration tests (test/) on the real services.
# Integration tests run one file at a time: the fault tests stop and restart the shared services.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash deploy/local/infra.sh up
files=()
while IFS= read -r f; do files+=("$f"); done < <(find dist/libs dist/apps dist/test -name '*.test.js' | sort)
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node --test --test-concurrency=1 --test-timeout=600000 "${files[@]}"
