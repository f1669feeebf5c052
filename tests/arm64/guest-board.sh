# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Guest side of the arm64 board lane, installed as /lib/edgeai-board.sh
# next to /lib/edgeai-vm.sh (tests/vm/guest-lib.sh). Reads what the board's
# device tree says from /proc/device-tree, so the checks compare the
# driver's sysfs against the DTB the board booted with, not against
# numbers copied into this script.

KO=/lib/modules/edgeai.ko
DRV=/sys/bus/platform/drivers/edgeai
DT=/proc/device-tree

# wait_nodes N - wait up to 5 s until /dev/accel has N nodes.
wait_nodes() {
	_i=0
	while [ "$(ls /dev/accel 2>/dev/null | wc -l)" -ne "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(ls /dev/accel 2>/dev/null | wc -l)" -eq "$1" ]
}

# dt_cells FILE - the big-endian 32-bit cells of a property, in decimal.
dt_cells() {
	# shellcheck disable=SC2046
	set -- $(od -An -v -tx1 "$1")
	while [ $# -ge 4 ]; do
		echo $((0x$1$2$3$4))
		shift 4
	done
}

# dt_u64 FILE - a /bits/ 64 property, in decimal.
dt_u64() {
	# shellcheck disable=SC2046
	set -- $(od -An -v -tx1 "$1")
	echo $((0x$1$2$3$4$5$6$7$8))
}

# dt_str FILE - a string property (the first string of a list).
dt_str() {
	tr '\0' '\n' < "$1" | head -n 1
}

# dt_by_phandle N - the /proc/device-tree directory of phandle N.
dt_by_phandle() {
	# /proc/device-tree is a symbolic link: find needs the slash.
	find $DT/ -name phandle | while read -r _p; do
		if [ "$(dt_cells "$_p")" = "$1" ]; then
			dirname "$_p"
			break
		fi
	done
}

# dt_edgeai_nodes - "NODE-DIR DEVICE-NAME" of every edgeai node at the
# root, DEVICE-NAME being the platform device ("9100000.npu" for
# /npu@9100000).
dt_edgeai_nodes() {
	for _n in $DT/*@*; do
		[ -f "$_n/compatible" ] || continue
		case $(dt_str "$_n/compatible") in
		edgeai,npu|edgeai,dsp) ;;
		*) continue ;;
		esac
		_b=$(basename "$_n")
		echo "$_n ${_b#*@}.${_b%@*}"
	done
}

# dt_opp_hz NODE-DIR - the frequencies of the node's OPP table, ascending.
dt_opp_hz() {
	_t=$(dt_by_phandle "$(dt_cells "$1/operating-points-v2")")
	for _o in "$_t"/opp*; do
		[ -f "$_o/opp-hz" ] && dt_u64 "$_o/opp-hz"
	done | sort -n
}

# dt_zone NODE-DIR - the thermal zone whose thermal-sensors name the node.
dt_zone() {
	_ph=$(dt_cells "$1/phandle")
	for _z in $DT/thermal-zones/*; do
		[ -f "$_z/thermal-sensors" ] || continue
		if [ "$(dt_cells "$_z/thermal-sensors" | head -n 1)" = "$_ph" ]; then
			echo "$_z"
			return
		fi
	done
}

# sysfs_zone TYPE - the /sys/class/thermal zone of that type.
sysfs_zone() {
	for _z in /sys/class/thermal/thermal_zone*; do
		[ "$(cat "$_z/type" 2>/dev/null)" = "$1" ] && { echo "$_z"; return; }
	done
}

# sysfs_cdev TYPE - the /sys/class/thermal cooling device of that type.
sysfs_cdev() {
	for _c in /sys/class/thermal/cooling_device*; do
		[ "$(cat "$_c/type" 2>/dev/null)" = "$1" ] && { echo "$_c"; return; }
	done
}

# wait_for SECS CMD... - until CMD succeeds, polling every 0.1 s.
wait_for() {
	_n=$(($1 * 10))
	shift
	while ! "$@"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# dt_trips ZONE-DIR - "type temperature" of each trip of a DT zone, sorted.
dt_trips() {
	for _t in "$1"/trips/*/; do
		[ -f "$_t/type" ] || continue
		echo "$(dt_str "$_t/type") $(dt_cells "$_t/temperature")"
	done | sort
}

# sysfs_trips ZONE - "type temperature" of each trip of a sysfs zone, sorted.
sysfs_trips() {
	_i=0
	while [ -f "$1/trip_point_${_i}_type" ]; do
		echo "$(cat "$1/trip_point_${_i}_type") $(cat "$1/trip_point_${_i}_temp")"
		_i=$((_i + 1))
	done | sort
}

# sysfs_trip ZONE TYPE - index of the zone's lowest trip of that type.
sysfs_trip() {
	_i=0 _best='' _bt=''
	while [ -f "$1/trip_point_${_i}_type" ]; do
		if [ "$(cat "$1/trip_point_${_i}_type")" = "$2" ]; then
			_t=$(cat "$1/trip_point_${_i}_temp")
			if [ -z "$_bt" ] || [ "$_t" -lt "$_bt" ]; then
				_best=$_i _bt=$_t
			fi
		fi
		_i=$((_i + 1))
	done
	echo "$_best"
}
