// SPDX-License-Identifier: MIT
/*
 * edgeaid: Prometheus metrics in the text exposition format (version 0.0.4),
 * for node_exporter's textfile collector. Names follow Prometheus'
 * conventions: the edgeai_ prefix, base units in the name (_seconds,
 * _hertz, _celsius, _ratio), _total on counters. Every series carries the
 * board label (shared/board.h), so a fleet's series stay apart.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgeaid-manager.h"

void metrics_done(Metrics *x)
{
	free(x->apps);
	free(x->fallbacks);
	free(x->samples);
	x->apps = NULL;
	x->fallbacks = NULL;
	x->samples = NULL;
	x->n_apps = x->n_fallbacks = x->n_samples = 0;
}

int metrics_account(Metrics *x, const char *app, const char *device, uint64_t device_ns, uint64_t jobs,
		    uint64_t quota_refusals)
{
	AppStats *s = NULL, *n;

	if (!*app)
		app = METRICS_NO_APP;
	for (size_t i = 0; i < x->n_apps && !s; i++)
		if (!strcmp(x->apps[i].app, app) && !strcmp(x->apps[i].device, device))
			s = &x->apps[i];
	if (!s) {
		n = realloc(x->apps, (x->n_apps + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		x->apps = n;
		s = &x->apps[x->n_apps++];
		*s = (AppStats) {};
		snprintf(s->app, sizeof(s->app), "%s", app);
		snprintf(s->device, sizeof(s->device), "%s", device);
	}
	s->device_ns += device_ns;
	s->jobs += jobs;
	s->quota_refusals += quota_refusals;
	return 0;
}

int metrics_fallback(Metrics *x, const char *app, const char *reason, uint64_t count)
{
	FallbackStats *s = NULL, *n;

	if (!*app)
		app = METRICS_NO_APP;
	for (size_t i = 0; i < x->n_fallbacks && !s; i++)
		if (!strcmp(x->fallbacks[i].app, app) && !strcmp(x->fallbacks[i].reason, reason))
			s = &x->fallbacks[i];
	if (!s) {
		n = realloc(x->fallbacks, (x->n_fallbacks + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		x->fallbacks = n;
		s = &x->fallbacks[x->n_fallbacks++];
		*s = (FallbackStats) {};
		snprintf(s->app, sizeof(s->app), "%s", app);
		snprintf(s->reason, sizeof(s->reason), "%s", reason);
	}
	s->count += count;
	return 0;
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void device_labels(FILE *f, const Metrics *x, const Device *d)
{
	fputs("{board=\"", f);
	label_value(f, x->board);
	fputs("\",device=\"", f);
	label_value(f, d->sys.name);
	fputs("\",type=\"", f);
	label_value(f, *d->sys.type ? d->sys.type : "unknown");
	fputs("\"", f);
}

static void device_value(FILE *f, const Metrics *x, const Device *d, const char *name, double v)
{
	fputs(name, f);
	device_labels(f, x, d);
	fprintf(f, "} %.17g\n", v);
}

static DeviceSample *sample_find(Metrics *x, const char *device)
{
	DeviceSample *n;

	for (size_t i = 0; i < x->n_samples; i++)
		if (!strcmp(x->samples[i].device, device))
			return &x->samples[i];
	n = realloc(x->samples, (x->n_samples + 1) * sizeof(*n));
	if (!n)
		return NULL;
	x->samples = n;
	n = &x->samples[x->n_samples++];
	*n = (DeviceSample) { .util = -1 };
	snprintf(n->device, sizeof(n->device), "%s", device);
	return n;
}

static const char *const pm_states[] = { "active", "suspended", "suspending", "resuming", "error", "unsupported" };

/* What sysfs says of a device at the time of writing. */
typedef struct DeviceNow {
	long long busy_us, cores, resets, jobs, suspended_ms, max_hz;
	char pm[32];
	double util;
} DeviceNow;

static void device_now(Metrics *x, const Device *d, uint64_t now_usec, DeviceNow *n)
{
	DeviceSample *s;

	n->busy_us = read_attr_ll(d->sys.syspath, "busy_time_us", -1);
	n->cores = read_attr_ll(d->sys.syspath, "core_count", 1);
	n->resets = read_attr_ll(d->sys.syspath, "reset_count", -1);
	n->jobs = read_attr_ll(d->sys.syspath, "jobs_completed", -1);
	n->suspended_ms = read_attr_ll(d->sys.syspath, "power/runtime_suspended_time", -1);
	n->max_hz = *d->sys.devfreq ? read_attr_ll(d->sys.devfreq, "max_freq", -1) : -1;
	if (read_attr(d->sys.syspath, "power/runtime_status", n->pm, sizeof(n->pm)) < 0)
		snprintf(n->pm, sizeof(n->pm), "unsupported");
	n->util = -1;
	s = sample_find(x, d->sys.name);
	if (!s || n->busy_us < 0)
		return;
	if (s->at_usec && now_usec > s->at_usec && (uint64_t)n->busy_us >= s->busy_us)
		s->util = (double)((uint64_t)n->busy_us - s->busy_us) /
			  ((double)(now_usec - s->at_usec) * (n->cores > 0 ? n->cores : 1));
	if (s->util > 1)
		s->util = 1;
	/* the first sample gives no interval: utilization comes with the second */
	if (!s->at_usec || now_usec > s->at_usec) {
		s->busy_us = n->busy_us;
		s->at_usec = now_usec;
	}
	n->util = s->util;
}

int metrics_format(Manager *m, FILE *f, uint64_t now_usec)
{
	Metrics *x = &m->metrics;
	DeviceNow *now = calloc(m->n_devices ? m->n_devices : 1, sizeof(*now));

	if (!now)
		return -ENOMEM;
	if (!*x->board)
		board_id(NULL, x->board, sizeof(x->board));
	for (size_t i = 0; i < m->n_devices; i++)
		device_now(x, &m->devices[i], now_usec, &now[i]);

	family(f, "edgeai_board_info", "gauge", "The board (its id: /etc/edgeai/board-id or derived from the machine id), always 1.");
	fputs("edgeai_board_info{board=\"", f);
	label_value(f, x->board);
	fprintf(f, "\",profile=\"%s\"} 1\n", profile_to_string(m->profile));

	family(f, "edgeai_device_busy_seconds_total", "counter", "Device time of all cores of the accelerator, seconds (sysfs busy_time_us).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].busy_us >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_busy_seconds_total", now[i].busy_us / 1e6);
	family(f, "edgeai_device_utilization_ratio", "gauge", "Busy share of the device's capacity over edgeaid's last metrics interval, 0 to 1.");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].util >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_utilization_ratio", now[i].util);
	family(f, "edgeai_device_clock_hertz", "gauge", "Current core clock (devfreq cur_freq).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (*m->devices[i].sys.devfreq)
			device_value(f, x, &m->devices[i], "edgeai_device_clock_hertz", (double)m->devices[i].cur_freq);
	family(f, "edgeai_device_max_clock_hertz", "gauge", "Highest core clock allowed now (devfreq max_freq: profile and thermal cap).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].max_hz >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_max_clock_hertz", (double)now[i].max_hz);
	family(f, "edgeai_device_temperature_celsius", "gauge", "Temperature of the device's thermal zone.");
	for (size_t i = 0; i < m->n_devices; i++)
		if (*m->devices[i].sys.tz)
			device_value(f, x, &m->devices[i], "edgeai_device_temperature_celsius", m->devices[i].temp_mc / 1000.0);
	family(f, "edgeai_device_throttled", "gauge", "1 while edgeaid caps the device's clock for its temperature, else 0.");
	for (size_t i = 0; i < m->n_devices; i++)
		device_value(f, x, &m->devices[i], "edgeai_device_throttled", m->devices[i].throttled);
	family(f, "edgeai_device_runtime_pm_state", "gauge", "Runtime power management state (power/runtime_status): 1 for the current state.");
	for (size_t i = 0; i < m->n_devices; i++)
		for (size_t k = 0; k < ELEMENTSOF(pm_states); k++) {
			fputs("edgeai_device_runtime_pm_state", f);
			device_labels(f, x, &m->devices[i]);
			fprintf(f, ",state=\"%s\"} %d\n", pm_states[k], !strcmp(now[i].pm, pm_states[k]));
		}
	family(f, "edgeai_device_runtime_suspended_seconds_total", "counter", "Time the device spent runtime-suspended (power/runtime_suspended_time).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].suspended_ms >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_runtime_suspended_seconds_total", now[i].suspended_ms / 1e3);
	family(f, "edgeai_device_jobs_total", "counter", "Jobs the device completed (sysfs jobs_completed).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].jobs >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_jobs_total", (double)now[i].jobs);
	family(f, "edgeai_device_resets_total", "counter", "Resets of the device's cores after a hung or failed job (sysfs reset_count).");
	for (size_t i = 0; i < m->n_devices; i++)
		if (now[i].resets >= 0)
			device_value(f, x, &m->devices[i], "edgeai_device_resets_total", (double)now[i].resets);
	family(f, "edgeai_device_clients", "gauge", "Open files of the device.");
	for (size_t i = 0; i < m->n_devices; i++) {
		size_t c = 0;

		for (size_t k = 0; k < m->n_clients; k++)
			c += !strcmp(m->clients[k].device, m->devices[i].sys.name);
		device_value(f, x, &m->devices[i], "edgeai_device_clients", (double)c);
	}

	static const struct {
		const char *name, *type, *help;
		int field;
	} app_families[] = {
		{ "edgeai_application_device_seconds_total", "counter",
		  "Device time used by the application's clients, seconds (DRM fdinfo drm-engine-*).", 0 },
		{ "edgeai_application_jobs_total", "counter",
		  "Jobs the application's clients completed (fdinfo edgeai-jobs).", 1 },
		{ "edgeai_application_quota_refusals_total", "counter",
		  "Submits of the application's clients refused for their device-time quota (fdinfo edgeai-quota-refusals).", 2 },
	};
	for (size_t k = 0; k < ELEMENTSOF(app_families); k++) {
		family(f, app_families[k].name, app_families[k].type, app_families[k].help);
		for (size_t i = 0; i < x->n_apps; i++) {
			const AppStats *s = &x->apps[i];
			double v = app_families[k].field == 0 ? s->device_ns / 1e9 :
				   app_families[k].field == 1 ? (double)s->jobs : (double)s->quota_refusals;

			fprintf(f, "%s{board=\"", app_families[k].name);
			label_value(f, x->board);
			fputs("\",application=\"", f);
			label_value(f, s->app);
			fputs("\",device=\"", f);
			label_value(f, s->device);
			fprintf(f, "\"} %.17g\n", v);
		}
	}
	family(f, "edgeai_application_fallbacks_total", "counter",
	       "Requests of the application that ran device work on the CPU instead, by reason (libedgeai's reports).");
	for (size_t i = 0; i < x->n_fallbacks; i++) {
		fputs("edgeai_application_fallbacks_total{board=\"", f);
		label_value(f, x->board);
		fputs("\",application=\"", f);
		label_value(f, x->fallbacks[i].app);
		fputs("\",reason=\"", f);
		label_value(f, x->fallbacks[i].reason);
		fprintf(f, "\"} %" PRIu64 "\n", x->fallbacks[i].count);
	}
	family(f, "edgeai_application_weight", "gauge", "Scheduling weight of the application ([Application] Weight= or SetApplicationPolicy).");
	for (size_t i = 0; i < m->config.n_rules; i++) {
		const AppRule *r = &m->config.rules[i];

		if (!r->weight)
			continue;
		fputs("edgeai_application_weight{board=\"", f);
		label_value(f, x->board);
		fputs("\",application=\"", f);
		label_value(f, r->name);
		fprintf(f, "\"} %u\n", r->weight);
	}
	family(f, "edgeai_application_clients", "gauge", "Open device files of the application's processes.");
	for (size_t i = 0; i < x->n_apps; i++) {
		size_t c = 0;

		for (size_t k = 0; k < m->n_clients; k++) {
			const char *a = *m->clients[k].app ? m->clients[k].app : METRICS_NO_APP;

			c += !strcmp(a, x->apps[i].app) && !strcmp(m->clients[k].device, x->apps[i].device);
		}
		fputs("edgeai_application_clients{board=\"", f);
		label_value(f, x->board);
		fputs("\",application=\"", f);
		label_value(f, x->apps[i].app);
		fputs("\",device=\"", f);
		label_value(f, x->apps[i].device);
		fprintf(f, "\"} %zu\n", c);
	}
	free(now);
	return ferror(f) ? -EIO : 0;
}

int metrics_write(Manager *m, const char *dir, uint64_t now_usec)
{
	char path[600], tmp[620];
	FILE *f;
	int fd, r;

	snprintf(path, sizeof(path), "%s/" METRICS_FILE, dir);
	/* node_exporter reads *.prom only: the temporary file is not one */
	snprintf(tmp, sizeof(tmp), "%s/." METRICS_FILE ".tmp", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* node_exporter runs as its own user: readable whatever the unit's UMask */
	fchmod(fd, 0644);
	f = fdopen(fd, "we");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	r = metrics_format(m, f, now_usec);
	if (fflush(f) != 0 && r >= 0)
		r = -errno;
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}
