/* SPDX-License-Identifier: MIT */
/*
 * Container Device Interface (CDI) specs for the accelerators: one spec per
 * device type, kind "edgeai.dev/<type>" (edgeai.dev/npu, edgeai.dev/dsp),
 * with a device per accelerator named by its index among those of its type
 * ("0", "1", ...) and "all". Each device brings its /dev/accel node; every
 * spec brings the host's libedgeai (so that the library in the container
 * matches the driver), edgeaid's runtime directory read-only (the CPU
 * fallback advice) and the environment libedgeai reads. cdiVersion 0.3.0:
 * nothing newer is used, and podman 4.3 (Debian 12) reads it.
 *
 * edgeaictl (`cdi generate`) and edgeaid (on every hotplug) write them.
 */
#ifndef EDGEAI_SHARED_CDI_H
#define EDGEAI_SHARED_CDI_H

#include <stddef.h>
#include <stdio.h>

#include "sysfs.h"

#define CDI_VERSION "0.3.0"
#define CDI_VENDOR "edgeai.dev"
/* where edgeaid keeps the specs of the devices present (CDI's dynamic directory) */
#define CDI_RUN_DIR "/run/cdi"
/* where `edgeaictl cdi generate` writes by default (CDI's static directory) */
#define CDI_ETC_DIR "/etc/cdi"

typedef struct CdiOptions {
	const char *library;            /* host path of libedgeai.so.N to mount, NULL for none */
	const char *library_target;     /* its path in the container, NULL: the same */
	const char *runtime_dir;        /* edgeaid's runtime directory to mount, NULL for none */
	char library_buf[4096];
} CdiOptions;

/*
 * The installed libedgeai.so.0 (in /usr/lib, /usr/local/lib or the
 * multiarch directory) into @o: the real file as library, the soname's path
 * as library_target. -ENOENT when none is installed.
 */
int cdi_find_library(CdiOptions *o);

/* The device types present in @devs, each once, in order of appearance; their count. */
size_t cdi_types(const AccelDevice *devs, size_t n, const char *types[], size_t max);

/*
 * Write the spec of kind edgeai.dev/@type for the devices of @devs of that
 * type to @f. -ENOENT without such a device, -EINVAL for a type that is no
 * valid kind name.
 */
int cdi_write_spec(FILE *f, const char *type, const AccelDevice *devs, size_t n, const CdiOptions *o);

/*
 * Write edgeai-<type>.yaml into @dir for each type in @devs, each atomically
 * (a temporary file renamed over it, mode 0644), and remove the edgeai-*.yaml
 * of types no longer present. Returns the number of specs written, or
 * -errno (@err names the file).
 */
int cdi_write_dir(const char *dir, const AccelDevice *devs, size_t n, const CdiOptions *o, char *err,
		  size_t errlen);

#endif
