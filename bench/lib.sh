# Shared by the benchmarks: wrk's summary, a wrk script walking receipts, a draw of receipts.

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
share = f"  share {rps / health:5.2f}" if len(sys.argv) > 2 else ""
print(f"{sys.argv[1]:<44} {rps:>10.0f} req/s{share}  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
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

# Receipts drawn uniformly at random over every case, a fresh draw per name (NAME.txt in WORK).
draw() { # url per-name work name…
  python3 - "$@" <<'PY'
import random, subprocess, sys
url, per, work, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def query(sql):
    if url.startswith("sqlite://"):
        import sqlite3
        return [r[0] for r in sqlite3.connect(url[len("sqlite://"):]).execute(sql)]
    out = subprocess.run(["psql", "-At", url], input=sql, capture_output=True, text=True, check=True).stdout
    return [l for l in out.splitlines() if l]
top = int(query("SELECT MAX(id) FROM cases")[0])
rng = random.SystemRandom()
for name in names:
    ids = rng.sample(range(1, top + 1), min(per, top))
    found = []
    for k in range(0, len(ids), 20000):
        part = ",".join(map(str, ids[k:k + 20000]))
        found += query(f"SELECT receipt_number FROM cases WHERE id IN ({part})")
    rng.shuffle(found)
    open(f"{work}/{name}.txt", "w").write("\n".join(found) + "\n")
print(f"drawn {per} receipts a path over ids 1..{top}")
PY
}
