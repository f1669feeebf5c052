#!/bin/sh
# libedgeai and edgeaictl built for arm64 (`make ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu- lib tools`) and run under qemu-user on
# this x86-64 host: the single-op golden corpus and the real int8 models
# through the arm64 CPU path, byte for byte against TensorFlow Lite 2.9.0
# (test-run-golden.sh and test-run-models.sh with EDGEAI_CTL pointing at
# the arm64 edgeaictl). arm64 has no optimized kernel set yet, so the
# default and --reference modes both run the reference kernels.
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
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

make -s -C "$top" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- BUILD="$a64" lib tools > "$build/arm64-user.build.log" 2>&1
ok $? "cross-build libedgeai and edgeaictl for arm64" || { sed 's/^/# /' "$build/arm64-user.build.log"; echo "1..$n"; exit 1; }
file -L "$a64/daemon/edgeaictl" | grep -q 'ARM aarch64'
ok $? "edgeaictl is an aarch64 executable"

wrap=$a64/edgeaictl-qemu
cat > "$wrap" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$a64/libedgeai" exec qemu-aarch64-static "$a64/daemon/edgeaictl" "\$@"
EOF
chmod +x "$wrap"
"$wrap" --version | grep -q '^edgeaictl '
ok $? "the arm64 edgeaictl runs under qemu-aarch64-static"

# The sub-tests print their own TAP lines; the host lane counts them all.
for t in test-run-golden test-run-models; do
	# the three models of the toolchain issue: the whole corpus in emulation takes too long
	EDGEAI_CTL=$wrap EDGEAI_RUN_MODES="default reference" \
		EDGEAI_MODELS="face_detection_short_range face_detection_full_range hand_landmark_lite" \
		"$top/tests/host/$t.sh"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 77 ]
	ok $? "$t under qemu-aarch64 exits $rc"
done
echo "1..$n"
[ $failed -eq 0 ]
