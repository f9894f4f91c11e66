#!/usr/bin/env bash
# How long each console command takes to answer, the README's way: the client installed with the
# README's line (a ReadyToRun executable, no `dotnet run`), against a running server (production
# settings, a fresh seeded SQLite file, the demo feed on). Each command runs once to warm the
# server (a real server has been up for hours), then five times; the table gives the median and
# the slowest. The ceiling is `metrics --help` in the same run: starting the client, no call.
# The issue's floor: every command answers within a second on this machine.
# Usage: bash bench/console.sh [runs per command, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
grpc_port=5190; web_port=5191
data="$(mktemp -d)"
police=../shared/data/police-uk/west-mercia/2022-01-west-mercia-street.csv

# The README's line, word for word but the alias.
dotnet publish clients/Metrics.Console --use-current-runtime -o .tools/metrics --nologo -v quiet >/dev/null
metrics="$PWD/.tools/metrics/metrics"
dotnet build src/Metrics.Server -c Release --nologo -v quiet >/dev/null

(
  cd src/Metrics.Server
  env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc_port" Kestrel__Endpoints__Web__Url="http://127.0.0.1:$web_port" \
    Storage__ConnectionString="Data Source=$data/metrics.db" Security__SigningKeyFile="$data/signing-key" \
    Security__TokenDirectory="$data/tokens" Demo__Enabled=true Demo__WarmHours=3 \
    dotnet bin/Release/net10.0/Metrics.Server.dll
) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data" "$data.report.html"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.5; done
export METRICS_SERVER="http://127.0.0.1:$grpc_port" METRICS_TOKEN="$(cat "$data/tokens/admin.jwt")"
"$metrics" import street-crimes "$police" >/dev/null # a batch for `imports show` to show

commands=(
  "--help"
  "measures"
  "areas"
  "series total_recorded_crime west-mercia --from 2018-04 --to 2019-03"
  "series total_recorded_crime west-mercia --by year"
  "summary west-mercia 2019-03"
  "comparison west-mercia 2019-03"
  "year-end west-mercia 2018/19"
  "report west-mercia 2019-03 --out $data.report.html"
  "imports"
  "imports show 1"
  "import street-crimes $police --dry-run"
  "watch --messages 1"
)
ms() { echo $(( $(date +%s%N) / 1000000 )); }
echo "== each console command, $runs runs after one to warm the server; $(nproc) cores, .NET $(dotnet --version), $(date -u +%F)"
printf '%-92s %9s %9s %9s  %s\n' "command" "median ms" "max ms" "× --help" "within 1 s"
ceiling=""
for command in "${commands[@]}"; do
  # shellcheck disable=SC2086 # each command is words, as typed
  "$metrics" $command >/dev/null 2>&1 </dev/null || { echo "metrics $command failed:"; "$metrics" $command </dev/null | tail -5; exit 1; }
  times=()
  for _ in $(seq "$runs"); do
    start=$(ms); "$metrics" $command >/dev/null 2>&1 </dev/null; times+=($(( $(ms) - start )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( runs / 2 ))]}; max=${sorted[$(( runs - 1 ))]}
  ceiling=${ceiling:-$median}
  verdict=$([ "$max" -lt 1000 ] && echo yes || echo "NO")
  printf '%-92s %9d %9d %9.1f  %s\n' "metrics ${command/$data/\$tmp}" "$median" "$max" "$(awk "BEGIN { print $median / $ceiling }")" "$verdict"
done
