#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make fuzz`: boot the VM with edgeai.ko and edgeai-uapi-fuzz, replay
# tests/fuzz/uapi/regress/*.txt, then fuzz the uAPI for FUZZ_SECONDS
# (default 600) from FUZZ_SEED (default: the date, printed). Findings
# (minimized inputs) are copied from the guest's log to build/fuzz/findings/;
# the figures (executions, executions per second, module PCs) go to
# build/fuzz/fuzz.json. Any kernel splat on the console fails the run.
#
#   FUZZ_KERNEL=debug  run on the debug kernel of tests/debug/ (KASAN,
#                      lockdep, KCOV: coverage-guided; built on first use,
#                      long), with edgeai.ko built against it for KCOV
#   VM_TIMEOUT         seconds for the boot (default FUZZ_SECONDS + 600)
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
. "$top/tests/vm/lib.sh"

secs=${FUZZ_SECONDS:-600}
seed=${FUZZ_SEED:-$(date +%Y%m%d)}
out=$top/build/fuzz
mkdir -p "$out/findings"
fail() { echo "fuzz: $*" >&2; echo "not ok 1 fuzz setup # $*"; echo "0 passed, 1 failed"; exit 1; }

vm_setup || fail "VM prerequisites missing"
ko=kernel/edgeai.ko
if [ "${FUZZ_KERNEL:-}" = debug ]; then
	DBG_TOP=$top
	. "$top/tests/debug/lib.sh"
	dbg_kernel || fail "the debug kernel did not build"
	VM_KERNEL=$DBG_IMAGE VM_KVER=$DBG_KVER VM_CACHE=$DBG_CACHE/vm VM_MODDIR=$DBG_MODROOT
	export VM_MODDIR
	mkdir -p "$VM_CACHE/$VM_KVER/modules" "$out/module/tree"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude '*.mod' --exclude '*.mod.c' --exclude 'modules.order' \
		--exclude 'Module.symvers' Kbuild kernel uapi firmware "$out/module/tree/"
	nice -n 10 make -C "$DBG_KDIR" M="$out/module/tree" KCOV_INSTRUMENT=y -j2 modules \
		> "$out/module/build.log" 2>&1 || fail "edgeai.ko did not build against the debug kernel"
	ko=$out/module/tree/kernel/edgeai.ko
fi
[ -f "$ko" ] || fail "$ko is missing: run 'make all'"
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 || fail "no firmware images: run 'make all'"
make -s -C tests/fuzz/uapi BUILD="$top/build" || fail "building edgeai-uapi-fuzz failed"
echo "$secs $seed" > "$out/params"
echo "fuzz: kernel $VM_KVER, $secs s from seed $seed"
vm_initramfs "$out/initramfs.cpio.gz" --init tests/fuzz/uapi/init-fuzz.sh \
	--modules "$(vm_ko_depends "$ko")" \
	--file "$ko" /lib/modules/edgeai.ko \
	--dir build/firmware/edgeai /lib/firmware/edgeai \
	--dir tests/fuzz/uapi/regress /lib/edgeai-fuzz/regress \
	--file "$out/params" /etc/edgeai-fuzz \
	--bin build/tests/fuzz/edgeai-uapi-fuzz /usr/bin/edgeai-uapi-fuzz ||
	fail "building the initramfs failed"
VM_MEM=${VM_MEM:-2048} VM_ECHO=1 vm_boot "$out/initramfs.cpio.gz" "$out" "${VM_TIMEOUT:-$((secs + 600))}"
boot=$?
# Findings: the blocks between "# finding begin" and "# finding end".
awk -v dir="$out/findings" '
	/^# finding begin/ { n++; f = dir "/finding-" n ".txt"; printf "" > f; inb = 1; next }
	/^# finding end/ { inb = 0; close(f); next }
	inb { print > f }' "$out/results.log"
line=$(grep -E '^(not )?ok [0-9]+ fuzz seed' "$out/results.log" | head -n 1)
execs=$(echo "$line" | sed -n 's/.*: \([0-9]*\) executions (\([0-9.]*\)\/s).*/\1/p')
rate=$(echo "$line" | sed -n 's/.*executions (\([0-9.]*\)\/s).*/\1/p')
pcs=$(echo "$line" | sed -n 's/.* \([0-9]*\) module PCs.*/\1/p')
nfind=$(echo "$line" | sed -n 's/.*findings \([0-9]*\).*/\1/p')
kcov=false
grep -q '^# mode: coverage-guided' "$out/results.log" && kcov=true
cat > "$out/fuzz.json" <<JSON
{"kernel": "$VM_KVER", "seed": $seed, "seconds": $secs, "kcov": $kcov,
 "executions": ${execs:-0}, "executions_per_second": ${rate:-0},
 "module_pcs": ${pcs:-0}, "findings": ${nfind:-0}}
JSON
cat "$out/fuzz.json"
# With KCOV: the PCs reached, per function (addr2line -f; the line tables
# of the relocatable .ko miss many) and per source file of edgeai.ko (the
# file defining the function), against the instrumented sites of each file.
if [ "$kcov" = true ]; then
	sed -n 's/^# pc //p' "$out/results.log" |
		addr2line -f -j .text -e "$ko" | sed -n 'p;n' | sed 's/\..*//' |
		sort | uniq -c | sort -rn > "$out/pcs-per-function.txt"
	while read -r n fn; do
		f=$(grep -l -E "^[a-z].*[ *]$fn\(" kernel/*.c firmware/ops/*.c 2>/dev/null | head -n 1)
		echo "$n $(basename "${f:-header-inlines}")"
	done < "$out/pcs-per-function.txt" |
		awk '{ n[$2] += $1 } END { for (f in n) print n[f], f }' | sort -rn \
		> "$out/pcs-per-file.txt"
	echo "fuzz: module PCs reached per file (reached / instrumented sites):"
	while read -r n f; do
		o=$(dirname "$ko")/${f%.c}.o
		[ -f "$o" ] || o=$(find "$(dirname "$ko")/.." -name "${f%.c}.o" | head -n 1)
		t=$(objdump -dr "$o" 2>/dev/null | grep -c __sanitizer_cov_trace_pc)
		echo "  $f $n / $t"
	done < "$out/pcs-per-file.txt" | tee "$out/coverage.txt"
fi
vm_report "$out" $boot "$out/fuzz.counts"
