# `lab.sh scenario chaos` (sourced by lab.sh): the lab of cluster.sh under faults, while a client
# sends a request through each VIP every 50 ms. Each fault is marked; lab/chaos.py reports, per
# fault and VIP, the requests that failed and the time until traffic recovered, and fails when
# it did not. Processes are restarted as a kubelet would restart their containers.

CHAOS_MARKS=""
mark() { echo "$1 $2 $(now)" >>"$CHAOS_MARKS"; }
# kill9 PID: SIGKILL a process of the lab and forget it, so that cleanup never signals a number the
# system may have given to another process since
kill9() {
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget "$1"
}
forget() {
  local kept=() p
  for p in "${OWN_PIDS[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  OWN_PIDS=("${kept[@]}")
}

# restart_dataplane NODE: what the kubelet does when the container died (restartPolicy Always)
restart_dataplane() {
  local n="$1"
  RESTARTS=$((${RESTARTS:-0} + 1))
  spawn "$n" "$CLUSTER_WORK/dataplane-$n.restart-$RESTARTS.log" "${KUBE_ENV[@]}" "${DATAPLANE[@]}" run --kubernetes --node "$n" \
    --interface eth0 --state-dir "$CLUSTER_WORK/state-$n" --lease-seconds 3 --admin "${NODE_IP[$n]}:7479"
  DATAPLANE_PID[$n]=$LAST_PID
}
restart_operator() {
  spawn api "$CLUSTER_WORK/operator.restart.log" "${KUBE_ENV[@]}" "$(java_bin)" -Xmx256m -XX:+UseSerialGC \
    -jar "$OPERATOR_JAR" --leader-election=false --server-side-apply=false --http 198.18.0.5:8080 --interface eth0
  OPERATOR_PID=$LAST_PID
}

chaos_faults() {
  local dr_owner nat_owner pid
  dr_owner="$(owner_of web-dr)"; nat_owner="$(owner_of web-nat)"
  say "  web-dr is announced by $dr_owner, web-nat by $nat_owner"

  section "fault: $dr_owner's link goes down for 2 s (ip link set eth0 down; sleep 2; up)"
  mark start link-flap
  nsx "$dr_owner" ip link set eth0 down; sleep 2; nsx "$dr_owner" ip link set eth0 up
  nsx "$dr_owner" ip route replace default via 198.18.0.1
  mark end link-flap
  sleep 6

  section "fault: kill -9 of $nat_owner's dataplane, restarted 1 s later (as the kubelet would)"
  mark start dataplane-kill-9
  kill9 "${DATAPLANE_PID[$nat_owner]}"
  sleep 1; restart_dataplane "$nat_owner"
  mark end dataplane-kill-9
  sleep 8

  section "fault: $dr_owner's dataplane frozen (SIGSTOP) for 3 s"
  mark start dataplane-sigstop
  kill -STOP "${DATAPLANE_PID[$dr_owner]}"; sleep 3; kill -CONT "${DATAPLANE_PID[$dr_owner]}"
  mark end dataplane-sigstop
  sleep 5

  section "fault: kill -9 of the operator, restarted 1 s later"
  mark start operator-kill-9
  kill9 "$OPERATOR_PID"
  sleep 1; restart_operator
  mark end operator-kill-9
  wait_for 90 "the operator" grep -q "operator started" "$CLUSTER_WORK/operator.restart.log" || true
  sleep 3

  section "fault: the operator frozen (SIGSTOP) for 3 s"
  mark start operator-sigstop
  kill -STOP "$OPERATOR_PID"; sleep 3; kill -CONT "$OPERATOR_PID"
  mark end operator-sigstop
  sleep 3

  section "fault: the API server unreachable for 5 s (SIGSTOP), then restarted (killed and started again)"
  mark start api-outage
  kill -STOP "$API_PID"; sleep 5; kill -CONT "$API_PID"
  mark end api-outage
  sleep 3
  mark start api-restart
  # the mock keeps its objects in memory; a real API server keeps them in etcd: they are put back
  kk get virtualservices -o yaml >"$CLUSTER_WORK/virtualservices.saved.yaml"
  kill "$API_PID"; wait "$API_PID" 2>/dev/null || true; forget "$API_PID"
  spawn api "$CLUSTER_WORK/api-server.restart.log" "${API_SERVER[@]}" io.lvsoperator.dataplane.testsupport.MockApiServerMain \
    198.18.0.5 6443
  API_PID=$LAST_PID
  wait_for 60 "the API server" grep -q listening "$CLUSTER_WORK/api-server.restart.log" || true
  kk create --validate=false -f "$CLUSTER_WORK/dataplane-pods.yaml" >/dev/null || true
  kk apply --validate=false -f "$LAB/virtualservices/" >/dev/null || true
  mark end api-restart
  sleep 6

  section "fault: 50 clients hold half-sent requests on each director's admin endpoint for 5 s"
  mark start slow-admin-clients
  local slow
  slow="$(nsx rtr python3 "$LAB/chaos.py" slow-admin "${NODE_IP[node-a]}:7479" "${NODE_IP[node-b]}:7479" --seconds 5)"
  mark end slow-admin-clients
  say "  /healthz probes meanwhile (1 s timeout): $slow"
  [[ "$slow" == *'"failed": 0}'* ]] && check "no probe failed while the admin endpoints were held" yes \
    || check "no probe failed while the admin endpoints were held ($slow)" no
  sleep 2

  section "fault: a spoofed SYN/ACK flood at $DR_VIP:80 (20,000 pairs in 5 s from random sources)"
  mark start synack-flood
  say "  $(nsx rtr python3 "$LAB/chaos.py" flood s0 "$DR_VIP" 80 --pairs 20000 --seconds 5)"
  mark end synack-flood
  sleep 3

  section "fault: forged ARP claiming rs1 (${RS_IP[rs1]}) for another MAC, twice a second for 5 s"
  mark start forged-arp
  say "  $(nsx rtr python3 "$LAB/chaos.py" forge-arp s0 "${RS_IP[rs1]}" --seconds 5)"
  mark end forged-arp
  sleep 4
}

chaos_main() {
  [ ! -e "$CLUSTER_WORK" ] || die "$CLUSTER_WORK exists: a lab is running or was left behind (remove it with: $0 clean)"
  mkdir -p "$CLUSTER_WORK"
  WORK="$CLUSTER_WORK"
  CHAOS_MARKS="$CLUSTER_WORK/chaos-marks"
  : >"$CHAOS_MARKS"
  section "chaos: the lab under faults while a client sends a request through each VIP every 50 ms"
  cluster_topology
  cluster_route_nat_replies
  cluster_start_control_plane || { FAILED=1; return 1; }
  cluster_start_nodes || { FAILED=1; return 1; }
  kk apply --validate=false -f "$LAB/virtualservices/" | sed 's/^/  /'
  wait_for 60 "three Ready VirtualServices" all_ready || { FAILED=1; return 1; }
  wait_for 30 "a first answer" answers || { FAILED=1; return 1; }
  spawn cli "$CLUSTER_WORK/chaos-watch.log" python3 "$LAB/client.py" watch --target "$DR_VIP:80" \
    --target "$NAT_VIP:8080" --target "$TUN_VIP:80" --interval 0.05 --timeout 0.5 --until "$CLUSTER_WORK/chaos.done" \
    --deadline 600
  local watcher=$LAST_PID
  sleep 2
  chaos_faults
  touch "$CLUSTER_WORK/chaos.done"
  wait "$watcher" 2>/dev/null || true
  section "requests that failed during each fault, and the time to recover after it ended"
  python3 "$LAB/chaos.py" report "$CLUSTER_WORK/chaos-watch.log" "$CHAOS_MARKS" | sed 's/^/  /'
  if [ "${PIPESTATUS[0]}" = 0 ] && [ "$FAILED" = 0 ]; then
    section "chaos: traffic recovered from every fault"
  else
    section "chaos: traffic did NOT recover from every fault (logs kept)"
    KEEP_LOGS=1
    FAILED=1
    return 1
  fi
}
