#!/bin/sh
# A float bias (and a float weight tensor) shared by several convolutions,
# quantized (test-quant-shared.c: each consumer whose input or weight
# scales differ gets its own int32 bias, s_in * s_w[c], round(b / s);
# consumers quantized alike share one), then the int8 model run by the
# oracle (TensorFlow Lite 2.9.0's built-in kernels: it must load the
# model, whose five convolutions read four bias tensors) and by
# `edgeaictl run --device cpu` with the default and the reference kernels
# on two seeded random inputs: 0 bytes may differ. The oracle part skips
# when the oracle cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/host
ctl=$build/daemon/edgeaictl
mkdir -p "$out"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }
diag() { sed 's/^/# /' "$@"; }

echo "TAP version 13"
pkgs="libdrm libudev liburing"
# the library built with the sanitizers too, where tests/host/run.sh made it
lib=$build/san/libedgeai/libedgeai.a
[ -f "$lib" ] || lib=$build/libedgeai/libedgeai.a
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Ilibedgeai/include -Ilibedgeai/src -Iuapi -Itests/host -Itests/host/libedgeai \
	$(pkg-config --cflags $pkgs) -o "$out/test-quant-shared" \
	tests/host/libedgeai/quant/test-quant-shared.c "$lib" \
	$(pkg-config --libs $pkgs) -lm -lpthread > "$tmp/build.log" 2>&1
ok $? "build test-quant-shared" || { diag "$tmp/build.log"; echo "1..$n"; exit 1; }

# its checks, renumbered into this script's
"$out/test-quant-shared" "$tmp" > "$tmp/unit.log" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "${line#ok * - }" ;;
	"not ok "*) ok 1 "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done < "$tmp/unit.log"
[ $rc -eq 0 ]
ok $? "test-quant-shared exits 0 (status $rc)" || grep -v '^ok \|^not ok \|^# \|^1\.\.\|^TAP' "$tmp/unit.log" | diag
[ -f "$tmp/shared-int8.tflite" ] || { echo "1..$n"; exit 1; }

if ! oracle=$("$top/tests/oracle/fetch.sh" 2> "$tmp/err"); then
	diag "$tmp/err"
	echo "ok $((n + 1)) - the oracle is not available (npm unreachable?) # SKIP"
	echo "1..$((n + 1))"
	exit $fail
fi
${CC:-cc} -O1 -I"$oracle/include" -o "$tmp/oracle-run" tests/oracle/oracle-run.c -ldl 2> "$tmp/err"
ok $? "build the oracle runner" || { diag "$tmp/err"; echo "1..$n"; exit 1; }
lib=$oracle/lib/libtensorflowlite_c.so
export EDGEAI_CACHE_DIR="$tmp/cache"
q=$tmp/shared-int8.tflite
for seed in 1 2; do
	in=$tmp/in.$seed.bin
	python3 -c 'import random, sys; r = random.Random(int(sys.argv[1])); open(sys.argv[2], "wb").write(bytes(r.randrange(256) for _ in range(8 * 8 * 3)))' "$seed" "$in"
	"$tmp/oracle-run" "$lib" "$q" "$tmp/oracle.bin" "$in" > "$tmp/err" 2>&1
	ok $? "seed $seed: the oracle runs the int8 model" || { diag "$tmp/err"; continue; }
	for extra in '' --reference; do
		rm -rf "$tmp/o"
		# shellcheck disable=SC2086
		"$ctl" run "$q" --input "$in" --output-dir "$tmp/o" --device cpu $extra > /dev/null 2> "$tmp/err"
		ok $? "seed $seed: edgeaictl run --device cpu $extra" || { diag "$tmp/err"; continue; }
		cat "$tmp"/o/output*.bin > "$tmp/ours.bin"
		diffs=$(cmp -l "$tmp/oracle.bin" "$tmp/ours.bin" 2>&1 | wc -l)
		[ "$diffs" -eq 0 ] && [ "$(stat -c %s "$tmp/ours.bin")" -eq $((8 * 8 * 4 + 4 * 4 * 4 + 8 * 8 * 4 + 8 * 8 + 8 * 8 * 4)) ]
		ok $? "seed $seed${extra:+ ($extra)}: 5 outputs, $(stat -c %s "$tmp/oracle.bin") bytes, $diffs differ from the oracle"
	done
done
echo "1..$n"
exit $fail
