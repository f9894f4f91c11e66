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
  exec dotnet bin/Release/net10.0/Metrics.Server.dll
) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.5; done
server_url="http://127.0.0.1:$grpc_port"
export METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")"
met=../shared/data/met-borough/MPS_Borough_Level_Crime_Historic.csv
dotnet clients/Metrics.Console/bin/Release/net10.0/metrics.dll import table "$met" --force metropolitan-police \
  --area-column Borough --breakdown-column "Major Category" --breakdown-column "Minor Category" --server "$server_url" >/dev/null
load() { dotnet clients/Metrics.LoadTest/bin/Release/net10.0/metrics-load.dll "$@" --server "$server_url" --seconds "$seconds"; }
echo "== load on $(nproc) cores, $(dotnet --version); server and client on the same machine"
load empty --concurrency 64
load series --concurrency 64
load comparison --concurrency 8
load summary --concurrency 8
echo "== server at rest: $(ps -o rss= -p $server | awk '{printf "%.0f MB working set\n", $1/1024}')"
