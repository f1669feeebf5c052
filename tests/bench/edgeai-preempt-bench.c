// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest side of the preemption benchmark (issue 14): the p99 latency
 * (submit to completion seen) of a HIGH client's program, alone and while
 * three NORMAL clients run programs ten times as long, with preemption at
 * op boundaries on (arb_preempt=1) and, for comparison, off, in one boot.
 * All jobs go to NPU core 0, the device in compute-off mode (jobs take
 * their modelled device time, the host does not execute the ops).
 *
 *   edgeai-preempt-bench SAMPLES
 *
 * The HIGH client's job is a chain program (tests/kselftest/edgeai_chain_lib.h)
 * of HP_OPS ops, the NORMAL clients' of 10 * HP_OPS ops of the same size, so
 * one of their jobs is ten times the HIGH client's. The three columns are
 * measured in ROUNDS interleaved rounds (alone, preemption on, off, alone,
 * ...) so that the host's own noise spreads over all of them; the clock is
 * pinned at its highest operating point (its devfreq min_freq set to max_freq) so that device times do not drift. Prints one
 * JSON object.
 */
#include <sys/wait.h>

#include "edgeai_chain_lib.h"
#include "edgeai_pm_lib.h"

#define HP_OPS	10
#define LP_OPS	(10 * HP_OPS)
#define OP_H	64
#define OP_W	64
#define OP_C	32
#define MAXS	4000
#define ROUNDS	8

struct client {
	int fd;
	struct eai_chain ch;
	uint32_t prog, in, out;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int client_init(struct client *c, int minor, uint32_t ops, uint32_t prio)
{
	struct drm_edgeai_program_create pc = { 0 };

	c->fd = eai_open_minor(minor);
	if (c->fd < 0 || eai_chain_build(&c->ch, ops, OP_H, OP_W, OP_C, 1))
		return -1;
	pc.data = (uintptr_t)c->ch.blob;
	pc.size = c->ch.size;
	if (eai_ioctl(c->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc))
		return -1;
	c->prog = pc.handle;
	if (eai_bo_create(c->fd, c->ch.in_bytes, &c->in) ||
	    eai_bo_create(c->fd, c->ch.out_bytes, &c->out))
		return -1;
	return eai_set_policy(c->fd, 0, DRM_EDGEAI_POLICY_PRIORITY, prio, 0, 0, 0);
}

static int client_submit(struct client *c, uint64_t *id)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = c->in, .flags = DRM_EDGEAI_BO_READ },
		{ .handle = c->out, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = 0,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = c->prog,
	};

	return eai_submit(c->fd, &s, id);
}

/* Latencies (submit to completion) and device times of one column. */
struct column {
	uint64_t lat[MAXS], dev[MAXS];
	int n;
};

/* @n more HIGH jobs into @col. */
static int hp_run(struct client *hp, int n, struct column *col)
{
	uint64_t id;
	int32_t st;

	for (int i = 0; i < n && col->n < MAXS; i++) {
		int64_t t0 = eai_now_ns();

		if (client_submit(hp, &id) ||
		    eai_wait(hp->fd, id, eai_deadline_ms(20000), &st,
			     &col->dev[col->n]) || st)
			return -1;
		col->lat[col->n++] = eai_now_ns() - t0;
		/* Arrive at varying points of the long programs. */
		eai_sleep_ms(1 + i % 3);
	}
	return 0;
}

static void column_stats(struct column *col, uint64_t *p50, uint64_t *p95,
			 uint64_t *p99, uint64_t *dev_med)
{
	qsort(col->lat, col->n, sizeof(col->lat[0]), cmp_u64);
	qsort(col->dev, col->n, sizeof(col->dev[0]), cmp_u64);
	*p50 = col->lat[col->n / 2];
	*p95 = col->lat[(col->n * 95) / 100];
	*p99 = col->lat[(col->n * 99) / 100];
	*dev_med = col->dev[col->n / 2];
}

/* Three NORMAL clients looping their long program, two jobs in flight each. */
static int start_load(int minor, pid_t *kids, int *pipes)
{
	for (int i = 0; i < 3; i++) {
		int p[2];

		if (pipe(p))
			return -1;
		kids[i] = fork();
		if (!kids[i]) {
			struct client c;
			uint64_t ids[2], dt, mx = 0;
			int32_t st;
			int h = 0;
			char b;

			close(p[1]);
			if (client_init(&c, minor, LP_OPS, DRM_EDGEAI_PRIORITY_NORMAL))
				_exit(1);
			fcntl(p[0], F_SETFL, O_NONBLOCK);
			for (int k = 0; k < 2; k++)
				if (client_submit(&c, &ids[k]))
					_exit(2);
			/* Until the parent closes the pipe. */
			while (read(p[0], &b, 1) < 0 && errno == EAGAIN) {
				if (eai_wait(c.fd, ids[h], eai_deadline_ms(60000), &st, &dt) || st)
					_exit(3);
				mx = dt > mx ? dt : mx;
				if (client_submit(&c, &ids[h]))
					_exit(4);
				h ^= 1;
			}
			for (int k = 0; k < 2; k++)
				eai_wait(c.fd, ids[k], eai_deadline_ms(60000), &st, NULL);
			_exit(mx ? 0 : 5);
		}
		close(p[0]);
		pipes[i] = p[1];
	}
	eai_sleep_ms(500);
	return 0;
}

static int stop_load(pid_t *kids, int *pipes)
{
	int bad = 0, st;

	for (int i = 0; i < 3; i++)
		close(pipes[i]);
	for (int i = 0; i < 3; i++) {
		waitpid(kids[i], &st, 0);
		bad |= !WIFEXITED(st) || WEXITSTATUS(st);
	}
	return bad ? -1 : 0;
}

static int set_preempt(int on)
{
	FILE *f = fopen("/sys/module/edgeai/parameters/arb_preempt", "w");

	if (!f)
		return -1;
	fputs(on ? "Y" : "N", f);
	return fclose(f);
}

static struct column solo, on, off;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300, minor, pipes[3], per;
	uint64_t s50, s95, s99, sdev, p50, p95, p99, pdev, n50, n95, n99, ndev;
	uint64_t lp_dev = 0;
	uint64_t pre = 0, pre0, pre1;
	char gov[256];
	struct client hp;
	pid_t kids[3];

	if (n < 100 || n > MAXS)
		return 2;
	per = n / ROUNDS;
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	if (minor < 0)
		return 3;
	eai_dbg_write(minor, "compute_off", "1");
	/* Pin the clock: min_freq = max_freq. */
	if (!eai_devfreq_path(minor, "max_freq", gov, sizeof(gov))) {
		long long mx = eai_read_ll(gov);
		FILE *f;

		if (mx > 0 && !eai_devfreq_path(minor, "min_freq", gov, sizeof(gov)) &&
		    (f = fopen(gov, "w"))) {
			fprintf(f, "%lld", mx);
			fclose(f);
		}
	}
	if (client_init(&hp, minor, HP_OPS, DRM_EDGEAI_PRIORITY_HIGH))
		return 4;
	/* One long program alone: its device time. */
	{
		struct client lp;
		uint64_t id;
		int32_t st;

		if (client_init(&lp, minor, LP_OPS, DRM_EDGEAI_PRIORITY_NORMAL) ||
		    client_submit(&lp, &id) ||
		    eai_wait(lp.fd, id, eai_deadline_ms(20000), &st, &lp_dev) || st)
			return 5;
		close(lp.fd);
	}
	for (int r = 0; r < ROUNDS; r++) {
		/* The last round's clients are gone: let their exit settle. */
		eai_sleep_ms(500);
		if (set_preempt(1) || hp_run(&hp, per, &solo))
			return 6;
		if (eai_debugfs_u64(minor, "preemptions", &pre0))
			return 7;
		if (start_load(minor, kids, pipes) || hp_run(&hp, per, &on) ||
		    stop_load(kids, pipes))
			return 8;
		if (eai_debugfs_u64(minor, "preemptions", &pre1))
			return 9;
		pre += pre1 - pre0;
		if (set_preempt(0) || start_load(minor, kids, pipes) ||
		    hp_run(&hp, per, &off) || stop_load(kids, pipes))
			return 10;
	}
	set_preempt(1);
	column_stats(&solo, &s50, &s95, &s99, &sdev);
	column_stats(&on, &p50, &p95, &p99, &pdev);
	column_stats(&off, &n50, &n95, &n99, &ndev);
	n = solo.n;

	printf("{\"samples\": %d, \"hp_ops\": %d, \"lp_ops\": %d, "
	       "\"hp_job_device_ns\": %llu, \"lp_job_device_ns\": %llu, "
	       "\"solo_p50_ns\": %llu, \"solo_p95_ns\": %llu, \"solo_p99_ns\": %llu, "
	       "\"preempt_p50_ns\": %llu, \"preempt_p95_ns\": %llu, \"preempt_p99_ns\": %llu, "
	       "\"nopreempt_p50_ns\": %llu, \"nopreempt_p95_ns\": %llu, \"nopreempt_p99_ns\": %llu, "
	       "\"preemptions\": %llu, \"hp_device_ns_loaded\": %llu}\n",
	       n, HP_OPS, LP_OPS, (unsigned long long)sdev, (unsigned long long)lp_dev,
	       (unsigned long long)s50, (unsigned long long)s95, (unsigned long long)s99,
	       (unsigned long long)p50, (unsigned long long)p95, (unsigned long long)p99,
	       (unsigned long long)n50, (unsigned long long)n95, (unsigned long long)n99,
	       (unsigned long long)pre, (unsigned long long)pdev);
	return 0;
}
