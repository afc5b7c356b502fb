#!/usr/bin/env python3
"""Real server of the network tests (DirectorNetworkIT).

TCP: a line protocol on --tcp-port (all addresses): every line received is answered with this
server's name ("rs1\\n"); the connection stays open until the client closes it. The line
"big N" is answered with N bytes of "x" before the name (a download, for path MTU tests); "put N"
is followed by N bytes the server reads before it answers (an upload).
UDP: every datagram to --udp-port on each --udp-bind address is answered with the name; one that
starts with "big" is answered with a datagram of its own size (the name, padded with "x"), so a
datagram larger than the MTU is fragmented both ways.

One line on stdout per event, so the test can count what this server really answered:
  ready
  tcp-accept CLIENT_IP:PORT -> LOCAL_IP:PORT
  udp CLIENT_IP:PORT -> BIND_IP:PORT
In DR and TUN the UDP socket must be bound to the VIP (a socket on 0.0.0.0 answers from the
primary address); pass --udp-bind 0.0.0.0 --udp-bind VIP to serve NAT and DR/TUN alike (both
sockets use SO_REUSEADDR; the kernel delivers to the most specific one). Binding the VIP before
it is on lo needs net.ipv4.ip_nonlocal_bind=1.
"""
import argparse
import socket
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True, help="answered to every line and datagram")
parser.add_argument("--tcp-port", type=int, default=0, help="TCP port (0: none)")
parser.add_argument("--udp-port", type=int, default=0, help="UDP port (0: none)")
parser.add_argument("--udp-bind", action="append", default=[],
                    help="address the UDP socket binds (repeatable; default 0.0.0.0)")
args = parser.parse_args()
answer = (args.name + "\n").encode()
out_lock = threading.Lock()


def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def serve_connection(conn, peer):
    with conn:
        local = conn.getsockname()
        say("tcp-accept %s:%d -> %s:%d" % (peer[0], peer[1], local[0], local[1]))
        try:
            stream = conn.makefile("rb")
            for line in stream:
                if line.startswith(b"big "):
                    conn.sendall(b"x" * int(line.split()[1]))
                elif line.startswith(b"put "):
                    size = int(line.split()[1])
                    if len(stream.read(size)) < size:
                        break
                conn.sendall(answer)
        except OSError:
            pass


def tcp_loop(listener):
    while True:
        conn, peer = listener.accept()
        threading.Thread(target=serve_connection, args=(conn, peer), daemon=True).start()


def udp_loop(sock, bound):
    while True:
        data, peer = sock.recvfrom(65535)
        say("udp %s:%d -> %s:%d" % (peer[0], peer[1], bound, args.udp_port))
        if data.startswith(b"big"):
            sock.sendto(answer + b"x" * max(0, len(data) - len(answer)), peer)
        else:
            sock.sendto(answer, peer)


threads = []
if args.tcp_port:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", args.tcp_port))
    listener.listen(128)
    threads.append(threading.Thread(target=tcp_loop, args=(listener,), daemon=True))
if args.udp_port:
    for address in args.udp_bind or ["0.0.0.0"]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, args.udp_port))
        threads.append(threading.Thread(target=udp_loop, args=(sock, address), daemon=True))
for t in threads:
    t.start()
say("ready")
try:
    for t in threads:
        t.join()
except KeyboardInterrupt:
    pass
