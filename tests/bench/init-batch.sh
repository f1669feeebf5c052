#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the batching guest (tests/bench/bench-batch.sh): load the
# modules, put the devices in compute-off mode (jobs take their modelled
# device time; the host does not execute them), and for each model in
# /lib/edgeai-models run `edgeaictl bench` with 8 threads on the NPU,
# batching off and on in rounds off, on, on, off. Prints, per model,
# "bench batch MODEL {json}" with the sysfs counters of the NPU around
# the run ("bench batch-sysfs MODE MODEL jobs_completed batched_jobs
# batches busy_time_us", before and after).
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
vm_insmod_edgeai
export EDGEAI_CACHE_DIR=/tmp/cache
read -r CONC RUNS WAIT_US MAX < /etc/edgeai-bench-batch
npu=
for _n in /sys/class/accel/accel*; do
	[ "$(cat "$_n/device/device_type" 2>/dev/null)" = npu ] && npu=$_n/device && break
done
counters() {
	echo "$(cat "$npu/jobs_completed") $(cat "$npu/batched_jobs") $(cat "$npu/busy_time_us")"
}
# PID: what a bench that stopped making progress is doing, on the results
# port: each thread's state, CPU ticks (twice, 5 s apart: a thread whose
# ticks grow spins) and kernel stack; the devices' jobs and cores.
stall_report() {
	for _pass in 1 2; do
		for _d in /proc/$1/task/*; do
			read -r _tid _comm _st _r _r _r _r _r _r _r _r _r _r _ut _kt _r < "$_d/stat"
			vm_out "# stall: pass $_pass thread $_tid $_comm state $_st utime $_ut stime $_kt wchan $(cat "$_d/wchan" 2>/dev/null)"
			[ $_pass -eq 2 ] && sed 's/^/# stall:   /' "$_d/stack" 2>/dev/null | while read -r _l; do vm_out "$_l"; done
		done
		[ $_pass -eq 1 ] && sleep 5
	done
	for _f in /sys/kernel/debug/accel/*/jobs /sys/kernel/debug/accel/*/cores; do
		vm_out "# stall: $_f"
		sed 's/^/# stall:   /' "$_f" 2>/dev/null | head -n 40 | while read -r _l; do vm_out "$_l"; done
	done
}

# MODE MODEL: one bench, its JSON on the results port. A bench that runs
# past BATCH_STALL_S seconds (default 240; it takes well under a minute)
# is reported (stall_report) and killed.
run() {
	_mode=$1 _m=$2
	_c0=$(counters)
	edgeaictl -q bench "/lib/edgeai-models/$_m/model.tflite" -d npu --json \
		--concurrency "$CONC" --batch "$MAX" --batch-wait-us "$WAIT_US" \
		-n "$RUNS" -w 16 > /tmp/bench.out 2>&1 &
	_pid=$! _t=0
	while kill -0 $_pid 2> /dev/null; do
		sleep 1
		_t=$((_t + 1))
		if [ $_t -eq "${BATCH_STALL_S:-240}" ]; then
			vm_out "# stall: edgeaictl bench of $_m still runs after ${_t} s"
			stall_report $_pid
			kill -9 $_pid
		fi
	done
	wait $_pid
	_rc=$?
	_j=$(cat /tmp/bench.out)
	_c1=$(counters)
	[ $_rc -eq 0 ] || _j="exit $_rc: $_j"
	vm_out "bench batch-sysfs $_mode $_m $_c0 $_c1"
	vm_out "bench batch $_mode $_m $(echo "$_j" | tr '\n' ' ')"
}
for _f in /sys/kernel/debug/accel/*/compute_off; do
	echo 1 > "$_f"
done
# The clock pinned (devfreq would follow the load, which differs between
# the modes, and change the device time of every job): 600 MHz, where the
# thermal model stays below its passive trip even when always busy.
_df=/sys/class/devfreq/$(basename "$(readlink -f "$npu")")
echo "${FREQ_HZ:-600000000}" > "$_df/max_freq" 2>/dev/null
echo "${FREQ_HZ:-600000000}" > "$_df/min_freq" 2>/dev/null
echo "${FREQ_HZ:-600000000}" > "$_df/max_freq" 2>/dev/null
vm_out "# npu clock: $(cat "$_df/cur_freq" 2>&1) Hz (min $(cat "$_df/min_freq" 2>&1), max $(cat "$_df/max_freq" 2>&1))"
# MODEL: the same load from CONC processes of one thread each (the
# programs they create are one object in the driver, uAPI 1.7, so a batch
# can only be of jobs of several processes), each with its JSON on the
# results port ("bench batch-proc MODEL I {json}"), and the NPU's sysfs
# counters around them.
run_procs() {
	_m=$1
	_c0=$(counters)
	_i=0 _pids=
	while [ $_i -lt "$CONC" ]; do
		edgeaictl -q bench "/lib/edgeai-models/$_m/model.tflite" -d npu --json \
			--concurrency 1 --batch "$MAX" --batch-wait-us "$WAIT_US" \
			-n $((RUNS / CONC)) -w 2 > "/tmp/proc$_i.out" 2>&1 &
		_pids="$_pids $!"
		_i=$((_i + 1))
	done
	_rc=0
	for _p in $_pids; do
		wait "$_p" || _rc=1
	done
	_c1=$(counters)
	vm_out "bench batch-sysfs processes $_m $_c0 $_c1"
	_i=0
	while [ $_i -lt "$CONC" ]; do
		vm_out "bench batch-proc $_m $_i $(tr '\n' ' ' < "/tmp/proc$_i.out")"
		_i=$((_i + 1))
	done
	return $_rc
}
while read -r _m; do
	run compute-off "$_m"
	run_procs "$_m"
done < /lib/edgeai-models/models.txt
vm_end
