#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the preemption guest (tests/bench/bench-preempt.sh): load the
# modules, run edgeai-preempt-bench and print its JSON object as
# "bench preempt {...}" on the results port.
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
insmod /lib/modules/edgeai.ko
sleep 1
_j=$(/usr/bin/edgeai-preempt-bench "${PREEMPT_SAMPLES:-2400}" 2>&1)
_rc=$?
[ $_rc -eq 0 ] || _j="exit $_rc: $_j"
vm_out "bench preempt $_j"
vm_end
