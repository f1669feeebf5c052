/* SPDX-License-Identifier: MIT */
/*
 * Placement (place.c) and segments (segment.c): where the ops of a
 * compiled program run. The ops a device's firmware takes run there
 * (DRM_EDGEAI_SUBMIT_PROGRAM), the others on the CPU, all on one arena
 * buffer object (zero copy between segments: the CPU works on the BO's
 * mapping).
 */
#ifndef EDGEAI_COMPILER_PLACE_H
#define EDGEAI_COMPILER_PLACE_H

#include "compiler/compile.h"
#include "edgeai/edgeai.h"

/*
 * A segment: consecutive program ops of one side. @blob is the compiled
 * blob with those ops only (same tensor table and constants); @handle its
 * device program (0 on the CPU).
 */
struct cc_seg {
	uint32_t first, count;	/* program ops */
	int on_dev;
	uint32_t di;		/* device index (cc_devices.d[]) when on_dev */
	void *blob;
	size_t size;
	uint32_t handle;	/* on d[di] */
};

struct cc_dev {
	struct edgeai_device *dev;
	uint32_t exec_dev;	/* enum edgeai_exec_device */
	char node[64];
};

/*
 * The devices a program runs on and its segments. d[0] is the primary
 * device (the one taking the most ops; the arena and bound buffers belong
 * to it); d[1], when n_dev is 2, a device of the other type taking ops the
 * primary's driver rejects. Its segments use the arena through a dma-buf
 * import of it, ordered by the kernel's implicit fences on the shared
 * reservation object.
 */
struct cc_devices {
	struct cc_dev d[2];
	uint32_t n_dev;
	struct cc_seg *seg;
	uint32_t n_seg;
};

/*
 * Place every op of @c under the policy and device type of @o, with its
 * reason in c->place[]. *ret is NULL when everything runs on the CPU. With
 * a cache directory and key, the drivers' answers are read from (or stored
 * in) the cache, and EDGEAI_CACHE_* bits are ORed into *cache_state.
 * -ENODEV or -EOPNOTSUPP (with a message in @err) when DEVICE_ONLY cannot
 * be met.
 */
int cc_place(struct cc_compiled *c, const struct edgeai_compile_options *o, char *err,
	     size_t errsz, const char *cache_dir, const char *cache_key, unsigned int *cache_state,
	     struct cc_devices **ret);
void cc_devices_free(struct cc_devices *s);

/* segment.c: the compiled blob with program ops [first, first + count) only. */
void *cc_sub_blob(const struct cc_compiled *c, uint32_t first, uint32_t count, size_t *ret_size);
/* Cut @c into the segments of its placement and upload the device ones. */
int cc_segments_build(struct cc_devices *s, const struct cc_compiled *c, char *err, size_t errsz);
/* Destroy the device programs of @seg[0..n) (on the devices of @s) and free it. */
void cc_segments_free(const struct cc_devices *s, struct cc_seg *seg, uint32_t n);

#endif
