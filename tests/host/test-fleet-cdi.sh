#!/bin/sh
# The CDI specs edgeaid and `edgeaictl cdi generate` write: test-fleet-cdi.c
# writes them for a fake board; here their YAML is checked against the CDI
# spec's structure (cdiVersion, kind "vendor/class", device names, device
# nodes, the "all" device, mounts and env), and edgeaictl cdi's usage.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/host
mkdir -p "$out"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Itests/host \
	-o "$out/test-fleet-cdi" tests/host/test-fleet-cdi.c daemon/shared/cdi.c daemon/shared/sysfs.c \
	> "$tmp/build.log" 2>&1 || {
	sed 's/^/# /' "$tmp/build.log"
	echo "not ok 1 - build test-fleet-cdi"
	exit 1
}
"$out/test-fleet-cdi" "$tmp" > "$tmp/tap" 2>&1
rc=$?
grep -v '^1\.\.' "$tmp/tap"
n=$(grep -c -E '^(not )?ok ' "$tmp/tap")
fail=$([ $rc -eq 0 ] && echo 0 || echo 1)
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

# CDI_CHECK FILE KIND NODE...: the spec's structure, with the device nodes in order
cat > "$tmp/check.py" <<'EOP'
import re, sys, yaml
path, kind, nodes = sys.argv[1], sys.argv[2], sys.argv[3:]
s = yaml.safe_load(open(path))
def need(c, what):
    if not c:
        print("# " + what); sys.exit(1)
need(set(s) <= {"cdiVersion", "kind", "devices", "containerEdits"}, "unknown top-level keys %s" % sorted(s))
need(s["cdiVersion"] == "0.3.0", "cdiVersion %r" % s["cdiVersion"])
need(s["kind"] == kind, "kind %r" % s["kind"])
vendor, cls = s["kind"].split("/")
need(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", vendor), "vendor %r" % vendor)
need(re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?", cls), "class %r" % cls)
names = [d["name"] for d in s["devices"]]
need(len(set(names)) == len(names), "duplicate device names %s" % names)
need(all(re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?", n) for n in names), "device names %s" % names)
need(names == [str(i) for i in range(len(nodes))] + ["all"], "names %s" % names)
for d in s["devices"]:
    need(set(d) == {"name", "containerEdits"} and set(d["containerEdits"]) == {"deviceNodes"}, "device %r" % d)
    for n in d["containerEdits"]["deviceNodes"]:
        need(n["path"].startswith("/dev/accel/accel") and n["type"] == "c" and n["permissions"] == "rw", "node %r" % n)
got = [[n["path"] for n in d["containerEdits"]["deviceNodes"]] for d in s["devices"]]
need(got == [[x] for x in nodes] + [nodes], "device nodes %s" % got)
e = s["containerEdits"]
need(e["env"] == ["EDGEAI_ADVICE_FILE=/run/edgeaid/advice"], "env %r" % e.get("env"))
for m in e["mounts"]:
    need(m["hostPath"].startswith("/") and m["containerPath"].startswith("/") and "ro" in m["options"], "mount %r" % m)
need([(m["hostPath"], m["containerPath"]) for m in e["mounts"]] ==
     [("/usr/lib/libedgeai.so.0.4.0", "/usr/lib/libedgeai.so.0"), ("/run/edgeaid", "/run/edgeaid")], "mounts %r" % e["mounts"])
EOP
if python3 -c 'import yaml' 2> /dev/null; then
	python3 "$tmp/check.py" "$tmp/full/edgeai-npu.yaml" edgeai.dev/npu /dev/accel/accel0 /dev/accel/accel2
	ok $? "edgeai-npu.yaml: cdiVersion 0.3.0, kind edgeai.dev/npu, devices 0, 1 and all with their nodes, mounts, env"
	python3 "$tmp/check.py" "$tmp/full/edgeai-dsp.yaml" edgeai.dev/dsp /dev/accel/accel1
	ok $? "edgeai-dsp.yaml: kind edgeai.dev/dsp, devices 0 and all"
	python3 "$tmp/check.py" "$tmp/dsp-only/edgeai-dsp.yaml" edgeai.dev/dsp /dev/accel/accel1
	ok $? "after hotplug: the DSP's spec is unchanged"
else
	n=$((n + 1)); echo "ok $n - CDI YAML structure # SKIP no python3-yaml"
fi
sed 's/^/# /' "$tmp/full/edgeai-npu.yaml"

ctl=$build/daemon/edgeaictl
"$ctl" cdi > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "cdi needs a command: generate or list" "$tmp/err"
ok $? "edgeaictl cdi without a command: usage error"
"$ctl" cdi frobnicate > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err"
ok $? "edgeaictl cdi frobnicate: usage error naming it"
"$ctl" cdi generate --output= > /dev/null 2> "$tmp/err"
[ $? -eq 2 ]
ok $? "edgeaictl cdi generate --output= (empty): usage error"
"$ctl" cdi --help | grep -q "edgeai.dev/npu=0"
ok $? "edgeaictl cdi --help shows how a container asks for the NPU"
"$ctl" help | grep -q "^  cdi"
ok $? "edgeaictl help lists cdi"
if [ -z "$(ls /sys/class/accel 2> /dev/null)" ]; then
	"$ctl" cdi generate --output "$tmp/gen" > /dev/null 2> "$tmp/err"
	[ $? -eq 1 ] && grep -q "no edgeai accelerator found" "$tmp/err" && [ -z "$(ls -A "$tmp/gen" 2> /dev/null)" ]
	ok $? "no accelerator: cdi generate fails with a message and writes nothing"
fi
echo "1..$n"
exit $fail
