/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: the configuration, edgeaid.conf and the *.conf files of its
 * edgeaid.conf.d (edgeaid.conf(5)): parsing and loading, and matching
 * processes against its [Application] rules.
 */
#ifndef EDGEAID_CONF_H
#define EDGEAID_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edgeaid-util.h"

#define APP_NAME_MAX 64

/* One [Application] section: who it matches and the policy it gets. */
typedef struct AppRule {
	char name[APP_NAME_MAX];
	/* match: every field that is set must match; at least one is set */
	bool has_uid;
	uint32_t uid;
	char *executable;       /* absolute path of /proc/PID/exe */
	char *unit;             /* systemd unit name (from the cgroup path) */
	char *cgroup;           /* cgroup path prefix */
	/* policy */
	uint32_t weight;        /* 1..1000, 0 = leave */
	int priority;           /* -1 = leave */
	uint64_t quota_ns, period_ns;
} AppRule;

typedef struct Config {
	Profile profile;
	uint32_t thermal_limit_mc;      /* 0 = only the kernel's trips */
	uint32_t thermal_hyst_mc;
	uint32_t interval_ms;
	int32_t autosuspend_ms;         /* -1 = leave the driver's */
	char metrics_dir[256];          /* node_exporter's textfile directory, "" = no metrics file */
	uint32_t metrics_interval_ms;
	char cdi_dir[256];              /* CDI specs of the devices present, "" = none */
	AppRule *rules;
	size_t n_rules;
} Config;

void config_init(Config *c);
void config_done(Config *c);

/*
 * Parse one config file's text into @c (later files override earlier
 * settings and add rules). On error returns -EINVAL and writes a message
 * naming the line into @err; @c may be half-updated (parse into a scratch
 * Config and swap on success).
 */
int config_parse_text(Config *c, const char *text, const char *fname, char *err, size_t errlen);

/*
 * Load the main file @path and then every "*.conf" of @path".d/" in lexical
 * order. A missing main file is not an error.
 */
int config_load(Config *c, const char *path, char *err, size_t errlen);

/* What a process looks like to rule matching. */
typedef struct ProcInfo {
	uint32_t uid;
	const char *exe;
	const char *cgroup;     /* e.g. /system.slice/foo.service */
} ProcInfo;

/* The unit name of a cgroup path: its last component ending in .service or .scope. */
int cgroup_to_unit(const char *cgroup, char *out, size_t len);

/* The first matching rule, or NULL. */
const AppRule *config_match(const Config *c, const ProcInfo *p);

#endif
