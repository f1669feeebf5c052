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
	daemon/edgeaid-metrics.c daemon/edgeaid-conf.c daemon/edgeaid-util.c daemon/shared/sysfs.c daemon/shared/board.c \
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
echo "1..$n"
exit $fail
