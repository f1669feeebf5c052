#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make deb`: build the Debian packages with dpkg-buildpackage -b from a
# copy of the tree (tracked and new, not ignored, files: what a clean
# checkout has), put the .debs in build/deb/ and run lintian on them.
#
#   tests/lib/deb.sh            build, then lintian; non-zero on a build
#                               failure or a lintian error (warnings are
#                               listed in build/deb/lintian.txt)
#   DEB_LINTIAN=0 tests/lib/deb.sh     build only
#
# dpkg-buildpackage writes its results next to the source tree, so the copy
# lives in build/deb/src/ and nothing lands outside build/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
export EDGEAI_CACHE="${EDGEAI_CACHE:-$HOME/.cache/edgeai}"
for t in dpkg-buildpackage dh dh_dkms dh_python3 lintian; do
	command -v "$t" > /dev/null 2>&1 || {
		echo "deb: $t is missing (run: make deps)" >&2
		exit 1
	}
done
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
lib=$(sed -n 's/^VERSION *:= *//p' libedgeai/Makefile)
if [ "$ver" != "$lib" ]; then
	echo "deb: debian/changelog says $ver, libedgeai/Makefile $lib: one version, please" >&2
	exit 1
fi
out=$top/build/deb
src=$out/src/edgeai-$ver
rm -rf "$out"
mkdir -p "$src"
# (git ls-files lists deleted-but-tracked files too: copy those that exist)
git ls-files --cached --others --exclude-standard | while read -r f; do
	[ -e "$f" ] && printf '%s\n' "$f"
done | rsync -a --files-from=- ./ "$src/"
echo "deb: dpkg-buildpackage -b -us -uc -j2 in ${src#$top/} (log: build/deb/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j"${DEB_JOBS:-2}") > "$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (build/deb/build.log)" >&2
	exit 1
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
rm -rf "$out/src"
ls -1 "$out"/*.deb | sed "s|^$top/|deb: |"
[ "${DEB_LINTIAN:-1}" = 0 ] && exit 0
echo "deb: lintian build/deb/*.deb"
rc=0
lintian --tag-display-limit 0 --display-info "$out"/*.deb > "$out/lintian.txt" 2>&1 || rc=$?
sed 's/^/deb: lintian: /' "$out/lintian.txt"
e=$(grep -c '^E: ' "$out/lintian.txt" || true)
w=$(grep -c '^W: ' "$out/lintian.txt" || true)
echo "deb: lintian: $e errors, $w warnings"
[ "$rc" -eq 0 ] && [ "$e" -eq 0 ]
