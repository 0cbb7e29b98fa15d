#!/usr/bin/env bash
# Headless Chromium: the chart test renders perf's SVG charts as a person's browser would (--screenshot) and checks
# the pictures. Fonts come with it (fonts-dejavu is what JFreeChart measures text with when writing the SVG).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
