#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The e2e lane: a Debian bookworm root filesystem with systemd as PID 1
# (tests/e2e/rootfs.sh, cached) plus an overlay with `make install
# DESTDIR=...` (module, firmware, libedgeai, edgeaid, edgeaictl, units, udev
# rule, D-Bus policy), the packaged modules edgeai.ko needs, and the
# scenario (tests/e2e/scenario.sh as edgeai-e2e.service), booted on Debian's
# 6.12 kernel as an initramfs with rdinit=/sbin/init. Results come over
# ttyS1 and are reported by tests/vm/lib.sh's vm_report.
#
#   tests/e2e/run.sh        ends with "N passed, N failed, N skipped";
#                           writes build/results/e2e.counts; logs in build/e2e/
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
. tests/vm/lib.sh
out=$top/build/e2e
results=$top/build/results
counts=$results/e2e.counts
mkdir -p "$out" "$results"
rm -f "$counts"
t0=$(date +%s)

fail_setup() {
	echo "not ok 1 - e2e setup: $*"
	echo "0 1 0" > "$counts"
	echo "0 passed, 1 failed"
	exit 1
}

vm_setup || fail_setup "VM prerequisites missing"
make -s all > "$out/make.log" 2>&1 || fail_setup "make all failed (see build/e2e/make.log)"
rootfs=$(tests/e2e/rootfs.sh) || fail_setup "building the Debian root filesystem failed"

stage=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-e2e.XXXXXX") || fail_setup "mktemp"
trap 'rm -rf "$stage"' EXIT
make -s install DESTDIR="$stage" PREFIX=/usr > "$out/install.log" 2>&1 ||
	fail_setup "make install DESTDIR=... failed (see build/e2e/install.log)"

# the packaged modules edgeai.ko depends on, and the devfreq governor
ko=kernel/edgeai.ko
mods=$(vm_modules $(vm_ko_depends "$ko") governor_simpleondemand) || fail_setup "resolving module dependencies"
mdir=$stage/lib/modules/$VM_KVER
mkdir -p "$mdir/kernel/e2e"
for m in $mods; do cp "$m" "$mdir/kernel/e2e/"; done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "/lib/modules/$VM_KVER/$f" ] && cp "/lib/modules/$VM_KVER/$f" "$mdir/"
done
depmod -b "$stage" "$VM_KVER" || fail_setup "depmod"
# a fixed machine id: an empty /etc/machine-id means "first boot"
mkdir -p "$stage/etc"
echo 6564676561692d6532652d766d000001 > "$stage/etc/machine-id"
mkdir -p "$stage/etc/modules-load.d"
printf 'governor_simpleondemand\nedgeai\n' > "$stage/etc/modules-load.d/edgeai.conf"

# the load generator under two names, for two [Application] rules
mkdir -p "$stage/usr/local/bin"
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm -Itests/kselftest \
	-o "$stage/usr/local/bin/load-heavy" tests/e2e/edgeai-load.c || fail_setup "building edgeai-load"
cp "$stage/usr/local/bin/load-heavy" "$stage/usr/local/bin/load-light"
mkdir -p "$stage/etc/edgeai/edgeaid.conf.d"
cat > "$stage/etc/edgeai/edgeaid.conf.d/50-e2e.conf" <<'EOC'
[Manager]
AutosuspendMSec=250

[Application]
Name=heavy
Executable=/usr/local/bin/load-heavy
Weight=300

[Application]
Name=light
Executable=/usr/local/bin/load-light
Weight=100
EOC

# the scenario as a service once multi-user.target is reached
mkdir -p "$stage/usr/lib/edgeai-e2e" "$stage/etc/systemd/system/multi-user.target.wants"
cp tests/e2e/scenario.sh "$stage/usr/lib/edgeai-e2e/scenario.sh"
cat > "$stage/etc/systemd/system/edgeai-e2e.service" <<'EOC'
[Unit]
Description=edgeai end-to-end scenario
After=basic.target dbus.service systemd-modules-load.service systemd-udevd.service

[Service]
Type=oneshot
ExecStart=/usr/lib/edgeai-e2e/scenario.sh
StandardOutput=journal+console
EOC
ln -sf ../edgeai-e2e.service "$stage/etc/systemd/system/multi-user.target.wants/edgeai-e2e.service"

# merged /usr: the rootfs has /lib, /bin, /sbin as symlinks into /usr, and an
# overlay directory of the same name would replace the symlink
for d in lib bin sbin lib64; do
	if [ -d "$stage/$d" ] && [ ! -L "$stage/$d" ]; then
		mkdir -p "$stage/usr/$d"
		cp -a "$stage/$d/." "$stage/usr/$d/"
		rm -rf "${stage:?}/$d"
	fi
done
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/overlay.cpio.gz" || fail_setup "overlay cpio"
cat "$rootfs" "$out/overlay.cpio.gz" > "$out/initrd.cpio.gz"
echo "e2e: rootfs $(du -h "$rootfs" | cut -f1), overlay $(du -h "$out/overlay.cpio.gz" | cut -f1); booting (TCG, up to ${E2E_TIMEOUT:-600}s)"

VM_MEM=${VM_MEM:-1536} VM_ECHO=${VM_ECHO:-progress} vm_boot "$out/initrd.cpio.gz" "$out" "${E2E_TIMEOUT:-600}" \
	"rdinit=/sbin/init systemd.default_timeout_start_sec=60 systemd.show_status=0"
boot=$?
echo "e2e: guest done after $(($(date +%s) - t0))s (boot status $boot)"
vm_report "$out" $boot "$counts"
