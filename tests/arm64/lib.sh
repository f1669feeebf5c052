# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Pieces of the arm64 board lane (tests/arm64/run.sh), sourced after
# tests/vm/lib.sh:
#
#   a64_busybox          fetch busybox-static:arm64 into the cache (once);
#                        sets A64_BUSYBOX
#   a64_kernel           build the board kernel (once per source/config);
#                        sets A64_KDIR, A64_IMAGE, A64_KVER, A64_MODROOT
#   a64_dtb DTSI OUT     QEMU's own DTB (dumpdtb) plus DTSI, compiled
#   a64_schema OUT       processed dt-schema: dtschema's core schemas, the
#                        kernel's thermal and OPP bindings, kernel/bindings
#   a64_boot INITRD DTB DIR SECS [APPEND]
#                        boot the board; like vm_boot (tests/vm/lib.sh)
#   a64_ldd BIN          the shared libraries of an arm64 executable, as
#                        ldd lists them (VM_LDD=a64_ldd vm_initramfs --bin)
#
# Everything expensive lives in $EDGEAI_CACHE/arm64/.

# The machine: the DTB is dumped with the same options it boots with.
A64_MACHINE="-M virt -cpu max -smp 2 -m ${A64_MEM:-1024}"

A64_CACHE=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/arm64
A64_TOP=${A64_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}
. "$A64_TOP/tests/lib/kbuild.sh"

a64_log() { echo "arm64: $*" >&2; }

# a64_busybox - busybox-static:arm64, extracted from the package (installing
# it would remove the host's busybox-static: the packages conflict).
a64_busybox() {
	_v=$(apt-cache show --no-all-versions busybox-static:arm64 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	if [ -z "$_v" ]; then
		a64_log "apt knows no busybox-static:arm64: run 'make deps' (adds the arm64 architecture)"
		return 1
	fi
	_d=$A64_CACHE/busybox-$(echo "$_v" | tr ':~' '__')
	A64_BUSYBOX=$_d/busybox
	[ -x "$A64_BUSYBOX" ] && return 0
	a64_log "fetching busybox-static:arm64 $_v (once)"
	_t=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-a64.XXXXXX") || return 1
	# apt's download sandbox user must be able to write there.
	chmod 777 "$_t"
	(cd "$_t" && apt-get download -q "busybox-static:arm64=$_v" 2>&1) |
		grep -v 'unsandboxed' >&2
	if ! ls "$_t"/busybox-static_*.deb > /dev/null 2>&1; then
		a64_log "apt-get download busybox-static:arm64 failed"
		rm -rf "$_t"
		return 1
	fi
	dpkg-deb -x "$_t"/busybox-static_*.deb "$_t/x" &&
		mkdir -p "$_d" &&
		cp "$_t/x/bin/busybox" "$A64_BUSYBOX.tmp" &&
		mv "$A64_BUSYBOX.tmp" "$A64_BUSYBOX"
	_rc=$?
	rm -rf "$_t"
	return $_rc
}

A64_CROSS=${CROSS_COMPILE:-aarch64-linux-gnu-}

# a64_kernel - the board kernel: Debian's linux-source-6.12 with
# allnoconfig + tests/arm64/board.config, cross-compiled once per source,
# fragment and compiler by tests/lib/kbuild.sh (a cold build takes
# minutes; reruns reuse it).
# Sets A64_KDIR (the build tree, KDIR for `make module`), A64_IMAGE,
# A64_KVER and A64_MODROOT (modules_install root, for modprobe -d).
a64_kernel() {
	KB_TOP=$A64_TOP KB_NICE=10 KB_JOBS=${A64_JOBS:-2} KB_CROSS=$A64_CROSS \
		kbuild_kernel "the board kernel" "$A64_CACHE" "$A64_TOP/tests/arm64/board.config" \
		arm64 Image || return 1
	A64_KDIR=$KB_KDIR
	A64_MODROOT=$KB_MODROOT
	A64_IMAGE=$A64_KDIR/arch/arm64/boot/Image
	A64_KVER=$KB_KVER
}

# a64_dtb DTSI OUT - the board's device tree: the DTB QEMU generates for
# $A64_MACHINE, decompiled, with DTSI (run through cpp for the
# dt-bindings headers of linux-source-6.12) appended, compiled to OUT.
# OUT.dts keeps the source; OUT.log the dtc warnings (QEMU's decompiled
# nodes use numeric phandles, which dtc warns about).
a64_dtb() {
	_dtsi=$1 _out=$2
	_src=$(sh "$A64_TOP/tests/lib/linux-src.sh") || return 1
	# shellcheck disable=SC2086
	qemu-system-aarch64 $A64_MACHINE -machine dumpdtb="$_out.virt.dtb" \
		-display none -nodefaults > "$_out.log" 2>&1 || {
		a64_log "qemu -machine dumpdtb failed: $(cat "$_out.log")"
		return 1
	}
	dtc -q -I dtb -O dts -o "$_out.virt.dts" "$_out.virt.dtb" &&
	cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P \
		-I "$(dirname "$_dtsi")" -I "$_src/scripts/dtc/include-prefixes" \
		"$_dtsi" > "$_out.board.dtsi" &&
	cat "$_out.virt.dts" "$_out.board.dtsi" > "$_out.dts" &&
	dtc -I dts -O dtb -o "$_out" "$_out.dts" >> "$_out.log" 2>&1
}

# a64_schema OUT - dtschema's core schemas plus the kernel's thermal-zone,
# cooling-device, thermal-sensor and OPP bindings (from linux-source-6.12,
# not copied into this tree) and ours, processed for dt-validate.
a64_schema() {
	_out=$1
	_src=$(sh "$A64_TOP/tests/lib/linux-src.sh") || return 1
	_b=$_src/Documentation/devicetree/bindings
	rm -rf "$_out.d" && mkdir -p "$_out.d/thermal" "$_out.d/opp" &&
	cp "$_b/thermal/thermal-zones.yaml" "$_b/thermal/thermal-sensor.yaml" \
		"$_b/thermal/thermal-cooling-devices.yaml" "$_out.d/thermal/" &&
	cp "$_b/opp/opp-v2.yaml" "$_b/opp/opp-v2-base.yaml" "$_out.d/opp/" &&
	cp "$A64_TOP"/kernel/bindings/*.yaml "$_out.d/" &&
	dt-mk-schema -j -o "$_out" "$_out.d"
}

# a64_boot INITRD DTB DIR SECS [APPEND] - boot the board kernel under TCG
# with DTB. DIR/console.log gets the kernel console (the PL011, ttyAMA0),
# DIR/results.log the guest's results port (a virtio console, hvc0: "virt"
# has one UART). Returns like vm_boot: 0 when the guest wrote the end
# marker, 124 on timeout, 1 otherwise. A64_ECHO=progress prints the
# program begin/exit lines while the guest runs.
a64_boot() {
	_initrd=$1 _dtb=$2 _dir=$3 _secs=$4 _append=${5:-}
	mkdir -p "$_dir"
	rm -f "$_dir/console.log" "$_dir/results.raw" "$_dir/results.log"
	: > "$_dir/results.raw"
	# shellcheck disable=SC2086
	timeout -k 5 "$_secs" qemu-system-aarch64 $A64_MACHINE \
		-accel tcg,thread=single \
		-kernel "$A64_IMAGE" -initrd "$_initrd" -dtb "$_dtb" \
		-append "console=ttyAMA0 panic=-1 loglevel=6 $_append" \
		-display none -no-reboot -monitor none -nodefaults \
		-serial "file:$_dir/console.log" \
		-device virtio-serial-device \
		-chardev "file,id=results,path=$_dir/results.raw" \
		-device virtconsole,chardev=results \
		< /dev/null > "$_dir/qemu.log" 2>&1 &
	_qpid=$!
	trap 'kill $_qpid 2>/dev/null; exit 130' INT TERM
	if [ "${A64_ECHO:-0}" = progress ]; then
		tail -n +1 -s 0.2 --pid=$_qpid -f "$_dir/results.raw" | tr -d '\r' |
			sed -un 's/^# edgeai-vm: \(.*\)/arm64: guest: \1/p'
	fi
	wait $_qpid
	_rc=$?
	trap - INT TERM
	tr -d '\r' < "$_dir/results.raw" > "$_dir/results.log"
	if [ $_rc -eq 124 ] || [ $_rc -eq 137 ]; then
		a64_log "timeout: the board did not finish within ${_secs}s"
		return 124
	fi
	if [ $_rc -ne 0 ]; then
		a64_log "qemu exited $_rc: $(tail -n 3 "$_dir/qemu.log")"
		return 1
	fi
	grep -q "^$VM_END_MARKER" "$_dir/results.log" || {
		a64_log "the guest did not reach the end marker (crash or panic?)"
		return 1
	}
	return 0
}

# a64_ldd BIN - what ldd prints for an arm64 executable: the arm64 dynamic
# loader (run by qemu-aarch64-static) resolves its libraries among the
# host's arm64 ones (make deps; libedgeai through edgeaictl's rpath). The
# paths are the same on an arm64 Debian, so vm_initramfs copies each to
# where the board's loader looks.
a64_ldd() {
	qemu-aarch64-static /lib/ld-linux-aarch64.so.1 --list "$1"
}
