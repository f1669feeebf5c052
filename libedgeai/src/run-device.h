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

/*
 * A segment: consecutive program ops of one side. @blob is the compiled
 * blob with those ops only (same tensor table and constants); @handle its
 * device program (0 on the CPU).
 */
struct ea_seg {
	uint32_t first, count;	/* program ops */
	int on_dev;
	void *blob;
	size_t size;
	uint32_t handle;
};

struct ea_dev_state {
	struct edgeai_device *dev;
	int fd;
	uint32_t exec_dev;	/* enum edgeai_exec_device */
	char node[64];
	struct ea_seg *seg;
	uint32_t n_seg;
};

/*
 * Open @node, ask the driver which ops it takes (one PROGRAM_CREATE per
 * op), set c->place[] for those (device @exec_dev) and build the segments.
 * Returns 0 with *ret NULL when no op can run on the device. With a cache
 * directory and key, the driver's answers are read from (or stored in) the
 * cache, and EDGEAI_CACHE_* bits are ORed into *cache_state.
 */
EA_PRIVATE int ea_dev_prepare(struct ea_compiled *c, const char *node, uint32_t exec_dev,
			      struct ea_dev_state **ret, char *err, size_t errsz,
			      const char *cache_dir, const char *cache_key,
			      unsigned int *cache_state);
EA_PRIVATE void ea_dev_free(struct ea_dev_state *s);
/* PROGRAM_CREATE / DESTROY of one blob on @fd. */
EA_PRIVATE int ea_prog_create(int fd, const void *blob, size_t size, uint32_t *handle);
EA_PRIVATE void ea_prog_destroy(int fd, uint32_t handle);
/* Model op owning program op @p (or -1). */
EA_PRIVATE int32_t ea_model_op_of(const struct ea_compiled *c, uint32_t p);

#endif
