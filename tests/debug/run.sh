#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The "debug" lane (make check-debug): the vm lane's kselftests and golden
# and model cases on a debug kernel: linux-source-6.12 built with
# tests/debug/debug.config (KASAN, UBSAN, lockdep, atomic-sleep checks,
# debug objects, kmemleak, fault injection, KCOV; tests/debug/lib.sh), in
# QEMU with the same busybox initramfs machinery (tests/vm/lib.sh).
# edgeai.ko is built against that kernel, instrumented for KCOV. After the
# tests and the module's unload, the guest runs a kmemleak scan: any
# suspected leak fails the lane, like any splat on the console (KASAN,
# UBSAN, lockdep, WARN, BUG: tests/vm/lib.sh, vm_splats).
#
# Not in `make check` (tests/README.md says why). Environment:
#   VM_TIMEOUT   seconds for the boot (default 3600: everything runs
#                several times slower under KASAN and TCG)
#   DBG_JOBS     parallel jobs of the cold kernel build (default 2)
#   VM_PROGRAMS  run only the guest programs named (as in the vm lane), e.g.
#                "load-modules edgeai_failnth* kmemleak"
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
DBG_TOP=$top
. "$top/tests/vm/lib.sh"
. "$top/tests/debug/lib.sh"

results=$top/build/results
out=$top/build/debug
counts=$results/debug.counts
mkdir -p "$results" "$out"
rm -f "$counts"
t0=$(date +%s)

fail_setup() {
	dbg_log "$*"
	echo "not ok 1 debug lane setup # $*"
	echo "0 passed, 1 failed"
	echo "0 1 0" > "$counts"
	exit 1
}

exec 9> "$out/lane.lock"
if ! flock -n 9; then
	dbg_log "another debug lane run holds build/debug/lane.lock; waiting"
	flock 9
fi
[ -x build/daemon/edgeaictl ] || fail_setup "build/daemon/edgeaictl is missing: run 'make all' (or make check-debug)"
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 ||
	fail_setup "build/firmware/edgeai/*.bin are missing: run 'make all' (or make check-debug)"
vm_setup || fail_setup "VM prerequisites missing"
tk=$(date +%s)
dbg_kernel || fail_setup "the debug kernel did not build"
dbg_log "debug kernel $DBG_KVER ready after $(($(date +%s) - tk))s (cold build: $(cat "$(dirname "$DBG_KDIR")/build-seconds" 2>/dev/null || echo '?')s)"
# The VM helpers boot this kernel and take modules from its tree.
VM_KERNEL=$DBG_IMAGE
VM_KVER=$DBG_KVER
VM_CACHE=$DBG_CACHE/vm
VM_MODDIR=$DBG_MODROOT
export VM_MODDIR
mkdir -p "$VM_CACHE/$VM_KVER/modules"

# The module, built against the debug kernel in a copy of the tree (the
# checkout's kernel/ holds the objects for Debian's kernel), instrumented
# for KCOV (the kernel itself is not: tests/debug/debug.config).
mkdir -p "$out/module/tree"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod' --exclude '*.mod.c' --exclude 'modules.order' \
	--exclude 'Module.symvers' Kbuild kernel uapi firmware "$out/module/tree/"
if ! nice -n 10 make -C "$DBG_KDIR" M="$out/module/tree" KCOV_INSTRUMENT=y -j2 modules \
	> "$out/module/build.log" 2>&1; then
	tail -n 20 "$out/module/build.log" >&2
	fail_setup "edgeai.ko did not build against the debug kernel"
fi
grep -iE 'warning' "$out/module/build.log" >&2
ko=$out/module/tree/kernel/edgeai.ko

make -s -C tests/kselftest BUILD="$top/build" || fail_setup "building tests/kselftest failed"
make -s -C tests/fuzz/uapi BUILD="$top/build" || fail_setup "building tests/fuzz/uapi failed"
make -s -C tests/soak BUILD="$top/build" || fail_setup "building tests/soak failed"
echo "${DEBUG_FUZZ_SECONDS:-120} ${DEBUG_FUZZ_SEED:-1} ${DEBUG_SOAK_SECONDS:-60}" > "$out/fuzz-params"
echo "vm: generating the golden cases and oracle outputs"
tests/vm/golden-cases.sh "$out/golden" "${EDGEAI_GOLDEN_FILTER:-}" ||
	echo "debug: no golden cases (oracle not available?)"
tests/vm/model-cases.sh "$out/models" build/daemon/edgeaictl ||
	echo "debug: no model cases (oracle or models not available?)"

# As the vm lane: edgeai.ko's dependencies, vgem, the devfreq governor
# (built in here: modprobe reports it as builtin).
deps="$(vm_ko_depends "$ko") vgem governor_simpleondemand"
dbg_log "kernel $VM_KVER; modules: $deps"
set --
for b in build/tests/kselftest/edgeai_*_test; do
	set -- "$@" --bin "$b" "/usr/bin/$(basename "$b")"
done
echo "${EDGEAI_PARAMS:-}" > "$out/edgeai-params"
echo "${VM_PROGRAMS:-}" > "$out/programs"
vm_initramfs "$out/initramfs.cpio.gz" --init tests/debug/init-debug.sh \
	--modules "$deps" \
	--file "$ko" /lib/modules/edgeai.ko \
	--dir build/firmware/edgeai /lib/firmware/edgeai \
	--file "$out/edgeai-params" /etc/edgeai-params \
	--file "$out/programs" /etc/edgeai-programs \
	--dir "$out/golden" /lib/edgeai-golden \
	--dir "$out/models" /lib/edgeai-models \
	--file tests/vm/guest-lib-run.sh /lib/edgeai-lib-run.sh \
	--bin build/daemon/edgeaictl /usr/bin/edgeaictl \
	--bin build/tests/fuzz/edgeai-uapi-fuzz /usr/bin/edgeai-uapi-fuzz \
	--dir tests/fuzz/uapi/regress /lib/edgeai-fuzz/regress \
	--file "$out/fuzz-params" /etc/edgeai-fuzz \
	--bin build/tests/soak/edgeai-soak /usr/bin/edgeai-soak \
	"$@" || fail_setup "building the initramfs failed"

dbg_log "booting the debug kernel (TCG, up to ${VM_TIMEOUT:-3600}s); logs in ${out#$top/}/"
tb=$(date +%s)
VM_MEM=${VM_MEM:-2048} VM_ECHO=progress vm_boot "$out/initramfs.cpio.gz" "$out" "${VM_TIMEOUT:-3600}" \
	"kmemleak=on"
boot=$?
dbg_log "guest done after $(($(date +%s) - tb))s (boot status $boot); lane time $(($(date +%s) - t0))s"
# the fail-nth walks make allocations fail: their warn_alloc() reports are
# not splats (tests/vm/lib.sh, vm_alloc_report_filter)
VM_ALLOC_FAULTS=1 vm_report "$out" $boot "$counts"
