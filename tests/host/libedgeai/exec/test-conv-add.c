// SPDX-License-Identifier: MIT
/*
 * A residual ADD fused into the CONV_2D that makes one of its inputs
 * (exec_cpu_prepare(): struct exec_opt_prep.add_at; cpu-vnni.c: conv_add()).
 *
 * Small float models, quantized to int8 by the library and compiled for
 * the CPU, each run on random inputs with the default kernels (on one
 * thread and on three) and with the reference kernels: every output byte
 * must be equal. The models:
 *   - x -> CONV 1x1 -> ADD(conv, x): the residual is the convolution's
 *     input (the ADD's output may go where x was);
 *   - x -> DEPTHWISE -> CONV 1x1 -> ADD(x, conv), and SUB(x, conv): the
 *     convolution's output is the second input;
 *   - x -> CONV 3x3 -> ADD(conv, x), strided rows of patches;
 *   - x -> DEPTHWISE -> CONV -> ADD(conv, PAD(x)), BlazeFace's residual with
 *     its channels padded: the PAD's output takes the place of the dead
 *     convolution input, so the convolution cannot wait for the ADD (not
 *     fused);
 *   - the convolution's output also a graph output (not fused: the caller
 *     reads it);
 *   - few output channels (4): VNNI's few-channel path declines the pair,
 *     the convolution runs at the ADD's turn on its own.
 * Where the CPU has AVX-512 VNNI, the fusable ones must have run fused
 * (exec_cpu_fused_adds()) and the others not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu.h"
#include "ktap.h"
#include "test-tflite-build.h"

enum shape { RES_INPUT, RES_DW, RES_DW_SUB, RES_3X3, RES_PAD, CONV_OUT_KEPT, FEW_CHANNELS };

static const char *const shape_name[] = {
	"x -> CONV 1x1 -> ADD(conv, x)",
	"x -> DEPTHWISE -> CONV 1x1 -> ADD(x, conv)",
	"x -> DEPTHWISE -> CONV 1x1 -> SUB(x, conv)",
	"x -> CONV 3x3 -> ADD(conv, x)",
	"x -> DEPTHWISE -> CONV 1x1 -> ADD(conv, PAD(x)) (channels padded)",
	"x -> CONV 1x1 -> ADD(conv, x), conv also an output",
	"x -> CONV 1x1 (4 channels) -> ADD(conv, x)",
};

#define H 12
#define W 10

static uint64_t rs = 0x9e3779b97f4a7c15ULL;

static float frnd(float lo, float hi)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return lo + (hi - lo) * (float)(rs % 100000) / 100000.0f;
}

static int32_t conv_op(struct edgeai_model *m, int32_t in, int c, int oc, int k, const char *name)
{
	static float w[64 * 3 * 3 * 64], b[64];
	int32_t sw[] = { oc, k, k, c }, sb[] = { oc }, so[] = { 1, H, W, oc };
	int32_t tw, tb, out;
	struct model_op *op;
	int i;

	for (i = 0; i < oc * k * k * c; i++)
		w[i] = frnd(-0.3f, 0.3f);
	for (i = 0; i < oc; i++)
		b[i] = frnd(-0.2f, 0.2f);
	tw = tb_tensor(m, "w", TFL_FLOAT32, 4, sw, w, sizeof(float) * (size_t)(oc * k * k * c));
	tb = tb_tensor(m, "b", TFL_FLOAT32, 1, sb, b, sizeof(float) * (size_t)oc);
	out = tb_tensor(m, name, TFL_FLOAT32, 4, so, NULL, 0);
	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ in, tw, tb }, 1, (int32_t[]){ out });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	return out;
}

static struct edgeai_model *model(enum shape s)
{
	struct edgeai_model *m = tb_new();
	int c = s == RES_PAD ? 24 : s == FEW_CHANNELS ? 4 : 32;
	int oc = s == RES_PAD ? 32 : c;
	int32_t sx[] = { 1, H, W, c }, so[] = { 1, H, W, oc }, x, y, conv, res, out;
	struct model_op *op;

	x = tb_tensor(m, "x", TFL_FLOAT32, 4, sx, NULL, 0);
	y = x;
	if (s == RES_DW || s == RES_DW_SUB || s == RES_PAD) {
		static float w[3 * 3 * 64], b[64];
		int32_t sw[] = { 1, 3, 3, c }, sb[] = { c };
		int32_t tw, tb;
		int i;

		for (i = 0; i < 9 * c; i++)
			w[i] = frnd(-0.5f, 0.5f);
		for (i = 0; i < c; i++)
			b[i] = frnd(-0.1f, 0.1f);
		tw = tb_tensor(m, "dw/w", TFL_FLOAT32, 4, sw, w, sizeof(float) * 9 * (size_t)c);
		tb = tb_tensor(m, "dw/b", TFL_FLOAT32, 1, sb, b, sizeof(float) * (size_t)c);
		y = tb_tensor(m, "dw", TFL_FLOAT32, 4, sx, NULL, 0);
		op = tb_op(m, TFL_OP_DEPTHWISE_CONV_2D, 3, (int32_t[]){ x, tw, tb }, 1,
			   (int32_t[]){ y });
		op->o.type = TFL_OPT_DEPTHWISE;
		op->o.padding = TFL_PAD_SAME;
		op->o.act = TFL_ACT_RELU6;
	}
	conv = conv_op(m, y, c, oc, s == RES_3X3 ? 3 : 1, "conv");
	res = x;
	if (s == RES_PAD) {
		int32_t pads[] = { 0, 0, 0, 0, 0, 0, 0, oc - c }, sp[] = { 4, 2 };
		int32_t tp = tb_tensor(m, "paddings", TFL_INT32, 2, sp, pads, sizeof(pads));

		res = tb_tensor(m, "padded", TFL_FLOAT32, 4, so, NULL, 0);
		tb_op(m, TFL_OP_PAD, 2, (int32_t[]){ x, tp }, 1, (int32_t[]){ res });
	}
	out = tb_tensor(m, "out", TFL_FLOAT32, 4, so, NULL, 0);
	if (s == RES_DW || s == RES_DW_SUB)
		op = tb_op(m, s == RES_DW ? TFL_OP_ADD : TFL_OP_SUB, 2, (int32_t[]){ res, conv }, 1,
			   (int32_t[]){ out });
	else
		op = tb_op(m, TFL_OP_ADD, 2, (int32_t[]){ conv, res }, 1, (int32_t[]){ out });
	op->o.type = s == RES_DW_SUB ? TFL_OPT_SUB : TFL_OPT_ADD;
	op->o.act = s == RES_INPUT ? TFL_ACT_RELU : TFL_ACT_NONE;
	if (s == CONV_OUT_KEPT)
		tb_io(m, 1, &x, 2, (int32_t[]){ out, conv });
	else
		tb_io(m, 1, &x, 1, &out);
	return m;
}

/* @m compiled for the CPU (@flags, @threads) and run on @in; 0 or an error. */
static int run(const struct edgeai_model *m, uint32_t flags, uint32_t threads, const uint8_t *in,
	       size_t in_size, uint8_t *out, size_t *out_size, uint32_t n_out)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY, .cpu_flags = flags,
					    .cpu_threads = threads };
	struct edgeai_program *p = NULL;
	const void *ins[1] = { in };
	void *outs[2] = { out, out + out_size[0] };
	char err[256] = "";
	int r;

	o.cache_dir = "";
	r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
	if (r) {
		ktap_diag("compile: %d %s", r, err);
		return r;
	}
	r = edgeai_program_run(p, ins, &in_size, 1, outs, out_size, n_out);
	edgeai_program_unref(p);
	return r;
}

int main(void)
{
	struct edgeai_quant_options qo = { .size = sizeof(qo), .io = EDGEAI_QUANT_IO_INT8,
					   .n_samples = 4, .seed = 3 };
	static uint8_t in[H * W * 64], ref[2 * H * W * 64], opt[2 * H * W * 64];
	int vnni = !strcmp(exec_cpu_kernels_name(0), "vnni");
	unsigned int s, t, k;

	ktap_start();
	if (!vnni)
		ktap_diag("no AVX-512 VNNI here (%s kernels): nothing fuses, the results must not change",
			  exec_cpu_kernels_name(0));
	for (s = 0; s <= FEW_CHANNELS; s++) {
		struct edgeai_model *f = model((enum shape)s), *q = NULL;
		int fusable = s != RES_PAD && s != CONV_OUT_KEPT && s != FEW_CHANNELS;
		uint32_t n_out = s == CONV_OUT_KEPT ? 2 : 1;
		size_t osz[2], total, in_size;
		char err[256] = "";
		int bad = 0, r = 0;
		unsigned long fused = exec_cpu_fused_adds();

		if (edgeai_quantize(f, &qo, &q, NULL, err, sizeof(err)) < 0) {
			ktap_ok(0, "%s: quantize: %s", shape_name[s], err);
			edgeai_model_unref(f);
			continue;
		}
		in_size = (size_t)q->t[q->in[0]].shape[3] * H * W;
		osz[0] = (size_t)q->t[q->out[0]].shape[3] * H * W;
		osz[1] = n_out > 1 ? (size_t)q->t[q->out[1]].shape[3] * H * W : 0;
		total = osz[0] + osz[1];
		for (t = 0; t < 6 && !r; t++) {
			for (k = 0; k < in_size; k++)
				in[k] = (uint8_t)(frnd(0, 256));
			memset(ref, 0xa5, total);
			memset(opt, 0x5a, total);
			r = run(q, EDGEAI_CPU_REFERENCE, 0, in, in_size, ref, osz, n_out);
			if (!r)
				r = run(q, 0, t % 2 ? 3 : 1, in, in_size, opt, osz, n_out);
			if (!r && memcmp(ref, opt, total)) {
				for (k = 0; k < total && ref[k] == opt[k]; k++)
					;
				if (!bad++)
					ktap_diag("run %u: byte %u: %d, reference %d", t, k, opt[k], ref[k]);
			}
		}
		fused = exec_cpu_fused_adds() - fused;
		ktap_ok(!r && !bad, "%s: 6 runs (1 and 3 threads) equal the reference kernels%s",
			shape_name[s], r ? " (a run failed)" : "");
		if (vnni)
			ktap_ok(fusable ? fused >= 3 : fused == 0, "%s: %s on VNNI (%lu fused runs)",
				shape_name[s], fusable ? "fused" : "not fused", fused);
		edgeai_model_unref(q);
		edgeai_model_unref(f);
	}
	return ktap_finish();
}
