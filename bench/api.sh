#!/usr/bin/env bash
# Measures case status lookups against /healthz on the same server, over loopback, with wrk at
# 64 connections for SECONDS_EACH seconds a path (default 20). Needs Debian's wrk.
#
# The database: a demo database of CASES cases (default 10,000,000) made for the run; or reuse a
# SQLite one with DB=path, or any demo database with DATABASE_URL=sqlite://… or postgres://….
#
# Two modes (MODE=cached, the default, or MODE=uniform):
# - cached: the developer API over about 5,000 receipts round robin after a 5-second warm-up:
#   what the five-second report cache gives pollers that ask for the same cases again and again.
# - uniform: receipts drawn uniformly at random over every case, a fresh draw for each path, no
#   warm-up; each wrk thread walks its own share of the draw, so no receipt is asked twice within
#   a cache lifetime and the cache cannot help. Prints, for the developer API, the public site's
#   JSON and the public page: requests/s, the share of /healthz's requests/s, p50 and p99.
#   (Restricted cases are drawn too: they answer "not recognised", counted as non-2xx.)
#
# Issue 18's targets on 10 M cases in uniform mode: SQLite at least 0.5 of /healthz with p99
# under 10 ms; PostgreSQL at least 0.3 with p99 under 20 ms. Note the machine's load (`uptime`):
# other work on the same cores moves every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-10000000}
seconds=${SECONDS_EACH:-20}
mode=${MODE:-cached}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
# CRIS_BIN: another build of the server (a "before" binary), used as it is.
bin=${CRIS_BIN:-target/release/cris}
[ -n "${CRIS_BIN:-}" ] || cargo build --release --locked --quiet
work=$(mktemp -d)
db=${DB:-$work/cris.db}
url=${DATABASE_URL:-sqlite://$db}
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
if [ -z "${DATABASE_URL:-}" ] && [ ! -f "$db" ]; then
  "$bin" --log warn --database-url "$url" seed demo --cases "$cases" --as-of 2026-11-01
fi
port=${PORT:-18080}
# The default pool (8 connections): on 2 cores more connections only add thread switches.
# Loopback is a trusted proxy so that the public site's per-address rate can be spread over the
# addresses the script names in X-Forwarded-For (a real site's visitors are many addresses).
"$bin" --log warn --database-url "$url" serve --listen 127.0.0.1:$port --trusted-proxies 127.0.0.1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
# The demo data's client, or another (CLIENT_ID, CLIENT_SECRET) for a database seeded otherwise.
token=$(curl -s -d "grant_type=client_credentials&client_id=${CLIENT_ID:-demo-client}&client_secret=${CLIENT_SECRET:-demo-secret}" http://127.0.0.1:$port/oauth/accesstoken \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
jwt=$(curl -s http://127.0.0.1:$port/csol-api/ui-auth | python3 -c 'import json,sys; print(json.load(sys.stdin)["JwtResponse"]["accessToken"])')
echo "load before: $(uptime)"

. bench/lib.sh

health_file=$work/health
echo "--- /healthz"
wrk -t2 -c64 -d"${seconds}"s --latency http://127.0.0.1:$port/healthz | summary "GET /healthz" "" "$health_file"
health=$(cat "$health_file")

if [ "$mode" = uniform ]; then
  # Enough receipts that no thread comes back to one within a run, whatever the rate.
  per_path=${RECEIPTS_PER_PATH:-400000}
  draw "$url" "$per_path" "$work" api csol page
  walker "$work/api.txt" /case-status/ "Authorization: Bearer $token" > "$work/api.lua"
  walker "$work/csol.txt" /csol-api/case-statuses/ "Authorization: Bearer $jwt" > "$work/csol.lua"
  walker "$work/page.txt" "/case-status?receipt=" "Accept-Language: en" > "$work/page.lua"
  echo "--- uniform over every case, no warm-up (${seconds} s each, 64 connections)"
  wrk -t2 -c64 -d"${seconds}"s --latency -s "$work/api.lua" http://127.0.0.1:$port/ | summary "developer API GET /case-status/{receipt}" "$health"
  wrk -t2 -c64 -d"${seconds}"s --latency -s "$work/csol.lua" http://127.0.0.1:$port/ | summary "public-site JSON GET /csol-api/case-statuses/…" "$health"
  wrk -t2 -c64 -d"${seconds}"s --latency -s "$work/page.lua" http://127.0.0.1:$port/ | summary "public page GET /case-status?receipt=" "$health"
else
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
  # Warm-up: the first pass fills the report cache, as a running server's would be.
  wrk -t2 -c64 -d5s -s "$work/receipts.lua" http://127.0.0.1:$port/ >/dev/null
  echo "--- cached: 5,000 receipts round robin after a warm-up"
  wrk -t2 -c64 -d"${seconds}"s --latency -s "$work/receipts.lua" http://127.0.0.1:$port/ | summary "developer API GET /case-status/{receipt}" "$health"
fi
echo "server resident memory: $(ps -o rss= -p $server | awk '{printf "%.0f MB", $1/1024}')"
echo "load after: $(uptime)"
