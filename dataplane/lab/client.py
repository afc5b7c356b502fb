#!/usr/bin/env python3
"""Client of the network tests (DirectorNetworkIT). Every socket operation has a timeout
(--timeout, 2 s) and the whole run a deadline (--deadline); the result is one JSON line.

spread: --count new TCP connections, one after the other; each sends one line, reads the
        answer (a real server's name), closes.      -> {"rs1": n1, "rs2": n2, "errors": e}
udp:    --count datagrams, each from a fresh socket on its own source port (--sport, --sport+1,
        ...) so that no two share a flow.            -> {"rs1": n1, "rs2": n2, "errors": e}
hold:   --count connections opened at once; one line on each (answers printed as
        {"ready": [...]}), then waits until the file --until exists (bounded by the deadline),
        sends a second line on each.                 -> {"first": [...], "second": [...]}
big:    --count downloads of --size bytes, each on a new connection ("big N").
                                                     -> {"rs1": n1, "rs2": n2, "errors": e, "bytes": b}
upload: --count uploads of --size bytes, each on a new connection ("put N" and the bytes).
                                                     -> {"rs1": n1, "rs2": n2, "errors": e, "bytes": b}
udpbig: --count datagrams of --size bytes ("big" padded), each answered by one of that size.
                                                     -> {"rs1": n1, "rs2": n2, "errors": e, "bytes": b}
keep:   --count long-lived connections, each asking every --interval seconds and checking the
        answer, while a new connection opens every 1/--rate seconds, until the file --until
        exists (bounded by the deadline). A long-lived connection whose request fails (error,
        wrong or no answer within --timeout) is closed and counted; after {"ready": n} the
        result is  -> {"connections": n, "survived": s, "requests": r, "failedRequests": f,
                      "failedAt": [[time, why], ...], "new": [[start, end, ok], ...]}
                                                     (unix times; the failover tests)
watch:  every --interval seconds, one new connection and one line to each --target HOST:PORT,
        until the file --until exists (bounded by the deadline); a JSON line per request:
        {"t": unix time, "target": "HOST:PORT", "ok": true|false}  (lab.sh scenario chaos)
"""
import argparse
import json
import os
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["spread", "udp", "hold", "big", "upload", "udpbig", "keep", "watch"])
parser.add_argument("--host", help="address to connect to (the VIP)")
parser.add_argument("--port", type=int)
parser.add_argument("--target", action="append", default=[], help="watch: HOST:PORT (repeatable)")
parser.add_argument("--interval", type=float, default=0.05, help="watch: seconds between rounds")
parser.add_argument("--count", type=int, default=10)
parser.add_argument("--rate", type=float, default=10.0, help="keep: new connections per second (0: none)")
parser.add_argument("--timeout", type=float, default=2.0, help="seconds per connection or datagram")
parser.add_argument("--deadline", type=float, default=30.0, help="seconds for the whole run")
parser.add_argument("--sport", type=int, default=40000, help="udp: first source port")
parser.add_argument("--until", help="hold: the file whose existence starts the second round")
parser.add_argument("--size", type=int, default=100000,
                    help="big, upload, udpbig: bytes per download, upload or datagram")
args = parser.parse_args()
end = time.monotonic() + args.deadline


def remaining():
    return max(0.05, min(args.timeout, end - time.monotonic()))


def ask(conn):
    """Sends one line, returns the answer line ("" when the peer closed)."""
    conn.settimeout(remaining())
    conn.sendall(b"hello\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


def tally():
    return {"rs1": 0, "rs2": 0, "errors": 0}


def spread():
    seen = tally()
    for _ in range(args.count):
        if time.monotonic() >= end:
            seen["errors"] += 1
            continue
        try:
            with socket.create_connection((args.host, args.port), timeout=remaining()) as conn:
                name = ask(conn)
            seen[name or "errors"] = seen.get(name or "errors", 0) + 1
        except OSError:
            seen["errors"] += 1
    return seen


def udp():
    seen = tally()
    for i in range(args.count):
        if time.monotonic() >= end:
            seen["errors"] += 1
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(remaining())
            try:
                sock.bind(("0.0.0.0", args.sport + i))
                sock.sendto(b"hello\n", (args.host, args.port))
                name = sock.recvfrom(64)[0].decode(errors="replace").strip()
                seen[name or "errors"] = seen.get(name or "errors", 0) + 1
            except OSError:
                seen["errors"] += 1
    return seen


def hold():
    conns, first = [], []
    for _ in range(args.count):
        conn = None
        try:
            conn = socket.create_connection((args.host, args.port), timeout=remaining())
            first.append(ask(conn))
        except OSError as e:
            first.append("error: %s" % e)
        conns.append(conn)
    print(json.dumps({"ready": first}), flush=True)
    while args.until and not os.path.exists(args.until) and time.monotonic() < end:
        time.sleep(0.05)
    second = []
    for conn in conns:
        if conn is None:
            second.append("error: not connected")
            continue
        try:
            second.append(ask(conn))
        except OSError as e:
            second.append("error: %s" % e)
        conn.close()
    return {"first": first, "second": second}


def transfers(exchange):
    """--count connections, each running exchange(conn) -> the answering real server's name ("" when
    it failed): the tally of names with the bytes moved."""
    seen = tally()
    seen["bytes"] = 0
    for _ in range(args.count):
        try:
            with socket.create_connection((args.host, args.port), timeout=remaining()) as conn:
                conn.settimeout(remaining())
                name = exchange(conn)
            if name:
                seen[name] = seen.get(name, 0) + 1
                seen["bytes"] += args.size
            else:
                seen["errors"] += 1
        except OSError:
            seen["errors"] += 1
    return seen


def big():
    def download(conn):
        conn.sendall(b"big %d\n" % args.size)
        data = b""
        while not (len(data) > args.size and data.endswith(b"\n")):
            conn.settimeout(remaining())
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        return data[args.size:].decode(errors="replace").strip() if len(data) > args.size else ""
    return transfers(download)


def upload():
    payload = b"x" * args.size

    def send(conn):
        conn.sendall(b"put %d\n" % args.size + payload)
        data = b""
        while not data.endswith(b"\n"):
            conn.settimeout(remaining())
            chunk = conn.recv(256)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace").strip()
    return transfers(send)


def udpbig():
    seen = tally()
    seen["bytes"] = 0
    for i in range(args.count):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(remaining())
            try:
                sock.bind(("0.0.0.0", args.sport + i))
                sock.sendto(b"big" + b"x" * (args.size - 3), (args.host, args.port))
                data = sock.recvfrom(65535)[0]
                name = data.split(b"\n")[0].decode(errors="replace")
                if len(data) == args.size:
                    seen[name] = seen.get(name, 0) + 1
                    seen["bytes"] += len(data)
                else:
                    seen["errors"] += 1
            except OSError:
                seen["errors"] += 1
    return seen


def keep():
    # one thread, non-blocking sockets: hundreds of connections asking 20 times a second each
    import selectors
    sel = selectors.DefaultSelector()
    counts = {"requests": 0, "failedRequests": 0}
    new = []
    held = []

    def answered(buf):
        return buf.strip().decode(errors="replace") in ("rs1", "rs2", "rs3")

    for i in range(args.count):
        try:
            conn = socket.create_connection((args.host, args.port), timeout=args.timeout)
            if ask(conn) in ("rs1", "rs2", "rs3"):
                conn.setblocking(False)
                # spread the requests over the interval rather than all at once
                c = {"sock": conn, "buf": b"", "sent": None, "due": time.monotonic() + args.interval * i / args.count,
                     "ok": True, "held": True}
                sel.register(conn, selectors.EVENT_READ, c)
                held.append(c)
            else:
                conn.close()
        except OSError:
            pass
    print(json.dumps({"ready": len(held)}), flush=True)

    failures = []

    def fail_held(c, why):
        counts["failedRequests"] += 1
        failures.append([round(time.time(), 3), why])
        c["ok"] = False
        sel.unregister(c["sock"])
        c["sock"].close()

    def finish_fresh(c, ok):
        new.append([round(c["start"], 3), round(time.time(), 3), ok])
        sel.unregister(c["sock"])
        c["sock"].close()
        fresh.remove(c)

    fresh = []
    next_open = time.monotonic()
    while not (args.until and os.path.exists(args.until)) and time.monotonic() < end:
        now = time.monotonic()
        for c in held:
            if not c["ok"]:
                continue
            if c["sent"] is None and now >= c["due"]:
                try:
                    c["sock"].send(b"hello\n")
                    c["sent"] = now
                except OSError as e:
                    fail_held(c, "send: %s" % e)
            elif c["sent"] is not None and now - c["sent"] > args.timeout:
                fail_held(c, "timeout")
        for c in list(fresh):
            if now - c["mono"] > args.timeout:
                finish_fresh(c, False)
        while args.rate > 0 and now >= next_open:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex((args.host, args.port))
            c = {"sock": sock, "buf": b"", "start": time.time(), "mono": now, "held": False, "connected": False}
            sel.register(sock, selectors.EVENT_WRITE, c)
            fresh.append(c)
            next_open += 1.0 / args.rate
        for key, mask in sel.select(timeout=0.005):
            c = key.data
            if not c["held"] and not c["connected"]:
                if c["sock"].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    finish_fresh(c, False)
                    continue
                try:
                    c["sock"].send(b"hello\n")
                except OSError:
                    finish_fresh(c, False)
                    continue
                c["connected"] = True
                sel.modify(c["sock"], selectors.EVENT_READ, c)
                continue
            try:
                data = c["sock"].recv(256)
                why = "closed"
            except BlockingIOError:
                continue
            except OSError as e:
                data = b""
                why = str(e)
            if not data:
                fail_held(c, why) if c["held"] else finish_fresh(c, False)
                continue
            c["buf"] += data
            if not c["buf"].endswith(b"\n"):
                continue
            ok = answered(c["buf"])
            c_answer = c["buf"][:40]
            c["buf"] = b""
            if not c["held"]:
                finish_fresh(c, ok)
            elif not ok:
                fail_held(c, "answer %r" % c_answer)
            else:
                counts["requests"] += 1
                c["due"] = c["sent"] + args.interval
                c["sent"] = None
    for c in list(fresh):
        # still opening when the run ended: neither answered nor failed
        sel.unregister(c["sock"])
        c["sock"].close()
    survived = 0
    for c in held:
        if c["ok"]:
            survived += 1
            c["sock"].close()
    return {"connections": len(held), "survived": survived, "requests": counts["requests"],
            "failedRequests": counts["failedRequests"], "failedAt": failures, "new": sorted(new)}


def watch():
    targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in args.target]
    rounds = 0
    while not (args.until and os.path.exists(args.until)) and time.monotonic() < end:
        for host, port in targets:
            t = time.time()
            try:
                with socket.create_connection((host, port), timeout=args.timeout) as conn:
                    ok = bool(ask(conn))
            except OSError:
                ok = False
            print(json.dumps({"t": round(t, 3), "target": "%s:%d" % (host, port), "ok": ok}), flush=True)
        rounds += 1
        time.sleep(args.interval)
    return {"rounds": rounds}


result = {"spread": spread, "udp": udp, "hold": hold, "big": big, "upload": upload, "udpbig": udpbig, "keep": keep,
          "watch": watch}[args.mode]()
print(json.dumps(result), flush=True)
