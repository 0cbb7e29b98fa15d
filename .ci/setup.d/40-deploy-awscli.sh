#!/usr/bin/env bash
# The awscli is the independent client that proves the ECS simulator speaks the real protocols
# (it/ecs-simulator AwsCliAgainstSimulatorTest). Any awscli works: v1 (pip) or Debian's v2 package.
set -euo pipefail
if ! command -v aws >/dev/null 2>&1; then
  echo "installing: awscli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends awscli
fi
