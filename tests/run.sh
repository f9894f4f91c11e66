#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (npm packages: buf,
# playwright-core; Debian's Chromium for the browser tests, poppler-utils to read what it prints,
# nats-server for the replica tests and nginx for the failover bench), lints the protocol and checks it breaks no caller, builds the solution, runs the test projects, and prints one closing
# line "N passed, N failed" from the test results. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/buf ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
command -v pdftotext >/dev/null || missing="$missing poppler-utils"
# The replica tests run a real JetStream cluster; the failover bench puts nginx in front of it.
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null || missing="$missing nats-server"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$missing nginx-light"
if [ -n "$missing" ]; then
  echo "== installing$missing (Debian) for the browser, print and replica tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
echo "== buf lint"
npx --no-install buf lint

echo "== buf breaking"
bash tests/protocol/breaking.sh

echo "== build"
dotnet build Metrics.sln -c Release -warnaserror --nologo -v quiet

echo "== format"
dotnet format Metrics.sln --verify-no-changes --no-restore

echo "== test"
results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test Metrics.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" || status=$?

# The closing line CI reads, counted from the TRX files: one from every test project in tests/
# (a project dropped from the solution, or whose test host crashed before reporting, fails the
# run); only the SQL Server suite may skip (without METRICS_TEST_SQLSERVER, saying so).
projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | wc -l)
python3 tests/summarise-results.py "$results" --expect "$projects" --allow-skips '^Metrics\.Storage\.Tests\.SqlServer' || status=1
exit $status
