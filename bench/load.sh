#!/usr/bin/env bash
# The real server under load: starts it (production settings, no demo feed, a fresh SQLite file),
# loads the Met borough history, warms every path, then runs the load client for each path beside
# its ceiling (an empty unary RPC: the gRPC health check), then on a fresh server the fan-out (one
# subscriber, then 2,000), and last a fresh server with the demo feed left at rest for a minute. The client reads
# the server's own figures from its /metrics scrape.
# Usage: bash bench/load.sh [seconds per path, default 10] [results file, JSON lines]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
results="${2:-}"
grpc_port=5180; web_port=5181
data="$(mktemp -d)"
for project in src/Metrics.Server clients/Metrics.Console clients/Metrics.LoadTest; do
  dotnet build "$project" -c Release --nologo -v quiet >/dev/null
done

start_server() { # settings as NAME=value arguments
  (
    cd src/Metrics.Server
    env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc_port" Kestrel__Endpoints__Web__Url="http://127.0.0.1:$web_port" \
      Storage__ConnectionString="Data Source=$data/metrics.db" \
      Security__SigningKeyFile="$data/signing-key" Security__TokenDirectory="$data/tokens" "$@" \
      dotnet bin/Release/net10.0/Metrics.Server.dll
  ) &
  server=$!
  until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.5; done
}
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
server_url="http://127.0.0.1:$grpc_port"
load() {
  dotnet clients/Metrics.LoadTest/bin/Release/net10.0/metrics-load.dll "$@" --server "$server_url" \
    --metrics "http://127.0.0.1:$web_port/metrics" ${results:+--results "$results"}
}

# A wall's viewer token serves every display in a control room: let one subject hold them all.
start_load_server() {
  start_server Limits__MaxSubscriptionsPerCaller=5000
  export METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")"
  export METRICS_PUBLISHER_TOKEN="$(cat "$data/tokens/publisher.jwt")"
}
fresh_data() { kill $server; wait $server 2>/dev/null || true; rm -rf "$data"; mkdir -p "$data"; }
start_load_server
met=../shared/data/met-borough/MPS_Borough_Level_Crime_Historic.csv
dotnet clients/Metrics.Console/bin/Release/net10.0/metrics.dll import table "$met" --force metropolitan-police \
  --area-column Borough --breakdown-column "Major Category" --breakdown-column "Minor Category" --server "$server_url" >/dev/null

# A round of every path first: a fresh server compiles its code paths on the first calls (tiered JIT).
for scenario in empty series comparison summary; do results="" load $scenario --concurrency 8 --warmup 1 --seconds 2 >/dev/null; done
echo "== load on $(nproc) cores, $(dotnet --version); server and client on the same machine"
# GetSeries and its ceiling in alternating rounds: the table reads each round against the
# ceiling just before it and shows the median (the machine's other tenants move whole seconds).
load empty,series --concurrency 64 --rounds 3 --seconds "$(( (seconds + 2) / 3 ))"
load comparison --concurrency 8 --seconds "$seconds"
load summary --concurrency 8 --seconds "$seconds"
echo "== fan-out on a fresh server: one subscriber (the ceiling), then 2,000; an event a second"
# Fresh, because the unary rows leave garbage that the server collected while the 2,000
# subscribed, and its working set before and after them then said nothing of what they hold
# (-21.6 and -29 KB a subscriber). A round of 200 first compiles the paths.
fresh_data
start_load_server
results="" DOTNET_gcServer=1 load fanout --subscribers 200 --seconds 3 >/dev/null
# The client with the server GC for 2,000 streams: each takes a receive buffer per message, and
# with the workstation GC's small first generation the client spent over half its CPU
# allocating and collecting them, on the cores it shares with the server it measures. (For the
# unary paths the workstation GC is the better client: p99 7.7-9.2 ms against 9.7-12.4 ms.)
# Those buffers are 16 KB arrays from the shared pool, which keeps 32 a core: the 2,000 streams
# of one process (2,000 machines in a control room) allocated 30 MB an event past it.
export DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=2048
DOTNET_gcServer=1 load fanout --subscribers 1 --warmup 5 --seconds "$seconds"
DOTNET_gcServer=1 load fanout --subscribers 2000 --warmup 5 --seconds "$seconds"
unset DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION

echo "== a fresh server with the demo feed, at rest for a minute"
fresh_data
start_server Demo__Enabled=true Demo__Server="$server_url"
load rest --seconds 60
