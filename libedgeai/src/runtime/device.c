// SPDX-License-Identifier: MIT
/* Device handles: open, reference counting, parameters, completion processing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/runtime.h"

static int device_new(int fd, unsigned int flags, struct edgeai_device **ret_dev)
{
	struct edgeai_device *dev;
	uint64_t caps = 0;
	int r;

	r = edgeai__check_version_name(fd);
	if (r < 0)
		return r;
	/* Older kernels without the parameter simply have no capabilities. */
	(void)edgeai__get_param(fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps);

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	atomic_init(&dev->n_ref, 1);
	dev->fd = fd;
	dev->flags = flags;
	dev->pid = getpid();
	dev->capabilities = caps;
	pthread_mutex_init(&dev->lock, NULL);
	/* EDGEAI_NO_URING=1 in the environment: submit by ioctl (comparisons, debugging) */
	if (secure_getenv("EDGEAI_NO_URING") && strcmp(secure_getenv("EDGEAI_NO_URING"), "0"))
		flags |= EDGEAI_OPEN_NO_URING;
	if ((flags & EDGEAI_OPEN_NO_URING) || !(caps & DRM_EDGEAI_CAP_URING_CMD))
		dev->uring = URING_UNSUPPORTED;
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
	edgeai__ring_exit(dev);
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
	return edgeai__get_param(dev->fd, param, ret_value);
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
		(void)edgeai__info_from_sysfs(target, &info);
	}
	r = edgeai__info_from_fd(dev->fd, &info);
	if (r < 0)
		return r;
	*ret_info = info;
	return 0;
}

EDGEAI_PUBLIC int edgeai_device_get_event_fd(struct edgeai_device *dev)
{
	int r;

	assert_return(dev, -EINVAL);
	assert_return(dev->pid == getpid(), -ECHILD);

	pthread_mutex_lock(&dev->lock);
	r = edgeai__ring_setup_locked(dev);
	if (r >= 0)
		r = dev->ring.ring_fd;
	pthread_mutex_unlock(&dev->lock);
	return r;
}

/* Ask the kernel (without waiting) about jobs submitted by ioctl. */
static unsigned int poll_ioctl_jobs_locked(struct edgeai_device *dev, struct edgeai_job **done,
					   unsigned int n_done, unsigned int max_done)
{
	struct edgeai_job **p = &dev->ioctl_jobs;

	while (*p && n_done < max_done) {
		struct edgeai_job *job = *p;
		struct drm_edgeai_wait w = { .job_id = job->job_id, .timeout_ns = 0 };
		int r = edgeai__ioctl(dev->fd, DRM_IOCTL_EDGEAI_WAIT, &w);

		if (r == -ETIME || r == -EBUSY || r == -EAGAIN) {
			p = &job->ioctl_next;
			continue;
		}
		*p = job->ioctl_next;
		job->ioctl_next = NULL;
		edgeai__job_finish(job, r < 0 ? r : w.status, r < 0 ? 0 : w.device_time_ns);
		done[n_done++] = edgeai_job_ref(job);
	}
	return n_done;
}

EDGEAI_PUBLIC int edgeai_device_process(struct edgeai_device *dev)
{
	struct edgeai_job *done[EDGEAI_RING_INFLIGHT + 32];
	unsigned int n = 0;
	int r = 0;

	assert_return(dev, -EINVAL);
	assert_return(dev->pid == getpid(), -ECHILD);

	pthread_mutex_lock(&dev->lock);
	if (dev->have_ring)
		r = edgeai__ring_reap_locked(dev, 0, NULL, done, &n, ARRAY_SIZE(done));
	n = poll_ioctl_jobs_locked(dev, done, n, ARRAY_SIZE(done));
	pthread_mutex_unlock(&dev->lock);

	/* Callbacks run without the lock, so they may submit again. */
	for (unsigned int i = 0; i < n; i++) {
		if (done[i]->cb)
			done[i]->cb(done[i], done[i]->status, done[i]->userdata);
		edgeai_job_unref(done[i]);
	}
	if (r < 0 && r != -ETIME && r != -EAGAIN)
		return r;
	return (int)n;
}
