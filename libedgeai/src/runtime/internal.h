/* SPDX-License-Identifier: MIT */
/*
 * Inside the runtime folder only: the layouts of the runtime's objects and
 * the calls between its files. The other folders use runtime.h.
 *
 * Calls go one way (README.md):
 *   job.c -> buffer.c -> device.c -> enumerate.c
 *   job.c, device.c -> queue.c -> ring.c
 *   every file that talks to the kernel -> ioctl.c
 */
#ifndef EDGEAI_RUNTIME_INTERNAL_H
#define EDGEAI_RUNTIME_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include <liburing.h>

#include "base/base.h"
#include "drm/edgeai_accel.h"
#include "edgeai/edgeai.h"
#include "runtime/ring.h"
#include "runtime/runtime.h"

enum rt_uring_state {
	RT_URING_UNKNOWN = 0,     /* not tried yet */
	RT_URING_READY,           /* ring exists; no command completed yet */
	RT_URING_WORKS,           /* at least one command was accepted */
	RT_URING_UNSUPPORTED,     /* kernel or flags say no: use ioctls */
};

/*
 * How many times this process is a fork() child of the one that loaded
 * the library (pthread_atfork): a device opened before a fork is not the
 * child's (-ECHILD), found without a getpid() system call per job.
 */
unsigned int rt_fork_generation(void);
#define rt_device_forked(dev) ((dev)->fork_generation != rt_fork_generation())

struct edgeai_device {
	atomic_int n_ref;
	int fd;
	unsigned int flags;
	unsigned int fork_generation; /* rt_fork_generation() when opened */
	uint64_t capabilities;

	/* Protects buffers[], and the queue: uring, ring, slots[], n_inflight, ioctl_jobs */
	pthread_mutex_t lock;

	/* Every live buffer, by GEM handle: no two objects for one handle. */
	struct edgeai_buffer **buffers;
	size_t n_buffers, n_buffers_alloc;

	/* The jobs in flight (queue.c). */
	enum rt_uring_state uring;
	bool have_ring;
	struct io_uring ring;
	struct {
		struct edgeai_job *job; /* weak; NULL when the job was dropped in flight */
		uint32_t gen;           /* bumped per use; high half of user_data */
		bool busy;              /* until its CQE arrives */
	} slots[RT_RING_INFLIGHT];
	unsigned int n_inflight;
	struct edgeai_job *ioctl_jobs; /* weak list of jobs in flight by ioctl */
	/*
	 * One thread at a time sleeps on the ring without the lock (so that
	 * others can submit meanwhile); the others wait on @waiters, each for
	 * its own job, until that job completes or it is their turn to reap.
	 */
	bool reaping;
	struct rt_waiter *waiters;
};

struct edgeai_buffer {
	unsigned int n_ref; /* under dev->lock */
	struct edgeai_device *dev;
	uint32_t handle;
	uint64_t size;
	uint64_t mmap_offset;
	void *map;
	bool imported;
	atomic_bool exported; /* a dma-buf of it was made: others may map it */
};

enum rt_job_state {
	RT_JOB_IDLE = 0,
	RT_JOB_INFLIGHT,
	RT_JOB_DONE,
};

/* A thread in rt_queue_wait_locked() for a ring job while another reaps. */
struct rt_waiter {
	struct edgeai_job *job;
	pthread_cond_t cond;
	struct rt_waiter *next; /* on dev->waiters until its job is handed to it or it leaves */
	bool handed;            /* @job completed and its callback is this thread's to run */
	bool sleeping;          /* on @cond, while another thread reaps the ring */
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
	uint32_t batch_max;     /* DRM_EDGEAI_SUBMIT_BATCH when >= 2 and the device has it */
	uint32_t batch_wait_us;

	edgeai_job_callback_t cb;
	void *userdata;

	/*
	 * The device whose queue carries the job (its ring or ioctl list,
	 * slots, waiters and lock: "qdev->lock" below): @dev, or another
	 * device of the same request, whose ring submits to @dev's fd
	 * (rt_job_submit_on()). Referenced; changed only while not in
	 * flight, by the job's owner.
	 */
	struct edgeai_device *qdev;
	/*
	 * Under qdev->lock: the job submitted right after this one on the
	 * same ring, which the kernel runs after it and whose completion
	 * the thread that waits for this one takes too (queue.c).
	 */
	struct edgeai_job *chain_next;

	/* Set by queue.c, under qdev->lock while in flight. */
	enum rt_job_state state;
	enum edgeai_submit_path path;
	int ring_slot;          /* index in qdev->slots[], -1 when none */
	uint64_t job_id;        /* ioctl path */
	struct edgeai_job *ioctl_next;
	int status;
	uint64_t device_time_ns;
};

/* ioctl.c: the kernel interface */
int rt_ioctl(int fd, unsigned long request, void *arg);
int64_t rt_abs_timeout(int64_t timeout_ns);
int rt_ioctl_deadline(int fd, unsigned long request, void *arg, __s64 *field, int64_t deadline,
		      int timeout_err);
/* 0 when @fd is a node of the edgeai driver (DRM_IOCTL_VERSION), else -ENODEV or -errno. */
int rt_check_driver(int fd);
int rt_get_param(int fd, uint32_t param, uint64_t *ret_value);

/* enumerate.c */
int rt_info_from_fd(int fd, struct edgeai_device_info *info);
int rt_info_from_sysfs(const char *node, struct edgeai_device_info *info);

/* queue.c: the one submit and complete path, for ioctl and io_uring jobs */

/* Completed jobs, handed back for their callbacks to run without the lock. */
#define RT_DONE_MAX (RT_RING_INFLIGHT + 32)
struct rt_done {
	struct edgeai_job *job[RT_DONE_MAX];
	unsigned int n;
};

/* Whether to try io_uring at all (the device's capabilities and open flags). */
void rt_queue_init(struct edgeai_device *dev, bool use_uring);
void rt_queue_fini(struct edgeai_device *dev);
/* The ring's fd (set up on first use), or -EOPNOTSUPP. */
int rt_queue_ring_fd_locked(struct edgeai_device *dev);
/*
 * Submit @job (EDGEAI_SUBMIT_* @flags): through io_uring when it works,
 * else by ioctl. With RT_SUBMIT_DEFER an io_uring job only fills its SQE:
 * the enter that waits for it (rt_queue_wait_locked()), or
 * rt_queue_flush_locked(), submits it.
 */
int rt_queue_submit_locked(struct edgeai_job *job, unsigned int flags);
/* Give the kernel the SQEs that RT_SUBMIT_DEFER left queued. */
void rt_queue_flush_locked(struct edgeai_device *dev);
/*
 * A thread that waits for @job: from rt_queue_waiter_add_locked() until
 * rt_queue_waiter_del_locked(), a completion of @job is handed to it
 * (whichever thread reaps it), so that this thread runs its callback.
 * The del adds @job to @done if it was handed over and not collected yet.
 */
void rt_queue_waiter_add_locked(struct rt_waiter *w, struct edgeai_job *job);
void rt_queue_waiter_del_locked(struct rt_waiter *w, struct rt_done *done);
/*
 * Wait until @w's job has finished, other jobs have completed, or
 * @deadline (absolute CLOCK_MONOTONIC ns, INT64_MAX = forever) passes
 * (-ETIME). The completed jobs, @w's when it is one of them, are added to
 * @done: their callbacks are due. The job of another waiter goes to that
 * waiter instead.
 */
int rt_queue_wait_locked(struct rt_waiter *w, int64_t deadline, struct rt_done *done);
/* Collect what has completed, without waiting. */
void rt_queue_poll_locked(struct edgeai_device *dev, struct rt_done *done);
/* @job is freed in flight: the kernel finishes it, its completion is dropped. */
void rt_queue_forget_locked(struct edgeai_job *job);

#endif
