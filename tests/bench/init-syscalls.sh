#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the syscalls-per-inference guest (tests/bench/bench-syscalls.sh).
# The devices run in compute-off mode (jobs take their modelled time, the
# host does not execute them), so what differs between the two ways into
# the kernel is the library's own cost. For each model, with io_uring
# (the default) and with the ioctl path (EDGEAI_NO_URING=1):
#   - syscount runs `edgeaictl bench` with 5 and with 25 timed runs: the
#     difference of the counts over 20 is the system calls of one
#     inference, set-up excluded ("bench sys MODEL PATH FILE-OF-COUNTS");
#   - then the runs are timed without ptrace, in rounds ordered
#     uring, ioctl, ioctl, uring ("bench lat MODEL PATH ROUND MEDIAN_MS"),
#     with the median overhead: latency less the device time the kernel
#     reported ("bench ovh MODEL PATH ROUND MEDIAN_MS"), and the same of
#     edgeai_request_run() alone, submit to complete, without setting the
#     inputs and reading the outputs ("bench run MODEL PATH ROUND MEDIAN_MS").
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
vm_insmod_edgeai
for _f in /sys/kernel/debug/accel/*/compute_off; do
	echo 1 > "$_f"
done
export EDGEAI_CACHE_DIR=/tmp/cache

# PATH N [syscount OUT]: edgeaictl bench --device auto by PATH (uring or
# ioctl), N timed runs after 2 warm-up runs
bench() {
	_p=$1 _n=$2
	shift 2
	_v=0
	[ "$_p" = ioctl ] && _v=1
	# shellcheck disable=SC2046 # one word per --input and file
	EDGEAI_NO_URING=$_v "$@" edgeaictl bench "$_d/model.tflite" $(vm_inputs "$_d") \
		--device auto -n "$_n" -w 2 -q
}

while read -r _m; do
	_d=/lib/edgeai-models/$_m
	bench uring 1 > /dev/null 2>&1 # compile once: both counts read the cache
	for _p in uring ioctl; do
		for _n in 5 25; do
			if ! bench $_p $_n syscount "/tmp/sc-$_p-$_n" > /tmp/b.log 2>&1; then
				vm_out "bench fail $_m $_p $(tail -n 1 /tmp/b.log)"
				continue 2
			fi
		done
		vm_out "bench sys $_m $_p 5 $(tr '\n' ';' < /tmp/sc-$_p-5)"
		vm_out "bench sys $_m $_p 25 $(tr '\n' ';' < /tmp/sc-$_p-25)"
	done
	for _r in 1 2 3; do
		for _p in uring ioctl ioctl uring; do
			bench $_p 30 > /tmp/b.log 2>&1
			_med=$(sed -n 's/^latency ms: .*median \([0-9.]*\).*/\1/p' /tmp/b.log)
			_ovh=$(sed -n 's/^overhead ms: median \([0-9.-]*\).*/\1/p' /tmp/b.log)
			_run=$(sed -n 's/^run overhead ms: median \([0-9.-]*\).*/\1/p' /tmp/b.log)
			vm_out "bench lat $_m $_p $_r ${_med:-none}"
			vm_out "bench ovh $_m $_p $_r ${_ovh:-none}"
			vm_out "bench run $_m $_p $_r ${_run:-none}"
		done
	done
done < /lib/edgeai-models/models.txt
rmmod edgeai
vm_end
