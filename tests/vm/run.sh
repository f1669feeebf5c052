#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The "vm" lane: boot Debian's stock 6.12 kernel in QEMU (TCG) with an
# initramfs holding busybox, the packaged dependency modules, kernel/edgeai.ko,
# the firmware images and the kselftests; run them all in one boot and judge
# the run on the host: every test line, the end marker and the console log
# (any kernel splat fails the lane).
#
# Needs `make all` first (make check-vm does that). Environment:
#   VM_TIMEOUT   seconds for the whole boot (default 1500: the TFLite delegate
#                runs add about four minutes under TCG on a loaded machine)
#   VM_KEEP=1    keep the initramfs and logs in build/vm/ (they stay anyway)
#   EDGEAI_PARAMS  extra edgeai.ko module parameters
#   EDGEAI_KO    the module to test (default kernel/edgeai.ko)
#   VM_PROGRAMS  run only the guest programs named (shell patterns, e.g.
#                "load-modules edgeai_failnth*"; tests/vm/guest-lib.sh)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
VM_TOP=$top
. "$top/tests/vm/lib.sh"

results=$top/build/results
out=$top/build/vm/check
mkdir -p "$results" "$out"
counts=$results/vm.counts
rm -f "$counts"

fail_setup() {
	echo "vm: $*" >&2
	echo "not ok 1 vm lane setup # $*"
	echo "0 passed, 1 failed"
	echo "0 1 0" > "$counts"
	exit 1
}

t0=$(date +%s)
# One lane run at a time per checkout: runs share build/vm/check.
exec 9> "$top/build/vm/check.lock"
if ! flock -n 9; then
	echo "vm: another vm lane run holds build/vm/check.lock; waiting"
	flock 9
fi
ko=${EDGEAI_KO:-kernel/edgeai.ko}
[ -f "$ko" ] || fail_setup "$ko is missing: run 'make all' (or make check-vm)"
[ -x build/daemon/edgeaictl ] || fail_setup "build/daemon/edgeaictl is missing: run 'make all' (or make check-vm)"
ls build/firmware/edgeai/*.bin > /dev/null 2>&1 ||
	fail_setup "build/firmware/edgeai/*.bin are missing: run 'make all' (or make check-vm)"
vm_setup || fail_setup "VM prerequisites missing"

echo "vm: building the kselftests, the uAPI fuzzer and the soak"
make -s -C tests/kselftest BUILD="$top/build" ||
	fail_setup "building tests/kselftest failed"
make -s -C tests/fuzz/uapi BUILD="$top/build" ||
	fail_setup "building tests/fuzz/uapi failed"
make -s -C tests/soak BUILD="$top/build" ||
	fail_setup "building tests/soak failed"

# devfreq governor: Debian builds simple_ondemand as a module
# (governor_simpleondemand.ko), and nothing
# depends on it by symbol.
deps="$(vm_ko_depends "$ko") vgem governor_simpleondemand"
echo "vm: kernel $VM_KVER; modules: $deps"
set --
for b in build/tests/kselftest/edgeai_*_test; do
	set -- "$@" --bin "$b" "/usr/bin/$(basename "$b")"
done
echo "${EDGEAI_PARAMS:-}" > "$out/edgeai-params"
echo "${VM_PROGRAMS:-}" > "$out/programs"
# The uAPI fuzzer's short run: seconds and seed (VM_FUZZ_SECONDS, VM_FUZZ_SEED),
# and the soak's seconds.
echo "${VM_FUZZ_SECONDS:-45} ${VM_FUZZ_SEED:-1} ${VM_SOAK_SECONDS:-30}" > "$out/fuzz-params"
# Golden cases and their oracle outputs, for edgeai_golden_test in the guest
# (without the oracle the directory stays empty and the guest skips).
echo "vm: generating the golden cases and oracle outputs"
tests/vm/golden-cases.sh "$out/golden" "${EDGEAI_GOLDEN_FILTER:-}" ||
	echo "vm: no golden cases (oracle not available?)"
# The int8 models and their oracle outputs, for the library runs (lib-models).
echo "vm: quantizing the int8 models and running the oracle on them"
tests/vm/model-cases.sh "$out/models" build/daemon/edgeaictl ||
	echo "vm: no model cases (oracle or models not available?)"
# The TFLite delegate's test program, TFLite's C library (the oracle's) and
# the manifests of the golden cases and models for it (lib_tflite).
echo "vm: the TFLite delegate's test program and models"
tflite=
if tests/vm/tflite-cases.sh "$out/tflite" "$out/golden" "$out/models" build/daemon/edgeaictl &&
	[ -f build/libedgeai/libedgeai-tflite.so ]; then
	tflite_lib=$(tests/oracle/fetch.sh)/lib/libtensorflowlite_c.so
	tflite=1
else
	echo "vm: no TFLite delegate runs (oracle or models not available, or no plugin?)"
fi
# libedgeai's tests that need a device (tests/host/libedgeai; on the host
# they find none and skip): built as the host lane builds them, sanitizers
# on, and run in the guest against the driver (lib-device).
echo "vm: building libedgeai's device tests"
mkdir -p "$out/libtests"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Ilibedgeai/include -Ilibedgeai/src -Iuapi -Itests/host -Itests/host/libedgeai \
	$(pkg-config --cflags libdrm libudev liburing) \
	-o "$out/libtests/test-device" tests/host/libedgeai/runtime/test-device.c \
	build/libedgeai/libedgeai.a $(pkg-config --libs libdrm libudev liburing) -lm -lpthread ||
	fail_setup "building tests/host/libedgeai/runtime/test-device.c failed"
set -- "$@" --bin "$out/libtests/test-device" /usr/bin/test-libedgeai-device
# The example program, built with pkg-config against an installed copy of
# libedgeai (make install DESTDIR=...), as an application would be.
echo "vm: building libedgeai/examples against an installed libedgeai"
rm -rf "$out/root" "$out/examples" && mkdir -p "$out/examples" "$out/pc" &&
	make -s -C libedgeai BUILD="$top/build" DESTDIR="$out/root" PREFIX=/usr install > /dev/null &&
	sed "s|^prefix=.*|prefix=$out/root/usr|" "$out/root/usr/lib/pkgconfig/edgeai.pc" > "$out/pc/edgeai.pc" &&
	PKG_CONFIG_PATH="$out/pc" make -s -C libedgeai/examples O="$out/examples" \
		LDFLAGS="-Wl,-rpath,$out/root/usr/lib" ||
	fail_setup "building libedgeai/examples failed"
# The module as the edgeai-dkms package gets it: DKMS builds and installs
# it for this kernel; the guest loads it with kmod's modprobe.
echo "vm: dkms build/install of edgeai for $VM_KVER"
dkms_ko=$(tests/vm/dkms.sh "$VM_KVER" "$top/build/vm/dkms") ||
	fail_setup "dkms build/install failed (build/vm/dkms/dkms.log)"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	set -- "$@" --file "/lib/modules/$VM_KVER/$f" "/lib/modules/$VM_KVER/$f"
done
vm_initramfs "$out/initramfs.cpio.gz" --init tests/vm/init-check.sh \
	--file "$dkms_ko" /lib/modules/edgeai-dkms.ko \
	--bin /usr/bin/kmod /usr/local/bin/modprobe \
	--bin /usr/bin/kmod /usr/local/bin/depmod \
	--bin /usr/bin/kmod /usr/local/bin/modinfo \
	--modules "$deps" \
	--file "$ko" /lib/modules/edgeai.ko \
	--dir build/firmware/edgeai /lib/firmware/edgeai \
	--file "$out/edgeai-params" /etc/edgeai-params \
	--file "$out/programs" /etc/edgeai-programs \
	--dir "$out/golden" /lib/edgeai-golden \
	--dir "$out/models" /lib/edgeai-models \
	--file tests/vm/guest-lib-run.sh /lib/edgeai-lib-run.sh \
	--bin build/daemon/edgeaictl /usr/bin/edgeaictl \
	--bin "$out/examples/async-run" /usr/bin/async-run \
	--bin build/tests/fuzz/edgeai-uapi-fuzz /usr/bin/edgeai-uapi-fuzz \
	--dir tests/fuzz/uapi/regress /lib/edgeai-fuzz/regress \
	--file "$out/fuzz-params" /etc/edgeai-fuzz \
	--bin build/tests/soak/edgeai-soak /usr/bin/edgeai-soak \
	${tflite:+--dir "$out/tflite" /lib/edgeai-tflite} \
	${tflite:+--bin "$out/tflite/test-tflite-delegate" /usr/bin/test-tflite-delegate} \
	${tflite:+--bin "$tflite_lib" /usr/lib/libtensorflowlite_c.so} \
	${tflite:+--bin build/libedgeai/libedgeai-tflite.so /usr/lib/libedgeai-tflite.so} \
	"$@" || fail_setup "building the initramfs failed"

echo "vm: booting (TCG, up to ${VM_TIMEOUT:-1500}s); logs in ${out#$top/}/"
VM_ECHO=progress vm_boot "$out/initramfs.cpio.gz" "$out" "${VM_TIMEOUT:-1500}"
boot=$?
echo "vm: guest done after $(($(date +%s) - t0))s (boot status $boot)"
vm_report "$out" $boot "$counts"
