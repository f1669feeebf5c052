#!/bin/sh
# edgeaid's Prometheus metrics: test-fleet-metrics.c builds them from a
# Manager over a fake sysfs tree and checks each family's values; here
# Debian's promtool checks the exposition format of what it wrote, and
# edgeaid itself (no bus, no device) writes a file promtool accepts.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/host
mkdir -p "$out"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Itests/host -Iuapi \
	$(pkg-config --cflags libsystemd libdrm) -o "$out/test-fleet-metrics" tests/host/test-fleet-metrics.c \
	daemon/edgeaid-metrics.c daemon/edgeaid-report.c daemon/edgeaid-conf.c daemon/edgeaid-util.c daemon/shared/sysfs.c daemon/shared/board.c \
	$(pkg-config --libs libsystemd) > "$tmp/build.log" 2>&1 || {
	sed 's/^/# /' "$tmp/build.log"
	echo "not ok 1 - build test-fleet-metrics"
	exit 1
}
derived=$(systemd-id128 machine-id --app-specific=e7fd0aa3d0c04be9968d2a815c696f3b 2> /dev/null)
mkdir -p "$tmp/m"
"$out/test-fleet-metrics" "$tmp/m" "$derived" > "$tmp/tap" 2>&1
rc=$?
# the C test's TAP, then ours numbered after it
grep -v '^1\.\.' "$tmp/tap"
n=$(grep -c -E '^(not )?ok ' "$tmp/tap")
fail=$([ $rc -eq 0 ] && echo 0 || echo 1)
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

if command -v promtool > /dev/null; then
	promtool check metrics < "$tmp/m/edgeaid.prom" > "$tmp/promtool.out" 2>&1
	ok $? "promtool check metrics: the Manager's metrics are lint-clean"
	sed 's/^/# /' "$tmp/promtool.out"
	promtool check metrics < "$tmp/m/escape/edgeaid.prom" > "$tmp/promtool.out" 2>&1
	ok $? "promtool check metrics: escaped label values"
	sed 's/^/# /' "$tmp/promtool.out"
else
	n=$((n + 1)); echo "ok $n - promtool check metrics # SKIP no promtool (Debian's prometheus package, make deps)"
fi
# every family has HELP and TYPE before its samples, and a base unit or _total/_ratio/_info where it should
awk '/^# HELP / { h[$3] = 1 } /^# TYPE / { t[$3] = $4 } !/^#/ { split($1, a, "{"); if (!(a[1] in h) || !(a[1] in t)) bad = bad " " a[1]
	if (t[a[1]] == "counter" && a[1] !~ /_total$/) bad = bad " " a[1] }
	END { if (bad) { print "# bad:" bad; exit 1 } }' "$tmp/m/edgeaid.prom"
ok $? "each series follows its # HELP and # TYPE; counters end in _total"
grep -v '^#' "$tmp/m/edgeaid.prom" | grep -v '^edgeai_' > /dev/null
[ $? -ne 0 ]
ok $? "every metric name has the edgeai_ prefix"

# edgeaid itself, on a host without devices
printf '[Manager]\nMetricsDirectory=%s/d\nMetricsIntervalSec=1\nCDISpecDirectory=%s/cdi\n' "$tmp" "$tmp" > "$tmp/e.conf"
mkdir -p "$tmp/d"
timeout 3 "$build/daemon/edgeaid" --config="$tmp/e.conf" --runtime-dir="$tmp/run" --no-bus > "$tmp/edgeaid.log" 2>&1
[ -s "$tmp/d/edgeaid.prom" ] && grep -q '^edgeai_board_info{board="' "$tmp/d/edgeaid.prom" &&
	{ ! command -v promtool > /dev/null || promtool check metrics < "$tmp/d/edgeaid.prom" > /dev/null 2>&1; }
ok $? "edgeaid --no-bus writes edgeaid.prom into MetricsDirectory=" 
[ -z "$(ls -A "$tmp/cdi" 2> /dev/null)" ]
ok $? "no device: no CDI spec in CDISpecDirectory="
board=$("$build/daemon/edgeaictl" --json status 2> /dev/null | sed -n 's/^{"board":"\([^"]*\)".*/\1/p')
[ -n "$board" ] && grep -q "^edgeai_board_info{board=\"$board\"" "$tmp/d/edgeaid.prom"
ok $? "edgeaictl status --json and the metrics carry the same board id ($board)"

# libedgeai's fallback reports reach edgeaid's metrics, counted for the
# process's application; bad datagrams are refused and edgeaid keeps going
PYTHONPATH=$top/tests/oracle python3 - "$tmp" <<'PY'
import sys
import tflite_writer as tw
q = {'scale': [0.1], 'zero_point': [0]}
i8 = [dict(shape=[1, 4], type=tw.TT_INT8, **q), dict(shape=[1, 4], type=tw.TT_INT8, **q)]
open(sys.argv[1] + '/relu.tflite', 'wb').write(tw.model(19, 0, None, i8, [0], [1], [0], [1]))
PY
printf '[Manager]\nMetricsDirectory=%s/f\nMetricsIntervalSec=1\nCDISpecDirectory=\n' "$tmp" > "$tmp/f.conf"
# The application: Python through the bindings, alive for a while after its
# runs, as an application is (edgeaid matches a reporter while it runs)
py=/usr/bin/python3
printf '[Application]\nName=pyapp\nExecutable=%s\nWeight=200\n' "$(readlink -f $py)" >> "$tmp/f.conf"
mkdir -p "$tmp/f"
timeout 30 "$build/daemon/edgeaid" --config="$tmp/f.conf" --runtime-dir="$tmp/frun" --no-bus > "$tmp/f.log" 2>&1 &
edgeaid=$!
for _ in $(seq 50); do [ -S "$tmp/frun/report" ] && break; sleep 0.1; done
[ "$(stat -c %a "$tmp/frun/report" 2> /dev/null)" = 666 ]
ok $? "edgeaid binds its report socket in the runtime directory, mode 0666"
if "$py" -c 'import numpy' > /dev/null 2>&1; then
	EDGEAI_ADVICE_FILE=$tmp/frun/advice EDGEAI_LIBRARY=$build/libedgeai/libedgeai.so.0 \
		PYTHONPATH=$top/libedgeai/python PYTHONDONTWRITEBYTECODE=1 "$py" - "$tmp/relu.tflite" <<'PY' > "$tmp/py.out" 2>&1
import sys, time
import numpy as np
import edgeai
p = edgeai.Model(sys.argv[1]).compile()
x = np.array([[-3, -1, 2, 5]], dtype=np.int8)
assert all(np.array_equal(p.run(x)[0], np.maximum(x, 0)) for _ in range(25))
time.sleep(1.5)
PY
	ok $? "a Python application runs the model 25 times on the CPU (no device here)"
	sed 's/^/# /' "$tmp/py.out"
	want=pyapp
else
	n=$((n + 1)); echo "ok $n - a Python application # SKIP $py without numpy (make deps)"
	EDGEAI_ADVICE_FILE=$tmp/frun/advice "$build/daemon/edgeaictl" bench "$tmp/relu.tflite" -n 25 -w 0 -q > /dev/null 2>&1
	want='[^"]*'
fi
python3 - "$tmp/frun/report" <<'PY' > "$tmp/bad.out" 2>&1
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in [b'fallback bogus 1\n', b'fallback advice 0\n', b'fallback advice 1', b'\0' * 64,
          b'fallback advice 1\n' * 100, b'x' * 4096, b'']:
    s.sendto(m, sys.argv[1])
# a file descriptor sent along is not taken
fd = os.open('/dev/null', os.O_RDONLY)
s.sendmsg([b'fallback advice 1\n'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))], 0, sys.argv[1])
print('sent')
PY
ok $? "send malformed reports (unknown reason, zero count, no newline, NULs, too long, empty, an fd)"
sleep 2.5
kill -0 $edgeaid 2> /dev/null
ok $? "edgeaid is still running after them"
grep -q 'Ignoring a report' "$tmp/f.log"
ok $? "edgeaid logs the refused reports (at most one line a second)"
sed 's/^/# /' "$tmp/f.log"
grep -q "^edgeai_application_fallbacks_total{board=\"[^\"]*\",application=\"$want\",reason=\"no-device\"} 25\$" "$tmp/f/edgeaid.prom"
ok $? "metrics: the 25 no-device fallbacks of application $want, none of the bad reports"
grep '^edgeai_application_fallbacks_total' "$tmp/f/edgeaid.prom" | sed 's/^/# /'
[ "$(grep -c '^edgeai_application_fallbacks_total' "$tmp/f/edgeaid.prom")" -eq 1 ]
ok $? "no other fallback series"
kill $edgeaid 2> /dev/null
wait $edgeaid 2> /dev/null
echo "1..$n"
exit $fail
