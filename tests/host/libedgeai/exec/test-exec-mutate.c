// SPDX-License-Identifier: MIT
/*
 * The optimized CPU kernels against the reference kernels on models no
 * test wrote: every single-op int8/uint8 model of tests/oracle/gen.py
 * (every op the compiler takes, in its shape classes), and seeded
 * mutants of each that stay well formed but move off the written
 * cases: an activation's scale times 2^-6..2^6 and its zero point
 * anywhere in its type, a weight channel's scale likewise, weights and
 * biases rewritten (extremes included), the fused activation, strides,
 * dilations and padding changed. Each mutant compiles for both kernel
 * choices or for neither (then with a message), and when it compiles,
 * the best kernel set this CPU runs (on 1 thread, or 3 for every third
 * mutant), then the AVX2 set where that is another, gives the
 * reference's status and bytes on the same seeded input. The reference
 * kernels are the oracle's (test-golden), so a difference is an
 * optimized kernel that is not exact there.
 * EDGEAI_MUTATE_SEED=N draws other mutants; EDGEAI_EXEC_MUTANTS=N sets
 * their number per model (default 40).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drm/edgeai_program.h"
#include "exec/cpu.h"
#include "ktap.h"
#include "model/model.h"
#include "mutate.h"

#define MAX_IO		8
#define MAX_WORK	(1ULL << 25)	/* multiply-adds or bytes, see prog_work() */

static uint64_t elems4(const struct edgeai_prog_tensor *t)
{
	return (uint64_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

/*
 * A bound on the program's work: each op's first input and output, and
 * for the ops that sum over a filter or a row of weights, the output's
 * elements times that sum's length. Mutants above MAX_WORK are not run
 * (the reference kernels would take seconds).
 */
static uint64_t prog_work(const struct edgeai_program *p)
{
	const struct edgeai_prog_header *h;
	const struct edgeai_prog_tensor *t;
	const struct edgeai_prog_op *op;
	const void *blob;
	uint64_t work = 0;
	size_t size;

	if (edgeai_program_get_blob(p, &blob, &size, NULL) < 0 || size < sizeof(*h))
		return UINT64_MAX;
	h = blob;
	t = (const void *)((const uint8_t *)blob + h->tensor_offset);
	op = (const void *)((const uint8_t *)blob + h->op_offset);
	for (uint32_t i = 0; i < h->op_count; i++, op++) {
		const struct edgeai_prog_tensor *out = &t[op->output];
		uint64_t k = 1;

		switch (op->opcode) {
		case EDGEAI_OP_CONV_2D:
		case EDGEAI_OP_DEPTHWISE_CONV_2D:
		case EDGEAI_OP_FULLY_CONNECTED:
		case EDGEAI_OP_TRANSPOSE_CONV:
		case EDGEAI_OP_BATCH_MATMUL:
			if (op->inputs[1] < h->tensor_count && out->dims[3])
				k = elems4(&t[op->inputs[1]]) / out->dims[3] + 1;
			break;
		case EDGEAI_OP_AVERAGE_POOL_2D:
		case EDGEAI_OP_MAX_POOL_2D: {
			const struct edgeai_prog_pool_params *pp = (const void *)op->params;

			k = (uint64_t)pp->filter_h * pp->filter_w + 1;
			break;
		}
		default:
			break;
		}
		work += elems4(&t[op->inputs[0]]) + elems4(out) * k;
	}
	return work;
}

static int is8(const struct model_tensor *t)
{
	return t->type == TFL_INT8 || t->type == TFL_UINT8;
}

/* 2^-6..2^6, not a power of two: a scale moved where no case put it */
static float factor(void)
{
	return exp2f((float)(int32_t)(rnd() % 12001 - 6000) / 1000.0f);
}

/* One mutation of @m that keeps it well formed (or nearly: the compiler says), into @log. */
static void mutate_valid(struct edgeai_model *m, char *log, size_t size)
{
	struct model_tensor *mt = &m->t[rnd() % m->n_tensors];
	struct model_buffer *b = &m->buf[mt->buffer];
	struct model_op *op = &m->ops[rnd() % m->n_ops];
	size_t at = strlen(log), i, n;
	int32_t lo = mt->type == TFL_UINT8 ? 0 : -128;
	uint8_t *d;

	switch (rnd() % 6) {
	case 0: /* an activation's quantization */
		if (!is8(mt) || mt->q.n != 1 || (mt->buffer && b->data))
			return;
		mt->q.scale[0] *= factor();
		mt->q.zero_point[0] = lo + (int64_t)(rnd() % 256);
		snprintf(log + at, size - at, " q(%s)=%g,%lld", mt->name, (double)mt->q.scale[0],
			 (long long)mt->q.zero_point[0]);
		break;
	case 1: /* a constant's scale, one channel */
		if (!is8(mt) || !mt->q.n || !mt->buffer || !b->data)
			return;
		i = rnd() % mt->q.n;
		mt->q.scale[i] *= factor();
		snprintf(log + at, size - at, " scale(%s)[%zu]", mt->name, i);
		break;
	case 2: /* constant bytes: random, or an extreme */
		if (!is8(mt) || !mt->buffer || !b->data || !b->size || !(d = mutate_own(m, b)))
			return;
		n = 1 + rnd() % b->size;
		for (size_t k = 0; k < n; k++)
			d[rnd() % b->size] = (uint8_t)(rnd() % 3 ? rnd() : rnd() % 2 ? 0x80 : 0x7f);
		snprintf(log + at, size - at, " %zu bytes of %s", n, mt->name);
		break;
	case 3: /* a bias element, up to 2^24 either way */
		if (mt->type != TFL_INT32 || !mt->buffer || !b->data || b->size < 4 ||
		    !(d = mutate_own(m, b)))
			return;
		i = rnd() % (b->size / 4);
		{
			int32_t v = (int32_t)(rnd() % (2U << (rnd() % 25))) - (int32_t)(1U << 24);

			memcpy(d + 4 * i, &v, 4);
			snprintf(log + at, size - at, " %s[%zu]=%d", mt->name, i, v);
		}
		break;
	case 4: /* the fused activation */
		op->o.act = (int8_t)(rnd() % 4);
		snprintf(log + at, size - at, " op %ld act %d", (long)(op - m->ops), op->o.act);
		break;
	default: /* stride, dilation, padding: most shapes then disagree, and are refused */
		switch (rnd() % 3) {
		case 0:
			op->o.stride_w = op->o.stride_h = 1 + (int32_t)(rnd() % 3);
			break;
		case 1:
			op->o.dil_w = 1 + (int32_t)(rnd() % 3);
			break;
		default:
			op->o.padding = op->o.padding == TFL_PAD_SAME ? TFL_PAD_VALID : TFL_PAD_SAME;
			break;
		}
		snprintf(log + at, size - at, " op %ld geometry", (long)(op - m->ops));
		break;
	}
}

static int compile(const struct edgeai_model *m, uint32_t cpu_flags, uint32_t threads,
		   struct edgeai_program **p, char *err, size_t errsz)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE,
					    .cpu_flags = cpu_flags, .cpu_threads = threads };

	err[0] = 0;
	return edgeai_model_compile(m, &o, p, err, errsz);
}

/*
 * @m for both kernel choices on seeded inputs: 0 equal, 1 refused by both
 * with a message, 2 not run (above MAX_WORK), -1 a difference (@why).
 */
static int differ(const struct edgeai_model *m, uint32_t threads, char *why, size_t whysz)
{
	struct edgeai_program *opt = NULL, *ref = NULL;
	const void *ins[MAX_IO] = { 0 };
	void *oo[MAX_IO] = { 0 }, *or[MAX_IO] = { 0 };
	size_t isz[MAX_IO], osz[MAX_IO];
	char e1[256], e2[256];
	int r1, r2, res = -1;
	uint32_t k;

	if (m->n_in > MAX_IO || m->n_out > MAX_IO) {
		snprintf(why, whysz, "more inputs or outputs than the test takes");
		return -1;
	}
	r1 = compile(m, 0, threads, &opt, e1, sizeof(e1));
	r2 = compile(m, EDGEAI_CPU_REFERENCE, 1, &ref, e2, sizeof(e2));
	if (r1 < 0 || r2 < 0) {
		if (r1 < 0 && r2 < 0 && e1[0])
			res = 1;
		else
			snprintf(why, whysz, "compile: %d (%s), reference %d (%s)", r1, e1, r2, e2);
		goto out;
	}
	if (prog_work(opt) > MAX_WORK) {
		res = 2;
		goto out;
	}
	for (k = 0; k < m->n_in; k++) {
		uint8_t *p;

		isz[k] = tensor_bytes(&m->t[m->in[k]]);
		ins[k] = p = malloc(isz[k] ? isz[k] : 1);
		if (!p)
			goto out;
		for (size_t i = 0; i < isz[k]; i++)
			p[i] = (uint8_t)rnd();
	}
	for (k = 0; k < m->n_out; k++) {
		osz[k] = tensor_bytes(&m->t[m->out[k]]);
		oo[k] = malloc(osz[k] ? osz[k] : 1);
		or[k] = malloc(osz[k] ? osz[k] : 1);
		if (!oo[k] || !or[k])
			goto out;
		memset(oo[k], 0x5a, osz[k]);
		memset(or[k], 0xa5, osz[k]);
	}
	r1 = edgeai_program_run(opt, ins, isz, m->n_in, oo, osz, m->n_out);
	r2 = edgeai_program_run(ref, ins, isz, m->n_in, or, osz, m->n_out);
	if (r1 != r2) {
		snprintf(why, whysz, "run: %d with the %s kernels, %d with the reference", r1,
			 edgeai_cpu_kernels(opt), r2);
		goto out;
	}
	for (k = 0; !r1 && k < m->n_out; k++)
		if (memcmp(oo[k], or[k], osz[k])) {
			size_t i = 0, nd = 0;

			while (((uint8_t *)oo[k])[i] == ((uint8_t *)or[k])[i])
				i++;
			for (size_t j = i; j < osz[k]; j++)
				nd += ((uint8_t *)oo[k])[j] != ((uint8_t *)or[k])[j];
			snprintf(why, whysz, "output %u: %zu of %zu bytes differ, the first at %zu: "
				 "%u with the %s kernels (%u threads), %u with the reference", k, nd,
				 osz[k], i, ((uint8_t *)oo[k])[i], edgeai_cpu_kernels(opt), threads,
				 ((uint8_t *)or[k])[i]);
			goto out;
		}
	res = 0;
out:
	for (k = 0; k < MAX_IO; k++) {
		free((void *)ins[k]);
		free(oo[k]);
		free(or[k]);
	}
	edgeai_program_unref(opt);
	edgeai_program_unref(ref);
	return res;
}

/* Every model of @dir/@names[] and @mutants mutants of each, on the kernel set in use. */
static void run_cases(const char *dir, char **names, int n, int mutants)
{
	const char *ks = exec_cpu_kernels_name(0);
	char path[1200];

	for (int c = 0; c < n; c++) {
		int equal = 0, refused = 0, big = 0, failed = 0, r;
		struct edgeai_model *m = NULL;
		char err[256], why[512];

		snprintf(path, sizeof(path), "%s/%s/model.tflite", dir, names[c]);
		if (edgeai_model_load_file(path, &m, err, sizeof(err))) {
			ktap_ok(0, "%s (%s): loads: %s", names[c], ks, err);
			continue;
		}
		r = differ(m, 1, why, sizeof(why));
		edgeai_model_unref(m);
		if (r < 0 || r == 1) {
			ktap_ok(0, "%s (%s): as written: %s", names[c], ks, r < 0 ? why : "refused");
			continue;
		}
		for (int i = 0; i < mutants; i++) {
			char log[512] = "";
			int k, nm = 1 + (int)(rnd() % 3);

			if (edgeai_model_load_file(path, &m, err, sizeof(err)))
				break;
			for (k = 0; k < nm; k++)
				mutate_valid(m, log, sizeof(log));
			r = differ(m, i % 3 == 2 ? 3 : 1, why, sizeof(why));
			edgeai_model_unref(m);
			equal += r == 0;
			refused += r == 1;
			big += r == 2;
			if (r < 0 && failed++ < 3)
				ktap_diag("%s mutant %d:%s: %s", names[c], i, log, why);
		}
		ktap_ok(!failed, "%s (%s): as written and %d mutants: %d equal to the reference, "
			"%d refused by both, %d too big to run, %d differ", names[c], ks, mutants,
			equal, refused, big, failed);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *top = getenv("EDGEAI_TOP"), *e = getenv("EDGEAI_EXEC_MUTANTS");
	char dir[] = "/tmp/edgeai-test-exec-mutate-XXXXXX", cmd[1024];
	int mutants = e && *e ? atoi(e) : 40, n = 0;
	char **names = NULL;
	struct dirent *de;
	DIR *dd = NULL;

	if (mutate_begin(dir, "tests/oracle/gen.py's models"))
		return ktap_finish();
	snprintf(cmd, sizeof(cmd), "python3 -B '%s/tests/oracle/gen.py' '%s' > /dev/null 2>&1",
		 top ? top : ".", dir);
	if (!ktap_ok(system(cmd) == 0 && (dd = opendir(dir)), "tests/oracle/gen.py wrote the models"))
		return mutate_end(dir);
	while ((de = readdir(dd))) {
		char **nn;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		nn = realloc(names, sizeof(*names) * (n + 1));
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(de->d_name);
	}
	closedir(dd);
	qsort(names, n, sizeof(*names), cmp_str);
	run_cases(dir, names, n, mutants);
	/* the AVX2 set too, where it is not the best set already */
	if (strcmp(exec_cpu_kernels_name(0), "avx2") && !exec_cpu_set_kernels("avx2"))
		run_cases(dir, names, n, mutants);
	exec_cpu_set_kernels(NULL);
	for (int c = 0; c < n; c++)
		free(names[c]);
	free(names);
	return mutate_end(dir);
}
