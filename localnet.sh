#!/usr/bin/env bash
# Starts a local ActorNet network on loopback: a Lighthouse, a General Secretariat node and three bureaus
# (FR, US, DE), each with its own embedded SQLite under ./var/, prints where to reach each node and its
# admin token, and stops them all cleanly on Ctrl-C.
# Every process talks to the others over mutually authenticated TLS: on first run a development network CA
# is made in ./var/pki with the CLI, and a certificate for the Lighthouse and for each bureau.
# GS runs --auto-enrol, so the bureaus can message at once: for development only (a real Secretariat
# approves each bureau with `actornet bureau approve CODE` after checking its fingerprint).
# Ports: Lighthouse 127.0.0.1:4053; HTTP GS 5080, FR 5081, US 5082, DE 5083 (LOCALNET_HTTP_BASE moves them).
set -euo pipefail
cd "$(dirname "$0")"

http_base=${LOCALNET_HTTP_BASE:-5080}
seed=${LOCALNET_SEED:-127.0.0.1:4053}
bureaus=(GS FR US DE)
pids=()

echo "Building (Release)..."
dotnet build ActorNet.sln -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null

# The CA is made once; a certificate is issued for whoever lacks one (delete var/pki to start afresh).
pki=var/pki
actornet() { dotnet src/Cli/bin/Release/net10.0/actornet.dll "$@"; }
if [[ ! -f $pki/ca.crt ]]; then
  echo "Making a development network CA in $pki..."
  actornet pki init --out "$pki" >/dev/null
fi
for name in lighthouse "${bureaus[@]}"; do
  [[ -f $pki/$name.p12 ]] || actornet pki issue --ca-dir "$pki" --bureau "$name" --out "$pki/$name.p12" >/dev/null
done
tls() { echo --tls-cert "$pki/$1.p12" --ca "$pki/ca.crt"; }

stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the network..."
  # Bureau nodes first, so each leaves the cluster gracefully; the Lighthouse last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "Stopped. Data stays in ./var/ (delete it to start afresh); logs in ./var/logs/."
}
trap stop INT TERM EXIT

mkdir -p var/logs
dotnet src/Lighthouse/bin/Release/net10.0/ActorNet.Lighthouse.dll --listen "$seed" --seed "$seed" $(tls lighthouse) >var/logs/lighthouse.log 2>&1 &
pids+=($!)

for i in "${!bureaus[@]}"; do
  b=${bureaus[$i]}
  dotnet src/Node/bin/Release/net10.0/ActorNet.Node.dll --bureau "$b" --seed "$seed" \
    --http "127.0.0.1:$((http_base + i))" --data "var/$b" $(tls "$b") $([[ $b == GS ]] && echo --auto-enrol) >"var/logs/$b.log" 2>&1 &
  pids+=($!)
done

echo "Waiting for every node to be ready..."
for i in "${!bureaus[@]}"; do
  b=${bureaus[$i]} url="http://127.0.0.1:$((http_base + i))"
  for _ in $(seq 1 240); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    if ! kill -0 "${pids[$((i + 1))]}" 2>/dev/null; then
      echo "$b failed to start:"; tail -n 5 "var/logs/$b.log"; exit 1
    fi
    sleep 0.25
  done
  curl -fs "$url/health/ready" >/dev/null || { echo "$b is not ready after 60 s; see var/logs/$b.log"; exit 1; }
done

# Ready is not yet reachable: a bureau can be sent to once its keys are in the sender's copy of the directory.
echo "Waiting for every node to hold every bureau's keys..."
for i in "${!bureaus[@]}"; do
  b=${bureaus[$i]} url="http://127.0.0.1:$((http_base + i))" token=$(cat "var/${bureaus[$i]}/admin.token")
  for _ in $(seq 1 240); do
    listed=$(curl -fs -H "Authorization: Bearer $token" "$url/api/bureaus" 2>/dev/null || true)
    missing=0
    for other in "${bureaus[@]:1}"; do
      grep -q "\"code\":\"$other\"[^}]*\"fingerprint\":\"[0-9a-f]" <<<"$listed" || missing=1
    done
    [ $missing -eq 0 ] && break
    sleep 0.25
  done
  [ $missing -eq 0 ] || { echo "$b does not hold every bureau's keys after 60 s; see var/logs/$b.log"; exit 1; }
done

echo
echo "ActorNet local network is up over TLS (Lighthouse at akka.ssl.tcp://actornet@$seed, CA $pki/ca.crt):"
printf '  %-4s %-24s %s\n' NODE HTTP "ADMIN TOKEN"
for i in "${!bureaus[@]}"; do
  b=${bureaus[$i]}
  printf '  %-4s %-24s %s\n' "$b" "http://127.0.0.1:$((http_base + i))" "$(cat "var/$b/admin.token")"
done
echo
echo "Try: ACTORNET_TOKEN=$(cat var/FR/admin.token) dotnet src/Cli/bin/Release/net10.0/actornet.dll --node http://127.0.0.1:$((http_base + 1)) cluster show"
echo "Press Ctrl-C to stop the network."
wait
