#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the kernel benchmark guest (tests/bench/bench-kernel.sh): load
# the modules, run each edgeai-bench measurement and print its JSON object
# as "bench NAME {...}" on the results port.
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
insmod /lib/modules/edgeai.ko
sleep 1
run() { # NAME ARGS...
	_n=$1; shift
	_j=$(/usr/bin/edgeai-bench "$@" 2>&1)
	vm_out "bench $_n $_j"
}
run fairness share 100 100 100 100 ${BENCH_SECS:-5}
run weighted share 300 100 ${BENCH_SECS:-5}
run isolation iso ${BENCH_SECS:-5}
run thermal thermal 30
run power power 60
vm_end
