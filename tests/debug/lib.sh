# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The debug lane's kernel (tests/debug/run.sh), sourced after
# tests/vm/lib.sh:
#
#   dbg_kernel   build the debug kernel (once per source, config fragment
#                and compiler); sets DBG_KDIR (the build tree, KDIR for the
#                module), DBG_IMAGE (bzImage), DBG_KVER and DBG_MODROOT
#                (modules_install root, for vm_modules through VM_MODDIR)
#
# Built by tests/lib/kbuild.sh (as the arm64 board kernel) and cached in
# $EDGEAI_CACHE/debug/kernel-<key>/, the key a hash of the source,
# tests/debug/debug.config and the compiler; tests/debug/patches/ holds
# fixes of kernel bugs the lane found, applied to a copy of the source.
# DBG_JOBS sets the cold build's parallelism (default 2); the build runs
# under nice -n 19.

DBG_CACHE=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/debug
DBG_TOP=${DBG_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}
. "$DBG_TOP/tests/lib/kbuild.sh"

dbg_log() { echo "debug: $*" >&2; }

dbg_kernel() {
	KB_TOP=$DBG_TOP KB_NICE=19 KB_JOBS=${DBG_JOBS:-2} KB_CROSS='' \
		kbuild_kernel "the debug kernel" "$DBG_CACHE" "$DBG_TOP/tests/debug/debug.config" \
		x86_64 bzImage "$DBG_TOP/tests/debug/patches" || return 1
	DBG_KDIR=$KB_KDIR
	DBG_MODROOT=$KB_MODROOT
	DBG_IMAGE=$DBG_KDIR/arch/x86/boot/bzImage
	DBG_KVER=$KB_KVER
}
