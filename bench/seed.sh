#!/usr/bin/env bash
# Measures bulk loading of the demo data set: `cris seed demo --cases N` into a new database,
# on SQLite by default or on PostgreSQL with ENGINE=postgres. Prints cases, rows and seconds.
#   bench/seed.sh                 # 10,000,000 cases on SQLite (issue 18: <= 120 s; 84.8 s on 2 cores at 715f071)
#   CASES=1000000 ENGINE=postgres bench/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-10000000}
engine=${ENGINE:-sqlite}
cargo build --release --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pgdb:-}" ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pgdb" postgres' EXIT
if [ "$engine" = postgres ]; then
  pgdb="cris_bench_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb" postgres
  url="postgres://postgres@127.0.0.1:5432/$pgdb"
else
  url="sqlite://$work/cris.db"
fi
echo "seeding $cases demo cases on $engine"
/usr/bin/time -f "peak memory: %M KiB" target/release/cris --log warn --database-url "$url" seed demo --cases "$cases" --as-of 2026-11-01
if [ "$engine" = sqlite ]; then
  du -h "$work"/cris.db* | sed 's/^/size: /'
fi
