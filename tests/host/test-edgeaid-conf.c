// SPDX-License-Identifier: MIT
/*
 * edgeaid's configuration: parsing (good files, and each kind of error with
 * its line), drop-ins, and rule matching.
 */
/* host-test-sources: daemon/edgeaid-conf.c daemon/edgeaid-util.c daemon/shared/sysfs.c */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ktap.h"
#include "../../daemon/edgeaid-conf.h"

static int parse(Config *c, const char *text, char *err)
{
	config_init(c);
	err[0] = 0;
	return config_parse_text(c, text, "t.conf", err, 256);
}

static void test_config(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[Nope]\n", "t.conf:1: unknown section [Nope]" },
		{ "PowerProfile=balanced\n", "t.conf:1: PowerProfile= outside a section" },
		{ "[Manager]\n\nPowerProfile=turbo\n", "t.conf:3: PowerProfile=turbo" },
		{ "[Manager]\nThermalLimitMilliCelsius=-5\n", "t.conf:2: ThermalLimitMilliCelsius=-5" },
		{ "[Manager]\nControlIntervalMSec=5\n", "t.conf:2: ControlIntervalMSec=5" },
		{ "[Manager]\nFoo=1\n", "t.conf:2: unknown key Foo=" },
		{ "[Manager]\njunk\n", "t.conf:2: expected Key=Value" },
		{ "[Application]\nWeight=10\n", "t.conf:1: [Application] 'app1' has no match" },
		{ "[Application]\nUser=0\n", "t.conf:1: [Application] 'app1' sets no policy" },
		{ "[Application]\nUser=0\nWeight=0\n", "t.conf:3: Weight=0: not 1..1000" },
		{ "[Application]\nUser=0\nWeight=1001\n", "t.conf:3: Weight=1001" },
		{ "[Application]\nUser=root\n", "t.conf:2: User=root: want a numeric uid" },
		{ "[Application]\nExecutable=bin/x\n", "t.conf:2: Executable=bin/x: not an absolute path" },
		{ "[Application]\nUser=1\nPriority=urgent\n", "t.conf:3: Priority=urgent" },
		{ "[Application]\nUser=1\nQuotaMSec=10\n", "t.conf:1: [Application] 'app1': QuotaMSec= needs PeriodMSec=" },
		{ "[Application]\nUser=1\nQuotaMSec=50\nPeriodMSec=10\n", "exceeds PeriodMSec=" },
		{ "[Application]\nName=a b\n", "t.conf:2: Name=a b" },
	};
	char err[256];
	Config c;
	int r;

	r = parse(&c, "# comment\n[Manager]\nPowerProfile = performance\nThermalLimitMilliCelsius=65000\n"
		      "ControlIntervalMSec=50\nAutosuspendMSec=0\n\n[Application]\nName=cam\nUnit=cam.service\n"
		      "Weight=300\nPriority=high\n[Application]\nUser=1001\nQuotaMSec=20\nPeriodMSec=100\n", err);
	ktap_ok(r == 0 && c.profile == PROFILE_PERFORMANCE && c.thermal_limit_mc == 65000 && c.interval_ms == 50 &&
		c.autosuspend_ms == 0, "a good [Manager] section parses");
	ktap_ok(r == 0 && c.n_rules == 2 && !strcmp(c.rules[0].name, "cam") && c.rules[0].weight == 300 &&
		c.rules[0].priority == 2 && !strcmp(c.rules[0].unit, "cam.service") &&
		!strcmp(c.rules[1].name, "app2") && c.rules[1].has_uid && c.rules[1].uid == 1001 &&
		c.rules[1].quota_ns == 20000000 && c.rules[1].period_ns == 100000000,
		"two [Application] rules parse with their matches and policy");
	if (r)
		ktap_diag("%s", err);
	config_done(&c);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		r = parse(&c, bad[i].text, err);
		if (!ktap_ok(r == -EINVAL && strstr(err, bad[i].want), "bad config %zu is refused: %s", i, bad[i].want))
			ktap_diag("r=%d err='%s'", r, err);
		config_done(&c);
	}
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

static void test_dropins(void)
{
	char dir[] = "/tmp/edgeaid-test-XXXXXX", p[512], d[256], err[256] = "";
	Config c;
	int r;

	if (!mkdtemp(dir))
		return;
	snprintf(p, sizeof(p), "%s/edgeaid.conf", dir);
	snprintf(d, sizeof(d), "%s/edgeaid.conf.d", dir);
	config_init(&c);
	r = config_load(&c, p, err, sizeof(err));
	ktap_ok(r == 0 && c.profile == PROFILE_BALANCED && !c.n_rules, "a missing file gives the defaults");
	config_done(&c);
	write_file(p, "[Manager]\nPowerProfile=power-saver\n[Application]\nName=a\nUser=1\nWeight=50\n");
	mkdir(d, 0755);
	snprintf(p, sizeof(p), "%s/20-b.conf", d);
	write_file(p, "[Manager]\nPowerProfile=performance\n[Application]\nName=b\nUser=2\nWeight=70\n");
	snprintf(p, sizeof(p), "%s/10-a.conf", d);
	write_file(p, "[Manager]\nThermalLimitMilliCelsius=70000\n");
	snprintf(p, sizeof(p), "%s/99-ignored.txt", d);
	write_file(p, "garbage\n");
	snprintf(p, sizeof(p), "%s/edgeaid.conf", dir);
	config_init(&c);
	r = config_load(&c, p, err, sizeof(err));
	ktap_ok(r == 0 && c.profile == PROFILE_PERFORMANCE && c.thermal_limit_mc == 70000 && c.n_rules == 2 &&
		!strcmp(c.rules[1].name, "b"), "drop-ins load in lexical order after the main file, .txt ignored");
	config_done(&c);
	snprintf(p, sizeof(p), "%s/30-bad.conf", d);
	write_file(p, "[Manager]\nPowerProfile=eco\n");
	snprintf(p, sizeof(p), "%s/edgeaid.conf", dir);
	config_init(&c);
	err[0] = 0;
	r = config_load(&c, p, err, sizeof(err));
	ktap_ok(r == -EINVAL && strstr(err, "30-bad.conf:2: PowerProfile=eco"), "a bad drop-in is named with its line");
	config_done(&c);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	if (system(p))
		ktap_diag("cleanup failed");
}

static void test_match(void)
{
	char err[256], unit[64];
	Config c;
	ProcInfo a = { .uid = 1000, .exe = "/usr/bin/cam", .cgroup = "/system.slice/cam.service" };
	ProcInfo b = { .uid = 1001, .exe = "/usr/bin/x", .cgroup = "/user.slice/user-1001.slice/session-3.scope" };
	ProcInfo z = { .uid = 7, .exe = "/bin/sh", .cgroup = "/system.slice/other.service" };

	ktap_ok(!cgroup_to_unit("/system.slice/cam.service", unit, sizeof(unit)) && !strcmp(unit, "cam.service"),
		"cgroup_to_unit finds a service");
	ktap_ok(!cgroup_to_unit("/user.slice/user-1.slice/user@1.service/app.slice/run-u5.scope", unit, sizeof(unit)) &&
		!strcmp(unit, "run-u5.scope"), "cgroup_to_unit takes the innermost unit");
	ktap_ok(cgroup_to_unit("/", unit, sizeof(unit)) == -ENOENT, "cgroup_to_unit: the root cgroup has no unit");
	parse(&c, "[Application]\nName=cam\nUnit=cam.service\nExecutable=/usr/bin/cam\nWeight=300\n"
		  "[Application]\nName=u\nUser=1001\nWeight=50\n"
		  "[Application]\nName=cg\nCGroup=/system.slice\nPriority=low\n", err);
	ktap_ok(config_match(&c, &a) == &c.rules[0], "unit + executable match the first rule");
	ktap_ok(config_match(&c, &b) == &c.rules[1], "uid matches the second rule");
	ktap_ok(config_match(&c, &z) == &c.rules[2], "cgroup prefix matches the third rule");
	a.exe = "/usr/bin/other";
	ktap_ok(config_match(&c, &a) == &c.rules[2], "every given match must fit (executable differs)");
	z.cgroup = "/system.slicex/y.service";
	ktap_ok(config_match(&c, &z) == NULL, "a cgroup prefix matches whole components only");
	config_done(&c);
}

int main(void)
{
	ktap_start();
	test_config();
	test_dropins();
	test_match();
	return ktap_finish();
}
