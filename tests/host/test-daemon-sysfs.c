// SPDX-License-Identifier: MIT
/*
 * daemon/shared/sysfs.c, the lookups edgeaid and edgeaictl share: attribute
 * files, DRM fdinfo parsing, an accel device's parent, devfreq and thermal
 * zone (on a made-up tree where a real one cannot be had), the enumeration
 * of /sys/class/accel and the thermal-zone lookup on this machine.
 */
/* host-test-sources: daemon/shared/sysfs.c */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktap.h"
#include "../../daemon/shared/sysfs.h"

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

static void test_files(const char *dir)
{
	char p[256], buf[64];

	snprintf(p, sizeof(p), "%s/attr", dir);
	write_file(p, "1200000000 \n\n");
	ktap_ok(read_line_file(p, buf, sizeof(buf)) == 0 && !strcmp(buf, "1200000000"),
		"read_line_file strips the trailing newlines and spaces");
	ktap_ok(read_attr(dir, "attr", buf, sizeof(buf)) == 0 && !strcmp(buf, "1200000000"), "read_attr reads DIR/ATTR");
	KTAP_EXPECT_EQ(read_attr_ll(dir, "attr", -1), 1200000000LL, "read_attr_ll parses the value");
	write_file(p, "-5000\n");
	KTAP_EXPECT_EQ(read_attr_ll(dir, "attr", 7), -5000LL, "read_attr_ll: negative values (temperatures) parse");
	KTAP_EXPECT_EQ(read_attr_ll(dir, "missing", 7), 7LL, "read_attr_ll: an unreadable file gives the fallback");
	ktap_ok(write_string_file(p, "42") == 0 && read_line_file(p, buf, sizeof(buf)) == 0 && !strcmp(buf, "42"),
		"write_string_file replaces the content");
	snprintf(p, sizeof(p), "%s/new", dir);
	ktap_ok(write_string_file(p, "1") == -ENOENT && access(p, F_OK) < 0,
		"write_string_file does not create files (sysfs attributes exist or not)");
}

static void test_fdinfo(void)
{
	static const char full[] = "pos:\t0\nflags:\t02100002\nmnt_id:\t25\nino:\t137\n"
				   "drm-driver:\tedgeai\ndrm-client-id:\t17\n"
				   "drm-engine-npu:\t123456 ns\ndrm-engine-capacity-npu:\t2\n";
	static const char no_engine[] = "drm-driver:\tedgeai\ndrm-client-id:\t3\n";
	static const char no_id[] = "pos:\t0\ndrm-engine-npu:\t5 ns\n";
	uint64_t id = 99, ns = 99;
	FILE *f;

	f = fmemopen((void *)full, strlen(full), "r");
	ktap_ok(fdinfo_parse(f, &id, &ns) == 0 && id == 17 && ns == 123456,
		"fdinfo: drm-client-id and drm-engine-*, not the capacity line");
	fclose(f);
	f = fmemopen((void *)no_engine, strlen(no_engine), "r");
	ktap_ok(fdinfo_parse(f, &id, &ns) == 0 && id == 3 && ns == 0, "fdinfo: no engine line is 0 ns of device time");
	fclose(f);
	id = ns = 99;
	f = fmemopen((void *)no_id, strlen(no_id), "r");
	ktap_ok(fdinfo_parse(f, &id, &ns) == -ENOENT && id == 99 && ns == 99,
		"fdinfo without drm-client-id: -ENOENT, outputs untouched");
	fclose(f);
}

/* A made-up accel node: DIR/class/accel7 -> device DIR/devices/edgeai-npu.3 */
static void test_device(const char *dir)
{
	char node[256], parent[256], p[300], real[4096];
	AccelDevice d;
	int r;

	snprintf(node, sizeof(node), "%s/accel7", dir);
	snprintf(parent, sizeof(parent), "%s/edgeai-npu.3", dir);
	mkdir(node, 0755);
	mkdir(parent, 0755);
	snprintf(p, sizeof(p), "%s/device_type", parent);
	write_file(p, "npu\n");
	snprintf(p, sizeof(p), "%s/device", node);
	ktap_ok(accel_device_from_syspath(node, &d) == -ENOENT, "an accel node without a parent device: -ENOENT");
	if (symlink("../edgeai-npu.3", p) < 0)
		ktap_diag("symlink: %m");
	memset(&d, 0xa5, sizeof(d));
	r = accel_device_from_syspath(node, &d);
	ktap_ok(r == 0 && !strcmp(d.name, "accel7") && !strcmp(d.bus, "edgeai-npu.3") && !strcmp(d.type, "npu"),
		"the node's name, its parent's name and device_type");
	ktap_ok(r == 0 && realpath(parent, real) && !strcmp(d.syspath, real), "the parent's resolved path");
	ktap_ok(r == 0 && !*d.devfreq && !*d.tz, "no devfreq and no thermal zone of that name: both empty");
	ktap_ok(accel_device_from_syspath(parent, &d) == -ENODEV, "a node not named accelN: -ENODEV");
}

static void test_enumerate(void)
{
	AccelDevice *d = NULL;
	size_t n = 99;
	int r, sorted = 1;

	r = accel_enumerate(&d, &n);
	for (size_t i = 1; r == 0 && i < n; i++)
		sorted &= strverscmp(d[i - 1].name, d[i].name) < 0;
	ktap_ok(r == 0 && n < 99 && sorted, "accel_enumerate on this machine: %zu device(s), in name order", n);
	free(d);
}

static void test_thermal(void)
{
	DIR *dir = opendir("/sys/class/thermal");
	struct dirent *de;
	char type[128] = "", tz[512], want[512] = "";

	ktap_ok(thermal_zone_find("no-such-zone-type", tz, sizeof(tz)) < 0, "no thermal zone of an unknown type");
	while (dir && (de = readdir(dir)) && !*type) {
		if (strncmp(de->d_name, "thermal_zone", 12))
			continue;
		snprintf(want, sizeof(want), "/sys/class/thermal/%s", de->d_name);
		read_attr(want, "type", type, sizeof(type));
	}
	if (dir)
		closedir(dir);
	if (!*type) {
		ktap_skip("thermal_zone_find of a real zone (this machine has none)");
		return;
	}
	ktap_ok(thermal_zone_find(type, tz, sizeof(tz)) == 0 && !strcmp(tz, want),
		"thermal_zone_find(\"%s\") is %s, the first zone of that type", type, want);
}

int main(void)
{
	char dir[] = "/tmp/daemon-sysfs-XXXXXX", cmd[64];

	ktap_start();
	if (!mkdtemp(dir))
		return KTAP_EXIT_FAIL;
	test_files(dir);
	test_fdinfo();
	test_device(dir);
	test_enumerate();
	test_thermal();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		ktap_diag("cleanup failed");
	return ktap_finish();
}
