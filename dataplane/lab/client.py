#!/usr/bin/env python3
"""The lab's client. spread: N new TCP connections, one line each; udp: N datagrams, each from a
new socket; hold: K connections kept open across a configuration change. Prints JSON. Every
operation is bounded by a timeout and the whole run by --deadline seconds."""
import argparse, collections, json, os, socket, sys, time

p = argparse.ArgumentParser()
p.add_argument("mode", choices=["spread", "udp", "hold"])
p.add_argument("--vip", required=True)
p.add_argument("--port", type=int, required=True)
p.add_argument("--count", type=int, default=10)
p.add_argument("--timeout", type=float, default=2.0)
p.add_argument("--deadline", type=float, default=60.0)
p.add_argument("--until", help="hold: file whose creation triggers the second round")
p.add_argument("--sport", type=int, default=21000,
               help="udp: first source port; each datagram uses the next one, so no two share a flow")
a = p.parse_args()
end = time.monotonic() + a.deadline

def ask(conn):
    conn.sendall(b"hello\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()

if a.mode == "spread":
    seen = collections.Counter()
    for _ in range(a.count):
        if time.monotonic() > end:
            seen["errors"] += 1
            continue
        try:
            with socket.create_connection((a.vip, a.port), timeout=a.timeout) as c:
                seen[ask(c)] += 1
        except OSError:
            seen["errors"] += 1
    print(json.dumps(seen))
elif a.mode == "udp":
    seen = collections.Counter()
    for i in range(a.count):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(a.timeout)
            s.bind(("0.0.0.0", a.sport + i))
            try:
                s.sendto(b"hello\n", (a.vip, a.port))
                seen[s.recvfrom(64)[0].decode().strip()] += 1
            except OSError:
                seen["errors"] += 1
    print(json.dumps(seen))
else:
    conns = [socket.create_connection((a.vip, a.port), timeout=a.timeout) for _ in range(a.count)]
    first = [ask(c) for c in conns]
    print(json.dumps({"ready": first}), flush=True)
    while a.until and not os.path.exists(a.until) and time.monotonic() < end:
        time.sleep(0.05)
    second = []
    for c in conns:
        try:
            second.append(ask(c))
        except OSError as e:
            second.append("error: " + str(e))
        c.close()
    print(json.dumps({"first": first, "second": second}), flush=True)
