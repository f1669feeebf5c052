// SPDX-License-Identifier: MIT
/* Device discovery: libudev over the "accel" subsystem, sysfs attributes, GET_PARAM. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "runtime/internal.h"

#define EDGEAI_DRIVER_NAME "edgeai"

struct edgeai_device_list {
	atomic_int n_ref;
	unsigned int n;
	struct edgeai_device_info *info;
};

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Parse "1.2.3" into major << 16 | minor << 8 | patch, or a plain integer. */
static int parse_version(const char *s, uint32_t *ret)
{
	unsigned int a, b, c = 0;
	char *end;
	unsigned long long v;

	if (sscanf(s, "%u.%u.%u", &a, &b, &c) >= 2 && a < 256 && b < 256 && c < 256) {
		*ret = a << 16 | b << 8 | c;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Capabilities as a number, or as words such as "uring_cmd simulated". */
static uint64_t parse_caps(const char *s)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} names[] = {
		{ "uring_cmd", EDGEAI_CAP_URING_CMD },
		{ "uring", EDGEAI_CAP_URING_CMD },
		{ "prime_import_foreign", EDGEAI_CAP_PRIME_IMPORT_FOREIGN },
		{ "syncobj", EDGEAI_CAP_SYNCOBJ },
		{ "simulated", EDGEAI_CAP_SIMULATED },
		{ "preempt", EDGEAI_CAP_PREEMPT },
		{ "dma_coherent", EDGEAI_CAP_DMA_COHERENT },
		{ "batch", EDGEAI_CAP_BATCH },
		{ "shared_programs", EDGEAI_CAP_SHARED_PROGRAMS },
	};
	uint64_t v = 0;
	char word[64];
	int n;

	if (parse_u64(s, &v) == 0)
		return v;
	/* "key value" lines: a "caps"/"uapi_caps" line holds the DRM_EDGEAI_CAP_* mask. */
	for (const char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long m;
		char key[32];

		if (sscanf(line, "%31s %lli", key, &m) == 2 &&
		    (strcmp(key, "caps") == 0 || strcmp(key, "uapi_caps") == 0))
			return m;
	}
	v = 0;
	while (sscanf(s, " %63[^ ,\n]%n", word, &n) == 1) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (strcasecmp(word, names[i].name) == 0)
				v |= names[i].bit;
		s += n;
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
	}
	return v;
}

static uint32_t parse_type(const char *s)
{
	uint64_t v;

	if (strncasecmp(s, "npu", 3) == 0)
		return EDGEAI_DEVICE_NPU;
	if (strncasecmp(s, "dsp", 3) == 0)
		return EDGEAI_DEVICE_DSP;
	if (parse_u64(s, &v) == 0 && (v == EDGEAI_DEVICE_NPU || v == EDGEAI_DEVICE_DSP))
		return (uint32_t)v;
	return EDGEAI_DEVICE_UNKNOWN;
}

/* First of @names found on the accel device or on its parent. */
static const char *sysattr(struct udev_device *d, const char *const *names)
{
	struct udev_device *parent = udev_device_get_parent(d);

	for (const char *const *n = names; *n; n++) {
		const char *v = udev_device_get_sysattr_value(d, *n);

		if (!v && parent)
			v = udev_device_get_sysattr_value(parent, *n);
		if (v)
			return v;
	}
	return NULL;
}

static int is_edgeai(struct udev_device *d)
{
	struct udev_device *parent = udev_device_get_parent(d);
	const char *drv = parent ? udev_device_get_driver(parent) : NULL;

	if (drv && strcmp(drv, EDGEAI_DRIVER_NAME) == 0)
		return 1;
	drv = udev_device_get_driver(d);
	return drv && strcmp(drv, EDGEAI_DRIVER_NAME) == 0;
}

static void info_from_udev(struct udev_device *d, struct edgeai_device_info *info)
{
	static const char *const type_names[] = { "device_type", "type", NULL };
	static const char *const core_names[] = { "core_count", "cores", "num_cores", NULL };
	static const char *const fw_names[] = { "fw_version", "firmware_version", NULL };
	static const char *const abi_names[] = { "fw_abi_version", NULL };
	static const char *const cap_names[] = { "capabilities", "caps", NULL };
	struct udev_device *parent = udev_device_get_parent(d);
	const char *v;
	uint64_t u;

	copy_str(info->node, sizeof(info->node), udev_device_get_devnode(d));
	copy_str(info->syspath, sizeof(info->syspath), udev_device_get_syspath(d));
	copy_str(info->name, sizeof(info->name), parent ? udev_device_get_sysname(parent) : NULL);
	info->minor = minor(udev_device_get_devnum(d));

	v = sysattr(d, type_names);
	if (v)
		info->type = parse_type(v);
	v = sysattr(d, core_names);
	if (v && parse_u64(v, &u) == 0 && u <= UINT32_MAX)
		info->core_count = (uint32_t)u;
	v = sysattr(d, fw_names);
	if (v)
		(void)parse_version(v, &info->fw_version);
	v = sysattr(d, abi_names);
	if (v)
		(void)parse_version(v, &info->fw_abi_version);
	v = sysattr(d, cap_names);
	if (v)
		info->capabilities = parse_caps(v);
}

int rt_info_from_fd(int fd, struct edgeai_device_info *info)
{
	uint64_t type, cores, fw, abi, caps;
	int r;

	r = rt_get_param(fd, DRM_EDGEAI_PARAM_DEVICE_TYPE, &type);
	if (r < 0)
		return r;
	r = rt_get_param(fd, DRM_EDGEAI_PARAM_CORE_COUNT, &cores);
	if (r < 0)
		return r;
	r = rt_get_param(fd, DRM_EDGEAI_PARAM_FW_VERSION, &fw);
	if (r < 0)
		return r;
	r = rt_get_param(fd, DRM_EDGEAI_PARAM_FW_ABI_VERSION, &abi);
	if (r < 0)
		return r;
	r = rt_get_param(fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps);
	if (r < 0)
		return r;
	info->type = (uint32_t)type;
	info->core_count = (uint32_t)cores;
	info->fw_version = (uint32_t)fw;
	info->fw_abi_version = (uint32_t)abi;
	info->capabilities = caps;
	info->from_ioctl = 1;
	return 0;
}

/* Fill node/syspath/name/minor and the sysfs attributes of device node @node. */
int rt_info_from_sysfs(const char *node, struct edgeai_device_info *info)
{
	struct udev *udev;
	struct udev_device *d;
	struct stat st;

	if (stat(node, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENODEV;
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	d = udev_device_new_from_devnum(udev, 'c', st.st_rdev);
	if (d) {
		info_from_udev(d, info);
		udev_device_unref(d);
	} else {
		copy_str(info->node, sizeof(info->node), node);
		info->minor = minor(st.st_rdev);
	}
	udev_unref(udev);
	return 0;
}

static int cmp_info(const void *a, const void *b)
{
	const struct edgeai_device_info *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

EDGEAI_PUBLIC int edgeai_enumerate(struct edgeai_device_list **ret_list)
{
	struct edgeai_device_list *list;
	struct udev *udev;
	struct udev_enumerate *e;
	struct udev_list_entry *entry;
	int r;

	assert_return(ret_list, -EINVAL);

	list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	atomic_init(&list->n_ref, 1);

	udev = udev_new();
	if (!udev) {
		free(list);
		return -ENOMEM;
	}
	e = udev_enumerate_new(udev);
	if (!e) {
		r = -ENOMEM;
		goto out_udev;
	}
	r = udev_enumerate_add_match_subsystem(e, "accel");
	if (r < 0)
		goto out_enum;
	/* A missing /sys/class/accel (no accel core loaded) is not an error. */
	r = udev_enumerate_scan_devices(e);
	if (r < 0 && r != -ENOENT)
		goto out_enum;
	r = 0;

	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		struct edgeai_device_info *info, *grown;
		int is_ours, fd = -1;

		if (!d)
			continue;
		is_ours = is_edgeai(d);
		if (!udev_device_get_devnode(d)) {
			udev_device_unref(d);
			continue;
		}
		/* Drivers not known by name are recognised by DRM_IOCTL_VERSION. */
		fd = open(udev_device_get_devnode(d), O_RDWR | O_CLOEXEC);
		/*
		 * sysfs shows the host's devices, /dev only those this mount
		 * namespace was given (a container started without the
		 * device): a device without its node is not one of ours to use.
		 */
		if (fd < 0 && errno == ENOENT) {
			base_log_debug(__func__, -ENOENT, "%s: no node %s here, skipped",
				       udev_device_get_sysname(d), udev_device_get_devnode(d));
			udev_device_unref(d);
			continue;
		}
		if (!is_ours && (fd < 0 || rt_check_driver(fd) < 0)) {
			if (fd >= 0)
				close(fd);
			udev_device_unref(d);
			continue;
		}
		grown = realloc(list->info, (list->n + 1) * sizeof(*list->info));
		if (!grown) {
			if (fd >= 0)
				close(fd);
			udev_device_unref(d);
			r = -ENOMEM;
			goto out_enum;
		}
		list->info = grown;
		info = &list->info[list->n++];
		memset(info, 0, sizeof(*info));
		info_from_udev(d, info);
		if (fd >= 0) {
			(void)rt_info_from_fd(fd, info);
			close(fd);
		}
		udev_device_unref(d);
	}
	if (list->n)
		qsort(list->info, list->n, sizeof(*list->info), cmp_info);

out_enum:
	udev_enumerate_unref(e);
out_udev:
	udev_unref(udev);
	if (r < 0) {
		free(list->info);
		free(list);
		return log_debug_errno(r, "enumerating accel devices");
	}
	*ret_list = list;
	return (int)list->n;
}

EDGEAI_PUBLIC int edgeai_device_list_count(const struct edgeai_device_list *list)
{
	assert_return(list, -EINVAL);
	return (int)list->n;
}

EDGEAI_PUBLIC int edgeai_device_list_get(const struct edgeai_device_list *list, unsigned int index,
					 struct edgeai_device_info *ret_info)
{
	assert_return(list, -EINVAL);
	assert_return(index < list->n, -EINVAL);
	assert_return(ret_info, -EINVAL);

	*ret_info = list->info[index];
	return 0;
}

EDGEAI_PUBLIC struct edgeai_device_list *edgeai_device_list_unref(struct edgeai_device_list *list)
{
	if (!list)
		return NULL;
	if (atomic_fetch_sub(&list->n_ref, 1) == 1) {
		free(list->info);
		free(list);
	}
	return NULL;
}

EDGEAI_PUBLIC const char *edgeai_device_type_name(uint32_t type)
{
	switch (type) {
	case EDGEAI_DEVICE_NPU:
		return "npu";
	case EDGEAI_DEVICE_DSP:
		return "dsp";
	default:
		return "unknown";
	}
}
