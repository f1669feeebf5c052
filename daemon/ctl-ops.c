// SPDX-License-Identifier: MIT
/*
 * edgeaictl's operator verbs: clients, top, power get|set, thermal, why,
 * and the live state and policy that status adds. Everything is read from
 * sysfs and /proc/PID/fdinfo (shared/sysfs.h), so it works without edgeaid;
 * when edgeaid runs, its view (applications, weights, profile, throttling,
 * advice) is added from org.edgeai.Manager1 on the system bus. `power set`
 * needs edgeaid (it owns the knobs).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "edgeaictl.h"
#include "shared/macro.h"
#include "shared/protocol.h"
#include "shared/sysfs.h"

/* destination, object and interface of edgeaid's calls */
#define MANAGER EDGEAID_BUS_NAME, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE

struct client {
	AccelClient info;       /* from /proc/PID/fdinfo */
	/* from edgeaid, when it runs */
	char app[64], prio[16];
	uint32_t weight;
	uint64_t quota_ns;
	int from_daemon;
};

struct client_list {
	struct client *c;
	int n, max;
};

static int client_add(const AccelClient *ac, void *userdata)
{
	struct client_list *l = userdata;

	if (l->n == l->max)
		return 1;
	l->c[l->n++] = (struct client) { .info = *ac };
	return 0;
}

/*
 * The devices --device selects, in name order, into *@ret (to free); none
 * when sysfs cannot be read.
 */
static int list_devs(AccelDevice **ret)
{
	unsigned int npu = 0, dsp = 0, idx;
	size_t n = 0, k = 0;

	if (accel_enumerate(ret, &n) < 0) {
		*ret = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		AccelDevice *d = &(*ret)[i];

		idx = !strcasecmp(d->type, "npu") ? npu++ : !strcasecmp(d->type, "dsp") ? dsp++ : 0;
		if (ctl_device_match_sysfs(&arg_device, d->name, d->type, idx))
			(*ret)[k++] = *d;
	}
	return (int)k;
}

/*
 * Before a verb's work: --device cpu names no device here (usage error);
 * the selected devices into *@d, their count into *@n. Returns -1 to go on,
 * else the exit status. Without a device the verbs go on with --json (their
 * JSON with no devices, then exit 1) or @go_on (why: its text is about
 * edgeaid, not the devices), and stop here otherwise: always exit status 1
 * and the same message.
 */
static int need_devices(AccelDevice **d, int *n, int go_on)
{
	if (arg_device.how == CTL_DEVICE_CPU) {
		fprintf(stderr, "edgeaictl: --device cpu names no accelerator; use npu, dsp, npuN, dspN,\n"
			"accelN or a node path\n");
		*d = NULL;
		return EXIT_USAGE;
	}
	*n = list_devs(d);
	if (*n == 0 && !arg_json && !go_on)
		return ctl_no_device(&arg_device);
	return -1;
}

/* The exit status at the end of a verb that found @n devices */
static int devices_status(int n)
{
	return n ? 0 : ctl_no_device(&arg_device);
}

/* The open files of the devices @d[0..@nd-1] */
static int list_clients(struct client *c, int max, const AccelDevice *d, int nd)
{
	struct client_list l = { c, 0, max };
	int k = 0;

	accel_clients_scan(client_add, &l);
	for (int i = 0; i < l.n; i++)
		for (int j = 0; j < nd; j++)
			if (!strcmp(c[i].info.device, d[j].name)) {
				c[k++] = c[i];
				break;
			}
	return k;
}

static sd_bus *daemon_bus(void)
{
	sd_bus *bus = NULL;

	if (sd_bus_open_system(&bus) < 0)
		return NULL;
	/* on a terminal, polkit may ask for a password (power set) */
	if (isatty(STDIN_FILENO))
		(void)sd_bus_set_allow_interactive_authorization(bus, 1);
	if (sd_bus_call_method(bus, EDGEAID_BUS_NAME, EDGEAID_BUS_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, "") < 0) {
		sd_bus_flush_close_unref(bus);
		return NULL;
	}
	return bus;
}

static int get_str(sd_bus *bus, const char *prop, char *out, size_t len)
{
	char *s = NULL;
	int r = sd_bus_get_property_string(bus, MANAGER, prop, NULL, &s);

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

	if (sd_bus_get_property(bus, MANAGER, "Clients", NULL, &reply, "a(tuussssutt)") < 0)
		return;
	if (sd_bus_message_enter_container(reply, 'a', "(tuussssutt)") >= 0)
		while (sd_bus_message_read(reply, "(tuussssutt)", &id, &pid, &uid, &comm, &dev, &app, &prio, &weight,
					   &quota, &engine) > 0)
			for (int i = 0; i < n; i++)
				if (c[i].info.id == id && !strcmp(c[i].info.device, dev)) {
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
			printf("%s{\"id\":%" PRIu64 ",\"pid\":%u,\"uid\":%u,\"comm\":", i ? "," : "", c[i].info.id, c[i].info.pid,
			       c[i].info.uid);
			json_string(stdout, c[i].info.comm);
			printf(",\"device\":");
			json_string(stdout, c[i].info.device);
			printf(",\"cgroup\":");
			json_string(stdout, c[i].info.cgroup);
			printf(",\"engine_ns\":%" PRIu64, c[i].info.engine_ns);
			if (util)
				printf(",\"utilization_pct\":%.1f", util[i]);
			if (c[i].from_daemon) {
				printf(",\"application\":");
				json_string(stdout, c[i].app);
				printf(",\"priority\":");
				json_string(stdout, c[i].prio);
				printf(",\"weight\":%u,\"quota_ns\":%" PRIu64, c[i].weight, c[i].quota_ns);
			}
			printf("}");
		}
		printf("]");
		return;
	}
	/* clients ends with the cgroup (its unit, a container's scope), top with the share */
	printf("%-8s %-7s %-6s %-15s %-8s %-12s %-7s %6s %14s%s\n", "CLIENT", "PID", "UID", "COMM", "DEVICE",
	       "APPLICATION", "PRIO", "WEIGHT", "ENGINE_MS", util ? "   UTIL" : "  CGROUP");
	for (int i = 0; i < n; i++) {
		char w[16];

		snprintf(w, sizeof(w), c[i].from_daemon ? "%u" : "-", c[i].weight);
		printf("%-8" PRIu64 " %-7u %-6u %-15s %-8s %-12s %-7s %6s %14.1f", c[i].info.id, c[i].info.pid, c[i].info.uid, c[i].info.comm,
		       c[i].info.device, c[i].from_daemon && *c[i].app ? c[i].app : "-",
		       c[i].from_daemon ? c[i].prio : "-", w, c[i].info.engine_ns / 1e6);
		if (util)
			printf(" %5.1f%%", util[i]);
		else
			printf("  %s", *c[i].info.cgroup ? c[i].info.cgroup : "-");
		printf("\n");
	}
}

int verb_clients(int argc _unused_, char *argv[] _unused_)
{
	static struct client c[MAXC];
	_cleanup_free_ AccelDevice *d = NULL;
	int nd = 0, n, r = need_devices(&d, &nd, 0);
	sd_bus *bus;

	if (r >= 0)
		return r;
	n = list_clients(c, MAXC, d, nd);
	bus = daemon_bus();

	if (bus)
		merge_daemon_clients(bus, c, n);
	if (arg_json) {
		printf("{\"daemon\":%s,\"clients\":", bus ? "true" : "false");
		print_clients(c, n, NULL, 1);
		printf("}\n");
	} else if (n)
		print_clients(c, n, NULL, 0);
	else
		printf("no clients\n");
	sd_bus_flush_close_unref(bus);
	return devices_status(nd);
}

static int top(int iterations, int interval_ms, const AccelDevice *devs, int nd)
{
	static struct client a[MAXC], b[MAXC];
	static double util[MAXC];
	sd_bus *bus = daemon_bus();
	int na = list_clients(a, MAXC, devs, nd);
	int64_t ta = now_ns();

	for (int it = 0; iterations <= 0 || it < iterations; it++) {
		struct timespec d = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
		int nb;
		int64_t tb;

		nanosleep(&d, NULL);
		nb = list_clients(b, MAXC, devs, nd);
		tb = now_ns();
		for (int i = 0; i < nb; i++) {
			util[i] = 0;
			for (int j = 0; j < na; j++)
				if (a[j].info.id == b[i].info.id && !strcmp(a[j].info.device, b[i].info.device) && b[i].info.engine_ns >= a[j].info.engine_ns)
					util[i] = 100.0 * (b[i].info.engine_ns - a[j].info.engine_ns) / (tb - ta);
		}
		if (bus)
			merge_daemon_clients(bus, b, nb);
		if (arg_json) {
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

static int power_get(void)
{
	_cleanup_free_ AccelDevice *d = NULL;
	char profile[32] = "", avail[256];
	int n = 0, r = need_devices(&d, &n, 0);
	sd_bus *bus;

	if (r >= 0)
		return r;
	bus = daemon_bus();

	if (bus)
		get_str(bus, "PowerProfile", profile, sizeof(profile));
	if (arg_json) {
		printf("{\"profile\":");
		json_string(stdout, *profile ? profile : NULL);
		printf(",\"devices\":[");
	} else {
		printf("profile: %s\n%-8s %-4s %-10s %12s %12s %12s %-10s %s\n", *profile ? profile : "- (edgeaid not running)",
		       "DEVICE", "TYPE", "STATE", "CUR_HZ", "MIN_HZ", "MAX_HZ", "AUTOSUSP", "AVAILABLE_HZ");
	}
	for (int i = 0; i < n; i++) {
		char state[32] = "?";

		read_attr(d[i].syspath, "power/runtime_status", state, sizeof(state));
		avail[0] = 0;
		if (*d[i].devfreq)
			read_attr(d[i].devfreq, "available_frequencies", avail, sizeof(avail));
		if (arg_json) {
			printf("%s{\"device\":", i ? "," : "");
			json_string(stdout, d[i].name);
			printf(",\"type\":");
			json_string(stdout, d[i].type);
			printf(",\"runtime_status\":");
			json_string(stdout, state);
			printf(",\"cur_freq_hz\":%lld,\"min_freq_hz\":%lld,\"max_freq_hz\":%lld,"
			       "\"autosuspend_delay_ms\":%lld,\"available_hz\":",
			       read_attr_ll(d[i].devfreq, "cur_freq", -1), read_attr_ll(d[i].devfreq, "min_freq", -1),
			       read_attr_ll(d[i].devfreq, "max_freq", -1), read_attr_ll(d[i].syspath, "power/autosuspend_delay_ms", -1));
			json_string(stdout, avail);
			printf("}");
		} else {
			printf("%-8s %-4s %-10s %12lld %12lld %12lld %-10lld %s\n", d[i].name, d[i].type, state,
			       read_attr_ll(d[i].devfreq, "cur_freq", -1), read_attr_ll(d[i].devfreq, "min_freq", -1),
			       read_attr_ll(d[i].devfreq, "max_freq", -1), read_attr_ll(d[i].syspath, "power/autosuspend_delay_ms", -1),
			       avail);
		}
	}
	if (arg_json)
		printf("]}\n");
	sd_bus_flush_close_unref(bus);
	return devices_status(n);
}

static int power_set(const char *profile)
{
	static const char *const profiles[] = { EDGEAID_POWER_PROFILES };
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus *bus;
	size_t i;
	int r;

	for (i = 0; i < ELEMENTSOF(profiles); i++)
		if (!strcmp(profile, profiles[i]))
			break;
	if (i == ELEMENTSOF(profiles)) {
		fprintf(stderr, "edgeaictl: power set %s: unknown profile; valid profiles:", profile);
		for (i = 0; i < ELEMENTSOF(profiles); i++)
			fprintf(stderr, "%s %s", i ? "," : "", profiles[i]);
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	bus = daemon_bus();
	if (!bus) {
		fprintf(stderr, "edgeaictl: power set needs edgeaid (org.edgeai.Manager1 is not on the system bus)\n");
		return 1;
	}
	r = sd_bus_call_method(bus, MANAGER, "SetPowerProfile", &e, NULL, "s", profile);
	if (r < 0)
		fprintf(stderr, "edgeaictl: power set %s: %s\n", profile, e.message ? e.message : strerror(-r));
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? 1 : 0;
}

int verb_thermal(int argc _unused_, char *argv[] _unused_)
{
	_cleanup_free_ AccelDevice *d = NULL;
	char throttled[8] = "", reason[32] = "";
	int n = 0, thr = 0, r = need_devices(&d, &n, 0);
	uint32_t limit = 0;
	sd_bus *bus;

	if (r >= 0)
		return r;
	bus = daemon_bus();

	if (bus) {
		sd_bus_get_property_trivial(bus, MANAGER, "ThermalLimit", NULL, 'u', &limit);
		sd_bus_get_property_trivial(bus, MANAGER, "Throttled", NULL, 'b', &thr);
		get_str(bus, "ThrottleReason", reason, sizeof(reason));
		snprintf(throttled, sizeof(throttled), "%s", thr ? "yes" : "no");
	}
	if (arg_json) {
		printf("{\"daemon\":%s", bus ? "true" : "false");
		if (bus) {
			printf(",\"limit_mc\":%u,\"throttled\":%s,\"reason\":", limit, thr ? "true" : "false");
			json_string(stdout, reason);
		}
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
		long long t = *d[i].tz ? read_attr_ll(d[i].tz, "temp", -1) : -1;
		char zt[64] = "";

		/* the zone's type: the device's name, or the one a device tree gives it */
		if (*d[i].tz)
			read_attr(d[i].tz, "type", zt, sizeof(zt));
		if (arg_json) {
			printf("%s{\"device\":", i ? "," : "");
			json_string(stdout, d[i].name);
			printf(",\"type\":");
			json_string(stdout, d[i].type);
			printf(",\"zone\":");
			json_string(stdout, *d[i].tz ? strrchr(d[i].tz, '/') + 1 : "");
			printf(",\"zone_type\":");
			json_string(stdout, zt);
			printf(",\"temp_mc\":%lld,\"trips\":[", t);
		} else {
			printf("%-8s %-4s %-22s %9.1f ", d[i].name, d[i].type, *zt ? zt : "-", t / 1000.0);
		}
		for (int k = 0; *d[i].tz && k < 8; k++) {
			char a[64], ty[32];
			long long tt;

			snprintf(a, sizeof(a), "trip_point_%d_temp", k);
			tt = read_attr_ll(d[i].tz, a, -1);
			snprintf(a, sizeof(a), "trip_point_%d_type", k);
			if (tt < 0 || read_attr(d[i].tz, a, ty, sizeof(ty)))
				break;
			if (arg_json) {
				printf("%s{\"type\":", k ? "," : "");
				json_string(stdout, ty);
				printf(",\"temp_mc\":%lld}", tt);
			} else {
				printf("%s%s %.1f", k ? ", " : "", ty, tt / 1000.0);
			}
		}
		printf(arg_json ? "]}" : "\n");
	}
	if (arg_json)
		printf("]}\n");
	sd_bus_flush_close_unref(bus);
	return devices_status(n);
}

int verb_why(int argc _unused_, char *argv[] _unused_)
{
	_cleanup_free_ AccelDevice *d = NULL;
	char why[512] = "", advice[32] = "", reason[32] = "", status[256] = "", file[64] = "";
	int n = 0, thr = 0, r = need_devices(&d, &n, 1);
	sd_bus *bus;

	if (r >= 0)
		return r;
	bus = daemon_bus();
	if (!bus) {
		/* the advice file edgeaid left, in the same word for text and JSON */
		if (read_line_file(EDGEAID_ADVICE_PATH, file, sizeof(file)) < 0 || !*file)
			snprintf(file, sizeof(file), "unknown");
		if (arg_json) {
			printf("{\"daemon\":false,\"advice\":");
			json_string(stdout, file);
			printf("}\n");
		} else {
			printf("edgeaid is not running; last advice it left: %s\n", file);
		}
		return devices_status(n);
	}
	get_str(bus, "Why", why, sizeof(why));
	get_str(bus, "FallbackAdvice", advice, sizeof(advice));
	get_str(bus, "ThrottleReason", reason, sizeof(reason));
	get_str(bus, "Status", status, sizeof(status));
	sd_bus_get_property_trivial(bus, MANAGER, "Throttled", NULL, 'b', &thr);
	if (arg_json) {
		printf("{\"daemon\":true,\"throttled\":%s,\"throttle_reason\":", thr ? "true" : "false");
		json_string(stdout, reason);
		printf(",\"fallback_advice\":");
		json_string(stdout, advice);
		printf(",\"why\":");
		json_string(stdout, why);
		printf(",\"status\":");
		json_string(stdout, status);
		printf("}\n");
	} else {
		printf("status:    %s\nthrottled: %s%s%s%s\nfallback:  %s\nlast decision: %s\n", status, thr ? "yes" : "no",
		       *reason ? " (" : "", reason, *reason ? ")" : "", *advice ? advice : "not advised",
		       *why ? why : "none yet");
	}
	sd_bus_flush_close_unref(bus);
	return devices_status(n);
}

int verb_top(int argc, char *argv[])
{
	int it = argc > 1 ? atoi(argv[1]) : 0, ms = argc > 2 ? atoi(argv[2]) : 1000;

	if ((argc > 1 && it < 1) || ms < 50 || ms > 60000) {
		fprintf(stderr, "edgeaictl: top [ITERATIONS [INTERVAL_MS]] (INTERVAL_MS 50..60000)\n");
		return EXIT_USAGE;
	}
	if (!arg_json && argc == 1 && !isatty(STDOUT_FILENO))
		it = 1;
	{
		_cleanup_free_ AccelDevice *d = NULL;
		int n = 0, r = need_devices(&d, &n, 0);

		if (r >= 0)
			return r;
		if (n == 0) /* --json: one empty sample, not a wait */
			it = 1;
		r = top(it, ms, d, n);
		return r ? r : devices_status(n);
	}
}

int verb_power(int argc, char *argv[])
{
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "get")))
		return power_get();
	if (argc == 3 && !strcmp(argv[1], "set"))
		return power_set(argv[2]);
	fprintf(stderr, "edgeaictl: usage: power [get] | power set PROFILE (power-saver, balanced or\n"
		"performance)\n");
	return EXIT_USAGE;
}

void ctl_status_live(const char *const *nodes, const unsigned int *cores, int n, struct ctl_live *live,
		     int sample_ms)
{
	static struct client c[MAXC];
	_cleanup_free_ AccelDevice *d = NULL;
	int nd = list_devs(&d), nc = list_clients(c, MAXC, d, nd);
	long long busy0[16];
	int64_t t0, t1;

	for (int i = 0; i < n; i++) {
		const char *base = strrchr(nodes[i], '/') ? strrchr(nodes[i], '/') + 1 : nodes[i];
		struct ctl_live *l = &live[i];

		memset(l, 0, sizeof(*l));
		snprintf(l->state, sizeof(l->state), "?");
		l->cur_hz = l->max_hz = l->temp_mc = -1;
		l->util_pct = -1;
		if (i < 16)
			busy0[i] = -1;
		for (int k = 0; k < nc; k++)
			l->clients += !strcmp(c[k].info.device, base);
		for (int k = 0; k < nd; k++) {
			if (strcmp(d[k].name, base))
				continue;
			read_attr(d[k].syspath, "power/runtime_status", l->state, sizeof(l->state));
			if (*d[k].devfreq) {
				l->cur_hz = read_attr_ll(d[k].devfreq, "cur_freq", -1);
				l->max_hz = read_attr_ll(d[k].devfreq, "max_freq", -1);
			}
			if (*d[k].tz)
				l->temp_mc = read_attr_ll(d[k].tz, "temp", -1);
			if (i < 16)
				busy0[i] = read_attr_ll(d[k].syspath, "busy_time_us", -1);
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
			b1 = read_attr_ll(d[k].syspath, "busy_time_us", -1);
			if (b1 >= busy0[i] && cores[i])
				live[i].util_pct = 100.0 * (b1 - busy0[i]) * 1000.0 / ((t1 - t0) * (double)cores[i]);
		}
	}
}

void ctl_status_policy(void)
{
	sd_bus *bus = daemon_bus();
	sd_bus_message *reply = NULL;
	char profile[32] = "", reason[32] = "", advice[32] = "";
	uint32_t limit = 0, regs = 0;
	int thr = 0, first = 1;

	if (!bus) {
		if (arg_json)
			printf("null");
		else
			printf("\npolicy: edgeaid is not running (kernel defaults; `systemctl start edgeaid`)\n");
		return;
	}
	get_str(bus, "PowerProfile", profile, sizeof(profile));
	get_str(bus, "ThrottleReason", reason, sizeof(reason));
	get_str(bus, "FallbackAdvice", advice, sizeof(advice));
	sd_bus_get_property_trivial(bus, MANAGER, "ThermalLimit", NULL, 'u', &limit);
	sd_bus_get_property_trivial(bus, MANAGER, "Throttled", NULL, 'b', &thr);
	sd_bus_get_property_trivial(bus, MANAGER, "RegisteredClients", NULL, 'u', &regs);
	if (arg_json) {
		printf("{\"profile\":");
		json_string(stdout, profile);
		printf(",\"thermal_limit_mc\":%u,\"throttled\":%s,\"throttle_reason\":", limit, thr ? "true" : "false");
		json_string(stdout, reason);
		printf(",\"fallback_advice\":");
		json_string(stdout, advice);
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
	if (sd_bus_get_property(bus, MANAGER, "Applications", NULL, &reply, "a(ssutt)") >= 0 &&
	    sd_bus_message_enter_container(reply, 'a', "(ssutt)") >= 0) {
		const char *name, *prio;
		uint32_t weight;
		uint64_t quota, period;

		while (sd_bus_message_read(reply, "(ssutt)", &name, &prio, &weight, &quota, &period) > 0) {
			if (arg_json) {
				printf("%s{\"name\":", first ? "" : ",");
				json_string(stdout, name);
				printf(",\"priority\":");
				json_string(stdout, prio);
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
	if (arg_json)
		printf("]}");
	else if (first)
		printf("  no application rules\n");
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
}
