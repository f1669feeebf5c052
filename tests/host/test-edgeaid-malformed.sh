#!/bin/sh
# edgeaid under malformed input, on a private bus (its own dbus-daemon,
# addressed through DBUS_SYSTEM_BUS_ADDRESS) like test-edgeaid-bus.sh, with
# edgeaid built again under ASan/UBSan so that a memory error ends it:
# wrong signatures, unknown members, objects and properties, huge strings,
# unknown applications, a flood of calls and of registering connections,
# a storm of SIGHUPs, and malformed configurations and drop-ins (garbage,
# NUL bytes, huge files and lines, a FIFO, a directory, a dangling link, a
# file of empty lines). Each gets a specific error; after each, edgeaid is
# still running, still answers within a second and still has its
# configuration.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
n=0 fail=0
out=
# ok RC NAME: a TAP line; a failure shows the start of the last $out
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
		{ printf '%s' "$out" | head -c 400; echo; } | sed 's/^/# /'
	fi
}
echo "TAP version 13"
for t in dbus-daemon busctl dbus-send timeout mkfifo; do
	command -v $t > /dev/null || { echo "1..0 # SKIP $t not installed"; exit 77; }
done
tmp=$(mktemp -d /tmp/edgeaid-malformed.XXXXXX)
chmod 755 "$tmp"
busdpid= dpid=
cleanup() {
	for p in $dpid $busdpid; do kill "$p" 2> /dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# edgeaid under the sanitizers, built from the checkout into $tmp
san="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if ! make -s -C "$top/daemon" BUILD="$tmp/b" CFLAGS="$san" "$tmp/b/daemon/edgeaid" > "$tmp/build.log" 2>&1; then
	sed 's/^/# /' "$tmp/build.log"
	echo "not ok 1 - build edgeaid with ASan/UBSan"; echo "1..1"; exit 1
fi
daemon=$tmp/b/daemon/edgeaid
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/flood" "$top/tests/host/edgeaid-flood.c" \
	$(pkg-config --cflags --libs libsystemd) || { echo "not ok 1 - build the flood client"; echo "1..1"; exit 1; }

cat > "$tmp/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOC
dbus-daemon --config-file="$tmp/bus.conf" --fork --print-pid > "$tmp/busd.pid" || { echo "not ok 1 - dbus-daemon"; exit 1; }
busdpid=$(cat "$tmp/busd.pid")
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/bus"

M="org.edgeai.Manager1 /org/edgeai/Manager1 org.edgeai.Manager1"
get() { timeout 5 busctl --system get-property $M "$1"; }
# dsend METHOD ARGS...: dbus-send prints the error name and message
dsend() { timeout 10 dbus-send --system --print-reply --dest=org.edgeai.Manager1 /org/edgeai/Manager1 "org.edgeai.Manager1.$@" 2>&1; }
wait_name() {
	i=0
	while [ $i -lt 100 ]; do
		busctl --system status org.edgeai.Manager1 > /dev/null 2>&1 && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# alive: edgeaid runs, answers a property read within a second, and still
# has the configuration it started with (or was last reloaded with)
alive() {
	kill -0 "$dpid" 2> /dev/null &&
		timeout 1 busctl --system get-property $M Status > /dev/null 2>&1 &&
		get Applications | grep -q '"cam" "high" 300'
}

conf=$tmp/edgeaid.conf
mkdir -p "$conf.d"
printf '[Manager]\nPowerProfile=power-saver\n\n[Application]\nName=cam\nUser=4242\nWeight=300\nPriority=high\n' > "$conf"
"$daemon" --config="$conf" --runtime-dir="$tmp/run" > "$tmp/log" 2>&1 &
dpid=$!
wait_name
r=$?
ok $r "edgeaid (ASan/UBSan build) publishes org.edgeai.Manager1"
if [ $r -ne 0 ]; then
	sed 's/^/# log: /' "$tmp/log"
	echo "1..$n"
	exit 1
fi

# --- wrong signatures, unknown members
out=$(timeout 10 busctl --system call $M SetPowerProfile u 7 2>&1)
echo "$out" | grep -q "Invalid arguments 'u' to call org.edgeai.Manager1.SetPowerProfile(), expecting 's'" && alive
ok $? "SetPowerProfile with a uint32: InvalidArgs naming the expected signature; edgeaid answers"
out=$(dsend SetThermalLimit string:hot)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs' && [ "$(get ThermalLimit)" = "u 0" ] && alive
ok $? "SetThermalLimit with a string: InvalidArgs, limit unchanged"
out=$(dsend SetClientPolicy uint64:1 uint32:5)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs' && alive
ok $? "SetClientPolicy with two of its five arguments: InvalidArgs"
out=$(dsend SetPowerProfile string:balanced string:extra)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs' && [ "$(get PowerProfile)" = 's "power-saver"' ] && alive
ok $? "SetPowerProfile with an extra argument: InvalidArgs, nothing changes"
out=$(dsend Reload string:now)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs' && alive
ok $? "Reload with an argument: InvalidArgs"
out=$(dsend RegisterClient array:string:a,b)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs' && [ "$(get RegisteredClients)" = "u 0" ] && alive
ok $? "RegisterClient with an array: InvalidArgs, nobody registered"
out=$(dsend Shutdown)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.UnknownMethod' && alive
ok $? "an unknown method: UnknownMethod"
out=$(timeout 10 dbus-send --system --print-reply --dest=org.edgeai.Manager1 /org/edgeai/Manager1/x \
	org.edgeai.Manager1.Reload 2>&1)
echo "$out" | grep -qE 'org.freedesktop.DBus.Error.Unknown(Object|Method)' && alive
ok $? "an unknown object path: UnknownObject"
out=$(timeout 10 dbus-send --system --print-reply --dest=org.edgeai.Manager1 /org/edgeai/Manager1 \
	org.edgeai.Nope.Reload 2>&1)
echo "$out" | grep -qE 'org.freedesktop.DBus.Error.Unknown(Interface|Method)' && alive
ok $? "an unknown interface: UnknownInterface"
out=$(timeout 10 busctl --system set-property $M PowerProfile s performance 2>&1)
echo "$out" | grep -qi 'not writable' && [ "$(get PowerProfile)" = 's "power-saver"' ] && alive
ok $? "writing the read-only PowerProfile property is refused, nothing changes"
out=$(timeout 10 busctl --system get-property $M NoSuchProperty 2>&1)
echo "$out" | grep -q 'Unknown interface org.edgeai.Manager1 or property NoSuchProperty' && alive
ok $? "reading an unknown property: UnknownProperty"

# --- huge strings: refused, and not echoed back in full
# (one argument of a command is at most 128 KiB)
big=$(head -c 100000 /dev/zero | tr '\0' a)
out=$(timeout 10 busctl --system call $M SetPowerProfile s "$big" 2>&1)
echo "$out" | grep -q 'Unknown power profile' && [ ${#out} -lt 1000 ] && [ "$(get PowerProfile)" = 's "power-saver"' ] && alive
ok $? "SetPowerProfile with a 100 kB string: InvalidArgs, the reply does not echo it (${#out} bytes)"
out=$(timeout 10 busctl --system call $M SetApplicationPolicy sustt "$big" 10 "" 0 0 2>&1)
echo "$out" | grep -q 'No \[Application\] named' && [ ${#out} -lt 1000 ] && alive
ok $? "SetApplicationPolicy of a 100 kB application name: NoSuchApplication, not echoed (${#out} bytes)"
out=$(timeout 10 busctl --system call $M SetApplicationPolicy sustt cam 10 "$big" 0 0 2>&1)
echo "$out" | grep -q 'Priority' && [ ${#out} -lt 1000 ] && alive
ok $? "SetApplicationPolicy with a 100 kB priority: InvalidArgs, not echoed (${#out} bytes)"
r=0
for name in "" "../../etc/passwd" "cam " "cam;rm" "$(printf 'c\tam')" "Cam" "caméra"; do
	out=$(timeout 10 busctl --system call $M SetApplicationPolicy sustt "$name" 10 "" 0 0 2>&1)
	echo "$out" | grep -q 'No \[Application\] named' || { echo "# '$name': $out"; r=1; }
done
get Applications | grep -q '"cam" "high" 300' && alive || r=1
ok $r "unknown application names (empty, paths, blanks, tabs, case, UTF-8): NoSuchApplication, cam unchanged"

# --- floods
out=$(timeout 120 "$tmp/flood" calls 5000 2>&1)
rc=$?
echo "# $out"
[ $rc -eq 0 ] && echo "$out" | grep -q '^answered=5000 returns=1250 errors=3750$' && alive
ok $? "a flood of 5000 calls (64 in flight; reads, bad arguments, wrong signatures, unknown methods): every one answered"
out=$(timeout 120 "$tmp/flood" conns 200 2>&1)
rc=$?
echo "# $out"
i=0; while [ $i -lt 100 ] && [ "$(get RegisteredClients)" != "u 0" ]; do sleep 0.1; i=$((i + 1)); done
[ $rc -eq 0 ] && echo "$out" | grep -q '^registered=200$' && [ "$(get RegisteredClients)" = "u 0" ] && alive
ok $? "200 connections register at once and leave at once: all counted, all dropped"
i=0
while [ $i -lt 200 ]; do kill -HUP "$dpid" 2> /dev/null; i=$((i + 1)); done
sleep 1
alive
ok $? "200 SIGHUPs in a row: edgeaid reloads and keeps answering"

# --- malformed drop-ins: Reload refuses each with BadConfig naming the
# file, keeps the old configuration and keeps answering
reload_bad() { # FILE-NAME EXPECTED-MESSAGE-RE DESCRIPTION
	out=$(dsend Reload)
	rc=1
	echo "$out" | grep -q "org.edgeai.Manager1.Error.BadConfig: .*$1.*$2" && alive && rc=0
	[ $rc -eq 0 ] || echo "$out" | head -c 600 | sed 's/^/# /'
	ok $rc "Reload with $3: BadConfig naming $1, old configuration kept"
}
head -c 4096 /dev/urandom | tr -d '\n\0' | fold -w 80 > "$conf.d/10-garbage.conf"
reload_bad 10-garbage.conf '' "a drop-in of random bytes"
rm -f "$conf.d/10-garbage.conf"
printf '[Application]\nName=x\0y\nWeight=1\n' > "$conf.d/10-nul.conf"
reload_bad 10-nul.conf 'NUL byte' "a drop-in with a NUL byte"
rm -f "$conf.d/10-nul.conf"
head -c 70000 /dev/zero | tr '\0' '#' > "$conf.d/10-big.conf"
reload_bad 10-big.conf 'larger than 64 KiB' "a 70 kB drop-in"
rm -f "$conf.d/10-big.conf"
{ printf '[Application]\nName='; head -c 60000 /dev/zero | tr '\0' n; printf '\n'; } > "$conf.d/10-line.conf"
reload_bad 10-line.conf 'Name=' "a 60 kB Name= line"
rm -f "$conf.d/10-line.conf"
printf '[Application]\nName=a\nExecutable=relative/path\n' > "$conf.d/10-rel.conf"
reload_bad '10-rel.conf:3' 'not an absolute path' "a relative Executable="
rm -f "$conf.d/10-rel.conf"
printf 'Weight=5\n' > "$conf.d/10-nosect.conf"
reload_bad '10-nosect.conf:1' 'outside a section' "a key outside a section"
rm -f "$conf.d/10-nosect.conf"
printf '[Application\nName=a\n' > "$conf.d/10-sect.conf"
reload_bad '10-sect.conf:1' 'unknown section' "an unterminated section header"
rm -f "$conf.d/10-sect.conf"
printf '[Application]\nName=a\nWeight=99999999999999999999999\n' > "$conf.d/10-num.conf"
reload_bad '10-num.conf:3' 'Weight=' "a 23-digit Weight="
rm -f "$conf.d/10-num.conf"
printf '[Application]\nName=a\nQuotaMSec=-1\n' > "$conf.d/10-neg.conf"
reload_bad '10-neg.conf:3' 'QuotaMSec=' "a negative QuotaMSec="
rm -f "$conf.d/10-neg.conf"
mkfifo "$conf.d/10-fifo.conf"
t0=$(date +%s)
reload_bad 10-fifo.conf 'not a regular file' "a FIFO as drop-in (must not block)"
[ $(($(date +%s) - t0)) -lt 5 ]
ok $? "the FIFO drop-in did not block edgeaid ($(($(date +%s) - t0)) s)"
rm -f "$conf.d/10-fifo.conf"
mkdir "$conf.d/10-dir.conf"
reload_bad 10-dir.conf 'not a regular file' "a directory named like a drop-in"
rmdir "$conf.d/10-dir.conf"
ln -s "$tmp/nowhere" "$conf.d/10-dangling.conf"
reload_bad 10-dangling.conf 'No such file' "a dangling symlink as drop-in"
rm -f "$conf.d/10-dangling.conf"
ln -s /dev/zero "$conf.d/10-zero.conf"
reload_bad 10-zero.conf 'not a regular file' "a symlink to /dev/zero as drop-in"
rm -f "$conf.d/10-zero.conf"
# 32768 comment lines: line numbers are counted once, not per line
{ i=0; while [ $i -lt 4095 ]; do printf '#\n#\n#\n#\n#\n#\n#\n#\n'; i=$((i + 1)); done; printf 'Bad\n'; } > "$conf.d/10-lines.conf"
t0=$(date +%s)
reload_bad '10-lines.conf:32761' 'expected Key=Value' "32760 comment lines and a bad one"
[ $(($(date +%s) - t0)) -lt 5 ]
ok $? "a drop-in of 32761 lines is parsed in under 5 s ($(($(date +%s) - t0)) s)"
rm -f "$conf.d/10-lines.conf"
printf '[Manager]\nPowerProfile=balanced\n' > "$conf.d/20-good.conf"
out=$(dsend Reload)
echo "$out" | grep -q 'method return' && [ "$(get PowerProfile)" = 's "balanced"' ] && alive
ok $? "after all that, a good drop-in reloads"

# --- malformed main configuration at start: a message naming the file, exit 1
bad_start() { # CONTENT-FILE EXPECTED-RE DESCRIPTION
	out=$(timeout 10 "$daemon" --check-config --config="$1" 2>&1)
	rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "$2"
	r=$?
	[ $r -eq 0 ] || echo "$out (exit $rc)" | head -c 600 | sed 's/^/# /'
	ok $r "--check-config with $3: exit 1 naming the problem"
}
head -c 3000 /dev/urandom > "$tmp/rand.conf"
bad_start "$tmp/rand.conf" "rand.conf" "a file of random bytes"
mkfifo "$tmp/fifo.conf"
bad_start "$tmp/fifo.conf" "not a regular file" "a FIFO"
bad_start "$tmp" "not a regular file" "a directory"

kill "$dpid"
wait "$dpid"
rc=$?
dpid=
[ $rc -eq 0 ]
ok $? "SIGTERM stops edgeaid with status 0: no sanitizer report in all of the above"
grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$tmp/log" | head -n 5 | sed 's/^/# /'
! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$tmp/log"
ok $? "edgeaid's log has no sanitizer report"

[ $fail -eq 0 ] || grep -v 'registration dropped\|reloaded from\|^<5>Power profile' "$tmp/log" | tail -n 40 | sed 's/^/# log: /'
echo "1..$n"
exit $fail
