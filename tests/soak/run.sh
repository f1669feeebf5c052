#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make soak`: boot the VM with edgeai.ko and run edgeai-soak (see
# edgeai-soak.c) for SOAK_SECONDS (default 180) with SOAK_CLIENTS clients
# (default 6) from SOAK_SEED (default 1): ioctl and io_uring clients of
# mixed priorities and quotas, fault_fail/fault_hang injection and
# unbind/bind of the NPU, every job accounted for. The figures go to
# build/soak.json and are printed; a kernel splat on the console, a lost
# or duplicated job, a wrong output or a leak fails the run. The daemon's
# kill and restart is not part of it (it needs the e2e board's systemd).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
. "$top/tests/vm/lib.sh"

secs=${SOAK_SECONDS:-180}
out=$top/build/soak
mkdir -p "$out"
fail() { echo "soak: $*" >&2; echo "not ok 1 soak setup # $*"; echo "0 passed, 1 failed"; exit 1; }

vm_setup || fail "VM prerequisites missing"
ko=kernel/edgeai.ko
[ -f "$ko" ] || fail "$ko is missing: run 'make all'"
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 || fail "no firmware images: run 'make all'"
make -s -C tests/soak BUILD="$top/build" || fail "building edgeai-soak failed"
echo "--seconds $secs --clients ${SOAK_CLIENTS:-6} --seed ${SOAK_SEED:-1}" > "$out/args"
echo "soak: kernel $VM_KVER, $(cat "$out/args")"
vm_initramfs "$out/initramfs.cpio.gz" --init tests/soak/init-soak.sh \
	--modules "$(vm_ko_depends "$ko")" \
	--file "$ko" /lib/modules/edgeai.ko \
	--dir build/firmware/edgeai /lib/firmware/edgeai \
	--file "$out/args" /etc/edgeai-soak \
	--bin build/tests/soak/edgeai-soak /usr/bin/edgeai-soak ||
	fail "building the initramfs failed"
VM_ECHO=1 vm_boot "$out/initramfs.cpio.gz" "$out" "${VM_TIMEOUT:-$((secs + 600))}"
boot=$?
sed -n 's/^# soak-json: //p' "$out/results.log" > "$top/build/soak.json"
[ -s "$top/build/soak.json" ] || echo '{"error": "the soak did not finish"}' > "$top/build/soak.json"
echo "soak: build/soak.json:"
cat "$top/build/soak.json"
vm_report "$out" $boot "$out/soak.counts"
