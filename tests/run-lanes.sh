#!/bin/sh
# Run test lanes and sum their results.
#
#   tests/run-lanes.sh [LANE...]    LANE: host vm kunit style e2e arm64 debug
#                                   (default: the first six; debug only
#                                   when named, make check-debug)
#
# Each lane is tests/<lane>/run.sh. It prints its own progress and results,
# ends with "N passed, N failed[, N skipped]" and writes "P F S" to
# build/results/<lane>.counts. A lane that exits non-zero without counts
# (it crashed, or its setup failed) counts as one failure. Host and VM lanes
# need the build, so `make all` runs first and counts as one test. Each
# lane's output is also kept in build/results/<lane>.out, and the summary
# repeats the first "not ok" lines of a lane that failed, so that the end
# of a long run says which tests failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
results=$top/build/results
mkdir -p "$results"

[ $# -gt 0 ] || set -- host vm kunit style e2e arm64

passed=0 failed=0 skipped=0
summary=
failures=

add() { # lane p f s seconds
	passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
	summary="$summary$(printf '  %-6s %4d passed %4d failed %4d skipped  %5ds' "$1" "$2" "$3" "$4" "$5")
"
}

need_build=no
for lane in "$@"; do
	case $lane in
	host|vm|e2e|arm64|debug) need_build=yes ;;
	kunit|style) ;;
	*) echo "run-lanes: unknown lane '$lane' (host vm kunit style e2e arm64 debug)" >&2; exit 2 ;;
	esac
done

build_ok=yes
if [ $need_build = yes ]; then
	echo "=== build: make all"
	t0=$(date +%s)
	if make -s all; then
		add build 1 0 0 $(($(date +%s) - t0))
	else
		echo "not ok - make all failed; host and vm lanes cannot run"
		add build 0 1 0 $(($(date +%s) - t0))
		build_ok=no
	fi
fi

for lane in "$@"; do
	echo "=== lane $lane: tests/$lane/run.sh"
	rm -f "$results/$lane.counts" "$results/$lane.rc"
	t0=$(date +%s)
	if [ $build_ok = no ] && { [ "$lane" = host ] || [ "$lane" = vm ] || [ "$lane" = e2e ] ||
				   [ "$lane" = arm64 ] || [ "$lane" = debug ]; }; then
		echo "not ok - lane $lane skipped because the build failed"
		add "$lane" 0 1 0 0
		continue
	fi
	if [ ! -x "tests/$lane/run.sh" ]; then
		echo "not ok - tests/$lane/run.sh is missing"
		add "$lane" 0 1 0 0
		continue
	fi
	# the lane's exit status through the pipe that keeps its output
	{ "tests/$lane/run.sh"; echo $? > "$results/$lane.rc"; } 2>&1 | tee "$results/$lane.out"
	rc=$(cat "$results/$lane.rc" 2> /dev/null || echo 1)
	dt=$(($(date +%s) - t0))
	if [ -s "$results/$lane.counts" ]; then
		read -r p f s < "$results/$lane.counts"
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok - lane $lane exited $rc with no failed test"
			f=1
		fi
		add "$lane" "$p" "$f" "${s:-0}" $dt
		if [ "$f" -gt 0 ]; then
			failures="$failures$(grep -E '^[[:space:]]*not ok' "$results/$lane.out" |
				head -n 20 | sed "s/^[[:space:]]*/  $lane: /")
"
			# kselftest_harness names the check that failed, and
			# the TH_LOG() after it says with what figures
			why=$(grep -E -A1 --no-group-separator '^[[:space:]#]*[A-Za-z0-9_.-]+\.c:[0-9]+:[A-Za-z0-9_]+:Expected ' \
				"$results/$lane.out" | head -n 12 | sed "s/^[[:space:]#]*/  $lane:   /")
			[ -z "$why" ] || failures="$failures$why
"
		fi
	else
		echo "not ok - lane $lane exited $rc without results"
		add "$lane" 0 1 0 $dt
	fi
done

if [ -n "$failures" ]; then
	echo "=== failed tests (the first of each lane; the logs are build/results/<lane>.out)"
	printf '%s' "$failures"
fi
echo "=== summary"
printf '%s' "$summary"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
