#!/bin/bash
# Writes server.properties from KAFKA_* variables, formats the storage on
# first start (KAFKA_CLUSTER_ID), then runs the broker in the foreground.
# `kafka-entrypoint.sh healthcheck`: succeeds once the broker's first
# listener accepts connections (a TCP check: it needs no login).
#
# Security, as the local broker of `inplay up` (libs/infra kafka-local.ts):
#   KAFKA_SCRAM_USERS       name=password,name=password (admin among them), or
#   KAFKA_SCRAM_USERS_DIR   a directory of one file per user, named after it,
#                           holding its password (a mounted Secret).
# With users, every SASL_* listener of KAFKA_LISTENER_SECURITY_PROTOCOL_MAP
# authenticates: the controller listeners (KAFKA_CONTROLLER_LISTENER_NAMES)
# with SASL/PLAIN and admin only, the others with SCRAM-SHA-512 (the broker
# itself logs in as admin, inter-broker). The users are made when the storage
# is formatted; KRaft's StandardAuthorizer allows nothing without an ACL
# except to admin, the only super user.
#   KAFKA_TLS_DIR           tls.key (PKCS#8, unencrypted), tls.crt (the chain)
#                           and ca.crt, as cert-manager issues them: the key
#                           store and trust store (PEM) of every SSL/SASL_SSL listener.
# Any KAFKA_<NAME> set explicitly overrides what these derive.
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

fail() { echo "kafka-entrypoint: $*" >&2; exit 1; }
: "${KAFKA_NODE_ID:?set KAFKA_NODE_ID}" "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID (the same on every node)}"

# The SCRAM users, one "name=password" a line. A password goes into JAAS
# (quoted) and into --add-scram (unquoted): only characters safe in both.
declare -A USERS=()
add_user() {
  local name="$1" password="$2"
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || fail "SCRAM user name '$name': letters, digits, '.', '_' and '-' only"
  [[ "$password" =~ ^[A-Za-z0-9._~+/-]+$ ]] || fail "the password of SCRAM user '$name': letters, digits and ._~+/- only (e.g. openssl rand -hex 24)"
  USERS["$name"]="$password"
}
if [ -n "${KAFKA_SCRAM_USERS:-}" ]; then
  IFS=',' read -r -a pairs <<< "$KAFKA_SCRAM_USERS"
  for pair in "${pairs[@]}"; do
    [[ "$pair" == *=* ]] || fail "KAFKA_SCRAM_USERS: '${pair%%=*}…' is not name=password"
    add_user "${pair%%=*}" "${pair#*=}"
  done
fi
if [ -n "${KAFKA_SCRAM_USERS_DIR:-}" ]; then
  [ -d "$KAFKA_SCRAM_USERS_DIR" ] || fail "KAFKA_SCRAM_USERS_DIR: $KAFKA_SCRAM_USERS_DIR is not a directory"
  for file in "$KAFKA_SCRAM_USERS_DIR"/*; do
    [ -f "$file" ] || continue
    add_user "$(basename "$file")" "$(tr -d '\r\n' < "$file")"
  done
fi
if [ "${#USERS[@]}" -gt 0 ] && [ -z "${USERS[admin]:-}" ]; then
  fail "the SCRAM users need 'admin': the brokers' own login and the super user"
fi

# One-line PEM for a property: continuation lines, as kafka-local.ts writes them.
pem_property() { sed -e '$!s/$/ \\/' "$1"; }

# What the security settings derive, written first: an explicit KAFKA_* below wins.
security_properties() {
  local map="${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:-}" controllers=",${KAFKA_CONTROLLER_LISTENER_NAMES:-CONTROLLER},"
  if [ "${#USERS[@]}" -gt 0 ]; then
    local admin="${USERS[admin]}"
    echo 'sasl.enabled.mechanisms=SCRAM-SHA-512'
    echo 'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512'
    echo 'sasl.mechanism.controller.protocol=PLAIN'
    echo 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer'
    echo 'super.users=User:admin'
    echo 'allow.everyone.if.no.acl.found=false'
  fi
  local entry name protocol prefix
  IFS=',' read -r -a entries <<< "$map"
  for entry in "${entries[@]}"; do
    name="${entry%%:*}" protocol="${entry#*:}"
    prefix="listener.name.$(printf '%s' "$name" | tr 'A-Z' 'a-z')"
    if [[ "$protocol" == SASL_* ]]; then
      [ "${#USERS[@]}" -gt 0 ] || fail "listener $name is $protocol: set KAFKA_SCRAM_USERS or KAFKA_SCRAM_USERS_DIR"
      if [[ "$controllers" == *",$name,"* ]]; then
        echo "$prefix.sasl.enabled.mechanisms=PLAIN"
        echo "$prefix.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin\" user_admin=\"$admin\";"
      else
        echo "$prefix.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin\";"
      fi
    fi
    if [[ "$protocol" == SSL || "$protocol" == SASL_SSL ]] && [ -n "${KAFKA_TLS_DIR:-}" ]; then
      local f
      for f in tls.key tls.crt ca.crt; do [ -s "$KAFKA_TLS_DIR/$f" ] || fail "KAFKA_TLS_DIR: $KAFKA_TLS_DIR/$f is missing or empty"; done
      grep -q 'BEGIN PRIVATE KEY' "$KAFKA_TLS_DIR/tls.key" \
        || fail "$KAFKA_TLS_DIR/tls.key is not an unencrypted PKCS#8 key (cert-manager: privateKey.encoding: PKCS8; or openssl pkcs8 -topk8 -nocrypt)"
      echo "$prefix.ssl.keystore.type=PEM"
      echo "$prefix.ssl.keystore.key=$(pem_property "$KAFKA_TLS_DIR/tls.key")"
      echo "$prefix.ssl.keystore.certificate.chain=$(pem_property "$KAFKA_TLS_DIR/tls.crt")"
      echo "$prefix.ssl.truststore.type=PEM"
      echo "$prefix.ssl.truststore.certificates=$(pem_property "$KAFKA_TLS_DIR/ca.crt")"
    fi
  done
}

umask 077
{
  security_properties
  while IFS='=' read -r name value; do
    case "$name" in
      KAFKA_HEAP_OPTS|KAFKA_CLUSTER_ID|KAFKA_JVM_OPTS|KAFKA_SCRAM_USERS|KAFKA_SCRAM_USERS_DIR|KAFKA_TLS_DIR) continue ;;
    esac
    property=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')
    printf '%s=%s\n' "$property" "$value"
  done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sed -E 's/^(KAFKA_[A-Z0-9_]+)=(.*)$/\1=\2/')
} > "$CONFIG.tmp"
mv "$CONFIG.tmp" "$CONFIG"

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

# Beside the log dir: a digest of the users the storage was formatted with. They
# exist only from the format on: a log dir formatted otherwise refuses their logins.
data_dir="${KAFKA_LOG_DIRS%%,*}"
users_digest=$(for name in "${!USERS[@]}"; do printf '%s=%s\n' "$name" "${USERS[$name]}"; done | sort | sha256sum | cut -d' ' -f1)
if [ ! -f "$data_dir/meta.properties" ]; then
  scram=()
  for name in "${!USERS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=${USERS[$name]}]"); done
  "${JAVA[@]}" kafka.tools.StorageTool format --cluster-id="$KAFKA_CLUSTER_ID" -c "$CONFIG" --ignore-formatted "${scram[@]}"
  echo "$users_digest" > "$data_dir/.scram-users.sha256"
elif [ "$(cat "$data_dir/.scram-users.sha256" 2>/dev/null || true)" != "$users_digest" ]; then
  echo "kafka-entrypoint: warning: $data_dir was formatted with other SCRAM users than these; users made since" \
    "(kafka-configs.sh --alter --entity-type users) are fine, otherwise their logins are refused: format a new log dir" >&2
fi
exec "${JAVA[@]}" kafka.Kafka "$CONFIG"
