# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Guest side of the VM lanes: installed as /lib/edgeai-vm.sh in the
# initramfs and sourced by the /init script.
#
# Results go to ttyS1 (fd 3) so that kernel console noise on ttyS0 never
# mixes with them. The host splits the results into programs by the
# "# edgeai-vm: begin NAME" / "# edgeai-vm: exit NAME RC" lines and judges the
# boot by the end marker (vm_end).

# vm_guest_setup - mount the pseudo filesystems and open the results port,
# $VM_RESULTS_PORT (default /dev/ttyS1).
vm_guest_setup() {
	/bin/busybox --install -s
	export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs tmpfs /tmp
	mount -t debugfs debugfs /sys/kernel/debug
	hostname edgeai-vm
	stty -F "${VM_RESULTS_PORT:-/dev/ttyS1}" raw -echo 115200 2>/dev/null
	exec 3>"${VM_RESULTS_PORT:-/dev/ttyS1}"
	# The console log level stays as booted (loglevel=6 from vm_boot):
	# the host looks for WARN/BUG splats, printed at KERN_WARNING, there.
}

# vm_out TEXT... - one line to the results port.
vm_out() {
	echo "$*" >&3
}

# vm_load_deps - insmod the packaged dependency modules in load order.
vm_load_deps() {
	_rc=0
	while read -r _ko; do
		[ -n "$_ko" ] || continue
		if ! _err=$(insmod "$_ko" 2>&1); then
			vm_out "# insmod $_ko failed: $_err"
			_rc=1
		fi
	done < /lib/modules/load-order
	return $_rc
}

# vm_insmod_edgeai [PARAM=VALUE...] - insmod /lib/modules/edgeai.ko with
# the module parameters given, then wait up to 5 s for the two accel
# nodes. insmod's status; its messages on stdout/stderr.
# shellcheck disable=SC2120 # init-jobs.sh passes parameters
vm_insmod_edgeai() {
	insmod /lib/modules/edgeai.ko "$@" || return
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -lt 2 ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# vm_load_edgeai - TAP for vm_program: insmod the dependency modules and
# edgeai.ko (vm_insmod_edgeai).
vm_load_edgeai() {
	vm_tap_plan 2
	vm_load_deps
	vm_tap $? "insmod the dependency modules"
	_out=$(vm_insmod_edgeai 2>&1)
	vm_tap $? "insmod edgeai.ko" "$_out"
	vm_tap_done
}

# vm_rmmod_edgeai - TAP for vm_program: rmmod edgeai.
vm_rmmod_edgeai() {
	vm_tap_plan 1
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai" "$_out"
	vm_tap_done
}

# vm_inputs MODELDIR - edgeaictl's --input options for the model's inputs
# (MODELDIR/in0.bin, in1.bin, ... as tests/vm/model-cases.sh writes them).
vm_inputs() {
	_k=0
	while [ -f "$1/in$_k.bin" ]; do
		printf ' --input %s' "$1/in$_k.bin"
		_k=$((_k + 1))
	done
}

# vm_program NAME CMD... - run one test program with its output on the
# results port, framed for the host. With /etc/edgeai-programs not blank
# (VM_PROGRAMS on the host: names or shell patterns, blank-separated),
# a program whose name matches none of them is left out (a comment line).
vm_program() {
	_name=$1; shift
	if grep -q '[^[:space:]]' /etc/edgeai-programs 2> /dev/null; then
		_sel=
		set -f
		for _p in $(cat /etc/edgeai-programs); do
			# shellcheck disable=SC2254
			case $_name in $_p) _sel=1 ;; esac
		done
		set +f
		if [ -z "$_sel" ]; then
			vm_out "# edgeai-vm: left out $_name (VM_PROGRAMS)"
			return 0
		fi
	fi
	vm_out "# edgeai-vm: begin $_name"
	"$@" >&3 2>&3
	_rc=$?
	vm_out "# edgeai-vm: exit $_name $_rc"
	return $_rc
}

# Shell-level TAP for steps that are easier to write in sh than in C:
#   vm_tap_plan N; vm_tap_ok COND-EXIT-CODE "name"; ...
# Use inside a function run by vm_program.
vm_tap_plan() {
	VM_TAP_N=0
	VM_TAP_FAILED=0
	echo "TAP version 13"
	echo "1..$1"
}

# vm_tap RC NAME [DIAG] - "ok N NAME" when RC is 0, else "not ok" + DIAG.
vm_tap() {
	VM_TAP_N=$((VM_TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $VM_TAP_N $2"
	else
		echo "not ok $VM_TAP_N $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
		VM_TAP_FAILED=$((VM_TAP_FAILED + 1))
	fi
}

# vm_tap_skip NAME REASON
vm_tap_skip() {
	VM_TAP_N=$((VM_TAP_N + 1))
	echo "ok $VM_TAP_N $1 # SKIP $2"
}

vm_tap_done() {
	[ "$VM_TAP_FAILED" -eq 0 ]
}

# vm_end - write the end marker and power off. Closing the port waits for
# the UART to drain, so nothing written before is lost.
vm_end() {
	vm_out "edgeai-vm: end of tests"
	exec 3>&-
	sync
	poweroff -f
}
