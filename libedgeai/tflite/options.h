/* SPDX-License-Identifier: MIT */
/* The delegate's options: the keys and values of tflite_plugin_create_delegate(). */
#ifndef EDGEAI_TFLITE_OPTIONS_H
#define EDGEAI_TFLITE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct etfl_options - what the application asked for
 * @device_type: 0 (any), EDGEAI_DEVICE_NPU or EDGEAI_DEVICE_DSP
 * @policy: &enum edgeai_policy (CPU_ONLY for device=cpu)
 * @cache_dir: the compile cache directory, "" for none, NULL for
 *	libedgeai's default ($EDGEAI_CACHE_DIR, then the XDG cache)
 * @deadline_ns: per-invoke deadline of the device part, 0 for none
 * @log: print the placement report and the ops left to TFLite to stderr
 */
struct etfl_options {
	uint32_t device_type;
	uint32_t policy;
	char *cache_dir;
	int64_t deadline_ns;
	int log;
};

/*
 * Parse @n key/value pairs into @ret (defaults for keys not given).
 * Return: 0; -EINVAL for an unknown key, a repeated key or a bad value,
 * with a message in @err; -ENOMEM. @ret holds nothing to free on failure.
 */
int etfl_options_parse(char **keys, char **values, size_t n, struct etfl_options *ret,
		       char *err, size_t errsz);
void etfl_options_done(struct etfl_options *o);
/* "device=auto policy=auto ..." for the log. */
void etfl_options_format(const struct etfl_options *o, char *buf, size_t size);

#endif
