#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The "arm64" lane: the example board. QEMU's arm64 "virt" machine (TCG)
# boots a 6.12 kernel built from Debian's linux-source-6.12 (Debian's own
# arm64 kernel has no CONFIG_DRM_ACCEL: tests/arm64/board.config) with a
# device tree made of the DTB QEMU generates plus the edgeai nodes of
# tests/arm64/edgeai-board.dtsi, and a busybox initramfs holding the
# dependency modules, the cross-built edgeai.ko, the firmware images and
# the cross-built kselftests.
#
# On the host: the binding passes dt-doc-validate and its example
# dt-validate; the board's DTB validates against it; the firmware packer
# built for arm64 (run under qemu-aarch64-static) packs the same images as
# the host's; edgeai.ko and the kselftests cross-build without warnings.
# On the board: probe from the device tree, the kselftests, devfreq and
# thermal against the DT, edgeaictl status/thermal showing the DT's clocks
# and trips, the cross-built libedgeai on the golden cases and the int8
# models (--device npu/dsp/auto, and the CPU path with the NEON and
# dotprod kernels) byte for byte against the oracle, rmmod; then a second
# boot with malformed nodes.
# Every kernel splat fails the lane (tests/vm/lib.sh, vm_splats).
#
# Prints TAP lines, ends with "N passed, N failed, N skipped" and writes
# "P F S" to build/results/arm64.counts. Needs `make all` first (make
# check-arm64 does that) for the host's firmware images. Environment:
#   A64_TIMEOUT  seconds for each boot (default 2700: the board runs
#                libedgeai on every golden case and model under TCG)
#   A64_JOBS     parallel jobs of the board kernel's cold build (default 2)
#   EDGEAI_GOLDEN_FILTER  only the golden cases whose name has this
#                (tests/oracle/gen.py FILTER), as in the vm lane
#   A64_PROGRAMS run only the guest programs named, in both boots (shell
#                patterns, as VM_PROGRAMS in the vm lane, e.g. "board-probe
#                edgeai_pm_test"; the malformed boot's is board-malformed);
#                the host steps run all the same
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
A64_TOP=$top
. "$top/tests/vm/lib.sh"
. "$top/tests/arm64/lib.sh"

results=$top/build/results
out=$top/build/arm64
counts=$results/arm64.counts
mkdir -p "$results" "$out"
rm -f "$counts"
t0=$(date +%s)

fail_setup() {
	a64_log "$*"
	echo "not ok 1 arm64 lane setup # $*"
	echo "0 passed, 1 failed"
	echo "0 1 0" > "$counts"
	exit 1
}

exec 9> "$out/lane.lock"
if ! flock -n 9; then
	a64_log "another arm64 lane run holds build/arm64/lane.lock; waiting"
	flock 9
fi

for t in qemu-system-aarch64 qemu-aarch64-static "${A64_CROSS}gcc" dtc cpp \
	 dt-doc-validate dt-validate dt-mk-schema dt-extract-example rsync cpio; do
	command -v "$t" > /dev/null 2>&1 || fail_setup "$t is missing (run: make deps)"
done
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 ||
	fail_setup "build/firmware/edgeai/*.bin are missing: run 'make all' (or make check-arm64)"
a64_busybox || fail_setup "no busybox-static:arm64 (run: make deps)"
tk=$(date +%s)
a64_kernel || fail_setup "the board kernel did not build"
a64_log "board kernel $A64_KVER ready after $(($(date +%s) - tk))s"

# Host steps, as one TAP document; the boots' reports follow.
hp=0 hf=0 hn=0
host_tap() { # RC NAME [DIAG]
	hn=$((hn + 1))
	if [ "$1" -eq 0 ]; then
		hp=$((hp + 1))
		echo "ok $hn $2"
	else
		hf=$((hf + 1))
		echo "not ok $hn $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
echo "KTAP version 1"
echo "# host steps"

# The binding. dt-schema 2022.08 prints its findings and exits 0 anyway:
# any output is a failure.
dtlog=$out/dt
mkdir -p "$dtlog"
o=$(dt-doc-validate -u kernel/bindings kernel/bindings/edgeai,npu.yaml 2>&1)
host_tap "$(test -z "$o"; echo $?)" "dt-doc-validate kernel/bindings/edgeai,npu.yaml" "$o"
a64_schema "$dtlog/schema.json" > "$dtlog/schema.log" 2>&1
host_tap $? "dt-mk-schema: dtschema core, the kernel's thermal and OPP bindings, ours" \
	"$(cat "$dtlog/schema.log")"
src=$(sh tests/lib/linux-src.sh)
o=$( { dt-extract-example kernel/bindings/edgeai,npu.yaml > "$dtlog/example.dts" &&
       cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P \
	   -I "$src/scripts/dtc/include-prefixes" "$dtlog/example.dts" > "$dtlog/example.pp.dts" &&
       dtc -I dts -O dtb -o "$dtlog/example.dtb" "$dtlog/example.pp.dts" &&
       dt-validate -s "$dtlog/schema.json" "$dtlog/example.dtb"; } 2>&1)
host_tap "$(test -z "$o" && test -s "$dtlog/example.dtb"; echo $?)" \
	"the binding's example compiles and validates against it" "$o"

# The board's device trees.
a64_dtb tests/arm64/edgeai-board.dtsi "$out/board.dtb"
rc=$?
ours=$(grep -E 'npu@|dsp@|opp-table|thermal-zones' "$out/board.dtb.log")
host_tap "$(test $rc -eq 0 && test -z "$ours"; echo $?)" \
	"board DTB: QEMU's dumpdtb + edgeai-board.dtsi, no dtc warning about the edgeai nodes" \
	"$(cat "$out/board.dtb.log")"
o=$(dt-validate -M -s "$dtlog/schema.json" "$out/board.dtb" 2>&1)
printf '%s\n' "$o" > "$dtlog/board-validate.log"
# QEMU's own nodes have findings of their own (platform-bus@c000000); ours
# must have none, and the binding must be the one that matched them.
errs=$(printf '%s\n' "$o" | grep "^$out/board.dtb: " | grep -v 'matched on schema' |
	grep -E '(npu|dsp)@|opp-table|thermal-zones')
npu_m=$(printf '%s\n' "$o" | grep -A3 '/npu@9100000: matched' | grep -c 'edgeai,npu.yaml')
dsp_m=$(printf '%s\n' "$o" | grep -A3 '/dsp@9110000: matched' | grep -c 'edgeai,npu.yaml')
tz_m=$(printf '%s\n' "$o" | grep -A3 '/thermal-zones: matched' | grep -c 'thermal-zones.yaml')
host_tap "$(test -z "$errs" && test "$npu_m" = 1 && test "$dsp_m" = 1 && test "$tz_m" = 1; echo $?)" \
	"dt-validate: the board's edgeai nodes match edgeai,npu.yaml, its zones thermal-zones.yaml, no errors" \
	"$errs"
a64_dtb tests/arm64/edgeai-board-bad.dtsi "$out/board-bad.dtb"
rc=$?
o=$(dt-validate -s "$dtlog/schema.json" "$out/board-bad.dtb" 2>&1)
host_tap "$(test $rc -eq 0 && printf '%s\n' "$o" |
	   grep -q "npu@9120000: 'firmware-name' is a required property"; echo $?)" \
	"dt-validate flags the malformed board's node without firmware-name" "$o"

# Firmware images are data: the packer built for arm64, run on arm64
# (qemu-user), packs byte-identical images.
rm -rf "$out/fw"
o=$(make -s -C firmware BUILD="$out/fw" CC="${A64_CROSS}gcc" CFLAGS="-O2 -g -static" \
	"$out/fw/firmware/edgeai-fwpack" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	for spec in firmware/specs/*.fwspec; do
		name=$(basename "$spec" .fwspec)
		o="$o$(qemu-aarch64-static "$out/fw/firmware/edgeai-fwpack" \
			-o "$out/fw/$name.bin" "$spec" 2>&1)" &&
			cmp "$out/fw/$name.bin" "build/firmware/edgeai/$name.bin" || rc=1
	done
fi
host_tap $rc "firmware images packed on arm64 (qemu-aarch64-static) equal the host's: $(cd firmware/specs && ls ./*.fwspec | sed 's|./||; s/fwspec/bin/' | tr '\n' ' ')" "$o"

# The module, cross-built against the board kernel in a copy of the tree
# (the checkout's kernel/ holds the host's objects).
# Build products in the copy are kept (rsync does not delete excluded
# files), so a rerun only rebuilds what changed.
mkdir -p "$out/module/tree"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod' --exclude '*.mod.c' --exclude 'modules.order' \
	--exclude 'Module.symvers' Kbuild kernel uapi firmware "$out/module/tree/"
make -C "$A64_KDIR" M="$out/module/tree" ARCH=arm64 CROSS_COMPILE="$A64_CROSS" \
	modules > "$out/module/build.log" 2>&1
rc=$?
warn=$(grep -iE 'warning|error' "$out/module/build.log")
ko=$out/module/tree/kernel/edgeai.ko
host_tap "$(test $rc -eq 0 && test -z "$warn" && file "$ko" | grep -q 'ARM aarch64'; echo $?)" \
	"edgeai.ko cross-built for arm64 ($A64_KVER), 0 warnings" \
	"$(tail -n 20 "$out/module/build.log")"
o=$(make -s -C tests/kselftest BUILD="$out" CC="${A64_CROSS}gcc" 2>&1)
rc=$?
host_tap "$(test $rc -eq 0 && test -z "$o"; echo $?)" \
	"kselftests cross-built for arm64, static, 0 warnings" "$o"
# libedgeai and edgeaictl for the board, and what the board compares them
# with: the golden single-op cases and the int8 models with the oracle's
# outputs, computed here (tests/vm/golden-cases.sh, model-cases.sh: the
# same as the x86 VM lane's).
o=$(make -s ARCH=arm64 CROSS_COMPILE="$A64_CROSS" BUILD="$out" lib tools 2>&1)
rc=$?
host_tap "$(test $rc -eq 0 && file "$out/daemon/edgeaictl" | grep -q 'ARM aarch64'; echo $?)" \
	"libedgeai and edgeaictl cross-built for arm64 (NEON and dotprod CPU kernels)" "$o"
tests/vm/golden-cases.sh "$out/golden" "${EDGEAI_GOLDEN_FILTER:-}" 2> "$out/golden.log" ||
	a64_log "no golden cases (oracle not available?): $(tail -n 1 "$out/golden.log")"
tests/vm/model-cases.sh "$out/models" build/daemon/edgeaictl 2> "$out/models.log" ||
	a64_log "no model cases (oracle or models not available?): $(tail -n 1 "$out/models.log")"
echo "# $hp passed, $hf failed (host steps)"

boot() { # NAME INIT DTB [vm_initramfs options]
	_name=$1 _init=$2 _dtb=$3
	shift 3
	_dir=$out/$_name
	mkdir -p "$_dir" "$A64_CACHE/vm/$A64_KVER/modules"
	rm -f "$_dir/console.log" "$_dir/results.log"
	# vm_initramfs keys its cached base on the cache, kernel and busybox.
	for b in "$out"/tests/kselftest/edgeai_*_test; do
		set -- "$@" --bin "$b" "/usr/bin/$(basename "$b")"
	done
	VM_CACHE=$A64_CACHE/vm VM_KVER=$A64_KVER VM_MODDIR=$A64_MODROOT \
		VM_BUSYBOX=$A64_BUSYBOX VM_LDD=a64_ldd vm_initramfs "$_dir/initramfs.cpio.gz" \
		--init "$_init" --modules "$deps" \
		--file "$ko" /lib/modules/edgeai.ko \
		--file tests/arm64/guest-board.sh /lib/edgeai-board.sh \
		--file "$out/programs" /etc/edgeai-programs \
		--dir build/firmware/edgeai /lib/firmware/edgeai \
		"$@" || return 2
	_tb=$(date +%s)
	A64_ECHO=progress a64_boot "$_dir/initramfs.cpio.gz" "$_dtb" "$_dir" "${A64_TIMEOUT:-2700}"
	_rc=$?
	a64_log "$_name: guest done after $(($(date +%s) - _tb))s (boot status $_rc)"
	return $_rc
}

total_p=$hp total_f=$hf total_s=0
report() { # NAME BOOT-RC
	echo "# board boot: $1"
	if [ "$2" -eq 2 ]; then
		echo "not ok - $1: building the initramfs failed"
		total_f=$((total_f + 1))
		return
	fi
	vm_report "$out/$1" "$2" "$out/$1/counts" | sed 's/^\([0-9]* passed, \)/# \1/'
	if [ -s "$out/$1/counts" ]; then
		read -r p f s < "$out/$1/counts"
	else
		p=0 f=1 s=0
	fi
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
}

# The guest programs to run (tests/vm/guest-lib.sh, vm_program); blank: all.
echo "${A64_PROGRAMS:-}" > "$out/programs"
if [ -f "$ko" ]; then
	deps="$(vm_ko_depends "$ko") vgem"
	a64_log "kernel $A64_KVER; modules: $deps"
	mkdir -p "$out/board" "$out/malformed"
	# golden-cases.sh/model-cases.sh leave empty directories without the oracle
	mkdir -p "$out/golden" "$out/models"
	boot board tests/arm64/init-board.sh "$out/board.dtb" \
		--bin "$out/daemon/edgeaictl" /usr/bin/edgeaictl \
		--file tests/vm/guest-lib-run.sh /lib/edgeai-lib-run.sh \
		--dir "$out/golden" /lib/edgeai-golden \
		--dir "$out/models" /lib/edgeai-models
	report board $?
	boot malformed tests/arm64/init-malformed.sh "$out/board-bad.dtb"
	report malformed $?
else
	echo "not ok - no edgeai.ko for the board: no boot"
	total_f=$((total_f + 1))
fi

a64_log "lane done after $(($(date +%s) - t0))s"
echo "$total_p passed, $total_f failed, $total_s skipped"
echo "$total_p $total_f $total_s" > "$counts"
[ "$total_f" -eq 0 ]
