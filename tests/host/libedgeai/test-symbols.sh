#!/bin/sh
# The exported symbols of libedgeai.so equal the version map (libdrm's
# symbols-check): nothing leaks, nothing is missing, every symbol carries
# a LIBEDGEAI_0.x version node of the map, the SONAME is libedgeai.so.0, and every
# EDGEAI_PUBLIC function of the public header is in the map.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
so=$build/libedgeai/libedgeai.so
map=$top/libedgeai/libedgeai.map
hdr=$top/libedgeai/include/edgeai/edgeai.h
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
[ -e "$so" ] || { echo "not ok 1 - $so exists"; echo "1..1"; exit 1; }

sed -n '/global:/,/local:/p' "$map" | grep -o 'edgeai_[a-z0-9_]*' | sort > "$tmp/map"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sed 's/@.*//' |
	grep -v '^LIBEDGEAI_' | sort > "$tmp/exported"
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^LIBEDGEAI_/ { print $3 }' |
	grep -Ev '@@LIBEDGEAI_0\.[1234567]$' > "$tmp/unversioned"
grep -B0 -A3 'EDGEAI_PUBLIC' "$hdr" | grep -o '\bedgeai_[a-z0-9_]*(' | tr -d '(' | sort -u > "$tmp/header"

diff -u "$tmp/map" "$tmp/exported" > "$tmp/diff1"
ok $? "exported symbols equal libedgeai.map ($(wc -l < "$tmp/map") symbols)"
sed 's/^/# /' "$tmp/diff1"
[ ! -s "$tmp/unversioned" ]
ok $? "every exported symbol has a LIBEDGEAI_0.1 .. 0.7 version"
sed 's/^/# /' "$tmp/unversioned"
! grep -q '^edgeai__' "$tmp/exported"
ok $? "no internal edgeai__ helper is exported"
diff -u "$tmp/header" "$tmp/map" > "$tmp/diff2"
ok $? "every EDGEAI_PUBLIC function of edgeai.h is in the map and vice versa"
sed 's/^/# /' "$tmp/diff2"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libedgeai.so.0 ]
ok $? "SONAME is libedgeai.so.0 (got '$soname')"
[ "$(readlink "$build/libedgeai/libedgeai.so")" = libedgeai.so.0 ] &&
	[ -e "$build/libedgeai/libedgeai.so.0" ]
ok $? "libedgeai.so -> libedgeai.so.0 symlink chain"
# The static library carries the same public functions.
nm --defined-only "$build/libedgeai/libedgeai.a" 2>/dev/null | awk '$2 == "T" { print $3 }' |
	grep '^edgeai_[a-z]' | sort > "$tmp/static"
diff -u "$tmp/map" "$tmp/static" > "$tmp/diff3"
ok $? "libedgeai.a defines the same public functions"
sed 's/^/# /' "$tmp/diff3"
echo "1..$n"
exit $fail
