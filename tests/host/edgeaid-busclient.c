// SPDX-License-Identifier: MIT
/*
 * Helper of test-edgeaid-bus.sh: a client that registers with edgeaid,
 * prints the advice it got and the RegisteredClients count, then stays on
 * the bus until its stdin closes.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "../../daemon/shared/protocol.h"

#define MANAGER EDGEAID_BUS_NAME, EDGEAID_BUS_PATH, EDGEAID_BUS_IFACE

int main(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus *bus = NULL;
	const char *advice;
	uint32_t n = 0;
	char c;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return fprintf(stderr, "bus: %s\n", strerror(-r)), 1;
	r = sd_bus_call_method(bus, MANAGER, "RegisterClient", &e, &reply, "");
	if (r < 0)
		return fprintf(stderr, "RegisterClient: %s\n", e.message), 1;
	if (sd_bus_message_read(reply, "s", &advice) < 0)
		return 1;
	printf("advice=%s\n", advice);
	sd_bus_message_unref(reply);
	r = sd_bus_call_method(bus, MANAGER, "RegisterClient", &e, NULL, "");
	printf("again=%s\n", r < 0 ? e.name : "ok");
	sd_bus_error_free(&e);
	r = sd_bus_get_property_trivial(bus, MANAGER, "RegisteredClients", &e, 'u', &n);
	printf("registered=%u\n", r < 0 ? 999 : n);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	sd_bus_flush_close_unref(bus);
	return 0;
}
