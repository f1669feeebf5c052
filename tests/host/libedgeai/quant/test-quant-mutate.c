// SPDX-License-Identifier: MIT
/*
 * edgeai_quantize() against float models that are well formed files but
 * wrong: seeded mutants (mutate.h's, and here also a float constant made
 * 0, -0, huge, tiny, subnormal, infinite or NaN, and an op's stride,
 * dilation, filter size, padding, fused activation, depth multiplier,
 * block size, beta, alpha or begin mask set to a small or a huge value)
 * of the float graphs of tests/models/: shape_ops.py, attention.py,
 * dynamic_range.py, quant_edges.py, dilated_convs.py and four random
 * graphs. Each mutant must either quantize or be refused with an error
 * and a message. Nothing may crash (the sanitizers watch).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "model/model.h"
#include "mutate.h"

#define MUTANTS 300

/* A float constant's element, or one of an op's options, set oddly; into @log. */
static void mutate_more(struct edgeai_model *m, char *log, size_t size)
{
	static const float fv[] = { 0.0f, -0.0f, 1e30f, -1e30f, 1e-40f, 3e38f };
	size_t at = strlen(log);

	if (rnd() % 2) {
		struct model_tensor *mt = &m->t[rnd() % m->n_tensors];
		struct model_buffer *b = &m->buf[mt->buffer];
		float f = rnd() % 3 ? fv[rnd() % 6] : rnd() % 2 ? __builtin_inff() : __builtin_nanf("");
		size_t i;

		if (mt->type != TFL_FLOAT32 || !mt->buffer || !b->data || b->size < 4 ||
		    mutate_word(m, b, &f, &i))
			return;
		snprintf(log + at, size - at, " %s[%zu]=%g", mt->name, i, (double)f);
	} else {
		struct model_op *op = &m->ops[rnd() % m->n_ops];
		int32_t v = rnd() % 4 ? (int32_t)(rnd() % 13) - 6 : (int32_t)rnd();

		switch (rnd() % 8) {
		case 0:
			op->o.stride_w = v;
			break;
		case 1:
			op->o.stride_h = v;
			break;
		case 2:
			op->o.dil_w = v;
			break;
		case 3:
			op->o.filter_w = v;
			break;
		case 4:
			op->o.padding = (int8_t)v;
			break;
		case 5:
			op->o.act = (int8_t)v;
			break;
		case 6:
			op->o.depth_mult = v;
			break;
		default:
			op->o.block_size = v;
			op->o.beta = (float)v;
			op->o.alpha = rnd() % 2 ? (float)v : __builtin_nanf("");
			op->o.begin_mask = (int32_t)rnd();
			break;
		}
		snprintf(log + at, size - at, " op %ld (%s) options", (long)(op - m->ops),
			 edgeai_op_name(op->code));
	}
}

/* 0: quantized; 1: refused with a message; -1: refused without one (@why). */
static int try(const struct edgeai_model *m, char *why, size_t whysz)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 2, .seed = 1 };
	struct edgeai_model *q = NULL;
	char err[256] = "";
	int r = edgeai_quantize(m, &o, &q, NULL, err, sizeof(err));

	edgeai_model_unref(q);
	if (!r)
		return 0;
	if (!err[0] && r != -ENOMEM) {
		snprintf(why, whysz, "refused (%d) without a message", r);
		return -1;
	}
	return 1;
}

/* Write @script's float graph (with @args) into @dir and quantize @mutants mutants of it. */
static void mutants_of(const char *dir, const char *script, const char *args, int mutants)
{
	const char *top = getenv("EDGEAI_TOP");
	char cmd[2048], path[600], why[256], err[256] = "";
	struct edgeai_model *orig = NULL;
	int done = 0, refused = 0, failed = 0, i, r;

	snprintf(path, sizeof(path), "%s/f.tflite", dir);
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/models/%s' %s '%s' > /dev/null",
		 top ? top : ".", script, args, path);
	if (!ktap_ok(system(cmd) == 0, "%s%s%s: the float graph", script, *args ? " " : "", args))
		return;
	r = edgeai_model_load_file(path, &orig, err, sizeof(err));
	if (!ktap_ok(r == 0, "%s%s%s: it loads%s%s", script, *args ? " " : "", args,
		     r ? ": " : "", err))
		return;
	ktap_ok(try(orig, why, sizeof(why)) == 0, "%s%s%s: it quantizes", script,
		*args ? " " : "", args);
	for (i = 0; i < mutants; i++) {
		struct edgeai_model *m = NULL;
		char log[512] = "";
		int n = 1 + (int)(rnd() % 3), k;

		if (edgeai_model_load_file(path, &m, err, sizeof(err)))
			break;
		for (k = 0; k < n; k++) {
			if (rnd() % 2)
				mutate(m, log, sizeof(log));
			else
				mutate_more(m, log, sizeof(log));
		}
		r = try(m, why, sizeof(why));
		if (r < 0 && failed++ < 10)
			ktap_diag("mutant %d:%s: %s", i, log, why);
		done += r == 0;
		refused += r == 1;
		edgeai_model_unref(m);
	}
	ktap_ok(!failed && done + refused == mutants,
		"%s%s%s: %d mutants: %d quantized, %d refused with a message, %d failed", script,
		*args ? " " : "", args, mutants, done, refused, failed);
	edgeai_model_unref(orig);
}

int main(void)
{
	static const char *const graphs[] = { "shape_ops.py", "attention.py", "dynamic_range.py",
					      "quant_edges.py", "dilated_convs.py" };
	static const char *const seeds[] = { "7", "11", "29", "101" };
	char dir[] = "/tmp/edgeai-test-qmutate-XXXXXX";
	unsigned int i;

	if (mutate_begin(dir, "tests/models/'s graphs"))
		return ktap_finish();
	for (i = 0; i < sizeof(graphs) / sizeof(graphs[0]); i++)
		mutants_of(dir, graphs[i], "", MUTANTS);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		mutants_of(dir, "random_graph.py", seeds[i], MUTANTS);
	return mutate_end(dir);
}
