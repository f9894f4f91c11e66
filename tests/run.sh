#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (npm packages: buf,
# playwright-core; Debian's Chromium for the browser tests), lints the protocol, builds the solution, runs the test projects, and prints one closing
# line "N passed, N failed" from the test results. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/buf ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "== installing chromium (Debian) for the browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "== buf lint"
npx --no-install buf lint

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

# The closing line CI reads, counted from the TRX files of every test project.
python3 - "$results" <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/*.trx")
for path in files:
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed"))
    failed += int(counters.get("failed")) + int(counters.get("error")) + int(counters.get("timeout"))
    skipped += int(counters.get("total")) - int(counters.get("executed"))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not files or passed == 0 else 0)
PY
exit $status
