#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the batching host-CPU guest (tests/bench/bench-batch-cpu.sh):
# the devices in compute-off mode and the NPU clock pinned, as in
# init-batch.sh; for each model in /lib/edgeai-models, rounds of
# `edgeaictl bench --concurrency CONC`, each a process of its own between
# two marks on the results port ("mark start|end TAG"), at which the host
# reads QEMU's own CPU time:
#   off1  RUNS runs, batching off
#   off3  3 * RUNS runs, batching off
#   both  --batch: RUNS runs off and RUNS on (and its warm-up runs in
#         both modes)
# in the order off1 off3 both both off3 off1, BATCH_CPU_ROUNDS times.
# Each bench's JSON ("bench cpu MODEL TAG ROUND {json}") and the guest's
# /proc/stat around it ("bench stat MODEL TAG ROUND BEFORE | AFTER").
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
vm_insmod_edgeai
export EDGEAI_CACHE_DIR=/tmp/cache
read -r CONC RUNS WAIT_US MAX ROUNDS WARM < /etc/edgeai-bench-batch-cpu
npu=
for _n in /sys/class/accel/accel*; do
	[ "$(cat "$_n/device/device_type" 2>/dev/null)" = npu ] && npu=$_n/device && break
done
for _f in /sys/kernel/debug/accel/*/compute_off; do
	echo 1 > "$_f"
done
_df=/sys/class/devfreq/$(basename "$(readlink -f "$npu")")
echo "${FREQ_HZ:-600000000}" > "$_df/max_freq" 2>/dev/null
echo "${FREQ_HZ:-600000000}" > "$_df/min_freq" 2>/dev/null
echo "${FREQ_HZ:-600000000}" > "$_df/max_freq" 2>/dev/null

# MODEL TAG ROUND ARGS...: one bench between two marks. The pause before
# the first mark lets the host's reader catch up with an idle guest.
one() {
	_m=$1 _tag=$2 _r=$3
	shift 3
	sleep 0.3
	vm_out "mark start $_m $_tag $_r"
	_s0=$(head -n 1 /proc/stat)
	edgeaictl -q bench "/lib/edgeai-models/$_m/model.tflite" -d npu --json \
		--concurrency "$CONC" -w "$WARM" "$@" > /tmp/bench.out 2>&1
	_rc=$?
	_s1=$(head -n 1 /proc/stat)
	vm_out "mark end $_m $_tag $_r"
	_j=$(tr '\n' ' ' < /tmp/bench.out)
	[ $_rc -eq 0 ] || _j="exit $_rc: $_j"
	vm_out "bench stat $_m $_tag $_r $_s0 | $_s1"
	vm_out "bench cpu $_m $_tag $_r $_j"
}
while read -r _m; do
	# Compile once: every bench after reads the cache.
	edgeaictl -q bench "/lib/edgeai-models/$_m/model.tflite" -d npu -n 2 -w 1 > /dev/null 2>&1
	_r=0
	while [ $_r -lt "$ROUNDS" ]; do
		one "$_m" off1 "$_r" -n "$RUNS"
		one "$_m" off3 "$_r" -n $((RUNS * 3))
		one "$_m" both "$_r" -n $((RUNS * 2)) --batch "$MAX" --batch-wait-us "$WAIT_US"
		one "$_m" both "$_r" -n $((RUNS * 2)) --batch "$MAX" --batch-wait-us "$WAIT_US"
		one "$_m" off3 "$_r" -n $((RUNS * 3))
		one "$_m" off1 "$_r" -n "$RUNS"
		_r=$((_r + 1))
	done
done < /lib/edgeai-models/models.txt
vm_end
