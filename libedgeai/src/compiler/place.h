/* SPDX-License-Identifier: MIT */
/*
 * Device execution of a compiled program (run-device.c): the ops the
 * device's firmware supports run there (DRM_EDGEAI_SUBMIT_PROGRAM), the
 * others on the CPU, all on one arena buffer object (zero copy between
 * segments: the CPU works on the BO's mapping).
 */
#ifndef EDGEAI_RUN_DEVICE_H
#define EDGEAI_RUN_DEVICE_H

#include "compiler/compile.h"
#include "edgeai/edgeai.h"

/*
 * A segment: consecutive program ops of one side. @blob is the compiled
 * blob with those ops only (same tensor table and constants); @handle its
 * device program (0 on the CPU).
 */
struct ea_seg {
	uint32_t first, count;	/* program ops */
	int on_dev;
	uint32_t di;		/* device index (ea_dev_state.d[]) when on_dev */
	void *blob;
	size_t size;
	uint32_t handle;	/* on d[di] */
};

struct ea_dev {
	struct edgeai_device *dev;
	uint32_t exec_dev;	/* enum edgeai_exec_device */
	char node[64];
};

/*
 * d[0] is the primary device (the one taking the most ops; the arena and
 * bound buffers belong to it); d[1], when n_dev is 2, a device of the
 * other type taking ops the primary's driver rejects. Its segments use the
 * arena through a dma-buf import of it, ordered by the kernel's implicit
 * fences on the shared reservation object.
 */
struct ea_dev_state {
	struct ea_dev d[2];
	uint32_t n_dev;
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
int ea_dev_prepare(struct ea_compiled *c, const char *node, uint32_t exec_dev,
		   struct ea_dev_state **ret, char *err, size_t errsz,
		   const char *cache_dir, const char *cache_key,
		   unsigned int *cache_state);
/*
 * Also use @node (a device of another type) for the ops still on the CPU
 * that its driver takes; rebuilds the segments. Returns the number of
 * ops moved there (0: the device is not kept).
 */
int ea_dev_add(struct ea_dev_state *s, struct ea_compiled *c, const char *node,
	       uint32_t exec_dev, char *err, size_t errsz, const char *cache_dir,
	       const char *cache_key, unsigned int *cache_state);
void ea_dev_free(struct ea_dev_state *s);
/* Model op owning program op @p (or -1). */
int32_t ea_model_op_of(const struct ea_compiled *c, uint32_t p);

#endif
