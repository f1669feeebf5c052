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
 * Why a request of an AUTO program ran (part of) its device work on the
 * CPU, in the words edgeaid counts it by (exec_fallback_kind_name():
 * the reason label of edgeai_application_fallbacks_total).
 */
enum exec_fallback_kind {
	EXEC_FB_NONE,
	EXEC_FB_ADVICE,		/* edgeaid advises the CPU */
	EXEC_FB_DEADLINE,	/* the request's deadline passed first */
	EXEC_FB_BUSY,		/* the device refused at once: queue full */
	EXEC_FB_THERMAL,	/* the device refused at once: critical trip */
	EXEC_FB_QUOTA,		/* the device refused at once: quota used up */
	EXEC_FB_FAILED,		/* the device failed a job: rerun on the CPU */
	EXEC_FB_NO_DEVICE,	/* no usable device when the program was compiled */
	EXEC_FB_COUNT
};

const char *exec_fallback_kind_name(enum exec_fallback_kind k);

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
 * none) has passed. The reason in @buf and its kind in *@kind, or NULL:
 * use the device.
 */
const char *exec_fallback_before(const struct cc_dev *d, int64_t deadline_abs,
				 int64_t deadline_rel, char *buf, size_t size,
				 enum exec_fallback_kind *kind);
/*
 * @d refused a job at once with @r (-EBUSY: queue full or thermal trip;
 * -EDQUOT): the reason in @buf and its kind in *@kind, or NULL for any
 * other error.
 */
const char *exec_fallback_refused(const struct cc_dev *d, int r, char *buf, size_t size,
				  enum exec_fallback_kind *kind);
/*
 * @d failed (or refused) a job with @status after others of the request
 * ran: the reason to rerun the whole request on the CPU in @buf and its
 * kind in *@kind, or NULL when the error is not the device's (the request
 * fails with it).
 */
const char *exec_fallback_rerun(const struct cc_dev *d, int status, char *buf, size_t size,
				enum exec_fallback_kind *kind);

/*
 * Tell edgeaid that a request fell back for @kind, so its metrics count
 * the application's fallbacks (report.c). Never blocks and never fails
 * the caller: without edgeaid the count is dropped.
 */
void exec_report_fallback(enum exec_fallback_kind kind);

#endif
