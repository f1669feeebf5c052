#!/bin/sh
# libFuzzer on the TFLite reader (tests/fuzz/fuzz-tflite.c, clang with
# -fsanitize=fuzzer,address,undefined) for a bounded time:
# EDGEAI_FUZZ_SECONDS (default 60). Seeds: a small CNN written by the
# writer, the sparse models of sparse-models.py, plus the cached real
# models when tests/models/fetch.sh has run.
# The corpus persists in build/tests/fuzz/corpus so runs build on each other.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/fuzz
secs=${EDGEAI_FUZZ_SECONDS:-60}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

echo "TAP version 13"
if ! command -v clang > /dev/null; then
	echo "1..0 # SKIP clang not installed"
	exit 77
fi
mkdir -p "$out/corpus" "$out/artifacts"
src=$top/libedgeai/src
inc="-I$top/libedgeai/include -I$src -I$top/tests/host/libedgeai -I$top/uapi $(pkg-config --cflags libdrm libudev liburing)"
# The model folder and what it may call (libedgeai/README.md).
libsrc="$src/model/*.c $src/base/*.c"
# shellcheck disable=SC2086
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all $inc -o "$out/fuzz-tflite" "$top/tests/fuzz/fuzz-tflite.c" \
	$libsrc > "$out/build.log" 2>&1
ok $? "build fuzz-tflite with clang -fsanitize=fuzzer,address,undefined" ||
	{ sed 's/^/# /' "$out/build.log"; echo "1..$n"; exit 1; }
# shellcheck disable=SC2086,SC2046
cc -std=c11 -D_GNU_SOURCE -O1 $inc -o "$out/seed-tflite" "$top/tests/fuzz/seed-tflite.c" \
	"$build/libedgeai/libedgeai.a" $(pkg-config --libs libdrm libudev liburing) -lpthread -lm &&
	"$out/seed-tflite" "$out/corpus/seed-small-cnn.tflite"
ok $? "write the seed model"
seeds=$out/seeds
mkdir -p "$seeds"
models=${EDGEAI_CACHE:-$HOME/.cache/edgeai}/models
for f in "$models"/*.tflite; do
	[ -f "$f" ] && cp "$f" "$seeds/"
done
# small sparse models (the real ones are over -max_len): the densifier's paths
python3 -B "$top/tests/host/libedgeai/model/sparse-models.py" "$seeds" > /dev/null 2>&1 ||
	echo "# sparse-models.py failed: no sparse seeds"

"$out/fuzz-tflite" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-artifact_prefix="$out/artifacts/" -print_final_stats=1 \
	"$out/corpus" "$seeds" > "$out/fuzz.log" 2>&1
rc=$?
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$out/fuzz.log" | sed 's/^/# /'
[ $rc -eq 0 ]
ok $? "fuzz-tflite ran ${secs}s without a crash, leak or sanitizer report"
[ $rc -eq 0 ] || grep -E 'ERROR|SUMMARY|abort|Test unit written' "$out/fuzz.log" | head -20 | sed 's/^/# /'
echo "1..$n"
exit $fail
