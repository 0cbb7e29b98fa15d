#!/usr/bin/env bash
# Picks the HTTP stack by measurement (not a test): closed loop, 32 keep-alive connections, against nginx on loopback,
# for Slipway's java.nio client (the one perf:load ships), the JDK HttpClient (sendAsync, HTTP/1.1) and Netty 4.1
# (HttpClientCodec, one event loop). Each candidate: 2 s warm-up then SECS measured, REPEAT times; prints medians.
# Needs: nginx (Debian package), a built module (./mvnw -pl perf-maven-plugin -am install -DskipTests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
root=$(dirname "$module")
SECS=${SECS:-8}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-32}
MVN=("$root/mvnw" -B -q ${MAVEN_ARGS:-})
NETTY=4.1.118.Final

read -r port pidfile _ < <("$here/nginx.sh")
trap 'kill "$(cat "$pidfile")" 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port/"

cp_file=$(mktemp)
"${MVN[@]}" -f "$module/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cp="$module/target/classes:$module/target/test-classes:$(cat "$cp_file")"
"${MVN[@]}" dependency:get -Dartifact=io.netty:netty-codec-http:$NETTY -Dtransitive=true >/dev/null
repos="$HOME/.m2/repository $(echo "${MAVEN_ARGS:-}" | grep -o 'maven.repo.local[.a-z]*=[^ ]*' | cut -d= -f2 | tr '\n' ' ')"
netty_cp=""
for a in common buffer transport resolver codec codec-http handler transport-native-unix-common; do
  # shellcheck disable=SC2086
  jar=$(find $repos -path "*io/netty/netty-$a/$NETTY/netty-$a-$NETTY.jar" 2>/dev/null | head -1)
  netty_cp="$netty_cp:$jar"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A results
for stack in nio jdk netty; do
  vals=()
  for _ in $(seq "$REPEAT"); do
    if [ "$stack" = netty ]; then
      line=$(java -cp "$netty_cp" "$here/stack/NettyClosedLoop.java" "$url" "$CONNS" "$SECS")
    else
      line=$(java -cp "$cp" dev.slipway.perf.bench.StackBench "$url" "$CONNS" "$SECS" "$stack")
    fi
    echo "  $line"
    vals+=("$(echo "$line" | sed -E 's/.*: ([0-9]+) req\/s/\1/')")
  done
  results[$stack]=$(printf '%s\n' "${vals[@]}" | median)
done
wrk_line=$(wrk -t1 -c"$CONNS" -d"${SECS}s" "$url" | awk '/Requests\/sec/ {print int($2)}')
echo "median req/s, $CONNS connections, ${SECS}s x $REPEAT (load average: $(cut -d' ' -f1-3 /proc/loadavg)):"
for stack in nio jdk netty; do
  printf '  %-6s %8s req/s  (%.2fx wrk)\n' "$stack" "${results[$stack]}" "$(echo "${results[$stack]} / $wrk_line" | bc -l)"
done
echo "  wrk    $wrk_line req/s (one run, -t1)"
