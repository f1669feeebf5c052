/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: pure logic (no I/O on devices, no D-Bus), tested on the host by
 * tests/host/test-edgeaid-util.c.
 */
#ifndef EDGEAID_UTIL_H
#define EDGEAID_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/macro.h"

typedef enum Profile {
	PROFILE_POWER_SAVER,
	PROFILE_BALANCED,
	PROFILE_PERFORMANCE,
	_PROFILE_MAX,
	_PROFILE_INVALID = -22,
} Profile;

const char *profile_to_string(Profile p);
Profile profile_from_string(const char *s);

/* Priority classes as the uapi numbers them (LOW 0, NORMAL 1, HIGH 2). */
const char *priority_to_string(int p);
int priority_from_string(const char *s);

/* Why applications should (or did) fall back to the CPU, or why edgeaid throttles. */
typedef enum Reason {
	REASON_NONE,
	REASON_THERMAL,
	REASON_QUOTA,
	REASON_SUSPENDED,
	REASON_BUSY,
	REASON_DEVICE_MISSING,
	_REASON_MAX,
} Reason;

const char *reason_to_string(Reason r);

#define APP_NAME_MAX 64

/* One [Application] section: who it matches and the policy it gets. */
typedef struct AppRule {
	char name[APP_NAME_MAX];
	/* match: every field that is set must match; at least one is set */
	bool has_uid;
	uint32_t uid;
	char *executable;       /* absolute path of /proc/PID/exe */
	char *unit;             /* systemd unit name (from the cgroup path) */
	char *cgroup;           /* cgroup path prefix */
	/* policy */
	uint32_t weight;        /* 1..1000, 0 = leave */
	int priority;           /* -1 = leave */
	uint64_t quota_ns, period_ns;
} AppRule;

typedef struct Config {
	Profile profile;
	uint32_t thermal_limit_mc;      /* 0 = only the kernel's trips */
	uint32_t thermal_hyst_mc;
	uint32_t interval_ms;
	int32_t autosuspend_ms;         /* -1 = leave the driver's */
	AppRule *rules;
	size_t n_rules;
} Config;

void config_init(Config *c);
void config_done(Config *c);

/*
 * Parse one config file's text into @c (later files override earlier
 * settings and add rules). On error returns -EINVAL and writes a message
 * naming the line into @err; @c may be half-updated (parse into a scratch
 * Config and swap on success).
 */
int config_parse_text(Config *c, const char *text, const char *fname, char *err, size_t errlen);

/*
 * Load the main file @path and then every "*.conf" of @path".d/" in lexical
 * order. A missing main file is not an error.
 */
int config_load(Config *c, const char *path, char *err, size_t errlen);

/* What a process looks like to rule matching. */
typedef struct ProcInfo {
	uint32_t uid;
	const char *exe;
	const char *cgroup;     /* e.g. /system.slice/foo.service */
} ProcInfo;

/* The unit name of a cgroup path: its last component ending in .service or .scope. */
int cgroup_to_unit(const char *cgroup, char *out, size_t len);

/* The first matching rule, or NULL. */
const AppRule *config_match(const Config *c, const ProcInfo *p);

/*
 * Frequency window of a profile over the ascending list of available
 * frequencies @f[0..n).
 */
void profile_window(Profile p, const uint64_t *f, size_t n, uint64_t *ret_min, uint64_t *ret_max);

/*
 * One step of the thermal control loop. @cap is the current cap (index into
 * the ascending frequency list), @top the profile's top index. Returns the
 * new cap index: one lower when @temp_mc is above @limit_mc, one higher (up
 * to @top) when below @limit_mc - @hyst_mc, unchanged otherwise.
 */
size_t thermal_step(size_t cap, size_t bottom, size_t top, int64_t temp_mc, uint32_t limit_mc,
		    uint32_t hyst_mc);

/* Knob journal: lines "PATH\tVALUE\n" with the value before edgeaid wrote it. */
int knobs_record(const char *journal, const char *path, const char *orig);
int knobs_restore(const char *journal, int *ret_restored);

/* Parse "a b c" of unsigned numbers, sorted ascending; returns the count or -errno. */
int parse_u64_list(const char *s, uint64_t *out, size_t max);

#endif
