// SPDX-License-Identifier: MIT
/*
 * The optimized CPU kernel sets of this architecture (x86-64:
 * libedgeai/src/exec/cpu-avx2.c, and cpu-vnni.c: AVX-512 VNNI; arm64:
 * cpu-neon.c and cpu-dotprod.c: SDOT/UDOT) against the firmware reference kernels on
 * seeded random CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED programs:
 * odd channel counts (not multiples of the vector width), padding,
 * strides, dilation, int8 per-channel and uint8 per-tensor with extreme
 * zero points, large reductions; for the VNNI GEMM also 1x1 convolutions
 * read in place (channels a multiple of 4), many output channels (several
 * 64-channel blocks plus a tail), int8 filters with a non-zero zero point
 * (offset weights in int8 range, or not: then the op is declined) and
 * extreme activations (-128/127 in long reductions); then ADD/SUB (same
 * shapes, or broadcast: declined), RELU/RELU6/QUANTIZE (the 256-entry
 * table path), PAD, MAX_POOL_2D and (arm64) AVERAGE_POOL_2D on random
 * tensors and parameters.
 * Every output byte
 * must be equal. Each set runs forced in turn (exec_cpu_set_kernels());
 * a set this CPU lacks is skipped (not the reference run).
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "exec/cpu.h"
#include "drm/edgeai_program.h"
#include "ktap.h"

static uint64_t rs = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

struct pb {
	uint8_t buf[1 << 20];
	struct edgeai_prog_tensor t[8];
	struct edgeai_prog_op op;
	uint8_t k[1 << 19];
	uint32_t nt, nk;
};

static uint32_t add_t(struct pb *p, uint32_t dt, uint32_t slot, uint64_t off, const uint32_t d[4],
		      int32_t zp)
{
	struct edgeai_prog_tensor *t = &p->t[p->nt];

	memset(t, 0, sizeof(*t));
	t->dtype = dt;
	t->slot = slot;
	t->offset = off;
	memcpy(t->dims, d, sizeof(t->dims));
	t->zero_point = zp;
	return p->nt++;
}

static uint32_t add_k(struct pb *p, uint32_t len)
{
	uint32_t off = (p->nk + 7) & ~7U;

	p->nk = off + len;
	return off;
}

static size_t blob(struct pb *p)
{
	struct edgeai_prog_header *h = (void *)p->buf;
	size_t toff = sizeof(*h), ooff = toff + sizeof(p->t[0]) * p->nt, koff = ooff + sizeof(p->op);
	size_t total = (koff + p->nk + 7) & ~(size_t)7;

	memset(p->buf, 0, total);
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = (uint32_t)total;
	h->tensor_count = p->nt;
	h->op_count = 1;
	h->tensor_offset = (uint32_t)toff;
	h->op_offset = (uint32_t)ooff;
	h->const_offset = (uint32_t)koff;
	h->const_size = p->nk;
	h->slot_count = 2;
	memcpy(p->buf + toff, p->t, sizeof(p->t[0]) * p->nt);
	memcpy(p->buf + ooff, &p->op, sizeof(p->op));
	memcpy(p->buf + koff, p->k, p->nk);
	return total;
}

static struct pb P;

/*
 * An output scale: mostly small (right shifts), 1 in 8 in [0.5, 1) (no
 * shift) or in [1, 64) (left shifts, outputs mostly clamped).
 */
static double oscale(double small)
{
	switch (rnd(16)) {
	case 0:
		return 0.5 + rnd(1000) / 2000.0;
	case 1:
		return 1.0 + rnd(63000) / 1000.0;
	default:
		return small;
	}
}
static uint8_t in[1 << 18], out_ref[1 << 18], out_opt[1 << 18];

static int one(int kind, int u8, char *what, size_t wsz)
{
	uint32_t n = 1 + rnd(2), h = 1 + rnd(12), w = 1 + rnd(12), ic = 1 + rnd(kind == 2 ? 300 : 40);
	uint32_t oc = 1 + rnd(37), kh = 1 + rnd(5), kw = 1 + rnd(5), sh = 1 + rnd(3), sw = 1 + rnd(3);
	uint32_t dh = 1 + rnd(2), dw_ = 1 + rnd(2), oh, ow, i, dt = u8 ? EDGEAI_DTYPE_UINT8 :
			 EDGEAI_DTYPE_INT8, din[4], dout[4], df[4], db[4], fsz, osz;
	int32_t zin = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128;
	int32_t zout = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128, zw = u8 ? (int32_t)rnd(256) : 0;
	/* 0: as drawn; 1: 1x1, ic % 4 == 0, many channels; 2: int8 filter zero point; 3: extremes */
	uint32_t shape = rnd(4);
	int32_t wlo = -127, whi = 127;

	if (shape == 1 && kind != 2) {
		kh = kw = 1;
		ic = 4 * (1 + rnd(24));
		oc = 1 + rnd(150);
		h = 1 + rnd(8), w = 1 + rnd(8);
	} else if (shape == 1) {
		oc = 1 + rnd(150);
	}
	if (shape == 2 && !u8) {
		/* offset weights w - zw: in int8 range (VNNI runs) or, 1 time in 4, not (declined) */
		zw = (int32_t)rnd(41) - 20;
		wlo = rnd(4) ? (zw - 128 > -128 ? zw - 128 : -128) : -128;
		whi = rnd(4) ? (zw + 127 < 127 ? zw + 127 : 127) : 127;
	}
	uint32_t ti, tf, tb, to, foff, boff, qoff = EDGEAI_PROG_NO_CONST;
	struct edgeai_prog_conv_params *cp = (void *)P.op.params;
	struct edgeai_prog_fc_params *fp = (void *)P.op.params;
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	memset(&P.op, 0, sizeof(P.op));
	P.nt = P.nk = 0;
	for (i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		P.op.inputs[i] = EDGEAI_PROG_NO_TENSOR;
	if (kind == 1)
		oc = ic;
	if (kind == 2) {
		din[0] = 1, din[1] = 1, din[2] = n * (1 + rnd(4)), din[3] = ic;
		dout[0] = 1, dout[1] = 1, dout[2] = din[2], dout[3] = oc;
		df[0] = 1, df[1] = 1, df[2] = oc, df[3] = ic;
	} else {
		uint32_t ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw_ + 1;

		oh = (h + sh - 1) / sh;
		ow = (w + sw - 1) / sw;
		din[0] = n, din[1] = h, din[2] = w, din[3] = ic;
		dout[0] = n, dout[1] = oh, dout[2] = ow, dout[3] = oc;
		if (kind == 0)
			df[0] = oc, df[1] = kh, df[2] = kw, df[3] = ic;
		else
			df[0] = 1, df[1] = kh, df[2] = kw, df[3] = oc;
		cp->stride_h = sh;
		cp->stride_w = sw;
		cp->dilation_h = dh;
		cp->dilation_w = dw_;
		/* SAME-style padding, clamped to what the format allows */
		cp->pad_top = (uint32_t)(((int32_t)((oh - 1) * sh + ekh) - (int32_t)h) > 0 ?
					 ((oh - 1) * sh + ekh - h) / 2 : 0);
		cp->pad_left = (uint32_t)(((int32_t)((ow - 1) * sw + ekw) - (int32_t)w) > 0 ?
					  ((ow - 1) * sw + ekw - w) / 2 : 0);
		if (cp->pad_top >= kh * dh)
			cp->pad_top = kh * dh - 1;
		if (cp->pad_left >= kw * dw_)
			cp->pad_left = kw * dw_ - 1;
		cp->depth_multiplier = 1;
	}
	db[0] = db[1] = db[2] = 1;
	db[3] = oc;
	fsz = df[0] * df[1] * df[2] * df[3];
	osz = dout[0] * dout[1] * dout[2] * dout[3];
	if (din[0] * din[1] * din[2] * din[3] > sizeof(in) || osz > sizeof(out_ref) ||
	    fsz > 200000)
		return -1;
	ti = add_t(&P, dt, 0, 0, din, zin);
	foff = add_k(&P, fsz);
	for (i = 0; i < fsz; i++) {
		int32_t v = wlo + (int32_t)rnd((uint32_t)(whi - wlo + 1));	/* int8: -127..127 */

		if (shape == 3 && !u8)
			v = rnd(2) ? -128 : 127;
		P.k[foff + i] = (uint8_t)(u8 ? rnd(256) : (uint32_t)v);
	}
	tf = add_t(&P, dt, EDGEAI_PROG_SLOT_CONST, foff, df, zw);
	boff = add_k(&P, 4 * oc);
	for (i = 0; i < oc; i++) {
		int32_t b = (int32_t)rnd(200001) - 100000;

		memcpy(&P.k[boff + 4 * i], &b, 4);
	}
	tb = add_t(&P, EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, boff, db, 0);
	to = add_t(&P, dt, 1, 0, dout, zout);
	P.op.inputs[0] = ti;
	P.op.inputs[1] = tf;
	P.op.inputs[2] = rnd(5) ? tb : EDGEAI_PROG_NO_TENSOR;
	P.op.output = to;
	if (kind == 2) {
		P.op.opcode = EDGEAI_OP_FULLY_CONNECTED;
		cc_quantize_multiplier(oscale(0.0001 + (double)rnd(1000) / 1e5), &fp->out_multiplier,
				       &fp->out_shift);
		fp->act_min = u8 ? (int32_t)rnd(20) : -128 + (int32_t)rnd(20);
		fp->act_max = u8 ? 255 - (int32_t)rnd(20) : 127 - (int32_t)rnd(20);
	} else {
		P.op.opcode = kind ? EDGEAI_OP_DEPTHWISE_CONV_2D : EDGEAI_OP_CONV_2D;
		cp->act_min = u8 ? (int32_t)rnd(20) : -128 + (int32_t)rnd(20);
		cp->act_max = u8 ? 255 - (int32_t)rnd(20) : 127 - (int32_t)rnd(20);
		if (!u8) {
			struct edgeai_prog_qmul q;

			qoff = add_k(&P, 8 * oc);
			for (i = 0; i < oc; i++) {
				cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7),
						       &q.multiplier, &q.shift);
				memcpy(&P.k[qoff + 8 * i], &q, 8);
			}
		} else {
			cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7),
					       &cp->out_multiplier, &cp->out_shift);
		}
		cp->qmul_offset = qoff;
	}
	for (i = 0; i < din[0] * din[1] * din[2] * din[3]; i++)
		in[i] = (uint8_t)(shape == 3 ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	size = blob(&P);
	slots[0] = in;
	slots[1] = out_ref;
	memset(out_ref, 0xa5, osz);
	r1 = exec_cpu_run(P.buf, size, NULL, 0, slots, 2, 1, &failed);
	slots[1] = out_opt;
	memset(out_opt, 0x5a, osz);
	r2 = exec_cpu_run(P.buf, size, NULL, 0, slots, 2, 0, &failed);
	snprintf(what, wsz, "%s %s n%u %ux%ux%u -> %u k%ux%u s%ux%u d%ux%u zp %d/%d/%d shape %u",
		 kind == 0 ? "conv" : kind == 1 ? "dw" : "fc", u8 ? "uint8" : "int8", n, h, w, ic,
		 oc, kh, kw, sh, sw, dh, dw_, zin, zw, zout, shape);
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	return memcmp(out_ref, out_opt, osz) != 0;
}

/*
 * ADD/SUB (kind 3: same shapes, or one input broadcast, which the
 * optimized sets decline), RELU/RELU6/QUANTIZE (kind 4: the table path),
 * PAD (5), MAX_POOL_2D (6) and AVERAGE_POOL_2D (7: windows partly in
 * the padding, clamps)
 * on random 8-bit tensors and parameters.
 */
static int one_elt(int kind, int u8, char *what, size_t wsz)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], db[4], cnt, i, op;
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
	int32_t za = lo + (int32_t)rnd(256), zb = lo + (int32_t)rnd(256), zo = lo + (int32_t)rnd(256);
	int bcast = kind == 3 && !rnd(4);
	uint32_t od[4];
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	memset(&P.op, 0, sizeof(P.op));
	P.nt = P.nk = 0;
	for (i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		P.op.inputs[i] = EDGEAI_PROG_NO_TENSOR;
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(40), d[2] = 1 + rnd(40), d[3] = 1 + rnd(70);
	cnt = d[0] * d[1] * d[2] * d[3];
	memcpy(db, d, sizeof(db));
	if (bcast)
		db[1] = db[2] = 1;
	if (2 * cnt > sizeof(in) || cnt > sizeof(out_ref))
		return -1;
	for (i = 0; i < 2 * cnt; i++)
		in[i] = (uint8_t)rnd(256);
	if (kind == 3) {
		struct edgeai_prog_add_params *ap = (void *)P.op.params;
		double s0 = 0.001 + rnd(1000) / 1e4, s1 = 0.001 + rnd(1000) / 1e4;
		double so = 0.001 + rnd(1000) / 1e4, twice = 2 * (s0 > s1 ? s0 : s1);

		op = rnd(2) ? EDGEAI_OP_ADD : EDGEAI_OP_SUB;
		/* TFLite's way: inputs to twice the larger scale, << 20 */
		ap->left_shift = 20;
		cc_quantize_multiplier(s0 / twice, &ap->in0_multiplier, &ap->in0_shift);
		cc_quantize_multiplier(s1 / twice, &ap->in1_multiplier, &ap->in1_shift);
		cc_quantize_multiplier(twice / ((1 << 20) * so), &ap->out_multiplier, &ap->out_shift);
		ap->act_min = lo + (int32_t)rnd(30);
		ap->act_max = hi - (int32_t)rnd(30);
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
		P.op.inputs[1] = add_t(&P, dt, 0, cnt, db, zb);
	} else if (kind == 5) {
		struct edgeai_prog_pad_params *pp = (void *)P.op.params;

		op = EDGEAI_OP_PAD;
		for (i = 0; i < 4; i++) {
			pp->before[i] = i == 0 ? 0 : rnd(3);
			pp->after[i] = i == 0 ? 0 : rnd(3);
			od[i] = d[i] + pp->before[i] + pp->after[i];
		}
		if (od[0] * od[1] * od[2] * od[3] > sizeof(out_ref))
			return -1;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	} else if (kind == 6 || kind == 7) {
		struct edgeai_prog_pool_params *pl = (void *)P.op.params;

		op = kind == 6 ? EDGEAI_OP_MAX_POOL_2D : EDGEAI_OP_AVERAGE_POOL_2D;
		pl->filter_h = 1 + rnd(4);
		pl->filter_w = 1 + rnd(4);
		pl->stride_h = 1 + rnd(3);
		pl->stride_w = 1 + rnd(3);
		pl->pad_top = rnd(pl->filter_h);
		pl->pad_left = rnd(pl->filter_w);
		pl->act_min = rnd(3) ? lo : lo + (int32_t)rnd(100);
		pl->act_max = rnd(3) ? hi : hi - (int32_t)rnd(100);
		od[0] = d[0];
		od[1] = (d[1] + pl->pad_top + pl->stride_h - 1) / pl->stride_h;
		od[2] = (d[2] + pl->pad_left + pl->stride_w - 1) / pl->stride_w;
		od[3] = d[3];
		zo = za;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	} else {
		struct edgeai_prog_requant_params *rp = (void *)P.op.params;

		op = rnd(3) == 0 ? EDGEAI_OP_QUANTIZE : rnd(2) ? EDGEAI_OP_RELU : EDGEAI_OP_RELU6;
		cc_quantize_multiplier(0.05 + rnd(4000) / 1e3, &rp->out_multiplier, &rp->out_shift);
		rp->act_min = op == EDGEAI_OP_QUANTIZE ? lo : zo > lo ? zo : lo;
		rp->act_max = op == EDGEAI_OP_RELU6 ? (zo + 40 < hi ? zo + 40 : hi) : hi;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	}
	P.op.opcode = op;
	if (kind < 5)
		memcpy(od, d, sizeof(od));
	cnt = od[0] * od[1] * od[2] * od[3];
	P.op.output = add_t(&P, dt, 1, 0, od, zo);
	size = blob(&P);
	slots[0] = in;
	slots[1] = out_ref;
	memset(out_ref, 0xa5, cnt);
	r1 = exec_cpu_run(P.buf, size, NULL, 0, slots, 2, 1, &failed);
	slots[1] = out_opt;
	memset(out_opt, 0x5a, cnt);
	r2 = exec_cpu_run(P.buf, size, NULL, 0, slots, 2, 0, &failed);
	snprintf(what, wsz, "op %u %s %ux%ux%ux%u -> %ux%ux%ux%u%s zp %d/%d/%d", op,
		 u8 ? "uint8" : "int8", d[0], d[1], d[2], d[3], od[0], od[1], od[2], od[3],
		 bcast ? " (broadcast)" : "", za, zb, zo);
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	return memcmp(out_ref, out_opt, cnt) != 0;
}

/*
 * The kernel sets of this architecture, and the kinds each must run itself
 * (@self), or itself or through the set it passes declined ops to (@via:
 * @kinds), for at least half of the random programs. Bit kind: uint8,
 * bit 8 + kind: int8.
 */
struct kset_case {
	const char *name, *via;
	unsigned int kinds, self;
};

#if defined(__aarch64__)
#define N_KINDS 8
static const struct kset_case sets[] = {
	/* NEON: everything; dotprod: CONV_2D, FC, tables, PAD itself, the rest via NEON */
	{ "neon", NULL, 0xff | 0xff00, 0xff | 0xff00 },
	{ "dotprod", "neon", 0xff | 0xff00, 0x35 | 0x3500 },
};
#else
#define N_KINDS 7
static const struct kset_case sets[] = {
	/* AVX2: the convolutions, tables and PAD */
	{ "avx2", NULL, 0x37 | 0x3700, 0x37 | 0x3700 },
	/* VNNI: int8 CONV_2D/FC, depthwise, ADD/SUB, tables, PAD, MAX_POOL_2D */
	{ "vnni", NULL, 0x7a | 0x7f00, 0x7a | 0x7f00 },
};
#endif

int main(void)
{
	const char *names[8] = { "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD/SUB",
				 "RELU/RELU6/QUANTIZE", "PAD", "MAX_POOL_2D", "AVERAGE_POOL_2D" };
	char what[256];
	int kind, u8, i;
	unsigned int si;

	ktap_start();
	for (si = 0; si < sizeof(sets) / sizeof(sets[0]); si++) {
		const char *set = sets[si].name, *via = sets[si].via;

		if (exec_cpu_set_kernels(set)) {
			ktap_skip("this CPU (or build) has no %s kernels", set);
			continue;
		}
		if (strcmp(exec_cpu_kernels_name(0), set)) {
			ktap_ok(0, "kernel set %s forced, %s in use", set, exec_cpu_kernels_name(0));
			continue;
		}
		for (kind = 0; kind < N_KINDS; kind++) {
			for (u8 = 0; u8 < 2; u8++) {
				int bad = 0, runs = 0;
				unsigned long ran = exec_cpu_kernels_ops(set), self;
				unsigned long ran_via = via ? exec_cpu_kernels_ops(via) : 0;
				unsigned int bit = 1U << (kind + (u8 ? 0 : 8));

				rs = 88172645463325252ULL + (uint64_t)(kind * 2 + u8);
				for (i = 0; i < 200; i++) {
					int r = kind < 3 ? one(kind, u8, what, sizeof(what)) :
						 one_elt(kind, u8, what, sizeof(what));

					if (r < 0)
						continue;
					runs++;
					if (r) {
						if (bad++ < 3)
							ktap_diag("differs: %s", what);
					}
				}
				ran = self = exec_cpu_kernels_ops(set) - ran;
				if (via)
					ran += exec_cpu_kernels_ops(via) - ran_via;
				ktap_ok(!bad && runs > 50,
					"%s %s: %d random programs, %s kernels equal the reference"
					" (%lu run by %s%s%s)", names[kind], u8 ? "uint8" : "int8", runs,
					set, ran, set, via ? " or " : "", via ? via : "");
				if ((sets[si].kinds & bit) && ran < (unsigned long)runs / 2)
					ktap_ok(0, "%s ran only %lu of %d ops", set, ran, runs);
				if ((sets[si].self & bit) && self < (unsigned long)runs / 2)
					ktap_ok(0, "%s itself ran only %lu of %d ops", set, self, runs);
			}
		}
	}
	exec_cpu_set_kernels(NULL);
	return ktap_finish();
}
