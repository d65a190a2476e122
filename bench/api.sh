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

# wrk's summary as one line: requests/s, p50, p99 (ms), non-2xx; the share of /healthz is added.
summary() {
  python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
health = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else rps
print(f"{sys.argv[1]:<44} {rps:>10.0f} req/s  share {rps / health:5.2f}  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
      + (f"  non-2xx {bad.group(1)}" if bad else "") + (f"  {errors.group(0)}" if errors else ""))
if len(sys.argv) > 3:
    print(f"{rps:.0f}", file=open(sys.argv[3], "w"))
' "$@"
}

# A wrk script walking a list of receipts, each thread its own share of it.
walker() { # file-of-receipts path-prefix header-lines…
  local list=$1 prefix=$2
  shift 2
  python3 - "$list" "$prefix" "$@" <<'PY'
import sys
receipts = [l.strip() for l in open(sys.argv[1]) if l.strip()]
prefix, headers = sys.argv[2], sys.argv[3:]
print("receipts = {" + ",".join('"%s"' % r for r in receipts) + "}")
print("local threads = 0")
print("function setup(thread) thread:set('tid', threads); threads = threads + 1 end")
print("function init(args) i = math.floor(tid * #receipts / 2); n = 0 end")
print("headers = {}")
for h in headers:
    k, v = h.split(": ", 1)
    print('headers["%s"] = "%s"' % (k, v))
# Spread over many client addresses (see the server's --trusted-proxies above).
print("request = function()")
print("  i = i + 1; n = n + 1")
print("  headers['X-Forwarded-For'] = '10.' .. (tid + 1) .. '.' .. (math.floor(n / 200) % 256) .. '.' .. (n % 200 + 1)")
print("  return wrk.format('GET', '%s' .. receipts[(i %% #receipts) + 1], headers)" % prefix)
print("end")
PY
}

health_file=$work/health
echo "--- /healthz"
wrk -t2 -c64 -d"${seconds}"s --latency http://127.0.0.1:$port/healthz | summary "GET /healthz" "" "$health_file"
health=$(cat "$health_file")

if [ "$mode" = uniform ]; then
  # Enough receipts that no thread comes back to one within a run, whatever the rate.
  per_path=${RECEIPTS_PER_PATH:-400000}
  python3 - "$url" "$per_path" "$work" <<'PY'
import random, subprocess, sys
url, per, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def query(sql):
    if url.startswith("sqlite://"):
        import sqlite3
        return [r[0] for r in sqlite3.connect(url[len("sqlite://"):]).execute(sql)]
    out = subprocess.run(["psql", "-At", url], input=sql, capture_output=True, text=True, check=True).stdout
    return [l for l in out.splitlines() if l]
top = int(query("SELECT MAX(id) FROM cases")[0])
rng = random.SystemRandom()
for name in ("api", "csol", "page"):
    ids = rng.sample(range(1, top + 1), min(per, top))
    found = []
    for k in range(0, len(ids), 20000):
        part = ",".join(map(str, ids[k:k + 20000]))
        found += query(f"SELECT receipt_number FROM cases WHERE id IN ({part})")
    rng.shuffle(found)
    open(f"{work}/{name}.txt", "w").write("\n".join(found) + "\n")
print(f"drawn {per} receipts a path over ids 1..{top}")
PY
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
