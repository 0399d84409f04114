#!/usr/bin/env bash
# Why the messaging latency run's slow sends were slow: runs `bench/run.sh messaging-p2p` (20,000 messages, the traffic
# form unless NODE_FORM says otherwise), records the kernel's scheduler events and every fsync on both cores with perf for
# TAIL_SECONDS (default 12) of the latency run, then prints the census (ActorNet.Bench tail-census): each cluster of sends
# slower than TAIL_OVER ms (default 10) beside what the cores did meanwhile, and the causes counted.
# Needs root (perf records every process's events) and perf. BENCH_SKIP_BUILD=1 reuses what run.sh published before.
# TAIL_KEEP=DIR keeps the run's report, log, latency CSV and trace there (the trace's text is ~50 MB); run.sh writes the
# run's JSON as usual, to bench/results/<date>-messaging-p2p-tail.json.
# Usage: bench/tail-census.sh      (about 2 minutes after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "tail-census needs perf (apt install linux-perf)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "tail-census needs root: perf records the scheduler events of every process" >&2; exit 2; }
seconds=${TAIL_SECONDS:-12}
over=${TAIL_OVER:-10}
[[ "$seconds" =~ ^[1-9][0-9]?$ ]] && [ "$seconds" -le 19 ] || { echo "TAIL_SECONDS is whole seconds from 1 to 19 (the latency run lasts 20), not '$seconds'" >&2; exit 2; }
[[ "$over" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "TAIL_OVER is a latency in ms, not '$over'" >&2; exit 2; }

dir=${TAIL_KEEP:-$(mktemp -d /tmp/actornet-tail.XXXXXX)}
mkdir -p "$dir"
[ -n "${TAIL_KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT

ACTORNET_BENCH_LATENCY_CSV="$dir/latency.csv" NODE_FORM=${NODE_FORM:-traffic} BENCH_RESULT_SUFFIX=-tail \
  BENCH_ARGS="--messages 20000 ${BENCH_ARGS:-}" bench/run.sh messaging-p2p > "$dir/report.md" 2> "$dir/run.log" &
bench=$!
until grep -q "messaging latency: sending" "$dir/run.log" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { tail -20 "$dir/run.log" >&2; echo "the bench ended before its latency run" >&2; exit 1; }
  sleep 0.2
done
sleep 3 # past the first sends' warm-up

# The bench's processes, named as the census shows them: each node by its bureau, the Lighthouse, the bench client.
pids=""
for pid in $(pgrep -f "ActorNet.Node|ActorNet.Lighthouse|ActorNet.Bench.dll messaging-p2p"); do
  args=$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null) || continue
  if [[ "$args" =~ --bureau\ ([A-Z]+) ]]; then name=${BASH_REMATCH[1]}
  elif [[ "$args" == *Lighthouse* ]]; then name=Lighthouse
  elif [[ "$args" == dotnet\ *ActorNet.Bench.dll* ]]; then name=client # not run.sh's timeout wrapper around it
  else continue; fi
  pids="$pids${pids:+,}$name=$pid"
done

# -k mono: the events on CLOCK_MONOTONIC, the clock of the CSV's first_send_monotonic_ns.
perf record -q -k mono -a -o "$dir/trace.perf" \
  -e sched:sched_switch -e syscalls:sys_enter_fsync -e syscalls:sys_exit_fsync \
  -e syscalls:sys_enter_fdatasync -e syscalls:sys_exit_fdatasync -- sleep "$seconds" > /dev/null 2>&1
status=0
wait $bench || status=$?
grep -E "latency.*p50|latency: p99|CPU per 1,000 single|kernel's own threads" "$dir/run.log" | sed 's/^ *//' >&2 || true
[ $status = 0 ] || { echo "the bench failed ($status): $dir/run.log" >&2; exit $status; }
perf script -i "$dir/trace.perf" -F pid,tid,cpu,time,event,trace > "$dir/trace.txt" 2>/dev/null
dotnet bench/.publish/bench/ActorNet.Bench.dll tail-census --trace "$dir/trace.txt" --csv "$dir/latency.csv" \
  --pids "$pids" --over "$over" --clusters
