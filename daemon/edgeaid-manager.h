/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: the Manager owns the event loop and its sources, the devices,
 * the clients, the configuration in force and the policy decisions
 * (edgeaid-manager.c). Its callers are edgeaid.c and edgeaid-bus.c.
 */
#ifndef EDGEAID_MANAGER_H
#define EDGEAID_MANAGER_H

#include <systemd/sd-device.h>
#include <systemd/sd-event.h>

#include "edgeaid-conf.h"
#include "edgeaid-metrics.h"
#include "edgeaid-util.h"
#include "shared/macro.h"
#include "shared/sysfs.h"

#define MAX_FREQS 32

typedef struct Device {
	AccelDevice sys;        /* the accel node, its parent, devfreq and thermal zone */
	char node[64];          /* its /dev node */
	int fd;                 /* for SET_POLICY; -1 until the node opens (device_open()) */
	uint64_t freqs[MAX_FREQS];
	size_t n_freqs;
	size_t cap;             /* index of the current max_freq cap */
	int64_t temp_mc;
	uint64_t cur_freq;
	bool throttled;
} Device;

/* A process that reported lately, and its application ("" for none). */
typedef struct Reporter {
	uint32_t pid;
	char app[APP_NAME_MAX];
	uint64_t usec;          /* when it was matched (CLOCK_MONOTONIC) */
} Reporter;

#define MAX_REPORTERS 64

typedef struct Client {
	uint64_t id;            /* drm-client-id */
	uint32_t pid, uid;
	char device[32];
	char comm[32];
	char app[APP_NAME_MAX]; /* matched rule, "" for none */
	uint32_t weight;
	int priority;
	uint64_t quota_ns, period_ns;
	uint64_t engine_ns;
	uint64_t jobs, quota_refusals;  /* from fdinfo; what is new goes into the metrics */
	bool seen;
	bool override;          /* set over D-Bus: rules leave it alone */
	bool pending;           /* its rule's policy not pushed yet (device not open): retried every tick */
} Client;

/*
 * What the manager announces, in the words of org.edgeai.Manager1: the
 * properties that changed and the two signals. The bus (edgeaid-bus.c)
 * listens while it is connected; without a listener (--no-bus) the
 * announcements go nowhere. The manager knows nothing else of the bus.
 */
typedef struct ManagerListener {
	void (*properties_changed)(void *userdata, char **names);
	void (*throttled)(void *userdata);
	void (*fallback_advised)(void *userdata);
} ManagerListener;

typedef struct Manager {
	sd_event *event;
	sd_device_monitor *monitor;
	sd_event_source *tick, *wd, *dev_watch, *accel_watch, *metrics_timer, *report;
	const ManagerListener *listener;
	void *listener_userdata;
	char *config_path;
	char *runtime_dir;
	char knob_journal[512];
	char advice_path[512];
	Config config;
	Profile profile;                /* may differ from config after SetPowerProfile */
	uint32_t thermal_limit_mc;
	Device *devices;
	size_t n_devices;
	Client *clients;
	size_t n_clients;
	bool throttled;
	Reason throttle_reason;
	Reason advice;
	char why[512];                  /* the last decision, explained */
	uint64_t last_tick_usec, watchdog_usec;
	uint64_t last_scan_usec;        /* the last walk of /proc for clients */
	char status[256];
	Metrics metrics;
	int metrics_error;              /* the last metrics_write() error, logged once */
	int report_fd;                  /* the report socket (edgeaid-report.h), -1 without */
	uint64_t report_rejected;       /* bad datagrams on it */
	uint64_t report_logged_usec;    /* the last one logged: at most one a second */
	Reporter reporters[MAX_REPORTERS];
} Manager;

int manager_new(Manager **ret, const char *config_path, const char *runtime_dir);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free)

/* Load the configuration, start the event loop's sources, take the devices over. */
int manager_start(Manager *m);
void manager_set_listener(Manager *m, const ManagerListener *l, void *userdata);

int manager_reload(Manager *m, char *err, size_t errlen);
int manager_set_profile(Manager *m, Profile p);
int manager_set_thermal_limit(Manager *m, uint32_t mc);
int manager_set_client_policy(Manager *m, uint64_t id, uint32_t weight, int priority, uint64_t quota_ns,
			      uint64_t period_ns, bool override);
/* Change the [Application] rule @name and its clients' policy; -ENOENT without such a rule. */
int manager_set_app_policy(Manager *m, const char *name, uint32_t weight, int priority, uint64_t quota_ns,
			   uint64_t period_ns);
int manager_restore_knobs(Manager *m);
void manager_update_status(Manager *m);
void manager_log(int prio, const char *msgid, const char *fmt, ...) _printf_(3, 4);

#define MSGID_THROTTLE "3a1b5c7d9e0f41a2b3c4d5e6f7081920"
#define MSGID_FALLBACK "4b2c6d8e0f1a42b3c4d5e6f708192a31"
#define MSGID_DEVICE   "5c3d7e9f1a2b43c4d5e6f708192a3b42"

#endif
