# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Pieces of the arm64 board lane (tests/arm64/run.sh), sourced after
# tests/vm/lib.sh:
#
#   a64_busybox          fetch busybox-static:arm64 into the cache (once);
#                        sets A64_BUSYBOX
#   a64_kernel           build the board kernel (once per source/config);
#                        sets A64_KDIR, A64_IMAGE, A64_KVER, A64_MODROOT
#   a64_dtb OUT [DTSI]   QEMU's own DTB plus the board's edgeai nodes
#   a64_boot INITRD DTB DIR SECS [APPEND]
#                        boot the board, like vm_boot
#
# Everything expensive lives in $EDGEAI_CACHE/arm64/.

A64_CACHE=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/arm64
A64_TOP=${A64_TOP:-$(cd "$(dirname -- "$0")/../.." && pwd)}

a64_log() { echo "arm64: $*" >&2; }

# a64_busybox - busybox-static:arm64, extracted from the package (installing
# it would remove the host's busybox-static: the packages conflict).
a64_busybox() {
	_v=$(apt-cache show --no-all-versions busybox-static:arm64 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	if [ -z "$_v" ]; then
		a64_log "apt knows no busybox-static:arm64: run 'make deps' (adds the arm64 architecture)"
		return 1
	fi
	_d=$A64_CACHE/busybox-$(echo "$_v" | tr ':~' '__')
	A64_BUSYBOX=$_d/busybox
	[ -x "$A64_BUSYBOX" ] && return 0
	a64_log "fetching busybox-static:arm64 $_v (once)"
	_t=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-a64.XXXXXX") || return 1
	# apt's download sandbox user must be able to write there.
	chmod 777 "$_t"
	(cd "$_t" && apt-get download -q "busybox-static:arm64=$_v" 2>&1) |
		grep -v 'unsandboxed' >&2
	if ! ls "$_t"/busybox-static_*.deb > /dev/null 2>&1; then
		a64_log "apt-get download busybox-static:arm64 failed"
		rm -rf "$_t"
		return 1
	fi
	dpkg-deb -x "$_t"/busybox-static_*.deb "$_t/x" &&
		mkdir -p "$_d" &&
		cp "$_t/x/bin/busybox" "$A64_BUSYBOX.tmp" &&
		mv "$A64_BUSYBOX.tmp" "$A64_BUSYBOX"
	_rc=$?
	rm -rf "$_t"
	return $_rc
}
