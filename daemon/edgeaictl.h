/* SPDX-License-Identifier: MIT */
/*
 * edgeaictl: the verbs, each `int verb_NAME(int argc, char *argv[])` with
 * argv[0] the verb and argv[1..argc-1] its operands, returning the exit
 * status (0 success, 1 failure, EXIT_USAGE bad usage). edgeaictl.c holds
 * the verb table that dispatches to them and prints `edgeaictl help`.
 */
#ifndef EDGEAICTL_H
#define EDGEAICTL_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"

struct edgeai_device_info;

#define EXIT_USAGE 2

struct edgeai_model;

/*
 * edgeai_model_load_file() of @path into *@ret; on failure its error on
 * stderr, naming @path once. 0 or -errno.
 */
int ctl_model_load(const char *path, struct edgeai_model **ret);

/* --json: print JSON on standard output instead of a table */
extern int arg_json;
/* --quiet: no progress on standard error */
extern int arg_quiet;


/* ctl-device.c: --device, the same grammar for every verb */
enum ctl_device_how {
	CTL_DEVICE_AUTO,	/* "auto": every accelerator; run/bench: the best, CPU fallback */
	CTL_DEVICE_CPU,		/* "cpu": run/bench on the CPU only */
	CTL_DEVICE_KIND,	/* "npu", "dsp": every accelerator of @type */
	CTL_DEVICE_INDEX,	/* "npuN", "dspN": the @index-th of @type, in minor order */
	CTL_DEVICE_NODE,	/* "accelN" or a path: the node @node */
};

struct ctl_device {
	enum ctl_device_how how;
	uint32_t type;		/* EDGEAI_DEVICE_NPU or _DSP for KIND and INDEX */
	unsigned int index;
	char node[256];
	const char *text;	/* as the user wrote it */
};

/* The global --device (before or after the verb); "auto" when not given. */
extern struct ctl_device arg_device;

/* Parse @s into @d; -EINVAL after a message naming the valid forms. */
int ctl_device_parse(const char *s, struct ctl_device *d);
/*
 * The accelerators @d selects into *@ret (to free) and their count; an
 * empty list is not an error (ctl_no_device() says so). -errno after a
 * message: a node that is not an edgeai device, npuN past the last NPU,
 * "cpu" (no accelerator).
 */
int ctl_device_resolve(const struct ctl_device *d, struct edgeai_device_info **ret, int *ret_n);
/* Whether @d selects the sysfs device @name ("accel0") of @type ("npu"), @index_of_type-th of it. */
int ctl_device_match_sysfs(const struct ctl_device *d, const char *name, const char *type,
			   unsigned int index_of_type);
/* "NPU", "DSP" or "accelerator" */
const char *ctl_kind_name(uint32_t type);
/* Say on stderr that no accelerator (of @d) was found; returns the exit status 1. */
int ctl_no_device(const struct ctl_device *d);

/* Help of the verbs with their own options (ctl-model.c) */
void ctl_run_help(void);
void ctl_bench_help(void);
/* The paragraph on --device that every help showing it prints. */
void ctl_device_help(void);

/* ctl-ops.c: the operator verbs, from sysfs, fdinfo and edgeaid's D-Bus API */
int verb_clients(int argc, char *argv[]);
int verb_top(int argc, char *argv[]);
int verb_power(int argc, char *argv[]);
int verb_thermal(int argc, char *argv[]);
int verb_why(int argc, char *argv[]);

/*
 * Live state of one device for `edgeaictl status`, read from sysfs and
 * fdinfo: runtime PM state, devfreq frequencies, temperature, utilization
 * (busy time of all cores over the sample window, in percent of the
 * device's capacity) and the number of open files.
 */
struct ctl_live {
	char state[16];
	long long cur_hz, max_hz, temp_mc;
	double util_pct;
	int clients;
};

/*
 * Fill @live[i] for the device node @nodes[i] ("/dev/accel/accelN"), with
 * @cores[i] cores, sampling utilization over @sample_ms. Unknown values are
 * -1 ("?" for the state).
 */
void ctl_status_live(const char *const *nodes, const unsigned int *cores, int n,
		     struct ctl_live *live, int sample_ms);

/*
 * Print edgeaid's policy (profile, thermal limit, throttling, fallback
 * advice, application rules) as text lines, or with --json as the value
 * of a "policy" member (null without the daemon).
 */
void ctl_status_policy(void);

/* ctl-cdi.c: cdi generate|list, which parses its own options */
int verb_cdi(int argc, char *argv[]);
void ctl_cdi_help(void);
/* ctl-coredump.c: decode (or free) the devcoredumps of edgeai's core resets */
int verb_coredump(int argc, char *argv[]);

/* ctl-model.c: run and bench, which parse their own options */
int verb_run(int argc, char *argv[]);
int verb_bench(int argc, char *argv[]);

#endif
