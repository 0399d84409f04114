#!/usr/bin/env bash
# One idle node's memory, by hand: a Lighthouse and one FR node (--insecure, SQLite, fresh data dir), start → /health/ready,
# then VmRSS, PSS and a breakdown of /proc/<pid>/smaps by mapping kind at 10 s after ready and (with IDLE_LONG=1) after 2 min.
# Usage: bench/idle-rss.sh [node.dll | node executable]   (default: the Release build, src/Node/bin/Release/net10.0/ActorNet.Node.dll)
# Environment: extra DOTNET_* variables are passed to the node as they are; RUNS=N repeats (default 1);
# BREAKDOWN=0 skips the breakdown; TOP=N also lists the N largest mappings by file and permissions.
set -euo pipefail
cd "$(dirname "$0")/.."
node_dll=${1:-src/Node/bin/Release/net10.0/ActorNet.Node.dll}
lighthouse_dll=src/Lighthouse/bin/Release/net10.0/ActorNet.Lighthouse.dll
runs=${RUNS:-1}
work=$(mktemp -d /tmp/actornet-idle-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# smaps summed by what the mapping holds (MiB of Rss).
breakdown() {
  python3 - "$1" <<'EOF'
import sys, re, collections
pid = sys.argv[1]
import os
kinds = collections.Counter(); files = collections.Counter(); dlls = set(); cur = None; name = None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$", line)
    if m:
        perms, path = m.group(1), m.group(2).strip()
        name = (path.rsplit("/", 1)[-1] or "[anonymous]") + " " + perms
        if path.endswith(".dll"):
            dlls.add(path)
            cur = "dll " + ("code (R2R, r-x)" if "x" in perms else "read-only view" if perms.startswith("r--") else "data (rw)")
        elif "doublemapper" in path:
            cur = "doublemapper (JIT code r-x)" if "x" in perms else "doublemapper (loader heaps rw/r)"
        elif ".so" in path:
            cur = "native libs (.so)"
        elif path == "[heap]":
            cur = "malloc [heap]"
        elif path.startswith("[stack"):
            cur = "stack"
        elif path == "":
            cur = "anonymous (GC heap, stacks, loader heaps with W^X off)"
        elif path.startswith("/dev/shm") or path.startswith("/memfd"):
            cur = "memfd/shm other"
        else:
            cur = "other file (" + path.rsplit("/", 1)[-1] + ")"
        continue
    if line.startswith("Rss:"):
        kinds[cur] += int(line.split()[1]); files[name] += int(line.split()[1])
for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]):
    if v >= 512:
        print(f"    {v/1024:7.1f} MiB  {k}")
print(f"    assemblies mapped: {len(dlls)}")
for k, v in files.most_common(int(os.environ.get("TOP", "0"))):
    print(f"    {v:7d} KiB  {k}")
EOF
}

snapshot() {
  local pid=$1 label=$2
  local rss pss anon threads
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  pss=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)
  anon=$(awk '/^Anonymous:/ {print $2}' /proc/$pid/smaps_rollup)
  threads=$(awk '/^Threads/ {print $2}' /proc/$pid/status)
  printf '  %s: VmRSS %.1f MiB (%.1f MB), PSS %.1f MiB, anonymous %.1f MiB, %s threads, load %s\n' "$label" \
    "$(echo "$rss/1024" | bc -l)" "$(echo "$rss*1024/1000000" | bc -l)" "$(echo "$pss/1024" | bc -l)" "$(echo "$anon/1024" | bc -l)" "$threads" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

seed=$(free_port)
dotnet "$lighthouse_dll" --listen 127.0.0.1:$seed --seed 127.0.0.1:$seed --insecure >"$work/lighthouse.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$seed) 2>/dev/null && break; sleep 0.1; done

for run in $(seq 1 "$runs"); do
  http=$(free_port)
  start=$(date +%s.%N)
  # A .dll runs on the shared framework; anything else (a self-contained publish's ActorNet.Node) runs as it is.
  $([[ $node_dll == *.dll ]] && echo dotnet) "$node_dll" --bureau FR --seed 127.0.0.1:$seed --http 127.0.0.1:$http --data "$work/FR-$run" --insecure --log-format json >"$work/FR-$run.log" 2>&1 &
  pid=$!
  pids+=($pid)
  ready=""
  for _ in $(seq 1 600); do
    if curl -fs -o /dev/null "http://127.0.0.1:$http/health/ready"; then ready=$(echo "$(date +%s.%N) - $start" | bc -l); break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  [ -z "$ready" ] && { echo "run $run: not ready"; tail -20 "$work/FR-$run.log"; exit 1; }
  ticks=$(awk '{print $14+$15}' /proc/$pid/stat)
  printf 'run %s: ready in %.2f s, CPU %.2f s\n' "$run" "$ready" "$(echo "$ticks/$(getconf CLK_TCK)" | bc -l)"
  sleep 10
  snapshot $pid "10 s after ready"
  [ "${BREAKDOWN:-1}" = 1 ] && breakdown $pid
  if [ "${IDLE_LONG:-0}" = 1 ]; then
    sleep 110
    snapshot $pid "2 min after ready"
    [ "${BREAKDOWN:-1}" = 1 ] && breakdown $pid
  fi
  [ -n "${OPENAPI_CHECK:-}" ] && curl -fs "http://127.0.0.1:$http/openapi/v1.json" | head -c 80 && echo
  kill -TERM $pid; wait $pid 2>/dev/null || true
done
