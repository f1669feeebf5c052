// SPDX-License-Identifier: MIT
/*
 * edgeaid: the D-Bus API, org.edgeai.Manager1 at /org/edgeai/Manager1 on the
 * system bus. Documented in org.edgeai.Manager1.xml (the introspection data
 * plus comments). Privileged verbs are allowed to root (euid 0 of the
 * sender) and checked with polkit for everyone else, one action per verb
 * (units/org.edgeai.Manager1.policy), failing closed; see edgeaid.8.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-bus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <systemd/sd-bus.h>

#include "edgeaid-manager.h"
#include "shared/protocol.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define POLKIT_ALLOW_USER_INTERACTION 1u
/* long enough for a password typed into an authentication agent */
#define POLKIT_TIMEOUT_USEC (60 * 1000000ULL)
/* questions to polkit in flight at once; callers beyond are refused */
#define AUTH_QUERIES_MAX 64

/* The polkit actions of the privileged verbs (units/org.edgeai.Manager1.policy) */
#define ACTION_SET_POWER_PROFILE "org.edgeai.manager1.set-power-profile"
#define ACTION_SET_THERMAL_LIMIT "org.edgeai.manager1.set-thermal-limit"
#define ACTION_SET_POLICY "org.edgeai.manager1.set-policy"
#define ACTION_RELOAD "org.edgeai.manager1.reload"

/* A RegisterClient caller, registered until it leaves the bus */
typedef struct Registration {
	char *sender;
	uint32_t pid;
	sd_bus_track *track;
	Bus *bus;
} Registration;

/* A privileged call waiting for polkit's CheckAuthorization answer */
typedef struct AuthQuery {
	struct AuthQuery *next;
	Bus *bus;
	sd_bus_message *request;        /* the method call, dispatched again once answered */
	sd_bus_slot *slot;              /* the pending CheckAuthorization, NULL once answered */
	const char *action;
	bool done, granted, challenge;
	char why[384];                  /* why polkit could not answer, "" if it did */
} AuthQuery;

struct Bus {
	Manager *manager;
	sd_bus *bus;
	sd_bus_slot *vtable_slot;
	Registration **regs;
	size_t n_regs;
	AuthQuery *auth_queries;
};

/* Bytes of a caller's string quoted back in an error, before "..." */
#define ECHO_MAX 64

/*
 * Length of the valid UTF-8 sequence at @s (1..4), 0 for an invalid one
 * (overlong forms and surrogates included: D-Bus refuses them).
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * @s made fit to quote in a D-Bus error message into @buf (@len bytes): at
 * most @len - 4 bytes of it, cut between characters and marked "...",
 * control characters and invalid UTF-8 (a message D-Bus would refuse to
 * carry) replaced by '?'. Callers' strings can be megabytes long; config
 * errors quote file contents. Returns @buf.
 */
static const char *echo(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p) {
		size_t n = utf8_len(p);

		if (o + (n ? n : 1) > len - 4) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (!n || *p < 0x20 || *p == 0x7f) {
			buf[o++] = '?';
			p++;
			continue;
		}
		memcpy(buf + o, p, n);
		o += n;
		p += n;
	}
	buf[o] = 0;
	return buf;
}

static void emit_changed(Bus *b, char **names)
{
	sd_bus_emit_properties_changed_strv(b->bus, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE, names);
}

static void auth_query_free(Bus *b, AuthQuery *q)
{
	for (AuthQuery **p = &b->auth_queries; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	sd_bus_slot_unref(q->slot);
	sd_bus_message_unref(q->request);
	free(q);
}

/* Refuse the call of @msg: the error names the verb and its polkit action */
static int deny(sd_bus_message *msg, uid_t uid, const char *action, const char *name, const char *detail,
		sd_bus_error *error)
{
	const char *member = sd_bus_message_get_member(msg), *sender = sd_bus_message_get_sender(msg);

	manager_log(LOG_NOTICE, NULL, "Refused %s to uid %u (%s), polkit action %s: %s", member, (unsigned)uid,
		    sender ? sender : "?", action, detail);
	return sd_bus_error_setf(error, name, "%s needs polkit authorization %s: %s", member, action, detail);
}

/* polkit answered (or the call failed): remember the verdict and dispatch the
 * original method call again; its handler finds the verdict in bus_verify(). */
static int on_polkit_reply(sd_bus_message *reply, void *ud, sd_bus_error *ret_error)
{
	AuthQuery *q = ud;
	int authorized = 0, challenge = 0, r;

	(void)ret_error;
	q->slot = sd_bus_slot_unref(q->slot);
	q->done = true;
	if (sd_bus_message_is_method_error(reply, NULL)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);

		bool absent = sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER);

		snprintf(q->why, sizeof(q->why), "%s (%s: %s)",
			 absent ? "polkit is not available" : "polkit could not answer",
			 e && e->name ? e->name : "error", e && e->message ? e->message : "no message");
	} else {
		r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
		if (r >= 0)
			r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
		if (r < 0)
			snprintf(q->why, sizeof(q->why), "polkit could not answer (unreadable reply: %s)",
				 strerror(-r));
		q->granted = r >= 0 && authorized;
		q->challenge = r >= 0 && challenge;
	}
	r = sd_bus_message_rewind(q->request, true);
	if (r >= 0)
		r = sd_bus_enqueue_for_read(sd_bus_message_get_bus(q->request), q->request);
	if (r < 0) {
		sd_bus_reply_method_errorf(q->request, SD_BUS_ERROR_ACCESS_DENIED,
					   "%s needs polkit authorization %s: cannot finish the check: %s",
					   sd_bus_message_get_member(q->request), q->action, strerror(-r));
		auth_query_free(q->bus, q);
	}
	return 1;
}

/*
 * May the sender of @msg do @action? Root (effective uid 0) always may. Anyone
 * else is asked of polkit, subject the sender's bus name, with user
 * interaction only if the caller allowed it. Returns 1 when allowed, 0 when
 * the question is on its way to polkit (the handler returns 1 without a
 * reply and runs again with the answer), and a negative errno with @error
 * set when refused: polkit said no, or it could not be asked (fail closed).
 */
static int bus_verify(Bus *b, sd_bus_message *msg, const char *action, sd_bus_error *error)
{
	const char *sender = sd_bus_message_get_sender(msg);
	sd_bus_message *call = NULL;
	sd_bus_creds *c = NULL;
	AuthQuery *q;
	size_t pending = 0;
	uid_t uid;
	int interactive, r;

	r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &c);
	if (r >= 0)
		r = sd_bus_creds_get_euid(c, &uid);
	sd_bus_creds_unref(c);
	if (r < 0)
		return sd_bus_error_set_errnof(error, -r, "Cannot identify the caller: %s", strerror(-r));

	/* the second dispatch: polkit has answered */
	for (q = b->auth_queries; q && q->request != msg; q = q->next)
		;
	if (q) {
		bool done = q->done, granted = q->granted, challenge = q->challenge;
		char why[sizeof(q->why)];

		snprintf(why, sizeof(why), "%s", q->why);
		if (!*q->why)
			snprintf(why, sizeof(why), "%s",
				 challenge ? "authentication required, and no authentication agent completed it"
					   : "not authorized");
		auth_query_free(b, q);
		if (!done)
			return deny(msg, uid, action, SD_BUS_ERROR_ACCESS_DENIED, "dispatched before polkit answered",
				    error);
		if (granted)
			return 1;
		if (challenge && !sd_bus_message_get_allow_interactive_authorization(msg))
			return deny(msg, uid, action, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
				    "authentication required, call again allowing interactive authorization", error);
		return deny(msg, uid, action, SD_BUS_ERROR_ACCESS_DENIED, why, error);
	}

	if (uid == 0)
		return 1;
	if (!sender)
		return deny(msg, uid, action, SD_BUS_ERROR_ACCESS_DENIED, "the caller has no bus name", error);

	for (q = b->auth_queries; q; q = q->next)
		pending++;
	if (pending >= AUTH_QUERIES_MAX)
		return deny(msg, uid, action, SD_BUS_ERROR_ACCESS_DENIED, "too many authorization checks pending",
			    error);

	interactive = sd_bus_message_get_allow_interactive_authorization(msg) > 0;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->bus = b;
	q->action = action;
	r = sd_bus_message_new_method_call(b->bus, &call, POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE, "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(call, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender, action,
					  0, interactive ? POLKIT_ALLOW_USER_INTERACTION : 0u, "");
	if (r >= 0)
		r = sd_bus_call_async(b->bus, &q->slot, call, on_polkit_reply, q, POLKIT_TIMEOUT_USEC);
	sd_bus_message_unref(call);
	if (r < 0) {
		char why[128];

		free(q);
		snprintf(why, sizeof(why), "polkit is not available (cannot ask it: %s)", strerror(-r));
		return deny(msg, uid, action, SD_BUS_ERROR_ACCESS_DENIED, why, error);
	}
	q->request = sd_bus_message_ref(msg);
	q->next = b->auth_queries;
	b->auth_queries = q;
	return 0;
}

/* A property getter; the vtable's userdata is the Bus */
#define GETTER(name)                                                                            \
	static int name(sd_bus *_bus_ _unused_, const char *path _unused_, const char *iface _unused_, \
			const char *prop _unused_, sd_bus_message *reply, void *userdata _unused_,      \
			sd_bus_error *error _unused_)

GETTER(get_profile)
{
	const Manager *m = ((Bus *)userdata)->manager;

	return sd_bus_message_append(reply, "s", profile_to_string(m->profile));
}

GETTER(get_profiles)
{
	return sd_bus_message_append(reply, "as", 3, "power-saver", "balanced", "performance");
}

GETTER(get_thermal_limit)
{
	return sd_bus_message_append(reply, "u", ((Bus *)userdata)->manager->thermal_limit_mc);
}

/* The string properties: ThrottleReason, FallbackAdvice, Why, Status */
GETTER(get_string)
{
	const Manager *m = ((Bus *)userdata)->manager;

	if (!strcmp(prop, "ThrottleReason"))
		return sd_bus_message_append(reply, "s", reason_to_string(m->throttle_reason));
	if (!strcmp(prop, "FallbackAdvice"))
		return sd_bus_message_append(reply, "s", reason_to_string(m->advice));
	if (!strcmp(prop, "Why"))
		return sd_bus_message_append(reply, "s", m->why);
	return sd_bus_message_append(reply, "s", m->status);
}

GETTER(get_throttled)
{
	return sd_bus_message_append(reply, "b", (int)((Bus *)userdata)->manager->throttled);
}

GETTER(get_devices)
{
	const Manager *m = ((Bus *)userdata)->manager;
	int r = sd_bus_message_open_container(reply, 'a', "(ssxtb)");

	for (size_t i = 0; r >= 0 && i < m->n_devices; i++) {
		const Device *d = &m->devices[i];

		r = sd_bus_message_append(reply, "(ssxtb)", d->sys.name, d->sys.bus, d->temp_mc, d->cur_freq,
					  (int)d->throttled);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

GETTER(get_clients)
{
	const Manager *m = ((Bus *)userdata)->manager;
	int r = sd_bus_message_open_container(reply, 'a', "(tuussssutt)");

	for (size_t i = 0; r >= 0 && i < m->n_clients; i++) {
		const Client *c = &m->clients[i];

		r = sd_bus_message_append(reply, "(tuussssutt)", c->id, c->pid, c->uid, c->comm, c->device, c->app,
					  priority_to_string(c->priority), c->weight, c->quota_ns, c->engine_ns);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

GETTER(get_apps)
{
	const Manager *m = ((Bus *)userdata)->manager;
	int r = sd_bus_message_open_container(reply, 'a', "(ssutt)");

	for (size_t i = 0; r >= 0 && i < m->config.n_rules; i++) {
		const AppRule *a = &m->config.rules[i];

		r = sd_bus_message_append(reply, "(ssutt)", a->name, a->priority >= 0 ? priority_to_string(a->priority) : "",
					  a->weight, a->quota_ns, a->period_ns);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

GETTER(get_registered)
{
	return sd_bus_message_append(reply, "u", (uint32_t)((Bus *)userdata)->n_regs);
}

static int method_set_profile(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	char q[ECHO_MAX + 4];
	const char *s;
	Profile p;
	int r;

	r = sd_bus_message_read(msg, "s", &s);
	if (r < 0)
		return r;
	r = bus_verify(b, msg, ACTION_SET_POWER_PROFILE, error);
	if (r <= 0)
		return r < 0 ? r : 1; /* polkit answers later, then this runs again */
	p = profile_from_string(s);
	if (p < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Unknown power profile '%s' (power-saver, balanced, performance)",
					 echo(q, sizeof(q), s));
	manager_set_profile(b->manager, p);
	return sd_bus_reply_method_return(msg, NULL);
}

static int method_set_thermal_limit(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	uint32_t mc;
	int r;

	r = sd_bus_message_read(msg, "u", &mc);
	if (r < 0)
		return r;
	r = bus_verify(b, msg, ACTION_SET_THERMAL_LIMIT, error);
	if (r <= 0)
		return r < 0 ? r : 1; /* polkit answers later, then this runs again */
	if (manager_set_thermal_limit(b->manager, mc) < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Thermal limit %u m°C out of range (0 = off, or 20000..150000)", mc);
	return sd_bus_reply_method_return(msg, NULL);
}

/* The policy arguments of SetClientPolicy and SetApplicationPolicy */
typedef struct PolicyArgs {
	uint32_t weight;        /* 0 = leave */
	int priority;           /* -1 = leave */
	uint64_t quota_ns, period_ns;
} PolicyArgs;

/*
 * Read a SetClientPolicy or SetApplicationPolicy call: its key of type @sig
 * into @key, then "ustt" checked into @p, then ask polkit. Returns as
 * bus_verify() does, or a negative errno with @error set on bad arguments.
 */
static int read_policy_call(Bus *b, sd_bus_message *msg, char sig, void *key, PolicyArgs *p, sd_bus_error *error)
{
	char q[ECHO_MAX + 4];
	const char *ps;
	int r;

	r = sd_bus_message_read_basic(msg, sig, key);
	if (r >= 0)
		r = sd_bus_message_read(msg, "ustt", &p->weight, &ps, &p->quota_ns, &p->period_ns);
	if (r < 0)
		return r;
	if (p->weight > 1000)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Weight %u not 1..1000 (0 = leave)", p->weight);
	p->priority = -1;
	if (*ps && (p->priority = priority_from_string(ps)) < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Priority '%s' not low, normal or high ('' = leave)",
					 echo(q, sizeof(q), ps));
	if (p->quota_ns && (p->period_ns < 1000000 || p->period_ns > 60000000000ULL || p->quota_ns > p->period_ns))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Quota %" PRIu64 " ns per period %" PRIu64 " ns: period not 1 ms..60 s or quota above it",
					 p->quota_ns, p->period_ns);
	if (!p->weight && p->priority < 0 && !p->quota_ns)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "Nothing to set");
	return bus_verify(b, msg, ACTION_SET_POLICY, error);
}

static int method_set_client_policy(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	PolicyArgs p;
	uint64_t id;
	int r;

	r = read_policy_call(b, msg, 't', &id, &p, error);
	if (r <= 0)
		return r < 0 ? r : 1; /* polkit answers later, then this runs again */
	r = manager_set_client_policy(b->manager, id, p.weight, p.priority, p.quota_ns, p.period_ns, true);
	if (r == -ESRCH)
		return sd_bus_error_setf(error, EDGEAID_ERROR_NO_SUCH_CLIENT, "No client %" PRIu64, id);
	if (r < 0)
		return sd_bus_error_setf(error, EDGEAID_ERROR_KERNEL_REFUSED, "SET_POLICY for client %" PRIu64 ": %s", id,
					 strerror(-r));
	emit_changed(b, STRV_MAKE("Clients"));
	return sd_bus_reply_method_return(msg, NULL);
}

static int method_set_app_policy(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	char q[ECHO_MAX + 4];
	const char *name;
	PolicyArgs p;
	int r;

	r = read_policy_call(b, msg, 's', &name, &p, error);
	if (r <= 0)
		return r < 0 ? r : 1; /* polkit answers later, then this runs again */
	r = manager_set_app_policy(b->manager, name, p.weight, p.priority, p.quota_ns, p.period_ns);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, EDGEAID_ERROR_NO_SUCH_APPLICATION, "No [Application] named '%s'",
					 echo(q, sizeof(q), name));
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(msg, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	char err[512], q[512];
	int r;

	r = bus_verify(b, msg, ACTION_RELOAD, error);
	if (r <= 0)
		return r < 0 ? r : 1; /* polkit answers later, then this runs again */
	r = manager_reload(b->manager, err, sizeof(err));
	if (r < 0)
		return sd_bus_error_setf(error, EDGEAID_ERROR_BAD_CONFIG, "%s (old configuration kept)",
					 echo(q, sizeof(q), *err ? err : strerror(-r)));
	return sd_bus_reply_method_return(msg, NULL);
}

static Registration *reg_free(Registration *g)
{
	Bus *b = g->bus;

	for (size_t i = 0; i < b->n_regs; i++)
		if (b->regs[i] == g) {
			b->regs[i] = b->regs[--b->n_regs];
			break;
		}
	sd_bus_track_unref(g->track);
	free(g->sender);
	free(g);
	return NULL;
}

static int on_track_gone(sd_bus_track *t, void *userdata)
{
	Registration *g = userdata;
	Bus *b = g->bus;

	(void)t;
	manager_log(LOG_INFO, NULL, "Client %s (pid %u) left the bus, registration dropped", g->sender, g->pid);
	reg_free(g);
	emit_changed(b, STRV_MAKE("RegisteredClients"));
	return 0;
}

static int method_register(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	const char *sender = sd_bus_message_get_sender(msg);
	sd_bus_creds *c = NULL;
	Registration *g, **n;
	pid_t pid = 0;
	int r;

	for (size_t i = 0; i < b->n_regs; i++)
		if (sender && !strcmp(b->regs[i]->sender, sender))
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%s is already registered", sender);
	if (sd_bus_query_sender_creds(msg, SD_BUS_CREDS_PID | SD_BUS_CREDS_AUGMENT, &c) >= 0)
		sd_bus_creds_get_pid(c, &pid);
	sd_bus_creds_unref(c);
	n = realloc(b->regs, (b->n_regs + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->regs = n;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->bus = b;
	g->pid = pid;
	g->sender = strdup(sender ? sender : "");
	r = sd_bus_track_new(b->bus, &g->track, on_track_gone, g);
	if (r >= 0)
		r = sd_bus_track_add_sender(g->track, msg);
	if (r < 0 || !g->sender) {
		sd_bus_track_unref(g->track);
		free(g->sender);
		free(g);
		return r < 0 ? r : -ENOMEM;
	}
	b->regs[b->n_regs++] = g;
	emit_changed(b, STRV_MAKE("RegisteredClients"));
	return sd_bus_reply_method_return(msg, "s", reason_to_string(b->manager->advice));
}

static int method_unregister(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Bus *b = userdata;
	const char *sender = sd_bus_message_get_sender(msg);

	for (size_t i = 0; i < b->n_regs; i++)
		if (sender && !strcmp(b->regs[i]->sender, sender)) {
			reg_free(b->regs[i]);
			emit_changed(b, STRV_MAKE("RegisteredClients"));
			return sd_bus_reply_method_return(msg, NULL);
		}
	return sd_bus_error_setf(error, EDGEAID_ERROR_NO_SUCH_CLIENT, "%s is not registered", sender ? sender : "?");
}

#define RO(name, sig, get) SD_BUS_PROPERTY(name, sig, get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)
/* Every caller may call every method: the privileged ones ask polkit (bus_verify) */
#define OPEN SD_BUS_VTABLE_UNPRIVILEGED

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	RO("PowerProfile", "s", get_profile),
	SD_BUS_PROPERTY("Profiles", "as", get_profiles, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	RO("ThermalLimit", "u", get_thermal_limit),
	RO("Throttled", "b", get_throttled),
	RO("ThrottleReason", "s", get_string),
	RO("FallbackAdvice", "s", get_string),
	SD_BUS_PROPERTY("Why", "s", get_string, 0, 0),
	SD_BUS_PROPERTY("Status", "s", get_string, 0, 0),
	RO("Devices", "a(ssxtb)", get_devices),
	RO("Clients", "a(tuussssutt)", get_clients),
	RO("Applications", "a(ssutt)", get_apps),
	RO("RegisteredClients", "u", get_registered),
	SD_BUS_METHOD_WITH_NAMES("SetPowerProfile", "s", SD_BUS_PARAM(profile), "", , method_set_profile, OPEN),
	SD_BUS_METHOD_WITH_NAMES("SetThermalLimit", "u", SD_BUS_PARAM(millicelsius), "", , method_set_thermal_limit,
				 OPEN),
	SD_BUS_METHOD_WITH_NAMES("SetClientPolicy", "tustt",
				 SD_BUS_PARAM(client) SD_BUS_PARAM(weight) SD_BUS_PARAM(priority)
				 SD_BUS_PARAM(quota_ns) SD_BUS_PARAM(period_ns), "", , method_set_client_policy, OPEN),
	SD_BUS_METHOD_WITH_NAMES("SetApplicationPolicy", "sustt",
				 SD_BUS_PARAM(application) SD_BUS_PARAM(weight) SD_BUS_PARAM(priority)
				 SD_BUS_PARAM(quota_ns) SD_BUS_PARAM(period_ns), "", , method_set_app_policy, OPEN),
	SD_BUS_METHOD("Reload", "", "", method_reload, OPEN),
	SD_BUS_METHOD_WITH_NAMES("RegisterClient", "", , "s", SD_BUS_PARAM(advice), method_register, OPEN),
	SD_BUS_METHOD("UnregisterClient", "", "", method_unregister, OPEN),
	SD_BUS_SIGNAL_WITH_NAMES("Throttled", "bsxt",
				 SD_BUS_PARAM(throttled) SD_BUS_PARAM(reason) SD_BUS_PARAM(temperature_mc)
				 SD_BUS_PARAM(max_freq_hz), 0),
	SD_BUS_SIGNAL_WITH_NAMES("FallbackAdvised", "bss",
				 SD_BUS_PARAM(advised) SD_BUS_PARAM(reason) SD_BUS_PARAM(why), 0),
	SD_BUS_VTABLE_END
};

/* The manager's announcements (ManagerListener), sent on the bus */
static void on_properties_changed(void *userdata, char **names)
{
	emit_changed(userdata, names);
}

static void on_throttled(void *userdata)
{
	Bus *b = userdata;
	const Manager *m = b->manager;
	int64_t t = 0;
	uint64_t f = 0;

	for (size_t i = 0; i < m->n_devices; i++)
		if (m->devices[i].throttled) {
			t = m->devices[i].temp_mc;
			f = m->devices[i].freqs[m->devices[i].cap];
		}
	sd_bus_emit_signal(b->bus, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE, "Throttled", "bsxt", (int)m->throttled,
			   reason_to_string(m->throttle_reason), t, f);
}

static void on_fallback_advised(void *userdata)
{
	Bus *b = userdata;
	const Manager *m = b->manager;

	sd_bus_emit_signal(b->bus, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE, "FallbackAdvised", "bss",
			   (int)(m->advice != REASON_NONE), reason_to_string(m->advice), m->why);
}

static const ManagerListener bus_listener = {
	.properties_changed = on_properties_changed,
	.throttled = on_throttled,
	.fallback_advised = on_fallback_advised,
};

int bus_new(Bus **ret, Manager *m)
{
	_cleanup_(bus_freep) Bus *b = NULL;
	int r;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->manager = m;
	r = sd_bus_open_system(&b->bus);
	if (r < 0) {
		manager_log(LOG_ERR, NULL, "Cannot connect to the system bus: %s", strerror(-r));
		return r;
	}
	/* the object first, the name last: no call can come before the object exists */
	r = sd_bus_add_object_vtable(b->bus, &b->vtable_slot, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE, manager_vtable, b);
	if (r >= 0)
		r = sd_bus_attach_event(b->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
	if (r >= 0)
		r = sd_bus_request_name(b->bus, EDGEAID_BUS_NAME, 0);
	if (r < 0) {
		manager_log(LOG_ERR, NULL, "Cannot publish %s: %s", EDGEAID_BUS_NAME, strerror(-r));
		return r;
	}
	manager_set_listener(m, &bus_listener, b);
	*ret = TAKE_PTR(b);
	return 0;
}

Bus *bus_free(Bus *b)
{
	if (!b)
		return NULL;
	if (b->manager->listener_userdata == b)
		manager_set_listener(b->manager, NULL, NULL);
	while (b->n_regs)
		reg_free(b->regs[0]);
	free(b->regs);
	while (b->auth_queries)
		auth_query_free(b, b->auth_queries);
	sd_bus_slot_unref(b->vtable_slot);
	sd_bus_flush_close_unref(b->bus);
	free(b);
	return NULL;
}
