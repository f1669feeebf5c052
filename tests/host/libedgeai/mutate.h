/* SPDX-License-Identifier: MIT */
/*
 * Seeded mutations of a loaded model, for the tests that feed the
 * compiler and the quantizer models that are well formed files but
 * wrong (test-compile-mutate.c, test-quant-mutate.c): one to three of an
 * activation's shape one off in a dimension, a tensor's scale made NaN,
 * infinite, zero, negative, tiny or huge or its zero point moved, an
 * element of an int32 constant set to a small or a huge value, an op's
 * axis, count or keep_dims changed or its last input or output dropped.
 */
#ifndef EDGEAI_TEST_MUTATE_H
#define EDGEAI_TEST_MUTATE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "model/model.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* EDGEAI_MUTATE_SEED=N: another stream of mutants than the default (exploring) */
static inline uint32_t rnd(void)
{
	static int seeded;

	if (!seeded) {
		const char *e = getenv("EDGEAI_MUTATE_SEED");

		if (e && *e)
			rng ^= strtoull(e, NULL, 0) * 0x2545f4914f6cdd1dULL;
		rng = rng ? rng : 1;
		seeded = 1;
	}
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static inline size_t tensor_bytes(const struct model_tensor *t)
{
	size_t n = t->type == TFL_INT64 ? 8 : t->type == TFL_INT32 || t->type == TFL_FLOAT32 ? 4 : 1;
	uint32_t k;

	for (k = 0; k < t->rank; k++)
		n *= (size_t)t->shape[k];
	return n;
}

/*
 * Buffer @b of @m, writable: copied out of the file's map first (the model
 * frees the copy: model_buffer_release()). NULL without memory.
 */
static inline uint8_t *mutate_own(struct edgeai_model *m, struct model_buffer *b)
{
	uint8_t *copy;

	if ((uintptr_t)b->data - (uintptr_t)m->map >= m->map_size)
		return b->data;
	copy = malloc(b->size);
	if (!copy)
		return NULL;
	memcpy(copy, b->data, b->size);
	b->data = copy;
	return copy;
}

/*
 * The 4 bytes at @v into a random 4-byte element (*@i) of buffer @b of
 * @m (mutate_own()). 0, or -1 without memory.
 */
static inline int mutate_word(struct edgeai_model *m, struct model_buffer *b, const void *v,
			      size_t *i)
{
	uint8_t *d = mutate_own(m, b);

	if (!d)
		return -1;
	*i = rnd() % (b->size / 4);
	memcpy(d + 4 * *i, v, 4);
	return 0;
}

/* One mutation of @m, described into @log. */
static inline void mutate(struct edgeai_model *m, char *log, size_t size)
{
	size_t at = strlen(log);

	if (rnd() % 4 == 0) {
		/* an activation's shape one off in one dimension */
		struct model_tensor *mt = &m->t[rnd() % m->n_tensors];

		if ((mt->buffer && m->buf[mt->buffer].data) || !mt->rank)
			return;
		mt->shape[rnd() % mt->rank] += (rnd() % 2) ? 1 : -1;
		snprintf(log + at, size - at, " shape of %s", mt->name);
	} else if (rnd() % 3 == 0) {
		static const float bad[] = { 0.0f, -1.0f, 1e-30f, 1e30f, 1e-12f, 3e38f };
		struct model_tensor *mt = &m->t[rnd() % m->n_tensors];

		if (!mt->q.n)
			return;
		switch (rnd() % 4) {
		case 0:
			mt->q.scale[rnd() % mt->q.n] = __builtin_nanf("");
			break;
		case 1:
			mt->q.scale[rnd() % mt->q.n] = __builtin_inff();
			break;
		case 2:
			mt->q.scale[rnd() % mt->q.n] = bad[rnd() % 6];
			break;
		default:
			mt->q.zero_point[0] = (int64_t)(rnd() % 1001) - 500;
			break;
		}
		snprintf(log + at, size - at, " quantization of %s", mt->name);
	} else if (rnd() % 2) {
		uint32_t t = rnd() % m->n_tensors;
		struct model_tensor *mt = &m->t[t];
		struct model_buffer *b = &m->buf[mt->buffer];
		int32_t v = (int32_t)(rnd() % 41) - 20;
		size_t i;

		if (mt->type != TFL_INT32 || !mt->buffer || !b->data || b->size < 4)
			return;
		if (rnd() % 8 == 0)
			v = (int32_t)rnd();
		if (mutate_word(m, b, &v, &i))
			return;
		snprintf(log + at, size - at, " %s[%zu]=%d", mt->name, i, v);
	} else {
		struct model_op *op = &m->ops[rnd() % m->n_ops];
		int32_t v = (int32_t)(rnd() % 13) - 6;

		switch (rnd() % 4) {
		case 0:
			op->o.axis = v;
			break;
		case 1:
			op->o.num = v;
			break;
		case 2:
			op->o.keep_dims = !op->o.keep_dims;
			break;
		default:
			if (op->n_out > 1)
				op->n_out--;
			else if (op->n_in > 1)
				op->n_in--;
			break;
		}
		snprintf(log + at, size - at, " op %ld (%s) edited", (long)(op - m->ops),
			 edgeai_op_name(op->code));
	}
}

/*
 * ktap_start(), then the temporary directory @dir (a mkdtemp() template)
 * for the models python3 writes (@what): 0, or -1 after a skip (no
 * python3) or a failed check; main() then returns ktap_finish().
 */
static inline int mutate_begin(char *dir, const char *what)
{
	ktap_start();
	if (system("command -v python3 > /dev/null 2>&1") != 0) {
		ktap_skip("no python3 to write %s", what);
		return -1;
	}
	if (!mkdtemp(dir)) {
		ktap_ok(0, "a temporary directory");
		return -1;
	}
	return 0;
}

/* @dir removed; ktap_finish()'s exit code. */
static inline int mutate_end(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ktap_diag("could not remove %s", dir);
	return ktap_finish();
}

#endif
