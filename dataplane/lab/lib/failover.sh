# `lab.sh scenario failover [--quick] [--json]` (sourced by lab.sh): the lab of cluster.sh with
# every VirtualService on the Maglev scheduler, and for each mode (DR, NAT, TUN, and FULLNAT through
# the Service of type LoadBalancer of lab/loadbalancer/, from its VIP) each fault of
# issue 11 struck at the director announcing the VIP, while a client holds long-lived connections
# through it (each asking every 50 ms and checking the answer) and opens new ones at a steady
# rate, and an ARP probe from the router asks who has the VIP every 20 ms. lab/failover.py turns
# each fault into recoverMs, survivedPercent, failedRequests and maxArpOverlapMs; --json prints
# them as a JSON array on the last line. --quick: only the kill -9, 50 connections. To look at
# one case: FAILOVER_MODES="NAT" FAILOVER_ONLY="kill-9" FAILOVER_HELD_OVERRIDE=200.
# FAILOVER_SCHEDULER=rr (or wrr, lc...) runs every VirtualService on that scheduler instead: held
# connections then survive through the connection sync alone. FAILOVER_FULLNAT_SOURCE=NODE has
# the Service's full-NAT leave from the director's node address instead of the VIP.

FAILOVER_FAULTS=(kill-9 link-down sigstop restart rolling-restart api-down-kill-9)
FAILOVER_HELD=200
FAILOVER_RESULTS=()

# state NODE: the director's /v1/state (answered on the node's loopback only)
state() { nsx "$1" curl -s --max-time 2 "http://127.0.0.1:7479/v1/state" 2>/dev/null || true; }
# announcer VIP: the node whose dataplane says it announces VIP (none, or several, say so)
announcer() {
  local n out=()
  for n in "${NODES[@]}"; do
    state "$n" | python3 -c 'import json,sys
try: s = json.load(sys.stdin)
except ValueError: sys.exit(1)
sys.exit(0 if sys.argv[1] in s.get("announced", []) else 1)' "$1" && out+=("$n")
  done
  echo "${out[*]}"
}
priority_of() {
  state "$1" | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get("priority", -1))
except ValueError: print(-1)'
}
# steady VIP: one director announces VIP and every director claims (priority 100): no move pending
steady() {
  local n owners
  for n in "${NODES[@]}"; do [ "$(priority_of "$n")" = 100 ] || return 1; done
  owners="$(announcer "$1")"
  [ -n "$owners" ] && [ "$owners" = "${owners%% *}" ]
}
ready_node() { nsx "$1" curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:7479/healthz" | grep -q 200; }

# strike FAULT NODE: the fault itself; sets FAULT_AT (unix time the fault struck: once the process is
# dead, stopped or the link down; at the SIGTERM for a restart, whose resignation takes effect at once)
strike() {
  local fault="$1" node="$2" other n
  other=node-a; [ "$node" = node-a ] && other=node-b
  case "$fault" in
    kill-9)
      kill9 "${DATAPLANE_PID[$node]}"; FAULT_AT="$(now)"
      sleep 1; restart_dataplane "$node" ;;
    link-down)
      nsx "$node" ip link set eth0 down; FAULT_AT="$(now)"
      sleep 3; nsx "$node" ip link set eth0 up; nsx "$node" ip route replace default via 198.18.0.1 ;;
    sigstop)
      kill -STOP "${DATAPLANE_PID[$node]}"; FAULT_AT="$(now)"
      sleep 3; kill -CONT "${DATAPLANE_PID[$node]}" ;;
    restart)
      FAULT_AT="$(now)"; stop_pid "${DATAPLANE_PID[$node]}"; forget "${DATAPLANE_PID[$node]}"
      restart_dataplane "$node" ;;
    rolling-restart)
      # as a DaemonSet update: one pod at a time, the next once the new one is Ready
      FAULT_AT="$(now)"
      for n in "$node" "$other"; do
        stop_pid "${DATAPLANE_PID[$n]}"; forget "${DATAPLANE_PID[$n]}"
        restart_dataplane "$n"
        wait_for 60 "the new dataplane of $n to be Ready" ready_node "$n" || true
      done ;;
    api-down-kill-9)
      kill -STOP "$API_PID"; sleep 0.5
      kill9 "${DATAPLANE_PID[$node]}"; FAULT_AT="$(now)"
      sleep 1; restart_dataplane "$node"
      sleep 3; kill -CONT "$API_PID" ;;
  esac
}

# run_fault MODE VIP PORT FAULT
run_fault() {
  local mode="$1" vip="$2" port="$3" fault="$4" id="$1-$4" owner client probe
  wait_for 60 "$vip to be steady (one announcer, every director claiming)" steady "$vip" \
    || { check "$mode $fault: $vip steady before the fault" no; return; }
  owner="$(announcer "$vip")"
  rm -f "$CLUSTER_WORK/done-$id"
  spawn rtr "$CLUSTER_WORK/probe-$id.log" python3 "$LAB/failover.py" probe s0 "$vip" --until "$CLUSTER_WORK/done-$id" \
    --seconds 120
  probe=$LAST_PID
  spawn cli "$CLUSTER_WORK/client-$id.log" python3 "$LAB/client.py" keep --host "$vip" --port "$port" \
    --count "$FAILOVER_HELD" --interval 0.05 --rate 20 --timeout 2 --until "$CLUSTER_WORK/done-$id" --deadline 120
  client=$LAST_PID
  wait_for 60 "$FAILOVER_HELD connections through $vip" grep -q '"ready"' "$CLUSTER_WORK/client-$id.log" \
    || { check "$mode $fault: the client connected" no; return; }
  sleep 1
  strike "$fault" "$owner"
  sleep 4
  touch "$CLUSTER_WORK/done-$id"
  wait "$client" 2>/dev/null || true; forget "$client"
  wait "$probe" 2>/dev/null || true; forget "$probe"
  for n in "${NODES[@]}"; do state "$n" >"$CLUSTER_WORK/state-$id-$n.json"; done
  local row
  row="$(python3 "$LAB/failover.py" report "$CLUSTER_WORK/client-$id.log" "$CLUSTER_WORK/probe-$id.log" "$FAULT_AT" \
    | python3 -c 'import json,sys; r = json.load(sys.stdin); r = {"mode": sys.argv[1], "fault": sys.argv[2], **r}
print(json.dumps(r))' "$mode" "$fault")"
  FAILOVER_RESULTS+=("$row")
  say "  $(printf '%-4s %-16s' "$mode" "$fault") $(python3 -c 'import json,sys; r = json.loads(sys.argv[1])
print("recover %5s ms  survived %5.1f%%  failed %3d  ARP overlap %3d ms  (%d held, %d requests, %d new)" % (
    r["recoverMs"], r["survivedPercent"], r["failedRequests"], r["maxArpOverlapMs"], r["heldConnections"],
    r["requests"], r["newConnections"]))' "$row")  (owner was $owner)"
  # a fault that leaves a director dead would stop the next: every dataplane runs again
  for n in "${NODES[@]}"; do
    kill -0 "${DATAPLANE_PID[$n]}" 2>/dev/null || restart_dataplane "$n"
  done
}

failover_main() {
  local quick=no json=no a
  for a in "$@"; do
    case "$a" in
      --quick) quick=yes ;;
      --json) json=yes ;;
      *) die "scenario failover: unknown option $a (--quick, --json)" ;;
    esac
  done
  [ "$quick" = yes ] && { FAILOVER_FAULTS=(kill-9); FAILOVER_HELD=50; }
  # FAILOVER_MODES / FAILOVER_ONLY (fault names) / FAILOVER_HELD narrow a run down, to look at one case
  [ -n "${FAILOVER_ONLY:-}" ] && read -r -a FAILOVER_FAULTS <<<"$FAILOVER_ONLY"
  FAILOVER_HELD="${FAILOVER_HELD_OVERRIDE:-$FAILOVER_HELD}"
  local modes=(DR NAT TUN FULLNAT)
  [ -n "${FAILOVER_MODES:-}" ] && read -r -a modes <<<"$FAILOVER_MODES"
  [ ! -e "$CLUSTER_WORK" ] || die "$CLUSTER_WORK exists: a lab is running or was left behind (remove it with: $0 clean)"
  mkdir -p "$CLUSTER_WORK"
  WORK="$CLUSTER_WORK"
  section "failover: faults at the director announcing each VIP, $FAILOVER_HELD held connections per VIP, scheduler ${FAILOVER_SCHEDULER:-mh}"
  cluster_topology
  cluster_route_nat_replies
  cluster_start_control_plane || { FAILED=1; return 1; }
  cluster_start_nodes || { FAILED=1; return 1; }
  kk apply --validate=false -f "$LAB/virtualservices/" >/dev/null
  # Maglev: every director sends a flow to the same real server, so one taking over adopts even a
  # connection too young to have been synced
  local vs scheduler="${FAILOVER_SCHEDULER:-mh}"
  for vs in web-dr web-nat web-tun; do
    kk patch virtualservice "$vs" --type merge -p "{\"spec\":{\"scheduler\":\"$scheduler\"}}" >/dev/null
  done
  wait_for 60 "three Ready VirtualServices" all_ready || { FAILED=1; return 1; }
  wait_for 30 "a first answer" answers || { FAILED=1; return 1; }
  if [[ " ${modes[*]} " == *" FULLNAT "* ]]; then
    kk apply --validate=false -f "$LAB/loadbalancer/" >/dev/null
    kk annotate svc web --overwrite "lvsoperator.io/scheduler=$scheduler" \
      "lvsoperator.io/fullnat-source=${FAILOVER_FULLNAT_SOURCE:-VIP}" >/dev/null
    wait_for 60 "an external IP for Service web" has_lb_ip || { FAILED=1; return 1; }
    LB_VIP="$(lb_ip)"
  fi
  local fault mode
  for fault in "${FAILOVER_FAULTS[@]}"; do
    section "fault: $fault"
    for mode in "${modes[@]}"; do
      case "$mode" in
        DR) run_fault DR "$DR_VIP" 80 "$fault" ;;
        NAT) run_fault NAT "$NAT_VIP" 8080 "$fault" ;;
        TUN) run_fault TUN "$TUN_VIP" 80 "$fault" ;;
        FULLNAT) run_fault FULLNAT "$LB_VIP" 80 "$fault" ;;
      esac
    done
  done
  local summary status
  summary="$(printf '%s\n' "${FAILOVER_RESULTS[@]}" | python3 -c 'import json,sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
bad = [r for r in rows if r["recoverMs"] is None or r["recoverMs"] >= 1000 or r["survivedPercent"] < 99
       or (r["fault"] == "rolling-restart" and r["failedRequests"] > 0)]
print("%d of %d faults within the targets (recover < 1000 ms, survived >= 99 %%, no failed request in the rolling restart)"
      % (len(rows) - len(bad), len(rows)))
for r in bad: print("  missed: %s %s" % (r["mode"], r["fault"]))
sys.exit(1 if bad else 0)')" && status=0 || status=$?
  section "failover: $(printf '%s' "$summary" | head -1)"
  printf '%s\n' "$summary" | tail -n +2
  [ "$status" = 0 ] || { FAILED=1; KEEP_LOGS=1; }
  if [ "$json" = yes ]; then
    printf '%s\n' "${FAILOVER_RESULTS[@]}" | python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin if l.strip()]))'
  fi
  [ "$FAILED" = 0 ]
}
