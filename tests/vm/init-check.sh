#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the "vm" lane guest: load the modules, run every kselftest
# program, then the steps that change the device set (unplug, module
# unload, firmware failures), and power off. Results go to ttyS1.
. /lib/edgeai-vm.sh
. /lib/edgeai-lib-run.sh
vm_guest_setup

KO=/lib/modules/edgeai.ko
PARAMS=$(cat /etc/edgeai-params 2>/dev/null)

wait_nodes() { # N: wait until /dev/accel has N nodes
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -ne "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(ls /dev/accel 2>/dev/null | wc -l)" -eq "$1" ]
}

load_modules() {
	vm_tap_plan 4
	vm_load_deps
	vm_tap $? "insmod the packaged dependency modules ($(wc -l < /lib/modules/load-order) modules)"
	_out=$(insmod $KO $PARAMS 2>&1)
	vm_tap $? "insmod edgeai.ko $PARAMS" "$_out"
	wait_nodes 2
	vm_tap $? "/dev/accel/accel0 and accel1 appear" "$(ls -l /dev/accel 2>&1)"
	test -c /dev/udmabuf && ls /dev/dri/card* > /dev/null 2>&1
	vm_tap $? "/dev/udmabuf and the vgem node exist" "$(ls -l /dev/udmabuf /dev/dri 2>&1)"
	vm_tap_done
}

# Module unload and firmware failure handling, after the kselftests.
module_steps() {
	vm_tap_plan 9
	exec 4< /dev/accel/accel0
	rmmod edgeai 2> /dev/null
	[ $? -ne 0 ]
	vm_tap $? "rmmod is refused while a client holds an fd"
	exec 4<&-
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai after the last fd closed" "$_out"
	! grep -q '^edgeai ' /proc/modules && [ ! -e /dev/accel/accel0 ]
	vm_tap $? "module and device nodes are gone" "$(ls -l /dev/accel 2>&1)"

	# A missing NPU image fails the NPU's probe only, with a clear line.
	dmesg -c > /dev/null
	_out=$(insmod $KO npu_firmware=edgeai/missing.bin 2>&1)
	vm_tap $? "insmod with a missing NPU image" "$_out"
	wait_nodes 1
	vm_tap $? "only the DSP appears" "$(ls -l /dev/accel 2>&1)"
	_msg=$(dmesg | grep -i 'edgeai' | grep -i 'missing.bin')
	[ -n "$_msg" ]
	vm_tap $? "dev_err names the missing image" "$(dmesg | tail -n 20)"
	echo "$_msg" | sed 's/^/# /'
	rmmod edgeai
	vm_tap $? "rmmod after a failed probe"

	# A corrupt image (one flipped byte at the end: checksum) likewise.
	cp /lib/firmware/edgeai/npu.bin /lib/firmware/edgeai/corrupt.bin
	_size=$(wc -c < /lib/firmware/edgeai/corrupt.bin)
	_b=$(dd if=/lib/firmware/edgeai/corrupt.bin bs=1 skip=$((_size - 1)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "\\$(printf '%03o' $(((_b + 1) % 256)))" |
		dd of=/lib/firmware/edgeai/corrupt.bin bs=1 seek=$((_size - 1)) conv=notrunc 2>/dev/null
	dmesg -c > /dev/null
	insmod $KO npu_firmware=edgeai/corrupt.bin && wait_nodes 1
	vm_tap $? "a corrupt NPU image fails only the NPU's probe" "$(ls -l /dev/accel 2>&1; dmesg | tail -n 20)"
	dmesg | grep -i edgeai | sed 's/^/# /'
	rmmod edgeai && insmod $KO $PARAMS && wait_nodes 2 && rmmod edgeai
	vm_tap $? "reload with good images, unload again"
	vm_tap_done
}

# modprobe, not insmod: the module DKMS built (tests/vm/dkms.sh) where DKMS
# installs it, indexed by kmod's depmod; MODULE_SOFTDEP must bring the
# devfreq governor along, and every device must get its operating points.
modprobe_steps() {
	vm_tap_plan 9
	_kv=$(uname -r)
	_md=/lib/modules/$_kv
	mkdir -p "$_md/updates/dkms" && cp /lib/modules/edgeai-dkms.ko "$_md/updates/dkms/edgeai.ko" &&
		_out=$(depmod -a "$_kv" 2>&1)
	vm_tap $? "depmod -a with edgeai.ko in updates/dkms" "$_out"
	# DKMS signs what it builds (kernel/edgeai.ko is unsigned): the
	# signature's trailer ends the file
	_out=$(modinfo -n edgeai 2>&1)
	[ "$_out" = "$_md/updates/dkms/edgeai.ko" ] &&
		tail -c 28 "$_out" | grep -q '~Module signature appended~'
	vm_tap $? "modprobe resolves edgeai to updates/dkms/edgeai.ko, signed by DKMS" "$_out"
	_out=$(modinfo -F softdep edgeai 2>&1)
	[ "$_out" = "pre: governor_simpleondemand" ]
	vm_tap $? "modinfo: softdep pre: governor_simpleondemand" "$_out"
	# a clean slate: no edgeai, no governor
	rmmod governor_simpleondemand 2> /dev/null
	! grep -q -e '^edgeai ' -e '^governor_simpleondemand ' /proc/modules
	vm_tap $? "neither edgeai nor governor_simpleondemand is loaded" "$(cat /proc/modules)"
	dmesg -c > /dev/null
	_out=$(modprobe edgeai $PARAMS 2>&1)
	vm_tap $? "modprobe edgeai $PARAMS" "$_out"
	grep -q '^governor_simpleondemand ' /proc/modules
	vm_tap $? "modprobe loaded governor_simpleondemand first (soft dependency)" "$(cat /proc/modules)"
	wait_nodes 2
	vm_tap $? "two accel nodes" "$(ls -l /dev/accel 2>&1)"
	_bad=0 _diag=
	for _n in /sys/class/accel/accel*; do
		_bus=$(basename "$(readlink -f "$_n/device")")
		_df=/sys/class/devfreq/$_bus
		_f=$(cat "$_df/available_frequencies" 2>&1)
		_g=$(cat "$_df/governor" 2>&1)
		_diag="$_diag$(basename "$_n") $_bus: governor $_g, available_frequencies $_f
"
		[ "$_g" = simple_ondemand ] && [ "$(echo "$_f" | wc -w)" -ge 2 ] || _bad=1
	done
	printf '%s' "$_diag" | sed 's/^/# /'
	! dmesg | grep -q 'no devfreq' && [ $_bad -eq 0 ]
	vm_tap $? "every device has devfreq with simple_ondemand and its operating points" \
		"$_diag$(dmesg | grep -i devfreq)"
	_out=$(rmmod edgeai 2>&1) && ! grep -q '^edgeai ' /proc/modules
	vm_tap $? "rmmod edgeai" "$_out"
	vm_tap_done
}

vm_program load-modules load_modules
for t in device bo submit job uring prime reset coredump pm thermal sched program preempt batch golden; do
	vm_program edgeai_${t}_test /usr/bin/edgeai_${t}_test
done
# The uAPI fuzzer (tests/fuzz/uapi): every saved input, then a short
# seeded run (no KCOV on this kernel); the console's splat scan judges too.
read -r FUZZ_SECS FUZZ_SEED SOAK_SECS < /etc/edgeai-fuzz
vm_program fuzz-replay /usr/bin/edgeai-uapi-fuzz --replay /lib/edgeai-fuzz/regress/*.txt
vm_program fuzz /usr/bin/edgeai-uapi-fuzz --seconds "$FUZZ_SECS" --seed "$FUZZ_SEED"
# libedgeai through the driver: edgeaictl run on the devices vs the oracle
vm_program lib-golden lib_golden /lib/edgeai-golden
vm_program lib-models lib_models /lib/edgeai-models
# the TFLite delegate under TensorFlow Lite's own C library, on the devices
vm_program tflite-golden lib_tflite /lib/edgeai-tflite/golden.txt device=auto
vm_program tflite-models lib_tflite /lib/edgeai-tflite/models.txt device=auto device=npu device=dsp
vm_program lib-example lib_example
# libedgeai's device tests (tests/host/libedgeai/runtime/test-device.c)
vm_program lib-device env ASAN_OPTIONS=detect_leaks=1 /usr/bin/test-libedgeai-device
# The soak, short (tests/soak; make soak runs it for minutes): clients,
# injected failures and hangs, an unbind/bind of the NPU.
vm_program soak /usr/bin/edgeai-soak --seconds "$SOAK_SECS"
# the fail-nth walks skip here (no fault injection in Debian's kernel;
# make check-debug runs them)
vm_program edgeai_failnth_test /usr/bin/edgeai_failnth_test
vm_program edgeai_failnth_probe_test /usr/bin/edgeai_failnth_probe_test
vm_program edgeai_unplug_test /usr/bin/edgeai_unplug_test
vm_program module-unload module_steps
vm_program modprobe-dkms modprobe_steps
vm_end
