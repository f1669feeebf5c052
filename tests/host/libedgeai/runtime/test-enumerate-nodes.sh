#!/bin/sh
# libedgeai in a container that was not given the device: sysfs (the
# host's) shows the accelerators, /dev has no node for them. Discovery
# must leave such a device out, and `edgeaictl run --device auto` fall back
# to the CPU with the reason and the CPU's bytes, instead of failing on the
# missing node. Here in a private mount namespace (unshare), a tmpfs over
# /sys holding two edgeai devices as the kernel lays them out (the accel
# node below its platform device, bound to the driver edgeai), without
# their /dev/accel nodes; a third one whose node exists (/dev/null) is the
# control: the node's presence decides, not sysfs. (libudev accepts a
# tmpfs for sysfs with SYSTEMD_DEVICE_VERIFY_SYSFS=0.)
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/host
ctl=$build/daemon/edgeaictl
mkdir -p "$out"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
diag() { sed 's/^/# /' "$@"; }

echo "TAP version 13"
pkgs="libdrm libudev liburing"
# the library built with the sanitizers too, where tests/host/run.sh made it
lib=$build/san/libedgeai/libedgeai.a
[ -f "$lib" ] || lib=$build/libedgeai/libedgeai.a
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Ilibedgeai/include -o "$out/test-enumerate-nodes" \
	tests/host/libedgeai/runtime/test-enumerate-nodes.c "$lib" \
	$(pkg-config --libs $pkgs) -lm -lpthread > "$tmp/build.log" 2>&1 || {
	diag "$tmp/build.log"
	echo "not ok 1 - build test-enumerate-nodes"
	exit 1
}
# root: a mount namespace; anyone else: a user namespace with it
if unshare -m true 2> /dev/null; then
	ns="unshare -m"
elif unshare -rm true 2> /dev/null; then
	ns="unshare -rm"
	# LeakSanitizer cannot stop the world in a user namespace
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
else
	echo "ok 1 - no mount namespace here (unshare) # SKIP"
	exit 77
fi

# a one-op int8 model (RELU), and the CPU's output for its input
PYTHONPATH=$top/tests/oracle python3 - "$tmp" <<'PY'
import sys
import tflite_writer as tw
q = {'scale': [0.1], 'zero_point': [0]}
i8 = [dict(shape=[1, 8], type=tw.TT_INT8, **q), dict(shape=[1, 8], type=tw.TT_INT8, **q)]
open(sys.argv[1] + '/relu.tflite', 'wb').write(tw.model(19, 0, None, i8, [0], [1], [0], [1]))
open(sys.argv[1] + '/in.bin', 'wb').write(bytes([0x80, 0xf0, 0xff, 0, 1, 5, 0x40, 0x7f]))
PY
export EDGEAI_CACHE_DIR="$tmp/cache"
"$ctl" run "$tmp/relu.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o-cpu" --device cpu > /dev/null 2> "$tmp/cpu.err"
ok $? "the model runs on the CPU (outside the namespace)"

cat > "$tmp/inner.sh" <<'EOS'
set -eu
tmp=$1 prog=$2 ctl=$3
mount -t tmpfs fake-sysfs /sys
# libudev takes a tmpfs for sysfs only when told (systemd's ENVIRONMENT.md)
export SYSTEMD_DEVICE_VERIFY_SYSFS=0
# whatever accel nodes this machine has are not this "container's"
if [ -d /dev/accel ]; then mount -t tmpfs no-nodes /dev/accel; fi
mkdir -p /sys/bus/platform/drivers/edgeai /sys/class/accel
# mkdev NAME PLATFORM-DEVICE TYPE MINOR DEVNAME
mkdev() {
	p=/sys/devices/platform/$2
	mkdir -p "$p/accel/$1"
	printf 'DRIVER=edgeai\n' > "$p/uevent"
	echo "$3" > "$p/device_type"
	echo 2 > "$p/core_count"
	ln -s ../../../bus/platform/drivers/edgeai "$p/driver"
	ln -s ../../../bus/platform "$p/subsystem"
	printf 'MAJOR=261\nMINOR=%s\nDEVNAME=%s\n' "$4" "$5" > "$p/accel/$1/uevent"
	echo "261:$4" > "$p/accel/$1/dev"
	ln -s ../../../../../class/accel "$p/accel/$1/subsystem"
	ln -s "../../devices/platform/$2/accel/$1" "/sys/class/accel/$1"
}
mkdev accel0 edgeai-npu.0 npu 0 accel/accel0
mkdev accel1 edgeai-dsp.1 dsp 1 accel/accel1
"$prog" > "$tmp/missing.txt" 2>&1
rc=0
"$ctl" --json run "$tmp/relu.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o-auto" --device auto \
	> "$tmp/run.json" 2> "$tmp/run.err" || rc=$?
echo $rc > "$tmp/run.rc"
mkdev accel2 edgeai-npu.2 npu 2 null
"$prog" > "$tmp/present.txt" 2>&1
EOS
$ns sh "$tmp/inner.sh" "$tmp" "$out/test-enumerate-nodes" "$ctl" > "$tmp/inner.log" 2>&1
ok $? "a private mount namespace with a fake sysfs" "$(cat "$tmp/inner.log")"
diag "$tmp/inner.log" "$tmp/missing.txt" "$tmp/present.txt"

grep -q '^udev accel0 edgeai /dev/accel/accel0 missing$' "$tmp/missing.txt" &&
	grep -q '^udev accel1 edgeai /dev/accel/accel1 missing$' "$tmp/missing.txt"
ok $? "libudev sees the two edgeai devices of the fake sysfs, their nodes missing"
grep -q '^count 0$' "$tmp/missing.txt" && ! grep -q '^edgeai ' "$tmp/missing.txt"
ok $? "edgeai_enumerate() leaves out the devices whose node is missing"
rc=$(cat "$tmp/run.rc" 2> /dev/null)
diag "$tmp/run.err"
[ "$rc" = 0 ] && cmp -s "$tmp/o-auto/output0.bin" "$tmp/o-cpu/output0.bin" &&
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["placement"]
sys.exit(not p or any(o["device"] != "cpu" or not o["reason"].startswith("fallback: no NPU or DSP device found") for o in p))' \
		"$tmp/run.json"
ok $? "edgeaictl run --device auto: the CPU, the reason 'no NPU or DSP device found', the CPU's bytes" \
	"$(cat "$tmp/run.err" "$tmp/run.json")"
grep -q '^udev accel2 edgeai /dev/null present$' "$tmp/present.txt" && grep -q '^count 1$' "$tmp/present.txt" &&
	grep -q '^edgeai /dev/null npu$' "$tmp/present.txt"
ok $? "a device whose node exists is still listed (the control, its node /dev/null)"

echo "1..$n"
exit $fail
