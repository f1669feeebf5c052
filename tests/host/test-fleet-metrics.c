// SPDX-License-Identifier: MIT
/*
 * edgeaid's Prometheus metrics (daemon/edgeaid-metrics.c) from a Manager
 * with two devices whose sysfs is a tree in a temporary directory, three
 * clients of two applications and one client gone: the counters per
 * application outlive their clients, the utilization comes from the busy
 * time between two writes, the file is replaced atomically. The exposition
 * format is checked by test-fleet-metrics.sh (promtool). Also the
 * configuration keys of the metrics and the CDI specs, and the board id.
 *
 *   test-fleet-metrics DIR   writes DIR/edgeaid.prom, prints TAP
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ktap.h"
#include "../../daemon/edgeaid-manager.h"
#include "../../daemon/edgeaid-report.h"

static void put(const char *dir, const char *attr, const char *val)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	f = fopen(p, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = 0;
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

static void fake_device(Device *d, const char *root, const char *name, const char *type, const char *busy)
{
	char p[600];

	*d = (Device) { .fd = -1, .cur_freq = 800000000, .temp_mc = 45500 };
	snprintf(d->sys.name, sizeof(d->sys.name), "%s", name);
	snprintf(d->sys.type, sizeof(d->sys.type), "%s", type);
	snprintf(d->sys.syspath, sizeof(d->sys.syspath), "%s/%s", root, name);
	snprintf(d->sys.devfreq, sizeof(d->sys.devfreq), "%s/%s/devfreq", root, name);
	snprintf(d->sys.tz, sizeof(d->sys.tz), "%s/%s/tz", root, name);
	snprintf(p, sizeof(p), "%s/power", d->sys.syspath);
	mkdir(d->sys.syspath, 0755);
	mkdir(p, 0755);
	mkdir(d->sys.devfreq, 0755);
	mkdir(d->sys.tz, 0755);
	put(d->sys.syspath, "busy_time_us", busy);
	put(d->sys.syspath, "core_count", "2");
	put(d->sys.syspath, "jobs_completed", "17");
	put(d->sys.syspath, "reset_count", "1");
	put(d->sys.syspath, "power/runtime_status", "suspended");
	put(d->sys.syspath, "power/runtime_suspended_time", "2500");
	put(d->sys.devfreq, "max_freq", "600000000");
}

static void test_metrics(const char *out)
{
	char root[] = "/tmp/edgeai-metrics-XXXXXX", err[256] = "", path[700];
	Manager m = { .profile = PROFILE_BALANCED };
	Device devs[2];
	Client clients[3] = {
		{ .id = 1, .device = "accel0", .app = "heavy", .weight = 300 },
		{ .id = 2, .device = "accel0", .app = "light", .weight = 100 },
		{ .id = 3, .device = "accel1", .app = "" },
	};
	char *text;
	struct stat st;

	if (!mkdtemp(root)) {
		ktap_ok(0, "mkdtemp");
		return;
	}
	fake_device(&devs[0], root, "accel0", "npu", "1000000");
	fake_device(&devs[1], root, "accel1", "dsp", "0");
	devs[0].throttled = true;
	m.devices = devs;
	m.n_devices = 2;
	m.clients = clients;
	m.n_clients = 3;
	config_init(&m.config);
	ktap_ok(config_parse_text(&m.config, "[Application]\nName=heavy\nUser=1\nWeight=300\n"
				  "[Application]\nName=light\nUser=2\nWeight=100\n", "t.conf", err, sizeof(err)) == 0,
		"two [Application] rules %s", err);
	snprintf(m.metrics.board, sizeof(m.metrics.board), "test-board");

	/* device time of a client that has gone counts still; a new client adds to it */
	metrics_account(&m.metrics, "heavy", "accel0", 3000000000ULL, 30, 0);
	metrics_account(&m.metrics, "light", "accel0", 1000000000ULL, 10, 2);
	metrics_account(&m.metrics, "heavy", "accel0", 1500000000ULL, 15, 0);
	metrics_account(&m.metrics, "", "accel1", 250000000ULL, 5, 0);
	metrics_fallback(&m.metrics, "light", "thermal", 4);
	metrics_fallback(&m.metrics, "light", "thermal", 3);
	metrics_fallback(&m.metrics, "", "no-device", 2);
	ktap_ok(m.metrics.n_fallbacks == 2, "fallbacks counted per (application, reason)");
	ktap_ok(m.metrics.n_apps == 3, "three (application, device) pairs, unmatched clients as " METRICS_NO_APP);

	ktap_ok(metrics_write(&m, out, 1000000) == 0, "first write into %s", out);
	snprintf(path, sizeof(path), "%s/" METRICS_FILE, out);
	text = slurp(path);
	ktap_ok(!strstr(text, "edgeai_device_utilization_ratio{"), "no utilization before a second sample");
	/* 1 s later accel0 was busy 1.5 s on its 2 cores: 75 % */
	put(devs[0].sys.syspath, "busy_time_us", "2500000");
	ktap_ok(metrics_write(&m, out, 2000000) == 0, "second write");
	text = slurp(path);
	ktap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "edgeaid.prom is mode 0644 (node_exporter reads it)");
	snprintf(path, sizeof(path), "%s/." METRICS_FILE ".tmp", out);
	ktap_ok(stat(path, &st) < 0 && errno == ENOENT, "no temporary file is left");

#define HAS(s, name) ktap_ok(strstr(text, s) != NULL, name)
	HAS("edgeai_board_info{board=\"test-board\",profile=\"balanced\"} 1\n", "board info");
	HAS("edgeai_device_utilization_ratio{board=\"test-board\",device=\"accel0\",type=\"npu\"} 0.75\n",
	    "utilization from busy time over two samples");
	HAS("edgeai_device_busy_seconds_total{board=\"test-board\",device=\"accel0\",type=\"npu\"} 2.5\n", "busy seconds");
	HAS("edgeai_device_clock_hertz{board=\"test-board\",device=\"accel0\",type=\"npu\"} 800000000\n", "clock");
	HAS("edgeai_device_max_clock_hertz{board=\"test-board\",device=\"accel0\",type=\"npu\"} 600000000\n", "max clock");
	HAS("edgeai_device_temperature_celsius{board=\"test-board\",device=\"accel0\",type=\"npu\"} 45.5\n", "temperature");
	HAS("edgeai_device_throttled{board=\"test-board\",device=\"accel0\",type=\"npu\"} 1\n", "throttled");
	HAS("edgeai_device_throttled{board=\"test-board\",device=\"accel1\",type=\"dsp\"} 0\n", "not throttled");
	HAS("edgeai_device_runtime_pm_state{board=\"test-board\",device=\"accel0\",type=\"npu\",state=\"suspended\"} 1\n",
	    "runtime PM state");
	HAS("edgeai_device_runtime_pm_state{board=\"test-board\",device=\"accel0\",type=\"npu\",state=\"active\"} 0\n",
	    "runtime PM, the other states");
	HAS("edgeai_device_runtime_suspended_seconds_total{board=\"test-board\",device=\"accel0\",type=\"npu\"} 2.5\n",
	    "suspended seconds");
	HAS("edgeai_device_jobs_total{board=\"test-board\",device=\"accel0\",type=\"npu\"} 17\n", "device jobs");
	HAS("edgeai_device_resets_total{board=\"test-board\",device=\"accel0\",type=\"npu\"} 1\n", "resets");
	HAS("edgeai_device_clients{board=\"test-board\",device=\"accel0\",type=\"npu\"} 2\n", "device clients");
	HAS("edgeai_application_device_seconds_total{board=\"test-board\",application=\"heavy\",device=\"accel0\"} 4.5\n",
	    "application device time, its gone client included");
	HAS("edgeai_application_jobs_total{board=\"test-board\",application=\"heavy\",device=\"accel0\"} 45\n",
	    "application jobs");
	HAS("edgeai_application_quota_refusals_total{board=\"test-board\",application=\"light\",device=\"accel0\"} 2\n",
	    "application quota refusals");
	HAS("edgeai_application_device_seconds_total{board=\"test-board\",application=\"(none)\",device=\"accel1\"} 0.25\n",
	    "clients without a rule");
	HAS("edgeai_application_fallbacks_total{board=\"test-board\",application=\"light\",reason=\"thermal\"} 7\n",
	    "application fallbacks by reason");
	HAS("edgeai_application_fallbacks_total{board=\"test-board\",application=\"(none)\",reason=\"no-device\"} 2\n",
	    "fallbacks of processes without a rule");
	HAS("edgeai_application_weight{board=\"test-board\",application=\"light\"} 100\n", "configured weight");
	HAS("edgeai_application_clients{board=\"test-board\",application=\"heavy\",device=\"accel0\"} 1\n",
	    "application clients");
	HAS("# TYPE edgeai_device_busy_seconds_total counter\n", "counters are typed counter");
	HAS("# TYPE edgeai_device_temperature_celsius gauge\n", "gauges are typed gauge");

	/* a board id that needs escaping in a label value */
	snprintf(m.metrics.board, sizeof(m.metrics.board), "a\"b\\c");
	snprintf(path, sizeof(path), "%s/escape", out);
	mkdir(path, 0755);
	ktap_ok(metrics_write(&m, path, 3000000) == 0, "write with a label that needs escaping");
	snprintf(path, sizeof(path), "%s/escape/" METRICS_FILE, out);
	text = slurp(path);
	HAS("edgeai_board_info{board=\"a\\\"b\\\\c\",profile=\"balanced\"} 1\n", "label values escaped");
	snprintf(path, sizeof(path), "%s/missing", out);
	ktap_ok(metrics_write(&m, path, 4000000) == -ENOENT, "a missing directory is -ENOENT");
#undef HAS
	metrics_done(&m.metrics);
	config_done(&m.config);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		ktap_diag("cannot remove %s", root);
}

static void test_config(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[Manager]\nMetricsDirectory=var/lib\n", "t.conf:2: MetricsDirectory=var/lib: not empty or an absolute path" },
		{ "[Manager]\nCDISpecDirectory=cdi\n", "t.conf:2: CDISpecDirectory=cdi: not empty or an absolute path" },
		{ "[Manager]\nMetricsIntervalSec=0\n", "t.conf:2: MetricsIntervalSec=0: not 1..3600" },
		{ "[Manager]\nMetricsIntervalSec=3601\n", "t.conf:2: MetricsIntervalSec=3601: not 1..3600" },
	};
	char err[256];
	Config c;

	config_init(&c);
	ktap_ok(!strcmp(c.metrics_dir, "/var/lib/prometheus/node-exporter") && c.metrics_interval_ms == 15000 &&
		!strcmp(c.cdi_dir, "/run/cdi"), "defaults: node_exporter's textfile directory, 15 s, /run/cdi");
	ktap_ok(config_parse_text(&c, "[Manager]\nMetricsDirectory=\nMetricsIntervalSec=2\nCDISpecDirectory=/x/cdi\n",
				  "t.conf", err, sizeof(err)) == 0 && !*c.metrics_dir && c.metrics_interval_ms == 2000 &&
		!strcmp(c.cdi_dir, "/x/cdi"), "MetricsDirectory= (empty: off), MetricsIntervalSec=2, CDISpecDirectory=");
	config_done(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_init(&c);
		err[0] = 0;
		ktap_ok(config_parse_text(&c, bad[i].text, "t.conf", err, sizeof(err)) == -EINVAL &&
			!strncmp(err, bad[i].want, strlen(bad[i].want)), "rejected: %s", bad[i].want);
		if (strncmp(err, bad[i].want, strlen(bad[i].want)))
			ktap_diag("got: %s", err);
		config_done(&c);
	}
}

static void test_board(const char *derived)
{
	char p[] = "/tmp/edgeai-board-XXXXXX", buf[BOARD_ID_MAX], f[64];
	int fd = mkstemp(p);

	if (fd < 0) {
		ktap_ok(0, "mkstemp");
		return;
	}
	close(fd);
	put("/", p + 1, "shelf-3.board_07\n");
	ktap_ok(board_id(p, buf, sizeof(buf)) == 0 && !strcmp(buf, "shelf-3.board_07"), "configured board id: %s", buf);
	put("/", p + 1, "two words\n");
	ktap_ok(board_id_configured(p, buf, sizeof(buf)) == -EINVAL, "a board id with a space is refused");
	snprintf(f, sizeof(f), "%s.none", p);
	ktap_ok(board_id_configured(f, buf, sizeof(buf)) == -ENOENT, "no file: -ENOENT");
	if (derived && *derived)
		ktap_ok(board_id(f, buf, sizeof(buf)) == 0 && !strcmp(buf, derived),
			"derived board id %s is systemd-id128's app-specific machine id %s", buf, derived);
	else
		ktap_skip("no derived id to compare with (systemd-id128 or /etc/machine-id missing)");
	unlink(p);
}

/* libedgeai's fallback reports (shared/protocol.h), as edgeaid parses them */
static void test_report_parse(void)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "empty" },
		{ "fallback advice 1", "no final newline" },
		{ "fallback advice 0\n", "a zero count" },
		{ "fallback advice 1000001\n", "a count over 1000000" },
		{ "fallback advice -1\n", "a negative count" },
		{ "fallback advice 1x\n", "a count with trailing junk" },
		{ "fallback advice 99999999999999999999999\n", "a count that overflows" },
		{ "fallback bogus 1\n", "an unknown reason" },
		{ "fallback advice 1 extra\n", "a fourth word" },
		{ "fallback advice\n", "no count" },
		{ "ping advice 1\n", "not a fallback line" },
		{ "fallback advice 1\n\n", "an empty line" },
		{ "fallback advice 1\nfallback a\0b 1\n", "a NUL byte" },
		{ "fallback thermal 1\nfallback busy 2\nfallback quota 3\nfallback failed 4\n"
		  "fallback advice 5\nfallback deadline 6\nfallback no-device 7\nfallback busy 8\n"
		  "fallback busy 9\n", "more lines than fit" },
	};
	ReportCount rc[8];
	char err[128];
	int n;

	n = report_parse("fallback thermal 3\nfallback no-device 1000000\n", 46, rc, 8, err, sizeof(err));
	ktap_ok(n == 2 && !strcmp(rc[0].reason, "thermal") && rc[0].count == 3 &&
		!strcmp(rc[1].reason, "no-device") && rc[1].count == 1000000, "a report of two reasons parses");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i].text);

		if (strstr(bad[i].why, "NUL"))
			len = sizeof("fallback advice 1\nfallback a\0b 1\n") - 1;
		*err = 0;
		n = report_parse(bad[i].text, len, rc, 8, err, sizeof(err));
		ktap_ok(n == -EBADMSG && *err, "a report with %s is refused: %s", bad[i].why, err);
	}
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-fleet-metrics DIR [DERIVED-BOARD-ID]\n");
		return 2;
	}
	ktap_start();
	test_metrics(argv[1]);
	test_config();
	test_board(argc > 2 ? argv[2] : NULL);
	test_report_parse();
	return ktap_finish();
}
