#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/dkms.sh KVER WORKDIR - DKMS builds and installs edgeai.ko for
# kernel KVER, as the edgeai-dkms package's postinst does, and prints the
# path of the installed module (WORKDIR/install/KVER/updates/dkms/edgeai.ko).
#
# The module source is the edgeai-dkms package of `make deb`
# (build/deb/edgeai-dkms_<version>_all.deb) when it is newer than every
# source file it holds; otherwise the same files taken from the tree by
# debian/dkms-source.sh, with debian/edgeai-dkms.dkms as dkms.conf (what
# dh_dkms installs). DKMS runs with private trees (--sourcetree,
# --dkmstree, --installtree, --no-depmod) and its own signing key in
# WORKDIR: nothing under /var/lib/dkms or /lib/modules is touched.
# The log goes to WORKDIR/dkms.log.
set -eu
kver=$1 work=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v dkms > /dev/null || { echo "dkms: dkms is missing (run: make deps)" >&2; exit 1; }
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
rm -rf "$work"
mkdir -p "$work/src" "$work/tree" "$work/install/$kver" "$work/keys"
deb=$top/build/deb/edgeai-dkms_${ver}_all.deb
newer=
[ -f "$deb" ] && newer=$(cd "$top" && find Kbuild kernel/Makefile kernel/Kconfig kernel/*.[ch] kernel/tests uapi firmware/include firmware/ops \
	debian/edgeai-dkms.dkms debian/dkms-source.sh -type f -newer "$deb" | head -n 1)
if [ -f "$deb" ] && [ -z "$newer" ]; then
	echo "dkms: module source from ${deb#$top/}" >&2
	dpkg-deb -x "$deb" "$work/pkg"
	mv "$work/pkg/usr/src/edgeai-$ver" "$work/src/"
else
	echo "dkms: module source from the tree (debian/dkms-source.sh; ${deb#$top/} ${newer:+is older than $newer}${newer:-is missing})" >&2
	"$top/debian/dkms-source.sh" "$work/src/edgeai-$ver"
	sed "s/#MODULE_VERSION#/$ver/" "$top/debian/edgeai-dkms.dkms" > "$work/src/edgeai-$ver/dkms.conf"
fi
export mok_signing_key="$work/keys/mok.key" mok_certificate="$work/keys/mok.pub"
trees="--sourcetree $work/src --dkmstree $work/tree --installtree $work/install"
for action in add build install; do
	# shellcheck disable=SC2086
	if ! dkms $action -m edgeai -v "$ver" -k "$kver" $trees --no-depmod >> "$work/dkms.log" 2>&1; then
		tail -n 30 "$work/dkms.log" >&2
		find "$work/tree" -name make.log -exec tail -n 30 {} \; >&2
		echo "dkms: dkms $action failed (log: $work/dkms.log)" >&2
		exit 1
	fi
done
ko=$(find "$work/install/$kver" -name 'edgeai.ko*' | head -n 1)
[ -n "$ko" ] || { echo "dkms: dkms install put no edgeai.ko under $work/install/$kver" >&2; exit 1; }
case $ko in
*.xz) xz -d "$ko"; ko=${ko%.xz} ;;
*.zst) zstd -q -d --rm "$ko"; ko=${ko%.zst} ;;
esac
echo "$ko"
