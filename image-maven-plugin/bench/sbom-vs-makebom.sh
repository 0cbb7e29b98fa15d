#!/usr/bin/env bash
# image:sbom vs cyclonedx-maven-plugin 2.9.3 makeBom, side by side, on the example service.
#
# The example gets two runtime dependencies (jackson-databind, commons-compress: 7 jars with transitives) and is
# built on a base image whose layer holds this machine's whole dpkg database, the packages' copyright files, its
# os-release and a JDK (a layer of
# realistic JRE size), so image:sbom reads real OS layers while makeBom reads only the Maven side. Each measured run
# is a whole `mvn` invocation (JVM start, project model, dependency resolution, the goal), the way CI runs it; both
# goals run RUNS times, alternating, after one warm-up each. image:sbom is measured twice: reading every layer
# (layer cache off, -Dimage.sbom.layerCache=false) and with a warm layer cache (the base layer is not read again,
# the usual case between builds). Prints each time, the medians and the ratios image:sbom / makeBom (target <= 1.0).
#
# Needs: docker-registry, skopeo, tar, gzip, sha256sum; the network for Maven Central on the first run.
# Usage: image-maven-plugin/bench/sbom-vs-makebom.sh   (RUNS=7 to change the count; SKIP_INSTALL=1 to reuse the
# plugin already installed in BENCH_REPO)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/slipway-bench.XXXXXX)
BENCH_REPO=${BENCH_REPO:-/tmp/slipway-bench-m2}
OUTER_REPO=${OUTER_REPO:-$HOME/.m2/repository}
MVN=("$ROOT/mvnw" -B -q -ntp "-Dmaven.repo.local=$BENCH_REPO" "-Dmaven.repo.local.tail=$OUTER_REPO")
REGISTRY_PID=
cleanup() {
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  echo "installing the plugin into $BENCH_REPO ..."
  "${MVN[@]}" -f "$ROOT/pom.xml" -pl image-maven-plugin -am install -DskipTests
fi

# --- a base image: one gzip layer with the dpkg database, os-release and a JDK, as an OCI layout -----------------
rootfs=$WORK/rootfs
mkdir -p "$rootfs/var/lib/dpkg" "$rootfs/etc" "$rootfs/opt"
cp /var/lib/dpkg/status "$rootfs/var/lib/dpkg/status"
cp -L /etc/os-release "$rootfs/etc/os-release"
(cd / && find usr/share/doc -maxdepth 2 -name copyright -type f | tar -cf - -T -) | tar -C "$rootfs" -xf -
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
cp -a "$jdk" "$rootfs/opt/java"
rm -rf "$rootfs/opt/java/jmods"
tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$WORK/layer.tar" .
gzip -n -c "$WORK/layer.tar" > "$WORK/layer.tar.gz"
diff_id=$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
layer=$(sha256sum "$WORK/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$WORK/layer.tar.gz")
layout=$WORK/base
mkdir -p "$layout/blobs/sha256"
mv "$WORK/layer.tar.gz" "$layout/blobs/sha256/$layer"
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$diff_id" > "$WORK/config.json"
config=$(sha256sum "$WORK/config.json" | cut -d' ' -f1)
cp "$WORK/config.json" "$layout/blobs/sha256/$config"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
  "$config" "$(stat -c %s "$WORK/config.json")" "$layer" "$layer_size" > "$WORK/manifest.json"
manifest=$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1)
cp "$WORK/manifest.json" "$layout/blobs/sha256/$manifest"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"os":"linux","architecture":"amd64"}}]}' \
  "$manifest" "$(stat -c %s "$WORK/manifest.json")" > "$layout/index.json"
echo "base layer: $((layer_size / 1000000)) MB compressed, $(grep -c '^Package:' /var/lib/dpkg/status) dpkg packages"

# --- a local registry to serve the base to image:build ---------------------------------------------------------
port=$(( 20000 + RANDOM % 20000 ))
registry=$(command -v docker-registry || echo /usr/bin/docker-registry)
cat > "$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: 127.0.0.1:$port
YAML
"$registry" serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$layout" "docker://127.0.0.1:$port/bench/base:1"

# --- the example with runtime dependencies, built once --------------------------------------------------------
project=$WORK/hello-service
cp -r "$ROOT/examples/hello-service" "$project"
rm -rf "$project/target"
deps='<dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>2.19.2</version></dependency><dependency><groupId>org.apache.commons</groupId><artifactId>commons-compress</artifactId><version>1.28.0</version><scope>runtime</scope></dependency>'
sed -i "0,/<dependencies>/s##<dependencies>$deps#" "$project/pom.xml"
"${MVN[@]}" -f "$project/pom.xml" package -DskipTests "-Dimage.from=127.0.0.1:$port/bench/base:1" \
  "-Dimage.insecureRegistries=127.0.0.1:$port" -Dimage.platforms=linux/amd64
kill "$REGISTRY_PID"; REGISTRY_PID=

cache=$WORK/layer-cache
# both goals by full coordinates, so neither pays for plugin prefix resolution
version=$(sed -n 's:.*<slipway.version>\(.*\)</slipway.version>.*:\1:p' "$project/pom.xml")
goal=dev.slipway:image-maven-plugin:$version:sbom
sbom() { "${MVN[@]}" -f "$project/pom.xml" "$goal" -Dimage.sbom.layerCache=false; }
sbomcached() { "${MVN[@]}" -f "$project/pom.xml" "$goal" "-Dimage.sbom.layerCacheDirectory=$cache"; }
makebom() { "${MVN[@]}" -f "$project/pom.xml" org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeBom \
  -Dcyclonedx.skipNotDeployed=false; }
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

sbom > /dev/null; sbomcached > /dev/null; makebom > /dev/null   # warm-up: downloads, page cache, JIT-free JVM start either way
packages=$(grep -c '"purl" : "pkg:deb/' "$project/target/slipway/sbom/hello-service-1.0.0-SNAPSHOT.cdx.json" || true)
echo "image:sbom lists $packages deb packages"

: > "$WORK/sbom.txt"; : > "$WORK/cached.txt"; : > "$WORK/makebom.txt"
for i in $(seq 1 "$RUNS"); do
  a=$(seconds sbom); c=$(seconds sbomcached); b=$(seconds makebom)
  echo "$a" >> "$WORK/sbom.txt"; echo "$c" >> "$WORK/cached.txt"; echo "$b" >> "$WORK/makebom.txt"
  printf 'run %d: image:sbom all layers %.2f s, image:sbom warm cache %.2f s, makeBom %.2f s\n' "$i" "$a" "$c" "$b"
done
ms=$(median < "$WORK/sbom.txt"); mc=$(median < "$WORK/cached.txt"); mb=$(median < "$WORK/makebom.txt")
printf 'median: image:sbom all layers %.2f s, image:sbom warm layer cache %.2f s, makeBom %.2f s\n' "$ms" "$mc" "$mb"
printf 'ratio image:sbom/makeBom = %.2fx reading every layer, %.2fx with a warm layer cache (target <= 1.0x)\n' \
  "$(echo "$ms / $mb" | bc -l)" "$(echo "$mc / $mb" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews all three)"
