// SPDX-License-Identifier: MIT
/*
 * edgeaictl - inspect and test edgeai accelerators.
 *
 * The options, the verb table with dispatch and help, and the verbs that
 * use libedgeai: status, selftest, inspect and quantize. The others live in
 * ctl-ops.c and ctl-model.c (edgeaictl.h). Works without edgeaid.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <edgeai/edgeai.h>

#include "edgeaictl.h"
#include "shared/board.h"
#include "shared/macro.h"

#define SELFTEST_SIZE (64 * 1024)
#define SELFTEST_TIMEOUT_NS (INT64_C(10) * 1000000000)

#define program program_invocation_short_name

int arg_json, arg_quiet;

static struct {
	const char *output;
	const char *calib_dir;
	unsigned int samples;
	uint64_t seed;
	float percentile;
	float rand_lo, rand_hi;
	unsigned int io;
} arg = { .samples = 8, .seed = 1, .rand_lo = -1.0f, .rand_hi = 1.0f };

static void format_fw(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
}

static void format_caps(uint64_t caps, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ EDGEAI_CAP_URING_CMD, "uring_cmd" },
		{ EDGEAI_CAP_PRIME_IMPORT_FOREIGN, "prime_import_foreign" },
		{ EDGEAI_CAP_SYNCOBJ, "syncobj" },
		{ EDGEAI_CAP_SIMULATED, "simulated" },
		{ EDGEAI_CAP_PREEMPT, "preempt" },
		{ EDGEAI_CAP_DMA_COHERENT, "dma_coherent" },
		{ EDGEAI_CAP_BATCH, "batch" },
		{ EDGEAI_CAP_SHARED_PROGRAMS, "shared_programs" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & names[i].bit))
			continue;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "," : "", names[i].name);
		caps &= ~names[i].bit;
	}
	if (caps)
		n += snprintf(buf + n, n < size ? size - n : 0, "%s0x%llx", n ? "," : "",
			      (unsigned long long)caps);
	if (n == 0)
		snprintf(buf, size, "-");
}

/* The devices to work on, as --device selects them; returns 0 or an exit status. */
static int collect_devices(struct edgeai_device_info **ret, int *ret_n)
{
	int r = ctl_device_resolve(&arg_device, ret, ret_n);

	return r == -EINVAL ? EXIT_USAGE : r < 0 ? EXIT_FAILURE : 0;
}

static void print_hz(long long hz)
{
	if (hz < 0)
		printf(" %8s", "-");
	else
		printf(" %8lld", hz / 1000000);
}

static int verb_status(int argc _unused_, char *argv[] _unused_)
{
	struct edgeai_device_info *infos = NULL;
	struct ctl_live *live = NULL;
	const char **nodes = NULL;
	unsigned int *cores = NULL;
	char fw[32], caps[128];
	int n = 0, r;

	r = collect_devices(&infos, &n);
	if (r)
		return r;
	live = calloc(n ? n : 1, sizeof(*live));
	nodes = calloc(n ? n : 1, sizeof(*nodes));
	cores = calloc(n ? n : 1, sizeof(*cores));
	if (!live || !nodes || !cores) {
		fprintf(stderr, "%s: %s\n", program, strerror(ENOMEM));
		free(live);
		free(nodes);
		free(cores);
		free(infos);
		return EXIT_FAILURE;
	}
	for (int i = 0; i < n; i++) {
		nodes[i] = infos[i].node;
		cores[i] = infos[i].core_count;
	}
	/* utilization over a quarter second */
	ctl_status_live(nodes, cores, n, live, 250);

	if (arg_json) {
		char board[BOARD_ID_MAX];

		/* the board's identity, as in edgeaid's metrics (shared/board.h) */
		board_id(NULL, board, sizeof(board));
		printf("{\"board\":");
		json_string(stdout, board);
		printf(",\"devices\":[");
		for (int i = 0; i < n; i++) {
			const struct edgeai_device_info *d = &infos[i];
			const struct ctl_live *l = &live[i];

			format_fw(d->fw_version, fw, sizeof(fw));
			printf("%s{\"node\":", i ? "," : "");
			json_string(stdout, d->node);
			printf(",\"name\":");
			json_string(stdout, d->name);
			printf(",\"type\":\"%s\",\"cores\":%u,\"firmware_version\":\"%s\","
			       "\"fw_abi_version\":%u,\"capabilities\":%llu,\"capability_names\":[",
			       edgeai_device_type_name(d->type), d->core_count, fw, d->fw_abi_version,
			       (unsigned long long)d->capabilities);
			format_caps(d->capabilities, caps, sizeof(caps));
			if (strcmp(caps, "-") != 0) {
				char *save = NULL, *tok;
				int first = 1;

				for (tok = strtok_r(caps, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
					printf("%s", first ? "" : ",");
					json_string(stdout, tok);
					first = 0;
				}
			}
			printf("],\"source\":\"%s\",\"runtime_status\":", d->from_ioctl ? "ioctl" : "sysfs");
			json_string(stdout, l->state);
			printf(",\"cur_freq_hz\":%lld,\"max_freq_hz\":%lld,\"temp_mc\":%lld,"
			       "\"utilization_pct\":%.1f,\"clients\":%d}",
			       l->cur_hz, l->max_hz, l->temp_mc, l->util_pct, l->clients);
		}
		printf("],\"policy\":");
		ctl_status_policy();
		printf("}\n");
	} else if (n > 0) {
		printf("%-18s %-4s %5s %-8s %-10s %8s %8s %6s %5s %7s  %s\n", "NODE", "TYPE", "CORES",
		       "FIRMWARE", "STATE", "CUR_MHZ", "MAX_MHZ", "TEMP_C", "UTIL", "CLIENTS",
		       "CAPABILITIES");
		for (int i = 0; i < n; i++) {
			const struct edgeai_device_info *d = &infos[i];
			const struct ctl_live *l = &live[i];

			format_fw(d->fw_version, fw, sizeof(fw));
			format_caps(d->capabilities, caps, sizeof(caps));
			printf("%-18s %-4s %5u %-8s %-10s", d->node, edgeai_device_type_name(d->type),
			       d->core_count, fw, l->state);
			print_hz(l->cur_hz);
			print_hz(l->max_hz);
			if (l->temp_mc < 0)
				printf(" %6s", "-");
			else
				printf(" %6.1f", l->temp_mc / 1000.0);
			if (l->util_pct < 0)
				printf(" %5s", "-");
			else
				printf(" %4.0f%%", l->util_pct);
			printf(" %7d  %s%s\n", l->clients, caps, d->from_ioctl ? "" : " (from sysfs)");
		}
		ctl_status_policy();
	}
	free(live);
	free(nodes);
	free(cores);
	free(infos);
	if (n == 0)
		return ctl_no_device(&arg_device);
	return EXIT_SUCCESS;
}

struct selftest_result {
	const char *path;
	const char *verdict; /* "ok", "fail", "skip" */
	int error;
	const char *what;
	uint64_t device_time_ns;
};

/*
 * One FILL+COPY job: the CPU writes a pattern into src; the job fills all
 * of dst with 0x5a, then copies a window of src into the middle of dst.
 */
static void selftest_one(struct edgeai_device *dev, unsigned int flags,
			 struct selftest_result *res)
{
	struct edgeai_buffer *src = NULL, *dst = NULL;
	struct edgeai_job *job = NULL;
	struct edgeai_job_result jr;
	const uint64_t copy_src = 4096, copy_dst = 8192, copy_len = 16384 + 123;
	uint8_t *s, *d;
	void *p;
	int r;

	res->verdict = "fail";
	res->error = 0;
	res->what = NULL;
	res->device_time_ns = 0;

#define STEP(expr, name)                                                       \
	do {                                                                   \
		r = (expr);                                                    \
		if (r < 0) {                                                   \
			res->error = r;                                        \
			res->what = name;                                      \
			goto out;                                              \
		}                                                              \
	} while (0)

	STEP(edgeai_buffer_new(dev, SELFTEST_SIZE, 0, &src), "create source buffer");
	STEP(edgeai_buffer_new(dev, SELFTEST_SIZE, 0, &dst), "create destination buffer");
	STEP(edgeai_buffer_map(src, &p), "map source buffer");
	s = p;
	STEP(edgeai_buffer_cpu_prep(src, EDGEAI_ACCESS_WRITE, SELFTEST_TIMEOUT_NS), "CPU prep source");
	for (size_t i = 0; i < SELFTEST_SIZE; i++)
		s[i] = (uint8_t)(i * 7 + 3);
	STEP(edgeai_buffer_cpu_fini(src), "CPU fini source");

	STEP(edgeai_job_new(dev, &job), "create job");
	STEP(edgeai_job_add_fill(job, dst, 0, SELFTEST_SIZE, 0x5a), "add FILL");
	STEP(edgeai_job_add_copy(job, dst, copy_dst, src, copy_src, copy_len), "add COPY");

	r = edgeai_job_run(job, flags, SELFTEST_TIMEOUT_NS);
	if (r == -EOPNOTSUPP && (flags & EDGEAI_SUBMIT_URING)) {
		struct edgeai_device_info info = {};

		(void)edgeai_device_get_info(dev, &info);
		if (!(info.capabilities & EDGEAI_CAP_URING_CMD)) {
			res->verdict = "skip";
			res->error = r;
			res->what = "io_uring not offered by the kernel";
			goto out;
		}
	}
	STEP(r, "run job");
	STEP(edgeai_job_get_result(job, &jr), "job result");
	res->device_time_ns = jr.device_time_ns;

	STEP(edgeai_buffer_map(dst, &p), "map destination buffer");
	d = p;
	STEP(edgeai_buffer_cpu_prep(dst, EDGEAI_ACCESS_READ, SELFTEST_TIMEOUT_NS), "CPU prep destination");
	for (uint64_t i = 0; i < SELFTEST_SIZE; i++) {
		uint8_t want = (i >= copy_dst && i < copy_dst + copy_len) ? s[i - copy_dst + copy_src] : 0x5a;

		if (d[i] != want) {
			res->error = -EIO;
			res->what = "destination bytes differ from the expected pattern";
			(void)edgeai_buffer_cpu_fini(dst);
			goto out;
		}
	}
	STEP(edgeai_buffer_cpu_fini(dst), "CPU fini destination");
	res->verdict = "ok";
#undef STEP
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(src);
	edgeai_buffer_unref(dst);
}

static int verb_selftest(int argc _unused_, char *argv[] _unused_)
{
	struct edgeai_device_info *infos = NULL;
	int n = 0, failed = 0, r;

	r = collect_devices(&infos, &n);
	if (r)
		return r;
	if (n == 0) {
		free(infos);
		if (arg_json)
			printf("{\"devices\":[],\"result\":\"fail\"}\n");
		return ctl_no_device(&arg_device);
	}

	if (arg_json)
		printf("{\"devices\":[");
	for (int i = 0; i < n; i++) {
		struct selftest_result res[2] = { { .path = "ioctl" }, { .path = "io_uring" } };
		const unsigned int flags[2] = { EDGEAI_SUBMIT_IOCTL, EDGEAI_SUBMIT_URING };
		struct edgeai_device *dev = NULL;

		r = edgeai_device_open(infos[i].node, 0, &dev);
		for (int k = 0; k < 2; k++) {
			if (r < 0) {
				res[k].verdict = "fail";
				res[k].error = r;
				res[k].what = "open device";
			} else {
				selftest_one(dev, flags[k], &res[k]);
			}
			if (strcmp(res[k].verdict, "fail") == 0)
				failed++;
		}
		edgeai_device_unref(dev);

		if (arg_json) {
			printf("%s{\"node\":", i ? "," : "");
			json_string(stdout, infos[i].node);
			printf(",\"type\":\"%s\",\"tests\":[", edgeai_device_type_name(infos[i].type));
			for (int k = 0; k < 2; k++) {
				printf("%s{\"name\":\"fill_copy\",\"path\":\"%s\",\"result\":\"%s\","
				       "\"device_time_ns\":%llu,\"error\":",
				       k ? "," : "", res[k].path, res[k].verdict,
				       (unsigned long long)res[k].device_time_ns);
				if (res[k].error) {
					char msg[256];

					snprintf(msg, sizeof(msg), "%s: %s", res[k].what,
						 edgeai_strerror(res[k].error));
					json_string(stdout, msg);
				} else {
					printf("null");
				}
				printf("}");
			}
			printf("]}");
		} else {
			for (int k = 0; k < 2; k++) {
				printf("%-20s %-5s fill+copy by %-8s ", infos[i].node,
				       edgeai_device_type_name(infos[i].type), res[k].path);
				if (strcmp(res[k].verdict, "ok") == 0)
					printf("device time %8.3f us  OK\n", res[k].device_time_ns / 1000.0);
				else
					printf("%s (%s: %s)\n", strcmp(res[k].verdict, "skip") ? "FAIL" : "SKIP",
					       res[k].what, edgeai_strerror(res[k].error));
			}
		}
	}
	if (arg_json)
		printf("],\"result\":\"%s\"}\n", failed ? "fail" : "ok");
	else
		printf("selftest: %s (%d failed)\n", failed ? "FAIL" : "OK", failed);
	free(infos);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Models: inspect and quantize */

static void print_shape(const struct edgeai_tensor_info *t)
{
	printf("[");
	for (uint32_t d = 0; d < t->rank; d++)
		printf("%s%d", d ? "," : "", t->shape[d]);
	printf("]");
}

static void print_quant_human(const struct edgeai_tensor_info *t)
{
	if (t->n_quant == 0)
		printf("-");
	else if (t->n_quant == 1)
		printf("scale %.9g zero_point %lld", t->scales[0], (long long)t->zero_points[0]);
	else
		printf("per-channel (dim %d, %u scales)", t->quant_dim, t->n_quant);
}

static void print_tensor_json(const struct edgeai_tensor_info *t)
{
	printf("{\"index\":%u,\"name\":", t->index);
	json_string(stdout, t->name);
	printf(",\"type\":\"%s\",\"shape\":", edgeai_tensor_type_name(t->type));
	print_shape(t);
	printf(",\"quantization\":");
	if (!t->n_quant) {
		printf("null");
	} else {
		printf("{\"dim\":%d,\"scale\":[", t->quant_dim);
		for (uint32_t i = 0; i < t->n_quant; i++)
			printf("%s%.9g", i ? "," : "", t->scales[i]);
		printf("],\"zero_point\":[");
		for (uint32_t i = 0; i < t->n_quant; i++)
			printf("%s%lld", i ? "," : "", (long long)t->zero_points[i]);
		printf("]}");
	}
	printf("}");
}

struct op_count {
	int32_t code;
	const char *name;
	unsigned int count;
};

/* Operators with counts, in order of first appearance. */
static int count_ops(const struct edgeai_model *m, struct op_count **ret, int *ret_n)
{
	int n_ops = edgeai_model_count(m, EDGEAI_COUNT_OPS), n = 0;
	struct op_count *c = calloc(n_ops > 0 ? (size_t)n_ops : 1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (int i = 0; i < n_ops; i++) {
		struct edgeai_op_info op;
		int k;

		if (edgeai_model_get_op(m, (unsigned int)i, &op) < 0)
			continue;
		for (k = 0; k < n; k++)
			if (c[k].code == op.code && !strcmp(c[k].name, op.name))
				break;
		if (k == n)
			c[n++] = (struct op_count){ op.code, op.name, 0 };
		c[k].count++;
	}
	*ret = c;
	*ret_n = n;
	return 0;
}

static void print_ops_json(const struct edgeai_model *m)
{
	struct op_count *c = NULL;
	int n = 0;

	printf("[");
	if (count_ops(m, &c, &n) >= 0)
		for (int i = 0; i < n; i++) {
			printf("%s{\"op\":", i ? "," : "");
			json_string(stdout, c[i].name);
			printf(",\"code\":%d,\"count\":%u}", c[i].code, c[i].count);
		}
	printf("]");
	free(c);
}

static void print_ops_human(const struct edgeai_model *m, const char *indent)
{
	struct op_count *c = NULL;
	int n = 0;

	if (count_ops(m, &c, &n) >= 0)
		for (int i = 0; i < n; i++)
			printf("%s%-26s %5u\n", indent, c[i].name, c[i].count);
	free(c);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

int ctl_model_load(const char *path, struct edgeai_model **ret)
{
	char err[512] = "";
	size_t n = strlen(path);
	int r = edgeai_model_load_file(path, ret, err, sizeof(err));

	if (r >= 0)
		return r;
	/* a file it could not open or map: the library's message names it */
	if (!strncmp(err, path, n) && err[n] == ':')
		fprintf(stderr, "%s: %s\n", program, err);
	else
		fprintf(stderr, "%s: %s: %s\n", program, path, err[0] ? err : edgeai_strerror(r));
	return r;
}

/* The inputs (or @outputs) of @m: JSON array elements, or one table line each. */
static void print_tensors(const struct edgeai_model *m, int outputs)
{
	int n = edgeai_model_count(m, outputs ? EDGEAI_COUNT_OUTPUTS : EDGEAI_COUNT_INPUTS);

	for (int i = 0; i < n; i++) {
		struct edgeai_tensor_info t;

		if (outputs)
			edgeai_model_get_output(m, (unsigned int)i, &t);
		else
			edgeai_model_get_input(m, (unsigned int)i, &t);
		if (arg_json) {
			printf("%s", i ? "," : "");
			print_tensor_json(&t);
			continue;
		}
		printf("  %-2d %-28s %-8s ", i, t.name, edgeai_tensor_type_name(t.type));
		print_shape(&t);
		printf("  ");
		print_quant_human(&t);
		printf("\n");
	}
}

static int verb_inspect(int argc _unused_, char *argv[])
{
	const char *path = argv[1];
	struct edgeai_model *m = NULL;

	if (ctl_model_load(path, &m) < 0)
		return EXIT_FAILURE;
	if (arg_json) {
		printf("{\"model\":");
		json_string(stdout, path);
		printf(",\"size\":%ld,\"tensors\":%d,\"operators\":%d,\"inputs\":[", file_size(path),
		       edgeai_model_count(m, EDGEAI_COUNT_TENSORS), edgeai_model_count(m, EDGEAI_COUNT_OPS));
		print_tensors(m, 0);
		printf("],\"outputs\":[");
		print_tensors(m, 1);
		printf("],\"ops\":");
		print_ops_json(m);
		printf("}\n");
	} else {
		printf("model      %s (%ld bytes, %d tensors, %d operators)\n", path, file_size(path),
		       edgeai_model_count(m, EDGEAI_COUNT_TENSORS), edgeai_model_count(m, EDGEAI_COUNT_OPS));
		printf("inputs\n");
		print_tensors(m, 0);
		printf("outputs\n");
		print_tensors(m, 1);
		printf("operators\n");
		print_ops_human(m, "  ");
	}
	edgeai_model_unref(m);
	return EXIT_SUCCESS;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read every regular file of arg.calib_dir (sorted) as one float32 sample of @sample_bytes. */
static int read_calib(size_t sample_bytes, float ***ret, unsigned int *ret_n)
{
	DIR *d = opendir(arg.calib_dir);
	char **names = NULL;
	float **samples = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;

	if (!d) {
		fprintf(stderr, "%s: --calib %s: %s\n", program, arg.calib_dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));

			if (!nn) {
				r = -ENOMEM;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r >= 0 && n == 0) {
		fprintf(stderr, "%s: --calib %s: no files\n", program, arg.calib_dir);
		r = -ENOENT;
	}
	if (r >= 0) {
		qsort(names, n, sizeof(*names), name_cmp);
		samples = calloc(n, sizeof(*samples));
		if (!samples)
			r = -ENOMEM;
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		char path[4096];
		FILE *f;
		long size;

		snprintf(path, sizeof(path), "%s/%s", arg.calib_dir, names[i]);
		size = file_size(path);
		if (size != (long)sample_bytes) {
			fprintf(stderr, "%s: %s: %ld bytes, the model's float32 inputs take %zu\n",
				program, path, size, sample_bytes);
			r = -EINVAL;
			break;
		}
		samples[i] = malloc(sample_bytes ? sample_bytes : 1);
		f = fopen(path, "rb");
		if (!samples[i] || !f || fread(samples[i], 1, sample_bytes, f) != sample_bytes) {
			fprintf(stderr, "%s: cannot read %s\n", program, path);
			r = -EIO;
		}
		if (f)
			fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (r < 0) {
		for (size_t i = 0; samples && i < n; i++)
			free(samples[i]);
		free(samples);
		return r;
	}
	*ret = samples;
	*ret_n = (unsigned int)n;
	return 0;
}

/*
 * Quantization progress on stderr: on a terminal one line redrawn in place
 * (cleared at the end); otherwise a plain line when a stage is done.
 */
static void progress(void *userdata, const char *stage, unsigned int done, unsigned int total)
{
	const int *tty = userdata;

	if (*tty) {
		fprintf(stderr, "\r\033[K%s: %s %u/%u", program, stage, done, total);
		fflush(stderr);
	} else if (done == total) {
		fprintf(stderr, "%s: %s %u/%u\n", program, stage, done, total);
	}
}

static int verb_quantize(int argc _unused_, char *argv[])
{
	const char *in = argv[1];
	struct edgeai_quant_options opts = {
		.size = sizeof(opts), .io = arg.io, .n_samples = arg.samples, .seed = arg.seed,
		.rand_lo = arg.rand_lo, .rand_hi = arg.rand_hi, .percentile = arg.percentile,
	};
	struct edgeai_quant_report rep;
	struct edgeai_model *m = NULL, *q = NULL;
	float **samples = NULL;
	unsigned int n_samples = 0;
	const char *detect = NULL;
	char err[512] = "";
	void *data = NULL;
	size_t size = 0, sample_bytes = 0;
	long in_size;
	FILE *f;
	int r, ret = EXIT_FAILURE, tty = isatty(STDERR_FILENO);

	if (!arg.output) {
		fprintf(stderr, "%s: quantize needs --output FILE\n", program);
		return EXIT_USAGE;
	}
	if (ctl_model_load(in, &m) < 0)
		return EXIT_FAILURE;
	if (arg.calib_dir) {
		for (int i = 0; i < edgeai_model_count(m, EDGEAI_COUNT_INPUTS); i++) {
			struct edgeai_tensor_info t;
			size_t k = 4;

			edgeai_model_get_input(m, (unsigned int)i, &t);
			for (uint32_t d = 0; d < t.rank; d++)
				k *= (size_t)t.shape[d];
			sample_bytes += k;
		}
		if (read_calib(sample_bytes, &samples, &n_samples) < 0)
			goto out;
		opts.samples = (const float *const *)samples;
		opts.n_samples = n_samples;
	}
	if (!arg_quiet) {
		opts.progress = progress;
		opts.userdata = &tty;
	}
	r = edgeai_quantize(m, &opts, &q, &rep, err, sizeof(err));
	if (opts.progress && tty)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		fprintf(stderr, "%s: cannot quantize %s: %s\n", program, in, err[0] ? err : edgeai_strerror(r));
		goto out;
	}
	r = edgeai_model_save(q, &data, &size);
	if (r < 0) {
		fprintf(stderr, "%s: cannot serialize the int8 model: %s\n", program, edgeai_strerror(r));
		goto out;
	}
	f = fopen(arg.output, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", program, arg.output, strerror(errno));
		goto out;
	}
	in_size = file_size(in);
	/* a detection op stays float32: the report's rows are not the model's outputs */
	for (int k = 0; k < edgeai_model_count(q, EDGEAI_COUNT_OPS); k++) {
		struct edgeai_op_info oi;

		if (!edgeai_model_get_op(q, (unsigned int)k, &oi) &&
		    !strcmp(oi.name, "TFLite_Detection_PostProcess"))
			detect = oi.name;
	}
	if (arg_json) {
		printf("{\"input\":");
		json_string(stdout, in);
		printf(",\"output\":");
		json_string(stdout, arg.output);
		printf(",\"size_in\":%ld,\"size_out\":%zu,\"compression\":%.4f,\"io\":\"%s\","
		       "\"calibration\":{\"samples\":%u,\"source\":\"%s\",\"seed\":%llu,"
		       "\"range\":[%g,%g],\"method\":\"%s\",\"percentile\":%g},"
		       "\"float32_size\":%llu,\"compression_vs_float32\":%.4f,\"ops_in\":%u,\"ops_out\":%u,\"ops_quantized\":%u,\"fp16_folded\":%u,"
		       "\"outputs\":[",
		       in_size, size, size ? (double)in_size / (double)size : 0.0,
		       arg.io == EDGEAI_QUANT_IO_UINT8 ? "uint8" : arg.io == EDGEAI_QUANT_IO_FLOAT ? "float" : "int8",
		       rep.n_samples, arg.calib_dir ? "files" : "random", (unsigned long long)arg.seed,
		       arg.rand_lo, arg.rand_hi, arg.percentile > 0 ? "percentile" : "minmax",
		       arg.percentile, (unsigned long long)rep.float32_size,
		       size ? (double)rep.float32_size / (double)size : 0.0, rep.n_ops_in, rep.n_ops_out, rep.n_ops_quantized, rep.n_folded);
		for (uint32_t i = 0; i < rep.n_outputs; i++) {
			struct edgeai_tensor_info t;

			printf("%s{\"name\":", i ? "," : "");
			if (!detect && !edgeai_model_get_output(q, i, &t))
				json_string(stdout, t.name);
			else
				printf("null");
			printf(",\"correlation\":%.6f,\"max_abs_error\":%.6g,\"float_min\":%.6g,"
			       "\"float_max\":%.6g,\"scale\":%.6g}", rep.outputs[i].correlation,
			       rep.outputs[i].max_abs_error, rep.outputs[i].float_min,
			       rep.outputs[i].float_max, rep.outputs[i].scale);
		}
		printf("],\"ops\":");
		print_ops_json(q);
		printf("}\n");
	} else {
		printf("quantized   %s -> %s\n", in, arg.output);
		printf("size        %ld -> %zu bytes (%.2fx smaller; %.2fx against the float32 "
		       "model, %llu bytes)\n", in_size, size, size ? (double)in_size / (double)size : 0.0,
		       size ? (double)rep.float32_size / (double)size : 0.0,
		       (unsigned long long)rep.float32_size);
		printf("calibration %u %s samples, %s\n", rep.n_samples,
		       arg.calib_dir ? "file" : "random", arg.percentile > 0 ? "percentile" : "min/max");
		printf("operators   %u float -> %u int8 model (%u quantized, %u constants folded to float32)\n",
		       rep.n_ops_in, rep.n_ops_out, rep.n_ops_quantized, rep.n_folded);
		print_ops_human(q, "  ");
		printf("int8 vs float on the calibration set (reference arithmetic):\n");
		if (detect)
			printf("  (%s stays float32: the rows are the model's other outputs, then its "
			       "box encodings and class scores)\n", detect);
		for (uint32_t i = 0; i < rep.n_outputs; i++) {
			struct edgeai_tensor_info t = { .name = "" };

			if (!detect)
				edgeai_model_get_output(q, i, &t);
			printf("  output %u %-24s correlation %.5f  max error %.5g  (range [%.4g, %.4g], "
			       "LSB %.4g)\n", i, t.name, rep.outputs[i].correlation,
			       rep.outputs[i].max_abs_error, rep.outputs[i].float_min,
			       rep.outputs[i].float_max, rep.outputs[i].scale);
		}
	}
	ret = EXIT_SUCCESS;
out:
	for (unsigned int i = 0; samples && i < n_samples; i++)
		free(samples[i]);
	free(samples);
	free(data);
	edgeai_model_unref(q);
	edgeai_model_unref(m);
	return ret;
}

static int verb_help(int argc, char *argv[]);

/* The verb reads its own options (run, bench): its argv goes to it whole */
#define VERB_OWN_OPTIONS 1

/* Which options a verb's help lists */
enum {
	OPT_DEVICE = 1 << 0,
	OPT_JSON = 1 << 1,
	OPT_QUANTIZE = 1 << 2,
};

typedef struct Verb {
	const char *name;
	const char *args;       /* its operands, as help shows them */
	int min_args, max_args; /* operands after the verb (not checked with VERB_OWN_OPTIONS) */
	unsigned int flags;
	int (*run)(int argc, char *argv[]);
	const char *help;       /* one line */
	unsigned int options;   /* OPT_*: what `edgeaictl VERB --help` lists */
	const char *details;    /* `edgeaictl VERB --help`: what it does, in full */
	void (*own_help)(void); /* VERB_OWN_OPTIONS: its help */
} Verb;

static const Verb verbs[] = {
	{ "status", "", 0, 0, 0, verb_status, "The accelerators, their state and load; edgeaid's policy",
	  OPT_DEVICE | OPT_JSON,
	  "For each accelerator: node, type, cores, firmware, runtime PM state, clock,\n"
	  "temperature, utilization over a quarter second, open files and capabilities;\n"
	  "then edgeaid's policy (profile, thermal limit, throttling, fallback advice,\n"
	  "application rules). Exit status 1 when no accelerator is found.\n" },
	{ "selftest", "", 0, 0, 0, verb_selftest, "A fill+copy job on each device, by ioctl and io_uring",
	  OPT_DEVICE | OPT_JSON,
	  "Runs a FILL and a COPY job on each accelerator, submitted once by ioctl and\n"
	  "once by io_uring, and checks every byte. Exit status 1 when a test fails or\n"
	  "no accelerator is found.\n" },
	{ "inspect", "MODEL", 1, 1, 0, verb_inspect, "Inputs, outputs and operators of a .tflite model",
	  OPT_JSON,
	  "Prints the model's inputs and outputs (name, type, shape, quantization) and\n"
	  "its operators with their counts. Needs no device.\n" },
	{ "quantize", "IN -o OUT", 1, 1, 0, verb_quantize, "Quantize a float .tflite model to int8",
	  OPT_JSON | OPT_QUANTIZE,
	  "Post-training quantization of the float model IN into the int8 model OUT,\n"
	  "calibrated on random inputs or on --calib files, then compares the int8\n"
	  "outputs with the float ones on the calibration set. IN may hold fp16\n"
	  "weights, or int8 weights with float activations (a dynamic-range model):\n"
	  "they are dequantized first. Needs no device.\n" },
	{ "run", "MODEL ...", 0, 0, VERB_OWN_OPTIONS, verb_run, "Run an int8 model once", 0, NULL,
	  ctl_run_help },
	{ "bench", "MODEL ...", 0, 0, VERB_OWN_OPTIONS, verb_bench, "Latency and throughput of a model", 0,
	  NULL, ctl_bench_help },
	{ "clients", "", 0, 0, 0, verb_clients, "Open files of the devices, with edgeaid's policy",
	  OPT_DEVICE | OPT_JSON,
	  "Each open file of an accelerator (from /proc/PID/fdinfo): process, device and\n"
	  "device time used; with edgeaid running, its application, priority and weight.\n"
	  "Exit status 1 when no accelerator is found.\n" },
	{ "top", "[N [MS]]", 0, 2, 0, verb_top, "Clients and their load every MS ms (1000), N times",
	  OPT_DEVICE | OPT_JSON,
	  "The clients with their share of device time, every MS milliseconds (50 to\n"
	  "60000, default 1000), N times (default: until interrupted on a terminal,\n"
	  "once otherwise). Exit status 1 when no accelerator is found.\n" },
	{ "power", "[get|set PROFILE]", 0, 2, 0, verb_power, "Profile and clocks; set asks edgeaid for a profile",
	  OPT_DEVICE | OPT_JSON,
	  "power [get]: edgeaid's power profile and each device's runtime PM state,\n"
	  "clocks and autosuspend delay. power set PROFILE: ask edgeaid for the profile\n"
	  "power-saver, balanced or performance (needs edgeaid; polkit may ask for a\n"
	  "password). Exit status 1 when no accelerator is found or edgeaid refuses.\n" },
	{ "thermal", "", 0, 0, 0, verb_thermal, "Temperatures and trips, edgeaid's limit, throttling",
	  OPT_DEVICE | OPT_JSON,
	  "Each device's thermal zone, temperature and trip points; with edgeaid\n"
	  "running, its thermal limit and whether it throttles. Exit status 1 when no\n"
	  "accelerator is found.\n" },
	{ "coredump", "[clear|FILE]", 0, 1, 0, verb_coredump, "Decode the devcoredumps of core resets; clear frees them",
	  OPT_JSON,
	  "Finds the devcoredumps edgeai left at core resets (/sys/class/devcoredump),\n"
	  "or reads FILE, and decodes each: device, guilty job and its program, core\n"
	  "registers and recent job history. coredump clear frees them. Exit status 1\n"
	  "when a dump cannot be read or decoded.\n" },
	{ "why", "", 0, 0, 0, verb_why, "Explain edgeaid's last throttle or fallback decision",
	  OPT_JSON,
	  "edgeaid's status, whether it throttles and why, its CPU fallback advice and\n"
	  "its last decision; without edgeaid, the last advice it left. Exit status 1\n"
	  "when no accelerator is found.\n" },
	{ "cdi", "generate|list ...", 0, 0, VERB_OWN_OPTIONS, verb_cdi, "CDI specs of the devices for containers", 0,
	  NULL, ctl_cdi_help },
	{ "help", "[COMMAND]", 0, 1, 0, verb_help, "Show this help, or the help of COMMAND", 0,
	  "Without COMMAND, the commands and global options; with it, that command's\n"
	  "help, as 'edgeaictl COMMAND --help' shows it.\n" },
};

static const Verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* "name ARGS", as help and usage errors show it */
static const char *verb_synopsis(const Verb *v, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", v->name, *v->args ? " " : "", v->args);
	return buf;
}

static void options_help(unsigned int options)
{
	if (options & OPT_DEVICE)
		printf("  -d, --device=DEV  Only the accelerators DEV selects (below).\n");
	if (options & OPT_JSON)
		printf("  -j, --json        Print JSON on standard output instead of a table.\n");
	if (options & OPT_QUANTIZE)
		printf("  -o, --output=FILE Write the int8 model to FILE.\n"
		       "      --calib=DIR   Calibrate on the files in DIR (sorted by name); each\n"
		       "                    holds the float32 values of every model input,\n"
		       "                    concatenated in input order.\n"
		       "      --samples=N   N random calibration inputs (default 8).\n"
		       "      --seed=N      Seed of the random inputs (default 1).\n"
		       "      --range=LO:HI Random inputs uniform in [LO, HI] (default -1:1).\n"
		       "      --percentile=P Clip activation ranges to the P-th percentile\n"
		       "                    (e.g. 99.99) instead of min/max.\n"
		       "      --io=TYPE     Model input/output type: int8 (default), uint8 or\n"
		       "                    float.\n"
		       "  -q, --quiet       No progress on standard error.\n");
	printf("  -h, --help        Show this help and exit.\n");
}

static void verb_help_of(const Verb *v)
{
	char synopsis[64];

	if (v->own_help) {
		v->own_help();
		return;
	}
	printf("Usage: %s [OPTIONS] %s\n\n%s.\n\n%s\nOptions:\n", program,
	       verb_synopsis(v, synopsis, sizeof(synopsis)), v->help, v->details);
	options_help(v->options);
	if (v->options & OPT_DEVICE) {
		printf("\n");
		ctl_device_help();
	}
	printf("\nSee edgeaictl(1).\n");
}

static void help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARGS...]\n"
	       "\n"
	       "Inspect and test edgeai NPU/DSP accelerators (/dev/accel/accelN devices of the\n"
	       "edgeai kernel driver). edgeaictl talks to the devices directly through\n"
	       "libedgeai and works with or without the edgeaid daemon.\n"
	       "\n"
	       "Commands:\n", program);
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
		char synopsis[64];

		/* a long synopsis gets a line of its own */
		if (strlen(verb_synopsis(&verbs[i], synopsis, sizeof(synopsis))) > 17)
			printf("  %s\n", synopsis), *synopsis = 0;
		printf("  %-17s %s\n", synopsis, verbs[i].help);
	}
	printf("\n"
	       "Options (before or after the command):\n"
	       "  -d, --device=DEV  Only the accelerators DEV selects (below).\n"
	       "  -j, --json        Print JSON on standard output instead of a table.\n"
	       "  -h, --help        Show this help (after a command: its help) and exit.\n"
	       "  -V, --version     Show the version of edgeaictl and libedgeai and exit.\n"
	       "A command's own options: '%s COMMAND --help' or '%s help COMMAND'.\n"
	       "\n", program, program);
	ctl_device_help();
	printf("\n"
	       "Exit status:\n"
	       "  0  success (status: at least one device; selftest: every test passed)\n"
	       "  1  failure (no accelerator found, a device error, a selftest failed,\n"
	       "     a malformed model or one that cannot be quantized)\n"
	       "  2  usage error (unknown command or option)\n"
	       "\n"
	       "Environment:\n"
	       "  EDGEAI_DEBUG=1    libedgeai logs each failing call to standard error.\n"
	       "  EDGEAI_CACHE_DIR=DIR  The compile cache (empty: none; default\n"
	       "                    $XDG_CACHE_HOME/edgeai/programs).\n"
	       "  EDGEAI_CPU_KERNELS=SET  CPU kernels: reference, avx2 or vnni (at most\n"
	       "                    what this CPU runs).\n"
	       "\n"
	       "Examples:\n"
	       "  %s status\n"
	       "  %s selftest --device npu1 --json\n"
	       "  %s inspect face_detection_short_range.tflite\n"
	       "  %s quantize model.tflite -o model-int8.tflite --samples 16 --json\n"
	       "  %s run model-int8.tflite --input in.bin --output-dir out --device npu\n"
	       "\n"
	       "See edgeaictl(1) for what each command shows. See also: edgeaid(8)\n",
	       program, program, program, program, program);
}

static int verb_help(int argc, char *argv[])
{
	const Verb *v;

	if (argc < 2) {
		help();
		return EXIT_SUCCESS;
	}
	v = find_verb(argv[1]);
	if (!v) {
		fprintf(stderr, "%s: help: unknown command '%s'\nTry '%s help' for the list.\n", program,
			argv[1], program);
		return EXIT_USAGE;
	}
	verb_help_of(v);
	return EXIT_SUCCESS;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * The options of edgeaictl and of the verbs without their own: before the
 * verb (@v NULL: parsing stops at the verb, --help is edgeaictl's) or after
 * it (argv[0] the verb: options and operands in any order, --help is the
 * verb's). Returns 1 to go on, 0 to exit successfully (--help, --version),
 * -EINVAL on bad usage.
 */
static int parse_argv(int argc, char *argv[], const Verb *v)
{
	enum { ARG_CALIB = 0x100, ARG_SAMPLES, ARG_SEED, ARG_RANGE, ARG_PERCENTILE, ARG_IO };
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "calib", required_argument, NULL, ARG_CALIB },
		{ "samples", required_argument, NULL, ARG_SAMPLES },
		{ "seed", required_argument, NULL, ARG_SEED },
		{ "range", required_argument, NULL, ARG_RANGE },
		{ "percentile", required_argument, NULL, ARG_PERCENTILE },
		{ "io", required_argument, NULL, ARG_IO },
		{}
	};
	unsigned long long val;
	char *end;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, v ? "hVjd:o:q" : "+hVjd:o:q", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			if (v)
				verb_help_of(v);
			else
				help();
			return 0;
		case 'V':
			printf("edgeaictl %s (libedgeai %s)\n", EDGEAI_VERSION_STRING, edgeai_version());
			return 0;
		case 'j':
			arg_json = 1;
			break;
		case 'd':
			if (ctl_device_parse(optarg, &arg_device) < 0)
				return -EINVAL;
			break;
		case 'o':
			arg.output = optarg;
			break;
		case 'q':
			arg_quiet = 1;
			break;
		case ARG_CALIB:
			arg.calib_dir = optarg;
			break;
		case ARG_SAMPLES:
			if (parse_uint(optarg, 1000000, &val) < 0 || val == 0) {
				fprintf(stderr, "%s: --samples needs a count from 1 to 1000000\n", program);
				return -EINVAL;
			}
			arg.samples = (unsigned int)val;
			break;
		case ARG_SEED:
			if (parse_uint(optarg, UINT64_MAX, &val) < 0) {
				fprintf(stderr, "%s: --seed needs a non-negative integer\n", program);
				return -EINVAL;
			}
			arg.seed = val;
			break;
		case ARG_RANGE:
			arg.rand_lo = strtof(optarg, &end);
			if (end == optarg || *end != ':' ||
			    (arg.rand_hi = strtof(end + 1, &end), *end) || !(arg.rand_lo < arg.rand_hi) ||
			    !isfinite(arg.rand_lo) || !isfinite(arg.rand_hi)) {
				fprintf(stderr, "%s: --range needs LO:HI with LO < HI\n", program);
				return -EINVAL;
			}
			break;
		case ARG_PERCENTILE:
			arg.percentile = strtof(optarg, &end);
			if (end == optarg || *end || !(arg.percentile > 50.0f && arg.percentile <= 100.0f)) {
				fprintf(stderr, "%s: --percentile needs a value in (50, 100]\n", program);
				return -EINVAL;
			}
			break;
		case ARG_IO:
			if (!strcmp(optarg, "int8")) {
				arg.io = EDGEAI_QUANT_IO_INT8;
			} else if (!strcmp(optarg, "uint8")) {
				arg.io = EDGEAI_QUANT_IO_UINT8;
			} else if (!strcmp(optarg, "float")) {
				arg.io = EDGEAI_QUANT_IO_FLOAT;
			} else {
				fprintf(stderr, "%s: --io is int8, uint8 or float\n", program);
				return -EINVAL;
			}
			break;
		default:
			if (v)
				fprintf(stderr, "Try '%s %s --help' for more information.\n", program, v->name);
			else
				fprintf(stderr, "Try '%s --help' for more information.\n", program);
			return -EINVAL;
		}
	}

	return 1;
}

/*
 * Run the verb argv[0] with the rest of the command line: a verb with its
 * own options gets it whole; for the others, options come out here and the
 * operands are checked against the table.
 */
static int dispatch(int argc, char *argv[])
{
	const Verb *v = find_verb(argv[0]);
	char synopsis[64];
	int r, n;

	if (!v) {
		fprintf(stderr, "%s: unknown command '%s'\nTry '%s help' for the list of commands.\n", program,
			argv[0], program);
		return EXIT_USAGE;
	}
	if (v->flags & VERB_OWN_OPTIONS)
		return v->run(argc, argv);
	r = parse_argv(argc, argv, v);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;
	/* getopt moved the operands to the end: argv[optind..] */
	n = argc - optind;
	if (n < v->min_args) {
		fprintf(stderr, "%s: %s needs %s (usage: %s %s)\n", program, v->name, v->args, program,
			verb_synopsis(v, synopsis, sizeof(synopsis)));
		return EXIT_USAGE;
	}
	if (n > v->max_args) {
		fprintf(stderr, "%s: too many arguments for %s: '%s' (usage: %s %s)\n", program, v->name,
			argv[optind + v->max_args], program, verb_synopsis(v, synopsis, sizeof(synopsis)));
		return EXIT_USAGE;
	}
	argv[optind - 1] = argv[0];
	return v->run(n + 1, argv + optind - 1);
}

int main(int argc, char *argv[])
{
	int r;

	r = parse_argv(argc, argv, NULL);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;
	if (optind >= argc) {
		fprintf(stderr, "%s: missing command\nTry '%s --help' for more information.\n", program, program);
		return EXIT_USAGE;
	}
	return dispatch(argc - optind, argv + optind);
}
