#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the submit-overhead guest (tests/bench/bench-submit.sh): load
# the modules, run edgeai-submit-bench and print its JSON object as
# "bench submit {...}" on the results port.
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
insmod /lib/modules/edgeai.ko
sleep 1
_j=$(/usr/bin/edgeai-submit-bench "${SUBMIT_ROUNDS:-40}" "${SUBMIT_JOBS:-100}" 2>&1)
_rc=$?
[ $_rc -eq 0 ] || _j="exit $_rc: $_j"
vm_out "bench submit $_j"
vm_end
