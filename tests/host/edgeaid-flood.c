// SPDX-License-Identifier: MIT
/*
 * Helper of test-edgeaid-malformed.sh: floods edgeaid on the system bus.
 *
 *   edgeaid-flood calls N   N method calls from one connection, at most 64
 *                           in flight, cycling through good reads, bad
 *                           arguments, wrong signatures and unknown
 *                           members; prints "answered=A returns=R
 *                           errors=E" and exits 0 iff every call got an
 *                           answer
 *   edgeaid-flood conns N   N connections that each register, print
 *                           "registered=K" (the RegisteredClients edgeaid
 *                           reports with all of them on the bus), then
 *                           all leave at once
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "../../daemon/shared/protocol.h"

#define MANAGER EDGEAID_BUS_NAME, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE
#define WINDOW 64

static unsigned int inflight, answered, returns, errors;

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	(void)userdata;
	(void)e;
	inflight--;
	answered++;
	if (sd_bus_message_is_method_error(m, NULL))
		errors++;
	else
		returns++;
	return 0;
}

static int send_one(sd_bus *bus, unsigned int i)
{
	switch (i % 8) {
	case 0:
		return sd_bus_call_method_async(bus, NULL, EDGEAID_BUS_NAME, EDGEAID_BUS_PATH,
						"org.freedesktop.DBus.Properties", "Get", on_reply, NULL, "ss",
						EDGEAID_BUS_IFACE, "Status");
	case 1:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "SetPowerProfile", on_reply, NULL, "s", "turbo");
	case 2:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "SetPowerProfile", on_reply, NULL, "u", 7);
	case 3:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "SetThermalLimit", on_reply, NULL, "u", 5);
	case 4:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "SetApplicationPolicy", on_reply, NULL, "sustt",
						"no-such-app", 10, "", (uint64_t)0, (uint64_t)0);
	case 5:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "NoSuchMethod", on_reply, NULL, "");
	case 6:
		return sd_bus_call_method_async(bus, NULL, MANAGER, "SetClientPolicy", on_reply, NULL, "tu",
						(uint64_t)1, 5);
	default:
		return sd_bus_call_method_async(bus, NULL, EDGEAID_BUS_NAME, EDGEAID_BUS_PATH,
						"org.freedesktop.DBus.Properties", "GetAll", on_reply, NULL, "s",
						EDGEAID_BUS_IFACE);
	}
}

static int flood_calls(unsigned int n)
{
	sd_bus *bus = NULL;
	unsigned int sent = 0;
	int r = sd_bus_open_system(&bus);

	if (r < 0)
		return fprintf(stderr, "bus: %s\n", strerror(-r)), 1;
	while (answered < n) {
		while (sent < n && inflight < WINDOW) {
			r = send_one(bus, sent);
			if (r < 0)
				return fprintf(stderr, "send %u: %s\n", sent, strerror(-r)), 1;
			sent++;
			inflight++;
		}
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return fprintf(stderr, "process: %s\n", strerror(-r)), 1;
		/* 30 s without any answer: edgeaid stopped answering */
		if (!r && sd_bus_wait(bus, 30000000) == 0) {
			fprintf(stderr, "no answer for 30 s after %u answers\n", answered);
			break;
		}
	}
	printf("answered=%u returns=%u errors=%u\n", answered, returns, errors);
	sd_bus_flush_close_unref(bus);
	return answered == n ? 0 : 1;
}

static int flood_conns(unsigned int n)
{
	sd_bus **b = calloc(n, sizeof(*b));
	sd_bus_error e = SD_BUS_ERROR_NULL;
	uint32_t k = 0;
	int r, bad = 0;

	if (!b)
		return 1;
	for (unsigned int i = 0; i < n; i++) {
		r = sd_bus_open_system(&b[i]);
		if (r >= 0)
			r = sd_bus_call_method(b[i], MANAGER, "RegisterClient", &e, NULL, "");
		if (r < 0) {
			fprintf(stderr, "connection %u: %s\n", i, e.message ? e.message : strerror(-r));
			sd_bus_error_free(&e);
			bad = 1;
		}
	}
	r = sd_bus_get_property_trivial(b[0], MANAGER, "RegisteredClients", &e, 'u', &k);
	printf("registered=%u\n", r < 0 ? 0 : k);
	sd_bus_error_free(&e);
	for (unsigned int i = 0; i < n; i++)
		sd_bus_close_unref(b[i]);
	free(b);
	return bad;
}

int main(int argc, char *argv[])
{
	unsigned int n;

	if (argc != 3 || !(n = (unsigned int)strtoul(argv[2], NULL, 10)))
		return fprintf(stderr, "usage: edgeaid-flood calls|conns N\n"), 2;
	if (!strcmp(argv[1], "calls"))
		return flood_calls(n);
	if (!strcmp(argv[1], "conns"))
		return flood_conns(n);
	return 2;
}
