# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Guest side of the library runs in the "vm" lane: installed as
# /lib/edgeai-lib-run.sh and sourced by the /init script after
# /lib/edgeai-vm.sh. `edgeaictl run` (libedgeai compile + run through the
# real driver) on the single-op golden cases and the int8 models, with the
# oracle's outputs computed on the host (tests/vm/golden-cases.sh,
# tests/vm/model-cases.sh). Every output must equal the oracle's byte for
# byte; a strict device (--device npu|dsp) either runs the whole model or
# refuses with a DEVICE_ONLY message.

# lib_run_case DIR DEVICE OUT: edgeaictl run on DIR/model.tflite with
# DIR/in*.bin; the log goes to OUT.log. Prints "equal", "differ N",
# "refused" (strict device, a clean "--device DEV: op N ... cannot run"
# message) or "failed".
lib_run_case() {
	_d=$1 _dev=$2 _o=$3
	set --
	_k=0
	while [ -f "$_d/in$_k.bin" ]; do
		set -- "$@" --input "$_d/in$_k.bin"
		_k=$((_k + 1))
	done
	rm -rf "$_o"
	edgeaictl run "$_d/model.tflite" "$@" --output-dir "$_o" --device "$_dev" --verbose \
		> "$_o.log" 2>&1
	_rc=$?
	if [ $_rc -ne 0 ]; then
		if [ $_rc -eq 1 ] && [ "$_dev" != auto ] &&
			grep -q -- "--device $_dev: op [0-9]* (.*) cannot run on /dev/accel/accel[0-9]* ($_dev)" "$_o.log"; then
			echo refused
		else
			echo failed
		fi
		return
	fi
	# every op has a placement line with a device and a reason
	_ops=$(sed -n 's/^.*: \([0-9]*\) ops*, ran in .*/\1/p' "$_o.log")
	_lines=$(grep -c '^  op *[0-9]* [A-Z_0-9]* *\(cpu\|npu\|dsp\) *[A-Za-z].*' "$_o.log")
	if [ -z "$_ops" ] || [ "$_ops" -ne "$_lines" ]; then
		echo "failed (placement: $_lines lines for ${_ops:-?} ops)"
		return
	fi
	# in the outputs' order: output10.bin sorts before output2.bin
	_k=0
	: > "$_o.all"
	while [ -f "$_o/output$_k.bin" ]; do
		cat "$_o/output$_k.bin" >> "$_o.all"
		_k=$((_k + 1))
	done
	if cmp -s "$_o.all" "$_d/oracle.bin"; then
		echo equal
	else
		echo "differ $(cmp -l "$_o.all" "$_d/oracle.bin" 2> /dev/null | wc -l)"
	fi
}

# lib_golden DIR: every golden case with --device npu, then (when the NPU
# refuses the op) --device dsp and --device auto. AUTO picks the first
# device, the NPU: where the NPU takes the op, AUTO runs exactly what
# --device npu ran, so it is only run where it has to fall back (TCG makes
# each edgeaictl run cost ~0.2 s).
lib_golden() {
	_dir=${1:-/lib/edgeai-golden}
	if [ ! -f "$_dir/cases.txt" ]; then
		echo "1..0 # SKIP no golden cases (oracle not available on the host)"
		return 0
	fi
	vm_tap_plan "$(($(wc -l < "$_dir/cases.txt") + 4))"
	_npu=0 _dsp=0 _auto=0 _none=0 _bytes=0 _t0=$(date +%s) _first=
	while read -r _gname _op; do
		_c=$_dir/$_gname
		_n=$(lib_run_case "$_c" npu /tmp/g-npu)
		_s=- _a=- _where=
		if [ "$_n" = refused ]; then
			_s=$(lib_run_case "$_c" dsp /tmp/g-dsp)
			_a=$(lib_run_case "$_c" auto /tmp/g-auto)
			_where=" (on $(sed -n 's/^  op *[0-9]* [A-Z_0-9]* *\(cpu\|npu\|dsp\) .*/\1/p' /tmp/g-auto.log | sort -u | tr '\n' ' ' | sed 's/ $//'))"
			_auto=$((_auto + 1))
		fi
		_ok=0
		for _r in "$_n" "$_s" "$_a"; do
			case $_r in equal | refused | -) ;; *) _ok=1 ;; esac
		done
		[ "$_a" = refused ] && _ok=1
		[ "$_n" = equal ] && _npu=$((_npu + 1)) && [ -z "$_first" ] && _first=$_c
		[ "$_s" = equal ] && _dsp=$((_dsp + 1))
		if [ "$_n" != equal ] && [ "$_s" != equal ]; then
			# only a host op (computed in float by TFLite) may run on neither
			grep -q 'cpu *host op' /tmp/g-auto.log || _ok=1
			_none=$((_none + 1))
		fi
		_bytes=$((_bytes + $(wc -c < "$_c/oracle.bin")))
		vm_tap $_ok "$_gname ($_op): npu $_n, dsp $_s, auto $_a$_where" \
			"$(tail -n 3 /tmp/g-*.log)"
		rm -f /tmp/g-*.log
	done < "$_dir/cases.txt"
	echo "# golden: $(wc -l < "$_dir/cases.txt") cases, $_bytes oracle bytes; equal on the npu: $_npu, on the dsp: $_dsp (after the npu refused), auto fallbacks run: $_auto, on neither device (host ops): $_none; $(($(date +%s) - _t0)) s"
	[ $((_npu + _dsp)) -gt 0 ]
	vm_tap $? "golden: cases ran on the devices (npu $_npu, dsp $_dsp)"
	lib_device_select "$_first"
	vm_tap_done
}

# lib_device_select CASE: edgeaictl's --device picks one device: npu0 and
# the NPU's node (accelN) run CASE there, equal to the oracle; the NPU
# after the last is refused naming how many there are.
lib_device_select() {
	_c=$1 _node= _k=0
	for _s in /sys/class/accel/accel*; do
		[ "$(cat "$_s/device/device_type" 2> /dev/null)" = npu ] && _k=$((_k + 1)) &&
			[ -z "$_node" ] && _node=${_s##*/}
	done
	if [ -z "$_c" ] || [ -z "$_node" ]; then
		vm_tap_skip "--device npu0" "no case ran on an NPU"
		vm_tap_skip "--device $_node" "no case ran on an NPU"
		vm_tap_skip "--device npu$_k" "no case ran on an NPU"
		return
	fi
	_r=$(lib_run_case "$_c" npu0 /tmp/d-npu0)
	[ "$_r" = equal ] && grep -q '^  op .* npu ' /tmp/d-npu0.log
	vm_tap $? "--device npu0 ($_k NPUs): $(basename "$_c") on the first NPU, $_r" "$(tail -n 3 /tmp/d-npu0.log)"
	_r=$(lib_run_case "$_c" "$_node" /tmp/d-node)
	[ "$_r" = equal ] && grep -q '^  op .* npu ' /tmp/d-node.log
	vm_tap $? "--device $_node (the first NPU's node): $_r" "$(tail -n 3 /tmp/d-node.log)"
	edgeaictl run "$_c/model.tflite" --input "$_c/in0.bin" --output-dir /tmp/d-x --device "npu$_k" > /tmp/d-past.log 2>&1
	[ $? -eq 1 ] && grep -q -- "--device npu$_k: there \(is one\|are $_k\) edgeai NPU" /tmp/d-past.log
	vm_tap $? "--device npu$_k (past the last NPU): exit 1 saying how many there are" "$(cat /tmp/d-past.log)"
	rm -rf /tmp/d-*
}

# lib_jobs: device jobs completed so far, summed over every edgeai
# device (sysfs jobs_completed; 0 without the attribute).
lib_jobs() {
	_sum=0
	for _f in /sys/class/accel/accel*/device/jobs_completed; do
		[ -r "$_f" ] && _sum=$((_sum + $(cat "$_f")))
	done
	echo $_sum
}

# lib_models DIR: the int8 models with --device auto (equal to the
# oracle, placement per op, device jobs per inference counted from sysfs:
# at most 2 when every op is on the NPU or the DSP, exactly 2 when the ops
# are on both: npu_dsp_chain chains a DSP job to an NPU job), npu and dsp
# (equal, or refused cleanly).
lib_models() {
	_dir=${1:-/lib/edgeai-models}
	if [ ! -f "$_dir/models.txt" ]; then
		echo "1..0 # SKIP no models (oracle or models not available on the host)"
		return 0
	fi
	vm_tap_plan "$((4 * $(wc -l < "$_dir/models.txt") + 9))"
	while read -r _m; do
		for _dev in auto npu dsp; do
			_t0=$(date +%s)
			_j0=$(lib_jobs)
			_r=$(lib_run_case "$_dir/$_m" $_dev /tmp/m-$_dev)
			_jobs=$(($(lib_jobs) - _j0))
			_ok=1
			case $_r in
			equal) _ok=0 ;;
			refused) [ $_dev != auto ] && _ok=0 ;;
			esac
			_place=$(sed -n 's/^  op *[0-9]* [A-Z_0-9]* *\(cpu\|npu\|dsp\) .*/\1/p' /tmp/m-$_dev.log |
				sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
			vm_tap $_ok "$_m --device $_dev: $_r${_place:+ (ops on $_place)}, $(($(date +%s) - _t0)) s" \
				"$(tail -n 5 /tmp/m-$_dev.log)"
			if [ $_dev = auto ]; then
				# why ops stayed on the CPU
				sed -n 's/^  op *[0-9]* \([A-Z_0-9]*\) *cpu *\(.*\)/\1: \2/p' /tmp/m-auto.log |
					sort | uniq -c | sed 's/^ */# cpu: /'
				# one inference: every op on a device takes at most 2 jobs
				_ok=0
				case $_place in
				*cpu*) ;;
				'') [ "$_jobs" -eq 0 ] || _ok=1 ;;	# no operator, no job
				*) [ "$_jobs" -ge 1 ] && [ "$_jobs" -le 2 ] || _ok=1 ;;
				esac
				# ops on both devices: one job each, the second chained to the first
				case $_place in
				*npu*dsp* | *dsp*npu*) [ "$_jobs" -eq 2 ] || _ok=1 ;;
				esac
				echo "# jobs-per-inference $_m $_jobs"
				vm_tap $_ok "$_m --device auto: $_jobs device jobs per inference (sysfs jobs_completed)${_place:+, ops on $_place}"
			fi
		done
	done < "$_dir/models.txt"
	lib_cache "$_dir/$(tail -n 1 "$_dir/models.txt")"
	lib_split "$_dir/$(head -n 1 "$_dir/models.txt")"
	lib_threads "$_dir/$(head -n 1 "$_dir/models.txt")"
	lib_shared "$_dir/$(head -n 1 "$_dir/models.txt")"
	vm_tap_done
}

# lib_until TENTHS CMD...: run CMD every 0.1 s until it succeeds, at most
# TENTHS times; its last status.
lib_until() {
	_tries=$1
	shift
	until "$@"; do
		_tries=$((_tries - 1))
		[ $_tries -gt 0 ] || return 1
		sleep 0.1
	done
}

# lib_threads MODELDIR: 4 threads each running the model on the NPU
# through edgeai_request_run() (one io_uring_enter submits and waits; a
# thread that finds another asleep on the ring submits its own), without
# and with dynamic batching: every run's outputs equal a single run's
# (edgeaictl bench checks them), none fails.
lib_threads() {
	_in=$(vm_inputs "$1")
	# shellcheck disable=SC2086
	edgeaictl bench "$1/model.tflite" $_in --device npu --concurrency 4 -n 32 -w 4 \
		--batch 4 --batch-wait-us 2000 --json > /tmp/t-bench.json 2> /tmp/t-bench.err
	_rc=$?
	vm_tap $_rc "threads: $(basename "$1"), 4 threads, 32 runs unbatched and 32 batched: every output equal to a single run's" \
		"$(cat /tmp/t-bench.err; cut -c 1-400 /tmp/t-bench.json)"
	rm -f /tmp/t-bench.json /tmp/t-bench.err
}

# lib_programs: the NPU's program objects (debugfs "programs", uAPI 1.7),
# one "crc32 refs" line each.
lib_programs() {
	for _n in /sys/class/accel/accel*; do
		[ "$(cat "$_n/device/device_type")" = npu ] || continue
		awk 'NR > 1 { print $1, $4 }' \
			"/sys/kernel/debug/accel/$(basename "$(readlink -f "$_n/device")")/programs"
	done
}

# lib_more_programs N: more than N program objects; lib_programs_are N:
# exactly N; lib_programs_shared: each held at least twice.
lib_more_programs() {
	[ "$(lib_programs | wc -l)" -gt "$1" ]
}
lib_programs_are() {
	[ "$(lib_programs | wc -l)" -eq "$1" ]
}
lib_programs_shared() {
	lib_programs | awk '$2 < 2 { bad = 1 } END { exit bad }'
}

# lib_shared MODELDIR: two processes that load the same model on the NPU
# get one program object (the driver shares byte-for-byte equal programs
# between files, so their jobs can be batched together): while both run,
# the NPU has as many program objects as while one runs, each held by both;
# once both exited, none is left.
lib_shared() {
	_in=$(vm_inputs "$1")
	_before=$(lib_programs | wc -l)
	# shellcheck disable=SC2086
	edgeaictl -q bench "$1/model.tflite" $_in --device npu -n 1000000 -w 0 > /dev/null 2>&1 &
	_a=$!
	lib_until 600 lib_more_programs "$_before"
	_one=$(lib_programs | wc -l)
	# shellcheck disable=SC2086
	edgeaictl -q bench "$1/model.tflite" $_in --device npu -n 1000000 -w 0 > /dev/null 2>&1 &
	_b=$!
	# Both hold every program once B has compiled (its handles, plus jobs in flight).
	lib_until 600 lib_programs_shared
	_two=$(lib_programs | wc -l)
	_list=$(lib_programs)
	lib_programs_shared && [ "$_one" -gt "$_before" ] && [ "$_two" -eq "$_one" ]
	vm_tap $? "shared: $(basename "$1"), two processes on the NPU share its $((_one - _before)) program object(s)" \
		"$_before before, $_one with one process, $_two with two; crc32 refs: $_list"
	kill $_a $_b 2> /dev/null
	wait $_a $_b 2> /dev/null
	lib_until 100 lib_programs_are "$_before"
	vm_tap $? "shared: once both exited, their program objects are gone" "$(lib_programs)"
}

# lib_split MODELDIR: a model with more work than one NPU job may do is cut
# by the compiler into programs run one after the other, not sent to the
# CPU (PROGRAM_CREATE says -E2BIG; debugfs prog_max_work lowers the NPU's
# limit for the test). At 2^24 MAC-equivalents per job every op still runs
# on the NPU, in several jobs; at 2^20 the ops bigger than that alone run
# on the CPU and say why. Both equal to the oracle.
lib_split() {
	_m=$1 _knob=
	for _s in /sys/class/accel/accel*; do
		[ "$(cat "$_s/device/device_type" 2> /dev/null)" = npu ] || continue
		# named after the bus device (drm_debugfs_dev_init), else the minor
		_knob=/sys/kernel/debug/accel/$(basename "$(readlink -f "$_s/device")")/prog_max_work
		[ -e "$_knob" ] || _knob=/sys/kernel/debug/accel/${_s##*/accel}/prog_max_work
		break
	done
	if [ -z "$_knob" ] || [ ! -w "$_knob" ]; then
		vm_tap_skip "split: at 2^24 per job" "no NPU with debugfs prog_max_work"
		vm_tap_skip "split: at 2^20 per job" "no NPU with debugfs prog_max_work"
		return
	fi
	_max=$(cat "$_knob")
	echo $((1 << 24)) > "$_knob"
	_j0=$(lib_jobs)
	_r=$(lib_run_case "$_m" npu /tmp/s-1)
	_jobs=$(($(lib_jobs) - _j0))
	[ "$_r" = equal ] && [ "$_jobs" -ge 2 ]
	vm_tap $? "split: $(basename "$_m") --device npu at 2^24 MACs per job: $_r, in $_jobs jobs" \
		"$(tail -n 5 /tmp/s-1.log)"
	echo $((1 << 20)) > "$_knob"
	_r=$(lib_run_case "$_m" auto /tmp/s-2)
	_big=$(grep -c '^  op *[0-9]* [A-Z_0-9]* *cpu *fallback: more work than one npu job' /tmp/s-2.log)
	_cpu=$(grep -c '^  op *[0-9]* [A-Z_0-9]* *cpu ' /tmp/s-2.log)
	[ "$_r" = equal ] && [ "$_big" -ge 1 ] && [ "$_big" -eq "$_cpu" ]
	vm_tap $? "split: at 2^20 per job, $_big ops too big for one job on the CPU, saying so: $_r" \
		"$(grep '^  op .* cpu ' /tmp/s-2.log | head -n 5)"
	echo "$_max" > "$_knob"
	rm -rf /tmp/s-1 /tmp/s-2 /tmp/s-1.log /tmp/s-2.log
}

# lib_cache MODELDIR: the compile cache on the device path: the first run
# stores the program and the driver's op set, the second loads both (no
# per-op probing), a corrupt op-set entry is recomputed.
lib_cache() {
	_cd=/tmp/edgeai-cache
	rm -rf $_cd
	for _i in 1 2; do
		EDGEAI_CACHE_DIR=$_cd lib_run_case "$1" auto /tmp/c-$_i > /tmp/c-$_i.res
	done
	_c1=$(sed -n 's/.*(compile \([0-9.]*\) ms, cache: \([a-z ]*\),.*/\1 ms, \2/p' /tmp/c-1.log)
	_c2=$(sed -n 's/.*(compile \([0-9.]*\) ms, cache: \([a-z ]*\),.*/\1 ms, \2/p' /tmp/c-2.log)
	# (the second device's op set is probed twice: stored, then a hit)
	[ "$(cat /tmp/c-1.res)" = equal ] && case ${_c1#*, } in *"program hit"*) false ;; *stored*) true ;; *) false ;; esac
	vm_tap $? "cache: first compile stores the program and the op set: $(cat /tmp/c-1.res), compile $_c1" "$(tail -n 3 /tmp/c-1.log)"
	[ "$(cat /tmp/c-2.res)" = equal ] && [ "${_c2#*, }" = "program hit placement hit" ]
	vm_tap $? "cache: second compile loads both: $(cat /tmp/c-2.res), compile $_c2" "$(tail -n 3 /tmp/c-2.log)"
	for _f in $_cd/*.ops; do
		printf 'garbage' | dd of="$_f" bs=1 seek=20 conv=notrunc 2> /dev/null
	done
	EDGEAI_CACHE_DIR=$_cd lib_run_case "$1" auto /tmp/c-3 > /tmp/c-3.res
	_c3=$(sed -n 's/.*(compile \([0-9.]*\) ms, cache: \([a-z ]*\),.*/\1 ms, \2/p' /tmp/c-3.log)
	[ "$(cat /tmp/c-3.res)" = equal ] && case ${_c3#*, } in "program hit"*"stored corrupt entry recompiled") true ;; *) false ;; esac
	vm_tap $? "cache: corrupt op-set entries are detected and recomputed: $(cat /tmp/c-3.res), compile $_c3" "$(tail -n 3 /tmp/c-3.log)"
	EDGEAI_CACHE_DIR=$_cd lib_run_case "$1" auto /tmp/c-4 > /tmp/c-4.res
	_c4=$(sed -n 's/.*(compile \([0-9.]*\) ms, cache: \([a-z ]*\),.*/\1 ms, \2/p' /tmp/c-4.log)
	[ "$(cat /tmp/c-4.res)" = equal ] && [ "${_c4#*, }" = "program hit placement hit" ]
	vm_tap $? "cache: and load again: compile $_c4"
	rm -rf $_cd
}

# lib_example_run NAME ARGS...: run /usr/bin/async-run (libedgeai/examples,
# built with pkg-config against the installed library), log in /tmp/ex-NAME.log.
lib_example_run() {
	_n=$1; shift
	async-run "$@" > "/tmp/ex-$_n.log" 2>&1
	_rc=$?
	sed "s/^/# $_n: /" "/tmp/ex-$_n.log"
	return $_rc
}

# lib_example: the example program in every situation the issue names.
lib_example() {
	_c=/lib/edgeai-golden/conv_int8_same_3x3
	_m=/lib/edgeai-models/face_detection_short_range
	_npu=/sys/kernel/debug/accel/edgeai-npu.0
	_drv=/sys/bus/platform/drivers/edgeai
	if [ ! -f "$_c/oracle.bin" ]; then
		echo "1..0 # SKIP no golden cases (oracle not available on the host)"
		return 0
	fi
	vm_tap_plan 19
	lib_example_run conv "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 32
	vm_tap $? "async-run (CONV_2D on the NPU): every check passed"
	grep -q '^async: 32 requests in flight at once, 32 finished, 0 failed, 32 outputs equal to the expected bytes; 32 device jobs, last via io_uring' /tmp/ex-conv.log
	vm_tap $? "32 requests in flight at once through io_uring, completed from poll() on the event fd, all equal to the oracle"
	grep -q '^udmabuf: .* outputs equal to the expected bytes, library copied 0 tensor bytes, 1 device jobs' /tmp/ex-conv.log
	vm_tap $? "udmabuf input (memfd pages) bound zero copy: outputs equal, 0 tensor bytes copied by the library"
	grep -q '^udmabuf: new input written through the memfd mapping after the import: output changed, equal to a run with the bytes copied in; library copied 0' /tmp/ex-conv.log
	vm_tap $? "the device reads the memfd pages in place: new bytes written after the import change the result"
	grep -q '^DEVICE_ONLY: every op runs on the accelerator' /tmp/ex-conv.log
	vm_tap $? "DEVICE_ONLY compiles with the NPU present"

	if [ -f "$_m/oracle.bin" ]; then
		lib_example_run model "$_m/model.tflite" "$_m/in0.bin" "$_m/oracle.bin" 4
		vm_tap $? "async-run on face_detection_short_range (the whole model on the NPU): every check passed"
		# every op is in the NPU's op set and the RELUs are fused: one job per request
		grep -q '^async: 4 requests .* 4 outputs equal .*; 4 device jobs, last via io_uring.*; 1 devices' /tmp/ex-model.log
		vm_tap $? "4 requests in flight at once, one NPU job each, all equal to the oracle"
		grep -q '^DEVICE_ONLY: every op runs on the accelerator' /tmp/ex-model.log
		vm_tap $? "the whole model runs on the accelerator: DEVICE_ONLY compiles"
	else
		vm_tap_skip "async-run on face_detection_short_range" "no model"
		vm_tap_skip "mixed requests" "no model"
		vm_tap_skip "DEVICE_ONLY on NPU + DSP" "no model"
	fi

	# edgeaid's fallback advice
	echo thermal > /tmp/advice
	EDGEAI_ADVICE_FILE=/tmp/advice lib_example_run advice "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 4
	vm_tap $? "advice 'thermal': every check passed (on the CPU)"
	grep -q '^  op 0 CONV_2D: cpu (fallback: edgeaid advises the CPU (thermal))' /tmp/ex-advice.log &&
		grep -q '^async: 4 requests .* 4 outputs equal .* 0 device jobs' /tmp/ex-advice.log
	vm_tap $? "AUTO follows the advice: the placement says 'edgeaid advises the CPU (thermal)', no device job"

	# per-request deadlines: 1 us has passed before the NPU could start; 10 s has not
	lib_example_run deadline "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 4 1 &&
		grep -q '^  op 0 CONV_2D: cpu (fallback: deadline of 1 us passed before the npu could start)' /tmp/ex-deadline.log
	vm_tap $? "a 1 us deadline: the requests run on the CPU, equal, and the placement says the deadline passed"
	lib_example_run deadline2 "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 4 10000000 &&
		grep -q '^async: 4 requests .* 4 outputs equal .* 4 device jobs' /tmp/ex-deadline2.log
	vm_tap $? "a 10 s deadline: the requests run on the NPU"

	# the NPU at its critical trip refuses jobs at once: AUTO runs them on the CPU
	if [ -w "$_npu/force_temp_mc" ]; then
		echo 105000 > "$_npu/force_temp_mc"
		lib_example_run hot "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 4
		vm_tap $? "NPU at its critical trip: every check passed"
		grep -q '^  op 0 CONV_2D: cpu (fallback: the npu refused the job at once (thermal: at its critical trip))' /tmp/ex-hot.log
		vm_tap $? "the placement says the NPU refused the job (thermal) and the op ran on the CPU"
		echo 0 > "$_npu/force_temp_mc"
	else
		vm_tap_skip "NPU at its critical trip" "no force_temp_mc knob"
		vm_tap_skip "thermal fallback placement" "no force_temp_mc knob"
	fi

	# no device at all: unbind both
	_devs=$(ls "$_drv" | grep '^edgeai-')
	for _d in $_devs; do echo "$_d" > "$_drv/unbind"; done
	ls /dev/accel/accel* > /dev/null 2>&1
	[ $? -ne 0 ]
	vm_tap $? "NPU and DSP unbound: no /dev/accel node"
	lib_example_run absent "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 4
	vm_tap $? "no device: every check passed (on the CPU)"
	grep -q '^DEVICE_ONLY: refused cleanly (.*): DEVICE_ONLY: no edgeai NPU or DSP device found' /tmp/ex-absent.log
	vm_tap $? "DEVICE_ONLY fails cleanly with a clear message"
	grep -q '^  op 0 CONV_2D: cpu (fallback: no NPU or DSP device found)' /tmp/ex-absent.log
	vm_tap $? "AUTO falls back to the CPU and the placement says why"
	for _d in $_devs; do echo "$_d" > "$_drv/bind"; done
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -lt 2 ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	lib_example_run back "$_c/model.tflite" "$_c/in0.bin" "$_c/oracle.bin" 2 &&
		grep -q '^async: 2 requests .* 2 device jobs' /tmp/ex-back.log
	vm_tap $? "devices bound again: requests run on the NPU again"
	vm_tap_done
}

# lib_tflite MANIFEST CONFIG...: TensorFlow Lite 2.9's own C library from
# npm with the delegate loaded as load_delegate() loads it
# (tests/host/test-tflite-delegate.c, manifests of tests/vm/tflite-cases.sh),
# on the devices: every output equal to TFLite alone, byte for byte; the
# delegated nodes, partitions and their placement (NPU, DSP, CPU) per model.
lib_tflite() {
	_man=$1; shift
	if [ ! -f "$_man" ]; then
		echo "1..0 # SKIP no $_man (oracle or models not available on the host)"
		return 0
	fi
	_t0=$(date +%s)
	EDGEAI_CACHE_DIR=/tmp/edgeai-tflite-cache test-tflite-delegate \
		/usr/lib/libtensorflowlite_c.so /usr/lib/libedgeai-tflite.so "$_man" "$@"
	_rc=$?
	echo "# $(basename "$_man"): $(($(date +%s) - _t0)) s"
	rm -rf /tmp/edgeai-tflite-cache
	return $_rc
}
