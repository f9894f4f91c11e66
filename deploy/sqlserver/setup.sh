#!/usr/bin/env bash
# Makes the metrics database and the service's login on the SQL Server at $SQLSERVER_HOST, as sa
# (docker compose runs this once, before the service starts). The password goes in as a sqlcmd
# variable with its single quotes doubled, so any character may be in it.
set -euo pipefail
: "${MSSQL_SA_PASSWORD:?}" "${METRICS_DB_PASSWORD:?set METRICS_DB_PASSWORD to the password of the service's own login}"
login=${METRICS_DB_LOGIN:-metrics_app}
/opt/mssql-tools18/bin/sqlcmd -S "${SQLSERVER_HOST:-sqlserver}" -U sa -P "$MSSQL_SA_PASSWORD" -C -b \
  -v AppLogin="$login" AppPassword="${METRICS_DB_PASSWORD//\'/\'\'}" \
  -i "$(dirname "$0")/setup.sql"
echo "metrics database ready; the service connects as $login"
