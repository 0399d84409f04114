#!/usr/bin/env bash
# Starts a private PostgreSQL 15 server on a loopback port for the tests and prints its connection string.
# Installs the Debian package when it is missing. Usage: pg-start.sh DIR PORT
set -euo pipefail
dir=$1 port=$2
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/pg_ctl" ]; then
  echo "installing postgresql-15 (Debian package)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
fi
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
run "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=300" start >/dev/null
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
