#!/usr/bin/env bash
# Regenerates the captured frames used by the codec tests: two namespaces joined by a veth,
# real ARP, ICMP echo, TCP and UDP from the kernel, written by tcpdump. Run as root.
set -euo pipefail
cd "$(dirname "$0")"
A=lvsfrm-a; B=lvsfrm-b
cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip -n $A link add eth0 type veth peer name eth0 netns $B
ip -n $A addr add 198.18.7.1/24 dev eth0; ip -n $B addr add 198.18.7.2/24 dev eth0
ip -n $A link set eth0 up; ip -n $B link set eth0 up
ip netns exec $A ethtool -K eth0 tx off rx off >/dev/null; ip netns exec $B ethtool -K eth0 tx off rx off >/dev/null
ip netns exec $B tcpdump -i eth0 -U -w real.pcap -c 8 'arp or icmp or tcp or udp' 2>/dev/null &
DUMP=$!
sleep 1
ip netns exec $A ping -c 1 -W 1 198.18.7.2 >/dev/null
ip netns exec $A bash -c 'exec 3<>/dev/tcp/198.18.7.2/80' 2>/dev/null || true
ip netns exec $A bash -c 'echo hello > /dev/udp/198.18.7.2/5353'
wait $DUMP || true
tcpdump -nn -e -r real.pcap
