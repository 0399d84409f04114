#!/usr/bin/env bash
# Builds the node, the Lighthouse and the bench in Release once, then runs every scenario.
# The markdown table goes to stdout, progress to stderr, and the JSON to bench/results/<date>.json.
# Usage: bench/run.sh [scenario ...]   (default: pingpong startup cluster12 wire)
# BENCH_ARGS adds options to every scenario, e.g. BENCH_ARGS="--bureaus 10 --simulated 185" bench/run.sh notices-fanout
# BENCH_SKIP_BUILD=1 runs what an earlier call built and published (bench/compare.sh, round after round);
# BENCH_RESULT_SUFFIX=-r2 names the JSON bench/results/<date>-<scenario>-r2.json; BENCH_RESULT_DATE sets <date> (default: today, UTC).
set -euo pipefail
cd "$(dirname "$0")/.."

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(all)

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building Release (node, Lighthouse, bench)" >&2
  for project in src/Node/Node.csproj src/Lighthouse/Lighthouse.csproj bench/Bench/Bench.csproj; do
    dotnet build -c Release --nologo -v quiet "$project" >&2
  done
  # The node runs as deployed (Dockerfile, Directory.Build.props ActorNetDeploy): self-contained, trimmed, ReadyToRun,
  # tiered compilation off. NODE_FORM=traffic runs it (and every other process of the bench) the way README's "Deployed form"
  # advises for a node carrying heavy traffic: DOTNET_ReadyToRun=0, every method compiled once, fully optimised, at first call,
  # a 16 MB gen0 budget (DOTNET_GCgen0size) and background full collections (DOTNET_gcConcurrent=1): short pauses; the
  # server collector (DOTNET_gcServer=1, which on .NET 10 adapts its heaps to the load, DATAS): a collection works on every
  # core instead of stopping the process on one, its threads not tied to a core each (DOTNET_GCNoAffinitize=1): on cores
  # shared with other processes a collection would wait for the one it is tied to (docs/benchmarks.md, session 23).
  echo "== publishing the node in its deployed form" >&2
  rm -rf bench/.publish/node
  dotnet publish src/Node/Node.csproj -c Release -r linux-x64 --self-contained -p:ActorNetDeploy=true \
    --nologo -v quiet -o bench/.publish/node >&2
  # The bench too: notices-fanout's simulated bureaus run in copies of it, and a copy compiling Akka at start starves the cluster.
  dotnet publish bench/Bench/Bench.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    --nologo -v quiet -o bench/.publish/bench >&2
fi
[ -x bench/.publish/node/ActorNet.Node ] && [ -f bench/.publish/bench/ActorNet.Bench.dll ] ||
  { echo "bench/.publish holds no published node and bench: run without BENCH_SKIP_BUILD first" >&2; exit 2; }
export ACTORNET_BENCH_NODE="$PWD/bench/.publish/node/ActorNet.Node"

case ${NODE_FORM:-shipped} in
  shipped) form_env=() ;;
  traffic) form_env=(DOTNET_ReadyToRun=0 DOTNET_TieredCompilation=0 DOTNET_GCgen0size=0x1000000 DOTNET_gcConcurrent=1 DOTNET_gcServer=1 DOTNET_GCNoAffinitize=1) ;;
  *) echo "NODE_FORM must be shipped or traffic, not '${NODE_FORM}'" >&2; exit 2 ;;
esac

mkdir -p bench/results
date=${BENCH_RESULT_DATE:-$(date -u +%Y-%m-%d)}
status=0
for scenario in "${scenarios[@]}"; do
  json=bench/results/$date.json
  [ "$scenario" != all ] && json=bench/results/$date-$scenario${BENCH_RESULT_SUFFIX:-}.json
  echo "== $scenario (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # The bench bounds every wait itself; this outer bound only guards against a hang it did not foresee.
  timeout --signal=TERM --kill-after=30 1800 \
    env "${form_env[@]}" dotnet bench/.publish/bench/ActorNet.Bench.dll "$scenario" --json "$json" ${BENCH_ARGS:-} || status=$?
done
exit $status
