#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host test of firmware/tools/edgeai-fwpack: builds the packer with
# ASan/UBSan and checks that images are deterministic, that --inspect
# round-trips (its dump packs back into the same bytes), that the CRC is
# zlib's, that the images `make` built match the specs, that bad specs are
# rejected with a clear message and no output file, and that --inspect
# rejects corrupt images. Prints TAP; exit 0 pass, 1 fail.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-fwpack.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # name command...
	name=$1
	shift
	if "$@" > "$tmp/out" 2>&1; then
		ok "$name"
	else
		nok "$name"
		sed 's/^/# /' "$tmp/out" | head -n 20
	fi
}

echo "TAP version 13"

cc=${CC:-cc}
pack=$tmp/edgeai-fwpack
drm_cflags=$(pkg-config --cflags libdrm 2>/dev/null || echo -I/usr/include/libdrm)
# shellcheck disable=SC2086
if $cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$top/firmware/include" -I"$top/uapi/drm" $drm_cflags \
	-o "$pack" "$top/firmware/tools/edgeai-fwpack.c" > "$tmp/cc.log" 2>&1; then
	ok "build edgeai-fwpack with ASan/UBSan and -Werror"
else
	nok "build edgeai-fwpack with ASan/UBSan and -Werror"
	sed 's/^/# /' "$tmp/cc.log"
	echo "1..$n"
	exit 1
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

specs=$top/firmware/specs

for dev in npu dsp; do
	check "$dev: pack $dev.fwspec" "$pack" -o "$tmp/$dev.bin" "$specs/$dev.fwspec"
	check "$dev: pack again gives identical bytes" \
		sh -c "'$pack' -o '$tmp/$dev.2.bin' '$specs/$dev.fwspec' && cmp '$tmp/$dev.bin' '$tmp/$dev.2.bin'"
	check "$dev: --inspect accepts the image" \
		sh -c "'$pack' --inspect '$tmp/$dev.bin' > '$tmp/$dev.dump'"
	check "$dev: --inspect dump packs back into the same bytes" \
		sh -c "'$pack' -o '$tmp/$dev.rt.bin' '$tmp/$dev.dump' && cmp '$tmp/$dev.bin' '$tmp/$dev.rt.bin'"
	check "$dev: CRC-32 equals zlib.crc32 over the image with the field zeroed" \
		python3 -c '
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
stored = struct.unpack_from("<I", d, 36)[0]
d[36:40] = bytes(4)
calc = zlib.crc32(bytes(d)) & 0xffffffff
sys.exit(0 if stored == calc else "stored %#x computed %#x" % (stored, calc))' "$tmp/$dev.bin"
	check "$dev: image size and section offsets are 8-byte aligned and in bounds" \
		python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
magic, major, minor, hsize, isize = struct.unpack_from("<IHHII", d, 0)
assert magic == 0x57464145 and major == 1 and hsize == 96 and isize == len(d), "header"
count = struct.unpack_from("<I", d, 28)[0]
assert count == 4, "count %d" % count
end = 96 + 16 * count
spans = []
for i in range(count):
    t, fl, off, size = struct.unpack_from("<IIII", d, 96 + 16 * i)
    assert fl == 0 and off % 8 == 0 and off >= end and off + size <= len(d), "section %d" % i
    spans.append((off, off + size))
spans.sort()
for a, b in zip(spans, spans[1:]):
    assert a[1] <= b[0], "overlap"' "$tmp/$dev.bin"
	if [ -f "$build/firmware/edgeai/$dev.bin" ]; then
		check "$dev: build/firmware/edgeai/$dev.bin matches its spec" \
			cmp "$build/firmware/edgeai/$dev.bin" "$tmp/$dev.bin"
	else
		n=$((n + 1))
		echo "ok $n - $dev: build/firmware/edgeai/$dev.bin matches its spec # SKIP not built"
	fi
done

grep -q '^device = npu$' "$tmp/npu.dump" &&
	grep -q '^macs_per_cycle = 512$' "$tmp/npu.dump" &&
	grep -q '^cmds = copy fill$' "$tmp/npu.dump" &&
	[ "$(grep -c '^opp = ' "$tmp/npu.dump")" -ge 4 ] &&
	grep -q '^passive_mc = 85000$' "$tmp/npu.dump" &&
	grep -q '^critical_mc = 100000$' "$tmp/npu.dump" &&
	grep -q '^ambient_mc = 40000$' "$tmp/npu.dump" &&
	grep -q '^# crc32 .*(ok)$' "$tmp/npu.dump" &&
	grep -q '^code = ".*Placeholder code section' "$tmp/npu.dump" &&
	ok "npu: dump shows device, caps, >= 4 OPPs, trips, CRC ok, placeholder code" ||
	{ nok "npu: dump shows device, caps, >= 4 OPPs, trips, CRC ok, placeholder code"
	  sed 's/^/# /' "$tmp/npu.dump"; }
grep -q '^device = dsp$' "$tmp/dsp.dump" && [ "$(grep -c '^opp = ' "$tmp/dsp.dump")" -ge 4 ] &&
	ok "dsp: dump shows device dsp and >= 4 OPPs" ||
	nok "dsp: dump shows device dsp and >= 4 OPPs"

# -D overrides and a spec on stdin
check "-D overrides a value and replaces the OPP table" sh -c "
	'$pack' -o '$tmp/ov.bin' -D macs_per_cycle=1024 -D 'opp = 100000 700000 200' \
		-D 'opp=200000 800000 400' '$specs/npu.fwspec' &&
	'$pack' --inspect '$tmp/ov.bin' > '$tmp/ov.dump' &&
	grep -q '^macs_per_cycle = 1024\$' '$tmp/ov.dump' &&
	[ \$(grep -c '^opp = ' '$tmp/ov.dump') -eq 2 ] &&
	grep -q '^opp = 200000 800000 400\$' '$tmp/ov.dump'"
set --
while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	set -- "$@" -D "$line"
done < "$specs/npu.fwspec"
check "an image from -D options alone equals the one from the spec" \
	sh -c "\"\$0\" -o '$tmp/d.bin' \"\$@\" && cmp '$tmp/d.bin' '$tmp/npu.bin'" "$pack" "$@"
set --
check "spec from stdin equals spec from file" sh -c "
	'$pack' -o '$tmp/stdin.bin' - < '$specs/npu.fwspec' && cmp '$tmp/stdin.bin' '$tmp/npu.bin'"
cp "$specs/dsp.fwspec" "$tmp/code.fwspec"
cat >> "$tmp/code.fwspec" <<'SPEC'
code = "a\x00b\n\"q\"\\\xff\t # not a comment"   # a comment
SPEC
check "binary code string with escapes round-trips" sh -c "
	'$pack' -o '$tmp/code.bin' '$tmp/code.fwspec' &&
	'$pack' --inspect '$tmp/code.bin' > '$tmp/code.dump' &&
	'$pack' -o '$tmp/code.rt.bin' '$tmp/code.dump' && cmp '$tmp/code.bin' '$tmp/code.rt.bin'"
check "code bytes are stored exactly" python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
for i in range(4):
    t, fl, off, size = struct.unpack_from("<IIII", d, 96 + 16 * i)
    if t == 1:
        code = d[off:off + size]
want = b"a\x00b\n\"q\"\\\xff\t # not a comment"
sys.exit(0 if code == want else "code %r" % code)' "$tmp/code.bin"

# Bad specs: exit status 1, a message naming the problem, no image written.
bad() { # name expected-message spec-text [-D args...]
	name=$1 want=$2 text=$3
	shift 3
	rm -f "$tmp/bad.bin"
	printf '%s\n' "$text" > "$tmp/bad.fwspec"
	"$pack" -o "$tmp/bad.bin" "$@" "$tmp/bad.fwspec" > "$tmp/bad.out" 2> "$tmp/bad.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -e "$tmp/bad.bin" ] && [ ! -e "$tmp/bad.bin.tmp" ] &&
	   grep -q -- "$want" "$tmp/bad.err" && grep -q '^edgeai-fwpack: ' "$tmp/bad.err"; then
		ok "rejects $name"
	else
		nok "rejects $name (exit $rc)"
		echo "# expected message: $want"
		sed 's/^/# stderr: /' "$tmp/bad.err"
	fi
}

good=$(cat "$specs/npu.fwspec")
without() { printf '%s\n' "$good" | grep -v "^$1 "; }

bad "unknown key" "bad.fwspec:.*unknown key 'colour'" "$good
colour = blue"
bad "missing device" "missing required key 'device'" "$(without device)"
bad "missing version" "missing required key 'version'" "$(without version)"
bad "missing macs_per_cycle" "missing required key 'macs_per_cycle'" "$(without macs_per_cycle)"
bad "missing cmds" "missing required key 'cmds'" "$(without cmds)"
bad "missing OPPs" "missing required key 'opp'" "$(without opp)"
bad "missing passive trip" "missing required key 'passive_mc'" "$(without passive_mc)"
bad "missing tau" "missing required key 'tau_ms'" "$(without tau_ms)"
bad "unknown device" "unknown device 'gpu'" "$good" -D device=gpu
bad "device type 0" "type 0 is not a device" "$good" -D device=0
bad "short version" "'1.0' is not MAJOR.MINOR.PATCH" "$good" -D version=1.0
bad "version with junk" "is not MAJOR.MINOR.PATCH" "$good" -D version=1.0.0rc1
bad "version minor > 255" "out of range" "$good" -D version=1.256.0
bad "duplicate key" "bad.fwspec:.*tau_ms given twice" "$good
tau_ms = 10"
bad "missing '='" "expected 'key = value'" "$good
opp 900000 900000 2000"
bad "missing value" "macs_per_cycle: missing value" "$good" -D "macs_per_cycle ="
bad "zero MACs" "macs_per_cycle must be non-zero" "$good" -D macs_per_cycle=0
bad "negative number" "is not an unsigned number" "$good" -D macs_per_cycle=-1
bad "number above u32" "out of range" "$good" -D macs_per_cycle=4294967296
bad "non-numeric value" "'lots' is not an unsigned number" "$good" -D macs_per_cycle=lots
bad "unknown command" "unknown command 'conv'" "$good" -D "cmds = copy conv"
bad "command listed twice" "'fill' listed twice" "$good" -D "cmds = fill fill"
bad "OPPs not ascending" "strictly ascending" "$good" -D "opp=400000 1 1" -D "opp=200000 1 1"
bad "equal OPP frequencies" "strictly ascending" "$good" -D "opp=400000 1 1" -D "opp=400000 2 2"
bad "zero OPP frequency" "frequency must be non-zero" "$good" -D "opp=0 1 1"
bad "OPP with two values" "opp takes 3 values" "$good" -D "opp=400000 1"
bad "17 OPPs" "more than 16 operating points" "$good
$(i=1; while [ $i -le 13 ]; do echo "opp = $((900000 + i)) 1 1"; i=$((i + 1)); done)"
bad "passive trip at ambient" "ambient_mc (40000) must be below passive_mc" "$good" -D passive_mc=40000
bad "critical below passive" "passive_mc (85000) must be below critical_mc" "$good" -D critical_mc=80000
bad "zero thermal resistance" "r_th_mc_per_w must be non-zero" "$good" -D r_th_mc_per_w=0
bad "zero time constant" "tau_ms must be non-zero" "$good" -D tau_ms=0
bad "temperature beyond s32" "out of range for a signed 32-bit" "$good" -D critical_mc=2147483648
bad "version string too long" "longer than 31 characters" "$good" \
	-D 'version_string = "0123456789012345678901234567890123"'
bad "non-printable version string" "only printable ASCII" "$good" -D 'version_string = "a\x01"'
bad "unterminated string" "unterminated string" "$good" -D 'version_string = "abc'
bad "bare code value" "must be a \"quoted string\"" "$good" -D 'code = abc'
bad "empty code" "must not be empty" "$good" -D 'code = ""'

rm -f "$tmp/bad.bin"
if "$pack" -o "$tmp/bad.bin" "$tmp/no-such.fwspec" 2> "$tmp/bad.err"; then
	nok "rejects a missing spec file"
elif grep -q 'no-such.fwspec: cannot open' "$tmp/bad.err" && [ ! -e "$tmp/bad.bin" ]; then
	ok "rejects a missing spec file"
else
	nok "rejects a missing spec file"
	sed 's/^/# /' "$tmp/bad.err"
fi
for args in "$specs/npu.fwspec" "-o" "--inspect" "-x -o $tmp/x.bin $specs/npu.fwspec" \
	"-o $tmp/x.bin $specs/npu.fwspec $specs/dsp.fwspec"; do
	# shellcheck disable=SC2086 # split on purpose
	"$pack" $args > /dev/null 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ ! -e "$tmp/x.bin" ]; then
		ok "usage error (exit 2) for: $args"
	else
		nok "usage error (exit 2) for: $args (exit $rc)"
	fi
done

# --help stands alone (the tool is installed; the source is not): usage,
# every spec key, exit status, examples, 80 columns, no source file named.
"$pack" --help > "$tmp/help.out" 2> "$tmp/help.err"
rc=$? r=0
[ $rc -eq 0 ] && [ ! -s "$tmp/help.err" ] && head -1 "$tmp/help.out" | grep -q '^Usage: edgeai-fwpack ' || r=1
for k in device version version_string abi_version macs_per_cycle cmds op_mask opp ambient_mc passive_mc \
	critical_mc r_th_mc_per_w tau_ms idle_power_mw code -o -D --inspect --help 'Exit status' Examples; do
	grep -q -- "$k" "$tmp/help.out" || { echo "# --help lacks $k"; r=1; }
done
grep -q '\.[ch]\b\|firmware/tools' "$tmp/help.out" && { echo "# --help points at a source file"; r=1; }
awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/help.out" || r=1
if [ $r -eq 0 ]; then ok "--help: usage, every spec key, exit status, examples; no source file"; else nok "--help: usage, every spec key, exit status, examples; no source file"; fi
"$pack" -x > /dev/null 2> "$tmp/usage.err"
if [ $? -eq 2 ] && grep -q "Try 'edgeai-fwpack --help'" "$tmp/usage.err"; then
	ok "a usage error points to --help"
else
	nok "a usage error points to --help"
fi

# --inspect of corrupt images fails with the reason.
bad_image() { # name expected-message file
	if "$pack" --inspect "$3" > "$tmp/inspect.out" 2> "$tmp/inspect.err"; then
		nok "--inspect rejects $1"
	elif grep -q -- "$2" "$tmp/inspect.err"; then
		ok "--inspect rejects $1"
	else
		nok "--inspect rejects $1"
		sed 's/^/# /' "$tmp/inspect.err"
	fi
}

python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[200] ^= 0x01
open(sys.argv[2], "wb").write(d)
open(sys.argv[3], "wb").write(d[:len(d) - 8])
open(sys.argv[4], "wb").write(d[:40])' "$tmp/npu.bin" "$tmp/flip.bin" "$tmp/trunc.bin" "$tmp/short.bin"
bad_image "a flipped payload bit" "CRC mismatch" "$tmp/flip.bin"
bad_image "a truncated image" "image_size 488 is not the file size 480" "$tmp/trunc.bin"
bad_image "a 40-byte file" "shorter than the 96-byte header" "$tmp/short.bin"
bad_image "a text file" "bad magic" "$specs/npu.fwspec"

# --inspect reads untrusted files: random corruptions (fixed seed) of the
# image, with and without a repaired CRC, must end in exit 0 or 1 and no
# sanitizer report.
python3 - "$tmp/npu.bin" "$tmp/fuzz" <<'PY'
import os, random, struct, sys, zlib
src = open(sys.argv[1], "rb").read()
os.makedirs(sys.argv[2])
rng = random.Random(2026)
for i in range(300):
    d = bytearray(src)
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if not d:
            break
        if kind < 0.5:
            d[rng.randrange(len(d))] = rng.randrange(256)
        elif kind < 0.8:
            # a section table or header word set to an edge value
            off = rng.randrange(0, 160, 4)
            if off + 4 > len(d):
                continue
            d[off:off + 4] = struct.pack("<I", rng.choice(
                [0, 1, 7, 8, 95, 96, 160, len(src), 0x7fffffff, 0xfffffff8, 0xffffffff]))
        else:
            d = d[:rng.randrange(len(d))]
    if len(d) >= 40 and rng.random() < 0.5:
        d[36:40] = bytes(4)
        d[36:40] = struct.pack("<I", zlib.crc32(bytes(d)) & 0xffffffff)
    open(os.path.join(sys.argv[2], "%03d.bin" % i), "wb").write(d)
PY
fuzz_bad=0
[ "$(ls "$tmp/fuzz" 2>/dev/null | wc -l)" -eq 300 ] || fuzz_bad=300
for f in "$tmp"/fuzz/*.bin; do
	"$pack" --inspect "$f" > "$tmp/fuzz.out" 2> "$tmp/fuzz.err"
	rc=$?
	if [ $rc -gt 1 ] || grep -q 'Sanitizer\|runtime error' "$tmp/fuzz.err"; then
		fuzz_bad=$((fuzz_bad + 1))
		echo "# $(basename "$f"): exit $rc"
		head -n 5 "$tmp/fuzz.err" | sed 's/^/#   /'
	fi
done
if [ $fuzz_bad -eq 0 ]; then
	ok "--inspect survives 300 random corruptions (exit 0/1, no sanitizer report)"
else
	nok "--inspect survives 300 random corruptions ($fuzz_bad failed)"
fi

echo "1..$n"
[ $failed -eq 0 ]
