// SPDX-License-Identifier: MIT
/*
 * edgeaid's pure logic: profile windows, the thermal step, and the knob
 * journal (record once, restore, crash leftovers). The configuration is
 * tested by test-edgeaid-conf.c.
 */
/* host-test-sources: daemon/edgeaid-util.c daemon/shared/sysfs.c */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ktap.h"
#include "../../daemon/edgeaid-util.h"
#include "../../daemon/shared/sysfs.h"

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

static void test_power(void)
{
	uint64_t f[] = { 100, 200, 400, 800 }, lo, hi, l[8];

	profile_window(PROFILE_BALANCED, f, 4, &lo, &hi);
	ktap_ok(lo == 100 && hi == 800, "balanced spans every operating point");
	profile_window(PROFILE_POWER_SAVER, f, 4, &lo, &hi);
	ktap_ok(lo == 100 && hi == 200, "power-saver is the lower half");
	profile_window(PROFILE_PERFORMANCE, f, 4, &lo, &hi);
	ktap_ok(lo == 400 && hi == 800, "performance never goes below the middle");
	ktap_ok(profile_from_string("eco") == _PROFILE_INVALID && profile_from_string("balanced") == PROFILE_BALANCED,
		"profile names");
	KTAP_EXPECT_EQ(thermal_step(3, 0, 3, 71000, 70000, 3000), 2, "above the limit: one step down");
	KTAP_EXPECT_EQ(thermal_step(0, 0, 3, 90000, 70000, 3000), 0, "never below the lowest point");
	KTAP_EXPECT_EQ(thermal_step(2, 0, 3, 68000, 70000, 3000), 2, "inside the hysteresis: hold");
	KTAP_EXPECT_EQ(thermal_step(2, 0, 3, 60000, 70000, 3000), 3, "cool: one step up");
	KTAP_EXPECT_EQ(thermal_step(3, 0, 2, 60000, 70000, 3000), 2, "never above the profile's top");
	KTAP_EXPECT_EQ(thermal_step(0, 0, 3, 90000, 0, 3000), 3, "no limit: the profile's top");
	KTAP_EXPECT_EQ(parse_u64_list("800 100\n400 200", l, 8), 4, "parse_u64_list counts");
	ktap_ok(l[0] == 100 && l[3] == 800, "parse_u64_list sorts ascending");
	KTAP_EXPECT_EQ(parse_u64_list("1 x", l, 8), -EINVAL, "parse_u64_list refuses junk");
}

static void test_knobs(void)
{
	char dir[] = "/tmp/edgeaid-knobs-XXXXXX", j[256], a[256], b[256], buf[64], cmd[300];
	int n = -1, r;

	if (!mkdtemp(dir))
		return;
	snprintf(j, sizeof(j), "%s/knobs", dir);
	snprintf(a, sizeof(a), "%s/max_freq", dir);
	snprintf(b, sizeof(b), "%s/gone", dir);
	write_file(a, "800\n");
	ktap_ok(knobs_record(j, a, "800") == 0, "record a knob");
	write_file(a, "400\n");
	ktap_ok(knobs_record(j, a, "400") == 0, "recording it again keeps the first value");
	write_file(a, "200\n");
	ktap_ok(knobs_record(j, b, "1") == 0, "record a knob that will vanish");
	ktap_ok(knobs_record(j, "/x\ty", "1") == -EINVAL, "a path with a tab is refused");
	r = knobs_restore(j, &n);
	read_line_file(a, buf, sizeof(buf));
	ktap_ok(r == 0 && !strcmp(buf, "800"), "restore writes the original value back");
	ktap_ok(n == 1, "restore counts the knobs it wrote (the vanished one is skipped)");
	ktap_ok(access(j, F_OK) && errno == ENOENT, "a restored journal is removed");
	r = knobs_restore(j, &n);
	ktap_ok(r == 0 && n == 0, "no journal: nothing to restore");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		ktap_diag("cleanup failed");
}

int main(void)
{
	ktap_start();
	test_power();
	test_knobs();
	return ktap_finish();
}
