// SPDX-License-Identifier: MIT
/*
 * edgeaid: edgeaid.conf and its drop-ins (edgeaid.conf(5)), and which
 * [Application] rule a process falls under. Tested on the host by
 * tests/host/test-edgeaid-conf.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-conf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void config_init(Config *c)
{
	*c = (Config) {
		.profile = PROFILE_BALANCED,
		.thermal_limit_mc = 0,
		.thermal_hyst_mc = 3000,
		.interval_ms = 200,
		.autosuspend_ms = -1,
		.metrics_dir = "/var/lib/prometheus/node-exporter",
		.metrics_interval_ms = 15000,
		.cdi_dir = "/run/cdi",
	};
}

static void rule_done(AppRule *r)
{
	free(r->executable);
	free(r->unit);
	free(r->cgroup);
}

void config_done(Config *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		rule_done(&c->rules[i]);
	free(c->rules);
	c->rules = NULL;
	c->n_rules = 0;
}

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int fail(char *err, size_t errlen, const char *fname, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%u: %s", fname, line, msg);
	return -EINVAL;
}

static int rule_check(const AppRule *r, char *err, size_t errlen, const char *fname, unsigned line)
{
	if (!r->has_uid && !r->executable && !r->unit && !r->cgroup)
		return fail(err, errlen, fname, line,
			    "[Application] '%s' has no match (User=, Executable=, Unit=, CGroup=)", r->name);
	if (!r->weight && r->priority < 0 && !r->quota_ns)
		return fail(err, errlen, fname, line,
			    "[Application] '%s' sets no policy (Weight=, Priority=, QuotaMSec=)", r->name);
	if (r->quota_ns && !r->period_ns)
		return fail(err, errlen, fname, line, "[Application] '%s': QuotaMSec= needs PeriodMSec=", r->name);
	if (r->quota_ns && r->quota_ns > r->period_ns)
		return fail(err, errlen, fname, line, "[Application] '%s': QuotaMSec= exceeds PeriodMSec=", r->name);
	return 0;
}

int config_parse_text(Config *c, const char *text, const char *fname, char *err, size_t errlen)
{
	_cleanup_free_ char *buf = strdup(text);
	enum { S_NONE, S_MANAGER, S_APP } sect = S_NONE;
	AppRule *cur = NULL;
	unsigned lineno = 0, app_line = 0;
	char *save = NULL, *line;
	const char *counted = text;
	uint64_t v;
	int r;

	if (!buf)
		return -ENOMEM;
	lineno = 1;
	for (char *p = buf; (line = strtok_r(p, "\n", &save)); p = NULL) {
		char *key, *val, *eq;

		/*
		 * strtok_r skips empty lines: count the newlines between the last
		 * line and this one in the text (once each, not from the start).
		 */
		for (; counted < text + (line - buf); counted++)
			lineno += *counted == '\n';
		line = strip(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			if (cur && (r = rule_check(cur, err, errlen, fname, app_line)))
				return r;
			cur = NULL;
			if (!strcmp(line, "[Manager]"))
				sect = S_MANAGER;
			else if (!strcmp(line, "[Application]")) {
				AppRule *n = realloc(c->rules, (c->n_rules + 1) * sizeof(*n));

				if (!n)
					return -ENOMEM;
				c->rules = n;
				cur = &c->rules[c->n_rules++];
				*cur = (AppRule) { .priority = -1 };
				snprintf(cur->name, sizeof(cur->name), "app%zu", c->n_rules);
				sect = S_APP;
				app_line = lineno;
			} else
				return fail(err, errlen, fname, lineno, "unknown section %s", line);
			continue;
		}
		eq = strchr(line, '=');
		if (!eq)
			return fail(err, errlen, fname, lineno, "expected Key=Value, got '%s'", line);
		*eq = 0;
		key = strip(line);
		val = strip(eq + 1);
		if (sect == S_NONE)
			return fail(err, errlen, fname, lineno, "%s= outside a section", key);
		if (sect == S_MANAGER) {
			if (!strcmp(key, "PowerProfile")) {
				Profile pr = profile_from_string(val);

				if (pr < 0)
					return fail(err, errlen, fname, lineno,
						    "PowerProfile=%s: not power-saver, balanced or performance", val);
				c->profile = pr;
			} else if (!strcmp(key, "ThermalLimitMilliCelsius")) {
				if (parse_u64(val, 150000, &v))
					return fail(err, errlen, fname, lineno,
						    "ThermalLimitMilliCelsius=%s: not 0..150000", val);
				c->thermal_limit_mc = v;
			} else if (!strcmp(key, "ThermalHysteresisMilliCelsius")) {
				if (parse_u64(val, 50000, &v))
					return fail(err, errlen, fname, lineno,
						    "ThermalHysteresisMilliCelsius=%s: not 0..50000", val);
				c->thermal_hyst_mc = v;
			} else if (!strcmp(key, "ControlIntervalMSec")) {
				if (parse_u64(val, 10000, &v) || v < 10)
					return fail(err, errlen, fname, lineno,
						    "ControlIntervalMSec=%s: not 10..10000", val);
				c->interval_ms = v;
			} else if (!strcmp(key, "AutosuspendMSec")) {
				if (parse_u64(val, 600000, &v))
					return fail(err, errlen, fname, lineno,
						    "AutosuspendMSec=%s: not 0..600000", val);
				c->autosuspend_ms = v;
			} else if (!strcmp(key, "MetricsDirectory") || !strcmp(key, "CDISpecDirectory")) {
				char *dst = key[0] == 'M' ? c->metrics_dir : c->cdi_dir;

				if (*val && (val[0] != '/' || strlen(val) >= sizeof(c->metrics_dir)))
					return fail(err, errlen, fname, lineno, "%s=%s: not empty or an absolute path", key,
						    val);
				snprintf(dst, sizeof(c->metrics_dir), "%s", val);
			} else if (!strcmp(key, "MetricsIntervalSec")) {
				if (parse_u64(val, 3600, &v) || v < 1)
					return fail(err, errlen, fname, lineno, "MetricsIntervalSec=%s: not 1..3600", val);
				c->metrics_interval_ms = v * 1000;
			} else
				return fail(err, errlen, fname, lineno, "unknown key %s= in [Manager]", key);
			continue;
		}
		/* [Application] */
		if (!strcmp(key, "Name")) {
			if (!*val || strlen(val) >= APP_NAME_MAX || strspn(val,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(val))
				return fail(err, errlen, fname, lineno, "Name=%s: want 1..63 of [A-Za-z0-9._-]", val);
			snprintf(cur->name, sizeof(cur->name), "%s", val);
		} else if (!strcmp(key, "User")) {
			if (parse_u64(val, UINT32_MAX - 1, &v))
				return fail(err, errlen, fname, lineno, "User=%s: want a numeric uid", val);
			cur->has_uid = true;
			cur->uid = v;
		} else if (!strcmp(key, "Executable") || !strcmp(key, "CGroup") || !strcmp(key, "Unit")) {
			char **dst = key[0] == 'E' ? &cur->executable : key[0] == 'C' ? &cur->cgroup : &cur->unit;

			if (key[0] != 'U' && val[0] != '/')
				return fail(err, errlen, fname, lineno, "%s=%s: not an absolute path", key, val);
			if (key[0] == 'U' && (!*val || strchr(val, '/')))
				return fail(err, errlen, fname, lineno, "Unit=%s: not a unit name", val);
			free(*dst);
			*dst = strdup(val);
			if (!*dst)
				return -ENOMEM;
		} else if (!strcmp(key, "Weight")) {
			if (parse_u64(val, 1000, &v) || !v)
				return fail(err, errlen, fname, lineno, "Weight=%s: not 1..1000", val);
			cur->weight = v;
		} else if (!strcmp(key, "Priority")) {
			if ((cur->priority = priority_from_string(val)) < 0)
				return fail(err, errlen, fname, lineno, "Priority=%s: not low, normal or high", val);
		} else if (!strcmp(key, "QuotaMSec")) {
			if (parse_u64(val, 60000, &v) || !v)
				return fail(err, errlen, fname, lineno, "QuotaMSec=%s: not 1..60000", val);
			cur->quota_ns = v * 1000000;
		} else if (!strcmp(key, "PeriodMSec")) {
			if (parse_u64(val, 60000, &v) || !v)
				return fail(err, errlen, fname, lineno, "PeriodMSec=%s: not 1..60000", val);
			cur->period_ns = v * 1000000;
		} else
			return fail(err, errlen, fname, lineno, "unknown key %s= in [Application]", key);
	}
	if (cur && (r = rule_check(cur, err, errlen, fname, app_line)))
		return r;
	return 0;
}

static int load_file(Config *c, const char *path, char *err, size_t errlen)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0;
	int fd, r = 0;

	/* Never block on a FIFO or a device: only regular files are read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	buf = malloc(65537);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < 65537) {
		ssize_t k = read(fd, buf + n, 65537 - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		if (!k)
			break;
		n += (size_t)k;
	}
	close(fd);
	if (r)
		return r;
	if (n > 65536) {
		snprintf(err, errlen, "%s: larger than 64 KiB", path);
		return -EFBIG;
	}
	buf[n] = 0;
	if (strlen(buf) != n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		return -EINVAL;
	}
	return config_parse_text(c, buf, path, err, errlen);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int config_load(Config *c, const char *path, char *err, size_t errlen)
{
	char dpath[4096];
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	DIR *d;
	int r;

	r = load_file(c, path, err, errlen);
	if (r == -ENOENT)
		r = 0;
	else if (r < 0) {
		if (!*err)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	snprintf(dpath, sizeof(dpath), "%s.d", path);
	d = opendir(dpath);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nn;

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") || de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn || !(nn[n] = strdup(de->d_name))) {
			names = nn ? nn : names;
			r = -ENOMEM;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	/* (qsort must not get the NULL of an empty directory) */
	if (!r && n)
		qsort(names, n, sizeof(*names), cmpstr);
	for (size_t i = 0; i < n; i++) {
		char p[4352];

		snprintf(p, sizeof(p), "%s/%s", dpath, names[i]);
		if (!r && (r = load_file(c, p, err, errlen)) < 0 && !*err)
			snprintf(err, errlen, "%s: %s", p, strerror(-r));
		free(names[i]);
	}
	free(names);
	return r;
}

int cgroup_to_unit(const char *cgroup, char *out, size_t len)
{
	const char *best = NULL, *s = cgroup;
	size_t bl = 0;

	while (s && *s) {
		const char *e = strchr(s + 1, '/'), *c = *s == '/' ? s + 1 : s;
		size_t l = e ? (size_t)(e - c) : strlen(c);

		if ((l > 8 && !strncmp(c + l - 8, ".service", 8)) || (l > 6 && !strncmp(c + l - 6, ".scope", 6))) {
			best = c;
			bl = l;
		}
		s = e;
	}
	if (!best || bl >= len)
		return -ENOENT;
	memcpy(out, best, bl);
	out[bl] = 0;
	return 0;
}

const AppRule *config_match(const Config *c, const ProcInfo *p)
{
	char unit[256];
	bool have_unit = p->cgroup && !cgroup_to_unit(p->cgroup, unit, sizeof(unit));

	for (size_t i = 0; i < c->n_rules; i++) {
		const AppRule *r = &c->rules[i];

		if (r->has_uid && r->uid != p->uid)
			continue;
		if (r->executable && (!p->exe || strcmp(r->executable, p->exe)))
			continue;
		if (r->unit && (!have_unit || strcmp(r->unit, unit)))
			continue;
		if (r->cgroup) {
			size_t l = strlen(r->cgroup);

			if (!p->cgroup || strncmp(p->cgroup, r->cgroup, l) ||
			    (p->cgroup[l] && p->cgroup[l] != '/' && r->cgroup[l - 1] != '/'))
				continue;
		}
		return r;
	}
	return NULL;
}
