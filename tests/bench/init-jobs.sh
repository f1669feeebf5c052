#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the jobs-per-inference guest (tests/bench/bench-jobs.sh): for
# each NPU image (the op set before issue 14, then the current one), load
# edgeai.ko with it, run every int8 model once with --device auto and
# print "bench jobs IMAGE MODEL JOBS RESULT OPS" on the results port: the
# device jobs of that one inference (sysfs jobs_completed, summed over the
# devices), whether the outputs equal the oracle's, and where the ops ran.
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps

jobs_now() {
	sysfs_sum jobs_completed
}
sysfs_sum() { # ATTR: its sum over the accel devices
	_s=0
	for _f in /sys/class/accel/accel*/device/"$1"; do
		[ -r "$_f" ] && _s=$((_s + $(cat "$_f")))
	done
	echo $_s
}

for _img in opset-before:edgeai/npu-opset-before.bin current:edgeai/npu.bin; do
	_name=${_img%%:*}
	vm_insmod_edgeai npu_firmware="${_img#*:}"
	while read -r _m; do
		_d=/lib/edgeai-models/$_m
		rm -rf /tmp/out
		_j0=$(jobs_now)
		_r0=$(sysfs_sum reset_count)
		# shellcheck disable=SC2046 # one word per --input and file
		EDGEAI_CACHE_DIR=/tmp/cache-$_name edgeaictl run "$_d/model.tflite" \
			$(vm_inputs "$_d") --output-dir /tmp/out --device auto --verbose \
			> /tmp/run.log 2>&1
		_rc=$?
		_jobs=$(($(jobs_now) - _j0))
		_resets=$(($(sysfs_sum reset_count) - _r0))
		cat /tmp/out/output*.bin > /tmp/out.all 2> /dev/null
		if [ $_rc -ne 0 ]; then
			_res=failed
		elif cmp -s /tmp/out.all "$_d/oracle.bin"; then
			_res=equal
		else
			_res=differ
		fi
		_ops=$(sed -n 's/^  op *[0-9]* [A-Z_0-9]* *\(cpu\|npu\|dsp\) .*/\1/p' /tmp/run.log |
			sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? "," : ""), $2, $1}')
		vm_out "bench jobs $_name $_m $_jobs $_res ${_ops:-none} $_resets"
	done < /lib/edgeai-models/models.txt
	rmmod edgeai
done
vm_end
