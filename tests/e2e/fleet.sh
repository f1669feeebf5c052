# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# The fleet steps of the e2e lane (issue 18), sourced by scenario.sh at its
# end with its ok/diag/poll/dev_of/busname helpers and counters:
#  - edgeaid keeps the CDI specs of the devices present in /run/cdi, and
#    rewrites them on hotplug; `edgeaictl cdi generate` writes the same;
#  - a container image built here from the installed stack (podman import
#    of a rootfs tar, no registry) runs BlazeFace on the NPU given by CDI
#    (--device edgeai.dev/npu=0), byte-exact; without the device it falls
#    back to the CPU with the reason, with the same bytes;
#  - two containers load the NPU, edgeaid matches them by cgroup to
#    [Application] rules (weights 300 and 100): both in `edgeaictl clients`
#    with their cgroup (the container's scope in the slice) and weight;
#  - node_exporter (textfile collector) serves edgeaid's metrics: the scrape
#    passes promtool, carries the board id of `edgeaictl status --json`,
#    and the two applications' device time splits 3:1 within 5 points.
# Podman runs with the vfs storage driver (the root is an initramfs) and
# without network.

F=/usr/share/edgeai-e2e
npu=$(dev_of npu) dsp=$(dev_of dsp)
nbus=$(busname "$npu") dbus_=$(busname "$dsp")
scrape() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=20).read().decode())'; }
# metric NAME LABELS-REGEX < scrape: the value of the first matching series
metric() { awk -v n="$1" -v l="$2" '$1 ~ "^" n "\\{" && $1 ~ l { print $2; exit }'; }

# F1. CDI specs from edgeaid, and from edgeaictl
diag "$(ls -l /run/cdi 2>&1)"
grep -q '^kind: "edgeai.dev/npu"' /run/cdi/edgeai-npu.yaml && grep -q "path: \"/dev/accel/$npu\"" /run/cdi/edgeai-npu.yaml &&
	grep -q '^kind: "edgeai.dev/dsp"' /run/cdi/edgeai-dsp.yaml
ok $? "edgeaid wrote the CDI specs of the NPU and the DSP into /run/cdi" "$(cat /run/cdi/*.yaml 2>&1)"
sed 's/^/# /' /run/cdi/edgeai-npu.yaml
edgeaictl cdi generate --output /tmp/cdi > /tmp/cdi.out 2>&1 && cmp /tmp/cdi/edgeai-npu.yaml /run/cdi/edgeai-npu.yaml &&
	cmp /tmp/cdi/edgeai-dsp.yaml /run/cdi/edgeai-dsp.yaml
ok $? "edgeaictl cdi generate writes the same specs" "$(cat /tmp/cdi.out; diff /tmp/cdi/edgeai-npu.yaml /run/cdi/edgeai-npu.yaml)"
edgeaictl cdi list 2>&1 | sed 's/^/# /'
edgeaictl cdi list 2>&1 | grep -q "^edgeai.dev/npu=0 *\/dev\/accel\/$npu"
ok $? "edgeaictl cdi list names edgeai.dev/npu=0"
echo "$nbus" > /sys/bus/platform/drivers/edgeai/unbind
poll 10 sh -c '[ ! -e /run/cdi/edgeai-npu.yaml ] && [ -e /run/cdi/edgeai-dsp.yaml ]'
ok $? "NPU unbound: edgeaid drops its CDI spec" "$(ls -l /run/cdi)"
echo "$nbus" > /sys/bus/platform/drivers/edgeai/bind
poll 20 test -e /run/cdi/edgeai-npu.yaml
ok $? "NPU bound again: edgeaid writes its spec again" "$(ls -l /run/cdi)"
npu=$(dev_of npu)

# F2. a container image from the installed stack: edgeaictl, the load
# generators and the libraries they load, as a rootfs tar
img=/tmp/ctr-root
rm -rf $img
mkdir -p $img/tmp $img/root $img/proc $img/sys $img/dev $img/run $img/etc
chmod 1777 $img/tmp
for b in /usr/bin/edgeaictl /usr/local/bin/load-heavy; do
	for f in $b $(ldd $b | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		mkdir -p "$img$(dirname "$f")"
		cp -L "$f" "$img$f"
	done
done
# the load generator under a path no Executable= rule names: the containers
# are told apart by their cgroup alone
mkdir -p $img/opt/e2e
mv $img/usr/local/bin/load-heavy $img/opt/e2e/edgeai-load
# libedgeai at its soname, as the host has it (the CDI spec mounts the host's over it)
for l in /usr/lib/libedgeai.so.0 /usr/local/lib/libedgeai.so.0; do
	[ -e $l ] && mkdir -p "$img$(dirname $l)" && cp -L $l "$img$l"
done
echo "root:x:0:0:root:/root:/bin/sh" > $img/etc/passwd
tar -C $img -cf /tmp/ctr.tar . && podman import /tmp/ctr.tar localhost/edgeai-e2e:latest > /tmp/import.log 2>&1
ok $? "podman import of a rootfs tar built from the installed stack" "$(cat /tmp/import.log; podman info 2>&1 | tail -n 20)"
diag "image: $(du -sh /tmp/ctr.tar | cut -f1); $(podman images 2>&1 | tail -n 1)"
prun() { podman run --rm --network=none --env EDGEAI_CACHE_DIR=/tmp "$@"; }

# F3. the NPU through CDI, byte-exact; without it, the CPU with the reason
mkdir -p /tmp/ctr-npu /tmp/ctr-none
rm -f /tmp/ctr-npu/* /tmp/ctr-none/*
# the NPU alone: the container sees the DSP in sysfs but has no node for
# it; libedgeai's discovery skips the DSP instead of failing the run on it
# (an op the NPU did not take would run on the CPU)
prun --device edgeai.dev/npu=0 -v $F:/m:ro -v /tmp/ctr-npu:/out localhost/edgeai-e2e:latest \
	/usr/bin/edgeaictl run /m/face.tflite --input /m/face.in0.bin --output-dir /out --json --device auto \
	> /tmp/ctr-npu.json 2> /tmp/ctr-npu.err
r=$?
got=$(cat /tmp/ctr-npu/output*.bin 2> /dev/null | sha256sum | cut -c1-64)
diag "container with edgeai.dev/npu=0: exit $r, $(grep -o '"device": "npu"' /tmp/ctr-npu.json | wc -l) ops on the NPU," \
	"$(grep -o '"device": "cpu"' /tmp/ctr-npu.json | wc -l) on the CPU, $(grep -o '"device": "dsp"' /tmp/ctr-npu.json | wc -l) on the DSP"
[ $r -eq 0 ] && [ "$got" = "$(cat $F/expected.sha256)" ] && grep -q '"device": "npu"' /tmp/ctr-npu.json &&
	! grep -q '"device": "dsp"' /tmp/ctr-npu.json
ok $? "podman run --device edgeai.dev/npu=0: BlazeFace on the NPU in the container (none on the DSP, whose node it lacks), the host's bytes" \
	"$(cat /tmp/ctr-npu.err; head -c 800 /tmp/ctr-npu.json)"
prun -v $F:/m:ro -v /tmp/ctr-none:/out localhost/edgeai-e2e:latest \
	/usr/bin/edgeaictl run /m/face.tflite --input /m/face.in0.bin --output-dir /out --json --device auto \
	> /tmp/ctr-none.json 2> /tmp/ctr-none.err
r=$?
got=$(cat /tmp/ctr-none/output*.bin 2> /dev/null | sha256sum | cut -c1-64)
grep -o '"reason": "[^"]*"' /tmp/ctr-none.json | sort | uniq -c | sed 's/^/# /'
[ $r -eq 0 ] && [ "$got" = "$(cat $F/expected.sha256)" ] && ! grep -q '"device": "npu"' /tmp/ctr-none.json &&
	grep -q '"reason": "fallback: ' /tmp/ctr-none.json
ok $? "a container without the device: the CPU, the fallback reason in the report, the same bytes" \
	"$(cat /tmp/ctr-none.err; head -c 800 /tmp/ctr-none.json)"

# F4. two containers load the NPU; edgeaid knows them by their cgroup.
# Each load runs from its container's start to the end of a 5 s window
# that opens 40 s from now: podman starts a container in a few seconds
# under TCG, but in more than 20 on a loaded host; the scrapes follow as
# soon as both containers show with their weights, inside the load.
echo 1 > "/sys/kernel/debug/accel/$nbus/compute_off"
start=$(($(date +%s%3N) + 40000))
diag "edgeaid's CPU time before the containers: $(systemctl show -P CPUUsageNSec edgeaid) ns"
prun --device edgeai.dev/npu=0 --cgroup-parent=ctrheavy.slice localhost/edgeai-e2e:latest \
	/opt/e2e/edgeai-load npu $start 5000 > /tmp/ctr-heavy.out 2>&1 &
ch=$!
prun --device edgeai.dev/npu=0 --cgroup-parent=ctrlight.slice localhost/edgeai-e2e:latest \
	/opt/e2e/edgeai-load npu $start 5000 > /tmp/ctr-light.out 2>&1 &
cl=$!
# APPLICATION and WEIGHT from edgeaid, the CGROUP column from /proc: the
# container's scope below the slice of --cgroup-parent
poll 40 sh -c 'edgeaictl clients > /tmp/clients.txt; grep -q "ctr-heavy .* 300 .* /ctrheavy.slice/libpod-" /tmp/clients.txt &&
	grep -q "ctr-light .* 100 .* /ctrlight.slice/libpod-" /tmp/clients.txt'
ok $? "both containers in edgeaictl clients with their cgroup and the weights of their [Application] (CGroup=)" \
	"$(cat /tmp/clients.txt; cat /tmp/ctr-heavy.out /tmp/ctr-light.out)"
sed 's/^/# /' /tmp/clients.txt
# the metrics file of the next interval (1 s) has the weighted time only
sleep 2
scrape > /tmp/scrape1.txt 2> /tmp/scrape.err
sleep 4
scrape > /tmp/scrape2.txt 2>> /tmp/scrape.err
now=$(date +%s%3N)
diag "second scrape $(((start + 5000 - now) / 1000)) s before the loads end;" \
	"edgeaid's CPU time $(systemctl show -P CPUUsageNSec edgeaid) ns"
wait $ch; r1=$?
wait $cl; r2=$?
echo 0 > "/sys/kernel/debug/accel/$nbus/compute_off"
diag "heavy: $(cat /tmp/ctr-heavy.out) light: $(cat /tmp/ctr-light.out)"
h1=$(metric edgeai_application_device_seconds_total "application=\"ctr-heavy\"" < /tmp/scrape1.txt)
h2=$(metric edgeai_application_device_seconds_total "application=\"ctr-heavy\"" < /tmp/scrape2.txt)
l1=$(metric edgeai_application_device_seconds_total "application=\"ctr-light\"" < /tmp/scrape1.txt)
l2=$(metric edgeai_application_device_seconds_total "application=\"ctr-light\"" < /tmp/scrape2.txt)
diag "scrapes: ctr-heavy $h1 -> $h2 s, ctr-light $l1 -> $l2 s"
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -n "$h1" ] && [ -n "$h2" ] && [ -n "$l1" ] && [ -n "$l2" ] &&
	awk -v a="$h1" -v b="$h2" -v c="$l1" -v d="$l2" 'BEGIN { h = b - a; l = d - c; if (h + l <= 0) exit 1
		s = h / (h + l); printf "# metrics: ctr-heavy share %.3f of the NPU time (entitled 0.750)\n", s; exit !(s > 0.70 && s < 0.80) }'
ok $? "Prometheus scrape during the load: the containers' device time splits 300:100 (within 5 points)" \
	"$(cat /tmp/scrape.err; grep ^edgeai_application /tmp/scrape2.txt)"

# F5. the scrape itself: node_exporter's textfile collector serves edgeaid.prom
grep -v '^#' /tmp/scrape2.txt | grep '^edgeai_' | sed 's/^/# /' | head -n 60
missing=
for m in edgeai_board_info edgeai_device_busy_seconds_total edgeai_device_utilization_ratio edgeai_device_clock_hertz \
	edgeai_device_temperature_celsius edgeai_device_throttled edgeai_device_runtime_pm_state edgeai_device_jobs_total \
	edgeai_device_resets_total edgeai_application_device_seconds_total edgeai_application_jobs_total \
	edgeai_application_quota_refusals_total edgeai_application_weight; do
	grep -q "^# TYPE $m " /tmp/scrape2.txt && grep -q "^$m{" /tmp/scrape2.txt || missing="$missing $m"
done
[ -z "$missing" ]
ok $? "the scrape has every device and application family, with HELP and TYPE" "missing:$missing"
board=$(edgeaictl --json status 2> /dev/null | sed -n 's/^{"board":"\([^"]*\)".*/\1/p')
diag "board $board"
[ -n "$board" ] && grep -q "^edgeai_board_info{board=\"$board\"" /tmp/scrape2.txt &&
	grep -q "^edgeai_device_clock_hertz{board=\"$board\",device=\"$npu\",type=\"npu\"}" /tmp/scrape2.txt
ok $? "metrics and edgeaictl status --json carry the same board id" "$(grep board_info /tmp/scrape2.txt)"
j=$(metric edgeai_application_jobs_total "application=\"ctr-heavy\"" < /tmp/scrape2.txt)
u=$(metric edgeai_device_utilization_ratio "device=\"$npu\"" < /tmp/scrape2.txt)
cores=$(cat "/sys/class/accel/$npu/device/core_count")
diag "ctr-heavy jobs $j; NPU utilization $u of $cores cores (the load uses core 0)"
# The two loads cannot saturate core 0 in the emulated board (each job's
# submit-to-done overhead under TCG is as long as its device time: their
# own device time says 60-65 % busy), and the gauge's interval can
# straddle the start of the load (0.46 seen on a quiet host). The gauge
# must show a loaded core, not an idle or a double-counted one.
[ -n "$j" ] && [ "${j%%.*}" -gt 0 ] && awk -v u="$u" -v c="$cores" 'BEGIN { exit !(u * c > 0.2 && u * c <= 1.0) }'
ok $? "jobs counted per application (fdinfo edgeai-jobs); the loaded core busy by the utilization"
if [ -x /usr/local/bin/promtool ]; then
	grep -E '^(# (HELP|TYPE) )?edgeai_' /tmp/scrape2.txt | promtool check metrics > /tmp/promtool.out 2>&1
	ok $? "promtool check metrics accepts the scraped edgeai_ families" "$(cat /tmp/promtool.out)"
fi
