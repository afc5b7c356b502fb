#!/usr/bin/env python3
"""A real server for the lab and the network tests: answers every line (TCP) or datagram (UDP)
with its own name, so the client can tell which real server it reached."""
import argparse, socket, threading

p = argparse.ArgumentParser()
p.add_argument("--name", required=True)
p.add_argument("--tcp", type=int, action="append", default=[], help="TCP port on 0.0.0.0")
p.add_argument("--udp", action="append", default=[], help="ADDRESS:PORT to answer UDP on")
a = p.parse_args()
answer = (a.name + "\n").encode()

def serve_conn(c):
    with c:
        f = c.makefile("rb")
        for _ in f:
            c.sendall(answer)

def tcp(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve_conn, args=(c,), daemon=True).start()

def udp(spec):
    host, port = spec.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, int(port)))
    while True:
        _, peer = s.recvfrom(2048)
        s.sendto(answer, peer)

threads = [threading.Thread(target=tcp, args=(port,), daemon=True) for port in a.tcp]
threads += [threading.Thread(target=udp, args=(spec,), daemon=True) for spec in a.udp]
for t in threads:
    t.start()
print("ready", flush=True)
for t in threads:
    t.join()
