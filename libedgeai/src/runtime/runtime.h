/* SPDX-License-Identifier: MIT */
/* Private object layouts and internal interfaces of libedgeai. */
#ifndef EDGEAI_RUNTIME_H
#define EDGEAI_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include <liburing.h>

#include "drm/edgeai_accel.h"
#include "edgeai/edgeai.h"
#include "base/macro.h"

/* Ring geometry: SQ entries; CQ is twice that. In-flight commands are capped at the CQ size. */
#define EDGEAI_RING_ENTRIES 64
#define EDGEAI_RING_INFLIGHT (2 * EDGEAI_RING_ENTRIES)

enum uring_state {
	URING_UNKNOWN = 0, /* not tried yet */
	URING_READY,       /* ring exists; no command completed yet */
	URING_WORKS,       /* at least one command was accepted */
	URING_UNSUPPORTED, /* kernel or flags say no: use ioctls */
};

struct edgeai_device {
	atomic_int n_ref;
	int fd;
	unsigned int flags;
	pid_t pid;
	uint64_t capabilities;

	pthread_mutex_t lock; /* buffers[], ring, inflight[], ioctl_jobs */

	/* Every live buffer, by GEM handle: no two objects for one handle. */
	struct edgeai_buffer **buffers;
	size_t n_buffers, n_buffers_alloc;

	enum uring_state uring;
	bool have_ring;
	struct io_uring ring;
	struct {
		struct edgeai_job *job; /* weak; NULL when the job was dropped in flight */
		uint32_t gen;           /* bumped per use; high half of user_data */
		bool busy;              /* until its CQE arrives */
	} slots[EDGEAI_RING_INFLIGHT];
	unsigned int n_inflight;

	struct edgeai_job *ioctl_jobs; /* weak list of jobs in flight by ioctl */
};

struct edgeai_buffer {
	unsigned int n_ref; /* under dev->lock */
	struct edgeai_device *dev;
	uint32_t handle;
	uint64_t size;
	uint64_t mmap_offset;
	void *map;
	bool imported;
};

enum job_state {
	JOB_IDLE = 0,
	JOB_INFLIGHT,
	JOB_DONE,
};

struct edgeai_job {
	atomic_int n_ref;
	struct edgeai_device *dev;

	struct edgeai_buffer *bufs[DRM_EDGEAI_MAX_BOS];
	struct drm_edgeai_bo_ref bos[DRM_EDGEAI_MAX_BOS];
	uint32_t n_bos;
	struct drm_edgeai_cmd *cmds;
	uint32_t n_cmds, n_cmds_alloc;
	uint32_t core;
	uint32_t program;       /* device program handle (SUBMIT_PROGRAM), 0 for commands */

	edgeai_job_callback_t cb;
	void *userdata;

	enum job_state state;
	enum edgeai_submit_path path;
	int ring_slot;          /* index in dev->inflight, -1 when none */
	uint64_t job_id;        /* ioctl path */
	struct edgeai_job *ioctl_next;
	int status;
	uint64_t device_time_ns;
};

/* ioctl.c */
int edgeai__ioctl(int fd, unsigned long request, void *arg);
int64_t edgeai__abs_timeout(int64_t timeout_ns);
int edgeai__ioctl_deadline(int fd, unsigned long request, void *arg, __s64 *field,
			   int64_t deadline, int timeout_err);
int edgeai__check_version_name(int fd);
int edgeai__get_param(int fd, uint32_t param, uint64_t *ret_value);

/* enumerate.c */
int edgeai__info_from_fd(int fd, struct edgeai_device_info *info);
int edgeai__info_from_sysfs(const char *node, struct edgeai_device_info *info);

/* job.c / ring.c */
void edgeai__prep_submit_sqe(struct io_uring_sqe *sqe, int fd,
			     const struct drm_edgeai_submit *submit, uint64_t user_data);
void edgeai__fill_submit(const struct edgeai_job *job, struct drm_edgeai_submit *s);
int edgeai__ring_setup_locked(struct edgeai_device *dev);
int edgeai__ring_submit_locked(struct edgeai_job *job);
int edgeai__ring_reap_locked(struct edgeai_device *dev, int64_t abs_deadline,
			     struct edgeai_job *until, struct edgeai_job **done,
			     unsigned int *n_done, unsigned int max_done);
void edgeai__ring_forget_locked(struct edgeai_job *job);
void edgeai__ring_exit(struct edgeai_device *dev);
int edgeai__ioctl_submit_locked(struct edgeai_job *job);
void edgeai__job_set_program(struct edgeai_job *job, uint32_t handle);
void edgeai__job_finish(struct edgeai_job *job, int status, uint64_t device_time_ns);

#endif
