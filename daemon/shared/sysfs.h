/* SPDX-License-Identifier: MIT */
/*
 * What edgeaid and edgeaictl both read from sysfs and procfs: attribute
 * files, the accel devices with their devfreq and thermal zone, and the
 * processes that have a device open (their DRM fdinfo).
 *
 * Functions return 0 (or a count) on success and -errno on failure.
 */
#ifndef EDGEAI_SHARED_SYSFS_H
#define EDGEAI_SHARED_SYSFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A sysfs-style file: its text with trailing newlines and spaces stripped. */
int read_line_file(const char *path, char *buf, size_t len);
/* Write @s to an existing file (no O_CREAT), as one write(2). */
int write_string_file(const char *path, const char *s);
/* The file @attr below @dir, as read_line_file() reads it. */
int read_attr(const char *dir, const char *attr, char *buf, size_t len);
/* The integer in @dir/@attr, or @fallback when it cannot be read. */
long long read_attr_ll(const char *dir, const char *attr, long long fallback);

#define SYSFS_PATH_MAX 512

/* An accelerator as sysfs shows it: the accel node and its parent device. */
typedef struct AccelDevice {
	char name[32];                  /* accel0 */
	char type[16];                  /* the parent's device_type (npu, dsp), or "" */
	char bus[128];                  /* the parent's name: names its devfreq and thermal zone */
	char syspath[SYSFS_PATH_MAX];   /* of the parent device */
	char devfreq[SYSFS_PATH_MAX];   /* /sys/class/devfreq/<bus>, or "" */
	char tz[SYSFS_PATH_MAX];        /* its thermal_zoneN: type <bus>, or the DT zone its cooling map binds; or "" */
} AccelDevice;

/* The first /sys/class/thermal/thermal_zoneN whose type is @type. */
int thermal_zone_find(const char *type, char *ret, size_t len);

/* Look up the accel node at @syspath (/sys/class/accel/accelN or its real path). */
int accel_device_from_syspath(const char *syspath, AccelDevice *ret);

/*
 * Every accel device in /sys/class/accel, in name order (accel2 before
 * accel10), into a new array the caller frees. No device is not an error.
 */
int accel_enumerate(AccelDevice **ret, size_t *ret_n);

/* An open file of an accel device, as /proc/PID/fdinfo shows it. */
typedef struct AccelClient {
	uint64_t id;            /* drm-client-id: unique per open file of a device */
	uint64_t engine_ns;     /* device time used, the drm-engine-* line (not -capacity) */
	uint64_t jobs;          /* jobs completed, edgeai-jobs (0 on kernels without it) */
	uint64_t quota_refusals; /* submits refused for the quota, edgeai-quota-refusals */
	uint32_t pid, uid;
	char comm[32];
	char device[32];        /* accel0 */
	char cgroup[512];       /* the process's cgroup (v2), "/ctr.slice/libpod-ID.scope"; "" when unknown */
} AccelClient;

/* The cgroup v2 path of process @pid (the "0::" line of /proc/PID/cgroup). */
int proc_cgroup(uint32_t pid, char *buf, size_t len);

/*
 * The DRM fdinfo text in @f: the drm-client-id and the device time of its
 * last drm-engine-* line (0 without one). -ENOENT without a drm-client-id.
 */
int fdinfo_parse(FILE *f, uint64_t *ret_id, uint64_t *ret_engine_ns);

/* The driver's own fdinfo keys in @f: edgeai-jobs and edgeai-quota-refusals (0 when absent). */
void fdinfo_parse_edgeai(FILE *f, uint64_t *ret_jobs, uint64_t *ret_quota_refusals);

/*
 * Call @cb for each open file of a /dev/accel/accel* node that has a
 * drm-client-id, in every process but this one. A non-zero return of @cb
 * stops the scan and is returned.
 */
int accel_clients_scan(int (*cb)(const AccelClient *c, void *userdata), void *userdata);

#endif
