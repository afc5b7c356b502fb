#!/usr/bin/env bash
# The fuzzer's long run: structure-aware generated frames (ARP, TCP/UDP to every service and back,
# ICMP echo and errors, IPv4 options, fragments, bad checksums, truncation) through the engine;
# every frame must have exactly one outcome and the tables stay bounded (see docs/hardening.md).
# Usage: fuzz.sh [FRAMES (default 1000000)] [SEED (default: from the clock)]
set -euo pipefail
cd "$(dirname "$0")/../.."
# process-test-classes also writes the test classpath to dataplane/target/lab-classpath.txt
mvn -B -q -pl crds,dataplane -am process-test-classes -DskipTests
CP="dataplane/target/test-classes:dataplane/target/classes:crds/target/classes:$(cat dataplane/target/lab-classpath.txt)"
java -Xmx512m -cp "$CP" io.lvsoperator.dataplane.engine.EngineFuzzRun "${1:-1000000}" "${2:-$(date +%s)}"
