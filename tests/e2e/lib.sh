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
#                          With E2E_INSTALL=deb instead: E2E_STAGE is the
#                          whole root filesystem, unpacked, with the .debs of
#                          `make deb` installed by dpkg in a chroot and the
#                          module DKMS built (e2e_install_debs).
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
	if [ "${E2E_INSTALL:-make}" = deb ]; then
		e2e_install_debs "$_out" || return 1
	else
		e2e_log "make install DESTDIR=$E2E_STAGE PREFIX=/usr"
		make -s -C "$VM_TOP" install DESTDIR="$E2E_STAGE" PREFIX=/usr > "$_out/install.log" 2>&1 ||
			{ e2e_log "make install failed (see $_out/install.log)"; return 1; }
	fi

	# the packaged modules edgeai.ko depends on, and the devfreq governor
	# (modprobe finds them by modules.dep and modules.softdep)
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
	# edgeai alone: its MODULE_SOFTDEP brings the devfreq governor along
	echo edgeai > "$E2E_STAGE/etc/modules-load.d/edgeai.conf"
}

# e2e_install_debs OUT - the board installed as a Debian user would: the
# root filesystem unpacked into E2E_STAGE, the packages of `make deb`
# (built again when a file that goes into them is newer) installed with
# dpkg -i in a chroot. edgeai-dkms is only unpacked (dpkg --unpack): its
# postinst runs DKMS, which needs a compiler and kernel headers the board
# does not carry; the module DKMS built from that package on the host
# (tests/vm/dkms.sh) goes where DKMS installs it, updates/dkms/.
e2e_install_debs() {
	_o=$1
	_ver=$(dpkg-parsechangelog -l "$VM_TOP/debian/changelog" -S Version)
	_debs=$VM_TOP/build/deb
	_stale=yes
	if [ -f "$_debs/edgeai-dkms_${_ver}_all.deb" ]; then
		# (the tests and the documentation do not go into the packages)
		_stale=$(cd "$VM_TOP" && git ls-files --cached --others --exclude-standard |
			grep -v -e '^tests/' -e '\.md$' | while read -r _f; do [ -f "$_f" ] && [ "$_f" -nt "$_debs/edgeai-dkms_${_ver}_all.deb" ] && { echo yes; break; }; done)
	fi
	if [ -n "$_stale" ]; then
		e2e_log "make deb (packages older than the tree)"
		DEB_LINTIAN=0 "$VM_TOP/tests/lib/deb.sh" > "$_o/deb.log" 2>&1 ||
			{ e2e_log "make deb failed (see $_o/deb.log)"; return 1; }
	fi
	e2e_log "unpacking the root filesystem; dpkg -i the edgeai packages in a chroot"
	(cd "$E2E_STAGE" && gzip -dc "$E2E_ROOTFS" | cpio -idm --quiet) ||
		{ e2e_log "unpacking $E2E_ROOTFS failed"; return 1; }
	mkdir -p "$E2E_STAGE/var/cache/edgeai-debs"
	for _p in libedgeai0 edgeai-firmware edgeai-tools edgeaid python3-edgeai edgeai-dkms; do
		cp "$_debs/${_p}_${_ver}"_*.deb "$E2E_STAGE/var/cache/edgeai-debs/" ||
			{ e2e_log "no $_p package in build/deb"; return 1; }
	done
	_c=/var/cache/edgeai-debs
	# shellcheck disable=SC2016
	chroot "$E2E_STAGE" sh -c "dpkg -i $_c/libedgeai0_*.deb $_c/edgeai-firmware_*.deb \
		$_c/edgeai-tools_*.deb $_c/edgeaid_*.deb $_c/python3-edgeai_*.deb &&
		dpkg --unpack $_c/edgeai-dkms_*.deb && dpkg-query -W -f='\${Package} \${Version} \${Status}\n' \
		libedgeai0 edgeai-firmware edgeai-tools edgeaid python3-edgeai edgeai-dkms" > "$_o/dpkg.log" 2>&1 ||
		{ cat "$_o/dpkg.log" >&2; e2e_log "dpkg in the chroot failed (see $_o/dpkg.log)"; return 1; }
	grep -E '^(libedgeai0|edgeai|python3-edgeai)' "$_o/dpkg.log" | sed 's/^/e2e: installed: /' >&2
	_ko=$("$VM_TOP/tests/vm/dkms.sh" "$VM_KVER" "$_o/dkms") ||
		{ e2e_log "dkms build/install failed (see $_o/dkms/dkms.log)"; return 1; }
	mkdir -p "$E2E_STAGE/lib/modules/$VM_KVER/updates/dkms"
	cp "$_ko" "$E2E_STAGE/lib/modules/$VM_KVER/updates/dkms/edgeai.ko"
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
	if [ "${E2E_INSTALL:-make}" = deb ]; then
		# the stage is the whole root filesystem
		mv "$_out/overlay.cpio.gz" "$_out/initrd.cpio.gz"
		e2e_log "root filesystem with the packages installed $(du -h "$_out/initrd.cpio.gz" | cut -f1); booting (TCG, up to ${2}s)"
	else
		cat "$E2E_ROOTFS" "$_out/overlay.cpio.gz" > "$_out/initrd.cpio.gz"
		e2e_log "rootfs $(du -h "$E2E_ROOTFS" | cut -f1), overlay $(du -h "$_out/overlay.cpio.gz" | cut -f1); booting (TCG, up to ${2}s)"
	fi
	VM_MEM=${VM_MEM:-1536} VM_ECHO=${VM_ECHO:-progress} vm_boot "$_out/initrd.cpio.gz" "$_out" "$2" \
		"rdinit=/sbin/init systemd.default_timeout_start_sec=60 systemd.show_status=0"
}
