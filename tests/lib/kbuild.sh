# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# A kernel of the test lanes built from Debian's linux-source-6.12
# (tests/lib/linux-src.sh) with `allnoconfig` plus a config fragment, once
# per source, fragment, compiler and patch set; shared by the debug lane
# (tests/debug/lib.sh) and the arm64 board (tests/arm64/lib.sh). Sourced.
#
#   kbuild_kernel NAME CACHE FRAGMENT ARCH IMAGE [PATCHDIR]
#       NAME      what the log lines call it ("the debug kernel")
#       CACHE     where builds live: CACHE/kernel-<key>/{build,modroot}
#       FRAGMENT  the config fragment; each CONFIG_ line (and "# CONFIG_..
#                 is not set") must survive olddefconfig
#       ARCH      the kernel's ARCH; $KB_CROSS is its CROSS_COMPILE
#       IMAGE     the image target (bzImage, Image)
#       PATCHDIR  optional: its *.patch (git format, -p1) are applied in
#                 order to a hard-linked copy of the source
#                 (CACHE/kernel-<key>/src; the extracted tree is shared
#                 and never changed). A changed patch set rebuilds
#                 incrementally: the files the old and the new patches
#                 touch are recompiled.
#   Sets KB_KDIR (the build tree, KDIR for a module), KB_MODROOT
#   (modules_install root), KB_KVER, KB_DIR (CACHE/kernel-<key>; its
#   build-seconds holds the cold build's time). Other keys' builds in CACHE
#   are removed once a build completes.
#   KB_NICE (default 10) and KB_JOBS (default 2) set the build's niceness
#   and parallelism.

KB_TOP=${KB_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}

kb_log() { echo "kbuild: $*" >&2; }

# kb_patch_files PATCH... - the files the patches touch (their "+++ b/" lines)
kb_patch_files() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$@" | sort -u
}

# kb_patch_src SRC DIR PATCH... - DIR: SRC hard-linked, the patches applied
# (each file a patch touches is copied first: SRC stays as it is).
kb_patch_src() {
	_s=$1 _d=$2; shift 2
	rm -rf "$_d" "$_d.tmp"
	cp -al "$_s" "$_d.tmp" || return 1
	for _f in $(kb_patch_files "$@"); do
		[ -f "$_d.tmp/$_f" ] && { cp --remove-destination "$_s/$_f" "$_d.tmp/$_f" || return 1; }
	done
	for _p in "$@"; do
		patch -d "$_d.tmp" -p1 -s -N < "$_p" >&2 || { kb_log "$_p does not apply"; return 1; }
	done
	mv "$_d.tmp" "$_d"
}

kbuild_kernel() {
	_name=$1 _cache=$2 _frag=$3 _arch=$4 _img=$5 _pdir=${6:-}
	_src=$(sh "$KB_TOP/tests/lib/linux-src.sh") || return 1
	_patches=
	[ -n "$_pdir" ] && _patches=$(ls "$_pdir"/*.patch 2>/dev/null)
	# Without patches the key is what it always was (caches stay valid);
	# with patches it names the patched tree, not the patches (incremental).
	_key=$( { echo "$_src"; cat "$_src/.edgeai-extracted"; cat "$_frag";
		  "${KB_CROSS:-}gcc" --version | head -n 1;
		  [ -z "$_patches" ] || echo "patched source"; } | md5sum | cut -c1-12)
	KB_DIR=$_cache/kernel-$_key
	KB_KDIR=$KB_DIR/build
	KB_MODROOT=$KB_DIR/modroot
	mkdir -p "$KB_DIR"
	exec 8> "$KB_DIR/lock"
	if ! flock -n 8; then
		kb_log "waiting for another build of $_name"
		flock 8
	fi
	_ksrc=$_src
	if [ -n "$_patches" ]; then
		_ksrc=$KB_DIR/src
		# shellcheck disable=SC2086
		_pkey=$(cat $_patches | md5sum | cut -c1-12)
		if [ "$(cat "$KB_DIR/src-patches" 2>/dev/null)" != "$_pkey" ] || [ ! -d "$_ksrc" ]; then
			kb_log "applying $(echo "$_patches" | wc -l) patch(es) of $_pdir to a copy of the source"
			_old=$(cat "$KB_DIR/src-files" 2>/dev/null)
			# shellcheck disable=SC2086
			if ! kb_patch_src "$_src" "$_ksrc" $_patches; then
				exec 8>&-
				return 1
			fi
			# shellcheck disable=SC2086
			kb_patch_files $_patches > "$KB_DIR/src-files"
			# what the old and the new patches touch is rebuilt
			for _f in $_old $(cat "$KB_DIR/src-files"); do
				[ -f "$_ksrc/$_f" ] && { cp "$_ksrc/$_f" "$_ksrc/$_f.kb" &&
							 mv "$_ksrc/$_f.kb" "$_ksrc/$_f"; }
			done
			echo "$_pkey" > "$KB_DIR/src-patches"
			rm -f "$KB_DIR/done"
		fi
	fi
	if [ ! -f "$KB_DIR/done" ]; then
		_t0=$(date +%s)
		kb_log "building $_name in $KB_DIR (long on 2 cores, log: $KB_DIR/build.log)"
		_mk() {
			nice -n "${KB_NICE:-10}" make -C "$_ksrc" O="$KB_KDIR" ARCH="$_arch" \
				${KB_CROSS:+CROSS_COMPILE="$KB_CROSS"} "$@" >> "$KB_DIR/build.log" 2>&1
		}
		: > "$KB_DIR/build.log"
		rm -rf "$KB_MODROOT"
		# (configured once: the key holds the fragment)
		if [ ! -f "$KB_KDIR/.config" ]; then
			if ! { _mk allnoconfig &&
			       (cd "$KB_KDIR" && ARCH=$_arch "$_ksrc/scripts/kconfig/merge_config.sh" \
				-m -O "$KB_KDIR" "$KB_KDIR/.config" "$_frag") >> "$KB_DIR/build.log" 2>&1 &&
			       _mk olddefconfig; }; then
				kb_log "configuring $_name failed; see $KB_DIR/build.log"
				exec 8>&-
				return 1
			fi
		fi
		# Every option of the fragment must have survived olddefconfig.
		_lost=$(grep -E '^(CONFIG_|# CONFIG_)' "$_frag" | while read -r _l; do
			grep -qxF "$_l" "$KB_KDIR/.config" || echo "$_l"
		done)
		if [ -n "$_lost" ]; then
			kb_log "$(basename "$_frag") options not in the kernel config:" $_lost
			exec 8>&-
			return 1
		fi
		if ! _mk -j"${KB_JOBS:-2}" "$_img" modules ||
		   ! _mk INSTALL_MOD_PATH="$KB_MODROOT" modules_install; then
			kb_log "building $_name failed; last lines of $KB_DIR/build.log:"
			tail -n 30 "$KB_DIR/build.log" >&2
			exec 8>&-
			return 1
		fi
		[ -f "$KB_DIR/build-seconds" ] || echo "$(($(date +%s) - _t0))" > "$KB_DIR/build-seconds"
		kb_log "$_name built in $(($(date +%s) - _t0))s"
		# Drop the builds of other keys.
		for _old in "$_cache"/kernel-*; do
			[ "$_old" = "$KB_DIR" ] || rm -rf "$_old"
		done
		touch "$KB_DIR/done"
	fi
	exec 8>&-
	KB_KVER=$(cat "$KB_KDIR/include/config/kernel.release")
}
