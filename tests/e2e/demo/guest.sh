#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of `make demo` (tests/e2e/demo.sh), run by edgeai-demo.service
# once systemd (PID 1) reached multi-user.target. Human-readable lines go to
# ttyS1, framed as one program ("# edgeai-vm: begin demo" ... "exit demo
# RC") for tests/vm/lib.sh; files for the host (the model's output tensors,
# logs) go base64-encoded between "# edgeai-demo: file NAME" and
# "# edgeai-demo: end NAME" lines. Inputs are in /usr/share/edgeai-demo
# (the int8 BlazeFace model, its input tensor, demo.env).
echo "<5>edgeai-demo: starts" > /dev/kmsg
stty -F /dev/ttyS1 raw -echo clocal 115200 2> /dev/kmsg
exec 3> /dev/ttyS1
exec 1>&3 2>&3
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER='' SYSTEMD_COLORS=0 COLUMNS=120
d=/usr/share/edgeai-demo
model=$d/blazeface-int8.tflite
BENCH_ITERATIONS=12
# shellcheck disable=SC1091
[ -f $d/demo.env ] && . $d/demo.env
rc=0
step() { echo; echo "demo: $*"; }
indent() { sed 's/^/  /'; }
send() { # FILE NAME: the file, base64, for the host
	echo "# edgeai-demo: file $2"
	base64 -w 76 "$1"
	echo "# edgeai-demo: end $2"
}
poll() { # SECS CMD...
	_t=$(($1 * 5)); shift
	while [ $_t -gt 0 ]; do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; _t=$((_t - 1)); done
	return 1
}
ms() { echo $(($(date +%s%N) / 1000000)); }

echo "# edgeai-vm: begin demo"
step "the VM: $(uname -sr), $(systemctl --version | head -n 1 | cut -d' ' -f1-2) as PID 1"
poll 30 test -e /dev/accel/accel1
echo "  multi-user.target reached $(cut -d' ' -f1 /proc/uptime) s after power-on (QEMU TCG)"
echo "  edgeai.ko loaded by systemd-modules-load: $(cd /dev/accel && echo accel*)"

step "systemctl status edgeaid (started by its udev rule when the devices appeared)"
poll 60 systemctl is-active -q edgeaid
poll 10 sh -c 'systemctl status edgeaid | grep -q "Status: \"[0-9]* device"'
systemctl --no-pager status edgeaid 2>&1 | sed -n '1,10p' | indent
systemctl is-active -q edgeaid || rc=1

step "edgeaictl status"
edgeaictl status 2>&1 | indent

step "BlazeFace short range (int8, quantized by edgeaictl quantize) finds the face in astronaut.png on the NPU"
# NPU only first: the NPU firmware takes every op of this model
# (firmware/README.md), so it runs there whole. A firmware whose op set
# lacks one (an older image) has the run refused, naming the op; the demo
# then says so and runs it with --device auto (the NPU where it can).
dev=npu
t0=$(ms)
edgeaictl run $model --input $d/input.bin --output-dir /tmp/out --device npu --verbose > /tmp/run.log 2>&1
r=$?
t1=$(ms)
if [ $r -ne 0 ]; then
	cp /tmp/run.log /tmp/run-npu.log
	echo "  edgeaictl run --device npu (NPU only) is refused:"
	sed -n 's/.*--device npu: //p' /tmp/run.log |
		sed 's/^\(op [0-9]* ([A-Z_0-9]*) cannot run on [^:]*\):.*\(not in its op set\).*/\1: \2/' | indent
	echo "  so: edgeaictl run --device auto (every op the NPU accepts on the NPU, the rest on the DSP, else the CPU)"
	dev=auto
	t0=$(ms)
	edgeaictl run $model --input $d/input.bin --output-dir /tmp/out --device auto --verbose > /tmp/run.log 2>&1
	r=$?
	t1=$(ms)
fi
echo "$dev" > /tmp/dev
head -n 1 /tmp/run.log | sed 's|^/usr/share/edgeai-demo/||' | indent
echo "  placement:"
for p in npu dsp cpu; do
	n=$(awk -v p=$p '$1 == "op" && $4 == p' /tmp/run.log | wc -l)
	[ "$n" -gt 0 ] || continue
	ops=$(awk -v p=$p '$1 == "op" && $4 == p { print $3 }' /tmp/run.log | sort | uniq -c | sort -rn |
		awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }')
	why=$(awk -v p=$p '$1 == "op" && $4 == p { $1 = $2 = $3 = $4 = ""; sub(/^ */, ""); print }' /tmp/run.log |
		sort | uniq -c | sort -rn | head -n 1 | sed 's/^ *[0-9]* //')
	printf '    %2d ops on the %s: %s\n       %s\n' "$n" "$p" "$ops" "$why"
done
npu_ops=$(grep -c '^  op .* npu ' /tmp/run.log)
echo "  edgeaictl run --device $dev: exit $r, $((t1 - t0)) ms wall clock in the VM (TCG)"
[ $r -eq 0 ] && [ "$npu_ops" -gt 0 ] || { echo "  FAILED: no run on the NPU"; rc=1; }
for f in /tmp/out/output*.bin; do [ -f "$f" ] && send "$f" "$dev-$(basename "$f")"; done
send /tmp/run.log run-$dev.log
[ -f /tmp/run-npu.log ] && send /tmp/run-npu.log run-npu-refused.log

step "the same run from Python on the board (python3-edgeai: ctypes over libedgeai, numpy in and out)"
if python3 -c 'import edgeai' 2> /dev/null; then
	python3 - $model $d/input.bin "$dev" /tmp/out > /tmp/python.log 2>&1 <<'PY'
import sys
import time

import numpy as np

import edgeai

model, inp, dev, ctl_out = sys.argv[1:]
print('edgeai.devices(): %s' % ', '.join('%s %s (%d cores, firmware %s)' % (
    d.node, d.type, d.core_count, d.fw_version) for d in edgeai.devices()))
policy = 'device_only' if dev in ('npu', 'dsp') else 'auto'
with edgeai.Model(model) as m:
    prog = m.compile(device=dev, policy=policy)
t = prog.inputs[0]
x = np.fromfile(inp, dtype=t.dtype).reshape(t.shape)
t0 = time.perf_counter()
outs = prog.run([x])
ms = (time.perf_counter() - t0) * 1e3
print("edgeai.Model('blazeface-int8.tflite').compile(device='%s', policy='%s').run([x]): %.0f ms"
      % (dev, policy, ms))
where = {}
for p in outs.placement:
    where[p['device']] = where.get(p['device'], 0) + 1
s = outs.stats
print('  placement: %s; %d device jobs (%d chained) submitted by %s, %.1f ms of device time'
      % (', '.join('%d ops on the %s' % (n, k) for k, n in sorted(where.items())),
         s['device_jobs'], s['chained'], s['path'], s['device_time_ns'] / 1e6))
same = [open('%s/output%d.bin' % (ctl_out, i), 'rb').read() == a.tobytes()
        for i, a in enumerate(outs)]
print('  outputs equal to edgeaictl run\'s: %d of %d tensors' % (sum(same), len(same)))
t0 = time.perf_counter()
futs = [prog.submit([x]) for _ in range(4)]
res = [f.result(timeout=600) for f in futs]
ms = (time.perf_counter() - t0) * 1e3
fsame = sum(all(np.array_equal(a, b) for a, b in zip(r, outs)) for r in res)
print('  prog.submit() x4 in flight (futures, completed through the event fd): %.0f ms, '
      '%d of 4 equal to run()' % (ms, fsame))
prog.close()
sys.exit(0 if all(same) and fsame == 4 and where.get('cpu', 0) < len(outs.placement) else 1)
PY
	r=$?
	indent < /tmp/python.log
	[ $r -eq 0 ] || { echo "  FAILED: the Python run (exit $r)"; rc=1; }
	send /tmp/python.log python-$dev.log
else
	echo "  python3 with numpy and the edgeai package is not in this root filesystem: skipped"
fi

step "two applications share the NPU: demo-camera and demo-doorbell, each running BlazeFace (edgeaictl bench --device $dev)"
echo "  /etc/edgeai/edgeaid.conf.d/50-demo.conf:"
sed -n '/^\[Application\]/,$p' /etc/edgeai/edgeaid.conf.d/50-demo.conf | grep -v '^$' | paste -sd' ' |
	sed 's/ \[Application\]/\n[Application]/g' | indent | indent
for app in camera doorbell; do
	systemd-run --quiet --unit=demo-$app --collect --wait -p StandardOutput=file:/tmp/$app.out \
		-p StandardError=file:/tmp/$app.err \
		/usr/bin/edgeaictl bench $model --input $d/input.bin --device "$dev" --iterations "$BENCH_ITERATIONS" --warmup 1 \
		> /tmp/$app.run 2>&1 &
	eval "pid_$app=\$!"
done
poll 60 sh -c '[ "$(edgeaictl clients | grep -c -E " (camera|doorbell) ")" -ge 2 ]'
echo "  edgeaictl clients (edgeaid matched the units to the rules):"
edgeaictl clients 2>&1 | indent | indent
echo "  edgeaictl top 1 3000:"
edgeaictl top 1 3000 > /tmp/top.log 2>&1
sed 1d /tmp/top.log | indent | indent
echo "  edgeaictl status:"
edgeaictl status 2>&1 | indent | indent
echo "  systemctl status edgeaid:"
systemctl --no-pager status edgeaid 2>&1 | grep 'Status:' | indent
# shellcheck disable=SC2154
wait "$pid_camera"; rc_c=$?
# shellcheck disable=SC2154
wait "$pid_doorbell"; rc_d=$?
for app in camera doorbell; do
	echo "  demo-$app: $(sed -n 's/^.*: \([0-9]* runs\).*/\1/p' /tmp/$app.out), median $(sed -n 's/.*median \([0-9.]*\).*/\1/p' /tmp/$app.out) ms, $(sed -n 's/^throughput: //p' /tmp/$app.out) (TCG)"
	[ -s /tmp/$app.err ] && tail -n 3 /tmp/$app.err | indent
	cat /tmp/$app.run /tmp/$app.out /tmp/$app.err > /tmp/$app.log 2> /dev/null
	send /tmp/$app.log bench-$app.log
done
if [ $rc_c -ne 0 ] || [ $rc_d -ne 0 ]; then
	echo "  a bench run failed (camera $rc_c, doorbell $rc_d)"
	rc=1
fi
awk '$6 == "camera" || $6 == "doorbell" { u += $NF; ms += $(NF - 1) }
	END { printf "  together they kept the NPU busy %.1f %% of the time (%.1f ms of device time so far): the model\n", u, ms
	      print "  spends its time in compiling and in the emulated (TCG) host, so the two never wait for each other and the weights"
	      print "  have nothing to decide; the next step makes them compete" }' /tmp/top.log

step "the weights at work: the same two units load NPU core 0, 4 jobs in flight each (tests/e2e/edgeai-load.c)"
npu=$(for a in /sys/class/accel/accel*; do [ "$(cat "$a/device/device_type")" = npu ] && basename "$a"; done | head -n 1)
nbus=$(basename "$(readlink -f "/sys/class/accel/$npu/device")")
echo 1 > "/sys/kernel/debug/accel/$nbus/compute_off"
start=$(($(date +%s%3N) + 3000))
for app in camera doorbell; do
	systemd-run --quiet --unit=demo-$app --collect --wait -p StandardOutput=file:/tmp/$app-load.out \
		/usr/local/bin/edgeai-load npu $start 5000 > /dev/null 2>&1 &
	eval "pid_$app=\$!"
done
poll 10 sh -c '[ "$(edgeaictl clients | grep -c " edgeai-load ")" -ge 2 ]'
sleep 1
echo "  edgeaictl top 1 1500:"
edgeaictl top 1 1500 2>&1 | sed 1d | indent | indent
wait "$pid_camera"; rc_c=$?
wait "$pid_doorbell"; rc_d=$?
echo 0 > "/sys/kernel/debug/accel/$nbus/compute_off"
c=$(sed -n 's/^engine_ns=//p' /tmp/camera-load.out) b=$(sed -n 's/^engine_ns=//p' /tmp/doorbell-load.out)
if [ $rc_c -eq 0 ] && [ $rc_d -eq 0 ] && [ -n "$c" ] && [ -n "$b" ]; then
	awk -v c="$c" -v b="$b" 'BEGIN { printf "  NPU time in a 5 s window: camera %.0f ms, doorbell %.0f ms: camera share %.3f (300:100 entitles 0.750)\n", c / 1e6, b / 1e6, c / (c + b) }'
else
	echo "  the load failed: camera $(cat /tmp/camera-load.out), doorbell $(cat /tmp/doorbell-load.out)"
	rc=1
fi

step "edgeaid after the run"
systemctl --no-pager status edgeaid 2>&1 | grep -E 'Active:|Status:' | indent
journalctl -b --no-pager -o short-monotonic > /tmp/journal.log 2>&1
send /tmp/journal.log journal.log
echo "# edgeai-vm: exit demo $rc"
echo "edgeai-vm: end of tests"
sync
systemctl poweroff --force --force
