#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the arm64 board (QEMU virt with the edgeai nodes of
# tests/arm64/edgeai-board.dtsi): load the modules, check that the devices
# were probed from the device tree, run the kselftests that apply to a
# platform device, compare devfreq and thermal with the device tree, show
# them through edgeaictl, run libedgeai (devices and the arm64 CPU kernels)
# on the golden cases and the int8 models against the oracle, unload.
# Results go to the virtio console (hvc0).
VM_RESULTS_PORT=/dev/hvc0
. /lib/edgeai-vm.sh
. /lib/edgeai-board.sh
. /lib/edgeai-lib-run.sh
vm_guest_setup

NODES=$(dt_edgeai_nodes)

probe_steps() {
	echo "# /init started at $(cut -d' ' -f1 /proc/uptime) s of kernel uptime"
	vm_tap_plan $((4 + 3 * $(echo "$NODES" | wc -l)))
	vm_load_deps
	vm_tap $? "insmod the dependency modules ($(wc -l < /lib/modules/load-order) modules)"
	_out=$(insmod $KO 2>&1)
	vm_tap $? "insmod edgeai.ko (no module parameters)" "$_out"
	wait_nodes "$(echo "$NODES" | wc -l)"
	vm_tap $? "one /dev/accel node per device-tree node" "$(ls -l /dev/accel 2>&1)"
	! ls /sys/bus/platform/devices | grep -q '^edgeai-'
	vm_tap $? "no simulated devices besides the device-tree ones" \
		"$(ls /sys/bus/platform/devices | grep edgeai)"
	while read -r _n _dev; do
		[ -e "$DRV/$_dev" ] &&
			[ "$(readlink -f /sys/bus/platform/devices/$_dev/of_node)" = "$(readlink -f "$_n")" ]
		vm_tap $? "$_dev is bound to edgeai through its node $(basename "$_n")"
		ls -d /sys/bus/platform/devices/$_dev/accel/accel* > /dev/null 2>&1
		vm_tap $? "$_dev has an accel node"
		_line=$(dmesg | grep "edgeai $_dev: /$(basename "$_n"): ")
		[ -n "$_line" ]
		vm_tap $? "$_dev: probe names its node" "$(dmesg | grep edgeai)"
		echo "$_line" | sed 's/^/# /'
	done <<-EOF
	$NODES
	EOF
	vm_tap_done
}

# devfreq and thermal against the device tree the board booted with.
dt_steps() {
	vm_tap_plan $((10 * $(echo "$NODES" | wc -l) + 2))
	while read -r _n _dev; do
		_want=$(dt_opp_hz "$_n" | tr '\n' ' ')
		_have=$(tr -s ' \n' '\n\n' < /sys/class/devfreq/$_dev/available_frequencies |
			grep . | sort -n | tr '\n' ' ')
		[ -n "$_want" ] && [ "$_want" = "$_have" ]
		vm_tap $? "$_dev: devfreq frequencies are the DT's OPP table ($_want)" \
			"devfreq: $_have"
		_top=${_want% }
		_top=${_top##* }
		[ "$(cat /sys/class/devfreq/$_dev/max_freq)" = "$_top" ]
		vm_tap $? "$_dev: devfreq max_freq is the table's highest, $_top"

		_z=$(dt_zone "$_n")
		_zone=$(sysfs_zone "$(basename "$_z")")
		[ -n "$_z" ] && [ -n "$_zone" ]
		vm_tap $? "$_dev: thermal zone $(basename "$_z") named by the DT" \
			"$(cat /sys/class/thermal/thermal_zone*/type 2>&1)"
		_dtt=$(dt_trips "$_z")
		_syt=$(sysfs_trips "$_zone")
		[ -n "$_dtt" ] && [ "$_dtt" = "$_syt" ]
		vm_tap $? "$_dev: the zone's trips are the DT's: $(echo "$_dtt" | tr '\n' ',' | sed 's/,$//; s/,/, /g')" \
			"sysfs: $_syt"
		_passive_i=$(sysfs_trip "$_zone" passive)
		_passive=$(cat "$_zone/trip_point_${_passive_i}_temp")
		_t=$(cat "$_zone/temp")
		[ "$_t" -gt 0 ] && [ "$_t" -lt "$_passive" ]
		vm_tap $? "$_dev: the zone reads the device's temperature ($_t mC)"

		_cdev=$(sysfs_cdev "devfreq-$_dev")
		_nopp=$(echo "$_want" | wc -w)
		[ -n "$_cdev" ] && [ "$(cat "$_cdev/max_state")" -eq $((_nopp - 1)) ]
		vm_tap $? "$_dev: cooling device devfreq-$_dev with one state per OPP"
		[ "$(readlink -f "$_zone/cdev0")" = "$(readlink -f "$_cdev")" ] &&
			[ "$(cat "$_zone/cdev0_trip_point")" = "$_passive_i" ]
		vm_tap $? "$_dev: the cooling map binds it to the passive trip" \
			"$(ls -l "$_zone" | grep cdev)"

		# Above the DT's passive trip the governor throttles through the
		# cooling map; below it the clock comes back.
		_knob=/sys/kernel/debug/accel/$_dev/force_temp_mc
		echo $((_passive + 5000)) > "$_knob"
		_second=$(echo "$_want" | awk '{ print $(NF - 1) }')
		wait_for 5 sh -c "[ \$(cat $_cdev/cur_state) -ge 1 ] &&
			[ \$(cat /sys/class/devfreq/$_dev/max_freq) -le $_second ]"
		vm_tap $? "$_dev: at $((_passive + 5000)) mC the clock is capped (state $(cat "$_cdev/cur_state"), max_freq $(cat /sys/class/devfreq/$_dev/max_freq))"
		echo 0 > "$_knob"
		wait_for 10 sh -c "[ \$(cat $_cdev/cur_state) -eq 0 ] &&
			[ \$(cat /sys/class/devfreq/$_dev/max_freq) -eq $_top ]"
		vm_tap $? "$_dev: cooled down, the cap is lifted (max_freq $(cat /sys/class/devfreq/$_dev/max_freq))"

		# At the DT's critical trip the device refuses jobs instead of
		# the thermal core's emergency shutdown.
		_crit=$(cat "$_zone/trip_point_$(sysfs_trip "$_zone" critical)_temp")
		dmesg -c > /dev/null
		echo $((_crit + 1000)) > "$_knob"
		wait_for 5 sh -c "dmesg | grep -q '$_dev: .*critical temperature $((_crit + 1000)) mC'"
		vm_tap $? "$_dev: at the DT's critical trip ($_crit mC) the driver's handler runs (refusing new jobs), no shutdown" \
			"$(dmesg | tail -n 5)"
		echo 0 > "$_knob"
		sleep 0.5
	done <<-EOF
	$NODES
	EOF
	grep -q . /proc/modules
	vm_tap $? "the board is still running after the critical trips"
	_accel=0
	for _a in /sys/class/accel/accel*; do
		[ -e "$(readlink -f "$_a/device")/of_node" ] || _accel=1
	done
	vm_tap $_accel "every accel device has a device-tree node"
	vm_tap_done
}

unload_steps() {
	vm_tap_plan 6
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai" "$_out"
	! grep -q '^edgeai ' /proc/modules && [ -z "$(ls /dev/accel 2>/dev/null)" ]
	vm_tap $? "the module and its device nodes are gone" "$(ls -l /dev/accel 2>&1)"
	_left=
	echo "$NODES" | while read -r _n _dev; do
		[ -e /sys/class/devfreq/$_dev ] && echo "devfreq $_dev"
		[ -n "$(sysfs_cdev "devfreq-$_dev")" ] && echo "cooling device of $_dev"
		_z=$(dt_zone "$_n")
		[ -n "$_z" ] && [ -n "$(sysfs_zone "$(basename "$_z")")" ] && echo "zone $(basename "$_z")"
	done > /tmp/left
	[ ! -s /tmp/left ]
	vm_tap $? "no devfreq, cooling device or thermal zone is left" "$(cat /tmp/left)"
	echo "$NODES" | { _r=0; while read -r _n _dev; do
		[ -e /sys/bus/platform/devices/$_dev ] && [ ! -e /sys/bus/platform/devices/$_dev/driver ] || _r=1
	done; exit $_r; }
	vm_tap $? "the device-tree devices stay, unbound"
	insmod $KO && wait_nodes "$(echo "$NODES" | wc -l)"
	vm_tap $? "insmod again: the devices probe from the device tree again" \
		"$(dmesg | grep edgeai | tail -n 10)"
	_out=$(rmmod edgeai 2>&1)
	vm_tap $? "rmmod edgeai again" "$_out"
	vm_tap_done
}

# edgeaictl (the cross-built libedgeai) sees the devices with what the
# device tree gives them: status shows each with its cores and the top of
# its OPP table as MAX_MHZ and a temperature (its DT-named zone found);
# thermal shows that zone with the DT's trips.
status_steps() {
	vm_tap_plan $((2 + 4 * $(echo "$NODES" | wc -l)))
	edgeaictl status > /tmp/status.log 2>&1
	vm_tap $? "edgeaictl status" "$(cat /tmp/status.log)"
	sed 's/^/# /' /tmp/status.log
	edgeaictl thermal > /tmp/thermal.log 2>&1
	vm_tap $? "edgeaictl thermal" "$(cat /tmp/thermal.log)"
	sed 's/^/# /' /tmp/thermal.log
	while read -r _n _dev; do
		_acc=$(basename "$(ls -d /sys/bus/platform/devices/$_dev/accel/accel* 2>/dev/null)")
		_line=$(awk -v n="/dev/accel/$_acc" '$1 == n' /tmp/status.log)
		_cores=1
		[ -f "$_n/edgeai,num-cores" ] && _cores=$(dt_cells "$_n/edgeai,num-cores")
		_mhz=$(($(dt_opp_hz "$_n" | tail -n 1) / 1000000))
		[ -n "$_line" ] && [ "$(echo "$_line" | awk '{ print $3 }')" = "$_cores" ]
		vm_tap $? "status: $_dev is /dev/accel/$_acc with the DT's $_cores core(s)" "$_line"
		[ "$(echo "$_line" | awk '{ print $7 }')" = "$_mhz" ]
		vm_tap $? "status: $_dev MAX_MHZ is the DT's top operating point, $_mhz MHz" "$_line"
		_tc=$(echo "$_line" | awk '{ print $8 }')
		[ -n "$_tc" ] && [ "$_tc" != - ]
		vm_tap $? "status: $_dev shows the temperature of its zone ($_tc C)" "$_line"
		_z=$(basename "$(dt_zone "$_n")")
		_tl=$(awk -v a="$_acc" '$1 == a' /tmp/thermal.log)
		_ok=0
		[ -n "$_z" ] && [ "$(echo "$_tl" | awk '{ print $3 }')" = "$_z" ] || _ok=1
		_want=
		while read -r _ty _mc; do
			_c=$(awk -v m="$_mc" 'BEGIN { printf "%.1f", m / 1000 }')
			_want="$_want${_want:+, }$_ty $_c"
			case $_tl in *"$_ty $_c"*) ;; *) _ok=1 ;; esac
		done <<-EOT
		$(dt_trips "$(dt_zone "$_n")")
		EOT
		vm_tap $_ok "thermal: $_dev in zone $_z with the DT's trips ($_want)" "$_tl"
	done <<-EOF
	$NODES
	EOF
	vm_tap_done
}

# The CPU path on the board's CPU (-cpu max: Advanced SIMD and the dot
# product), each arm64 kernel set forced, byte for byte against the
# oracle, each run saying which set ran: NEON on the golden cases of the
# ops it implements, dotprod on those of the ops it implements itself
# (CONV_2D, FULLY_CONNECTED), both on the int8 models. Without a set
# named, libedgeai picks dotprod here.
cpu_steps() {
	_g=/lib/edgeai-golden _m=/lib/edgeai-models
	if [ ! -f $_g/cases.txt ] || [ ! -f $_m/models.txt ]; then
		echo "1..0 # SKIP no golden cases or models (oracle not available on the host)"
		return 0
	fi
	vm_tap_plan $((2 + 2 * $(wc -l < $_m/models.txt) + 1))
	for _k in neon dotprod; do
		_ops='CONV_2D|DEPTHWISE_CONV_2D|FULLY_CONNECTED|ADD|SUB|MAX_POOL_2D|AVERAGE_POOL_2D'
		[ $_k = dotprod ] && _ops='CONV_2D|FULLY_CONNECTED'
		_eq=0 _n=0 _bad= _t0=$(date +%s)
		grep -E " ($_ops)\$" $_g/cases.txt > /tmp/cpu-cases.txt
		while read -r _gname _op; do
			_n=$((_n + 1))
			_r=$(EDGEAI_CPU_KERNELS=$_k lib_run_case "$_g/$_gname" cpu /tmp/k)
			if [ "$_r" = equal ] && grep -q "CPU kernels: $_k)" /tmp/k.log; then
				_eq=$((_eq + 1))
			else
				_bad="$_bad $_gname: $_r;"
			fi
		done < /tmp/cpu-cases.txt
		[ "$_eq" -eq "$_n" ] && [ "$_n" -gt 0 ]
		vm_tap $? "cpu $_k: $_eq of $_n golden cases ($(echo "$_ops" | tr '|' ' ')) equal to the oracle, $(($(date +%s) - _t0)) s" \
			"$_bad"
	done
	while read -r _mname; do
		for _k in neon dotprod; do
			_t0=$(date +%s)
			_r=$(EDGEAI_CPU_KERNELS=$_k lib_run_case "$_m/$_mname" cpu /tmp/k)
			[ "$_r" = equal ] && grep -q "CPU kernels: $_k)" /tmp/k.log
			vm_tap $? "cpu $_k: $_mname $_r, $(($(date +%s) - _t0)) s" "$(tail -n 3 /tmp/k.log)"
		done
	done < $_m/models.txt
	_r=$(lib_run_case "$_m/$(head -n 1 $_m/models.txt)" cpu /tmp/k)
	[ "$_r" = equal ] && grep -q "CPU kernels: dotprod)" /tmp/k.log
	vm_tap $? "cpu: the automatic choice on this CPU is dotprod ($(grep -o 'CPU kernels: [a-z0-9]*' /tmp/k.log)), $_r"
	vm_tap_done
}

vm_program board-probe probe_steps
# The kselftests that apply to a platform device bound from the device
# tree (edgeai_thermal_test finds the DT-named zone through the cooling
# map). Not edgeai_golden_test: lib-golden below runs the same cases
# through libedgeai.
for t in device bo submit job uring prime reset pm sched program thermal; do
	vm_program edgeai_${t}_test /usr/bin/edgeai_${t}_test
done
vm_program board-dt dt_steps
vm_program board-status status_steps
# libedgeai through the driver, as in the vm lane (tests/vm/guest-lib-run.sh)
vm_program lib-golden lib_golden /lib/edgeai-golden
vm_program lib-models lib_models /lib/edgeai-models
vm_program board-cpu cpu_steps
vm_program edgeai_unplug_test /usr/bin/edgeai_unplug_test
vm_program board-unload unload_steps
vm_end
