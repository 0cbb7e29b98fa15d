#!/usr/bin/env bash
# Validation harness of perf:compare's decision rule: false-positive and detection rates on synthetic run series,
# next to the old single-run fixed-threshold rule. Usage: perf-maven-plugin/bench/validate-gate.sh [trials] [seed]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
./mvnw -B -q -pl perf-maven-plugin -am test-compile -Dmaven.main.skip=false >/dev/null
cp_file="$(mktemp)"
./mvnw -B -q -pl perf-maven-plugin dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cp="$here/target/classes:$here/target/test-classes:$(cat "$cp_file")"
rm -f "$cp_file"
exec java -cp "$cp" dev.slipway.perf.bench.GateValidation "$@"
