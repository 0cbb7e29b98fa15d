#!/usr/bin/env bash
# The real rpm (Debian's rpm 4.18: rpm + rpmbuild) for the image plugin's RPM tests: they build tiny packages and
# install them into an rpmdb.sqlite, the database format of Amazon Linux 2023 and UBI 9, then compare what image:sbom
# reads from it with what `rpm -qa` says. Idempotent.
set -euo pipefail
if ! command -v rpmbuild >/dev/null 2>&1 || ! command -v rpm >/dev/null 2>&1; then
  echo "installing: rpm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends rpm
fi
