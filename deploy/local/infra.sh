#!/usr/bin/env bash
# Local infrastructure without Docker: Apache Kafka 3.9 (KRaft, one node, jars from Maven Central)
# and ClickHouse (Debian's clickhouse-server) with project-local config and data under .local/.
#
#   infra.sh up|down|status          both services (up is idempotent and returns when both answer)
#   infra.sh start|stop kafka|clickhouse   one service (used by the fault tests)
#   infra.sh install                 only install what is missing (apt packages, Kafka jars)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"
LOCAL="${DRIFTWATCH_LOCAL_DIR:-$ROOT/.local}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
CH_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
CH_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
KAFKA_DIR="$LOCAL/kafka"
CH_DIR="$LOCAL/clickhouse"
JARS="$KAFKA_DIR/libs"

# `|| true`: a closed output (see demo.sh's cleanup) must not stop `down` half-way under set -e
log() { echo "[infra] $*" >&2 || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name seconds command...
  local name="$1" secs="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then log "$name did not answer within ${secs}s"; return 1; fi
    sleep 0.5
  done
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_clickhouse() {
  if command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null; then return; fi
  log "installing Debian's clickhouse-server and clickhouse-client (apt-get)"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
}

install_kafka() {
  if [[ -f "$JARS/.complete" ]]; then return; fi
  command -v java >/dev/null || { log "java (JDK 17+) is required for Kafka"; exit 1; }
  command -v mvn >/dev/null || { log "mvn (Maven) is required to fetch the Kafka jars"; exit 1; }
  log "fetching Apache Kafka jars from Maven Central into $JARS"
  mkdir -p "$JARS"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$JARS"
  touch "$JARS/.complete"
}

fill() { # template out: replaces @VARS@
  sed -e "s#@DATA@#$3#g" -e "s#@CONF@#$4#g" -e "s#@PORT@#$KAFKA_PORT#g" \
      -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@HTTP_PORT@#$CH_HTTP_PORT#g" \
      -e "s#@TCP_PORT@#$CH_TCP_PORT#g" "$1" > "$2"
}

start_kafka() {
  install_kafka
  if pid_alive "$KAFKA_DIR/kafka.pid" && port_open "$KAFKA_PORT"; then log "kafka already up on 127.0.0.1:$KAFKA_PORT"; return; fi
  if port_open "$KAFKA_PORT"; then log "port $KAFKA_PORT is taken by another process"; exit 1; fi
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  fill "$HERE/kafka/server.properties" "$KAFKA_DIR/server.properties" "$KAFKA_DIR" "$KAFKA_DIR"
  local cp="$JARS/*"
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    java -cp "$cp" -Dlog4j.configuration="file:$HERE/kafka/log4j.properties" -Dkafka.logs.dir="$KAFKA_DIR/logs" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" >/dev/null
  fi
  log "starting kafka on 127.0.0.1:$KAFKA_PORT"
  KAFKA_LOG_OFFSET=$(stat -c %s "$KAFKA_DIR/logs/server.log" 2>/dev/null || echo 0)
  nohup java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/kafka/log4j.properties" -Dkafka.logs.dir="$KAFKA_DIR/logs" \
    -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/logs/stdout.log" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  wait_for kafka 90 kafka_ready || { tail -n 30 "$KAFKA_DIR/logs/stdout.log" "$KAFKA_DIR/logs/server.log" >&2 || true; exit 1; }
  log "kafka is up"
}

kafka_ready() {
  # the broker logs this line once it serves clients; read only what this start wrote
  port_open "$KAFKA_PORT" &&
    tail -c +"$((${KAFKA_LOG_OFFSET:-0} + 1))" "$KAFKA_DIR/logs/server.log" 2>/dev/null | grep -q "BrokerServer id=1\] Transition from STARTING to STARTED"
}

stop_pid() { # name pidfile
  local pidfile="$2"
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return; fi
  local pid; pid=$(cat "$pidfile")
  log "stopping $1 (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

start_clickhouse() {
  install_clickhouse
  if pid_alive "$CH_DIR/clickhouse.pid" && ch_ready; then log "clickhouse already up on 127.0.0.1:$CH_HTTP_PORT"; return; fi
  if port_open "$CH_HTTP_PORT"; then log "port $CH_HTTP_PORT is taken by another process"; exit 1; fi
  mkdir -p "$CH_DIR/data" "$CH_DIR/tmp" "$CH_DIR/user_files" "$CH_DIR/format_schemas" "$CH_DIR/log" "$CH_DIR/conf"
  fill "$HERE/clickhouse/config.xml" "$CH_DIR/conf/config.xml" "$CH_DIR" "$CH_DIR/conf"
  cp "$HERE/clickhouse/users.xml" "$CH_DIR/conf/users.xml"
  log "starting clickhouse on 127.0.0.1:$CH_HTTP_PORT"
  nohup clickhouse-server --config-file="$CH_DIR/conf/config.xml" >"$CH_DIR/log/stdout.log" 2>&1 &
  echo $! >"$CH_DIR/clickhouse.pid"
  wait_for clickhouse 60 ch_ready || { tail -n 30 "$CH_DIR/log/stdout.log" "$CH_DIR/log/clickhouse-server.err.log" >&2 || true; exit 1; }
  log "clickhouse is up"
}

ch_ready() { [[ "$(curl -fsS "http://127.0.0.1:$CH_HTTP_PORT/ping" 2>/dev/null)" == "Ok." ]]; }

cmd="${1:-up}"; target="${2:-all}"
case "$cmd" in
  install) install_clickhouse; install_kafka ;;
  up) start_clickhouse; start_kafka ;;
  down) stop_pid kafka "$KAFKA_DIR/kafka.pid"; stop_pid clickhouse "$CH_DIR/clickhouse.pid" ;;
  start|stop)
    case "$target" in
      kafka) [[ $cmd == start ]] && start_kafka || stop_pid kafka "$KAFKA_DIR/kafka.pid" ;;
      clickhouse) [[ $cmd == start ]] && start_clickhouse || stop_pid clickhouse "$CH_DIR/clickhouse.pid" ;;
      *) log "unknown service '$target' (expected kafka or clickhouse)"; exit 2 ;;
    esac ;;
  status)
    pid_alive "$KAFKA_DIR/kafka.pid" && port_open "$KAFKA_PORT" && echo "kafka: up" || echo "kafka: down"
    ch_ready && echo "clickhouse: up" || echo "clickhouse: down" ;;
  *) log "usage: infra.sh up|down|status|install|start <svc>|stop <svc>"; exit 2 ;;
esac
