#!/bin/sh
# Install the Debian packages edgeai's build and tests need. Idempotent:
# only missing packages are installed, and apt is not touched at all when
# nothing is missing.
#
# arm64 (cross-build and the arm64 board lane): the arm64 architecture is
# added to dpkg for the :arm64 -dev libraries (Multi-Arch: same, they sit
# beside the host's). Packages that would replace host packages are not
# installed but fetched into the cache by tests/arm64/fetch.sh:
# busybox-static:arm64 (it conflicts with the host's busybox-static), and
# linux-headers-6.12-arm64:arm64, which depends on gcc-12:arm64 and would
# remove the host compiler.
#
# prometheus: only for its promtool, which lints edgeaid's metrics (host
# lane) and is copied into the e2e board.
set -eu

pkgs="
build-essential pkg-config git python3 python3-numpy python3-skimage perl
linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
bc bison flex libelf-dev libssl-dev
qemu-system-x86 busybox-static cpio xz-utils zstd kmod rsync
libdrm-dev liburing-dev libudev-dev libsystemd-dev
debootstrap dbus systemd
prometheus python3-yaml
debhelper dh-dkms dkms dh-python dpkg-dev lintian
clang llvm libclang-rt-14-dev
gcc-aarch64-linux-gnu qemu-system-arm qemu-user-static
device-tree-compiler dt-schema
libdrm-dev:arm64 liburing-dev:arm64 libudev-dev:arm64 libsystemd-dev:arm64
"
top=$(cd "$(dirname "$0")/../.." && pwd)

# Only the arm64 lane needs these (it stops with a clear message without
# them), so a failed download does not fail the other lanes' deps.
fetch_arm64() {
	"$top/tests/arm64/fetch.sh" ||
		echo "deps: warning: could not fetch the arm64 board's packages (only make check-arm64 needs them)" >&2
}

add_arch=no
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	add_arch=yes
fi

# A name without ":arch" means the host's architecture (or "all"); with
# arm64 added, dpkg-query lists both architectures of such a package.
native=$(dpkg --print-architecture)
missing=
for p in $pkgs; do
	case $p in
	*:*) want="${p#*:}" ;;
	*) want="$native|all" ;;
	esac
	if ! dpkg-query -W -f='${Status} ${Architecture}\n' "$p" 2>/dev/null |
		grep -Eq "^install ok installed ($want)\$"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ] && [ $add_arch = no ]; then
	echo "deps: all build and test packages are installed"
	fetch_arm64
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ $add_arch = yes ]; then
	echo "deps: dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
fi
apt-get update -q
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
echo "deps: done"
fetch_arm64
