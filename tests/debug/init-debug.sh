#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the "debug" lane guest (tests/debug/run.sh): the vm lane's
# programs (tests/vm/init-check.sh) on the debug kernel, the fail-nth walk
# (edgeai_failnth_test), then edgeai.ko's unload and a kmemleak scan.
# Results go to ttyS1.
. /lib/edgeai-vm.sh
. /lib/edgeai-lib-run.sh
vm_guest_setup

KO=/lib/modules/edgeai.ko
PARAMS=$(cat /etc/edgeai-params 2>/dev/null)
LEAKS=/sys/kernel/debug/kmemleak

wait_nodes() { # N: wait until /dev/accel has N nodes
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -ne "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(ls /dev/accel 2>/dev/null | wc -l)" -eq "$1" ]
}

load_modules() {
	vm_tap_plan 5
	test -w $LEAKS
	vm_tap $? "kmemleak is on ($LEAKS)"
	# (edgeai_failnth_test skips without it; this lane's kernel has it)
	test -w /proc/thread-self/fail-nth && test -d /sys/kernel/debug/failslab
	vm_tap $? "fault injection is on (fail-nth, failslab)"
	# What boot left behind is not ours: report only what follows.
	echo scan > $LEAKS 2>/dev/null
	echo clear > $LEAKS 2>/dev/null
	vm_load_deps
	vm_tap $? "insmod the dependency modules ($(wc -l < /lib/modules/load-order) modules)"
	_out=$(insmod $KO $PARAMS 2>&1)
	vm_tap $? "insmod edgeai.ko $PARAMS" "$_out"
	wait_nodes 2
	vm_tap $? "/dev/accel/accel0 and accel1 appear" "$(ls -l /dev/accel 2>&1)"
	vm_tap_done
}

# Unload, then two scans (kmemleak reports an object only once it stayed
# unreferenced for 5 s and across a scan).
leak_scan() {
	vm_tap_plan 2
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai" "$_out"
	sleep 6
	# A kernel without kmemleak must fail here, not pass with nothing read.
	_leaks=$( { echo scan > $LEAKS && sleep 1 && echo scan > $LEAKS &&
		    cat $LEAKS; } 2>&1) && [ -z "$_leaks" ]
	vm_tap $? "kmemleak: no suspected leak after the tests and the unload" \
		"$(echo "$_leaks" | head -n 80)"
	vm_tap_done
}

vm_program load-modules load_modules
# failnth: the fail-nth walk of every ioctl (skips without fault injection)
for t in device bo submit job uring prime reset coredump pm thermal sched program preempt batch golden failnth; do
	vm_program edgeai_${t}_test /usr/bin/edgeai_${t}_test
done
vm_program lib-golden lib_golden /lib/edgeai-golden
vm_program lib-models lib_models /lib/edgeai-models
# The uAPI fuzzer, coverage-guided here (KCOV; edgeai.ko built with
# KCOV_INSTRUMENT): the saved inputs, then DEBUG_FUZZ_SECONDS of fuzzing;
# the soak with faults and unbind/bind under KASAN and lockdep.
read -r FUZZ_SECS FUZZ_SEED SOAK_SECS < /etc/edgeai-fuzz
vm_program fuzz-replay /usr/bin/edgeai-uapi-fuzz --replay /lib/edgeai-fuzz/regress/*.txt
vm_program fuzz /usr/bin/edgeai-uapi-fuzz --seconds "$FUZZ_SECS" --seed "$FUZZ_SEED"
vm_program soak /usr/bin/edgeai-soak --seconds "$SOAK_SECS"
# remove and probe (with the firmware load) under fail-nth: changes the
# NPU's minor, so after the tests that keep one
vm_program edgeai_failnth_probe_test /usr/bin/edgeai_failnth_probe_test
vm_program edgeai_unplug_test /usr/bin/edgeai_unplug_test
vm_program kmemleak leak_scan
vm_end
