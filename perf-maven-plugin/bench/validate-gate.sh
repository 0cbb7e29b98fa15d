#!/usr/bin/env bash
# Validation harness of perf:compare's decision rule: false-positive and detection rates on synthetic run series,
# next to the old single-run fixed-threshold rule. Usage: perf-maven-plugin/bench/validate-gate.sh [trials] [seed]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# One reactor invocation: the sibling modules (slipway-common, the test kit) then resolve to their target/classes,
# so nothing has to be installed into ~/.m2 first. A relative outputFile lands in each module's own target/.
./mvnw -B -q -ntp -pl perf-maven-plugin -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/validate-gate.classpath -Dmdep.includeScope=test >/dev/null
cp="$here/target/classes:$here/target/test-classes:$(cat "$here/target/validate-gate.classpath")"
exec java -cp "$cp" dev.slipway.perf.bench.GateValidation "$@"
