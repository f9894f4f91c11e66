#!/usr/bin/env bash
# Load on the real server: starts it (production settings, no demo feed, a fresh SQLite file),
# loads the Met borough history, then runs the load client for each path beside its ceiling
# (an empty unary RPC: the gRPC health check) and prints one line per path.
# Usage: bash bench/load.sh [seconds per path, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
grpc_port=5180; web_port=5181
data="$(mktemp -d)"
dotnet build -c Release --nologo -v quiet src/Metrics.Server clients/Metrics.Console/Metrics.Console.csproj clients/Metrics.LoadTest/Metrics.LoadTest.csproj >/dev/null 2>&1 \
  || dotnet build Metrics.sln -c Release --nologo -v quiet >/dev/null
(
  cd src/Metrics.Server
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc_port" Kestrel__Endpoints__Web__Url="http://127.0.0.1:$web_port" \
  Storage__ConnectionString="Data Source=$data/metrics.db" \
  Security__SigningKeyFile="$data/signing-key" Security__TokenDirectory="$data/tokens" \
  Limits__MaxSubscriptionsPerCaller=5000 \
  exec dotnet bin/Release/net10.0/Metrics.Server.dll
) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.5; done
server_url="http://127.0.0.1:$grpc_port"
export METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")"
export METRICS_PUBLISHER_TOKEN="$(cat "$data/tokens/publisher.jwt")"
export METRICS_SERVER_PID=$server
met=../shared/data/met-borough/MPS_Borough_Level_Crime_Historic.csv
dotnet clients/Metrics.Console/bin/Release/net10.0/metrics.dll import table "$met" --force metropolitan-police \
  --area-column Borough --breakdown-column "Major Category" --breakdown-column "Minor Category" --server "$server_url" >/dev/null
load() { dotnet clients/Metrics.LoadTest/bin/Release/net10.0/metrics-load.dll "$@" --server "$server_url" --seconds "$seconds"; }
# A round of every path first: a fresh server compiles its code paths on the first calls (tiered JIT).
for scenario in empty series comparison summary; do load $scenario --concurrency 8 --warmup 1 --seconds 2 >/dev/null; done
echo "== load on $(nproc) cores, $(dotnet --version); server and client on the same machine"
load empty --concurrency 64
load series --concurrency 64
load comparison --concurrency 8
load summary --concurrency 8
echo "== fan-out: one subscriber (the ceiling), then 2,000; an event a second"
load fanout --subscribers 1
load fanout --subscribers 2000
echo "== server after the load: $(ps -o rss= -p $server | awk '{printf "%.0f MB working set\n", $1/1024}')"

# At rest with the demo feed: a fresh server publishing the demo scenario, measured after a minute.
kill $server; wait $server 2>/dev/null || true
rm -rf "$data"; mkdir -p "$data"
(
  cd src/Metrics.Server
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Demo__Enabled=true Demo__Server="http://127.0.0.1:$grpc_port" \
  Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc_port" Kestrel__Endpoints__Web__Url="http://127.0.0.1:$web_port" \
  Storage__ConnectionString="Data Source=$data/metrics.db" Security__SigningKeyFile="$data/signing-key" \
  exec dotnet bin/Release/net10.0/Metrics.Server.dll
) &
server=$!
until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.5; done
sleep 60
echo "== server at rest with the demo feed, after a minute: $(ps -o rss= -p $server | awk '{printf "%.0f MB working set\n", $1/1024}')"
