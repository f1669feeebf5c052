/* SPDX-License-Identifier: MIT */
/*
 * edgeaictl: the verbs, each `int verb_NAME(int argc, char *argv[])` with
 * argv[0] the verb and argv[1..argc-1] its operands, returning the exit
 * status (0 success, 1 failure, EXIT_USAGE bad usage). edgeaictl.c holds
 * the verb table that dispatches to them and prints `edgeaictl help`.
 */
#ifndef EDGEAICTL_H
#define EDGEAICTL_H

#include <stdio.h>

#define EXIT_USAGE 2

/* --json: print JSON on standard output instead of a table */
extern int arg_json;

/* @s as a JSON string, quotes and escapes included */
void json_string(FILE *f, const char *s);

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

/* ctl-model.c: run and bench, which parse their own options */
int verb_run(int argc, char *argv[]);
int verb_bench(int argc, char *argv[]);

#endif
