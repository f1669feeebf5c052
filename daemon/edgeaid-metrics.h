/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: Prometheus metrics (edgeaid-metrics.c). The manager accounts each
 * client's device time, jobs and quota refusals to its application here as
 * it scans them, so the counters survive the clients; every
 * MetricsIntervalSec the metrics are written in the text exposition format
 * into node_exporter's textfile directory (MetricsDirectory=), atomically:
 * a temporary file renamed over edgeaid.prom.
 */
#ifndef EDGEAID_METRICS_H
#define EDGEAID_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "edgeaid-conf.h"
#include "shared/board.h"

#define METRICS_FILE "edgeaid.prom"
/* the application label of clients that no [Application] rule matched */
#define METRICS_NO_APP "(none)"

/* Counters of one application on one device; they only grow. */
typedef struct AppStats {
	char app[APP_NAME_MAX];
	char device[32];
	uint64_t device_ns, jobs, quota_refusals;
} AppStats;

/* Fallbacks of one application for one reason (libedgeai's reports). */
typedef struct FallbackStats {
	char app[APP_NAME_MAX];
	char reason[16];
	uint64_t count;
} FallbackStats;

/* A device's busy time at the last write, for its utilization since. */
typedef struct DeviceSample {
	char device[32];
	uint64_t busy_us, at_usec;
	double util;            /* over the last interval, 0..1; -1 before the second sample */
} DeviceSample;

typedef struct Metrics {
	AppStats *apps;
	size_t n_apps;
	FallbackStats *fallbacks;
	size_t n_fallbacks;
	DeviceSample *samples;
	size_t n_samples;
	char board[BOARD_ID_MAX];
} Metrics;

struct Manager;

void metrics_done(Metrics *x);

/* Add what a client of @app ("" for none) used on @device since its last scan. */
int metrics_account(Metrics *x, const char *app, const char *device, uint64_t device_ns, uint64_t jobs,
		    uint64_t quota_refusals);

/* Add @count fallbacks of @app ("" for none) for @reason. */
int metrics_fallback(Metrics *x, const char *app, const char *reason, uint64_t count);

/* The metrics of @m in the text exposition format; @now_usec (CLOCK_MONOTONIC) for utilization. */
int metrics_format(struct Manager *m, FILE *f, uint64_t now_usec);

/* metrics_format() into @dir/edgeaid.prom, atomically; -errno. */
int metrics_write(struct Manager *m, const char *dir, uint64_t now_usec);

#endif
