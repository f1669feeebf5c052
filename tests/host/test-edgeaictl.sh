#!/bin/sh
# edgeaictl's command line: --help, --version, usage errors, and status /
# selftest on a machine without an edgeai device (clear message on stderr,
# exit status 1, valid JSON with --json). Device checks are skipped when
# this machine has edgeai devices (the VM lane runs selftest there).
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
# run ARGS...: sets rc, and stdout/stderr in $tmp/out, $tmp/err
run() { "$ctl" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2> /dev/null; }
diag() { sed 's/^/# /' "$1"; }

echo "TAP version 13"
[ -x "$ctl" ] || { echo "not ok 1 - $ctl exists"; echo "1..1"; exit 1; }

run --help
[ $rc -eq 0 ] && grep -q '^Usage: edgeaictl' "$tmp/out" && [ ! -s "$tmp/err" ]
ok $? "--help exits 0 with usage on stdout"
for word in status selftest --json --device --version 'Exit status' EDGEAI_DEBUG; do
	grep -q -- "$word" "$tmp/out" || { echo "# --help lacks '$word'"; r=1; }
done
ok "${r:-0}" "--help documents commands, options, exit status and environment"
awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/out"
ok $? "--help fits 80 columns"
run -h
[ $rc -eq 0 ] && grep -q '^Usage:' "$tmp/out"
ok $? "-h is --help"

run --version
lib=$(sed -n 's/^#define EDGEAI_VERSION_STRING "\(.*\)"/\1/p' "$top/libedgeai/include/edgeai/edgeai.h")
[ $rc -eq 0 ] && grep -qx "edgeaictl $lib (libedgeai $lib)" "$tmp/out"
ok $? "--version prints 'edgeaictl $lib (libedgeai $lib)'"

run --no-such-option
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "no-such-option" "$tmp/err" && grep -q -- "--help" "$tmp/err"
ok $? "unknown option: exit 2, message names it and points to --help"
run frobnicate
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err"
ok $? "unknown command: exit 2 with a clear message"
run
[ $rc -eq 2 ] && grep -q "missing command" "$tmp/err"
ok $? "no command: exit 2"
run status extra
[ $rc -eq 2 ] && grep -q "too many arguments" "$tmp/err"
ok $? "extra argument: exit 2"
run status --device
[ $rc -eq 2 ]
ok $? "--device without a value: exit 2"

if [ -n "$(ls /dev/accel 2> /dev/null)" ] && "$ctl" status > /dev/null 2>&1; then
	for t in "status without devices" "status --json without devices" "selftest without devices"; do
		skip "$t (this machine has edgeai devices)"
	done
else
	msg="no edgeai accelerator found (is the edgeai module loaded?)"
	run status
	[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err" && [ ! -s "$tmp/out" ]
	ok $? "status without devices: exit 1, '$msg'"
	diag "$tmp/err"
	run status --json
	[ $rc -eq 1 ] && json_ok "$tmp/out" &&
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d.pop("board", None)
sys.exit(not (isinstance(b, str) and b) or d != {"devices": [], "policy": None})' "$tmp/out"
	ok $? "status --json without devices or edgeaid: exit 1, valid JSON {\"board\": ID, \"devices\": [], \"policy\": null}"
	diag "$tmp/out"
	run --json status
	[ $rc -eq 1 ] && json_ok "$tmp/out"
	ok $? "options before the command work too"
	run selftest
	[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err"
	ok $? "selftest without devices: exit 1 with the message"
	run selftest --json
	[ $rc -eq 1 ] && json_ok "$tmp/out" && grep -q '"result":"fail"' "$tmp/out"
	ok $? "selftest --json without devices: valid JSON, result fail"
fi

run status --device /dev/null
[ $rc -eq 1 ] && grep -q '/dev/null: .*edgeai' "$tmp/err"
ok $? "status --device /dev/null: exit 1, says it is not an edgeai device"
diag "$tmp/err"
run selftest --device /nonexistent/accel7
[ $rc -eq 1 ] && grep -q '/nonexistent/accel7: ' "$tmp/err"
ok $? "selftest --device of a missing node: exit 1 with the path"
echo "1..$n"
exit $fail
