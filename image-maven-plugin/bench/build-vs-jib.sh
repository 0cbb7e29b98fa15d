#!/usr/bin/env bash
# Benchmark (not a test): image:build against jib-maven-plugin:3.5.2:build on the example service, same base
# (scratch), same platforms (linux/amd64,linux/arm64), same local registry, run alternately.
# The project is compiled and packaged once; then only the image goal runs (`mvn image:build` against
# `mvn jib:build`), so the figures are the plugins' own, not the compiler's.
# Prints the median wall time of each and the ratios:
#   cold   = build caches in target/ removed, new repository in the registry (every blob uploaded)
#   warm   = no-change rebuild right after a build (caches kept, blobs already pushed)
# Usage: image-maven-plugin/bench/build-vs-jib.sh [RUNS]   (default 5; needs docker-registry, see .ci/setup.d)
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $reg_pid 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
reg=127.0.0.1:$port

(cd "$root" && ./mvnw -B -q -ntp install -DskipTests -pl image-maven-plugin -am)
cp -r "$root/examples/hello-service" "$work/app"
rm -rf "$work/app/target"
mvn_cmd=("$root/mvnw" -B -q -ntp -f "$work/app/pom.xml")
main=dev.slipway.examples.hello.HelloService
jib=(com.google.cloud.tools:jib-maven-plugin:3.5.2:build -Djib.from.image=scratch
     -Djib.from.platforms=linux/amd64,linux/arm64 -Djib.allowInsecureRegistries=true
     -Djib.container.mainClass=$main -Djib.container.user=65532 -Djib.container.ports=8080)
slipway=(dev.slipway:image-maven-plugin:0.1.0-SNAPSHOT:build -Dimage.insecureRegistries=$reg)

# package once without any image goal, then resolve both plugins once (jib-maven-plugin from Maven Central), untimed
"${mvn_cmd[@]}" package -DskipTests -Dimage.skip -Dperf.skip >/dev/null
"${mvn_cmd[@]}" "${jib[@]}" -Djib.to.image=$reg/warmup-jib >/dev/null
"${mvn_cmd[@]}" "${slipway[@]}" -Dimage.to=$reg/warmup-slipway >/dev/null

now() { date +%s%N; }
declare -a cold_s cold_j warm_s warm_j
for i in $(seq "$runs"); do
  for tool in slipway jib; do
    if [ $tool = slipway ]; then args=("${slipway[@]}" -Dimage.to=$reg/s-$i); else args=("${jib[@]}" -Djib.to.image=$reg/j-$i); fi
    rm -rf "$work/app/target/slipway" "$work/app/target/jib-cache"
    t0=$(now); "${mvn_cmd[@]}" "${args[@]}" >/dev/null; t1=$(now)
    "${mvn_cmd[@]}" "${args[@]}" >/dev/null; t2=$(now)
    if [ $tool = slipway ]; then cold_s+=($(( (t1-t0)/1000000 ))); warm_s+=($(( (t2-t1)/1000000 )));
    else cold_j+=($(( (t1-t0)/1000000 ))); warm_j+=($(( (t2-t1)/1000000 ))); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms=$(median "${cold_s[@]}"); mj=$(median "${cold_j[@]}"); ws=$(median "${warm_s[@]}"); wj=$(median "${warm_j[@]}")
echo "runs: $runs (whole mvn call running only the image goal, ms; medians)"
echo "cold build   image:build $ms   jib:build $mj   ratio $(awk "BEGIN{printf \"%.2f\", $ms/$mj}")x"
echo "no-change    image:build $ws   jib:build $wj   ratio $(awk "BEGIN{printf \"%.2f\", $ws/$wj}")x"
echo "image:build no-change / cold: $(awk "BEGIN{printf \"%.2f\", $ws/$ms}")x   (jib: $(awk "BEGIN{printf \"%.2f\", $wj/$mj}")x)"
