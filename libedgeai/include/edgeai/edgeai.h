/* SPDX-License-Identifier: MIT */
/*
 * libedgeai - userspace library for edgeai NPU/DSP accelerators.
 *
 * This is the only header applications include. The kernel uAPI it is
 * built on is installed next to it as <edgeai/drm/edgeai_accel.h>; most
 * applications never need it.
 *
 * Conventions
 * -----------
 * - Every call that can fail returns int: >= 0 on success, -errno on
 *   failure. edgeai_strerror() turns the value into a message that says
 *   what it means for an edgeai call.
 * - Results come back through the last parameter(s), named ret_*; they
 *   are written only on success and left untouched on failure.
 * - Objects are opaque and reference counted. *_unref() accepts NULL and
 *   always returns NULL, so `x = edgeai_x_unref(x);` clears the pointer.
 *   EDGEAI_DEFINE_POINTER_CLEANUP() gives callers a cleanup function for
 *   __attribute__((cleanup)).
 * - Bad arguments (NULL where an object is required, unknown flags,
 *   out-of-range values) return -EINVAL and change nothing.
 * - The library never prints, never aborts and never exits. Setting
 *   EDGEAI_DEBUG=1 in the environment makes it log failures to stderr.
 *
 * Thread safety
 * -------------
 * - Different devices, and everything created from them, are independent.
 * - A device and its buffers may be used from several threads at once:
 *   reference counts are atomic, the buffer table and the io_uring ring are
 *   protected by a per-device lock. Calls that wait on the ring
 *   (edgeai_job_wait(), edgeai_device_process()) hold that lock while they
 *   wait, so they serialise with submissions on the same device.
 * - One job must not be used by two threads at the same time without
 *   external locking (like a FILE *). Reading a job's result while another
 *   thread waits on it is not allowed.
 * - Device lists are immutable after edgeai_enumerate() and may be read
 *   from any thread.
 * - Handles must not be used in a child process after fork(); calls that
 *   touch the ring return -ECHILD there.
 *
 * Error codes that reach callers with a specific meaning
 * ------------------------------------------------------
 *  -EINVAL     bad argument
 *  -ENODEV     no such device, not an edgeai device, or device unplugged
 *  -ENOENT     unknown buffer/job handle in the kernel (stale object)
 *  -EAGAIN     nothing completed yet (poll-style calls)
 *  -EBUSY      queue full (too many jobs in flight) or buffer busy
 *  -ETIME      the caller's timeout passed before the job finished
 *  -ETIMEDOUT  the job hung on the device and the core was reset
 *  -EIO        the device reported an error executing the job
 *  -ECANCELED  the job was cancelled by a reset caused by another job
 *  -EBADFD     this context caused a device reset; reopen the device
 *  -EOPNOTSUPP the kernel lacks the requested feature (e.g. io_uring)
 */
#ifndef EDGEAI_EDGEAI_H
#define EDGEAI_EDGEAI_H

#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define EDGEAI_PUBLIC __attribute__((visibility("default")))
#else
#define EDGEAI_PUBLIC
#endif

/* Library version */
#define EDGEAI_VERSION_MAJOR 0
#define EDGEAI_VERSION_MINOR 7
#define EDGEAI_VERSION_PATCH 0
#define EDGEAI_VERSION_STRING "0.7.0"

/* True at compile time when the headers are at least version major.minor. */
#define EDGEAI_CHECK_VERSION(major, minor)                                     \
	(EDGEAI_VERSION_MAJOR > (major) ||                                      \
	 (EDGEAI_VERSION_MAJOR == (major) && EDGEAI_VERSION_MINOR >= (minor)))

/**
 * edgeai_check_version() - run-time version check
 * @major: the major version the caller was built for (EDGEAI_VERSION_MAJOR)
 * @minor: the oldest minor version the caller needs
 *
 * Return: 1 when the loaded library has the same major version and at least
 * minor version @minor, else 0.
 */
EDGEAI_PUBLIC int edgeai_check_version(int major, int minor);

/**
 * edgeai_version() - the loaded library's version, e.g. "0.4.0"
 *
 * Return: a static string, never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_version(void);

/**
 * edgeai_strerror() - message for a return value of this library
 * @err: a negative (or positive) errno value returned by an edgeai call
 *
 * Return: a static, never NULL, English message. Values with a specific
 * meaning for edgeai (see the list above) get that meaning; others get
 * the C library's description. Safe to call from any thread.
 */
EDGEAI_PUBLIC const char *edgeai_strerror(int err);

/* Discovery */

/** enum edgeai_device_type - kind of accelerator (values match the uAPI) */
enum edgeai_device_type {
	EDGEAI_DEVICE_UNKNOWN = 0,
	EDGEAI_DEVICE_NPU = 1,
	EDGEAI_DEVICE_DSP = 2,
};

/* Capability bits (values match DRM_EDGEAI_CAP_* of the uAPI). */
#define EDGEAI_CAP_URING_CMD (UINT64_C(1) << 0)
#define EDGEAI_CAP_PRIME_IMPORT_FOREIGN (UINT64_C(1) << 1)
#define EDGEAI_CAP_SYNCOBJ (UINT64_C(1) << 2)
#define EDGEAI_CAP_SIMULATED (UINT64_C(1) << 3)
/* Programs yield at op boundaries to jobs of higher priority (uAPI 1.4). */
#define EDGEAI_CAP_PREEMPT (UINT64_C(1) << 4)
/* The device's DMA is coherent with the CPU caches (uAPI 1.5, libedgeai 0.6). */
#define EDGEAI_CAP_DMA_COHERENT (UINT64_C(1) << 5)
/* Jobs of one program run as one device job (uAPI 1.6, libedgeai 0.7). */
#define EDGEAI_CAP_BATCH (UINT64_C(1) << 6)
/* Processes that load the same program batch together (uAPI 1.7, libedgeai 0.7). */
#define EDGEAI_CAP_SHARED_PROGRAMS (UINT64_C(1) << 7)

/**
 * struct edgeai_device_info - what is known about one device
 * @node: device node, e.g. "/dev/accel/accel0"
 * @syspath: sysfs path of the accel device, "" when unknown
 * @name: name of the parent (platform) device, "" when unknown
 * @type: &enum edgeai_device_type
 * @core_count: number of cores (job queues), 0 when unknown
 * @fw_version: firmware version, major << 16 | minor << 8 | patch
 * @fw_abi_version: command ABI of the firmware, 0 when unknown
 * @capabilities: EDGEAI_CAP_* bits
 * @minor: accel minor number (N of accelN)
 * @from_ioctl: 1 when the values were read from the device with
 *	GET_PARAM, 0 when only sysfs could be read (no permission to open)
 * @reserved: zero; room for fields added later (the size stays the same)
 */
struct edgeai_device_info {
	char node[64];
	char syspath[256];
	char name[64];
	uint32_t type;
	uint32_t core_count;
	uint32_t fw_version;
	uint32_t fw_abi_version;
	uint64_t capabilities;
	uint32_t minor;
	uint32_t from_ioctl;
	uint64_t reserved[8];
};

struct edgeai_device_list;

/**
 * edgeai_enumerate() - list the accelerators bound to the edgeai driver
 * @ret_list: out, a new list (possibly empty) to release with
 *	edgeai_device_list_unref()
 *
 * Looks at every device of the "accel" subsystem through libudev and keeps
 * those bound to the edgeai driver. A device whose node is missing from /dev
 * (a container started without it sees the host's sysfs, not its nodes) is
 * left out, so that the automatic choice falls back to the CPU instead of
 * failing on it. A machine without such devices gives an empty list and
 * returns 0. Devices are sorted by minor number.
 *
 * Return: number of devices found (>= 0), or -errno.
 */
EDGEAI_PUBLIC int edgeai_enumerate(struct edgeai_device_list **ret_list);

/**
 * edgeai_device_list_count() - entries in a device list
 * @list: a list from edgeai_enumerate()
 *
 * Return: the number of entries (>= 0), or -EINVAL for a NULL @list.
 */
EDGEAI_PUBLIC int edgeai_device_list_count(const struct edgeai_device_list *list);

/**
 * edgeai_device_list_get() - copy out entry @index of @list
 * @list: a list from edgeai_enumerate()
 * @index: 0 to edgeai_device_list_count() - 1
 * @ret_info: out, a copy of the entry
 *
 * Return: 0, or -EINVAL for a NULL argument or an index out of range.
 */
EDGEAI_PUBLIC int edgeai_device_list_get(const struct edgeai_device_list *list, unsigned int index,
					 struct edgeai_device_info *ret_info);

/**
 * edgeai_device_list_unref() - release a device list
 * @list: the list, or NULL
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_device_list *edgeai_device_list_unref(struct edgeai_device_list *list);

/**
 * edgeai_device_type_name() - name of a device type
 * @type: an &enum edgeai_device_type value
 *
 * Return: "npu", "dsp" or "unknown"; never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_device_type_name(uint32_t type);

/* Devices */

struct edgeai_device;

/* Flags of edgeai_device_open(). */
/** @EDGEAI_OPEN_NO_URING: never use io_uring; submit jobs by ioctl */
#define EDGEAI_OPEN_NO_URING (1U << 0)

/**
 * edgeai_device_open() - open an accelerator
 * @path: device node, e.g. "/dev/accel/accel0"; NULL opens the first
 *	device edgeai_enumerate() finds
 * @flags: EDGEAI_OPEN_* flags
 * @ret_dev: out, the device, release with edgeai_device_unref()
 *
 * Return: 0; -ENODEV when @path is not an edgeai device or (with a NULL
 * @path) no device exists; -EACCES, -ENOENT... from open(2). -EACCES means
 * the caller is neither in the group render, which owns the nodes, nor the
 * user at the seat; edgeai_strerror() says so.
 */
EDGEAI_PUBLIC int edgeai_device_open(const char *path, unsigned int flags,
				     struct edgeai_device **ret_dev);

/**
 * edgeai_device_open_fd() - wrap an already open device fd
 * @fd: an open accel node of an edgeai device (e.g. passed by a broker)
 * @flags: EDGEAI_OPEN_* flags
 * @ret_dev: out, the device, release with edgeai_device_unref()
 *
 * The device keeps its own dup() of @fd; the caller still owns @fd.
 *
 * Return: 0; -EBADF for a negative @fd; -ENODEV when @fd is not an edgeai
 * device; -errno of dup.
 */
EDGEAI_PUBLIC int edgeai_device_open_fd(int fd, unsigned int flags, struct edgeai_device **ret_dev);

/**
 * edgeai_device_ref() - take a reference
 * @dev: the device, or NULL
 *
 * Return: @dev.
 */
EDGEAI_PUBLIC struct edgeai_device *edgeai_device_ref(struct edgeai_device *dev);
/**
 * edgeai_device_unref() - drop a reference; the last one closes the device
 * @dev: the device, or NULL
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_device *edgeai_device_unref(struct edgeai_device *dev);

/**
 * edgeai_device_get_fd() - the DRM fd of the device
 * @dev: the device
 *
 * Return: the fd (owned by @dev, >= 0), or -EINVAL for a NULL @dev.
 */
EDGEAI_PUBLIC int edgeai_device_get_fd(const struct edgeai_device *dev);

/**
 * edgeai_device_get_param() - read a DRM_EDGEAI_PARAM_* value
 * @dev: the device
 * @param: a DRM_EDGEAI_PARAM_* number of <edgeai/drm/edgeai_accel.h>
 * @ret_value: out, the value
 *
 * Return: 0, -EINVAL for an unknown parameter, -ENODEV after unplug.
 */
EDGEAI_PUBLIC int edgeai_device_get_param(struct edgeai_device *dev, uint32_t param,
					  uint64_t *ret_value);

/**
 * edgeai_device_get_info() - the device's identity, from GET_PARAM and sysfs
 * @dev: the device
 * @ret_info: out, what is known about it
 *
 * Return: 0; -EINVAL for a NULL argument; -errno of GET_PARAM (-ENODEV after
 * unplug).
 */
EDGEAI_PUBLIC int edgeai_device_get_info(struct edgeai_device *dev,
					 struct edgeai_device_info *ret_info);

/**
 * edgeai_device_get_event_fd() - file descriptor for the caller's event loop
 * @dev: the device
 *
 * Returns the io_uring ring fd of @dev (creating the ring on first use). It
 * polls readable (POLLIN) when completions are waiting; call
 * edgeai_device_process() then. The fd belongs to @dev.
 *
 * Return: the fd (>= 0); -EOPNOTSUPP when the device submits by ioctl
 * (EDGEAI_OPEN_NO_URING, or a kernel without io_uring support).
 */
EDGEAI_PUBLIC int edgeai_device_get_event_fd(struct edgeai_device *dev);

/**
 * edgeai_device_process() - reap finished jobs without waiting
 * @dev: the device
 *
 * Collects every completion that is available (from the ring, and for jobs
 * submitted by ioctl by asking the kernel) and runs the jobs' callbacks.
 *
 * Return: number of jobs that finished (>= 0), or -errno.
 */
EDGEAI_PUBLIC int edgeai_device_process(struct edgeai_device *dev);

/* Buffers */

struct edgeai_buffer;

/**
 * edgeai_buffer_new() - allocate a device buffer (shmem-backed BO)
 * @dev: the device
 * @size: bytes, > 0; the kernel rounds it up to the page size
 * @flags: must be 0
 * @ret_buf: out, the buffer, release with edgeai_buffer_unref()
 *
 * Return: 0, -EINVAL (size 0 or above the device's MAX_BO_SIZE), -ENOMEM.
 */
EDGEAI_PUBLIC int edgeai_buffer_new(struct edgeai_device *dev, uint64_t size, unsigned int flags,
				    struct edgeai_buffer **ret_buf);

/**
 * edgeai_buffer_import_dmabuf() - use a dma-buf (udmabuf, vgem, another
 * device's export) as a buffer of @dev
 * @dev: the device
 * @fd: the dma-buf fd
 * @ret_buf: out, the buffer, release with edgeai_buffer_unref()
 *
 * Importing the same dma-buf again returns the same buffer object with one
 * more reference, never a second object for the same memory. The caller
 * keeps ownership of @fd.
 *
 * Return: 0; -EBADF for a negative @fd; -EINVAL; -errno of
 * DRM_IOCTL_PRIME_FD_TO_HANDLE (e.g. when @fd is not a dma-buf); -ENOMEM.
 */
EDGEAI_PUBLIC int edgeai_buffer_import_dmabuf(struct edgeai_device *dev, int fd,
					      struct edgeai_buffer **ret_buf);

/**
 * edgeai_buffer_export_dmabuf() - export as a dma-buf
 * @buf: the buffer
 * @ret_fd: out, a new O_CLOEXEC|O_RDWR dma-buf fd the caller must close
 *
 * Return: 0; -EINVAL; -errno of DRM_IOCTL_PRIME_HANDLE_TO_FD.
 */
EDGEAI_PUBLIC int edgeai_buffer_export_dmabuf(struct edgeai_buffer *buf, int *ret_fd);

/**
 * edgeai_buffer_map() - CPU mapping of the whole buffer
 * @buf: the buffer
 * @ret_ptr: out, the address of its first byte
 *
 * The mapping is created on first use and lives as long as the buffer.
 * Bracket CPU access with edgeai_buffer_cpu_prep()/edgeai_buffer_cpu_fini().
 *
 * Return: 0; -EINVAL; -errno of mmap(2) or of the mmap offset ioctl.
 */
EDGEAI_PUBLIC int edgeai_buffer_map(struct edgeai_buffer *buf, void **ret_ptr);

/**
 * edgeai_buffer_get_size() - size of a buffer
 * @buf: the buffer
 * @ret_size: out, its size in bytes
 *
 * Return: 0, or -EINVAL for a NULL argument.
 */
EDGEAI_PUBLIC int edgeai_buffer_get_size(const struct edgeai_buffer *buf, uint64_t *ret_size);

/**
 * edgeai_buffer_get_handle() - the GEM handle, for use with the raw uAPI
 * @buf: the buffer
 * @ret_handle: out, its GEM handle on the device fd
 *
 * Return: 0, or -EINVAL for a NULL argument.
 */
EDGEAI_PUBLIC int edgeai_buffer_get_handle(const struct edgeai_buffer *buf, uint32_t *ret_handle);

/* Access bits for edgeai_buffer_cpu_prep() and edgeai_job_bind(). */
#define EDGEAI_ACCESS_READ (1U << 0)
#define EDGEAI_ACCESS_WRITE (1U << 1)

/* Timeouts: relative nanoseconds; 0 polls, EDGEAI_TIMEOUT_INFINITE waits forever. */
#define EDGEAI_TIMEOUT_INFINITE INT64_C(-1)

/**
 * edgeai_buffer_cpu_prep() - begin CPU access
 * @buf: the buffer
 * @access: EDGEAI_ACCESS_READ and/or EDGEAI_ACCESS_WRITE
 * @timeout_ns: see EDGEAI_TIMEOUT_INFINITE
 * Return: 0, -EBUSY (busy and @timeout_ns is 0), -ETIME.
 */
EDGEAI_PUBLIC int edgeai_buffer_cpu_prep(struct edgeai_buffer *buf, unsigned int access,
					 int64_t timeout_ns);

/**
 * edgeai_buffer_cpu_fini() - end CPU access; CPU writes become visible to the device
 * @buf: the buffer
 *
 * Return: 0, -EINVAL, or -errno of the kernel.
 */
EDGEAI_PUBLIC int edgeai_buffer_cpu_fini(struct edgeai_buffer *buf);

/**
 * edgeai_buffer_ref() - take a reference
 * @buf: the buffer, or NULL
 *
 * Return: @buf.
 */
EDGEAI_PUBLIC struct edgeai_buffer *edgeai_buffer_ref(struct edgeai_buffer *buf);
/**
 * edgeai_buffer_unref() - drop a reference; the last one frees the buffer
 * @buf: the buffer, or NULL
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_buffer *edgeai_buffer_unref(struct edgeai_buffer *buf);

/* Jobs */

struct edgeai_job;

/**
 * edgeai_job_new() - an empty job for @dev
 * @dev: the device the job runs on
 * @ret_job: out, the job, release with edgeai_job_unref()
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
EDGEAI_PUBLIC int edgeai_job_new(struct edgeai_device *dev, struct edgeai_job **ret_job);

/**
 * edgeai_job_bind() - bind @buf to the job
 * @job: the job
 * @buf: a buffer of the job's device
 * @access: EDGEAI_ACCESS_READ and/or EDGEAI_ACCESS_WRITE
 * @ret_slot: out (may be NULL), the slot index commands name the buffer by
 *
 * Binding a buffer twice keeps one slot and ORs the access bits. The job
 * holds a reference to @buf. Buffers must belong to the job's device.
 * Return: 0, -EINVAL, -E2BIG when the job has DRM_EDGEAI_MAX_BOS buffers.
 */
EDGEAI_PUBLIC int edgeai_job_bind(struct edgeai_job *job, struct edgeai_buffer *buf,
				  unsigned int access, uint32_t *ret_slot);

/**
 * edgeai_job_add_copy() - copy @size bytes from @src+@src_offset to
 * @dst+@dst_offset
 * @job: the job
 * @dst: the buffer written
 * @dst_offset: first byte written in @dst
 * @src: the buffer read
 * @src_offset: first byte read in @src
 * @size: number of bytes
 *
 * Binds both buffers. Ranges are checked here against the buffer sizes
 * (-EINVAL), and again by the kernel.
 *
 * Return: 0, -EINVAL, -E2BIG when the job has DRM_EDGEAI_MAX_CMDS commands.
 */
EDGEAI_PUBLIC int edgeai_job_add_copy(struct edgeai_job *job, struct edgeai_buffer *dst,
				      uint64_t dst_offset, struct edgeai_buffer *src,
				      uint64_t src_offset, uint64_t size);

/**
 * edgeai_job_add_fill() - fill @size bytes of @dst at @dst_offset with @value
 * @job: the job
 * @dst: the buffer written, of the job's device
 * @dst_offset: first byte written
 * @size: number of bytes
 * @value: the byte written
 *
 * Return: 0; -EINVAL for a range outside @dst; -EBUSY while the job is in
 * flight; -E2BIG when the job has DRM_EDGEAI_MAX_CMDS commands.
 */
EDGEAI_PUBLIC int edgeai_job_add_fill(struct edgeai_job *job, struct edgeai_buffer *dst,
				      uint64_t dst_offset, uint64_t size, uint8_t value);

#define EDGEAI_CORE_ANY UINT32_C(0xffffffff)
/**
 * edgeai_job_set_core() - run on core @core, or EDGEAI_CORE_ANY (default)
 * @job: the job
 * @core: a core index of the device, or EDGEAI_CORE_ANY
 *
 * Return: 0; -EINVAL; -EBUSY while the job is in flight.
 */
EDGEAI_PUBLIC int edgeai_job_set_core(struct edgeai_job *job, uint32_t core);

typedef void (*edgeai_job_callback_t)(struct edgeai_job *job, int status, void *userdata);
/**
 * edgeai_job_set_callback() - call @cb when the job finishes
 * @job: the job
 * @cb: called from edgeai_device_process() or edgeai_job_wait() with the
 *	job's status; NULL for none
 * @userdata: passed to @cb
 *
 * Return: 0, or -EINVAL for a NULL @job.
 */
EDGEAI_PUBLIC int edgeai_job_set_callback(struct edgeai_job *job, edgeai_job_callback_t cb,
					  void *userdata);

/* Flags of edgeai_job_submit(). */
/** @EDGEAI_SUBMIT_IOCTL: submit with DRM_IOCTL_EDGEAI_SUBMIT even if io_uring works */
#define EDGEAI_SUBMIT_IOCTL (1U << 0)
/** @EDGEAI_SUBMIT_URING: submit through io_uring or fail with -EOPNOTSUPP */
#define EDGEAI_SUBMIT_URING (1U << 1)

/**
 * edgeai_job_submit() - queue the job without waiting
 * @job: the job, with at least one command
 * @flags: 0 (io_uring when the kernel supports it, else ioctl) or one of
 *	EDGEAI_SUBMIT_IOCTL / EDGEAI_SUBMIT_URING
 *
 * A job can be submitted again once it has finished.
 * Return: 0; -EBUSY when the job is still in flight or the queue is full;
 * -EINVAL for a job without commands; submit errors of the kernel.
 */
EDGEAI_PUBLIC int edgeai_job_submit(struct edgeai_job *job, unsigned int flags);

/**
 * edgeai_job_wait() - wait until a submitted job has finished
 * @job: the job
 * @timeout_ns: relative, 0 polls, EDGEAI_TIMEOUT_INFINITE
 *
 * Return: the job's status: 0 when it ran, -EIO, -ETIMEDOUT, -ECANCELED or
 * a submit error reported by the kernel; -ETIME when @timeout_ns passed
 * first (the job stays in flight); -EINVAL when the job was never submitted.
 */
EDGEAI_PUBLIC int edgeai_job_wait(struct edgeai_job *job, int64_t timeout_ns);

/**
 * edgeai_job_run() - submit with @flags, then wait
 * @job: the job
 * @flags: as for edgeai_job_submit()
 * @timeout_ns: as for edgeai_job_wait()
 *
 * Through io_uring, the io_uring_enter that waits also submits: one
 * system call.
 *
 * Return: what edgeai_job_submit() returns on failure, else what
 * edgeai_job_wait() returns.
 */
EDGEAI_PUBLIC int edgeai_job_run(struct edgeai_job *job, unsigned int flags, int64_t timeout_ns);

/* How a job was submitted, see edgeai_job_get_result(). */
enum edgeai_submit_path {
	EDGEAI_PATH_NONE = 0,
	EDGEAI_PATH_IOCTL = 1,
	EDGEAI_PATH_URING = 2,
};

/**
 * struct edgeai_job_result - outcome of the last run of a job
 * @status: 0 or the job's negative errno
 * @path: &enum edgeai_submit_path the job took
 * @device_time_ns: time the job spent executing on the device
 * @reserved: zero
 */
struct edgeai_job_result {
	int32_t status;
	uint32_t path;
	uint64_t device_time_ns;
	uint64_t reserved[4];
};

/**
 * edgeai_job_get_result() - outcome of the last run of a job
 * @job: a finished job
 * @ret_result: out, its status, path and device time
 *
 * Return: 0, or -EINVAL unless the job has finished.
 */
EDGEAI_PUBLIC int edgeai_job_get_result(const struct edgeai_job *job,
					struct edgeai_job_result *ret_result);

/**
 * edgeai_job_ref() - take a reference
 * @job: the job, or NULL
 *
 * Return: @job.
 */
EDGEAI_PUBLIC struct edgeai_job *edgeai_job_ref(struct edgeai_job *job);

/**
 * edgeai_job_unref() - drop a reference
 * @job: the job, or NULL
 *
 * Dropping the last reference of a job in flight is allowed: the device
 * forgets the job's completion (the kernel still finishes it).
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_job *edgeai_job_unref(struct edgeai_job *job);

/*
 * Models (since 0.2)
 *
 * A model is a TensorFlow Lite flatbuffer (.tflite), read by a
 * bounds-checked parser: model files are untrusted input. Every offset,
 * vtable, vector length, tensor and buffer index is checked; a malformed
 * file is rejected with -EBADMSG and a message naming what is wrong;
 * features the library does not handle give -EOPNOTSUPP. Only the first
 * subgraph is read; metadata and signatures are dropped.
 */
struct edgeai_model;

/* Tensor element types (values of the TFLite schema's TensorType). */
enum edgeai_tensor_type {
	EDGEAI_TYPE_FLOAT32 = 0,
	EDGEAI_TYPE_FLOAT16 = 1,
	EDGEAI_TYPE_INT32 = 2,
	EDGEAI_TYPE_UINT8 = 3,
	EDGEAI_TYPE_INT64 = 4,
	EDGEAI_TYPE_BOOL = 6,
	EDGEAI_TYPE_INT16 = 7,
	EDGEAI_TYPE_INT8 = 9,
};

#define EDGEAI_MAX_RANK 8

/**
 * struct edgeai_tensor_info - one tensor of a model
 * @name: tensor name ("" when the file has none), owned by the model
 * @type: &enum edgeai_tensor_type
 * @rank: number of dimensions (0 for a scalar)
 * @shape: dimensions, outermost first
 * @n_quant: number of quantization parameters (0 = not quantized,
 *	1 = per tensor, >1 = per channel along @quant_dim)
 * @quant_dim: quantized dimension for per-channel parameters
 * @scales: @n_quant scales, owned by the model
 * @zero_points: @n_quant zero points, owned by the model
 * @is_constant: 1 when the tensor has data in the file (weights)
 * @index: index of the tensor in the subgraph
 */
struct edgeai_tensor_info {
	const char *name;
	uint32_t type;
	uint32_t rank;
	int32_t shape[EDGEAI_MAX_RANK];
	uint32_t n_quant;
	int32_t quant_dim;
	const float *scales;
	const int64_t *zero_points;
	uint32_t is_constant;
	uint32_t index;
};

/**
 * struct edgeai_op_info - one operator of a model
 * @code: TFLite BuiltinOperator code (32 = CUSTOM)
 * @version: operator version
 * @name: builtin name ("CONV_2D") or the custom op's name
 * @n_inputs: number of inputs (absent optional inputs included)
 * @n_outputs: number of outputs
 */
struct edgeai_op_info {
	int32_t code;
	int32_t version;
	const char *name;
	uint32_t n_inputs;
	uint32_t n_outputs;
};

/**
 * edgeai_model_load() - parse a TFLite model from memory
 * @data: the file's bytes (copied; the caller may free them afterwards)
 * @size: number of bytes
 * @ret_model: the model, with one reference
 * @errbuf: when not NULL, receives a message saying what is wrong on failure
 * @errbuf_size: size of @errbuf
 *
 * Return: 0; -EBADMSG for a malformed file (truncated, bad offset or
 * vtable, out-of-range or cyclic reference, huge dimensions, unknown op,
 * data that does not match its tensor); -EOPNOTSUPP for a valid file using
 * something not handled (external buffers); -ENOMEM; -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_load(const void *data, size_t size, struct edgeai_model **ret_model,
				    char *errbuf, size_t errbuf_size);

/**
 * edgeai_model_load_file() - edgeai_model_load() on a file's contents
 * @path: the .tflite file
 * @ret_model: the model, with one reference
 * @errbuf: when not NULL, receives a message saying what is wrong on failure
 * @errbuf_size: size of @errbuf
 *
 * The file is mapped read-only and the model's constant data stays in the
 * map until the last reference goes (no copy of the weights, as TFLite's
 * FlatBufferModel::BuildFromFile); like any mapped file it must not be
 * truncated meanwhile. A file that cannot be mapped is read into memory.
 *
 * Return: what edgeai_model_load() returns; -errno of opening or reading
 * @path.
 */
EDGEAI_PUBLIC int edgeai_model_load_file(const char *path, struct edgeai_model **ret_model,
					 char *errbuf, size_t errbuf_size);

/**
 * edgeai_model_ref() - take a reference
 * @model: the model, or NULL
 *
 * Return: @model.
 */
EDGEAI_PUBLIC struct edgeai_model *edgeai_model_ref(struct edgeai_model *model);
/**
 * edgeai_model_unref() - drop a reference; the last one frees the model
 * @model: the model, or NULL
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_model *edgeai_model_unref(struct edgeai_model *model);

/**
 * edgeai_model_save() - serialize a model as a TFLite flatbuffer
 * @model: the model
 * @ret_data: malloc()ed bytes, freed by the caller with free()
 * @ret_size: their number
 *
 * The output is deterministic: the same model gives the same bytes.
 * Return: 0, -EOPNOTSUPP when an operator's options cannot be written,
 * -ENOMEM, -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_save(const struct edgeai_model *model, void **ret_data,
				    size_t *ret_size);

#define EDGEAI_COUNT_INPUTS 0
#define EDGEAI_COUNT_OUTPUTS 1
#define EDGEAI_COUNT_OPS 2
#define EDGEAI_COUNT_TENSORS 3
/**
 * edgeai_model_count() - number of inputs, outputs, operators or tensors
 * @model: the model
 * @what: EDGEAI_COUNT_INPUTS, _OUTPUTS, _OPS or _TENSORS
 *
 * Return: the count (>= 0), or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_count(const struct edgeai_model *model, unsigned int what);

/**
 * edgeai_model_get_input() - model input @index
 * @model: the model
 * @index: 0 to the number of inputs - 1
 * @ret_info: out, the tensor; its fields stay valid while the model lives
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_get_input(const struct edgeai_model *model, unsigned int index,
					 struct edgeai_tensor_info *ret_info);
/**
 * edgeai_model_get_output() - model output @index
 * @model: the model
 * @index: 0 to the number of outputs - 1
 * @ret_info: out, the tensor; its fields stay valid while the model lives
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_get_output(const struct edgeai_model *model, unsigned int index,
					  struct edgeai_tensor_info *ret_info);
/**
 * edgeai_model_get_tensor() - tensor @index of the subgraph
 * @model: the model
 * @index: 0 to the number of tensors - 1
 * @ret_info: out, the tensor; its fields stay valid while the model lives
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_get_tensor(const struct edgeai_model *model, unsigned int index,
					  struct edgeai_tensor_info *ret_info);
/**
 * edgeai_model_get_op() - operator @index, in execution order
 * @model: the model
 * @index: 0 to the number of operators - 1
 * @ret_info: out, the operator
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_get_op(const struct edgeai_model *model, unsigned int index,
				      struct edgeai_op_info *ret_info);

/**
 * edgeai_op_name() - name of a TFLite builtin operator code
 * @code: the builtin operator code
 *
 * Return: "CONV_2D", ...; "UNKNOWN" for codes without a name; never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_op_name(int32_t code);
/**
 * edgeai_program_op_name() - name of an opcode of the device program format
 * @opcode: an EDGEAI_OP_* of drm/edgeai_program.h (what a compiled
 *	program, a per-op profile or a devcoredump names an op by)
 *
 * Since 0.6.
 *
 * Return: "CONV_2D", ...; NULL for an opcode this library does not know.
 */
EDGEAI_PUBLIC const char *edgeai_program_op_name(uint32_t opcode);
/**
 * edgeai_tensor_type_name() - name of a TFLite tensor type
 * @type: the tensor type code
 *
 * Return: "float32", "int8", ...; never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_tensor_type_name(uint32_t type);

/*
 * Post-training quantization (since 0.2)
 *
 * edgeai_quantize() turns a float32 model (fp16 weights behind DEQUANTIZE
 * are folded to float32 first) into a full-integer model in the layout of
 * the TFLite converter: int8 asymmetric per-tensor activations,
 * per-channel symmetric int8 weights for CONV_2D (axis 0) and
 * DEPTHWISE_CONV_2D (axis 3), per-tensor symmetric int8 weights for
 * FULLY_CONNECTED, int32 biases with scale s_in * s_w and zero point 0,
 * the fixed output quantization of SOFTMAX/LOGISTIC (1/256, -128) and
 * TANH (1/128, 0), and one shared (scale, zero point) for the inputs and
 * outputs of ops that require it (pooling, reshape, pad, concatenation,
 * resize, slicing, transpose, depth/space, maximum/minimum).
 *
 * Activation ranges come from running the float reference kernels on the
 * calibration inputs: the caller's samples, or @n_samples seeded random
 * inputs uniform in [@rand_lo, @rand_hi]. The same model and options give
 * the same output bytes.
 */
enum edgeai_quant_io {
	EDGEAI_QUANT_IO_INT8 = 0,	/* model inputs/outputs are int8 */
	EDGEAI_QUANT_IO_UINT8 = 1,	/* uint8, with QUANTIZE ops at the edges */
	EDGEAI_QUANT_IO_FLOAT = 2,	/* float32, with QUANTIZE/DEQUANTIZE at the edges */
};

/**
 * struct edgeai_quant_options - how to quantize
 * @size: sizeof(struct edgeai_quant_options), for forward compatibility
 * @io: &enum edgeai_quant_io
 * @n_samples: number of random calibration inputs when @samples is NULL (0 = 8)
 * @seed: seed of the random inputs
 * @rand_lo: lower bound of random input values
 * @rand_hi: upper bound (rand_lo == rand_hi == 0 means [-1, 1])
 * @percentile: 0 for min/max; else keep this percentile of each activation
 *	(e.g. 99.99: the range covers the values between the 0.01th and 99.99th
 *	percentile), in (50, 100]
 * @samples: NULL, or @n_samples calibration inputs; each is the float32
 *	values of every model input, concatenated in input order
 * @progress: when not NULL, called after each calibration or evaluation
 *	sample with a stage name, samples done and the total
 * @userdata: passed to @progress
 * @reserved0: zero
 * @reserved1: zero
 */
struct edgeai_quant_options {
	uint32_t size;
	uint32_t io;
	uint32_t n_samples;
	uint32_t reserved0;
	uint64_t seed;
	float rand_lo;
	float rand_hi;
	float percentile;
	uint32_t reserved1;
	const float *const *samples;
	void (*progress)(void *userdata, const char *stage, unsigned int done, unsigned int total);
	void *userdata;
};

#define EDGEAI_QUANT_MAX_OUTPUTS 16

/**
 * struct edgeai_quant_output_stat - int8 vs float on one model output
 * @correlation: Pearson correlation of int8 (dequantized) and float values
 *	over every calibration sample
 * @max_abs_error: largest |int8 - float|
 * @float_min: smallest float value
 * @float_max: largest float value
 * @scale: output scale (one LSB)
 */
struct edgeai_quant_output_stat {
	double correlation;
	double max_abs_error;
	double float_min;
	double float_max;
	double scale;
};

/**
 * struct edgeai_quant_report - what edgeai_quantize() did
 * @n_ops_in: operators of the float model
 * @n_ops_out: operators of the int8 model
 * @n_ops_quantized: operators now running in int8
 * @n_folded: constants folded into float32 weights: DEQUANTIZE ops of fp16
 *	or int8 constants, and the int8 weights that a dynamic-range model's
 *	float operators read directly
 * @n_samples: calibration samples used
 * @n_outputs: entries of @outputs filled (at most EDGEAI_QUANT_MAX_OUTPUTS)
 * @float32_size: bytes of the float model with fp16 weights folded to
 *	float32, as edgeai_model_save() would write it (the float32 baseline of
 *	the compression ratio; the input file may be smaller when it holds fp16)
 * @outputs: per-output statistics of the int8 model, computed with the
 *	library's reference arithmetic (float kernels on dequantized values,
 *	every tensor rounded to its int8 grid) against the float model. A
 *	model that ends in TFLite_Detection_PostProcess keeps that op in
 *	float32 (as TFLite's converter does): its rows are the model's other
 *	outputs, in order, then the op's box encodings and class scores
 */
struct edgeai_quant_report {
	uint32_t n_ops_in;
	uint32_t n_ops_out;
	uint32_t n_ops_quantized;
	uint32_t n_folded;
	uint32_t n_samples;
	uint32_t n_outputs;
	uint64_t float32_size;
	struct edgeai_quant_output_stat outputs[EDGEAI_QUANT_MAX_OUTPUTS];
};

/**
 * edgeai_quantize() - full-integer post-training quantization
 * @model: a float model
 * @opts: options, NULL for the defaults
 * @ret_model: the int8 model (serialize it with edgeai_model_save())
 * @ret_report: when not NULL, what was done
 * @errbuf: when not NULL, a message on failure
 * @errbuf_size: its size
 *
 * Return: 0; -EOPNOTSUPP for an op or tensor type the quantizer does not
 * handle (named in @errbuf); -EINVAL for bad options or sample sizes;
 * -ENOMEM.
 */
EDGEAI_PUBLIC int edgeai_quantize(const struct edgeai_model *model,
				  const struct edgeai_quant_options *opts,
				  struct edgeai_model **ret_model,
				  struct edgeai_quant_report *ret_report, char *errbuf,
				  size_t errbuf_size);

/*
 * Compile and run (since 0.3)
 *
 * edgeai_model_compile() turns an int8/uint8 model (as written by the TFLite
 * converter or edgeai_quantize()) into a program in the edgeai program
 * format (uapi/drm/edgeai_program.h): every activation tensor planned into
 * one arena, weights and biases packed, per-channel multipliers, activation
 * tables and resize maps derived from the float scales exactly as
 * TensorFlow Lite 2.9.0 derives them, so the outputs equal TFLite's byte
 * for byte. Each operator gets a placement (device and reason), readable
 * with edgeai_program_get_placement(): nothing falls back silently.
 *
 * Policies: AUTO places each op on the accelerator when its driver accepts
 * it (the driver knows its firmware's op set: each op is offered alone with
 * PROGRAM_CREATE; of several devices, the one taking the most ops of the
 * model is used; with device_type 0, the ops its driver rejects go to a
 * device of the other type when that one's driver takes them) and runs the
 * rest on the CPU; DEVICE_ONLY fails (-ENODEV without a device,
 * -EOPNOTSUPP naming the first op no device can run) instead of falling
 * back; CPU_ONLY never touches a device. Device and CPU segments share one
 * arena buffer object (the second device imports it as a dma-buf), so
 * nothing is copied between them, and consecutive segments on the two
 * devices are queued together, ordered by the kernel's implicit fences on
 * the arena instead of a round trip through the CPU. A few ops TFLite computes in float (MEAN without keep_dims) always
 * run on the CPU, and their placement says so.
 *
 * Threads: a compiled program is immutable; edgeai_program_run() may be
 * called from several threads at once on the same program (each call uses
 * its own scratch arena when another call holds the cached one).
 */

/** enum edgeai_policy - where a model may run */
enum edgeai_policy {
	EDGEAI_POLICY_AUTO = 0,
	EDGEAI_POLICY_DEVICE_ONLY = 1,
	EDGEAI_POLICY_CPU_ONLY = 2,
};

/** enum edgeai_exec_device - where one operator runs */
enum edgeai_exec_device {
	EDGEAI_EXEC_CPU = 0,
	EDGEAI_EXEC_NPU = 1,
	EDGEAI_EXEC_DSP = 2,
};

/* CPU kernel choice (edgeai_compile_options.cpu_flags). */
/** @EDGEAI_CPU_REFERENCE: only the portable reference kernels (no AVX2) */
#define EDGEAI_CPU_REFERENCE (1U << 0)

/* edgeai_compile_options.flags (since 0.4). */
/** @EDGEAI_COMPILE_NO_CACHE: neither read nor write the on-disk compile cache */
#define EDGEAI_COMPILE_NO_CACHE (1U << 0)
/*
 * @EDGEAI_COMPILE_ONE_DEVICE: (since 0.5) consider only the device whose accel minor is
 * edgeai_compile_options.device_minor (/dev/accel/accelN), not every device
 * of device_type: picks one NPU among several
 */
#define EDGEAI_COMPILE_ONE_DEVICE (1U << 1)

/**
 * struct edgeai_compile_options - how to compile a model
 * @policy: &enum edgeai_policy
 * @device_type: 0 (any), EDGEAI_DEVICE_NPU or EDGEAI_DEVICE_DSP
 * @cpu_flags: EDGEAI_CPU_* bits
 * @flags: EDGEAI_COMPILE_* bits (since 0.4; was reserved, zero)
 * @cache_dir: the compile cache directory of this compile (since 0.5; was
 *	reserved, zero): NULL for the default (see "Compile cache" below),
 *	"" for none, else a directory, created when missing. It takes
 *	precedence over $EDGEAI_CACHE_DIR; EDGEAI_COMPILE_NO_CACHE over it.
 *	Read during the call only. A library older than 0.5 refuses a
 *	non-NULL @cache_dir with -EINVAL (it was reserved space there).
 * @cache_dir_storage: the eight bytes @cache_dir occupies on every ABI
 *	(the structure's layout is that of 0.4); not for use
 * @device_minor: with EDGEAI_COMPILE_ONE_DEVICE, the accel minor (N of
 *	/dev/accel/accelN) of the one device to use; else zero (since 0.5;
 *	was reserved)
 * @cpu_threads: threads of the CPU kernels (since 0.6; was reserved,
 *	zero): 0 or 1 for the calling thread alone, N for the calling
 *	thread and N - 1 workers the program owns (at most 256; the
 *	heavy ops split their output rows across them, with the same bytes
 *	as one thread). A program placed on a device uses them for its CPU
 *	parts. A library older than 0.6 refuses a non-zero @cpu_threads
 *	with -EINVAL (it was reserved space there).
 */
struct edgeai_compile_options {
	uint32_t policy;
	uint32_t device_type;
	uint32_t cpu_flags;
	uint32_t flags;
	union {
		const char *cache_dir;
		uint64_t cache_dir_storage;
	};
	uint32_t device_minor;
	uint32_t cpu_threads;
};

/**
 * struct edgeai_placement - where one operator of the model runs
 * @op_index: operator index in the model
 * @code: TFLite builtin operator code
 * @op_name: its name, static
 * @device: &enum edgeai_exec_device
 * @reason: why there, owned by the program
 */
struct edgeai_placement {
	uint32_t op_index;
	int32_t code;
	const char *op_name;
	uint32_t device;
	const char *reason;
};

struct edgeai_program;

/**
 * edgeai_model_compile() - compile a quantized model
 * @model: the model (a reference is not kept)
 * @opts: options, NULL for AUTO
 * @ret_prog: the compiled program, release with edgeai_program_unref()
 * @errbuf: when not NULL, receives what went wrong
 * @errbuf_size: size of @errbuf
 *
 * Return: 0; -EOPNOTSUPP for a float model or an operator (or a variant of
 * one) the compiler does not handle, naming it in @errbuf; -ENODEV for
 * DEVICE_ONLY without a device; -E2BIG, -ENOMEM, -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_model_compile(const struct edgeai_model *model,
				       const struct edgeai_compile_options *opts,
				       struct edgeai_program **ret_prog, char *errbuf,
				       size_t errbuf_size);
/**
 * edgeai_program_ref() - take a reference
 * @prog: the program, or NULL
 *
 * Return: @prog.
 */
EDGEAI_PUBLIC struct edgeai_program *edgeai_program_ref(struct edgeai_program *prog);
/**
 * edgeai_program_unref() - drop a reference; the last one frees the program
 * @prog: the program, or NULL
 *
 * Return: NULL.
 */
EDGEAI_PUBLIC struct edgeai_program *edgeai_program_unref(struct edgeai_program *prog);

/**
 * edgeai_program_run() - run the program synchronously
 * @prog: the program
 * @inputs: raw bytes of each input tensor, in model order
 * @input_sizes: their sizes, each equal to the tensor's byte size
 * @n_inputs: the model's input count
 * @outputs: where to write each output tensor, in model order
 * @output_sizes: their sizes, each equal to the tensor's byte size
 * @n_outputs: the model's output count
 *
 * Return: 0; -EINVAL for a wrong count or size; -EIO when an op failed
 * (a program the kernels reject); -ENOMEM.
 */
EDGEAI_PUBLIC int edgeai_program_run(struct edgeai_program *prog, const void *const *inputs,
				     const size_t *input_sizes, unsigned int n_inputs,
				     void *const *outputs, const size_t *output_sizes,
				     unsigned int n_outputs);

/**
 * edgeai_program_placement_count() - number of placements (model operators)
 * @prog: the program
 *
 * Return: the count (>= 0), or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_placement_count(const struct edgeai_program *prog);
/**
 * edgeai_program_get_placement() - placement of model operator @index
 * @prog: the program
 * @index: the model operator
 * @ret_place: out, the device it runs on and why
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_get_placement(const struct edgeai_program *prog,
					       unsigned int index,
					       struct edgeai_placement *ret_place);
/**
 * edgeai_program_get_blob() - the program in the uapi format
 * @prog: a program compiled for one device
 * @ret_data: the blob, owned by @prog (8-byte aligned)
 * @ret_size: its size
 * @ret_arena_size: bytes of the arena (slot 0) it runs on, may be NULL
 *
 * Return: 0; -EINVAL for a NULL @prog, @ret_data or @ret_size.
 */
EDGEAI_PUBLIC int edgeai_program_get_blob(const struct edgeai_program *prog, const void **ret_data,
					  size_t *ret_size, uint64_t *ret_arena_size);
/**
 * edgeai_exec_device_name() - name of an execution device
 * @device: an EDGEAI_EXEC_* value
 *
 * Return: "cpu", "npu", "dsp"; never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_exec_device_name(uint32_t device);
/*
 * Compile cache (since 0.4). edgeai_model_compile() keeps what it computes
 * on disk: the compiled program, keyed by a hash of the model and the
 * library version, and which ops each device's driver takes, keyed also
 * by the device type, firmware version, firmware ABI and driver version.
 * The first compile computes and stores them; later compiles load them
 * (no per-op PROGRAM_CREATE probing). Each entry carries a checksum: a
 * corrupt entry is removed, recomputed and stored again. Directory:
 * edgeai_compile_options.cache_dir when not NULL (since 0.5; "": no
 * cache), else $EDGEAI_CACHE_DIR (set but empty: no cache), else
 * $XDG_CACHE_HOME/edgeai/programs, else $HOME/.cache/edgeai/programs.
 * EDGEAI_COMPILE_NO_CACHE turns it off for one compile.
 */
/** @EDGEAI_CACHE_PROGRAM_HIT: the compiled program came from the cache */
#define EDGEAI_CACHE_PROGRAM_HIT (1U << 0)
/** @EDGEAI_CACHE_PLACEMENT_HIT: the device's op set for the model came from the cache */
#define EDGEAI_CACHE_PLACEMENT_HIT (1U << 1)
/** @EDGEAI_CACHE_STORED: something was computed and stored */
#define EDGEAI_CACHE_STORED (1U << 2)
/** @EDGEAI_CACHE_CORRUPT: a corrupt entry was found, removed and recomputed */
#define EDGEAI_CACHE_CORRUPT (1U << 3)
/**
 * edgeai_program_get_cache_state() - what the compile cache did for this program
 * @prog: the program
 *
 * Return: EDGEAI_CACHE_* bits of the compile, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_get_cache_state(const struct edgeai_program *prog);

/**
 * edgeai_program_get_cpu_threads() - threads the program's CPU kernels use
 * @prog: the program
 *
 * Since 0.6. The calling thread counts; fewer than
 * edgeai_compile_options.cpu_threads asked when the workers could not all
 * be started, 1 for the reference kernels (they run on one thread).
 *
 * Return: 1 or more, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_get_cpu_threads(const struct edgeai_program *prog);

/** @EDGEAI_BATCH_MAX: the largest batch edgeai_program_set_batch() takes */
#define EDGEAI_BATCH_MAX 16
/** @EDGEAI_BATCH_WAIT_MAX_US: the longest wait edgeai_program_set_batch() takes */
#define EDGEAI_BATCH_WAIT_MAX_US 100000

/**
 * edgeai_program_set_batch() - let the device run requests of @prog together
 * @prog: the program
 * @batch_max: most requests in one device job, 2..EDGEAI_BATCH_MAX; 0 or 1
 *	turns batching off (the default)
 * @batch_wait_us: how long a request that finds the device free may wait
 *	for others to join its batch, 0..EDGEAI_BATCH_WAIT_MAX_US
 *	microseconds: the most latency batching adds to a request
 *
 * Since 0.7. Dynamic batching: requests of @prog submitted while others of
 * it are queued for the same core (several threads each running one, or
 * a burst of edgeai_request_submit() calls) run as one device job that
 * executes the program once for each of them, on their own buffers, with
 * the same bytes as one at a time. A device job has a fixed cost and
 * reads the program's weights once, so a batch takes less device time
 * than its requests one by one; each request still has its own status,
 * callback and device time (an equal share of the batch's). A request
 * waits at most @batch_wait_us for a batch to fill, and not at all once
 * it holds @batch_max requests. Only requests of the same program on the
 * same device handle are batched together. Applies to requests submitted
 * after the call, from any thread. A device without EDGEAI_CAP_BATCH (a
 * kernel older than uAPI 1.6) runs the requests one by one, as do the
 * parts of a program on the CPU.
 *
 * Return: 0, or -EINVAL for a @batch_max or @batch_wait_us out of range.
 */
EDGEAI_PUBLIC int edgeai_program_set_batch(struct edgeai_program *prog, unsigned int batch_max,
					   unsigned int batch_wait_us);

/**
 * edgeai_program_get_batch() - the batching of @prog
 * @prog: the program
 * @ret_batch_max: out, its batch_max (0 when batching is off); may be NULL
 * @ret_batch_wait_us: out, its batch_wait_us; may be NULL
 *
 * Since 0.7.
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_get_batch(const struct edgeai_program *prog,
					   unsigned int *ret_batch_max,
					   unsigned int *ret_batch_wait_us);

/**
 * edgeai_cpu_kernels() - name of the CPU kernels in use
 * @prog: the program, or NULL for the library's choice
 *
 * Return: "vnni", "avx2", "dotprod", "neon" or "reference"; never NULL.
 */
EDGEAI_PUBLIC const char *edgeai_cpu_kernels(const struct edgeai_program *prog);

/*
 * Per-op profiling (since 0.5), like TFLite's benchmark_model
 * --enable_op_profiling: with profiling on, every edgeai_program_run() of
 * a program that runs on the CPU adds the wall time of each op to that
 * op's figures, with the CPU kernel set that ran it. Entries are the
 * program's ops in the order they run (a model operator may become
 * several program ops, or none: RESHAPE in place). Profiling costs two clock reads
 * per op. Programs placed on a device are not profiled (-EOPNOTSUPP).
 */

/**
 * struct edgeai_op_profile - where the time of one program op went
 * @index: the entry, 0 .. edgeai_program_profile_count() - 1
 * @op_name: the op's type ("CONV_2D", ...), static
 * @kernels: the CPU kernel set that ran it last: "vnni", "avx2",
 *	"dotprod", "neon" or "reference", "" when it has not run since
 *	profiling was turned on; static
 * @host: 0. Up to 0.6, 1 for an op that TFLite computes in float, run
 *	on the host outside the program (MEAN without keep_dims); since 0.7
 *	every op is a program op
 * @runs: how many times it ran since profiling was turned on
 * @total_ns: its wall time over those runs, in nanoseconds
 */
struct edgeai_op_profile {
	uint32_t index;
	const char *op_name;
	const char *kernels;
	uint32_t host;
	uint64_t runs;
	uint64_t total_ns;
};

/**
 * edgeai_program_set_profiling() - turn per-op profiling on or off
 * @prog: a program that runs on the CPU
 * @enable: nonzero: zero the figures and count from the next run on;
 *	0: stop counting (the figures stay readable)
 *
 * Return: 0; -EOPNOTSUPP for a program placed on a device; -ENOMEM; -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_set_profiling(struct edgeai_program *prog, int enable);
/**
 * edgeai_program_profile_count() - number of profile entries
 * @prog: the program
 *
 * Return: the number of entries (one per program op); -EOPNOTSUPP for a
 * program placed on a device; -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_program_profile_count(const struct edgeai_program *prog);
/**
 * edgeai_program_get_profile() - the figures of profile entry @index
 * @prog: the program
 * @index: 0 .. edgeai_program_profile_count() - 1
 * @ret_prof: filled in (all zero counts before profiling was turned on)
 *
 * Return: 0; -EINVAL for a bad @index; -EOPNOTSUPP on a device.
 */
EDGEAI_PUBLIC int edgeai_program_get_profile(const struct edgeai_program *prog,
					     unsigned int index,
					     struct edgeai_op_profile *ret_prof);

/*
 * Requests: asynchronous runs (since 0.4)
 *
 * A request is one run of a program with its own arena, so several
 * requests of one program can be in flight at once. Inputs are either
 * copied in (edgeai_request_set_input()) or bound zero-copy: a buffer of
 * the program's device (edgeai_program_get_device()), e.g. a dma-buf from
 * a camera or udmabuf imported with edgeai_buffer_import_dmabuf(), is
 * read and written by the device in place; outputs likewise. The
 * program's tensor records are pointed at the bound buffers, so nothing
 * is copied (edgeai_request_get_stats() counts the tensor bytes the
 * library copied: 0 when every input and output is bound).
 *
 * edgeai_request_submit() returns at once: device segments are queued
 * through io_uring (IORING_OP_URING_CMD) when the kernel has it, by ioctl
 * otherwise. Completions are collected by edgeai_request_wait() or by
 * edgeai_program_process(), which the caller runs when
 * edgeai_program_get_event_fd() polls readable; they run the CPU
 * segments between device segments, submit the next one and finally
 * call the request's callback.
 *
 * Placement at run time: with the AUTO policy a device segment runs on
 * the CPU instead when edgeaid advises against the accelerator (the word
 * in /run/edgeaid/advice, or the file named by $EDGEAI_ADVICE_FILE, is
 * not "none"; the library reads it at most every 100 ms), when the request's deadline has passed, or when the device
 * refuses the job at once (-EBUSY: queue full or thermal trip; -EDQUOT);
 * when the device fails a job (reset, timeout, -EIO) the whole request
 * reruns on the CPU from its inputs. edgeai_request_get_placement() says
 * where each op ran in the last run and why. DEVICE_ONLY returns the
 * error instead. Each request that fell back (or, compiled when no device
 * could be used, always runs on the CPU) is reported to edgeaid by a
 * datagram on the socket "report" beside the advice file, so its metrics
 * count the application's fallbacks; the report never blocks or fails
 * the request.
 *
 * Threads: a request is used by one thread at a time. Completions of all
 * requests of a program are processed by whoever calls
 * edgeai_request_wait() or edgeai_program_process(): call them from one
 * thread at a time (e.g. the event loop). Callbacks run in that thread,
 * without library locks held; they may submit again or drop the request.
 * A callback can also run inside edgeai_request_submit() when the request
 * finishes without waiting (a CPU program, or a CPU fallback).
 */
struct edgeai_request;

/** edgeai_request_callback_t - called once per submit when the request finished */
typedef void (*edgeai_request_callback_t)(struct edgeai_request *req, int status, void *userdata);

/**
 * struct edgeai_request_stats - what the last run did
 * @bytes_copied: tensor bytes the library copied (set_input, get_output,
 *	a rerun on the CPU); 0 when every input and output is bound
 * @device_time_ns: time the device spent on the request's jobs
 * @device_jobs: device jobs submitted
 * @cpu_segments: program segments run on the CPU
 * @fallbacks: device segments that ran on the CPU instead
 * @path: &enum edgeai_submit_path of the last device job
 * @chained: device jobs submitted right behind another device job, without
 *	waiting (ordered by the kernel's implicit fences on the arena)
 * @n_devices: devices the program's segments run on (0, 1 or 2)
 * @reserved: zero
 */
struct edgeai_request_stats {
	uint64_t bytes_copied;
	uint64_t device_time_ns;
	uint32_t device_jobs;
	uint32_t cpu_segments;
	uint32_t fallbacks;
	uint32_t path;
	uint32_t chained;
	uint32_t n_devices;
	uint64_t reserved[3];
};

/**
 * edgeai_request_new() - a request for @prog
 * @prog: the compiled program
 * @ret_req: out, the request, release with edgeai_request_unref()
 *
 * Return: 0; -ENOMEM; errors of creating the arena buffer on the device.
 */
EDGEAI_PUBLIC int edgeai_request_new(struct edgeai_program *prog, struct edgeai_request **ret_req);
/**
 * edgeai_request_ref() - take a reference
 * @req: the request, or NULL
 *
 * Return: @req.
 */
EDGEAI_PUBLIC struct edgeai_request *edgeai_request_ref(struct edgeai_request *req);
/**
 * edgeai_request_unref() - drop a reference
 * @req: the request, or NULL
 *
 * Return: NULL. A request in flight may be dropped; its completion is then
 * ignored.
 */
EDGEAI_PUBLIC struct edgeai_request *edgeai_request_unref(struct edgeai_request *req);

/**
 * edgeai_request_set_input() - copy input @index (raw bytes, model order)
 * @req: the request
 * @index: the model input
 * @data: its bytes, copied before the call returns
 * @size: their number, exactly the tensor's size
 *
 * An 8-bit model with float32 inputs (a QUANTIZE after the input, as
 * TFLite's converter makes them, or `edgeaictl quantize --io=float`)
 * takes float32 values here: the library quantizes them as that op does,
 * and the program is the 8-bit graph after it (a device can run all of
 * it). Float32 outputs written by a DEQUANTIZE come back as float32 from
 * edgeai_request_get_output() the same way. Such inputs and outputs are
 * copied: the bind functions refuse them with -EOPNOTSUPP. Since 0.7.
 *
 * Return: 0; -EINVAL for a wrong index or size; -EBUSY while running.
 */
EDGEAI_PUBLIC int edgeai_request_set_input(struct edgeai_request *req, unsigned int index,
					   const void *data, size_t size);
/**
 * edgeai_request_bind_input() - read input @index from @buf at @offset, zero copy
 * @req: the request
 * @index: the model input
 * @buf: a buffer of the program's device holding the input
 * @offset: where the tensor starts in @buf
 *
 * @buf must belong to the program's device (-EXDEV otherwise) and hold
 * the tensor at @offset (aligned to the element size). The request keeps
 * a reference. The data is read when the request runs: write it before
 * edgeai_request_submit() (bracketed with edgeai_buffer_cpu_prep/fini, or
 * through the dma-buf's own mapping).
 * Return: 0; -EINVAL; -EXDEV; -EOPNOTSUPP for a float32 input the library
 * converts (edgeai_request_set_input()); -EBUSY while running.
 */
EDGEAI_PUBLIC int edgeai_request_bind_input(struct edgeai_request *req, unsigned int index,
					    struct edgeai_buffer *buf, uint64_t offset);
/**
 * edgeai_request_bind_output() - write output @index into @buf at @offset, zero copy
 * @req: the request
 * @index: the model output
 * @buf: a buffer of the program's device
 * @offset: where the tensor goes in @buf
 *
 * Return: 0; -EINVAL; -EXDEV; -EBUSY while running, as
 * edgeai_request_bind_input().
 */
EDGEAI_PUBLIC int edgeai_request_bind_output(struct edgeai_request *req, unsigned int index,
					     struct edgeai_buffer *buf, uint64_t offset);
/**
 * edgeai_request_bind_input_ptr() - read input @index from host memory, zero copy
 * @req: the request
 * @index: the input, in model order
 * @data: the tensor's raw bytes, aligned to its element size
 * @size: their size, equal to the tensor's byte size
 *
 * For a program that runs on the CPU only (edgeai_program_get_device()
 * returns -ENODEV): the CPU kernels read @data in place, e.g. a tensor in
 * an interpreter's own arena, so nothing is copied. The memory must stay
 * valid until the request is bound to something else or dropped, and
 * hold the input whenever edgeai_request_submit() runs it. A device reads
 * only buffers of its own (edgeai_request_bind_input()), so a program
 * with device segments refuses with -EXDEV: copy the bytes in with
 * edgeai_request_set_input() instead. Since 0.5.
 *
 * Return: 0; -EINVAL for a wrong index, size or alignment; -EXDEV for a
 * program with device segments; -EBUSY while running.
 */
EDGEAI_PUBLIC int edgeai_request_bind_input_ptr(struct edgeai_request *req, unsigned int index,
						const void *data, size_t size);
/**
 * edgeai_request_bind_output_ptr() - write output @index into host memory, zero copy
 * @req: the request
 * @index: the output, in model order
 * @data: where the tensor's raw bytes go, aligned to its element size
 * @size: their size, equal to the tensor's byte size
 *
 * The output's counterpart of edgeai_request_bind_input_ptr(), with the
 * same rules: the CPU kernels write the output into @data while the
 * request runs. Since 0.5.
 *
 * Return: 0; -EINVAL; -EXDEV for a program with device segments; -EBUSY.
 */
EDGEAI_PUBLIC int edgeai_request_bind_output_ptr(struct edgeai_request *req, unsigned int index,
						 void *data, size_t size);
/**
 * edgeai_request_set_deadline() - run on the CPU what the device cannot start in time
 * @req: the request
 * @deadline_ns: relative to each submit; 0 (default) for none
 *
 * Return: 0; -EINVAL for a NULL @req or a negative @deadline_ns.
 */
EDGEAI_PUBLIC int edgeai_request_set_deadline(struct edgeai_request *req, int64_t deadline_ns);
/**
 * edgeai_request_set_callback() - call @cb when a run finishes
 * @req: the request
 * @cb: called once per submit with the run's status; NULL for none
 * @userdata: passed to @cb
 *
 * Return: 0, or -EINVAL for a NULL @req.
 */
EDGEAI_PUBLIC int edgeai_request_set_callback(struct edgeai_request *req,
					      edgeai_request_callback_t cb, void *userdata);
/**
 * edgeai_request_submit() - start a run without waiting
 * @req: the request, with every input set or bound
 *
 * Return: 0 (the request runs; its status comes from edgeai_request_wait()
 * or the callback); -EBUSY while still running; -EINVAL when an input was
 * neither set nor bound; errors of preparing the device programs.
 */
EDGEAI_PUBLIC int edgeai_request_submit(struct edgeai_request *req);
/**
 * edgeai_request_wait() - wait until the request finished
 * @req: the request
 * @timeout_ns: relative, 0 polls, EDGEAI_TIMEOUT_INFINITE
 *
 * Return: the run's status (0, or -errno such as -EBUSY, -EIO,
 * -ETIMEDOUT from the device under DEVICE_ONLY); -ETIME when @timeout_ns
 * passed first; -EINVAL when never submitted.
 */
EDGEAI_PUBLIC int edgeai_request_wait(struct edgeai_request *req, int64_t timeout_ns);
/**
 * edgeai_request_run() - submit, then wait until the request finished
 * @req: the request, with every input set or bound
 * @timeout_ns: as for edgeai_request_wait()
 *
 * What edgeai_request_submit() and edgeai_request_wait() do, in fewer
 * system calls: through io_uring, the request's jobs on one device are
 * submitted by the same io_uring_enter that waits for them, one system
 * call per run where submit and wait take two. Use it when the calling
 * thread would wait right after submitting; a thread that hands the
 * completions to an event loop (edgeai_program_get_event_fd()) submits
 * with edgeai_request_submit(). Since 0.7.
 *
 * Return: what edgeai_request_submit() returns on failure, else what
 * edgeai_request_wait() returns.
 */
EDGEAI_PUBLIC int edgeai_request_run(struct edgeai_request *req, int64_t timeout_ns);
/**
 * edgeai_request_get_status() - status of the last run
 * @req: the request
 *
 * Return: -EINPROGRESS while running, else what edgeai_request_wait()
 * returns.
 */
EDGEAI_PUBLIC int edgeai_request_get_status(const struct edgeai_request *req);
/**
 * edgeai_request_get_output() - copy output @index of a successful run
 * @req: the request
 * @index: the model output
 * @data: receives the bytes
 * @size: exactly the tensor's size
 *
 * Return: 0; -EINVAL for a wrong index or size, or unless the last run
 * succeeded.
 */
EDGEAI_PUBLIC int edgeai_request_get_output(struct edgeai_request *req, unsigned int index,
					    void *data, size_t size);
/**
 * edgeai_request_get_placement() - where model op @index ran in the last run, and why
 * @req: the request
 * @index: the model operator
 * @ret_place: out, the device and the reason
 *
 * Return: 0, or -EINVAL.
 */
EDGEAI_PUBLIC int edgeai_request_get_placement(const struct edgeai_request *req,
					       unsigned int index,
					       struct edgeai_placement *ret_place);
/**
 * edgeai_request_get_stats() - what the last run did
 * @req: the request
 * @ret_stats: out, the figures
 *
 * Return: 0, or -EINVAL for a NULL argument.
 */
EDGEAI_PUBLIC int edgeai_request_get_stats(const struct edgeai_request *req,
					   struct edgeai_request_stats *ret_stats);
/**
 * edgeai_program_get_device() - the device the program's device segments run on
 * @prog: the program
 * @ret_dev: out, the device
 *
 * Return: 0 with a new reference; -ENODEV for a program that runs on the CPU only.
 */
EDGEAI_PUBLIC int edgeai_program_get_device(const struct edgeai_program *prog,
					    struct edgeai_device **ret_dev);
/**
 * edgeai_program_get_event_fd() - fd for the caller's event loop
 * @prog: the program
 *
 * The fd polls readable (POLLIN) when device jobs of the program's requests
 * finished: call edgeai_program_process() then. It belongs to @prog.
 *
 * Return: the fd (>= 0); -EOPNOTSUPP for CPU programs or without io_uring.
 */
EDGEAI_PUBLIC int edgeai_program_get_event_fd(struct edgeai_program *prog);
/**
 * edgeai_program_process() - handle finished device jobs of the program's
 * requests, without waiting
 * @prog: the program
 *
 * Return: number of device jobs that finished (>= 0), or -errno.
 */
EDGEAI_PUBLIC int edgeai_program_process(struct edgeai_program *prog);

/* Cleanup helpers: `__attribute__((cleanup(edgeai_device_unrefp))) struct edgeai_device *d = NULL;` */
#define EDGEAI_DEFINE_POINTER_CLEANUP(type, func)                              \
	static inline void func##p(struct type **p)                            \
	{                                                                      \
		if (*p)                                                        \
			*p = func(*p);                                         \
	}

EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_device, edgeai_device_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_device_list, edgeai_device_list_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_buffer, edgeai_buffer_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_job, edgeai_job_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_model, edgeai_model_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_program, edgeai_program_unref)
EDGEAI_DEFINE_POINTER_CLEANUP(edgeai_request, edgeai_request_unref)

#if defined(__cplusplus)
}
#endif

#endif /* EDGEAI_EDGEAI_H */
