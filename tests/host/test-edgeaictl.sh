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
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d != {"devices": [], "policy": None})' "$tmp/out"
	ok $? "status --json without devices or edgeaid: exit 1, valid JSON {\"devices\": [], \"policy\": null}"
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
# one-op models from tests/oracle/tflite_writer.py: RELU in float32 and in
# int8, and the int8 one with its input tensor named by the bytes FF 01
PYTHONPATH=$top/tests/oracle python3 - "$tmp" <<'PY'
import sys
import tflite_writer as tw
d = sys.argv[1]
f32 = [{'shape': [1, 4], 'type': 0}, {'shape': [1, 4], 'type': 0}]
q = {'scale': [0.1], 'zero_point': [0]}
i8 = [dict(shape=[1, 4], type=tw.TT_INT8, **q), dict(shape=[1, 4], type=tw.TT_INT8, **q)]
open(d + '/float.tflite', 'wb').write(tw.model(19, 0, None, f32, [0], [1], [0], [1]))
b = tw.model(19, 0, None, i8, [0], [1], [0], [1])
open(d + '/int8.tflite', 'wb').write(b)
name = b'\x02\x00\x00\x00t0\x00'
assert b.count(name) == 1
open(d + '/ff.tflite', 'wb').write(b.replace(name, b'\x02\x00\x00\x00\xff\x01\x00'))
PY
ok $? "make the test models (float and int8 RELU, a tensor named FF 01)"
printf 'abcd' > "$tmp/in.bin"

run inspect --json "$tmp/ff.tflite"
[ $rc -eq 0 ] && python3 -m json.tool "$tmp/out" > "$tmp/pretty" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["inputs"][0]["name"] != "\ufffd\u0001")' "$tmp/out"
ok $? "inspect --json of a tensor named by bytes FF 01: valid UTF-8 JSON (json.tool), name U+FFFD U+0001"
diag "$tmp/err"

run selftest --device /nonexistent/accel7
[ $rc -eq 1 ] && grep -q '/nonexistent/accel7: ' "$tmp/err"
ok $? "selftest --device of a missing node: exit 1 with the path"
echo "1..$n"
exit $fail
