// SPDX-License-Identifier: MIT
/*
 * edgeai-cold: the first inference of one model through libedgeai's public
 * API, in a fresh process, on the CPU (EDGEAI_POLICY_CPU_ONLY, one thread):
 * load the .tflite file, compile, run once (edgeai_program_run()), and
 * this process's peak resident memory.
 *
 *   edgeai-cold MODEL.tflite cache|nocache
 *
 * cache: the compile cache as configured (EDGEAI_CACHE_DIR; the caller
 * fills it first for a warm start); nocache: EDGEAI_COMPILE_NO_CACHE.
 * Inputs are seeded random bytes (filled before the clock starts). Prints
 * one JSON object: {"load_ms", "compile_ms", "run_ms", "first_ms" (the
 * three together), "max_rss_kb", "cache"}.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "edgeai/edgeai.h"

#define MAX_IO 16

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t bytes_of(const struct edgeai_tensor_info *t)
{
	size_t n = 1;
	uint32_t i;

	for (i = 0; i < t->rank; i++)
		n *= (size_t)(t->shape[i] > 0 ? t->shape[i] : 1);
	switch (t->type) {
	case EDGEAI_TYPE_INT32:
	case EDGEAI_TYPE_FLOAT32:
		return 4 * n;
	case EDGEAI_TYPE_INT16:
	case EDGEAI_TYPE_FLOAT16:
		return 2 * n;
	case EDGEAI_TYPE_INT64:
		return 8 * n;
	default:
		return n;
	}
}

/* The model's inputs (seeded random) and outputs: sizes first, then buffers. */
static int buffers(const struct edgeai_model *m, void **in, size_t *in_sz, unsigned int *n_in,
		   void **out, size_t *out_sz, unsigned int *n_out)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;
	struct edgeai_tensor_info ti;
	unsigned int i;
	size_t k;

	*n_in = (unsigned int)edgeai_model_count(m, EDGEAI_COUNT_INPUTS);
	*n_out = (unsigned int)edgeai_model_count(m, EDGEAI_COUNT_OUTPUTS);
	if (*n_in > MAX_IO || *n_out > MAX_IO)
		return -1;
	for (i = 0; i < *n_in; i++) {
		if (edgeai_model_get_input(m, i, &ti))
			return -1;
		in_sz[i] = bytes_of(&ti);
		in[i] = malloc(in_sz[i]);
		if (!in[i])
			return -1;
		for (k = 0; k < in_sz[i]; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			((uint8_t *)in[i])[k] = (uint8_t)x;
		}
	}
	for (i = 0; i < *n_out; i++) {
		if (edgeai_model_get_output(m, i, &ti))
			return -1;
		out_sz[i] = bytes_of(&ti);
		out[i] = malloc(out_sz[i]);
		if (!out[i])
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct edgeai_compile_options o;
	struct edgeai_program *prog = NULL;
	struct edgeai_model *m = NULL, *probe = NULL;
	void *in[MAX_IO], *out[MAX_IO];
	size_t in_sz[MAX_IO], out_sz[MAX_IO];
	unsigned int n_in, n_out;
	double t0, t1, t2, t3;
	struct rusage ru;
	char err[256] = "";
	int r;

	if (argc != 3 || (strcmp(argv[2], "cache") && strcmp(argv[2], "nocache")))
		return 2;
	/* the buffers from a first load, so that the clock counts libedgeai alone */
	if (edgeai_model_load_file(argv[1], &probe, err, sizeof(err)) ||
	    buffers(probe, in, in_sz, &n_in, out, out_sz, &n_out)) {
		fprintf(stderr, "edgeai-cold: %s: %s\n", argv[1], err[0] ? err : "cannot read");
		return 1;
	}
	edgeai_model_unref(probe);
	memset(&o, 0, sizeof(o));
	o.policy = EDGEAI_POLICY_CPU_ONLY;
	o.cpu_threads = 1;
	if (!strcmp(argv[2], "nocache"))
		o.flags |= EDGEAI_COMPILE_NO_CACHE;

	t0 = now_ms();
	r = edgeai_model_load_file(argv[1], &m, err, sizeof(err));
	t1 = now_ms();
	if (!r)
		r = edgeai_model_compile(m, &o, &prog, err, sizeof(err));
	t2 = now_ms();
	if (!r)
		r = edgeai_program_run(prog, (const void *const *)in, in_sz, n_in, out, out_sz,
				       n_out);
	t3 = now_ms();
	if (r) {
		fprintf(stderr, "edgeai-cold: %s: %s (%d)\n", argv[1],
			err[0] ? err : edgeai_strerror(r), r);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"load_ms\": %.3f, \"compile_ms\": %.3f, \"run_ms\": %.3f, \"first_ms\": %.3f, "
	       "\"max_rss_kb\": %ld, \"cache\": \"%s\"}\n", t1 - t0, t2 - t1, t3 - t2, t3 - t0,
	       ru.ru_maxrss, argv[2]);
	edgeai_program_unref(prog);
	edgeai_model_unref(m);
	return 0;
}
