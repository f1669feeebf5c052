#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the timeline guest (tests/bench/bench-timeline.sh): the series
# behind the plots of the bench report, each printed on the results port:
#   "bench latency DEV RC"      then "bench samples DEV MS,MS,..." (every
#                               timed run of `edgeaictl bench --latencies`
#                               on the corpus model, --device DEV) or
#                               "bench error DEV MESSAGE"
#   "bench share {...}"         edgeai-bench share-timeline 300 100 SECS
#   "bench thermal {...}"       edgeai-bench thermal-timeline
. /lib/edgeai-vm.sh
vm_guest_setup
vm_load_deps
vm_insmod_edgeai

_m=/lib/edgeai-models/model.tflite
if [ -f "$_m" ]; then
	for _d in cpu npu dsp auto; do
		rm -f /tmp/lat.txt
		EDGEAI_CACHE_DIR=/tmp/cache edgeaictl -q bench "$_m" --device $_d \
			-n "${BENCH_RUNS:-60}" -w 3 --latencies /tmp/lat.txt > /tmp/bench.log 2> /tmp/err
		_rc=$?
		vm_out "bench latency $_d $_rc"
		if [ $_rc -eq 0 ]; then
			vm_out "bench samples $_d $(paste -s -d, /tmp/lat.txt)"
		else
			vm_out "bench error $_d $(head -n 1 /tmp/err)"
		fi
	done
fi
vm_out "bench share $(/usr/bin/edgeai-bench share-timeline 300 100 ${BENCH_SECS:-6} 2>&1)"
vm_out "bench thermal $(/usr/bin/edgeai-bench thermal-timeline 2>&1)"
vm_end
