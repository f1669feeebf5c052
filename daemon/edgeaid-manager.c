// SPDX-License-Identifier: MIT
/*
 * edgeaid: the Manager. Devices (found in sysfs, followed by the sd-device
 * monitor and inotify on /dev), the control loop (thermal cap, clients and
 * their policy, fallback advice), power profiles, the knob journal, the
 * advice file, the STATUS= line and the watchdog. It announces changes
 * through its ManagerListener and never calls the bus.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-manager.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/inotify.h>
#include <syslog.h>

#include <drm/edgeai_accel.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "edgeaid-report.h"
#include "shared/cdi.h"
#include "shared/protocol.h"

void manager_log(int prio, const char *msgid, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (msgid && getenv("JOURNAL_STREAM"))
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", prio, "MESSAGE_ID=%s", msgid,
				"SYSLOG_IDENTIFIER=edgeaid", NULL);
	else
		fprintf(stderr, "<%d>%s\n", prio, msg);
}

void manager_set_listener(Manager *m, const ManagerListener *l, void *userdata)
{
	m->listener = l;
	m->listener_userdata = userdata;
}

static void emit_changed(Manager *m, char **names)
{
	if (m->listener)
		m->listener->properties_changed(m->listener_userdata, names);
}

static void emit_throttled(Manager *m)
{
	if (m->listener)
		m->listener->throttled(m->listener_userdata);
}

static void emit_fallback_advised(Manager *m)
{
	if (m->listener)
		m->listener->fallback_advised(m->listener_userdata);
}

/* Write a sysfs knob, recording its first value in the journal before. */
static int knob_write(Manager *m, const char *path, const char *val)
{
	char orig[256];
	int r;

	r = read_line_file(path, orig, sizeof(orig));
	if (r < 0)
		return r;
	if (!strcmp(orig, val))
		return 0;
	r = knobs_record(m->knob_journal, path, orig);
	if (r < 0) {
		manager_log(LOG_ERR, NULL, "Cannot record %s before changing it, leaving it: %s", path,
			    strerror(-r));
		return r;
	}
	r = write_string_file(path, val);
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "Cannot write %s=%s: %s", path, val, strerror(-r));
	return r;
}

static int knob_write_u64(Manager *m, const char *dir, const char *attr, uint64_t v)
{
	char p[700], s[32];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	snprintf(s, sizeof(s), "%" PRIu64, v);
	return knob_write(m, p, s);
}

int manager_restore_knobs(Manager *m)
{
	int n = 0, r = knobs_restore(m->knob_journal, &n);

	if (r < 0)
		manager_log(LOG_ERR, NULL, "Restoring knobs from %s: %s", m->knob_journal, strerror(-r));
	else if (n)
		manager_log(LOG_INFO, NULL, "Restored %d knob(s) from %s", n, m->knob_journal);
	return r;
}

static void device_read_freqs(Device *d)
{
	char buf[1024];
	int n;

	d->n_freqs = 0;
	if (!*d->sys.devfreq || read_attr(d->sys.devfreq, "available_frequencies", buf, sizeof(buf)) < 0)
		return;
	n = parse_u64_list(buf, d->freqs, MAX_FREQS);
	d->n_freqs = n > 0 ? n : 0;
	d->cap = d->n_freqs ? d->n_freqs - 1 : 0;
}

static size_t freq_index(const Device *d, uint64_t f)
{
	for (size_t i = 0; i < d->n_freqs; i++)
		if (d->freqs[i] >= f)
			return i;
	return d->n_freqs ? d->n_freqs - 1 : 0;
}

/* Apply the profile's window with the thermal cap on top. */
static void device_apply_power(Manager *m, Device *d)
{
	uint64_t lo, hi;
	size_t top, bottom;
	char p[700], v[32];

	if (m->config.autosuspend_ms >= 0) {
		snprintf(p, sizeof(p), "%s/power/autosuspend_delay_ms", d->sys.syspath);
		snprintf(v, sizeof(v), "%d", m->config.autosuspend_ms);
		knob_write(m, p, v);
	}
	if (!d->n_freqs)
		return;
	profile_window(m->profile, d->freqs, d->n_freqs, &lo, &hi);
	top = freq_index(d, hi);
	bottom = 0;
	if (d->cap > top)
		d->cap = top;
	if (d->cap < bottom)
		d->cap = bottom;
	/* with a thermal cap below the profile's floor, the floor gives way */
	if (lo > d->freqs[d->cap])
		lo = d->freqs[d->cap];
	knob_write_u64(m, d->sys.devfreq, "min_freq", lo);
	knob_write_u64(m, d->sys.devfreq, "max_freq", d->freqs[d->cap]);
}

static Device *device_find(Manager *m, const char *name)
{
	for (size_t i = 0; i < m->n_devices; i++)
		if (!strcmp(m->devices[i].sys.name, name))
			return &m->devices[i];
	return NULL;
}

/*
 * The CDI specs of the devices present into CDISpecDirectory= (/run/cdi),
 * so that container engines hand them out by name (shared/cdi.h).
 */
static void write_cdi(Manager *m)
{
	_cleanup_free_ AccelDevice *devs = NULL;
	char err[600];
	CdiOptions o = { .runtime_dir = m->runtime_dir };
	int r;

	if (!*m->config.cdi_dir)
		return;
	devs = calloc(m->n_devices ? m->n_devices : 1, sizeof(*devs));
	if (!devs)
		return;
	for (size_t i = 0; i < m->n_devices; i++)
		devs[i] = m->devices[i].sys;
	cdi_find_library(&o);
	r = cdi_write_dir(m->config.cdi_dir, devs, m->n_devices, &o, err, sizeof(err));
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "Cannot write the CDI spec %s: %s", err, strerror(-r));
}

/*
 * Open the device's node for SET_POLICY, unless open. The node appears
 * (devtmpfs, the uevent, inotify) a moment before the DRM core accepts
 * opens of the new minor, which fail with ENODEV until then: the control
 * loop tries again every tick (control()).
 */
static int device_open(Device *d)
{
	if (d->fd >= 0)
		return 0;
	d->fd = open(d->node, O_RDWR | O_CLOEXEC);
	return d->fd < 0 ? -errno : 0;
}

/*
 * A file of a device unbound and bound again between two ticks (edgeaid
 * saw neither event) answers ENODEV: the node again, which is the new device.
 */
static int device_reopen(Device *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	return device_open(d);
}

/* A new device: open it, read its operating points, apply the power profile. */
static void device_add(Manager *m, const AccelDevice *sys, const char *devnode)
{
	Device *d, *n;
	int r;

	if (device_find(m, sys->name))
		return;
	n = realloc(m->devices, (m->n_devices + 1) * sizeof(*n));
	if (!n)
		return;
	m->devices = n;
	d = &m->devices[m->n_devices];
	*d = (Device) { .sys = *sys, .fd = -1 };
	if (devnode)
		snprintf(d->node, sizeof(d->node), "%s", devnode);
	else
		snprintf(d->node, sizeof(d->node), "/dev/accel/%s", sys->name);
	r = device_open(d);
	if (r < 0)
		manager_log(r == -ENODEV ? LOG_INFO : LOG_WARNING, NULL,
			    "Cannot open %s yet, policy will be pushed once it opens: %s", d->node, strerror(-r));
	device_read_freqs(d);
	m->n_devices++;
	manager_log(LOG_NOTICE, MSGID_DEVICE, "Device %s (%s) appeared: %zu operating points, thermal zone %s",
		    d->sys.name, d->sys.bus, d->n_freqs, *d->sys.tz ? d->sys.tz : "none");
	device_apply_power(m, d);
	write_cdi(m);
	emit_changed(m, STRV_MAKE("Devices"));
}

static void device_remove(Manager *m, const char *name)
{
	Device *d = device_find(m, name);
	size_t i;

	if (!d)
		return;
	i = d - m->devices;
	if (d->fd >= 0)
		close(d->fd);
	manager_log(LOG_NOTICE, MSGID_DEVICE, "Device %s (%s) disappeared", d->sys.name, d->sys.bus);
	memmove(d, d + 1, (m->n_devices - i - 1) * sizeof(*d));
	m->n_devices--;
	write_cdi(m);
	emit_changed(m, STRV_MAKE("Devices"));
}

static int on_uevent(sd_device_monitor *mon, sd_device *dev, void *ud)
{
	Manager *m = ud;
	const char *sysname, *syspath, *devnode;
	sd_device_action_t a;
	AccelDevice sys;

	(void)mon;
	if (sd_device_get_action(dev, &a) < 0 || sd_device_get_sysname(dev, &sysname) < 0 ||
	    sd_device_get_syspath(dev, &syspath) < 0)
		return 0;
	if (sd_device_get_devname(dev, &devnode) < 0)
		devnode = NULL;
	if (a == SD_DEVICE_ADD && !device_find(m, sysname) && accel_device_from_syspath(syspath, &sys) == 0)
		device_add(m, &sys, devnode);
	else if (a == SD_DEVICE_REMOVE)
		device_remove(m, sysname);
	manager_update_status(m);
	return 0;
}

static int enumerate_devices(Manager *m);

/* Forget the devices whose node went away (unbind, rmmod) without an event we saw. */
static void drop_vanished_devices(Manager *m)
{
	for (size_t i = 0; i < m->n_devices;) {
		char p[600];

		snprintf(p, sizeof(p), "/sys/class/accel/%s/device", m->devices[i].sys.name);
		if (access(p, F_OK) < 0 || access(m->devices[i].sys.syspath, F_OK) < 0) {
			char name[32];

			snprintf(name, sizeof(name), "%s", m->devices[i].sys.name);
			device_remove(m, name);
		} else {
			i++;
		}
	}
}

/*
 * Resync with /sys/class/accel: add new devices, drop vanished ones. Used
 * on inotify events of /dev and /dev/accel, which work inside the unit's
 * private network namespace, where no uevent arrives.
 */
static void resync_devices(Manager *m)
{
	drop_vanished_devices(m);
	enumerate_devices(m);
	manager_update_status(m);
}

static int on_dev_inotify(sd_event_source *s, const struct inotify_event *ev, void *ud);

static void watch_dev_accel(Manager *m)
{
	if (!m->accel_watch && access("/dev/accel", F_OK) == 0)
		sd_event_add_inotify(m->event, &m->accel_watch, "/dev/accel",
				     IN_CREATE | IN_DELETE | IN_ONLYDIR, on_dev_inotify, m);
}

static int on_dev_inotify(sd_event_source *s, const struct inotify_event *ev, void *ud)
{
	Manager *m = ud;

	if (s == m->accel_watch && (ev->mask & (IN_IGNORED | IN_DELETE_SELF))) {
		m->accel_watch = sd_event_source_disable_unref(m->accel_watch);
		resync_devices(m);
		return 0;
	}
	if (s == m->dev_watch && (!ev->len || strcmp(ev->name, "accel")))
		return 0;
	watch_dev_accel(m);
	resync_devices(m);
	return 0;
}

/*
 * Every device in /sys/class/accel: sysfs, not udev's database, for the
 * inotify event of a new node comes before udev has processed the device.
 */
static int enumerate_devices(Manager *m)
{
	_cleanup_free_ AccelDevice *devs = NULL;
	size_t n;
	int r;

	r = accel_enumerate(&devs, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		device_add(m, &devs[i], NULL);
	return 0;
}

/* ---- clients ---- */

static Client *client_find(Manager *m, uint64_t id)
{
	for (size_t i = 0; i < m->n_clients; i++)
		if (m->clients[i].id == id)
			return &m->clients[i];
	return NULL;
}

static Device *device_by_client(Manager *m, const Client *c)
{
	return device_find(m, c->device);
}

int manager_set_client_policy(Manager *m, uint64_t id, uint32_t weight, int priority, uint64_t quota_ns,
			      uint64_t period_ns, bool override)
{
	Client *c = client_find(m, id);
	struct drm_edgeai_policy pol = { .client = id };
	Device *d;
	int r;

	if (!c)
		return -ESRCH;
	d = device_by_client(m, c);
	if (!d)
		return -ENODEV;
	r = device_open(d);
	if (r < 0)
		return r;
	if (weight) {
		pol.flags |= DRM_EDGEAI_POLICY_WEIGHT;
		pol.weight = weight;
	}
	if (priority >= 0) {
		pol.flags |= DRM_EDGEAI_POLICY_PRIORITY;
		pol.priority = priority;
	}
	if (quota_ns || override) {
		pol.flags |= DRM_EDGEAI_POLICY_QUOTA;
		pol.quota_ns = quota_ns;
		pol.period_ns = period_ns ? period_ns : 100000000;
	}
	if (!pol.flags)
		return -EINVAL;
	r = ioctl(d->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &pol) < 0 ? -errno : 0;
	if (r == -ENODEV && device_reopen(d) == 0)
		r = ioctl(d->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &pol) < 0 ? -errno : 0;
	if (r < 0)
		return r;
	if (weight)
		c->weight = weight;
	if (priority >= 0)
		c->priority = priority;
	if (pol.flags & DRM_EDGEAI_POLICY_QUOTA) {
		c->quota_ns = quota_ns;
		c->period_ns = quota_ns ? pol.period_ns : 0;
	}
	if (override)
		c->override = true;
	return 0;
}

int manager_set_app_policy(Manager *m, const char *name, uint32_t weight, int priority, uint64_t quota_ns,
			   uint64_t period_ns)
{
	AppRule *a = NULL;

	for (size_t i = 0; i < m->config.n_rules; i++)
		if (!strcmp(m->config.rules[i].name, name))
			a = &m->config.rules[i];
	if (!a)
		return -ENOENT;
	if (weight)
		a->weight = weight;
	if (priority >= 0)
		a->priority = priority;
	if (quota_ns) {
		a->quota_ns = quota_ns;
		a->period_ns = period_ns;
	}
	for (size_t i = 0; i < m->n_clients; i++)
		if (!strcmp(m->clients[i].app, name))
			manager_set_client_policy(m, m->clients[i].id, a->weight, a->priority, a->quota_ns,
						  a->period_ns, false);
	emit_changed(m, STRV_MAKE("Applications", "Clients"));
	return 0;
}

/* The [Application] rule process @pid of user @uid matches, or NULL. */
static const AppRule *match_process(Manager *m, uint32_t pid, uint32_t uid)
{
	char p[64], exe[PATH_MAX] = "", cg[1024] = "";
	ProcInfo pi = { .uid = uid };
	ssize_t l;

	snprintf(p, sizeof(p), "/proc/%u/exe", pid);
	l = readlink(p, exe, sizeof(exe) - 1);
	if (l > 0) {
		exe[l] = 0;
		pi.exe = exe;
	}
	if (proc_cgroup(pid, cg, sizeof(cg)) == 0)
		pi.cgroup = cg;
	return config_match(&m->config, &pi);
}

static void client_apply_rules(Manager *m, Client *c)
{
	const AppRule *r = match_process(m, c->pid, c->uid);
	int e;

	if (!r) {
		*c->app = 0;
		c->pending = false;
		return;
	}
	snprintf(c->app, sizeof(c->app), "%s", r->name);
	e = manager_set_client_policy(m, c->id, r->weight, r->priority, r->quota_ns, r->period_ns, false);
	/* the device's node does not open yet (see device_open()): again at the next tick */
	if (e == -ENODEV) {
		if (!c->pending)
			manager_log(LOG_INFO, NULL,
				    "Client %" PRIu64 " (pid %u, %s) is application %s: %s does not open yet, "
				    "its policy follows once it does", c->id, c->pid, c->comm, r->name, c->device);
		c->pending = true;
		return;
	}
	c->pending = false;
	if (e < 0)
		manager_log(LOG_WARNING, NULL, "Client %" PRIu64 " (pid %u): cannot apply [Application] %s: %s",
			    c->id, c->pid, r->name, strerror(-e));
	else
		manager_log(LOG_INFO, NULL, "Client %" PRIu64 " (pid %u, %s) is application %s: weight %u priority %s",
			    c->id, c->pid, c->comm, r->name, c->weight, priority_to_string(c->priority));
}

/*
 * Each tick: open the devices whose node did not open yet, and push the
 * rules of the clients that waited for it.
 */
static void retry_pending(Manager *m)
{
	bool changed = false;

	for (size_t i = 0; i < m->n_devices; i++) {
		Device *d = &m->devices[i];

		if (d->fd < 0 && device_open(d) == 0)
			manager_log(LOG_INFO, NULL, "Opened %s: policy can be pushed to %s", d->node, d->sys.name);
	}
	for (size_t i = 0; i < m->n_clients; i++) {
		Client *c = &m->clients[i];

		if (!c->pending || c->override)
			continue;
		client_apply_rules(m, c);
		changed |= !c->pending;
	}
	if (changed)
		emit_changed(m, STRV_MAKE("Clients"));
}

struct scan {
	Manager *m;
	bool changed;
};

static int client_seen(const AccelClient *ac, void *userdata)
{
	struct scan *sc = userdata;
	Manager *m = sc->m;
	Client *c = client_find(m, ac->id);

	if (!c) {
		Client *nc = realloc(m->clients, (m->n_clients + 1) * sizeof(*nc));

		if (!nc)
			return 0;
		m->clients = nc;
		c = &m->clients[m->n_clients++];
		*c = (Client) { .id = ac->id, .pid = ac->pid, .uid = ac->uid, .weight = DRM_EDGEAI_WEIGHT_DEFAULT,
				.priority = DRM_EDGEAI_PRIORITY_NORMAL };
		snprintf(c->device, sizeof(c->device), "%s", ac->device);
		snprintf(c->comm, sizeof(c->comm), "%s", ac->comm);
		client_apply_rules(m, c);
		sc->changed = true;
	}
	c->seen = true;
	/* a new client brings all its time; counters of a file never go back */
	metrics_account(&m->metrics, c->app, c->device, ac->engine_ns >= c->engine_ns ? ac->engine_ns - c->engine_ns : 0,
			ac->jobs >= c->jobs ? ac->jobs - c->jobs : 0,
			ac->quota_refusals >= c->quota_refusals ? ac->quota_refusals - c->quota_refusals : 0);
	c->engine_ns = ac->engine_ns;
	c->jobs = ac->jobs;
	c->quota_refusals = ac->quota_refusals;
	return 0;
}

static void scan_clients(Manager *m)
{
	struct scan sc = { .m = m };

	for (size_t i = 0; i < m->n_clients; i++)
		m->clients[i].seen = false;
	accel_clients_scan(client_seen, &sc);
	for (size_t i = 0; i < m->n_clients;) {
		if (!m->clients[i].seen) {
			m->clients[i] = m->clients[--m->n_clients];
			sc.changed = true;
		} else {
			i++;
		}
	}
	if (sc.changed)
		emit_changed(m, STRV_MAKE("Clients"));
}

/* ---- fallback reports ---- */

static void report_reject(Manager *m, uint32_t pid, const char *what)
{
	uint64_t now;

	m->report_rejected++;
	sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	if (m->report_logged_usec && now - m->report_logged_usec < 1000000)
		return;
	m->report_logged_usec = now;
	if (pid)
		manager_log(LOG_WARNING, NULL, "Ignoring a report from pid %u: %s (%" PRIu64 " bad reports so far)",
			    pid, what, m->report_rejected);
	else
		manager_log(LOG_WARNING, NULL, "Ignoring a report: %s (%" PRIu64 " bad reports so far)", what,
			    m->report_rejected);
}

/*
 * The application of reporting process @pid. A process is matched at most
 * every 5 s; one that exited before its last report was read (libedgeai
 * reports the rest of its counts at exit) keeps the application it was
 * matched to within the last minute.
 */
static const char *reporter_app(Manager *m, uint32_t pid, uint32_t uid)
{
	Reporter *e = NULL, *oldest = &m->reporters[0];
	char proc[32];
	const AppRule *rule;
	uint64_t now;

	if (!pid)
		return "";	/* from a pid namespace edgeaid cannot see into */
	sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < MAX_REPORTERS && !e; i++) {
		if (m->reporters[i].pid == pid)
			e = &m->reporters[i];
		else if (m->reporters[i].usec < oldest->usec)
			oldest = &m->reporters[i];
	}
	if (e && now - e->usec < 5000000)
		return e->app;
	snprintf(proc, sizeof(proc), "/proc/%u", pid);
	if (e && now - e->usec < 60000000 && access(proc, F_OK) < 0)
		return e->app;
	rule = match_process(m, pid, uid);
	if (!e)
		e = oldest;
	*e = (Reporter) { .pid = pid, .usec = now };
	snprintf(e->app, sizeof(e->app), "%s", rule ? rule->name : "");
	return e->app;
}

/* Datagrams of libedgeai's fallbacks: counted for the sender's application. */
static int on_report(_unused_ sd_event_source *s, int fd, _unused_ uint32_t revents, void *ud)
{
	Manager *m = ud;

	/* a bounded batch per wakeup: a flood cannot starve the control loop */
	for (int k = 0; k < 64; k++) {
		char buf[EDGEAID_REPORT_MAX + 1], err[128];
		ReportCount rc[8];
		uint32_t pid = 0, uid = 0;
		const char *app;
		ssize_t n;
		int c;

		n = report_recv(fd, buf, sizeof(buf), &pid, &uid);
		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n < 0) {
			report_reject(m, pid, n == -EBADMSG ? "too long, or without credentials" : strerror((int)-n));
			continue;
		}
		c = report_parse(buf, (size_t)n, rc, ELEMENTSOF(rc), err, sizeof(err));
		if (c < 0) {
			report_reject(m, pid, err);
			continue;
		}
		app = reporter_app(m, pid, uid);
		for (int i = 0; i < c; i++)
			metrics_fallback(&m->metrics, app, rc[i].reason, rc[i].count);
	}
	return 0;
}

static void report_start(Manager *m)
{
	char path[600];
	int r;

	snprintf(path, sizeof(path), "%s/" EDGEAID_REPORT_FILE, m->runtime_dir);
	m->report_fd = report_open(path);
	if (m->report_fd < 0) {
		manager_log(LOG_WARNING, NULL, "No report socket %s, fallbacks are not counted: %s", path,
			    strerror(-m->report_fd));
		return;
	}
	r = sd_event_add_io(m->event, &m->report, m->report_fd, EPOLLIN, on_report, m);
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "Cannot watch the report socket: %s", strerror(-r));
}

/* ---- control loop ---- */

static void write_advice(Manager *m)
{
	char tmp[600], s[128];

	snprintf(tmp, sizeof(tmp), "%s.tmp", m->advice_path);
	snprintf(s, sizeof(s), "%s\n", m->advice == REASON_NONE ? "none" : reason_to_string(m->advice));
	if (write_string_file(tmp, s) == -ENOENT) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0) {
			fchmod(fd, 0644);
			close(fd);
		}
		write_string_file(tmp, s);
	}
	rename(tmp, m->advice_path);
}

/*
 * A device bound a moment ago may show no device_type yet when its uevent
 * arrives: read it again, and write the CDI specs once it is known.
 */
static void refresh_device_types(Manager *m)
{
	bool changed = false;

	for (size_t i = 0; i < m->n_devices; i++) {
		Device *d = &m->devices[i];
		AccelDevice s;
		char p[128];

		if (*d->sys.type)
			continue;
		snprintf(p, sizeof(p), "/sys/class/accel/%s", d->sys.name);
		if (accel_device_from_syspath(p, &s) == 0 && *s.type) {
			snprintf(d->sys.type, sizeof(d->sys.type), "%s", s.type);
			changed = true;
		}
	}
	if (changed)
		write_cdi(m);
}

#define CLIENT_SCAN_USEC 1000000ULL

static void control(Manager *m)
{
	uint64_t now = 0;
	bool throttled = false;
	Reason advice = REASON_NONE;
	int64_t hottest = INT64_MIN;
	char why[512] = "";

	drop_vanished_devices(m);
	refresh_device_types(m);
	for (size_t i = 0; i < m->n_devices; i++) {
		Device *d = &m->devices[i];
		uint64_t lo, hi;
		size_t top, cap;

		if (*d->sys.tz)
			d->temp_mc = read_attr_ll(d->sys.tz, "temp", d->temp_mc);
		if (d->temp_mc > hottest)
			hottest = d->temp_mc;
		if (*d->sys.devfreq)
			d->cur_freq = read_attr_ll(d->sys.devfreq, "cur_freq", d->cur_freq);
		if (!d->n_freqs || !m->thermal_limit_mc || !*d->sys.tz) {
			d->throttled = false;
			continue;
		}
		profile_window(m->profile, d->freqs, d->n_freqs, &lo, &hi);
		top = freq_index(d, hi);
		cap = thermal_step(d->cap, 0, top, d->temp_mc, m->thermal_limit_mc, m->config.thermal_hyst_mc);
		if (cap != d->cap) {
			d->cap = cap;
			device_apply_power(m, d);
		}
		d->throttled = d->cap < top;
		if (d->throttled) {
			throttled = true;
			snprintf(why, sizeof(why),
				 "%s at %.1f C, limit %.1f C: max_freq capped at %" PRIu64 " Hz (profile allows %" PRIu64 " Hz)",
				 d->sys.name, d->temp_mc / 1000.0, m->thermal_limit_mc / 1000.0, d->freqs[d->cap], hi);
			/* at the floor and still too hot: the CPU is the better place */
			if (d->cap == 0 && d->temp_mc > (int64_t)m->thermal_limit_mc) {
				advice = REASON_THERMAL;
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 "; at the lowest clock and still above the limit: fall back to CPU");
			}
		}
	}
	if (!m->n_devices) {
		advice = REASON_DEVICE_MISSING;
		snprintf(why, sizeof(why), "no accelerator device present: fall back to CPU");
	}
	if (throttled != m->throttled) {
		m->throttled = throttled;
		m->throttle_reason = throttled ? REASON_THERMAL : REASON_NONE;
		if (throttled)
			manager_log(LOG_WARNING, MSGID_THROTTLE, "Throttling: %s", why);
		else
			manager_log(LOG_NOTICE, MSGID_THROTTLE, "Throttling ended: %.1f C, below %.1f C - %.1f C",
				    hottest / 1000.0, m->thermal_limit_mc / 1000.0, m->config.thermal_hyst_mc / 1000.0);
		emit_throttled(m);
		emit_changed(m, STRV_MAKE("Throttled", "ThrottleReason"));
	}
	if (advice != m->advice) {
		m->advice = advice;
		if (advice)
			manager_log(LOG_WARNING, MSGID_FALLBACK, "Advising CPU fallback (%s): %s",
				    reason_to_string(advice), why);
		else
			manager_log(LOG_NOTICE, MSGID_FALLBACK, "CPU fallback no longer advised");
		write_advice(m);
		emit_fallback_advised(m);
		emit_changed(m, STRV_MAKE("FallbackAdvice"));
	}
	if (*why)
		snprintf(m->why, sizeof(m->why), "%s", why);
	/*
	 * The walk of every open file of every process is the loop's cost
	 * (a few ms on a board, tens in the TCG board, every 200 ms a third
	 * of a core there): clients once a second, the thermal loop every tick.
	 */
	if (sd_event_now(m->event, CLOCK_MONOTONIC, &now) < 0 || !m->last_scan_usec ||
	    now - m->last_scan_usec >= CLIENT_SCAN_USEC) {
		scan_clients(m);
		m->last_scan_usec = now ? now : 1;
	}
	retry_pending(m);
	manager_update_status(m);
}

void manager_update_status(Manager *m)
{
	char s[256];
	int64_t t = INT64_MIN;
	uint64_t f = 0;

	for (size_t i = 0; i < m->n_devices; i++) {
		if (m->devices[i].temp_mc > t)
			t = m->devices[i].temp_mc;
		if (m->devices[i].cur_freq > f)
			f = m->devices[i].cur_freq;
	}
	if (!m->n_devices)
		snprintf(s, sizeof(s), "0 devices, %zu clients, profile %s; advising CPU fallback (device-missing)",
			 m->n_clients, profile_to_string(m->profile));
	else
		snprintf(s, sizeof(s), "%zu device%s, %zu client%s, %" PRIu64 " MHz, %.1f C, profile %s, %s%s%s",
			 m->n_devices, m->n_devices == 1 ? "" : "s", m->n_clients, m->n_clients == 1 ? "" : "s",
			 f / 1000000, t / 1000.0, profile_to_string(m->profile),
			 m->throttled ? "throttled (thermal)" : "not throttled",
			 m->advice ? ", fallback advised: " : "", m->advice ? reason_to_string(m->advice) : "");
	if (strcmp(s, m->status)) {
		snprintf(m->status, sizeof(m->status), "%s", s);
		sd_notifyf(0, "STATUS=%s", s);
	}
}

static int on_tick(sd_event_source *s, uint64_t usec, void *ud)
{
	Manager *m = ud;

	control(m);
	m->last_tick_usec = usec;
	sd_event_source_set_time(s, usec + m->config.interval_ms * 1000ULL);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static void write_metrics(Manager *m, uint64_t usec)
{
	int r;

	if (!*m->config.metrics_dir)
		return;
	r = metrics_write(m, m->config.metrics_dir, usec);
	if (r < 0 && r != m->metrics_error)
		manager_log(r == -ENOENT ? LOG_INFO : LOG_WARNING, NULL, "No metrics in %s/" METRICS_FILE ": %s",
			    m->config.metrics_dir, strerror(-r));
	m->metrics_error = r < 0 ? r : 0;
}

static int on_metrics(sd_event_source *s, uint64_t usec, void *ud)
{
	Manager *m = ud;

	/*
	 * @usec is when the timer was due, not now: after a late run the
	 * next one is due at once, and utilization over the nominal interval
	 * would divide the busy time of a few ms by a whole second.
	 */
	(void)sd_event_now(m->event, CLOCK_MONOTONIC, &usec);
	write_metrics(m, usec);
	sd_event_source_set_time(s, usec + m->config.metrics_interval_ms * 1000ULL);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* WATCHDOG=1 only while the control loop runs on time. */
static int on_watchdog(sd_event_source *s, uint64_t usec, void *ud)
{
	Manager *m = ud;

	if (usec - m->last_tick_usec < 5 * m->config.interval_ms * 1000ULL + 1000000)
		sd_notify(0, "WATCHDOG=1");
	else
		manager_log(LOG_ERR, NULL, "Control loop stalled for %" PRIu64 " ms, withholding the watchdog ping",
			    (usec - m->last_tick_usec) / 1000);
	sd_event_source_set_time(s, usec + m->watchdog_usec / 2);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

int manager_set_profile(Manager *m, Profile p)
{
	if (p < 0 || p >= _PROFILE_MAX)
		return -EINVAL;
	m->profile = p;
	for (size_t i = 0; i < m->n_devices; i++) {
		Device *d = &m->devices[i];
		uint64_t lo, hi;

		profile_window(p, d->freqs, d->n_freqs, &lo, &hi);
		d->cap = freq_index(d, hi);
		device_apply_power(m, d);
	}
	manager_log(LOG_NOTICE, NULL, "Power profile %s", profile_to_string(p));
	emit_changed(m, STRV_MAKE("PowerProfile"));
	manager_update_status(m);
	return 0;
}

int manager_set_thermal_limit(Manager *m, uint32_t mc)
{
	if (mc > 150000 || (mc && mc < 20000))
		return -EINVAL;
	m->thermal_limit_mc = mc;
	emit_changed(m, STRV_MAKE("ThermalLimit"));
	return 0;
}

int manager_reload(Manager *m, char *err, size_t errlen)
{
	Config c;
	int r;

	config_init(&c);
	*err = 0;
	r = config_load(&c, m->config_path, err, errlen);
	if (r < 0) {
		config_done(&c);
		return r;
	}
	config_done(&m->config);
	m->config = c;
	m->thermal_limit_mc = c.thermal_limit_mc;
	manager_set_profile(m, c.profile);
	for (size_t i = 0; i < m->n_clients; i++)
		if (!m->clients[i].override)
			client_apply_rules(m, &m->clients[i]);
	write_cdi(m);
	emit_changed(m, STRV_MAKE("ThermalLimit", "Applications"));
	return 0;
}

int manager_new(Manager **ret, const char *config_path, const char *runtime_dir)
{
	Manager *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	config_init(&m->config);
	m->config_path = strdup(config_path);
	m->runtime_dir = strdup(runtime_dir);
	if (!m->config_path || !m->runtime_dir) {
		manager_free(m);
		return -ENOMEM;
	}
	snprintf(m->knob_journal, sizeof(m->knob_journal), "%s/" EDGEAID_KNOBS_FILE, runtime_dir);
	snprintf(m->advice_path, sizeof(m->advice_path), "%s/" EDGEAID_ADVICE_FILE, runtime_dir);
	m->report_fd = -1;
	*ret = m;
	return 0;
}

Manager *manager_free(Manager *m)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < m->n_devices; i++)
		if (m->devices[i].fd >= 0)
			close(m->devices[i].fd);
	free(m->devices);
	free(m->clients);
	metrics_done(&m->metrics);
	sd_event_source_unref(m->metrics_timer);
	sd_event_source_unref(m->tick);
	sd_event_source_disable_unref(m->dev_watch);
	sd_event_source_disable_unref(m->accel_watch);
	sd_event_source_unref(m->wd);
	sd_event_source_disable_unref(m->report);
	if (m->report_fd >= 0)
		close(m->report_fd);
	sd_device_monitor_unref(m->monitor);
	sd_event_unref(m->event);
	config_done(&m->config);
	free(m->config_path);
	free(m->runtime_dir);
	free(m);
	return NULL;
}

int manager_start(Manager *m)
{
	char err[512] = "";
	uint64_t now;
	int r;

	mkdir(m->runtime_dir, 0755);
	/* a journal left by a crashed instance: put everything back first */
	manager_restore_knobs(m);
	r = config_load(&m->config, m->config_path, err, sizeof(err));
	if (r < 0) {
		manager_log(LOG_ERR, NULL, "Bad configuration, not starting: %s", *err ? err : strerror(-r));
		return r;
	}
	m->profile = m->config.profile;
	m->thermal_limit_mc = m->config.thermal_limit_mc;
	r = sd_event_default(&m->event);
	if (r < 0)
		return r;
	sd_event_set_signal_exit(m->event, 1);
	r = sd_device_monitor_new(&m->monitor);
	if (r >= 0)
		r = sd_device_monitor_filter_add_match_subsystem_devtype(m->monitor, "accel", NULL);
	if (r >= 0)
		r = sd_device_monitor_attach_event(m->monitor, m->event);
	if (r >= 0)
		r = sd_device_monitor_start(m->monitor, on_uevent, m);
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "No device monitor, hotplug will not be seen: %s", strerror(-r));
	r = sd_event_add_inotify(m->event, &m->dev_watch, "/dev", IN_CREATE | IN_DELETE | IN_ONLYDIR,
				 on_dev_inotify, m);
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "Cannot watch /dev: %s", strerror(-r));
	watch_dev_accel(m);
	enumerate_devices(m);
	sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	m->last_tick_usec = now;
	r = sd_event_add_time(m->event, &m->tick, CLOCK_MONOTONIC, now, 1000, on_tick, m);
	if (r < 0)
		return r;
	if (sd_watchdog_enabled(0, &m->watchdog_usec) > 0) {
		r = sd_event_add_time(m->event, &m->wd, CLOCK_MONOTONIC, now + m->watchdog_usec / 2, 1000,
				      on_watchdog, m);
		if (r < 0)
			return r;
	}
	report_start(m);
	control(m);
	write_advice(m);
	write_cdi(m);
	/* the first file at once (utilization comes with the second) */
	r = sd_event_add_time(m->event, &m->metrics_timer, CLOCK_MONOTONIC, now, 1000, on_metrics, m);
	if (r < 0)
		return r;
	return 0;
}
