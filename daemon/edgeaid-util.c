// SPDX-License-Identifier: MIT
/* edgeaid: pure logic and the knob journal, tested by tests/host/test-edgeaid-util.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/sysfs.h"

static const char *const profiles[_PROFILE_MAX] = {
	[PROFILE_POWER_SAVER] = "power-saver",
	[PROFILE_BALANCED] = "balanced",
	[PROFILE_PERFORMANCE] = "performance",
};

const char *profile_to_string(Profile p)
{
	return p >= 0 && p < _PROFILE_MAX ? profiles[p] : NULL;
}

Profile profile_from_string(const char *s)
{
	for (int i = 0; s && i < _PROFILE_MAX; i++)
		if (!strcmp(s, profiles[i]))
			return i;
	return _PROFILE_INVALID;
}

static const char *const priorities[] = { "low", "normal", "high" };

const char *priority_to_string(int p)
{
	return p >= 0 && p < (int)ELEMENTSOF(priorities) ? priorities[p] : NULL;
}

int priority_from_string(const char *s)
{
	for (int i = 0; s && i < (int)ELEMENTSOF(priorities); i++)
		if (!strcmp(s, priorities[i]))
			return i;
	return -EINVAL;
}

static const char *const reasons[_REASON_MAX] = {
	[REASON_NONE] = "",
	[REASON_THERMAL] = "thermal",
	[REASON_QUOTA] = "quota",
	[REASON_SUSPENDED] = "suspended",
	[REASON_BUSY] = "busy",
	[REASON_DEVICE_MISSING] = "device-missing",
};

const char *reason_to_string(Reason r)
{
	return r < _REASON_MAX ? reasons[r] : "";
}

void profile_window(Profile p, const uint64_t *f, size_t n, uint64_t *ret_min, uint64_t *ret_max)
{
	if (!n) {
		*ret_min = *ret_max = 0;
		return;
	}
	switch (p) {
	case PROFILE_POWER_SAVER:       /* the lower half, at most */
		*ret_min = f[0];
		*ret_max = f[(n - 1) / 2];
		break;
	case PROFILE_PERFORMANCE:       /* never below the middle */
		*ret_min = f[n / 2];
		*ret_max = f[n - 1];
		break;
	default:
		*ret_min = f[0];
		*ret_max = f[n - 1];
	}
}

size_t thermal_step(size_t cap, size_t bottom, size_t top, int64_t temp_mc, uint32_t limit_mc, uint32_t hyst_mc)
{
	if (cap > top)
		cap = top;
	if (cap < bottom)
		cap = bottom;
	if (!limit_mc)
		return top;
	if (temp_mc > (int64_t)limit_mc)
		return cap > bottom ? cap - 1 : bottom;
	if (temp_mc < (int64_t)limit_mc - (int64_t)hyst_mc)
		return cap < top ? cap + 1 : top;
	return cap;
}

int knobs_record(const char *journal, const char *path, const char *orig)
{
	char line[4096 + 256], cur[4096 + 256];
	FILE *f;
	int r = 0;

	if (strchr(path, '\t') || strchr(path, '\n') || strchr(orig, '\n'))
		return -EINVAL;
	f = fopen(journal, "a+e");
	if (!f)
		return -errno;
	snprintf(line, sizeof(line), "%s\t", path);
	rewind(f);
	while (fgets(cur, sizeof(cur), f))
		if (!strncmp(cur, line, strlen(line))) {
			fclose(f);
			return 0;       /* the first value is the one to restore */
		}
	if (fprintf(f, "%s\t%s\n", path, orig) < 0 || fflush(f) || fsync(fileno(f)))
		r = -errno ? -errno : -EIO;
	fchmod(fileno(f), 0600);
	fclose(f);
	return r;
}

int knobs_restore(const char *journal, int *ret_restored)
{
	char line[4096 + 256];
	int r = 0, n = 0;
	FILE *f = fopen(journal, "re");

	if (!f) {
		if (ret_restored)
			*ret_restored = 0;
		return errno == ENOENT ? 0 : -errno;
	}
	/*
	 * Restore in reverse file order would matter for min/max pairs; write
	 * min_freq first at its lowest and then everything, twice, so that
	 * devfreq's min <= max check passes in either order.
	 */
	for (int pass = 0; pass < 2; pass++) {
		rewind(f);
		n = 0;
		while (fgets(line, sizeof(line), f)) {
			char *tab = strchr(line, '\t'), *nl;
			int w;

			if (!tab)
				continue;
			*tab = 0;
			nl = strchr(tab + 1, '\n');
			if (nl)
				*nl = 0;
			w = write_string_file(line, tab + 1);
			if (w == -ENOENT)
				continue;       /* the device is gone, and its knobs with it */
			if (w < 0 && pass == 1 && !r)
				r = w;
			if (!w)
				n++;
		}
	}
	fclose(f);
	if (!r)
		unlink(journal);
	if (ret_restored)
		*ret_restored = n;
	return r;
}

int parse_u64_list(const char *s, uint64_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		char *end;
		unsigned long long v;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || end == s)
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		out[n++] = v;
		s = end;
	}
	/* insertion sort, ascending, small lists */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint64_t t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}
