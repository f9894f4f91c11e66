#!/usr/bin/env bash
# Runs the whole storage contract suite against a real SQL Server and prints "N passed, N failed".
# Every test must run: a skip (no server configured) fails the run, so a green line means SQL
# Server answered every test. Needs a login that may create and drop databases (each test makes
# its own, metrics_test_<guid>, and drops it).
#   METRICS_TEST_SQLSERVER='Server=host,1433;User Id=sa;TrustServerCertificate=True' \
#   METRICS_TEST_SQLSERVER_PASSWORD='...' bash tests/sqlserver/run-storage-tests.sh
# Where Docker runs: docker compose --profile test run --rm storage-tests
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${METRICS_TEST_SQLSERVER:?set METRICS_TEST_SQLSERVER to a SQL Server connection string (its password in METRICS_TEST_SQLSERVER_PASSWORD)}"
results=artifacts/sqlserver-test-results
rm -rf "$results"
dotnet build tests/Metrics.Storage.Tests -c Release --nologo -v quiet
status=0
dotnet test tests/Metrics.Storage.Tests -c Release --no-build --nologo --logger trx --results-directory "$results" || status=$?
python3 tests/summarise-results.py "$results" --expect 1 --no-skips || status=1
exit $status
