// SPDX-License-Identifier: MIT
/*
 * Segments of a program (compiler/segment.c, cc_sub_blob()): the small CNN
 * of test-tflite-build.h, quantized and compiled, cut at every op into two
 * segments. Each segment holds only the constants its ops read (the
 * weights of a model cut into many segments must not be copied into each),
 * passes the op library's program check, and the two segments run one
 * after the other on one arena give the bytes of the whole program; with
 * an op range of no constant at all, the segment still checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "exec/cpu.h"
#include "ktap.h"
#include "ops.h"
#include "test-tflite-build.h"

/* Run @blob on a copy of @arena0 (@size bytes) into @arena. */
static int run(const void *blob, size_t size, uint8_t *arena)
{
	void *slots[1] = { arena };
	unsigned int failed = 0;

	return exec_cpu_run(blob, size, slots, 1, 1, &failed);
}

int main(void)
{
	struct edgeai_model *q;
	struct cc_compiled *c = NULL;
	const struct edgeai_prog_header *h;
	uint8_t *in, *whole, *split;
	char err[256] = "";
	uint32_t n, k, i;
	int all_ok = 1, smaller = 0;

	ktap_start();
	q = tb_small_cnn_int8(7);
	ktap_ok(q && cc_compile(q, &c, err, sizeof(err)) == 0, "compile the quantized small CNN %s", err);
	if (!c)
		return ktap_finish();
	h = c->blob;
	n = h->op_count;
	ktap_ok(n >= 3 && h->const_size > 0, "%u program ops, %u bytes of constants", n, h->const_size);
	in = calloc(1, c->arena_size);
	whole = calloc(1, c->arena_size);
	split = calloc(1, c->arena_size);
	for (i = 0; i < c->in[0].size; i++)
		in[c->in[0].offset + i] = (uint8_t)(i * 7 + 3);
	memcpy(whole, in, c->arena_size);
	ktap_ok(run(c->blob, c->size, whole) == 0, "the whole program runs");
	for (k = 1; k < n; k++) {
		size_t s1 = 0, s2 = 0;
		void *a = cc_sub_blob(c, 0, k, &s1), *b = cc_sub_blob(c, k, n - k, &s2);
		const struct edgeai_prog_header *ha = a, *hb = b;
		int ok;

		memcpy(split, in, c->arena_size);
		ok = a && b && ek_prog_check(a, s1) == 0 && ek_prog_check(b, s2) == 0 &&
		     run(a, s1, split) == 0 && run(b, s2, split) == 0 &&
		     !memcmp(split + c->out[0].offset, whole + c->out[0].offset, c->out[0].size) &&
		     ha->const_size <= h->const_size && hb->const_size <= h->const_size;
		if (!ok)
			ktap_diag("cut at op %u: constants %u + %u of %u", k, a ? ha->const_size : 0,
				  b ? hb->const_size : 0, h->const_size);
		all_ok &= ok;
		/* the weights of the ops before the cut stay out of the second segment */
		smaller += b && hb->const_size < h->const_size;
		free(a);
		free(b);
	}
	ktap_ok(all_ok, "cut at each of %u ops: both segments check, and run in turn to the whole program's bytes",
		n - 1);
	ktap_ok(smaller == (int)(n - 1),
		"every second segment holds fewer constant bytes than the whole program (%d of %u)",
		smaller, n - 1);
	free(in);
	free(whole);
	free(split);
	cc_compiled_free(c);
	edgeai_model_unref(q);
	return ktap_finish();
}
