#!/usr/bin/env bash
# Purges 1,000,000 expired appointments (N, default 1000000) from a SQLite demo database of CASES
# cases (default 20,000) while a load loop books appointments (the whole public flow: office page,
# hold, details, confirm) and looks up cases (the legacy case-status form) against the release
# server; prints how long the purge took and the p50/p99 of bookings and look-ups before and
# during it. The server starts before the expired rows are written, so its own daily run (at
# start) finds nothing and `cris retention run` does the measured purge.
# Set LOAD_SECONDS (default 15) for the baseline; WORKERS (default 4) load threads; CRIS_BIN to use
# a binary already built instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000000}
cases=${CASES:-20000}
# CRIS_BIN: a binary already built (e.g. a trial run of the script with target/debug/cris).
bin=${CRIS_BIN:-target/release/cris}
[ -n "${CRIS_BIN:-}" ] || cargo build --release --locked --quiet -p cris
work=$(mktemp -d)
db=$work/cris.db
url=sqlite://$db
port=18090
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" --log warn --database-url "$url" seed demo --cases "$cases" >/dev/null
"$bin" --log warn --database-url "$url" serve --listen 127.0.0.1:$port --trusted-proxies 127.0.0.1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
sleep 2 # the daily jobs' first round (nothing expired yet)

echo "--- writing $n expired appointments"
python3 - "$db" "$n" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db, timeout=60)
t = time.time()
offices = [r[0] for r in c.execute("SELECT office_code FROM office_calendars ORDER BY office_code")]
c.execute("CREATE TEMP TABLE o (i INTEGER PRIMARY KEY, code TEXT)")
c.executemany("INSERT INTO o VALUES (?, ?)", list(enumerate(offices)))
step = 100000
for lo in range(0, n, step):
    c.execute(f"""
      WITH RECURSIVE k(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM k WHERE i + 1 < {min(lo + step, n)})
      INSERT INTO appointments (confirmation, pin_hash, office_code, service, starts_at, starts_utc, first_name, last_name,
        birth_date, zip, phone, email, a_number, lang, created_at)
      SELECT printf('9%011d', i), 'x', (SELECT code FROM o WHERE o.i = k.i % {len(offices)}), 'information',
        strftime('%Y-%m-%dT%H:%M', '2026-01-01 08:00', '+' || (i % 240) || ' days', '+' || ((i / 240) % 28 * 15) || ' minutes'),
        strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01 13:00', '+' || (i % 240) || ' days'),
        'First' || i, 'Last' || i, '1980-01-01', '10001', '+12125550100', 'p' || i || '@example.com', 'A0' || (10000000 + i),
        'en', '2025-12-01T00:00:00Z'
      FROM k""")
    c.commit()
print(f"wrote {n} in {time.time() - t:.1f} s")
PY

cat > "$work/load.py" <<'PY'
import json, os, random, re, sqlite3, sys, threading, time, urllib.parse, urllib.request, http.client
db, port, seconds, workers, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
con = sqlite3.connect(db)
receipts = [r[0] for r in con.execute("SELECT receipt_number FROM cases WHERE id % 7 = 0 LIMIT 3000")]
offices = [r[0] for r in con.execute("SELECT DISTINCT office_code FROM office_services")]
con.close()
CSRF = "bench-csrf-token-0123456789abcdef0123456"
samples = {"booking": [], "lookup": []}
errors = {"booking": 0, "lookup": 0}
reasons = {}
lock = threading.Lock()
stop = time.time() + seconds

def req(conn, method, path, body=None, ip="10.0.0.1"):
    h = {"Cookie": "cris_csrf=" + CSRF, "X-Forwarded-For": ip}
    if body is not None:
        body = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    return r.status, r.getheader("Location") or "", r.read().decode("utf-8", "replace")

def book(conn, rnd):
    ip = "10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(1, 255))
    office = rnd.choice(offices)
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400 * rnd.randrange(2, 28)))
    st, _, page = req(conn, "GET", f"/appointments/{office}?service=information&date={day}", ip=ip)
    times = re.findall(r'name="time" value="(\d\d:\d\d)"', page)
    if st != 200 or not times:
        return None
    t0 = time.perf_counter()
    st, loc, _ = req(conn, "POST", f"/appointments/{office}/hold", {"service": "information", "date": day, "time": rnd.choice(times), "csrf": CSRF}, ip)
    if st != 303:
        return "hold %d" % st
    token = loc.rsplit("/", 1)[-1]
    form = {"first_name": "Bench" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10)), "last_name": "Load", "birth_month": "5", "birth_day": str(rnd.randrange(1, 28)),
            "birth_year": str(rnd.randrange(1940, 2000)), "zip": "10001", "phone": "212-555-0100", "csrf": CSRF}
    st, _, _ = req(conn, "POST", f"/appointments/booking/{token}/details", form, ip)
    if st != 200:
        return "details %d" % st
    st, _, _ = req(conn, "POST", f"/appointments/booking/{token}/confirm", form, ip)
    return (time.perf_counter() - t0) if st == 200 else "confirm %d" % st

def lookup(conn, rnd):
    t0 = time.perf_counter()
    st, _, _ = req(conn, "GET", "/casestatus/mycasestatus.do?appReceiptNum=" + rnd.choice(receipts), ip="10.200.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255)))
    return (time.perf_counter() - t0) if st == 200 else "lookup %d" % st

def worker(kind, seed):
    # Seeded by run and thread: a second run must not book the same people again (one active
    # appointment a person).
    rnd = random.Random("%s:%d" % (out, seed))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < stop and not os.path.exists(out + ".stop"):
        try:
            r = (book if kind == "booking" else lookup)(conn, rnd)
        except Exception as e:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            r = type(e).__name__
        with lock:
            if isinstance(r, str):
                errors[kind] += 1
                reasons[r] = reasons.get(r, 0) + 1
            elif r is not None: samples[kind].append(r)

threads = [threading.Thread(target=worker, args=("booking" if i % 2 == 0 else "lookup", i)) for i in range(workers)]
[t.start() for t in threads]; [t.join() for t in threads]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(len(v) * p))] * 1000 if v else float("nan")
res = {k: {"n": len(v), "errors": errors[k], "p50_ms": round(pct(v, .5), 1), "p99_ms": round(pct(v, .99), 1), "max_ms": round(max(v) * 1000, 1) if v else None} for k, v in samples.items()}
res["error_reasons"] = reasons
json.dump(res, open(out, "w")); print(json.dumps(res))
PY

workers=${WORKERS:-4}
echo "--- baseline load (no purge), ${LOAD_SECONDS:-15} s, $workers threads"
python3 "$work/load.py" "$db" $port "${LOAD_SECONDS:-15}" "$workers" "$work/base.json"
echo "--- plan"
"$bin" --log warn --database-url "$url" retention plan | head -3
echo "--- purge under load"
python3 "$work/load.py" "$db" $port 100000 "$workers" "$work/during.json" &
load=$!
start=$(date +%s.%N)
"$bin" --log warn --database-url "$url" retention run | grep -E "^appointments|removed"
end=$(date +%s.%N)
touch "$work/during.json.stop" # the load runs for the purge's duration only
wait $load
python3 -c "print('purge wall time: %.1f s' % ($end - $start))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
