#!/usr/bin/env bash
# Debian packages the tests drive as real peers: the CNCF registry and skopeo (independent registry client).
set -euo pipefail
need=()
for pair in docker-registry:docker-registry skopeo:skopeo; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
