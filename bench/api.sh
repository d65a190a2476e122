#!/usr/bin/env bash
# Measures the developer Case Status API against /healthz on the same server: a demo database of
# CASES cases (default 10,000,000; reuse a SQLite one with DB=path, or any demo database with
# DATABASE_URL=sqlite://… or postgres://…), then wrk at 64 connections on each for
# SECONDS (default 20) over loopback, after a 5-second warm-up of the lookups. The issue's
# target: the lookup serves at least half of /healthz's requests per second, with p99 under 10 ms
# on SQLite. Needs Debian's wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-10000000}
seconds=${SECONDS_EACH:-20}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --locked --quiet
work=$(mktemp -d)
db=${DB:-$work/cris.db}
url=${DATABASE_URL:-sqlite://$db}
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "${DATABASE_URL:-}" ] && [ ! -f "$db" ]; then
  target/release/cris --log warn --database-url "$url" seed demo --cases "$cases" --as-of 2026-11-01
fi
port=18080
# The default pool (8 connections): on 2 cores more connections only add thread switches.
target/release/cris --log warn --database-url "$url" serve --listen 127.0.0.1:$port &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
# The demo data's client, or another (CLIENT_ID, CLIENT_SECRET) for a database seeded otherwise.
token=$(curl -s -d "grant_type=client_credentials&client_id=${CLIENT_ID:-demo-client}&client_secret=${CLIENT_SECRET:-demo-secret}" http://127.0.0.1:$port/oauth/accesstoken \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Receipts to look up: every sandbox receipt and a spread of generated ones, round robin.
{
  bench/items.sh "$url" "SELECT receipt_number FROM cases WHERE restricted = false AND id % 997 = 0 LIMIT 5000"
  bench/items.sh "$url" "SELECT receipt_number FROM cases WHERE receipt_number LIKE '___99991%'"
} | python3 -c 'import sys; print("receipts = {" + ",".join(chr(34) + l.strip() + chr(34) for l in sys.stdin) + "}")' > "$work/receipts.lua"
cat >> "$work/receipts.lua" <<LUA
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/case-status/" .. receipts[(i % #receipts) + 1], {["Authorization"] = "Bearer $token"})
end
LUA
echo "--- /healthz"
wrk -t2 -c64 -d${seconds}s --latency http://127.0.0.1:$port/healthz | grep -E "Requests/sec|Latency|99%|Non-2xx"
# Warm-up: the first pass fills the report cache, as a running server's would be.
wrk -t2 -c64 -d5s -s "$work/receipts.lua" http://127.0.0.1:$port/ >/dev/null
echo "--- GET /case-status/{receipt} (developer API)"
wrk -t2 -c64 -d${seconds}s --latency -s "$work/receipts.lua" http://127.0.0.1:$port/ | grep -E "Requests/sec|Latency|99%|Non-2xx"
