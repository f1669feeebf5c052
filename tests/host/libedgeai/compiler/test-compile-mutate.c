// SPDX-License-Identifier: MIT
/*
 * The compiler against models that are well formed files but wrong: a
 * seeded stream of mutations of tests/models/shape_ops.py's graph and of
 * three random graphs (tests/models/random_graph.py 7, 11 and 29: pools,
 * FULLY_CONNECTED, SOFTMAX, RESIZE), each quantized by edgeaictl, each
 * mutant one to three of: an element of an int32
 * constant (an axis, a size, a begin, a padding, a bias) set to a small
 * or a huge value, an op's axis, count or keep_dims option changed, an
 * op's last input or output dropped, a tensor's scale made NaN, infinite,
 * zero, negative, 1e-30 or 1e30 or its zero point moved (up to +-500), an
 * activation's shape one off in a dimension. Every op the compiler lowers to data
 * movement (SPLIT, SPLIT_V, UNPACK, PACK, SLICE, PADV2, EXPAND_DIMS, MEAN
 * over a view, REDUCE_MAX, ARG_MAX) is in that graph. Each mutated model
 * must either be refused by edgeai_model_compile() with an error and a
 * message, or compile to a program that runs (CPU, zero inputs): a program
 * the compiler accepts and the op library then rejects is a shape the
 * compiler failed to check. Nothing may crash (the sanitizers watch).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "model/model.h"
#include "mutate.h"

#define MUTANTS 1500
#define MAX_IO 32

/* 0: compiled and ran; 1: refused with a message; -1: a failure (@why says which). */
static int try(struct edgeai_model *m, char *why, size_t whysz)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	struct edgeai_program *p = NULL;
	const void *ins[MAX_IO];
	void *outs[MAX_IO];
	size_t isz[MAX_IO], osz[MAX_IO];
	char err[256] = "";
	uint32_t k;
	int r;

	if (m->n_in > MAX_IO || m->n_out > MAX_IO) {
		snprintf(why, whysz, "more inputs or outputs than the test takes");
		return -1;
	}
	r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
	if (r) {
		if (!err[0]) {
			snprintf(why, whysz, "refused (%d) without a message", r);
			return -1;
		}
		return 1;
	}
	for (k = 0; k < m->n_in; k++) {
		isz[k] = tensor_bytes(&m->t[m->in[k]]);
		ins[k] = calloc(1, isz[k] ? isz[k] : 1);
	}
	for (k = 0; k < m->n_out; k++) {
		osz[k] = tensor_bytes(&m->t[m->out[k]]);
		outs[k] = calloc(1, osz[k] ? osz[k] : 1);
	}
	r = edgeai_program_run(p, ins, isz, m->n_in, outs, osz, m->n_out);
	if (r)
		snprintf(why, whysz, "compiled, then the run failed: %s", edgeai_strerror(r));
	for (k = 0; k < m->n_in; k++)
		free((void *)ins[k]);
	for (k = 0; k < m->n_out; k++)
		free(outs[k]);
	edgeai_program_unref(p);
	return r ? -1 : 0;
}

/*
 * Write @script's graph (tests/models/@script with @args), quantize it into
 * @dir, and run @mutants seeded mutants of it.
 */
static void mutants_of(const char *dir, const char *script, const char *args, int mutants)
{
	const char *top = getenv("EDGEAI_TOP"), *build = getenv("EDGEAI_BUILD");
	char cmd[2048], path[600], why[256], err[256] = "";
	struct edgeai_model *orig = NULL;
	int ran = 0, refused = 0, failed = 0, i, r;

	snprintf(path, sizeof(path), "%s/g-int8.tflite", dir);
	snprintf(cmd, sizeof(cmd),
		 "python3 '%s/tests/models/%s' %s '%s/f.tflite' > /dev/null && "
		 "'%s/daemon/edgeaictl' -q quantize '%s/f.tflite' -o '%s' --samples 2 --seed 1 "
		 "> /dev/null", top ? top : ".", script, args, dir, build ? build : "build", dir,
		 path);
	if (!ktap_ok(system(cmd) == 0, "%s%s%s: the graph, quantized by edgeaictl", script,
		     *args ? " " : "", args))
		return;
	r = edgeai_model_load_file(path, &orig, err, sizeof(err));
	if (!ktap_ok(r == 0, "%s%s%s: the model loads: %s", script, *args ? " " : "", args,
		     r ? err : "yes"))
		return;
	ktap_ok(try(orig, why, sizeof(why)) == 0, "%s%s%s: the model itself compiles and runs",
		script, *args ? " " : "", args);
	for (i = 0; i < mutants; i++) {
		struct edgeai_model *m = NULL;
		char log[512] = "";
		int n = 1 + (int)(rnd() % 3), k;

		if (edgeai_model_load_file(path, &m, err, sizeof(err)))
			break;
		for (k = 0; k < n; k++)
			mutate(m, log, sizeof(log));
		r = try(m, why, sizeof(why));
		if (r < 0 && failed++ < 10)
			ktap_diag("mutant %d:%s: %s", i, log, why);
		ran += r == 0;
		refused += r == 1;
		edgeai_model_unref(m);
	}
	ktap_ok(!failed && ran + refused == mutants,
		"%s%s%s: %d mutants: %d compiled and ran, %d refused with a message, %d failed",
		script, *args ? " " : "", args, mutants, ran, refused, failed);
	edgeai_model_unref(orig);
}

int main(void)
{
	char dir[] = "/tmp/edgeai-test-mutate-XXXXXX";

	if (mutate_begin(dir, "tests/models/shape_ops.py's graph"))
		return ktap_finish();
	mutants_of(dir, "shape_ops.py", "", MUTANTS);
	/* random graphs with what shape_ops.py has not: pools, FULLY_CONNECTED, SOFTMAX, RESIZE */
	mutants_of(dir, "random_graph.py", "7", MUTANTS / 3);
	mutants_of(dir, "random_graph.py", "11", MUTANTS / 3);
	mutants_of(dir, "random_graph.py", "29", MUTANTS / 3);
	return mutate_end(dir);
}
