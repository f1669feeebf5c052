#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the `make fuzz` guest (tests/fuzz/uapi/run.sh): load edgeai.ko,
# replay the saved regression inputs, fuzz for /etc/edgeai-fuzz (seconds
# and seed), unload. Results go to ttyS1.
. /lib/edgeai-vm.sh
vm_guest_setup

load_modules() {
	vm_tap_plan 2
	vm_load_deps
	vm_tap $? "insmod the dependency modules"
	_out=$(insmod /lib/modules/edgeai.ko 2>&1)
	vm_tap $? "insmod edgeai.ko" "$_out"
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -lt 2 ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	vm_tap_done
}

read -r SECONDS_ SEED < /etc/edgeai-fuzz
vm_program load-modules load_modules
vm_program fuzz-replay /usr/bin/edgeai-uapi-fuzz --replay /lib/edgeai-fuzz/regress/*.txt
vm_program fuzz /usr/bin/edgeai-uapi-fuzz --seconds "$SECONDS_" --seed "$SEED" \
	--findings /tmp --dump-pcs
vm_program rmmod sh -c 'echo "1..1"; rmmod edgeai && echo "ok 1 rmmod edgeai" || echo "not ok 1 rmmod edgeai"'
vm_end
