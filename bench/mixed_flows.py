#!/usr/bin/env python3
"""The writing half of bench/mixed.sh: bookings and check-ins, each on its own keep-alive
connections, for a given number of seconds; prints one line per route (requests, p50, p99, not
answered as expected). Standard library only.

A booking is the public journey: the office's day page, hold a time, the Privacy Act statement,
details, review, confirm (each visitor from its own address, named in X-Forwarded-For, so the
per-address hold limit is not what is measured). A check-in is a walk-in ticket issued at the
front desk by a signed-in receptionist (banner, password, authenticator enrolment on first use).
"""
import base64
import hashlib
import hmac
import http.client
import random
import re
import struct
import sys
import threading
import time
import urllib.parse

HOST, PORT = sys.argv[1], int(sys.argv[2])
SECONDS = float(sys.argv[3])
BOOKERS, DESKS = int(sys.argv[4]), int(sys.argv[5])
OFFICE, DAYS = sys.argv[6], sys.argv[7].split(",")
USER, PASSWORD = sys.argv[8], sys.argv[9]
CSRF = "bench-csrf-token-0123456789abcdef0123"

lock = threading.Lock()
timings = {}  # route -> [seconds]
failures = {}  # route -> count


def record(route, seconds, ok):
    with lock:
        timings.setdefault(route, []).append(seconds)
        if not ok:
            failures[route] = failures.get(route, 0) + 1


class Client:
    def __init__(self, forwarded=None):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.cookies = {"cris_csrf": CSRF}
        self.forwarded = forwarded

    def send(self, route, method, path, form=None, expect=(200,)):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Language": "en"}
        if self.forwarded:
            headers["X-Forwarded-For"] = self.forwarded
        body = None
        if form is not None:
            form = dict(form, csrf=self.cookies["cris_csrf"])
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            res = self.conn.getresponse()
            text = res.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            record(route, time.monotonic() - started, False)
            return 0, {}, ""
        record(route, time.monotonic() - started, res.status in expect)
        for value in res.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        # A cleared cookie is gone; the browser then holds a CSRF token of its own again.
        self.cookies = {k: v for k, v in self.cookies.items() if v}
        self.cookies.setdefault("cris_csrf", CSRF)
        return res.status, res.headers, text


def totp(secret, at):
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def sign_in():
    """A receptionist's session cookie (enrolling the authenticator on first use)."""
    c = Client()
    c.send("sign-in", "POST", "/staff/sign-in", {"acknowledge": "yes"}, (303,))
    status, headers, _ = c.send("sign-in", "POST", "/staff/sign-in/password",
                                {"username": USER, "password": PASSWORD}, (303,))
    step = headers.get("Location", "") if status == 303 else ""
    _, _, page = c.send("sign-in", "GET", step or "/staff/sign-in/code")
    found = re.search(r'data-secret="([A-Z2-7 ]+)"', page)
    if not found:
        sys.exit(f"{USER}: no authenticator key to enrol (already enrolled?); use a fresh database")
    # A step the account has not used yet (codes are single-use per 30 s step).
    c.send("sign-in", "POST", step, {"code": totp(found.group(1), time.time())}, (303,))
    if "cris_staff" not in c.cookies:
        sys.exit(f"{USER}: sign-in failed")
    return c.cookies


def booker(n, stop):
    rng = random.Random(n)
    while time.monotonic() < stop:
        ip = f"10.{100 + n}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        c = Client(forwarded=ip)
        service, day = rng.choice(["documents", "information"]), rng.choice(DAYS)
        _, _, page = c.send("booking: office day page", "GET", f"/appointments/{OFFICE}?service={service}&date={day}")
        times = re.findall(r'name="time" value="(\d\d:\d\d)"', page)
        if not times:
            time.sleep(0.5)
            continue
        status, headers, _ = c.send("booking: hold", "POST", f"/appointments/{OFFICE}/hold",
                                    {"service": service, "date": day, "time": rng.choice(times)}, (303,))
        path = headers.get("Location", "") if status == 303 else ""
        if not path.startswith("/appointments/booking/"):
            continue  # taken by another visitor meanwhile: try again
        c.send("booking: privacy statement", "GET", path)
        details = {
            "first_name": "Bench", "last_name": "Visitor " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)),
            "birth_month": str(rng.randrange(1, 13)), "birth_day": str(rng.randrange(1, 29)),
            "birth_year": str(rng.randrange(1940, 2005)), "zip": "10007", "phone": "(212) 555-0142",
            "email": "", "a_number": "", "receipt_number": "", "country": "Mexico", "purpose": "Bench",
        }
        c.send("booking: details and review", "POST", f"{path}/details", details)
        c.send("booking: confirm", "POST", f"{path}/confirm", details)
        c.conn.close()


def desk(n, stop, cookies):
    rng = random.Random(1000 + n)
    c = Client()
    c.cookies.update(cookies)
    while time.monotonic() < stop:
        form = {"service": rng.choice(["documents", "information"]), "a_number": "",
                "zip": "10007", "party": "1"}
        c.send("check-in: walk-in ticket", "POST", "/staff/lobby/walk-in", form, (303,))


def main():
    cookies = sign_in() if DESKS else {}
    stop = time.monotonic() + SECONDS
    threads = [threading.Thread(target=booker, args=(i, stop)) for i in range(BOOKERS)]
    threads += [threading.Thread(target=desk, args=(i, stop, cookies)) for i in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for route in sorted(timings):
        if route == "sign-in":
            continue
        ms = sorted(x * 1000 for x in timings[route])
        p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
        print(f"{route:<44} {len(ms):>10} req  p50 {p(0.50):7.2f} ms  p99 {p(0.99):7.2f} ms"
              f"  unexpected {failures.get(route, 0)}")


main()
