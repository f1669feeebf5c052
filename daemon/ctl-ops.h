/* SPDX-License-Identifier: MIT */
#ifndef EDGEAICTL_OPS_H
#define EDGEAICTL_OPS_H
/*
 * Run an operator command (clients, top, power, thermal, why) with its
 * operands. Returns the exit status, or -1 when @cmd is not one of them.
 */
int ctl_ops_run(const char *cmd, int n, char **operands, int json);

/* ctl-model.c: "run" and "bench" parse their own options (argv[0] is the command). */
int ctl_run(int argc, char **argv);
int ctl_bench(int argc, char **argv);
#endif
