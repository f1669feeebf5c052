#!/bin/sh
# edgeaid's command line without a bus: --help, --version, usage errors and
# --check-config (a named file that is missing or unreadable is an error,
# not "ok"). test-edgeaid-bus.sh runs the daemon itself.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
daemon=$build/daemon/edgeaid
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
run() { "$daemon" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
diag() { sed 's/^/# /' "$1"; }

echo "TAP version 13"
version=$(sed -n 's/^#define EDGEAI_VERSION_STRING "\(.*\)"/\1/p' "$top/libedgeai/include/edgeai/edgeai.h")
run --version
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "edgeaid $version" ] && [ ! -s "$tmp/err" ]
ok $? "--version prints 'edgeaid $version'"
run -V
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "edgeaid $version" ]
ok $? "-V is --version"
run --help
[ $rc -eq 0 ] && grep -q '^Usage: edgeaid' "$tmp/out" && grep -q -- '--version' "$tmp/out" &&
	grep -q 'Exit status' "$tmp/out" && awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/out"
ok $? "--help: usage, --version, exit status, within 80 columns"
run --frobnicate
[ $rc -eq 2 ] && grep -q "frobnicate" "$tmp/err" && grep -q -- "--help" "$tmp/err"
ok $? "an unknown option: exit 2, names it and points to --help"
run extra
[ $rc -eq 2 ] && grep -q "no positional arguments" "$tmp/err"
ok $? "an operand: exit 2"

run --check-config --config=/nonexistent
[ $rc -eq 1 ] && grep -qx "edgeaid: cannot read /nonexistent: No such file or directory" "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "--check-config --config=/nonexistent: exit 1, 'cannot read /nonexistent: No such file or directory'"
diag "$tmp/err"
run --check-config --config="$tmp"
[ $rc -eq 1 ] && grep -qx "edgeaid: cannot read $tmp: not a regular file" "$tmp/err"
ok $? "--check-config of a directory: exit 1, not a regular file"
diag "$tmp/err"
printf '[Manager]\nPowerProfile=balanced\n\n[Application]\nName=cam\nUnit=cam.service\nWeight=200\n' > "$tmp/good.conf"
run --check-config --config="$tmp/good.conf"
[ $rc -eq 0 ] && grep -q "good.conf: ok, 1 application rule(s)" "$tmp/out"
ok $? "--check-config of a good file: exit 0, ok"
diag "$tmp/out"; diag "$tmp/err"
printf '[Manager]\nPowerProfile=turbo\n' > "$tmp/bad.conf"
run --check-config --config="$tmp/bad.conf"
[ $rc -eq 1 ] && grep -q "bad.conf:2: " "$tmp/err"
ok $? "--check-config of a bad file: exit 1 naming file:line"
echo "1..$n"
exit $fail
