#!/bin/sh
# The "style" lane: every kernel-side source file must pass the kernel's
# own checkpatch.pl --strict and kernel-doc (both taken from Debian's
# linux-source-6.12 at run time). One test per file and tool. Then the
# public header's kernel-doc, and `make deb` with lintian on the packages.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mkdir -p build/results
src=$(tests/lib/linux-src.sh) || { echo "0 1 0" > build/results/style.counts; exit 1; }

# Tracked kernel-side sources only (generated files such as edgeai.mod.c
# are not ours to style).
files=$(git ls-files 'kernel/*.[ch]' 'uapi/*.h' 'firmware/include/*.h' 'firmware/ops/*.[ch]')
n=0 pass=0 fail=0
echo "KTAP version 1"
echo "1..$(($(echo "$files" | wc -w) * 2 + 5))"
for f in $files; do
	n=$((n + 1))
	ignore=FILE_PATH_CHANGES
	# BIT() does not exist in userspace: uapi headers spell out shifts.
	case $f in uapi/*) ignore=$ignore,BIT_MACRO ;; esac
	# The op library is also built into libedgeai, freestanding:
	# they use <stdint.h> types, not the kernel's s32/u8.
	case $f in firmware/*) ignore=$ignore,PREFER_KERNEL_TYPES ;; esac
	out=$("$src/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--ignore "$ignore" -f "$f" 2>&1)
	if [ -z "$out" ]; then
		pass=$((pass + 1)); echo "ok $n checkpatch $f"
	else
		fail=$((fail + 1)); echo "not ok $n checkpatch $f"
		echo "$out" | sed 's/^/# /'
	fi
	n=$((n + 1))
	out=$("$src/scripts/kernel-doc" -none -Wall "$f" 2>&1)
	if [ -z "$out" ]; then
		pass=$((pass + 1)); echo "ok $n kernel-doc $f"
	else
		fail=$((fail + 1)); echo "not ok $n kernel-doc $f"
		echo "$out" | sed 's/^/# /'
	fi
done
# The layering rules of the tree (tests/style/layering.py says which).
for check in circles ioctl includes; do
	n=$((n + 1))
	if out=$(python3 tests/style/layering.py "$check" 2>&1); then
		pass=$((pass + 1)); echo "ok $n layering $check"
	else
		fail=$((fail + 1)); echo "not ok $n layering $check"
	fi
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
done
# The public header documents every parameter: it is the source of the
# libedgeai(3) pages (make docs fails on any warning).
n=$((n + 1))
out=$("$src/scripts/kernel-doc" -none -Wall libedgeai/include/edgeai/edgeai.h 2>&1)
if [ -z "$out" ]; then
	pass=$((pass + 1)); echo "ok $n kernel-doc libedgeai/include/edgeai/edgeai.h"
else
	fail=$((fail + 1)); echo "not ok $n kernel-doc libedgeai/include/edgeai/edgeai.h"
	echo "$out" | sed 's/^/# /'
fi
# The Debian packages build (dpkg-buildpackage -b) and lintian finds no
# error in them; its warnings are listed as diagnostics.
n=$((n + 1))
if out=$(tests/lib/deb.sh 2>&1); then
	pass=$((pass + 1)); echo "ok $n make deb: packages built, lintian reports no error"
else
	fail=$((fail + 1)); echo "not ok $n make deb: packages built, lintian reports no error"
	echo "$out" | grep -v '^deb: lintian: [WI]:' | tail -n 25 | sed 's/^/# /'
fi
echo "$out" | grep -E '^deb: (lintian: [EWI]:|lintian: [0-9]+ errors|build/deb/)' | sed 's/^/# /'
echo "$pass passed, $fail failed"
echo "$pass $fail 0" > build/results/style.counts
[ $fail -eq 0 ]
