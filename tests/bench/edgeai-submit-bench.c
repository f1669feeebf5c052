// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest side of the submit-overhead benchmark (issue 5): the same tiny job
 * (one 64-byte FILL, the device in compute-off mode so it only takes its
 * modelled time) submitted through the ioctl path (SUBMIT + WAIT) and
 * through io_uring (IORING_OP_URING_CMD EDGEAI_URING_CMD_SUBMIT on a
 * SQE128/CQE32 ring, the completion read from the CQE), interleaved in
 * rounds (ABBA order) so that drift cancels out.
 *
 *   edgeai-submit-bench ROUNDS JOBS_PER_ROUND
 *
 * Per job it records:
 *   rt     submit to completion seen by the caller, one job in flight;
 *   call   the submitting system call alone (SUBMIT ioctl, io_uring_enter
 *          of one SQE without waiting);
 *   dev    the device time the driver reports (WAIT / big_cqe[0]);
 * and, every BURST_EVERY jobs, a burst of BURST jobs in flight at once
 * (ioctl: BURST SUBMITs then BURST WAITs; io_uring: BURST SQEs and one
 * io_uring_submit_and_wait) recorded as burst time / BURST per job;
 * and prints one JSON object with the medians of each method and the
 * io_uring/ioctl ratios.
 * A third method, io_uring_1enter, is the one-syscall form: one
 * io_uring_enter() submits the SQE and waits for its CQE
 * (io_uring_submit_and_wait), on a ring of its own set up for one
 * submitting thread (IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN, where
 * the kernel has them: the driver posts its CQEs with lazy task work,
 * which such a ring runs in the waiting task without another wake-up);
 * its "call" is that whole system call. Under TCG the absolute times are those of an
 * emulated CPU: only the ratios, measured side by side, mean anything.
 */
#include <liburing.h>

#include "edgeai_pm_lib.h"

#define MAXJ 200000
#define FILL_BYTES 64
#define BURST 16
#define BURST_EVERY 4

enum { M_IOCTL, M_URING, M_URING1, M_N };
static const char *const mname[M_N] = { "ioctl", "io_uring", "io_uring_1enter" };

struct samples {
	uint64_t *rt, *call, *dev;
	size_t n;
};

struct ctx {
	int fd;
	struct io_uring ring;
	struct io_uring ring1;		/* M_URING1's */
	const char *ring1_setup;
	struct drm_edgeai_bo_ref ref;
	struct drm_edgeai_cmd cmd;
	struct drm_edgeai_submit args;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double median_us(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) / 1000.0 : 0;
}

static double pct_us(uint64_t *v, size_t n, int p)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n ? v[(n - 1) * p / 100] / 1000.0 : 0;
}

/* One job through SUBMIT + WAIT. */
static int job_ioctl(struct ctx *c, struct samples *s)
{
	struct drm_edgeai_submit a = c->args;
	struct drm_edgeai_wait w = { 0 };
	int64_t t0 = eai_now_ns(), t1;

	if (ioctl(c->fd, DRM_IOCTL_EDGEAI_SUBMIT, &a))
		return -errno;
	t1 = eai_now_ns();
	w.job_id = a.job_id;
	w.timeout_ns = eai_deadline_ms(20000);
	if (ioctl(c->fd, DRM_IOCTL_EDGEAI_WAIT, &w))
		return -errno;
	if (w.status)
		return w.status;
	s->rt[s->n] = eai_now_ns() - t0;
	s->call[s->n] = t1 - t0;
	s->dev[s->n] = w.device_time_ns;
	s->n++;
	return 0;
}

/* An SQE of the job, filled by hand (liburing 2.3 has no helper). */
static int queue_sqe(struct ctx *c, struct io_uring *ring, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = c->fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	sqe->user_data = tag;
	memcpy(sqe->cmd, &c->args, sizeof(c->args));
	return 0;
}

/*
 * One job through io_uring: io_uring_submit() then io_uring_wait_cqe()
 * (M_URING), or both in one io_uring_enter() on the ring of M_URING1.
 */
static int job_uring(struct ctx *c, int m, struct samples *s, uint64_t tag)
{
	struct io_uring *ring = m == M_URING1 ? &c->ring1 : &c->ring;
	struct io_uring_cqe *cqe;
	int64_t t0, t1;
	int ret;

	ret = queue_sqe(c, ring, tag);
	if (ret)
		return ret;
	t0 = eai_now_ns();
	ret = m == M_URING1 ? io_uring_submit_and_wait(ring, 1) : io_uring_submit(ring);
	t1 = eai_now_ns();
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	if (cqe->user_data != tag || cqe->res) {
		ret = cqe->res ? cqe->res : -EIO;
		io_uring_cqe_seen(ring, cqe);
		return ret;
	}
	s->rt[s->n] = eai_now_ns() - t0;
	s->call[s->n] = t1 - t0;
	s->dev[s->n] = cqe->big_cqe[0];
	s->n++;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/*
 * @depth jobs at once: ioctl = depth SUBMITs then depth WAITs; io_uring =
 * depth SQEs, one io_uring_submit_and_wait(), depth CQEs. Records the
 * batch time divided by @depth as each job's figure.
 */
static int burst(struct ctx *c, int m, struct samples *s, int depth, uint64_t *tag)
{
	uint64_t ids[64];
	int64_t t0 = eai_now_ns();
	int ret;

	if (m == M_IOCTL) {
		for (int j = 0; j < depth; j++) {
			struct drm_edgeai_submit a = c->args;

			if (ioctl(c->fd, DRM_IOCTL_EDGEAI_SUBMIT, &a))
				return -errno;
			ids[j] = a.job_id;
		}
		for (int j = 0; j < depth; j++) {
			struct drm_edgeai_wait w = { .job_id = ids[j] };

			w.timeout_ns = eai_deadline_ms(20000);
			if (ioctl(c->fd, DRM_IOCTL_EDGEAI_WAIT, &w))
				return -errno;
			if (w.status)
				return w.status;
		}
	} else {
		struct io_uring *ring = m == M_URING1 ? &c->ring1 : &c->ring;

		for (int j = 0; j < depth; j++) {
			ret = queue_sqe(c, ring, ++*tag);
			if (ret)
				return ret;
		}
		ret = io_uring_submit_and_wait(ring, depth);
		if (ret != depth)
			return ret < 0 ? ret : -EIO;
		for (int j = 0; j < depth; j++) {
			struct io_uring_cqe *cqe;

			ret = io_uring_wait_cqe(ring, &cqe);
			if (ret)
				return ret;
			ret = cqe->res;
			io_uring_cqe_seen(ring, cqe);
			if (ret)
				return ret;
		}
	}
	s->rt[s->n++] = (eai_now_ns() - t0) / depth;
	return 0;
}

static int batch(struct ctx *c, int m, struct samples *s, struct samples *b, int jobs,
		 uint64_t *tag)
{
	for (int j = 0; j < jobs; j++) {
		int ret = m == M_IOCTL ? job_ioctl(c, s) : job_uring(c, m, s, ++*tag);

		/* one burst every BURST_EVERY single jobs */
		if (!ret && j % BURST_EVERY == 0)
			ret = burst(c, m, b, BURST, tag);

		if (ret) {
			fprintf(stderr, "%s job: %d (%s)\n", mname[m], ret, strerror(ret < 0 ? -ret : ret));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct samples s[M_N], b[M_N];
	struct ctx c;
	uint64_t caps, tag = 0;
	int rounds, jobs, minor, ret;
	double rt[M_N], call[M_N], dev[M_N], p90[M_N], over[M_N], bu[M_N];

	if (argc != 3 || (rounds = atoi(argv[1])) < 1 || (jobs = atoi(argv[2])) < 1 ||
	    (size_t)rounds * jobs * 2 > MAXJ) {
		fprintf(stderr, "usage: edgeai-submit-bench ROUNDS JOBS_PER_ROUND\n");
		return 2;
	}
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	if (minor < 0) {
		fprintf(stderr, "no NPU\n");
		return 1;
	}
	memset(&c, 0, sizeof(c));
	memset(s, 0, sizeof(s));
	memset(b, 0, sizeof(b));
	c.fd = eai_open_minor(minor);
	if (c.fd < 0 || eai_get_param(c.fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps)) {
		fprintf(stderr, "cannot open the NPU\n");
		return 1;
	}
	if (!(caps & DRM_EDGEAI_CAP_URING_CMD)) {
		fprintf(stderr, "the driver has no io_uring command\n");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	ret = io_uring_queue_init_params(64, &c.ring, &p);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	/* The best ring this kernel sets up for one submitting thread. */
	{
		static const struct {
			unsigned int flags;
			const char *name;
		} setups[] = {
			{ IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
			  "SINGLE_ISSUER|DEFER_TASKRUN" },
			{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
			{ 0, "plain" },
		};

		for (size_t k = 0; k < sizeof(setups) / sizeof(setups[0]); k++) {
			memset(&p, 0, sizeof(p));
			p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | setups[k].flags;
			ret = io_uring_queue_init_params(64, &c.ring1, &p);
			if (!ret) {
				c.ring1_setup = setups[k].name;
				break;
			}
		}
		if (ret) {
			fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
			return 1;
		}
	}
	if (eai_bo_create(c.fd, 4096, &c.ref.handle))
		return 1;
	c.ref.flags = DRM_EDGEAI_BO_WRITE;
	c.cmd = eai_cmd_fill(0, 0, FILL_BYTES, 0x5a);
	c.args = eai_submit_args(&c.ref, 1, &c.cmd, 1);
	c.args.core = 0;
	if (eai_dbg_write(minor, "compute_off", "1")) {
		fprintf(stderr, "cannot set compute_off\n");
		return 1;
	}
	for (int m = 0; m < M_N; m++) {
		s[m].rt = calloc(MAXJ / 2, sizeof(uint64_t));
		s[m].call = calloc(MAXJ / 2, sizeof(uint64_t));
		s[m].dev = calloc(MAXJ / 2, sizeof(uint64_t));
		b[m].rt = calloc(MAXJ / 2, sizeof(uint64_t));
		if (!s[m].rt || !s[m].call || !s[m].dev || !b[m].rt)
			return 1;
	}
	/* Warm-up, not recorded. */
	for (int m = 0; m < M_N; m++) {
		if (batch(&c, m, &s[m], &b[m], jobs, &tag))
			return 1;
		s[m].n = 0;
		b[m].n = 0;
	}
	/* The methods take turns: round r starts with method r mod M_N. */
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < M_N; k++)
			if (batch(&c, (k + r) % M_N, &s[(k + r) % M_N], &b[(k + r) % M_N], jobs,
				  &tag))
				return 1;
	eai_dbg_write(minor, "compute_off", "0");
	for (int m = 0; m < M_N; m++) {
		uint64_t *ov = calloc(s[m].n, sizeof(uint64_t));

		if (!ov)
			return 1;
		/* Host-side overhead of each job: round trip minus device time. */
		for (size_t i = 0; i < s[m].n; i++)
			ov[i] = s[m].rt[i] > s[m].dev[i] ? s[m].rt[i] - s[m].dev[i] : 0;
		over[m] = median_us(ov, s[m].n);
		free(ov);
		dev[m] = median_us(s[m].dev, s[m].n);
		call[m] = median_us(s[m].call, s[m].n);
		p90[m] = pct_us(s[m].rt, s[m].n, 90);
		rt[m] = median_us(s[m].rt, s[m].n);
		bu[m] = median_us(b[m].rt, b[m].n);
	}
	printf("{\"rounds\": %d, \"jobs_per_round\": %d, \"job\": \"FILL %d bytes, compute_off\", "
	       "\"tcg\": true, \"io_uring_1enter_setup\": \"%s\"", rounds, jobs, FILL_BYTES,
	       c.ring1_setup);
	for (int m = 0; m < M_N; m++)
		printf(", \"%s\": {\"jobs\": %zu, \"rt_median_us\": %.2f, \"rt_p90_us\": %.2f, "
		       "\"submit_call_median_us\": %.2f, \"device_median_us\": %.2f, "
		       "\"overhead_median_us\": %.2f, \"bursts\": %zu, \"burst_us_per_job\": %.2f}",
		       mname[m], s[m].n, rt[m], p90[m], call[m], dev[m], over[m], b[m].n, bu[m]);
	printf(", \"ratio_rt_uring_over_ioctl\": %.4f, \"ratio_submit_call_uring_over_ioctl\": %.4f"
	       ", \"ratio_overhead_uring_over_ioctl\": %.4f, \"burst_depth\": %d"
	       ", \"ratio_burst_uring_over_ioctl\": %.4f",
	       rt[M_URING] / rt[M_IOCTL], call[M_URING] / call[M_IOCTL],
	       over[M_URING] / over[M_IOCTL], BURST, bu[M_URING] / bu[M_IOCTL]);
	printf(", \"ratio_rt_uring1_over_ioctl\": %.4f, \"ratio_overhead_uring1_over_ioctl\": %.4f"
	       ", \"ratio_burst_uring1_over_ioctl\": %.4f}\n",
	       rt[M_URING1] / rt[M_IOCTL], over[M_URING1] / over[M_IOCTL],
	       bu[M_URING1] / bu[M_IOCTL]);
	io_uring_queue_exit(&c.ring1);
	io_uring_queue_exit(&c.ring);
	close(c.fd);
	return 0;
}
