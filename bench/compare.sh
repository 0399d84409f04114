#!/usr/bin/env bash
# ActorNet against the peers a bureau's IT team would pick instead, in one run on this machine:
#   1. bench/run.sh pingpong messaging   (raw Akka.Remote baseline; ActorNet's throughput, latency and fan-out over TLS/SQLite)
#   2. ../shared/peers/run.sh            (PeerBench: RabbitMQ classic and quorum, NATS JetStream; needs root to install them once)
#   3. the side-by-side table, with issue 3's goals judged against the RabbitMQ classic figures of this same run
# Usage: bench/compare.sh            PEERS=/path/to/peers  PEER_RUNS=1 (PeerBench runs; its own default is 3)
#                                    NODE_FORM=traffic (default) or shipped: which form of the deployed node runs (run.sh)
# The table goes to stdout and to bench/results/<date>-compare.md; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${PEERS:-$(cd .. && pwd)/shared/peers}
[ -x "$peers/run.sh" ] || peers=/work/shared/peers
[ -x "$peers/run.sh" ] || { echo "PeerBench not found: set PEERS to the folder holding run.sh" >&2; exit 2; }

date=$(date -u +%Y-%m-%d)
status=0
echo "== ActorNet: pingpong, messaging" >&2
NODE_FORM=${NODE_FORM:-traffic} bench/run.sh pingpong messaging >&2 || status=$?

echo "== PeerBench ($peers, RUNS=${PEER_RUNS:-1})" >&2
# From a private copy, so that its build output and results never land in the shared folder.
peer_copy=$(mktemp -d)
cp -r "$peers"/. "$peer_copy"
rm -rf "$peer_copy/results" "$peer_copy"/PeerBench/bin "$peer_copy"/PeerBench/obj
peer_out="$peer_copy/results"
RUNS=${PEER_RUNS:-1} OUT_DIR="$peer_out" "$peer_copy/run.sh" >&2 || status=$?
summary="$peer_out/summary.json"
[ -f "$summary" ] && cp "$summary" "bench/results/$date-peers-summary.json"

echo "== side by side" >&2
ours="bench/results/$date-pingpong.json,bench/results/$date-messaging.json"
peer_arg=()
[ -f "$summary" ] && peer_arg=(--peers "$summary")
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  dotnet bench/Bench/bin/Release/net10.0/ActorNet.Bench.dll compare --ours "$ours" "${peer_arg[@]}"
} | tee "bench/results/$date-compare.md"
rm -rf "$peer_copy"
exit $status
