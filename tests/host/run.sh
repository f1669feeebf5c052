#!/bin/sh
# The host lane: userspace unit tests that need no device.
#
# Builds libedgeai and edgeaictl, and libedgeai again with ASan/UBSan into
# build/san/ (so the sanitizers watch the library's own code, not only the
# tests'), then builds every test-*.c below tests/host with ASan/UBSan
# against that static library and runs it, and runs every
# executable test-*.sh below tests/host (the library's unit tests sit in
# tests/host/libedgeai/, in the folders of the sources they test). Each
# test prints TAP lines ("ok N - x", "not ok N - x", "# SKIP") and exits 0
# (pass), 1 (fail) or 77 (skip). Tests see the library's internal headers
# by their path below libedgeai/src/ ("model/model.h").
# A test-*.c may name extra sources to compile in, relative to the top of
# the tree, on a line of its own (one with a test-*.sh of the same name is
# left to that script):
#     /* host-test-sources: firmware/src/foo.c firmware/src/bar.c */
# Shell tests get EDGEAI_TOP and EDGEAI_BUILD in their environment.
#
#   tests/host/run.sh               build and run everything
#   tests/host/run.sh --build-only  only build the test programs into
#                                   build/tests/host/
#
# Each test gets HOST_TEST_TIMEOUT seconds (default 600: test-golden
# takes over 300 on a loaded 2-core machine; test-arm64-user 900: it went
# past 600 once under load).
#
# Ends with "N passed, N failed, N skipped" (counting TAP lines) and writes
# "P F S" to build/results/host.counts. Exit 0 iff nothing failed.
set -u
build_only=no
[ "${1:-}" = --build-only ] && build_only=yes
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
build=${BUILD:-$top/build}
out=$build/tests/host
results=$build/results
mkdir -p "$out" "$results"
[ $build_only = yes ] || rm -f "$results/host.counts"

passed=0 failed=0 skipped=0 n=0

finish() {
	echo "1..$n"
	echo "$passed passed, $failed failed, $skipped skipped"
	echo "$passed $failed $skipped" > "$results/host.counts"
	[ "$failed" -eq 0 ]
	exit $?
}

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
echo "host: building libedgeai and edgeaictl into $build, libedgeai with ASan/UBSan into $build/san"
if ! make -s -C libedgeai BUILD="$build" || ! make -s -C daemon BUILD="$build" ||
	! make -s -C libedgeai BUILD="$build/san" CFLAGS="-g -O1 $san"; then
	echo "not ok 1 - build libedgeai and edgeaictl"
	n=1 failed=1
	finish
fi

pkgs="libdrm libudev liburing"
cc=${CC:-cc}
# shellcheck disable=SC2086
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1
	$san -Ilibedgeai/include -Ilibedgeai/src -Iuapi -Ifirmware/ops -Itests/host
	-Itests/host/libedgeai $(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
libs="$build/san/libedgeai/libedgeai.a $(pkg-config --libs $pkgs) -lm -lpthread"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export EDGEAI_TOP="$top" EDGEAI_BUILD="$build"

echo "TAP version 13"

# run_one NAME CMD...: run, indent its TAP as a subtest, count its lines.
run_one() {
	name=$1
	shift
	n=$((n + 1))
	log=$out/$name.log
	# test-arm64-user runs two kernel sets under qemu-user: the longest
	secs=${HOST_TEST_TIMEOUT:-600}
	[ "$name" = test-arm64-user ] && secs=${HOST_TEST_TIMEOUT:-900}
	timeout "$secs" "$@" > "$log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "# $name: killed after $secs s" >> "$log"
	sed 's/^/    /' "$log"
	p=$(grep -c '^ok [0-9]' "$log" | head -1)
	s=$(grep -c '^ok [0-9].*# SKIP' "$log" | head -1)
	f=$(grep -c '^not ok [0-9]' "$log" | head -1)
	p=$((p - s))
	case $rc in
	0)	;;
	77)	[ $((p + f + s)) -eq 0 ] && s=1 ;;
	1)	[ "$f" -eq 0 ] && f=1 ;;
	*)	echo "    # $name exited with status $rc (crash, sanitizer report or timeout)"
		f=$((f + 1)) ;;
	esac
	[ $((p + f + s)) -eq 0 ] && { echo "    # $name printed no results"; f=1; }
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		echo "not ok $n - $name ($p passed, $f failed, $s skipped)"
	elif [ "$rc" -eq 77 ]; then
		echo "ok $n - $name # SKIP"
	else
		echo "ok $n - $name ($p passed, $s skipped)"
	fi
}

for src in $(find tests/host -name 'test-*.c' | sort); do
	name=$(basename "$src" .c)
	# a test-X.c beside an executable test-X.sh is built and run by that script
	[ -x "$(dirname "$src")/$name.sh" ] && continue
	extra=$(sed -n 's|.*host-test-sources:\(.*\)\*/.*|\1|p' "$src")
	echo "# host: build $name"
	# shellcheck disable=SC2086
	if ! $cc $cflags -o "$out/$name" "$src" $extra $libs > "$out/$name.build.log" 2>&1; then
		n=$((n + 1)) failed=$((failed + 1))
		sed 's/^/    # /' "$out/$name.build.log"
		echo "not ok $n - $name (build failed)"
		continue
	fi
	[ $build_only = yes ] && continue
	run_one "$name" "$out/$name"
done

if [ $build_only = yes ]; then
	[ "$failed" -eq 0 ]
	exit $?
fi

for t in $(find tests/host -name 'test-*.sh' | sort); do
	[ -x "$t" ] || continue
	run_one "$(basename "$t" .sh)" "$t"
done

finish
