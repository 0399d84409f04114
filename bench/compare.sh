#!/usr/bin/env bash
# ActorNet against the peers a bureau's IT team would pick instead, in one run on this machine:
#   1. bench/run.sh pingpong             (raw Akka.Remote baseline), once
#   2. round after round: bench/run.sh messaging (ActorNet's throughput, latency and fan-out over TLS/SQLite), then
#      ../shared/peers/run.sh with RUNS=1 (PeerBench: RabbitMQ classic and quorum, NATS JetStream; needs root to install
#      them once): the two take turns, so that a slow spell of the machine (its speed drifts within minutes) falls on both
#   3. the side-by-side table of the medians over the rounds (PeerBench's own default is three runs and their medians),
#      issue 3's goals judged on them, and each round judged on its own against the RabbitMQ run right after it
# Usage: bench/compare.sh            ROUNDS=3 (default; PEER_RUNS, its old name, is read when ROUNDS is not set)
#                                    PEERS=/path/to/peers
#                                    NODE_FORM=traffic (default) or shipped: which form of the deployed node runs (run.sh)
# The table goes to stdout and to bench/results/<date>-compare.md; progress to stderr. Each round's JSON:
# bench/results/<date>-messaging-r<N>.json and <date>-peers-run-r<N>.json; PeerBench's summary of the rounds:
# <date>-peers-summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${PEERS:-$(cd .. && pwd)/shared/peers}
[ -x "$peers/run.sh" ] || peers=/work/shared/peers
[ -x "$peers/run.sh" ] || { echo "PeerBench not found: set PEERS to the folder holding run.sh" >&2; exit 2; }
rounds=${ROUNDS:-${PEER_RUNS:-3}}
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "ROUNDS must be a whole number from 1 to 99, not '$rounds'" >&2; exit 2; }

date=$(date -u +%Y-%m-%d)
export BENCH_RESULT_DATE=$date # every round's file under the date the comparison began, past midnight too
status=0
export NODE_FORM=${NODE_FORM:-traffic}
echo "== ActorNet: pingpong (builds and publishes the node and the bench)" >&2
bench/run.sh pingpong >&2 || status=$?

# From a private copy, so that its build output and results never land in the shared folder.
peer_copy=$(mktemp -d)
trap 'rm -rf "$peer_copy"' EXIT
cp -r "$peers"/. "$peer_copy"
rm -rf "$peer_copy/results" "$peer_copy"/PeerBench/bin "$peer_copy"/PeerBench/obj
ours="bench/results/$date-pingpong.json"
peer_runs=()
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds: ActorNet messaging" >&2
  BENCH_SKIP_BUILD=1 BENCH_RESULT_SUFFIX=-r$round bench/run.sh messaging >&2 || status=$?
  ours="$ours,bench/results/$date-messaging-r$round.json"
  echo "== round $round of $rounds: PeerBench ($peers)" >&2
  RUNS=1 OUT_DIR="$peer_copy/results-r$round" "$peer_copy/run.sh" >&2 || status=$?
  if [ -f "$peer_copy/results-r$round/run-1.json" ]; then
    cp "$peer_copy/results-r$round/run-1.json" "bench/results/$date-peers-run-r$round.json"
    peer_runs+=("bench/results/$date-peers-run-r$round.json")
  fi
done

echo "== side by side" >&2
peer_arg=()
if [ ${#peer_runs[@]} -gt 0 ]; then
  # PeerBench summarises its runs itself (min, median, max): the same numbers its run.sh prints.
  dotnet "$peer_copy"/PeerBench/bin/Release/net10.0/PeerBench.dll summarize --out "bench/results/$date-peers-summary.json" "${peer_runs[@]}" >&2 || status=$?
  [ -f "bench/results/$date-peers-summary.json" ] &&
    peer_arg=(--peers "bench/results/$date-peers-summary.json" --peer-runs "$(IFS=,; echo "${peer_runs[*]}")")
fi
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); $rounds round(s); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  dotnet bench/Bench/bin/Release/net10.0/ActorNet.Bench.dll compare --ours "$ours" "${peer_arg[@]}"
} | tee "bench/results/$date-compare.md"
exit $status
