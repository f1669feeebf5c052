/* SPDX-License-Identifier: MIT */
#ifndef EDGEAID_MANAGER_H
#define EDGEAID_MANAGER_H

#include <systemd/sd-bus.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>

#include "edgeaid-conf.h"
#include "edgeaid-util.h"
#include "shared/protocol.h"
#include "shared/sysfs.h"

#define MAX_FREQS 32

typedef struct Device {
	AccelDevice sys;        /* the accel node, its parent, devfreq and thermal zone */
	int fd;
	uint64_t freqs[MAX_FREQS];
	size_t n_freqs;
	size_t cap;             /* index of the current max_freq cap */
	int64_t temp_mc;
	uint64_t cur_freq;
	bool throttled;
} Device;

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
	bool seen;
	bool override;          /* set over D-Bus: rules leave it alone */
} Client;

typedef struct Registration {
	char *sender;
	uint32_t pid;
	sd_bus_track *track;
	struct Manager *m;
} Registration;

/* A privileged call waiting for polkit's CheckAuthorization answer */
typedef struct AuthQuery {
	struct AuthQuery *next;
	struct Manager *m;
	sd_bus_message *request;        /* the method call, dispatched again once answered */
	sd_bus_slot *slot;              /* the pending CheckAuthorization, NULL once answered */
	const char *action;
	bool done, granted, challenge;
	char why[384];                  /* why polkit could not answer, "" if it did */
} AuthQuery;

typedef struct Manager {
	sd_event *event;
	sd_bus *bus;
	sd_device_monitor *monitor;
	sd_event_source *tick, *wd, *dev_watch, *accel_watch;
	sd_bus_slot *vtable_slot;
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
	Registration **regs;
	size_t n_regs;
	AuthQuery *auth_queries;
	bool throttled;
	Reason throttle_reason;
	Reason advice;
	char why[512];                  /* the last decision, explained */
	uint64_t last_tick_usec, watchdog_usec;
	char status[256];
	bool no_bus;
} Manager;

int manager_new(Manager **ret, const char *config_path, const char *runtime_dir);
Manager *manager_free(Manager *m);
int manager_start(Manager *m);
int manager_reload(Manager *m, char *err, size_t errlen);
int manager_set_profile(Manager *m, Profile p);
int manager_set_thermal_limit(Manager *m, uint32_t mc);
int manager_set_client_policy(Manager *m, uint64_t id, uint32_t weight, int priority, uint64_t quota_ns,
			      uint64_t period_ns, bool override);
int manager_restore_knobs(Manager *m);
void manager_update_status(Manager *m);
void manager_log(int prio, const char *msgid, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* edgeaid-bus.c */
int bus_setup(Manager *m);
void bus_emit_changed(Manager *m, const char *prop, ...);
void bus_emit_throttled(Manager *m);
void bus_emit_fallback(Manager *m);
void bus_auth_queries_free(Manager *m);

#define MSGID_THROTTLE "3a1b5c7d9e0f41a2b3c4d5e6f7081920"
#define MSGID_FALLBACK "4b2c6d8e0f1a42b3c4d5e6f708192a31"
#define MSGID_DEVICE   "5c3d7e9f1a2b43c4d5e6f708192a3b42"

#endif
