#!/usr/bin/env python3
"""Request round trips at a fixed rate, for compare.sh's latency figure.

Sends COUNT requests one after the other, each started on a fixed schedule (RATE per second):
TCP connect, `GET /` with `Connection: close`, read the whole response until the server closes.
The round trip is timed from before connect() to the end of the response. A request that is late
(the previous one took longer than the interval) starts at once; the achieved rate is reported.
Bounded: COUNT requests, each with a TIMEOUT. Prints one JSON object:
{"count", "ok", "errors", "rate", "achieved_rate", "p50_ms", "p90_ms", "p99_ms", "max_ms"}.
"""
import argparse
import json
import math
import socket
import time


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds per request")
    args = ap.parse_args()

    request = ("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % args.host).encode()
    interval = 1.0 / args.rate
    samples, errors = [], 0
    start = time.perf_counter()
    for i in range(args.count):
        due = start + i * interval
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        t0 = time.perf_counter()
        try:
            with socket.create_connection((args.host, args.port), timeout=args.timeout) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.sendall(request)
                response = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    response += chunk
            elapsed = time.perf_counter() - t0
        except OSError:
            errors += 1
            continue
        if response.startswith(b"HTTP/1.1 200"):
            samples.append(elapsed)
        else:
            errors += 1
    took = time.perf_counter() - start
    samples.sort()

    def ms(v):
        return None if v is None else round(v * 1000.0, 4)

    print(json.dumps({
        "count": args.count, "ok": len(samples), "errors": errors, "rate": args.rate,
        "achieved_rate": round(args.count / took, 1) if took > 0 else None,
        "p50_ms": ms(percentile(samples, 50)), "p90_ms": ms(percentile(samples, 90)),
        "p99_ms": ms(percentile(samples, 99)), "max_ms": ms(samples[-1] if samples else None),
    }))


if __name__ == "__main__":
    main()
