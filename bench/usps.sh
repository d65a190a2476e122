#!/usr/bin/env bash
# Measures USPS extract ingestion: builds a demo database (CASES cases, default 1,000,000), writes
# an extract of LINES scan records (default 1,000,000) for the cases' mailed items (about a fifth
# of them deliveries), then times `cris ingest usps` on it, and again on the same file (which must
# add nothing). SHIFT=n moves the scans n days later (new scans for a database that has the
# earlier ones). DATABASE_URL=sqlite://… or postgres://… uses an existing demo database instead
# (say the 10,000,000-case one that bench/seed.sh or bench/api.sh leaves). Prints the reports and
# the seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-1000000}
lines=${LINES:-1000000}
cargo build --release --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url=${DATABASE_URL:-sqlite://$work/cris.db}
if [ -z "${DATABASE_URL:-}" ]; then
  target/release/cris --log warn --database-url "$url" seed demo --cases "$cases" --as-of 2026-11-01 >/dev/null
fi
bench/items.sh "$url" "SELECT m.tracking_number, c.receipt_number FROM mail_items m JOIN cases c ON c.id = m.case_id" > "$work/items.txt"
python3 - "$work/items.txt" "$lines" "$work/extract.txt" "${SHIFT:-0}" <<'PY'
import sys, random, datetime
items_file, lines, out, shift = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
fields = [(2,4),(8,41),(45,78),(82,90),(94,113),(117,121),(125,128),(132,136),(140,170),(174,175),(179,218),(222,229),(233,236),(240,248),(252,281),(285,286),(290,309),(313,346),(350,350),(354,362),(366,373),(377,380),(384,392)]
def record(vals):
    return '"' + '","'.join(v[:b-a+1].ljust(b-a+1) for (a,b),v in zip(fields, vals)) + '"'
items = [l.rstrip("\n").split("|") for l in open(items_file)]
rng = random.Random(7)
first_day = datetime.date(2026, 10, 1)
steps = [("03","ACCEPTED"),("10","PROCESSED THROUGH FACILITY"),("OF","OUT FOR DELIVERY"),("01","DELIVERED"),("07","ARRIVAL AT UNIT")]
with open(out, "w") as f:
    f.write('"H1","015"\n')
    n = 0
    while n < lines:
        t, r = items[n // 5 % len(items)]
        code, name = steps[n % 5]
        f.write(record(["015", t, "EFN1", "901234567", "USCIS", "20500", "0001", "%05d" % rng.randrange(1000, 99999), "USPS FACILITY", code, name, (first_day + datetime.timedelta(days=shift + n % 5 + (n // 5 // len(items)) % 20)).strftime("%Y%m%d"), "%02d%02d" % (8 + n % 10, n % 60), "901234567", r, "US", "", "", "", "", "", "", ""]) + "\n")
        n += 1
    f.write('"T1","%09d"\n' % lines)
PY
echo "extract: $(wc -l < "$work/extract.txt") lines, $(du -h "$work/extract.txt" | cut -f1)"
for run in first again; do
  echo "--- $run run"
  /usr/bin/time -f "client CPU: %U s user, %S s system; peak memory: %M KiB" target/release/cris --log "${LOG:-warn}" --database-url "$url" ingest usps "$work/extract.txt" | grep -v "^unmatched line\|^malformed line"
done
