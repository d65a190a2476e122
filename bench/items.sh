#!/usr/bin/env bash
# Prints the rows of a query, fields separated by `|`, from a SQLite or PostgreSQL database URL:
# the load scripts draw their receipt and tracking numbers from the database under test.
set -euo pipefail
url=$1
query=$2
case "$url" in
  sqlite://*) python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' "${url#sqlite://}" "$query" ;;
  postgres://*) psql -At -F '|' "$url" -c "$query" ;;
  *) echo "not a database URL: $url" >&2; exit 2 ;;
esac
