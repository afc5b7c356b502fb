#!/usr/bin/env python3
"""How long frames stay in the director, from a capture on its switch port (compare.sh --profile).

Reads `tcpdump -tt -nn -S -l` lines taken on the switch's side of the director's link: a frame
the switch sends to the director and the same frame coming back from it (forwarded: DR rewrites
only the MACs, the kernel only the TTL, neither printed without -e or -v) print the same text after
their time stamps. NAT rewrites the server's address (the VIP to a real server's, and back), so
the addresses given with --server all read as one; TUN wraps the frame in an outer IPv4 header
(`IP dir > rs: IP ...`), so only the innermost header counts (capture with `or ip proto 4`). Each
pair is one pass through the director: the second time stamp less the first, which holds the
director's wake-up, its work and both veth hops. Frames seen once (a reply that does not pass the
director, a frame it dropped) are left out. The passes of one connection's frames are also summed:
what the director added to that request, at most (the client's last ACK and FIN are not waited
for). Prints one JSON object: {"pairs", "unpaired", "p50_us", "p90_us", "p99_us", "max_us",
"connections", "conn_p50_us", "conn_p99_us", "conn_max_us"} (null figures without pairs).
"""
import argparse
import json
import re
import sys

from latency import percentile  # nearest rank, as the latency figure


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="", help="comma-separated addresses that are one server (VIP, real servers)")
    args = ap.parse_args()
    servers = [a for a in args.server.split(",") if a]
    # an address followed by its port (tcpdump -nn prints ADDR.PORT)
    server = re.compile(r"\b(?:%s)(?=\.\d+[ :])" % "|".join(re.escape(a) for a in servers)) if servers else None
    endpoints = re.compile(r"IP (\S+) > (\S+?):")
    first = {}
    stays = []
    per_connection = {}
    for line in sys.stdin:
        stamp, _, frame = line.strip().partition(" ")
        if not frame:
            continue
        try:
            t = float(stamp)
        except ValueError:
            continue
        inner = frame.rfind(": IP ")
        if inner >= 0:
            frame = frame[inner + 2:]
        if server:
            frame = server.sub("SERVER", frame)
        seen = first.pop(frame, None)
        if seen is None:
            first[frame] = t
        else:
            stay = (t - seen) * 1e6
            stays.append(stay)
            ends = endpoints.search(frame)
            if ends:
                key = tuple(sorted(ends.groups()))
                per_connection[key] = per_connection.get(key, 0.0) + stay
    stays.sort()
    sums = sorted(per_connection.values())

    def us(values, p):
        v = percentile(values, p)
        return None if v is None else round(v, 1)

    print(json.dumps({"pairs": len(stays), "unpaired": len(first), "p50_us": us(stays, 50), "p90_us": us(stays, 90),
                      "p99_us": us(stays, 99), "max_us": us(stays, 100), "connections": len(sums),
                      "conn_p50_us": us(sums, 50), "conn_p99_us": us(sums, 99), "conn_max_us": us(sums, 100)}))


if __name__ == "__main__":
    main()
