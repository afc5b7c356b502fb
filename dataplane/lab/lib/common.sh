# Shared by lab.sh and its parts: what the lab needs on the machine, how it runs the product,
# and the namespaces and processes it owns (and removes). Sourced, not run.

ROOT="$(cd "$LAB/../.." && pwd)"
DATAPLANE_JAR="$ROOT/dataplane/target/lvs-dataplane.jar"
OPERATOR_JAR="$ROOT/operator/target/lvs-operator.jar"
LAB_CLASSPATH_FILE="$ROOT/dataplane/target/lab-classpath.txt"
# every namespace of the lab and its scenarios starts with this; `lab.sh clean` removes them
PREFIX=lvslab
# the lab's own namespaces, processes and files, removed by cleanup
OWN_NS=()
OWN_PIDS=()
WORK=""

say() { printf '%s\n' "$*"; }
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }
# a section header, as the user reads the output
section() { printf '\n== %s\n' "$*"; }

require_root() {
  [ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces (sudo $0 $*)"
}

# Debian packages the lab uses, installed when missing (as .ci/run does for the tests)
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "lab: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_tools() {
  install_missing iproute2 ethtool nftables tcpdump curl python3 iputils-ping
  # kubectl: Debian has an old one (kubernetes-client); a newer one already on the machine is kept
  command -v kubectl >/dev/null || install_missing kubernetes-client
}

# The product: LVS_CLASSPATH (set by the tests) runs development classes; otherwise the jars,
# built here when missing.
java_bin() { if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }
prepare_build() {
  if [ -n "${LVS_CLASSPATH:-}" ]; then
    DATAPLANE=("$(java_bin)" -Xmx256m -XX:+UseSerialGC -cp "$LVS_CLASSPATH" io.lvsoperator.dataplane.Main)
    API_SERVER=("$(java_bin)" -Xmx256m -XX:+UseSerialGC -cp "$LVS_CLASSPATH")
    [ -f "$OPERATOR_JAR" ] || die "missing $OPERATOR_JAR"
    return
  fi
  if [ ! -f "$DATAPLANE_JAR" ] || [ ! -f "$OPERATOR_JAR" ] || [ ! -f "$LAB_CLASSPATH_FILE" ]; then
    section "building the product (mvn -B -q -DskipTests package), once"
    (cd "$ROOT" && mvn -B -q -DskipTests package) || die "build failed"
  fi
  DATAPLANE=("$(java_bin)" -Xmx256m -XX:+UseSerialGC -jar "$DATAPLANE_JAR")
  # the mock API server lives in the dataplane's test classes, with the test dependencies
  API_SERVER=("$(java_bin)" -Xmx256m -XX:+UseSerialGC
    -cp "$ROOT/dataplane/target/test-classes:$ROOT/dataplane/target/classes:$(cat "$LAB_CLASSPATH_FILE")")
}

# Namespaces: ns_add NAME creates $PREFIX-NAME with loopback up; nsx NAME CMD runs in it.
ns_add() {
  local n="$PREFIX-$1"
  ip netns add "$n" || die "cannot create namespace $n (is a lab already running? try: $0 clean)"
  OWN_NS+=("$n")
  ip -n "$n" link set lo up
}
nsx() { local n="$1"; shift; ip netns exec "$PREFIX-$n" "$@"; }

# link A IF_A B IF_B: a veth pair between two of the lab's namespaces, its offloads at their
# defaults as on hosts (checksum offload, TSO): the directors' packet sockets take such frames
link() {
  ip -n "$PREFIX-$1" link add "$2" type veth peer name "$4" netns "$PREFIX-$3"
}
# bridge_port SW BRIDGE HOST IF: HOST's interface IF plugged into BRIDGE of namespace SW as p-HOST
bridge_port() {
  link "$1" "p-$3" "$3" "$4"
  ip -n "$PREFIX-$1" link set "p-$3" master "$2" up
}
# addr HOST IF CIDR [MAC]: an address (and a fixed MAC, so traces read the same every run)
addr() {
  [ -n "${4:-}" ] && ip -n "$PREFIX-$1" link set "$2" address "$4"
  ip -n "$PREFIX-$1" addr add "$3" dev "$2"
  ip -n "$PREFIX-$1" link set "$2" up
}

# spawn NS LOG CMD...: a process of the lab in a namespace; `ip netns exec` execs its command,
# so $! is the process itself
spawn() {
  local n="$1" log="$2"; shift 2
  ip netns exec "$PREFIX-$n" "$@" >"$log" 2>&1 &
  OWN_PIDS+=($!)
  LAST_PID=$!
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# wait_for SECONDS DESCRIPTION CMD...: polls CMD every 0.2 s
wait_for() {
  local seconds="$1" what="$2"; shift 2
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || { say "lab: timed out after ${seconds}s waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}

cleanup() {
  local pid n
  # CONT first: a process stopped by a chaos fault would not see TERM, and wait would hang
  for ((i = ${#OWN_PIDS[@]} - 1; i >= 0; i--)); do
    kill -CONT "${OWN_PIDS[$i]}" 2>/dev/null || true
    kill "${OWN_PIDS[$i]}" 2>/dev/null || true
  done
  for pid in "${OWN_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  OWN_PIDS=()
  for n in "${OWN_NS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  OWN_NS=()
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ -n "${KEEP_LOGS:-}" ]; then
      local kept; kept="$(mktemp -d /tmp/lvslab-logs.XXXXXX)"
      cp -r "$WORK"/. "$kept"/ && say "lab: logs kept in $kept"
    fi
    rm -rf "$WORK"
  fi
  WORK=""
}

# Removes what a lab left behind (killed with SIGKILL, say): its namespaces and their processes.
clean_leftovers() {
  local n pid
  for n in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do
    for pid in $(ip netns pids "$n"); do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in $(ip netns pids "$n"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$n" && say "removed namespace $n"
  done
  rm -rf "/run/$PREFIX"
}
