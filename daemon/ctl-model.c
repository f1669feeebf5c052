// SPDX-License-Identifier: MIT
/*
 * edgeaictl run and edgeaictl bench: compile a quantized .tflite model with
 * libedgeai and run it.
 *
 *   edgeaictl run MODEL.tflite --input IN0.bin [--input IN1.bin ...]
 *             --output-dir DIR [--device auto|cpu|npu|dsp] [--json]
 *   edgeaictl bench MODEL.tflite [--device ...] [--iterations N]
 *             [--warmup N] [--input IN0.bin ...] [--json]
 *
 * run: inputs are the raw bytes of each input tensor in model order;
 * writes DIR/output0.bin, output1.bin, ... (raw bytes of each output
 * tensor in model order) and prints where each op ran and why.
 * bench: latency mean/median/p95/p99 and throughput over N runs (seeded
 * random inputs unless --input is given).
 *
 * Both are verbs of edgeaictl.c's table, called with argv[0] = "run"/"bench"
 * and parsing their own options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <edgeai/edgeai.h>

#include "edgeaictl.h"

#define CTL_MAX_IO 64

static const char *prog_name(void)
{
	return program_invocation_short_name;
}

static void run_help(void)
{
	printf("Usage: %s run MODEL.tflite --input IN0.bin [--input IN1.bin ...] --output-dir DIR\n"
	       "                [--device auto|cpu|npu|dsp] [--json]\n"
	       "\n"
	       "Compile an int8/uint8 TFLite model and run it once.\n"
	       "\n"
	       "  -i, --input FILE       raw bytes of the next input tensor (model order)\n"
	       "  -O, --output-dir DIR   write DIR/output0.bin, output1.bin, ... (model order)\n"
	       "  -d, --device DEV       auto (default: accelerator where possible, CPU\n"
	       "                         otherwise), cpu (CPU only), npu or dsp (that device\n"
	       "                         only: fails instead of falling back)\n"
	       "      --reference        CPU: portable reference kernels only\n"
	       "      --no-cache         do not use the compile cache\n"
	       "  -j, --json             machine-readable result on stdout\n"
	       "  -h, --help             this text\n"
	       "\n"
	       "Prints where each operator ran and why. Exit status: 0 success,\n"
	       "1 failure, 2 usage error.\n", prog_name());
}

static void bench_help(void)
{
	printf("Usage: %s bench MODEL.tflite [--device auto|cpu|npu|dsp] [--iterations N]\n"
	       "                [--warmup N] [--input IN0.bin ...] [--json]\n"
	       "\n"
	       "Measure the latency of a compiled model: mean, median, p95, p99 and\n"
	       "throughput over N runs (default 50) after N warm-up runs (default 3).\n"
	       "Inputs are seeded random bytes unless --input gives them.\n"
	       "\n"
	       "  -d, --device DEV       as for run\n"
	       "  -n, --iterations N     timed runs, 1..1000000\n"
	       "  -w, --warmup N         untimed runs first, 0..1000\n"
	       "  -i, --input FILE       raw bytes of the next input tensor\n"
	       "      --reference        CPU: portable reference kernels only\n"
	       "  -j, --json             machine-readable result on stdout\n"
	       "  -h, --help             this text\n", prog_name());
}

static int parse_device(const char *s, struct edgeai_compile_options *o)
{
	if (!strcmp(s, "auto")) {
		o->policy = EDGEAI_POLICY_AUTO;
	} else if (!strcmp(s, "cpu")) {
		o->policy = EDGEAI_POLICY_CPU_ONLY;
	} else if (!strcmp(s, "npu")) {
		o->policy = EDGEAI_POLICY_DEVICE_ONLY;
		o->device_type = EDGEAI_DEVICE_NPU;
	} else if (!strcmp(s, "dsp")) {
		o->policy = EDGEAI_POLICY_DEVICE_ONLY;
		o->device_type = EDGEAI_DEVICE_DSP;
	} else {
		fprintf(stderr, "%s: --device is auto, cpu, npu or dsp\n", prog_name());
		return -EINVAL;
	}
	return 0;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *buf = NULL;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
		buf = malloc(st.st_size ? (size_t)st.st_size : 1);
		if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)st.st_size;
	} else {
		errno = EINVAL;
	}
	fclose(f);
	return buf;
}

static size_t tensor_bytes(const struct edgeai_tensor_info *t)
{
	size_t n = 1, es;
	uint32_t i;

	for (i = 0; i < t->rank; i++)
		n *= (size_t)(t->shape[i] > 0 ? t->shape[i] : 1);
	switch (t->type) {
	case EDGEAI_TYPE_INT32:
	case EDGEAI_TYPE_FLOAT32:
		es = 4;
		break;
	case EDGEAI_TYPE_INT16:
	case EDGEAI_TYPE_FLOAT16:
		es = 2;
		break;
	case EDGEAI_TYPE_INT64:
		es = 8;
		break;
	default:
		es = 1;
	}
	return n * es;
}

/* Common state of run and bench. */
struct session {
	struct edgeai_model *model;
	struct edgeai_program *prog;
	struct edgeai_request *req;	/* runs the program; its placement is what ran */
	unsigned int n_in, n_out;
	void *in[CTL_MAX_IO], *out[CTL_MAX_IO];
	size_t in_size[CTL_MAX_IO], out_size[CTL_MAX_IO];
	double compile_ms;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void session_free(struct session *s)
{
	unsigned int i;

	for (i = 0; i < CTL_MAX_IO; i++) {
		free(s->in[i]);
		free(s->out[i]);
	}
	edgeai_request_unref(s->req);
	edgeai_program_unref(s->prog);
	edgeai_model_unref(s->model);
}

/*
 * Load and compile @path; read @n_files inputs (or, with @random and no
 * files, fill seeded random bytes). Returns 0 or an exit status.
 */
/*
 * EDGEAI_CPU_KERNELS asked for a set this CPU or build lacks (or one that
 * does not exist): libedgeai uses the best it has; say so once.
 */
static void warn_cpu_kernels(const struct edgeai_program *prog,
			     const struct edgeai_compile_options *o)
{
	const char *want = getenv("EDGEAI_CPU_KERNELS"), *used = edgeai_cpu_kernels(prog);

	if (!want || !*want || (o->cpu_flags & EDGEAI_CPU_REFERENCE) || !strcmp(want, used) ||
	    (!strcmp(want, "portable") && !strcmp(used, "reference")))
		return;
	fprintf(stderr, "%s: EDGEAI_CPU_KERNELS=%s: not available on this CPU or build "
		"(reference, avx2, vnni on x86-64; reference, neon, dotprod on arm64), "
		"using the %s kernels\n", prog_name(), want, used);
}

static int session_open(struct session *s, const char *path,
			const struct edgeai_compile_options *o, char **files, unsigned int n_files,
			int random)
{
	char err[512] = "";
	unsigned int i;
	double t0;
	int r;

	memset(s, 0, sizeof(*s));
	r = edgeai_model_load_file(path, &s->model, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", prog_name(), path, err[0] ? err : edgeai_strerror(r));
		return 1;
	}
	s->n_in = (unsigned int)edgeai_model_count(s->model, EDGEAI_COUNT_INPUTS);
	s->n_out = (unsigned int)edgeai_model_count(s->model, EDGEAI_COUNT_OUTPUTS);
	if (s->n_in > CTL_MAX_IO || s->n_out > CTL_MAX_IO) {
		fprintf(stderr, "%s: %s: more than %d inputs or outputs\n", prog_name(), path,
			CTL_MAX_IO);
		return 1;
	}
	if ((n_files || !random) && n_files != s->n_in) {
		fprintf(stderr, "%s: %s has %u input%s, %u --input given\n", prog_name(), path,
			s->n_in, s->n_in == 1 ? "" : "s", n_files);
		return EXIT_USAGE;
	}
	for (i = 0; i < s->n_in; i++) {
		struct edgeai_tensor_info ti;
		size_t want, len = 0;

		edgeai_model_get_input(s->model, i, &ti);
		want = tensor_bytes(&ti);
		if (n_files) {
			s->in[i] = slurp(files[i], &len);
			if (!s->in[i]) {
				fprintf(stderr, "%s: %s: %s\n", prog_name(), files[i], strerror(errno));
				return 1;
			}
			if (len != want) {
				fprintf(stderr,
					"%s: %s: %zu bytes, input %u ('%s', %s) needs %zu\n",
					prog_name(), files[i], len, i, ti.name,
					edgeai_tensor_type_name(ti.type), want);
				return 1;
			}
		} else {
			uint64_t x = 0x9e3779b97f4a7c15ULL + i;
			size_t k;

			s->in[i] = malloc(want ? want : 1);
			if (!s->in[i])
				return 1;
			for (k = 0; k < want; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				((uint8_t *)s->in[i])[k] = (uint8_t)x;
			}
		}
		s->in_size[i] = want;
	}
	for (i = 0; i < s->n_out; i++) {
		struct edgeai_tensor_info ti;

		edgeai_model_get_output(s->model, i, &ti);
		s->out_size[i] = tensor_bytes(&ti);
		s->out[i] = calloc(1, s->out_size[i] ? s->out_size[i] : 1);
		if (!s->out[i])
			return 1;
	}
	t0 = now_ms();
	r = edgeai_model_compile(s->model, o, &s->prog, err, sizeof(err));
	s->compile_ms = now_ms() - t0;
	if (r) {
		fprintf(stderr, "%s: %s: %s (%s)\n", prog_name(), path,
			err[0] ? err : "cannot compile", edgeai_strerror(r));
		return 1;
	}
	r = edgeai_request_new(s->prog, &s->req);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", prog_name(), path, edgeai_strerror(r));
		return 1;
	}
	warn_cpu_kernels(s->prog, o);
	return 0;
}

/* One run through the request API: where ops ran is the request's placement. */
static int session_run(struct session *s)
{
	unsigned int i;
	int r = 0;

	for (i = 0; i < s->n_in && !r; i++)
		r = edgeai_request_set_input(s->req, i, s->in[i], s->in_size[i]);
	if (!r)
		r = edgeai_request_submit(s->req);
	if (!r)
		r = edgeai_request_wait(s->req, EDGEAI_TIMEOUT_INFINITE);
	for (i = 0; i < s->n_out && !r; i++)
		r = edgeai_request_get_output(s->req, i, s->out[i], s->out_size[i]);
	return r;
}

static void print_placement(struct session *s, FILE *f, int json)
{
	int i, n = edgeai_program_placement_count(s->prog);

	if (json)
		fprintf(f, "\"placement\": [");
	for (i = 0; i < n; i++) {
		struct edgeai_placement p;

		if (edgeai_request_get_placement(s->req, (unsigned int)i, &p) &&
		    edgeai_program_get_placement(s->prog, (unsigned int)i, &p))
			continue;
		if (json) {
			fprintf(f, "%s{\"op\": %d, \"name\": ", i ? ", " : "", i);
			json_string(f, p.op_name);
			fprintf(f, ", \"device\": \"%s\", \"reason\": ", edgeai_exec_device_name(p.device));
			json_string(f, p.reason);
			fputc('}', f);
		} else {
			fprintf(f, "  op %3d %-26s %-4s %s\n", i, p.op_name,
				edgeai_exec_device_name(p.device), p.reason);
		}
	}
	if (json)
		fprintf(f, "]");
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return -errno;
	bad = fwrite(data, 1, len, f) != len;
	bad |= fclose(f) != 0;
	return bad ? -EIO : 0;
}

enum { OPT_REFERENCE = 0x100, OPT_NO_CACHE };

/* "program hit, placement stored", or "off" */
static const char *cache_words(const struct edgeai_program *prog, char *buf, size_t size)
{
	int st = edgeai_program_get_cache_state(prog);

	snprintf(buf, size, "%s%s%s%s",
		 st & EDGEAI_CACHE_PROGRAM_HIT ? "program hit " : "",
		 st & EDGEAI_CACHE_PLACEMENT_HIT ? "placement hit " : "",
		 st & EDGEAI_CACHE_STORED ? "stored " : "",
		 st & EDGEAI_CACHE_CORRUPT ? "corrupt entry recompiled " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = 0;
	else
		snprintf(buf, size, "off");
	return buf;
}

int verb_run(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "input", required_argument, NULL, 'i' },
		{ "output-dir", required_argument, NULL, 'O' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "reference", no_argument, NULL, OPT_REFERENCE },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "quiet", no_argument, NULL, 'q' },
		{}
	};
	struct edgeai_compile_options o = { 0 };
	char *files[CTL_MAX_IO], path[4096], cw[96];
	const char *dir = NULL, *model;
	unsigned int n_files = 0, i;
	struct session s;
	int c, json = 0, r;
	double t0, ms;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hi:O:d:jq", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			run_help();
			return 0;
		case 'i':
			if (n_files >= CTL_MAX_IO) {
				fprintf(stderr, "%s: too many --input\n", prog_name());
				return EXIT_USAGE;
			}
			files[n_files++] = optarg;
			break;
		case 'O':
			dir = optarg;
			break;
		case 'd':
			if (parse_device(optarg, &o))
				return EXIT_USAGE;
			break;
		case 'j':
			json = 1;
			break;
		case 'q':
			break;
		case OPT_REFERENCE:
			o.cpu_flags |= EDGEAI_CPU_REFERENCE;
			break;
		case OPT_NO_CACHE:
			o.flags |= EDGEAI_COMPILE_NO_CACHE;
			break;
		default:
			fprintf(stderr, "Try '%s run --help' for more information.\n", prog_name());
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !dir) {
		fprintf(stderr, "%s: run needs one MODEL.tflite and --output-dir DIR\n"
			"Try '%s run --help' for more information.\n", prog_name(), prog_name());
		return EXIT_USAGE;
	}
	model = argv[optind];
	r = session_open(&s, model, &o, files, n_files, 0);
	if (r) {
		session_free(&s);
		return r;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", prog_name(), dir, strerror(errno));
		session_free(&s);
		return 1;
	}
	t0 = now_ms();
	r = session_run(&s);
	ms = now_ms() - t0;
	if (r) {
		fprintf(stderr, "%s: %s: run failed: %s (%d)\n", prog_name(), model, edgeai_strerror(r), r);
		session_free(&s);
		return 1;
	}
	for (i = 0; i < s.n_out; i++) {
		snprintf(path, sizeof(path), "%s/output%u.bin", dir, i);
		r = write_file(path, s.out[i], s.out_size[i]);
		if (r) {
			fprintf(stderr, "%s: %s: %s\n", prog_name(), path, strerror(-r));
			session_free(&s);
			return 1;
		}
	}
	if (json) {
		printf("{\"model\": ");
		json_string(stdout, model);
		printf(", \"cpu_kernels\": \"%s\", \"compile_ms\": %.3f, \"cache\": \"%s\", \"run_ms\": %.3f, \"outputs\": [",
		       edgeai_cpu_kernels(s.prog), s.compile_ms,
		       cache_words(s.prog, cw, sizeof(cw)), ms);
		for (i = 0; i < s.n_out; i++) {
			snprintf(path, sizeof(path), "%s/output%u.bin", dir, i);
			printf("%s{\"index\": %u, \"path\": ", i ? ", " : "", i);
			json_string(stdout, path);
			printf(", \"bytes\": %zu}", s.out_size[i]);
		}
		printf("], ");
		print_placement(&s, stdout, 1);
		printf("}\n");
	} else {
		printf("%s: %u op%s, ran in %.3f ms (compile %.3f ms, cache: %s, CPU kernels: %s)\n",
		       model, (unsigned int)edgeai_program_placement_count(s.prog),
		       edgeai_program_placement_count(s.prog) == 1 ? "" : "s", ms, s.compile_ms,
		       cache_words(s.prog, cw, sizeof(cw)), edgeai_cpu_kernels(s.prog));
		printf("placement:\n");
		print_placement(&s, stdout, 0);
		for (i = 0; i < s.n_out; i++)
			printf("wrote %s/output%u.bin (%zu bytes)\n", dir, i, s.out_size[i]);
	}
	session_free(&s);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, unsigned int n, double p)
{
	double k = p / 100.0 * (n - 1);
	unsigned int lo = (unsigned int)k;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (v[lo + 1] - v[lo]) * (k - lo);
}

static int parse_count(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 10);
	return errno || end == s || *end || *ret > max || s[0] == '-' ? -EINVAL : 0;
}

int verb_bench(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "input", required_argument, NULL, 'i' },
		{ "device", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "reference", no_argument, NULL, OPT_REFERENCE },
		{ "quiet", no_argument, NULL, 'q' },
		{}
	};
	struct edgeai_compile_options o = { 0 };
	unsigned long iters = 50, warm = 3, v;
	unsigned int n_files = 0, i;
	char *files[CTL_MAX_IO];
	int c, json = 0, quiet = 0, r, progress;
	double *lat, sum = 0, start, last_progress;
	const char *model;
	struct session s;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hi:d:n:w:jq", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			bench_help();
			return 0;
		case 'i':
			if (n_files >= CTL_MAX_IO)
				return EXIT_USAGE;
			files[n_files++] = optarg;
			break;
		case 'd':
			if (parse_device(optarg, &o))
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_count(optarg, 1000000, &v) || !v) {
				fprintf(stderr, "%s: --iterations needs 1..1000000\n", prog_name());
				return EXIT_USAGE;
			}
			iters = v;
			break;
		case 'w':
			if (parse_count(optarg, 1000, &v)) {
				fprintf(stderr, "%s: --warmup needs 0..1000\n", prog_name());
				return EXIT_USAGE;
			}
			warm = v;
			break;
		case 'j':
			json = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_REFERENCE:
			o.cpu_flags |= EDGEAI_CPU_REFERENCE;
			break;
		default:
			fprintf(stderr, "Try '%s bench --help' for more information.\n", prog_name());
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: bench needs one MODEL.tflite\n", prog_name());
		return EXIT_USAGE;
	}
	model = argv[optind];
	r = session_open(&s, model, &o, files, n_files, 1);
	if (r) {
		session_free(&s);
		return r;
	}
	lat = calloc(iters, sizeof(*lat));
	if (!lat) {
		session_free(&s);
		return 1;
	}
	progress = !quiet && isatty(STDERR_FILENO);
	for (i = 0; i < warm; i++) {
		r = session_run(&s);
		if (r)
			goto fail;
	}
	start = last_progress = now_ms();
	for (i = 0; i < iters; i++) {
		double t0 = now_ms();

		r = session_run(&s);
		if (r)
			goto fail;
		lat[i] = now_ms() - t0;
		sum += lat[i];
		if (progress && lat[i] + t0 - last_progress > 1000.0) {
			last_progress = now_ms();
			fprintf(stderr, "\r%s: %u/%lu runs, %.3f ms mean", prog_name(), i + 1, iters,
				sum / (i + 1));
		}
	}
	if (progress && last_progress != start)
		fprintf(stderr, "\n");
	qsort(lat, iters, sizeof(*lat), cmp_double);
	{
		double mean = sum / (double)iters, med = pct(lat, (unsigned int)iters, 50);
		double p95 = pct(lat, (unsigned int)iters, 95), p99 = pct(lat, (unsigned int)iters, 99);
		double tput = mean > 0 ? 1000.0 / mean : 0;

		if (json) {
			printf("{\"model\": ");
			json_string(stdout, model);
			printf(", \"cpu_kernels\": \"%s\", \"iterations\": %lu, \"warmup\": %lu, "
			       "\"compile_ms\": %.3f, \"mean_ms\": %.4f, \"median_ms\": %.4f, "
			       "\"p95_ms\": %.4f, \"p99_ms\": %.4f, \"min_ms\": %.4f, \"max_ms\": %.4f, "
			       "\"throughput_per_s\": %.3f, ", edgeai_cpu_kernels(s.prog), iters, warm,
			       s.compile_ms, mean, med, p95, p99, lat[0], lat[iters - 1], tput);
			print_placement(&s, stdout, 1);
			printf("}\n");
		} else {
			printf("%s: %lu runs (%lu warm-up), CPU kernels %s\n", model, iters, warm,
			       edgeai_cpu_kernels(s.prog));
			printf("latency ms: mean %.3f  median %.3f  p95 %.3f  p99 %.3f  min %.3f  max %.3f\n",
			       mean, med, p95, p99, lat[0], lat[iters - 1]);
			printf("throughput: %.2f inferences/s\n", tput);
			printf("placement:\n");
			print_placement(&s, stdout, 0);
		}
	}
	free(lat);
	session_free(&s);
	return 0;
fail:
	fprintf(stderr, "%s: %s: run failed: %s (%d)\n", prog_name(), model, edgeai_strerror(r), r);
	free(lat);
	session_free(&s);
	return 1;
}
