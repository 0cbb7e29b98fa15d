#!/usr/bin/env bash
# The independent Sigstore tools the signing tests run, pinned by it/sigstore-fakes/node/package-lock.json, all on
# Node 20: @sigstore/verify 3.1.1 (the verifier), @sigstore/sign 4.1.0 (key-signed bundles), @sigstore/oci 0.6.0
# (attaches bundles as referrers, as GitHub's attest action does), tweetnacl 1.0.3 (secretbox, for cosign.key
# fixtures). Also openssl, which checks key-mode signatures.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v node >/dev/null 2>&1 || { echo "node (>= 20.17) is required for it/sigstore-fakes/node" >&2; exit 1; }
if ! command -v openssl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssl
fi
cd "$here/it/sigstore-fakes/node"
if [ ! -d node_modules/@sigstore/verify ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
