#!/usr/bin/env bash
# Every path of the performance issue against its ceiling and floor, in one table (about ten
# minutes on 2 cores): the in-process benchmarks (BenchmarkDotNet, short job; ingest through the
# shared log starts a three-node nats-server cluster: apt-get install nats-server), the server under
# load (bench/load.sh), then the table. Figures and how to read them: docs/performance.md.
# Usage: bash bench/run.sh [seconds per load path, default 10]
#        bash bench/run.sh --filter '*Analytics*'   (BenchmarkDotNet alone, with any of its arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
if [[ "${1:-}" == --* ]]; then
  exec dotnet run -c Release --project bench/Metrics.Benchmarks -- --job short --artifacts "$out" "$@"
fi
rm -rf "$out"; mkdir -p "$out"
echo "== in-process benchmarks (BenchmarkDotNet short job; log in $out/benchmarks.log)"
# Fifteen iterations, not the short job's three: one disturbed iteration moved a ratio by half.
dotnet run -c Release --project bench/Metrics.Benchmarks -- --job short --warmupCount 3 --iterationCount 15 --artifacts "$out" --exporters json \
  --filter '*LiveWindowBenchmarks*' '*IngestBenchmarks*' > "$out/benchmarks.log"
for report in "$out"/results/*-report-github.md; do sed -n '/^|/p' "$report"; echo; done
bash bench/load.sh "${1:-10}" "$out/load.jsonl"
echo
echo "== $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, .NET $(dotnet --version), workstation GC (server), $(date -u +%F)"
dotnet clients/Metrics.LoadTest/bin/Release/net10.0/metrics-load.dll table --results "$out/load.jsonl" --benchmarks "$out/results"
