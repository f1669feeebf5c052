#!/bin/sh
# edgeaid.service: `systemd-analyze verify` is clean and
# `systemd-analyze security --offline=true` scores the unit at most 1.5
# (--threshold=15: the threshold's scale is 0-100). The D-Bus policy is
# well-formed XML and the udev rule asks systemd for edgeaid.service.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
echo "TAP version 13"
command -v systemd-analyze > /dev/null || { echo "1..0 # SKIP no systemd-analyze"; exit 77; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
# ExecStart= must name an existing executable: point it at the build tree
sed "s|@SBINDIR@|$build/daemon|g" "$top/daemon/units/edgeaid.service.in" > "$tmp/edgeaid.service"

out=$(cd "$tmp" && systemd-analyze verify --man=no ./edgeaid.service 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
ok $? "systemd-analyze verify edgeaid.service is clean"
[ -z "$out" ] || echo "$out" | sed 's/^/# /'

out=$(cd "$tmp" && systemd-analyze security --offline=true --threshold=15 ./edgeaid.service 2>&1)
rc=$?
score=$(echo "$out" | sed -n 's/.*Overall exposure level for edgeaid.service: \([0-9.]*\).*/\1/p')
echo "# exposure: $score"
[ $rc -eq 0 ] && [ -n "$score" ]
ok $? "systemd-analyze security --offline=true: exposure $score <= 1.5"

grep -q '^Type=notify$' "$tmp/edgeaid.service" && grep -q '^WatchdogSec=' "$tmp/edgeaid.service" &&
	grep -q "^ExecStopPost=$build/daemon/edgeaid --restore$" "$tmp/edgeaid.service"
ok $? "Type=notify with WatchdogSec= and the knob-restoring ExecStopPost="

python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$top/daemon/units/org.edgeai.Manager1.conf" 2> /dev/null &&
	python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$top/daemon/org.edgeai.Manager1.xml" 2> /dev/null
ok $? "the D-Bus policy and the interface description are well-formed XML"
grep -q 'SUBSYSTEM=="accel".*TAG+="systemd".*ENV{SYSTEMD_WANTS}+="edgeaid.service"' "$top/daemon/units/70-edgeai.rules"
ok $? "the udev rule wants edgeaid.service for accel devices"
echo "1..$n"
exit $fail
