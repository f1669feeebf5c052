// SPDX-License-Identifier: GPL-2.0-only
/*
 * Systematic fault injection. For the open of a device node, each ioctl
 * and the io_uring submit command, /proc/thread-self/fail-nth = 1, 2, ...
 * makes the call's Nth fault site (a slab or page allocation: failslab and
 * fail_page_alloc, GFP_KERNEL included) fail, until the call completes
 * without reaching its Nth site. Every call that saw a failure returns
 * success or a clean errno (ENOMEM and its kin, never EINVAL, EBADF or
 * worse), leaves nothing behind that breaks the next call, and the device
 * still runs a job afterwards. Each walk prints how many failures it
 * injected. Leaks and splats are for the lane to find (the debug lane
 * scans kmemleak and the console). Needs CONFIG_FAULT_INJECTION with
 * FAILSLAB, FAIL_PAGE_ALLOC and FAULT_INJECTION_DEBUG_FS (the debug lane's
 * kernel); skips elsewhere.
 */
#include <liburing.h>

#include "drm/edgeai_program.h"
#include "edgeai_failnth_lib.h"
#include "edgeai_test.h"
#include "kselftest_harness.h"

#define SZ 8192
#define WALK_MAX 2000

struct fx {
	int fd;
	int minor;
	uint32_t a, b;	/* two buffers of SZ bytes */
	uint32_t prog;	/* a RESHAPE program from a to b */
	struct io_uring ring;
	bool ring_ok;
};

/* A RESHAPE of int8 [1,4,4,2] (slot 0) to [1,1,1,32] (slot 1). */
#define T_OFF 64
#define O_OFF (T_OFF + 2 * 48)
#define P_SIZE (O_OFF + 128)
static uint64_t prog_blob[P_SIZE / 8];
/*
 * The same from [1,2,8,2]: another program. The device shares a program
 * with the files that create the same bytes (uAPI 1.7), so creating
 * prog_blob again, which the fixture made, walks the sharing path; this
 * one walks the path of a new program (copy, validation, its work).
 */
static uint64_t prog_new_blob[P_SIZE / 8];

static void make_program(uint64_t *blob, uint32_t h1, uint32_t w1)
{
	struct edgeai_prog_header *h = (void *)blob;
	struct edgeai_prog_tensor *t = (void *)((uint8_t *)blob + T_OFF);
	struct edgeai_prog_op *op = (void *)((uint8_t *)blob + O_OFF);

	memset(blob, 0, P_SIZE);
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = P_SIZE;
	h->tensor_count = 2;
	h->op_count = 1;
	h->tensor_offset = T_OFF;
	h->op_offset = O_OFF;
	h->const_offset = P_SIZE;
	h->slot_count = 2;
	t[0].dtype = EDGEAI_DTYPE_INT8;
	t[0].slot = 0;
	t[0].dims[0] = 1, t[0].dims[1] = h1, t[0].dims[2] = w1, t[0].dims[3] = 2;
	t[1].dtype = EDGEAI_DTYPE_INT8;
	t[1].slot = 1;
	t[1].dims[0] = 1, t[1].dims[1] = 1, t[1].dims[2] = 1, t[1].dims[3] = 32;
	op->opcode = EDGEAI_OP_RESHAPE;
	for (unsigned int i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		op->inputs[i] = EDGEAI_PROG_NO_TENSOR;
	op->inputs[0] = 0;
	op->output = 1;
}

static int nth_fd = -1;

static void nth_arm(unsigned int n)
{
	eai_nth_arm(nth_fd, n);
}

static bool nth_hit(void)
{
	return eai_nth_hit(nth_fd);
}

/*
 * One operation under test: @call makes exactly the call (state it needs is
 * set up by @prep, outside the walk), @undo drops what a successful call
 * created. Both see the call's result.
 */
struct op {
	const char *name;
	int (*prep)(struct fx *f, void **st);
	int (*call)(struct fx *f, void *st);
	void (*undo)(struct fx *f, void *st, int ret);
};

/* --- the operations */

static int call_open(struct fx *f, void *st)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/dev/accel/accel%d", f->minor);
	fd = open(p, O_RDWR | O_CLOEXEC);
	*(int *)st = fd;
	return fd < 0 ? -errno : 0;
}

static int prep_int(struct fx *f, void **st)
{
	static int v;

	(void)f;
	v = -1;
	*st = &v;
	return 0;
}

static void undo_open(struct fx *f, void *st, int ret)
{
	(void)f;
	if (!ret)
		close(*(int *)st);
}

static int call_get_param(struct fx *f, void *st)
{
	struct drm_edgeai_get_param p = { .param = DRM_EDGEAI_PARAM_DEVICE_TYPE };

	(void)st;
	return eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p);
}

static int call_bo_create(struct fx *f, void *st)
{
	struct drm_edgeai_bo_create c = { .size = SZ };
	int ret = eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_BO_CREATE, &c);

	*(int *)st = c.handle;
	return ret;
}

static void undo_handle(struct fx *f, void *st, int ret)
{
	if (!ret)
		eai_gem_close(f->fd, *(int *)st);
}

static int prep_fresh_bo(struct fx *f, void **st)
{
	static int h;

	*st = &h;
	return eai_bo_create(f->fd, SZ, (uint32_t *)&h);
}

static int call_bo_info(struct fx *f, void *st)
{
	uint64_t size, off;

	return eai_bo_info(f->fd, *(uint32_t *)st, &size, &off);
}

static void undo_fresh_bo(struct fx *f, void *st, int ret)
{
	(void)ret;
	eai_gem_close(f->fd, *(uint32_t *)st);
}

static int call_bo_prep(struct fx *f, void *st)
{
	int ret;

	(void)st;
	ret = eai_bo_prep(f->fd, f->a, DRM_EDGEAI_PREP_READ | DRM_EDGEAI_PREP_WRITE,
			  eai_deadline_ms(5000));
	if (!ret)
		eai_bo_fini(f->fd, f->a);
	return ret;
}

static int wait_job(struct fx *f, uint64_t id)
{
	int32_t status = 1;
	int ret = eai_wait(f->fd, id, eai_deadline_ms(20000), &status, NULL);

	return ret ? ret : status;
}

static int call_submit(struct fx *f, void *st)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = f->a, .flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE },
		{ .handle = f->b, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_cmd cmds[2] = { eai_cmd_fill(0, 0, SZ, 0x3c), eai_cmd_copy(1, 0, 0, 0, SZ) };
	struct drm_edgeai_submit s = eai_submit_args(bos, 2, cmds, 2);

	return eai_submit(f->fd, &s, (uint64_t *)st);
}

static int prep_u64(struct fx *f, void **st)
{
	static uint64_t v;

	(void)f;
	v = 0;
	*st = &v;
	return 0;
}

static void undo_job(struct fx *f, void *st, int ret)
{
	if (!ret)
		wait_job(f, *(uint64_t *)st);
}

static int prep_job(struct fx *f, void **st)
{
	int ret = prep_u64(f, st);

	return ret ? ret : call_submit(f, *st);
}

static int call_wait(struct fx *f, void *st)
{
	int32_t status = 1;

	return eai_wait(f->fd, *(uint64_t *)st, eai_deadline_ms(20000), &status, NULL);
}

static void undo_wait(struct fx *f, void *st, int ret)
{
	if (ret)
		wait_job(f, *(uint64_t *)st);
}

static int program_create(struct fx *f, void *st, const uint64_t *blob)
{
	struct drm_edgeai_program_create c = { .data = (uintptr_t)blob, .size = P_SIZE };
	int ret = eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c);

	*(int *)st = c.handle;
	return ret;
}

static int call_program_create(struct fx *f, void *st)
{
	return program_create(f, st, prog_blob);
}

static int call_program_create_new(struct fx *f, void *st)
{
	return program_create(f, st, prog_new_blob);
}

static void undo_program(struct fx *f, void *st, int ret)
{
	struct drm_edgeai_program_destroy d = { .handle = *(uint32_t *)st };

	if (!ret)
		eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &d);
}

static int prep_program(struct fx *f, void **st)
{
	int ret = prep_int(f, st);

	return ret ? ret : call_program_create(f, *st);
}

static int call_program_destroy(struct fx *f, void *st)
{
	struct drm_edgeai_program_destroy d = { .handle = *(uint32_t *)st };

	return eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &d);
}

static void undo_program_destroy(struct fx *f, void *st, int ret)
{
	undo_program(f, st, !ret);
}

static int call_submit_program(struct fx *f, void *st)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = f->a, .flags = DRM_EDGEAI_BO_READ },
		{ .handle = f->b, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = f->prog,
	};

	return eai_submit(f->fd, &s, (uint64_t *)st);
}

static int call_set_policy(struct fx *f, void *st)
{
	struct drm_edgeai_policy p = {
		.flags = DRM_EDGEAI_POLICY_WEIGHT | DRM_EDGEAI_POLICY_QUOTA,
		.weight = 200, .quota_ns = 50000000, .period_ns = 100000000,
	};

	(void)st;
	return eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p);
}

static void undo_policy(struct fx *f, void *st, int ret)
{
	struct drm_edgeai_policy p = {
		.flags = DRM_EDGEAI_POLICY_WEIGHT | DRM_EDGEAI_POLICY_QUOTA, .weight = 100,
	};

	(void)st;
	(void)ret;
	eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p);
}

static int call_get_client(struct fx *f, void *st)
{
	struct drm_edgeai_client_info c = { 0 };

	(void)st;
	return eai_ioctl(f->fd, DRM_IOCTL_EDGEAI_GET_CLIENT, &c);
}

static int call_prime_export(struct fx *f, void *st)
{
	return eai_prime_export(f->fd, f->a, (int *)st);
}

static void undo_prime_export(struct fx *f, void *st, int ret)
{
	(void)f;
	if (!ret)
		close(*(int *)st);
}

/* The dma-buf of a second device's buffer, imported into ours. */
struct import_st {
	int fd2;
	uint32_t h2;
	int dmabuf;
	uint32_t handle;
};

static int prep_import(struct fx *f, void **st)
{
	static struct import_st s;
	int ret;

	s.fd2 = eai_open_minor(f->minor);
	if (s.fd2 < 0)
		return s.fd2;
	ret = eai_bo_create(s.fd2, SZ, &s.h2);
	if (!ret)
		ret = eai_prime_export(s.fd2, s.h2, &s.dmabuf);
	*st = &s;
	return ret;
}

static int call_prime_import(struct fx *f, void *st)
{
	struct import_st *s = st;

	return eai_prime_import(f->fd, s->dmabuf, &s->handle);
}

static void undo_prime_import(struct fx *f, void *st, int ret)
{
	struct import_st *s = st;

	if (!ret)
		eai_gem_close(f->fd, s->handle);
	close(s->dmabuf);
	close(s->fd2);
}

static int call_uring_submit(struct fx *f, void *st)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = f->a, .flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE },
		{ .handle = f->b, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_cmd cmds[2] = { eai_cmd_fill(0, 0, SZ, 0x5d), eai_cmd_copy(1, 0, 0, 0, SZ) };
	struct drm_edgeai_submit s = eai_submit_args(bos, 2, cmds, 2);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&f->ring);
	size_t room = 128 - offsetof(struct io_uring_sqe, cmd);
	int ret;

	(void)st;
	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = f->fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	memcpy(sqe->cmd, &s, sizeof(s) < room ? sizeof(s) : room);
	ret = io_uring_submit(&f->ring);
	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

/* The CQE of the submit: its result, whatever the injection did. */
static void undo_uring(struct fx *f, void *st, int ret)
{
	struct __kernel_timespec ts = { .tv_sec = 20 };
	struct io_uring_cqe *cqe;

	if (ret)
		return;
	if (!io_uring_wait_cqe_timeout(&f->ring, &cqe, &ts)) {
		*(int *)st = cqe->res;
		io_uring_cqe_seen(&f->ring, cqe);
	}
}

static const struct op ops[] = {
	{ "open", prep_int, call_open, undo_open },
	{ "GET_PARAM", NULL, call_get_param, NULL },
	{ "BO_CREATE", prep_int, call_bo_create, undo_handle },
	{ "BO_INFO", prep_fresh_bo, call_bo_info, undo_fresh_bo },
	{ "BO_PREP+BO_FINI", NULL, call_bo_prep, NULL },
	{ "SUBMIT", prep_u64, call_submit, undo_job },
	{ "WAIT", prep_job, call_wait, undo_wait },
	{ "PROGRAM_CREATE", prep_int, call_program_create, undo_program },
	{ "PROGRAM_CREATE(new)", prep_int, call_program_create_new, undo_program },
	{ "PROGRAM_DESTROY", prep_program, call_program_destroy, undo_program_destroy },
	{ "SUBMIT(program)", prep_u64, call_submit_program, undo_job },
	{ "SET_POLICY", NULL, call_set_policy, undo_policy },
	{ "GET_CLIENT", NULL, call_get_client, NULL },
	{ "PRIME_HANDLE_TO_FD", prep_int, call_prime_export, undo_prime_export },
	{ "PRIME_FD_TO_HANDLE", prep_import, call_prime_import, undo_prime_import },
	{ "io_uring SUBMIT", prep_int, call_uring_submit, undo_uring },
};

FIXTURE(failnth) {
	struct fx f;
};

FIXTURE_SETUP(failnth)
{
	struct drm_edgeai_program_create c = { 0 };

	const char *skip;

	self->f.fd = -1;
	skip = eai_failnth_setup(&nth_fd);
	if (skip)
		SKIP(return, "%s", skip);
	self->f.minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->f.minor);
	self->f.fd = eai_open_minor(self->f.minor);
	ASSERT_LE(0, self->f.fd);
	ASSERT_EQ(0, eai_bo_create(self->f.fd, SZ, &self->f.a));
	ASSERT_EQ(0, eai_bo_create(self->f.fd, SZ, &self->f.b));
	make_program(prog_blob, 4, 4);
	make_program(prog_new_blob, 2, 8);
	c.data = (uintptr_t)prog_blob;
	c.size = P_SIZE;
	ASSERT_EQ(0, eai_ioctl(self->f.fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	self->f.prog = c.handle;
	{
		struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };

		ASSERT_EQ(0, io_uring_queue_init_params(8, &self->f.ring, &p));
		self->f.ring_ok = true;
	}
}

FIXTURE_TEARDOWN(failnth)
{
	if (nth_fd >= 0)
		nth_arm(0);
	if (self->f.ring_ok)
		io_uring_queue_exit(&self->f.ring);
	if (self->f.fd >= 0)
		close(self->f.fd);
}

TEST_F_TIMEOUT(failnth, walk_every_call, 3000)
{
	unsigned int total = 0;
	int bad = 0;

	for (unsigned int k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		const struct op *o = &ops[k];
		unsigned int n, injected = 0, succeeded_anyway = 0, opbad = 0;
		bool done = false;

		for (n = 1; n <= WALK_MAX && !done; n++) {
			void *st = NULL;
			bool hit;
			int ret;

			if (o->prep)
				ASSERT_EQ(0, o->prep(&self->f, &st)) TH_LOG("%s: setup", o->name);
			nth_arm(n);
			ret = o->call(&self->f, st);
			hit = nth_hit();
			if (o->undo)
				o->undo(&self->f, st, ret);
			if (!hit) {
				/* The call ran through without reaching its Nth site. */
				EXPECT_EQ(0, ret) TH_LOG("%s: fails with %d without injection", o->name, ret);
				done = true;
				break;
			}
			injected++;
			if (!ret)
				succeeded_anyway++;
			if (!eai_failnth_clean_errno(ret)) {
				opbad++;
				TH_LOG("%s: failure %u returned %d (%s)", o->name, n, ret, strerror(-ret));
			}
		}
		EXPECT_TRUE(done) TH_LOG("%s: still failing after %u injections", o->name, WALK_MAX);
		/* The device still runs a job after every walk. */
		EXPECT_EQ(0, eai_device_works(self->f.fd, (uint8_t)(0x40 + k)))
			TH_LOG("the device stopped working after the walk of %s", o->name);
		printf("# fail-nth %-20s %4u injected failures (%u handled without an error), all %s\n",
		       o->name, injected, succeeded_anyway, opbad ? "NOT clean" : "clean");
		total += injected;
		bad += opbad;
	}
	printf("# fail-nth: %u injected failures in %zu calls\n", total, sizeof(ops) / sizeof(ops[0]));
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
