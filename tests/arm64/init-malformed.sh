#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the arm64 board booted with tests/arm64/edgeai-board-bad.dtsi:
# the good NPU and DSP plus three malformed NPU nodes. Each malformed node
# must fail its own probe with one dev_err line saying what is wrong; the
# good devices must probe as on the good board, and the module unloads.
VM_RESULTS_PORT=/dev/hvc0
. /lib/edgeai-vm.sh
. /lib/edgeai-board.sh
vm_guest_setup

# Device, and what its one error line must say.
BAD='9120000.npu missing firmware-name
9130000.npu operating-points-v2 table /opp-table-empty has no operating points
9140000.npu cooling states <0 7> of /npu@9140000 are not within 0..3'
GOOD='9100000.npu
9110000.dsp'

malformed_steps() {
	vm_tap_plan 10
	vm_load_deps
	vm_tap $? "insmod the dependency modules"
	_out=$(insmod $KO 2>&1)
	vm_tap $? "insmod edgeai.ko: the module loads although three nodes are malformed" "$_out"
	wait_nodes 2
	vm_tap $? "the two good devices get their /dev/accel nodes" "$(ls -l /dev/accel 2>&1)"
	_r=0
	for _dev in $GOOD; do
		[ -e "$DRV/$_dev" ] || _r=1
	done
	vm_tap $_r "the good NPU and DSP are bound" "$(ls $DRV 2>&1)"
	while read -r _dev _msg; do
		# The driver core adds its generic "probe with driver edgeai
		# failed" line; the driver's own must be exactly one.
		_lines=$(dmesg | grep "edgeai $_dev: " | grep -v 'probe with driver edgeai failed')
		[ ! -e "$DRV/$_dev" ] && [ "$(echo "$_lines" | grep -c .)" -eq 1 ] &&
			echo "$_lines" | grep -qF "$_msg"
		vm_tap $? "$_dev fails its probe with one dev_err: $_msg" \
			"$(dmesg | grep edgeai)"
		echo "$_lines" | sed 's/^/# /'
	done <<-EOF
	$BAD
	EOF
	! ls /sys/bus/platform/devices | grep -q '^edgeai-'
	vm_tap $? "no simulated devices" "$(ls /sys/bus/platform/devices | grep edgeai)"
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai" "$_out"
	! grep -q '^edgeai ' /proc/modules && [ -z "$(ls /dev/accel 2>/dev/null)" ]
	vm_tap $? "the module and its device nodes are gone"
	vm_tap_done
}

vm_program board-malformed malformed_steps
vm_end
