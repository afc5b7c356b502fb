#!/usr/bin/env bash
# The control plane at scale, rerunnable by anyone (docs/scale.md):
#
#   operator/bench/scale.sh [--quick] [--virtual-services N] [--real-servers R] [--directors D] [--churn-seconds S]
#                           [--plain-mock] [--decode-each]
#
# fabric8's mock API server (CRUD mode; given an index and watch events serialized once, as a real
# API server has them, unless --plain-mock) with N VirtualServices of R real servers, D simulated
# directors (the dataplane's real ClusterAgent: watch, assembly, Lease, status; no forwarding),
# the operator jar in its own JVM, then 10 changes/s for S seconds; one real dataplane compile of
# the full configuration in a JVM of its own. The simulated directors share one JVM, and decode
# each large watch event once between them; --decode-each has every one decode it, as if 100
# nodes' work ran on this machine. Full run: 10,000 x 16 x 100 (about 10 minutes on
# 2 cores); --quick: 1,000 x 16 x 10. Prints one JSON object as its last line and fails when a
# figure is past its target (--quick: the targets scaled down, see below). Everything runs on
# 127.0.0.1; no network namespace, no traffic.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N=10000 R=16 D=100 S=30 QUICK=0 MOCK=indexed DECODE=shared
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; N=1000; D=10; S=10 ;;
    --virtual-services) N="$2"; shift ;;
    --real-servers) R="$2"; shift ;;
    --directors) D="$2"; shift ;;
    --churn-seconds) S="$2"; shift ;;
    --plain-mock) MOCK=plain ;;
    --decode-each) DECODE=each ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

OPERATOR_JAR="$ROOT/operator/target/lvs-operator.jar"
CLASSPATH_FILE="$ROOT/dataplane/target/lab-classpath.txt"
if [ ! -f "$OPERATOR_JAR" ] || [ ! -f "$CLASSPATH_FILE" ] || [ ! -d "$ROOT/dataplane/target/test-classes" ]; then
  echo "scale.sh: building (mvn -B -q -DskipTests package), once" >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="$ROOT/dataplane/target/test-classes:$ROOT/dataplane/target/classes:$(cat "$CLASSPATH_FILE")"
WORK="$(mktemp -d /tmp/lvs-scale.XXXXXX)"
# on a failure the operator's log stays, for reading (one file, replaced by the next failure)
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -f "$WORK/operator.log" ]; then
    cp "$WORK/operator.log" /tmp/lvs-scale-operator.log
    echo "scale.sh: the operator's log is in /tmp/lvs-scale-operator.log" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# the harness holds the API server's objects and every simulated director's cache; G1, because a
# stop-the-world full collection of that heap (0.8 s with the parallel collector, seen in a run's
# GC log during the churn) stalls the API server and all directors at once, which no real cluster does
# SCALE_HARNESS_JAVA_OPTIONS / SCALE_OPERATOR_JAVA_OPTIONS: extra JVM options, e.g. a JFR
# recording (docs/scale.md, "Profiling a run")
# shellcheck disable=SC2086
"$JAVA" -Xmx8g -XX:+UseG1GC ${SCALE_HARNESS_JAVA_OPTIONS:-} -cp "$CP" io.lvsoperator.dataplane.bench.ScaleHarness \
  "$OPERATOR_JAR" "$CP" "$WORK" "$N" "$R" "$D" "$S" "$MOCK" "$DECODE" | tee "$WORK/result.json"
RESULT="$(tail -n 1 "$WORK/result.json")"
# the operator's own timeline of the first programming: judging, planning, writing
grep -E "every VirtualService judged|generation 1 written" "$WORK/operator.log" | sed 's/^/operator: /' >&2 || true

# targets of the full run (10,000 x 16 x 100); a smaller run scales the size-bound ones by
# N/10,000 and adds what a JVM costs at any size (docs/scale.md)
status=0
python3 - "$RESULT" "$N" <<'PY' || status=$?
import json, sys
r = json.loads(sys.argv[1]); scale = int(sys.argv[2]) / 10000
def target(full, fixed):
    return full if scale >= 1 else full * scale + fixed
checks = [
    ("changeP99Ms", 1000),
    ("initialProgramSeconds", target(30, 15)),   # the operator's JVM starting
    ("apiBytesPerChange", 64 * 1024),
    ("largestObjectBytes", 1024 * 1024),
    ("operatorHeapMiB", target(512, 96)),        # a JVM with JOSDK and fabric8 at rest
    ("dataplaneCompileMs", target(500, 200)),    # a cold JVM loading and interpreting the compiler
    ("dataplaneHeapMiB", target(512, 128)),      # the connection table of 2^20 entries
]
failed = False
for key, limit in checks:
    value = r.get(key)
    ok = value is not None and value < limit if key != "apiBytesPerChange" else value is not None and value <= limit
    print("%-22s %10s  target %s %g  %s" % (key, value, "<=" if key == "apiBytesPerChange" else "<", limit,
          "ok" if ok else "PAST TARGET"), file=sys.stderr)
    failed |= not ok
sys.exit(1 if failed else 0)
PY
echo "$RESULT"
exit $status
