#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: boot Debian's 6.12 kernel in QEMU, load edgeai.ko, show the
# devices, their sysfs attributes and firmware versions, and run jobs
# through io_uring (edgeaictl if it was built, and tests/vm/edgeai-demo).
# Needs `make all` first (make demo does that).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
VM_TOP=$top
. "$top/tests/vm/lib.sh"

out=$top/build/vm/demo
mkdir -p "$out"
ko=${EDGEAI_KO:-kernel/edgeai.ko}
[ -f "$ko" ] || { echo "demo: $ko is missing: run 'make all'" >&2; exit 1; }
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 ||
	{ echo "demo: build/firmware/edgeai/*.bin are missing: run 'make all'" >&2; exit 1; }
vm_setup || exit 1

echo "demo: building tests/vm/edgeai-demo"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/uapi" -I/usr/include/libdrm \
	-o "$out/edgeai-demo" tests/vm/edgeai-demo.c -static -luring || exit 1

set --
if [ -x build/daemon/edgeaictl ]; then
	set -- --bin build/daemon/edgeaictl /usr/bin/edgeaictl
else
	echo "demo: build/daemon/edgeaictl not built; showing edgeai-demo only"
fi
echo "demo: building the initramfs (kernel $VM_KVER)"
vm_initramfs "$out/initramfs.cpio.gz" --init tests/vm/init-demo.sh \
	--modules "$(vm_ko_depends "$ko")" \
	--file "$ko" /lib/modules/edgeai.ko \
	--dir build/firmware/edgeai /lib/firmware/edgeai \
	--bin "$out/edgeai-demo" /usr/bin/edgeai-demo \
	"$@" || exit 1

echo "demo: booting the VM (QEMU TCG, about 10 s)"
VM_ECHO=1 vm_boot "$out/initramfs.cpio.gz" "$out" "${VM_TIMEOUT:-300}" |
	sed -u '/^# edgeai-vm: /d; /^edgeai-vm: end of tests/d'
boot=$(grep -c '^edgeai-vm: end of tests' "$out/results.log")
rc=0
if [ "$boot" -ne 1 ]; then
	echo "demo: the VM did not finish (see $out/console.log)"
	rc=1
elif ! grep -q '^# edgeai-vm: exit demo 0' "$out/results.log"; then
	echo "demo: a step failed (see above)"
	rc=1
fi
if ! vm_splats "$out/console.log"; then
	echo "demo: kernel splat in the console log (above)"
	rc=1
fi
[ $rc -eq 0 ] && echo "demo: done; the full kernel log is in ${out#$top/}/console.log"
echo "demo: pictures of latency per device, 3:1 sharing over time and thermal throttling: make bench, then build/bench/report/index.html"
exit $rc
