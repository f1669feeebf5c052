/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the edgeai kselftests. Every helper talks to the real
 * device through the documented uAPI (uapi/drm/edgeai_accel.h) and returns
 * 0 or a negative errno, so tests can assert exact error codes.
 */
#ifndef EDGEAI_TEST_H
#define EDGEAI_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/edgeai_accel.h>

#define EAI_MAX_DEVS 8

/* vgem's fence ioctls (include/uapi/drm/vgem_drm.h, not shipped by libdrm). */
struct eai_vgem_fence_attach {
	__u32 handle;
	__u32 flags;
	__u32 out_fence;
	__u32 pad;
};

struct eai_vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};

#define EAI_VGEM_FENCE_WRITE 0x1
#define EAI_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct eai_vgem_fence_attach)
#define EAI_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct eai_vgem_fence_signal)

/* ioctl returning 0 or -errno; EINTR is retried. */
static inline int eai_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && errno == EINTR);
	return ret == -1 ? -errno : 0;
}

/* PROGRAM_CREATE of @size bytes at @blob: 0 with *@handle set, or -errno. */
static inline int eai_program_create(int fd, const void *blob, uint32_t size, uint32_t *handle)
{
	struct drm_edgeai_program_create c = { .data = (uintptr_t)blob, .size = size };
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

static inline int eai_program_destroy(int fd, uint32_t handle)
{
	struct drm_edgeai_program_destroy d = { .handle = handle };

	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &d);
}

static inline int64_t eai_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Absolute CLOCK_MONOTONIC deadline @ms milliseconds from now. */
static inline int64_t eai_deadline_ms(int64_t ms)
{
	return eai_now_ns() + ms * 1000000LL;
}

static inline int eai_open_path(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Open /dev/accel/accel<minor>. */
static inline int eai_open_minor(int minor)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/accel/accel%d", minor);
	return eai_open_path(path);
}

/* DRM_IOCTL_VERSION name of @fd into @name (NUL-terminated). */
static inline int eai_drm_name(int fd, char *name, size_t len)
{
	struct drm_version v;
	int ret;

	memset(&v, 0, sizeof(v));
	memset(name, 0, len);
	v.name = name;
	v.name_len = len - 1;
	ret = eai_ioctl(fd, DRM_IOCTL_VERSION, &v);
	return ret;
}

static inline int eai_get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_edgeai_get_param p = { .param = param };
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p);

	if (!ret)
		*value = p.value;
	return ret;
}

/*
 * Minor of the first edgeai device of @type (DRM_EDGEAI_DEVICE_*), or -ENODEV.
 */
static inline int eai_find_minor(uint32_t type)
{
	for (int m = 0; m < EAI_MAX_DEVS; m++) {
		char name[32];
		uint64_t t;
		int fd = eai_open_minor(m);

		if (fd < 0)
			continue;
		if (!eai_drm_name(fd, name, sizeof(name)) && !strcmp(name, "edgeai") &&
		    !eai_get_param(fd, DRM_EDGEAI_PARAM_DEVICE_TYPE, &t) && t == type) {
			close(fd);
			return m;
		}
		close(fd);
	}
	return -ENODEV;
}

/* Open the first device of @type. */
static inline int eai_open_type(uint32_t type)
{
	int m = eai_find_minor(type);

	return m < 0 ? m : eai_open_minor(m);
}

/* Minor number of an open accel fd. */
static inline int eai_fd_minor(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	return minor(st.st_rdev);
}

/* Name of the bus device behind /dev/accel/accel<minor>, e.g. "edgeai-sim.0". */
static inline int eai_bus_name(int minor, char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", minor);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

/*
 * Read a sysfs attribute of the device (trailing newline stripped). The
 * attribute is looked up on the bus device first, then on the accel class
 * device.
 */
static inline int eai_sysfs_read(int minor, const char *attr, char *buf, size_t len)
{
	const char *fmt[] = { "/sys/class/accel/accel%d/device/%s",
			      "/sys/class/accel/accel%d/%s" };

	for (unsigned int i = 0; i < 2; i++) {
		char path[PATH_MAX];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), fmt[i], minor, attr);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, len - 1);
		close(fd);
		if (n < 0)
			return -errno;
		buf[n] = 0;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = 0;
		return 0;
	}
	return -ENOENT;
}

/*
 * Path of debugfs file @name of the device: /sys/kernel/debug/accel/<bus
 * name>/@name (drm_debugfs_dev_init names the directory after the device),
 * or /sys/kernel/debug/accel/<minor>/@name.
 */
static inline int eai_debugfs_path(int minor, const char *name, char *out, size_t len)
{
	char bus[128];

	if (!eai_bus_name(minor, bus, sizeof(bus))) {
		snprintf(out, len, "/sys/kernel/debug/accel/%s/%s", bus, name);
		if (!access(out, F_OK))
			return 0;
	}
	snprintf(out, len, "/sys/kernel/debug/accel/%d/%s", minor, name);
	if (!access(out, F_OK))
		return 0;
	return -ENOENT;
}

static inline int eai_write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(s) ? 0 : -EIO;
}

static inline int eai_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0) {
			close(fd);
			return -errno;
		}
		if (!n)
			break;
		total += n;
	}
	close(fd);
	buf[total] = 0;
	return 0;
}

/* First unsigned integer in a debugfs file (e.g. the reset counter). */
static inline int eai_debugfs_u64(int minor, const char *name, uint64_t *val)
{
	char path[PATH_MAX], buf[256];
	const char *p;
	int ret = eai_debugfs_path(minor, name, path, sizeof(path));

	if (ret)
		return ret;
	ret = eai_read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	for (p = buf; *p && (*p < '0' || *p > '9'); p++)
		;
	if (!*p)
		return -EINVAL;
	*val = strtoull(p, NULL, 0);
	return 0;
}

static inline int eai_bo_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_edgeai_bo_create c = { .size = size };
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

static inline int eai_bo_info(int fd, uint32_t handle, uint64_t *size, uint64_t *offset)
{
	struct drm_edgeai_bo_info i = { .handle = handle };
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_INFO, &i);

	if (!ret) {
		if (size)
			*size = i.size;
		if (offset)
			*offset = i.mmap_offset;
	}
	return ret;
}

/* mmap a whole BO; NULL on failure. */
static inline void *eai_bo_map(int fd, uint32_t handle, uint64_t *size)
{
	uint64_t sz, off;
	void *p;

	if (eai_bo_info(fd, handle, &sz, &off))
		return NULL;
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return NULL;
	if (size)
		*size = sz;
	return p;
}

static inline int eai_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return eai_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static inline int eai_bo_prep(int fd, uint32_t handle, uint32_t op, int64_t timeout_ns)
{
	struct drm_edgeai_bo_prep p = { .handle = handle, .op = op, .timeout_ns = timeout_ns };

	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_PREP, &p);
}

static inline int eai_bo_fini(int fd, uint32_t handle)
{
	struct drm_edgeai_bo_fini f = { .handle = handle };

	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_FINI, &f);
}

static inline struct drm_edgeai_cmd eai_cmd_fill(uint32_t dst, uint64_t off, uint64_t size,
						 uint8_t value)
{
	struct drm_edgeai_cmd c = {
		.op = DRM_EDGEAI_CMD_FILL, .dst_slot = dst, .dst_offset = off,
		.size = size, .value = value,
	};

	return c;
}

static inline struct drm_edgeai_cmd eai_cmd_copy(uint32_t dst, uint64_t doff, uint32_t src,
						 uint64_t soff, uint64_t size)
{
	struct drm_edgeai_cmd c = {
		.op = DRM_EDGEAI_CMD_COPY, .dst_slot = dst, .dst_offset = doff,
		.src_slot = src, .src_offset = soff, .size = size,
	};

	return c;
}

static inline struct drm_edgeai_submit eai_submit_args(struct drm_edgeai_bo_ref *bos,
						       uint32_t nbos,
						       struct drm_edgeai_cmd *cmds,
						       uint32_t ncmds)
{
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .cmds = (uintptr_t)cmds,
		.bo_count = nbos, .cmd_count = ncmds,
		.cmd_size = sizeof(struct drm_edgeai_cmd), .core = DRM_EDGEAI_CORE_ANY,
	};

	return s;
}

static inline int eai_submit(int fd, struct drm_edgeai_submit *s, uint64_t *job_id)
{
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_SUBMIT, s);

	if (!ret && job_id)
		*job_id = s->job_id;
	return ret;
}

/* WAIT: returns the ioctl result; *status gets the job's result. */
static inline int eai_wait(int fd, uint64_t job_id, int64_t timeout_ns, int32_t *status,
			   uint64_t *device_time_ns)
{
	struct drm_edgeai_wait w = { .job_id = job_id, .timeout_ns = timeout_ns };
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_WAIT, &w);

	if (!ret) {
		if (status)
			*status = w.status;
		if (device_time_ns)
			*device_time_ns = w.device_time_ns;
	}
	return ret;
}

/* Submit and wait (10 s); returns a submit/wait error or the job status. */
static inline int eai_run(int fd, struct drm_edgeai_bo_ref *bos, uint32_t nbos,
			  struct drm_edgeai_cmd *cmds, uint32_t ncmds)
{
	struct drm_edgeai_submit s = eai_submit_args(bos, nbos, cmds, ncmds);
	uint64_t id;
	int32_t status;
	int ret = eai_submit(fd, &s, &id);

	if (ret)
		return ret;
	ret = eai_wait(fd, id, eai_deadline_ms(10000), &status, NULL);
	return ret ? ret : status;
}

static inline bool eai_all_bytes(const void *p, size_t len, uint8_t v)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}

/*
 * Prove the device still works for this file: FILL a fresh BO with @value,
 * COPY it into a second BO and check the copy through mmap. Returns 0,
 * a negative errno, or -EILSEQ when the bytes are wrong.
 */
static inline int eai_device_works(int fd, uint8_t value)
{
	const uint64_t size = 8192;
	uint32_t a = 0, b = 0;
	uint8_t *map = NULL;
	uint64_t msize = 0;
	int ret;

	ret = eai_bo_create(fd, size, &a);
	if (ret)
		return ret;
	ret = eai_bo_create(fd, size, &b);
	if (ret)
		goto out;
	{
		struct drm_edgeai_bo_ref bos[2] = {
			{ .handle = a, .flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE },
			{ .handle = b, .flags = DRM_EDGEAI_BO_WRITE },
		};
		struct drm_edgeai_cmd cmds[2] = {
			eai_cmd_fill(0, 0, size, value),
			eai_cmd_copy(1, 0, 0, 0, size),
		};

		ret = eai_run(fd, bos, 2, cmds, 2);
	}
	if (ret)
		goto out;
	map = eai_bo_map(fd, b, &msize);
	if (!map) {
		ret = -errno ? -errno : -ENOMEM;
		goto out;
	}
	ret = eai_bo_prep(fd, b, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000));
	if (!ret) {
		if (!eai_all_bytes(map, size, value))
			ret = -EILSEQ;
		eai_bo_fini(fd, b);
	}
	munmap(map, msize);
out:
	if (b)
		eai_gem_close(fd, b);
	eai_gem_close(fd, a);
	return ret;
}

/* Open the vgem device (a /dev/dri/card* named "vgem"); -ENODEV if none. */
static inline int eai_open_vgem(void)
{
	for (int i = 0; i < 16; i++) {
		char path[64], name[32];
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = eai_open_path(path);
		if (fd < 0)
			continue;
		if (!eai_drm_name(fd, name, sizeof(name)) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -ENODEV;
}

/* A vgem BO of @size bytes (width = size, height 1, bpp 8). */
static inline int eai_vgem_bo(int vfd, uint64_t size, uint32_t *handle)
{
	struct drm_mode_create_dumb d = { .width = size, .height = 1, .bpp = 8 };
	int ret = eai_ioctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &d);

	if (!ret)
		*handle = d.handle;
	return ret;
}

static inline int eai_prime_export(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle p = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	int ret = eai_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);

	if (!ret)
		*dmabuf = p.fd;
	return ret;
}

static inline int eai_prime_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };
	int ret = eai_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);

	if (!ret)
		*handle = p.handle;
	return ret;
}

static inline int eai_syncobj_create(int fd, uint32_t *handle)
{
	struct drm_syncobj_create c = { 0 };
	int ret = eai_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

static inline int eai_syncobj_wait(int fd, uint32_t handle, int64_t timeout_ns)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&handle, .count_handles = 1,
		.timeout_nsec = timeout_ns,
	};

	return eai_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

static inline int eai_syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	return eai_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

/*
 * The fdinfo text of @fd into @buf.
 */
static inline int eai_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return eai_read_file(path, buf, len);
}

#endif /* EDGEAI_TEST_H */
