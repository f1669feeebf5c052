#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# KUnit lane: build linux-source-6.12 with kernel/ in tree as
# drivers/accel/edgeai and run the edgeai KUnit suites under QEMU (x86_64)
# with tools/testing/kunit/kunit.py.
#
# Cached in $EDGEAI_CACHE/kunit/ (never in the checkout):
#   linux/  a hard-linked copy of the extracted source with drivers/accel
#           patched to include edgeai (kernel/ and the uapi header are
#           symlinked into it, so edits in the checkout are picked up)
#   build/  kunit.py's --build_dir; kept between runs so a rerun only
#           recompiles what changed (a cold build takes ~11 min on 2 cores)
#
# Prints one "ok N - suite.case" / "not ok N - suite.case" line per test
# case, then "N passed, N failed, N skipped", writes "P F S" to
# build/results/kunit.counts and exits 0 iff nothing failed. A build
# failure or a crashed kernel counts as a failure and prints the log tail.
#
# EDGEAI_KUNIT_DEBUG=1 runs the same suites on a kernel with KASAN,
# UBSAN and lockdep (own build dir build-debug/, a slower cold build);
# not part of `make check`.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${EDGEAI_CACHE:-$HOME/.cache/edgeai}
results=$top/build/results
kdir=$cache/kunit
work=$kdir/linux
bdir=$kdir/build
lane=kunit
debug_opts=
if [ "${EDGEAI_KUNIT_DEBUG:-0}" = 1 ]; then
	lane=kunit-debug
	bdir=$kdir/build-debug
	for o in KASAN KASAN_VMALLOC UBSAN UBSAN_BOUNDS PROVE_LOCKING DEBUG_ATOMIC_SLEEP \
		 DEBUG_LIST; do
		debug_opts="$debug_opts --kconfig_add=CONFIG_$o=y"
	done
fi
log=$results/$lane.log
json=$results/$lane.json
jobs=${KUNIT_JOBS:-2}
mkdir -p "$results" "$kdir"
rm -f "$results/$lane.counts" "$json"

finish() { # passed failed skipped
	echo "$1 passed, $2 failed, $3 skipped"
	echo "$1 $2 $3" > "$results/$lane.counts"
	[ "$2" -eq 0 ]
	exit $?
}

setup_fail() {
	echo "not ok 1 - kunit setup: $*"
	finish 0 1 0
}

# One kernel build at a time from this lane (several engineers share two
# cores and the cache).
exec 9> "$kdir/lock"
if ! flock -n 9; then
	echo "kunit: waiting for another KUnit run to finish"
	flock 9
fi

src=$(sh "$top/tests/lib/linux-src.sh") || setup_fail "cannot extract linux-source-6.12"

# (Re)create the working copy when the extracted source changed.
want="$src $(cat "$src/.edgeai-extracted" 2>/dev/null)"
if [ ! -f "$work/.edgeai-kunit-copy" ] || [ "$(cat "$work/.edgeai-kunit-copy")" != "$want" ]; then
	echo "kunit: making a working copy of $src in $work (once)"
	rm -rf "$work" "$work.tmp" "$bdir"
	cp -al "$src" "$work.tmp" || setup_fail "cp -al $src failed"
	rm -f "$work.tmp/.edgeai-extracted"
	mv "$work.tmp" "$work"
	echo "$want" > "$work/.edgeai-kunit-copy"
fi

# Place the driver in tree. Symlinks, so the checkout is what gets built.
ln -sfn "$top/kernel" "$work/drivers/accel/edgeai" || setup_fail "symlink kernel/"
ln -sfn "$top/uapi/drm/edgeai_accel.h" "$work/include/uapi/drm/edgeai_accel.h" ||
	setup_fail "symlink uapi header"

# Patch drivers/accel/{Kconfig,Makefile} idempotently. The files are hard
# links into the extracted source: write a new file instead of editing in
# place.
patch_file() { # file marker-regex line-to-add after-regex|""
	f=$1
	grep -q "$2" "$f" && return 0
	if [ -n "$4" ]; then
		awk -v add="$3" -v re="$4" '{ print } $0 ~ re && !done { print add; done = 1 }' \
			"$f" > "$f.new" || return 1
	else
		{ cat "$f"; echo "$3"; } > "$f.new" || return 1
	fi
	grep -q "$2" "$f.new" || { rm -f "$f.new"; return 1; }
	rm -f "$f" && mv "$f.new" "$f"
}
patch_file "$work/drivers/accel/Kconfig" 'drivers/accel/edgeai/Kconfig' \
	'source "drivers/accel/edgeai/Kconfig"' '^source "drivers/accel/qaic/Kconfig"' ||
	setup_fail "patching drivers/accel/Kconfig"
patch_file "$work/drivers/accel/Makefile" 'CONFIG_DRM_ACCEL_EDGEAI)' \
	'obj-$(CONFIG_DRM_ACCEL_EDGEAI)		+= edgeai/' '' ||
	setup_fail "patching drivers/accel/Makefile"

# make decides by mtime: when the cache last built another checkout, drop
# the driver's objects so nothing stale from there is linked in (the op
# library's, kernel/../firmware/ops/, land in drivers/accel/firmware/).
if [ "$(cat "$bdir.checkout" 2>/dev/null)" != "$top" ]; then
	rm -rf "$bdir/drivers/accel/edgeai" "$bdir/drivers/accel/firmware"
	echo "$top" > "$bdir.checkout"
fi

if [ -f "$bdir/.config" ]; then
	echo "kunit: incremental build in $bdir"
else
	echo "kunit: cold build in $bdir (about 11 minutes on 2 cores)"
fi

cd "$work" || setup_fail "cd $work"
t0=$(date +%s)
python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig=drivers/accel/edgeai/.kunitconfig $debug_opts \
	--build_dir="$bdir" --jobs="$jobs" --timeout=600 \
	--json="$json" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; exit 130' INT TERM
# Progress: one line a minute while kunit.py configures, builds and runs.
next=60
while kill -0 $pid 2>/dev/null; do
	sleep 2
	el=$(($(date +%s) - t0))
	if [ $el -ge $next ]; then
		next=$((next + 60))
		step=$(grep -E '^\[..:..:..\] (Configuring|Building|Starting|Testing)' "$log" |
		       tail -n 1 | sed 's/^\[........\] //')
		echo "kunit: ${el}s: ${step:-starting}"
	fi
done
wait $pid
rc=$?
echo "kunit: kunit.py exited $rc after $(($(date +%s) - t0))s (log: $log)"

# Turn kunit.py's JSON into one TAP line per test case (a parameterised
# case counts once per parameter); the counts go to a side file.
python3 - "$json" "$results/$lane.tapcounts" <<'EOF'
import json, sys
counts = [0, 0, 0]
n = 0
def walk(group, path, top=False):
    global n
    name = group.get("name", "")
    if name and not top:
        path = path + [name]
    for case in group.get("test_cases", []):
        n += 1
        st = case.get("status", "")
        full = ".".join(path + [case.get("name", "?")])
        if st == "PASS":
            counts[0] += 1
            print("ok %d - %s" % (n, full))
        elif st == "SKIP":
            counts[2] += 1
            print("ok %d - %s # SKIP" % (n, full))
        else:
            counts[1] += 1
            print("not ok %d - %s (%s)" % (n, full, st))
    for sub in group.get("sub_groups", []):
        walk(sub, path)
try:
    with open(sys.argv[1]) as f:
        walk(json.load(f), [], top=True)
except (OSError, ValueError):
    pass
with open(sys.argv[2], "w") as f:
    f.write("%d %d %d\n" % tuple(counts))
EOF
read -r p f s < "$results/$lane.tapcounts" || { p=0 f=0 s=0; }
rm -f "$results/$lane.tapcounts"

n=$((p + f + s))
if [ "$rc" -ne 0 ] || [ $n -eq 0 ]; then
	if [ "$f" -eq 0 ]; then
		n=$((n + 1))
		if ! grep -q 'Starting KUnit Kernel' "$log"; then
			echo "not ok $n - kunit build (drivers/accel/edgeai in linux-source-6.12)"
		else
			echo "not ok $n - kunit run (kunit.py exited $rc: kernel crashed, timed out or ran no tests)"
		fi
		f=$((f + 1))
		echo "--- kunit.py log tail ($log)"
		# Name the checkout's files, not their in-tree symlinked path.
		grep -E 'error:|Error [0-9]|undefined reference|ERROR:' "$log" | head -n 30 |
			sed "s|$work/drivers/accel/edgeai/|kernel/|g; s/^/# /"
		tail -n 60 "$log" | sed "s|$work/drivers/accel/edgeai/|kernel/|g; s/^/# /"
	else
		echo "--- failed expectations (full log: $log)"
		grep -E -A5 'EXPECTATION FAILED|ASSERTION FAILED|\[CRASHED\]' "$log" |
			head -n 120 | sed 's/^/# /'
	fi
fi

# The whole driver is built in and probes at boot: any kernel splat in the
# KUnit kernel's console log fails the lane.
if [ -f "$bdir/test.log" ] && [ $n -gt 0 ] && grep -q 'Starting KUnit Kernel' "$log"; then
	n=$((n + 1))
	# (KASAN reports start with "BUG: KASAN:"; lockdep ones name the problem.)
	splat='WARNING:|BUG:|Oops|UBSAN:|general protection fault|Call Trace:|refcount_t:'
	splat="$splat|list_(add|del) corruption|circular locking|inconsistent lock state"
	splat="$splat|recursive locking|suspicious RCU usage|hung_task|soft lockup"
	if grep -E -q "$splat" "$bdir/test.log"; then
		echo "not ok $n - kunit kernel log free of splats"
		grep -E -B2 -A20 "$splat" "$bdir/test.log" | head -n 60 | sed 's/^/# /'
		f=$((f + 1))
	else
		echo "ok $n - kunit kernel log free of splats"
		p=$((p + 1))
	fi
fi
finish "$p" "$f" "$s"
