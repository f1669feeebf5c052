#!/bin/sh
# edgeai.pc sanity, and an installed copy used the way applications use it:
# install into a DESTDIR, then build a program with `pkg-config --cflags
# --libs edgeai` (shared and --static) that includes <edgeai/edgeai.h> and
# <edgeai/drm/edgeai_accel.h>, and run it. The public header also compiles
# alone as strict C11 and as C++.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
pc=$build/libedgeai/edgeai.pc

echo "TAP version 13"
PKG_CONFIG_PATH=$build/libedgeai pkg-config --validate edgeai
ok $? "pkg-config --validate edgeai.pc"
v=$(PKG_CONFIG_PATH=$build/libedgeai pkg-config --modversion edgeai)
hv=$(sed -n 's/^#define EDGEAI_VERSION_STRING "\(.*\)"/\1/p' "$top/libedgeai/include/edgeai/edgeai.h")
[ "$v" = "$hv" ]
ok $? "Version ($v) equals EDGEAI_VERSION_STRING ($hv)"
grep -q '^Requires.private:.*libudev' "$pc" && grep -q '^Requires.private:.*liburing' "$pc" &&
	grep -q '^Requires.private:.*libdrm' "$pc"
ok $? "Requires.private names libdrm, libudev and liburing"
! grep -q '^Requires:' "$pc"
ok $? "no public Requires (the dependencies are private)"
libs=$(PKG_CONFIG_PATH=$build/libedgeai pkg-config --libs edgeai)
slibs=$(PKG_CONFIG_PATH=$build/libedgeai pkg-config --static --libs edgeai)
case " $libs " in *" -ledgeai "*) r=0 ;; *) r=1 ;; esac
case " $libs " in *" -ludev "*|*" -luring "*) r=1 ;; esac
ok $r "--libs is just -ledgeai ($libs)"
case " $slibs " in *" -ludev "*) case " $slibs " in *" -luring "*) r=0 ;; *) r=1 ;; esac ;; *) r=1 ;; esac
ok $r "--static --libs adds -ludev and -luring"

make -s -C "$top/libedgeai" BUILD="$build" DESTDIR="$tmp/root" PREFIX=/usr install > "$tmp/install.log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
for f in usr/lib/libedgeai.a usr/lib/libedgeai.so usr/lib/libedgeai.so.0 usr/include/edgeai/edgeai.h \
	usr/include/edgeai/drm/edgeai_accel.h usr/lib/pkgconfig/edgeai.pc; do
	[ -e "$tmp/root/$f" ] || { echo "# missing $f"; r=1; }
done
ok "${r:-0}" "installed library, headers and edgeai.pc"
cmp -s "$top/uapi/drm/edgeai_accel.h" "$tmp/root/usr/include/edgeai/drm/edgeai_accel.h"
ok $? "installed uapi header is a verbatim copy"
grep -q '^prefix=/usr$' "$tmp/root/usr/lib/pkgconfig/edgeai.pc"
ok $? "installed edgeai.pc has prefix=/usr"

cat > "$tmp/app.c" <<'EOC'
#include <stdio.h>
#include <string.h>
#include <edgeai/edgeai.h>
#include <edgeai/drm/edgeai_accel.h>
int main(void)
{
	struct edgeai_device_list *l = NULL;
	int n = edgeai_enumerate(&l);
	printf("%s %d %d\n", edgeai_version(), n, DRM_EDGEAI_CAP_URING_CMD == EDGEAI_CAP_URING_CMD);
	edgeai_device_list_unref(l);
	return n < 0 || strcmp(edgeai_version(), EDGEAI_VERSION_STRING) != 0;
}
EOC
# Relocate the DESTDIR install (prefix=/usr becomes $tmp/root/usr) in a copy
# of its edgeai.pc; the other .pc files (libdrm...) stay as installed.
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/root/usr|" "$tmp/root/usr/lib/pkgconfig/edgeai.pc" > "$tmp/pc/edgeai.pc"
export PKG_CONFIG_PATH="$tmp/pc"
pc() { pkg-config "$@" edgeai; }
cflags=$(pc --cflags) && libs=$(pc --libs) && slibs=$(pc --static --libs)
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/app" "$tmp/app.c" $cflags $libs > "$tmp/cc.log" 2>&1
r=$?; sed 's/^/# /' "$tmp/cc.log"
ok $r "application builds against the installed copy with pkg-config"
if [ $r -eq 0 ]; then
	out=$(LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/app")
	ok $? "application runs with the installed libedgeai.so.0 ($out)"
	ldd_out=$(LD_LIBRARY_PATH="$tmp/root/usr/lib" ldd "$tmp/app" | grep libedgeai)
	case $ldd_out in *libedgeai.so.0*"$tmp/root"*) r=0 ;; *) r=1 ;; esac
	ok $r "application needs libedgeai.so.0"
else
	skip "application runs"; skip "application needs libedgeai.so.0"
fi
# shellcheck disable=SC2086,SC2046
cc -std=c11 -Wall -Wextra -Werror -static-libgcc -o "$tmp/app-static" "$tmp/app.c" $cflags \
	-Wl,-Bstatic -ledgeai -Wl,-Bdynamic $(echo " $slibs " | sed 's/ -ledgeai / /') > "$tmp/cc2.log" 2>&1
r=$?; sed 's/^/# /' "$tmp/cc2.log"
ok $r "application links libedgeai.a with pkg-config --static"
[ $r -eq 0 ] && ! ldd "$tmp/app-static" | grep -q libedgeai
ok $? "static application does not need libedgeai.so"

hdr="$top/libedgeai/include"
printf '#include <edgeai/edgeai.h>\nint main(void){return 0;}\n' > "$tmp/h.c"
cc -std=c11 -pedantic -Wall -Wextra -Werror -I"$hdr" -c -o "$tmp/h.o" "$tmp/h.c" 2> "$tmp/h.log"
r=$?; sed 's/^/# /' "$tmp/h.log"
ok $r "edgeai.h compiles alone as strict C11 (-pedantic)"
if command -v c++ > /dev/null; then
	cp "$tmp/h.c" "$tmp/h.cc"
	c++ -std=c++11 -Wall -Wextra -Werror -I"$hdr" -c -o "$tmp/hpp.o" "$tmp/h.cc" 2> "$tmp/hpp.log"
	r=$?; sed 's/^/# /' "$tmp/hpp.log"
	ok $r "edgeai.h compiles as C++11"
else
	skip "edgeai.h compiles as C++11 (no C++ compiler)"
fi
echo "1..$n"
exit $fail
