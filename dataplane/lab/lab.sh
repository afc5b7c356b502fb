#!/usr/bin/env bash
# The local lab: the whole product on one machine, in network namespaces only (198.18.0.0/15).
#
#   lab.sh [--once]            a Kubernetes API, the operator, two director nodes running the
#                              dataplane, three real servers, a client behind a router; applies the
#                              VirtualServices of lab/virtualservices/ and a Service of type
#                              LoadBalancer (lab/loadbalancer/) with kubectl, sends traffic
#                              through each VIP and shows the statuses. Stays up until Ctrl-C
#                              (--once: exits after its checks, with status 1 if one failed).
#   lab.sh scenario NAME|all   replays a lesson of the write-up the product grew from, with an
#                              annotated packet trace: arp, route, snat, nat, dr, tun.
#   lab.sh scenario chaos      the lab of the first command under faults (link flap, kill -9 and
#                              SIGSTOP of dataplanes and operator, API outage and restart, slow
#                              admin clients, SYN/ACK flood, forged ARP) while a client sends
#                              requests; prints failed requests and recovery time per fault.
#   lab.sh scenario failover [--quick] [--json]
#                              for DR, NAT and TUN: kill -9, link down, SIGSTOP, restart of the
#                              director announcing the VIP, a rolling restart, kill -9 with the API
#                              server stopped, under 200 held connections; prints per fault the
#                              recovery time, surviving connections, failed requests, ARP overlap
#                              (--json: a JSON array as the last line; --quick: kill -9 only).
#   lab.sh kubectl ARGS...     kubectl against the running lab's API.
#   lab.sh clean               removes what a killed lab left behind (namespaces lvslab-*).
#
# Run as root from a clone; it installs missing Debian packages and builds the jars when they are
# missing. Everything it makes (namespaces, processes, files) is removed when it ends.
set -euo pipefail
LAB="$(cd "$(dirname "$0")" && pwd)"
. "$LAB/lib/common.sh"
. "$LAB/lib/cluster.sh"
. "$LAB/lib/scenarios.sh"
. "$LAB/lib/chaos.sh"
. "$LAB/lib/failover.sh"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }

command="${1:-up}"
case "$command" in
  -h|--help|help) usage; exit 0 ;;
  kubectl)
    shift
    [ -f "$CLUSTER_WORK/kubeconfig" ] || die "no lab is running (start one with: $0)"
    exec ip netns exec "$PREFIX-api" kubectl --kubeconfig "$CLUSTER_WORK/kubeconfig" \
      --cache-dir "$CLUSTER_WORK/kube-cache" "$@" ;;
  clean) require_root; clean_leftovers; exit 0 ;;
esac

require_root "$@"
need_tools
prepare_build
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
case "$command" in
  up|--once)
    once=no
    [ "$command" = --once ] || [ "${2:-}" = --once ] && once=yes
    cluster_main "$once"
    exit "$FAILED" ;;
  scenario)
    shift; scenario_main "$@" ;;
  *) usage >&2; exit 2 ;;
esac
