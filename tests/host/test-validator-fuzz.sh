#!/bin/sh
# The kernel's program validator (kernel/edgeai_prog_validate.c) on the host,
# built unchanged through a small shim (tests/fuzz/validator/shim/):
#  1. every golden case of tests/oracle/gen.py is accepted, and runs with
#     the firmware op kernels on buffers of exactly the validated sizes
#     under ASan/UBSan (the validator is not stricter than the format);
#  2. libFuzzer (tests/fuzz/validator/fuzz-validator.c) for a bounded time,
#     EDGEAI_FUZZ_SECONDS (default 60), seeded with those programs: any
#     program the validator accepts must run in bounds and be accepted by
#     the kernels. The corpus persists in build/tests/fuzz-validator/.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/fuzz-validator
secs=${EDGEAI_FUZZ_SECONDS:-60}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }

echo "TAP version 13"
if ! command -v clang > /dev/null; then
	echo "1..0 # SKIP clang not installed"
	exit 77
fi
mkdir -p "$out/corpus" "$out/artifacts"
run=$(mktemp -d "$out/run.XXXXXX") || exit 1
trap 'rm -rf "$run"' EXIT
inc="-I$top/tests/fuzz/validator/shim -I$top/kernel -I$top/firmware/ops -I$top/uapi"
srcs="$top/tests/fuzz/validator/fuzz-validator.c $top/kernel/edgeai_prog_validate.c $top/firmware/ops/*.c"
# No -fwrapv: the kernels wrap their int32 sums explicitly (ek_wadd()), so
# a signed overflow UBSan finds is a bug, as in libedgeai's CPU path.
flags="-std=gnu11 -Wall -Wextra -Werror -g -O1 -fno-sanitize-recover=all"

# shellcheck disable=SC2086
clang $flags -fsanitize=address,undefined -DEDGEAI_VALIDATOR_MAIN $inc \
	-o "$run/vcheck" $srcs > "$run/build.log" 2>&1
ok $? "build the validator check tool (ASan/UBSan)" ||
	{ sed 's/^/# /' "$run/build.log"; echo "1..$n"; exit 1; }
# shellcheck disable=SC2086
clang $flags -fsanitize=fuzzer,address,undefined $inc \
	-o "$run/fuzz-validator" $srcs > "$run/build.log" 2>&1
ok $? "build fuzz-validator with clang -fsanitize=fuzzer,address,undefined" ||
	{ sed 's/^/# /' "$run/build.log"; echo "1..$n"; exit 1; }

python3 -B "$top/tests/oracle/gen.py" "$run/cases" > "$run/gen.log" 2>&1
ok $? "generate the golden programs" || { tail -5 "$run/gen.log" | sed 's/^/# /'; }
"$run/vcheck" "$run"/cases/*/prog.bin > "$run/vcheck.log" 2>&1
rc=$?
total=$(grep -c '' "$run/vcheck.log")
ran=$(grep -c '^ran ' "$run/vcheck.log")
echo "# $total programs: $ran accepted and run on exact buffers, the rest accepted (too big to run here)"
[ $rc -eq 0 ] && [ "$total" -gt 0 ]
ok $? "the validator accepts every golden program and the kernels stay in bounds" ||
	grep -v '^ran \|^accepted ' "$run/vcheck.log" | head -20 | sed 's/^/# /'

seeds=$run/seeds
mkdir -p "$seeds"
for d in "$run"/cases/*/; do
	[ -f "$d/prog.bin" ] && cp "$d/prog.bin" "$seeds/$(basename "$d").bin"
done
# inputs that once found a bug: run first, every time
cp "$top"/tests/fuzz/validator/regress/*.bin "$seeds/"
"$run/fuzz-validator" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -artifact_prefix="$out/artifacts/" -print_final_stats=1 \
	"$out/corpus" "$seeds" > "$out/fuzz.log" 2>&1
rc=$?
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)|cov:' "$out/fuzz.log" |
	tail -n 4 | sed 's/^/# /'
[ $rc -eq 0 ]
ok $? "fuzz-validator ran ${secs}s without a crash, leak or sanitizer report"
[ $rc -eq 0 ] || grep -E 'ERROR|SUMMARY|abort|refused|rejected|Test unit written' "$out/fuzz.log" |
	head -20 | sed 's/^/# /'
echo "1..$n"
exit $fail
