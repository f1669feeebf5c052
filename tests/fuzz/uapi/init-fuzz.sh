#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the `make fuzz` guest (tests/fuzz/uapi/run.sh): load edgeai.ko,
# replay the saved regression inputs, fuzz for /etc/edgeai-fuzz (seconds
# and seed), unload. Results go to ttyS1.
. /lib/edgeai-vm.sh
vm_guest_setup

read -r SECONDS_ SEED < /etc/edgeai-fuzz
vm_program load-modules vm_load_edgeai
vm_program fuzz-replay /usr/bin/edgeai-uapi-fuzz --replay /lib/edgeai-fuzz/regress/*.txt
vm_program fuzz /usr/bin/edgeai-uapi-fuzz --seconds "$SECONDS_" --seed "$SEED" \
	--findings /tmp --dump-pcs
vm_program rmmod vm_rmmod_edgeai
vm_end
