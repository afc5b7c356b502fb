#!/usr/bin/env python3
"""Merges tcpdump captures of the lab's scenarios into one short, annotated trace.

Each argument LABEL=FILE is a text capture from `tcpdump -r F -tt -e -n` (one frame per line);
the frames of all files are sorted by time and printed with their label, the MACs and addresses
replaced by the names the write-up uses (--name ADDRESS=NAME, repeatable), and TCP details (seq,
win, options) left out:

     0.412 ms  director  director > rs1    CIP.40000 > VIP.80  TCP [S]
"""
import argparse
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--name", action="append", default=[], help="ADDRESS=NAME (a MAC or an IPv4 address)")
parser.add_argument("captures", nargs="+", help="LABEL=FILE")
args = parser.parse_args()
names = dict(n.split("=", 1) for n in args.name)

FRAME = re.compile(r"^(\d+\.\d+) (\S+) > (\S+), ethertype (\S+) \(0x[0-9a-f]+\), length \d+: (.*)$")
TCP_DETAILS = re.compile(r", (seq|ack|win|options|length) .*$")


MAC = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")


def name(token, in_payload=False):
    # an address, possibly followed by .PORT (tcpdump's notation); a MAC inside a payload (an ARP
    # reply's answer) keeps its digits, since they are the point
    if token in names:
        return token + " (" + names[token] + ")" if in_payload and MAC.match(token) else names[token]
    m = re.match(r"^(\d+\.\d+\.\d+\.\d+)\.(\d+)(:?)$", token)
    if m and m.group(1) in names:
        return names[m.group(1)] + "." + m.group(2) + m.group(3)
    m = re.match(r"^(\d+\.\d+\.\d+\.\d+)(:?)$", token)
    if m and m.group(1) in names:
        return names[m.group(1)] + m.group(2)
    return token


def payload(ethertype, text):
    text = TCP_DETAILS.sub("", text) if "Flags [" in text else text
    text = re.sub(r", length \d+$", "", text)
    text = text.replace("Flags ", "TCP ").replace(" (ipip-proto-4)", "")
    words = " ".join(name(w, True) for w in text.split(" "))
    return ("ARP " if ethertype == "ARP" else "") + words


frames = []
for capture in args.captures:
    label, path = capture.split("=", 1)
    with open(path) as f:
        for line in f:
            m = FRAME.match(line.strip())
            if m:
                t, src, dst, ethertype, rest = m.groups()
                frames.append((float(t), label, name(src), name(dst), payload(ethertype, rest)))
frames.sort(key=lambda f: f[0])
start = frames[0][0] if frames else 0.0
width = max((len(f[1]) for f in frames), default=0)
for t, label, src, dst, text in frames:
    print("  %8.3f ms  %-*s  %-22s %s" % ((t - start) * 1000, width, label, src + " > " + dst, text))
sys.exit(0)
