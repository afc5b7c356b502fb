#!/usr/bin/env bash
# compare.sh: the dataplane against the kernel, nftables and HAProxy, on one namespace topology.
#
#   dataplane/bench/compare.sh [--quick] [--reps N] [--seconds S] [--only LIST] [--json FILE]
#                              [--lat-rate R] [--keep-logs] [--workers auto|N] [--busy-poll U] [--clients N]
#
#   --quick        one repetition, about one second per figure (CI runs this; well under 2 min)
#   --reps N       repetitions; each figure is the median over them (default 5)
#   --seconds S    length of each measurement (default 5)
#   --only LIST    comma-separated subset of: none,kernel,nftables,haproxy,dr,nat,tun (default all)
#   --json FILE    where the JSON goes (default /tmp/lvsbench-<date>.json, path printed at the end)
#   --lat-rate R   request rate of the latency figure, requests/s (default 200)
#   --keep-logs    keep the work directory (configs, tool output, director logs) and print its path
#   --workers W    engine workers of our director (its --workers: auto or N; default auto, as users run it)
#   --busy-poll U  our director's --busy-poll (microseconds; default: the director's own default)
#   --clients N    the UDP figure's packets come from N client addresses (198.19.1.10 on; default
#                  1): a director with workers spreads clients over them, not one client's flows
#   --profile      also sample our director with `perf record -e cpu-clock` during the UDP, TCP and
#                  new-connection windows and print where its time goes (kernel vs JIT code vs
#                  JVM), per system; and time each request frame's pass through the director
#                  namespace during the latency window (tcpdump on its switch port, residence.py),
#                  every system with a director
#
# Run as root from a clone, after `mvn -B -q -DskipTests package` (JAR=... picks another jar).
# It installs missing Debian packages (netsniff-ng, iperf3, wrk, nginx-light, haproxy, ...).
# Systems: none (client straight to a real server), kernel (routing through the director
# namespace), nftables (DNAT, as kube-proxy), haproxy (TCP mode), dr / nat / tun (our dataplane
# with its default packet I/O). Every interface runs at its defaults (checksum offload, TSO), as
# hosts do, for every system.
# Figures: UDP 60-byte frames delivered per second and CPU per million of them, bulk TCP Gbit/s,
# new TCP connections/s, p50/p99 of request round trips at a fixed rate, and our director's CPU
# while 100,000 frames/s for the node itself (no VIP) pass its interface. docs/benchmarks.md
# describes each one and the topology.
set -euo pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/dataplane/bench"
JAR="${JAR:-$ROOT/dataplane/target/lvs-dataplane.jar}"
ALL_SYSTEMS=(none kernel nftables haproxy dr nat tun)

REPS=5 SECS=5 QUICK=no ONLY="" JSON_OUT="" LAT_RATE=200 KEEP_LOGS=no PROFILE=no WORKERS=auto CLIENTS=1 BUSY_POLL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=yes ;;
    --reps) REPS="${2:?--reps needs a number}"; shift ;;
    --seconds) SECS="${2:?--seconds needs a number}"; shift ;;
    --only) ONLY="${2:?--only needs a list}"; shift ;;
    --json) JSON_OUT="${2:?--json needs a file}"; shift ;;
    --lat-rate) LAT_RATE="${2:?--lat-rate needs a number}"; shift ;;
    --keep-logs) KEEP_LOGS=yes ;;
    --workers) WORKERS="${2:?--workers needs auto or a number}"; shift ;;
    --clients) CLIENTS="${2:?--clients needs a number}"; shift ;;
    --busy-poll) BUSY_POLL="${2:?--busy-poll needs a number of microseconds}"; shift ;;
    --profile) PROFILE=yes ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# --quick sets the length and count; an explicit --reps/--seconds after it would be surprising,
# so --quick simply wins
if [ "$QUICK" = yes ]; then REPS=1; SECS=1; fi
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --reps must be a positive integer" >&2; exit 2; }
[[ "$SECS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --seconds must be a positive integer" >&2; exit 2; }
[[ "$LAT_RATE" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --lat-rate must be a positive integer" >&2; exit 2; }
[[ "$WORKERS" =~ ^(auto|[1-9][0-9]*)$ ]] || { echo "compare.sh: --workers must be auto or a positive integer" >&2; exit 2; }
[ -z "$BUSY_POLL" ] || [[ "$BUSY_POLL" =~ ^[0-9]+$ ]] ||
  { echo "compare.sh: --busy-poll must be a number of microseconds" >&2; exit 2; }
{ [[ "$CLIENTS" =~ ^[1-9][0-9]*$ ]] && [ "$CLIENTS" -le 200 ]; } ||
  { echo "compare.sh: --clients must be 1 to 200" >&2; exit 2; }
SYSTEMS=()
if [ -n "$ONLY" ]; then
  IFS=, read -r -a wanted <<<"$ONLY"
  for s in "${wanted[@]}"; do
    [[ " ${ALL_SYSTEMS[*]} " == *" $s "* ]] || { echo "compare.sh: unknown system '$s' (${ALL_SYSTEMS[*]})" >&2; exit 2; }
  done
  # keep the canonical order whatever order the list had
  for s in "${ALL_SYSTEMS[@]}"; do [[ ",$ONLY," == *",$s,"* ]] && SYSTEMS+=("$s"); done
else
  SYSTEMS=("${ALL_SYSTEMS[@]}")
fi
[ -n "$JSON_OUT" ] || JSON_OUT="/tmp/lvsbench-$(date +%Y%m%d-%H%M%S).json"

[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (it creates network namespaces)" >&2; exit 1; }
needs_dataplane=no
for s in "${SYSTEMS[@]}"; do case "$s" in dr|nat|tun) needs_dataplane=yes ;; esac; done
if [ "$needs_dataplane" = yes ] && [ ! -f "$JAR" ]; then
  echo "compare.sh: $JAR is missing; build it first: mvn -B -q -DskipTests package" >&2; exit 1
fi

# Load tools and servers come from Debian; install only what is missing (as .ci/run does).
# On a machine whose init runs services, Debian starts nginx and haproxy's own services when
# their packages are installed; this script never uses those (it starts its own copies with
# their own configuration inside the namespaces).
PATH="$PATH:/usr/sbin:/sbin"
missing=()
for pair in ip:iproute2 ethtool:ethtool nft:nftables curl:curl python3:python3 trafgen:netsniff-ng \
            iperf3:iperf3 wrk:wrk nginx:nginx-light haproxy:haproxy timeout:coreutils; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ "$needs_dataplane" = yes ] && ! command -v java >/dev/null 2>&1 && missing+=(openjdk-17-jre-headless)
[ "$PROFILE" = yes ] && ! command -v perf >/dev/null 2>&1 && missing+=(linux-perf)
[ "$PROFILE" = yes ] && ! command -v tcpdump >/dev/null 2>&1 && missing+=(tcpdump)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "compare.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---------------------------------------------------------------------------------------------
# Topology (all in namespaces named lvsbench-*, addresses from 198.18.0.0/15 only):
#
#   lvsbench-cli            lvsbench-rtr                 lvsbench-sw: bridge br0 (the segment)
#   eth0 198.19.1.10 ------ c0 198.19.1.1                   |
#                           s0 198.18.0.1 ------------------+------ eth0  lvsbench-dir  (DIP 198.18.0.2)
#                                                           +------ eth0  lvsbench-rs1  198.18.0.11
#                                                           '------ eth0  lvsbench-rs2  198.18.0.12
#   VIP 198.18.0.100
#
# The client sits behind a router, as clients of a load balancer do, and the director, the real
# servers and the router share one L2 segment, which DR needs (the dataplane owns one interface
# and rewrites only MACs). Every system uses this same wiring; only routes and the director
# namespace's role change:
#   none      client -> rtr -> rs1/rs2 (no director; the limit of the topology)
#   kernel    rtr routes the RIPs via 198.18.0.2; the director namespace forwards (ip_forward=1,
#             in and out of its one interface); the real servers route back via it too
#   nftables  rtr routes the VIP via 198.18.0.2; nftables DNAT (numgen inc mod 2) to rs1/rs2;
#             real servers route back via the director, which undoes the DNAT
#   haproxy   VIP on the director's lo, HAProxy in TCP mode connects to rs1/rs2 from 198.18.0.2
#   dr/tun    the dataplane answers ARP for the VIP on the segment; real servers answer the client
#             directly via rtr (they run `lvs-dataplane realserver`)
#   nat       as dr, but the real servers' default route is the DIP, so replies pass the director
# The router hop is in every path, so its cost is shared by all systems alike.
# ---------------------------------------------------------------------------------------------
P=lvsbench
NS=(cli rtr sw dir rs1 rs2)
CIP=198.19.1.10 RTR_C=198.19.1.1 RTR_S=198.18.0.1 DIP=198.18.0.2
RS1=198.18.0.11 RS2=198.18.0.12 VIP=198.18.0.100
UDP_PORT=9 HTTP_PORT=80 BULK_PORT=5201
# the background figure: frames for the node's own address (no VIP), at this rate
NODE_IP=198.18.0.5 BG_PORT=7 BG_RATE=100000
TCK=$(getconf CLK_TCK)

WORK="$(mktemp -d /tmp/lvsbench-work.XXXXXX)"
PIDS=()
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
LOG="$WORK/bench.log"

say() { printf '%s\n' "$*" >&2; }
# nsx NS CMD...: run in lvsbench-NS. Background processes are started with `ip netns exec` itself,
# not through this function: it execs its command, so $! is the process (a function's is a subshell)
nsx() { local n="$1"; shift; ip netns exec "$P-$n" "$@"; }

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
# stop_pids PID...: SIGTERM, up to 10 s to exit, then SIGKILL; only PIDs this script started
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
  done
}

# delete_namespaces [leftover]: removes every lvsbench-* namespace. A process still inside one
# is a child of a process this script started (an nginx worker finishing) or, at the start, was
# left by an earlier run of this script: it gets SIGTERM, 3 s, then SIGKILL.
delete_namespaces() {
  local n pids
  for n in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
    pids=$(ip netns pids "$n" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      [ "${1:-}" = leftover ] && say "compare.sh: stopping processes left in $n by an earlier run: $(echo $pids)"
      kill -TERM $pids 2>/dev/null || true
      for _ in $(seq 1 30); do [ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break; sleep 0.1; done
      pids=$(ip netns pids "$n" 2>/dev/null || true)
      [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
    fi
    ip netns del "$n" 2>/dev/null || true
  done
}

cleanup() {
  trap - EXIT INT TERM
  [ "${#PIDS[@]}" -gt 0 ] && stop_pids "${PIDS[@]}"
  delete_namespaces
  if [ "$KEEP_LOGS" = yes ]; then say "compare.sh: logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

delete_namespaces leftover
cp "$JAR" "$WORK/lvs-dataplane.jar" 2>/dev/null || true   # a rebuild mid-run cannot change it
read -r -a java_opts <<<"${JAVA_OPTS:-}"   # JAVA_OPTS: extra JVM options, split on spaces
DATAPLANE=(java "${java_opts[@]}" -jar "$WORK/lvs-dataplane.jar")

# --- topology ---------------------------------------------------------------------------------
for n in "${NS[@]}"; do
  ip netns add "$P-$n"
  ip -n "$P-$n" link set lo up
  # no IPv6: no router solicitations, DAD or MLD frames in the measurements
  nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
# every veth at its defaults (checksum offload, TSO and GSO on), as hosts run, for every system
ip -n $P-cli link add eth0 type veth peer name c0 netns $P-rtr
ip -n $P-sw link add br0 type bridge
ip -n $P-sw link set br0 up
for n in rtr dir rs1 rs2; do
  ip -n $P-sw link add "p-$n" type veth peer name eth0 netns "$P-$n"
  ip -n $P-sw link set "p-$n" master br0 up
done
ip -n $P-rtr link set eth0 name s0
up_addr() { ip -n "$P-$1" addr add "$3" dev "$2"; ip -n "$P-$1" link set "$2" up; }
up_addr cli eth0 $CIP/24; up_addr rtr c0 $RTR_C/24; up_addr rtr s0 $RTR_S/24
# --clients: the UDP figure's other client addresses, held by the client so replies find it
CLIENT_IPS=("$CIP")
for i in $(seq 1 $((CLIENTS - 1))); do
  CLIENT_IPS+=("198.19.1.$((10 + i))")
  ip -n $P-cli addr add "198.19.1.$((10 + i))/24" dev eth0
done
up_addr rs1 eth0 $RS1/24; up_addr rs2 eth0 $RS2/24
ip -n $P-dir link set eth0 up
ip -n $P-cli route add default via $RTR_C
nsx rtr sysctl -qw net.ipv4.ip_forward=1
# the director namespace routes in and out of one interface (kernel, nftables): no ICMP
# redirects, or the real servers would learn to bypass it
nsx dir sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
  net.ipv4.conf.eth0.send_redirects=0
for n in rtr rs1 rs2 cli; do nsx "$n" sysctl -qw net.ipv4.conf.all.accept_redirects=0; done
# many short connections: the client (and HAProxy as a client) need the whole port range
for n in cli dir; do
  nsx "$n" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
done
CLI_MAC=$(nsx cli cat /sys/class/net/eth0/address)
RTR_MAC=$(nsx rtr cat /sys/class/net/c0/address)

# --- real servers: nginx (HTTP), a UDP sink counted by nftables, iperf3 per measurement --------
for n in rs1 rs2; do
  mkdir -p "$WORK/$n"
  cat >"$WORK/$n/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/$n/nginx.pid;
error_log $WORK/$n/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $WORK/$n/body;
  proxy_temp_path $WORK/$n/proxy;
  fastcgi_temp_path $WORK/$n/fastcgi;
  uwsgi_temp_path $WORK/$n/uwsgi;
  scgi_temp_path $WORK/$n/scgi;
  server {
    listen $HTTP_PORT backlog=4096;
    location / { return 200 "$n\n"; }
  }
}
EOF
  # `ip netns exec` execs its command, so $! is nginx's master process
  ip netns exec "$P-$n" nginx -p "$WORK/$n" -c "$WORK/$n/nginx.conf" -e "$WORK/$n/error.log" >>"$LOG" 2>&1 &
  PIDS+=($!)
  # count the benchmark's UDP datagrams where the real server's kernel accepts them, after any
  # unwrapping (TUN), then drop them (no ICMP port-unreachable storm back)
  nsx "$n" nft -f - <<EOF
table inet lvsbench {
  counter udp_in { }
  chain input { type filter hook input priority 0; policy accept;
    udp dport $UDP_PORT counter name udp_in drop
  }
}
EOF
done
for n in rs1 rs2; do
  ip=$RS1; [ "$n" = rs2 ] && ip=$RS2
  for _ in $(seq 1 50); do nsx "$n" curl -sf -o /dev/null --max-time 1 "http://$ip/" && break; sleep 0.1; done
  nsx "$n" curl -sf -o /dev/null --max-time 1 "http://$ip/" || { say "compare.sh: nginx on $n did not start (see $LOG)"; KEEP_LOGS=yes; exit 1; }
done

# --- per-system state --------------------------------------------------------------------------
rs_gateway() { local g="$1" n; for n in rs1 rs2; do ip -n "$P-$n" route replace default via "$g"; done; }
# reset_state: back to the neutral wiring: director namespace without address, forwarding off,
# no rules; router with connected routes only; real servers' gateway the router
reset_state() {
  ip -n $P-dir addr flush dev eth0
  ip -n $P-dir addr del $VIP/32 dev lo 2>/dev/null || true
  nsx dir sysctl -qw net.ipv4.ip_forward=0
  nsx dir nft flush ruleset
  local r n
  for r in $RS1 $RS2 $VIP; do ip -n $P-rtr route del "$r/32" 2>/dev/null || true; done
  for n in rs1 rs2; do ip -n "$P-$n" addr del $VIP/32 dev lo 2>/dev/null || true; done
  rs_gateway $RTR_S
  for n in cli rtr dir rs1 rs2; do ip -n "$P-$n" neigh flush all 2>/dev/null || true; done
  # Forget TIME_WAIT sockets left by the previous system. The client's TCP timestamps and ISNs
  # are per 4-tuple, so a real server still holding (CIP:port, RIP:80) in TIME_WAIT from
  # `none`/`kernel` (client -> RIP) rejects the SYN of a later NAT system (client -> VIP,
  # rewritten to RIP) with a challenge ACK; the client resets and retries 10 ms later, which
  # showed up as a 10-15 ms p99 for nftables and NAT only. Each system starts clean instead.
  for n in cli dir rs1 rs2; do nsx "$n" ss -K state time-wait >/dev/null 2>&1 || true; done
}

SYS_PIDS=()     # processes of the system under test, stopped when it is done
DIRECTOR_PID="" # the process whose own CPU is reported (our dataplane)

start_haproxy() {
  cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 8000
  pidfile $WORK/haproxy.pid
defaults
  mode tcp
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend http
  bind $VIP:$HTTP_PORT
  default_backend http
backend http
  balance roundrobin
  server rs1 $RS1:$HTTP_PORT
  server rs2 $RS2:$HTTP_PORT
frontend bulk
  bind $VIP:$BULK_PORT
  default_backend bulk
backend bulk
  server rs1 $RS1:$BULK_PORT
EOF
  ip netns exec $P-dir haproxy -db -f "$WORK/haproxy.cfg" >>"$WORK/haproxy.log" 2>&1 &
  SYS_PIDS+=($!); PIDS+=($!)
}

# the dataplane in MODE (DR|NAT|TUN) with its default packet I/O (it logs which): real-server
# helpers first (DR/TUN), then the director
start_dataplane() {
  local mode="$1" m n
  m=$(echo "$mode" | tr 'A-Z' 'a-z')
  cat >"$WORK/director-$m.yaml" <<EOF
generation: 1
interface: eth0
addresses: [$DIP/24]
vips: [$VIP]
routes: [{prefix: 0.0.0.0/0, via: $RTR_S}]
services:
  - {name: bench/http, vip: $VIP, port: $HTTP_PORT, mode: $mode, scheduler: rr,
     realServers: [{address: $RS1}, {address: $RS2}]}
  - {name: bench/bulk, vip: $VIP, port: $BULK_PORT, mode: $mode, scheduler: rr,
     realServers: [{address: $RS1}]}
  - {name: bench/udp, vip: $VIP, port: $UDP_PORT, protocol: UDP, mode: $mode, scheduler: rr,
     realServers: [{address: $RS1}, {address: $RS2}]}
EOF
  if [ "$mode" != NAT ]; then
    for n in rs1 rs2; do
      ip netns exec "$P-$n" "${DATAPLANE[@]}" realserver --interface eth0 --mode "$m" --vip $VIP \
        >>"$WORK/realserver-$n-$m.log" 2>&1 &
      SYS_PIDS+=($!); PIDS+=($!)
    done
    # ready once the VIP is on lo (and, for TUN, the unwrapping device exists)
    for n in rs1 rs2; do
      for _ in $(seq 1 150); do
        if ip -n "$P-$n" -4 addr show dev lo | grep -q "$VIP/" &&
           { [ "$mode" != TUN ] || ip -n "$P-$n" link show lvstun0 >/dev/null 2>&1; }; then break; fi
        sleep 0.1
      done
    done
  fi
  ip netns exec $P-dir "${DATAPLANE[@]}" run --config "$WORK/director-$m.yaml" --interface eth0 \
    --workers "$WORKERS" ${BUSY_POLL:+--busy-poll "$BUSY_POLL"} >>"$WORK/director-$m.log" 2>&1 &
  DIRECTOR_PID=$!; SYS_PIDS+=($!); PIDS+=($!)
  local deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    nsx dir curl -sf --max-time 1 -o /dev/null http://127.0.0.1:7479/healthz && return 0
    sleep 0.1
  done
  say "  $m: the director did not become healthy in 20 s (see $WORK/director-$m.log)"
  return 1
}

# the director namespace's own address and its way back to the client (kernel, nftables, haproxy)
dir_address() {
  ip -n $P-dir addr add $DIP/24 dev eth0
  ip -n $P-dir route add default via $RTR_S
}

# setup_system NAME: routes, addresses and processes for one system; sets UDP_DSTS, TARGET
setup_system() {
  reset_state
  DIRECTOR_PID=""
  case "$1" in
    none)
      UDP_DSTS="$RS1 $RS2"; TARGET=$RS1 ;;
    kernel)
      dir_address
      nsx dir sysctl -qw net.ipv4.ip_forward=1
      ip -n $P-rtr route add $RS1/32 via $DIP
      ip -n $P-rtr route add $RS2/32 via $DIP
      rs_gateway $DIP
      UDP_DSTS="$RS1 $RS2"; TARGET=$RS1 ;;
    nftables)
      dir_address
      nsx dir sysctl -qw net.ipv4.ip_forward=1
      # what kube-proxy's nftables mode does for a ClusterIP/LoadBalancer service
      nsx dir nft -f - <<EOF
table ip lvsbench {
  chain prerouting { type nat hook prerouting priority dstnat; policy accept;
    ip daddr $VIP tcp dport $HTTP_PORT dnat to numgen inc mod 2 map { 0 : $RS1, 1 : $RS2 }
    ip daddr $VIP udp dport $UDP_PORT dnat to numgen inc mod 2 map { 0 : $RS1, 1 : $RS2 }
    ip daddr $VIP tcp dport $BULK_PORT dnat to $RS1
  }
}
EOF
      ip -n $P-rtr route add $VIP/32 via $DIP
      rs_gateway $DIP
      UDP_DSTS="$VIP"; TARGET=$VIP ;;
    haproxy)
      dir_address
      ip -n $P-dir addr add $VIP/32 dev lo
      ip -n $P-rtr route add $VIP/32 via $DIP
      start_haproxy
      UDP_DSTS=""; TARGET=$VIP ;;
    dr|tun)
      start_dataplane "$(echo "$1" | tr 'a-z' 'A-Z')" || return 1
      UDP_DSTS="$VIP"; TARGET=$VIP ;;
    nat)
      rs_gateway $DIP
      start_dataplane NAT || return 1
      UDP_DSTS="$VIP"; TARGET=$VIP ;;
  esac
  # reachable? (ARP, listeners, JVM start) up to about 10 s
  local deadline=$((SECONDS + 10))
  while [ $SECONDS -lt $deadline ]; do
    nsx cli curl -sf -o /dev/null --max-time 1 "http://$TARGET:$HTTP_PORT/" && return 0
    sleep 0.2
  done
  say "  $1: no HTTP answer from $TARGET through it"
  return 1
}

teardown_system() {
  [ "${#SYS_PIDS[@]}" -gt 0 ] && stop_pids "${SYS_PIDS[@]}"
  SYS_PIDS=()
  reset_state
}

# --- measurements -------------------------------------------------------------------------------
rec() { printf '%s\t%s\t%s\t%s\n' "$REP" "$1" "$2" "$3" >>"$RESULTS"; }
calc() { awk "BEGIN { printf \"%.6g\", $* }"; }
udp_delivered() {
  local n t=0 c
  for n in rs1 rs2; do
    c=$(nsx "$n" nft list counter inet lvsbench udp_in 2>/dev/null | awk '/packets/ { print $2 }' || true)
    t=$((t + ${c:-0}))
  done
  echo "$t"
}
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
proc_ticks() { [ -n "$1" ] && awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cli_tx() { nsx cli cat /sys/class/net/eth0/statistics/tx_packets; }

# trafgen on the client, one process; ramp first, then a window of SECS seconds measured at the
# real servers, then a short tail so the window never includes trafgen's start or stop
# (not in $(...): the process must be a child of this shell, to be waited for); sets TG_PID
run_trafgen() { # SECONDS_TOTAL DSTS...
  local total="$1"; shift
  local conf="$WORK/trafgen.cfg" d
  : >"$conf"
  for d in "$@"; do
    for c in "${CLIENT_IPS[@]}"; do
      # 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 18 bytes of payload = 60-byte frames; 1024 flows
      # (source ports) per client, checksums computed by trafgen for every packet
      echo "{ eth(da=$RTR_MAC, sa=$CLI_MAC), ipv4(sa=$c, da=$d, ttl=64, df), udp(sp=dinc(10000, 11023), dp=$UDP_PORT), fill(0x00, 18) }" >>"$conf"
    done
  done
  # bounded in time (timeout) and count (-n); -P 1: one process; --notouch-irq, --no-sock-mem:
  # leave the machine's IRQ affinity and socket memory settings alone
  ip netns exec $P-cli timeout -s INT "$total" trafgen -o eth0 -i "$conf" -P 1 --notouch-irq \
    --no-sock-mem -n $((total * 5000000)) >>"$WORK/trafgen.log" 2>&1 &
  TG_PID=$!; PIDS+=("$TG_PID")
}

# --profile: sample our director (all threads) for S seconds of a window; PROFILE_PID is the
# sampler, "" without --profile or a director
PROFILE_PID=""
profile_start() {
  local sys="$1" window="$2" secs="$3"
  PROFILE_PID=""
  if [ "$PROFILE" = yes ] && [ -n "$DIRECTOR_PID" ]; then
    timeout -s INT "$secs" perf record -q -e cpu-clock -F 999 -g -p "$DIRECTOR_PID" \
      -o "$WORK/perf-$sys-$window-$REP.data" >>"$WORK/perf.log" 2>&1 &
    PROFILE_PID=$!; PIDS+=("$PROFILE_PID")
  fi
}

# where the director's CPU time went during that window: by object (the kernel, the JVM's JIT
# code, libjvm, libc, ...) and the top symbols
profile_end() {
  local sys="$1" window="$2"
  [ -n "$PROFILE_PID" ] || return 0
  wait "$PROFILE_PID" 2>/dev/null || true
  forget_pid "$PROFILE_PID"
  PROFILE_PID=""
  local data="$WORK/perf-$sys-$window-$REP.data" out="$WORK/profile-$sys-$window-$REP.txt"
  [ -s "$data" ] || { say "  $sys: no perf samples (is perf installed and allowed?)"; return; }
  {
    echo "== $sys, $window window (rep $REP): share of the director's samples by object"
    perf report -i "$data" --stdio --no-children --sort dso 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8 || true
    echo "== $sys, $window window (rep $REP): top symbols"
    perf report -i "$data" --stdio --no-children --sort sym 2>/dev/null | grep -E '^ +[0-9.]+%' | head -15 || true
  } >"$out"
  sed 's/^/    /' "$out" >&2
}

measure_udp() {
  local sys="$1"
  if [ -z "$UDP_DSTS" ]; then rec "$sys" udp_pps na; return; fi
  local ramp=1 tail=1 pid
  run_trafgen $((ramp + SECS + tail)) $UDP_DSTS
  pid=$TG_PID
  sleep $ramp
  # the same sequence of reads at both ends of the window, the time stamped first each time
  local t0 d0 c0 o0 p0 t1 d1 c1 o1 p1
  t0=$EPOCHREALTIME; d0=$(udp_delivered); c0=$(machine_busy_ticks); o0=$(cli_tx); p0=$(proc_ticks "$DIRECTOR_PID")
  profile_start "$sys" udp "$SECS"
  sleep "$SECS"
  t1=$EPOCHREALTIME; d1=$(udp_delivered); c1=$(machine_busy_ticks); o1=$(cli_tx); p1=$(proc_ticks "$DIRECTOR_PID")
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
  profile_end "$sys" udp
  local dt pps
  dt=$(calc "$t1 - $t0")
  pps=$(calc "($d1 - $d0) / $dt")
  rec "$sys" udp_offered_pps "$(calc "($o1 - $o0) / $dt")"
  if [ "$d1" -gt "$d0" ]; then
    rec "$sys" udp_pps "$pps"
    rec "$sys" cpu_s_per_mpkt "$(calc "(($c1 - $c0) / $TCK) / (($d1 - $d0) / 1000000)")"
    [ -n "$DIRECTOR_PID" ] && rec "$sys" director_cpu_s_per_mpkt "$(calc "(($p1 - $p0) / $TCK) / (($d1 - $d0) / 1000000)")"
  else
    rec "$sys" udp_pps fail   # nothing arrived: that is a broken path, not a rate
  fi
  printf '  %-9s UDP %8.0f pps delivered (%.0f offered)\n' "$sys" "$pps" "$(calc "($o1 - $o0) / $dt")" >&2
}

# frames through the node that are for no VIP (kubelet, pods, storage: here UDP to a kernel
# address of the director's node that no service uses, dropped by its nftables). Three windows of
# the director's CPU: idle; "control", the same traffic to rs1 (it shares the machine but not the
# director's interface: what contention alone costs); and "background", the traffic to the node.
# bg CPU % = background - control: what frames on its interface cost the director
measure_background() {
  local sys="$1"
  if [ -z "$DIRECTOR_PID" ]; then rec "$sys" bg_cpu_pct na; return; fi
  ip -n $P-dir addr add $NODE_IP/24 dev eth0
  nsx dir nft -f - <<EOF
table inet lvsbench_bg {
  chain input { type filter hook input priority 0; policy accept;
    udp dport $BG_PORT counter drop
  }
}
EOF
  sleep 2   # the director sees the new kernel address within a second and recompiles
  local idle control busy
  idle=$(cpu_window "")
  control=$(cpu_window "$RS1" $UDP_PORT)
  busy=$(cpu_window "$NODE_IP" $BG_PORT)
  nsx dir nft delete table inet lvsbench_bg
  ip -n $P-dir addr del $NODE_IP/24 dev eth0
  local pct kpps seen
  read -r pct kpps seen <<<"$busy"
  rec "$sys" idle_cpu_pct "${idle%% *}"
  rec "$sys" control_cpu_pct "${control%% *}"
  rec "$sys" bg_busy_cpu_pct "$pct"
  rec "$sys" bg_kpps "$kpps"
  rec "$sys" bg_seen_per_s "$seen"
  rec "$sys" bg_cpu_pct "$(calc "$pct - ${control%% *}")"
  printf '  %-9s background %.0f kpps: director %.2f%% of a core (same traffic to rs1: %.2f%%, idle: %.2f%%), %.0f frames/s reached it\n' \
    "$sys" "$kpps" "$pct" "${control%% *}" "${idle%% *}" "$seen" >&2
}
# cpu_window [DST PORT]: one window of SECS seconds, with BG_RATE frames/s from the client to
# DST:PORT when given; prints the director's CPU in % of a core, the kpps its interface received
# and the frames/s that reached the dataplane
cpu_window() {
  local dst="$1" port="${2:-}" pid="" conf="$WORK/trafgen-bg.cfg" total=$((SECS + 2))
  if [ -n "$dst" ]; then
    echo "{ eth(da=$RTR_MAC, sa=$CLI_MAC), ipv4(sa=$CIP, da=$dst, ttl=64, df), udp(sp=dinc(10000, 11023), dp=$port), fill(0x00, 18) }" >"$conf"
    ip netns exec $P-cli timeout -s INT "$total" trafgen -o eth0 -i "$conf" -P 1 --notouch-irq --no-sock-mem \
      -b "${BG_RATE}pps" -n $((total * BG_RATE)) >>"$WORK/trafgen.log" 2>&1 &
    pid=$!
    sleep 1
  fi
  local t0 r0 p0 s0 t1 r1 p1 s1 dt
  t0=$EPOCHREALTIME; r0=$(dir_rx); p0=$(proc_ns "$DIRECTOR_PID"); s0=$(seen_frames)
  sleep "$SECS"
  t1=$EPOCHREALTIME; r1=$(dir_rx); p1=$(proc_ns "$DIRECTOR_PID"); s1=$(seen_frames)
  if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi   # timeout ends trafgen with 124
  dt=$(calc "$t1 - $t0")
  echo "$(calc "($p1 - $p0) / 1e9 / $dt * 100") $(calc "($r1 - $r0) / $dt / 1000") $(calc "($s1 - $s0) / $dt")"
}
dir_rx() { nsx dir cat /sys/class/net/eth0/statistics/rx_packets; }
# nanoseconds on CPU of every thread of a process (schedstat: exact, where /proc/PID/stat counts ticks)
proc_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
seen_frames() {
  nsx dir curl -s --max-time 2 http://127.0.0.1:7479/metrics 2>/dev/null | awk '/^lvs_rx_frames_total/ { print $NF }' \
    | head -1 | grep . || echo 0
}

measure_tcp() {
  local sys="$1" out omit=0
  [ "$QUICK" = yes ] || omit=1
  ip netns exec $P-rs1 timeout $((SECS + omit + 15)) iperf3 -s -1 -p $BULK_PORT >>"$WORK/iperf3-server.log" 2>&1 &
  local srv=$!; PIDS+=("$srv")
  for _ in $(seq 1 30); do nsx rs1 ss -ltnH "sport = :$BULK_PORT" | grep -q . && break; sleep 0.1; done
  profile_start "$sys" tcp $((SECS + omit))
  out=$(nsx cli timeout $((SECS + omit + 10)) iperf3 -c "$TARGET" -p $BULK_PORT -t "$SECS" -O $omit -J 2>>"$LOG" || true)
  stop_pids "$srv"
  profile_end "$sys" tcp
  local gbps
  gbps=$(printf '%s' "$out" | python3 -c 'import json,sys
try:
    d = json.load(sys.stdin); print("%.4f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("")' 2>/dev/null || true)
  if [ -z "$gbps" ]; then
    printf '%s\n' "$out" >>"$LOG"; rec "$sys" tcp_gbps fail; say "  $sys: iperf3 failed (see log)"; return
  fi
  rec "$sys" tcp_gbps "$gbps"
  printf '  %-9s TCP %8.2f Gbit/s\n' "$sys" "$gbps" >&2
}

# new connections: wrk, one thread, `Connection: close` so every request is a new connection
measure_conn() {
  local sys="$1" out rps errs
  profile_start "$sys" conn "$SECS"
  out=$(nsx cli timeout $((SECS + 10)) wrk -t1 -c32 -d"${SECS}s" -H 'Connection: close' \
        "http://$TARGET:$HTTP_PORT/" 2>&1 || true)
  profile_end "$sys" conn
  printf '%s: %s\n' "$sys" "$out" >>"$WORK/wrk.log"
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
  errs=$(printf '%s\n' "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }
                                   /Non-2xx/ { print $NF }' | awk '{ s += $1 } END { print s + 0 }')
  if [ -z "$rps" ]; then rec "$sys" conn_per_s fail; say "  $sys: wrk failed"; return; fi
  rec "$sys" conn_per_s "$rps"; rec "$sys" conn_errors "$errs"
  printf '  %-9s HTTP %7.0f new connections/s (%s errors)\n' "$sys" "$rps" "$errs" >&2
}

measure_latency() {
  local sys="$1" out count=$((LAT_RATE * SECS)) cap_pid=""
  if [ "$PROFILE" = yes ]; then
    # each request frame's pass through the director namespace, seen from its switch port
    ip netns exec $P-sw timeout $((SECS * 3 + 12)) tcpdump -i p-dir -nn -tt -S -l -Q inout \
      "tcp port $HTTP_PORT or ip proto 4" >"$WORK/residence-$sys-$REP.txt" 2>>"$LOG" &
    cap_pid=$!; PIDS+=("$cap_pid")
    sleep 1   # tcpdump opens its socket
  fi
  out=$(nsx cli timeout $((SECS * 3 + 10)) python3 "$BENCH/latency.py" --host "$TARGET" \
        --port $HTTP_PORT --rate "$LAT_RATE" --count "$count" 2>>"$LOG" || true)
  if [ -n "$cap_pid" ]; then
    sleep 0.2
    kill -INT "$cap_pid" 2>/dev/null || true
    wait "$cap_pid" 2>/dev/null || true
    forget_pid "$cap_pid"
    local stay
    stay=$(python3 "$BENCH/residence.py" --server "$VIP,$RS1,$RS2" <"$WORK/residence-$sys-$REP.txt")
    printf '  %-9s in the director: %s\n' "$sys" "$stay" >&2
    printf '%s' "$stay" | python3 -c 'import json,sys
d = json.load(sys.stdin)
for k in ("p50_us", "p99_us", "max_us", "conn_p50_us", "conn_p99_us"):
    print(k, "na" if d[k] is None else d[k])' | while read -r k v; do rec "$sys" "dir_stay_$k" "$v"; done
  fi
  printf '%s rep %s: %s\n' "$sys" "$REP" "$out" >>"$WORK/latency.log"
  local p50 p99 errs
  read -r p50 p99 errs < <(printf '%s' "$out" | python3 -c 'import json,sys
try:
    d = json.load(sys.stdin); print(d["p50_ms"] if d["p50_ms"] is not None else "fail", d["p99_ms"] if d["p99_ms"] is not None else "fail", d["errors"])
except Exception:
    print("fail fail 0")')
  rec "$sys" lat_p50_ms "$p50"; rec "$sys" lat_p99_ms "$p99"; rec "$sys" lat_errors "$errs"
  printf '  %-9s latency p50 %s ms, p99 %s ms (%s errors)\n' "$sys" "$p50" "$p99" "$errs" >&2
}

# warm the JIT of our dataplane before measuring (not needed by the kernel or HAProxy, harmless)
warm_up() {
  local pid
  nsx cli timeout 5 wrk -t1 -c8 -d1s -H 'Connection: close' "http://$TARGET:$HTTP_PORT/" >/dev/null 2>&1 || true
  run_trafgen 1 $UDP_DSTS
  wait "$TG_PID" 2>/dev/null || true
  forget_pid "$TG_PID"
}

record_failure() {
  local f
  for f in udp_pps tcp_gbps conn_per_s lat_p50_ms lat_p99_ms bg_cpu_pct; do rec "$1" "$f" fail; done
}

# --- the run: repetitions outside, systems inside (round-robin), rotated each repetition -------
START=$EPOCHREALTIME
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)   # in the JSON: was the machine idle?
say "compare.sh: systems ${SYSTEMS[*]}; $REPS repetition(s) of ${SECS}s per figure; work dir $WORK"
n_sys=${#SYSTEMS[@]}
for REP in $(seq 1 "$REPS"); do
  for k in $(seq 0 $((n_sys - 1))); do
    sys=${SYSTEMS[$(( (k + REP - 1) % n_sys ))]}
    say "[rep $REP/$REPS] $sys"
    if setup_system "$sys"; then
      case "$sys" in dr|nat|tun) warm_up ;; esac
      measure_udp "$sys"
      measure_tcp "$sys"
      measure_conn "$sys"
      measure_latency "$sys"
      measure_background "$sys"
      if [ -n "$DIRECTOR_PID" ]; then
        nsx dir curl -s --max-time 2 http://127.0.0.1:7479/metrics >"$WORK/metrics-$sys-rep$REP.txt" 2>/dev/null || true
        # the drop counters explain a low figure, and the workers it ran (--workers auto resolves at
        # start); copy them into the results
        awk '/^lvs_(drops_total|capture_dropped_total|tx_errors_total)/ && $NF > 0 { print }
             /^lvs_engine_workers/ { print }' \
          "$WORK/metrics-$sys-rep$REP.txt" | while read -r name value; do rec "$sys" "metric:$name" "$value"; done
      fi
    else
      record_failure "$sys"
      KEEP_LOGS=yes
    fi
    teardown_system
  done
done
WALL=$(calc "$EPOCHREALTIME - $START")

# report.py exits 1 when a figure failed (not "n/a"): CI's --quick run then fails, so the script
# cannot rot unnoticed
status=0
python3 "$BENCH/report.py" --results "$RESULTS" --json "$JSON_OUT" --systems "${SYSTEMS[*]}" \
  --reps "$REPS" --seconds "$SECS" --lat-rate "$LAT_RATE" --quick "$QUICK" --wall "$WALL" --workers "$WORKERS" --busy-poll "${BUSY_POLL:-default}" \
  --clients "$CLIENTS" \
  --load-start "$LOAD_START" --jar "$JAR" --jar-copy "$WORK/lvs-dataplane.jar" || status=$?
say "compare.sh: JSON written to $JSON_OUT (wall time ${WALL%.*} s)"
[ "$status" = 0 ] || { KEEP_LOGS=yes; say "compare.sh: some figures failed (FAIL in the table)"; }
exit "$status"
