// SPDX-License-Identifier: MIT
/*
 * Device handles: open, reference counting, parameters and identity. The
 * jobs in flight on a device are queue.c's; edgeai_device_process() is in
 * job.c, with the rest of the job API.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/internal.h"

static atomic_uint fork_generation;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void fork_child(void)
{
	atomic_fetch_add(&fork_generation, 1);
}

static void fork_watch(void)
{
	(void)pthread_atfork(NULL, NULL, fork_child);
}

unsigned int rt_fork_generation(void)
{
	(void)pthread_once(&fork_once, fork_watch);
	return atomic_load(&fork_generation);
}

static int device_new(int fd, unsigned int flags, struct edgeai_device **ret_dev)
{
	struct edgeai_device *dev;
	uint64_t caps = 0;
	int r;

	r = rt_check_driver(fd);
	if (r < 0)
		return r;
	/* Older kernels without the parameter simply have no capabilities. */
	(void)rt_get_param(fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps);

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	atomic_init(&dev->n_ref, 1);
	dev->fd = fd;
	dev->flags = flags;
	dev->fork_generation = rt_fork_generation();
	dev->capabilities = caps;
	pthread_mutex_init(&dev->lock, NULL);
	/* EDGEAI_NO_URING=1 in the environment: submit by ioctl (comparisons, debugging) */
	if (secure_getenv("EDGEAI_NO_URING") && strcmp(secure_getenv("EDGEAI_NO_URING"), "0"))
		flags |= EDGEAI_OPEN_NO_URING;
	rt_queue_init(dev, !(flags & EDGEAI_OPEN_NO_URING) && (caps & DRM_EDGEAI_CAP_URING_CMD));
	*ret_dev = dev;
	return 0;
}

EDGEAI_PUBLIC int edgeai_device_open(const char *path, unsigned int flags,
				     struct edgeai_device **ret_dev)
{
	_cleanup_close_ int fd = -1;
	struct edgeai_device_list *list = NULL;
	char node[sizeof(((struct edgeai_device_info *)0)->node)];
	int r;

	assert_return(ret_dev, -EINVAL);
	assert_return(!(flags & ~EDGEAI_OPEN_NO_URING), -EINVAL);
	assert_return(!path || *path, -EINVAL);

	if (!path) {
		struct edgeai_device_info info;

		r = edgeai_enumerate(&list);
		if (r < 0)
			return r;
		if (r == 0) {
			edgeai_device_list_unref(list);
			return log_debug_errno(-ENODEV, "no edgeai device found");
		}
		(void)edgeai_device_list_get(list, 0, &info);
		edgeai_device_list_unref(list);
		memcpy(node, info.node, sizeof(node));
		path = node;
	}

	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return log_debug_errno(-errno, "open %s", path);

	r = device_new(fd, flags, ret_dev);
	if (r < 0)
		return log_debug_errno(r, "%s", path);
	TAKE_FD(fd);
	return 0;
}

EDGEAI_PUBLIC int edgeai_device_open_fd(int fd, unsigned int flags, struct edgeai_device **ret_dev)
{
	_cleanup_close_ int dupfd = -1;
	int r;

	assert_return(fd >= 0, -EBADF);
	assert_return(ret_dev, -EINVAL);
	assert_return(!(flags & ~EDGEAI_OPEN_NO_URING), -EINVAL);

	dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dupfd < 0)
		return -errno;
	r = device_new(dupfd, flags, ret_dev);
	if (r < 0)
		return r;
	TAKE_FD(dupfd);
	return 0;
}

EDGEAI_PUBLIC struct edgeai_device *edgeai_device_ref(struct edgeai_device *dev)
{
	if (dev)
		atomic_fetch_add(&dev->n_ref, 1);
	return dev;
}

EDGEAI_PUBLIC struct edgeai_device *edgeai_device_unref(struct edgeai_device *dev)
{
	if (!dev)
		return NULL;
	if (atomic_fetch_sub(&dev->n_ref, 1) != 1)
		return NULL;

	/* Buffers and jobs hold references, so none is left here. */
	rt_queue_fini(dev);
	free(dev->buffers);
	pthread_mutex_destroy(&dev->lock);
	close(dev->fd);
	free(dev);
	return NULL;
}

EDGEAI_PUBLIC int edgeai_device_get_fd(const struct edgeai_device *dev)
{
	assert_return(dev, -EINVAL);
	return dev->fd;
}

EDGEAI_PUBLIC int edgeai_device_get_param(struct edgeai_device *dev, uint32_t param,
					  uint64_t *ret_value)
{
	assert_return(dev, -EINVAL);
	assert_return(ret_value, -EINVAL);
	return rt_get_param(dev->fd, param, ret_value);
}

EDGEAI_PUBLIC int edgeai_device_get_info(struct edgeai_device *dev,
					 struct edgeai_device_info *ret_info)
{
	struct edgeai_device_info info = {};
	char link[64], target[256];
	ssize_t n;
	int r;

	assert_return(dev, -EINVAL);
	assert_return(ret_info, -EINVAL);

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dev->fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		(void)rt_info_from_sysfs(target, &info);
	}
	r = rt_info_from_fd(dev->fd, &info);
	if (r < 0)
		return r;
	*ret_info = info;
	return 0;
}

EDGEAI_PUBLIC int edgeai_device_get_event_fd(struct edgeai_device *dev)
{
	int r;

	assert_return(dev, -EINVAL);
	assert_return(!rt_device_forked(dev), -ECHILD);

	pthread_mutex_lock(&dev->lock);
	r = rt_queue_ring_fd_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	return r;
}

int rt_device_identity(struct edgeai_device *dev, struct rt_identity *ret)
{
	struct drm_version v = {};
	uint64_t type, fw, abi;
	int r;

	r = rt_ioctl(dev->fd, DRM_IOCTL_VERSION, &v);
	if (r < 0)
		return r;
	r = rt_get_param(dev->fd, DRM_EDGEAI_PARAM_DEVICE_TYPE, &type);
	if (r < 0)
		return r;
	r = rt_get_param(dev->fd, DRM_EDGEAI_PARAM_FW_VERSION, &fw);
	if (r < 0)
		return r;
	r = rt_get_param(dev->fd, DRM_EDGEAI_PARAM_FW_ABI_VERSION, &abi);
	if (r < 0)
		return r;
	*ret = (struct rt_identity){
		.type = (uint32_t)type,
		.fw_version = (uint32_t)fw,
		.fw_abi = (uint32_t)abi,
		.drv_major = (uint32_t)v.version_major,
		.drv_minor = (uint32_t)v.version_minor,
		.drv_patch = (uint32_t)v.version_patchlevel,
	};
	return 0;
}

int rt_device_busy_reason(struct edgeai_device *dev)
{
	struct drm_edgeai_client_info ci = {};
	int r;

	r = rt_ioctl(dev->fd, DRM_IOCTL_EDGEAI_GET_CLIENT, &ci);
	if (r < 0)
		return r;
	return (int)ci.busy_reason;
}
