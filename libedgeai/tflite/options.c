// SPDX-License-Identifier: MIT
/*
 * Options of the delegate, as TFLite passes them: parallel arrays of
 * strings (tflite_runtime.load_delegate(path, {"device": "npu"}), or the
 * external delegate's "key:value;..." list). Every key is known, given
 * once and has a valid value, or the delegate is not created: a typo must
 * not silently run a model somewhere else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeai/edgeai.h"
#include "options.h"

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal number in [0, @max], nothing else. */
static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return 0;
}

static const char *const known[] = { "device", "policy", "cache_dir", "deadline_us", "log" };

int etfl_options_parse(char **keys, char **values, size_t n, struct etfl_options *ret,
		       char *err, size_t errsz)
{
	struct etfl_options o = { .policy = EDGEAI_POLICY_AUTO };
	const char *device = "auto", *policy = "auto";
	unsigned int seen = 0;
	size_t i, k;

	if (n && (!keys || !values))
		return fail(err, errsz, "no option keys or values");
	for (i = 0; i < n; i++) {
		const char *key = keys[i], *val = values[i];

		if (!key || !val)
			return fail(err, errsz, "option %zu has no key or no value", i);
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(key, known[k]))
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			return fail(err, errsz,
				    "unknown option '%s' (known: device, policy, cache_dir, "
				    "deadline_us, log)", key);
		if (seen & (1U << k))
			return fail(err, errsz, "option '%s' given twice", key);
		seen |= 1U << k;
		if (!strcmp(key, "device")) {
			device = val;
		} else if (!strcmp(key, "policy")) {
			policy = val;
		} else if (!strcmp(key, "cache_dir")) {
			o.cache_dir = (char *)val;	/* copied below */
		} else if (!strcmp(key, "deadline_us")) {
			uint64_t us;

			if (parse_u64(val, (uint64_t)INT64_MAX / 1000, &us))
				return fail(err, errsz,
					    "deadline_us='%s': want microseconds, a number >= 0 "
					    "(0: none)", val);
			o.deadline_ns = (int64_t)us * 1000;
		} else {
			if (strcmp(val, "0") && strcmp(val, "1"))
				return fail(err, errsz, "log='%s': want 0 or 1", val);
			o.log = val[0] == '1';
		}
	}
	if (!strcmp(device, "npu"))
		o.device_type = EDGEAI_DEVICE_NPU;
	else if (!strcmp(device, "dsp"))
		o.device_type = EDGEAI_DEVICE_DSP;
	else if (!strcmp(device, "cpu"))
		o.policy = EDGEAI_POLICY_CPU_ONLY;
	else if (strcmp(device, "auto"))
		return fail(err, errsz, "device='%s': want auto, npu, dsp or cpu", device);
	if (!strcmp(policy, "device_only")) {
		if (o.policy == EDGEAI_POLICY_CPU_ONLY)
			return fail(err, errsz,
				    "policy=device_only contradicts device=cpu: say which "
				    "accelerator (npu, dsp or auto)");
		o.policy = EDGEAI_POLICY_DEVICE_ONLY;
	} else if (strcmp(policy, "auto")) {
		return fail(err, errsz, "policy='%s': want auto or device_only", policy);
	}
	if (o.cache_dir) {
		o.cache_dir = strdup(o.cache_dir);
		if (!o.cache_dir)
			return -ENOMEM;
	}
	*ret = o;
	return 0;
}

void etfl_options_done(struct etfl_options *o)
{
	free(o->cache_dir);
	o->cache_dir = NULL;
}

void etfl_options_format(const struct etfl_options *o, char *buf, size_t size)
{
	const char *dev = o->policy == EDGEAI_POLICY_CPU_ONLY ? "cpu" :
			  o->device_type ? edgeai_device_type_name(o->device_type) : "auto";

	snprintf(buf, size, "device=%s policy=%s cache_dir=%s deadline_us=%" PRId64 " log=%d", dev,
		 o->policy == EDGEAI_POLICY_DEVICE_ONLY ? "device_only" : "auto",
		 !o->cache_dir ? "(default)" : *o->cache_dir ? o->cache_dir : "(none)",
		 o->deadline_ns / 1000, o->log);
}
