#!/usr/bin/env bash
# Counts the instructions a request costs, with callgrind (issue 18): wall-clock figures move
# with whatever else runs on the machine, instruction counts do not. The server runs under
# valgrind; a client sends REQUESTS requests a path (default 2,000), one after another on one
# kept-alive connection; the counters are zeroed before each path and dumped after it, so start-up
# and the other paths are left out. Prints instructions per request for `/healthz`, the developer
# API (a report-cache miss each time), the public site's JSON and the public page, and leaves the
# profiles in OUT (default target/callgrind) for `callgrind_annotate --inclusive=yes`.
#
#   DB=/path/cris.db bench/callgrind.sh              # a seeded SQLite demo database (needed)
#   RECEIPTS=receipts.txt CRIS_BIN=old/cris DB=… bench/callgrind.sh   # the same receipts again
#
# RECEIPTS: a file of receipts (made on the first run: 4 × REQUESTS drawn at random over every
# case, one set a path, so that no lookup is answered by the report cache). Give the same file to
# a "before" and an "after" binary. Needs valgrind. Build with `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DB:?DB=path of a SQLite demo database (cris seed demo --cases 1000000)}"
n=${REQUESTS:-2000}
bin=${CRIS_BIN:-target/release/cris}
out=${OUT:-target/callgrind}
receipts=${RECEIPTS:-$out/receipts.txt}
port=${PORT:-18090}
mkdir -p "$out"
url="sqlite://$DB"
if [ ! -f "$receipts" ]; then
  python3 - "$DB" "$((4 * n))" "$receipts" <<'PY'
import random, sqlite3, sys
db, want, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
con = sqlite3.connect(db)
top = con.execute("SELECT MAX(id) FROM cases").fetchone()[0]
rng = random.Random(18)
found = []
while len(found) < want:
    ids = rng.sample(range(1, top + 1), want - len(found))
    for k in range(0, len(ids), 20000):
        part = ",".join(map(str, ids[k:k + 20000]))
        # Restricted cases answer "not recognised": drawn only among the disclosed ones.
        found += [r[0] for r in con.execute(f"SELECT receipt_number FROM cases WHERE restricted = 0 AND id IN ({part})")]
open(path, "w").write("\n".join(found[:want]) + "\n")
PY
fi
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.%p" \
  "$bin" --log warn --database-url "$url" serve --listen 127.0.0.1:$port --trusted-proxies 127.0.0.1 \
  > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
rm -f "$out"/cg.$server.*
python3 - "$port" "$n" "$receipts" "$server" "$out" <<'PY'
import http.client, json, subprocess, sys, urllib.parse
port, n, receipts, pid, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rs = [l.strip() for l in open(receipts) if l.strip()]
# Start-up work left to the background (the ZIP code table, offices) ends first, outside the count.
import os, time
time.sleep(float(os.environ.get("SETTLE", "20")))
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path, headers=None, body=None, method="GET"):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read()
_, b = get("/oauth/accesstoken", {"Content-Type": "application/x-www-form-urlencoded"},
           "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret", "POST")
token = json.loads(b)["access_token"]
_, b = get("/csol-api/ui-auth")
jwt = json.loads(b)["JwtResponse"]["accessToken"]
paths = {
    "healthz": lambda i, r: ("/healthz", {}),
    "api": lambda i, r: ("/case-status/" + r, {"Authorization": "Bearer " + token}),
    "csol": lambda i, r: ("/csol-api/case-statuses/" + r, {"Authorization": "Bearer " + jwt}),
    "page": lambda i, r: ("/case-status?receipt=" + r, {"Accept-Language": "en"}),
}
def ctl(*args):
    subprocess.run(["callgrind_control", *args, pid], check=True, capture_output=True)
# The paths in this order, each with its own share of the receipts (/healthz's share unused);
# /healthz last, so that no start-up work left running in the background is counted as its own.
for name, k in (("api", 1), ("csol", 2), ("page", 3), ("healthz", 0)):
    make = paths[name]
    mine = rs[k * n:(k + 1) * n]
    # A few requests first, outside the count: the first of a kind fills lazy statics.
    for i in range(5):
        get(*make(i, rs[-1 - i - 5 * k]))
    ctl("--instr=on")
    ctl("--zero")
    statuses = {}
    for i, r in enumerate(mine):
        path, headers = make(i, r)
        # Spread over client addresses, as bench/api.sh does (the public JSON's per-address rate).
        headers["X-Forwarded-For"] = "10.%d.%d.%d" % (k, (i // 200) % 256, i % 200 + 1)
        s, _ = get(path, headers)
        statuses[s] = statuses.get(s, 0) + 1
    ctl("--dump=" + name)
    ctl("--instr=off")
    print(name, json.dumps(statuses), flush=True)
# What the server does on its own (background workers, timers) in 10 s, to judge the noise.
ctl("--instr=on")
ctl("--zero")
time.sleep(10)
ctl("--dump=idle-10s")
PY
kill $server
wait $server 2>/dev/null || true
trap - EXIT
for f in "$out"/cg.$server.*; do
  name=$(sed -n 's/^desc: Trigger: dump //p' "$f")
  total=$(sed -n 's/^summary: //p;s/^totals: //p' "$f" | head -1)
  case "$name" in
    idle-*) printf '%-8s %10.1f k instructions in 10 s with no request  (%s)\n' "$name" "$(echo "$total / 1000" | bc -l)" "$f" ;;
    ?*) printf '%-8s %10.1f k instructions a request  (%s)\n' "$name" "$(echo "$total / $n / 1000" | bc -l)" "$f" ;;
  esac
done
