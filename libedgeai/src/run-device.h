/* SPDX-License-Identifier: MIT */
/*
 * Device execution of a compiled program (run-device.c): the ops the
 * device's firmware supports run there (DRM_EDGEAI_SUBMIT_PROGRAM), the
 * others on the CPU, all on one arena buffer object (zero copy between
 * segments: the CPU works on the BO's mapping).
 */
#ifndef EDGEAI_RUN_DEVICE_H
#define EDGEAI_RUN_DEVICE_H

#include "compile.h"
#include "edgeai/edgeai.h"

struct ea_dev_state;

/*
 * Open @node, ask the driver which ops it takes (one PROGRAM_CREATE per
 * op), set c->place[] for those (device @exec_dev) and build the segments.
 * Returns 0 with *ret NULL when no op can run on the device.
 */
EA_PRIVATE int ea_dev_prepare(struct ea_compiled *c, const char *node, uint32_t exec_dev,
			      struct ea_dev_state **ret, char *err, size_t errsz);
EA_PRIVATE void ea_dev_free(struct ea_dev_state *s);
EA_PRIVATE int ea_dev_run(struct ea_dev_state *s, const struct ea_compiled *c,
			  const void *const *inputs, void *const *outputs, int reference);

#endif
