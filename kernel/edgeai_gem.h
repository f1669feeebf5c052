/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_GEM_H__
#define __EDGEAI_GEM_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct iosys_map;

struct drm_gem_object *edgeai_gem_create_object(struct drm_device *drm,
						size_t size);
int edgeai_gem_kmap(struct drm_gem_object *obj, struct iosys_map *map);

int edgeai_ioctl_bo_create(struct drm_device *drm, void *data,
			   struct drm_file *file);
int edgeai_ioctl_bo_info(struct drm_device *drm, void *data,
			 struct drm_file *file);
int edgeai_ioctl_bo_prep(struct drm_device *drm, void *data,
			 struct drm_file *file);
int edgeai_ioctl_bo_fini(struct drm_device *drm, void *data,
			 struct drm_file *file);

#endif /* __EDGEAI_GEM_H__ */
