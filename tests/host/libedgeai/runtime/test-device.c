// SPDX-License-Identifier: MIT
/*
 * libedgeai against the real driver: discovery, info, buffers, dma-buf
 * export/import (deduplication, across devices, udmabuf), jobs by ioctl and
 * by io_uring, asynchronous completion through the event fd, submit errors
 * on both paths, threads sharing a device. Needs edgeai devices: exits 77 (skip) on the host, runs in
 * the VM lane. EDGEAI_TEST_DEVICE=/dev/accel/accelN limits it to one device.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include <edgeai/edgeai.h>

#include "ktap.h"
#include "runtime/runtime.h"

#define TIMEOUT_NS (INT64_C(10) * 1000000000)
#define SZ (3 * 4096)

static int fill_cpu(struct edgeai_buffer *b, uint8_t seed)
{
	uint64_t size;
	uint8_t *p;
	void *v;
	int r;

	r = edgeai_buffer_get_size(b, &size);
	r = r ?: edgeai_buffer_map(b, &v);
	r = r ?: edgeai_buffer_cpu_prep(b, EDGEAI_ACCESS_WRITE, TIMEOUT_NS);
	if (r)
		return r;
	p = v;
	for (uint64_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 13 + seed);
	return edgeai_buffer_cpu_fini(b);
}

/* 1 when bytes [off, off+len) of @b equal @val, or (val < 0) the fill_cpu(seed) pattern shifted. */
static int check_bytes(struct edgeai_buffer *b, uint64_t off, uint64_t len, int val, uint64_t src_off,
		       uint8_t seed)
{
	uint8_t *p;
	void *v;
	int good = 1;

	if (edgeai_buffer_map(b, &v) || edgeai_buffer_cpu_prep(b, EDGEAI_ACCESS_READ, TIMEOUT_NS))
		return 0;
	p = v;
	for (uint64_t i = 0; i < len && good; i++) {
		uint8_t want = val >= 0 ? (uint8_t)val : (uint8_t)((src_off + i) * 13 + seed);

		if (p[off + i] != want) {
			ktap_diag("byte %llu is 0x%02x, want 0x%02x", (unsigned long long)(off + i),
				  p[off + i], want);
			good = 0;
		}
	}
	(void)edgeai_buffer_cpu_fini(b);
	return good;
}

static void test_job_path(struct edgeai_device *dev, unsigned int flags, uint32_t want_path,
			  const char *name)
{
	struct edgeai_buffer *src = NULL, *dst = NULL;
	struct edgeai_job *job = NULL;
	struct edgeai_job_result res = {};
	int r;

	r = edgeai_buffer_new(dev, SZ, 0, &src);
	r = r ?: edgeai_buffer_new(dev, SZ, 0, &dst);
	r = r ?: fill_cpu(src, 5);
	r = r ?: edgeai_job_new(dev, &job);
	r = r ?: edgeai_job_add_fill(job, dst, 0, SZ, 0xc3);
	r = r ?: edgeai_job_add_copy(job, dst, 4096 + 1, src, 100, 5000);
	if (!ktap_ok(r == 0, "%s: build FILL+COPY job", name)) {
		ktap_diag("%s", edgeai_strerror(r));
		goto out;
	}
	r = edgeai_job_run(job, flags, TIMEOUT_NS);
	if (!ktap_ok(r == 0, "%s: job completes with status 0", name))
		ktap_diag("%d %s", r, edgeai_strerror(r));
	r = edgeai_job_get_result(job, &res);
	ktap_ok(r == 0 && res.path == want_path, "%s: result says path %u", name, want_path);
	ktap_ok(res.device_time_ns > 0, "%s: device time %llu ns", name,
		(unsigned long long)res.device_time_ns);
	ktap_ok(check_bytes(dst, 0, 4097, 0xc3, 0, 0) && check_bytes(dst, 4097, 5000, -1, 100, 5) &&
			check_bytes(dst, 9097, SZ - 9097, 0xc3, 0, 0),
		"%s: destination bytes are right", name);
	/* The same job object runs again. */
	r = edgeai_job_run(job, flags, TIMEOUT_NS);
	ktap_ok(r == 0, "%s: job runs a second time", name);
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(src);
	edgeai_buffer_unref(dst);
}

static int n_callbacks;

static void count_cb(struct edgeai_job *job, int status, void *userdata)
{
	(void)job;
	if (status == 0 && userdata == &n_callbacks)
		n_callbacks++;
}

static void test_async(struct edgeai_device *dev)
{
	enum { N = 16 };
	struct edgeai_job *jobs[N] = {};
	struct edgeai_buffer *dst = NULL;
	struct pollfd pfd;
	int r, efd, all = 1;

	r = edgeai_buffer_new(dev, N * 256, 0, &dst);
	if (!ktap_ok(r == 0, "async: buffer"))
		return;
	efd = edgeai_device_get_event_fd(dev);
	ktap_ok(efd >= 0, "async: event fd %d", efd);
	n_callbacks = 0;
	for (int i = 0; i < N; i++) {
		r = edgeai_job_new(dev, &jobs[i]);
		r = r ?: edgeai_job_add_fill(jobs[i], dst, (uint64_t)i * 256, 256, (uint8_t)(i + 1));
		r = r ?: edgeai_job_set_callback(jobs[i], count_cb, &n_callbacks);
		r = r ?: edgeai_job_submit(jobs[i], EDGEAI_SUBMIT_URING);
		if (r) {
			ktap_diag("job %d: %s", i, edgeai_strerror(r));
			all = 0;
		}
	}
	ktap_ok(all, "async: %d jobs submitted through io_uring", N);
	/* Not reaped yet, so still in flight for the library whatever the device did. */
	KTAP_EXPECT_EQ(edgeai_job_submit(jobs[0], EDGEAI_SUBMIT_URING), -EBUSY,
		       "async: resubmitting an unreaped job is -EBUSY");
	for (int spins = 0; n_callbacks < N && spins < 1000; spins++) {
		pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
		if (poll(&pfd, 1, 10000) < 0)
			break;
		r = edgeai_device_process(dev);
		if (r < 0) {
			ktap_diag("process: %s", edgeai_strerror(r));
			break;
		}
	}
	KTAP_EXPECT_EQ(n_callbacks, N, "async: every callback ran through poll + process");
	all = 1;
	for (int i = 0; i < N; i++)
		all &= check_bytes(dst, (uint64_t)i * 256, 256, i + 1, 0, 0);
	ktap_ok(all, "async: every job wrote its region");
	for (int i = 0; i < N; i++)
		edgeai_job_unref(jobs[i]);

	/* Dropping a job in flight: its completion is ignored, the ring keeps working. */
	{
		struct edgeai_job *a = NULL, *b = NULL;

		r = edgeai_job_new(dev, &a);
		r = r ?: edgeai_job_add_fill(a, dst, 0, N * 256, 0x11);
		r = r ?: edgeai_job_submit(a, EDGEAI_SUBMIT_URING);
		a = edgeai_job_unref(a);
		r = r ?: edgeai_job_new(dev, &b);
		r = r ?: edgeai_job_add_fill(b, dst, 0, 16, 0x22);
		r = r ?: edgeai_job_run(b, EDGEAI_SUBMIT_URING, TIMEOUT_NS);
		ktap_ok(r == 0, "async: a job dropped in flight does not disturb the next");
		edgeai_job_unref(b);
	}
	edgeai_buffer_unref(dst);
}

/*
 * Threads sharing one device: one of them sleeps on the ring and reaps it,
 * the others wait for their own jobs, each completion is handed to the
 * thread that waits for it. Waits with short timeouts and jobs by ioctl
 * are mixed in, and one thread's jobs are long, so jobs complete while the
 * reaper's own is still running. Every run must end with status 0 and its
 * bytes, and every callback must run exactly once.
 */
enum { THR_N = 6, THR_ROUNDS = 24 };

struct thr {
	struct edgeai_device *dev;
	int index;
	atomic_int callbacks;
	int failed_round; /* -1: none */
	int status;
	char what[64];
};

static void thr_cb(struct edgeai_job *job, int status, void *userdata)
{
	struct thr *t = userdata;

	(void)job;
	(void)status;
	atomic_fetch_add(&t->callbacks, 1);
}

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	/* Thread 0's jobs fill 4 MiB: long next to the others' 4 KiB. */
	uint64_t size = t->index == 0 ? 4U << 20 : 4096;
	struct edgeai_buffer *b = NULL;
	struct edgeai_job *job = NULL;
	int r;

	t->failed_round = -1;
	r = edgeai_buffer_new(t->dev, size, 0, &b);
	for (int i = 0; i < THR_ROUNDS; i++) {
		uint8_t val = (uint8_t)(t->index * 40 + i + 1);

		/* A new job per run: its callback may still be due in another thread. */
		job = edgeai_job_unref(job);
		r = r ?: edgeai_job_new(t->dev, &job);
		r = r ?: edgeai_job_set_callback(job, thr_cb, t);
		r = r ?: edgeai_job_add_fill(job, b, 0, size, val);
		if (!r && t->index % 3 == 1) {
			/* Short waits: leave the waiters' list and join it again. */
			r = edgeai_job_submit(job, 0);
			for (int spins = 0; !r || r == -ETIME; spins++) {
				r = edgeai_job_wait(job, 200 * 1000);
				if (r != -ETIME || spins > 50000)
					break;
			}
		} else if (!r) {
			r = edgeai_job_run(job, t->index % 3 == 2 ? EDGEAI_SUBMIT_IOCTL : 0, TIMEOUT_NS);
		}
		if (r || !check_bytes(b, 0, size, val, 0, 0)) {
			t->failed_round = i;
			t->status = r;
			snprintf(t->what, sizeof(t->what), r ? "run" : "bytes");
			break;
		}
	}
	edgeai_job_unref(job);
	edgeai_buffer_unref(b);
	return NULL;
}

static void test_threads(struct edgeai_device *dev)
{
	static struct thr thr[THR_N];
	pthread_t tid[THR_N];
	int started = 0, all = 1, once = 1;

	for (int i = 0; i < THR_N; i++) {
		thr[i] = (struct thr){ .dev = dev, .index = i };
		if (pthread_create(&tid[i], NULL, thr_main, &thr[i]))
			break;
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < started; i++) {
		if (thr[i].failed_round >= 0) {
			ktap_diag("thread %d: round %d: %s: %s", i, thr[i].failed_round, thr[i].what,
				  edgeai_strerror(thr[i].status));
			all = 0;
		} else if (atomic_load(&thr[i].callbacks) != THR_ROUNDS) {
			ktap_diag("thread %d: %d callbacks for %d runs", i,
				  atomic_load(&thr[i].callbacks), THR_ROUNDS);
			once = 0;
		}
	}
	ktap_ok(started == THR_N && all, "threads: %d threads x %d runs on one device, each with status 0 and its bytes",
		THR_N, THR_ROUNDS);
	ktap_ok(started == THR_N && all && once, "threads: every job's callback ran exactly once per run");
}

static void test_submit_errors(struct edgeai_device *dev)
{
	struct edgeai_buffer *b = NULL;
	struct edgeai_job *job = NULL;
	int r;

	r = edgeai_buffer_new(dev, 4096, 0, &b);
	r = r ?: edgeai_job_new(dev, &job);
	r = r ?: edgeai_job_add_fill(job, b, 0, 4096, 1);
	r = r ?: edgeai_job_set_core(job, 1000);
	if (!ktap_ok(r == 0, "errors: job on core 1000"))
		goto out;
	r = edgeai_job_submit(job, EDGEAI_SUBMIT_IOCTL);
	KTAP_EXPECT_EQ(r, -EINVAL, "errors: ioctl submit to a missing core is -EINVAL");
	r = edgeai_job_run(job, EDGEAI_SUBMIT_URING, TIMEOUT_NS);
	KTAP_EXPECT_EQ(r, -EINVAL, "errors: io_uring submit to a missing core completes with -EINVAL");
	r = edgeai_job_set_core(job, EDGEAI_CORE_ANY);
	r = r ?: edgeai_job_run(job, EDGEAI_SUBMIT_URING, TIMEOUT_NS);
	ktap_ok(r == 0, "errors: the device works afterwards");
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(b);
}

/* EDGEAI_OPEN_NO_URING: the ioctl path the library falls back to without .uring_cmd. */
static void test_no_uring(const char *node)
{
	struct edgeai_device *dev = NULL;
	struct edgeai_buffer *b = NULL;
	struct edgeai_job *job = NULL;
	struct edgeai_job_result res = {};
	int r, spins;

	r = edgeai_device_open(node, EDGEAI_OPEN_NO_URING, &dev);
	if (!ktap_ok(r == 0, "no-uring: open with EDGEAI_OPEN_NO_URING"))
		return;
	KTAP_EXPECT_EQ(edgeai_device_get_event_fd(dev), -EOPNOTSUPP, "no-uring: no event fd");
	r = edgeai_buffer_new(dev, 4096, 0, &b);
	r = r ?: edgeai_job_new(dev, &job);
	r = r ?: edgeai_job_add_fill(job, b, 0, 4096, 0x99);
	if (!ktap_ok(r == 0, "no-uring: job"))
		goto out;
	KTAP_EXPECT_EQ(edgeai_job_submit(job, EDGEAI_SUBMIT_URING), -EOPNOTSUPP,
		       "no-uring: EDGEAI_SUBMIT_URING is -EOPNOTSUPP");
	r = edgeai_job_set_callback(job, count_cb, &n_callbacks);
	n_callbacks = 0;
	r = r ?: edgeai_job_submit(job, 0);
	ktap_ok(r == 0, "no-uring: default submit falls back to the ioctl");
	/* edgeai_device_process() polls ioctl-submitted jobs with DRM_IOCTL_EDGEAI_WAIT. */
	for (spins = 0; r == 0 && n_callbacks == 0 && spins < 10000; spins++) {
		r = edgeai_device_process(dev);
		r = r > 0 ? 0 : r;
		if (n_callbacks == 0)
			usleep(1000);
	}
	KTAP_EXPECT_EQ(n_callbacks, 1, "no-uring: device_process reaps the ioctl job and runs its callback");
	r = edgeai_job_get_result(job, &res);
	ktap_ok(r == 0 && res.status == 0 && res.path == EDGEAI_PATH_IOCTL && check_bytes(b, 0, 4096, 0x99, 0, 0),
		"no-uring: job ran by ioctl and wrote its bytes");
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(b);
	edgeai_device_unref(dev);
}

static void test_dmabuf(struct edgeai_device *dev, struct edgeai_device *other)
{
	struct edgeai_buffer *b = NULL, *i1 = NULL, *i2 = NULL, *x = NULL;
	struct edgeai_job *job = NULL;
	int fd = -1, r;

	r = edgeai_buffer_new(dev, SZ, 0, &b);
	r = r ?: edgeai_buffer_export_dmabuf(b, &fd);
	if (!ktap_ok(r == 0 && fd >= 0, "dma-buf: export"))
		goto out;
	ktap_ok((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "dma-buf: exported fd is close-on-exec");
	r = edgeai_buffer_import_dmabuf(dev, fd, &i1);
	ktap_ok(r == 0 && i1 == b, "dma-buf: re-import on the same device returns the same object");
	r = edgeai_buffer_import_dmabuf(dev, fd, &i2);
	ktap_ok(r == 0 && i2 == b, "dma-buf: a second re-import too");
	i1 = edgeai_buffer_unref(i1);
	i2 = edgeai_buffer_unref(i2);
	ktap_ok(fill_cpu(b, 9) == 0 && check_bytes(b, 0, SZ, -1, 0, 9),
		"dma-buf: the original survives the imports' unrefs");

	if (other) {
		r = edgeai_buffer_import_dmabuf(other, fd, &x);
		ktap_ok(r == 0 && x && x != b, "dma-buf: import into the other device");
		r = r ?: edgeai_job_new(other, &job);
		r = r ?: edgeai_job_add_fill(job, x, 10, 100, 0x77);
		r = r ?: edgeai_job_run(job, 0, TIMEOUT_NS);
		ktap_ok(r == 0 && check_bytes(b, 10, 100, 0x77, 0, 0) && check_bytes(b, 0, 10, -1, 0, 9),
			"dma-buf: a job on the other device writes the shared memory");
	} else {
		ktap_skip("dma-buf: cross-device import (one device)");
		ktap_skip("dma-buf: cross-device job (one device)");
	}
out:
	if (fd >= 0)
		close(fd);
	edgeai_job_unref(job);
	edgeai_buffer_unref(x);
	edgeai_buffer_unref(b);
}

static void chain_cb(struct edgeai_job *job, int status, void *userdata)
{
	(void)job;
	if (!status)
		atomic_fetch_add((atomic_int *)userdata, 1);
}

/*
 * A request over two devices (libedgeai's exec/request.c): a short job on
 * @dev, then a long one on @other, both on @dev's ring, chained. The
 * wait for the first submits both and returns with both done, their
 * callbacks run: one io_uring_enter for the two.
 */
static void test_chain(struct edgeai_device *dev, struct edgeai_device *other)
{
	struct edgeai_buffer *a = NULL, *b = NULL;
	struct edgeai_job *ja = NULL, *jb = NULL;
	struct edgeai_job_result res;
	atomic_int cbs = 0;
	int r;

	if (!other) {
		ktap_skip("chain: two devices on one ring (one device)");
		return;
	}
	r = edgeai_buffer_new(dev, 4096, 0, &a);
	r = r ?: edgeai_buffer_new(other, 4U << 20, 0, &b);
	r = r ?: edgeai_job_new(dev, &ja);
	r = r ?: edgeai_job_new(other, &jb);
	r = r ?: edgeai_job_add_fill(ja, a, 0, 4096, 0x5a);
	r = r ?: edgeai_job_add_fill(jb, b, 0, 4U << 20, 0xa5);
	r = r ?: edgeai_job_set_callback(ja, chain_cb, &cbs);
	r = r ?: edgeai_job_set_callback(jb, chain_cb, &cbs);
	r = r ?: rt_job_submit_on(ja, dev, NULL, RT_SUBMIT_DEFER);
	r = r ?: rt_job_submit_on(jb, dev, ja, RT_SUBMIT_DEFER);
	r = r ?: edgeai_job_wait(ja, TIMEOUT_NS);
	ktap_ok(r == 0 && edgeai_job_get_result(jb, &res) == 0 && res.status == 0 &&
			res.path == EDGEAI_PATH_URING && atomic_load(&cbs) == 2,
		"chain: waiting for a job waits for the job chained after it on another device (%s, %d callbacks)",
		edgeai_strerror(r), atomic_load(&cbs));
	ktap_ok(check_bytes(a, 0, 4096, 0x5a, 0, 0) && check_bytes(b, 0, 4U << 20, 0xa5, 0, 0),
		"chain: both devices wrote their buffers");
	/* Again, with the second job on its own ring: the wait returns for the first. */
	r = edgeai_job_add_fill(jb, b, 0, 4U << 20, 0x3c);
	r = r ?: rt_job_submit_on(jb, other, NULL, 0);
	r = r ?: edgeai_job_run(ja, 0, TIMEOUT_NS);
	r = r ?: edgeai_job_wait(jb, TIMEOUT_NS);
	ktap_ok(r == 0 && check_bytes(b, 0, 4U << 20, 0x3c, 0, 0),
		"chain: the job moves back to its own device's queue (%s)", edgeai_strerror(r));
	edgeai_job_unref(ja);
	edgeai_job_unref(jb);
	edgeai_buffer_unref(a);
	edgeai_buffer_unref(b);
}

static void test_udmabuf(struct edgeai_device *dev)
{
	struct udmabuf_create c = { .size = SZ };
	struct edgeai_buffer *b = NULL;
	struct edgeai_job *job = NULL;
	int ufd, mfd = -1, dfd = -1, r;
	uint8_t *p = MAP_FAILED;
	int good = 1;

	ufd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (ufd < 0) {
		ktap_skip("udmabuf: import (no /dev/udmabuf)");
		return;
	}
	mfd = memfd_create("edgeai-test", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, SZ) < 0 || fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		goto out;
	c.memfd = (uint32_t)mfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	dfd = ioctl(ufd, UDMABUF_CREATE, &c);
	if (!ktap_ok(dfd >= 0, "udmabuf: create from a memfd"))
		goto out;
	r = edgeai_buffer_import_dmabuf(dev, dfd, &b);
	r = r ?: edgeai_job_new(dev, &job);
	r = r ?: edgeai_job_add_fill(job, b, 0, SZ, 0x3c);
	r = r ?: edgeai_job_run(job, 0, TIMEOUT_NS);
	ktap_ok(r == 0, "udmabuf: import and fill by a job");
	p = mmap(NULL, SZ, PROT_READ, MAP_SHARED, mfd, 0);
	for (int i = 0; p != MAP_FAILED && i < SZ; i++)
		good &= p[i] == 0x3c;
	ktap_ok(p != MAP_FAILED && good, "udmabuf: the memfd sees the device's writes");
out:
	if (p != MAP_FAILED)
		munmap(p, SZ);
	edgeai_job_unref(job);
	edgeai_buffer_unref(b);
	if (dfd >= 0)
		close(dfd);
	if (mfd >= 0)
		close(mfd);
	close(ufd);
}

int main(void)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info li, di;
	const char *only = getenv("EDGEAI_TEST_DEVICE");
	int n;

	ktap_start();
	n = edgeai_enumerate(&list);
	if (n <= 0) {
		ktap_skip("no edgeai device (%s)", n < 0 ? edgeai_strerror(n) : "none found");
		edgeai_device_list_unref(list);
		return ktap_finish();
	}

	for (int i = 0; i < n; i++) {
		struct edgeai_device *dev = NULL, *other = NULL;
		int r;

		edgeai_device_list_get(list, (unsigned int)i, &li);
		if (only && strcmp(only, li.node) != 0)
			continue;
		ktap_diag("device %s (%s)", li.node, edgeai_device_type_name(li.type));
		r = edgeai_device_open(li.node, 0, &dev);
		if (!ktap_ok(r == 0, "%s: open", li.node)) {
			ktap_diag("%s", edgeai_strerror(r));
			continue;
		}
		r = edgeai_device_get_info(dev, &di);
		ktap_ok(r == 0 && di.from_ioctl && (di.type == EDGEAI_DEVICE_NPU || di.type == EDGEAI_DEVICE_DSP) &&
				di.core_count >= 1 && di.fw_version != 0,
			"%s: info type %s, %u cores, fw 0x%06x", li.node, edgeai_device_type_name(di.type),
			di.core_count, di.fw_version);
		ktap_ok(di.capabilities & EDGEAI_CAP_URING_CMD, "%s: capabilities have URING_CMD", li.node);
		ktap_ok(li.type == di.type && li.core_count == di.core_count && li.fw_version == di.fw_version &&
				li.capabilities == di.capabilities && strcmp(li.node, di.node) == 0,
			"%s: enumeration and get_info agree", li.node);
		ktap_ok(*li.syspath && *li.name, "%s: sysfs path %s, parent %s", li.node, li.syspath, li.name);

		test_job_path(dev, EDGEAI_SUBMIT_IOCTL, EDGEAI_PATH_IOCTL, "ioctl");
		test_job_path(dev, EDGEAI_SUBMIT_URING, EDGEAI_PATH_URING, "io_uring");
		test_job_path(dev, 0, EDGEAI_PATH_URING, "default");
		test_async(dev);
		test_threads(dev);
		test_submit_errors(dev);
		test_no_uring(li.node);
		if (n > 1) {
			edgeai_device_list_get(list, (unsigned int)((i + 1) % n), &di);
			(void)edgeai_device_open(di.node, 0, &other);
		}
		test_dmabuf(dev, other);
		test_chain(dev, other);
		test_udmabuf(dev);
		edgeai_device_unref(other);
		edgeai_device_unref(dev);
	}
	edgeai_device_list_unref(list);
	return ktap_finish();
}
