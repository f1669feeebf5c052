// SPDX-License-Identifier: MIT
/*
 * edgeaictl run and edgeaictl bench: compile a quantized .tflite model with
 * libedgeai and run it.
 *
 *   edgeaictl run MODEL.tflite --input IN0.bin [--input IN1.bin ...]
 *             --output-dir DIR [--device DEV] [--verbose] [--json]
 *   edgeaictl bench MODEL.tflite [--device DEV] [--iterations N]
 *             [--warmup N] [--input IN0.bin ...] [--latencies FILE] [--json]
 *             [--concurrency N [--batch MAX] [--batch-wait-us US]]
 *
 * run: inputs are the raw bytes of each input tensor in model order (one
 * may be "-", standard input); writes DIR/output0.bin, output1.bin, ...
 * (raw bytes of each output tensor in model order) and prints where the
 * ops ran: a summary per device, each op with --verbose or --json.
 * DEV is ctl-device.c's grammar; edgeaictl's --json and --device before
 * the verb count too.
 * bench: latency mean/median/p95/p99 and throughput over N runs (seeded
 * random inputs unless --input is given); --latencies FILE keeps every run's
 * latency (ms, one per line, in run order) for plots. With --concurrency
 * N, N threads each keep one request of the program in flight; with
 * --batch MAX the runs alternate between batching off and on
 * (edgeai_program_set_batch()) in rounds off, on, on, off, and both are
 * reported side by side.
 *
 * Both are verbs of edgeaictl.c's table, called with argv[0] = "run"/"bench"
 * and parsing their own options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

void ctl_run_help(void)
{
	printf("Usage: %s run MODEL.tflite --input IN0.bin [--input IN1.bin ...]\n"
	       "                --output-dir DIR [--device DEV] [--verbose] [--json]\n"
	       "\n"
	       "Compile an int8/uint8 TFLite model and run it once. A float model must be\n"
	       "quantized first: %s quantize MODEL.tflite -o MODEL-int8.tflite.\n"
	       "\n"
	       "  -i, --input FILE       raw bytes of the next input tensor (model order);\n"
	       "                         - reads standard input (once)\n"
	       "  -O, --output-dir DIR   write DIR/output0.bin, output1.bin, ... (model order)\n"
	       "  -d, --device DEV       where to run (below; default auto)\n"
	       "      --reference        CPU: portable reference kernels only\n"
	       "      --no-cache         neither read nor write the compile cache\n"
	       "      --cache-dir DIR    keep the compile cache in DIR (created; \"\" for\n"
	       "                         none) instead of $EDGEAI_CACHE_DIR or the default\n"
	       "      --threads N        CPU: split the heavy ops across N threads, 1..256\n"
	       "                         (default 1; same bytes)\n"
	       "  -v, --verbose          list each operator with its device and reason\n"
	       "  -q, --quiet            no progress line on a terminal\n"
	       "  -j, --json             machine-readable result on stdout (each operator)\n"
	       "  -h, --help             this text\n"
	       "\n"
	       "Prints how many operators ran on each device, which ones (index ranges)\n"
	       "and why. Exit status: 0 success, 1 failure, 2 usage error.\n"
	       "\n", program_invocation_short_name, program_invocation_short_name);
	ctl_device_help();
}

void ctl_bench_help(void)
{
	printf("Usage: %s bench MODEL.tflite [--device DEV] [--iterations N]\n"
	       "                [--warmup N] [--input IN0.bin ...] [--latencies FILE]\n"
	       "                [--concurrency N [--batch MAX] [--batch-wait-us US]]\n"
	       "                [--json]\n"
	       "\n"
	       "Measure the latency of a compiled model: mean, median, p95, p99 and\n"
	       "throughput over N runs (default 50) after N warm-up runs (default 3);\n"
	       "with device jobs, the median overhead (latency less device time), of\n"
	       "the whole run and of edgeai_request_run() alone (submit to complete).\n"
	       "Inputs are seeded random bytes unless --input gives them.\n"
	       "\n"
	       "  -d, --device DEV       where to run (below; default auto)\n"
	       "  -n, --iterations N     timed runs, 1..1000000\n"
	       "  -w, --warmup N         untimed runs first, 0..1000\n"
	       "  -i, --input FILE       raw bytes of the next input tensor; - reads\n"
	       "                         standard input (once)\n"
	       "      --reference        CPU: portable reference kernels only\n"
	       "      --profile          CPU: time per op and per op type over the timed\n"
	       "                         runs, with the kernel set that ran each op\n"
	       "      --no-cache         neither read nor write the compile cache\n"
	       "      --latencies FILE   write each timed run's latency to FILE: ms, one\n"
	       "                         line per run, in run order (for plots)\n"
	       "      --threads N        CPU: split the heavy ops across N threads, 1..256\n"
	       "                         (default 1; same bytes)\n"
	       "      --zero-copy        CPU: bind the inputs and outputs in place\n"
	       "                         (edgeai_request_bind_input_ptr() and _output_ptr())\n"
	       "                         instead of copying them in and out on every run, as\n"
	       "                         TFLite's benchmark leaves them in its tensors; for a\n"
	       "                         model that runs on the CPU only, 8-bit inputs\n"
	       "  -c, --concurrency N    N application threads, 1..64, each with one\n"
	       "                         request of the program in flight at a time (a\n"
	       "                         closed loop); the N runs are shared among them.\n"
	       "                         Reports throughput (inferences/s over the wall\n"
	       "                         time) and latency p50/p95/p99 (submit to output);\n"
	       "                         every run's outputs must equal a single run's\n"
	       "      --batch MAX        also measure dynamic batching: the device may run\n"
	       "                         up to MAX (2..16) waiting requests of the program\n"
	       "                         as one job. Runs alternate, batching off and on,\n"
	       "                         in rounds off, on, on, off of N/4 runs each, and\n"
	       "                         both are reported side by side with their ratio\n"
	       "                         and the jobs the driver ran in batches\n"
	       "      --batch-wait-us US how long a request that finds the device free\n"
	       "                         waits for others to join its batch, 0..100000\n"
	       "                         (default 1000): the most latency batching adds\n"
	       "  -v, --verbose          list each operator with its device and reason\n"
	       "  -q, --quiet            no progress line on a terminal\n"
	       "  -j, --json             machine-readable result on stdout\n"
	       "  -h, --help             this text\n"
	       "\n"
	       "Batching needs a device with the \"batch\" capability (edgeaictl status;\n"
	       "uAPI 1.6): elsewhere, and on the CPU, requests run one by one and the\n"
	       "batched figures equal the others. --profile, --latencies and\n"
	       "--zero-copy do not go with --concurrency above 1 or --batch.\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n"
	       "\n", program_invocation_short_name);
	ctl_device_help();
}

/*
 * Compile options for @d: auto, cpu, a kind (that kind only), or one device
 * (npuN, accelN, a path: resolved to its minor here). 0, or an exit status
 * after a message.
 */
static int device_options(const struct ctl_device *d, struct edgeai_compile_options *o)
{
	struct edgeai_device_info *infos = NULL;
	int n = 0, r;

	switch (d->how) {
	case CTL_DEVICE_AUTO:
		o->policy = EDGEAI_POLICY_AUTO;
		return 0;
	case CTL_DEVICE_CPU:
		o->policy = EDGEAI_POLICY_CPU_ONLY;
		return 0;
	case CTL_DEVICE_KIND:
		o->policy = EDGEAI_POLICY_DEVICE_ONLY;
		o->device_type = d->type;
		return 0;
	default:
		break;
	}
	r = ctl_device_resolve(d, &infos, &n);
	if (r < 0)
		return r == -EINVAL ? EXIT_USAGE : 1;
	if (n == 0) {
		free(infos);
		return ctl_no_device(d);
	}
	o->policy = EDGEAI_POLICY_DEVICE_ONLY;
	o->device_type = infos[0].type;
	o->flags |= EDGEAI_COMPILE_ONE_DEVICE;
	o->device_minor = infos[0].minor;
	free(infos);
	return 0;
}

/* All of standard input, for --input - */
static void *slurp_stdin(size_t *len)
{
	size_t size = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		size_t got;

		if (size == cap) {
			char *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + size, 1, cap - size, stdin);
		size += got;
		if (got == 0)
			break;
	}
	if (ferror(stdin)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*len = size;
	return buf;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f;
	struct stat st;
	void *buf = NULL;

	if (!strcmp(path, "-"))
		return slurp_stdin(len);
	f = fopen(path, "rb");
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

/*
 * A float model: no activation is int8 or uint8. 1: no tensor is (it was
 * never quantized); 2: only constants are (dynamic-range quantization:
 * int8 weights, float activations); 0: a quantized model.
 */
static int float_model_kind(const struct edgeai_model *m)
{
	int n = edgeai_model_count(m, EDGEAI_COUNT_TENSORS), weights = 0;

	for (int i = 0; i < n; i++) {
		struct edgeai_tensor_info t;

		if (edgeai_model_get_tensor(m, (unsigned int)i, &t) != 0 ||
		    (t.type != EDGEAI_TYPE_INT8 && t.type != EDGEAI_TYPE_UINT8))
			continue;
		if (!t.is_constant)
			return 0;
		weights = 1;
	}
	return n > 0 ? 1 + weights : 0;
}

static void float_model_hint(const char *path, int kind)
{
	const char *p = prog_name();

	fprintf(stderr, "%s: %s is a float model%s: only int8/uint8 models run; quantize it first:\n"
		"  %s quantize %s -o MODEL-int8.tflite\n", p, path,
		kind == 2 ? " (int8 weights, float activations: dynamic-range quantized)" : "",
		p, path);
}

/* Why @path did not compile, once, in the words of the command line. */
static void compile_error(const struct edgeai_model *m, const char *path, const struct ctl_device *d,
			  int r, const char *err)
{
	const char *msg = err[0] ? err : edgeai_strerror(r);
	const char *p = prog_name();
	int kind = float_model_kind(m);

	if (r == -EOPNOTSUPP && kind) {
		float_model_hint(path, kind);
		return;
	}
	/* the library names its policy (DEVICE_ONLY); the user wrote --device */
	if (!strncmp(msg, "DEVICE_ONLY: ", 13)) {
		fprintf(stderr, "%s: %s: --device %s: %s\n", p, path, d->text, msg + 13);
		return;
	}
	fprintf(stderr, "%s: %s: %s\n", p, path, msg);
}

/* On a terminal (and not --quiet): one status line on stderr, redrawn in place. */
static int progress_on;

static void progress_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress_line(const char *fmt, ...)
{
	va_list ap;

	if (!progress_on)
		return;
	fprintf(stderr, "\r\033[K%s: ", prog_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static void progress_clear(void)
{
	if (progress_on)
		fputs("\r\033[K", stderr);
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
	double run_ms;			/* the last edgeai_request_run() of @req */
	int zero_copy;			/* @req reads @in and writes @out in place */
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

static int session_open(struct session *s, const char *path, const struct ctl_device *d,
			const struct edgeai_compile_options *o, char **files, unsigned int n_files,
			int random)
{
	char err[512] = "";
	unsigned int i;
	double t0;
	int r;

	memset(s, 0, sizeof(*s));
	if (ctl_model_load(path, &s->model))
		return 1;
	r = float_model_kind(s->model);
	if (r) {
		float_model_hint(path, r);
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
			const char *name = strcmp(files[i], "-") ? files[i] : "standard input";

			s->in[i] = slurp(files[i], &len);
			if (!s->in[i]) {
				fprintf(stderr, "%s: %s: %s\n", prog_name(), name, strerror(errno));
				return 1;
			}
			if (len != want) {
				fprintf(stderr,
					"%s: %s: %zu bytes, input %u ('%s', %s) needs %zu\n",
					prog_name(), name, len, i, ti.name,
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
	progress_line("compiling %s (--device %s)", path, d->text);
	t0 = now_ms();
	r = edgeai_model_compile(s->model, o, &s->prog, err, sizeof(err));
	s->compile_ms = now_ms() - t0;
	progress_clear();
	if (r) {
		compile_error(s->model, path, d, r, err);
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

/*
 * One run of @s's inputs through @req, its outputs into @out; the time of
 * edgeai_request_run() alone (submit to complete) into *@run_ms if not NULL.
 */
static int request_run(struct session *s, struct edgeai_request *req, void *const *out,
		       double *run_ms)
{
	unsigned int i;
	int r = 0;

	for (i = 0; i < s->n_in && !r && !s->zero_copy; i++)
		r = edgeai_request_set_input(req, i, s->in[i], s->in_size[i]);
	if (!r) {
		double t0 = run_ms ? now_ms() : 0;

		r = edgeai_request_run(req, EDGEAI_TIMEOUT_INFINITE);
		if (run_ms)
			*run_ms = now_ms() - t0;
	}
	for (i = 0; i < s->n_out && !r && !s->zero_copy; i++)
		r = edgeai_request_get_output(req, i, out[i], s->out_size[i]);
	return r;
}

/*
 * Binds @s's inputs and outputs to @s->req in place (a program that runs
 * on the CPU only; 8-bit tensors): runs then copy nothing in or out.
 */
static int bind_in_place(struct session *s)
{
	unsigned int i;
	int r = 0;

	for (i = 0; i < s->n_in && !r; i++)
		r = edgeai_request_bind_input_ptr(s->req, i, s->in[i], s->in_size[i]);
	for (i = 0; i < s->n_out && !r; i++)
		r = edgeai_request_bind_output_ptr(s->req, i, s->out[i], s->out_size[i]);
	if (!r)
		s->zero_copy = 1;
	return r;
}

/* One run through the request API: where ops ran is the request's placement. */
static int session_run(struct session *s)
{
	return request_run(s, s->req, s->out, &s->run_ms);
}

/* Op @i's placement: what the last run did, else what the compiler planned. */
static int get_placement(struct session *s, int i, struct edgeai_placement *p)
{
	if (!edgeai_request_get_placement(s->req, (unsigned int)i, p))
		return 0;
	return edgeai_program_get_placement(s->prog, (unsigned int)i, p);
}

/* The JSON member "placement": each op, its device and why */
/*
 * The model's TFLite_Detection_PostProcess, which the library computes on
 * the host after the program (no placement of its own), or NULL.
 */
static const char *host_op(const struct session *s)
{
	int n = edgeai_model_count(s->model, EDGEAI_COUNT_OPS);

	for (int k = 0; k < n; k++) {
		struct edgeai_op_info oi;

		if (!edgeai_model_get_op(s->model, (unsigned int)k, &oi) &&
		    !strcmp(oi.name, "TFLite_Detection_PostProcess"))
			return oi.name;
	}
	return NULL;
}

static void print_placement_json(struct session *s, FILE *f)
{
	int i, n = edgeai_program_placement_count(s->prog);
	const char *host = host_op(s);

	fprintf(f, "\"placement\": [");
	for (i = 0; i < n; i++) {
		struct edgeai_placement p;

		if (get_placement(s, i, &p))
			continue;
		fprintf(f, "%s{\"op\": %d, \"name\": ", i ? ", " : "", i);
		json_string(f, p.op_name);
		fprintf(f, ", \"device\": ");
		json_string(f, edgeai_exec_device_name(p.device));
		fprintf(f, ", \"reason\": ");
		json_string(f, p.reason);
		fputc('}', f);
	}
	fprintf(f, "], \"host\": [");
	if (host)
		json_string(f, host);
	fprintf(f, "]");
}

/*
 * The placement as text: with @verbose one line per op; otherwise, per
 * device, how many ops ran there, which (index ranges) and why (the most
 * common reason, and how many others there are).
 */
static void print_placement_text(struct session *s, FILE *f, int verbose)
{
	static const uint32_t devs[3] = { EDGEAI_EXEC_NPU, EDGEAI_EXEC_DSP, EDGEAI_EXEC_CPU };
	int n = edgeai_program_placement_count(s->prog);
	struct edgeai_placement *pl = calloc(n > 0 ? (size_t)n : 1, sizeof(*pl));
	uint8_t *ok = calloc(n > 0 ? (size_t)n : 1, 1);

	if (!pl || !ok)
		goto out;
	if (host_op(s))
		fprintf(f, "host: %s, after the program (float32 detections, as TFLite computes "
			"them)\n", host_op(s));
	for (int i = 0; i < n; i++)
		ok[i] = !get_placement(s, i, &pl[i]);
	if (verbose) {
		fprintf(f, "placement:\n");
		for (int i = 0; i < n; i++)
			if (ok[i])
				fprintf(f, "  op %3d %-26s %-4s %s\n", i, pl[i].op_name,
					edgeai_exec_device_name(pl[i].device), pl[i].reason);
		goto out;
	}
	fprintf(f, "placement (%d op%s; --verbose lists each):\n", n, n == 1 ? "" : "s");
	for (int k = 0; k < 3; k++) {
		const char *why = NULL;
		int count = 0, best = 0, others = 0, col, i;
		char ranges[256];

		/* ranges of consecutive ops on this device, as "0-5, 8, 10-20" */
		ranges[0] = 0;
		col = 0;
		for (i = 0; i < n; i++) {
			int j = i;

			if (!ok[i] || pl[i].device != devs[k])
				continue;
			while (j + 1 < n && ok[j + 1] && pl[j + 1].device == devs[k])
				j++;
			count += j - i + 1;
			if (col >= 0 && col < (int)sizeof(ranges) - 24) {
				col += snprintf(ranges + col, sizeof(ranges) - col, j > i ? "%s%d-%d" : "%s%d",
						col ? ", " : "", i, j);
			} else if (col >= 0) {
				snprintf(ranges + col, sizeof(ranges) - col, ", ...");
				col = -1;
			}
			i = j;
		}
		if (!count)
			continue;
		/* the most common reason on this device */
		for (i = 0; i < n; i++) {
			int c = 0;

			if (!ok[i] || pl[i].device != devs[k] || !pl[i].reason)
				continue;
			for (int j = 0; j < n; j++)
				c += ok[j] && pl[j].device == devs[k] && pl[j].reason &&
				     !strcmp(pl[j].reason, pl[i].reason);
			if (c > best) {
				best = c;
				why = pl[i].reason;
			}
		}
		for (i = 0; i < n; i++) {
			int seen = 0;

			if (!ok[i] || pl[i].device != devs[k] || !pl[i].reason || !strcmp(pl[i].reason, why))
				continue;
			for (int j = 0; j < i && !seen; j++)
				seen = ok[j] && pl[j].device == devs[k] && pl[j].reason &&
				       !strcmp(pl[j].reason, pl[i].reason);
			others += !seen;
		}
		fprintf(f, "  %-3s %4d op%s: %s\n", edgeai_exec_device_name(devs[k]), count,
			count == 1 ? "" : "s", ranges);
		if (why)
			fprintf(f, "      why: %s%s", why, others ? "" : "\n");
		if (why && others)
			fprintf(f, " (%d op%s; %d other reason%s)\n", best, best == 1 ? "" : "s", others,
				others == 1 ? "" : "s");
	}
out:
	free(pl);
	free(ok);
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

enum { OPT_REFERENCE = 0x100, OPT_NO_CACHE, OPT_CACHE_DIR, OPT_PROFILE, OPT_LATENCIES, OPT_THREADS,
       OPT_BATCH, OPT_BATCH_WAIT, OPT_ZERO_COPY };

static int parse_count(const char *s, unsigned long max, unsigned long *ret);

/* --threads N of run or bench into @o; 0 or EXIT_USAGE */
static int parse_threads(const char *s, struct edgeai_compile_options *o)
{
	unsigned long v;

	if (parse_count(s, 256, &v) || !v) {
		fprintf(stderr, "%s: --threads needs 1..256\n", prog_name());
		return EXIT_USAGE;
	}
	o->cpu_threads = (uint32_t)v;
	return 0;
}

/* --input FILE: at most CTL_MAX_IO, standard input ("-") once. Returns 0 or EXIT_USAGE. */
static int add_input(char **files, unsigned int *n, char *file)
{
	if (*n >= CTL_MAX_IO) {
		fprintf(stderr, "%s: more than %d --input\n", prog_name(), CTL_MAX_IO);
		return EXIT_USAGE;
	}
	for (unsigned int i = 0; i < *n; i++)
		if (!strcmp(file, "-") && !strcmp(files[i], "-")) {
			fprintf(stderr, "%s: --input - (standard input) can be given once\n", prog_name());
			return EXIT_USAGE;
		}
	files[(*n)++] = file;
	return 0;
}

/* --device DEV of run or bench into @d; 0 or EXIT_USAGE */
static int parse_device_arg(const char *s, struct ctl_device *d)
{
	return ctl_device_parse(s, d) < 0 ? EXIT_USAGE : 0;
}

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
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{}
	};
	struct edgeai_compile_options o = { 0 };
	char *files[CTL_MAX_IO], path[4096], cw[96];
	const char *dir = NULL, *model;
	unsigned int n_files = 0, i;
	struct ctl_device dev = arg_device;
	struct session s;
	int c, json = arg_json, quiet = arg_quiet, verbose = 0, r;
	double t0, ms;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hi:O:d:jqv", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			ctl_run_help();
			return 0;
		case 'i':
			if (add_input(files, &n_files, optarg))
				return EXIT_USAGE;
			break;
		case 'O':
			dir = optarg;
			break;
		case 'd':
			if (parse_device_arg(optarg, &dev))
				return EXIT_USAGE;
			break;
		case 'j':
			json = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case OPT_REFERENCE:
			o.cpu_flags |= EDGEAI_CPU_REFERENCE;
			break;
		case OPT_NO_CACHE:
			o.flags |= EDGEAI_COMPILE_NO_CACHE;
			break;
		case OPT_CACHE_DIR:
			o.cache_dir = optarg;
			break;
		case OPT_THREADS:
			if (parse_threads(optarg, &o))
				return EXIT_USAGE;
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
	r = device_options(&dev, &o);
	if (r)
		return r;
	progress_on = !quiet && isatty(STDERR_FILENO);
	r = session_open(&s, model, &dev, &o, files, n_files, 0);
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
		print_placement_json(&s, stdout);
		printf("}\n");
	} else {
		printf("%s: %u op%s, ran in %.3f ms (compile %.3f ms, cache: %s, CPU kernels: %s)\n",
		       model, (unsigned int)edgeai_program_placement_count(s.prog),
		       edgeai_program_placement_count(s.prog) == 1 ? "" : "s", ms, s.compile_ms,
		       cache_words(s.prog, cw, sizeof(cw)), edgeai_cpu_kernels(s.prog));
		print_placement_text(&s, stdout, verbose);
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

/* One op type of a profile: its ops, their time and the kernel sets that ran them. */
struct prof_type {
	const char *name;
	unsigned int ops;
	double ms;
	char kernels[48];
};

static int cmp_prof_type(const void *a, const void *b)
{
	const struct prof_type *x = a, *y = b;

	return x->ms < y->ms ? 1 : x->ms > y->ms ? -1 : strcmp(x->name, y->name);
}

/*
 * The per-op profile of the timed runs (edgeai_program_get_profile()):
 * each op with its share, then the op types by time, as TFLite's
 * benchmark_model --enable_op_profiling prints them. Times are per run.
 */
static int print_profile(const struct edgeai_program *prog, unsigned long runs, int json)
{
	int n = edgeai_program_profile_count(prog), i, k, nt = 0, r;
	struct edgeai_op_profile p;
	struct prof_type *t;
	double total = 0;

	if (n < 0)
		return n;
	t = calloc((size_t)n + 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r = edgeai_program_get_profile(prog, (unsigned int)i, &p);
		if (r) {
			free(t);
			return r;
		}
		total += (double)p.total_ns / 1e6 / (double)runs;
	}
	printf(json ? ", \"profile\": {\"total_ms\": %.4f, \"ops\": [" :
	       "per-op profile (ms per run; %.3f ms in ops):\n  %5s %-24s %-9s %9s %6s\n",
	       total, "op", "type", "kernels", "ms", "%");
	for (i = 0; i < n; i++) {
		double ms;
		size_t len;

		edgeai_program_get_profile(prog, (unsigned int)i, &p);
		ms = (double)p.total_ns / 1e6 / (double)runs;
		if (json)
			printf("%s{\"index\": %u, \"op\": \"%s\", \"kernels\": \"%s\", \"host\": %s, "
			       "\"runs\": %llu, \"ms\": %.4f, \"percent\": %.2f}", i ? ", " : "",
			       p.index, p.op_name, p.kernels, p.host ? "true" : "false",
			       (unsigned long long)p.runs, ms, total > 0 ? 100 * ms / total : 0);
		else
			printf("  %5u %-24s %-9s %9.4f %5.1f%%\n", p.index, p.op_name,
			       p.kernels[0] ? p.kernels : "-", ms, total > 0 ? 100 * ms / total : 0);
		for (k = 0; k < nt && strcmp(t[k].name, p.op_name); k++)
			;
		if (k == nt)
			t[nt++].name = p.op_name;
		t[k].ops++;
		t[k].ms += ms;
		len = strlen(t[k].kernels);
		if (p.kernels[0] && !strstr(t[k].kernels, p.kernels) &&
		    len + strlen(p.kernels) + 2 < sizeof(t[k].kernels))
			snprintf(t[k].kernels + len, sizeof(t[k].kernels) - len, "%s%s",
				 len ? "+" : "", p.kernels);
	}
	qsort(t, (size_t)nt, sizeof(*t), cmp_prof_type);
	printf(json ? "], \"types\": [" : "by op type:\n  %-24s %5s %-18s %9s %6s\n",
	       "type", "ops", "kernels", "ms", "%");
	for (k = 0; k < nt; k++) {
		double pc = total > 0 ? 100 * t[k].ms / total : 0;

		if (json)
			printf("%s{\"op\": \"%s\", \"ops\": %u, \"kernels\": \"%s\", \"ms\": %.4f, "
			       "\"percent\": %.2f}", k ? ", " : "", t[k].name, t[k].ops,
			       t[k].kernels, t[k].ms, pc);
		else
			printf("  %-24s %5u %-18s %9.4f %5.1f%%\n", t[k].name, t[k].ops,
			       t[k].kernels[0] ? t[k].kernels : "-", t[k].ms, pc);
	}
	if (json)
		printf("]}");
	free(t);
	return 0;
}

static int parse_count(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 10);
	return errno || end == s || *end || *ret > max || s[0] == '-' ? -EINVAL : 0;
}

/* --concurrency: one application thread of the closed loop. */
struct conc_thread {
	struct session *s;
	struct edgeai_request *req;
	void *out[CTL_MAX_IO];
	double *lat;			/* the round's latencies, by run */
	pthread_mutex_t *lock;
	unsigned long *next, end;	/* runs handed out under @lock */
	int status;
	uint64_t device_ns;		/* the device time of its timed runs */
	pthread_t tid;
};

/* conc_run(): the outputs differ from those of the single run before. */
#define CONC_DIFFERS 1

/* One run of a thread, its outputs checked against the single run's (s->out). */
static int conc_run(struct conc_thread *t)
{
	struct session *s = t->s;
	unsigned int i;
	int r = request_run(s, t->req, t->out, NULL);

	for (i = 0; i < s->n_out && !r; i++)
		if (memcmp(t->out[i], s->out[i], s->out_size[i]))
			r = CONC_DIFFERS;
	return r;
}

static void *conc_main(void *arg)
{
	struct conc_thread *t = arg;

	for (;;) {
		unsigned long i;
		double t0;
		int r;

		pthread_mutex_lock(t->lock);
		i = *t->next;
		if (i < t->end)
			(*t->next)++;
		pthread_mutex_unlock(t->lock);
		if (i >= t->end)
			break;
		t0 = now_ms();
		r = conc_run(t);
		if (r) {
			t->status = r;
			/* The others stop too. */
			pthread_mutex_lock(t->lock);
			*t->next = t->end;
			pthread_mutex_unlock(t->lock);
			break;
		}
		/* Warm-up runs are not kept. */
		if (t->lat) {
			struct edgeai_request_stats st;

			t->lat[i] = now_ms() - t0;
			if (!edgeai_request_get_stats(t->req, &st))
				t->device_ns += st.device_time_ns;
		}
	}
	return NULL;
}

/*
 * CPU time of this process, ms, in user and kernel mode (all its
 * threads): what the library and the system calls it makes cost per run.
 */
struct cpu_use {
	double user, sys;
};

static void cpu_sample(struct cpu_use *c)
{
	struct rusage ru;

	memset(c, 0, sizeof(*c));
	if (getrusage(RUSAGE_SELF, &ru))
		return;
	c->user = (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec / 1e3;
	c->sys = (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec / 1e3;
}

/* @acc += @b - @a */
static void cpu_add(struct cpu_use *acc, const struct cpu_use *a, const struct cpu_use *b)
{
	acc->user += b->user - a->user;
	acc->sys += b->sys - a->sys;
}

/* One mode of a concurrent bench: its runs' latencies and wall time. */
struct conc_mode {
	double *lat;
	unsigned long n;
	double wall_ms;
	double device_ms;	/* device time of the runs (a batch's shared equally) */
	long long batched;	/* jobs the driver ran in batches, -1: unknown */
	struct cpu_use cpu;	/* this process's CPU time during the runs */
};

/* Sum of the "edgeai-batched-jobs-*" fdinfo keys of @fd, or -1. */
static long long fd_batched_jobs(int fd)
{
	char path[64], line[256];
	long long sum = -1;
	FILE *f;

	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *c = strchr(line, ':');

		if (!strncmp(line, "edgeai-batched-jobs-", 20) && c)
			sum = (sum < 0 ? 0 : sum) + strtoll(c + 1, NULL, 10);
	}
	fclose(f);
	return sum;
}

/*
 * @runs runs of the program by @n threads, appended to @m; the program's
 * batching set to @batch_max/@batch_wait_us first. 0 or a library error.
 */
static int conc_round(struct session *s, struct conc_thread *th, unsigned int n,
		      struct conc_mode *m, unsigned long runs, unsigned int batch_max,
		      unsigned int batch_wait_us)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	unsigned long next = 0;
	unsigned int i, started = 0;
	struct cpu_use c0, c1;
	double t0;
	int r = edgeai_program_set_batch(s->prog, batch_max, batch_wait_us);

	if (r)
		return r;
	cpu_sample(&c0);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		th[i].lat = m ? m->lat + m->n : NULL;
		th[i].lock = &lock;
		th[i].next = &next;
		th[i].end = runs;
		th[i].status = 0;
		th[i].device_ns = 0;
		if (pthread_create(&th[i].tid, NULL, conc_main, &th[i])) {
			r = -EAGAIN;
			pthread_mutex_lock(&lock);
			next = runs;
			pthread_mutex_unlock(&lock);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(th[i].tid, NULL);
		if (!r)
			r = th[i].status;
		if (m)
			m->device_ms += (double)th[i].device_ns / 1e6;
	}
	if (m && !r) {
		m->wall_ms += now_ms() - t0;
		m->n += runs;
		cpu_sample(&c1);
		cpu_add(&m->cpu, &c0, &c1);
	}
	return r;
}

static void conc_json(const char *name, struct conc_mode *m)
{
	double sum = 0;
	unsigned long i;

	for (i = 0; i < m->n; i++)
		sum += m->lat[i];
	qsort(m->lat, m->n, sizeof(*m->lat), cmp_double);
	printf("\"%s\": {\"runs\": %lu, \"wall_ms\": %.3f, \"throughput_per_s\": %.3f, "
	       "\"mean_ms\": %.4f, \"p50_ms\": %.4f, \"p95_ms\": %.4f, \"p99_ms\": %.4f, "
	       "\"min_ms\": %.4f, \"max_ms\": %.4f, \"device_ms_per_inference\": %.5f", name,
	       m->n, m->wall_ms, m->wall_ms > 0 ? 1000.0 * (double)m->n / m->wall_ms : 0,
	       sum / (double)m->n, pct(m->lat, (unsigned int)m->n, 50),
	       pct(m->lat, (unsigned int)m->n, 95), pct(m->lat, (unsigned int)m->n, 99),
	       m->lat[0], m->lat[m->n - 1], m->device_ms / (double)m->n);
	if (m->batched >= 0)
		printf(", \"batched_jobs\": %lld", m->batched);
	printf(", \"cpu_user_ms_per_inference\": %.4f, \"cpu_kernel_ms_per_inference\": %.4f",
	       m->cpu.user / (double)m->n, m->cpu.sys / (double)m->n);
	printf("}");
}

static void conc_text(const char *name, struct conc_mode *m)
{
	double sum = 0;
	unsigned long i;

	for (i = 0; i < m->n; i++)
		sum += m->lat[i];
	printf("%-26s %12.2f %9.3f %9.3f %9.3f %9.3f %10.4f\n", name,
	       m->wall_ms > 0 ? 1000.0 * (double)m->n / m->wall_ms : 0,
	       pct(m->lat, (unsigned int)m->n, 50), pct(m->lat, (unsigned int)m->n, 95),
	       pct(m->lat, (unsigned int)m->n, 99), sum / (double)m->n,
	       m->device_ms / (double)m->n);
}

static double conc_tput(const struct conc_mode *m)
{
	return m->wall_ms > 0 ? 1000.0 * (double)m->n / m->wall_ms : 0;
}

/*
 * bench --concurrency N [--batch MAX]: @n threads in a closed loop, each
 * with its own request; with @batch_max, rounds off, on, on, off. Prints
 * the result; returns 0 or an exit status.
 */
static int bench_concurrent(struct session *s, const char *model, unsigned int n,
			    unsigned long iters, unsigned long warm, unsigned int batch_max,
			    unsigned int batch_wait_us, int json, int verbose)
{
	struct conc_mode modes[2] = { { 0 }, { 0 } };
	struct conc_thread *th = calloc(n, sizeof(*th));
	struct edgeai_device *dev = NULL;
	unsigned int i, k, rounds = batch_max ? 4 : 1;
	unsigned long per = batch_max ? (iters + 3) / 4 : iters;
	long long b0 = -1, b1 = -1;
	int fd = -1, r = 0, ret = 1;

	for (k = 0; k < 2; k++) {
		modes[k].lat = calloc(per * 2 + 1, sizeof(double));
		modes[k].batched = -1;
	}
	if (!th || !modes[0].lat || !modes[1].lat)
		goto out;
	for (i = 0; i < n && !r; i++) {
		th[i].s = s;
		r = edgeai_request_new(s->prog, &th[i].req);
		for (k = 0; k < s->n_out && !r; k++) {
			th[i].out[k] = calloc(1, s->out_size[k] ? s->out_size[k] : 1);
			if (!th[i].out[k])
				r = -ENOMEM;
		}
	}
	if (!r && !edgeai_program_get_device(s->prog, &dev))
		fd = edgeai_device_get_fd(dev);
	/* The outputs every concurrent run must give. */
	if (!r)
		r = session_run(s);
	/* Warm-up, in each mode measured. */
	if (!r && warm) {
		progress_line("warm-up, %u threads", n);
		r = conc_round(s, th, n, NULL, warm, 0, 0);
		if (!r && batch_max)
			r = conc_round(s, th, n, NULL, warm, batch_max, batch_wait_us);
	}
	b0 = fd_batched_jobs(fd);
	for (k = 0; k < rounds && !r; k++) {
		/* off, on, on, off: a drift of the machine hits both alike */
		int on = batch_max && (k == 1 || k == 2);

		progress_line("round %u/%u (batching %s), %u threads", k + 1, rounds,
			      on ? "on" : "off", n);
		r = conc_round(s, th, n, &modes[on], per, on ? batch_max : 0, batch_wait_us);
	}
	b1 = fd_batched_jobs(fd);
	progress_clear();
	if (r == CONC_DIFFERS) {
		fprintf(stderr, "%s: %s: a run with %u in flight gave other outputs than a "
			"single run\n", prog_name(), model, n);
		goto out;
	}
	if (r) {
		fprintf(stderr, "%s: %s: run failed: %s (%d)\n", prog_name(), model,
			edgeai_strerror(r), r);
		goto out;
	}
	if (batch_max && b0 >= 0 && b1 >= 0)
		modes[1].batched = b1 - b0;
	if (json) {
		printf("{\"model\": ");
		json_string(stdout, model);
		printf(", \"cpu_kernels\": \"%s\", \"concurrency\": %u, \"iterations\": %lu, "
		       "\"warmup\": %lu, \"compile_ms\": %.3f, ", edgeai_cpu_kernels(s->prog), n,
		       per * rounds, warm, s->compile_ms);
		conc_json("unbatched", &modes[0]);
		if (batch_max) {
			double q0 = pct(modes[0].lat, (unsigned int)modes[0].n, 99);
			double q1;

			printf(", \"batch_max\": %u, \"batch_wait_us\": %u, ", batch_max,
			       batch_wait_us);
			conc_json("batched", &modes[1]);
			q1 = pct(modes[1].lat, (unsigned int)modes[1].n, 99);
			printf(", \"throughput_ratio\": %.4f, \"p99_ratio\": %.4f, "
			       "\"device_time_ratio\": %.4f",
			       conc_tput(&modes[1]) / conc_tput(&modes[0]), q0 > 0 ? q1 / q0 : 0,
			       modes[1].device_ms > 0 ? modes[0].device_ms / modes[1].device_ms : 0);
		}
		printf(", ");
		print_placement_json(s, stdout);
		printf("}\n");
	} else {
		printf("%s: %u threads, %lu runs per column (%lu warm-up), CPU kernels %s\n",
		       model, n, modes[0].n, warm, edgeai_cpu_kernels(s->prog));
		printf("%-26s %12s %9s %9s %9s %9s %10s\n", "", "inferences/s", "p50 ms", "p95 ms",
		       "p99 ms", "mean ms", "device ms");
		qsort(modes[0].lat, modes[0].n, sizeof(double), cmp_double);
		conc_text(batch_max ? "one by one" : "", &modes[0]);
		if (batch_max) {
			char name[64];

			qsort(modes[1].lat, modes[1].n, sizeof(double), cmp_double);
			snprintf(name, sizeof(name), "batched (%u, %u us)", batch_max, batch_wait_us);
			conc_text(name, &modes[1]);
			printf("batched/one by one: throughput %.2fx, p99 %.2fx; one by one takes "
			       "%.2fx the device time", conc_tput(&modes[1]) / conc_tput(&modes[0]),
			       pct(modes[1].lat, (unsigned int)modes[1].n, 99) /
			       pct(modes[0].lat, (unsigned int)modes[0].n, 99),
			       modes[1].device_ms > 0 ? modes[0].device_ms / modes[1].device_ms : 0);
			if (modes[1].batched >= 0)
				printf("; %lld of %lu batched runs ran in batches", modes[1].batched,
				       modes[1].n);
			printf("\n");
		}
		print_placement_text(s, stdout, verbose);
	}
	ret = 0;
out:
	/* Batching off again: the program is the session's. */
	edgeai_program_set_batch(s->prog, 0, 0);
	for (i = 0; th && i < n; i++) {
		edgeai_request_unref(th[i].req);
		for (k = 0; k < CTL_MAX_IO; k++)
			free(th[i].out[k]);
	}
	edgeai_device_unref(dev);
	free(th);
	free(modes[0].lat);
	free(modes[1].lat);
	return ret;
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
		{ "profile", no_argument, NULL, OPT_PROFILE },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "latencies", required_argument, NULL, OPT_LATENCIES },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "batch-wait-us", required_argument, NULL, OPT_BATCH_WAIT },
		{ "zero-copy", no_argument, NULL, OPT_ZERO_COPY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{}
	};
	unsigned int conc = 1, batch_max = 0, batch_wait_us = 1000;
	int batch_wait_set = 0;
	struct edgeai_compile_options o = { 0 };
	const char *lat_path = NULL;
	FILE *lat_file = NULL;
	unsigned long iters = 50, warm = 3, v;
	unsigned int n_files = 0, i;
	char *files[CTL_MAX_IO];
	struct ctl_device dev = arg_device;
	int c, json = arg_json, quiet = arg_quiet, verbose = 0, r, profile = 0, zero_copy = 0;
	double *lat, *ovh, *sub, sum = 0, last_progress;
	unsigned long n_ovh = 0;
	const char *model;
	struct session s;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hi:d:n:w:c:jqv", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			ctl_bench_help();
			return 0;
		case 'c':
			if (parse_count(optarg, 64, &v) || !v) {
				fprintf(stderr, "%s: --concurrency needs 1..64\n", prog_name());
				return EXIT_USAGE;
			}
			conc = (unsigned int)v;
			break;
		case OPT_BATCH:
			if (parse_count(optarg, EDGEAI_BATCH_MAX, &v) || v < 2) {
				fprintf(stderr, "%s: --batch needs 2..%d\n", prog_name(),
					EDGEAI_BATCH_MAX);
				return EXIT_USAGE;
			}
			batch_max = (unsigned int)v;
			break;
		case OPT_BATCH_WAIT:
			if (parse_count(optarg, EDGEAI_BATCH_WAIT_MAX_US, &v)) {
				fprintf(stderr, "%s: --batch-wait-us needs 0..%d\n", prog_name(),
					EDGEAI_BATCH_WAIT_MAX_US);
				return EXIT_USAGE;
			}
			batch_wait_us = (unsigned int)v;
			batch_wait_set = 1;
			break;
		case 'i':
			if (add_input(files, &n_files, optarg))
				return EXIT_USAGE;
			break;
		case 'd':
			if (parse_device_arg(optarg, &dev))
				return EXIT_USAGE;
			break;
		case 'v':
			verbose = 1;
			break;
		case OPT_NO_CACHE:
			o.flags |= EDGEAI_COMPILE_NO_CACHE;
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
		case OPT_PROFILE:
			profile = 1;
			break;
		case OPT_ZERO_COPY:
			zero_copy = 1;
			break;
		case OPT_LATENCIES:
			if (!optarg[0]) {
				fprintf(stderr, "%s: --latencies needs a file name\n", prog_name());
				return EXIT_USAGE;
			}
			lat_path = optarg;
			break;
		case OPT_THREADS:
			if (parse_threads(optarg, &o))
				return EXIT_USAGE;
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
	if (batch_wait_set && !batch_max) {
		fprintf(stderr, "%s: --batch-wait-us goes with --batch\n", prog_name());
		return EXIT_USAGE;
	}
	if ((conc > 1 || batch_max) && (profile || lat_path || zero_copy)) {
		fprintf(stderr, "%s: --profile, --latencies and --zero-copy do not go with "
			"--concurrency above 1 or --batch\n", prog_name());
		return EXIT_USAGE;
	}
	r = device_options(&dev, &o);
	if (r)
		return r;
	progress_on = !quiet && isatty(STDERR_FILENO);
	r = session_open(&s, model, &dev, &o, files, n_files, 1);
	if (r) {
		session_free(&s);
		return r;
	}
	if (zero_copy) {
		r = bind_in_place(&s);
		if (r) {
			fprintf(stderr, "%s: %s: --zero-copy: %s\n", prog_name(), model,
				r == -EXDEV ? "the model has ops on a device, which reads only its "
				"own buffers: drop --zero-copy (or use --device cpu)" :
				r == -EOPNOTSUPP ? "a float32 input or output is converted by the "
				"library, not read in place: drop --zero-copy" : edgeai_strerror(r));
			session_free(&s);
			return 1;
		}
	}
	if (conc > 1 || batch_max) {
		r = bench_concurrent(&s, model, conc, iters, warm, batch_max, batch_wait_us, json,
				     verbose);
		session_free(&s);
		return r;
	}
	/*
	 * and after them, each run's latency less its device time (ovh), and
	 * the same of its edgeai_request_run() alone (sub: submit to complete)
	 */
	lat = calloc(3 * iters, sizeof(*lat));
	if (!lat) {
		session_free(&s);
		return 1;
	}
	ovh = lat + iters;
	sub = ovh + iters;
	if (lat_path) {
		lat_file = fopen(lat_path, "we");
		if (!lat_file) {
			fprintf(stderr, "%s: --latencies %s: %s\n", prog_name(), lat_path,
				strerror(errno));
			free(lat);
			session_free(&s);
			return 1;
		}
	}
	last_progress = now_ms();
	for (i = 0; i < warm; i++) {
		progress_line("warm-up %u/%lu", i + 1, warm);
		r = session_run(&s);
		if (r)
			goto fail;
	}
	if (profile) {
		r = edgeai_program_set_profiling(s.prog, 1);
		if (r) {
			fprintf(stderr, "%s: %s: --profile: %s\n", prog_name(), model,
				r == -EOPNOTSUPP ? "only a model that runs on the CPU is profiled" :
				edgeai_strerror(r));
			if (lat_file)
				fclose(lat_file);
			free(lat);
			session_free(&s);
			return 1;
		}
	}
	for (i = 0; i < iters; i++) {
		double t0 = now_ms();

		struct edgeai_request_stats st;

		r = session_run(&s);
		if (r)
			goto fail;
		lat[i] = now_ms() - t0;
		sum += lat[i];
		if (!edgeai_request_get_stats(s.req, &st) && st.device_jobs) {
			sub[n_ovh] = s.run_ms - (double)st.device_time_ns / 1e6;
			ovh[n_ovh++] = lat[i] - (double)st.device_time_ns / 1e6;
		}
		/* a terminal line redrawn at most 5 times a second */
		if (lat[i] + t0 - last_progress > 200.0 || i + 1 == iters) {
			last_progress = now_ms();
			progress_line("%u/%lu runs, %.3f ms mean", i + 1, iters, sum / (i + 1));
		}
	}
	progress_clear();
	if (lat_file) {
		int bad;

		/* before the sort: in run order */
		errno = 0;
		for (i = 0; i < iters; i++)
			fprintf(lat_file, "%.6f\n", lat[i]);
		bad = ferror(lat_file);
		bad |= fclose(lat_file);
		lat_file = NULL;
		if (bad) {
			fprintf(stderr, "%s: --latencies %s: %s\n", prog_name(), lat_path,
				strerror(errno ? errno : EIO));
			free(lat);
			session_free(&s);
			return 1;
		}
	}
	qsort(lat, iters, sizeof(*lat), cmp_double);
	qsort(ovh, n_ovh, sizeof(*ovh), cmp_double);
	qsort(sub, n_ovh, sizeof(*sub), cmp_double);
	{
		double mean = sum / (double)iters, med = pct(lat, (unsigned int)iters, 50);
		double p95 = pct(lat, (unsigned int)iters, 95), p99 = pct(lat, (unsigned int)iters, 99);
		double tput = mean > 0 ? 1000.0 / mean : 0;

		if (json) {
			printf("{\"model\": ");
			json_string(stdout, model);
			printf(", \"cpu_kernels\": \"%s\", \"cpu_threads\": %d, \"iterations\": %lu, "
			       "\"warmup\": %lu, "
			       "\"compile_ms\": %.3f, \"mean_ms\": %.4f, \"median_ms\": %.4f, "
			       "\"p95_ms\": %.4f, \"p99_ms\": %.4f, \"min_ms\": %.4f, \"max_ms\": %.4f, "
			       "\"throughput_per_s\": %.3f, \"zero_copy\": %s, ", edgeai_cpu_kernels(s.prog),
			       edgeai_program_get_cpu_threads(s.prog), iters, warm,
			       s.compile_ms, mean, med, p95, p99, lat[0], lat[iters - 1], tput,
			       zero_copy ? "true" : "false");
			if (n_ovh)
				printf("\"overhead_median_ms\": %.4f, \"overhead_runs\": %lu, "
				       "\"run_overhead_median_ms\": %.4f, ",
				       pct(ovh, (unsigned int)n_ovh, 50), n_ovh,
				       pct(sub, (unsigned int)n_ovh, 50));
			print_placement_json(&s, stdout);
			if (profile)
				print_profile(s.prog, iters, 1);
			printf("}\n");
		} else {
			printf("%s: %lu runs (%lu warm-up), CPU kernels %s", model, iters, warm,
			       edgeai_cpu_kernels(s.prog));
			if (edgeai_program_get_cpu_threads(s.prog) > 1)
				printf(" on %d threads", edgeai_program_get_cpu_threads(s.prog));
			if (zero_copy)
				printf(", inputs and outputs bound in place");
			printf("\n");
			printf("latency ms: mean %.3f  median %.3f  p95 %.3f  p99 %.3f  min %.3f  max %.3f\n",
			       mean, med, p95, p99, lat[0], lat[iters - 1]);
			printf("throughput: %.2f inferences/s\n", tput);
			if (n_ovh) {
				printf("overhead ms: median %.3f (latency less device time, %lu runs on a device)\n",
				       pct(ovh, (unsigned int)n_ovh, 50), n_ovh);
				printf("run overhead ms: median %.3f (edgeai_request_run() alone: submit to complete)\n",
				       pct(sub, (unsigned int)n_ovh, 50));
			}
			print_placement_text(&s, stdout, verbose);
			if (profile)
				print_profile(s.prog, iters, 0);
		}
	}
	free(lat);
	session_free(&s);
	return 0;
fail:
	progress_clear();
	fprintf(stderr, "%s: %s: run failed: %s (%d)\n", prog_name(), model, edgeai_strerror(r), r);
	if (lat_file)
		fclose(lat_file);
	free(lat);
	session_free(&s);
	return 1;
}
