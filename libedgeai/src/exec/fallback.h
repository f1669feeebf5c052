/* SPDX-License-Identifier: MIT */
/*
 * The fallback policy of EDGEAI_POLICY_AUTO (fallback.c): when a device
 * segment of a request runs on the CPU instead, and the reason its
 * placement gives. Callers check the policy; these functions only say
 * whether, and why.
 */
#ifndef EDGEAI_EXEC_FALLBACK_H
#define EDGEAI_EXEC_FALLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/place.h"

/*
 * edgeaid's advice: "none" (or no file) when the device may be used, else
 * the reason ("thermal", "quota", ...) in @word. Returns 1 when the advice
 * is to fall back. The file is read again after 100 ms, or at once when
 * $EDGEAI_ADVICE_FILE names another one.
 */
int exec_advice(char *word, size_t size);
/*
 * Before a device segment on @d is tried: edgeaid advises the CPU, or the
 * request's deadline (@deadline_abs, @deadline_rel ns after its submit; 0:
 * none) has passed. The reason in @buf, or NULL: use the device.
 */
const char *exec_fallback_before(const struct cc_dev *d, int64_t deadline_abs,
				 int64_t deadline_rel, char *buf, size_t size);
/*
 * @d refused a job at once with @r (-EBUSY: queue full or thermal trip;
 * -EDQUOT): the reason in @buf, or NULL for any other error.
 */
const char *exec_fallback_refused(const struct cc_dev *d, int r, char *buf, size_t size);
/*
 * @d failed (or refused) a job with @status after others of the request
 * ran: the reason to rerun the whole request on the CPU in @buf, or NULL
 * when the error is not the device's (the request fails with it).
 */
const char *exec_fallback_rerun(const struct cc_dev *d, int status, char *buf, size_t size);

#endif
