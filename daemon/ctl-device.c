// SPDX-License-Identifier: MIT
/*
 * edgeaictl --device: one grammar for every verb (edgeaictl.h).
 *
 *   auto           every accelerator (run, bench: the best, CPU fallback)
 *   cpu            the CPU only (run, bench)
 *   npu, dsp       every accelerator of that kind (run, bench: only that
 *                  kind, no fallback)
 *   npuN, dspN     the Nth of that kind, counted from 0 in minor order
 *   accelN         /dev/accel/accelN
 *   /dev/accel/... a device node path
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <edgeai/edgeai.h>

#include "edgeaictl.h"

struct ctl_device arg_device = { .how = CTL_DEVICE_AUTO, .text = "auto" };

static uint32_t kind_of(const char *s, size_t n)
{
	if (n == 3 && !strncmp(s, "npu", 3))
		return EDGEAI_DEVICE_NPU;
	if (n == 3 && !strncmp(s, "dsp", 3))
		return EDGEAI_DEVICE_DSP;
	return 0;
}

/* "12" as @ret; -EINVAL for "", "012", "+1", "1x" or too large */
static int parse_index(const char *s, unsigned int *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 255)
		return -EINVAL;
	*ret = (unsigned int)v;
	return 0;
}

int ctl_device_parse(const char *s, struct ctl_device *d)
{
	memset(d, 0, sizeof(*d));
	d->text = s;
	if (!strcmp(s, "auto")) {
		d->how = CTL_DEVICE_AUTO;
	} else if (!strcmp(s, "cpu")) {
		d->how = CTL_DEVICE_CPU;
	} else if ((d->type = kind_of(s, strlen(s)))) {
		d->how = CTL_DEVICE_KIND;
	} else if (strlen(s) > 3 && (d->type = kind_of(s, 3)) && !parse_index(s + 3, &d->index)) {
		d->how = CTL_DEVICE_INDEX;
	} else if (!strncmp(s, "accel", 5) && !parse_index(s + 5, &d->index)) {
		d->how = CTL_DEVICE_NODE;
		snprintf(d->node, sizeof(d->node), "/dev/accel/accel%u", d->index);
	} else if (s[0] == '/' && strlen(s) < sizeof(d->node)) {
		d->how = CTL_DEVICE_NODE;
		snprintf(d->node, sizeof(d->node), "%s", s);
	} else {
		fprintf(stderr, "%s: --device '%s': not a device; use auto, cpu, npu, dsp, npuN, dspN,\n"
			"accelN or a node path such as /dev/accel/accel0\n", program_invocation_short_name, s);
		return -EINVAL;
	}
	return 0;
}

void ctl_device_help(void)
{
	printf("Devices (--device DEV, the same for every command):\n"
	       "  auto              every accelerator (the default; run and bench: the\n"
	       "                    best one, the CPU for what it cannot run)\n"
	       "  cpu               run and bench: the CPU only\n"
	       "  npu, dsp          the accelerators of that kind (run and bench: no CPU\n"
	       "                    fallback)\n"
	       "  npuN, dspN        the Nth NPU or DSP, from 0, in the order of their nodes\n"
	       "  accelN, PATH      one device node: /dev/accel/accelN, or PATH\n");
}

const char *ctl_kind_name(uint32_t type)
{
	return type == EDGEAI_DEVICE_NPU ? "NPU" : type == EDGEAI_DEVICE_DSP ? "DSP" : "accelerator";
}

int ctl_no_device(const struct ctl_device *d)
{
	const char *p = program_invocation_short_name;

	if (d->how == CTL_DEVICE_AUTO)
		fprintf(stderr, "%s: no edgeai accelerator found (is the edgeai module loaded?)\n", p);
	else
		fprintf(stderr, "%s: --device %s: no such edgeai %s (is the edgeai module loaded?)\n", p,
			d->text, ctl_kind_name(d->type));
	return EXIT_FAILURE;
}

int ctl_device_resolve(const struct ctl_device *d, struct edgeai_device_info **ret, int *ret_n)
{
	const char *p = program_invocation_short_name;
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info *infos;
	unsigned int of_kind = 0;
	int r, n, k = 0;

	*ret = NULL;
	*ret_n = 0;
	if (d->how == CTL_DEVICE_CPU) {
		fprintf(stderr, "%s: --device cpu names no accelerator here; use npu, dsp, npuN, dspN,\n"
			"accelN or a node path\n", p);
		return -EINVAL;
	}
	if (d->how == CTL_DEVICE_NODE) {
		struct edgeai_device *dev = NULL;

		infos = calloc(1, sizeof(*infos));
		if (!infos)
			return -ENOMEM;
		r = edgeai_device_open(d->node, EDGEAI_OPEN_NO_URING, &dev);
		if (r >= 0)
			r = edgeai_device_get_info(dev, infos);
		edgeai_device_unref(dev);
		if (r < 0) {
			fprintf(stderr, "%s: %s: %s\n", p, d->node, edgeai_strerror(r));
			free(infos);
			return r;
		}
		*ret = infos;
		*ret_n = 1;
		return 0;
	}

	r = edgeai_enumerate(&list);
	if (r < 0) {
		fprintf(stderr, "%s: cannot list the edgeai devices: %s\n", p, edgeai_strerror(r));
		return r;
	}
	n = r;
	infos = calloc(n ? n : 1, sizeof(*infos));
	if (!infos) {
		edgeai_device_list_unref(list);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		struct edgeai_device_info *info = &infos[k];

		if (edgeai_device_list_get(list, (unsigned int)i, info) < 0)
			continue;
		if (d->how == CTL_DEVICE_AUTO || (d->how == CTL_DEVICE_KIND && info->type == d->type)) {
			k++;
		} else if (d->how == CTL_DEVICE_INDEX && info->type == d->type) {
			if (of_kind++ == d->index)
				k++;
		}
	}
	edgeai_device_list_unref(list);
	if (d->how == CTL_DEVICE_INDEX && !k && of_kind) {
		const char *kind = d->type == EDGEAI_DEVICE_NPU ? "npu" : "dsp";

		if (of_kind == 1)
			fprintf(stderr, "%s: --device %s: there is one edgeai %s, %s0\n", p, d->text,
				ctl_kind_name(d->type), kind);
		else
			fprintf(stderr, "%s: --device %s: there are %u edgeai %ss, %s0 to %s%u\n", p,
				d->text, of_kind, ctl_kind_name(d->type), kind, kind, of_kind - 1);
		free(infos);
		return -ENODEV;
	}
	*ret = infos;
	*ret_n = k;
	return 0;
}

int ctl_device_match_sysfs(const struct ctl_device *d, const char *name, const char *type,
			   unsigned int index_of_type)
{
	const char *base;
	char real[PATH_MAX];

	switch (d->how) {
	case CTL_DEVICE_AUTO:
		return 1;
	case CTL_DEVICE_KIND:
	case CTL_DEVICE_INDEX:
		if (strcasecmp(type, d->type == EDGEAI_DEVICE_NPU ? "npu" : "dsp"))
			return 0;
		return d->how == CTL_DEVICE_KIND || index_of_type == d->index;
	case CTL_DEVICE_NODE:
		base = realpath(d->node, real) ? real : d->node;
		base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
		return !strcmp(base, name);
	default:
		return 0;
	}
}
