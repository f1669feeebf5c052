/* SPDX-License-Identifier: MIT */
#ifndef EDGEAICTL_OPS_H
#define EDGEAICTL_OPS_H
/*
 * Run an operator command (clients, top, power, thermal, why) with its
 * operands. Returns the exit status, or -1 when @cmd is not one of them.
 */
int ctl_ops_run(const char *cmd, int n, char **operands, int json);

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
 * advice, application rules) as text lines, or with @json as the value of
 * a "policy" member (null without the daemon).
 */
void ctl_status_policy(int json);

/* ctl-model.c: "run" and "bench" parse their own options (argv[0] is the command). */
int ctl_run(int argc, char **argv);
int ctl_bench(int argc, char **argv);
#endif
