// SPDX-License-Identifier: MIT
/*
 * tflite-bench: latency of TensorFlow Lite 2.9.0 (the oracle library, see
 * tests/oracle/) on one model, on THREADS threads (default 1).
 *
 *   tflite-bench LIB.so MODEL.tflite xnnpack|builtin ITERATIONS WARMUP [THREADS]
 *
 * xnnpack: the library's XNNPACK delegate with its int8 paths enabled
 * (flags QS8 | QU8), THREADS threads (its num_threads and the
 * interpreter's); builtin: the built-in kernels (the oracle). Inputs are
 * seeded random bytes. Prints one JSON object: {"mode", "delegated",
 * "nodes", "delegated_nodes", "mean_ms", "median_ms", "min_ms",
 * "iterations", "first_ms", "max_rss_kb"}: nodes is the graph's op count
 * and delegated_nodes how many of them XNNPACK took (the rest run on the
 * built-in kernels; -1 and 0 for builtin), delegated whether it took any;
 * first_ms is the first inference, from the model's load through the
 * interpreter's creation (with the delegate) and AllocateTensors to the
 * end of the first Invoke (the filling of the inputs left out);
 * max_rss_kb the process's peak resident memory.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tensorflow/lite/c/c_api.h"
#include "tensorflow/lite/c/common.h"

/* TFLite 2.9's TfLiteXNNPackDelegateOptions (xnnpack_delegate.h). */
struct xnn_opts {
	int32_t num_threads;
	uint32_t flags;
	void *weights_cache;
};

#define XNN_FLAG_QS8 0x1U
#define XNN_FLAG_QU8 0x2U

#define SYM(name) __typeof__(&name) p_##name = (__typeof__(&name))dlsym(lib, #name)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The graph's nodes, and those left to the built-in kernels after the
 * delegate's Prepare (a node the delegate took is one of its kernels,
 * builtin code DELEGATE, 51 in the schema).
 */
#define BUILTIN_DELEGATE 51
static TfLiteStatus (*xnn_prepare)(TfLiteContext *, struct TfLiteDelegate *);
static int graph_nodes = -1, left_nodes = -1;

static int count_plan(TfLiteContext *ctx, int *left)
{
	TfLiteIntArray *plan;
	int i, n = 0;

	if (ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return -1;
	for (i = 0; i < plan->size; i++) {
		TfLiteNode *node;
		TfLiteRegistration *reg;

		if (ctx->GetNodeAndRegistration(ctx, plan->data[i], &node, &reg) != kTfLiteOk)
			return -1;
		n += reg->builtin_code != BUILTIN_DELEGATE;
	}
	*left = n;
	return plan->size;
}

static TfLiteStatus counting_prepare(TfLiteContext *ctx, struct TfLiteDelegate *d)
{
	TfLiteStatus st;
	int left;

	graph_nodes = count_plan(ctx, &left);
	st = xnn_prepare(ctx, d);
	if (st == kTfLiteOk && count_plan(ctx, &left) >= 0)
		left_nodes = left;
	return st;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct xnn_opts (*xnn_default)(void);
	TfLiteDelegate *(*xnn_create)(const struct xnn_opts *);
	struct xnn_opts xo;
	TfLiteDelegate *del = NULL;
	TfLiteInterpreterOptions *opts;
	TfLiteInterpreter *interp;
	TfLiteModel *model;
	int i, n, warm, xnn, nin, threads = 1;
	double *lat, sum = 0, t_load, t_ready, t_first = -1;
	struct rusage ru;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	void *lib;

	if (argc != 6 && argc != 7)
		return 2;
	if (argc == 7)
		threads = atoi(argv[6]);
	if (threads < 1 || threads > 64)
		return 2;
	xnn = !strcmp(argv[3], "xnnpack");
	n = atoi(argv[4]);
	warm = atoi(argv[5]);
	if (n < 1 || warm < 0)
		return 2;
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "tflite-bench: %s\n", dlerror());
		return 1;
	}
	SYM(TfLiteModelCreateFromFile);
	SYM(TfLiteInterpreterOptionsCreate);
	SYM(TfLiteInterpreterOptionsSetNumThreads);
	SYM(TfLiteInterpreterOptionsAddDelegate);
	SYM(TfLiteInterpreterCreate);
	SYM(TfLiteInterpreterAllocateTensors);
	SYM(TfLiteInterpreterGetInputTensorCount);
	SYM(TfLiteInterpreterGetInputTensor);
	SYM(TfLiteTensorByteSize);
	SYM(TfLiteTensorData);
	SYM(TfLiteInterpreterInvoke);
	xnn_default = (struct xnn_opts (*)(void))dlsym(lib, "TfLiteXNNPackDelegateOptionsDefault");
	xnn_create = (TfLiteDelegate *(*)(const struct xnn_opts *))dlsym(lib,
								      "TfLiteXNNPackDelegateCreate");
	if (!p_TfLiteInterpreterInvoke || (xnn && (!xnn_default || !xnn_create))) {
		fprintf(stderr, "tflite-bench: missing symbols\n");
		return 1;
	}
	t_load = now_ms();
	model = p_TfLiteModelCreateFromFile(argv[2]);
	opts = p_TfLiteInterpreterOptionsCreate();
	p_TfLiteInterpreterOptionsSetNumThreads(opts, threads);
	if (xnn) {
		xo = xnn_default();
		xo.num_threads = threads;
		xo.flags |= XNN_FLAG_QS8 | XNN_FLAG_QU8;
		del = xnn_create(&xo);
		if (del) {
			xnn_prepare = del->Prepare;
			del->Prepare = counting_prepare;
		}
		p_TfLiteInterpreterOptionsAddDelegate(opts, del);
	}
	interp = model ? p_TfLiteInterpreterCreate(model, opts) : NULL;
	if (!interp || p_TfLiteInterpreterAllocateTensors(interp) != kTfLiteOk) {
		fprintf(stderr, "tflite-bench: cannot build the interpreter\n");
		return 1;
	}
	t_ready = now_ms() - t_load;
	nin = p_TfLiteInterpreterGetInputTensorCount(interp);
	for (i = 0; i < nin; i++) {
		TfLiteTensor *t = p_TfLiteInterpreterGetInputTensor(interp, i);
		uint8_t *d = p_TfLiteTensorData(t);
		size_t k;

		for (k = 0; k < p_TfLiteTensorByteSize(t); k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			d[k] = (uint8_t)x;
		}
	}
	lat = calloc((size_t)n, sizeof(*lat));
	for (i = 0; i < warm; i++) {
		double t0 = now_ms();

		if (p_TfLiteInterpreterInvoke(interp) != kTfLiteOk)
			return 1;
		if (t_first < 0)
			t_first = now_ms() - t0;
	}
	for (i = 0; i < n; i++) {
		double t0 = now_ms();

		if (p_TfLiteInterpreterInvoke(interp) != kTfLiteOk)
			return 1;
		lat[i] = now_ms() - t0;
		sum += lat[i];
		if (t_first < 0)
			t_first = lat[i];
	}
	getrusage(RUSAGE_SELF, &ru);
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("{\"mode\": \"%s\", \"delegated\": %s, \"nodes\": %d, \"delegated_nodes\": %d, "
	       "\"mean_ms\": %.4f, \"median_ms\": %.4f, "
	       "\"min_ms\": %.4f, \"iterations\": %d, \"first_ms\": %.3f, \"max_rss_kb\": %ld}\n",
	       argv[3], del && left_nodes >= 0 && left_nodes < graph_nodes ? "true" : "false",
	       graph_nodes, left_nodes >= 0 ? graph_nodes - left_nodes : 0, sum / n,
	       n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2, lat[0], n, t_ready + t_first,
	       ru.ru_maxrss);
	return 0;
}
