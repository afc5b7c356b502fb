#!/usr/bin/env bash
# The engine's cost per forwarded frame without packet I/O (JMH, DR/NAT/TUN). Extra arguments go
# to JMH (for example: -prof gc to show that nothing is allocated per frame, -f 3 for more forks).
set -euo pipefail
cd "$(dirname "$0")/../.."
# process-test-classes also writes the test classpath to dataplane/target/lab-classpath.txt
mvn -B -q -pl crds,dataplane -am process-test-classes -DskipTests
CP="dataplane/target/test-classes:dataplane/target/classes:crds/target/classes:$(cat dataplane/target/lab-classpath.txt)"
java -cp "$CP" org.openjdk.jmh.Main 'EngineForwardingBenchmark' "$@"
