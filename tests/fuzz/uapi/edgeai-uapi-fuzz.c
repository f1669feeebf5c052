// SPDX-License-Identifier: GPL-2.0-only
/*
 * edgeai-uapi-fuzz: a fuzzer of the real driver's uAPI, run inside the VM
 * against /dev/accel/accel*.
 *
 * An input is a short sequence of calls (at most MAX_CALLS), each one of
 * the operations below with six argument words, run by one of two threads
 * (the "t0"/"t1" of a call). The arguments name slots of a table of live
 * resources (device fds, GEM handles, program handles, syncobjs, dma-buf
 * fds, job ids) that the calls of one input share, so handles are reused
 * across calls, across files and after they were closed; other arguments
 * pick sizes, offsets, flags and mutations of the uAPI structures of
 * uapi/drm/edgeai_accel.h (SUBMIT, the io_uring command, PROGRAM_CREATE
 * with programs built from uapi/drm/edgeai_program.h, valid or mutated).
 *
 * Modes:
 *   --replay FILE...  run each saved input (text, one call per line) three
 *                     times; fail on a kernel splat, an input that does not
 *                     finish, or a device that no longer runs a job
 *   --seconds N       fuzz for N seconds (default 30) from --seed S
 *                     (default 1). With /sys/kernel/debug/kcov (a KCOV
 *                     kernel, edgeai.ko built with KCOV_INSTRUMENT) each
 *                     thread traces its PCs (KCOV_TRACE_PC); an input that
 *                     reaches a PC of edgeai's text not seen before joins
 *                     the corpus that later inputs are mutated from.
 *                     Without it, inputs are generated at random from the
 *                     seed (and said so). Either way generation is a
 *                     function of the seed (and, with KCOV, of coverage).
 *   --findings DIR    where found inputs go (default: printed only)
 *   --trace           print every input before it runs (to find the input
 *                     that crashed the kernel in the console log)
 *   --dump-pcs        with KCOV, print every module PC reached at the end
 *                     (offsets into edgeai.ko's .text: "# pc 0x...")
 *
 * A finding (a new WARNING/BUG/KASAN/UBSAN/lockdep/hung-task line in
 * /dev/kmsg after an input, or an input that does not finish in 60 s) is
 * minimized by dropping calls while the splat still reproduces, printed
 * between "# finding begin" and "# finding end" lines in the regression
 * format, and saved under --findings; copy it to tests/fuzz/uapi/regress/
 * to have every run replay it.
 *
 * Output is TAP: one line per replayed input, then the fuzz run's line
 * (executions, executions per second, module PCs when KCOV is there,
 * corpus size, findings), then the checks that every device still runs a
 * job and that nothing the run created is left in debugfs (bos, jobs).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <linux/kcov.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include "drm/edgeai_program.h"
#include "edgeai_test.h"

#define MAX_CALLS	32
#define NTHREADS	2
#define NFD		4
#define NBO		16
#define NPROG		8
#define NSYNC		8
#define NDMABUF		4
#define NJOB		8
#define KCOV_WORDS	(1 << 18)
#define PCSET_BITS	20
#define CORPUS_MAX	4096
#define EXEC_LIMIT_S	60

enum op {
	OP_OPEN, OP_CLOSE, OP_BO_CREATE, OP_GEM_CLOSE, OP_BO_INFO, OP_MMAP,
	OP_PREP, OP_FINI, OP_PROG_CREATE, OP_PROG_DESTROY, OP_SUBMIT_CMD,
	OP_SUBMIT_PROG, OP_URING, OP_WAIT, OP_SYNC_CREATE, OP_SYNC_DESTROY,
	OP_SYNC_WAIT, OP_EXPORT, OP_IMPORT, OP_DMABUF_CLOSE, OP_POLICY,
	OP_PARAM, OP_CLIENT, OP_RAW, OP_FAULT, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"open", "close", "bo_create", "gem_close", "bo_info", "mmap",
	"prep", "fini", "prog_create", "prog_destroy", "submit_cmd",
	"submit_prog", "uring", "wait", "sync_create", "sync_destroy",
	"sync_wait", "export", "import", "dmabuf_close", "policy",
	"param", "client", "raw", "fault",
};

/* Relative weights of the operations in generated inputs. */
static const unsigned int op_weight[OP_COUNT] = {
	6, 2, 10, 3, 3, 3, 3, 2, 8, 2, 10, 10, 8, 5, 4, 2, 2, 3, 3, 2, 2,
	2, 2, 4, 1,
};

struct call {
	uint8_t op;
	uint8_t thr;
	uint32_t a[6];
};

struct input {
	unsigned int n;
	struct call c[MAX_CALLS];
};

/* --- deterministic randomness (splitmix64) */

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd_next(s) % n) : 0;
}

static const uint64_t interesting[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 255, 256, 257,
	1023, 1024, 4095, 4096, 4097, 8191, 8192, 65535, 65536, 65537,
	0x7fffffffULL, 0x80000000ULL, 0xfffffffeULL, 0xffffffffULL,
	0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
	0xffffffffffffffffULL,
};

#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

static uint64_t rnd_value(uint64_t *s)
{
	switch (rnd_below(s, 4)) {
	case 0:
		return rnd_next(s);
	case 1:
		return rnd_below(s, 512);
	default:
		return interesting[rnd_below(s, NINTERESTING)];
	}
}

/* --- programs from the program format */

#define PROG_BYTES 1024
#define TPL_COUNT 5

struct blob {
	uint64_t words[PROG_BYTES / 8];
	uint32_t size;
};

static struct edgeai_prog_header *bh(struct blob *b)
{
	return (void *)b->words;
}

static struct edgeai_prog_tensor *bt(struct blob *b, unsigned int i)
{
	return (struct edgeai_prog_tensor *)((uint8_t *)b->words + 64) + i;
}

static struct edgeai_prog_op *bop(struct blob *b, unsigned int ntensors, unsigned int i)
{
	return (struct edgeai_prog_op *)((uint8_t *)b->words + 64 + 48 * ntensors) + i;
}

static void set_tensor(struct edgeai_prog_tensor *t, uint32_t dtype, uint32_t slot,
		       uint64_t off, uint32_t n, uint32_t h, uint32_t w, uint32_t c,
		       int32_t zp)
{
	memset(t, 0, sizeof(*t));
	t->dtype = dtype;
	t->slot = slot;
	t->offset = off;
	t->dims[0] = n;
	t->dims[1] = h;
	t->dims[2] = w;
	t->dims[3] = c;
	t->zero_point = zp;
}

static void set_op(struct edgeai_prog_op *op, uint32_t opcode, uint32_t in0, uint32_t in1,
		   uint32_t in2, uint32_t out)
{
	memset(op, 0, sizeof(*op));
	op->opcode = opcode;
	for (unsigned int i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		op->inputs[i] = EDGEAI_PROG_NO_TENSOR;
	op->inputs[0] = in0;
	op->inputs[1] = in1;
	op->inputs[2] = in2;
	op->output = out;
}

/*
 * Valid programs on two slots of at least 4 KiB: 0 RESHAPE (NPU), 1 CONV_2D
 * with per-channel multipliers and a bias (NPU), 2 RELU (DSP), 3
 * MAX_POOL_2D (NPU), 4 ADD then RELU (two ops, the NPU's and the DSP's).
 */
static void make_template(struct blob *b, unsigned int tpl)
{
	struct edgeai_prog_header *h = bh(b);
	unsigned int nt, no;
	uint32_t csize = 0;

	memset(b, 0, sizeof(*b));
	switch (tpl % TPL_COUNT) {
	case 0:
		nt = 2, no = 1;
		set_tensor(bt(b, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, 4, 4, 2, 0);
		set_tensor(bt(b, 1), EDGEAI_DTYPE_INT8, 1, 0, 1, 1, 1, 32, 0);
		set_op(bop(b, nt, 0), EDGEAI_OP_RESHAPE, 0, EDGEAI_PROG_NO_TENSOR,
		       EDGEAI_PROG_NO_TENSOR, 1);
		break;
	case 1: {
		struct edgeai_prog_conv_params *cp;
		int8_t *consts;
		struct edgeai_prog_qmul *q;
		int32_t *bias;

		nt = 4, no = 1, csize = 96;
		set_tensor(bt(b, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, 4, 4, 2, -1);
		set_tensor(bt(b, 1), EDGEAI_DTYPE_INT8, EDGEAI_PROG_SLOT_CONST, 0, 3, 3, 3, 2, 0);
		set_tensor(bt(b, 2), EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, 56, 1, 1, 1, 3, 0);
		set_tensor(bt(b, 3), EDGEAI_DTYPE_INT8, 1, 0, 1, 4, 4, 3, 2);
		set_op(bop(b, nt, 0), EDGEAI_OP_CONV_2D, 0, 1, 2, 3);
		cp = (void *)bop(b, nt, 0)->params;
		cp->stride_h = 1, cp->stride_w = 1;
		cp->dilation_h = 1, cp->dilation_w = 1;
		cp->pad_top = 1, cp->pad_left = 1;
		cp->depth_multiplier = 1;
		cp->act_min = -128, cp->act_max = 127;
		cp->qmul_offset = 72;
		consts = (int8_t *)b->words + 64 + 48 * nt + 128 * no;
		for (int i = 0; i < 54; i++)
			consts[i] = (int8_t)((i * 29) % 255 - 127);
		bias = (int32_t *)(consts + 56);
		q = (struct edgeai_prog_qmul *)(consts + 72);
		for (int i = 0; i < 3; i++) {
			bias[i] = 100 * i - 150;
			q[i].multiplier = 1 << 30;
			q[i].shift = -4 - i;
		}
		break;
	}
	case 2: {
		struct edgeai_prog_requant_params *rp;

		nt = 2, no = 1;
		set_tensor(bt(b, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, 8, 8, 4, -3);
		set_tensor(bt(b, 1), EDGEAI_DTYPE_INT8, 1, 0, 1, 8, 8, 4, 5);
		set_op(bop(b, nt, 0), EDGEAI_OP_RELU, 0, EDGEAI_PROG_NO_TENSOR,
		       EDGEAI_PROG_NO_TENSOR, 1);
		rp = (void *)bop(b, nt, 0)->params;
		rp->out_multiplier = 1 << 30;
		rp->out_shift = 1;
		rp->act_min = 5, rp->act_max = 127;
		break;
	}
	case 3: {
		struct edgeai_prog_pool_params *pp;

		nt = 2, no = 1;
		set_tensor(bt(b, 0), EDGEAI_DTYPE_UINT8, 0, 0, 1, 8, 8, 3, 128);
		set_tensor(bt(b, 1), EDGEAI_DTYPE_UINT8, 1, 0, 1, 4, 4, 3, 128);
		set_op(bop(b, nt, 0), EDGEAI_OP_MAX_POOL_2D, 0, EDGEAI_PROG_NO_TENSOR,
		       EDGEAI_PROG_NO_TENSOR, 1);
		pp = (void *)bop(b, nt, 0)->params;
		pp->filter_h = 2, pp->filter_w = 2;
		pp->stride_h = 2, pp->stride_w = 2;
		pp->act_min = 0, pp->act_max = 255;
		break;
	}
	default: {
		struct edgeai_prog_add_params *ap;
		struct edgeai_prog_requant_params *rp;

		nt = 4, no = 2;
		set_tensor(bt(b, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, 4, 4, 8, 1);
		set_tensor(bt(b, 1), EDGEAI_DTYPE_INT8, 0, 128, 1, 1, 1, 8, -2);
		set_tensor(bt(b, 2), EDGEAI_DTYPE_INT8, 1, 0, 1, 4, 4, 8, 0);
		set_tensor(bt(b, 3), EDGEAI_DTYPE_INT8, 1, 256, 1, 4, 4, 8, 0);
		set_op(bop(b, nt, 0), EDGEAI_OP_ADD, 0, 1, EDGEAI_PROG_NO_TENSOR, 2);
		ap = (void *)bop(b, nt, 0)->params;
		ap->left_shift = 20;
		ap->in0_multiplier = 1 << 30, ap->in0_shift = 0;
		ap->in1_multiplier = 1 << 30, ap->in1_shift = 0;
		ap->out_multiplier = 1 << 30, ap->out_shift = -18;
		ap->act_min = -128, ap->act_max = 127;
		set_op(bop(b, nt, 1), EDGEAI_OP_RELU, 2, EDGEAI_PROG_NO_TENSOR,
		       EDGEAI_PROG_NO_TENSOR, 3);
		rp = (void *)bop(b, nt, 1)->params;
		rp->out_multiplier = 1 << 30, rp->out_shift = 1;
		rp->act_min = 0, rp->act_max = 127;
		break;
	}
	}
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->tensor_count = nt;
	h->op_count = no;
	h->tensor_offset = 64;
	h->op_offset = 64 + 48 * nt;
	h->const_offset = h->op_offset + 128 * no;
	h->const_size = csize;
	h->total_size = h->const_offset + csize;
	h->slot_count = 2;
	b->size = h->total_size;
}

/*
 * Mutate a program blob @n times from @seed: a 32-bit word set to an
 * interesting value (header fields, tensor fields and op words alike), a
 * byte flipped, or the uploaded size changed.
 */
static void mutate_blob(struct blob *b, uint32_t seed, unsigned int n)
{
	uint64_t s = seed;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t *w = (uint32_t *)b->words;
		uint32_t words = b->size / 4;

		switch (rnd_below(&s, 4)) {
		case 0:
		case 1:
			if (words)
				w[rnd_below(&s, words)] = (uint32_t)rnd_value(&s);
			break;
		case 2:
			if (b->size)
				((uint8_t *)b->words)[rnd_below(&s, b->size)] ^=
					1 << rnd_below(&s, 8);
			break;
		default:
			b->size = rnd_below(&s, 2) ? (b->size & ~7U) + 8 * rnd_below(&s, 3) :
				  rnd_below(&s, PROG_BYTES + 1);
			if (b->size > PROG_BYTES)
				b->size = PROG_BYTES;
			break;
		}
	}
}

/* --- the state the calls of one input share */

struct bo_slot {
	int fd;		/* fd slot it was made on */
	uint32_t handle;
};

struct state {
	pthread_rwlock_t lock;	/* write: close/replace of an fd; read: every call */
	int fds[NFD];
	struct bo_slot bo[NBO];
	struct bo_slot prog[NPROG];
	struct bo_slot sync[NSYNC];
	int dmabuf[NDMABUF];
	struct bo_slot job[NJOB];
	unsigned int next_job;
	pthread_mutex_t tab;	/* the slot tables */
};

static struct state st;
static int minors[EAI_MAX_DEVS];
static int nminors;
static bool have_fault_knobs;

static uint64_t calls_made[OP_COUNT], calls_ok[OP_COUNT];
/* how often each call failed with each errno (below 160) */
static uint32_t calls_err[OP_COUNT][160];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- io_uring, one ring per thread */

struct worker {
	int id;
	pthread_t thread;
	/* [0]: SQE128/CQE32 as the uAPI requires; [1]: plain, refused */
	struct io_uring ring[2];
	bool ring_ok[2];
	unsigned int inflight[2];
	int kcov_fd;
	uint64_t *kcov;
};

static struct worker workers[NTHREADS];

static int fd_of(uint32_t slot)
{
	return st.fds[slot % NFD];
}

static uint32_t bo_handle(uint32_t slot)
{
	uint32_t h;

	pthread_mutex_lock(&st.tab);
	h = st.bo[slot % NBO].handle;
	pthread_mutex_unlock(&st.tab);
	return h;
}

static int64_t timeout_of(uint32_t sel)
{
	switch (sel % 4) {
	case 0:
		return 0;
	case 1:
		return eai_deadline_ms(50);
	case 2:
		return eai_deadline_ms(500);
	default:
		return 1;
	}
}

static uint64_t size_of(uint32_t sel)
{
	static const uint64_t sizes[] = {
		4096, 8192, 1, 4097, 65536, 0, 1ULL << 20, 1ULL << 40, 12288, 4096,
	};

	return sizes[sel % (sizeof(sizes) / sizeof(sizes[0]))];
}

/*
 * Fill @s with a submit built from the call's arguments: a[1], a[2] BO
 * slots, a[3] command kind, a[4] mutation seed (low byte: count), a[5]
 * syncobj selection. @cmds needs room for 4.
 */
static void build_submit(struct drm_edgeai_submit *s, struct drm_edgeai_bo_ref *refs,
			 struct drm_edgeai_cmd *cmds, const struct call *c, bool program)
{
	uint64_t r = c->a[4];
	unsigned int muts = (c->a[4] & 0xff) % 8 < 5 ? 0 : 1 + (c->a[4] & 0x3);
	/* small a[5]: an out-syncobj; larger: an in-syncobj too */
	uint32_t sync_out = c->a[5] & 0xf, sync_in = (c->a[5] >> 4) & 0xf;

	refs[0].handle = bo_handle(c->a[1]);
	refs[0].flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE;
	refs[1].handle = bo_handle(c->a[2]);
	refs[1].flags = (c->a[3] & 0x100) ? DRM_EDGEAI_BO_READ : DRM_EDGEAI_BO_WRITE;
	*s = eai_submit_args(refs, 2, cmds, 1);
	switch (c->a[3] % 4) {
	case 0:
		cmds[0] = eai_cmd_fill(c->a[3] >> 9 & 1, 0, 4096, c->a[3] >> 12);
		break;
	case 1:
		cmds[0] = eai_cmd_copy(1, 0, 0, 0, 4096);
		break;
	case 2:
		cmds[0] = eai_cmd_fill(0, 64, 128, 7);
		cmds[1] = eai_cmd_copy(1, 512, 0, 64, 256);
		cmds[2] = eai_cmd_fill(1, 4000, 96, 9);
		s->cmd_count = 3;
		break;
	default:
		cmds[0] = eai_cmd_copy(0, 0, 0, 2048, 2048);
		s->bo_count = 1;
		break;
	}
	if (program) {
		pthread_mutex_lock(&st.tab);
		s->program_handle = st.prog[c->a[0] % NPROG].handle;
		pthread_mutex_unlock(&st.tab);
		s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
		s->cmds = 0;
		s->cmd_count = 0;
		s->bo_count = 2;
	}
	pthread_mutex_lock(&st.tab);
	if (sync_in && sync_in <= NSYNC)
		s->in_syncobj = st.sync[sync_in - 1].handle;
	if (sync_out && sync_out <= NSYNC)
		s->out_syncobj = st.sync[sync_out - 1].handle;
	pthread_mutex_unlock(&st.tab);
	if (c->a[3] & 0x200)
		s->core = (c->a[3] >> 10) & 3;
	for (unsigned int i = 0; i < muts; i++) {
		uint64_t v = rnd_value(&r);

		switch (rnd_below(&r, 16)) {
		case 0: s->bo_count = v; break;
		case 1: s->cmd_count = v; break;
		case 2: s->cmd_size = v; break;
		case 3: s->core = v; break;
		case 4: s->flags = v; break;
		case 5: s->pad = v; break;
		case 6: s->job_id = v; break;
		case 7: s->program_handle = v; break;
		case 8: s->pad2 = v; break;
		case 9: s->batch_max = v; s->batch_wait_us = v >> 32; break;
		case 10: refs[rnd_below(&r, 2)].flags = v; break;
		case 11: refs[rnd_below(&r, 2)].handle = v; break;
		case 12: cmds[0].op = v; break;
		case 13: cmds[0].size = v; break;
		case 14: cmds[0].dst_offset = v; break;
		default: cmds[0].src_slot = v; cmds[0].pad = v >> 32; break;
		}
	}
}

static void remember_job(int fdslot, uint64_t id)
{
	pthread_mutex_lock(&st.tab);
	st.job[st.next_job % NJOB].fd = fdslot;
	st.job[st.next_job % NJOB].handle = (uint32_t)id;
	st.next_job++;
	pthread_mutex_unlock(&st.tab);
}

static void reap_ring(struct worker *w, int k, int wait_ms)
{
	while (w->ring_ok[k] && w->inflight[k]) {
		struct __kernel_timespec ts = {
			.tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000LL,
		};
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe_timeout(&w->ring[k], &cqe, &ts))
			break;
		io_uring_cqe_seen(&w->ring[k], cqe);
		w->inflight[k]--;
	}
}

static int do_uring(struct worker *w, const struct call *c, int fd)
{
	struct drm_edgeai_bo_ref refs[2];
	struct drm_edgeai_cmd cmds[4] = { 0 };
	struct drm_edgeai_submit s;
	struct io_uring_sqe *sqe;
	int k = !!(c->a[5] & 0x400);
	int ret;

	if (!w->ring_ok[k])
		return -ENXIO;
	build_submit(&s, refs, cmds, c, c->a[3] & 0x1000);
	sqe = io_uring_get_sqe(&w->ring[k]);
	if (!sqe) {
		reap_ring(w, k, 100);
		sqe = io_uring_get_sqe(&w->ring[k]);
		if (!sqe)
			return -EBUSY;
	}
	memset(sqe, 0, k ? 64 : 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = (c->a[5] & 0x100) ? (uint32_t)rnd_value(&(uint64_t){ c->a[4] }) :
		      EDGEAI_URING_CMD_SUBMIT;
	/* a 64-byte SQE has 16 bytes of command */
	memcpy(sqe->cmd, &s, k ? 16 : sizeof(s));
	sqe->user_data = c->a[4];
	ret = io_uring_submit(&w->ring[k]);
	if (ret < 0)
		return ret;
	w->inflight[k] += ret;
	if (c->a[5] & 0x200)
		reap_ring(w, k, 200);
	return 0;
}

static int fault_knob(int minor, const char *knob, const char *val)
{
	char path[PATH_MAX];

	if (eai_debugfs_path(minor, knob, path, sizeof(path)))
		return -ENOENT;
	return eai_write_file(path, val);
}

/* Size of each edgeai ioctl's argument, by number. */
static const struct {
	unsigned long req;
	size_t size;
} raw_ioctls[] = {
	{ DRM_IOCTL_EDGEAI_GET_PARAM, sizeof(struct drm_edgeai_get_param) },
	{ DRM_IOCTL_EDGEAI_BO_CREATE, sizeof(struct drm_edgeai_bo_create) },
	{ DRM_IOCTL_EDGEAI_BO_INFO, sizeof(struct drm_edgeai_bo_info) },
	{ DRM_IOCTL_EDGEAI_BO_PREP, sizeof(struct drm_edgeai_bo_prep) },
	{ DRM_IOCTL_EDGEAI_BO_FINI, sizeof(struct drm_edgeai_bo_fini) },
	{ DRM_IOCTL_EDGEAI_SUBMIT, sizeof(struct drm_edgeai_submit) },
	{ DRM_IOCTL_EDGEAI_WAIT, sizeof(struct drm_edgeai_wait) },
	{ DRM_IOCTL_EDGEAI_SET_POLICY, sizeof(struct drm_edgeai_policy) },
	{ DRM_IOCTL_EDGEAI_GET_CLIENT, sizeof(struct drm_edgeai_client_info) },
	{ DRM_IOCTL_EDGEAI_PROGRAM_CREATE, sizeof(struct drm_edgeai_program_create) },
	{ DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, sizeof(struct drm_edgeai_program_destroy) },
	{ DRM_IOCTL_GEM_CLOSE, sizeof(struct drm_gem_close) },
	{ DRM_IOCTL_PRIME_HANDLE_TO_FD, sizeof(struct drm_prime_handle) },
	{ DRM_IOCTL_SYNCOBJ_CREATE, sizeof(struct drm_syncobj_create) },
	{ DRM_IOCTL_SYNCOBJ_DESTROY, sizeof(struct drm_syncobj_destroy) },
};

#define NRAW (sizeof(raw_ioctls) / sizeof(raw_ioctls[0]))

/*
 * Raw ioctl with a mutated argument: the words are small values, handles
 * of the tables or interesting values. Pointers in them point nowhere we
 * own (the kernel only reads through the pointers of these ioctls), and
 * what the kernel creates (handles, fds) is closed when the file is.
 */
static int do_raw(const struct call *c, int fd)
{
	uint64_t r = ((uint64_t)c->a[2] << 32) | c->a[3];
	uint64_t arg[16] = { 0 };
	unsigned int i = c->a[1] % NRAW;
	int ret;

	for (unsigned int k = 0; k < (raw_ioctls[i].size + 7) / 8; k++) {
		switch (rnd_below(&r, 4)) {
		case 0:
			arg[k] = 0;
			break;
		case 1:
			arg[k] = bo_handle(rnd_below(&r, NBO));
			break;
		default:
			arg[k] = rnd_value(&r);
			break;
		}
	}
	/* Never a pointer into our own memory: the kernel writes through some. */
	ret = eai_ioctl(fd, raw_ioctls[i].req, arg);
	if (!ret && raw_ioctls[i].req == DRM_IOCTL_PRIME_HANDLE_TO_FD) {
		struct drm_prime_handle ph;

		memcpy(&ph, arg, sizeof(ph));
		close(ph.fd);
	}
	return ret;
}

static int do_program_create(const struct call *c, int fd)
{
	struct blob b;
	struct drm_edgeai_program_create pc = { 0 };
	int ret;

	make_template(&b, c->a[2]);
	if (c->a[4] % 3 == 0)
		mutate_blob(&b, c->a[3], 1 + c->a[4] % 6);
	pc.data = (uintptr_t)b.words;
	pc.size = b.size;
	if (c->a[5] % 16 == 13)
		pc.flags = c->a[5];
	if (c->a[5] % 16 == 14)
		pc.pad = c->a[5];
	if (c->a[5] % 16 == 15)
		pc.size = (uint32_t)rnd_value(&(uint64_t){ c->a[5] });
	ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc);
	if (!ret) {
		pthread_mutex_lock(&st.tab);
		st.prog[c->a[1] % NPROG].fd = c->a[0] % NFD;
		st.prog[c->a[1] % NPROG].handle = pc.handle;
		pthread_mutex_unlock(&st.tab);
	}
	return ret;
}

/* Run one call; returns 0 or a negative errno (what the call returned). */
static int run_call(struct worker *w, const struct call *c)
{
	const uint32_t *a = c->a;
	int fd, ret = -EBADF;

	if (c->op == OP_OPEN || c->op == OP_CLOSE) {
		int slot = a[0] % NFD;

		pthread_rwlock_wrlock(&st.lock);
		if (st.fds[slot] >= 0) {
			close(st.fds[slot]);
			st.fds[slot] = -1;
		}
		ret = 0;
		if (c->op == OP_OPEN) {
			fd = eai_open_minor(minors[a[1] % nminors]);
			st.fds[slot] = fd < 0 ? -1 : fd;
			ret = fd < 0 ? fd : 0;
		}
		pthread_rwlock_unlock(&st.lock);
		return ret;
	}
	pthread_rwlock_rdlock(&st.lock);
	fd = fd_of(a[0]);
	switch (c->op) {
	case OP_BO_CREATE: {
		struct drm_edgeai_bo_create bc = { .size = size_of(a[2]) };

		if (a[3] % 8 == 7)
			bc.flags = a[3];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_CREATE, &bc);
		if (!ret) {
			pthread_mutex_lock(&st.tab);
			st.bo[a[1] % NBO].fd = a[0] % NFD;
			st.bo[a[1] % NBO].handle = bc.handle;
			pthread_mutex_unlock(&st.tab);
		}
		break;
	}
	case OP_GEM_CLOSE: {
		struct drm_gem_close gc = { .handle = bo_handle(a[1]) };

		if (a[2] % 8 == 7)
			gc.pad = a[2];
		ret = eai_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
		break;
	}
	case OP_BO_INFO: {
		struct drm_edgeai_bo_info bi = { .handle = bo_handle(a[1]) };

		if (a[2] % 8 == 7)
			bi.flags = a[2];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_INFO, &bi);
		break;
	}
	case OP_MMAP: {
		struct drm_edgeai_bo_info bi = { .handle = bo_handle(a[1]) };
		uint64_t len;
		uint8_t *p;

		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_INFO, &bi);
		if (ret)
			break;
		len = a[2] % 4 == 3 ? bi.size + 4096 : bi.size;
		if (len > (16U << 20))
			len = 16U << 20;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 bi.mmap_offset + (a[2] % 4 == 2 ? 4096 : 0));
		if (p == MAP_FAILED) {
			ret = -errno;
			break;
		}
		/* touch it only where the object is: elsewhere is SIGBUS */
		if (a[2] % 4 < 2 && bi.size)
			p[a[3] % bi.size] = (uint8_t)a[4];
		munmap(p, len);
		break;
	}
	case OP_PREP: {
		struct drm_edgeai_bo_prep bp = {
			.handle = bo_handle(a[1]), .op = a[2] % 5, .timeout_ns = timeout_of(a[3]),
		};

		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_PREP, &bp);
		break;
	}
	case OP_FINI: {
		struct drm_edgeai_bo_fini bf = { .handle = bo_handle(a[1]) };

		if (a[2] % 8 == 7)
			bf.flags = a[2];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_BO_FINI, &bf);
		break;
	}
	case OP_PROG_CREATE:
		ret = do_program_create(c, fd);
		break;
	case OP_PROG_DESTROY: {
		struct drm_edgeai_program_destroy pd = { 0 };

		pthread_mutex_lock(&st.tab);
		pd.handle = st.prog[a[1] % NPROG].handle;
		pthread_mutex_unlock(&st.tab);
		if (a[2] % 8 == 7)
			pd.flags = a[2];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &pd);
		break;
	}
	case OP_SUBMIT_CMD:
	case OP_SUBMIT_PROG: {
		struct drm_edgeai_bo_ref refs[2];
		struct drm_edgeai_cmd cmds[4] = { 0 };
		struct drm_edgeai_submit s;
		struct call cc = *c;

		if (c->op == OP_SUBMIT_PROG)
			cc.a[0] = a[1];	/* the program slot */
		build_submit(&s, refs, cmds, &cc, c->op == OP_SUBMIT_PROG);
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_SUBMIT, &s);
		if (!ret)
			remember_job(a[0] % NFD, s.job_id);
		break;
	}
	case OP_URING:
		ret = do_uring(w, c, fd);
		break;
	case OP_WAIT: {
		struct drm_edgeai_wait wt = { .timeout_ns = timeout_of(a[2]) };

		pthread_mutex_lock(&st.tab);
		wt.job_id = st.job[a[1] % NJOB].handle;
		pthread_mutex_unlock(&st.tab);
		if (a[3] % 8 == 7)
			wt.job_id = rnd_value(&(uint64_t){ a[3] });
		if (a[3] % 8 == 6)
			wt.flags = a[3];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_WAIT, &wt);
		break;
	}
	case OP_SYNC_CREATE: {
		struct drm_syncobj_create sc = {
			.flags = a[2] % 4 == 3 ? 0 : DRM_SYNCOBJ_CREATE_SIGNALED,
		};

		ret = eai_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
		if (!ret) {
			pthread_mutex_lock(&st.tab);
			st.sync[a[1] % NSYNC].fd = a[0] % NFD;
			st.sync[a[1] % NSYNC].handle = sc.handle;
			pthread_mutex_unlock(&st.tab);
		}
		break;
	}
	case OP_SYNC_DESTROY:
	case OP_SYNC_WAIT: {
		uint32_t h;

		pthread_mutex_lock(&st.tab);
		h = st.sync[a[1] % NSYNC].handle;
		pthread_mutex_unlock(&st.tab);
		if (c->op == OP_SYNC_DESTROY)
			ret = eai_syncobj_destroy(fd, h);
		else
			ret = eai_syncobj_wait(fd, h, timeout_of(a[2]));
		break;
	}
	case OP_EXPORT: {
		int dmabuf = -1;

		ret = eai_prime_export(fd, bo_handle(a[1]), &dmabuf);
		if (!ret) {
			pthread_mutex_lock(&st.tab);
			if (st.dmabuf[a[2] % NDMABUF] >= 0)
				close(st.dmabuf[a[2] % NDMABUF]);
			st.dmabuf[a[2] % NDMABUF] = dmabuf;
			pthread_mutex_unlock(&st.tab);
		}
		break;
	}
	case OP_IMPORT: {
		uint32_t h = 0;

		/* the dma-buf stays open while it is used: the table lock is held */
		pthread_mutex_lock(&st.tab);
		ret = eai_prime_import(fd, st.dmabuf[a[2] % NDMABUF], &h);
		if (!ret) {
			st.bo[a[1] % NBO].fd = a[0] % NFD;
			st.bo[a[1] % NBO].handle = h;
		}
		pthread_mutex_unlock(&st.tab);
		break;
	}
	case OP_DMABUF_CLOSE:
		pthread_mutex_lock(&st.tab);
		ret = -EBADF;
		if (st.dmabuf[a[2] % NDMABUF] >= 0) {
			close(st.dmabuf[a[2] % NDMABUF]);
			st.dmabuf[a[2] % NDMABUF] = -1;
			ret = 0;
		}
		pthread_mutex_unlock(&st.tab);
		break;
	case OP_POLICY: {
		struct drm_edgeai_policy p = {
			.flags = a[1] % 8, .priority = a[2] % 4, .weight = a[3] % 12000,
			.quota_ns = a[4] % 4 ? 0 : 200000000ULL, .period_ns = 1000000000ULL,
		};

		if (a[5] % 8 == 7)
			p.client = a[5];
		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p);
		break;
	}
	case OP_PARAM: {
		struct drm_edgeai_get_param gp = { .param = a[1] % 16, .pad = a[2] % 8 == 7 };

		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp);
		break;
	}
	case OP_CLIENT: {
		struct drm_edgeai_client_info ci = { .client = a[1] % 4 == 3 ? a[2] : 0 };

		ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_GET_CLIENT, &ci);
		break;
	}
	case OP_RAW:
		ret = do_raw(c, fd);
		break;
	case OP_FAULT:
		/* one job of a device completes with -EIO (no hangs: 1 s each) */
		ret = have_fault_knobs ? fault_knob(minors[a[1] % nminors], "fault_fail", "1") :
		      -ENOENT;
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	pthread_rwlock_unlock(&st.lock);
	return ret;
}

/* --- KCOV */

static bool kcov_on;
static uint64_t text_lo, text_hi;
static uint64_t *pcset;
static uint64_t pcs_seen;

static int kcov_open(struct worker *w)
{
	w->kcov_fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (w->kcov_fd < 0)
		return -errno;
	if (ioctl(w->kcov_fd, KCOV_INIT_TRACE, KCOV_WORDS))
		return -errno;
	w->kcov = mmap(NULL, KCOV_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		       MAP_SHARED, w->kcov_fd, 0);
	if (w->kcov == MAP_FAILED)
		return -errno;
	if (ioctl(w->kcov_fd, KCOV_ENABLE, KCOV_TRACE_PC))
		return -errno;
	return 0;
}

/* edgeai's text: /proc/modules (base and size of the module's memory). */
static int module_range(void)
{
	char line[512];
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned long size;
		unsigned long long base;

		if (sscanf(line, "%63s %lu %*s %*s %*s %llx", name, &size, &base) == 3 &&
		    !strcmp(name, "edgeai")) {
			text_lo = base;
			text_hi = base + size;
		}
	}
	fclose(f);
	return text_lo ? 0 : -ENOENT;
}

/*
 * --dump-pcs: every PC seen, as an offset into edgeai.ko's .text section
 * (/sys/module/edgeai/sections/.text), for addr2line -j .text on the host.
 */
static void dump_pcs(void)
{
	char buf[64];
	uint64_t text = 0;

	if (!eai_read_file("/sys/module/edgeai/sections/.text", buf, sizeof(buf)))
		text = strtoull(buf, NULL, 16);
	if (!text) {
		printf("# no /sys/module/edgeai/sections/.text: PCs not dumped\n");
		return;
	}
	for (uint64_t k = 0; k < (1 << PCSET_BITS); k++)
		if (pcset[k] >= text && pcset[k] < text_hi)
			printf("# pc 0x%" PRIx64 "\n", pcset[k] - text);
}

/* Adds the new module PCs of @w's trace to the set; returns how many. */
static unsigned int kcov_collect(struct worker *w)
{
	uint64_t n = __atomic_load_n(&w->kcov[0], __ATOMIC_RELAXED);
	unsigned int fresh = 0;

	if (n >= KCOV_WORDS)
		n = KCOV_WORDS - 1;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pc = w->kcov[i + 1], k;

		if (pc < text_lo || pc >= text_hi)
			continue;
		k = (pc * 0x9e3779b97f4a7c15ULL) >> (64 - PCSET_BITS);
		while (pcset[k] && pcset[k] != pc)
			k = (k + 1) & ((1 << PCSET_BITS) - 1);
		if (!pcset[k]) {
			pcset[k] = pc;
			pcs_seen++;
			fresh++;
		}
	}
	return fresh;
}

/* --- splats */

static int kmsg_fd = -1;
static char splat_line[512];

static const char *const splat_pats[] = {
	"WARNING:", "BUG:", "Oops", "KASAN", "UBSAN", "general protection",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "INFO: task", "suspicious RCU",
	"refcount_t:", "list_add corruption", "list_del corruption",
	"kernel BUG",
};

/* True when /dev/kmsg got a splat line since the last call. */
static bool kmsg_splat(void)
{
	char rec[2048];
	bool found = false;
	ssize_t n;

	if (kmsg_fd < 0)
		return false;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			break;
		}
		rec[n] = 0;
		/* QEMU TCG's single-step #DB leak, not the kernel's (tests/vm/lib.sh) */
		if (strstr(rec, "exc_debug_kernel"))
			continue;
		for (size_t i = 0; i < sizeof(splat_pats) / sizeof(splat_pats[0]); i++) {
			if (strstr(rec, splat_pats[i])) {
				const char *msg = strchr(rec, ';');

				if (!found)
					snprintf(splat_line, sizeof(splat_line), "%.500s",
						 msg ? msg + 1 : rec);
				found = true;
			}
		}
	}
	for (char *p = splat_line; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return found;
}

/* --- running an input */

static const struct input *cur;
static pthread_barrier_t start_bar, done_bar;
static bool quit;
static volatile unsigned long exec_seq;
static unsigned int fresh_pcs[NTHREADS];

static void state_reset(void)
{
	for (int i = 0; i < NFD; i++)
		st.fds[i] = -1;
	memset(st.bo, 0, sizeof(st.bo));
	memset(st.prog, 0, sizeof(st.prog));
	memset(st.sync, 0, sizeof(st.sync));
	memset(st.job, 0, sizeof(st.job));
	for (int i = 0; i < NDMABUF; i++)
		st.dmabuf[i] = -1;
	st.next_job = 0;
}

/* Close what an input left open; jobs still queued finish on their own. */
static void state_release(void)
{
	for (int i = 0; i < NDMABUF; i++)
		if (st.dmabuf[i] >= 0)
			close(st.dmabuf[i]);
	for (int i = 0; i < NFD; i++)
		if (st.fds[i] >= 0)
			close(st.fds[i]);
	state_reset();
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };

	w->ring_ok[0] = !io_uring_queue_init_params(16, &w->ring[0], &p);
	w->ring_ok[1] = !io_uring_queue_init(8, &w->ring[1], 0);
	if (kcov_on && kcov_open(w)) {
		fprintf(stderr, "# kcov on thread %d failed: %s\n", w->id, strerror(errno));
		kcov_on = false;
	}
	for (;;) {
		pthread_barrier_wait(&start_bar);
		if (quit)
			break;
		if (kcov_on)
			__atomic_store_n(&w->kcov[0], 0, __ATOMIC_RELAXED);
		for (unsigned int i = 0; i < cur->n; i++) {
			const struct call *c = &cur->c[i];
			int ret;

			if (c->thr % NTHREADS != (unsigned int)w->id || c->op >= OP_COUNT)
				continue;
			ret = run_call(w, c);
			pthread_mutex_lock(&stats_lock);
			calls_made[c->op]++;
			calls_ok[c->op] += ret == 0;
			if (ret < 0 && ret > -160)
				calls_err[c->op][-ret]++;
			pthread_mutex_unlock(&stats_lock);
		}
		reap_ring(w, 0, 2000);
		reap_ring(w, 1, 2000);
		fresh_pcs[w->id] = 0;
		pthread_barrier_wait(&done_bar);
	}
	for (int k = 0; k < 2; k++)
		if (w->ring_ok[k])
			io_uring_queue_exit(&w->ring[k]);
	return NULL;
}

static void print_input(FILE *f, const struct input *in)
{
	for (unsigned int i = 0; i < in->n; i++) {
		const struct call *c = &in->c[i];

		fprintf(f, "t%u %s", c->thr, c->op < OP_COUNT ? op_names[c->op] : "?");
		for (int k = 0; k < 6; k++)
			fprintf(f, " %" PRIu32, c->a[k]);
		fputc('\n', f);
	}
}

static time_t exec_started;

static void *watchdog_main(void *arg)
{
	(void)arg;
	for (;;) {
		sleep(5);
		if (exec_started && time(NULL) - exec_started > EXEC_LIMIT_S) {
			printf("# finding begin hang\n# an input did not finish in %d s\n",
			       EXEC_LIMIT_S);
			print_input(stdout, cur);
			printf("# finding end\nnot ok 99 input finished (hang)\n");
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

/* Run @in once; returns the number of new module PCs (KCOV) or 0. */
static unsigned int execute(const struct input *in)
{
	unsigned int fresh = 0;

	state_reset();
	cur = in;
	exec_started = time(NULL);
	pthread_barrier_wait(&start_bar);
	pthread_barrier_wait(&done_bar);
	if (kcov_on)
		for (int i = 0; i < NTHREADS; i++)
			fresh += kcov_collect(&workers[i]);
	state_release();
	/* the files' release is done; only their queued jobs may still run */
	exec_started = 0;
	exec_seq++;
	return fresh;
}

/* --- inputs: parse, generate, mutate */

static int parse_input(const char *path, struct input *in)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	memset(in, 0, sizeof(*in));
	while (fgets(line, sizeof(line), f)) {
		char name[32];
		unsigned int thr;
		uint32_t a[6] = { 0 };
		int k;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		k = sscanf(line, "t%u %31s %" SCNu32 " %" SCNu32 " %" SCNu32 " %" SCNu32
			   " %" SCNu32 " %" SCNu32, &thr, name, &a[0], &a[1], &a[2], &a[3],
			   &a[4], &a[5]);
		if (k < 2 || in->n == MAX_CALLS) {
			fclose(f);
			return -EINVAL;
		}
		for (k = 0; k < OP_COUNT; k++)
			if (!strcmp(name, op_names[k]))
				break;
		if (k == OP_COUNT) {
			fclose(f);
			return -EINVAL;
		}
		in->c[in->n].op = k;
		in->c[in->n].thr = thr % NTHREADS;
		memcpy(in->c[in->n].a, a, sizeof(a));
		in->n++;
	}
	fclose(f);
	return in->n ? 0 : -EINVAL;
}

static unsigned int weight_sum;

static void gen_call(uint64_t *r, struct call *c)
{
	uint32_t x = rnd_below(r, weight_sum);

	for (c->op = 0; c->op < OP_COUNT - 1 && x >= op_weight[c->op]; c->op++)
		x -= op_weight[c->op];
	if (c->op == OP_FAULT && !have_fault_knobs)
		c->op = OP_PARAM;

	c->thr = rnd_below(r, 4) == 0;
	/* small slot numbers most of the time, so calls meet each other's handles */
	for (int k = 0; k < 6; k++)
		c->a[k] = rnd_below(r, 3) ? rnd_below(r, 4) : (uint32_t)rnd_next(r);
	/* the prologue's BOs, program and job slots are 0 and 1 */
	for (int k = 1; k < 3; k++)
		if (rnd_below(r, 4))
			c->a[k] = rnd_below(r, 2);
	/* two different BOs mostly: one bound twice is refused at once */
	if ((c->op == OP_SUBMIT_CMD || c->op == OP_SUBMIT_PROG || c->op == OP_URING) &&
	    rnd_below(r, 4))
		c->a[2] = c->a[1] ^ 1;
	/* the dma-buf slot the prologue's export fills */
	if ((c->op == OP_IMPORT || c->op == OP_DMABUF_CLOSE) && rnd_below(r, 2))
		c->a[2] = 0;
	/* fd slot 0 mostly: it is opened first */
	if (rnd_below(r, 4))
		c->a[0] = c->op == OP_OPEN || c->op == OP_CLOSE ? 1 + rnd_below(r, NFD - 1) : 0;
}

static void add_call(struct input *in, enum op op, uint32_t a0, uint32_t a1, uint32_t a2)
{
	struct call *c = &in->c[in->n++];

	c->op = op;
	c->a[0] = a0;
	c->a[1] = a1;
	c->a[2] = a2;
}

static void gen_input(uint64_t *r, struct input *in)
{
	memset(in, 0, sizeof(*in));
	/* open one or two devices first */
	add_call(in, OP_OPEN, 0, rnd_below(r, 8), 0);
	if (rnd_below(r, 2))
		add_call(in, OP_OPEN, 1, rnd_below(r, 8), 0);
	/* mostly the resources a job needs, so later calls get past the checks */
	if (rnd_below(r, 4)) {
		add_call(in, OP_BO_CREATE, 0, 0, 0);
		add_call(in, OP_BO_CREATE, 0, 1, rnd_below(r, 2));
		add_call(in, OP_SYNC_CREATE, 0, 0, 0);
		add_call(in, OP_PROG_CREATE, 0, 0, rnd_below(r, TPL_COUNT));
		in->c[in->n - 1].a[4] = 1 + rnd_below(r, 2);
		if (!rnd_below(r, 3))
			add_call(in, OP_EXPORT, 0, rnd_below(r, 2), 0);
	}
	for (unsigned int want = 4 + rnd_below(r, 20); in->n < want; in->n++)
		gen_call(r, &in->c[in->n]);
}

static void mutate_input(uint64_t *r, struct input *in, const struct input *other)
{
	unsigned int n = 1 + rnd_below(r, 4);

	for (unsigned int i = 0; i < n; i++) {
		switch (rnd_below(r, 6)) {
		case 0:	/* insert a call */
			if (in->n < MAX_CALLS) {
				unsigned int at = rnd_below(r, in->n + 1);

				memmove(&in->c[at + 1], &in->c[at],
					(in->n - at) * sizeof(in->c[0]));
				gen_call(r, &in->c[at]);
				in->n++;
			}
			break;
		case 1:	/* drop a call */
			if (in->n > 1) {
				unsigned int at = rnd_below(r, in->n);

				memmove(&in->c[at], &in->c[at + 1],
					(in->n - at - 1) * sizeof(in->c[0]));
				in->n--;
			}
			break;
		case 2:	/* splice: the tail of another input */
			if (other && other->n) {
				unsigned int at = rnd_below(r, in->n + 1);
				unsigned int from = rnd_below(r, other->n);

				while (at < MAX_CALLS && from < other->n)
					in->c[at++] = other->c[from++];
				if (at > in->n)
					in->n = at;
			}
			break;
		case 3:	/* other thread */
			in->c[rnd_below(r, in->n)].thr ^= 1;
			break;
		default: {	/* an argument */
			struct call *c = &in->c[rnd_below(r, in->n)];
			int k = rnd_below(r, 6);

			c->a[k] = rnd_below(r, 2) ? rnd_below(r, 8) :
				  rnd_below(r, 2) ? c->a[k] ^ (1U << rnd_below(r, 32)) :
				  (uint32_t)rnd_next(r);
			break;
		}
		}
	}
}

/* --- findings */

static const char *findings_dir;
static unsigned int nfindings;

static bool reproduces(const struct input *in)
{
	for (int i = 0; i < 3; i++) {
		execute(in);
		if (kmsg_splat())
			return true;
	}
	return false;
}

/* Drop calls while the splat still comes; print and save the result. */
static void report_finding(const struct input *in, const char *what)
{
	struct input min = *in;
	char first[512];

	snprintf(first, sizeof(first), "%s", what);
	for (int i = (int)min.n - 1; i >= 0 && min.n > 1; i--) {
		struct input t = min;

		memmove(&t.c[i], &t.c[i + 1], (t.n - i - 1) * sizeof(t.c[0]));
		t.n--;
		if (reproduces(&t))
			min = t;
	}
	nfindings++;
	printf("# finding begin %u\n# edgeai-uapi-fuzz regression input: %s\n", nfindings, first);
	print_input(stdout, &min);
	printf("# finding end\n");
	fflush(stdout);
	if (findings_dir) {
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof(path), "%s/finding-%u.txt", findings_dir, nfindings);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "# edgeai-uapi-fuzz regression input: %s\n", first);
			print_input(f, &min);
			fclose(f);
		}
	}
}

/* --- checks after a run */

static int tap_n;

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static bool devices_work(char *why, size_t len)
{
	for (int i = 0; i < nminors; i++) {
		/* a fault the last input armed is not the device's failure */
		if (have_fault_knobs)
			fault_knob(minors[i], "fault_fail", "0");
		int fd = eai_open_minor(minors[i]);
		int ret = fd < 0 ? fd : eai_device_works(fd, 0x5a);

		if (fd >= 0)
			close(fd);
		if (ret) {
			snprintf(why, len, "accel%d: %s", minors[i], strerror(-ret));
			return false;
		}
	}
	return true;
}

/* Lines of a debugfs table past its header: what clients still hold. */
static int debugfs_rows(int minor, const char *name)
{
	char path[PATH_MAX], buf[8192];
	int rows = 0;

	if (eai_debugfs_path(minor, name, path, sizeof(path)) ||
	    eai_read_file(path, buf, sizeof(buf)))
		return -1;
	for (char *p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
		rows++;
	return rows;
}

static bool nothing_left(char *why, size_t len)
{
	/* the last input's jobs may still be finishing */
	for (int tries = 0; tries < 50; tries++) {
		bool clean = true;

		why[0] = 0;
		for (int i = 0; i < nminors; i++) {
			int bos = debugfs_rows(minors[i], "bos");
			int jobs = debugfs_rows(minors[i], "jobs");

			if (bos > 0 || jobs > 0) {
				snprintf(why, len, "accel%d: %d bos, %d jobs still listed",
					 minors[i], bos, jobs);
				clean = false;
			}
		}
		if (clean)
			return true;
		usleep(100000);
	}
	return false;
}

static void find_devices(void)
{
	for (int m = 0; m < EAI_MAX_DEVS; m++) {
		char name[32];
		int fd = eai_open_minor(m);

		if (fd < 0)
			continue;
		if (!eai_drm_name(fd, name, sizeof(name)) && !strcmp(name, "edgeai"))
			minors[nminors++] = m;
		close(fd);
	}
	if (nminors) {
		char p[PATH_MAX];

		have_fault_knobs = !eai_debugfs_path(minors[0], "fault_fail", p, sizeof(p));
	}
}

/*
 * The valid programs the inputs start from must be valid: each template is
 * accepted by at least one device type (they use the NPU's and the DSP's
 * op sets), or the fuzzer would only ever reach the validator's refusals.
 */
static bool templates_accepted(char *why, size_t len)
{
	bool all = true;

	why[0] = 0;
	for (unsigned int t = 0; t < TPL_COUNT; t++) {
		int accepted = 0, last = 0;

		for (int i = 0; i < nminors; i++) {
			struct blob b;
			struct drm_edgeai_program_create pc = { 0 };
			int fd = eai_open_minor(minors[i]);

			if (fd < 0)
				continue;
			make_template(&b, t);
			pc.data = (uintptr_t)b.words;
			pc.size = b.size;
			last = eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc);
			accepted += !last;
			close(fd);
		}
		if (!accepted) {
			snprintf(why + strlen(why), len - strlen(why), "template %u: %s; ", t,
				 strerror(-last));
			all = false;
		}
	}
	return all;
}

static void usage(void)
{
	fprintf(stderr, "usage: edgeai-uapi-fuzz [--seed N] [--seconds N] [--findings DIR] "
		"[--trace] [--no-kcov] [--dump-pcs] [--replay FILE...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, r;
	unsigned int seconds = 30;
	bool trace = false, no_kcov = false, pcs_out = false;
	int replay_from = 0;
	static struct input corpus_buf[CORPUS_MAX];
	unsigned int ncorpus = 0;
	uint64_t execs = 0;
	int64_t t0, t1;
	pthread_t wd;
	char why[256];
	bool replay_ok = true, ok;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--findings") && i + 1 < argc)
			findings_dir = argv[++i];
		else if (!strcmp(argv[i], "--trace"))
			trace = true;
		else if (!strcmp(argv[i], "--no-kcov"))
			no_kcov = true;
		else if (!strcmp(argv[i], "--dump-pcs"))
			pcs_out = true;
		else if (!strcmp(argv[i], "--replay")) {
			replay_from = i + 1;
			break;
		} else {
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	printf("TAP version 13\n");
	find_devices();
	if (!nminors) {
		printf("1..1\nnot ok 1 edgeai devices # none under /dev/accel\n");
		return 1;
	}
	for (unsigned int i = 0; i < OP_COUNT; i++)
		weight_sum += op_weight[i];
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	if (!no_kcov && !replay_from && !access("/sys/kernel/debug/kcov", R_OK | W_OK)) {
		if (module_range())
			printf("# kcov: edgeai not in /proc/modules, no coverage\n");
		else
			kcov_on = true;
	}
	pcset = calloc(1 << PCSET_BITS, sizeof(uint64_t));
	pthread_rwlock_init(&st.lock, NULL);
	pthread_mutex_init(&st.tab, NULL);
	pthread_barrier_init(&start_bar, NULL, NTHREADS + 1);
	pthread_barrier_init(&done_bar, NULL, NTHREADS + 1);
	state_reset();
	for (int i = 0; i < NTHREADS; i++) {
		workers[i].id = i;
		pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	pthread_create(&wd, NULL, watchdog_main, NULL);

	if (replay_from) {
		printf("1..%d\n", argc - replay_from + 1);
		for (int i = replay_from; i < argc; i++) {
			struct input in;
			const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
			int ret = parse_input(argv[i], &in);
			bool splat = false;

			if (ret) {
				tap(false, "replay %s # unreadable: %s", base, strerror(-ret));
				replay_ok = false;
				continue;
			}
			kmsg_splat();
			for (int k = 0; k < 3; k++) {
				execute(&in);
				splat |= kmsg_splat();
			}
			why[0] = 0;
			if (!splat && !devices_work(why, sizeof(why)))
				splat = true;
			tap(!splat, "replay %s (%u calls, 3 runs)%s%s", base, in.n,
			    splat ? " # " : "", splat ? (why[0] ? why : splat_line) : "");
			replay_ok &= !splat;
		}
		why[0] = 0;
		ok = nothing_left(why, sizeof(why));
		tap(ok, "nothing left in debugfs bos/jobs%s%s", ok ? "" : " # ", why);
		return replay_ok && ok ? 0 : 1;
	}

	printf("1..4\n");
	ok = templates_accepted(why, sizeof(why));
	tap(ok, "the %d valid program templates are accepted%s%s", TPL_COUNT, ok ? "" : " # ",
	    why);
	printf("# mode: %s, seed %" PRIu64 ", %u s, %d threads, devices:",
	       kcov_on ? "coverage-guided (KCOV_TRACE_PC on each thread)" :
	       "seeded random generation (no /sys/kernel/debug/kcov: no coverage feedback)",
	       seed, seconds, NTHREADS);
	for (int i = 0; i < nminors; i++)
		printf(" accel%d", minors[i]);
	printf("\n");
	if (kcov_on)
		printf("# kcov: edgeai at 0x%" PRIx64 "..0x%" PRIx64 "\n", text_lo, text_hi);
	r = seed;
	kmsg_splat();
	t0 = eai_now_ns();
	t1 = t0 + (int64_t)seconds * 1000000000LL;
	while (eai_now_ns() < t1) {
		struct input in;
		unsigned int fresh;

		if (kcov_on && ncorpus && rnd_below(&r, 10) < 8) {
			in = corpus_buf[rnd_below(&r, ncorpus)];
			mutate_input(&r, &in, &corpus_buf[rnd_below(&r, ncorpus)]);
		} else {
			gen_input(&r, &in);
		}
		if (trace) {
			printf("# input %" PRIu64 "\n", execs);
			print_input(stdout, &in);
			fflush(stdout);
		}
		fresh = execute(&in);
		execs++;
		if (fresh && ncorpus < CORPUS_MAX)
			corpus_buf[ncorpus++] = in;
		if (kmsg_splat())
			report_finding(&in, splat_line);
	}
	{
		double secs = (eai_now_ns() - t0) / 1e9;
		uint64_t total = 0, ok = 0;

		for (unsigned int i = 0; i < OP_COUNT; i++) {
			int top = 0;

			for (int e = 1; e < 160; e++)
				if (calls_err[i][e] > calls_err[i][top])
					top = e;
			printf("# %-13s %8" PRIu64 " calls, %8" PRIu64 " succeeded", op_names[i],
			       calls_made[i], calls_ok[i]);
			if (top)
				printf(", most often %s (%u)", strerrorname_np(top),
				       calls_err[i][top]);
			printf("\n");
			total += calls_made[i];
			ok += calls_ok[i];
		}
		if (kcov_on)
			printf("# coverage: %" PRIu64 " distinct edgeai PCs, corpus %u inputs\n",
			       pcs_seen, ncorpus);
		if (kcov_on && pcs_out)
			dump_pcs();
		tap(nfindings == 0,
		    "fuzz seed %" PRIu64 " for %.0f s: %" PRIu64 " executions (%.1f/s), %" PRIu64
		    " calls (%" PRIu64 " succeeded), %s%" PRIu64 " module PCs, corpus %u, findings %u",
		    seed, secs, execs, execs / secs, total, ok, kcov_on ? "" : "no KCOV: ",
		    kcov_on ? pcs_seen : 0, ncorpus, nfindings);
	}
	why[0] = 0;
	ok = devices_work(why, sizeof(why));
	tap(ok, "every device still runs a job%s%s", ok ? "" : " # ", why);
	why[0] = 0;
	ok = nothing_left(why, sizeof(why));
	tap(ok, "nothing left in debugfs bos/jobs%s%s", ok ? "" : " # ", why);
	quit = true;
	pthread_barrier_wait(&start_bar);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(workers[i].thread, NULL);
	return nfindings ? 1 : 0;
}
