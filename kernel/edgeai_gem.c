// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Buffer objects: GEM shmem objects created here or imported from any
 * dma-buf (PRIME), the BO ioctls and CPU-access synchronisation.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>
#include <drm/edgeai_accel.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/iosys-map.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "edgeai_device.h"
#include "edgeai_gem.h"

/**
 * struct edgeai_bo - an edgeai buffer object
 * @shmem: the GEM shmem object, created here or imported
 * @kmap_lock: serializes the first edgeai_gem_kmap() of the object
 * @kmap: the kernel mapping the simulator's jobs use, once @kmapped
 * @kmapped: @kmap is set, until the object is freed
 *
 * A job reads and writes its buffers through a kernel mapping. Mapping
 * and unmapping a buffer for every job cost more than the rest of a
 * submission, so the first job to use a buffer maps it and the mapping
 * lives as long as the buffer (freed in edgeai_gem_free()).
 */
struct edgeai_bo {
	struct drm_gem_shmem_object shmem;
	struct mutex kmap_lock; /* protects @kmap and @kmapped */
	struct iosys_map kmap;
	bool kmapped;
};

static struct edgeai_bo *to_edgeai_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct edgeai_bo, shmem);
}

/**
 * edgeai_gem_kmap() - the kernel mapping of a buffer object
 * @obj: the object; the caller holds a reference
 * @map: filled with the mapping, valid while the reference is held
 *
 * Maps @obj on first use; later calls return the same mapping.
 *
 * Return: 0 or a negative errno from the mapping.
 */
int edgeai_gem_kmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct edgeai_bo *bo = to_edgeai_bo(obj);
	int ret = 0;

	mutex_lock(&bo->kmap_lock);
	if (!bo->kmapped) {
		ret = drm_gem_vmap_unlocked(obj, &bo->kmap);
		bo->kmapped = !ret;
	}
	if (!ret)
		*map = bo->kmap;
	mutex_unlock(&bo->kmap_lock);
	return ret;
}

static void edgeai_gem_free(struct drm_gem_object *obj)
{
	struct edgeai_bo *bo = to_edgeai_bo(obj);

	/* Nothing else refers to @obj: no job uses the mapping any more. */
	if (bo->kmapped)
		drm_gem_vunmap_unlocked(obj, &bo->kmap);
	mutex_destroy(&bo->kmap_lock);
	drm_gem_shmem_object_free(obj);
}

/* Imported, or its shmem pages are allocated. */
static bool edgeai_gem_resident(struct drm_gem_object *obj)
{
	return obj->import_attach || READ_ONCE(to_drm_gem_shmem_obj(obj)->pages);
}

static enum drm_gem_object_status edgeai_gem_status(struct drm_gem_object *obj)
{
	return edgeai_gem_resident(obj) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static size_t edgeai_gem_rss(struct drm_gem_object *obj)
{
	return edgeai_gem_resident(obj) ? obj->size : 0;
}

static const struct drm_gem_object_funcs edgeai_gem_funcs = {
	.free = edgeai_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.status = edgeai_gem_status,
	.rss = edgeai_gem_rss,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * edgeai_gem_create_object() - &drm_driver.gem_create_object hook
 * @drm: device
 * @size: object size
 *
 * Allocates the shmem object for both created and imported buffers, with
 * cached CPU mappings and fdinfo status/rss callbacks.
 *
 * Return: the object or an ERR_PTR.
 */
struct drm_gem_object *edgeai_gem_create_object(struct drm_device *drm,
						size_t size)
{
	struct edgeai_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	mutex_init(&bo->kmap_lock);
	bo->shmem.map_wc = false;
	bo->shmem.base.funcs = &edgeai_gem_funcs;
	return &bo->shmem.base;
}

/* Looks up a BO handle of @file; a drm_dbg line names @ioctl if unknown. */
static struct drm_gem_object *edgeai_gem_lookup(struct drm_file *file,
						u32 handle, const char *ioctl)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (!obj)
		drm_dbg(file->minor->dev, "%s: unknown handle %u\n", ioctl, handle);
	return obj;
}

/**
 * edgeai_ioctl_bo_create() - DRM_IOCTL_EDGEAI_BO_CREATE
 * @drm: device
 * @data: &struct drm_edgeai_bo_create
 * @file: file the handle belongs to
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_bo_create(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct drm_edgeai_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	int idx, ret;

	if (args->flags || !args->size || args->size > EDGEAI_MAX_BO_SIZE) {
		drm_dbg(drm, "bo_create: %s\n", args->flags ? "non-zero flags" :
			"size 0 or above the limit");
		return -EINVAL;
	}
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	shmem = drm_gem_shmem_create(drm, args->size);
	if (IS_ERR(shmem)) {
		ret = PTR_ERR(shmem);
		goto out;
	}
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the reference now (or creation failed). */
	drm_gem_object_put(&shmem->base);
out:
	drm_dev_exit(idx);
	return ret;
}

/**
 * edgeai_ioctl_bo_info() - DRM_IOCTL_EDGEAI_BO_INFO
 * @drm: device
 * @data: &struct drm_edgeai_bo_info
 * @file: file the handle belongs to
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_bo_info(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_edgeai_bo_info *args = data;
	struct drm_gem_object *obj;
	int idx, ret;

	if (args->flags) {
		drm_dbg(drm, "bo_info: non-zero flags\n");
		return -EINVAL;
	}
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	obj = edgeai_gem_lookup(file, args->handle, "bo_info");
	if (!obj) {
		ret = -ENOENT;
		goto out;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret) {
		args->size = obj->size;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
	drm_gem_object_put(obj);
out:
	drm_dev_exit(idx);
	return ret;
}

static enum dma_data_direction edgeai_prep_dir(u32 op)
{
	switch (op & (DRM_EDGEAI_PREP_READ | DRM_EDGEAI_PREP_WRITE)) {
	case DRM_EDGEAI_PREP_READ:
		return DMA_FROM_DEVICE;
	case DRM_EDGEAI_PREP_WRITE:
		return DMA_TO_DEVICE;
	default:
		return DMA_BIDIRECTIONAL;
	}
}

/**
 * edgeai_ioctl_bo_prep() - DRM_IOCTL_EDGEAI_BO_PREP
 * @drm: device
 * @data: &struct drm_edgeai_bo_prep
 * @file: file the handle belongs to
 *
 * Waits for the device fences in the buffer's reservation object (reads
 * wait for writers only), then makes device writes visible to the CPU:
 * dma_buf_begin_cpu_access() for imported buffers, a DMA sync for exported
 * ones that are mapped for a device.
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_bo_prep(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_edgeai_bo_prep *args = data;
	bool write = args->op & DRM_EDGEAI_PREP_WRITE;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	long timeout;
	int idx, ret;

	if (!args->op || args->op & ~(DRM_EDGEAI_PREP_READ | DRM_EDGEAI_PREP_WRITE)) {
		drm_dbg(drm, "bo_prep: bad op 0x%x\n", args->op);
		return -EINVAL;
	}
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	obj = edgeai_gem_lookup(file, args->handle, "bo_prep");
	if (!obj) {
		ret = -ENOENT;
		goto out;
	}

	if (!args->timeout_ns) {
		ret = dma_resv_test_signaled(obj->resv, dma_resv_usage_rw(write)) ?
		      0 : -EBUSY;
	} else {
		/* remaining jiffies are a long: an int would truncate them */
		timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
		timeout = dma_resv_wait_timeout(obj->resv,
						dma_resv_usage_rw(write),
						true, timeout);
		if (!timeout)
			ret = -ETIMEDOUT;
		else if (timeout > 0)
			ret = 0;
		else
			ret = timeout;
	}
	if (ret)
		goto out_put;

	shmem = to_drm_gem_shmem_obj(obj);
	if (obj->import_attach)
		ret = dma_buf_begin_cpu_access(obj->import_attach->dmabuf,
					       edgeai_prep_dir(args->op));
	else if (shmem->sgt)
		dma_sync_sgtable_for_cpu(drm->dev, shmem->sgt,
					 edgeai_prep_dir(args->op));

out_put:
	drm_gem_object_put(obj);
out:
	drm_dev_exit(idx);
	return ret;
}

/**
 * edgeai_ioctl_bo_fini() - DRM_IOCTL_EDGEAI_BO_FINI
 * @drm: device
 * @data: &struct drm_edgeai_bo_fini
 * @file: file the handle belongs to
 *
 * Makes CPU writes visible to the device again.
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_bo_fini(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct drm_edgeai_bo_fini *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	int idx, ret = 0;

	if (args->flags) {
		drm_dbg(drm, "bo_fini: non-zero flags\n");
		return -EINVAL;
	}
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	obj = edgeai_gem_lookup(file, args->handle, "bo_fini");
	if (!obj) {
		ret = -ENOENT;
		goto out;
	}
	shmem = to_drm_gem_shmem_obj(obj);
	if (obj->import_attach)
		ret = dma_buf_end_cpu_access(obj->import_attach->dmabuf,
					     DMA_BIDIRECTIONAL);
	else if (shmem->sgt)
		dma_sync_sgtable_for_device(drm->dev, shmem->sgt,
					    DMA_BIDIRECTIONAL);
	drm_gem_object_put(obj);
out:
	drm_dev_exit(idx);
	return ret;
}
