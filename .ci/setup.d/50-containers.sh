#!/usr/bin/env bash
# The container runtime the tests run built images with (it/testkit PodmanRuntime, JreBase; facts/containers.md):
# podman + runc serve the Docker Engine API to Testcontainers, mmdebstrap builds the Debian + JRE base image from
# Debian packages (arch-test: its check for foreign architectures), and qemu-user-static + binfmt-support run linux/arm64 binaries (package scripts while building
# the arm64 base, then the arm64 image) under user emulation; busybox-static is the one binary of the test kit's tiny
# test images (BusyboxImage). Nothing under /etc is edited: the test kit writes its own containers.conf and
# registries.conf. Idempotent.
set -euo pipefail
need=()
for pair in podman:podman runc:runc mmdebstrap:mmdebstrap arch-test:arch-test qemu-aarch64-static:qemu-user-static \
            update-binfmts:binfmt-support; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need+=("$pkg")
done
# the dynamic busybox package has the same /bin/busybox: ask dpkg for the static one
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# aarch64 binaries run through the kernel's binfmt_misc handler: mount the file system when the machine has not.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64
fi
echo "aarch64 emulation: $(head -1 /proc/sys/fs/binfmt_misc/qemu-aarch64), $(grep '^flags' /proc/sys/fs/binfmt_misc/qemu-aarch64)"
