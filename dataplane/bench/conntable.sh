#!/usr/bin/env bash
# Connection table benchmarks: heap footprint at 1,000,000 entries, then JMH lookups and inserts
# at 10k/100k/1M entries. Extra arguments go to JMH (for example: -prof gc, or -f 3 for more forks).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl crds,dataplane -am test-compile -DskipTests
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -pl dataplane dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
CP="dataplane/target/test-classes:dataplane/target/classes:crds/target/classes:$(cat "$cp_file")"
java -Xmx512m -cp "$CP" io.lvsoperator.dataplane.bench.ConnectionTableFootprint 1000000
java -cp "$CP" org.openjdk.jmh.Main 'ConnectionTableBenchmark' "$@"
