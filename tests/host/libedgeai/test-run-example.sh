#!/bin/sh
# libedgeai/examples/run-model built against an installed copy of the
# library with pkg-config (make install DESTDIR=...), run on a single-op
# case of tests/oracle/gen.py: DEVICE_ONLY fails cleanly without a device,
# AUTO prints a placement with the fallback reason, and the outputs equal
# the oracle's byte for byte. Skips when the oracle cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if ! oracle=$("$top/tests/oracle/fetch.sh" 2> /dev/null); then
	echo "1..0 # SKIP oracle not available"
	exit 77
fi
make -s -C "$top/libedgeai" BUILD="$build" DESTDIR="$tmp/root" PREFIX=/usr install > "$tmp/log" 2>&1
ok $? "install libedgeai into a DESTDIR"
# relocate the DESTDIR install in a copy of its edgeai.pc (as test-pkgconfig.sh)
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/root/usr|" "$tmp/root/usr/lib/pkgconfig/edgeai.pc" > "$tmp/pc/edgeai.pc"
PKG_CONFIG_PATH="$tmp/pc" make -s -C "$top/libedgeai/examples" O="$tmp" > "$tmp/log" 2>&1
ok $? "build examples/run-model with pkg-config against the installed library" ||
	sed 's/^/# /' "$tmp/log"
python3 -B "$top/tests/oracle/gen.py" "$tmp/cases" conv_int8_same_3x3 > /dev/null 2>&1
d=$tmp/cases/conv_int8_same_3x3
${CC:-cc} -std=gnu11 -O1 -I"$oracle/include" -o "$tmp/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl &&
	"$tmp/oracle-run" "$oracle/lib/libtensorflowlite_c.so" "$d/model.tflite" "$tmp/oracle.bin" "$d/in0.bin" > /dev/null 2>&1
ok $? "the oracle runs the case"
mkdir -p "$tmp/out"
LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/run-model" "$d/model.tflite" "$tmp/out" "$d/in0.bin" > "$tmp/run.log" 2>&1
ok $? "run-model runs" || sed 's/^/# /' "$tmp/run.log"
sed 's/^/# /' "$tmp/run.log"
if [ -e /dev/accel ] && ls /dev/accel/accel* > /dev/null 2>&1; then
	echo "ok $((n + 1)) - DEVICE_ONLY without a device # SKIP a device exists"
	n=$((n + 1))
else
	grep -q '^DEVICE_ONLY: refused cleanly (.*): DEVICE_ONLY: no edgeai' "$tmp/run.log"
	ok $? "DEVICE_ONLY without a device is refused cleanly with a message"
	grep -q 'op 0 CONV_2D: cpu (fallback: no NPU or DSP device found)' "$tmp/run.log"
	ok $? "AUTO falls back to the CPU and the placement says why"
fi
cmp -s "$tmp/oracle.bin" "$tmp/out/output0.bin"
ok $? "the output equals the oracle's byte for byte"
echo "1..$n"
exit $fail
