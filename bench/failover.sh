#!/usr/bin/env bash
# Failover you can watch (docs/scale-out.md): a three-node NATS JetStream cluster, three replicas
# of the server sharing it and one SQLite file, and nginx in front (grpc_pass for gRPC, a plain
# proxy for gRPC-Web and the pages), all on loopback ports. 300 walls subscribe through nginx and
# a force system publishes 100 events a second through it while the script kills one replica
# (SIGKILL), then one NATS node, then starts both again. The load client (metrics-load failover)
# then compares every wall with the settled replicas and looks for every acknowledged event in the
# store, and prints one line:
#   failover: walls 300, reconnected 300, longest gap N.N s, missed changes 0, acked N, stored N,
#   lost 0, duplicated 0, replicas equal: yes
# Before it, the same walls and publisher against one server with the local log (the default
# setup), for the event-to-wall latency beside one replica's.
# Needs nats-server and nginx (Debian: apt-get install nats-server nginx-light).
# Usage: bash bench/failover.sh [walls, default 300] [events a second, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
walls="${1:-300}"
rate="${2:-100}"
data="$(mktemp -d)"
pids=()
stop() { kill -9 "$1" 2>/dev/null && wait "$1" 2>/dev/null || true; } # SIGKILL, reaped quietly
cleanup() {
  for pid in "${pids[@]}"; do stop "$pid"; done
  [ -f "$data/nginx.pid" ] && kill "$(cat "$data/nginx.pid")" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for project in src/Metrics.Server clients/Metrics.LoadTest; do
  dotnet build "$project" -c Release --nologo -v quiet >/dev/null
done
nats_server="$(command -v nats-server || echo /usr/sbin/nats-server)"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"

nats_pids=()
start_nats() { # node number 1..3
  local n=$1
  "$nats_server" -js -sd "$data/nats-$n" -n "n$n" -a 127.0.0.1 -p $((4300 + n)) -m $((8300 + n)) \
    --cluster_name metrics --cluster "nats://127.0.0.1:$((6300 + n))" \
    --routes nats://127.0.0.1:6301,nats://127.0.0.1:6302,nats://127.0.0.1:6303 >"$data/nats-$n.log" 2>&1 &
  nats_pids[$n]=$!
  pids+=($!)
}
wait_nats() {
  for n in 1 2 3; do
    until curl -sf "http://127.0.0.1:$((8300 + n))/healthz" >/dev/null 2>&1 || ! kill -0 "${nats_pids[$n]}" 2>/dev/null; do sleep 0.2; done
  done
}

replica_pids=()
start_server() { # name, gRPC port, web port, settings as NAME=value
  local name=$1 grpc=$2 web=$3
  shift 3
  (
    cd src/Metrics.Server
    exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc" Kestrel__Endpoints__Web__Url="http://127.0.0.1:$web" \
      Storage__ConnectionString="Data Source=$data/metrics.db" Security__SigningKeyFile="$data/signing-key" \
      Security__TokenDirectory="$data/tokens" Limits__MaxSubscriptionsPerCaller=5000 "$@" \
      dotnet bin/Release/net10.0/Metrics.Server.dll
  ) >"$data/$name.log" 2>&1 &
  pids+=($!)
  last_pid=$!
  local waited=0
  until curl -s -o /dev/null "http://127.0.0.1:$web/"; do
    if ! kill -0 "$last_pid" 2>/dev/null || [ $waited -gt 400 ]; then
      echo "$name did not start (or catch up on the log) within 2 minutes:"; tail -n 30 "$data/$name.log"; exit 1
    fi
    sleep 0.3; waited=$((waited + 1))
  done
}
start_replica() { # 1..3
  local r=$1
  start_server "replica-$r" $((5300 + r)) $((5310 + r)) Live__Log=JetStream \
    Live__JetStream__Servers=nats://127.0.0.1:4301,nats://127.0.0.1:4302,nats://127.0.0.1:4303 \
    Live__JetStream__Replica="replica-$r" Live__JetStream__WriterLease=00:00:05
  replica_pids[$r]=$last_pid
}

load() { # the load client's failover scenario
  dotnet clients/Metrics.LoadTest/bin/Release/net10.0/metrics-load.dll failover --subscribers "$walls" --rate "$rate" \
    --database "Data Source=$data/metrics.db" "$@"
}

# One server, the local log: the baseline for the event-to-wall latency.
echo "== one server (Live:Log Local), $walls walls, $rate events/s, no failures"
start_server single 5320 5330
export METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")" METRICS_PUBLISHER_TOKEN="$(cat "$data/tokens/publisher.jwt")"
load --server http://127.0.0.1:5320 --replicas http://127.0.0.1:5320 --replica-metrics http://127.0.0.1:5330/metrics --seconds 20 \
  | grep -E "^(subscribers held|event to wall|failover)" | sed 's/^/  /'
stop "$last_pid"
rm -f "$data"/metrics.db*

echo "== three replicas on a three-node JetStream cluster behind nginx"
for n in 1 2 3; do start_nats $n; done
wait_nats
for r in 1 2 3; do start_replica $r; done
export METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")" METRICS_PUBLISHER_TOKEN="$(cat "$data/tokens/publisher.jwt")"

mkdir -p "$data/nginx"
cat >"$data/nginx.conf" <<EOF
worker_processes 1;
pid $data/nginx.pid;
error_log $data/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $data/nginx/body;
  proxy_temp_path $data/nginx/proxy;
  upstream replicas_grpc { server 127.0.0.1:5301; server 127.0.0.1:5302; server 127.0.0.1:5303; }
  upstream replicas_web { server 127.0.0.1:5311; server 127.0.0.1:5312; server 127.0.0.1:5313; }
  server {
    listen 127.0.0.1:5300 http2;
    location / {
      grpc_pass grpc://replicas_grpc;
      grpc_read_timeout 1h;
      grpc_send_timeout 1h;
    }
  }
  server {
    listen 127.0.0.1:5310;
    location / {
      proxy_pass http://replicas_web;
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
EOF
"$nginx" -p "$data/nginx" -c "$data/nginx.conf" -e "$data/nginx/error.log"

rm -f "$data/ready"
load --server http://127.0.0.1:5300 --seconds 40 --ready-file "$data/ready" \
  --replicas http://127.0.0.1:5301,http://127.0.0.1:5302,http://127.0.0.1:5303 \
  --replica-metrics http://127.0.0.1:5311/metrics,http://127.0.0.1:5312/metrics,http://127.0.0.1:5313/metrics &
client=$!
until [ -f "$data/ready" ] || ! kill -0 $client 2>/dev/null; do sleep 0.2; done
sleep 8
echo "  kill -9 replica 1"; stop "${replica_pids[1]}"
sleep 8
echo "  kill -9 NATS node 1"; stop "${nats_pids[1]}"
sleep 8
echo "  starting both again"
start_nats 1
start_replica 1
status=0
wait $client || status=$?
exit $status
