#!/usr/bin/env bash
# Mixed load (issue 18): public pages, the developer API, bookings and check-ins together on one
# server, 64 connections for SECONDS_EACH seconds (default 60). Prints p99 per route and the
# server's memory: peak resident (VmHWM) and, sampled every second, its anonymous part (heap and
# stacks) apart from the mapped database file (the page cache SQLite reads through, RssFile).
# Needs Debian's wrk. Issue 18's target: p99 under 50 ms on every route, memory under 150 MB
# apart from the page cache.
#
# The connections: 16 developer API lookups and 16 public status pages, receipts drawn at random
# over every case (as bench/api.sh MODE=uniform); 8 public-site JSON lookups; 8 other public
# pages (home, offices, processing times); 8 visitors booking appointments (bench/mixed_flows.py:
# day page, hold, statement, details, confirm); 8 front-desk check-ins (walk-in tickets by the
# demo receptionist).
#
# The database: DB=path of a SQLite demo database (made with CASES cases, default 10,000,000,
# when missing) or DATABASE_URL. The receptionist enrols an authenticator on first use, so use a
# database no earlier run signed in to (a copy of a seeded one will do), or STAFF_USER=another.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-10000000}
seconds=${SECONDS_EACH:-60}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
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
. bench/lib.sh
draw "$url" "${RECEIPTS_PER_PATH:-400000}" "$work" api csol page
port=${PORT:-18081}
"$bin" --log warn --database-url "$url" serve --listen 127.0.0.1:$port --trusted-proxies 127.0.0.1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
token=$(curl -s -d "grant_type=client_credentials&client_id=${CLIENT_ID:-demo-client}&client_secret=${CLIENT_SECRET:-demo-secret}" http://127.0.0.1:$port/oauth/accesstoken \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
jwt=$(curl -s http://127.0.0.1:$port/csol-api/ui-auth | python3 -c 'import json,sys; print(json.load(sys.stdin)["JwtResponse"]["accessToken"])')
walker "$work/api.txt" /case-status/ "Authorization: Bearer $token" > "$work/api.lua"
walker "$work/csol.txt" /csol-api/case-statuses/ "Authorization: Bearer $jwt" > "$work/csol.lua"
walker "$work/page.txt" "/case-status?receipt=" "Accept-Language: en" > "$work/page.lua"
cat > "$work/public.lua" <<'LUA'
local paths = {"/", "/appointments", "/processing-times", "/case-status"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {["Accept-Language"] = "en"})
end
LUA
# Bookings over the next 20 weekdays, so that the demo office's days do not fill up.
days=$(python3 -c '
import datetime
d, out = datetime.date.today(), []
while len(out) < 20:
    d += datetime.timedelta(days=1)
    if d.weekday() < 5:
        out.append(d.isoformat())
print(",".join(out))')
echo "load before: $(uptime)"
# The server's anonymous memory (heap, stacks), sampled: the kernel keeps no peak of it.
( peak=0; while kill -0 $server 2>/dev/null; do
    a=$(awk '/^RssAnon:/ {print $2}' /proc/$server/status 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$peak" ] && peak=$a && echo "$peak" > "$work/anon_peak"
    sleep 1
  done ) &
pids=()
run() { # name connections script
  wrk -t1 -c"$2" -d"${seconds}"s --latency -s "$3" http://127.0.0.1:$port/ | summary "$1" > "$work/out.${#pids[@]}" &
  pids+=($!)
}
run "developer API GET /case-status/{receipt}" 16 "$work/api.lua"
run "public page GET /case-status?receipt=" 16 "$work/page.lua"
run "public-site JSON GET /csol-api/…" 8 "$work/csol.lua"
run "other public pages (home, offices, times)" 8 "$work/public.lua"
python3 bench/mixed_flows.py 127.0.0.1 $port "$seconds" 8 8 NYC "$days" "${STAFF_USER:-reception.nyc}" "demo staff password 2026" > "$work/out.flows"
wait "${pids[@]}"
echo "--- mixed load, 64 connections, ${seconds} s"
cat "$work"/out.*
awk -v anon="$(cat "$work/anon_peak" 2>/dev/null || echo 0)" '
  /^VmHWM:/ {hwm = $2} /^VmRSS:/ {rss = $2} /^RssAnon:/ {a = $2} /^RssFile:/ {f = $2}
  END {printf "server memory: peak resident (VmHWM) %.0f MB; now %.0f MB = anonymous %.0f MB + mapped file %.0f MB; anonymous peak (sampled) %.0f MB\n", hwm/1024, rss/1024, a/1024, f/1024, anon/1024}' /proc/$server/status
echo "load after: $(uptime)"
