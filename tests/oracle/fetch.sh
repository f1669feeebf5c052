#!/bin/sh
# Fetch the quantized-arithmetic oracle: TensorFlow Lite 2.9.0's C library
# as shipped prebuilt in the npm package tfjs-tflite-node@0.0.2 (pinned,
# sha256 checked). Cached in ${EDGEAI_CACHE:-$HOME/.cache/edgeai}/oracle/.
#
#   tests/oracle/fetch.sh      prints the oracle directory on success; it
#                              holds lib/libtensorflowlite_c.so and
#                              include/tensorflow/lite/c/*.h
#
# Exit 0 on success, 1 when the download or the checksum fails.
set -eu

PKG=tfjs-tflite-node
VER=0.0.2
SHA256=3be1632328a76a2475e5b6833253763c802c859433becb4d879ee1860e3b5284

cache=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/oracle
dir=$cache/$PKG-$VER
tgz=$cache/$PKG-$VER.tgz

if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache"
if [ ! -f "$tgz" ]; then
	tmp=$(mktemp -d "$cache/fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "oracle: npm pack $PKG@$VER" >&2
	if ! (cd "$tmp" && npm pack --silent "$PKG@$VER" >/dev/null 2>&1); then
		echo "oracle: npm pack $PKG@$VER failed" >&2
		exit 1
	fi
	mv "$tmp/$PKG-$VER.tgz" "$tgz.part"
	mv "$tgz.part" "$tgz"
fi
sum=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$sum" != "$SHA256" ]; then
	echo "oracle: sha256 mismatch for $tgz: $sum, want $SHA256" >&2
	rm -f "$tgz"
	exit 1
fi
rm -rf "$dir.part"
mkdir -p "$dir.part/lib"
tar -xzf "$tgz" -C "$dir.part" package/cc_deps/linux_amd64/libtensorflowlite_c.so \
	package/cc_deps/include
mv "$dir.part/package/cc_deps/linux_amd64/libtensorflowlite_c.so" "$dir.part/lib/"
mv "$dir.part/package/cc_deps/include" "$dir.part/include"
rm -rf "$dir.part/package"
touch "$dir.part/.complete"
rm -rf "$dir"
mv "$dir.part" "$dir"
echo "$dir"
