#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build (once) the cached Debian root filesystem of the e2e lane: a
# debootstrap --variant=minbase of bookworm with systemd as init, D-Bus, udev
# and kmod, trimmed (docs, man pages, locales, apt lists) and packed as a
# gzip cpio for booting as an initramfs with rdinit=/sbin/init.
#
#   tests/e2e/rootfs.sh      prints the path of the cpio
#
# Cache: ${EDGEAI_CACHE:-$HOME/.cache/edgeai}/e2e/rootfs-<hash>.cpio.gz,
# keyed by this script's contents; MIRROR= overrides the archive.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/e2e
mirror=${MIRROR:-http://deb.debian.org/debian}
pkgs=systemd,systemd-sysv,dbus,udev,kmod,procps,liburing2,polkitd,libpam-systemd,python3-numpy
# the fleet steps (tests/e2e/fleet.sh): containers and the metrics exporter,
# installed by apt in the chroot (debootstrap fails to configure podman's
# dependencies among its base packages)
fleet_pkgs="podman crun conmon prometheus-node-exporter"
key=$( (cat "$0"; echo "$mirror $pkgs $fleet_pkgs") | sha256sum | cut -c1-12)
out=$cache/rootfs-$key.cpio.gz
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi
command -v debootstrap > /dev/null || { echo "e2e: debootstrap is missing (make deps)" >&2; exit 1; }
mkdir -p "$cache"
stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
echo "e2e: debootstrap bookworm into $stage (about a minute, cached afterwards)" >&2
debootstrap --variant=minbase --include="$pkgs" bookworm "$stage" "$mirror" > "$cache/debootstrap.log" 2>&1 || {
	tail -n 20 "$cache/debootstrap.log" >&2
	exit 1
}
echo "e2e: apt-get install $fleet_pkgs in the chroot" >&2
cp /etc/resolv.conf "$stage/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$stage/usr/sbin/policy-rc.d"
chmod 0755 "$stage/usr/sbin/policy-rc.d"
echo "deb $mirror bookworm main" > "$stage/etc/apt/sources.list"
{ chroot "$stage" apt-get update &&
	DEBIAN_FRONTEND=noninteractive chroot "$stage" apt-get install -y --no-install-recommends $fleet_pkgs; } \
	>> "$cache/debootstrap.log" 2>&1 || {
	tail -n 20 "$cache/debootstrap.log" >&2
	exit 1
}
rm -f "$stage/usr/sbin/policy-rc.d" "$stage/etc/resolv.conf"
# trim what a test VM never reads
rm -rf "$stage/usr/share/doc" "$stage/usr/share/man" "$stage/usr/share/info" "$stage/usr/share/locale" \
	"$stage/var/cache/apt" "$stage/var/lib/apt/lists" "$stage/usr/share/zoneinfo" \
	"$stage/var/cache/debconf"/*-old "$stage/usr/share/common-licenses" "$stage/usr/share/lintian"
mkdir -p "$stage/var/cache/apt" "$stage/var/lib/apt/lists"
# a machine id, a root without password on the console, no getty on tty1
: > "$stage/etc/machine-id"
echo edgeai-e2e > "$stage/etc/hostname"
sed -i 's/^root:[^:]*:/root::/' "$stage/etc/shadow"
# an unprivileged operator in the group that polkit rules may trust (edgeai)
chroot "$stage" groupadd -r edgeai
chroot "$stage" useradd -M -N -g users -G edgeai -s /bin/sh edgeops
rm -f "$stage/etc/systemd/system/getty.target.wants/getty@tty1.service"
ln -sf /dev/null "$stage/etc/systemd/system/systemd-timesyncd.service"
ln -sf /dev/null "$stage/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$stage/etc/systemd/system/apt-daily-upgrade.timer"
ln -sf /dev/null "$stage/etc/systemd/system/dpkg-db-backup.timer"
ln -sf /dev/null "$stage/etc/systemd/system/e2scrub_all.timer"
ln -sf /dev/null "$stage/etc/systemd/system/fstrim.timer"
# mktemp -d made the stage 0700; as the guest's / that would lock every
# non-root user (messagebus: dbus-daemon cannot reach NOTIFY_SOCKET) out
chmod 0755 "$stage"
(cd "$stage" && find . -xdev | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "e2e: $(du -sh "$out" | cut -f1) rootfs cached as $out" >&2
echo "$out"
