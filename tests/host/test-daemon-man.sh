#!/bin/sh
# The man pages of daemon/ against the programs: generated with the one
# version of the tree (libedgeai's EDGEAI_VERSION_STRING, which -V and
# --version print), groff finds nothing to warn about, and every long
# option that edgeaictl (globally and per command) and edgeaid print in
# their help, and every environment variable edgeaictl's help names, is
# in the page.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
daemon=$build/daemon/edgeaid
man=$build/daemon/man
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
version=$(sed -n 's/^#define EDGEAI_VERSION_STRING "\(.*\)"/\1/p' "$top/libedgeai/include/edgeai/edgeai.h")
for page in edgeaictl.1 edgeaid.8 edgeaid.conf.5; do
	grep -q '^\.TH .* "edgeai @VERSION@"' "$top/daemon/$page" &&
		grep -q "^\\.TH .* \"edgeai $version\"" "$man/$page" && ! grep -q '@VERSION@' "$man/$page"
	ok $? "$page is generated with version $version (the source says @VERSION@)"
	if command -v groff > /dev/null; then
		groff -man -Tutf8 -ww -z "$man/$page" > "$tmp/groff" 2>&1 && [ ! -s "$tmp/groff" ]
		ok $? "$page: groff -ww has no warning $(head -1 "$tmp/groff")"
	else
		n=$((n + 1)); echo "ok $n - $page: groff # SKIP no groff"
	fi
done
[ "$("$ctl" -V)" = "edgeaictl $version (libedgeai $version)" ]
ok $? "edgeaictl -V says $version too"
[ "$("$daemon" --version)" = "edgeaid $version" ]
ok $? "edgeaid --version says $version too"

# long options in a help text: --name at the start of an option line
longopts() { grep -o -- '^ *\(-[a-zA-Z],\? \)\?--[a-z][a-z-]*' | sed 's/.*--/--/' | sort -u; }
check_page() { # PAGE HELP-FILE WHAT
	r=0
	for o in $(longopts < "$2"); do
		grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" "$man/$1" || { echo "# $1 lacks $o ($3)"; r=1; }
	done
	[ -n "$(longopts < "$2")" ] || r=1
	ok $r "$1 documents every long option of $3: $(longopts < "$2" | tr '\n' ' ')"
}
"$ctl" --help > "$tmp/help"
check_page edgeaictl.1 "$tmp/help" "edgeaictl --help"
for v in status selftest inspect quantize run bench clients top power thermal why; do
	"$ctl" "$v" --help > "$tmp/help"
	check_page edgeaictl.1 "$tmp/help" "edgeaictl $v --help"
done
"$daemon" --help > "$tmp/help"
check_page edgeaid.8 "$tmp/help" "edgeaid --help"
r=0
for e in $("$ctl" --help | grep -o 'EDGEAI_[A-Z_]*' | sort -u) EDGEAI_CACHE_DIR EDGEAI_CPU_KERNELS; do
	grep -q "^\.B $e\$" "$man/edgeaictl.1" || { echo "# edgeaictl.1 lacks $e"; r=1; }
done
ok $r "edgeaictl.1 has an ENVIRONMENT entry for each variable its help names, EDGEAI_CACHE_DIR and EDGEAI_CPU_KERNELS"
echo "1..$n"
exit $fail
