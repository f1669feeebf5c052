#!/bin/sh
# edgeaid's D-Bus API on a private bus (its own dbus-daemon, addressed through
# DBUS_SYSTEM_BUS_ADDRESS), on a machine without edgeai devices: the object
# is introspectable, properties read and change with PropertiesChanged, good
# calls work, bad calls get a specific error and change nothing, root needs
# no polkit, non-root callers are refused naming the polkit action when
# polkitd is absent (fail closed) and, with the real polkitd on the private
# bus (in its own mount namespace, seeing only edgeaid's actions and the
# test's rules), denied, asked to authenticate or allowed as its rules say;
# registrations end with the caller's connection, reload keeps the old
# configuration on errors, a leftover knob journal is restored at start and
# by --restore, and SIGTERM stops it cleanly.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
daemon=$build/daemon/edgeaid
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
echo "TAP version 13"
for t in dbus-daemon busctl dbus-send setpriv; do
	command -v $t > /dev/null || { echo "1..0 # SKIP $t not installed"; exit 77; }
done
[ -x "$daemon" ] || { echo "not ok 1 - $daemon exists"; echo "1..1"; exit 1; }
tmp=$(mktemp -d /tmp/edgeaid-bus.XXXXXX)
chmod 755 "$tmp"
busdpid= dpid= mpid= pkpid=
cleanup() {
	for p in $dpid $mpid $pkpid $busdpid; do kill "$p" 2> /dev/null; done
	exec 9>&- 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

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
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOC
dbus-daemon --config-file="$tmp/bus.conf" --fork --print-pid > "$tmp/busd.pid" || { echo "not ok 1 - dbus-daemon"; exit 1; }
busdpid=$(cat "$tmp/busd.pid")
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/bus"
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/client" "$top/tests/host/edgeaid-busclient.c" \
	$(pkg-config --cflags --libs libsystemd) || { echo "not ok 1 - build the bus client"; exit 1; }

M="org.edgeai.Manager1 /org/edgeai/Manager1 org.edgeai.Manager1"
# call/get: busctl on the private bus; dsend: dbus-send, which prints error names
call() { busctl --system call $M "$@"; }
get() { busctl --system get-property $M "$1"; }
dsend() { dbus-send --system --print-reply --dest=org.edgeai.Manager1 /org/edgeai/Manager1 "org.edgeai.Manager1.$@" 2>&1; }
wait_name() {
	i=0
	while [ $i -lt 50 ]; do
		busctl --system status org.edgeai.Manager1 > /dev/null 2>&1 && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

conf=$tmp/edgeaid.conf
mkdir -p "$conf.d"
printf '[Manager]\nPowerProfile=power-saver\n\n[Application]\nName=cam\nUser=4242\nWeight=300\nPriority=high\n' > "$conf"
printf '[Application]\nName=batch\nExecutable=/usr/bin/batch\nQuotaMSec=20\nPeriodMSec=100\n' > "$conf.d/10-batch.conf"

# a journal left by a "crashed" instance: a knob file with a changed value
echo 400 > "$tmp/knob"
mkdir -p "$tmp/run"
printf '%s\t800\n' "$tmp/knob" > "$tmp/run/knobs"

"$daemon" --config="$conf" --runtime-dir="$tmp/run" > "$tmp/log" 2>&1 &
dpid=$!
wait_name
ok $? "edgeaid publishes org.edgeai.Manager1"
[ "$(cat "$tmp/knob")" = 800 ] && [ ! -e "$tmp/run/knobs" ]
ok $? "a leftover knob journal is restored and removed at start"
[ "$(cat "$tmp/run/advice" 2> /dev/null)" = device-missing ] && [ "$(stat -c %a "$tmp/run/advice")" = 644 ]
ok $? "the advice file says device-missing, readable by everyone"

busctl --system monitor org.edgeai.Manager1 > "$tmp/monitor" 2>&1 &
mpid=$!
sleep 0.5

busctl --system introspect $M > "$tmp/intro" 2>&1
r=0
for w in SetPowerProfile SetThermalLimit SetClientPolicy SetApplicationPolicy Reload RegisterClient \
	UnregisterClient PowerProfile Profiles ThermalLimit Throttled ThrottleReason FallbackAdvice Why Status \
	Devices Clients Applications RegisteredClients FallbackAdvised; do
	grep -q "^\.$w " "$tmp/intro" || { echo "# introspection lacks $w"; r=1; }
done
ok $r "introspection lists every method, property and signal"
grep -q '^\.Throttled  *signal  *bsxt' "$tmp/intro"
ok $? "the Throttled signal carries (throttled, reason, temperature, max_freq)"

[ "$(get PowerProfile)" = 's "power-saver"' ]
ok $? "PowerProfile comes from the configuration"
get Applications | grep -q '"cam" "high" 300 0 0 "batch" "" 0 20000000 100000000'
ok $? "Applications lists the main file's and the drop-in's rules"
get Status | grep -q '0 devices, 0 clients, profile power-saver'
ok $? "Status is the live STATUS= line"

out=$(dsend SetPowerProfile string:turbo)
echo "$out" | grep -q 'org.freedesktop.DBus.Error.InvalidArgs: Unknown power profile .turbo.' &&
	[ "$(get PowerProfile)" = 's "power-saver"' ]
ok $? "SetPowerProfile with an unknown profile: InvalidArgs, nothing changes"
[ -z "$(busctl --system list 2>/dev/null | grep '^org.freedesktop.PolicyKit1 ')" ] &&
	call SetPowerProfile s performance && [ "$(get PowerProfile)" = 's "performance"' ]
ok $? "root: SetPowerProfile performance, with no polkitd on the bus (root needs none)"
out=$(dsend SetThermalLimit uint32:5)
echo "$out" | grep -q 'InvalidArgs: Thermal limit 5' && [ "$(get ThermalLimit)" = "u 0" ]
ok $? "SetThermalLimit 5 m°C: InvalidArgs, limit unchanged"
call SetThermalLimit u 65000 && [ "$(get ThermalLimit)" = "u 65000" ]
ok $? "SetThermalLimit 65000"
out=$(dsend SetClientPolicy uint64:12345 uint32:200 string: uint64:0 uint64:0)
echo "$out" | grep -q 'org.edgeai.Manager1.Error.NoSuchClient: No client 12345'
ok $? "SetClientPolicy of an unknown client: NoSuchClient"
out=$(dsend SetClientPolicy uint64:1 uint32:0 string: uint64:0 uint64:0)
echo "$out" | grep -q 'InvalidArgs: Nothing to set'
ok $? "SetClientPolicy that sets nothing: InvalidArgs"
out=$(dsend SetClientPolicy uint64:1 uint32:1001 string: uint64:0 uint64:0)
echo "$out" | grep -q 'InvalidArgs: Weight 1001'
ok $? "SetClientPolicy weight 1001: InvalidArgs"
out=$(dsend SetApplicationPolicy string:cam uint32:0 string:urgent uint64:0 uint64:0)
echo "$out" | grep -q "InvalidArgs: Priority 'urgent'"
ok $? "SetApplicationPolicy priority urgent: InvalidArgs"
out=$(dsend SetApplicationPolicy string:cam uint32:0 string: uint64:50000000 uint64:10000000)
echo "$out" | grep -q "InvalidArgs: Quota 50000000 ns per period 10000000 ns" &&
	get Applications | grep -q '"cam" "high" 300 0 0'
ok $? "SetApplicationPolicy with a quota above its period: InvalidArgs, rule unchanged"
out=$(dsend SetApplicationPolicy string:nope uint32:10 string: uint64:0 uint64:0)
echo "$out" | grep -q "org.edgeai.Manager1.Error.NoSuchApplication: No \[Application\] named 'nope'"
ok $? "SetApplicationPolicy of an unknown application: NoSuchApplication"
call SetApplicationPolicy sustt cam 500 low 0 0 && get Applications | grep -q '"cam" "low" 500 0 0'
ok $? "SetApplicationPolicy cam weight 500 priority low"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# nsend METHOD ARGS...: dbus-send as nobody (no interactive-authorization flag)
nsend() { nobody dbus-send --system --print-reply --dest=org.edgeai.Manager1 /org/edgeai/Manager1 "org.edgeai.Manager1.$@" 2>&1; }
nopk='org.freedesktop.DBus.Error.AccessDenied: %s needs polkit authorization org.edgeai.manager1.%s: polkit is not available (org.freedesktop.DBus.Error.ServiceUnknown'
out=$(nsend SetPowerProfile string:balanced)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -qF "$(printf "$nopk" SetPowerProfile set-power-profile)" && [ "$(get PowerProfile)" = 's "performance"' ]
ok $? "no polkitd: a non-root SetPowerProfile is refused with AccessDenied naming the action, nothing changes"
out=$(nsend SetThermalLimit uint32:70000)
echo "$out" | grep -qF "$(printf "$nopk" SetThermalLimit set-thermal-limit)" && [ "$(get ThermalLimit)" = "u 65000" ]
ok $? "no polkitd: a non-root SetThermalLimit is refused (set-thermal-limit), nothing changes"
out=$(nsend SetApplicationPolicy string:cam uint32:7 string: uint64:0 uint64:0)
echo "$out" | grep -qF "$(printf "$nopk" SetApplicationPolicy set-policy)" && get Applications | grep -q '"cam" "low" 500 0 0'
ok $? "no polkitd: a non-root SetApplicationPolicy is refused (set-policy), the rule is unchanged"
out=$(nsend SetClientPolicy uint64:12345 uint32:200 string: uint64:0 uint64:0)
echo "$out" | grep -qF "$(printf "$nopk" SetClientPolicy set-policy)"
ok $? "no polkitd: a non-root SetClientPolicy is refused before the client is looked up"
out=$(nsend Reload)
echo "$out" | grep -qF "$(printf "$nopk" Reload reload)"
ok $? "no polkitd: a non-root Reload is refused (reload)"
grep -q 'Refused SetPowerProfile to uid 65534 .*org.edgeai.manager1.set-power-profile' "$tmp/log"
ok $? "refusals are logged with the uid and the action"
[ "$(nobody busctl --system get-property $M PowerProfile)" = 's "performance"' ]
ok $? "non-root callers read properties"

# registrations live as long as the caller's connection
exec 9> "$tmp/client.in"
mkfifo "$tmp/fifo"
nobody "$tmp/client" < "$tmp/fifo" > "$tmp/client.out" 2>&1 &
cpid=$!
exec 9> "$tmp/fifo"
i=0; while [ $i -lt 50 ] && ! grep -q registered= "$tmp/client.out"; do sleep 0.1; i=$((i + 1)); done
grep -q '^advice=device-missing$' "$tmp/client.out" && grep -q '^registered=1$' "$tmp/client.out"
ok $? "a non-root client registers and gets the current advice"
grep -q '^again=org.freedesktop.DBus.Error.InvalidArgs$' "$tmp/client.out"
ok $? "registering twice is refused"
exec 9>&-
wait $cpid
i=0; while [ $i -lt 50 ] && [ "$(get RegisteredClients)" != "u 0" ]; do sleep 0.1; i=$((i + 1)); done
[ "$(get RegisteredClients)" = "u 0" ]
ok $? "the registration ends when the client leaves the bus"
out=$(dsend UnregisterClient)
echo "$out" | grep -q 'NoSuchClient'
ok $? "UnregisterClient without a registration: NoSuchClient"

# reload: a bad drop-in is refused with its file and line, the old rules stay
printf '[Application]\nName=x\nUser=1\nWeight=0\n' > "$conf.d/20-bad.conf"
out=$(dsend Reload)
echo "$out" | sed "s/^/# /"
echo "$out" | grep -q "org.edgeai.Manager1.Error.BadConfig: .*20-bad.conf:4: Weight=0: not 1..1000 (old configuration kept)" &&
	get Applications | grep -q '"cam" "low" 500' && [ "$(get PowerProfile)" = 's "performance"' ]
ok $? "Reload with a bad drop-in: BadConfig naming file:line, old configuration kept"
rm "$conf.d/20-bad.conf"
printf '[Manager]\nPowerProfile=balanced\n[Application]\nName=late\nUser=7\nWeight=20\n' > "$conf.d/30-late.conf"
kill -HUP $dpid
i=0; while [ $i -lt 50 ] && [ "$(get PowerProfile)" != 's "balanced"' ]; do sleep 0.1; i=$((i + 1)); done
[ "$(get PowerProfile)" = 's "balanced"' ] && get Applications | grep -q '"late" "" 20 0 0' &&
	get Applications | grep -q '"cam" "high" 300'
ok $? "SIGHUP reloads the configuration (drop-in added, D-Bus override gone)"

sleep 0.3
kill $mpid 2> /dev/null; mpid=
grep -q 'PropertiesChanged' "$tmp/monitor" && grep -A12 PropertiesChanged "$tmp/monitor" | grep -q '"PowerProfile"'
ok $? "PowerProfile changes are announced with PropertiesChanged"
grep -A12 PropertiesChanged "$tmp/monitor" | grep -q '"RegisteredClients"'
ok $? "registrations are announced with PropertiesChanged"

# the policy file: well-formed, and its actions are the ones edgeaid asks for
pol=$top/daemon/units/org.edgeai.Manager1.policy
python3 - "$pol" "$daemon" <<'EOP'
import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1])
ids = [a.getAttribute("id") for a in d.getElementsByTagName("action")]
binary = open(sys.argv[2], "rb").read()
want = ["org.edgeai.manager1." + v for v in ("set-power-profile", "set-thermal-limit", "set-policy", "reload")]
for a in d.getElementsByTagName("action"):
    for t in ("description", "message", "allow_any", "allow_inactive", "allow_active"):
        assert a.getElementsByTagName(t), (a.getAttribute("id"), t)
assert sorted(ids) == sorted(want), ids
for i in ids:
    assert i.encode() in binary, i
EOP
ok $? "org.edgeai.Manager1.policy is well-formed and declares exactly the four actions edgeaid checks"

# the real polkitd on the private bus, in a mount namespace where it sees
# only edgeaid's actions and the rules this test writes
pkd=/usr/lib/polkit-1/polkitd
pkskip=
[ -x $pkd ] || pkskip="polkitd not installed"
if [ -z "$pkskip" ]; then
	mkdir -p "$tmp/pk/actions" "$tmp/pk/rules"
	cp "$pol" "$tmp/pk/actions/"
	chmod -R a+rX "$tmp/pk"
	unshare -m --propagation private sh -c "mount --bind '$tmp/pk/actions' /usr/share/polkit-1/actions &&
		mount --bind '$tmp/pk/rules' /etc/polkit-1/rules.d && exec $pkd" > "$tmp/pk.log" 2>&1 &
	pkpid=$!
	i=0
	while [ $i -lt 50 ] && ! busctl --system status org.freedesktop.PolicyKit1 > /dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
	busctl --system status org.freedesktop.PolicyKit1 > /dev/null 2>&1 || pkskip="polkitd did not start: $(tail -n 3 "$tmp/pk.log")"
fi
pkok() { if [ -n "$pkskip" ]; then n=$((n + 1)); echo "ok $n - $1 # SKIP $pkskip"; else ok "$2" "$1"; fi; }
# pkrule RESULT: polkit's answer for nobody and edgeaid's actions; wait until polkitd has read it
pkrule() {
	printf 'polkit.addRule(function(action, subject) {\n\tif (action.id.indexOf("org.edgeai.manager1.") == 0 && subject.user == "nobody")\n\t\treturn polkit.Result.%s;\n});\n' "$1" \
		> "$tmp/pk/rules/50-edgeai-test.rules"
	chmod 644 "$tmp/pk/rules/50-edgeai-test.rules"
	i=0
	while [ $i -lt 50 ] && [ "$(grep -c 'Finished loading' "$tmp/pk.log")" -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
}
r=1
[ -z "$pkskip" ] && pkaction --verbose --action-id org.edgeai.manager1.set-power-profile 2>&1 | grep -q 'implicit active: *auth_admin_keep'
r=$?
pkok "polkitd loads the policy: set-power-profile is auth_admin_keep for active sessions" $r
r=1
if [ -z "$pkskip" ]; then
	out=$(nsend SetPowerProfile string:power-saver)
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -qF 'AccessDenied: SetPowerProfile needs polkit authorization org.edgeai.manager1.set-power-profile: not authorized' &&
		[ "$(get PowerProfile)" = 's "balanced"' ]
	r=$?
fi
pkok "polkitd, no rule: nobody (no session) is not authorized, nothing changes" $r
r=1
if [ -z "$pkskip" ]; then
	pkrule AUTH_ADMIN 2
	out=$(nsend SetPowerProfile string:power-saver)
	echo "$out" | grep -qF 'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired: SetPowerProfile needs polkit authorization org.edgeai.manager1.set-power-profile: authentication required'
	r=$?
fi
pkok "rule AUTH_ADMIN, caller without the interactive flag: InteractiveAuthorizationRequired" $r
r=1
if [ -z "$pkskip" ]; then
	out=$(nobody busctl --system --allow-interactive-authorization=yes call $M SetPowerProfile s power-saver 2>&1)
	grep -q 'Refused SetPowerProfile to uid 65534 .*set-power-profile: authentication required, and no authentication agent' "$tmp/log" &&
		[ "$(get PowerProfile)" = 's "balanced"' ]
	r=$?
fi
pkok "rule AUTH_ADMIN, interactive flag set (AllowUserInteraction), no agent: AccessDenied, nothing changes" $r
r=1
if [ -z "$pkskip" ]; then
	pkrule YES 3
	nobody busctl --system call $M SetPowerProfile s power-saver && [ "$(get PowerProfile)" = 's "power-saver"' ] &&
		nobody busctl --system call $M SetThermalLimit u 72000 && [ "$(get ThermalLimit)" = "u 72000" ] &&
		nobody busctl --system call $M SetApplicationPolicy sustt cam 250 "" 0 0 && get Applications | grep -q '"cam" "high" 250 0 0'
	r=$?
fi
pkok "rule YES for nobody: SetPowerProfile, SetThermalLimit and SetApplicationPolicy succeed" $r
r=1
if [ -z "$pkskip" ]; then
	out=$(nsend SetPowerProfile string:turbo)
	echo "$out" | grep -q 'InvalidArgs: Unknown power profile .turbo.' && [ "$(get PowerProfile)" = 's "power-saver"' ]
	r=$?
fi
pkok "authorized but bad: SetPowerProfile turbo gets InvalidArgs after polkit, nothing changes" $r
r=1
if [ -z "$pkskip" ]; then
	pkrule NO 4
	out=$(nsend SetPowerProfile string:performance)
	echo "$out" | grep -qF 'AccessDenied: SetPowerProfile needs polkit authorization org.edgeai.manager1.set-power-profile: not authorized' &&
		[ "$(get PowerProfile)" = 's "power-saver"' ] && call SetPowerProfile s performance && [ "$(get PowerProfile)" = 's "performance"' ]
	r=$?
fi
pkok "rule NO: nobody is refused again; root is allowed regardless of polkit's rules" $r
r=1
if [ -z "$pkskip" ]; then
	# polkitd is up but cannot answer for an action it does not know: fail closed
	rm "$tmp/pk/actions/org.edgeai.Manager1.policy"
	i=0
	while [ $i -lt 50 ] && pkaction --action-id org.edgeai.manager1.reload > /dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
	out=$(nsend SetPowerProfile string:balanced)
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -qF 'AccessDenied: SetPowerProfile needs polkit authorization org.edgeai.manager1.set-power-profile: polkit could not answer (' &&
		[ "$(get PowerProfile)" = 's "performance"' ]
	r=$?
fi
pkok "polkitd without edgeaid's actions: the failed check refuses (fail closed), nothing changes" $r
[ -n "$pkpid" ] && kill $pkpid 2> /dev/null && wait $pkpid 2> /dev/null
pkpid=

kill $dpid
wait $dpid
rc=$?
dpid=
[ $rc -eq 0 ] && ! busctl --system status org.edgeai.Manager1 > /dev/null 2>&1
ok $? "SIGTERM stops edgeaid with status 0 and releases the name"

printf '[Manager]\nPowerProfile=eco\n' > "$tmp/bad.conf"
out=$("$daemon" --config="$tmp/bad.conf" --runtime-dir="$tmp/run2" 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "bad.conf:2: PowerProfile=eco" && ! busctl --system status org.edgeai.Manager1 > /dev/null 2>&1
ok $? "a bad configuration stops edgeaid at start, naming file:line"
out=$("$daemon" --check-config --config="$tmp/bad.conf" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "bad.conf:2:"
ok $? "--check-config reports the error"
out=$("$daemon" --check-config --config="$conf" 2>&1)
[ $? -eq 0 ] && echo "$out" | grep -q "ok, 3 application rule(s)"
ok $? "--check-config accepts the good configuration"

echo 123 > "$tmp/knob2"
printf '%s\t77\n' "$tmp/knob2" > "$tmp/run/knobs"
"$daemon" --restore --runtime-dir="$tmp/run" 2> /dev/null && [ "$(cat "$tmp/knob2")" = 77 ] && [ ! -e "$tmp/run/knobs" ]
ok $? "--restore (ExecStopPost=) writes the recorded values back"

[ $fail -eq 0 ] || sed 's/^/# log: /' "$tmp/log"
echo "1..$n"
exit $fail
