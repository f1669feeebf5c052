#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The e2e lane: a Debian bookworm root filesystem with systemd as PID 1
# (tests/e2e/rootfs.sh, cached) with the edgeai packages of `make deb`
# installed by dpkg in a chroot and the module DKMS built for the board's
# kernel (E2E_INSTALL=make: an overlay with `make install DESTDIR=...`
# instead), the packaged modules edgeai.ko needs, and the
# scenario (tests/e2e/scenario.sh as edgeai-e2e.service), booted on Debian's
# 6.12 kernel as an initramfs with rdinit=/sbin/init (tests/e2e/lib.sh).
# Results come over ttyS1 and are reported by tests/vm/lib.sh's vm_report.
#
#   tests/e2e/run.sh        ends with "N passed, N failed, N skipped";
#                           writes build/results/e2e.counts; logs in build/e2e/
#   E2E_ONLY=fleet tests/e2e/run.sh   boot, edgeaid up, then only the fleet
#                           steps (tests/e2e/fleet.sh): for iterating on them
#   E2E_ONLY=restart        the same with the daemon-restart steps
#                           (tests/e2e/restart.sh); E2E_RESTARTS kills (3)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
VM_TOP=$top
. tests/vm/lib.sh
. tests/e2e/lib.sh
out=$top/build/e2e
results=$top/build/results
counts=$results/e2e.counts
mkdir -p "$out" "$results"
rm -f "$counts"
t0=$(date +%s)

fail_setup() {
	echo "not ok 1 - e2e setup: $*"
	echo "0 1 0" > "$counts"
	echo "0 passed, 1 failed"
	exit 1
}

# the stack from the Debian packages of `make deb` (tests/e2e/lib.sh,
# e2e_install_debs); E2E_INSTALL=make uses `make install` instead
E2E_INSTALL=${E2E_INSTALL:-deb}
e2e_stage "$out" || fail_setup "staging the board (see above and build/e2e/)"

# the load generator under two names, for two [Application] rules
mkdir -p "$E2E_STAGE/usr/local/bin"
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm -Itests/kselftest \
	-o "$E2E_STAGE/usr/local/bin/load-heavy" tests/e2e/edgeai-load.c || fail_setup "building edgeai-load"
cp "$E2E_STAGE/usr/local/bin/load-heavy" "$E2E_STAGE/usr/local/bin/load-light"
# a real model: BlazeFace short range quantized by our own tool, a seeded
# input, and the CPU path's output bytes (equal to TFLite's: see
# tests/host/test-run-models.sh) as what the board must produce; the two
# "face" applications are edgeaictl under two names
models=$(tests/models/fetch.sh) || fail_setup "fetching the models"
F=$E2E_STAGE/usr/share/edgeai-e2e
mkdir -p "$F"
echo "$E2E_INSTALL" > "$F/install-mode"
ctl=build/daemon/edgeaictl
$ctl -q quantize "$models/face_detection_short_range.tflite" -o "$F/face.tflite" --samples 8 --seed 1 \
	> /dev/null 2> "$out/quantize.log" || fail_setup "quantizing BlazeFace (see build/e2e/quantize.log)"
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(128 * 128 * 3)))' \
	> "$F/face.in0.bin"
rm -rf "$out/face"
$ctl run "$F/face.tflite" --input "$F/face.in0.bin" --output-dir "$out/face" --device cpu > /dev/null ||
	fail_setup "running BlazeFace on the host CPU"
cat "$out"/face/output*.bin | sha256sum | cut -c1-64 > "$F/expected.sha256"
cp "$E2E_STAGE/usr/bin/edgeaictl" "$E2E_STAGE/usr/local/bin/face-heavy"
cp "$E2E_STAGE/usr/bin/edgeaictl" "$E2E_STAGE/usr/local/bin/face-light"
mkdir -p "$E2E_STAGE/etc/edgeai/edgeaid.conf.d"
cat > "$E2E_STAGE/etc/edgeai/edgeaid.conf.d/50-e2e.conf" <<'EOC'
[Manager]
AutosuspendMSec=250

[Application]
Name=heavy
Executable=/usr/local/bin/load-heavy
Weight=300

[Application]
Name=light
Executable=/usr/local/bin/load-light
Weight=100

[Application]
Name=face-heavy
Executable=/usr/local/bin/face-heavy
Weight=300

[Application]
Name=face-light
Executable=/usr/local/bin/face-light
Weight=100
EOC
# the fleet steps (tests/e2e/fleet.sh, sourced by the scenario): containers
# matched by cgroup, metrics every second for node_exporter's textfile
# collector, podman on vfs (the root is an initramfs), promtool from the host
cat > "$E2E_STAGE/etc/edgeai/edgeaid.conf.d/60-fleet.conf" <<'EOC'
[Manager]
MetricsIntervalSec=1

[Application]
Name=ctr-heavy
CGroup=/ctrheavy.slice
Weight=300

[Application]
Name=ctr-light
CGroup=/ctrlight.slice
Weight=100
EOC
mkdir -p "$E2E_STAGE/etc/default" "$E2E_STAGE/etc/containers" "$E2E_STAGE/usr/lib/edgeai-e2e"
echo 'ARGS="--collector.disable-defaults --collector.textfile --collector.textfile.directory=/var/lib/prometheus/node-exporter"' \
	> "$E2E_STAGE/etc/default/prometheus-node-exporter"
printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
	> "$E2E_STAGE/etc/containers/storage.conf"
# the root is the initramfs (rootfs), which pivot_root(2) cannot leave
printf '[engine]\nno_pivot_root = true\n' > "$E2E_STAGE/etc/containers/containers.conf"
cp tests/e2e/fleet.sh "$E2E_STAGE/usr/lib/edgeai-e2e/fleet.sh" || fail_setup "installing the fleet steps"
# the daemon-restart steps (tests/e2e/restart.sh): the soak client
# (tests/soak) as the application "soak" while edgeaid is killed
cp tests/e2e/restart.sh "$E2E_STAGE/usr/lib/edgeai-e2e/restart.sh" || fail_setup "installing the restart steps"
make -s -C tests/soak BUILD="$top/build" && cp build/tests/soak/edgeai-soak "$E2E_STAGE/usr/local/bin/edgeai-soak" ||
	fail_setup "building tests/soak"
echo "${E2E_RESTARTS:-3}" > "$F/restarts"
cat > "$E2E_STAGE/etc/edgeai/edgeaid.conf.d/70-restart.conf" <<'EOC'
[Application]
Name=soak
Executable=/usr/local/bin/edgeai-soak
Weight=200
EOC
case ${E2E_ONLY:-} in
'') ;;
fleet|restart) echo "$E2E_ONLY" > "$E2E_STAGE/usr/lib/edgeai-e2e/only" ;;
*) fail_setup "E2E_ONLY=$E2E_ONLY: fleet or restart" ;;
esac
if command -v promtool > /dev/null; then cp "$(command -v promtool)" "$E2E_STAGE/usr/local/bin/promtool"; fi
e2e_guest_service edgeai-e2e tests/e2e/scenario.sh || fail_setup "installing the scenario"

# podman in TCG (tests/e2e/fleet.sh) needs a few minutes more
e2e_pack_boot "$out" "${E2E_TIMEOUT:-900}"
boot=$?
echo "e2e: guest done after $(($(date +%s) - t0))s (boot status $boot)"
vm_report "$out" $boot "$counts"
