#!/usr/bin/env bash
# Runs the in-process benchmarks and prints their tables (BenchmarkDotNet, short job: a few
# minutes on 2 cores). Figures and how to read them: docs/performance.md.
# Usage: bash bench/run.sh [BenchmarkDotNet arguments, e.g. --filter '*Live*']
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
dotnet run -c Release --project bench/Metrics.Benchmarks -- --job short --artifacts artifacts/bench "${args[@]}"
echo
echo "== machine"
echo "cores: $(nproc), $(dotnet --version), GC: $(DOTNET_gcServer=${DOTNET_gcServer:-0} bash -c 'echo ${DOTNET_gcServer} | sed s/0/workstation/ | sed s/1/server/')"
for report in artifacts/bench/results/*-report-github.md; do
  echo; echo "== $(basename "$report")"; sed -n '/^|/p' "$report"
done
