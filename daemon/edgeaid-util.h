/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: pure logic (no devices, no D-Bus, no event loop) and the knob
 * journal, tested on the host by tests/host/test-edgeaid-util.c.
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
