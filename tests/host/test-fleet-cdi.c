// SPDX-License-Identifier: MIT
/*
 * The CDI specs (daemon/shared/cdi.c) of a board with two NPUs and a DSP,
 * then of the same board after hotplug took the NPUs away. The structure of
 * the YAML is checked by test-fleet-cdi.sh against the CDI spec's rules.
 *
 *   test-fleet-cdi DIR        writes DIR/full/ and DIR/dsp-only/, prints TAP
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktap.h"
#include "../../daemon/shared/cdi.h"

static AccelDevice dev(const char *name, const char *type)
{
	AccelDevice d = {};

	snprintf(d.name, sizeof(d.name), "%s", name);
	snprintf(d.type, sizeof(d.type), "%s", type);
	return d;
}

int main(int argc, char *argv[])
{
	AccelDevice devs[] = { dev("accel0", "npu"), dev("accel1", "dsp"), dev("accel2", "npu"), dev("accel3", "bad/kind") };
	CdiOptions o = { .library = "/usr/lib/libedgeai.so.0.4.0", .library_target = "/usr/lib/libedgeai.so.0",
			 .runtime_dir = "/run/edgeaid" };
	const char *types[8];
	char dir[600], p[700], err[700];
	struct stat st;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: test-fleet-cdi DIR\n");
		return 2;
	}
	ktap_start();
	ktap_ok(cdi_types(devs, 4, types, 8) == 2 && !strcmp(types[0], "npu") && !strcmp(types[1], "dsp"),
		"two device types; a type that is no CDI kind name is left out");
	f = fopen("/dev/null", "w");
	ktap_ok(f && cdi_write_spec(f, "gpu", devs, 4, &o) == -ENOENT, "no spec for a type without devices");
	ktap_ok(f && cdi_write_spec(f, "bad/kind", devs, 4, &o) == -EINVAL, "no spec for an invalid kind name");
	if (f)
		fclose(f);

	snprintf(dir, sizeof(dir), "%s/full", argv[1]);
	ktap_ok(cdi_write_dir(dir, devs, 4, &o, err, sizeof(err)) == 2, "two specs written into %s", dir);
	snprintf(p, sizeof(p), "%s/edgeai-npu.yaml", dir);
	ktap_ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644, "edgeai-npu.yaml, mode 0644");
	snprintf(p, sizeof(p), "%s/.edgeai-npu.yaml.tmp", dir);
	ktap_ok(access(p, F_OK) < 0, "no temporary file left");

	/* hotplug: the NPUs went away */
	snprintf(dir, sizeof(dir), "%s/dsp-only", argv[1]);
	ktap_ok(cdi_write_dir(dir, devs, 4, &o, err, sizeof(err)) == 2, "the full board first");
	ktap_ok(cdi_write_dir(dir, devs + 1, 1, &o, err, sizeof(err)) == 1, "then the DSP alone");
	snprintf(p, sizeof(p), "%s/edgeai-npu.yaml", dir);
	ktap_ok(access(p, F_OK) < 0 && errno == ENOENT, "the NPU spec is removed");
	snprintf(p, sizeof(p), "%s/edgeai-dsp.yaml", dir);
	ktap_ok(access(p, F_OK) == 0, "the DSP spec stays");

	ktap_ok(cdi_write_dir("/proc/no-such-dir/cdi", devs, 4, &o, err, sizeof(err)) < 0 &&
		!strcmp(err, "/proc/no-such-dir/cdi"), "an unwritable directory is an error naming it");
	return ktap_finish();
}
