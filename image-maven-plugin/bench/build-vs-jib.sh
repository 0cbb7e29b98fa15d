#!/usr/bin/env bash
# Benchmark (not a test): image:build against jib-maven-plugin:3.5.2:build, same base (scratch), same platforms
# (linux/amd64,linux/arm64), same local registry, run alternately (slipway, jib, slipway, jib, ...).
#
# Two projects:
#   example  examples/hello-service (a few classes, no dependencies)
#   large    a generated Spring Boot 3.5 service with about 110 runtime dependency jars (about 80 MB), the size of
#            spring-petclinic; or the project at LARGE_PROJECT=/path (already packaged, jib needs LARGE_MAIN=class)
# Each project is compiled and packaged once; then only the image goal runs (`mvn <plugin>:build`), so the figures
# are the plugins' own (Maven start-up, project and plugin resolution included), not the compiler's.
#
# Cases (whole mvn call, medians over RUNS of wall milliseconds and of CPU milliseconds, user + system of the mvn
# process and its children: on a shared machine the CPU figures move far less than the wall ones):
#   cold       target/slipway and target/jib-cache removed, a new repository in the registry (every blob uploaded)
#   no-change  the same call again right after (caches kept, blobs already pushed)
#   skipped    -Dimage.skip / -Djib.skip (Maven, project resolution and plugin loading only)
#
# Usage: image-maven-plugin/bench/build-vs-jib.sh [RUNS] [example|large|both]   (default 3, both)
# Needs docker-registry (see .ci/setup.d). Slipway is installed into a private local repository under the work
# directory (the outer ~/.m2 is read as a read-only tail), never into ~/.m2 (the example POM names all three
# plugins, so all three are installed there). KEEP=1 keeps the work directory.
set -euo pipefail
runs=${1:-3}
which=${2:-both}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
reg_pid=
cleanup() {
  [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

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

repo=(-Dmaven.repo.local="$work/repo" -Dmaven.repo.local.tail="${MAVEN_REPO_TAIL:-$HOME/.m2/repository}")
(cd "$root" && ./mvnw -B -q -ntp "${repo[@]}" install -DskipTests -pl image-maven-plugin,perf-maven-plugin,deploy-maven-plugin -am)

# A spring-petclinic-sized service: the starters petclinic uses, plus security, mail, AOP and Redis for the jar count.
generate_large() {
  local dir=$1
  mkdir -p "$dir/src/main/java/bench"
  cat > "$dir/src/main/java/bench/Main.java" <<'JAVA'
package bench;

public class Main {
  public static void main(String[] args) {
    System.out.println("large-service");
  }
}
JAVA
  local deps="" a
  for a in actuator cache data-jpa web validation thymeleaf security mail aop data-redis; do
    deps="$deps<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-$a</artifactId></dependency>"
  done
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>large-service</artifactId>
  <version>1.0.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId><artifactId>spring-boot-dependencies</artifactId>
        <version>3.5.7</version><type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    $deps
    <dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>com.github.ben-manes.caffeine</groupId><artifactId>caffeine</artifactId></dependency>
    <dependency><groupId>org.webjars</groupId><artifactId>swagger-ui</artifactId><version>5.34.1</version></dependency>
    <dependency><groupId>jakarta.xml.bind</groupId><artifactId>jakarta.xml.bind-api</artifactId></dependency>
  </dependencies>
</project>
POM
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk "BEGIN{printf \"%.2f\", $1/$2}"; }
# run CMD...: runs it quietly and sets WALL and CPU (ms) from bash's own accounting of the finished command
run() {
  local out TIMEFORMAT='%3R %3U %3S'
  out=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || { echo "failed: $*" >&2; exit 1; }
  read -r WALL U S <<<"$out"
  WALL=$(awk "BEGIN{printf \"%d\", $WALL*1000}"); CPU=$(awk "BEGIN{printf \"%d\", ($U+$S)*1000}")
}

bench_project() {
  local label=$1 app=$2 main=$3
  local mvn_cmd=("$root/mvnw" -B -q -ntp "${repo[@]}" -f "$app/pom.xml")
  local jib=(com.google.cloud.tools:jib-maven-plugin:3.5.2:build -Djib.from.image=scratch
       -Djib.from.platforms=linux/amd64,linux/arm64 -Djib.allowInsecureRegistries=true
       -Djib.container.mainClass="$main" -Djib.container.user=65532 -Djib.container.ports=8080)
  local slipway=(dev.slipway:image-maven-plugin:0.1.0-SNAPSHOT:build -Dimage.insecureRegistries=$reg
       -Dimage.mainClass="$main" -Dimage.platforms=linux/amd64,linux/arm64)

  # package once without any image goal, then resolve both plugins once (jib-maven-plugin from Maven Central), untimed
  "${mvn_cmd[@]}" package -DskipTests -Dimage.skip -Dperf.skip >/dev/null
  "${mvn_cmd[@]}" "${jib[@]}" -Djib.to.image=$reg/$label-warmup-jib >/dev/null
  "${mvn_cmd[@]}" "${slipway[@]}" -Dimage.to=$reg/$label-warmup-slipway >/dev/null

  local -a cold_s=() cold_j=() warm_s=() warm_j=() skip_s=() skip_j=()
  local -a ccold_s=() ccold_j=() cwarm_s=() cwarm_j=() cskip_s=() cskip_j=()
  local i tool args
  for i in $(seq "$runs"); do
    for tool in slipway jib; do
      if [ $tool = slipway ]; then args=("${slipway[@]}" -Dimage.to=$reg/$label-s-$i); skip=-Dimage.skip
      else args=("${jib[@]}" -Djib.to.image=$reg/$label-j-$i); skip=-Djib.skip; fi
      rm -rf "$app/target/slipway" "$app/target/jib-cache"
      local c=() cc=()
      run "${mvn_cmd[@]}" "${args[@]}"; c+=("$WALL"); cc+=("$CPU")
      run "${mvn_cmd[@]}" "${args[@]}"; c+=("$WALL"); cc+=("$CPU")
      run "${mvn_cmd[@]}" "${args[@]}" $skip; c+=("$WALL"); cc+=("$CPU")
      if [ $tool = slipway ]; then
        cold_s+=("${c[0]}"); warm_s+=("${c[1]}"); skip_s+=("${c[2]}")
        ccold_s+=("${cc[0]}"); cwarm_s+=("${cc[1]}"); cskip_s+=("${cc[2]}")
      else
        cold_j+=("${c[0]}"); warm_j+=("${c[1]}"); skip_j+=("${c[2]}")
        ccold_j+=("${cc[0]}"); cwarm_j+=("${cc[1]}"); cskip_j+=("${cc[2]}")
      fi
    done
  done
  local cs cj ws wj ss sj
  cs=$(median "${cold_s[@]}"); cj=$(median "${cold_j[@]}"); ws=$(median "${warm_s[@]}"); wj=$(median "${warm_j[@]}")
  ss=$(median "${skip_s[@]}"); sj=$(median "${skip_j[@]}")
  echo "== $label: $runs runs, whole mvn call running only the image goal, median wall ms (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "cold         image:build $cs   jib:build $cj   ratio $(ratio "$cs" "$cj")x"
  echo "no-change    image:build $ws   jib:build $wj   ratio $(ratio "$ws" "$wj")x"
  echo "skipped      image:build $ss   jib:build $sj   ratio $(ratio "$ss" "$sj")x"
  echo "no-change / cold: image:build $(ratio "$ws" "$cs")x   jib:build $(ratio "$wj" "$cj")x"
  cs=$(median "${ccold_s[@]}"); cj=$(median "${ccold_j[@]}"); ws=$(median "${cwarm_s[@]}"); wj=$(median "${cwarm_j[@]}")
  ss=$(median "${cskip_s[@]}"); sj=$(median "${cskip_j[@]}")
  echo "-- $label: median CPU ms (user + system)"
  echo "cold         image:build $cs   jib:build $cj   ratio $(ratio "$cs" "$cj")x"
  echo "no-change    image:build $ws   jib:build $wj   ratio $(ratio "$ws" "$wj")x"
  echo "skipped      image:build $ss   jib:build $sj   ratio $(ratio "$ss" "$sj")x"
  echo "no-change / cold: image:build $(ratio "$ws" "$cs")x   jib:build $(ratio "$wj" "$cj")x"
}

if [ "$which" = example ] || [ "$which" = both ]; then
  cp -r "$root/examples/hello-service" "$work/example"
  rm -rf "$work/example/target"
  bench_project example "$work/example" dev.slipway.examples.hello.HelloService
fi
if [ "$which" = large ] || [ "$which" = both ]; then
  if [ -n "${LARGE_PROJECT:-}" ]; then
    bench_project large "$LARGE_PROJECT" "${LARGE_MAIN:?set LARGE_MAIN to the main class of LARGE_PROJECT}"
  else
    generate_large "$work/large"
    bench_project large "$work/large" bench.Main
  fi
fi
