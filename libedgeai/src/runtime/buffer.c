// SPDX-License-Identifier: MIT
/* Buffer objects: create, map, dma-buf import (deduplicated) and export. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/internal.h"

static struct edgeai_buffer *table_find_locked(struct edgeai_device *dev, uint32_t handle)
{
	for (size_t i = 0; i < dev->n_buffers; i++)
		if (dev->buffers[i]->handle == handle)
			return dev->buffers[i];
	return NULL;
}

static int table_add_locked(struct edgeai_device *dev, struct edgeai_buffer *buf)
{
	if (dev->n_buffers == dev->n_buffers_alloc) {
		size_t n = dev->n_buffers_alloc ? 2 * dev->n_buffers_alloc : 16;
		struct edgeai_buffer **b = realloc(dev->buffers, n * sizeof(*b));

		if (!b)
			return -ENOMEM;
		dev->buffers = b;
		dev->n_buffers_alloc = n;
	}
	dev->buffers[dev->n_buffers++] = buf;
	return 0;
}

static void table_del_locked(struct edgeai_device *dev, struct edgeai_buffer *buf)
{
	for (size_t i = 0; i < dev->n_buffers; i++)
		if (dev->buffers[i] == buf) {
			dev->buffers[i] = dev->buffers[--dev->n_buffers];
			return;
		}
}

static void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	(void)rt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* Wrap a fresh GEM handle; on failure the handle is closed. Called with dev->lock held. */
static int buffer_wrap_locked(struct edgeai_device *dev, uint32_t handle, bool imported,
			      struct edgeai_buffer **ret_buf)
{
	struct drm_edgeai_bo_info bi = { .handle = handle };
	struct edgeai_buffer *buf;
	int r;

	r = rt_ioctl(dev->fd, DRM_IOCTL_EDGEAI_BO_INFO, &bi);
	if (r < 0)
		goto fail;
	buf = calloc(1, sizeof(*buf));
	if (!buf) {
		r = -ENOMEM;
		goto fail;
	}
	buf->n_ref = 1;
	buf->handle = handle;
	buf->size = bi.size;
	buf->mmap_offset = bi.mmap_offset;
	buf->imported = imported;
	r = table_add_locked(dev, buf);
	if (r < 0) {
		free(buf);
		goto fail;
	}
	buf->dev = edgeai_device_ref(dev);
	*ret_buf = buf;
	return 0;
fail:
	gem_close(dev->fd, handle);
	return r;
}

EDGEAI_PUBLIC int edgeai_buffer_new(struct edgeai_device *dev, uint64_t size, unsigned int flags,
				    struct edgeai_buffer **ret_buf)
{
	struct drm_edgeai_bo_create c = { .size = size };
	int r;

	assert_return(dev, -EINVAL);
	assert_return(size > 0, -EINVAL);
	assert_return(flags == 0, -EINVAL);
	assert_return(ret_buf, -EINVAL);

	r = rt_ioctl(dev->fd, DRM_IOCTL_EDGEAI_BO_CREATE, &c);
	if (r < 0)
		return log_debug_errno(r, "BO_CREATE of %llu bytes", (unsigned long long)size);

	pthread_mutex_lock(&dev->lock);
	r = buffer_wrap_locked(dev, c.handle, false, ret_buf);
	pthread_mutex_unlock(&dev->lock);
	return r;
}

EDGEAI_PUBLIC int edgeai_buffer_import_dmabuf(struct edgeai_device *dev, int fd,
					      struct edgeai_buffer **ret_buf)
{
	struct drm_prime_handle p = { .fd = fd };
	struct edgeai_buffer *buf;
	int r;

	assert_return(dev, -EINVAL);
	assert_return(fd >= 0, -EBADF);
	assert_return(ret_buf, -EINVAL);

	/*
	 * The lock spans the ioctl and the lookup: the kernel returns the
	 * handle it already has for this dma-buf, and a concurrent unref must
	 * not close that handle between the ioctl and our lookup.
	 */
	pthread_mutex_lock(&dev->lock);
	r = rt_ioctl(dev->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	if (r < 0) {
		pthread_mutex_unlock(&dev->lock);
		return log_debug_errno(r, "PRIME_FD_TO_HANDLE");
	}
	buf = table_find_locked(dev, p.handle);
	if (buf) {
		buf->n_ref++;
		*ret_buf = buf;
		r = 0;
	} else {
		r = buffer_wrap_locked(dev, p.handle, true, ret_buf);
	}
	pthread_mutex_unlock(&dev->lock);
	return r;
}

/* A dma-buf fd of @buf, without marking it exported. */
static int export_fd(struct edgeai_buffer *buf, int *ret_fd)
{
	struct drm_prime_handle p;
	int r;

	p = (struct drm_prime_handle){ .handle = buf->handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	r = rt_ioctl(buf->dev->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	if (r < 0)
		return log_debug_errno(r, "PRIME_HANDLE_TO_FD");
	*ret_fd = p.fd;
	return 0;
}

EDGEAI_PUBLIC int edgeai_buffer_export_dmabuf(struct edgeai_buffer *buf, int *ret_fd)
{
	int r;

	assert_return(buf, -EINVAL);
	assert_return(ret_fd, -EINVAL);

	r = export_fd(buf, ret_fd);
	if (!r)
		atomic_store(&buf->exported, true);
	return r;
}

EDGEAI_PUBLIC int edgeai_buffer_map(struct edgeai_buffer *buf, void **ret_ptr)
{
	struct edgeai_device *dev;
	void *p;

	assert_return(buf, -EINVAL);
	assert_return(ret_ptr, -EINVAL);

	dev = buf->dev;
	pthread_mutex_lock(&dev->lock);
	if (!buf->map) {
		p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
			 (off_t)buf->mmap_offset);
		if (p == MAP_FAILED) {
			int r = -errno;

			pthread_mutex_unlock(&dev->lock);
			return log_debug_errno(r, "mmap of handle %u", buf->handle);
		}
		buf->map = p;
	}
	*ret_ptr = buf->map;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

EDGEAI_PUBLIC int edgeai_buffer_get_size(const struct edgeai_buffer *buf, uint64_t *ret_size)
{
	assert_return(buf, -EINVAL);
	assert_return(ret_size, -EINVAL);
	*ret_size = buf->size;
	return 0;
}

EDGEAI_PUBLIC int edgeai_buffer_get_handle(const struct edgeai_buffer *buf, uint32_t *ret_handle)
{
	assert_return(buf, -EINVAL);
	assert_return(ret_handle, -EINVAL);
	*ret_handle = buf->handle;
	return 0;
}

struct edgeai_device *rt_buffer_device(const struct edgeai_buffer *buf)
{
	return buf->dev;
}

int rt_buffer_share(struct edgeai_buffer *buf, struct edgeai_device *dev,
		    struct edgeai_buffer **ret_buf)
{
	uint64_t both = buf->dev->capabilities & dev->capabilities;
	int fd = -1, r;

	/*
	 * Shared only with another device of this process, whose DMA is as
	 * coherent as this one's: the fd is closed below, nothing else can
	 * map the memory, and the CPU's access to @buf still needs no cache
	 * maintenance. Any other sharing counts as an export.
	 */
	r = export_fd(buf, &fd);
	if (!r && !(both & DRM_EDGEAI_CAP_DMA_COHERENT))
		atomic_store(&buf->exported, true);
	if (!r)
		r = edgeai_buffer_import_dmabuf(dev, fd, ret_buf);
	if (fd >= 0)
		close(fd);
	return r;
}

EDGEAI_PUBLIC int edgeai_buffer_cpu_prep(struct edgeai_buffer *buf, unsigned int access,
					 int64_t timeout_ns)
{
	struct drm_edgeai_bo_prep p;

	assert_return(buf, -EINVAL);
	assert_return(access && !(access & ~(EDGEAI_ACCESS_READ | EDGEAI_ACCESS_WRITE)), -EINVAL);
	assert_return(timeout_ns >= 0 || timeout_ns == EDGEAI_TIMEOUT_INFINITE, -EINVAL);

	p = (struct drm_edgeai_bo_prep){
		.handle = buf->handle,
		.op = (access & EDGEAI_ACCESS_READ ? DRM_EDGEAI_PREP_READ : 0) |
		      (access & EDGEAI_ACCESS_WRITE ? DRM_EDGEAI_PREP_WRITE : 0),
	};
	return rt_ioctl_deadline(buf->dev->fd, DRM_IOCTL_EDGEAI_BO_PREP, &p, &p.timeout_ns,
				 rt_abs_timeout(timeout_ns), -ETIMEDOUT);
}

EDGEAI_PUBLIC int edgeai_buffer_cpu_fini(struct edgeai_buffer *buf)
{
	struct drm_edgeai_bo_fini f;

	assert_return(buf, -EINVAL);

	f = (struct drm_edgeai_bo_fini){ .handle = buf->handle };
	return rt_ioctl(buf->dev->fd, DRM_IOCTL_EDGEAI_BO_FINI, &f);
}

static bool cpu_coherent(const struct edgeai_buffer *buf)
{
	return !buf->imported && !atomic_load(&buf->exported) &&
	       (buf->dev->capabilities & DRM_EDGEAI_CAP_DMA_COHERENT);
}

int rt_buffer_cpu_begin(struct edgeai_buffer *buf, unsigned int access)
{
	if (cpu_coherent(buf))
		return 0;
	return edgeai_buffer_cpu_prep(buf, access, EDGEAI_TIMEOUT_INFINITE);
}

void rt_buffer_cpu_end(struct edgeai_buffer *buf)
{
	if (!cpu_coherent(buf))
		(void)edgeai_buffer_cpu_fini(buf);
}

EDGEAI_PUBLIC struct edgeai_buffer *edgeai_buffer_ref(struct edgeai_buffer *buf)
{
	if (!buf)
		return NULL;
	pthread_mutex_lock(&buf->dev->lock);
	buf->n_ref++;
	pthread_mutex_unlock(&buf->dev->lock);
	return buf;
}

EDGEAI_PUBLIC struct edgeai_buffer *edgeai_buffer_unref(struct edgeai_buffer *buf)
{
	struct edgeai_device *dev;

	if (!buf)
		return NULL;
	dev = buf->dev;
	pthread_mutex_lock(&dev->lock);
	if (--buf->n_ref > 0) {
		pthread_mutex_unlock(&dev->lock);
		return NULL;
	}
	/* Still under the lock: an import racing with us must not find a closing handle. */
	table_del_locked(dev, buf);
	if (buf->map)
		munmap(buf->map, buf->size);
	gem_close(dev->fd, buf->handle);
	pthread_mutex_unlock(&dev->lock);
	free(buf);
	edgeai_device_unref(dev);
	return NULL;
}
