#!/bin/sh
# Print the path of an extracted Debian linux-source-6.12 tree, extracting it
# into the cache on first use. The tree supplies kunit.py, checkpatch.pl and
# kselftest_harness.h; none of them is copied into this repository.
set -eu
cache=${EDGEAI_CACHE:-$HOME/.cache/edgeai}
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
if [ -z "$tarball" ]; then
	echo "linux-src: /usr/src/linux-source-6.12.tar.xz missing (run: make deps)" >&2
	exit 1
fi
dest=$cache/linux-source-6.12
stamp=$dest/.edgeai-extracted
# Re-extract when the package was upgraded.
want=$(stat -c %Y "$tarball")
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "linux-src: extracting $tarball into $cache (once)" >&2
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$dest.tmp"
	tar -xJf "$tarball" -C "$dest.tmp" --strip-components=1
	mv "$dest.tmp" "$dest"
	echo "$want" > "$stamp"
fi
echo "$dest"
