#!/bin/sh
# edgeaictl coredump FILE on dumps written here by the format of
# uapi/drm/edgeai_coredump.h (the real ones come from the VM's resets:
# tests/kselftest/edgeai_coredump_test.c): a well-formed dump decodes to the
# right fields as text and JSON; a foreign file, every truncation of the
# dump, sections that lie about their size and random byte flips each end
# with exit status 1 and a message or a decode, never a crash.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
echo "TAP version 13"
[ -x "$ctl" ] || { echo "not ok 1 - $ctl exists"; echo "1..1"; exit 1; }
tmp=$(mktemp -d /tmp/edgeaictl-coredump.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A dump as edgeai.ko writes it: a RESHAPE program job hung on core 1.
python3 - "$tmp/dump.bin" <<'EOP'
import struct, sys, zlib
def sec(t, payload):
    pad = (-len(payload)) % 8
    return struct.pack('<II', t, len(payload)) + payload + b'\0' * pad
prog = struct.pack('<16I', 0x47504145, 1, 64, 288, 2, 1, 64, 160, 288, 0, 2, 0, 0, 0, 0, 0)
for slot, dims in ((0, (1, 4, 4, 2)), (1, (1, 1, 1, 32))):
    prog += struct.pack('<IIQ4IiI2I', 1, slot, 0, *dims, 3, 0, 0, 0)
prog += struct.pack('<II8III20I', 22, 0, 0, *([0xffffffff] * 7), 1, 0, *([0] * 20))
assert len(prog) == 288
crc = zlib.crc32(prog)
dev = b'npu'.ljust(8, b'\0') + struct.pack('<6I', 1, 0, 2, 800000, 2000, 3) + b'edgeai/npu.bin'.ljust(64, b'\0')
job = struct.pack('<QQIIIIIIQQII', 42, 7, 1, 1, 2, 0, 288, crc, 64, 0, 1, 0)
regs = struct.pack('<IIQiIQQQIiIIIIQ', 1, 0xb, 42, 0, 2, 0, 123456, 9, 800000, 45500, 1200, 1, 0, 0, 777)
bufs = struct.pack('<QII', 4096, 1, 0) + struct.pack('<QII', 4096, 2, 0)
hist = struct.pack('<QQQQiIII', 41, 7, 1000, 5000, 0, 1, 0x1234abcd, 288)
hist += struct.pack('<QQQQiIII', 40, 8, 900, 0, -125, 0xffffffff, 0, 0)
body = sec(1, dev) + sec(2, job) + sec(3, regs) + sec(4, prog) + sec(6, bufs) + sec(7, hist) + sec(99, b'future')
hdr = struct.pack('<6IQ', 0x44434145, 1, 32, 32 + len(body), 7, 0, 1700000000 * 10**9)
open(sys.argv[1], 'wb').write(hdr + body)
EOP
[ $? -eq 0 ] || { echo "not ok 1 - write the dump"; echo "1..1"; exit 1; }
crc=$(python3 -c "import zlib; d=open('$tmp/dump.bin','rb').read(); print('%08x' % zlib.crc32(d[32+8+96+8+64+8+80+8:][:288]))")

out=$("$ctl" coredump "$tmp/dump.bin" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] &&
	echo "$out" | grep -q "device: npu accel0 (type 1), 2 cores, 800000 kHz, job timeout 2000 ms, reset #3, firmware edgeai/npu.bin" &&
	echo "$out" | grep -q "guilty job: id 42 of client 7 on core 1, priority 1, 2 buffers" &&
	echo "$out" | grep -q "program: 288 bytes, crc32 0x$crc" &&
	echo "$out" | grep -q "op 0: RESHAPE (22) in 0 -> 1" &&
	echo "$out" | grep -q "tensor 1: int8 \[1,1,1,32\] slot 1 +0 zp 3" &&
	echo "$out" | grep -q "buffer slot 1: 4096 bytes write" &&
	echo "$out" | grep -q "core 1 registers: status 0xb (loaded executing busy), job 42" &&
	echo "$out" | grep -q "power active, 1 busy core, 800000 kHz, 45.5 C, 1200 mW" &&
	echo "$out" | grep -q "job 41 client 7 core 1 status 0 device time 5000 ns program crc32 0x1234abcd (288 bytes)" &&
	echo "$out" | grep -q "job 40 client 8 core -1 status -125"
ok $? "a well-formed dump decodes: device, guilty job, program and its CRC, ops, tensors, buffers, registers, history"
out=$("$ctl" --json coredump "$tmp/dump.bin" 2>&1)
rc=$?
[ $rc -eq 0 ] && printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)["dumps"][0]
assert d["job"]["id"] == 42 and d["job"]["program"] and d["job"]["prog_crc32"] == "0x" + sys.argv[1]
assert d["program"]["ops"] == [{"opcode": 22, "name": "RESHAPE", "inputs": [0], "output": 1}]
assert d["regs"]["executing"] and d["regs"]["job_id"] == 42 and d["regs"]["temp_mc"] == 45500
assert [h["id"] for h in d["history"]] == [41, 40] and d["history"][1]["core"] == -1
assert d["buffers"][1] == {"size": 4096, "flags": 2}
' "$crc"
ok $? "--json: the same fields, valid JSON"

head -c 4096 /dev/urandom > "$tmp/foreign.bin"
printf 'GPU!' | dd of="$tmp/foreign.bin" conv=notrunc 2> /dev/null
out=$("$ctl" coredump "$tmp/foreign.bin" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "not an edgeai dump"
ok $? "a foreign file: exit 1, 'not an edgeai dump'"

size=$(wc -c < "$tmp/dump.bin")
bad=0 crashes=0 i=0
while [ $i -lt "$size" ]; do
	head -c $i "$tmp/dump.bin" > "$tmp/cut.bin"
	"$ctl" coredump "$tmp/cut.bin" > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -gt 1 ] && { crashes=$((crashes + 1)); echo "# truncated to $i: exit $rc"; }
	[ $rc -eq 1 ] && [ -s "$tmp/err" ] || bad=$((bad + 1))
	i=$((i + 1))
done
[ $bad -eq 0 ] && [ $crashes -eq 0 ]
ok $? "every truncation (0..$((size - 1)) bytes): exit 1 with a message ($bad otherwise, $crashes crashes)"

# Sections whose size runs past the end, one at a time.
python3 - "$tmp" <<'EOP'
import struct, sys
d = bytearray(open(sys.argv[1] + '/dump.bin', 'rb').read())
pos, k = 32, 0
while pos + 8 <= len(d):
    t, s = struct.unpack_from('<II', d, pos)
    for lie in (s + 8, 0xffffffff, 0x80000000):
        b = bytearray(d)
        struct.pack_into('<I', b, pos + 4, lie)
        open('%s/lie%d.bin' % (sys.argv[1], k), 'wb').write(b)
        k += 1
    pos += 8 + s + (-s) % 8
# and headers that lie
for i, v in ((12, 0xffffffff), (12, 8), (16, 0xffffffff), (8, 0), (8, 0xfffffff8), (8, 4)):
    b = bytearray(d)
    struct.pack_into('<I', b, i, v)
    open('%s/lie%d.bin' % (sys.argv[1], k), 'wb').write(b)
    k += 1
EOP
crashes=0 cnt=0
for f in "$tmp"/lie*.bin; do
	"$ctl" coredump "$f" > /dev/null 2>&1
	rc=$?
	cnt=$((cnt + 1))
	[ $rc -gt 1 ] && { crashes=$((crashes + 1)); echo "# $(basename "$f"): exit $rc"; }
done
[ $crashes -eq 0 ] && [ $cnt -gt 20 ]
ok $? "$cnt dumps whose section or header sizes lie: decoded or refused, no crash"

python3 - "$tmp" <<'EOP'
import random, sys
d = open(sys.argv[1] + '/dump.bin', 'rb').read()
rnd = random.Random(15)
for k in range(300):
    b = bytearray(d)
    for _ in range(rnd.randint(1, 8)):
        b[rnd.randrange(len(b))] = rnd.randrange(256)
    open('%s/flip%d.bin' % (sys.argv[1], k), 'wb').write(b)
EOP
crashes=0
for f in "$tmp"/flip*.bin; do
	"$ctl" --json coredump "$f" > /dev/null 2>&1
	rc=$?
	[ $rc -gt 1 ] && { crashes=$((crashes + 1)); echo "# $(basename "$f"): exit $rc"; }
done
[ $crashes -eq 0 ]
ok $? "300 dumps with random bytes changed (seeded): decoded or refused, no crash"

echo "1..$n"
exit $fail
