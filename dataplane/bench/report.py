#!/usr/bin/env python3
"""compare.sh's report: medians over the repetitions, one table, ratios, and the same as JSON.

Reads the raw results (tab-separated: repetition, system, figure, value; value is a number,
"na" for a figure a system cannot do, or "fail") and prints a Markdown table to stdout.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import statistics
import sys

OURS = ["dr", "nat", "tun"]
BASELINES = ["kernel", "nftables", "haproxy"]
# (figure, column title, how to print the median, higher is better?)
COLUMNS = [
    ("udp_pps", "UDP kpps", lambda v: ("%.1f" if v < 10000 else "%.0f") % (v / 1000.0), True),
    ("cpu_s_per_mpkt", "CPU s/Mpkt machine", lambda v: "%.2f" % v, False),
    ("director_cpu_s_per_mpkt", "CPU s/Mpkt director", lambda v: "%.2f" % v, False),
    ("tcp_gbps", "TCP Gbit/s", lambda v: "%.2f" % v, True),
    ("conn_per_s", "conn/s", lambda v: "%.0f" % v, True),
    ("lat_p50_ms", "p50 ms", lambda v: "%.3f" % v, False),
    ("lat_p99_ms", "p99 ms", lambda v: "%.3f" % v, False),
    ("bg_cpu_pct", "bg CPU %", lambda v: "%.2f" % v, False),
]
RATIO_COLUMNS = ["udp_pps", "cpu_s_per_mpkt", "tcp_gbps", "conn_per_s", "lat_p50_ms", "lat_p99_ms",
                 "added_p99"]
RATIO_TITLES = {"udp_pps": "UDP pps", "cpu_s_per_mpkt": "CPU/Mpkt", "tcp_gbps": "TCP Gbit/s",
                "conn_per_s": "conn/s", "lat_p50_ms": "p50", "lat_p99_ms": "p99",
                "added_p99": "added p99"}


def load(path):
    raw = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            rep, system, figure, value = parts
            raw.setdefault(system, {}).setdefault(figure, []).append(value)
    return raw


def summarise(values):
    numbers = []
    for v in values:
        try:
            numbers.append(float(v))
        except ValueError:
            pass
    if numbers:
        status = "ok" if len(numbers) == len(values) else "partial"
        return {"median": statistics.median(numbers), "samples": numbers, "status": status}
    status = "n/a" if values and all(v == "na" for v in values) else "fail"
    return {"median": None, "samples": [], "status": status}


def median(figures, system, figure):
    entry = figures.get(system, {}).get(figure)
    return None if entry is None else entry["median"]


def cell(figures, system, figure, fmt):
    entry = figures.get(system, {}).get(figure)
    if entry is None:
        return "n/a"
    if entry["median"] is None:
        return "n/a" if entry["status"] == "n/a" else "FAIL"
    return fmt(entry["median"])


def added_p99(figures, system):
    p99, floor = median(figures, system, "lat_p99_ms"), median(figures, "none", "lat_p99_ms")
    if p99 is None or floor is None:
        return None
    return p99 - floor


def ratio(figures, ours, base, figure):
    if figure == "added_p99":
        a, b = added_p99(figures, ours), added_p99(figures, base)
        # a baseline that adds less than 10 us at p99 adds nothing measurable: no ratio to it
        if a is None or b is None or b < 0.01:
            return None
        return max(a, 0.0) / b
    a, b = median(figures, ours, figure), median(figures, base, figure)
    if a is None or b is None or b == 0:
        return None
    return a / b


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def sha256(path):
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--systems", required=True, help="space-separated, in table order")
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--lat-rate", type=int, required=True)
    ap.add_argument("--quick", default="no")
    ap.add_argument("--wall", type=float, default=None)
    ap.add_argument("--workers", default="auto", help="our director's engine workers (its --workers: auto or N)")
    ap.add_argument("--busy-poll", default="default", help="our director's --busy-poll in microseconds")
    ap.add_argument("--clients", type=int, default=1, help="client addresses of the UDP figure")
    ap.add_argument("--load-start", default=None, help="/proc/loadavg's first three at the start")
    ap.add_argument("--jar", default=None, help="the jar named by the user")
    ap.add_argument("--jar-copy", default=None, help="the copy that ran, hashed")
    args = ap.parse_args()

    systems = args.systems.split()
    raw = load(args.results)
    figures = {s: {f: summarise(v) for f, v in raw.get(s, {}).items() if not f.startswith("metric:")}
               for s in systems}
    # the director's non-zero drop counters and its engine workers at the end of each repetition (whole run of that
    # system: warm-up and every figure), which explain a low figure
    counters = {s: {f[len("metric:"):]: summarise(v)["samples"]
                    for f, v in raw.get(s, {}).items() if f.startswith("metric:")} for s in systems}

    now = datetime.datetime.now().astimezone()
    label = "%s, %s, %d CPUs (%s), --reps %d --seconds %d%s" % (
        now.strftime("%Y-%m-%d %H:%M %Z"), "Linux " + platform.release(), os.cpu_count() or 0,
        cpu_model(), args.reps, args.seconds, " (--quick)" if args.quick == "yes" else "")
    if args.workers != "auto":
        label += ", our director with --workers %s" % args.workers
    if args.busy_poll != "default":
        label += ", --busy-poll %s" % args.busy_poll
    if args.clients != 1:
        label += ", UDP from %d client addresses" % args.clients
    if args.load_start:
        label += ", load average %s at the start, %s at the end" % (args.load_start, loadavg())
    print()
    print("Run: " + label)
    print()
    print("| system | " + " | ".join(c[1] for c in COLUMNS) + " |")
    print("| --- " * (len(COLUMNS) + 1) + "|")
    for s in systems:
        print("| %s | %s |" % (s, " | ".join(cell(figures, s, f, fmt) for f, _, fmt, _ in COLUMNS)))

    ratios = {}
    pairs = [(o, b) for o in OURS if o in systems for b in BASELINES if b in systems]
    if pairs:
        print()
        print("Ratios (ours / baseline; above 1 is better for UDP pps, TCP and conn/s, below 1 for "
              "CPU and latency; added p99 = p99 minus that of `none`):")
        print()
        print("| ratio | " + " | ".join(RATIO_TITLES[f] for f in RATIO_COLUMNS) + " |")
        print("| --- " * (len(RATIO_COLUMNS) + 1) + "|")
        for o, b in pairs:
            row = {f: ratio(figures, o, b, f) for f in RATIO_COLUMNS}
            ratios["%s/%s" % (o, b)] = row
            print("| %s / %s | %s |" % (o, b, " | ".join(
                "n/a" if row[f] is None else "%.2fx" % row[f] for f in RATIO_COLUMNS)))
    print()

    doc = {
        "date": now.isoformat(timespec="seconds"),
        "machine": {"kernel": platform.release(), "cpus": os.cpu_count(), "cpu_model": cpu_model(),
                    "loadavg_start": args.load_start, "loadavg_end": loadavg()},
        "options": {"reps": args.reps, "seconds": args.seconds, "lat_rate": args.lat_rate,
                    "quick": args.quick == "yes", "systems": systems, "workers": args.workers,
                    "busy_poll": args.busy_poll,
                    "clients": args.clients},
        "jar": {"path": args.jar, "sha256": sha256(args.jar_copy or args.jar) if args.jar else None},
        "wall_seconds": args.wall,
        "units": {"udp_pps": "packets/s delivered to the real servers",
                  "udp_offered_pps": "packets/s sent by the client",
                  "cpu_s_per_mpkt": "CPU-seconds of the whole machine per million delivered packets",
                  "director_cpu_s_per_mpkt": "CPU-seconds of the director process per million",
                  "tcp_gbps": "Gbit/s received by iperf3's server, one stream",
                  "conn_per_s": "HTTP requests/s, each on a new TCP connection (wrk)",
                  "lat_p50_ms": "ms, connect + request + response at the fixed rate",
                  "lat_p99_ms": "ms, as p50",
                  "bg_cpu_pct": "% of one core the director process used while 100,000 frames/s for the"
                                " node's own address (no VIP) passed its interface, less idle_cpu_pct",
                  "bg_busy_cpu_pct": "% of one core the director used during that background window",
                  "idle_cpu_pct": "% of one core the director used in an idle window just before",
                  "bg_kpps": "thousand frames/s of that background traffic received by the interface",
                  "bg_seen_per_s": "frames/s of that background traffic that reached the dataplane"},
        "systems": figures,
        "ratios": ratios,
        "director_counters": {s: c for s, c in counters.items() if c},
    }
    failed = ["%s %s" % (s, f) for s in systems for f, _, _, _ in COLUMNS
              if figures.get(s, {}).get(f, {}).get("status") == "fail"]
    doc["failed"] = failed
    directory = os.path.dirname(os.path.abspath(args.json))
    os.makedirs(directory, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=False)
        f.write("\n")
    if failed:
        print("failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
