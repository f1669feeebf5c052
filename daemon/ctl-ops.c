// SPDX-License-Identifier: MIT
/*
 * edgeaictl's operator commands: clients, top, power get|set, thermal, why.
 * Everything is read from sysfs and /proc/PID/fdinfo, so it works without
 * edgeaid; when edgeaid runs, its view (applications, weights, profile,
 * throttling, advice) is added from org.edgeai.Manager1 on the system bus.
 * `power set` needs edgeaid (it owns the knobs).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "ctl-ops.h"

#define M_NAME "org.edgeai.Manager1"
#define M_PATH "/org/edgeai/Manager1"

struct dev {
	char name[32], type[16], bus[128], devfreq[300], tz[300], syspath[300];
};

struct client {
	uint64_t id, engine_ns;
	uint32_t pid, uid;
	char comm[32], device[32];
	/* from edgeaid, when it runs */
	char app[64], prio[16];
	uint32_t weight;
	uint64_t quota_ns;
	int from_daemon;
};

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static long long read_ll(const char *dir, const char *attr)
{
	char p[600], b[64];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	return read_str(p, b, sizeof(b)) ? -1 : strtoll(b, NULL, 10);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static int list_devs(struct dev *d, int max)
{
	DIR *dir = opendir("/sys/class/accel");
	struct dirent *de;
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max) {
		char p[400], t[PATH_MAX];
		DIR *th;
		struct dirent *te;

		if (strncmp(de->d_name, "accel", 5))
			continue;
		memset(&d[n], 0, sizeof(d[n]));
		snprintf(d[n].name, sizeof(d[n].name), "%s", de->d_name);
		snprintf(p, sizeof(p), "/sys/class/accel/%s/device", de->d_name);
		if (!realpath(p, t))
			continue;
		snprintf(d[n].syspath, sizeof(d[n].syspath), "%s", t);
		snprintf(d[n].bus, sizeof(d[n].bus), "%s", strrchr(t, '/') + 1);
		snprintf(p, sizeof(p), "%s/device_type", d[n].syspath);
		read_str(p, d[n].type, sizeof(d[n].type));
		snprintf(p, sizeof(p), "/sys/class/devfreq/%s", d[n].bus);
		if (!access(p, F_OK))
			snprintf(d[n].devfreq, sizeof(d[n].devfreq), "%s", p);
		th = opendir("/sys/class/thermal");
		while (th && (te = readdir(th))) {
			char tp[400], ty[128];

			if (strncmp(te->d_name, "thermal_zone", 12))
				continue;
			snprintf(tp, sizeof(tp), "/sys/class/thermal/%s/type", te->d_name);
			if (!read_str(tp, ty, sizeof(ty)) && !strcmp(ty, d[n].bus))
				snprintf(d[n].tz, sizeof(d[n].tz), "/sys/class/thermal/%s", te->d_name);
		}
		if (th)
			closedir(th);
		n++;
	}
	closedir(dir);
	/* accel0 before accel1 */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strverscmp(d[j - 1].name, d[j].name) > 0; j--) {
			struct dev x = d[j];

			d[j] = d[j - 1];
			d[j - 1] = x;
		}
	return n;
}

static int list_clients(struct client *c, int max)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc)) && n < max) {
		uint32_t pid = strtoul(de->d_name, NULL, 10);
		char p[300], l[PATH_MAX], line[256];
		struct dirent *fe;
		DIR *fd;

		if (!pid)
			continue;
		snprintf(p, sizeof(p), "/proc/%u/fd", pid);
		fd = opendir(p);
		if (!fd)
			continue;
		while ((fe = readdir(fd)) && n < max) {
			ssize_t k;
			FILE *f;
			struct stat st;

			snprintf(p, sizeof(p), "/proc/%u/fd/%s", pid, fe->d_name);
			k = readlink(p, l, sizeof(l) - 1);
			if (k <= 0)
				continue;
			l[k] = 0;
			if (strncmp(l, "/dev/accel/accel", 16))
				continue;
			snprintf(p, sizeof(p), "/proc/%u/fdinfo/%s", pid, fe->d_name);
			f = fopen(p, "re");
			if (!f)
				continue;
			memset(&c[n], 0, sizeof(c[n]));
			c[n].id = UINT64_MAX;
			while (fgets(line, sizeof(line), f)) {
				char *colon = strchr(line, ':');

				if (!strncmp(line, "drm-client-id:", 14))
					c[n].id = strtoull(line + 14, NULL, 10);
				else if (!strncmp(line, "drm-engine-", 11) && strncmp(line, "drm-engine-capacity", 19) &&
					 colon)
					c[n].engine_ns = strtoull(colon + 1, NULL, 10);
			}
			fclose(f);
			if (c[n].id == UINT64_MAX)
				continue;
			c[n].pid = pid;
			snprintf(c[n].device, sizeof(c[n].device), "%s", l + 11);
			snprintf(p, sizeof(p), "/proc/%u/comm", pid);
			read_str(p, c[n].comm, sizeof(c[n].comm));
			snprintf(p, sizeof(p), "/proc/%u", pid);
			if (!stat(p, &st))
				c[n].uid = st.st_uid;
			n++;
		}
		closedir(fd);
	}
	closedir(proc);
	return n;
}

static sd_bus *daemon_bus(void)
{
	sd_bus *bus = NULL;

	if (sd_bus_open_system(&bus) < 0)
		return NULL;
	/* on a terminal, polkit may ask for a password (power set) */
	if (isatty(STDIN_FILENO))
		(void)sd_bus_set_allow_interactive_authorization(bus, 1);
	if (sd_bus_call_method(bus, M_NAME, M_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, "") < 0) {
		sd_bus_flush_close_unref(bus);
		return NULL;
	}
	return bus;
}

static int get_str(sd_bus *bus, const char *prop, char *out, size_t len)
{
	char *s = NULL;
	int r = sd_bus_get_property_string(bus, M_NAME, M_PATH, M_NAME, prop, NULL, &s);

	if (r >= 0)
		snprintf(out, len, "%s", s);
	free(s);
	return r;
}

static void merge_daemon_clients(sd_bus *bus, struct client *c, int n)
{
	sd_bus_message *reply = NULL;
	const char *comm, *dev, *app, *prio;
	uint64_t id, quota, engine;
	uint32_t pid, uid, weight;

	if (sd_bus_get_property(bus, M_NAME, M_PATH, M_NAME, "Clients", NULL, &reply, "a(tuussssutt)") < 0)
		return;
	if (sd_bus_message_enter_container(reply, 'a', "(tuussssutt)") >= 0)
		while (sd_bus_message_read(reply, "(tuussssutt)", &id, &pid, &uid, &comm, &dev, &app, &prio, &weight,
					   &quota, &engine) > 0)
			for (int i = 0; i < n; i++)
				if (c[i].id == id && !strcmp(c[i].device, dev)) {
					snprintf(c[i].app, sizeof(c[i].app), "%s", app);
					snprintf(c[i].prio, sizeof(c[i].prio), "%s", prio);
					c[i].weight = weight;
					c[i].quota_ns = quota;
					c[i].from_daemon = 1;
				}
	sd_bus_message_unref(reply);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define MAXC 256

static void print_clients(struct client *c, int n, const double *util, int json)
{
	if (json) {
		printf("[");
		for (int i = 0; i < n; i++) {
			printf("%s{\"id\":%" PRIu64 ",\"pid\":%u,\"uid\":%u,\"comm\":", i ? "," : "", c[i].id, c[i].pid,
			       c[i].uid);
			json_str(c[i].comm);
			printf(",\"device\":");
			json_str(c[i].device);
			printf(",\"engine_ns\":%" PRIu64, c[i].engine_ns);
			if (util)
				printf(",\"utilization_pct\":%.1f", util[i]);
			if (c[i].from_daemon) {
				printf(",\"application\":");
				json_str(c[i].app);
				printf(",\"priority\":");
				json_str(c[i].prio);
				printf(",\"weight\":%u,\"quota_ns\":%" PRIu64, c[i].weight, c[i].quota_ns);
			}
			printf("}");
		}
		printf("]");
		return;
	}
	printf("%-8s %-7s %-6s %-15s %-8s %-12s %-7s %6s %14s%s\n", "CLIENT", "PID", "UID", "COMM", "DEVICE",
	       "APPLICATION", "PRIO", "WEIGHT", "ENGINE_MS", util ? "   UTIL" : "");
	for (int i = 0; i < n; i++) {
		char w[16];

		snprintf(w, sizeof(w), c[i].from_daemon ? "%u" : "-", c[i].weight);
		printf("%-8" PRIu64 " %-7u %-6u %-15s %-8s %-12s %-7s %6s %14.1f", c[i].id, c[i].pid, c[i].uid, c[i].comm,
		       c[i].device, c[i].from_daemon && *c[i].app ? c[i].app : "-",
		       c[i].from_daemon ? c[i].prio : "-", w, c[i].engine_ns / 1e6);
		if (util)
			printf(" %5.1f%%", util[i]);
		printf("\n");
	}
}

static int cmd_clients(int json)
{
	static struct client c[MAXC];
	int n = list_clients(c, MAXC);
	sd_bus *bus = daemon_bus();

	if (bus)
		merge_daemon_clients(bus, c, n);
	if (json) {
		printf("{\"daemon\":%s,\"clients\":", bus ? "true" : "false");
		print_clients(c, n, NULL, 1);
		printf("}\n");
	} else if (n)
		print_clients(c, n, NULL, 0);
	else
		printf("no clients\n");
	sd_bus_flush_close_unref(bus);
	return 0;
}

static int cmd_top(int json, int iterations, int interval_ms)
{
	static struct client a[MAXC], b[MAXC];
	static double util[MAXC];
	sd_bus *bus = daemon_bus();
	int na = list_clients(a, MAXC);
	int64_t ta = now_ns();

	for (int it = 0; iterations <= 0 || it < iterations; it++) {
		struct timespec d = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
		int nb;
		int64_t tb;

		nanosleep(&d, NULL);
		nb = list_clients(b, MAXC);
		tb = now_ns();
		for (int i = 0; i < nb; i++) {
			util[i] = 0;
			for (int j = 0; j < na; j++)
				if (a[j].id == b[i].id && !strcmp(a[j].device, b[i].device) && b[i].engine_ns >= a[j].engine_ns)
					util[i] = 100.0 * (b[i].engine_ns - a[j].engine_ns) / (tb - ta);
		}
		if (bus)
			merge_daemon_clients(bus, b, nb);
		if (json) {
			printf("{\"interval_ms\":%d,\"clients\":", interval_ms);
			print_clients(b, nb, util, 1);
			printf("}\n");
		} else {
			if (isatty(STDOUT_FILENO))
				printf("\033[H\033[2J");
			printf("edgeaictl top - %d client(s), every %d ms\n", nb, interval_ms);
			print_clients(b, nb, util, 0);
		}
		fflush(stdout);
		memcpy(a, b, sizeof(b[0]) * nb);
		na = nb;
		ta = tb;
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}

static int cmd_power_get(int json)
{
	struct dev d[16];
	int n = list_devs(d, 16);
	char profile[32] = "", avail[256];
	sd_bus *bus = daemon_bus();

	if (bus)
		get_str(bus, "PowerProfile", profile, sizeof(profile));
	if (json)
		printf("{\"profile\":%s%s%s,\"devices\":[", *profile ? "\"" : "null", profile, *profile ? "\"" : "");
	else
		printf("profile: %s\n%-8s %-4s %-10s %12s %12s %12s %-10s %s\n", *profile ? profile : "- (edgeaid not running)",
		       "DEVICE", "TYPE", "STATE", "CUR_HZ", "MIN_HZ", "MAX_HZ", "AUTOSUSP", "AVAILABLE_HZ");
	for (int i = 0; i < n; i++) {
		char p[600], state[32] = "?";

		snprintf(p, sizeof(p), "%s/power/runtime_status", d[i].syspath);
		read_str(p, state, sizeof(state));
		avail[0] = 0;
		if (*d[i].devfreq) {
			snprintf(p, sizeof(p), "%s/available_frequencies", d[i].devfreq);
			read_str(p, avail, sizeof(avail));
		}
		if (json) {
			printf("%s{\"device\":\"%s\",\"type\":\"%s\",\"runtime_status\":\"%s\",\"cur_freq_hz\":%lld,"
			       "\"min_freq_hz\":%lld,\"max_freq_hz\":%lld,\"autosuspend_delay_ms\":%lld,"
			       "\"available_hz\":\"%s\"}", i ? "," : "", d[i].name, d[i].type, state,
			       read_ll(d[i].devfreq, "cur_freq"), read_ll(d[i].devfreq, "min_freq"),
			       read_ll(d[i].devfreq, "max_freq"), read_ll(d[i].syspath, "power/autosuspend_delay_ms"),
			       avail);
		} else {
			printf("%-8s %-4s %-10s %12lld %12lld %12lld %-10lld %s\n", d[i].name, d[i].type, state,
			       read_ll(d[i].devfreq, "cur_freq"), read_ll(d[i].devfreq, "min_freq"),
			       read_ll(d[i].devfreq, "max_freq"), read_ll(d[i].syspath, "power/autosuspend_delay_ms"),
			       avail);
		}
	}
	if (json)
		printf("]}\n");
	sd_bus_flush_close_unref(bus);
	return n ? 0 : 1;
}

static int cmd_power_set(const char *profile)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus *bus = daemon_bus();
	int r;

	if (!bus) {
		fprintf(stderr, "edgeaictl: power set needs edgeaid (org.edgeai.Manager1 is not on the system bus)\n");
		return 1;
	}
	r = sd_bus_call_method(bus, M_NAME, M_PATH, M_NAME, "SetPowerProfile", &e, NULL, "s", profile);
	if (r < 0)
		fprintf(stderr, "edgeaictl: power set %s: %s\n", profile, e.message ? e.message : strerror(-r));
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? 1 : 0;
}

static int cmd_thermal(int json)
{
	struct dev d[16];
	int n = list_devs(d, 16);
	sd_bus *bus = daemon_bus();
	char throttled[8] = "", reason[32] = "";
	uint32_t limit = 0;
	int thr = 0;

	if (bus) {
		sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "ThermalLimit", NULL, 'u', &limit);
		sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "Throttled", NULL, 'b', &thr);
		get_str(bus, "ThrottleReason", reason, sizeof(reason));
		snprintf(throttled, sizeof(throttled), "%s", thr ? "yes" : "no");
	}
	if (json) {
		printf("{\"daemon\":%s", bus ? "true" : "false");
		if (bus)
			printf(",\"limit_mc\":%u,\"throttled\":%s,\"reason\":\"%s\"", limit, thr ? "true" : "false", reason);
		printf(",\"devices\":[");
	} else {
		if (bus)
			printf("edgeaid: limit %s, throttled %s%s%s\n", limit ? "" : "off", throttled,
			       *reason ? " (" : "", *reason ? reason : "");
		if (bus && limit)
			printf("edgeaid limit: %.1f C\n", limit / 1000.0);
		if (!bus)
			printf("edgeaid: not running (kernel trips only)\n");
		printf("%-8s %-4s %-22s %9s %s\n", "DEVICE", "TYPE", "ZONE", "TEMP_C", "TRIPS (type temp_C)");
	}
	for (int i = 0; i < n; i++) {
		long long t = *d[i].tz ? read_ll(d[i].tz, "temp") : -1;

		if (json) {
			printf("%s{\"device\":\"%s\",\"type\":\"%s\",\"zone\":\"%s\",\"temp_mc\":%lld,\"trips\":[",
			       i ? "," : "", d[i].name, d[i].type, *d[i].tz ? strrchr(d[i].tz, '/') + 1 : "", t);
		} else {
			printf("%-8s %-4s %-22s %9.1f ", d[i].name, d[i].type, *d[i].tz ? strrchr(d[i].tz, '/') + 1 : "-",
			       t / 1000.0);
		}
		for (int k = 0; *d[i].tz && k < 8; k++) {
			char a[64], ty[32], p[600];
			long long tt;

			snprintf(a, sizeof(a), "trip_point_%d_temp", k);
			tt = read_ll(d[i].tz, a);
			snprintf(p, sizeof(p), "%s/trip_point_%d_type", d[i].tz, k);
			if (tt < 0 || read_str(p, ty, sizeof(ty)))
				break;
			if (json)
				printf("%s{\"type\":\"%s\",\"temp_mc\":%lld}", k ? "," : "", ty, tt);
			else
				printf("%s%s %.1f", k ? ", " : "", ty, tt / 1000.0);
		}
		printf(json ? "]}" : "\n");
	}
	if (json)
		printf("]}\n");
	sd_bus_flush_close_unref(bus);
	return 0;
}

static int cmd_why(int json)
{
	sd_bus *bus = daemon_bus();
	char why[512] = "", advice[32] = "", reason[32] = "", status[256] = "", file[64] = "";
	int thr = 0;

	if (!bus) {
		read_str("/run/edgeaid/advice", file, sizeof(file));
		if (json)
			printf("{\"daemon\":false,\"advice\":\"%s\"}\n", *file ? file : "unknown");
		else
			printf("edgeaid is not running; last advice file: %s\n", *file ? file : "none");
		return 0;
	}
	get_str(bus, "Why", why, sizeof(why));
	get_str(bus, "FallbackAdvice", advice, sizeof(advice));
	get_str(bus, "ThrottleReason", reason, sizeof(reason));
	get_str(bus, "Status", status, sizeof(status));
	sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "Throttled", NULL, 'b', &thr);
	if (json) {
		printf("{\"daemon\":true,\"throttled\":%s,\"throttle_reason\":", thr ? "true" : "false");
		json_str(reason);
		printf(",\"fallback_advice\":");
		json_str(advice);
		printf(",\"why\":");
		json_str(why);
		printf(",\"status\":");
		json_str(status);
		printf("}\n");
	} else {
		printf("status:    %s\nthrottled: %s%s%s%s\nfallback:  %s\nlast decision: %s\n", status, thr ? "yes" : "no",
		       *reason ? " (" : "", reason, *reason ? ")" : "", *advice ? advice : "not advised",
		       *why ? why : "none yet");
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}

int ctl_ops_run(const char *cmd, int n, char **operands, int json)
{
	if (!strcmp(cmd, "clients"))
		return n ? 2 : cmd_clients(json);
	if (!strcmp(cmd, "top")) {
		int it = n >= 1 ? atoi(operands[0]) : 0, ms = n >= 2 ? atoi(operands[1]) : 1000;

		if (n > 2 || (n >= 1 && it < 1) || ms < 50 || ms > 60000) {
			fprintf(stderr, "edgeaictl: top [ITERATIONS [INTERVAL_MS]] (INTERVAL_MS 50..60000)\n");
			return 2;
		}
		if (!json && n == 0 && !isatty(STDOUT_FILENO))
			it = 1;
		return cmd_top(json, it, ms);
	}
	if (!strcmp(cmd, "power")) {
		if (n == 0 || (n == 1 && !strcmp(operands[0], "get")))
			return cmd_power_get(json);
		if (n == 2 && !strcmp(operands[0], "set"))
			return cmd_power_set(operands[1]);
		fprintf(stderr, "edgeaictl: power get | power set power-saver|balanced|performance\n");
		return 2;
	}
	if (!strcmp(cmd, "thermal"))
		return n ? 2 : cmd_thermal(json);
	if (!strcmp(cmd, "why"))
		return n ? 2 : cmd_why(json);
	return -1;
}

void ctl_status_live(const char *const *nodes, const unsigned int *cores, int n, struct ctl_live *live,
		     int sample_ms)
{
	static struct client c[MAXC];
	struct dev d[16];
	int nd = list_devs(d, 16), nc = list_clients(c, MAXC);
	long long busy0[16];
	int64_t t0, t1;

	for (int i = 0; i < n; i++) {
		const char *base = strrchr(nodes[i], '/') ? strrchr(nodes[i], '/') + 1 : nodes[i];
		struct ctl_live *l = &live[i];
		char p[600];

		memset(l, 0, sizeof(*l));
		snprintf(l->state, sizeof(l->state), "?");
		l->cur_hz = l->max_hz = l->temp_mc = -1;
		l->util_pct = -1;
		busy0[i] = -1;
		for (int k = 0; k < nc; k++)
			l->clients += !strcmp(c[k].device, base);
		for (int k = 0; k < nd; k++) {
			if (strcmp(d[k].name, base))
				continue;
			snprintf(p, sizeof(p), "%s/power/runtime_status", d[k].syspath);
			read_str(p, l->state, sizeof(l->state));
			if (*d[k].devfreq) {
				l->cur_hz = read_ll(d[k].devfreq, "cur_freq");
				l->max_hz = read_ll(d[k].devfreq, "max_freq");
			}
			if (*d[k].tz)
				l->temp_mc = read_ll(d[k].tz, "temp");
			if (i < 16)
				busy0[i] = read_ll(d[k].syspath, "busy_time_us");
		}
	}
	if (sample_ms <= 0)
		return;
	t0 = now_ns();
	nanosleep(&(struct timespec){ sample_ms / 1000, (sample_ms % 1000) * 1000000L }, NULL);
	t1 = now_ns();
	for (int i = 0; i < n && i < 16; i++) {
		const char *base = strrchr(nodes[i], '/') ? strrchr(nodes[i], '/') + 1 : nodes[i];

		for (int k = 0; k < nd; k++) {
			long long b1;

			if (strcmp(d[k].name, base) || busy0[i] < 0)
				continue;
			b1 = read_ll(d[k].syspath, "busy_time_us");
			if (b1 >= busy0[i] && cores[i])
				live[i].util_pct = 100.0 * (b1 - busy0[i]) * 1000.0 / ((t1 - t0) * (double)cores[i]);
		}
	}
}

void ctl_status_policy(int json)
{
	sd_bus *bus = daemon_bus();
	sd_bus_message *reply = NULL;
	char profile[32] = "", reason[32] = "", advice[32] = "";
	uint32_t limit = 0, regs = 0;
	int thr = 0, first = 1;

	if (!bus) {
		if (json)
			printf("null");
		else
			printf("\npolicy: edgeaid is not running (kernel defaults; `systemctl start edgeaid`)\n");
		return;
	}
	get_str(bus, "PowerProfile", profile, sizeof(profile));
	get_str(bus, "ThrottleReason", reason, sizeof(reason));
	get_str(bus, "FallbackAdvice", advice, sizeof(advice));
	sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "ThermalLimit", NULL, 'u', &limit);
	sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "Throttled", NULL, 'b', &thr);
	sd_bus_get_property_trivial(bus, M_NAME, M_PATH, M_NAME, "RegisteredClients", NULL, 'u', &regs);
	if (json) {
		printf("{\"profile\":");
		json_str(profile);
		printf(",\"thermal_limit_mc\":%u,\"throttled\":%s,\"throttle_reason\":", limit, thr ? "true" : "false");
		json_str(reason);
		printf(",\"fallback_advice\":");
		json_str(advice);
		printf(",\"registered_clients\":%u,\"applications\":[", regs);
	} else {
		printf("\npolicy (edgeaid):\n  profile %s, thermal limit ", profile);
		if (limit)
			printf("%.1f C", limit / 1000.0);
		else
			printf("off");
		printf(", %s%s%s, fallback %s, %u registered client(s)\n", thr ? "throttled (" : "not throttled",
		       thr ? reason : "", thr ? ")" : "", *advice ? advice : "not advised", regs);
	}
	if (sd_bus_get_property(bus, M_NAME, M_PATH, M_NAME, "Applications", NULL, &reply, "a(ssutt)") >= 0 &&
	    sd_bus_message_enter_container(reply, 'a', "(ssutt)") >= 0) {
		const char *name, *prio;
		uint32_t weight;
		uint64_t quota, period;

		while (sd_bus_message_read(reply, "(ssutt)", &name, &prio, &weight, &quota, &period) > 0) {
			if (json) {
				printf("%s{\"name\":", first ? "" : ",");
				json_str(name);
				printf(",\"priority\":");
				json_str(prio);
				printf(",\"weight\":%u,\"quota_ns\":%" PRIu64 ",\"period_ns\":%" PRIu64 "}", weight,
				       quota, period);
			} else {
				if (first)
					printf("  %-16s %-8s %6s %s\n", "APPLICATION", "PRIO", "WEIGHT", "QUOTA");
				printf("  %-16s %-8s %6u ", name, *prio ? prio : "-", weight);
				if (quota)
					printf("%.1f ms per %.1f ms\n", quota / 1e6, period / 1e6);
				else
					printf("-\n");
			}
			first = 0;
		}
	}
	if (json)
		printf("]}");
	else if (first)
		printf("  no application rules\n");
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
}
