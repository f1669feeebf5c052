#!/bin/sh
# Install the Debian packages edgeai's build and tests need. Idempotent:
# only missing packages are installed, and apt is not touched at all when
# nothing is missing.
set -eu

pkgs="
build-essential pkg-config git python3 python3-numpy python3-skimage perl
linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
bc bison flex libelf-dev libssl-dev
qemu-system-x86 busybox-static cpio xz-utils zstd kmod rsync
libdrm-dev liburing-dev libudev-dev libsystemd-dev
debootstrap dbus systemd
clang llvm libclang-rt-14-dev
"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all build and test packages are installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
