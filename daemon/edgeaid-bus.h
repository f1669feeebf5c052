/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: the D-Bus API, org.edgeai.Manager1 (daemon/org.edgeai.Manager1.xml),
 * over a Manager. The bus calls the manager; the manager reaches the bus
 * only through the ManagerListener the bus installs (edgeaid-manager.h).
 */
#ifndef EDGEAID_BUS_H
#define EDGEAID_BUS_H

#include "edgeaid-manager.h"
#include "shared/macro.h"

typedef struct Bus Bus;

/*
 * Connect to the system bus, publish the object on @m's event loop, take
 * the name, and listen to @m's announcements. @m must outlive the Bus.
 */
int bus_new(Bus **ret, Manager *m);
Bus *bus_free(Bus *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Bus *, bus_free)

#endif
