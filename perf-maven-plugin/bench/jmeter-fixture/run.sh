#!/usr/bin/env bash
# Produces perf-maven-plugin/src/test/resources/ingest/jmeter-5.6.3.jtl with real Apache JMeter 5.6.3 (downloaded from
# Maven Central by jmeter-maven-plugin) against server.py on loopback. Not part of CI: the fixture is committed.
# Usage: perf-maven-plugin/bench/jmeter-fixture/run.sh [port]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
port="${1:-18431}"
python3 "$here/server.py" "$port" &
server=$!
trap 'kill "$server"' EXIT
for _ in $(seq 50); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
# a port nobody listens on: bind, read the number, close
closed="$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")"
"$root/mvnw" -B -ntp -f "$here/pom.xml" verify -Dport="$port" -DclosedPort="$closed"
cp "$here/target/jmeter/results/ingest-fixture.csv" "$root/perf-maven-plugin/src/test/resources/ingest/jmeter-5.6.3.jtl"
echo "wrote perf-maven-plugin/src/test/resources/ingest/jmeter-5.6.3.jtl"
