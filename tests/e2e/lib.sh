# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The systemd board VM, shared by the e2e lane (tests/e2e/run.sh) and
# `make demo` (tests/e2e/demo.sh). Source after setting VM_TOP and sourcing
# tests/vm/lib.sh:
#
#   e2e_stage OUT          make all; the cached Debian rootfs (E2E_ROOTFS);
#                          `make install DESTDIR=$E2E_STAGE PREFIX=/usr` plus
#                          the packaged modules edgeai.ko needs, a fixed
#                          machine id and modules-load.d for edgeai.
#                          Logs in OUT. Returns non-zero with a message.
#   e2e_guest_service NAME SCRIPT
#                          install SCRIPT as /usr/lib/edgeai-e2e/NAME, run by
#                          a oneshot NAME.service once multi-user.target is
#                          reached (after dbus, udev and module loading)
#   e2e_pack_boot OUT SECS boot rootfs + stage as an initramfs with systemd as
#                          PID 1 (rdinit=/sbin/init); OUT gets console.log and
#                          results.log (the guest's ttyS1); the status of
#                          vm_boot (0 iff the guest wrote the end marker)
#
# The guest script writes its results to /dev/ttyS1 (see scenario.sh for
# the framing vm_report expects) and powers the machine off last.
# E2E_STAGE is removed when the sourcing shell exits.

e2e_log() { echo "e2e: $*" >&2; }

e2e_stage() {
	_out=$1
	mkdir -p "$_out"
	vm_setup || { e2e_log "VM prerequisites missing"; return 1; }
	e2e_log "make all"
	make -s -C "$VM_TOP" all > "$_out/make.log" 2>&1 ||
		{ e2e_log "make all failed (see $_out/make.log)"; return 1; }
	E2E_ROOTFS=$("$VM_TOP/tests/e2e/rootfs.sh") ||
		{ e2e_log "building the Debian root filesystem failed"; return 1; }
	E2E_STAGE=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-e2e.XXXXXX") || return 1
	# shellcheck disable=SC2064
	trap "rm -rf '$E2E_STAGE'" EXIT
	e2e_log "make install DESTDIR=$E2E_STAGE PREFIX=/usr"
	make -s -C "$VM_TOP" install DESTDIR="$E2E_STAGE" PREFIX=/usr > "$_out/install.log" 2>&1 ||
		{ e2e_log "make install failed (see $_out/install.log)"; return 1; }

	# the packaged modules edgeai.ko depends on, and the devfreq governor
	_mods=$(vm_modules $(vm_ko_depends "$VM_TOP/kernel/edgeai.ko") governor_simpleondemand) ||
		{ e2e_log "resolving module dependencies failed"; return 1; }
	_mdir=$E2E_STAGE/lib/modules/$VM_KVER
	mkdir -p "$_mdir/kernel/e2e"
	for _m in $_mods; do cp "$_m" "$_mdir/kernel/e2e/"; done
	for _f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "/lib/modules/$VM_KVER/$_f" ] && cp "/lib/modules/$VM_KVER/$_f" "$_mdir/"
	done
	depmod -b "$E2E_STAGE" "$VM_KVER" || { e2e_log "depmod failed"; return 1; }
	# a fixed machine id: an empty /etc/machine-id means "first boot"
	mkdir -p "$E2E_STAGE/etc/modules-load.d"
	echo 6564676561692d6532652d766d000001 > "$E2E_STAGE/etc/machine-id"
	printf 'governor_simpleondemand\nedgeai\n' > "$E2E_STAGE/etc/modules-load.d/edgeai.conf"
}

e2e_guest_service() {
	mkdir -p "$E2E_STAGE/usr/lib/edgeai-e2e" "$E2E_STAGE/etc/systemd/system/multi-user.target.wants"
	cp "$2" "$E2E_STAGE/usr/lib/edgeai-e2e/$1" || return 1
	chmod 0755 "$E2E_STAGE/usr/lib/edgeai-e2e/$1"
	cat > "$E2E_STAGE/etc/systemd/system/$1.service" <<EOC
[Unit]
Description=edgeai VM: $1
After=basic.target dbus.service systemd-modules-load.service systemd-udevd.service

[Service]
Type=oneshot
ExecStart=/usr/lib/edgeai-e2e/$1
StandardOutput=journal+console
EOC
	ln -sf "../$1.service" "$E2E_STAGE/etc/systemd/system/multi-user.target.wants/$1.service"
}

e2e_pack_boot() {
	_out=$1
	# merged /usr: the rootfs has /lib, /bin, /sbin as symlinks into /usr,
	# and an overlay directory of the same name would replace the symlink
	for _d in lib bin sbin lib64; do
		if [ -d "$E2E_STAGE/$_d" ] && [ ! -L "$E2E_STAGE/$_d" ]; then
			mkdir -p "$E2E_STAGE/usr/$_d"
			cp -a "$E2E_STAGE/$_d/." "$E2E_STAGE/usr/$_d/"
			rm -rf "${E2E_STAGE:?}/$_d"
		fi
	done
	# the overlay's "." entry sets the mode of the guest's /: 0755, not
	# mktemp's 0700, which would lock every non-root user out
	chmod 0755 "$E2E_STAGE"
	(cd "$E2E_STAGE" && find . | cpio -o -H newc --quiet | gzip -1) > "$_out/overlay.cpio.gz" ||
		{ e2e_log "packing the overlay failed"; return 1; }
	cat "$E2E_ROOTFS" "$_out/overlay.cpio.gz" > "$_out/initrd.cpio.gz"
	e2e_log "rootfs $(du -h "$E2E_ROOTFS" | cut -f1), overlay $(du -h "$_out/overlay.cpio.gz" | cut -f1); booting (TCG, up to ${2}s)"
	VM_MEM=${VM_MEM:-1536} VM_ECHO=${VM_ECHO:-progress} vm_boot "$_out/initrd.cpio.gz" "$_out" "$2" \
		"rdinit=/sbin/init systemd.default_timeout_start_sec=60 systemd.show_status=0"
}
