// SPDX-License-Identifier: MIT
/* Device programs: PROGRAM_CREATE and PROGRAM_DESTROY of a compiled program blob. */
#define _GNU_SOURCE
#include <errno.h>

#include "runtime/internal.h"

int rt_program_create(struct edgeai_device *dev, const void *blob, size_t size,
		      uint32_t *ret_handle)
{
	struct drm_edgeai_program_create pc = { .data = (uintptr_t)blob, .size = (uint32_t)size };
	int r;

	r = rt_ioctl(dev->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc);
	if (r < 0)
		return r;
	*ret_handle = pc.handle;
	return 0;
}

void rt_program_destroy(struct edgeai_device *dev, uint32_t handle)
{
	struct drm_edgeai_program_destroy pd = { .handle = handle };

	if (handle)
		(void)rt_ioctl(dev->fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &pd);
}
