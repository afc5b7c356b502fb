#!/usr/bin/env python3
"""The measuring side of `lab.sh scenario failover`. Bounded in count and time.

probe IF VIP --until FILE: every --interval (20 ms) an ARP request for VIP from IF, until FILE
        exists or --seconds passed; prints one line per answer: "ROUND TIME MAC". Each round asks
        from another address nobody holds (198.18.0.200-249, so no kernel on the segment learns
        anything from it), and an answer names it: an answer that arrives late still counts for
        the round it answers, so two MACs in one round means two directors answered one request.
report CLIENT PROBE FAULT_TIME: one JSON object for a fault from the client's result (client.py
        keep), the probe's answers and the time the fault struck:
        recoverMs        the longest wait, from the fault or from the opening of any new connection
                         after it, for the next new connection to be answered: the fault's
                         outage (a rolling restart's longest, of its several moves)
        survivedPercent  long-lived connections whose every request succeeded
        failedRequests   requests that failed (on long-lived connections and new ones)
        maxArpOverlapMs  the longest run of probe rounds in which two MACs answered for the VIP
                         (rounds x interval)
"""
import argparse
import json
import os
import select
import socket
import struct
import time

ASKERS = 50
FIRST_ASKER = (198 << 24) | (18 << 16) | 200


def probe(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
    s.bind((a.interface, 0))
    mac = s.getsockname()[4]
    vip = socket.inet_aton(a.vip)
    head = b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac
    end = time.monotonic() + a.seconds
    rounds = 0
    next_round = time.monotonic()
    while time.monotonic() < end and rounds < 100000 and not os.path.exists(a.until):
        now = time.monotonic()
        if now >= next_round:
            rounds += 1
            s.send(head + struct.pack("!I", FIRST_ASKER + rounds % ASKERS) + b"\0" * 6 + vip)
            next_round += a.interval
        ready, _, _ = select.select([s], [], [], max(0.0, next_round - time.monotonic()))
        if ready:
            frame = s.recv(128)
            # an ARP reply (operation 2) whose sender is the VIP
            if len(frame) >= 42 and frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x02" \
                    and frame[28:32] == vip:
                asker = struct.unpack("!I", frame[38:42])[0] - FIRST_ASKER
                if 0 <= asker < ASKERS:
                    # the latest round asked from that address
                    answered = rounds - (rounds - asker) % ASKERS
                    sender = ":".join("%02x" % b for b in frame[22:28])
                    print("%d %.3f %s" % (answered, time.time(), sender), flush=True)


def report(a):
    with open(a.client) as f:
        lines = [l for l in f.read().splitlines() if l.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    fault = a.fault_time
    new = sorted(result.get("new", []))
    failed_new = sum(1 for _, _, ok in new if not ok)
    # from each moment a connection was opened (and the fault itself), the wait for the next
    # answer to a connection opened at or after it
    moments = [fault] + [start for start, _, _ in new if start >= fault]
    recover = None
    next_answer = None
    answers = sorted(((start, finish) for start, finish, ok in new if ok and start >= fault), reverse=True)
    i = 0
    for m in sorted(moments, reverse=True):
        while i < len(answers) and answers[i][0] >= m:
            next_answer = answers[i][1] if next_answer is None else min(next_answer, answers[i][1])
            i += 1
        if next_answer is not None:
            recover = max(recover or 0.0, next_answer - m)
    answers = {}
    with open(a.probe) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                answers.setdefault(int(parts[0]), set()).add(parts[2])
    longest = run = 0
    last = None
    for r in sorted(answers):
        if len(answers[r]) > 1:
            run = run + 1 if last == r - 1 and run > 0 else 1
            longest = max(longest, run)
        else:
            run = 0
        last = r
    held = result.get("connections", 0)
    out = {
        "recoverMs": None if recover is None else round(recover * 1000),
        "survivedPercent": round(100.0 * result.get("survived", 0) / held, 1) if held else 0.0,
        "failedRequests": result.get("failedRequests", 0) + failed_new,
        "maxArpOverlapMs": round(longest * a.interval * 1000),
        "heldConnections": held,
        "requests": result.get("requests", 0),
        "newConnections": len(result.get("new", [])),
    }
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    pr = sub.add_parser("probe")
    pr.add_argument("interface"), pr.add_argument("vip"), pr.add_argument("--until", required=True)
    pr.add_argument("--interval", type=float, default=0.02), pr.add_argument("--seconds", type=float, default=120)
    rp = sub.add_parser("report")
    rp.add_argument("client"), rp.add_argument("probe"), rp.add_argument("fault_time", type=float)
    rp.add_argument("--interval", type=float, default=0.02)
    a = p.parse_args()
    probe(a) if a.command == "probe" else report(a)


if __name__ == "__main__":
    main()
