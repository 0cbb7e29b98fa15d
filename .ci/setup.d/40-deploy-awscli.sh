#!/usr/bin/env bash
# The awscli is the independent client that proves the ECS simulator speaks the real protocols
# (it/ecs-simulator AwsCliAgainstSimulatorTest). Any awscli works for ECS, STS and ELBv2: v1 (pip) or Debian's v2
# package. CloudWatch's awsJson1_0 needs awscli >= 1.32 (1.45 is preinstalled on the CI image); with Debian's 2.9, which
# still sends awsQuery to CloudWatch, the test says so and leaves CloudWatch to the Java SDK's CBOR tests.
set -euo pipefail
if ! command -v aws >/dev/null 2>&1; then
  echo "installing: awscli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends awscli
fi
