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
# Cached in $EDGEAI_CACHE/debug/kernel-<key>/, the key a hash of the
# source, tests/debug/debug.config and the compiler, like the arm64 board
# kernel (tests/arm64/lib.sh). DBG_JOBS sets the cold build's parallelism
# (default 2); the build runs under nice -n 19.

DBG_CACHE=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/debug
DBG_TOP=${DBG_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}

dbg_log() { echo "debug: $*" >&2; }

dbg_kernel() {
	_src=$(sh "$DBG_TOP/tests/lib/linux-src.sh") || return 1
	_frag=$DBG_TOP/tests/debug/debug.config
	_key=$( { echo "$_src"; cat "$_src/.edgeai-extracted"; cat "$_frag";
		  gcc --version | head -n 1; } | md5sum | cut -c1-12)
	_kd=$DBG_CACHE/kernel-$_key
	DBG_KDIR=$_kd/build
	DBG_MODROOT=$_kd/modroot
	DBG_IMAGE=$DBG_KDIR/arch/x86/boot/bzImage
	mkdir -p "$_kd"
	exec 8> "$_kd/lock"
	if ! flock -n 8; then
		dbg_log "waiting for another build of the debug kernel"
		flock 8
	fi
	if [ ! -f "$_kd/done" ]; then
		_t0=$(date +%s)
		dbg_log "building the debug kernel in $_kd (once; long on 2 cores, log: $_kd/build.log)"
		_mk() {
			nice -n 19 make -C "$_src" O="$DBG_KDIR" ARCH=x86_64 "$@" \
				>> "$_kd/build.log" 2>&1
		}
		: > "$_kd/build.log"
		rm -rf "$DBG_MODROOT"
		if ! { _mk allnoconfig &&
		       (cd "$DBG_KDIR" && ARCH=x86_64 "$_src/scripts/kconfig/merge_config.sh" \
			-m -O "$DBG_KDIR" "$DBG_KDIR/.config" "$_frag") >> "$_kd/build.log" 2>&1 &&
		       _mk olddefconfig; }; then
			dbg_log "configuring the debug kernel failed; see $_kd/build.log"
			exec 8>&-
			return 1
		fi
		# Every option of the fragment must have survived olddefconfig.
		_lost=$(grep -E '^(CONFIG_|# CONFIG_)' "$_frag" | while read -r _l; do
			grep -qxF "$_l" "$DBG_KDIR/.config" || echo "$_l"
		done)
		if [ -n "$_lost" ]; then
			dbg_log "debug.config options not in the kernel config:" $_lost
			exec 8>&-
			return 1
		fi
		if ! _mk -j"${DBG_JOBS:-2}" bzImage modules ||
		   ! _mk INSTALL_MOD_PATH="$DBG_MODROOT" modules_install; then
			dbg_log "building the debug kernel failed; last lines of $_kd/build.log:"
			tail -n 30 "$_kd/build.log" >&2
			exec 8>&-
			return 1
		fi
		echo "$(($(date +%s) - _t0))" > "$_kd/build-seconds"
		dbg_log "debug kernel built in $(cat "$_kd/build-seconds")s"
		# Drop the builds of other keys.
		for _old in "$DBG_CACHE"/kernel-*; do
			[ "$_old" = "$_kd" ] || rm -rf "$_old"
		done
		touch "$_kd/done"
	fi
	exec 8>&-
	DBG_KVER=$(cat "$DBG_KDIR/include/config/kernel.release")
}
