#!/usr/bin/env bash
# Partner queries answered end to end against enrolled persons (issue 20): enrols PERSONS demo
# persons (default 100,000, two synthetic fingers each) into a new database, serves CRIS behind
# the stand-in IDENT, sends QUERIES partner queries (default 40, CLIENTS at a time, default 2)
# through IDENT's documented interface, and prints queries/s, p50/p99, and the matcher's
# one-to-many time (every finger compared against prefiltered) with the database read the search
# used to make for every query. Release build (`cargo bench`). On SQLite by default; on PostgreSQL
# with ENGINE=postgres. Note the machine's load (`uptime`): other work moves every figure.
#   bench/sharing.sh
#   PERSONS=10000 QUERIES=100 ENGINE=postgres bench/sharing.sh
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${ENGINE:-sqlite}
trap '[ -n "${pgdb:-}" ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pgdb" postgres' EXIT
if [ "$engine" = postgres ]; then
  pgdb="cris_bench_sharing_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb" postgres
  export CRIS_BENCH_DB="postgres://postgres@127.0.0.1:5432/$pgdb"
fi
echo "load before: $(uptime)"
PERSONS=${PERSONS:-100000} QUERIES=${QUERIES:-40} CLIENTS=${CLIENTS:-2} \
  cargo bench --locked -p cris --bench sharing
echo "load after: $(uptime)"
