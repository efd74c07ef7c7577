#!/bin/sh
# Creates the cluster on first start (POSTGRES_DB, and each database named in
# POSTGRES_MORE_DATABASES, separated by spaces), then runs Postgres in the foreground.
set -eu
: "${POSTGRES_USER:=inplay}" "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" "${POSTGRES_DB:=inplay}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  for db in $POSTGRES_DB ${POSTGRES_MORE_DATABASES:-}; do
    case "$db" in postgres) continue ;; *[!A-Za-z0-9_]*) echo "database name '$db': letters, digits and _ only" >&2; exit 1 ;; esac
    psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections=200 -c shared_buffers=128MB -c fsync=on "$@"
