// SPDX-License-Identifier: MIT
/*
 * The fallback policy of EDGEAI_POLICY_AUTO: a device segment runs on the
 * CPU instead when edgeaid advises the CPU, when the request's deadline
 * has passed, or when the device refuses the job at once (-EBUSY: queue
 * full or thermal trip, -EDQUOT); a job the device fails (reset, timeout)
 * reruns the whole request on the CPU from its inputs (request.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "drm/edgeai_accel.h"
#include "exec/fallback.h"
#include "runtime/runtime.h"

/* Read /run/edgeaid/advice at most this often: edgeaid decides once a second */
#define ADVICE_TTL_NS (100 * 1000000LL)

static struct {
	pthread_mutex_t lock;
	char path[256];
	char word[64];
	int64_t read_ns;
} advice = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void advice_read(const char *path, char *word, size_t size)
{
	char buf[64] = "";
	FILE *f;
	size_t n;

	snprintf(word, size, "none");
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	buf[strcspn(buf, " \t\r\n")] = 0;
	if (buf[0])
		snprintf(word, size, "%s", buf);
}

int exec_advice(char *word, size_t size)
{
	const char *path = secure_getenv("EDGEAI_ADVICE_FILE");
	int64_t now = base_now_ns();

	if (!path || !*path)
		path = "/run/edgeaid/advice";
	pthread_mutex_lock(&advice.lock);
	if (strcmp(path, advice.path) || !advice.read_ns || now - advice.read_ns >= ADVICE_TTL_NS) {
		advice_read(path, advice.word, sizeof(advice.word));
		snprintf(advice.path, sizeof(advice.path), "%s", path);
		advice.read_ns = now;
	}
	snprintf(word, size, "%s", advice.word);
	pthread_mutex_unlock(&advice.lock);
	return strcmp(word, "none") != 0;
}

const char *exec_fallback_kind_name(enum exec_fallback_kind k)
{
	static const char *const names[EXEC_FB_COUNT] = {
		[EXEC_FB_NONE] = "none",
		[EXEC_FB_ADVICE] = "advice",
		[EXEC_FB_DEADLINE] = "deadline",
		[EXEC_FB_BUSY] = "busy",
		[EXEC_FB_THERMAL] = "thermal",
		[EXEC_FB_QUOTA] = "quota",
		[EXEC_FB_FAILED] = "failed",
		[EXEC_FB_NO_DEVICE] = "no-device",
	};

	return (unsigned int)k < EXEC_FB_COUNT ? names[k] : "?";
}

const char *exec_fallback_before(const struct cc_dev *d, int64_t deadline_abs,
				 int64_t deadline_rel, char *buf, size_t size,
				 enum exec_fallback_kind *kind)
{
	char word[64];

	if (exec_advice(word, sizeof(word))) {
		snprintf(buf, size, "fallback: edgeaid advises the CPU (%s)", word);
		*kind = EXEC_FB_ADVICE;
		return buf;
	}
	if (deadline_abs && base_now_ns() >= deadline_abs) {
		*kind = EXEC_FB_DEADLINE;
		snprintf(buf, size, "fallback: deadline of %lld us passed before the %s could start",
			 (long long)(deadline_rel / 1000), edgeai_exec_device_name(d->exec_dev));
		return buf;
	}
	return NULL;
}

/* What the kernel says about a refusal. */
static const char *busy_reason(const struct cc_dev *d, int r, enum exec_fallback_kind *kind)
{
	*kind = EXEC_FB_QUOTA;
	if (r == -EDQUOT)
		return "quota used up";
	*kind = EXEC_FB_BUSY;
	switch (rt_device_busy_reason(d->dev)) {
	case DRM_EDGEAI_BUSY_THERMAL:
		*kind = EXEC_FB_THERMAL;
		return "thermal: at its critical trip";
	case DRM_EDGEAI_BUSY_INFLIGHT:
		return "busy: queue full";
	default:
		return "busy";
	}
}

const char *exec_fallback_refused(const struct cc_dev *d, int r, char *buf, size_t size,
				  enum exec_fallback_kind *kind)
{
	if (r != -EBUSY && r != -EDQUOT)
		return NULL;
	snprintf(buf, size, "fallback: the %s refused the job at once (%s)",
		 edgeai_exec_device_name(d->exec_dev), busy_reason(d, r, kind));
	return buf;
}

const char *exec_fallback_rerun(const struct cc_dev *d, int status, char *buf, size_t size,
				enum exec_fallback_kind *kind)
{
	int refused = status == -EBUSY || status == -EDQUOT;

	if (!refused && status != -ETIMEDOUT && status != -ECANCELED && status != -EIO &&
	    status != -EBADFD)
		return NULL;
	*kind = status == -EDQUOT ? EXEC_FB_QUOTA : refused ? EXEC_FB_BUSY : EXEC_FB_FAILED;
	snprintf(buf, size, "fallback: the %s %s the job (%s), rerun on the CPU",
		 edgeai_exec_device_name(d->exec_dev), refused ? "refused" : "failed",
		 edgeai_strerror(status));
	return buf;
}
