// SPDX-License-Identifier: GPL-2.0-only
/*
 * edgeai-soak: clients submit real jobs for a fixed time while faults are
 * injected, and every job is accounted for. Runs in the VM.
 *
 * Clients (--clients, default 6) are threads, each with its own open file
 * of the NPU or the DSP (alternately), submitting by ioctl (SUBMIT, WAIT)
 * or by io_uring (EDGEAI_URING_CMD_SUBMIT, one CQE per job: every other
 * client), at priority LOW, NORMAL or HIGH, every fourth with a quota of
 * 2 ms of device time per 10 ms period (its refused submits, -EDQUOT, are
 * counted, not submitted). Each keeps three jobs in flight: on the NPU a
 * program (a RESHAPE of 4 KiB, output = input byte for byte) or a command
 * job, on the DSP command jobs (FILL the input with a value, COPY it to the
 * output). Inputs differ per job; the output of every job that succeeded
 * is compared with what it must be.
 *
 * Meanwhile the main thread, every 1.5-3 s (from --seed), makes one job
 * of a device fail (fault_fail: -EIO), makes one hang (fault_hang: the
 * job timeout resets the core: -ETIMEDOUT for it, -ECANCELED for others,
 * and its file is guilty: -EBADFD until reopened), or unbinds the NPU from
 * its driver and binds it again (-ENODEV: clients drain and reopen).
 *
 * Accounting: a job is submitted when SUBMIT returned 0 (ioctl) or when
 * its SQE was taken (io_uring: a CQE with -EDQUOT or -EBUSY is a refusal,
 * not a job). Each submitted job must end exactly once with a status: 0,
 * -EIO, -ETIMEDOUT, -ECANCELED, or -ENODEV (the device was unbound under
 * it; WAIT on an unplugged file says so). Lost: no end within 30 s of the
 * run's end; duplicated: a second CQE for one job, or a job id handed out
 * twice. Resets are counted from reset_count (summed over the device's
 * binds). At the end nothing may be left: no BO or job in debugfs, no
 * more open files (a GEM object holds a shmem file) than before, and no
 * new splat in /dev/kmsg.
 *
 * SIGINT or SIGTERM ends the run before --seconds (the e2e board's daemon
 * restarts end it once done: tests/e2e/restart.sh); the drain and the
 * checks are the same. Prints TAP and a "# soak-json: {...}" line
 * (tests/soak/run.sh writes it to build/soak.json).
 */
#include <inttypes.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>

#include "drm/edgeai_program.h"
#include "edgeai_test.h"

#define DRV "/sys/bus/platform/drivers/edgeai"
#define SZ 4096
#define DEPTH 3
#define MAX_CLIENTS 32
#define DRAIN_MS 30000

struct slot {
	uint32_t in, out;
	uint8_t *min, *mout;
	bool busy;
	bool program;
	uint8_t val;
	uint64_t id;	/* job id (ioctl) or user_data (io_uring) */
};

struct client {
	int idx;
	pthread_t thread;
	uint32_t type;
	bool uring;
	uint32_t prio;
	bool quota;
	int fd;
	uint32_t prog;
	struct io_uring ring;
	bool ring_ok;
	struct slot s[DEPTH];
	uint64_t seq, last_id;
	/* counters */
	uint64_t submitted, refused, ok, eio, timedout, canceled, enodev;
	uint64_t lost, dup, wrong, unexpected, reopens;
	int last_unexpected;
};

static struct client clients[MAX_CLIENTS];
static int nclients = 6;
static atomic_bool stop;
/* SIGINT or SIGTERM: end the run now, with the accounting of its end */
static volatile sig_atomic_t end_early;

static void on_end_signal(int sig)
{
	(void)sig;
	end_early = 1;
}
static char npu_bus[128];

static const char *const splat_pats[] = {
	"WARNING:", "BUG:", "Oops", "KASAN", "UBSAN", "general protection",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "INFO: task", "suspicious RCU",
	"refcount_t:", "list_add corruption", "list_del corruption", "kernel BUG",
};

static int kmsg_splats(int fd, char *first, size_t len)
{
	char rec[2048];
	int n = 0;
	ssize_t r;

	while ((r = read(fd, rec, sizeof(rec) - 1)) != 0) {
		if (r < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[r] = 0;
		if (strstr(rec, "exc_debug_kernel"))	/* QEMU TCG's #DB leak */
			continue;
		for (size_t i = 0; i < sizeof(splat_pats) / sizeof(splat_pats[0]); i++) {
			if (strstr(rec, splat_pats[i])) {
				if (!n++)
					snprintf(first, len, "%.200s", rec);
				break;
			}
		}
	}
	return n;
}

/* A RESHAPE of int8 [1,16,16,16] (slot 0) to [1,1,1,4096] (slot 1). */
static uint64_t prog_blob[(64 + 2 * 48 + 128) / 8];

static void make_program(void)
{
	struct edgeai_prog_header *h = (void *)prog_blob;
	struct edgeai_prog_tensor *t = (void *)((uint8_t *)prog_blob + 64);
	struct edgeai_prog_op *op = (void *)((uint8_t *)prog_blob + 64 + 96);

	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = sizeof(prog_blob);
	h->tensor_count = 2;
	h->op_count = 1;
	h->tensor_offset = 64;
	h->op_offset = 64 + 96;
	h->const_offset = sizeof(prog_blob);
	h->slot_count = 2;
	t[0].dtype = EDGEAI_DTYPE_INT8;
	t[0].slot = 0;
	t[0].dims[0] = 1, t[0].dims[1] = 16, t[0].dims[2] = 16, t[0].dims[3] = 16;
	t[1].dtype = EDGEAI_DTYPE_INT8;
	t[1].slot = 1;
	t[1].dims[0] = 1, t[1].dims[1] = 1, t[1].dims[2] = 1, t[1].dims[3] = SZ;
	op->opcode = EDGEAI_OP_RESHAPE;
	for (unsigned int i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		op->inputs[i] = EDGEAI_PROG_NO_TENSOR;
	op->inputs[0] = 0;
	op->output = 1;
}

static uint8_t pattern(uint8_t val, unsigned int i)
{
	return (uint8_t)(val * 31 + i * 7 + (i >> 8));
}

static void client_close(struct client *c)
{
	for (int i = 0; i < DEPTH; i++) {
		if (c->s[i].min)
			munmap(c->s[i].min, SZ);
		if (c->s[i].mout)
			munmap(c->s[i].mout, SZ);
		memset(&c->s[i], 0, sizeof(c->s[i]));
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->prog = 0;
}

/* Open the client's device and set up its policy, buffers and program. */
static int client_open(struct client *c)
{
	int ret;

	c->fd = eai_open_type(c->type);
	if (c->fd < 0)
		return c->fd;
	{
		struct drm_edgeai_policy p = {
			.flags = DRM_EDGEAI_POLICY_PRIORITY, .priority = c->prio,
		};

		if (c->quota) {
			p.flags |= DRM_EDGEAI_POLICY_QUOTA;
			p.quota_ns = 2000000;
			p.period_ns = 10000000;
		}
		ret = eai_ioctl(c->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p);
		if (ret)
			goto fail;
	}
	for (int i = 0; i < DEPTH; i++) {
		struct slot *s = &c->s[i];

		ret = eai_bo_create(c->fd, SZ, &s->in);
		if (!ret)
			ret = eai_bo_create(c->fd, SZ, &s->out);
		if (ret)
			goto fail;
		s->min = eai_bo_map(c->fd, s->in, NULL);
		s->mout = eai_bo_map(c->fd, s->out, NULL);
		if (!s->min || !s->mout) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (c->type == DRM_EDGEAI_DEVICE_NPU) {
		struct drm_edgeai_program_create pc = {
			.data = (uintptr_t)prog_blob, .size = sizeof(prog_blob),
		};

		ret = eai_ioctl(c->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc);
		if (ret)
			goto fail;
		c->prog = pc.handle;
	}
	return 0;
fail:
	client_close(c);
	return ret;
}

static void check_output(struct client *c, struct slot *s)
{
	bool good = true;
	int pret = eai_bo_prep(c->fd, s->out, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000));

	/* after an unbind the pages stay readable, without PREP */
	for (unsigned int i = 0; i < SZ && good; i++)
		good = s->mout[i] == (s->program ? pattern(s->val, i) : s->val);
	if (!pret)
		eai_bo_fini(c->fd, s->out);
	if (good)
		c->ok++;
	else
		c->wrong++;
}

/* The end of a submitted job, with its status. */
static void job_done(struct client *c, struct slot *s, int status)
{
	s->busy = false;
	switch (status) {
	case 0:
		check_output(c, s);
		break;
	case -EIO:
		c->eio++;
		break;
	case -ETIMEDOUT:
		c->timedout++;
		break;
	case -ECANCELED:
		c->canceled++;
		break;
	case -ENODEV:
		c->enodev++;
		break;
	default:
		c->unexpected++;
		c->last_unexpected = status;
		break;
	}
}

static struct slot *slot_by_id(struct client *c, uint64_t id)
{
	for (int i = 0; i < DEPTH; i++)
		if (c->s[i].busy && c->s[i].id == id)
			return &c->s[i];
	return NULL;
}

static int busy_count(struct client *c)
{
	int n = 0;

	for (int i = 0; i < DEPTH; i++)
		n += c->s[i].busy;
	return n;
}

/*
 * Reap completions. io_uring: CQEs (a refusal returns its slot, a CQE for
 * no outstanding job is a duplicate); ioctl: WAIT on the oldest job.
 * @wait_ms: how long to wait for the first one.
 */
static void reap(struct client *c, int wait_ms)
{
	if (c->uring) {
		struct __kernel_timespec ts = {
			.tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000LL,
		};
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe_timeout(&c->ring, &cqe, &ts))
			return;
		do {
			struct slot *s = slot_by_id(c, cqe->user_data);
			int res = cqe->res;

			io_uring_cqe_seen(&c->ring, cqe);
			if (!s) {
				c->dup++;
			} else if (res == -EDQUOT || res == -EBUSY || res == -EBADFD) {
				/* refused at submit: not a job */
				s->busy = false;
				c->submitted--;
				c->refused++;
				if (res == -EBADFD)
					c->reopens |= 1ULL << 63;	/* reopen flag */
			} else {
				job_done(c, s, res);
			}
		} while (!io_uring_peek_cqe(&c->ring, &cqe));
		return;
	}
	{
		struct slot *oldest = NULL;
		int32_t status = 0;
		int ret;

		for (int i = 0; i < DEPTH; i++)
			if (c->s[i].busy && (!oldest || c->s[i].id < oldest->id))
				oldest = &c->s[i];
		if (!oldest)
			return;
		ret = eai_wait(c->fd, oldest->id, eai_deadline_ms(wait_ms), &status, NULL);
		if (ret == -ETIME)
			return;
		if (ret == -ENODEV)
			job_done(c, oldest, -ENODEV);	/* the device was unbound under it */
		else if (ret)
			job_done(c, oldest, ret);
		else
			job_done(c, oldest, status);
	}
}

/* Wait for every outstanding job (at most DRAIN_MS); the rest are lost. */
static void drain(struct client *c)
{
	int64_t end = eai_now_ns() + DRAIN_MS * 1000000LL;

	while (busy_count(c) && eai_now_ns() < end)
		reap(c, 500);
	for (int i = 0; i < DEPTH; i++) {
		if (c->s[i].busy) {
			c->lost++;
			c->s[i].busy = false;
		}
	}
}

static int submit_one(struct client *c, struct slot *s)
{
	struct drm_edgeai_bo_ref refs[2] = {
		{ .handle = s->in, .flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE },
		{ .handle = s->out, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_cmd cmds[2];
	struct drm_edgeai_submit sub;
	int ret;

	s->val = (uint8_t)(c->seq * 13 + c->idx * 101 + 1);
	s->program = c->prog && (c->seq % 2);
	c->seq++;
	/* fresh output, and the program's input, written by the CPU */
	if (!eai_bo_prep(c->fd, s->out, DRM_EDGEAI_PREP_WRITE, eai_deadline_ms(5000))) {
		memset(s->mout, 0, SZ);
		eai_bo_fini(c->fd, s->out);
	}
	if (s->program) {
		ret = eai_bo_prep(c->fd, s->in, DRM_EDGEAI_PREP_WRITE, eai_deadline_ms(5000));
		if (ret)
			return ret;
		for (unsigned int i = 0; i < SZ; i++)
			s->min[i] = pattern(s->val, i);
		eai_bo_fini(c->fd, s->in);
		sub = eai_submit_args(refs, 2, NULL, 0);
		sub.cmds = 0;
		sub.flags = DRM_EDGEAI_SUBMIT_PROGRAM;
		sub.program_handle = c->prog;
	} else {
		cmds[0] = eai_cmd_fill(0, 0, SZ, s->val);
		cmds[1] = eai_cmd_copy(1, 0, 0, 0, SZ);
		sub = eai_submit_args(refs, 2, cmds, 2);
	}
	if (c->uring) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

		if (!sqe)
			return -EBUSY;
		memset(sqe, 0, 128);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = c->fd;
		sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
		memcpy(sqe->cmd, &sub, sizeof(sub));
		s->id = ((uint64_t)c->idx << 48) | c->seq;
		sqe->user_data = s->id;
		ret = io_uring_submit(&c->ring);
		if (ret != 1)
			return ret < 0 ? ret : -EIO;
		s->busy = true;
		c->submitted++;
		return 0;
	}
	ret = eai_submit(c->fd, &sub, &s->id);
	if (ret)
		return ret;
	if (s->id <= c->last_id)
		c->dup++;	/* a job id handed out twice */
	c->last_id = s->id;
	s->busy = true;
	c->submitted++;
	return 0;
}

static void reopen(struct client *c)
{
	drain(c);
	client_close(c);
	c->last_id = 0;
	c->reopens = (c->reopens & ~(1ULL << 63)) + 1;
	while (!atomic_load(&stop) && client_open(c))
		usleep(50000);
}

static void *client_main(void *arg)
{
	struct client *c = arg;

	if (c->uring) {
		struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };

		c->ring_ok = !io_uring_queue_init_params(2 * DEPTH, &c->ring, &p);
		if (!c->ring_ok) {
			c->unexpected++;
			return NULL;
		}
	}
	while (!atomic_load(&stop) && client_open(c))
		usleep(50000);
	while (!atomic_load(&stop)) {
		bool want_reopen = false;

		for (int i = 0; i < DEPTH && !want_reopen; i++) {
			int ret;

			if (c->s[i].busy)
				continue;
			ret = submit_one(c, &c->s[i]);
			if (ret == -EDQUOT || ret == -EBUSY) {
				c->refused++;
				usleep(1000);
			} else if (ret == -EBADFD || ret == -ENODEV) {
				want_reopen = true;
			} else if (ret) {
				c->unexpected++;
				c->last_unexpected = ret;
				want_reopen = true;
			}
		}
		if (c->reopens >> 63)
			want_reopen = true;
		if (want_reopen) {
			reopen(c);
			continue;
		}
		reap(c, 200);
	}
	drain(c);
	client_close(c);
	if (c->ring_ok)
		io_uring_queue_exit(&c->ring);
	return NULL;
}

static int drv_write(const char *what, const char *bus)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DRV "/%s", what);
	return eai_write_file(path, bus);
}

static uint64_t reset_counts(void)
{
	uint64_t sum = 0;

	for (int m = 0; m < EAI_MAX_DEVS; m++) {
		char buf[64];

		if (!eai_sysfs_read(m, "reset_count", buf, sizeof(buf)))
			sum += strtoull(buf, NULL, 10);
	}
	return sum;
}

static long open_files(void)
{
	char buf[128];

	if (eai_read_file("/proc/sys/fs/file-nr", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/* Shmem: in /proc/meminfo, kB: GEM objects' pages are shmem pages. */
static long shmem_kb(void)
{
	char buf[4096];
	const char *p;

	if (eai_read_file("/proc/meminfo", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "\nShmem:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

static int debugfs_rows(const char *name)
{
	int rows = 0;

	for (int m = 0; m < EAI_MAX_DEVS; m++) {
		char path[PATH_MAX], buf[8192];

		if (eai_debugfs_path(m, name, path, sizeof(path)) ||
		    eai_read_file(path, buf, sizeof(buf)))
			continue;
		for (char *p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
			rows++;
	}
	return rows;
}

static int knob(uint32_t type, const char *name, const char *val)
{
	char path[PATH_MAX];
	int m = eai_find_minor(type);

	if (m < 0)
		return m;
	if (eai_debugfs_path(m, name, path, sizeof(path)))
		return -ENOENT;
	return eai_write_file(path, val);
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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

int main(int argc, char **argv)
{
	unsigned int seconds = 30;
	uint64_t seed = 1, r;
	bool faults = true, unbind = true;
	uint64_t fails = 0, hangs = 0, unbinds = 0, resets = 0, unbind_fail = 0, resets0;
	long files0, files1, shmem0, shmem1;
	int kmsg, splats;
	char splat[256] = "";
	struct client tot = { 0 };
	int64_t t0, t_end;
	sigset_t ends;
	int npu;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
			nclients = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--no-faults"))
			faults = false;
		else if (!strcmp(argv[i], "--no-unbind"))
			unbind = false;
		else {
			fprintf(stderr, "usage: edgeai-soak [--seconds N] [--clients N] [--seed N] "
				"[--no-faults] [--no-unbind]\n");
			return 2;
		}
	}
	if (nclients < 1 || nclients > MAX_CLIENTS)
		nclients = 6;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_handler = on_end_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	printf("TAP version 13\n1..7\n");
	make_program();
	npu = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	if (npu < 0 || eai_find_minor(DRM_EDGEAI_DEVICE_DSP) < 0) {
		tap(false, "an NPU and a DSP # not found");
		return 1;
	}
	if (eai_bus_name(npu, npu_bus, sizeof(npu_bus)) || access(DRV "/unbind", W_OK))
		unbind = false;
	files0 = open_files();
	shmem0 = shmem_kb();
	/* earlier tests' resets: each device's count is added once, at its unbind or the end */
	resets0 = reset_counts();
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	printf("# %d clients, %u s, seed %" PRIu64 ", faults %s, unbind/bind of %s %s\n",
	       nclients, seconds, seed, faults ? "on" : "off", npu_bus, unbind ? "on" : "off");
	/* the client threads never see the end signals: only the main thread's sleep */
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &ends, NULL);
	for (int i = 0; i < nclients; i++) {
		struct client *c = &clients[i];

		c->idx = i;
		c->fd = -1;
		c->type = i % 2 ? DRM_EDGEAI_DEVICE_DSP : DRM_EDGEAI_DEVICE_NPU;
		c->uring = (i / 2) % 2;
		c->prio = i % 3;
		c->quota = i % 4 == 3;
		pthread_create(&c->thread, NULL, client_main, c);
	}
	pthread_sigmask(SIG_UNBLOCK, &ends, NULL);
	r = seed;
	t0 = eai_now_ns();
	t_end = t0 + (int64_t)seconds * 1000000000LL;
	while (eai_now_ns() < t_end && !end_early) {
		unsigned int what = rnd(&r) % 6;

		usleep(1500000 + rnd(&r) % 1500000);
		if (!faults || eai_now_ns() >= t_end || end_early)
			continue;
		if (what < 2) {
			fails += !knob(what ? DRM_EDGEAI_DEVICE_DSP : DRM_EDGEAI_DEVICE_NPU,
				       "fault_fail", "1");
		} else if (what < 4 || !unbind) {
			hangs += !knob(what == 3 ? DRM_EDGEAI_DEVICE_DSP : DRM_EDGEAI_DEVICE_NPU,
				       "fault_hang", "1");
		} else {
			int m = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
			char buf[64];

			if (m >= 0 && !eai_sysfs_read(m, "reset_count", buf, sizeof(buf)))
				resets += strtoull(buf, NULL, 10);
			if (drv_write("unbind", npu_bus)) {
				unbind_fail++;
				continue;
			}
			usleep(300000);
			if (drv_write("bind", npu_bus))
				unbind_fail++;
			unbinds++;
		}
	}
	if (end_early)
		seconds = (unsigned int)((eai_now_ns() - t0 + 500000000) / 1000000000);
	atomic_store(&stop, true);
	/* a fault armed just before the end is not left to the next test */
	for (int t = DRM_EDGEAI_DEVICE_NPU; t <= DRM_EDGEAI_DEVICE_DSP; t++) {
		knob(t, "fault_hang", "0");
		knob(t, "fault_fail", "0");
	}
	for (int i = 0; i < nclients; i++)
		pthread_join(clients[i].thread, NULL);
	resets += reset_counts();
	resets -= resets0;
	/* deferred fput of the GEM objects' shmem files */
	usleep(500000);
	files1 = open_files();
	shmem1 = shmem_kb();
	splats = kmsg >= 0 ? kmsg_splats(kmsg, splat, sizeof(splat)) : 0;

	for (int i = 0; i < nclients; i++) {
		struct client *c = &clients[i];

		printf("# client %d: %s %s prio %u%s: submitted %" PRIu64 ", ok %" PRIu64
		       ", eio %" PRIu64 ", timedout %" PRIu64 ", canceled %" PRIu64
		       ", enodev %" PRIu64 ", refused %" PRIu64 ", reopens %" PRIu64 "\n",
		       i, c->type == DRM_EDGEAI_DEVICE_NPU ? "npu" : "dsp",
		       c->uring ? "io_uring" : "ioctl", c->prio, c->quota ? " quota" : "",
		       c->submitted, c->ok, c->eio, c->timedout, c->canceled, c->enodev,
		       c->refused, c->reopens);
		if (c->unexpected)
			printf("# client %d: %" PRIu64 " unexpected results, last %s\n", i,
			       c->unexpected, strerror(-c->last_unexpected));
		tot.submitted += c->submitted;
		tot.ok += c->ok;
		tot.eio += c->eio;
		tot.timedout += c->timedout;
		tot.canceled += c->canceled;
		tot.enodev += c->enodev;
		tot.refused += c->refused;
		tot.lost += c->lost;
		tot.dup += c->dup;
		tot.wrong += c->wrong;
		tot.unexpected += c->unexpected;
		tot.reopens += c->reopens;
	}
	{
		uint64_t completed = tot.ok + tot.wrong + tot.eio + tot.timedout + tot.canceled +
				     tot.enodev + tot.unexpected;
		int bos = debugfs_rows("bos"), jobs = debugfs_rows("jobs");

		printf("# soak-json: {\"seconds\": %u, \"clients\": %d, \"seed\": %" PRIu64
		       ", \"submitted\": %" PRIu64 ", \"completed\": %" PRIu64
		       ", \"succeeded\": %" PRIu64 ", \"failed_eio\": %" PRIu64
		       ", \"timed_out\": %" PRIu64 ", \"cancelled\": %" PRIu64
		       ", \"device_gone\": %" PRIu64 ", \"refused\": %" PRIu64
		       ", \"lost\": %" PRIu64 ", \"duplicated\": %" PRIu64
		       ", \"wrong_output\": %" PRIu64 ", \"unexpected\": %" PRIu64
		       ", \"resets\": %" PRIu64 ", \"faults_fail\": %" PRIu64
		       ", \"faults_hang\": %" PRIu64 ", \"unbind_bind\": %" PRIu64
		       ", \"reopens\": %" PRIu64 ", \"splats\": %d, \"bos_left\": %d"
		       ", \"jobs_left\": %d, \"files_before\": %ld, \"files_after\": %ld"
		       ", \"shmem_kb_before\": %ld, \"shmem_kb_after\": %ld"
		       ", \"daemon_restarts\": null}\n",
		       seconds, nclients, seed, tot.submitted, completed, tot.ok, tot.eio,
		       tot.timedout, tot.canceled, tot.enodev, tot.refused, tot.lost, tot.dup,
		       tot.wrong, tot.unexpected, resets, fails, hangs, unbinds, tot.reopens,
		       splats, bos, jobs, files0, files1, shmem0, shmem1);
		tap(tot.submitted > 0 && tot.ok > 0, "jobs ran: %" PRIu64 " submitted, %" PRIu64
		    " succeeded", tot.submitted, tot.ok);
		tap(tot.lost == 0 && tot.dup == 0 && completed == tot.submitted && !tot.unexpected,
		    "every job completed exactly once with a status: %" PRIu64 " completed, lost %"
		    PRIu64 ", duplicated %" PRIu64 ", unexpected %" PRIu64, completed, tot.lost,
		    tot.dup, tot.unexpected);
		tap(tot.wrong == 0, "outputs of the %" PRIu64 " succeeded jobs exact (wrong %" PRIu64
		    ")", tot.ok + tot.wrong, tot.wrong);
		tap(!faults || !hangs || resets > 0, "resets survived: %" PRIu64 " (%" PRIu64
		    " hangs, %" PRIu64 " failures injected)", resets, hangs, fails);
		tap(!unbind_fail, "unbind/bind cycles of the NPU: %" PRIu64 "%s", unbinds,
		    unbind_fail ? " # an unbind or bind failed" : "");
		tap(splats == 0, "no kernel splat%s%s", splats ? " # " : "", splat);
		/*
		 * file-nr and Shmem are per-CPU batched counters, so this check
		 * is coarse: a margin of 64 files (a GEM object holds one) and
		 * 256 kB, which the six BOs of each client open leaking would
		 * exceed within a dozen reopens. kmemleak (make check-debug,
		 * which runs the soak too) is exact.
		 */
		tap(bos == 0 && jobs == 0 && files1 >= 0 && files1 <= files0 + 64 &&
		    shmem1 >= 0 && shmem1 <= shmem0 + 256,
		    "nothing leaked: %d BOs and %d jobs in debugfs; open files %ld before, %ld"
		    " after; Shmem %ld kB before, %ld kB after", bos, jobs, files0, files1,
		    shmem0, shmem1);
	}
	return 0;
}
