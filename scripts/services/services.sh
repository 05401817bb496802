#!/usr/bin/env bash
# Starts and stops the real services the integration tests talk to: Apache Kafka (KRaft, one
# combined broker+controller) and Apache Cassandra (our ScyllaDB stand-in), both run from jars
# that Maven fetches from Maven Central on first use (pinned in pom.xml beside this file).
#
#   services.sh up [kafka|cassandra]...     start (no-op for what already runs), wait until each answers
#   services.sh down [kafka|cassandra]...   stop only the processes this script started (pid files)
#   services.sh status                      what runs, with pid and port
#   services.sh logs [kafka|cassandra]      last 50 log lines
#   services.sh reset                       down, then delete all service data
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), CASSANDRA_PORT (9042),
# CASSANDRA_STORAGE_PORT (7000), CASSANDRA_JMX_PORT (7199), TRIBUTARY_SERVICES_DIR (data, logs, pids;
# default <repo>/.services), TRIBUTARY_CACHE (jars; default ~/.cache/tributary), SERVICES_TIMEOUT (s, 150).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
svc_dir=${TRIBUTARY_SERVICES_DIR:-$repo/.services}
cache=${TRIBUTARY_CACHE:-$HOME/.cache/tributary}
timeout_s=${SERVICES_TIMEOUT:-150}

KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
CASSANDRA_PORT=${CASSANDRA_PORT:-9042}
CASSANDRA_STORAGE_PORT=${CASSANDRA_STORAGE_PORT:-7000}
CASSANDRA_JMX_PORT=${CASSANDRA_JMX_PORT:-7199}

die() { echo "services: $*" >&2; exit 1; }
log() { echo "services: $*" >&2; }

require_tools() {
  command -v java >/dev/null || die "java not found: install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven (Debian: apt-get install maven)"
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ -n "$v" ] && [ "$v" -ge 17 ] || die "java $v found, but Kafka 4 and Cassandra 5 need Java 17 or newer"
}

pom_hash() { sha1sum "$here/pom.xml" | cut -c1-12; }

# Jars go to a cache dir outside git, keyed by the pom's hash so a version bump fetches anew.
jars() {
  local svc=$1 dir
  dir="$cache/jars-$(pom_hash)/$svc"
  if [ ! -f "$dir/.complete" ]; then
    log "fetching $svc jars with Maven (first use only) into $dir"
    rm -rf "$dir"
    mvn -q -B -f "$here/pom.xml" -P"$svc" dependency:copy-dependencies \
      -DoutputDirectory="$dir/lib" >"$svc_dir/mvn-$svc.log" 2>&1 ||
      { tail -n 50 "$svc_dir/mvn-$svc.log" >&2; die "maven could not fetch the $svc jars (log above)"; }
    touch "$dir/.complete"
  fi
  echo "$dir/lib"
}

pidfile() { echo "$svc_dir/$1.pid"; }

running() {
  local pf
  pf=$(pidfile "$1")
  [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports_free() {
  local svc=$1; shift
  local p
  for p in "$@"; do
    if port_in_use "$p"; then
      die "cannot start $svc: port $p on 127.0.0.1 is held by another process (not started by this script). Stop it, or pick other ports with the env vars in scripts/services/services.sh"
    fi
  done
}

write_kafka_config() {
  local d=$svc_dir/kafka
  mkdir -p "$d/conf" "$d/data" "$d/logs"
  cat >"$d/conf/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  cat >"$d/conf/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

start_kafka() {
  local lib d=$svc_dir/kafka cp
  lib=$(jars kafka)
  write_kafka_config
  cp="$lib/*"
  if [ ! -f "$d/data/meta.properties" ]; then
    local id
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$d/logs/format.log" | tail -1)
    java -Dlog4j2.configurationFile="$d/conf/log4j2.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$id" -c "$d/conf/server.properties" >>"$d/logs/format.log" 2>&1 ||
      { tail -n 50 "$d/logs/format.log" >&2; die "kafka storage format failed"; }
  fi
  nohup java -Xms512m -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -Dkafka.logs.dir="$d/logs" \
    -Dlog4j2.configurationFile="$d/conf/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$d/conf/server.properties" >"$d/logs/kafka.log" 2>&1 </dev/null &
  echo $! >"$(pidfile kafka)"
}

write_cassandra_config() {
  local d=$svc_dir/cassandra
  mkdir -p "$d/conf" "$d/data" "$d/logs"
  cat >"$d/conf/cassandra.yaml" <<EOF
cluster_name: tributary-test
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$CASSANDRA_STORAGE_PORT"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $CASSANDRA_STORAGE_PORT
native_transport_port: $CASSANDRA_PORT
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
data_file_directories: [$d/data/data]
commitlog_directory: $d/data/commitlog
saved_caches_directory: $d/data/saved_caches
hints_directory: $d/data/hints
cdc_raw_directory: $d/data/cdc_raw
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
concurrent_compactors: 1
EOF
  cat >"$d/conf/logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="OUT"/></root>
</configuration>
EOF
}

start_cassandra() {
  local lib d=$svc_dir/cassandra jamm
  lib=$(jars cassandra)
  write_cassandra_config
  jamm=$(ls "$lib"/jamm-*.jar | head -1)
  # JDK 17 module flags, after Cassandra's own conf/jvm17-server.options.
  local jdk17=(
    -Djdk.attach.allowAttachSelf=true
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
    --add-opens java.base/java.nio=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true
  )
  if command -v javac >/dev/null; then
    jdk17+=(--add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
      --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
      --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED)
  fi
  nohup java -Xms1g -Xmx1g -XX:+UseG1GC \
    "${jdk17[@]}" -javaagent:"$jamm" \
    -Dcassandra-foreground=yes -Dcassandra.storagedir="$d/data" -Dcassandra.logdir="$d/logs" \
    -Dcassandra.config="file://$d/conf/cassandra.yaml" -Dlogback.configurationFile="$d/conf/logback.xml" \
    -Dcassandra.jmx.local.port="$CASSANDRA_JMX_PORT" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=0 \
    -Dcassandra.superuser_setup_delay_ms=0 \
    -cp "$lib/*" org.apache.cassandra.service.CassandraDaemon >"$d/logs/cassandra.log" 2>&1 </dev/null &
  echo $! >"$(pidfile cassandra)"
}

probe() { node "$here/probe.mjs" "$@" >/dev/null 2>&1; }

wait_ready() {
  local svc=$1 deadline=$((SECONDS + timeout_s))
  while ! case $svc in
      kafka) probe kafka "127.0.0.1:$KAFKA_PORT" ;;
      cassandra) probe cassandra "127.0.0.1:$CASSANDRA_PORT" ;;
    esac; do
    if ! running "$svc"; then
      tail -n 50 "$svc_dir/$svc/logs/$svc.log" >&2 || true
      die "$svc exited during start-up (last 50 log lines above)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 50 "$svc_dir/$svc/logs/$svc.log" >&2 || true
      die "$svc did not answer within ${timeout_s}s (last 50 log lines above)"
    fi
    sleep 1
  done
}

ports_of() {
  case $1 in
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    cassandra) echo "$CASSANDRA_PORT $CASSANDRA_STORAGE_PORT $CASSANDRA_JMX_PORT" ;;
    *) die "unknown service '$1' (kafka or cassandra)" ;;
  esac
}

cmd_up() {
  local svcs=("$@") started=() s t0=$SECONDS
  [ ${#svcs[@]} -gt 0 ] || svcs=(kafka cassandra)
  mkdir -p "$svc_dir"
  require_tools
  for s in "${svcs[@]}"; do
    # shellcheck disable=SC2046
    if running "$s"; then log "$s already running (pid $(cat "$(pidfile "$s")"))"; continue; fi
    check_ports_free "$s" $(ports_of "$s")
    "start_$s"
    started+=("$s")
  done
  for s in "${started[@]}"; do
    wait_ready "$s"
    log "$s ready (pid $(cat "$(pidfile "$s")"))"
  done
  [ ${#started[@]} -eq 0 ] || log "up in $((SECONDS - t0))s: ${started[*]}"
}

stop_one() {
  local s=$1 pf pid i
  pf=$(pidfile "$s")
  [ -f "$pf" ] || { log "$s not started by this script"; return 0; }
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "$s did not stop in 30s, killing"; kill -KILL "$pid" || true; fi
    log "$s stopped (pid $pid)"
  fi
  rm -f "$pf"
}

cmd_down() {
  local svcs=("$@") s
  [ ${#svcs[@]} -gt 0 ] || svcs=(kafka cassandra)
  for s in "${svcs[@]}"; do ports_of "$s" >/dev/null; stop_one "$s"; done
}

cmd_status() {
  local s
  for s in kafka cassandra; do
    if running "$s"; then echo "$s running pid=$(cat "$(pidfile "$s")") ports=$(ports_of "$s")"
    else echo "$s stopped"; fi
  done
}

cmd_logs() {
  local svcs=("$@") s
  [ ${#svcs[@]} -gt 0 ] || svcs=(kafka cassandra)
  for s in "${svcs[@]}"; do echo "== $s"; tail -n 50 "$svc_dir/$s/logs/$s.log" 2>/dev/null || echo "(no log)"; done
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  reset) cmd_down; rm -rf "${svc_dir:?}/kafka" "${svc_dir:?}/cassandra"; log "service data deleted" ;;
  *) echo "usage: services.sh up|down|status|logs|reset [kafka|cassandra]..." >&2; exit 2 ;;
esac
