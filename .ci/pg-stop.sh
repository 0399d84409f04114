#!/usr/bin/env bash
# Stops the server pg-start.sh started and removes its files. Usage: pg-stop.sh DIR
set -u
dir=$1
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ -d "$dir/data" ] && run /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1
rm -rf "$dir"
