#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the e2e lane, run by edgeai-e2e.service once systemd (PID 1)
# reached multi-user.target. TAP goes to ttyS1, framed as one program for
# tests/vm/lib.sh's vm_report; the end marker comes last, then poweroff.
echo "<5>e2e: scenario starts" > /dev/kmsg
# CLOCAL first: opening a serial port without it waits for a carrier
stty -F /dev/ttyS1 raw -echo clocal 115200 2> /dev/kmsg
exec 3> /dev/ttyS1
exec 1>&3 2>&3
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER= SYSTEMD_COLORS=0
n=0 failed=0
ok() { # RC NAME [DIAG]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
		echo "not ok $n - $2"; failed=$((failed + 1))
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
M="org.edgeai.Manager1 /org/edgeai/Manager1 org.edgeai.Manager1"
get() { busctl get-property $M "$1" 2>&1; }
# poll SECS CMD...: run CMD every 0.2 s until it succeeds
poll() {
	_t=$(($1 * 5)); shift
	while [ $_t -gt 0 ]; do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; _t=$((_t - 1)); done
	return 1
}
dev_of() { # TYPE -> accelN
	for d in /sys/class/accel/accel*; do
		[ "$(cat "$d/device/device_type" 2> /dev/null)" = "$1" ] && { basename "$d"; return 0; }
	done
	return 1
}
busname() { basename "$(readlink -f "/sys/class/accel/$1/device")"; }
mainpid() { systemctl show -p MainPID --value edgeaid; }
asuser() { _u=$1; shift; setpriv --reuid="$_u" --regid="$(id -g "$_u")" --init-groups "$@"; }
# the applications run as edgeapp, a user in the group render (and nothing
# else), with a home for libedgeai's compile cache
useradd -m -N -g users -G render -s /bin/sh edgeapp 2>&1 | sed 's/^/# /'
app() { asuser edgeapp env HOME=/home/edgeapp "$@"; }

echo "# edgeai-vm: begin e2e_scenario"
echo "TAP version 13"
diag "kernel $(uname -r), systemd $(systemctl --version | head -n 1)"

# 1. the module loaded at boot (modules-load.d); udev started edgeaid
poll 30 test -e /dev/accel/accel1
ok $? "edgeai.ko loaded by systemd-modules-load: two accel nodes" "$(ls -l /dev/accel 2>&1; journalctl -b -k | tail -n 20)"
poll 60 systemctl is-active -q edgeaid
ok $? "edgeaid.service is active (started by the udev rule)" "$(systemctl status edgeaid 2>&1 | tail -n 20)"
# E2E_ONLY=fleet|restart (tests/e2e/run.sh): only those steps, for iterating on them
if [ -s /usr/lib/edgeai-e2e/only ]; then
	. "/usr/lib/edgeai-e2e/$(cat /usr/lib/edgeai-e2e/only).sh"
	echo "1..$n"
	echo "# edgeai-vm: exit e2e_scenario $failed"
	journalctl -b -u edgeaid -o short-monotonic --no-pager 2>&1 | tail -n 40 | sed 's/^/# journal: /'
	echo "edgeai-vm: end of tests"
	sync
	systemctl poweroff --force --force
	exit 0
fi
en=$(systemctl is-enabled edgeaid 2>&1)
[ "$en" = disabled ]
ok $? "edgeaid.service is not enabled: udev's SYSTEMD_WANTS started it ($en)"
poll 10 sh -c 'systemctl status edgeaid | grep -q "Status: \"2 devices"'
ok $? "systemctl status shows the live STATUS= line" "$(systemctl status edgeaid 2>&1)"
systemctl status edgeaid 2>&1 | sed -n '1,12p' | sed 's/^/# /'
[ "$(systemctl show -p Type --value edgeaid)" = notify ] && [ "$(systemctl show -p WatchdogUSec --value edgeaid)" = 30s ]
ok $? "Type=notify with a 30 s watchdog"
sec=$(systemd-analyze security edgeaid.service 2>&1 | sed -n 's/.*Overall exposure level for edgeaid.service: \([0-9.]*\).*/\1/p')
diag "systemd-analyze security (online): $sec"
[ -n "$sec" ] && awk -v s="$sec" 'BEGIN { exit !(s <= 1.5) }'
ok $? "exposure $sec <= 1.5 in the booted system"

diag "$(systemctl --no-pager status dbus.service dbus.socket 2>&1 | head -n 30)"
diag "$(busctl --no-pager list 2>&1 | head -n 20)"
diag "$(journalctl -b --no-pager -u dbus -u edgeaid 2>&1 | grep -i -E 'dbus|bus|fail|error' | head -n 20)"
intro=$(busctl --no-pager introspect org.edgeai.Manager1 /org/edgeai/Manager1 2>&1)
printf '%s\n' "$intro" | sed 's/^/# /'
printf '%s\n' "$intro" | grep -q '^\.SetClientPolicy' && printf '%s\n' "$intro" | grep -q '^\.FallbackAdvised'
ok $? "busctl introspect shows the API"

grep -q '^governor_simpleondemand ' /proc/modules && [ "$(cat /etc/modules-load.d/edgeai.conf)" = edgeai ] &&
	[ "$(wc -w < "/sys/class/devfreq/$(basename "$(readlink -f /sys/class/accel/accel0/device)")/available_frequencies")" -ge 2 ]
ok $? "modules-load.d names edgeai alone: its softdep loaded governor_simpleondemand, devfreq has the OPPs" \
	"$(cat /proc/modules | grep -e edgeai -e governor; ls /sys/class/devfreq)"

# 1a. installed from the Debian packages (E2E_INSTALL=deb, the default)
if [ "$(cat /usr/share/edgeai-e2e/install-mode 2> /dev/null)" = deb ]; then
	st=$(dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' libedgeai0 edgeai-firmware \
		edgeai-tools edgeaid python3-edgeai edgeai-dkms 2>&1)
	diag "$st"
	[ "$(printf '%s\n' "$st" | grep -c ' ii *$')" = 5 ] && printf '%s\n' "$st" | grep -q '^edgeai-dkms .* iU *$'
	ok $? "dpkg: five packages installed, edgeai-dkms unpacked (DKMS ran on the host)" "$st"
	[ "$(modinfo -n edgeai)" = "/lib/modules/$(uname -r)/updates/dkms/edgeai.ko" ] &&
		tail -c 28 "$(modinfo -n edgeai)" | grep -q '~Module signature appended~' 
	ok $? "modprobe loads the edgeai.ko DKMS built and signed ($(modinfo -n edgeai 2>&1))" \
		"$(modinfo edgeai 2>&1 | grep -v '^parm')"
	dpkg-query -W -f='${Conffiles}\n' edgeaid | grep -q '^ /etc/edgeai/edgeaid.conf '
	ok $? "/etc/edgeai/edgeaid.conf is a conffile of edgeaid" "$(dpkg-query -W -f='${Conffiles}' edgeaid)"
fi

# 1b. access: the nodes belong to the group render (70-edgeai-access.rules)
# and carry the uaccess tag; a user outside the group is refused clearly
nodes=$(stat -c '%n %U:%G %a' /dev/accel/accel* 2>&1)
diag "$nodes"
[ "$(stat -c '%G %a' /dev/accel/accel* | sort -u)" = "render 660" ]
ok $? "every accel node is root:render 0660" "$nodes"
tags=$(udevadm info -q property /dev/accel/accel0 2>&1 | grep '^TAGS=')
printf '%s\n' "$tags" | grep -q ':uaccess:'
ok $? "udev tagged the nodes uaccess ($tags)" "$(udevadm info /dev/accel/accel0 2>&1)"
diag "edgeapp: $(id edgeapp)"
app edgeaictl --json status > /tmp/app-status.json 2>&1 && grep -q '"/dev/accel/accel1"' /tmp/app-status.json
ok $? "edgeapp (group render, not root) sees the devices (edgeaictl --json status)" "$(cat /tmp/app-status.json)"

npu=$(dev_of npu) dsp=$(dev_of dsp)
nbus=$(busname "$npu") dbus_=$(busname "$dsp")
ndf=/sys/class/devfreq/$nbus
nsys=$(readlink -f "/sys/class/accel/$npu/device")
lo=$(tr ' ' '\n' < "$ndf/available_frequencies" | grep . | sort -n | head -n 1)
hi=$(tr ' ' '\n' < "$ndf/available_frequencies" | grep . | sort -n | tail -n 1)
diag "npu $npu ($nbus) OPPs $(cat "$ndf/available_frequencies"); min $(cat "$ndf/min_freq") max $(cat "$ndf/max_freq")"
[ "$(cat "$nsys/power/autosuspend_delay_ms")" = 250 ]
ok $? "AutosuspendMSec=250 from the drop-in is applied" "$(cat "$nsys/power/autosuspend_delay_ms")"
grep -q "power/autosuspend_delay_ms	100" /run/edgeaid/knobs
ok $? "the knob journal holds the original autosuspend delay" "$(cat /run/edgeaid/knobs 2>&1)"

# 2. two applications with weights 300 and 100 share the DSP 3:1
echo 1 > "/sys/kernel/debug/accel/$dbus_/compute_off"
start=$(($(date +%s%3N) + 2500))
/usr/local/bin/load-heavy dsp $start 6000 > /tmp/heavy.out 2>&1 &
hp=$!
/usr/local/bin/load-light dsp $start 6000 > /tmp/light.out 2>&1 &
lp=$!
# Sample once the load has run for half a second (it starts at $start).
now=$(date +%s%3N)
[ "$now" -ge $((start + 500)) ] || sleep "$(awk -v ms=$((start + 500 - now)) 'BEGIN { print ms / 1000 }')"
edgeaictl --json status > /tmp/status.json 2>&1
awk -v d="$dsp" 'BEGIN { RS = "},{" } index($0, "/dev/accel/" d "\"") {
	if (match($0, /"utilization_pct":[0-9.]+/)) u = substr($0, RSTART + 18, RLENGTH - 18)
	if (match($0, /"clients":[0-9]+/)) c = substr($0, RSTART + 10, RLENGTH - 10)
} END { printf "# dsp utilization %s%%, %s clients\n", u, c; exit !(u > 20 && c >= 3) }' /tmp/status.json
ok $? "edgeaictl --json status: the loaded DSP is busy with its clients" "$(cat /tmp/status.json)"
cl=$(edgeaictl clients 2>&1)
printf '%s\n' "$cl" | sed 's/^/# /'
printf '%s\n' "$cl" | grep -q 'heavy .* 300 ' && printf '%s\n' "$cl" | grep -q 'light .* 100 '
ok $? "edgeaictl clients shows edgeaid's applications and weights"
edgeaictl --json clients > /tmp/clients.json 2>&1
grep -q '"application":"heavy"' /tmp/clients.json
ok $? "edgeaictl --json clients" "$(cat /tmp/clients.json)"
st=$(edgeaictl status 2>&1)
printf '%s\n' "$st" | sed 's/^/# /'
printf '%s\n' "$st" | grep -q '^policy (edgeaid):' && printf '%s\n' "$st" | grep -q '^  heavy  *- *300 '
ok $? "edgeaictl status shows edgeaid's policy and application rules"
sleep 0.5
edgeaictl top 1 1000 2>&1 | sed 's/^/# /'
wait $hp; r1=$?
wait $lp; r2=$?
h=$(sed -n 's/^engine_ns=//p' /tmp/heavy.out) l=$(sed -n 's/^engine_ns=//p' /tmp/light.out)
diag "heavy: $(cat /tmp/heavy.out) light: $(cat /tmp/light.out)"
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -n "$h" ] && [ -n "$l" ] &&
	awk -v h="$h" -v l="$l" 'BEGIN { s = h / (h + l); printf "# heavy share %.3f (entitled 0.750)\n", s; exit !(s > 0.70 && s < 0.80) }'
ok $? "weights 300:100 from edgeaid.conf.d give a 3:1 device-time share (within 5 points)"
echo 0 > "/sys/kernel/debug/accel/$dbus_/compute_off"

# 2b. a real model on the board, then two applications running it at once
F=/usr/share/edgeai-e2e
want=$(cat $F/expected.sha256)
face() { # DIR [edgeaictl run options]: run BlazeFace, 0 iff the output bytes are right
	_d=$1; shift
	rm -rf "$_d" "$_d.json" "$_d.err"
	app edgeaictl run $F/face.tflite --input $F/face.in0.bin --output-dir "$_d" --json "$@" > "$_d.json" 2> "$_d.err" &&
		[ "$(cat "$_d"/output*.bin | sha256sum | cut -c1-64)" = "$want" ]
}
face /tmp/face --device auto
ok $? "BlazeFace (int8, quantized by edgeaictl) run by edgeapp: the bytes of the CPU path and TFLite" \
	"$(cat /tmp/face.err; head -c 600 /tmp/face.json)"
nnpu=$(grep -o '"device": "npu"' /tmp/face.json | wc -l)
ncpu=$(grep -o '"device": "cpu"' /tmp/face.json | wc -l)
diag "placement: $nnpu ops on the NPU, $ncpu on the CPU"
[ "$nnpu" -gt 0 ]
ok $? "the NPU ran its ops of the model (placement report)"
rm -rf /tmp/face-nobody
out=$(asuser nobody env HOME=/tmp edgeaictl run $F/face.tflite --input $F/face.in0.bin \
	--output-dir /tmp/face-nobody --device npu 2>&1)
r=$?
diag "nobody: $out"
[ $r -ne 0 ] && printf '%s\n' "$out" | grep -q '/dev/accel/accel[0-9]*: Permission denied' &&
	printf '%s\n' "$out" | grep -q 'group render' && [ ! -e /tmp/face-nobody/output0.bin ]
ok $? "nobody (not in render) is refused: permission denied on the node, the group named" "$out"
app /usr/local/bin/face-heavy bench $F/face.tflite --device auto --iterations 40 > /tmp/fh.out 2>&1 &
fh=$!
app /usr/local/bin/face-light bench $F/face.tflite --device auto --iterations 40 > /tmp/fl.out 2>&1 &
fl=$!
poll 30 sh -c 'edgeaictl clients | grep -q "face-light .* 100 " && edgeaictl clients | grep -q "face-heavy .* 300 "'
ok $? "two applications (as edgeapp) run the model at once, with their weights from edgeaid.conf.d" "$(edgeaictl clients 2>&1)"
edgeaictl clients 2>&1 | grep face | sed 's/^/# /'
wait $fh; r1=$?
wait $fl; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ]
ok $? "both finish their runs" "$(tail -n 5 /tmp/fh.out /tmp/fl.out)"
grep -h -E '^(latency|throughput)' /tmp/fh.out /tmp/fl.out | sed 's/^/# /'

# 2c. fleets: CDI and containers, Prometheus metrics (tests/e2e/fleet.sh)
. /usr/lib/edgeai-e2e/fleet.sh

# 3. forced temperature: throttle, fallback advice, recovery
busctl monitor org.edgeai.Manager1 > /tmp/monitor.log 2>&1 &
mon=$!
trip=$(cat "/sys/class/thermal/$(grep -l "^$nbus\$" /sys/class/thermal/thermal_zone*/type | head -n 1 | xargs dirname | xargs basename)/trip_point_0_temp")
limit=$((trip - 15000))
[ $limit -lt 20000 ] && limit=20000
diag "passive trip $trip m°C; edgeaid limit $limit m°C"
busctl call $M SetThermalLimit u $limit
ok $? "SetThermalLimit $limit"
force=/sys/kernel/debug/accel/$nbus/force_temp_mc
echo $((limit + 8000)) > "$force"
ok $? "force the NPU to $((limit + 8000)) m°C through debugfs"
poll 20 sh -c "busctl get-property $M FallbackAdvice | grep -q thermal"
ok $? "too hot at the lowest clock: FallbackAdvice = thermal" "$(get FallbackAdvice; get Why; cat $ndf/max_freq)"
[ "$(get Throttled)" = "b true" ] && [ "$(cat "$ndf/max_freq")" = "$lo" ]
ok $? "edgeaid throttled the NPU down to its lowest operating point ($lo Hz)" "$(get Throttled; cat "$ndf/max_freq")"
[ "$(cat /run/edgeaid/advice)" = thermal ]
ok $? "/run/edgeaid/advice says thermal"
face /tmp/face-hot --device auto
r=$?
grep -o '"reason": "[^"]*"' /tmp/face-hot.json | sort | uniq -c | sed 's/^/# /'
[ $r -eq 0 ] && ! grep -q '"device": "npu"' /tmp/face-hot.json && grep -q '"reason": "[^"]*thermal' /tmp/face-hot.json
ok $? "the library follows the advice: BlazeFace on the CPU, reason thermal, same bytes" \
	"$(cat /tmp/face-hot.err; head -c 600 /tmp/face-hot.json)"
prom=/var/lib/prometheus/node-exporter/edgeaid.prom
poll 10 sh -c "grep -q '^edgeai_application_fallbacks_total{.*,reason=\"advice\"} [1-9]' $prom"
ok $? "libedgeai reported the fallback: edgeaid's metrics count it (reason advice)" \
	"$(grep fallbacks $prom; journalctl -b -u edgeaid -o cat | grep -i report | tail -n 3)"
grep '^edgeai_application_fallbacks_total' $prom | sed 's/^/# /'
w=$(edgeaictl why 2>&1)
printf '%s\n' "$w" | sed 's/^/# /'
printf '%s\n' "$w" | grep -q 'fallback:  thermal' && printf '%s\n' "$w" | grep -q 'max_freq capped'
ok $? "edgeaictl why explains the decision"
edgeaictl thermal 2>&1 | sed 's/^/# /'
journalctl -b -u edgeaid MESSAGE_ID=3a1b5c7d9e0f41a2b3c4d5e6f7081920 -o cat 2> /dev/null | grep -q "Throttling:"
ok $? "the journal has the throttle event with its MESSAGE_ID"
journalctl -b -u edgeaid MESSAGE_ID=4b2c6d8e0f1a42b3c4d5e6f708192a31 -o cat 2> /dev/null | grep -q "Advising CPU fallback (thermal)"
ok $? "the journal has the fallback event with its MESSAGE_ID"
systemctl status edgeaid 2>&1 | grep 'Status:' | sed 's/^/# /'
echo $((limit - 10000)) > "$force"
poll 30 sh -c "busctl get-property $M Throttled | grep -q false"
ok $? "cooled down: throttling ends" "$(get Throttled; get Why)"
[ "$(cat "$ndf/max_freq")" = "$hi" ] && [ "$(get FallbackAdvice)" = 's ""' ] && [ "$(cat /run/edgeaid/advice)" = none ]
ok $? "max_freq is back at $hi Hz and the advice is withdrawn" "$(cat "$ndf/max_freq"; get FallbackAdvice)"
face /tmp/face-cool --device auto && grep -q '"device": "npu"' /tmp/face-cool.json
ok $? "cooled down: the library uses the NPU again" "$(cat /tmp/face-cool.err; head -c 600 /tmp/face-cool.json)"
echo 0 > "$force"
sleep 0.5
kill $mon 2> /dev/null
grep -q 'Member=FallbackAdvised' /tmp/monitor.log && grep -q 'Member=Throttled' /tmp/monitor.log
ok $? "Throttled and FallbackAdvised signals were sent" "$(grep Member= /tmp/monitor.log | sort | uniq -c)"

# 4. kill -9: ExecStopPost restores every knob, systemd restarts edgeaid
edgeaictl power set power-saver
[ "$(cat "$ndf/max_freq")" -lt "$hi" ]
ok $? "edgeaictl power set power-saver lowers max_freq" "$(cat "$ndf/max_freq")"
edgeaictl power 2>&1 | sed 's/^/# /'
pid=$(mainpid)
kill -9 "$pid"
poll 10 sh -c '[ "$(systemctl show -p SubState --value edgeaid)" = auto-restart ]'
st=$?
a=$(cat "$nsys/power/autosuspend_delay_ms") mx=$(cat "$ndf/max_freq")
[ $st -eq 0 ] && [ "$a" = 100 ] && [ "$mx" = "$hi" ] && [ ! -e /run/edgeaid/knobs ]
ok $? "after kill -9, before the restart: every knob is back (autosuspend $a, max_freq $mx)" \
	"$(systemctl status edgeaid 2>&1 | tail -n 15)"
poll 30 sh -c '[ "$(systemctl show -p SubState --value edgeaid)" = running ]'
[ $? -eq 0 ] && [ "$(mainpid)" != "$pid" ] && [ "$(systemctl show -p NRestarts --value edgeaid)" -ge 1 ]
ok $? "systemd restarted edgeaid (NRestarts $(systemctl show -p NRestarts --value edgeaid))"
journalctl -b -u edgeaid -o cat | grep -q "Restored [0-9]* knob(s)"
ok $? "the journal shows the ExecStopPost restore"

# 5. stop restores the knobs too; reload via SIGHUP
systemctl reload edgeaid && poll 10 sh -c 'journalctl -b -u edgeaid -o cat | grep -q "Configuration reloaded"'
ok $? "systemctl reload edgeaid (SIGHUP, RELOADING=1 then READY=1)"
systemctl stop edgeaid
[ "$(cat "$nsys/power/autosuspend_delay_ms")" = 100 ] && [ ! -e /run/edgeaid/knobs ]
ok $? "systemctl stop restores the knobs"
systemctl start edgeaid
poll 20 systemctl is-active -q edgeaid
ok $? "edgeaid starts again"

# 6. unbinding the NPU during load is survived
pid=$(mainpid)
/usr/local/bin/load-light npu 0 6000 > /tmp/unbind.out 2>&1 &
lp=$!
sleep 1.5
echo "$nbus" > /sys/bus/platform/drivers/edgeai/unbind
ok $? "unbind $nbus while a client loads it"
wait $lp
diag "load: $(cat /tmp/unbind.out)"
poll 10 sh -c "busctl get-property $M Devices | grep -q '^a(ssxtb) 1 '"
ok $? "edgeaid follows the unbind: one device left" "$(get Devices)"
systemctl is-active -q edgeaid && [ "$(mainpid)" = "$pid" ]
ok $? "edgeaid survived the unbind (same PID)"
echo "$nbus" > /sys/bus/platform/drivers/edgeai/bind
poll 20 sh -c "busctl get-property $M Devices | grep -q '^a(ssxtb) 2 '"
ok $? "bind again: edgeaid picks the device up" "$(get Devices)"
poll 10 sh -c "[ \"\$(cat $nsys/power/autosuspend_delay_ms)\" = 250 ]"
ok $? "and applies its knobs to it"
edgeaictl status 2>&1 | sed 's/^/# /'
edgeaictl --json thermal > /tmp/t.json 2>&1 && grep -q '"daemon":true' /tmp/t.json
ok $? "edgeaictl --json thermal" "$(cat /tmp/t.json)"

# 6b. edgeaid killed with SIGKILL under load, several times (tests/e2e/restart.sh)
. /usr/lib/edgeai-e2e/restart.sh

# 7. privileged verbs: root always; anyone else as polkit (polkitd, JS rules) says
prof=$(get PowerProfile) lim=$(get ThermalLimit)
to=power-saver
[ "$prof" = 's "power-saver"' ] && to=performance
[ -f /usr/share/polkit-1/actions/org.edgeai.Manager1.policy ] &&
	pkaction --verbose --action-id org.edgeai.manager1.set-power-profile 2>&1 | grep -q 'implicit active: *auth_admin_keep'
ok $? "make install put the polkit actions in place and polkitd reads them" \
	"$(pkaction --verbose --action-id org.edgeai.manager1.set-power-profile 2>&1)"
out=$(asuser edgeops busctl call $M SetPowerProfile s $to 2>&1)
diag "edgeops ($(id edgeops)): $out"
[ -n "$out" ] && [ "$(get PowerProfile)" = "$prof" ] &&
	journalctl -b -u edgeaid -o cat | grep -q "Refused SetPowerProfile to uid $(id -u edgeops) .*org.edgeai.manager1.set-power-profile: not authorized"
ok $? "polkitd running, no rule: edgeops' SetPowerProfile is refused (auth_admin, no agent), nothing changes" \
	"$(get PowerProfile; journalctl -b -u edgeaid -o cat | grep Refused)"
cat > /etc/polkit-1/rules.d/50-edgeai.rules <<'EOR'
polkit.addRule(function(action, subject) {
	if (action.id.indexOf("org.edgeai.manager1.") == 0 && subject.isInGroup("edgeai"))
		return polkit.Result.YES;
});
EOR
poll 15 asuser edgeops busctl call $M SetPowerProfile s $to
ok $? "a rules.d file granting group edgeai: the same call succeeds" "$(get PowerProfile; journalctl -b -u edgeaid -o cat | grep Refused)"
[ "$(get PowerProfile)" = "s \"$to\"" ] && asuser edgeops busctl call $M SetThermalLimit u 80000 &&
	[ "$(get ThermalLimit)" = "u 80000" ]
ok $? "edgeops changed the profile and the thermal limit" "$(get PowerProfile; get ThermalLimit)"
out=$(asuser nobody busctl call $M SetPowerProfile s balanced 2>&1)
[ -n "$out" ] && [ "$(get PowerProfile)" = "s \"$to\"" ]
ok $? "nobody (not in edgeai) is still refused" "$out"
busctl call $M SetPowerProfile s "$(echo "$prof" | sed 's/^s "\(.*\)"$/\1/')" && busctl call $M SetThermalLimit u ${lim#u } &&
	[ "$(get PowerProfile)" = "$prof" ] && [ "$(get ThermalLimit)" = "$lim" ]
ok $? "root is allowed without asking polkit (profile and limit put back)" "$(get PowerProfile; get ThermalLimit)"
rm -f /etc/polkit-1/rules.d/50-edgeai.rules

# 8. a package upgrade (here: reinstall) keeps the conffile the
# administrator changed, and restarts edgeaid; last, as it restarts edgeaid
if [ "$(cat /usr/share/edgeai-e2e/install-mode 2> /dev/null)" = deb ]; then
	echo "# changed by the administrator" >> /etc/edgeai/edgeaid.conf
	out=$(dpkg -i /var/cache/edgeai-debs/edgeaid_*.deb 2>&1 < /dev/null)
	r=$?
	[ $r -eq 0 ] && tail -n 1 /etc/edgeai/edgeaid.conf | grep -q '^# changed by the administrator$'
	ok $? "reinstalling edgeaid keeps the administrator's edgeaid.conf" "$out"
	poll 30 systemctl is-active -q edgeaid
	ok $? "edgeaid is active again after the package's postinst" "$(systemctl status edgeaid 2>&1 | tail -n 15)"
fi

echo "1..$n"
echo "# edgeai-vm: exit e2e_scenario $failed"
journalctl -b -u edgeaid -o short-monotonic --no-pager 2>&1 | tail -n 40 | sed 's/^/# journal: /'
echo "edgeai-vm: end of tests"
sync
systemctl poweroff --force --force
