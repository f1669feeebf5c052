#!/bin/sh
# libedgeai and edgeaictl built for arm64 (`make ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu- lib tools`) and run under qemu-user on
# this x86-64 host: the single-op golden corpus and the real int8 models
# through the arm64 CPU path, byte for byte against TensorFlow Lite 2.9.0
# (test-run-golden.sh and test-run-models.sh with EDGEAI_CTL pointing at
# the arm64 edgeaictl) with the default kernels (dotprod on `-cpu max`),
# EDGEAI_CPU_KERNELS=neon and dotprod, and --reference; before that the
# op library's unit tests (test-kernels.c) and the kernel-set tests
# (libedgeai/exec/test-cpu-kernels.c: neon and dotprod against the
# reference), built for arm64. Last, on an emulated Cortex-A53 (Armv8.0:
# no dot product) the automatic choice is neon, and asking for dotprod says
# it is not there and runs neon.
# qemu-user timings mean nothing for a real Arm CPU: nothing here is timed.
#
# Skips (77) without aarch64-linux-gnu-gcc or qemu-aarch64-static (make deps
# installs both).
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
a64=$build/arm64

echo "TAP version 13"
if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v qemu-aarch64-static > /dev/null; then
	echo "1..0 # SKIP no aarch64-linux-gnu-gcc or qemu-aarch64-static (make deps)"
	exit 77
fi
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; return "$1"; }

make -s -C "$top" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- BUILD="$a64" lib tools > "$build/arm64-user.build.log" 2>&1
ok $? "cross-build libedgeai and edgeaictl for arm64" || { sed 's/^/# /' "$build/arm64-user.build.log"; echo "1..$n"; exit 1; }
file -L "$a64/daemon/edgeaictl" | grep -q 'ARM aarch64'
ok $? "edgeaictl is an aarch64 executable"

# edgeaictl under qemu-user: -cpu max has every Armv8 extension QEMU
# emulates (FEAT_DotProd among them), -cpu cortex-a53 is Armv8.0.
for cpu in max cortex-a53; do
	cat > "$a64/edgeaictl-qemu-$cpu" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$a64/libedgeai" exec qemu-aarch64-static -cpu $cpu "$a64/daemon/edgeaictl" "\$@"
EOF
	chmod +x "$a64/edgeaictl-qemu-$cpu"
done
wrap=$a64/edgeaictl-qemu-max
"$wrap" --version | grep -q '^edgeaictl '
ok $? "the arm64 edgeaictl runs under qemu-aarch64-static"

# The unit tests for arm64 (no sanitizers: ASan's shadow map and qemu-user
# do not mix). The sub-tests print their own TAP lines; the host lane
# counts them all.
pc="env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config"
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1
	-I$top/libedgeai/include -I$top/libedgeai/src -I$top/uapi -I$top/firmware/ops
	-I$top/tests/host -I$top/tests/host/libedgeai $($pc --cflags libdrm libudev liburing)"
libs="$a64/libedgeai/libedgeai.a $($pc --libs libdrm libudev liburing) -lm -lpthread"
for src in tests/host/test-kernels.c tests/host/libedgeai/exec/test-cpu-kernels.c; do
	name=$(basename "$src" .c)
	extra=$(sed -n 's|.*host-test-sources:\(.*\)\*/.*|\1|p' "$top/$src")
	# shellcheck disable=SC2086
	(cd "$top" && aarch64-linux-gnu-gcc $cflags -o "$a64/$name" "$src" $extra $libs) \
		> "$a64/$name.build.log" 2>&1
	ok $? "build $name for arm64" || { sed 's/^/# /' "$a64/$name.build.log"; continue; }
	qemu-aarch64-static -cpu max "$a64/$name"
	ok $? "$name under qemu-aarch64 -cpu max"
done

for t in test-run-golden test-run-models test-random-graphs; do
	# Under -cpu max the automatic choice is dotprod; the golden corpus
	# runs with the two arm64 sets (the host lane's 300 s bound), the
	# three models of the toolchain issue with them and the reference
	# kernels (the whole corpus in emulation takes too long), the first
	# 6 random graphs with the two sets. The board lane (tests/arm64)
	# runs them again on the device and the CPU.
	modes="neon dotprod" args=
	[ "$t" = test-run-models ] && modes="neon dotprod reference"
	[ "$t" = test-random-graphs ] && args="1 6"
	# shellcheck disable=SC2086
	EDGEAI_CTL=$wrap EDGEAI_RUN_MODES="$modes" \
		EDGEAI_MODELS="face_detection_short_range face_detection_full_range hand_landmark_lite" \
		"$top/tests/host/$t.sh" $args
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 77 ]
	ok $? "$t under qemu-aarch64 exits $rc"
done

# The automatic choice follows AT_HWCAP: one CONV_2D golden case.
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
if python3 -B "$top/tests/oracle/gen.py" "$tmp/cases" conv > "$tmp/gen.log" 2>&1 &&
	c=$(head -1 "$tmp/cases/cases.txt" | cut -d' ' -f1) && [ -n "$c" ]; then
	d=$tmp/cases/$c
	export EDGEAI_CACHE_DIR="$tmp/cache"
	for cpu in max cortex-a53; do
		want=neon
		[ $cpu = max ] && want=dotprod
		"$a64/edgeaictl-qemu-$cpu" run "$d/model.tflite" --input "$d/in0.bin" --output-dir "$tmp/$cpu" \
			--device cpu > "$tmp/$cpu.log" 2>&1
		grep -q "CPU kernels: $want)" "$tmp/$cpu.log"
		ok $? "-cpu $cpu: the default CPU kernels are $want ($(grep -o 'CPU kernels: [a-z0-9]*' "$tmp/$cpu.log"))"
	done
	EDGEAI_CPU_KERNELS=dotprod "$a64/edgeaictl-qemu-cortex-a53" run "$d/model.tflite" --input "$d/in0.bin" \
		--output-dir "$tmp/a53dp" --device cpu > "$tmp/a53dp.log" 2> "$tmp/a53dp.err"
	grep -q "EDGEAI_CPU_KERNELS=dotprod: not available on this CPU or build.*using the neon kernels" "$tmp/a53dp.err" &&
		grep -q "CPU kernels: neon)" "$tmp/a53dp.log" && cmp -s "$tmp/max/output0.bin" "$tmp/a53dp/output0.bin"
	ok $? "-cpu cortex-a53, EDGEAI_CPU_KERNELS=dotprod: falls back to neon and says so, same bytes"
	sed 's/^/# /' "$tmp/a53dp.err"
	EDGEAI_CPU_KERNELS=neon "$a64/edgeaictl-qemu-cortex-a53" run "$d/model.tflite" --input "$d/in0.bin" \
		--output-dir "$tmp/a53n" --device cpu > "$tmp/a53n.log" 2> "$tmp/a53n.err"
	[ ! -s "$tmp/a53n.err" ] && grep -q "CPU kernels: neon)" "$tmp/a53n.log"
	ok $? "-cpu cortex-a53, EDGEAI_CPU_KERNELS=neon: runs neon, nothing said"
else
	sed 's/^/# /' "$tmp/gen.log"
	ok 1 "generate a CONV_2D golden case"
fi
echo "1..$n"
[ $failed -eq 0 ]
