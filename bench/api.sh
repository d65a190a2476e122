#!/usr/bin/env bash
# Measures the developer Case Status API against /healthz on the same server: a demo database of
# CASES cases (default 10,000,000; reuse one with DB=path), then wrk at 64 connections on each for
# SECONDS (default 20) over loopback. The issue's target: the lookup serves at least half of
# /healthz's requests per second, with p99 under 10 ms on SQLite. Needs Debian's wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-10000000}
seconds=${SECONDS_EACH:-20}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --locked --quiet
work=$(mktemp -d)
db=${DB:-$work/cris.db}
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
if [ ! -f "$db" ]; then
  target/release/cris --log warn --database-url "sqlite://$db" seed demo --cases "$cases" --as-of 2026-11-01
fi
port=18080
target/release/cris --log warn --database-url "sqlite://$db" --db-max-connections 16 serve --listen 127.0.0.1:$port &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
token=$(curl -s -d 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret' http://127.0.0.1:$port/oauth/accesstoken \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Receipts to look up: every sandbox receipt and a spread of generated ones, round robin.
python3 - "$db" > "$work/receipts.lua" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = [r[0] for r in c.execute("SELECT receipt_number FROM cases WHERE restricted = 0 AND id % 997 = 0 LIMIT 5000")]
rows += [r[0] for r in c.execute("SELECT receipt_number FROM cases WHERE receipt_number LIKE '___99991%'")]
print("receipts = {" + ",".join('"%s"' % r for r in rows) + "}")
PY
cat >> "$work/receipts.lua" <<LUA
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/case-status/" .. receipts[(i % #receipts) + 1], {["Authorization"] = "Bearer $token"})
end
LUA
echo "--- /healthz"
wrk -t2 -c64 -d${seconds}s --latency http://127.0.0.1:$port/healthz | grep -E "Requests/sec|Latency|99%|Non-2xx"
echo "--- GET /case-status/{receipt} (developer API)"
wrk -t2 -c64 -d${seconds}s --latency -s "$work/receipts.lua" http://127.0.0.1:$port/ | grep -E "Requests/sec|Latency|99%|Non-2xx"
