# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The VM benchmarks' common part (tests/bench/bench-*.sh), sourced first:
# changes to the top of the tree and sources tests/vm/lib.sh.
#
#   bench_init NAME [FILE...]
#       out=build/vm/NAME, BENCH_OUT (default build/bench), the VM's
#       prerequisites (vm_setup), ko=kernel/edgeai.ko; exits when the
#       module or a FILE is missing (make all)
#   bench_boot INIT SECS ABOUT [vm_initramfs ARGS...]
#       the initramfs ($out/initramfs.cpio.gz: INIT as /init, edgeai.ko's
#       dependencies and the devfreq governor, the module, the firmware
#       images of $BENCH_FW (default build/firmware/edgeai), ARGS), the
#       boot (at most SECS; ABOUT says how long it takes) and the console's
#       splat scan; exits on any failure. The guest's knobs BENCH_SECS,
#       BENCH_RUNS, SUBMIT_ROUNDS, SUBMIT_JOBS and PREEMPT_SAMPLES, when
#       set on the host, reach the guest's /init through the kernel command
#       line (for short runs).
#   bench_models MODELS NAME...
#       $out/models/NAME/model.tflite for each NAME, int8 by edgeaictl
#       quantize --samples 8 --seed 1 ($ctl): the corpus model
#       MODELS/NAME.tflite (tests/models/fetch.sh), or the float model
#       tests/models/NAME.py writes; the names in $out/models/models.txt

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
. "$top/tests/vm/lib.sh"

bench_init() {
	out=$top/build/vm/$1
	shift
	mkdir -p "$out" "${BENCH_OUT:=$top/build/bench}"
	vm_setup || exit 1
	ko=kernel/edgeai.ko
	for _f in "$ko" "$@"; do
		[ -e "$_f" ] || { echo "bench: $_f missing (make all)" >&2; exit 1; }
	done
}

bench_boot() {
	_init=$1 _secs=$2 _about=$3
	shift 3
	vm_initramfs "$out/initramfs.cpio.gz" --init "$_init" \
		--modules "$(vm_ko_depends "$ko") governor_simpleondemand" \
		--file "$ko" /lib/modules/edgeai.ko \
		--dir "${BENCH_FW:-build/firmware/edgeai}" /lib/firmware/edgeai \
		"$@" || exit 1
	_env=
	for _v in BENCH_SECS BENCH_RUNS SUBMIT_ROUNDS SUBMIT_JOBS PREEMPT_SAMPLES; do
		eval "_x=\${$_v:-}"
		# shellcheck disable=SC2154
		case $_x in
		'') ;;
		*[!0-9]*) echo "bench: $_v=$_x is not a number" >&2; exit 1 ;;
		*) _env="$_env $_v=$_x" ;;
		esac
	done
	echo "bench: booting the VM ($_about)${_env:+; guest knobs:$_env}"
	vm_boot "$out/initramfs.cpio.gz" "$out" "$_secs" "$_env" || exit 1
	if ! vm_splats "$out/console.log" > "$out/splats.txt"; then
		echo "bench: kernel splat, see $out/console.log" >&2
		cat "$out/splats.txt" >&2
		exit 1
	fi
}

bench_models() {
	_src_dir=$1
	shift
	rm -rf "$out/models"
	mkdir -p "$out/models"
	for _m in "$@"; do
		mkdir -p "$out/models/$_m"
		_src=$_src_dir/$_m.tflite
		if [ -x "tests/models/$_m.py" ]; then
			_src=$out/models/$_m/float.tflite
			"tests/models/$_m.py" "$_src" || exit 1
		fi
		"$ctl" -q quantize "$_src" -o "$out/models/$_m/model.tflite" \
			--samples 8 --seed 1 > /dev/null || exit 1
		rm -f "$out/models/$_m/float.tflite"
		echo "$_m" >> "$out/models/models.txt"
	done
}
