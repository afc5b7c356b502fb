# `lab.sh scenario NAME`: the steps of the write-up the product grew from, replayed in namespaces
# with a short packet trace each (sourced by lab.sh). Every scenario builds its own small network,
# checks that its trace proves its point, and removes everything it made.
#
# The words: CIP the client's IP, VIP the virtual IP, DIP the director's IP, RIP a real server's IP.

CAPTURES=()
SCENARIO_FAILED=0

proof() {
  local what="$1"; shift
  if "$@" >/dev/null 2>&1; then say "  ok    $what"; else say "  FAIL  $what"; SCENARIO_FAILED=1; fi
}
note() { printf '%s\n' "$@" | fold -s -w 94 | sed 's/^/  # /'; }

# capture NS IF in|out|inout NAME: tcpdump on an interface of the lab into $WORK/NAME.pcap
capture() {
  spawn "$1" "$WORK/$4.log" tcpdump -i "$2" -Q "$3" --immediate-mode -U -n -w "$WORK/$4.pcap" arp or \(ip and not igmp\)
  CAPTURES+=("$LAST_PID")
  wait_for 5 "tcpdump on $1/$2" grep -q "listening on" "$WORK/$4.log"
}
# stops the captures (tcpdump writes what it holds on SIGINT) and turns them into text
captures_stop() {
  local pid f
  sleep 0.3
  for pid in "${CAPTURES[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  CAPTURES=()
  for f in "$WORK"/*.pcap; do tcpdump -r "$f" -tt -e -n 2>/dev/null >"${f%.pcap}.txt" || true; done
}
# trace LABEL=NAME ...: the merged trace of the named captures, with the scenario's names
trace() {
  local args=() c
  for c in "$@"; do args+=("${c%%=*}=$WORK/${c#*=}.txt"); done
  python3 "$LAB/trace.py" "${NAMES[@]}" "${args[@]}" | tee -a "$WORK/trace.txt"
}
has() { grep -Eq -- "$1" "$WORK/trace.txt"; }
count() { grep -Ec -- "$1" "$WORK/trace.txt" || true; }

scenario_begin() {
  WORK="$(mktemp -d /tmp/lvslab-scenario.XXXXXX)"
  : >"$WORK/trace.txt"
  SCENARIO_FAILED=0
  NAMES=()
  section "scenario $1: $2"
}
scenario_end() {
  cleanup
  if [ "$SCENARIO_FAILED" = 0 ]; then say "  scenario $1: proven"; else say "  scenario $1: FAILED"; fi
  return "$SCENARIO_FAILED"
}

# --- arp: a host resolves a neighbour; only the owner answers; the switch learns port -> MAC ---
scenario_arp() {
  scenario_begin arp "a host asks the segment who has an IP; the owner answers; the switch learns"
  local h
  ns_add sw
  ip -n "$PREFIX-sw" link add br0 type bridge
  ip -n "$PREFIX-sw" link set br0 up
  declare -A hip=([a]=198.18.1.1 [b]=198.18.1.2 [c]=198.18.1.3)
  declare -A hmac=([a]=02:00:00:00:01:0a [b]=02:00:00:00:01:0b [c]=02:00:00:00:01:0c)
  for h in a b c; do
    ns_add "$h"
    bridge_port sw br0 "$h" eth0
    addr "$h" eth0 "${hip[$h]}/24" "${hmac[$h]}"
    NAMES+=(--name "${hmac[$h]}=$h" --name "${hip[$h]}=$h")
  done
  # what the switch delivers to each host (out of its port towards that host)
  for h in a b c; do capture sw "p-$h" out "to-$h"; done
  note "host a (198.18.1.1) pings 198.18.1.2 and knows no MAC for it: it sends an ARP request" \
       "to ff:ff:ff:ff:ff:ff; the switch floods it to every port; only b answers, and the switch," \
       "which learned a's port from the request, delivers the reply to a alone"
  nsx a ping -c 1 -W 2 198.18.1.2 >/dev/null || true
  captures_stop
  say "  frames as each host received them:"
  trace "to a=to-a" "to b=to-b" "to c=to-c"
  say "  the switch's forwarding table (bridge fdb: MAC -> port), learned from the frames it saw:"
  bridge -n "$PREFIX-sw" fdb show br br0 | grep -E '^02:00:00:00:01' | grep -v permanent | sed 's/^/    /' \
    | tee "$WORK/fdb.txt"
  say "  host a's neighbour table (ip neigh):"
  nsx a ip neigh show dev eth0 | sed 's/^/    /'
  proof "the request went to ff:ff:ff:ff:ff:ff and reached b and c" \
    bash -c "grep -Eq 'to b .*a > ff:ff:ff:ff:ff:ff +ARP Request who-has b tell a' '$WORK/trace.txt' &&
             grep -Eq 'to c .*a > ff:ff:ff:ff:ff:ff +ARP Request who-has b tell a' '$WORK/trace.txt'"
  proof "exactly one reply, b is-at its MAC, delivered to a only" \
    bash -c "[ \"\$(grep -Ec 'ARP Reply b is-at' '$WORK/trace.txt')\" = 1 ] &&
             grep -Eq 'to a .*b > a +ARP Reply b is-at 02:00:00:00:01:0b \(b\)' '$WORK/trace.txt'"
  proof "c got nothing but the broadcast" bash -c "! grep -E 'to c ' '$WORK/trace.txt' | grep -vq 'ff:ff:ff:ff:ff:ff'"
  proof "the switch learned a on port p-a and b on port p-b" \
    bash -c "grep -q '02:00:00:00:01:0a dev p-a' '$WORK/fdb.txt' && grep -q '02:00:00:00:01:0b dev p-b' '$WORK/fdb.txt'"
  scenario_end arp
}

# --- route: two routers; another network is reachable only with routes both ways ---
scenario_route() {
  scenario_begin route "host 3.2 reaches network 8.0 through two routers once routes point the way"
  local n
  for n in h3 r1 r2 h8; do ns_add "$n"; done
  link h3 eth0 r1 i3; link r1 i4 r2 i4; link r2 i8 h8 eth0
  addr h3 eth0 198.18.3.2/24 02:00:00:00:03:02; addr r1 i3 198.18.3.1/24 02:00:00:00:03:01
  addr r1 i4 198.18.4.1/24 02:00:00:00:04:01;   addr r2 i4 198.18.4.2/24 02:00:00:00:04:02
  addr r2 i8 198.18.8.1/24 02:00:00:00:08:01;   addr h8 eth0 198.18.8.2/24 02:00:00:00:08:02
  nsx h3 ip route add default via 198.18.3.1
  nsx h8 ip route add default via 198.18.8.1
  for n in r1 r2; do nsx "$n" sysctl -qw net.ipv4.ip_forward=1; done
  NAMES=(--name 02:00:00:00:04:01=r1 --name 02:00:00:00:04:02=r2)
  capture r1 i4 inout link
  ping_h8() { { nsx h3 ping -c 1 -W 1 198.18.8.2 2>&1 || true; } | grep -E 'bytes from|Unreachable|100% packet loss' | head -1 || true; }
  say "  r1's routing table: only its connected networks"
  nsx r1 ip -4 route | sed 's/^/    /' 
  local p1 p2 p3 p4
  p1="$(ping_h8)"; say "  1. ping 198.18.8.2 from 198.18.3.2: $p1"
  note "r1 has no route to 198.18.8.0/24, so it answers 'net unreachable'. Add one:" \
       "ip route add 198.18.8.0/24 via 198.18.4.2   (on r1: prefix via next hop)"
  nsx r1 ip route add 198.18.8.0/24 via 198.18.4.2
  p2="$(ping_h8)"; say "  2. ping again: $p2"
  note "the request now reaches h8, but r2 knows no way back to 198.18.3.0/24. On r2:" \
       "ip route add 198.18.3.0/24 via 198.18.4.1"
  nsx r2 ip route add 198.18.3.0/24 via 198.18.4.1
  p3="$(ping_h8)"; say "  3. ping again: $p3"
  note "ip route del 198.18.8.0/24 (on r1): the network is gone again"
  nsx r1 ip route del 198.18.8.0/24
  p4="$(ping_h8)"; say "  4. ping again: $p4"
  captures_stop
  say "  the link between r1 (198.18.4.1) and r2 (198.18.4.2):"
  trace "r1-r2=link"
  proof "without the route r1 answers Destination Net Unreachable" bash -c "[[ '$p1' == *'Net Unreachable'* ]]"
  proof "with a route one way only, no answer" bash -c "[[ '$p2' == *'100% packet loss'* ]]"
  proof "with routes both ways, an answer" bash -c "[[ '$p3' == *'bytes from 198.18.8.2'* ]]"
  proof "after the route is deleted, unreachable again" bash -c "[[ '$p4' == *'Net Unreachable'* ]]"
  proof "the echo request crossed the link r1 -> r2 and the reply came back r2 -> r1" \
    bash -c "grep -Eq 'r1 > r2 +198.18.3.2 > 198.18.8.2: ICMP echo request' '$WORK/trace.txt' &&
             grep -Eq 'r2 > r1 +198.18.8.2 > 198.18.3.2: ICMP echo reply' '$WORK/trace.txt'"
  scenario_end route
}

# --- snat: a home router hides private clients behind its one public address ---
scenario_snat() {
  scenario_begin snat "a home router hides two private clients behind one address (SNAT)"
  local n
  for n in home pc1 pc2 router server; do ns_add "$n"; done
  ip -n "$PREFIX-home" link add br0 type bridge
  ip -n "$PREFIX-home" link set br0 up
  for n in pc1 pc2 router; do bridge_port home br0 "$n" eth0; done
  link router wan server eth0
  addr pc1 eth0 198.18.10.11/24; addr pc2 eth0 198.18.10.12/24; addr router eth0 198.18.10.1/24
  addr router wan 198.19.30.1/24 02:00:00:00:30:01; addr server eth0 198.19.30.100/24 02:00:00:00:30:64
  for n in pc1 pc2; do nsx "$n" ip route add default via 198.18.10.1; done
  nsx router sysctl -qw net.ipv4.ip_forward=1
  # what a home router does: masquerade everything that leaves by its public side
  nsx router nft -f - <<'NFT'
table ip home_nat {
  chain postrouting { type nat hook postrouting priority srcnat; oifname "wan" masquerade; }
}
NFT
  spawn server "$WORK/server.log" python3 "$LAB/server.py" --name server --tcp-port 80
  wait_for 10 "the server" grep -q ready "$WORK/server.log"
  NAMES=(--name 198.19.30.1=router --name 198.19.30.100=server --name 02:00:00:00:30:01=router
    --name 02:00:00:00:30:64=server)
  capture router wan inout wan
  note "pc1 (198.18.10.11) and pc2 (198.18.10.12) both connect from port 40000 to the server;" \
       "the router rewrites the source to its public 198.19.30.1 and, for the second one, the port"
  for n in pc1 pc2; do
    nsx "$n" python3 -c '
import socket
s = socket.create_connection(("198.19.30.100", 80), timeout=2, source_address=("", 40000))
s.sendall(b"hello\n"); print("  %s:40000 got its answer from %s" % (s.getsockname()[0], s.recv(64).decode().strip()))
s.close()'
  done
  captures_stop
  say "  the router's public side (wan), both ways:"
  trace "wan=wan"
  say "  the router's port-mapping table (conntrack: original tuple, then the reply tuple):"
  nsx router grep -E 'dport=80 ' /proc/net/nf_conntrack \
    | sed -E 's/^ipv4 +2 tcp +6 [0-9]+ //; s/ \[ASSURED\]//; s/ (mark|zone|use)=[0-9]+//g' | sed 's/^/    /' \
    | tee "$WORK/conntrack.txt"
  proof "the server saw only the router's address, never a private one" \
    bash -c "! grep -q '198.18.10.' '$WORK/trace.txt' && grep -Eq 'router\.[0-9]+ > server\.80' '$WORK/trace.txt'"
  proof "two connections, two different public ports" \
    bash -c "[ \"\$(grep -Eo 'router\.[0-9]+ > server\.80: TCP \[S\]' '$WORK/trace.txt' | sort -u | wc -l)\" = 2 ]"
  proof "the mapping table holds pc1 and pc2 with their public ports" \
    bash -c "grep -q 'src=198.18.10.11 dst=198.19.30.100 sport=40000' '$WORK/conntrack.txt' &&
             grep -q 'src=198.18.10.12 dst=198.19.30.100 sport=40000' '$WORK/conntrack.txt'"
  scenario_end snat
}

# --- nat, dr, tun: one request through the director ---
#   cli 198.19.1.10 (CIP) -- 198.19.1.1 router 198.18.0.1 --+-- sw --+-- director (DIP 198.18.0.2, VIP 198.18.0.100)
#                                                                    +-- rs1 (RIP 198.18.0.11)
scenario_director() {
  local mode="$1" lower; lower="$(echo "$1" | tr 'A-Z' 'a-z')"
  local rs_port=80 about lesson
  case "$mode" in
    NAT) rs_port=8080; about="NAT: the director rewrites VIP:80 to RIP:8080, and the reply back"
      lesson="look at the director's frames: CIP > VIP:80 arrives, CIP > RIP:8080 leaves; rs1 answers its gateway, the DIP, and the director turns RIP:8080 > CIP back into VIP:80 > CIP" ;;
    DR) about="DR: the director changes only the destination MAC; rs1 answers the client itself"
      lesson="look at the director's frames: CIP > VIP arrives at the director's MAC and leaves to rs1's MAC with the same IPs; rs1 holds the VIP on lo and answers VIP > CIP straight to the router" ;;
    FULLNAT) rs_port=8080; about="FULLNAT: the director rewrites both ends, CIP > VIP:80 becomes VIP:port > RIP:8080, and the reply back"
      lesson="look at the director's frames: CIP > VIP:80 arrives, VIP:port > RIP:8080 leaves (the port is the director's, from 61000-65535); rs1, whose gateway is the router, asks who has the VIP on its own link and answers it, and the director turns RIP:8080 > VIP:port back into VIP:80 > CIP. rs1 never sees the client's address: that is the price, and why it works on any network (a pod's CNI). The source is the VIP (fullNatSource: VIP, the default), so the replies follow the VIP to whichever director takes it over; fullNatSource: NODE uses the DIP instead" ;;
    TUN) about="TUN: the director wraps the packet in an outer IP header DIP > RIP; rs1 answers itself"
      lesson="look at the director's frames: CIP > VIP arrives and leaves inside an outer header DIP > RIP (IP-in-IP); rs1 unwraps it and answers VIP > CIP straight to the router" ;;
  esac
  scenario_begin "$lower" "$about"
  local n
  for n in cli rtr sw dir rs1; do ns_add "$n"; done
  link cli eth0 rtr c0
  ip -n "$PREFIX-sw" link add br0 type bridge
  ip -n "$PREFIX-sw" link set br0 up
  bridge_port sw br0 rtr s0
  bridge_port sw br0 dir eth0
  bridge_port sw br0 rs1 eth0
  addr cli eth0 198.19.1.10/24; addr rtr c0 198.19.1.1/24
  addr rtr s0 198.18.0.1/24 02:00:00:00:00:01
  addr rs1 eth0 198.18.0.11/24 02:00:00:00:00:11
  ip -n "$PREFIX-dir" link set eth0 address 02:00:00:00:00:02
  ip -n "$PREFIX-dir" link set eth0 up
  nsx cli ip route add default via 198.19.1.1
  nsx rtr sysctl -qw net.ipv4.ip_forward=1
  # NAT replies must pass the director: rs1's gateway is the DIP; DR and TUN replies go to the
  # router, and so would FULLNAT's if they were not addressed to the VIP itself
  nsx rs1 ip route add default via "$([ "$mode" = NAT ] && echo 198.18.0.2 || echo 198.18.0.1)"
  cat >"$WORK/director.yaml" <<YAML
generation: 1
interface: eth0
addresses: [198.18.0.2/24]
vips: [198.18.0.100]
routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
services:
  - {name: lab/$lower, vip: 198.18.0.100, port: 80, mode: $mode, scheduler: rr,
     realServers: [{address: 198.18.0.11, port: $rs_port}]}
YAML
  spawn rs1 "$WORK/server.log" python3 "$LAB/server.py" --name rs1 --tcp-port "$rs_port"
  if [ "$mode" = DR ] || [ "$mode" = TUN ]; then
    spawn rs1 "$WORK/realserver.log" "${DATAPLANE[@]}" realserver --interface eth0 --mode "$lower" --vip 198.18.0.100
    wait_for 30 "the real-server helper" grep -q "198.18.0.100" "$WORK/realserver.log"
  fi
  spawn dir "$WORK/director.log" "${DATAPLANE[@]}" run --config "$WORK/director.yaml" --admin 127.0.0.1:7479
  wait_for 30 "the director" nsx dir curl -sf http://127.0.0.1:7479/healthz
  wait_for 10 "the server" grep -q ready "$WORK/server.log"
  NAMES=(--name 02:00:00:00:00:01=router --name 02:00:00:00:00:02=director --name 02:00:00:00:00:11=rs1
    --name 198.19.1.10=CIP --name 198.18.0.100=VIP --name 198.18.0.2=DIP --name 198.18.0.11=RIP
    --name 198.18.0.1=GW)
  # on the segment, what each host sends into the switch
  capture sw p-rtr in router; capture sw p-dir in director; capture sw p-rs1 in rs1
  local answer
  answer="$(nsx cli python3 "$LAB/client.py" spread --host 198.18.0.100 --port 80 --count 1 --timeout 2 --deadline 5)"
  captures_stop
  say "  the client (CIP 198.19.1.10) asked VIP 198.18.0.100:80 once: $answer"
  note "$lesson"
  say "  frames on the segment, by the host that sent them (MACs first, then IPs):"
  trace router=router director=director rs1=rs1
  local t="$WORK/trace.txt"
  proof "answered by rs1" bash -c "[[ '$answer' == *'\"rs1\": 1'* ]]"
  proof "the router asked who has the VIP and the director answered" \
    bash -c "grep -Eq 'director +director > router +ARP Reply VIP is-at 02:00:00:00:00:02' '$t'"
  case "$mode" in
    DR)
      proof "the director sent CIP > VIP:80 to rs1's MAC, IPs unchanged" \
        bash -c "grep -Eq 'director +director > rs1 +CIP\.[0-9]+ > VIP\.80: TCP \[S\]' '$t'"
      proof "rs1 answered from the VIP straight to the router" \
        bash -c "grep -Eq 'rs1 +rs1 > router +VIP\.80 > CIP\.[0-9]+: TCP \[S\.\]' '$t'"
      proof "no reply passed the director" bash -c "! grep -Eq 'director .*VIP\.80 > CIP' '$t'" ;;
    NAT)
      proof "the director sent CIP > RIP:8080 to rs1" \
        bash -c "grep -Eq 'director +director > rs1 +CIP\.[0-9]+ > RIP\.8080: TCP \[S\]' '$t'"
      proof "rs1 answered RIP:8080 > CIP to the director (its gateway)" \
        bash -c "grep -Eq 'rs1 +rs1 > director +RIP\.8080 > CIP\.[0-9]+: TCP \[S\.\]' '$t'"
      proof "the director sent VIP:80 > CIP to the router" \
        bash -c "grep -Eq 'director +director > router +VIP\.80 > CIP\.[0-9]+: TCP \[S\.\]' '$t'" ;;
    FULLNAT)
      proof "the director sent VIP:port > RIP:8080 to rs1" \
        bash -c "grep -Eq 'director +director > rs1 +VIP\.6[0-9]+ > RIP\.8080: TCP \[S\]' '$t'"
      proof "rs1 asked who has the VIP and the director answered" \
        bash -c "grep -Eq 'director +director > rs1 +ARP Reply VIP is-at 02:00:00:00:00:02' '$t'"
      proof "rs1 answered RIP:8080 > VIP:port to the director, though its gateway is the router" \
        bash -c "grep -Eq 'rs1 +rs1 > director +RIP\.8080 > VIP\.6[0-9]+: TCP \[S\.\]' '$t'"
      proof "the director sent VIP:80 > CIP to the router" \
        bash -c "grep -Eq 'director +director > router +VIP\.80 > CIP\.[0-9]+: TCP \[S\.\]' '$t'"
      proof "the client's address never reached rs1" bash -c "! grep -Eq '> rs1 +CIP' '$t'" ;;
    TUN)
      proof "the director sent DIP > RIP carrying CIP > VIP:80" \
        bash -c "grep -Eq 'director +director > rs1 +DIP > RIP: CIP\.[0-9]+ > VIP\.80: TCP \[S\]' '$t'"
      proof "rs1 answered from the VIP straight to the router" \
        bash -c "grep -Eq 'rs1 +rs1 > router +VIP\.80 > CIP\.[0-9]+: TCP \[S\.\]' '$t'"
      proof "no reply passed the director" bash -c "! grep -Eq 'director .*VIP\.80 > CIP' '$t'" ;;
  esac
  scenario_end "$lower"
}

SCENARIOS=(arp route snat nat dr tun fullnat)
scenario_main() {
  local name="${1:-}" failed=0 s
  [ $# -gt 0 ] && shift
  case "$name" in
    arp) scenario_arp ;;
    route) scenario_route ;;
    snat) scenario_snat ;;
    nat) scenario_director NAT ;;
    dr) scenario_director DR ;;
    tun) scenario_director TUN ;;
    fullnat) scenario_director FULLNAT ;;
    chaos) chaos_main ;;
    failover) failover_main "$@" ;;
    all) for s in "${SCENARIOS[@]}"; do scenario_main "$s" || failed=1; done; return "$failed" ;;
    *) die "scenario: one of ${SCENARIOS[*]} all chaos failover" ;;
  esac
}
