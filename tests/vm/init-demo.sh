#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the `make demo` guest: load the module, show the devices and
# run jobs through io_uring, saying what happens at each step.
. /lib/edgeai-vm.sh
vm_guest_setup

say() { vm_out ""; vm_out ">>> $*"; }
run() { vm_out "\$ $*"; "$@" >&3 2>&3; }

demo() {
	say "loading the DRM modules edgeai.ko depends on (drm, gpu-sched, drm_shmem_helper)"
	vm_load_deps
	say "loading edgeai.ko: with no device-tree node it creates one simulated NPU and one DSP"
	run insmod /lib/modules/edgeai.ko
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		[ -e /dev/accel/accel1 ] && break
		sleep 0.2
	done
	run sh -c "dmesg | grep -i edgeai"

	say "the device nodes"
	run ls -l /dev/accel

	for _d in /sys/class/accel/accel*; do
		say "sysfs attributes of $(basename "$_d") ($(basename "$(readlink "$_d/device")"))"
		for _a in device_type core_count fw_version; do
			[ -r "$_d/device/$_a" ] && vm_out "$_a: $(cat "$_d/device/$_a")"
		done
	done

	if [ -x /usr/bin/edgeaictl ]; then
		say "edgeaictl status"
		run edgeaictl status
		say "edgeaictl selftest: a job on each device by ioctl and by io_uring"
		run edgeaictl selftest
	fi
	say "edgeai-demo: a job through io_uring on each device, step by step"
	run edgeai-demo /dev/accel/accel0 /dev/accel/accel1

	say "per-client accounting in fdinfo while a client holds the NPU open"
	exec 4< /dev/accel/accel0
	run cat /proc/$$/fdinfo/4
	exec 4<&-

	say "unloading the module"
	run rmmod edgeai && vm_out "edgeai unloaded; /dev/accel: $(ls /dev/accel 2>/dev/null | wc -l) nodes"
}

vm_program demo demo
vm_end
