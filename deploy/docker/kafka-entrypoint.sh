#!/bin/bash
# Writes server.properties from KAFKA_* variables, formats the storage on
# first start (KAFKA_CLUSTER_ID), then runs the broker in the foreground.
# `kafka-entrypoint.sh healthcheck`: succeeds once the broker's first
# listener accepts connections.
set -euo pipefail
CONFIG=/opt/kafka/config/server.properties

first_listener_port() {
  local listeners="${KAFKA_LISTENERS:-PLAINTEXT://:9092}"
  local first="${listeners%%,*}"
  echo "${first##*:}"
}

if [ "${1:-}" = "healthcheck" ]; then
  if exec 3<>"/dev/tcp/127.0.0.1/$(first_listener_port)"; then exit 0; else exit 1; fi
fi

: "${KAFKA_NODE_ID:?set KAFKA_NODE_ID}" "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID (the same on every node)}"
: > "$CONFIG"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_CLUSTER_ID|KAFKA_JVM_OPTS) continue ;;
  esac
  property=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')
  printf '%s=%s\n' "$property" "$value" >> "$CONFIG"
done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sed -E 's/^(KAFKA_[A-Z0-9_]+)=(.*)$/\1=\2/')

JAVA=(java ${KAFKA_HEAP_OPTS} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties ${KAFKA_JVM_OPTS:-} -cp '/opt/kafka/libs/*')
cat > /opt/kafka/config/log4j2.properties <<'LOG'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
LOG

data_dir="${KAFKA_LOG_DIRS%%,*}"
if [ ! -f "$data_dir/meta.properties" ]; then
  "${JAVA[@]}" kafka.tools.StorageTool format --cluster-id="$KAFKA_CLUSTER_ID" -c "$CONFIG" --ignore-formatted
fi
exec "${JAVA[@]}" kafka.Kafka "$CONFIG"
