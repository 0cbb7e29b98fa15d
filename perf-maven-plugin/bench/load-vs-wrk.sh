#!/usr/bin/env bash
# Benchmark, not a test: perf:load against wrk and Artillery on the same box, against nginx on loopback.
#  1. closed model: wrk -t1 -c32 -d8s  vs  perf:load -Dperf.connections=32 -Dperf.duration=8s   (target >= 0.7x)
#  2. open model:   Artillery 2 asked for 3000 arrivals/s for 10 s  vs  perf:load open at 40x what Artillery
#                   achieved                                                                     (target >= 40x)
#  3. perf:load open at 20000 arrivals/s: achieved rate vs schedule                              (target within 2 %)
# Each measurement is repeated REPEAT times (default 3) and the median printed. Speed comparisons are skewed while
# other work runs on the machine: the load average is printed with the figures.
# Needs: nginx and wrk (Debian packages), Node 20 + npm (Artillery is installed into bench/node with
# `npm ci --ignore-scripts`), and the plugin installed in the local repository
# (./mvnw -pl perf-maven-plugin -am install -DskipTests; pass the same MAVEN_ARGS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
root=$(dirname "$module")
REPEAT=${REPEAT:-3}
ART_RATE=${ART_RATE:-3000}
ART_SECS=${ART_SECS:-10}
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$module/pom.xml" | head -1)
plugin="dev.slipway:perf-maven-plugin:$version:load"

for tool in nginx wrk node npm; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing: $tool" >&2; exit 2; }
done
if [ ! -x "$here/node/node_modules/.bin/artillery" ]; then
  (cd "$here/node" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
artillery="$here/node/node_modules/.bin/artillery"

read -r port pidfile _ < <("$here/nginx.sh")
work=$(mktemp -d /tmp/slipway-bench.XXXXXX)
trap 'kill "$(cat "$pidfile")" 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port/"
echo "nginx on $url; results in $work"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

perf_load() { # out-dir, extra -D args...
  local out=$1; shift
  (cd "$work" && "$root/mvnw" -B -q ${MAVEN_ARGS:-} "$plugin" -Dperf.target="$url" -Dperf.outputDirectory="$out" \
    -Dperf.progressInterval=60s "$@" >"$out.log" 2>&1) || { cat "$out.log" >&2; exit 1; }
}

echo "== 1. closed model, 32 connections, 8 s"
wrk_vals=(); perf_vals=()
for i in $(seq "$REPEAT"); do
  w=$(wrk -t1 -c32 -d8s "$url" | awk '/Requests\/sec/ {print $2}')
  perf_load "$work/closed-$i" -Dperf.connections=32 -Dperf.duration=8s -Dperf.warmup=0s
  p=$(json "$work/closed-$i/load-run-1.json" "d['total']['throughput']")
  echo "  run $i: wrk $w req/s, perf:load $p req/s"
  wrk_vals+=("$w"); perf_vals+=("$p")
done
wrk_med=$(printf '%s\n' "${wrk_vals[@]}" | median)
perf_med=$(printf '%s\n' "${perf_vals[@]}" | median)

echo "== 2. Artillery open model, $ART_RATE arrivals/s for $ART_SECS s"
cat > "$work/artillery.yml" <<YML
config:
  target: "http://127.0.0.1:$port"
  phases:
    - duration: $ART_SECS
      arrivalRate: $ART_RATE
scenarios:
  - flow:
      - get:
          url: "/"
YML
art_vals=()
for i in $(seq "$REPEAT"); do
  start=$(date +%s.%N)
  "$artillery" run --output "$work/artillery-$i.json" "$work/artillery.yml" >"$work/artillery-$i.log" 2>&1
  end=$(date +%s.%N)
  # Achieved rate over the time Artillery needed for the schedule (it falls behind, so this exceeds the schedule).
  a=$(json "$work/artillery-$i.json" "round(d['aggregate']['counters'].get('http.responses',0) / ((d['aggregate']['lastCounterAt']-d['aggregate']['firstCounterAt'])/1000.0), 1)")
  echo "  run $i: Artillery $a req/s (asked $ART_RATE/s; wall time $(printf '%.1f' "$(echo "$end - $start" | bc)") s for a ${ART_SECS} s schedule)"
  art_vals+=("$a")
done
art_med=$(printf '%s\n' "${art_vals[@]}" | median)
open_rate=$(printf '%.0f' "$(echo "$art_med * 40" | bc -l)")

echo "== 2b. perf:load open model at 40x Artillery = $open_rate arrivals/s for 8 s"
open_vals=()
for i in $(seq "$REPEAT"); do
  perf_load "$work/open40-$i" -Dperf.rate="$open_rate" -Dperf.duration=8s -Dperf.warmup=1s
  o=$(json "$work/open40-$i/load-run-1.json" "d['total']['metrics']['achievedRate']['value']")
  lag=$(json "$work/open40-$i/load-run-1.json" "d['total']['metrics'].get('sendLag.p99',{}).get('value')")
  p99=$(json "$work/open40-$i/load-run-1.json" "d['total']['latency']['p99']")
  echo "  run $i: perf:load achieved $o req/s (send lag p99 $lag ms, latency p99 $p99 ms)"
  open_vals+=("$o")
done
open_med=$(printf '%s\n' "${open_vals[@]}" | median)

echo "== 3. perf:load open model at 20000 arrivals/s for 8 s"
s_vals=()
for i in $(seq "$REPEAT"); do
  perf_load "$work/open20k-$i" -Dperf.rate=20000 -Dperf.duration=8s -Dperf.warmup=1s
  o=$(json "$work/open20k-$i/load-run-1.json" "d['total']['metrics']['achievedRate']['value']")
  sch=$(json "$work/open20k-$i/load-run-1.json" "d['total']['metrics']['scheduledRate']['value']")
  lat=$(json "$work/open20k-$i/load-run-1.json" "'p50 %s / p99 %s ms' % (d['total']['latency']['p50'], d['total']['latency']['p99'])")
  lag=$(json "$work/open20k-$i/load-run-1.json" "d['total']['metrics'].get('sendLag.p99',{}).get('value')")
  echo "  run $i: scheduled $sch, achieved $o req/s (latency $lat; send lag p99 $lag ms)"
  s_vals+=("$(echo "$o / $sch" | bc -l)")
done
s_med=$(printf '%s\n' "${s_vals[@]}" | median)

echo
echo "== medians of $REPEAT (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
printf '  closed:  perf:load %s req/s vs wrk %s req/s -> %.2fx (target >= 0.70x)\n' "$perf_med" "$wrk_med" "$(echo "$perf_med / $wrk_med" | bc -l)"
printf '  open:    perf:load %s req/s vs Artillery %s req/s -> %.1fx (target >= 40x)\n' "$open_med" "$art_med" "$(echo "$open_med / $art_med" | bc -l)"
printf '  20k/s:   achieved / scheduled = %.4f (target within 2%%: 0.98..1.02)\n' "$s_med"
