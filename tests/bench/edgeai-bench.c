// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest side of the power/thermal/arbitration benchmarks: each mode runs
 * one measurement on the real device and prints one JSON object.
 *
 *   edgeai-bench share W1 W2 ... SECS   device time of busy processes (DSP)
 *   edgeai-bench iso SECS               high-priority latency alone / loaded
 *   edgeai-bench thermal SECS           sustained full load on the NPU
 *   edgeai-bench power IDLE_SECS        wake-up latency, suspended share
 *   edgeai-bench share-timeline W1 W2 SECS
 *                                       cumulative device-time shares of two
 *                                       busy clients (DSP), from their fdinfo
 *                                       every 100 ms
 *   edgeai-bench thermal-timeline       temperature, cooling state and clock
 *                                       every 100 ms under full NPU load while
 *                                       force_temp_mc ramps over the passive
 *                                       trip and back down
 *
 * The timelines print their series as JSON arrays for the plots of
 * tests/bench/report.py.
 */
#include <math.h>

#include "edgeai_pm_lib.h"

static int dev_minor(uint32_t type)
{
	int m = eai_find_minor(type);

	if (m < 0) {
		fprintf(stderr, "no device of type %u\n", type);
		exit(1);
	}
	return m;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int share(int argc, char **argv)
{
	int n = argc - 1, minor = dev_minor(DRM_EDGEAI_DEVICE_DSP), pipes[8][2];
	double secs = atof(argv[argc - 1]), sum = 0, sq = 0, wsum = 0;
	int64_t start = eai_now_ns() + 500000000LL;
	int64_t until = start + (int64_t)(secs * 1e9);
	long long e[8];
	pid_t kids[8];

	if (n < 1 || n > 8)
		return 1;
	eai_dbg_write(minor, "compute_off", "1");
	for (int i = 0; i < n; i++) {
		if (pipe(pipes[i]))
			return 1;
		kids[i] = fork();
		if (!kids[i]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);
			long long e0, e1;

			if (fd < 0 || eai_load_init(&l, fd, 16) ||
			    eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0, atoi(argv[i]), 0, 0))
				_exit(1);
			l.core = 0;
			if (eai_load_saturate(&l, 4, start))
				_exit(2);
			e0 = eai_fdinfo_ll(fd, "drm-engine-dsp");
			if (eai_load_saturate(&l, 4, until))
				_exit(3);
			e1 = eai_fdinfo_ll(fd, "drm-engine-dsp") - e0;
			_exit(write(pipes[i][1], &e1, sizeof(e1)) == sizeof(e1) ? 0 : 4);
		}
	}
	for (int i = 0; i < n; i++) {
		if (read(pipes[i][0], &e[i], sizeof(e[i])) != sizeof(e[i]))
			return 1;
		waitpid(kids[i], NULL, 0);
		sum += e[i];
		sq += (double)e[i] * e[i];
		wsum += atoi(argv[i]);
	}
	printf("{\"clients\": %d, \"window_s\": %.1f, \"engine_ns\": [", n, secs);
	for (int i = 0; i < n; i++)
		printf("%s%lld", i ? ", " : "", e[i]);
	printf("], \"jain\": %.5f, \"share\": [", sum * sum / (n * sq));
	for (int i = 0; i < n; i++)
		printf("%s%.5f", i ? ", " : "", e[i] / sum);
	printf("], \"entitled\": [");
	for (int i = 0; i < n; i++)
		printf("%s%.5f", i ? ", " : "", atoi(argv[i]) / wsum);
	printf("], \"max_share_error_pct\": %.3f}\n", ({
		double m = 0;

		for (int i = 0; i < n; i++) {
			double ent = atoi(argv[i]) / wsum;
			double err = fabs(e[i] / sum - ent) / ent * 100;

			m = err > m ? err : m;
		}
		m; }));
	return 0;
}

/* p99 latency (submit to done) of a high-priority client's jobs. */
static uint64_t hp_p99(int minor, double secs, uint64_t *maxlat)
{
	static uint64_t lat[20000];
	struct eai_load l;
	int fd = eai_open_minor(minor), n = 0;
	int64_t until = eai_now_ns() + (int64_t)(secs * 1e9);

	if (fd < 0 || eai_load_init(&l, fd, 4) ||
	    eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_PRIORITY, DRM_EDGEAI_PRIORITY_HIGH, 0, 0, 0))
		exit(1);
	l.core = 0;
	while (eai_now_ns() < until && n < 20000) {
		int64_t t0 = eai_now_ns();
		uint64_t dt;

		if (eai_load_run(&l, &dt))
			exit(1);
		lat[n++] = eai_now_ns() - t0;
		eai_sleep_ms(3);
	}
	close(fd);
	qsort(lat, n, sizeof(lat[0]), cmp_u64);
	*maxlat = lat[n - 1];
	return lat[(n * 99) / 100];
}

static int iso(char **argv)
{
	int minor = dev_minor(DRM_EDGEAI_DEVICE_DSP), pipes[3][2];
	double secs = atof(argv[0]);
	uint64_t solo, loaded, m1, m2, longest = 0;
	pid_t kids[3];

	eai_dbg_write(minor, "compute_off", "1");
	solo = hp_p99(minor, secs, &m1);
	for (int i = 0; i < 3; i++) {
		if (pipe(pipes[i]))
			return 1;
		kids[i] = fork();
		if (!kids[i]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);
			uint64_t ids[4], dt, mx = 0, id;
			int32_t st;
			int64_t until = eai_now_ns() + (int64_t)((secs + 1) * 1e9);
			int h = 0;

			if (fd < 0 || eai_load_init(&l, fd, 16))
				_exit(1);
			l.core = 0;
			for (int k = 0; k < 4; k++)
				if (eai_load_submit(&l, &ids[k]))
					_exit(2);
			while (eai_now_ns() < until) {
				if (eai_wait(fd, ids[h], eai_deadline_ms(20000), &st, &dt) || st)
					_exit(3);
				mx = dt > mx ? dt : mx;
				if (eai_load_submit(&l, &id))
					_exit(4);
				ids[h] = id;
				h = (h + 1) % 4;
			}
			for (int k = 0; k < 4; k++)
				eai_wait(fd, ids[k], eai_deadline_ms(20000), &st, NULL);
			_exit(write(pipes[i][1], &mx, sizeof(mx)) == sizeof(mx) ? 0 : 5);
		}
	}
	eai_sleep_ms(500);
	loaded = hp_p99(minor, secs, &m2);
	for (int i = 0; i < 3; i++) {
		uint64_t mx = 0;

		if (read(pipes[i][0], &mx, sizeof(mx)) != sizeof(mx))
			return 1;
		waitpid(kids[i], NULL, 0);
		longest = mx > longest ? mx : longest;
	}
	printf("{\"solo_p99_ns\": %llu, \"loaded_p99_ns\": %llu, \"longest_job_ns\": %llu, "
	       "\"ratio\": %.3f, \"bound_ns\": %llu, \"within_bound\": %s}\n",
	       (unsigned long long)solo, (unsigned long long)loaded,
	       (unsigned long long)longest, (double)loaded / solo,
	       (unsigned long long)(1.5 * solo + longest),
	       loaded <= 1.5 * solo + longest ? "true" : "false");
	return 0;
}

static int thermal(char **argv)
{
	int minor = dev_minor(DRM_EDGEAI_DEVICE_NPU);
	double secs = atof(argv[0]);
	char tz[256];
	long long passive, peak = 0, t;
	long long jobs_cool = 0, jobs_hot = 0;
	double cool_s = 0, hot_s = 0;
	int64_t t0, last;
	pid_t kids[2];
	long long e_prev = 0;

	if (eai_tz_dir(minor, tz, sizeof(tz)))
		return 1;
	passive = eai_dir_ll(tz, "trip_point_0_temp");
	eai_dbg_write(minor, "compute_off", "1");
	eai_dev_write(minor, "power/autosuspend_delay_ms", "5000");
	for (int c = 0; c < 2; c++) {
		kids[c] = fork();
		if (!kids[c]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);

			if (fd < 0 || eai_load_init(&l, fd, 100))
				_exit(1);
			l.core = c;
			_exit(eai_load_saturate(&l, 3, eai_now_ns() + (int64_t)(secs * 1e9)) ? 1 : 0);
		}
	}
	/*
	 * Throughput: device cycles per second (busy time x current clock,
	 * sampled every 100 ms), before the passive trip (cool) vs after.
	 */
	t0 = last = eai_now_ns();
	while (eai_now_ns() - t0 < (int64_t)(secs * 1e9)) {
		long long f, busy, now;
		double dt;

		eai_sleep_ms(100);
		now = eai_now_ns();
		dt = (now - last) / 1e9;
		last = now;
		t = eai_dir_ll(tz, "temp");
		peak = t > peak ? t : peak;
		f = eai_devfreq_ll(minor, "cur_freq");
		busy = eai_dev_ll(minor, "busy_time_us");
		if (e_prev) {
			double cyc = (busy - e_prev) * 1e-6 * f;

			if (t < passive - 5000) {
				jobs_cool += cyc;
				cool_s += dt;
			} else {
				jobs_hot += cyc;
				hot_s += dt;
			}
		}
		e_prev = busy;
	}
	for (int c = 0; c < 2; c++)
		waitpid(kids[c], NULL, 0);
	eai_dev_write(minor, "power/autosuspend_delay_ms", "100");
	printf("{\"passive_mc\": %lld, \"peak_mc\": %lld, \"peak_over_passive_mc\": %lld, "
	       "\"throughput_kept\": %.4f, \"cool_s\": %.1f, \"throttled_s\": %.1f}\n",
	       passive, peak, peak - passive,
	       cool_s > 0 && hot_s > 0 ? (jobs_hot / hot_s) / (jobs_cool / cool_s) : 0.0,
	       cool_s, hot_s);
	return 0;
}

static int power(char **argv)
{
	int minor = dev_minor(DRM_EDGEAI_DEVICE_NPU), fd = eai_open_minor(minor);
	double idle = atof(argv[0]);
	uint64_t cold[5], warm[5];
	long long s0, s1;
	char st[64];

	if (fd < 0)
		return 1;
	/* Real jobs here: their bytes are checked. */
	eai_dbg_write(minor, "compute_off", "0");
	eai_dev_write(minor, "power/autosuspend_delay_ms", "100");
	for (int i = 0; i < 5; i++) {
		int64_t t;

		for (int k = 0; k < 300; k++) {
			if (!eai_dev_str(minor, "power/runtime_status", st, sizeof(st)) &&
			    !strcmp(st, "suspended"))
				break;
			eai_sleep_ms(10);
		}
		t = eai_now_ns();
		if (eai_device_works(fd, i))
			return 1;
		cold[i] = eai_now_ns() - t;
		t = eai_now_ns();
		if (eai_device_works(fd, i))
			return 1;
		warm[i] = eai_now_ns() - t;
	}
	qsort(cold, 5, sizeof(cold[0]), cmp_u64);
	qsort(warm, 5, sizeof(warm[0]), cmp_u64);
	eai_sleep_ms(300);
	s0 = eai_dev_ll(minor, "power/runtime_suspended_time");
	eai_sleep_ms((long)(idle * 1000));
	s1 = eai_dev_ll(minor, "power/runtime_suspended_time");
	printf("{\"first_job_suspended_ns\": %llu, \"first_job_active_ns\": %llu, "
	       "\"wakeup_cost_ns\": %lld, \"idle_s\": %.0f, \"suspended_ms\": %lld, "
	       "\"suspended_fraction\": %.4f}\n",
	       (unsigned long long)cold[2], (unsigned long long)warm[2],
	       (long long)cold[2] - (long long)warm[2], idle, s1 - s0,
	       (s1 - s0) / (idle * 1000));
	return 0;
}

/* A "key:\tvalue" fdinfo number of another process's @fd; -1 when unreadable. */
static long long fdinfo_of(pid_t pid, int fd, const char *key)
{
	char p[64], buf[4096], *s;

	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (eai_read_file(p, buf, sizeof(buf)))
		return -1;
	s = strstr(buf, key);
	s = s ? strchr(s, ':') : NULL;
	return s ? strtoll(s + 1, NULL, 0) : -1;
}

static void print_series_ll(const char *name, const long long *v, int n)
{
	printf(", \"%s\": [", name);
	for (int i = 0; i < n; i++)
		printf("%s%lld", i ? ", " : "", v[i]);
	printf("]");
}

#define TL_MAX 400	/* samples of a timeline: 40 s at 100 ms */

/* Sleep until CLOCK_MONOTONIC reads @ns: one wake-up, no polling. */
static void sleep_until_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * Two busy clients of weights @argv[0] and @argv[1] on the DSP's core 0
 * (as share), for @argv[2] seconds: the parent reads each one's
 * drm-engine-dsp from /proc/PID/fdinfo every 100 ms, without disturbing
 * them. Prints the engine time since the start of each sample.
 */
static int share_timeline(char **argv)
{
	int minor = dev_minor(DRM_EDGEAI_DEVICE_DSP), pipes[2][2], fds[2], n = 0;
	double secs = atof(argv[2]);
	int64_t start = eai_now_ns() + 500000000LL;
	int64_t until = start + (int64_t)(secs * 1e9);
	static long long t_ms[TL_MAX], e[2][TL_MAX];
	long long e0[2];
	pid_t kids[2];

	eai_dbg_write(minor, "compute_off", "1");
	for (int i = 0; i < 2; i++) {
		if (pipe(pipes[i]))
			return 1;
		kids[i] = fork();
		if (!kids[i]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);

			if (fd < 0 || eai_load_init(&l, fd, 16) ||
			    eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0, atoi(argv[i]), 0, 0))
				_exit(1);
			l.core = 0;
			if (write(pipes[i][1], &fd, sizeof(fd)) != sizeof(fd))
				_exit(4);
			_exit(eai_load_saturate(&l, 4, until) ? 2 : 0);
		}
		if (read(pipes[i][0], &fds[i], sizeof(fds[i])) != sizeof(fds[i]))
			return 1;
	}
	sleep_until_ns(start);
	for (int i = 0; i < 2; i++)
		e0[i] = fdinfo_of(kids[i], fds[i], "drm-engine-dsp");
	for (int64_t next = start + 100000000LL; next <= until && n < TL_MAX;
	     next += 100000000LL) {
		sleep_until_ns(next);
		t_ms[n] = (eai_now_ns() - start) / 1000000;
		for (int i = 0; i < 2; i++)
			e[i][n] = fdinfo_of(kids[i], fds[i], "drm-engine-dsp") - e0[i];
		n++;
	}
	for (int i = 0; i < 2; i++) {
		int st = 0;

		waitpid(kids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "share-timeline: client %d failed (%d)\n", i, st);
			return 1;
		}
	}
	printf("{\"device\": \"dsp\", \"weights\": [%d, %d], \"period_ms\": 100",
	       atoi(argv[0]), atoi(argv[1]));
	print_series_ll("t_ms", t_ms, n);
	print_series_ll("engine_ns_0", e[0], n);
	print_series_ll("engine_ns_1", e[1], n);
	printf("}\n");
	return 0;
}

/*
 * force_temp_mc over time, relative to the passive trip (mC): the model's
 * own temperature for 2 s, then up from 4 C below the trip to 4 C above it
 * by 1 C every 400 ms, held for 1.6 s, then down by 1 C every 400 ms to 8 C
 * below, held for 2 s; the model's own again for the last second.
 */
static long long thermal_forced(long long passive, long long ms)
{
	if (ms < 2000 || ms >= 14400)
		return 0;
	if (ms < 5600)
		return passive - 4000 + (ms - 2000) / 400 * 1000;
	if (ms < 7200)
		return passive + 4000;
	if (ms < 12000)
		return passive + 4000 - ((ms - 7200) / 400 + 1) * 1000;
	return passive - 8000;
}

static int thermal_timeline(void)
{
	int minor = dev_minor(DRM_EDGEAI_DEVICE_NPU), n = 0;
	static long long t_ms[TL_MAX], temp[TL_MAX], forced[TL_MAX], freq[TL_MAX], state[TL_MAX];
	long long passive, critical, fmax, fmin, max_state, cur = -1;
	char tz[256], cdev[256], dfdir[PATH_MAX], buf[32];
	int64_t t0, end_ms = 15400;
	pid_t kids[2];

	if (eai_tz_dir(minor, tz, sizeof(tz)) || eai_cdev_dir(minor, cdev, sizeof(cdev)) ||
	    eai_devfreq_path(minor, "", dfdir, sizeof(dfdir)))
		return 1;
	passive = eai_dir_ll(tz, "trip_point_0_temp");
	critical = eai_dir_ll(tz, "trip_point_1_temp");
	max_state = eai_dir_ll(cdev, "max_state");
	fmax = eai_devfreq_ll(minor, "max_freq");
	fmin = eai_devfreq_ll(minor, "min_freq");
	eai_dbg_write(minor, "force_temp_mc", "0");
	eai_dbg_write(minor, "compute_off", "1");
	eai_dev_write(minor, "power/autosuspend_delay_ms", "5000");
	for (int c = 0; c < 2; c++) {
		kids[c] = fork();
		if (!kids[c]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);

			if (fd < 0 || eai_load_init(&l, fd, 100))
				_exit(1);
			l.core = c;
			/* past the last sample: the plot ends under full load */
			_exit(eai_load_saturate(&l, 3, eai_now_ns() + (end_ms + 1000) * 1000000LL) ?
			      1 : 0);
		}
	}
	t0 = eai_now_ns();
	for (int64_t next = t0; n < TL_MAX; next += 100000000LL) {
		long long ms, f;

		sleep_until_ns(next);
		ms = (eai_now_ns() - t0) / 1000000;
		if (ms >= end_ms)
			break;
		f = thermal_forced(passive, ms);
		if (f != cur) {
			snprintf(buf, sizeof(buf), "%lld", f);
			if (eai_dbg_write(minor, "force_temp_mc", buf))
				return 1;
			cur = f;
		}
		t_ms[n] = ms;
		forced[n] = f;
		temp[n] = eai_dir_ll(tz, "temp");
		freq[n] = eai_devfreq_ll(minor, "cur_freq");
		state[n] = eai_dir_ll(cdev, "cur_state");
		n++;
	}
	eai_dbg_write(minor, "force_temp_mc", "0");
	for (int c = 0; c < 2; c++)
		waitpid(kids[c], NULL, 0);
	eai_dev_write(minor, "power/autosuspend_delay_ms", "100");
	printf("{\"device\": \"npu\", \"passive_mc\": %lld, \"critical_mc\": %lld, "
	       "\"max_state\": %lld, \"max_freq_hz\": %lld, \"min_freq_hz\": %lld, "
	       "\"period_ms\": 100", passive, critical, max_state, fmax, fmin);
	print_series_ll("t_ms", t_ms, n);
	print_series_ll("temp_mc", temp, n);
	print_series_ll("forced_mc", forced, n);
	print_series_ll("cur_freq_hz", freq, n);
	print_series_ll("cooling_state", state, n);
	printf("}\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "share"))
		return share(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "iso"))
		return iso(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "thermal"))
		return thermal(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "power"))
		return power(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "share-timeline"))
		return share_timeline(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "thermal-timeline"))
		return thermal_timeline();
	fprintf(stderr, "usage: edgeai-bench share W... SECS | iso SECS | thermal SECS | power SECS\n"
		"       | share-timeline W1 W2 SECS | thermal-timeline\n");
	return 2;
}
