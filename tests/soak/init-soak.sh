#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the `make soak` guest (tests/soak/run.sh): load edgeai.ko, run
# edgeai-soak with the arguments in /etc/edgeai-soak, unload. Results go
# to ttyS1.
. /lib/edgeai-vm.sh
vm_guest_setup

read -r ARGS < /etc/edgeai-soak
vm_program load-modules vm_load_edgeai
# shellcheck disable=SC2086
vm_program soak /usr/bin/edgeai-soak $ARGS
vm_program rmmod vm_rmmod_edgeai
vm_end
