#!/usr/bin/env bash
# Maven 4.0.0-rc-5, for it/e2e DeployExampleIT: the example must deploy with `mvn -P env=staging ...` under Maven 4
# as well as with the wrapper's Maven 3.9. Resolved from Maven Central through the wrapper (so mirrors in
# settings.xml apply) and unpacked under ~/.cache/slipway, where the e2e module's failsafe configuration looks.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
version=4.0.0-rc-5
dest=${SLIPWAY_TOOLS:-$HOME/.cache/slipway}
if [ -x "$dest/apache-maven-$version/bin/mvn" ]; then
  exit 0
fi
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/mvnw" -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact=org.apache.maven:apache-maven:$version:zip:bin -DoutputDirectory="$tmp" -Dmdep.useBaseVersion=true
command -v unzip >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq;
  apt-get install -y -qq --no-install-recommends unzip; }
unzip -q "$tmp/apache-maven-$version-bin.zip" -d "$dest"
"$dest/apache-maven-$version/bin/mvn" --version | head -1
