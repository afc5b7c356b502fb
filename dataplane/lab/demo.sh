#!/usr/bin/env bash
# A director in a network-namespace lab: client -> router -> segment (director, rs1, rs2).
# For DR, NAT and TUN in turn it starts the director, sends requests from the client through the
# VIP and shows which real server answered, then tears everything down. Run as root after
# `mvn -q -DskipTests package`. Everything lives in namespaces named lvsdemo-*, on 198.18.0.0/15.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/dataplane/target/lvs-dataplane.jar"
LAB="$ROOT/dataplane/lab"
REQUESTS="${REQUESTS:-9}"
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (it creates network namespaces)" >&2; exit 1; }
# LVS_CLASSPATH runs the classes of a development build instead of the jar
if [ -n "${LVS_CLASSPATH:-}" ]; then DATAPLANE=(java -cp "$LVS_CLASSPATH" io.lvsoperator.dataplane.Main)
else
  [ -f "$JAR" ] || { echo "demo.sh: build first: mvn -q -DskipTests package" >&2; exit 1; }
  DATAPLANE=(java -jar "$JAR")
fi
for tool in ip ethtool nft python3 curl; do
  command -v "$tool" >/dev/null || { echo "demo.sh: needs $tool (see README)" >&2; exit 1; }
done

P=lvsdemo
NS=(cli rtr sw dir rs1 rs2)
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for n in "${NS[@]}"; do ip netns del "$P-$n" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM
nsx() { local n="$1"; shift; ip netns exec "$P-$n" "$@"; }
stop() { for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }

for n in "${NS[@]}"; do ip netns add "$P-$n"; ip -n "$P-$n" link set lo up; done
# client <-> router
ip -n $P-cli link add eth0 type veth peer name c0 netns $P-rtr
# the segment: a bridge in its own namespace joining router, director and real servers
ip -n $P-sw link add br0 type bridge; ip -n $P-sw link set br0 up
for n in rtr dir rs1 rs2; do
  ip -n $P-sw link add "p-$n" type veth peer name eth1 netns "$P-$n"
  ip -n $P-sw link set "p-$n" master br0 up
  nsx sw ethtool -K "p-$n" tx off rx off >/dev/null
done
for n in dir rs1 rs2; do ip -n "$P-$n" link set eth1 name eth0; done
ip -n $P-rtr link set eth1 name s0
addr() { ip -n "$P-$1" addr add "$3" dev "$2"; ip -n "$P-$1" link set "$2" up; nsx "$1" ethtool -K "$2" tx off rx off >/dev/null; }
addr cli eth0 198.19.1.10/24; addr rtr c0 198.19.1.1/24; addr rtr s0 198.18.0.1/24
addr rs1 eth0 198.18.0.11/24; addr rs2 eth0 198.18.0.12/24
ip -n $P-dir link set eth0 up; nsx dir ethtool -K eth0 tx off rx off >/dev/null
ip -n $P-cli route add default via 198.19.1.1
nsx rtr sysctl -qw net.ipv4.ip_forward=1

cat > "$WORK/state.py" <<'PY'
import json, sys
s = json.load(sys.stdin)
for svc in s["services"]:
    for r in svc["realServers"]:
        print("    %s %s:%s -> %s:%s weight %s, connections %s" % (svc["mode"], svc["vip"], svc["port"],
              r["address"], r["port"], r["weight"], r["totalConnections"]))
print("    neighbours: " + ", ".join("%s at %s" % (n["ip"], n["mac"]) for n in s["neighbours"]))
PY
# `ip netns exec` execs its command, so $! is the server's own PID (a shell function would not be)
for n in rs1 rs2; do ip netns exec "$P-$n" python3 "$LAB/server.py" --name "$n" --tcp-port 80 >/dev/null & PIDS+=($!); done

run_mode() {
  local mode="$1" gw="198.18.0.1" helpers=()
  [ "$mode" = NAT ] && gw="198.18.0.2"
  for n in rs1 rs2; do ip -n "$P-$n" route replace default via "$gw"; done
  cat > "$WORK/director.yaml" <<YAML
generation: 1
interface: eth0
addresses: [198.18.0.2/24]
vips: [198.18.0.100]
routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
services:
  - {name: demo/web, vip: 198.18.0.100, port: 80, mode: $mode, scheduler: wrr,
     realServers: [{address: 198.18.0.11, weight: 2}, {address: 198.18.0.12, weight: 1}]}
YAML
  if [ "$mode" != NAT ]; then
    local m; m=$(echo "$mode" | tr A-Z a-z)
    for n in rs1 rs2; do
      ip netns exec "$P-$n" "${DATAPLANE[@]}" realserver --interface eth0 --mode "$m" --vip 198.18.0.100 >"$WORK/$n-$m.log" 2>&1 &
      helpers+=($!); PIDS+=($!)
    done
  fi
  ip netns exec "$P-dir" "${DATAPLANE[@]}" run --config "$WORK/director.yaml" >"$WORK/director-$mode.log" 2>&1 &
  local director=$!; PIDS+=($director)
  for _ in $(seq 1 100); do
    nsx dir curl -sf http://127.0.0.1:9100/healthz >/dev/null 2>&1 && break; sleep 0.1
  done
  sleep 1
  echo "== $mode: CIP 198.19.1.10 -> VIP 198.18.0.100:80 (wrr 2:1 over RIPs .11 and .12), $REQUESTS requests"
  echo "  answered by: $(nsx cli python3 "$LAB/client.py" spread --host 198.18.0.100 --port 80 --count "$REQUESTS")"
  echo "  director state (/v1/state):"
  nsx dir curl -s http://127.0.0.1:9100/v1/state | python3 "$WORK/state.py"
  stop "$director" "${helpers[@]}"
}
for mode in DR NAT TUN; do run_mode "$mode"; done
echo "== done"
