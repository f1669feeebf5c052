// SPDX-License-Identifier: MIT
/*
 * Model compiler: int8/uint8 TFLite model -> one edgeai program.
 *
 * Every non-constant tensor is planned into one arena (program slot 0):
 * lifetimes from the op order, then a greedy first-fit placement of the
 * largest tensors first (TFLite's own greedy planner does the same). Graph
 * inputs live from before the first op and outputs to after the last, so
 * the caller can fill and read them at their offsets. Constant tensors
 * (weights, biases, alpha) go into the program's constant region with the
 * per-channel multipliers, activation tables and resize maps.
 *
 * The integer parameters are derived from the float scales exactly as
 * TensorFlow Lite 2.9.0 does in its Prepare() functions; the notes at each
 * op say which operations are done in float and which in double (see
 * tests/oracle/README.md and tests/oracle/gen.py, which does the same for
 * the single-op golden cases).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "compiler/compile.h"
#include "drm/edgeai_program.h"
#include "ops.h"

#define ARENA_ALIGN 64
/* TFLite's TRANSPOSE takes up to 6 axes; RESHAPEs around it make such tensors */
#define MAX_RANK 6

struct pt {			/* a program tensor being built */
	uint32_t dtype, slot;
	uint64_t offset;
	uint32_t dims[4];
	int32_t zp;
};

/* @len bytes at @off of the constant region: from @data (a model buffer) or @k + @koff. */
struct cc_kpiece {
	const void *data;
	size_t off, koff, len;
};

struct cc {
	const struct edgeai_model *m;
	char *err;
	size_t errsz;
	struct pt *t;
	uint32_t nt, capt;
	struct edgeai_prog_op *ops;
	uint32_t nops, capops;
	/*
	 * The constant region, @nk bytes, as pieces in order (alignment gaps
	 * between them are zeros): the compiler's own constants are stored
	 * one after the other in @k (@nkc bytes), model buffers are not
	 * copied at all until emit() copies them into the blob.
	 */
	size_t nk;
	uint8_t *k;
	size_t nkc, capk;
	struct cc_kpiece *pieces;
	uint32_t npieces, cappieces;
	int32_t *map;		/* model tensor -> program tensor, -1 */
};

void cc_quantize_multiplier(double m, int32_t *ret_mul, int32_t *ret_shift)
{
	int shift = 0;
	double q;
	int64_t qf;

	/* 0, and what no valid model gives (the compiler refuses its scales) */
	if (m == 0.0 || !isfinite(m)) {
		*ret_mul = 0;
		*ret_shift = 0;
		return;
	}
	q = frexp(m, &shift);
	qf = (int64_t)round(q * (double)(INT64_C(1) << 31));
	if (qf == (INT64_C(1) << 31)) {
		qf /= 2;
		shift++;
	}
	if (shift < -31) {
		qf = 0;
		shift = 0;
	}
	/*
	 * A ratio of 2^30 or more (scales no valid model has: TFLite's own
	 * left shift is undefined there) saturates to the largest multiplier
	 * the program format takes, so the program still runs.
	 */
	if (shift > 30) {
		qf = INT32_MAX;
		shift = 30;
	}
	*ret_mul = (int32_t)qf;
	*ret_shift = shift;
}

static int cc_grow(void **p, uint32_t *cap, uint32_t need, size_t esz)
{
	void *n;
	uint32_t c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * esz);
	if (!n)
		return -ENOMEM;
	memset((char *)n + (size_t)*cap * esz, 0, (size_t)(c - *cap) * esz);
	*p = n;
	*cap = c;
	return 0;
}

/* A piece of @len bytes at the end of the constant region, aligned to @align. */
static int64_t cc_piece(struct cc *c, const void *data, size_t koff, size_t len, size_t align)
{
	size_t off = (c->nk + align - 1) & ~(align - 1);
	int r;

	if (off + len > EDGEAI_PROG_MAX_SIZE)
		return -E2BIG;
	r = cc_grow((void **)&c->pieces, &c->cappieces, c->npieces + 1, sizeof(*c->pieces));
	if (r)
		return r;
	c->pieces[c->npieces++] = (struct cc_kpiece){ .data = data, .off = off, .koff = koff,
						      .len = len };
	c->nk = off + len;
	return (int64_t)off;
}

/*
 * Append @len bytes (or zeros when @data is NULL) to the constant region;
 * cc_kptr() finds them while the compile writes them.
 */
static int64_t cc_const(struct cc *c, const void *data, size_t len, size_t align)
{
	size_t koff = (c->nkc + align - 1) & ~(align - 1);

	if (koff + len > c->capk) {
		size_t cap = c->capk ? c->capk : 4096;
		uint8_t *n;

		while (cap < koff + len)
			cap *= 2;
		if (cap > 2 * (size_t)EDGEAI_PROG_MAX_SIZE)
			return -E2BIG;
		n = realloc(c->k, cap);
		if (!n)
			return -ENOMEM;
		c->k = n;
		c->capk = cap;
	}
	if (data)
		memcpy(c->k + koff, data, len);
	else
		memset(c->k + koff, 0, len);
	c->nkc = koff + len;
	return cc_piece(c, NULL, koff, len, align);
}

/*
 * cc_const() of a model buffer, which lives as long as the compile: no
 * copy here, emit() copies it straight into the blob. The weights of a
 * model of megabytes were copied twice (a working region grown by
 * realloc(), then the blob), each copy faulting in fresh pages; now once,
 * from the model's file map.
 */
static int64_t cc_const_model(struct cc *c, const void *data, size_t len, size_t align)
{
	return cc_piece(c, data, 0, len, align);
}

/* Where the bytes of the compiler's constant at @off of the region are, while compiling. */
static void *cc_kptr(struct cc *c, int64_t off)
{
	uint32_t i;

	for (i = c->npieces; i--;)
		if (c->pieces[i].off == (size_t)off && !c->pieces[i].data)
			return c->k + c->pieces[i].koff;
	return NULL;	/* not reached: @off came from cc_const() */
}

static const struct model_tensor *T(struct cc *c, int32_t i)
{
	return &c->m->t[i];
}

static int is_const(struct cc *c, int32_t i)
{
	const struct model_tensor *t = T(c, i);

	return t->buffer && c->m->buf[t->buffer].data && !t->is_variable;
}

static float scale_of(struct cc *c, int32_t i)
{
	const struct model_tensor *t = T(c, i);

	return t->q.n ? t->q.scale[0] : 0.0f;
}

static int32_t zp_of(struct cc *c, int32_t i)
{
	const struct model_tensor *t = T(c, i);

	return t->q.n ? (int32_t)t->q.zero_point[0] : 0;
}

static int dtype_of(uint8_t tfl)
{
	switch (tfl) {
	case TFL_INT8:
		return EDGEAI_DTYPE_INT8;
	case TFL_UINT8:
		return EDGEAI_DTYPE_UINT8;
	case TFL_INT16:
		return EDGEAI_DTYPE_INT16;
	case TFL_INT32:
		return EDGEAI_DTYPE_INT32;
	case TFL_INT64:
		return EDGEAI_DTYPE_INT64;	/* ARG_MAX indices */
	default:
		return 0;
	}
}

static int dims4(struct cc *c, const struct model_tensor *t, uint32_t d[4])
{
	uint64_t lead = 1;
	uint32_t i;

	if (t->rank > MAX_RANK)
		return base_errf(c->err, c->errsz, -EOPNOTSUPP, "tensor '%s' has rank %u (at most %u)",
				 t->name ? t->name : "", t->rank, MAX_RANK);
	for (i = 0; i < 4; i++)
		d[i] = 1;
	for (i = 0; i < t->rank; i++) {
		if (t->shape[i] < 1 || (uint32_t)t->shape[i] > EDGEAI_PROG_MAX_DIM)
			return base_errf(c->err, c->errsz, -EOPNOTSUPP,
					 "tensor '%s' has dimension %d", t->name ? t->name : "",
					 t->shape[i]);
		if (i + 4 < t->rank)
			lead *= (uint64_t)t->shape[i];
		else
			d[4 - t->rank + i] = (uint32_t)t->shape[i];
	}
	/* rank 5 and 6 (only RESHAPE and TRANSPOSE take them): the leading axes as one */
	if (t->rank > 4) {
		lead *= d[0];
		if (lead > EDGEAI_PROG_MAX_DIM)
			return base_errf(c->err, c->errsz, -EOPNOTSUPP,
					 "tensor '%s' has %llu rows of 4-D blocks", t->name ? t->name : "",
					 (unsigned long long)lead);
		d[0] = (uint32_t)lead;
	}
	return 0;
}

/* Room for program tensor c->nt, zeroed (not counted yet). */
static int cc_new_pt(struct cc *c)
{
	int r;

	if (c->nt >= EDGEAI_PROG_MAX_TENSORS)
		return base_errf(c->err, c->errsz, -E2BIG, "too many tensors");
	r = cc_grow((void **)&c->t, &c->capt, c->nt + 1, sizeof(*c->t));
	if (!r)
		memset(&c->t[c->nt], 0, sizeof(c->t[c->nt]));
	return r;
}

/*
 * The quantization of model tensor @i, when it is int8 or uint8: scales
 * positive and finite (a weight's may be 0: TFLite takes it), the zero
 * point inside the type. Checked for every tensor an op reads or writes
 * before any op is lowered: the lowering computes tables from them.
 */
static int check_q(struct cc *c, int32_t i)
{
	const struct model_tensor *t = T(c, i);
	int64_t zlo = t->type == TFL_UINT8 ? 0 : -128;

	if (t->type != TFL_INT8 && t->type != TFL_UINT8)
		return 0;
	for (uint32_t k = 0; k < t->q.n; k++)
		if (!isfinite(t->q.scale[k]) || t->q.scale[k] < 0.0f ||
		    (t->q.scale[k] == 0.0f && !is_const(c, i)))
			return base_errf(c->err, c->errsz, -EOPNOTSUPP,
					 "tensor '%s' has scale %g: not a positive finite "
					 "number (a weight's may be 0)", t->name ? t->name : "",
					 (double)t->q.scale[k]);
	if (t->q.n && (t->q.zero_point[0] < zlo || t->q.zero_point[0] > zlo + 255))
		return base_errf(c->err, c->errsz, -EOPNOTSUPP,
				 "tensor '%s' has zero point %lld: outside %s",
				 t->name ? t->name : "", (long long)t->q.zero_point[0],
				 edgeai_tensor_type_name(t->type));
	return 0;
}

/* Program tensor for model tensor @i (created on first use). */
static int cc_tensor(struct cc *c, int32_t i)
{
	const struct model_tensor *t;
	struct pt *p;
	int dt, r;

	if (i < 0)
		return -1;
	if (c->map[i] >= 0)
		return c->map[i];
	t = T(c, i);
	dt = dtype_of(t->type);
	if (!dt)
		return base_errf(c->err, c->errsz, -EOPNOTSUPP,
				 "tensor '%s' is %s: only int8/uint8 (int32 bias) models compile",
				 t->name ? t->name : "", edgeai_tensor_type_name(t->type));
	r = cc_new_pt(c);
	if (r)
		return r;
	p = &c->t[c->nt];
	r = dims4(c, t, p->dims);
	if (r)
		return r;
	r = check_q(c, i);
	if (r)
		return r;
	p->dtype = (uint32_t)dt;
	p->zp = zp_of(c, i);
	if (dt == EDGEAI_DTYPE_INT32 || dt == EDGEAI_DTYPE_INT64)
		p->zp = 0;
	if (is_const(c, i)) {
		const struct model_buffer *b = &c->m->buf[t->buffer];
		int64_t off = cc_const_model(c, b->data, b->size, 8);

		if (off < 0)
			return (int)off;
		p->slot = EDGEAI_PROG_SLOT_CONST;
		p->offset = (uint64_t)off;
	} else {
		p->slot = 0;
		p->offset = UINT64_MAX;	/* planned later */
	}
	c->map[i] = (int32_t)c->nt;
	return (int)c->nt++;
}

/* Program tensors of @op's input 0 and output 0. */
static int cc_in_out(struct cc *c, const struct model_op *op, int *in, int *out)
{
	*in = cc_tensor(c, op->in[0]);
	if (*in < 0)
		return *in;
	*out = cc_tensor(c, op->out[0]);
	return *out < 0 ? *out : 0;
}

/*
 * A program tensor of no model tensor: an intermediate of an op the
 * compiler lowers to several program ops, of @like's type and zero point
 * and dims @d, in the arena. @d may be a program tensor's own dims: they
 * are read before c->t can move.
 */
static int cc_temp(struct cc *c, uint32_t like, const uint32_t d[4])
{
	uint32_t dims[4];
	struct pt *p;
	int r;

	memcpy(dims, d, sizeof(dims));
	r = cc_new_pt(c);
	if (r)
		return r;
	p = &c->t[c->nt];
	memcpy(p->dims, dims, sizeof(p->dims));
	p->dtype = c->t[like].dtype;
	p->zp = c->t[like].zp;
	p->slot = 0;
	p->offset = UINT64_MAX;	/* planned later */
	return (int)c->nt++;
}

/* A program op on program tensors (EDGEAI_PROG_NO_TENSOR: an absent input). */
static int cc_op_pt(struct cc *c, uint32_t opcode, const uint32_t *ins, uint32_t n_in,
		    uint32_t out, const void *params, size_t psize)
{
	struct edgeai_prog_op *o;
	uint32_t k;
	int r;

	if (c->nops >= EDGEAI_PROG_MAX_OPS)
		return base_errf(c->err, c->errsz, -E2BIG, "too many ops");
	if (c->t[out].slot == EDGEAI_PROG_SLOT_CONST)
		return base_errf(c->err, c->errsz, -EOPNOTSUPP, "an op writes a constant tensor");
	r = cc_grow((void **)&c->ops, &c->capops, c->nops + 1, sizeof(*c->ops));
	if (r)
		return r;
	o = &c->ops[c->nops];
	memset(o, 0, sizeof(*o));
	o->opcode = opcode;
	for (k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++)
		o->inputs[k] = k < n_in ? ins[k] : EDGEAI_PROG_NO_TENSOR;
	o->output = out;
	if (params)
		memcpy(o->params, params, psize);
	c->nops++;
	return 0;
}

static int cc_op(struct cc *c, uint32_t opcode, const int32_t *ins, uint32_t n_in, int32_t out,
		 const void *params, size_t psize)
{
	uint32_t pin[EDGEAI_PROG_MAX_INPUTS], k;
	int r;

	if (n_in > EDGEAI_PROG_MAX_INPUTS)
		return base_errf(c->err, c->errsz, -E2BIG, "too many inputs");
	for (k = 0; k < n_in; k++) {
		pin[k] = EDGEAI_PROG_NO_TENSOR;
		if (ins[k] < 0)
			continue;	/* absent optional input (bias) */
		r = cc_tensor(c, ins[k]);
		if (r < 0)
			return r;
		pin[k] = (uint32_t)r;
	}
	r = cc_tensor(c, out);
	if (r < 0)
		return r;
	return cc_op_pt(c, opcode, pin, n_in, (uint32_t)r, params, psize);
}

/*
 * roundf(@v) as an int32, saturated at +-2^24: far outside every 8-bit
 * range, so a clamp that follows gives what TFLite gives, and a scale that
 * makes @v huge (a malformed model: 1e-30) cannot overflow the int.
 */
static int32_t iround_sat(float v)
{
	if (!(v > -16777216.0f))
		return -16777216;
	if (v > 16777216.0f)
		return 16777216;
	return (int32_t)roundf(v);
}

/* CalculateActivationRangeQuantized(): zp + roundf(f / s) with the division in float. */
static void act_range(int act, uint32_t dtype, float s, int32_t zp, int32_t *lo, int32_t *hi)
{
	int32_t qmin = dtype == EDGEAI_DTYPE_UINT8 ? 0 : -128;
	int32_t qmax = dtype == EDGEAI_DTYPE_UINT8 ? 255 : 127;
#define Q(f) (zp + iround_sat((float)(f) / s))
	*lo = qmin;
	*hi = qmax;
	if (act == TFL_ACT_RELU) {
		*lo = Q(0.0f) > qmin ? Q(0.0f) : qmin;
	} else if (act == TFL_ACT_RELU6) {
		*lo = Q(0.0f) > qmin ? Q(0.0f) : qmin;
		*hi = Q(6.0f) < qmax ? Q(6.0f) : qmax;
	} else if (act == TFL_ACT_RELU_N1_TO_1) {
		*lo = Q(-1.0f) > qmin ? Q(-1.0f) : qmin;
		*hi = Q(1.0f) < qmax ? Q(1.0f) : qmax;
	}
#undef Q
}

static int act_ok(struct cc *c, int act)
{
	if (act == TFL_ACT_NONE || act == TFL_ACT_RELU || act == TFL_ACT_RELU6 ||
	    act == TFL_ACT_RELU_N1_TO_1)
		return 0;
	return base_errf(c->err, c->errsz, -EOPNOTSUPP, "fused activation %d is not supported", act);
}

/*
 * 1 when @out is the [N, OH, OW, @oc] a window of @eh x @ew (dilation
 * included) slid over 4-D @in by @op's strides and padding makes: TFLite's
 * ComputeOutSize, SAME ceil(in / s), VALID ceil((in - e + 1) / s). The
 * strides must be checked >= 1 first.
 */
static int window_out_ok(const struct model_tensor *in, const struct model_tensor *out,
			 const struct model_op *op, int32_t eh, int32_t ew, int32_t oc)
{
	int valid = op->o.padding == TFL_PAD_VALID;
	int32_t oh = (in->shape[1] + op->o.stride_h - (valid ? eh : 1)) / op->o.stride_h;
	int32_t ow = (in->shape[2] + op->o.stride_w - (valid ? ew : 1)) / op->o.stride_w;

	return out->rank == 4 && out->shape[0] == in->shape[0] && out->shape[1] == oh &&
	       out->shape[2] == ow && out->shape[3] == oc;
}

static int same_shape(const struct model_tensor *a, const struct model_tensor *b)
{
	return a->rank == b->rank && !memcmp(a->shape, b->shape, sizeof(*a->shape) * a->rank);
}

static void pad_same(int32_t size, int32_t k, int32_t stride, int32_t dil, int valid,
		     uint32_t *before)
{
	int32_t eff = (k - 1) * dil + 1, out, total;

	if (valid) {
		*before = 0;
		return;
	}
	out = (size + stride - 1) / stride;
	total = (out - 1) * stride + eff - size;
	*before = total > 0 ? (uint32_t)(total / 2) : 0;
}

/*
 * int32 values of constant tensor @i (int32 or int64 data). An int64 value
 * beyond int32 saturates, so that it stays out of every range the callers
 * check (an index 2^32 + 3 must not read as 3) and a huge STRIDED_SLICE
 * end still means the end of the axis.
 */
static int const_ints(struct cc *c, int32_t i, int32_t *v, uint32_t max, uint32_t *n)
{
	const struct model_tensor *t;
	const struct model_buffer *b;
	uint64_t cnt = 0;
	uint32_t k;

	if (i < 0 || !is_const(c, i))
		return base_errf(c->err, c->errsz, -EOPNOTSUPP,
				 "a shape/axis/padding input is not a constant");
	t = T(c, i);
	b = &c->m->buf[t->buffer];
	if (model_tensor_elems(t, &cnt) || cnt > max ||
	    (t->type != TFL_INT32 && t->type != TFL_INT64) ||
	    b->size < cnt * (t->type == TFL_INT64 ? 8 : 4))
		return base_errf(c->err, c->errsz, -EOPNOTSUPP, "bad constant parameter tensor");
	for (k = 0; k < cnt; k++) {
		if (t->type == TFL_INT64) {
			int64_t x;

			memcpy(&x, b->data + 8 * k, 8);
			v[k] = x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : (int32_t)x;
		} else {
			memcpy(&v[k], b->data + 4 * k, 4);
		}
	}
	*n = (uint32_t)cnt;
	return 0;
}

/* --- tables ---------------------------------------------------------------- */

static int32_t clampi(int64_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

/*
 * The functions TFLite 2.9 tabulates in float (activations.cc), each as its
 * source computes it: binary32 unless it widens to binary64 itself. A libm
 * function of float (expf, tanhf) is taken as the binary64 one rounded once,
 * which is what the oracle's libm gives for these arguments.
 */
static float f_logistic(float x)
{
	return 1.0f / (1.0f + (float)exp(-(double)x));
}

static float f_tanh(float x)
{
	return (float)tanh((double)x);
}

/* EluPrepare: value < 0.0 ? std::exp(value) - 1.0f : value */
static float f_elu(float x)
{
	return x < 0.0f ? (float)exp((double)x) - 1.0f : x;
}

/* GeluTransform: 0.5f * in * (1.f + std::erf(in * M_SQRT1_2)), erf in binary64 */
static float f_gelu(float x)
{
	return (float)((double)(0.5f * x) * (1.0 + erf((double)x * 0.70710678118654752440)));
}

/* ... approximate: all binary32, sqrt(2 / pi) rounded to float once */
static float f_gelu_tanh(float x)
{
	const float k = (float)(1.12837916709551257390 * 0.70710678118654752440);
	float inner = k * (x + 0.044715f * x * x * x);

	return 0.5f * x * (1.0f + (float)tanh((double)inner));
}

/* activations.cc PopulateLookupTable: dequantize, f, times 1 / s_out, round, + zp. */
static void table_float(uint8_t t[256], int u8, float s_in, int32_t zp_in, float s_out,
			int32_t zp_out, float (*f)(float))
{
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127, v;
	float inv = 1.0f / s_out;

	for (v = lo; v <= hi; v++) {
		float dq = s_in * (float)(v - zp_in);
		int32_t r = iround_sat(f(dq) * inv);

		t[v & 0xff] = (uint8_t)clampi((int32_t)((float)r + (float)zp_out), lo, hi);
	}
}

/*
 * CONCATENATION's rescale of a uint8 input whose quantization is not the
 * output's (ConcatenationWithScaling, binary32): clamp((int)roundf(q *
 * scale + bias) + zp_out) with scale = s_in * (1 / s_out) and bias =
 * -zp_in * scale. The product and the sum are separate statements, so no
 * compiler fuses them into one rounding (TFLite's x86-64 build does not).
 */
static void table_concat(uint8_t t[256], float s_in, int32_t zp_in, float s_out, int32_t zp_out)
{
	float scale = s_in * (1.0f / s_out), bias = (float)-zp_in * scale;
	int32_t v;

	for (v = 0; v <= 255; v++) {
		float p = (float)v * scale;
		float x = p + bias;

		t[v] = (uint8_t)clampi(iround_sat(x) + zp_out, 0, 255);
	}
}

/*
 * ABS (elementwise.cc AbsEvalQuantized): |x - zp_in|, rescaled by the pair
 * of s_in / s_out (in float) when the scales differ, plus zp_out.
 */
static void table_abs(uint8_t t[256], float s_in, int32_t zp_in, float s_out, int32_t zp_out)
{
	int32_t m = 0, sh = 0, v;

	if (s_in != s_out)
		cc_quantize_multiplier((double)(s_in / s_out), &m, &sh);
	for (v = -128; v <= 127; v++) {
		int32_t a = v < zp_in ? zp_in - v : v - zp_in;

		t[v & 0xff] = (uint8_t)clampi((int64_t)(s_in != s_out ? ek_mbqm(a, m, sh) : a) +
					      zp_out, -128, 127);
	}
}

/*
 * RSQRT (elementwise.cc RsqrtEvalQuantized, int8): 127 at the zero point,
 * else 1 / sqrt(q - zp_in) in fixed point, kept 20 bits up, then rescaled
 * by QuantizeMultiplier(1. / (sqrtf(s_in) * s_out)). TFLite fails the
 * invoke for an input below the zero point; the table gives 127 there.
 * -1 when the rescale's shift is outside what TFLite's arithmetic holds.
 */
static int table_rsqrt(uint8_t t[256], float s_in, int32_t zp_in, float s_out, int32_t zp_out)
{
	int32_t m, sh, v;

	cc_quantize_multiplier(1.0 / (double)(sqrtf(s_in) * s_out), &m, &sh);
	if (sh - 20 < -31)
		return -1;
	for (v = -128; v <= 127; v++) {
		int32_t x = v - zp_in, im;
		int64_t q = 127;
		int ish;

		if (x > 0) {
			ek_inv_sqrt(x, &im, &ish);
			q = (int64_t)ek_mbqm(ek_mbqm(1, im, ish + 20), m, sh - 20) + zp_out;
		}
		t[v & 0xff] = (uint8_t)clampi(q, -128, 127);
	}
	return 0;
}

/* LEAKY_RELU (QuantizeLeakyRelu): identity pair for x >= zp_in, else alpha. */
static void table_leaky(uint8_t t[256], int u8, int32_t zp_in, int32_t zp_out,
			const int32_t id[2], const int32_t al[2])
{
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127, v;

	for (v = lo; v <= hi; v++) {
		int32_t x = v - zp_in;
		const int32_t *mm = x >= 0 ? id : al;

		t[v & 0xff] = (uint8_t)clampi((int64_t)zp_out + ek_mbqm(x, mm[0], mm[1]), lo, hi);
	}
}

static int16_t i16(int32_t x)
{
	return (int16_t)(uint16_t)(x & 0xffff);
}

static int32_t srdhm16(int32_t a, int32_t b)
{
	int32_t ab, nudge;

	if (a == -32768 && b == -32768)
		return 32767;
	ab = a * b;
	nudge = ab >= 0 ? (1 << 14) : 1 - (1 << 14);
	return (ab + nudge) / (1 << 15);
}

static int32_t sat16(int32_t v)
{
	return clampi(v, -32768, 32767);
}

static int32_t down16(int32_t m)
{
	if (m >= INT32_MAX - (1 << 15))
		return 32767;
	return (m + (1 << 15)) >> 16;
}

/*
 * HARD_SWISH: HardSwishPrepare + reference_ops::HardSwish (16-bit fixed
 * point). -1 when the output multiplier would shift left (an output scale
 * below 1/128 of the input's), which TFLite's RoundingDivideByPOT does not
 * take either.
 */
static int table_hard_swish(uint8_t t[256], int u8, float s_in, int32_t zp_in, float s_out,
			    int32_t zp_out)
{
	float hires = (1.0f / 128.0f) * s_in, reluish = 3.0f / 32768.0f;
	int32_t om32, oexp, rm32, rexp, om, rm, v;
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;

	cc_quantize_multiplier((double)(hires / s_out), &om32, &oexp);
	om = down16(om32);
	cc_quantize_multiplier((double)(hires / reluish), &rm32, &rexp);
	rm = down16(rm32);
	if (oexp > 0 || rexp > 16)
		return -1;
	for (v = lo; v <= hi; v++) {
		int32_t x = i16(v - zp_in), xh = i16(x * 128), pre, r, p, o;

		pre = srdhm16(xh, om);
		r = xh;
		if (rexp > 0)
			r = sat16(r * (1 << (rexp - 1)));
		r = srdhm16(r, rm);
		if (rexp > 0)
			r = sat16(r * 2);
		if (rexp < 0)
			r = ek_rdivpot(r, -rexp);
		r = i16((r + (1 << 15)) >> 1);
		if (r == -32768 && pre == -32768)
			p = 32767;
		else
			p = (r * pre) / (1 << 15);
		o = ek_rdivpot(i16(p), -oexp) + zp_out;
		t[v & 0xff] = (uint8_t)clampi(o, lo, hi);
	}
	return 0;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* ResizeNearestNeighbor source index per output index, in float. */
static void nn_map(uint32_t *map, int32_t insz, int32_t outsz, int align, int hpc)
{
	float scale = align && outsz > 1 ? (float)(insz - 1) / (float)(outsz - 1) :
		      (float)insz / (float)outsz;
	int32_t i;

	for (i = 0; i < outsz; i++) {
		float v = ((float)i + (hpc ? 0.5f : 0.0f)) * scale;
		int32_t k = align ? (int32_t)roundf(v) : (int32_t)floorf(v);

		if (k > insz - 1)
			k = insz - 1;
		if (hpc && k < 0)
			k = 0;
		map[i] = (uint32_t)k;
	}
}

/* ComputeInterpolationValues (uint8, float) and ...Integer (int8, 10-bit). */
static void bl_map(struct edgeai_prog_interp *map, int32_t insz, int32_t outsz, int align,
		   int hpc, int fixed)
{
	int32_t i;

	if (fixed) {
		int32_t scale = align && outsz > 1 ?
				(((insz - 1) << 10) + (outsz - 1) / 2) / (outsz - 1) :
				((insz << 10) + outsz / 2) / outsz;

		for (i = 0; i < outsz; i++) {
			int32_t v = hpc ? i * scale + scale / 2 - (1 << 9) : i * scale;
			int32_t lo = v / 1024, hi = (v + 1023) / 1024, frac;

			if (lo < 0)
				lo = 0;
			if (hi > insz - 1)
				hi = insz - 1;
			frac = v - 1024 * lo;
			map[i].lo = (uint32_t)lo;
			map[i].hi = (uint32_t)hi;
			map[i].w_lo = (uint32_t)(1024 - frac);
			map[i].w_hi = (uint32_t)frac;
		}
		return;
	}
	{
		float scale = align && outsz > 1 ? (float)(insz - 1) / (float)(outsz - 1) :
			      (float)insz / (float)outsz;

		for (i = 0; i < outsz; i++) {
			float v = hpc ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
			int32_t lo = (int32_t)floorf(v), hi = (int32_t)ceilf(v);
			float frac;

			if (lo < 0)
				lo = 0;
			if (hi > insz - 1)
				hi = insz - 1;
			frac = v - (float)lo;
			map[i].lo = (uint32_t)lo;
			map[i].hi = (uint32_t)hi;
			map[i].w_lo = fbits(1.0f - frac);
			map[i].w_hi = fbits(frac);
		}
	}
}

/* --- ops ------------------------------------------------------------------- */

static int unsupported(struct cc *c, const struct model_op *op, const char *why)
{
	return base_errf(c->err, c->errsz, -EOPNOTSUPP, "%s: %s", edgeai_op_name(op->code), why);
}

/*
 * s_in * s_w as TFLite's GetQuantizedConvolutionMultipler takes it (for
 * FULLY_CONNECTED, and uint8 convolutions): the product of the two floats
 * rounded to binary32, then widened (measured: the product in double gives
 * other bytes where the two multipliers round apart).
 */
static double conv_product(float s_in, float s_w)
{
	return (double)(s_in * s_w);
}

/*
 * The output multipliers of a convolution (CONV_2D, DEPTHWISE_CONV_2D,
 * TRANSPOSE_CONV) with filter @ft of @oc channels: per channel in the
 * constant region (*@qmul_offset) for int8 per-channel filters, else one
 * (*@mul, *@shift; the offset EDGEAI_PROG_NO_CONST). TFLite 2.9's
 * PopulateConvolutionQuantizationParams computes int8's in double, per
 * channel even for one filter scale; uint8's come from
 * GetQuantizedConvolutionMultipler (conv_product()).
 */
static int conv_multipliers(struct cc *c, const struct model_op *op, uint32_t dt,
			    const struct model_tensor *ft, int32_t oc, float s_in, float s_out,
			    uint32_t *qmul_offset, int32_t *mul, int32_t *shift)
{
	struct edgeai_prog_qmul *q;
	int64_t off;
	int32_t k;

	if (dt != EDGEAI_DTYPE_INT8) {
		cc_quantize_multiplier(conv_product(s_in, ft->q.scale[0]) / (double)s_out, mul,
				       shift);
		*qmul_offset = EDGEAI_PROG_NO_CONST;
		return 0;
	}
	if (ft->q.n <= 1) {
		cc_quantize_multiplier((double)s_in * (double)ft->q.scale[0] / (double)s_out, mul,
				       shift);
		*qmul_offset = EDGEAI_PROG_NO_CONST;
		return 0;
	}
	if ((int32_t)ft->q.n != oc)
		return unsupported(c, op, "per-channel scale count differs from channels");
	off = cc_const(c, NULL, sizeof(*q) * (size_t)oc, 8);
	if (off < 0)
		return (int)off;
	q = (struct edgeai_prog_qmul *)cc_kptr(c, off);
	for (k = 0; k < oc; k++)
		cc_quantize_multiplier((double)s_in * (double)ft->q.scale[k] / (double)s_out,
				       &q[k].multiplier, &q[k].shift);
	*qmul_offset = (uint32_t)off;
	return 0;
}

static int need_q(struct cc *c, const struct model_op *op, int32_t t)
{
	if (t < 0 || !T(c, t)->q.n || T(c, t)->q.scale[0] <= 0.0f)
		return unsupported(c, op, "a tensor is not quantized");
	return 0;
}

/*
 * Bias input @b of a convolution or FULLY_CONNECTED of @oc output channels:
 * absent (-1), or a constant int32 tensor of @oc values (TFLite's Prepare
 * refuses any other); 0, or the refusal.
 */
static int bias_ok(struct cc *c, const struct model_op *op, int32_t b, int32_t oc)
{
	uint64_t n;

	if (b < 0)
		return 0;
	if (!is_const(c, b) || T(c, b)->type != TFL_INT32 || model_tensor_elems(T(c, b), &n) ||
	    n != (uint64_t)oc)
		return unsupported(c, op, "the bias is not a constant int32 tensor of one value "
				   "per output channel");
	return 0;
}

/*
 * A convolution TF's older converters wrote as SPACE_TO_BATCH_ND, a
 * stride-1 VALID CONV_2D or DEPTHWISE_CONV_2D, BATCH_TO_SPACE_ND (what
 * TFLite's converter itself fuses back): the program's convolution reads
 * the first op's input with the block as its dilation and writes the last
 * op's output (find_dilations()).
 */
struct dilated {
	int32_t in, out;
	uint32_t dil_h, dil_w, pad_top, pad_left;
};

static int c_conv_geom(struct cc *c, const struct model_op *op, int dw, const struct dilated *d);

static int c_conv(struct cc *c, const struct model_op *op, int dw)
{
	return c_conv_geom(c, op, dw, NULL);
}

/* c_conv(), or with @d the dilated convolution of its three ops. */
static int c_conv_geom(struct cc *c, const struct model_op *op, int dw, const struct dilated *d)
{
	struct edgeai_prog_conv_params p = { 0 };
	int32_t in = d ? d->in : op->in[0], f = op->in[1], b = op->n_in > 2 ? op->in[2] : -1;
	int32_t out = d ? d->out : op->out[0], oc, ic, kh, kw, ih, iw;
	const struct model_tensor *ft, *it;
	float s_in, s_out;
	uint32_t dt;
	int r;

	if (op->n_in < 2 || need_q(c, op, in) || need_q(c, op, f) || need_q(c, op, out) ||
	    act_ok(c, op->o.act))
		return -EOPNOTSUPP;
	ft = T(c, f);
	it = T(c, in);
	if (ft->rank != 4 || it->rank != 4 || !is_const(c, f))
		return unsupported(c, op, "filter must be a constant 4-D tensor");
	dt = (uint32_t)dtype_of(it->type);
	oc = dw ? ft->shape[3] : ft->shape[0];
	ic = it->shape[3];
	kh = ft->shape[1];
	kw = ft->shape[2];
	ih = it->shape[1];
	iw = it->shape[2];
	if (op->o.stride_h < 1 || op->o.stride_w < 1 || op->o.dil_h < 0 || op->o.dil_w < 0)
		return unsupported(c, op, "a stride or dilation below 1");
	if (dw ? ft->shape[0] != 1 || !ic || oc % ic : ft->shape[3] != ic)
		return unsupported(c, op, "the filter does not match the input's channels");
	if (d && (T(c, out)->rank != 4 || T(c, out)->shape[3] != oc ||
		  T(c, out)->shape[0] != it->shape[0]))
		return unsupported(c, op, "the output's shape is not what the input, "
				   "filter, dilation and padding make");
	r = bias_ok(c, op, b, oc);
	if (r)
		return r;
	if (!d && !window_out_ok(it, T(c, out), op, (kh - 1) * (op->o.dil_h ? op->o.dil_h : 1) + 1,
				 (kw - 1) * (op->o.dil_w ? op->o.dil_w : 1) + 1, oc))
		return unsupported(c, op, "the output's shape is not what the input, "
				   "filter, strides and padding make");
	s_in = scale_of(c, in);
	s_out = scale_of(c, out);
	p.stride_h = (uint32_t)op->o.stride_h;
	p.stride_w = (uint32_t)op->o.stride_w;
	if (d) {
		p.dilation_h = d->dil_h;
		p.dilation_w = d->dil_w;
		p.pad_top = d->pad_top;
		p.pad_left = d->pad_left;
	} else {
		p.dilation_h = (uint32_t)(op->o.dil_h ? op->o.dil_h : 1);
		p.dilation_w = (uint32_t)(op->o.dil_w ? op->o.dil_w : 1);
		pad_same(ih, kh, op->o.stride_h, (int32_t)p.dilation_h,
			 op->o.padding == TFL_PAD_VALID, &p.pad_top);
		pad_same(iw, kw, op->o.stride_w, (int32_t)p.dilation_w,
			 op->o.padding == TFL_PAD_VALID, &p.pad_left);
	}
	p.depth_multiplier = dw ? (uint32_t)(oc / (ic ? ic : 1)) : 1;
	act_range(op->o.act, dt, s_out, zp_of(c, out), &p.act_min, &p.act_max);
	r = conv_multipliers(c, op, dt, ft, oc, s_in, s_out, &p.qmul_offset, &p.out_multiplier,
			     &p.out_shift);
	if (r)
		return r;
	{
		int32_t ins[3] = { in, f, b };

		r = cc_op(c, dw ? EDGEAI_OP_DEPTHWISE_CONV_2D : EDGEAI_OP_CONV_2D, ins, 3, out, &p,
			  sizeof(p));
	}
	return r;
}

/*
 * TRANSPOSE_CONV (TFLite 2.9 transpose_conv.cc): the cut before the full
 * result from the output shape (model_tconv(), ComputePaddingHeightWidth),
 * multipliers as CONV_2D's (per channel for int8, in double), no fused
 * activation (2.9's options have none): the output type's whole range.
 */
static int c_tconv(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_tconv_params p = { 0 };
	const struct model_tensor *ft;
	struct model_tconv tc;
	int32_t oc, oshape[4];
	uint32_t dt, n, k;
	float s_in, s_out;
	int r;

	if (const_ints(c, op->in[0], oshape, 4, &n) < 0)
		return -EOPNOTSUPP;
	if (model_tconv(c->m, op, &tc) < 0)
		return unsupported(c, op, "output shape does not match input, filter, stride and padding");
	for (k = 0; k < 4; k++)
		if (n != 4 || oshape[k] != T(c, tc.out)->shape[k])
			return unsupported(c, op, "output_shape differs from the output tensor's shape");
	if (need_q(c, op, tc.in) || need_q(c, op, tc.filter) || need_q(c, op, tc.out))
		return -EOPNOTSUPP;
	ft = T(c, tc.filter);
	if (!is_const(c, tc.filter))
		return unsupported(c, op, "filter must be a constant 4-D tensor");
	dt = (uint32_t)dtype_of(T(c, tc.in)->type);
	oc = ft->shape[0];
	r = bias_ok(c, op, tc.bias, oc);
	if (r)
		return r;
	s_in = scale_of(c, tc.in);
	s_out = scale_of(c, tc.out);
	p.stride_h = (uint32_t)op->o.stride_h;
	p.stride_w = (uint32_t)op->o.stride_w;
	p.pad_top = (uint32_t)tc.pad_h;
	p.pad_left = (uint32_t)tc.pad_w;
	act_range(TFL_ACT_NONE, dt, s_out, zp_of(c, tc.out), &p.act_min, &p.act_max);
	r = conv_multipliers(c, op, dt, ft, oc, s_in, s_out, &p.qmul_offset, &p.out_multiplier,
			     &p.out_shift);
	if (r)
		return r;
	{
		int32_t ins[3] = { tc.in, tc.filter, tc.bias };

		return cc_op(c, EDGEAI_OP_TRANSPOSE_CONV, ins, 3, tc.out, &p, sizeof(p));
	}
}

static int c_fc(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_fc_params p = { 0 };
	int32_t in = op->in[0], f = op->in[1], b = op->n_in > 2 ? op->in[2] : -1;
	int32_t out = op->out[0], ins[3];
	const struct model_tensor *ft;

	if (op->n_in < 2 || need_q(c, op, in) || need_q(c, op, f) || need_q(c, op, out) ||
	    act_ok(c, op->o.act))
		return -EOPNOTSUPP;
	ft = T(c, f);
	if (ft->rank != 2 || !is_const(c, f) || ft->q.n != 1)
		return unsupported(c, op, "weights must be constant 2-D, per-tensor quantized");
	{
		/* [B, IC] x [OC, IC]^T: B * OC outputs, the last dimension OC */
		const struct model_tensor *ot = T(c, out);
		uint64_t ni, no;

		if (model_tensor_elems(T(c, in), &ni) || model_tensor_elems(ot, &no) ||
		    ft->shape[1] < 1 || ni % (uint64_t)ft->shape[1] || !ot->rank ||
		    no != ni / (uint64_t)ft->shape[1] * (uint64_t)ft->shape[0] ||
		    ot->shape[ot->rank - 1] != ft->shape[0])
			return unsupported(c, op, "the output's shape is not what the input and "
					   "weights make");
	}
	if (bias_ok(c, op, b, ft->shape[0]))
		return -EOPNOTSUPP;
	act_range(op->o.act, (uint32_t)dtype_of(T(c, out)->type), scale_of(c, out),
		  zp_of(c, out), &p.act_min, &p.act_max);
	cc_quantize_multiplier(conv_product(scale_of(c, in), ft->q.scale[0]) /
			       (double)scale_of(c, out), &p.out_multiplier, &p.out_shift);
	ins[0] = in;
	ins[1] = f;
	ins[2] = b;
	return cc_op(c, EDGEAI_OP_FULLY_CONNECTED, ins, 3, out, &p, sizeof(p));
}

static int fill_const(struct cc *c, uint32_t like, const uint32_t d[4], uint8_t v);

/*
 * BATCH_MATMUL (int8; TFLite 2.9 runs no other type): the program op of
 * that name, whose inputs may both be activations. A constant right input
 * of zero point 0 with no batch of its own, multiplied from the left by
 * untransposed matrices, is a layer's weights: that is FULLY_CONNECTED
 * (the same sums and, in TFLite, the same GEMM and rounding), with the
 * weights stored [N, K] (transposed here unless adj_y), and runs on the
 * CPU sets' GEMMs.
 */
static int c_matmul(struct cc *c, const struct model_op *op)
{
	int32_t l = op->in[0], r = op->in[1], out = op->out[0], ins[2];
	const struct model_tensor *lt, *rt, *ot;
	uint32_t dl[4], dr[4], dout[4], m, k, n, i, j;
	int adj_x = op->o.adj_x != 0, adj_y = op->o.adj_y != 0, rc;
	float fmul;
	double mul;

	if (op->n_in != 2 || r < 0 || need_q(c, op, l) || need_q(c, op, r) || need_q(c, op, out))
		return -EOPNOTSUPP;
	lt = T(c, l);
	rt = T(c, r);
	ot = T(c, out);
	if (lt->type != TFL_INT8 || rt->type != TFL_INT8 || ot->type != TFL_INT8)
		return unsupported(c, op, "a type other than int8 (TFLite runs BATCH_MATMUL "
				   "in int8 only)");
	if (lt->q.n != 1 || rt->q.n != 1 || ot->q.n != 1)
		return unsupported(c, op, "per-channel quantization (TFLite takes one scale per "
				   "tensor)");
	if (lt->rank < 2 || rt->rank < 2 || lt->rank > 4 || rt->rank > 4 ||
	    ot->rank != (lt->rank > rt->rank ? lt->rank : rt->rank))
		return unsupported(c, op, "ranks other than 2 to 4");
	rc = dims4(c, lt, dl);
	rc = rc ? rc : dims4(c, rt, dr);
	rc = rc ? rc : dims4(c, ot, dout);
	if (rc)
		return rc;
	m = adj_x ? dl[3] : dl[2];
	k = adj_x ? dl[2] : dl[3];
	n = adj_y ? dr[2] : dr[3];
	if ((adj_y ? dr[3] : dr[2]) != k)
		return unsupported(c, op, "the matrices' inner dimensions differ");
	for (i = 0; i < 2; i++)
		if ((dl[i] != dr[i] && dl[i] != 1 && dr[i] != 1) ||
		    dout[i] != (dl[i] == 1 ? dr[i] : dl[i]))
			return unsupported(c, op, "the batch dimensions do not broadcast to the "
					   "output's");
	if (dout[2] != m || dout[3] != n)
		return unsupported(c, op, "the output's shape is not what the inputs make");
	/* batch_matmul.cc Prepare: the ratio in float (golden matmul_int8_products) */
	fmul = scale_of(c, l) * scale_of(c, r);
	fmul = fmul / scale_of(c, out);
	mul = (double)fmul;
	if (is_const(c, r) && !zp_of(c, r) && !adj_x && dr[0] == 1 && dr[1] == 1) {
		struct edgeai_prog_fc_params p = { .act_min = -128, .act_max = 127 };
		uint32_t pin[3], d[4] = { 1, 1, n, k };
		int w, po;

		if (adj_y) {
			w = cc_tensor(c, r);	/* stored [N, K]: the weights' layout */
		} else {
			/* [K, N] transposed to [N, K], the model's copy left out */
			const int8_t *src = (const int8_t *)c->m->buf[rt->buffer].data;
			int8_t *dst;

			po = cc_tensor(c, l);
			w = po < 0 ? po : fill_const(c, (uint32_t)po, d, 0);
			if (w < 0)
				return w;
			c->t[w].zp = 0;
			dst = cc_kptr(c, (int64_t)c->t[w].offset);
			for (i = 0; i < k; i++)
				for (j = 0; j < n; j++)
					dst[(size_t)j * k + i] = src[(size_t)i * n + j];
		}
		if (w < 0)
			return w;
		cc_quantize_multiplier(mul, &p.out_multiplier, &p.out_shift);
		po = cc_tensor(c, l);
		if (po < 0)
			return po;
		pin[0] = (uint32_t)po;
		pin[1] = (uint32_t)w;
		pin[2] = EDGEAI_PROG_NO_TENSOR;
		po = cc_tensor(c, out);
		if (po < 0)
			return po;
		return cc_op_pt(c, EDGEAI_OP_FULLY_CONNECTED, pin, 3, (uint32_t)po, &p, sizeof(p));
	}
	{
		struct edgeai_prog_matmul_params p = {
			.adj_x = (uint32_t)adj_x, .adj_y = (uint32_t)adj_y,
			.act_min = -128, .act_max = 127,
		};

		cc_quantize_multiplier(mul, &p.out_multiplier, &p.out_shift);
		ins[0] = l;
		ins[1] = r;
		return cc_op(c, EDGEAI_OP_BATCH_MATMUL, ins, 2, out, &p, sizeof(p));
	}
}

/*
 * ADD, SUB or MUL (@opcode, its @params) of op @op's tensor input and a
 * constant of one element: one TABLE of the op's own reference
 * (ek_run_op() on each of the 256 stored values beside the constant),
 * where the op would rescale both inputs and their result on every
 * element. The table is the op's output for each byte, its clamp
 * included, so the bytes are the op's. Returns 1 where @op is not of
 * that form (or the reference declines it: the op then stays as it is
 * for the validator to judge).
 */
static int c_scalar_table(struct cc *c, const struct model_op *op, uint32_t opcode,
			  const void *params, size_t psize)
{
	struct edgeai_prog_op rec = { .opcode = opcode };
	struct edgeai_prog_lut_params lp = { 0 };
	struct ek_op o = { .op = &rec, .n_in = 2 };
	int32_t out = op->out[0], x;
	uint32_t dx[4], dk[4], dout[4], dt, v;
	uint8_t vals[256], t[256], kb;
	int64_t off;
	int k;

	for (k = 0; k < 2; k++)
		if (is_const(c, op->in[k]) && !is_const(c, op->in[1 - k]))
			break;
	if (k == 2)
		return 1;
	x = op->in[1 - k];
	if (dims4(c, T(c, op->in[k]), dk) || dims4(c, T(c, x), dx) || dims4(c, T(c, out), dout) ||
	    dk[0] * dk[1] * dk[2] * dk[3] != 1 || memcmp(dx, dout, sizeof(dx)) ||
	    T(c, x)->type != T(c, out)->type || T(c, op->in[k])->type != T(c, out)->type ||
	    !c->m->buf[T(c, op->in[k])->buffer].size)
		return 1;
	dt = (uint32_t)dtype_of(T(c, out)->type);
	kb = *(const uint8_t *)c->m->buf[T(c, op->in[k])->buffer].data;
	for (v = 0; v < 256; v++)
		vals[v] = (uint8_t)v;
	memcpy(rec.params, params, psize);
	o.in[1 - k] = (struct ek_tensor){ vals, dt, zp_of(c, x), { 1, 1, 1, 256 } };
	o.in[k] = (struct ek_tensor){ &kb, dt, zp_of(c, op->in[k]), { 1, 1, 1, 1 } };
	o.out = (struct ek_tensor){ t, dt, zp_of(c, out), { 1, 1, 1, 256 } };
	if (ek_run_op(&o) != EK_EXEC_OK)
		return 1;
	off = cc_const(c, t, sizeof(t), 8);
	if (off < 0)
		return (int)off;
	lp.table_offset = (uint32_t)off;
	return cc_op(c, EDGEAI_OP_TABLE, &x, 1, out, &lp, sizeof(lp));
}

static int c_binary(struct cc *c, const struct model_op *op)
{
	int32_t a = op->in[0], b = op->in[1], out = op->out[0], ins[2] = { a, b };
	uint32_t da[4], db[4], dout[4], i;
	float sa, sb, so;
	int r;

	if (op->n_in != 2 || need_q(c, op, a) || need_q(c, op, b) || need_q(c, op, out))
		return -EOPNOTSUPP;
	if (T(c, a)->rank > 4 || T(c, b)->rank > 4)
		return unsupported(c, op, "rank above 4");
	r = dims4(c, T(c, a), da);
	r = r ? r : dims4(c, T(c, b), db);
	r = r ? r : dims4(c, T(c, out), dout);
	if (r)
		return r;
	/* the output is the inputs' broadcast shape (PRELU: the input's) */
	for (i = 0; i < 4; i++)
		if ((da[i] != db[i] && da[i] != 1 && db[i] != 1) ||
		    dout[i] != (op->code == TFL_OP_PRELU || db[i] == 1 ? da[i] : db[i]))
			return unsupported(c, op, "the output is not the inputs' broadcast shape");
	sa = scale_of(c, a);
	sb = scale_of(c, b);
	so = scale_of(c, out);
	if (op->code == TFL_OP_ADD || op->code == TFL_OP_SUB) {
		/*
		 * add.cc/sub.cc Prepare: 2 * max(s1, s2) (max in float), ratios in
		 * double; the output ratio must be below 1
		 * (QuantizeMultiplierSmallerThanOneExp checks it, aborting).
		 */
		struct edgeai_prog_add_params p = { 0 };
		double tm = 2.0 * (double)(sa > sb ? sa : sb);

		if (act_ok(c, op->o.act))
			return -EOPNOTSUPP;
		if (!(tm / ((double)(1 << 20) * (double)so) < 1.0))
			return unsupported(c, op, "an output scale at or below 2 max(s1, s2) / 2^20 "
					   "(TFLite needs a rescale below 1)");
		p.left_shift = 20;
		cc_quantize_multiplier((double)sa / tm, &p.in0_multiplier, &p.in0_shift);
		cc_quantize_multiplier((double)sb / tm, &p.in1_multiplier, &p.in1_shift);
		cc_quantize_multiplier(tm / ((double)(1 << 20) * (double)so), &p.out_multiplier,
				       &p.out_shift);
		act_range(op->o.act, (uint32_t)dtype_of(T(c, out)->type), so, zp_of(c, out),
			  &p.act_min, &p.act_max);
		r = c_scalar_table(c, op, op->code == TFL_OP_ADD ? EDGEAI_OP_ADD : EDGEAI_OP_SUB,
				   &p, sizeof(p));
		if (r <= 0)
			return r;
		return cc_op(c, op->code == TFL_OP_ADD ? EDGEAI_OP_ADD : EDGEAI_OP_SUB, ins, 2, out,
			     &p, sizeof(p));
	}
	if (op->code == TFL_OP_SQUARED_DIFFERENCE) {
		/*
		 * squared_difference.cc Prepare (int8): left shift 7, 2 * max(s1, s2)
		 * (max in float), ratios in double; the output ratio must be below 1
		 * (QuantizeMultiplierSmallerThanOneExp checks it, aborting).
		 */
		struct edgeai_prog_add_params p = { 0 };
		double tm = 2.0 * (double)(sa > sb ? sa : sb);

		if (T(c, out)->type != TFL_INT8)
			return unsupported(c, op, "uint8 (TFLite runs SQUARED_DIFFERENCE in int8 only)");
		p.left_shift = 7;
		cc_quantize_multiplier((double)sa / tm, &p.in0_multiplier, &p.in0_shift);
		cc_quantize_multiplier((double)sb / tm, &p.in1_multiplier, &p.in1_shift);
		cc_quantize_multiplier(tm * tm / (double)((float)(1 << 14) * so), &p.out_multiplier,
				       &p.out_shift);
		if (p.out_shift > 0)
			return unsupported(c, op, "an output scale below (2 max(s1, s2))^2 / 2^14 "
					   "(TFLite needs a rescale below 1)");
		p.act_min = -128;
		p.act_max = 127;
		return cc_op(c, EDGEAI_OP_SQUARED_DIFFERENCE, ins, 2, out, &p, sizeof(p));
	}
	if (op->code == TFL_OP_MUL) {
		struct edgeai_prog_mul_params p = { 0 };

		if (act_ok(c, op->o.act))
			return -EOPNOTSUPP;
		/* mul.cc: s1 * s2 / s_out all in float, then widened (measured) */
		cc_quantize_multiplier((double)(sa * sb / so), &p.out_multiplier, &p.out_shift);
		act_range(op->o.act, (uint32_t)dtype_of(T(c, out)->type), so, zp_of(c, out),
			  &p.act_min, &p.act_max);
		r = c_scalar_table(c, op, EDGEAI_OP_MUL, &p, sizeof(p));
		if (r <= 0)
			return r;
		return cc_op(c, EDGEAI_OP_MUL, ins, 2, out, &p, sizeof(p));
	}
	if (op->code == TFL_OP_PRELU) {
		/* PreluPrepare: s_in / s_out and s_in * s_a / s_out in float. */
		struct edgeai_prog_prelu_params p = { 0 };

		cc_quantize_multiplier((double)(sa / so), &p.identity_multiplier,
				       &p.identity_shift);
		cc_quantize_multiplier((double)((sa * sb) / so), &p.alpha_multiplier,
				       &p.alpha_shift);
		return cc_op(c, EDGEAI_OP_PRELU, ins, 2, out, &p, sizeof(p));
	}
	/* MAXIMUM / MINIMUM: same quantization everywhere. */
	if (sa != so || sb != so || zp_of(c, a) != zp_of(c, out) || zp_of(c, b) != zp_of(c, out))
		return unsupported(c, op, "inputs and output must share the quantization");
	return cc_op(c, op->code == TFL_OP_MAXIMUM ? EDGEAI_OP_MAXIMUM : EDGEAI_OP_MINIMUM, ins, 2,
		     out, NULL, 0);
}

static int c_pool(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_pool_params p = { 0 };
	int32_t in = op->in[0], out = op->out[0];
	const struct model_tensor *it = T(c, in);

	if (need_q(c, op, in) || need_q(c, op, out) || act_ok(c, op->o.act) || it->rank != 4)
		return -EOPNOTSUPP;
	if (op->o.filter_h < 1 || op->o.filter_w < 1 || op->o.stride_h < 1 || op->o.stride_w < 1)
		return unsupported(c, op, "a filter or stride below 1");
	if (!window_out_ok(it, T(c, out), op, op->o.filter_h, op->o.filter_w, it->shape[3]))
		return unsupported(c, op, "the output's shape is not what the input, "
				   "filter, strides and padding make");
	p.filter_h = (uint32_t)op->o.filter_h;
	p.filter_w = (uint32_t)op->o.filter_w;
	p.stride_h = (uint32_t)op->o.stride_h;
	p.stride_w = (uint32_t)op->o.stride_w;
	pad_same(it->shape[1], op->o.filter_h, op->o.stride_h, 1, op->o.padding == TFL_PAD_VALID,
		 &p.pad_top);
	pad_same(it->shape[2], op->o.filter_w, op->o.stride_w, 1, op->o.padding == TFL_PAD_VALID,
		 &p.pad_left);
	act_range(op->o.act, (uint32_t)dtype_of(it->type), scale_of(c, out), zp_of(c, out),
		  &p.act_min, &p.act_max);
	return cc_op(c, op->code == TFL_OP_MAX_POOL_2D ? EDGEAI_OP_MAX_POOL_2D :
		     EDGEAI_OP_AVERAGE_POOL_2D, &in, 1, out, &p, sizeof(p));
}

static int c_unary(struct cc *c, const struct model_op *op)
{
	int32_t in = op->in[0], out = op->out[0];
	uint64_t ni, no;
	float si, so;
	int32_t zi, zo;
	uint32_t dti, dto;
	int u8;

	if (need_q(c, op, in) || need_q(c, op, out))
		return -EOPNOTSUPP;
	if (model_tensor_elems(T(c, in), &ni) || model_tensor_elems(T(c, out), &no) || ni != no)
		return unsupported(c, op, "input and output sizes differ");
	si = scale_of(c, in);
	so = scale_of(c, out);
	zi = zp_of(c, in);
	zo = zp_of(c, out);
	dti = (uint32_t)dtype_of(T(c, in)->type);
	dto = (uint32_t)dtype_of(T(c, out)->type);
	u8 = dti == EDGEAI_DTYPE_UINT8;
	if (dti != dto && op->code != TFL_OP_QUANTIZE)
		return unsupported(c, op, "input and output types differ");
	switch (op->code) {
	case TFL_OP_QUANTIZE:
	case TFL_OP_RELU:
	case TFL_OP_RELU6:
	case TFL_OP_RELU_N1_TO_1: {
		struct edgeai_prog_requant_params p = { 0 };
		int32_t lo = dto == EDGEAI_DTYPE_UINT8 ? 0 : -128, hi = lo + 255;

		if (dti != EDGEAI_DTYPE_INT8 && dti != EDGEAI_DTYPE_UINT8)
			return unsupported(c, op, "only 8-bit requantization");
		p.act_min = lo;
		p.act_max = hi;
		if (op->code == TFL_OP_QUANTIZE) {
			/* quantize.cc: (double)s_in / (double)s_out */
			cc_quantize_multiplier((double)si / (double)so, &p.out_multiplier,
					       &p.out_shift);
			return cc_op(c, EDGEAI_OP_QUANTIZE, &in, 1, out, &p, sizeof(p));
		}
		/* ReluPrepare: the ratio in float, clamps zp + roundf(f / s). */
		cc_quantize_multiplier((double)(si / so), &p.out_multiplier, &p.out_shift);
		p.act_min = clampi(zo + iround_sat(0.0f / so), lo, hi);
		if (op->code == TFL_OP_RELU6)
			p.act_max = clampi(zo + iround_sat(6.0f / so), lo, hi);
		/* QuantizedReluX(-1, 1): the RELU6 op is a requantization clamped to any range */
		if (op->code == TFL_OP_RELU_N1_TO_1) {
			p.act_min = clampi(zo + iround_sat(-1.0f / so), lo, hi);
			p.act_max = clampi(zo + iround_sat(1.0f / so), lo, hi);
		}
		return cc_op(c, op->code == TFL_OP_RELU ? EDGEAI_OP_RELU : EDGEAI_OP_RELU6, &in, 1,
			     out, &p, sizeof(p));
	}
	default:
		break;
	}
	{
		struct edgeai_prog_lut_params p = { 0 };
		uint8_t t[256];
		uint32_t opc;
		int64_t off;

		switch (op->code) {
		case TFL_OP_LOGISTIC:
			table_float(t, u8, si, zi, so, zo, f_logistic);
			opc = EDGEAI_OP_LOGISTIC;
			break;
		case TFL_OP_TANH:
			table_float(t, u8, si, zi, so, zo, f_tanh);
			opc = EDGEAI_OP_TANH;
			break;
		case TFL_OP_ELU:
			/* EluPrepare fills a table for int8 only; EluEval refuses uint8 */
			if (u8)
				return unsupported(c, op, "uint8 (TFLite runs ELU in int8 only)");
			table_float(t, u8, si, zi, so, zo, f_elu);
			opc = EDGEAI_OP_TABLE;
			break;
		case TFL_OP_GELU:
			table_float(t, u8, si, zi, so, zo, op->o.approximate ? f_gelu_tanh : f_gelu);
			opc = EDGEAI_OP_TABLE;
			break;
		case TFL_OP_ABS:
			if (u8)
				return unsupported(c, op, "uint8 (TFLite runs ABS in int8 only)");
			table_abs(t, si, zi, so, zo);
			opc = EDGEAI_OP_TABLE;
			break;
		case TFL_OP_RSQRT:
			if (u8)
				return unsupported(c, op, "uint8 (TFLite runs RSQRT in int8 only)");
			if (table_rsqrt(t, si, zi, so, zo))
				return unsupported(c, op, "an output scale too large for TFLite's "
						   "rescale of 1 / sqrt(x)");
			opc = EDGEAI_OP_TABLE;
			break;
		case TFL_OP_HARD_SWISH:
			if (table_hard_swish(t, u8, si, zi, so, zo))
				return unsupported(c, op, "an output scale below 1/128 of the input's "
						   "(TFLite's rescale cannot shift left)");
			opc = EDGEAI_OP_HARD_SWISH;
			break;
		case TFL_OP_LEAKY_RELU: {
			/* LeakyReluPrepare: products and ratios in float. */
			int32_t id[2], al[2];

			cc_quantize_multiplier((double)(si / so), &id[0], &id[1]);
			cc_quantize_multiplier((double)((si * op->o.alpha) / so), &al[0], &al[1]);
			table_leaky(t, u8, zi, zo, id, al);
			opc = EDGEAI_OP_LEAKY_RELU;
			break;
		}
		default:
			return unsupported(c, op, "not supported");
		}
		off = cc_const(c, t, sizeof(t), 8);
		if (off < 0)
			return (int)off;
		p.table_offset = (uint32_t)off;
		return cc_op(c, opc, &in, 1, out, &p, sizeof(p));
	}
}

static int c_softmax(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_softmax_params p = { 0 };
	int32_t in = op->in[0], out = op->out[0];
	uint32_t tab[256], d;
	float scale;
	int64_t off;

	if (need_q(c, op, in) || need_q(c, op, out))
		return -EOPNOTSUPP;
	if (!same_shape(T(c, in), T(c, out)))
		return unsupported(c, op, "input and output shapes differ");
	/* PopulateSoftmaxLookupTable: expf(-s_in * beta * d), scale in float. */
	scale = -scale_of(c, in) * (op->o.beta != 0.0f ? op->o.beta : 1.0f);
	for (d = 0; d < 256; d++)
		tab[d] = fbits((float)exp((double)(scale * (float)d)));
	off = cc_const(c, tab, sizeof(tab), 8);
	if (off < 0)
		return (int)off;
	p.table_offset = (uint32_t)off;
	p.out_scale = fbits(scale_of(c, out));
	return cc_op(c, EDGEAI_OP_SOFTMAX, &in, 1, out, &p, sizeof(p));
}

static int same_q(struct cc *c, int32_t a, int32_t b)
{
	return scale_of(c, a) == scale_of(c, b) && zp_of(c, a) == zp_of(c, b) &&
	       T(c, a)->type == T(c, b)->type;
}

/* Program dims of @t's tensor set by the op (byte size unchanged). */
static int fix_dims(struct cc *c, int32_t t, const uint32_t d[4])
{
	int r = cc_tensor(c, t);

	if (r < 0)
		return r;
	memcpy(c->t[r].dims, d, sizeof(c->t[r].dims));
	return 0;
}

static int is_graph_io(const struct edgeai_model *m, int32_t t)
{
	uint32_t k;

	for (k = 0; k < m->n_in; k++)
		if (m->in[k] == t)
			return 1;
	for (k = 0; k < m->n_out; k++)
		if (m->out[k] == t)
			return 1;
	return 0;
}

/*
 * DEPTH_TO_SPACE and SPACE_TO_DEPTH between two other ops, lowered to
 * RESHAPE, TRANSPOSE, RESHAPE: the same bytes in the same places, by data
 * movement the NPU takes (firmware/README.md; the NPU's op set has TRANSPOSE
 * but not these two, which only the DSP takes). Left as one op, each would
 * cut an NPU run into three device jobs (NPU, DSP, NPU); lowered, the run
 * stays one job, for two more copies of the tensor. At the graph's edge
 * (its input a graph input, or its output a graph output) the op stays
 * one op: it costs at most one more job there.
 *
 * With block b, DEPTH_TO_SPACE's input [N, H, W, b * b * C] is the array
 * [N * H, W, b, b * C] (row h, column w, the block row i, then the block
 * column j and the channel c); its output [N, H * b, W * b, C] is that
 * array with the axes W and b swapped, [N * H, b, W, b * C]: out[n, h * b
 * + i, w * b + j, c] = in[n, h, w, (i * b + j) * C + c]. SPACE_TO_DEPTH is
 * the inverse: its input [N, H * b, W * b, C] is [N * H, b, W, b * C],
 * transposed to [N * H, W, b, b * C], which is its output [N, H, W,
 * b * b * C].
 */
static int c_block_lowered(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]);
	struct edgeai_prog_transpose_params p = { .perm = { 0, 2, 1, 3 } };
	uint32_t d[4], e[4], v[4], w[4], b = (uint32_t)op->o.block_size, pin;
	uint64_t rows;
	int in, out, t0, t1, r;

	/* Anything but a well-formed op stays one op, for the validator to judge. */
	if (b > EDGEAI_PROG_MAX_DIM || dims4(c, it, d) || dims4(c, T(c, op->out[0]), e))
		return -EOPNOTSUPP;
	if (op->code == TFL_OP_DEPTH_TO_SPACE) {
		if (d[3] % ((uint64_t)b * b) || e[0] != d[0] || (uint64_t)e[1] != (uint64_t)d[1] * b ||
		    (uint64_t)e[2] != (uint64_t)d[2] * b || e[3] != d[3] / ((uint64_t)b * b))
			return -EOPNOTSUPP;
		/* [N * H, W, b, b * C] */
		rows = (uint64_t)d[0] * d[1];
		v[1] = d[2];
		v[2] = b;
		v[3] = d[3] / b;
	} else {
		if (d[1] % b || d[2] % b || e[0] != d[0] || e[1] != d[1] / b ||
		    e[2] != d[2] / b || (uint64_t)e[3] != (uint64_t)d[3] * b * b)
			return -EOPNOTSUPP;
		/* [N * H / b, b, W / b, b * C] */
		rows = (uint64_t)d[0] * (d[1] / b);
		v[1] = b;
		v[2] = d[2] / b;
		v[3] = e[3] / b;
	}
	if (rows > EDGEAI_PROG_MAX_DIM)
		return -EOPNOTSUPP;
	v[0] = (uint32_t)rows;
	w[0] = v[0];
	w[1] = v[2];
	w[2] = v[1];
	w[3] = v[3];
	r = cc_in_out(c, op, &in, &out);
	if (r)
		return r;
	t0 = cc_temp(c, (uint32_t)in, v);
	if (t0 < 0)
		return t0;
	t1 = cc_temp(c, (uint32_t)in, w);
	if (t1 < 0)
		return t1;
	pin = (uint32_t)in;
	r = cc_op_pt(c, EDGEAI_OP_RESHAPE, &pin, 1, (uint32_t)t0, NULL, 0);
	pin = (uint32_t)t0;
	if (!r)
		r = cc_op_pt(c, EDGEAI_OP_TRANSPOSE, &pin, 1, (uint32_t)t1, &p, sizeof(p));
	pin = (uint32_t)t1;
	if (!r)
		r = cc_op_pt(c, EDGEAI_OP_RESHAPE, &pin, 1, (uint32_t)out, NULL, 0);
	return r;
}

/*
 * Program tensor @from seen as @view and transposed by @perm, into @dst if
 * it is not negative and has the result's dims, else into a new temporary.
 * @from is copied into a temporary of dims @view first (a RESHAPE) unless
 * it has them. Returns the tensor holding the result: @from itself when
 * the permutation moves no axis longer than 1 (the bytes are in that
 * order already; the caller's next view takes them as they are).
 */
static int view_transpose(struct cc *c, uint32_t from, const uint32_t view[4],
			  const uint32_t perm[4], int dst)
{
	struct edgeai_prog_transpose_params p = { 0 };
	uint32_t d[4], k, last = 0;
	int moved = 0, t, r;

	for (k = 0; k < 4; k++) {
		d[k] = view[perm[k]];
		p.perm[k] = perm[k];
		if (view[perm[k]] > 1) {
			moved |= perm[k] < last;
			last = perm[k];
		}
	}
	if (!moved)
		return (int)from;
	if (memcmp(c->t[from].dims, view, sizeof(d))) {
		t = cc_temp(c, from, view);
		if (t < 0)
			return t;
		r = cc_op_pt(c, EDGEAI_OP_RESHAPE, &from, 1, (uint32_t)t, NULL, 0);
		if (r)
			return r;
		from = (uint32_t)t;
	}
	t = dst >= 0 && !memcmp(c->t[dst].dims, d, sizeof(d)) ? dst : cc_temp(c, from, d);
	if (t < 0)
		return t;
	r = cc_op_pt(c, EDGEAI_OP_TRANSPOSE, &from, 1, (uint32_t)t, &p, sizeof(p));
	return r ? r : t;
}

/*
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND, lowered to the PAD, TRANSPOSE,
 * STRIDED_SLICE and RESHAPE every device and kernel set runs: plain copies
 * of stored values, as TFLite's kernels are (input and output share their
 * quantization), so the bytes are TFLite's by construction.
 *
 * A 4-D tensor is [N, H, W, C] with a block of bh x bw pixels; a 3-D one
 * [N, H, C] is TFLite's [N, H, 1, C] with bw = 1. SpaceToBatchND pads the
 * input to [N, H2 * bh, W2 * bw, C] with the output zero point and gives
 * output batch (i * bw + j) * N + n the pixels (h2 * bh + i, w2 * bw + j)
 * of batch n. The padded input is [N * H2 * bh, W2, bw, C]; transposed to
 * [N * H2 * bh, bw, W2, C] it is [N * H2, bh * bw, W2, C], and transposed
 * to [bh * bw, N * H2, W2, C] it is the output. BatchToSpaceND is the
 * inverse: its input [bh * bw, N * H, W, C] is transposed to
 * [N * H, bh * bw, W, C], which is [N * H * bh, bw, W, C], transposed to
 * [N * H * bh, W, bw, C], which is [N, H * bh, W * bw, C], and cropped by a
 * STRIDED_SLICE. A transpose that moves no axis longer than 1 is left out.
 */
static int c_space_batch(struct cc *c, const struct model_op *op)
{
	static const uint32_t swap01[4] = { 1, 0, 2, 3 }, swap12[4] = { 0, 2, 1, 3 };
	const struct model_tensor *it = T(c, op->in[0]), *ot = T(c, op->out[0]);
	int s2b = op->code == TFL_OP_SPACE_TO_BATCH_ND;
	uint32_t d[4], e[4], o[4], v[4], nb, np, k, blk[2] = { 1, 1 }, pad[4] = { 0 };
	int32_t b[2], pv[4];
	uint64_t x, rows;
	int in, out, cur, r;

	if ((it->rank != 3 && it->rank != 4) || ot->rank != it->rank)
		return unsupported(c, op, "3-D or 4-D tensors only, the output of the input's rank");
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	if (op->n_in < 3)
		return unsupported(c, op, "needs a block shape and paddings or crops");
	r = const_ints(c, op->in[1], b, 2, &nb);
	if (!r)
		r = const_ints(c, op->in[2], pv, 4, &np);
	if (r)
		return unsupported(c, op, "the block shape and the paddings or crops must be "
				   "constants");
	if (nb != it->rank - 2 || np != 2 * nb)
		return unsupported(c, op, "a block shape or paddings that do not match the "
				   "spatial axes");
	for (k = 0; k < nb; k++) {
		if (b[k] < 1 || b[k] > (int32_t)EDGEAI_PROG_MAX_DIM || pv[2 * k] < 0 ||
		    pv[2 * k + 1] < 0)
			return unsupported(c, op, "a block below 1 or a negative padding or crop");
		blk[k] = (uint32_t)b[k];
		pad[2 * k] = (uint32_t)pv[2 * k];
		pad[2 * k + 1] = (uint32_t)pv[2 * k + 1];
	}
	d[0] = (uint32_t)it->shape[0];
	d[1] = (uint32_t)it->shape[1];
	d[2] = it->rank == 4 ? (uint32_t)it->shape[2] : 1;
	d[3] = (uint32_t)it->shape[it->rank - 1];
	/* e: SpaceToBatchND's padded input, BatchToSpaceND's uncropped output */
	if (s2b) {
		e[0] = d[0];
		e[3] = d[3];
		for (k = 0; k < 2; k++) {
			x = (uint64_t)d[1 + k] + pad[2 * k] + pad[2 * k + 1];
			if (x % blk[k] || x > EDGEAI_PROG_MAX_DIM)
				return unsupported(c, op, "a padded spatial axis that is not a "
						   "multiple of its block");
			e[1 + k] = (uint32_t)x;
		}
		x = (uint64_t)d[0] * blk[0] * blk[1];
		o[1] = e[1] / blk[0];
		o[2] = e[2] / blk[1];
		rows = (uint64_t)e[0] * e[1];
	} else {
		if (d[0] % ((uint64_t)blk[0] * blk[1]))
			return unsupported(c, op, "a batch that is not a multiple of the block");
		e[0] = (uint32_t)(d[0] / ((uint64_t)blk[0] * blk[1]));
		x = e[0];
		if ((uint64_t)d[1] * blk[0] > EDGEAI_PROG_MAX_DIM ||
		    (uint64_t)d[2] * blk[1] > EDGEAI_PROG_MAX_DIM)
			return unsupported(c, op, "an output above the program's dimension limit");
		e[1] = d[1] * blk[0];
		e[2] = d[2] * blk[1];
		e[3] = d[3];
		if ((uint64_t)pad[0] + pad[1] >= e[1] || (uint64_t)pad[2] + pad[3] >= e[2])
			return unsupported(c, op, "crops that leave nothing");
		o[1] = e[1] - pad[0] - pad[1];
		o[2] = e[2] - pad[2] - pad[3];
		rows = (uint64_t)d[0] * d[1];
	}
	if (x > EDGEAI_PROG_MAX_DIM)
		return unsupported(c, op, "an output batch above the program's dimension limit");
	o[0] = (uint32_t)x;
	o[3] = d[3];
	if (ot->shape[0] != (int32_t)o[0] || ot->shape[1] != (int32_t)o[1] ||
	    ot->shape[ot->rank - 1] != (int32_t)o[3] ||
	    (ot->rank == 4 ? ot->shape[2] != (int32_t)o[2] : o[2] != 1))
		return unsupported(c, op, "the output's shape does not match the block and the "
				   "paddings or crops");
	if (rows > EDGEAI_PROG_MAX_DIM || (uint64_t)blk[0] * blk[1] > EDGEAI_PROG_MAX_DIM)
		return unsupported(c, op, "batches times rows above the program's dimension "
				   "limit");
	in = cc_tensor(c, op->in[0]);
	out = in < 0 ? in : cc_tensor(c, op->out[0]);
	if (out < 0)
		return out;
	cur = in;
	v[3] = d[3];
	if (s2b) {
		struct edgeai_prog_pad_params pp = {
			.before = { 0, pad[0], pad[2], 0 }, .after = { 0, pad[1], pad[3], 0 },
		};

		if (pad[0] || pad[1] || pad[2] || pad[3]) {
			/* a 3-D input's program dims are [1, N, H, C]: seen as [N, H, 1, C] */
			if (memcmp(c->t[in].dims, d, sizeof(d))) {
				cur = cc_temp(c, (uint32_t)in, d);
				if (cur < 0)
					return cur;
				r = cc_op_pt(c, EDGEAI_OP_RESHAPE, (uint32_t[1]){ (uint32_t)in }, 1,
					     (uint32_t)cur, NULL, 0);
				if (r)
					return r;
			}
			r = cc_temp(c, (uint32_t)in, e);
			if (r < 0)
				return r;
			k = (uint32_t)r;
			r = cc_op_pt(c, EDGEAI_OP_PAD, (uint32_t[1]){ (uint32_t)cur }, 1, k, &pp,
				     sizeof(pp));
			if (r)
				return r;
			cur = (int)k;
		}
		v[0] = e[0] * e[1];
		v[1] = o[2];
		v[2] = blk[1];
		cur = view_transpose(c, (uint32_t)cur, v, swap12, -1);
		if (cur < 0)
			return cur;
		v[0] = e[0] * o[1];
		v[1] = blk[0] * blk[1];
		v[2] = o[2];
		cur = view_transpose(c, (uint32_t)cur, v, swap01, out);
	} else {
		int crop = pad[0] || pad[1] || pad[2] || pad[3];
		struct edgeai_prog_slice_params sp = {
			.begin = { 0, pad[0], pad[2], 0 }, .stride = { 1, 1, 1, 1 },
		};

		v[0] = blk[0] * blk[1];
		v[1] = e[0] * d[1];
		v[2] = d[2];
		cur = view_transpose(c, (uint32_t)cur, v, swap01, -1);
		if (cur < 0)
			return cur;
		v[0] = e[0] * d[1] * blk[0];
		v[1] = blk[1];
		cur = view_transpose(c, (uint32_t)cur, v, swap12, crop ? -1 : out);
		if (cur >= 0 && crop) {
			/* the uncropped output seen as [N, H * bh, W * bw, C], sliced */
			if (memcmp(c->t[cur].dims, e, sizeof(e))) {
				r = cc_temp(c, (uint32_t)cur, e);
				if (r < 0)
					return r;
				k = (uint32_t)r;
				r = cc_op_pt(c, EDGEAI_OP_RESHAPE, (uint32_t[1]){ (uint32_t)cur },
					     1, k, NULL, 0);
				if (r)
					return r;
				cur = (int)k;
			}
			r = memcmp(c->t[out].dims, o, sizeof(o)) ? cc_temp(c, (uint32_t)cur, o) :
			    out;
			if (r < 0)
				return r;
			k = (uint32_t)r;
			r = cc_op_pt(c, EDGEAI_OP_STRIDED_SLICE, (uint32_t[1]){ (uint32_t)cur },
				     1, k, &sp, sizeof(sp));
			cur = r ? r : (int)k;
		}
	}
	if (cur < 0 || cur == out)
		return cur < 0 ? cur : 0;
	return cc_op_pt(c, EDGEAI_OP_RESHAPE, (uint32_t[1]){ (uint32_t)cur }, 1, (uint32_t)out,
			NULL, 0);
}

/* --- ops lowered to data movement ------------------------------------------ */

/*
 * SLICE, SPLIT, SPLIT_V, UNPACK, PACK and PADV2 move bytes the program's
 * STRIDED_SLICE, CONCATENATION, PAD and RESHAPE already move: the compiler
 * lowers them to those, so every device and kernel set that runs the four
 * runs these, and TFLite's kernels (plain copies, no requantization) are
 * matched byte for byte by construction.
 */

/* The most outputs (SPLIT, SPLIT_V, UNPACK) or inputs (PACK) lowered. */
#define MAX_LOWERED 64

/* @a, a possibly negative axis of a rank-@rank tensor, into 0..rank-1 (-1: out of range). */
static int32_t norm_axis(int32_t a, uint32_t rank)
{
	if (a < 0)
		a += (int32_t)rank;
	return a >= 0 && (uint32_t)a < rank ? a : -1;
}

/* The one int32/int64 value of constant @i (an axis), or an error. */
static int const_int1(struct cc *c, const struct model_op *op, int32_t i, int32_t *v)
{
	uint32_t n;
	int r = const_ints(c, i, v, 1, &n);

	if (r)
		return r;
	return n == 1 ? 0 : unsupported(c, op, "the axis is not one value");
}

/*
 * Program tensor for model tensor @t with dims @d: the tensor itself when
 * its dims are @d, else a temporary of dims @d. *@via tells which: the
 * caller moves the bytes between the two with a RESHAPE (same byte size).
 */
static int dims_view(struct cc *c, int32_t t, const uint32_t d[4], int *via)
{
	int p = cc_tensor(c, t);

	*via = 0;
	if (p < 0 || !memcmp(c->t[p].dims, d, sizeof(c->t[p].dims)))
		return p;
	*via = 1;
	return cc_temp(c, (uint32_t)p, d);
}

/* RESHAPE program tensor @from into @to when dims_view() made a view. */
static int reshape_pt(struct cc *c, int via, uint32_t from, uint32_t to)
{
	return via ? cc_op_pt(c, EDGEAI_OP_RESHAPE, &from, 1, to, NULL, 0) : 0;
}

/*
 * Model tensor @t, an op's input, in a program tensor of dims @d: itself
 * when its dims are @d, else a temporary RESHAPEd from it.
 */
static int view_in(struct cc *c, int32_t t, const uint32_t d[4])
{
	int v, via, r;

	v = dims_view(c, t, d, &via);
	if (v < 0)
		return v;
	r = reshape_pt(c, via, (uint32_t)cc_tensor(c, t), (uint32_t)v);
	return r ? r : v;
}

/*
 * STRIDED_SLICE @p of program tensor @in into model tensor @out, written
 * with the slice's dims @d (a shrunk axis kept as a 1 in its place) and
 * RESHAPEd into the output's own when they differ.
 */
static int slice_into(struct cc *c, uint32_t in, const struct edgeai_prog_slice_params *p,
		      const uint32_t d[4], int32_t out)
{
	int o, via, r;

	o = dims_view(c, out, d, &via);
	if (o < 0)
		return o;
	r = cc_op_pt(c, EDGEAI_OP_STRIDED_SLICE, &in, 1, (uint32_t)o, p, sizeof(*p));
	return r ? r : reshape_pt(c, via, (uint32_t)o, (uint32_t)cc_tensor(c, out));
}

/*
 * @in[@begin .. @begin + @len) along 4-D axis @ax into model tensor @out,
 * other axes whole (SLICE, SPLIT, SPLIT_V, UNPACK).
 */
static int slice_along(struct cc *c, const struct model_op *op, uint32_t in, const uint32_t *b4,
		       const uint32_t *len4, int32_t out)
{
	struct edgeai_prog_slice_params p = { 0 };
	uint64_t n = 1, m;
	uint32_t k;

	for (k = 0; k < 4; k++) {
		p.begin[k] = b4[k];
		p.stride[k] = 1;
		n *= len4[k];
	}
	if (model_tensor_elems(T(c, out), &m) || m != n)
		return unsupported(c, op, "an output's shape does not match the slice");
	return slice_into(c, in, &p, len4, out);
}

/* SLICE (begin, size; size -1: to the end), SPLIT, SPLIT_V, UNPACK. */
static int c_slices(struct cc *c, const struct model_op *op)
{
	int32_t src, axis = 0, v[16], sizes[MAX_LOWERED];
	const struct model_tensor *it;
	uint32_t d[4], b4[4], l4[4], n = 0, k, off, nsz = 0, at = 0;
	int in, r;

	src = op->code == TFL_OP_SPLIT ? (op->n_in > 1 ? op->in[1] : -1) : op->in[0];
	if (src < 0)
		return unsupported(c, op, "no input tensor");
	it = T(c, src);
	if (dims4(c, it, d))
		return -EOPNOTSUPP;
	if (it->rank < 1 || it->rank > 4)
		return unsupported(c, op, "a scalar input, or rank above 4");
	off = 4 - it->rank;
	for (k = 0; k < op->n_out; k++)
		if (op->out[k] < 0 || !same_q(c, src, op->out[k]))
			return unsupported(c, op, "input and output quantization differ");
	in = cc_tensor(c, src);
	if (in < 0)
		return in;
	memset(b4, 0, sizeof(b4));
	memcpy(l4, d, sizeof(l4));
	if (op->code == TFL_OP_SLICE) {
		int32_t s[4];
		uint32_t ns;

		if (op->n_in < 3 || const_ints(c, op->in[1], v, 4, &n) ||
		    const_ints(c, op->in[2], s, 4, &ns))
			return -EOPNOTSUPP;
		if (n != it->rank || ns != it->rank)
			return unsupported(c, op, "begin and size do not match the rank");
		for (k = 0; k < it->rank; k++) {
			int32_t D = it->shape[k];

			if (s[k] == -1)
				s[k] = D - v[k];
			if (v[k] < 0 || v[k] >= D || s[k] < 1 || s[k] > D - v[k])
				return unsupported(c, op, "begin or size outside the input");
			b4[off + k] = (uint32_t)v[k];
			l4[off + k] = (uint32_t)s[k];
		}
		return slice_along(c, op, (uint32_t)in, b4, l4, op->out[0]);
	}
	if (op->code == TFL_OP_UNPACK) {
		axis = op->o.axis;
	} else {
		r = const_int1(c, op, op->in[op->code == TFL_OP_SPLIT ? 0 : 2], &axis);
		if (r)
			return r;
	}
	axis = norm_axis(axis, it->rank);
	if (axis < 0)
		return unsupported(c, op, "axis out of range");
	if (op->n_out > ARRAY_SIZE(sizes))
		return unsupported(c, op, "more than 64 outputs");
	if (op->code == TFL_OP_SPLIT_V) {
		int64_t sum = 0;
		int hole = -1;

		if (op->n_in < 3 || const_ints(c, op->in[1], sizes, ARRAY_SIZE(sizes), &nsz))
			return -EOPNOTSUPP;
		if (nsz != op->n_out)
			return unsupported(c, op, "size_splits does not match the outputs");
		for (k = 0; k < nsz; k++) {
			if (sizes[k] == -1 && hole < 0)
				hole = (int)k;
			else if (sizes[k] < 0)
				return unsupported(c, op, "a negative split size");
			else
				sum += sizes[k];
		}
		if (hole >= 0)
			sizes[hole] = (int32_t)(it->shape[axis] - sum);
		if ((hole >= 0 && sizes[hole] < 0) || (hole < 0 && sum != it->shape[axis]))
			return unsupported(c, op, "the split sizes do not add up to the axis");
	} else {
		uint32_t parts = op->n_out;

		if (op->code == TFL_OP_UNPACK && (uint32_t)it->shape[axis] != parts)
			return unsupported(c, op, "the outputs do not match the axis");
		if ((uint32_t)it->shape[axis] % parts)
			return unsupported(c, op, "the axis does not split evenly");
		for (k = 0; k < parts; k++)
			sizes[k] = (int32_t)((uint32_t)it->shape[axis] / parts);
	}
	for (k = 0; k < op->n_out; k++) {
		b4[off + (uint32_t)axis] = at;
		l4[off + (uint32_t)axis] = (uint32_t)sizes[k];
		at += (uint32_t)sizes[k];
		if (!sizes[k])
			return unsupported(c, op, "an empty output");
		r = slice_along(c, op, (uint32_t)in, b4, l4, op->out[k]);
		if (r)
			return r;
	}
	return 0;
}

/*
 * CONCATENATION of program tensors @ins[0..@n) along 4-D axis @axis into
 * @out; more inputs than a program op takes go in groups, each group's
 * result the first input of the next.
 */
static int concat_pt(struct cc *c, const struct model_op *op, const uint32_t *ins, uint32_t n,
		     uint32_t axis, uint32_t out)
{
	struct edgeai_prog_concat_params p = { .axis = axis };
	uint32_t pin[EDGEAI_PROG_MAX_INPUTS], k = 0, m = 0, j, d[4];
	uint64_t sum = 0;
	int t, r;

	for (k = 0; k < n; k++) {
		for (j = 0; j < 4; j++)
			if (j != axis && c->t[ins[k]].dims[j] != c->t[out].dims[j])
				break;
		sum += c->t[ins[k]].dims[axis];
		if (j < 4 || c->t[ins[k]].dtype != c->t[out].dtype)
			break;
	}
	if (k < n || sum != c->t[out].dims[axis])
		return unsupported(c, op, "the inputs' shapes do not make the output's");
	for (k = 0;;) {
		while (m < EDGEAI_PROG_MAX_INPUTS && k < n)
			pin[m++] = ins[k++];
		if (k == n)
			return cc_op_pt(c, EDGEAI_OP_CONCATENATION, pin, m, out, &p, sizeof(p));
		memcpy(d, c->t[pin[0]].dims, sizeof(d));
		for (d[axis] = 0, j = 0; j < m; j++)
			d[axis] += c->t[pin[j]].dims[axis];
		t = cc_temp(c, out, d);
		if (t < 0)
			return t;
		r = cc_op_pt(c, EDGEAI_OP_CONCATENATION, pin, m, (uint32_t)t, &p, sizeof(p));
		if (r)
			return r;
		pin[0] = (uint32_t)t;
		m = 1;
	}
}

/*
 * TILE by constant multiples and BROADCAST_TO a constant shape (the
 * input's axes of 1 repeated, a lower rank right-aligned): TFLite's kernels
 * copy stored values (equal quantization). H and W repeat together in one
 * RESIZE_NEAREST_NEIGHBOR whose row and column maps wrap around the input
 * (k % H, k % W): one pass over the output, however large the multiples.
 * N and C repeat by CONCATENATION: a multiple up to the op's eight inputs
 * is one CONCATENATION of that many copies; a larger one doubles the
 * tensor while the next doubling stays within the multiple, then
 * concatenates the doublings its binary digits name (13: 1 + 4 + 8
 * copies), about log2(m) copies of the growing tensor, not m.
 */
static int tile_hw(struct cc *c, uint32_t from, uint32_t to)
{
	struct edgeai_prog_resize_params p = { 0 };
	const uint32_t *d = c->t[from].dims, *od = c->t[to].dims;
	uint32_t *map, k;
	int64_t y, x;

	y = cc_const(c, NULL, 4 * (size_t)od[1], 8);
	x = y < 0 ? y : cc_const(c, NULL, 4 * (size_t)od[2], 8);
	if (y < 0 || x < 0)
		return -ENOMEM;
	map = cc_kptr(c, y);
	for (k = 0; k < od[1]; k++)
		map[k] = k % d[1];
	map = cc_kptr(c, x);
	for (k = 0; k < od[2]; k++)
		map[k] = k % d[2];
	p.y_map_offset = (uint32_t)y;
	p.x_map_offset = (uint32_t)x;
	return cc_op_pt(c, EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR, &from, 1, to, &p, sizeof(p));
}

/*
 * The doublings of @from along @a that make multiple @m (> 8) when
 * concatenated: into @ins, *@np of them (1: @m is a power of two).
 */
static int tile_doublings(struct cc *c, const struct model_op *op, uint32_t from, uint32_t a,
			  uint32_t m, uint32_t *ins, uint32_t *np)
{
	uint32_t p = from, have, pd[4];
	int t, r;

	for (have = 1, *np = 0;; have *= 2) {
		if (m & have)
			ins[(*np)++] = p;
		if ((uint64_t)have * 2 > m)
			return 0;
		memcpy(pd, c->t[p].dims, sizeof(pd));
		pd[a] *= 2;
		t = cc_temp(c, from, pd);
		if (t < 0)
			return t;
		r = concat_pt(c, op, (uint32_t[2]){ p, p }, 2, a, (uint32_t)t);
		if (r)
			return r;
		p = (uint32_t)t;
	}
}

static int c_tile(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]), *ot = T(c, op->out[0]);
	uint32_t d[4], o[4], mul[4], ins[18], pd[4], n, k, a, last = 4, np;
	int tile = op->code == TFL_OP_TILE;
	int32_t v[4];
	int cur, out, r;

	if (it->rank > 4 || ot->rank > 4)
		return unsupported(c, op, "rank above 4");
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	if (op->n_in < 2 || const_ints(c, op->in[1], v, 4, &n))
		return unsupported(c, op, tile ? "the multiples must be a constant" :
				   "the shape must be a constant");
	r = dims4(c, it, d);
	if (!r)
		r = dims4(c, ot, o);
	if (r)
		return r;
	if (n != (tile ? it->rank : ot->rank) || (!tile && n < it->rank))
		return unsupported(c, op, tile ? "multiples that do not match the rank" :
				   "a shape of a rank other than the output's, or below the input's");
	for (a = 0; a < 4; a++) {
		int32_t x = a < 4 - n ? 1 : v[a - (4 - n)];

		if (x < 1)
			return unsupported(c, op, tile ? "a multiple below 1" : "a size below 1");
		if (!tile && d[a] != (uint32_t)x && d[a] != 1)
			return unsupported(c, op, "an axis of the input neither 1 nor the shape's");
		mul[a] = tile ? (uint32_t)x : (uint32_t)x / d[a];
		if ((uint64_t)d[a] * mul[a] != o[a])
			return unsupported(c, op, "the output's shape does not match");
		if (mul[a] > 1)
			last = a;
	}
	cur = cc_tensor(c, op->in[0]);
	out = cur < 0 ? cur : cc_tensor(c, op->out[0]);
	if (out < 0)
		return out;
	for (a = 0; a < 4; a++) {
		if (mul[a] < 2)
			continue;
		if (a == 1 || a == 2) {
			memcpy(pd, c->t[cur].dims, sizeof(pd));
			pd[1] *= mul[1];
			pd[2] *= mul[2];
			r = last <= 2 && !memcmp(c->t[out].dims, pd, sizeof(pd)) ? out :
			    cc_temp(c, (uint32_t)cur, pd);
			if (r < 0)
				return r;
			k = (uint32_t)r;
			r = tile_hw(c, (uint32_t)cur, k);
			if (r)
				return r;
			cur = (int)k;
			a = 2;	/* W is done too */
			continue;
		}
		if (mul[a] <= EDGEAI_PROG_MAX_INPUTS) {
			for (np = 0; np < mul[a]; np++)
				ins[np] = (uint32_t)cur;
		} else {
			r = tile_doublings(c, op, (uint32_t)cur, a, mul[a], ins, &np);
			if (r)
				return r;
			if (np == 1) {
				/* a power of two: the last doubling is the tiled tensor */
				cur = (int)ins[0];
				continue;
			}
		}
		memcpy(pd, c->t[cur].dims, sizeof(pd));
		pd[a] *= mul[a];
		r = a == last && !memcmp(c->t[out].dims, pd, sizeof(pd)) ? out :
		    cc_temp(c, (uint32_t)cur, pd);
		if (r < 0)
			return r;
		k = (uint32_t)r;
		r = concat_pt(c, op, ins, np, a, k);
		if (r)
			return r;
		cur = (int)k;
	}
	if (cur == out)
		return 0;
	return cc_op_pt(c, EDGEAI_OP_RESHAPE, (uint32_t[1]){ (uint32_t)cur }, 1, (uint32_t)out,
			NULL, 0);
}

/*
 * GATHER of an 8-bit tensor by constant indices along one axis (batch_dims
 * 0): TFLite copies the indexed rows. Indices that step by 1 or -1 all the
 * way are one STRIDED_SLICE (stride 1 or -1). Any other list is one
 * RESIZE_NEAREST_NEIGHBOR of the input seen as [1, outer, D, inner] (D the
 * axis) whose column map is the indices and whose row map the identity:
 * the kernels copy each run of consecutive indices in one piece. The
 * output is the input's dims with the axis' size the indices' count, the
 * model's shape through a RESHAPE where its dims differ.
 */
static int gather_map(struct cc *c, const struct model_op *op, int in, uint32_t a4,
		      const int32_t *idx, uint32_t n)
{
	struct edgeai_prog_resize_params p = { 0 };
	uint64_t outer = 1, inner = 1;
	uint32_t v[4], w[4], k, *map;
	int vin, vout, via, t;
	int64_t y, x;

	for (k = 0; k < 4; k++)
		if (k != a4)
			*(k < a4 ? &outer : &inner) *= c->t[in].dims[k];
	if (outer > EDGEAI_PROG_MAX_DIM || inner > EDGEAI_PROG_MAX_DIM)
		return unsupported(c, op, "the axes before or after the gathered one hold "
				   "more than 65536 elements");
	v[0] = 1;
	v[1] = (uint32_t)outer;
	v[2] = c->t[in].dims[a4];
	v[3] = (uint32_t)inner;
	memcpy(w, v, sizeof(w));
	w[2] = n;
	vin = view_in(c, op->in[0], v);
	if (vin < 0)
		return vin;
	vout = dims_view(c, op->out[0], w, &via);
	if (vout < 0)
		return vout;
	y = cc_const(c, NULL, 4 * (size_t)v[1], 8);
	x = y < 0 ? y : cc_const(c, NULL, 4 * (size_t)n, 8);
	if (y < 0 || x < 0)
		return -ENOMEM;
	map = cc_kptr(c, y);
	for (k = 0; k < v[1]; k++)
		map[k] = k;
	map = cc_kptr(c, x);
	for (k = 0; k < n; k++)
		map[k] = (uint32_t)idx[k];
	p.y_map_offset = (uint32_t)y;
	p.x_map_offset = (uint32_t)x;
	t = cc_op_pt(c, EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR, (uint32_t[1]){ (uint32_t)vin }, 1,
		     (uint32_t)vout, &p, sizeof(p));
	return t ? t : reshape_pt(c, via, (uint32_t)vout, (uint32_t)cc_tensor(c, op->out[0]));
}

static int c_gather(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]), *xt;
	struct edgeai_prog_slice_params sp = { 0 };
	int32_t *idx = NULL, axis, step = 1;
	uint32_t n = 0, k, a4, view[4];
	uint64_t cnt;
	int in, r;

	if (op->n_in < 2 || it->rank < 1 || it->rank > 4)
		return unsupported(c, op, "needs an input of rank 1 to 4 and indices");
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	if (op->o.batch_dims)
		return unsupported(c, op, "batch_dims other than 0");
	xt = T(c, op->in[1]);
	if (model_tensor_elems(xt, &cnt) || cnt > EDGEAI_PROG_MAX_DIM || !cnt)
		return unsupported(c, op, "more than 65536 indices, or none");
	axis = norm_axis(op->o.axis, it->rank);
	if (axis < 0)
		return unsupported(c, op, "axis out of range");
	a4 = (uint32_t)axis + 4 - it->rank;
	in = cc_tensor(c, op->in[0]);
	if (in < 0)
		return in;
	memcpy(view, c->t[in].dims, sizeof(view));
	view[a4] = (uint32_t)cnt;
	if (model_tensor_elems(T(c, op->out[0]), &cnt) ||
	    cnt != (uint64_t)view[0] * view[1] * view[2] * view[3])
		return unsupported(c, op, "the output's shape is not the input's with the indices");
	idx = malloc(sizeof(*idx) * view[a4]);
	if (!idx)
		return -ENOMEM;
	r = const_ints(c, op->in[1], idx, view[a4], &n);
	for (k = 0; !r && k < n; k++)
		if (idx[k] < 0 || idx[k] >= it->shape[axis])
			r = unsupported(c, op, "an index outside the axis");
	if (r)
		goto out;
	if (n > 1)
		step = idx[1] - idx[0];
	for (k = 1; k < n && (step == 1 || step == -1); k++)
		if (idx[k] - idx[k - 1] != step)
			step = 0;
	if (step != 1 && step != -1) {
		r = gather_map(c, op, in, a4, idx, n);
		goto out;
	}
	for (k = 0; k < 4; k++)
		sp.stride[k] = 1;
	sp.stride[a4] = step;
	sp.begin[a4] = (uint32_t)idx[0];
	r = slice_into(c, (uint32_t)in, &sp, view, op->out[0]);
out:
	free(idx);
	return r;
}

/*
 * REVERSE_V2 by constant axes: TFLite copies the bytes with each named
 * axis read backwards. That is one STRIDED_SLICE whose stride is -1 on
 * those axes, from their last index.
 */
static int c_reverse(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]);
	struct edgeai_prog_slice_params sp = { 0 };
	int32_t axes[4];
	uint32_t n = 0, k, a4;
	int in, out, r;

	if (op->n_in < 2 || it->rank < 1 || it->rank > 4)
		return unsupported(c, op, "needs an input of rank 1 to 4 and axes");
	if (!same_shape(it, T(c, op->out[0])))
		return unsupported(c, op, "the output's shape is not the input's");
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	r = const_ints(c, op->in[1], axes, ARRAY_SIZE(axes), &n);
	if (r)
		return r;
	r = cc_in_out(c, op, &in, &out);
	if (r)
		return r;
	for (k = 0; k < 4; k++)
		sp.stride[k] = 1;
	for (k = 0; k < n; k++) {
		int32_t axis = norm_axis(axes[k], it->rank);

		if (axis < 0)
			return unsupported(c, op, "axis out of range");
		/* TFLite 2.9 reverses the first axis only (it logs that it takes one) */
		if (k && axis != norm_axis(axes[0], it->rank) && it->shape[axis] > 1)
			return unsupported(c, op, "more than one axis (TFLite 2.9 reverses only "
					   "the first)");
		a4 = (uint32_t)axis + 4 - it->rank;
		sp.stride[a4] = -1;
		sp.begin[a4] = c->t[in].dims[a4] - 1;
	}
	return cc_op_pt(c, EDGEAI_OP_STRIDED_SLICE, (uint32_t *)&in, 1, (uint32_t)out, &sp,
			sizeof(sp));
}

/* PACK: each input viewed with a 1 at the axis, concatenated there. */
static int c_pack(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]), *ot = T(c, op->out[0]);
	uint32_t ins[MAX_LOWERED], view[4], k, j;
	int32_t axis;
	int out, p;

	if (ot->rank > 4 || ot->rank != it->rank + 1)
		return unsupported(c, op, "the output is not one rank above the inputs, at most 4");
	axis = norm_axis(op->o.axis, ot->rank);
	if (axis < 0)
		return unsupported(c, op, "axis out of range");
	if (op->n_in > MAX_LOWERED)
		return unsupported(c, op, "more than 64 inputs");
	for (k = 0; k < 4; k++)
		view[k] = 1;
	for (k = 0, j = 4 - ot->rank; k < ot->rank; k++, j++)
		view[j] = k == (uint32_t)axis ? 1 :
			  (uint32_t)it->shape[k < (uint32_t)axis ? k : k - 1];
	out = cc_tensor(c, op->out[0]);
	if (out < 0)
		return out;
	for (k = 0; k < op->n_in; k++) {
		const struct model_tensor *t = op->in[k] >= 0 ? T(c, op->in[k]) : NULL;

		if (!t || !same_shape(t, it))
			return unsupported(c, op, "inputs of different shapes");
		if (!same_q(c, op->in[k], op->out[0]))
			return unsupported(c, op, "inputs with different quantization");
		p = view_in(c, op->in[k], view);
		if (p < 0)
			return p;
		ins[k] = (uint32_t)p;
	}
	return concat_pt(c, op, ins, op->n_in, (uint32_t)axis + 4 - ot->rank, (uint32_t)out);
}

/* A constant program tensor of @like's type and zero point, dims @d, every byte @v. */
static int fill_const(struct cc *c, uint32_t like, const uint32_t d[4], uint8_t v)
{
	size_t len = (size_t)d[0] * d[1] * d[2] * d[3];
	int64_t off = cc_const(c, NULL, len, 8);
	int t;

	if (off < 0)
		return (int)off;
	memset(cc_kptr(c, off), v, len);
	t = cc_temp(c, like, d);
	if (t < 0)
		return t;
	c->t[t].slot = EDGEAI_PROG_SLOT_CONST;
	c->t[t].offset = (uint64_t)off;
	return t;
}

/*
 * The rows padded before (@before) or after program tensor @cur along 4-D
 * axis @k, @len of them: PADV2's constant rows of @fill, or MIRROR_PAD's
 * rows of @cur itself in reverse (a STRIDED_SLICE of stride -1): REFLECT
 * leaves out the edge row, SYMMETRIC repeats it.
 */
static int pad_piece(struct cc *c, const struct model_op *op, uint32_t cur, uint32_t k,
		     uint32_t len, int before, uint8_t fill)
{
	struct edgeai_prog_slice_params sp = { 0 };
	uint32_t d[4], n = c->t[cur].dims[k], j;
	int sym = op->o.mirror_mode == 1, t, r;

	memcpy(d, c->t[cur].dims, sizeof(d));
	d[k] = len;
	if (op->code != TFL_OP_MIRROR_PAD)
		return fill_const(c, cur, d, fill);
	if (len > n - !sym)
		return unsupported(c, op, "a padding longer than the axis allows (REFLECT: size - 1, "
				   "SYMMETRIC: size)");
	for (j = 0; j < 4; j++)
		sp.stride[j] = 1;
	sp.stride[k] = -1;
	sp.begin[k] = before ? len - sym : n - 2 + sym;
	t = cc_temp(c, cur, d);
	if (t < 0)
		return t;
	r = cc_op_pt(c, EDGEAI_OP_STRIDED_SLICE, &cur, 1, (uint32_t)t, &sp, sizeof(sp));
	return r ? r : t;
}

/*
 * PAD, PADV2 and MIRROR_PAD. TFLite pads 8-bit tensors with the output zero
 * point, or (PADV2) with the constant's stored value, which must have the
 * output's quantization, or (MIRROR_PAD) with the tensor's own rows
 * mirrored. The program's PAD pads with the zero point; the others are a
 * concatenation per padded axis of pad_piece()'s rows before and after
 * (MIRROR_PAD pads the axes one after another, each from the tensor the
 * earlier ones padded: TFLite's index map is separable, so the corners
 * come out the same).
 */
static int c_pad(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]);
	struct edgeai_prog_pad_params p = { 0 };
	uint32_t n, k, off = 4 - it->rank, d[4], ins[3];
	int32_t v[16], fill = zp_of(c, op->out[0]);
	int in, out, cur, r, padded = 0;

	if (it->rank > 4 || T(c, op->out[0])->rank != it->rank)
		return unsupported(c, op, "rank above 4, or the output's differs");
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	r = op->n_in > 1 ? const_ints(c, op->in[1], v, 16, &n) :
	    unsupported(c, op, "no paddings");
	if (r)
		return r;
	if (n != 2 * it->rank)
		return unsupported(c, op, "paddings do not match the rank");
	for (k = 0; k < it->rank; k++) {
		if (v[2 * k] < 0 || v[2 * k + 1] < 0)
			return unsupported(c, op, "negative padding");
		p.before[off + k] = (uint32_t)v[2 * k];
		p.after[off + k] = (uint32_t)v[2 * k + 1];
		padded |= v[2 * k] || v[2 * k + 1];
		if ((int64_t)it->shape[k] + v[2 * k] + v[2 * k + 1] !=
		    T(c, op->out[0])->shape[k])
			return unsupported(c, op, "the output's shape does not match the padding");
	}
	if (op->code == TFL_OP_PADV2 && op->n_in > 2 && op->in[2] >= 0) {
		const struct model_tensor *vt = T(c, op->in[2]);
		uint64_t cnt;

		if (!is_const(c, op->in[2]) || vt->type != it->type ||
		    model_tensor_elems(vt, &cnt) || cnt != 1 || !c->m->buf[vt->buffer].size)
			return unsupported(c, op, "the constant value is not one constant of the "
					   "input's type");
		if (vt->q.n && (scale_of(c, op->in[2]) != scale_of(c, op->out[0]) ||
				zp_of(c, op->in[2]) != zp_of(c, op->out[0])))
			return unsupported(c, op, "the constant value's quantization is not the "
					   "output's");
		fill = it->type == TFL_INT8 ? (int8_t)c->m->buf[vt->buffer].data[0] :
		       c->m->buf[vt->buffer].data[0];
	}
	in = op->in[0];
	if (!padded || (op->code != TFL_OP_MIRROR_PAD && fill == zp_of(c, op->out[0])))
		return cc_op(c, EDGEAI_OP_PAD, &in, 1, op->out[0], &p, sizeof(p));
	cur = cc_tensor(c, in);
	out = cur < 0 ? cur : cc_tensor(c, op->out[0]);
	if (out < 0)
		return out;
	for (k = 0; k < 4; k++) {
		uint32_t m = 0, last = 1, j;

		if (!p.before[k] && !p.after[k])
			continue;
		for (j = k + 1; j < 4; j++)
			last &= !p.before[j] && !p.after[j];
		if (p.before[k]) {
			r = pad_piece(c, op, (uint32_t)cur, k, p.before[k], 1, (uint8_t)fill);
			if (r < 0)
				return r;
			ins[m++] = (uint32_t)r;
		}
		ins[m++] = (uint32_t)cur;
		if (p.after[k]) {
			r = pad_piece(c, op, (uint32_t)cur, k, p.after[k], 0, (uint8_t)fill);
			if (r < 0)
				return r;
			ins[m++] = (uint32_t)r;
		}
		memcpy(d, c->t[cur].dims, sizeof(d));
		d[k] += p.before[k] + p.after[k];
		r = last ? out : cc_temp(c, (uint32_t)out, d);
		if (r < 0)
			return r;
		if (last && memcmp(c->t[out].dims, d, sizeof(d)))
			return unsupported(c, op, "the output's shape does not match the padding");
		cur = r;
		r = concat_pt(c, op, ins, m, k, (uint32_t)cur);
		if (r)
			return r;
	}
	return 0;
}

/*
 * A temporary holding program tensor @pin (model tensor @in) in the
 * quantization of model tensor @out, by a TABLE of table_concat().
 */
static int c_concat_rescale(struct cc *c, const struct model_op *op, int32_t in, int32_t out,
			    uint32_t pin)
{
	struct edgeai_prog_lut_params p = { 0 };
	uint8_t t[256];
	int64_t off;
	int tmp, r;

	if (!(scale_of(c, in) > 0.0f) || !(scale_of(c, out) > 0.0f))
		return unsupported(c, op, "an input or output scale that is not positive");
	table_concat(t, scale_of(c, in), zp_of(c, in), scale_of(c, out), zp_of(c, out));
	off = cc_const(c, t, sizeof(t), 8);
	if (off < 0)
		return (int)off;
	p.table_offset = (uint32_t)off;
	tmp = cc_temp(c, pin, c->t[pin].dims);
	if (tmp < 0)
		return tmp;
	c->t[tmp].zp = zp_of(c, out);
	r = cc_op_pt(c, EDGEAI_OP_TABLE, &pin, 1, (uint32_t)tmp, &p, sizeof(p));
	return r ? r : tmp;
}

/*
 * TRANSPOSE of rank 5 or 6 (a channel shuffle: [N, H, W, g, C/g] with
 * the last two axes swapped; a pixel shuffle): the bytes move as in a
 * TRANSPOSE of fewer axes. Axes of size 1 move nothing; input axes that
 * stay next to each other, in order, move as one. When at most 4 such
 * groups are left, one 4-D TRANSPOSE between views does it.
 */
static int c_transpose_merged(struct cc *c, const struct model_op *op, const int32_t *perm)
{
	const struct model_tensor *it = T(c, op->in[0]);
	uint32_t rank = it->rank, first[MAX_RANK], size[MAX_RANK], ng = 0, seen = 0;
	uint32_t vin[4] = { 1, 1, 1, 1 }, p4[4] = { 0, 1, 2, 3 }, k, g, j;
	int32_t prev = -1;
	int in, out, r;

	for (k = 0; k < rank; k++) {
		int32_t a = perm[k];

		if (a < 0 || (uint32_t)a >= rank || seen & 1u << a)
			return unsupported(c, op, "not a permutation");
		seen |= 1u << a;
		if (it->shape[a] == 1)
			continue;
		/* a continues the group when the input axes between it and prev are all 1 */
		for (j = (uint32_t)prev + 1; prev >= 0 && a > prev && j < (uint32_t)a; j++)
			if (it->shape[j] != 1)
				break;
		if (prev >= 0 && a > prev && j == (uint32_t)a) {
			size[ng - 1] *= (uint32_t)it->shape[a];
		} else {
			if (ng == 4)
				return unsupported(c, op, "a permutation of more than 4 axes "
						   "that move apart");
			first[ng] = (uint32_t)a;
			size[ng++] = (uint32_t)it->shape[a];
		}
		prev = a;
	}
	/* vin: the groups in input order; p4: where output group g is in vin */
	for (g = 0; g < ng; g++) {
		uint32_t pos = 0;

		for (j = 0; j < ng; j++)
			pos += first[j] < first[g];
		vin[4 - ng + pos] = size[g];
		p4[4 - ng + g] = 4 - ng + pos;
	}
	r = cc_in_out(c, op, &in, &out);
	if (r)
		return r;
	r = view_transpose(c, (uint32_t)in, vin, p4, out);
	if (r < 0 || r == out)
		return r < 0 ? r : 0;
	return cc_op_pt(c, EDGEAI_OP_RESHAPE, (uint32_t[1]){ (uint32_t)r }, 1, (uint32_t)out,
			NULL, 0);
}

static int c_shape(struct cc *c, const struct model_op *op)
{
	int32_t in = op->in[0], out = op->out[0], v[16];
	const struct model_tensor *it = T(c, in), *ot = T(c, out);
	uint32_t n = 0, k, off = 4 - it->rank;
	int r;

	/* compile_op() let only RESHAPE, SQUEEZE, EXPAND_DIMS and TRANSPOSE through above rank 4 */
	if (op->code != TFL_OP_CONCATENATION && !same_q(c, in, out))
		return unsupported(c, op, "input and output quantization differ");
	switch (op->code) {
	case TFL_OP_RESHAPE:
	case TFL_OP_SQUEEZE:
	case TFL_OP_EXPAND_DIMS: {
		uint64_t a, b;

		if (model_tensor_elems(it, &a) || model_tensor_elems(ot, &b) || a != b)
			return unsupported(c, op, "input and output element counts differ");
		return cc_op(c, EDGEAI_OP_RESHAPE, &in, 1, out, NULL, 0);
	}
	case TFL_OP_TRANSPOSE: {
		struct edgeai_prog_transpose_params p = { 0 };

		r = const_ints(c, op->in[1], v, MAX_RANK, &n);
		if (r)
			return r;
		if (n != it->rank)
			return unsupported(c, op, "permutation does not match the rank");
		if (it->rank > 4)
			return c_transpose_merged(c, op, v);
		for (k = 0; k < off; k++)
			p.perm[k] = k;
		for (k = 0; k < n; k++)
			p.perm[off + k] = (uint32_t)v[k] + off;
		return cc_op(c, EDGEAI_OP_TRANSPOSE, &in, 1, out, &p, sizeof(p));
	}
	case TFL_OP_CONCATENATION: {
		uint32_t ins[MAX_LOWERED];
		int32_t axis = norm_axis(op->o.axis, ot->rank);

		if (op->n_in > MAX_LOWERED)
			return unsupported(c, op, "more than 64 inputs");
		if (axis < 0)
			return unsupported(c, op, "axis out of range");
		for (k = 0; k < op->n_in; k++) {
			if (op->in[k] < 0)
				return unsupported(c, op, "an input is missing");
			r = cc_tensor(c, op->in[k]);
			if (r < 0)
				return r;
			ins[k] = (uint32_t)r;
			if (same_q(c, op->in[k], out))
				continue;
			/* TFLite rescales uint8 inputs; its int8 kernel refuses them */
			if (it->type != TFL_UINT8 || T(c, op->in[k])->type != TFL_UINT8 ||
			    ot->type != TFL_UINT8)
				return unsupported(c, op, "int8 inputs with another quantization than "
						   "the output's (TFLite rescales only uint8)");
			r = c_concat_rescale(c, op, op->in[k], out, ins[k]);
			if (r < 0)
				return r;
			ins[k] = (uint32_t)r;
		}
		if (act_ok(c, op->o.act) || op->o.act != TFL_ACT_NONE)
			return unsupported(c, op, "fused activation");
		r = cc_tensor(c, out);
		if (r < 0)
			return r;
		return concat_pt(c, op, ins, op->n_in, (uint32_t)axis + 4 - ot->rank, (uint32_t)r);
	}
	case TFL_OP_DEPTH_TO_SPACE:
	case TFL_OP_SPACE_TO_DEPTH: {
		struct edgeai_prog_block_params p = { 0 };

		if (op->o.block_size > 0 && !is_graph_io(c->m, in) && !is_graph_io(c->m, out)) {
			r = c_block_lowered(c, op);
			if (r != -EOPNOTSUPP)
				return r;
		}
		p.block_size = (uint32_t)op->o.block_size;
		return cc_op(c, op->code == TFL_OP_DEPTH_TO_SPACE ? EDGEAI_OP_DEPTH_TO_SPACE :
			     EDGEAI_OP_SPACE_TO_DEPTH, &in, 1, out, &p, sizeof(p));
	}
	case TFL_OP_STRIDED_SLICE: {
		struct edgeai_prog_slice_params p = { 0 };
		int32_t b[4], e[4], s[4];
		uint32_t nb, ne, ns, d[4];
		uint64_t cnt;
		int ip;

		if (const_ints(c, op->in[1], b, 4, &nb) || const_ints(c, op->in[2], e, 4, &ne) ||
		    const_ints(c, op->in[3], s, 4, &ns))
			return -EOPNOTSUPP;
		if (nb != it->rank || ne != it->rank || ns != it->rank || op->o.ellipsis_mask ||
		    op->o.new_axis_mask)
			return unsupported(c, op, "masks or ranks not supported");
		for (k = 0; k < 4; k++) {
			p.begin[k] = 0;
			p.stride[k] = 1;
			d[k] = 1;
		}
		for (k = 0; k < it->rank; k++) {
			int32_t D = it->shape[k], st = s[k], start = b[k], stop = e[k], len;

			if (!st)
				return unsupported(c, op, "zero stride");
			if (op->o.begin_mask & (1 << k)) {
				start = st > 0 ? 0 : D - 1;
			} else {
				if (start < 0)
					start += D;
				start = st > 0 ? clampi(start, 0, D) : clampi(start, -1, D - 1);
			}
			if (op->o.shrink_axis_mask & (1 << k)) {
				stop = start + 1;
				st = 1;
			} else if (op->o.end_mask & (1 << k)) {
				stop = st > 0 ? D : -1;
			} else {
				if (stop < 0)
					stop += D;
				stop = st > 0 ? clampi(stop, 0, D) : clampi(stop, -1, D - 1);
			}
			len = st > 0 ? (stop - start + st - 1) / st : (start - stop - st - 1) / -st;
			if (len < 1)
				return unsupported(c, op, "empty slice");
			p.begin[off + k] = (uint32_t)start;
			p.stride[off + k] = st;
			d[off + k] = (uint32_t)len;
		}
		if (model_tensor_elems(ot, &cnt) || cnt != (uint64_t)d[0] * d[1] * d[2] * d[3])
			return unsupported(c, op, "the output's shape does not match the slice");
		ip = cc_tensor(c, in);
		if (ip < 0)
			return ip;
		return slice_into(c, (uint32_t)ip, &p, d, out);
	}
	case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
	case TFL_OP_RESIZE_BILINEAR: {
		struct edgeai_prog_resize_params p = { 0 };
		int bil = op->code == TFL_OP_RESIZE_BILINEAR;
		int fixed = bil && it->type == TFL_INT8;
		int32_t oh, ow, ih, iw;
		int64_t y, x;

		if (it->rank != 4 || ot->rank != 4)
			return unsupported(c, op, "4-D tensors only");
		if (ot->shape[0] != it->shape[0] || ot->shape[3] != it->shape[3])
			return unsupported(c, op, "the output's batch or channels are not the input's");
		ih = it->shape[1];
		iw = it->shape[2];
		oh = ot->shape[1];
		ow = ot->shape[2];
		if (bil) {
			y = cc_const(c, NULL, sizeof(struct edgeai_prog_interp) * (size_t)oh, 8);
			x = y < 0 ? y : cc_const(c, NULL,
						 sizeof(struct edgeai_prog_interp) * (size_t)ow, 8);
			if (y < 0 || x < 0)
				return -ENOMEM;
			bl_map((struct edgeai_prog_interp *)cc_kptr(c, y), ih, oh, op->o.align_corners,
			       op->o.half_pixel, fixed);
			bl_map((struct edgeai_prog_interp *)cc_kptr(c, x), iw, ow, op->o.align_corners,
			       op->o.half_pixel, fixed);
			p.arith = fixed ? EDGEAI_RESIZE_FIXED10 : EDGEAI_RESIZE_FLOAT32;
		} else {
			y = cc_const(c, NULL, 4 * (size_t)oh, 8);
			x = y < 0 ? y : cc_const(c, NULL, 4 * (size_t)ow, 8);
			if (y < 0 || x < 0)
				return -ENOMEM;
			nn_map((uint32_t *)cc_kptr(c, y), ih, oh, op->o.align_corners,
			       op->o.half_pixel);
			nn_map((uint32_t *)cc_kptr(c, x), iw, ow, op->o.align_corners,
			       op->o.half_pixel);
		}
		p.y_map_offset = (uint32_t)y;
		p.x_map_offset = (uint32_t)x;
		return cc_op(c, bil ? EDGEAI_OP_RESIZE_BILINEAR : EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR,
			     &in, 1, out, &p, sizeof(p));
	}
	default:
		return unsupported(c, op, "not supported");
	}
}

/*
 * TFLite 2.9.0 computes MEAN without keep_dims (and with different input and
 * output quantization) in float (reference_ops::QuantizedMeanOrSum):
 * out = clamp(round((float)sum / (float)n * scale - zp_in * scale) + zp_out)
 * with scale = s_in / s_out in float and sum the sum of the stored values.
 */
/*
 * No integer pipeline reproduces that float rounding for every sum (the
 * multiplier's double rounding differs on ties), so the program op carries
 * the float scale and the device (and the CPU, through the same op
 * library) replays TFLite's binary32 steps (EDGEAI_PROG_MEAN_FLOAT). With
 * equal input and output quantization TFLite divides the int32 sum
 * instead (reference_ops::Mean: EDGEAI_PROG_MEAN_DIV).
 */
/* The most entries of a reduction's axes (TFLite takes repeats: [1, 2, 1]). */
#define MAX_AXES 16

/*
 * The axes a reduction (MEAN, REDUCE_MAX) reduces, from its constant input
 * 1, contiguous but for axes of size 1 (which move nothing; any other hole
 * would need a TRANSPOSE; no model we know has one). The input is then
 * [outer, R, 1, inner] (R the product of the reduced dims; [N, H, W, C] as
 * it is for H and W of a 4-D tensor; an R above the largest program dim
 * split into H * W) and the output [outer, 1, 1,
 * inner], in which the program's MEAN and pools reduce H and W (@ret_hw:
 * the view's H and W). *@in and *@out are the program tensors in those
 * dims: the tensors themselves, or temporaries RESHAPEd from the input
 * (here) and to the output (reduce_done(); *@via says whether).
 */
static int reduce_view(struct cc *c, const struct model_op *op, uint32_t ret_hw[2], int *in,
		       int *out, int *via)
{
	const struct model_tensor *it = T(c, op->in[0]);
	int32_t ax[MAX_AXES];
	uint32_t n = 0, k, mask = 0, big = 0, first, last;
	uint64_t outer = 1, r = 1, inner = 1, h = 1, n64;
	uint32_t v[4], w[4];

	if (op->n_in < 2 || const_ints(c, op->in[1], ax, MAX_AXES, &n))
		return -EOPNOTSUPP;
	if (it->rank > 4 || it->rank < 1)
		return unsupported(c, op, "rank above 4 or a scalar");
	for (k = 0; k < n; k++) {
		int32_t a = norm_axis(ax[k], it->rank);

		if (a < 0)
			return unsupported(c, op, "axis out of range");
		mask |= 1u << a;
		if (it->shape[a] != 1)
			big |= 1u << a;
	}
	if (!mask)
		return unsupported(c, op, "no axis to reduce");
	/* only axes longer than 1 need to be next to each other (none: any one) */
	mask = big ? big : mask & -mask;
	first = (uint32_t)__builtin_ctz(mask);
	last = 31 - (uint32_t)__builtin_clz(mask);
	for (k = first; k <= last; k++)
		if (!(mask & (1u << k)) && it->shape[k] != 1)
			return unsupported(c, op, "the reduced axes are not next to each other");
	for (k = 0; k < it->rank; k++)
		*(k < first ? &outer : k <= last ? &r : &inner) *= (uint64_t)it->shape[k];
	/* R as H * W, each within a dim: the smallest such H */
	if (r > EDGEAI_PROG_MAX_DIM)
		for (h = (r + EDGEAI_PROG_MAX_DIM - 1) / EDGEAI_PROG_MAX_DIM;
		     h <= EDGEAI_PROG_MAX_DIM && r % h; h++)
			;
	if (outer > EDGEAI_PROG_MAX_DIM || inner > EDGEAI_PROG_MAX_DIM || h > EDGEAI_PROG_MAX_DIM)
		return unsupported(c, op, "a dimension of the reduction is too large");
	if (model_tensor_elems(T(c, op->out[0]), &n64) || n64 != outer * inner)
		return unsupported(c, op, "the output's shape does not match the reduction");
	v[0] = w[0] = (uint32_t)outer;
	v[1] = (uint32_t)r;
	v[2] = w[1] = w[2] = 1;
	v[3] = w[3] = (uint32_t)inner;
	if (r > EDGEAI_PROG_MAX_DIM) {
		v[1] = (uint32_t)h;
		v[2] = (uint32_t)(r / h);
	}
	if (it->rank == 4 && first == 1 && last == 2) {
		/* H and W of [N, H, W, C]: the tensor as it is */
		v[1] = (uint32_t)it->shape[1];
		v[2] = (uint32_t)it->shape[2];
	}
	ret_hw[0] = v[1];
	ret_hw[1] = v[2];
	*in = view_in(c, op->in[0], v);
	if (*in < 0)
		return *in;
	*out = dims_view(c, op->out[0], w, via);
	return *out < 0 ? *out : 0;
}

/* After the reduction into @out: RESHAPE it to the model's output when reduce_view() made a view. */
static int reduce_done(struct cc *c, const struct model_op *op, int out, int via)
{
	return reshape_pt(c, via, (uint32_t)out, (uint32_t)cc_tensor(c, op->out[0]));
}

/* The program's MEAN of @p over the reduced axes of @op as a view's H (reduce_view()). */
static int reduce_mean(struct cc *c, const struct model_op *op,
		       const struct edgeai_prog_mean_params *p)
{
	int vin, vout, via, r;
	uint32_t hw[2];

	r = reduce_view(c, op, hw, &vin, &vout, &via);
	if (!r)
		r = cc_op_pt(c, EDGEAI_OP_MEAN, (uint32_t[1]){ (uint32_t)vin }, 1, (uint32_t)vout,
			     p, sizeof(*p));
	return r ? r : reduce_done(c, op, vout, via);
}

/*
 * TFLite 2.9.0 computes MEAN other than over H and W with keep_dims (any
 * axes, keep_dims or not) with its reference kernels: with equal input and
 * output quantization reference_ops::Mean, the int sum divided
 * (EDGEAI_PROG_MEAN_DIV), else QuantizedMeanOrSum in float (above). The
 * reduced axes are the view's H (reduce_view()).
 */
static int c_mean_reference(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_mean_params p = { .flags = EDGEAI_PROG_MEAN_FLOAT };
	int32_t in = op->in[0], out = op->out[0];
	const struct model_tensor *it = T(c, in);
	float scale = scale_of(c, in) / scale_of(c, out);

	if (it->type != TFL_INT8 && it->type != TFL_UINT8)
		return unsupported(c, op, "8-bit only");
	/* equal quantization: reference_ops::Mean, the int sum divided */
	if (same_q(c, in, out))
		p.flags = EDGEAI_PROG_MEAN_DIV;
	else
		memcpy(&p.scale, &scale, sizeof(p.scale));
	return reduce_mean(c, op, &p);
}

/*
 * SUM of 8-bit tensors (reduce.cc EvalSum): where the quantization
 * changes, reference_ops::QuantizedMeanOrSum with compute_sum, in binary32
 * (EDGEAI_PROG_MEAN_SUM; the scale s_in / s_out in float, as TFLite
 * divides them), over the reduced axes as the view's H (reduce_view()).
 * With equal quantization TFLite adds the stored values in the 8-bit type
 * itself, wrapping, zero points included: refused by name, but for a sum
 * of one value, which is that value.
 */
static int c_sum(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_mean_params p = { .flags = EDGEAI_PROG_MEAN_SUM };
	int32_t in = op->in[0], out = op->out[0];
	const struct model_tensor *it = T(c, in);
	float scale;

	if (need_q(c, op, in) || need_q(c, op, out))
		return -EOPNOTSUPP;
	if ((it->type != TFL_INT8 && it->type != TFL_UINT8) || T(c, out)->type != it->type)
		return unsupported(c, op, "8-bit input and output of one type only");
	if (same_q(c, in, out)) {
		uint64_t ni, no;

		/* over axes of size 1 only: each value is its own sum, a copy */
		if (!model_tensor_elems(it, &ni) && !model_tensor_elems(T(c, out), &no) &&
		    ni == no)
			return cc_op(c, EDGEAI_OP_RESHAPE, &in, 1, out, NULL, 0);
		return unsupported(c, op, "equal input and output quantization (TFLite 2.9 "
				   "then adds the stored values in 8 bits, wrapping)");
	}
	scale = scale_of(c, in) / scale_of(c, out);
	memcpy(&p.scale, &scale, sizeof(p.scale));
	return reduce_mean(c, op, &p);
}

static int c_mean(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_mean_params p = { 0 };
	int32_t in = op->in[0], out = op->out[0], ax[MAX_AXES], zi, zo;
	const struct model_tensor *it = T(c, in);
	uint32_t n = 0, d[4];
	float si, so, temp;
	int r;

	if (need_q(c, op, in) || need_q(c, op, out))
		return -EOPNOTSUPP;
	r = const_ints(c, op->in[1], ax, MAX_AXES, &n);
	if (r)
		return r;
	if (it->rank != 4 || n != 2 || !((ax[0] == 1 && ax[1] == 2) || (ax[0] == 2 && ax[1] == 1)) ||
	    !op->o.keep_dims)
		return c_mean_reference(c, op);
	si = scale_of(c, in);
	so = scale_of(c, out);
	zi = zp_of(c, in);
	zo = zp_of(c, out);
	if (it->type == TFL_INT8) {
		/*
		 * reduce.cc's x86 builds register the reference MEAN:
		 * reference_integer_ops::Mean, the multiplier of s_in / s_out
		 * in double, then a division by H * W (measured: the oracle
		 * gives its bytes, not optimized_integer_ops::Mean's).
		 */
		p.flags = EDGEAI_PROG_MEAN_INT;
		cc_quantize_multiplier((double)si / (double)so, &p.out_multiplier, &p.out_shift);
	} else {
		/* uint8: a bias and the multiplier of s_in / (H * W * s_out), in float */
		temp = ((float)zi * si) / so;
		temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
		p.bias = zo - (int32_t)temp;
		cc_quantize_multiplier((double)(si / ((float)(it->shape[1] * it->shape[2]) * so)),
				       &p.out_multiplier, &p.out_shift);
	}
	d[0] = (uint32_t)it->shape[0];
	d[1] = 1;
	d[2] = 1;
	d[3] = (uint32_t)it->shape[3];
	r = fix_dims(c, out, d);
	if (r)
		return r;
	return cc_op(c, EDGEAI_OP_MEAN, &in, 1, out, &p, sizeof(p));
}

/*
 * The table that flips every bit of a stored byte (*@p: TABLE's
 * parameters). For int8 (-1 - v) and uint8 (255 - v) alike this reverses
 * the order of the stored values and is its own inverse, so the smallest
 * values are the largest flipped ones and the first smallest is the first
 * largest: REDUCE_MIN and ARG_MIN become the MAX_POOL_2D and ARG_MAX that
 * REDUCE_MAX and ARG_MAX compile to, between flips, byte for byte (the
 * quantization is monotonic; TFLite compares the stored values).
 */
static int flip_table(struct cc *c, struct edgeai_prog_lut_params *p)
{
	uint8_t t[256];
	int64_t off;
	int k;

	for (k = 0; k < 256; k++)
		t[k] = (uint8_t)~k;
	off = cc_const(c, t, sizeof(t), 8);
	if (off < 0)
		return (int)off;
	memset(p, 0, sizeof(*p));
	p->table_offset = (uint32_t)off;
	return 0;
}

/* Program tensor @from flipped (flip_table() @p) into a new temporary of its dims, *@to. */
static int flip_pt(struct cc *c, const struct edgeai_prog_lut_params *p, uint32_t from, int *to)
{
	*to = cc_temp(c, from, c->t[from].dims);
	if (*to < 0)
		return *to;
	return cc_op_pt(c, EDGEAI_OP_TABLE, &from, 1, (uint32_t)*to, p, sizeof(*p));
}

/*
 * REDUCE_MAX of 8-bit tensors is the largest stored value (TFLite requires
 * equal input and output quantization): a MAX_POOL_2D whose window is the
 * reduced axes (the view's H), unpadded. REDUCE_MIN (@min) is the same
 * pool between two flip_pt() tables.
 */
static int c_reduce_extreme(struct cc *c, const struct model_op *op, int min)
{
	struct edgeai_prog_pool_params p = { .stride_h = 1, .stride_w = 1 };
	struct edgeai_prog_lut_params lp;
	int vin, vout, via, r, pin, pout;
	uint32_t hw[2];

	if (need_q(c, op, op->in[0]) || need_q(c, op, op->out[0]))
		return -EOPNOTSUPP;
	if (!same_q(c, op->in[0], op->out[0]))
		return unsupported(c, op, "input and output quantization differ");
	r = reduce_view(c, op, hw, &vin, &vout, &via);
	if (r)
		return r;
	p.filter_h = hw[0];
	p.filter_w = hw[1];
	act_range(TFL_ACT_NONE, c->t[vout].dtype, scale_of(c, op->out[0]), zp_of(c, op->out[0]),
		  &p.act_min, &p.act_max);
	pin = vin;
	pout = vout;
	if (min) {
		r = flip_table(c, &lp);
		if (!r)
			r = flip_pt(c, &lp, (uint32_t)vin, &pin);
		if (r)
			return r;
		pout = cc_temp(c, (uint32_t)vout, c->t[vout].dims);
		if (pout < 0)
			return pout;
	}
	r = cc_op_pt(c, EDGEAI_OP_MAX_POOL_2D, (uint32_t[1]){ (uint32_t)pin }, 1, (uint32_t)pout,
		     &p, sizeof(p));
	/* the pool's output flipped back */
	if (!r && min)
		r = cc_op_pt(c, EDGEAI_OP_TABLE, (uint32_t[1]){ (uint32_t)pout }, 1,
			     (uint32_t)vout, &lp, sizeof(lp));
	return r ? r : reduce_done(c, op, vout, via);
}

/*
 * ARG_MAX of an 8-bit tensor along one axis: TFLite compares the stored
 * values (the quantization is monotonic), the first of equal ones wins;
 * the program's ARG_MAX writes int32 or int64 indices, the model output's
 * type. ARG_MIN (the first smallest, TFLite's std::less) is the ARG_MAX
 * of the input's flip_pt().
 */
static int c_argmax(struct cc *c, const struct model_op *op)
{
	struct edgeai_prog_argmax_params p = { 0 };
	const struct model_tensor *it = T(c, op->in[0]), *ot = T(c, op->out[0]);
	int32_t axis = 0;
	uint64_t ni, no;
	int r, in, out;

	if (it->type != TFL_INT8 && it->type != TFL_UINT8)
		return unsupported(c, op, "8-bit input only");
	if (ot->type != TFL_INT32 && ot->type != TFL_INT64)
		return unsupported(c, op, "the output type is not int32 or int64");
	if (it->rank > 4 || it->rank < 1)
		return unsupported(c, op, "rank above 4 or a scalar");
	r = op->n_in > 1 ? const_int1(c, op, op->in[1], &axis) : unsupported(c, op, "no axis");
	if (r)
		return r;
	axis = norm_axis(axis, it->rank);
	if (axis < 0)
		return unsupported(c, op, "axis out of range");
	if (model_tensor_elems(it, &ni) || model_tensor_elems(ot, &no) ||
	    no * (uint64_t)it->shape[axis] != ni)
		return unsupported(c, op, "the output's shape is not the input's without the axis");
	p.axis = (uint32_t)axis + 4 - it->rank;
	in = cc_tensor(c, op->in[0]);
	out = in < 0 ? in : cc_tensor(c, op->out[0]);
	if (out < 0)
		return out;
	if (op->code == TFL_OP_ARG_MIN) {
		struct edgeai_prog_lut_params lp;

		r = flip_table(c, &lp);
		if (!r)
			r = flip_pt(c, &lp, (uint32_t)in, &in);
		if (r)
			return r;
	}
	return cc_op_pt(c, EDGEAI_OP_ARG_MAX, (uint32_t[1]){ (uint32_t)in }, 1, (uint32_t)out, &p,
			sizeof(p));
}

/*
 * L2_NORMALIZATION of an 8-bit tensor along its last dimension (l2norm.cc):
 * TFLite's Prepare wants no activation and the output quantization (1/128,
 * 0) for int8, (1/128, 128) for uint8; the program op computes its integer
 * kernels' arithmetic.
 */
static int c_l2norm(struct cc *c, const struct model_op *op)
{
	const struct model_tensor *it = T(c, op->in[0]), *ot = T(c, op->out[0]);
	int32_t in = op->in[0];

	if (need_q(c, op, in) || need_q(c, op, op->out[0]))
		return -EOPNOTSUPP;
	if (it->type != ot->type)
		return unsupported(c, op, "input and output types differ");
	if (!same_shape(it, ot))
		return unsupported(c, op, "input and output shapes differ");
	if (it->rank > 4 || it->rank < 1 || it->shape[it->rank - 1] > 32768)
		return unsupported(c, op, "rank above 4, a scalar, or rows above 32768");
	if (op->o.act != TFL_ACT_NONE)
		return unsupported(c, op, "a fused activation (TFLite takes none)");
	if (scale_of(c, op->out[0]) != 1.0f / 128.0f ||
	    zp_of(c, op->out[0]) != (ot->type == TFL_INT8 ? 0 : 128))
		return unsupported(c, op, ot->type == TFL_INT8 ?
				   "an output quantization other than TFLite's (1/128, 0)" :
				   "an output quantization other than TFLite's (1/128, 128)");
	return cc_op(c, EDGEAI_OP_L2_NORMALIZATION, &in, 1, op->out[0], NULL, 0);
}

/* --- activation fusion ----------------------------------------------------- */

/*
 * A RELU or RELU6 whose input is the only use of the output of a CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL or pool, with the same
 * quantization (type, scale, zero point) on its input and output, is a
 * clamp: TFLite's RELU rescales by a ratio of exactly 1 (multiplier 2^30,
 * shift 1, which gives its input back) and clamps to [zp + roundf(0 / s),
 * zp + roundf(6 / s)] (ReluPrepare), the very clamp the producer applies
 * for a fused activation of that kind (CalculateActivationRangeQuantized).
 * So the producer writes the activation's output with the activation fused
 * in (the tighter of its own and the RELU's), and the activation compiles
 * to no program op: byte for byte the same, one op and one tensor fewer.
 */
static int fuse_producer(int32_t code)
{
	switch (code) {
	case TFL_OP_CONV_2D:
	case TFL_OP_DEPTHWISE_CONV_2D:
	case TFL_OP_FULLY_CONNECTED:
	case TFL_OP_ADD:
	case TFL_OP_SUB:
	case TFL_OP_MUL:
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D:
		return 1;
	default:
		return 0;
	}
}

static int fuse_same_q(const struct model_tensor *a, const struct model_tensor *b)
{
	return a->type == b->type && (a->type == TFL_INT8 || a->type == TFL_UINT8) &&
	       a->q.n == 1 && b->q.n == 1 && a->q.scale[0] == b->q.scale[0] &&
	       a->q.zero_point[0] == b->q.zero_point[0];
}

/*
 * fuse[i] = 1 + j when activation op i is fused into op j; by[j] = 1 + i
 * for that producer.
 */
static void find_fusions(const struct edgeai_model *m, uint32_t *fuse, uint32_t *by)
{
	uint32_t i, j, k, l, uses;

	for (i = 0; i < m->n_ops; i++) {
		const struct model_op *a = &m->ops[i];
		const struct model_op *p = NULL;
		int32_t t;

		if ((a->code != TFL_OP_RELU && a->code != TFL_OP_RELU6) || a->n_in != 1 ||
		    a->n_out != 1 || a->in[0] < 0 || a->out[0] < 0)
			continue;
		t = a->in[0];
		for (j = 0; j < i; j++)
			if (m->ops[j].n_out == 1 && m->ops[j].out[0] == t) {
				p = &m->ops[j];
				break;
			}
		if (!p || by[j] || !fuse_producer(p->code) ||
		    (p->o.act != TFL_ACT_NONE && p->o.act != TFL_ACT_RELU &&
		     p->o.act != TFL_ACT_RELU6) ||
		    is_graph_io(m, t) || !fuse_same_q(&m->t[t], &m->t[a->out[0]]))
			continue;
		for (k = 0, uses = 0; k < m->n_ops; k++)
			for (l = 0; l < m->ops[k].n_in; l++)
				uses += m->ops[k].in[l] == t;
		if (uses != 1)
			continue;
		fuse[i] = j + 1;
		by[j] = i + 1;
	}
}

/* The op of @m whose only output is tensor @t, or -1. */
static int32_t producer_of(const struct edgeai_model *m, int32_t t)
{
	for (uint32_t j = 0; j < m->n_ops; j++)
		if (m->ops[j].n_out == 1 && m->ops[j].out[0] == t)
			return (int32_t)j;
	return -1;
}

/* The one op of @m that reads tensor @t (as any input), or -1 (none, or several). */
static int32_t only_reader(const struct edgeai_model *m, int32_t t)
{
	int32_t r = -1;

	for (uint32_t k = 0; k < m->n_ops; k++)
		for (uint32_t l = 0; l < m->ops[k].n_in; l++)
			if (m->ops[k].in[l] == t) {
				if (r >= 0 && r != (int32_t)k)
					return -1;
				r = (int32_t)k;
			}
	return r;
}

/* @n int32 values of constant tensor @t of @m into @v; 0, or -1. */
static int model_ints(const struct edgeai_model *m, int32_t t, int32_t *v, uint32_t n)
{
	const struct model_tensor *mt;
	uint64_t cnt;

	if (t < 0 || (uint32_t)t >= m->n_tensors || !model_is_const(m, t))
		return -1;
	mt = &m->t[t];
	if (mt->type != TFL_INT32 || model_tensor_elems(mt, &cnt) || cnt != n ||
	    m->buf[mt->buffer].size < 4 * (size_t)n)
		return -1;
	memcpy(v, m->buf[mt->buffer].data, 4 * (size_t)n);
	return 0;
}

/*
 * Convolution op @i of @m, when it is the middle of SPACE_TO_BATCH_ND,
 * a stride-1 VALID CONV_2D or DEPTHWISE_CONV_2D, BATCH_TO_SPACE_ND of one
 * block, into @d: the dilated convolution the three ops compute, and the
 * indices of the other two in *@a and *@z. The padded input [N, H', W', C]
 * is cut into bh * bw images of every bh-th row and bw-th column, each
 * convolved VALID, put back and cropped: output pixel (y, x) reads the
 * padded input's rows y + crop_top + ky * bh, that is the input's rows
 * y - (pad_top - crop_top) + ky * bh (likewise the columns), and the
 * padding holds the zero point, which contributes nothing, as a tap outside
 * the input does. Every shape is checked; anything else stays three ops.
 */
static int find_dilation(const struct edgeai_model *m, uint32_t i, struct dilated *d,
			 int32_t *a, int32_t *z)
{
	const struct model_op *cv = &m->ops[i], *sb, *bs;
	const struct model_tensor *x, *f, *y, *sbo, *cvo;
	int32_t blk[2], blk2[2], pd[4], cr[4], k, oc;
	int dw = cv->code == TFL_OP_DEPTHWISE_CONV_2D;
	int64_t nb, hp, wp, oh, ow, kh, kw;

	if ((cv->code != TFL_OP_CONV_2D && !dw) || cv->n_in < 2 || cv->n_out != 1 ||
	    cv->in[0] < 0 || cv->in[1] < 0 || cv->out[0] < 0 || cv->o.padding != TFL_PAD_VALID ||
	    cv->o.stride_h != 1 || cv->o.stride_w != 1 || cv->o.dil_h > 1 || cv->o.dil_w > 1)
		return 0;
	*a = producer_of(m, cv->in[0]);
	*z = only_reader(m, cv->out[0]);
	if (*a < 0 || *z < 0 || only_reader(m, cv->in[0]) != (int32_t)i ||
	    is_graph_io(m, cv->in[0]) || is_graph_io(m, cv->out[0]))
		return 0;
	sb = &m->ops[*a];
	bs = &m->ops[*z];
	if (sb->code != TFL_OP_SPACE_TO_BATCH_ND || bs->code != TFL_OP_BATCH_TO_SPACE_ND ||
	    sb->n_in < 3 || bs->n_in < 3 || sb->n_out != 1 || bs->n_out != 1 ||
	    sb->in[0] < 0 || bs->out[0] < 0 || bs->in[0] != cv->out[0] ||
	    model_ints(m, sb->in[1], blk, 2) || model_ints(m, bs->in[1], blk2, 2) ||
	    model_ints(m, sb->in[2], pd, 4) || model_ints(m, bs->in[2], cr, 4) ||
	    blk[0] != blk2[0] || blk[1] != blk2[1] || blk[0] < 1 || blk[1] < 1 ||
	    blk[0] > 65536 || blk[1] > 65536)
		return 0;
	x = &m->t[sb->in[0]];
	f = &m->t[cv->in[1]];
	y = &m->t[bs->out[0]];
	sbo = &m->t[sb->out[0]];
	cvo = &m->t[cv->out[0]];
	if (x->rank != 4 || f->rank != 4 || y->rank != 4 || sbo->rank != 4 || cvo->rank != 4 ||
	    !fuse_same_q(x, sbo) || !fuse_same_q(cvo, y))
		return 0;
	for (k = 0; k < 4; k++)
		if (pd[k] < 0 || pd[k] > 65536 || cr[k] < 0 || cr[k] > 65536)
			return 0;
	kh = f->shape[1];
	kw = f->shape[2];
	hp = x->shape[1] + pd[0] + pd[1];
	wp = x->shape[2] + pd[2] + pd[3];
	if (kh < 1 || kw < 1 || hp % blk[0] || wp % blk[1] || hp / blk[0] < kh || wp / blk[1] < kw)
		return 0;
	/* the pieces' VALID output, put back, cropped */
	oh = (hp / blk[0] - kh + 1) * blk[0] - cr[0] - cr[1];
	ow = (wp / blk[1] - kw + 1) * blk[1] - cr[2] - cr[3];
	oc = dw ? f->shape[3] : f->shape[0];
	nb = (int64_t)x->shape[0] * blk[0] * blk[1];
	/* every tensor's shape what the three ops make of the input's */
	if (sbo->shape[0] != nb || sbo->shape[1] != hp / blk[0] || sbo->shape[2] != wp / blk[1] ||
	    sbo->shape[3] != x->shape[3] || cvo->shape[0] != nb ||
	    cvo->shape[1] != hp / blk[0] - kh + 1 || cvo->shape[2] != wp / blk[1] - kw + 1 ||
	    cvo->shape[3] != oc || y->shape[0] != x->shape[0] || y->shape[1] != oh ||
	    y->shape[2] != ow || y->shape[3] != oc ||
	    pd[0] < cr[0] || pd[2] < cr[2] || pd[0] - cr[0] >= kh * blk[0] ||
	    pd[2] - cr[2] >= kw * blk[1])
		return 0;
	d->in = sb->in[0];
	d->out = bs->out[0];
	d->dil_h = (uint32_t)blk[0];
	d->dil_w = (uint32_t)blk[1];
	d->pad_top = (uint32_t)(pd[0] - cr[0]);
	d->pad_left = (uint32_t)(pd[2] - cr[2]);
	return 1;
}

/*
 * dil[i] = 1 + the index of op i's SPACE_TO_BATCH_ND when convolution i
 * runs as the dilated convolution of find_dilation(); fuse[] of its
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND = 1 + i.
 */
static void find_dilations(const struct edgeai_model *m, uint32_t *fuse, uint32_t *by,
			   uint32_t *dil)
{
	struct dilated d;
	int32_t a, z;

	for (uint32_t i = 0; i < m->n_ops; i++) {
		if (fuse[i] || by[i] || !find_dilation(m, i, &d, &a, &z) || fuse[a] || by[a] ||
		    fuse[z] || by[z] || dil[a] || dil[z])
			continue;
		dil[i] = (uint32_t)a + 1;
		fuse[a] = i + 1;
		fuse[z] = i + 1;
	}
}

/*
 * Ops that only compute a RESHAPE's new shape: Keras's Reshape layer on a
 * model with a dynamic batch writes SHAPE, STRIDED_SLICE, PACK, RESHAPE.
 * The compiler takes a RESHAPE's shape from its output tensor's (static)
 * one, so such ops compute nothing the program needs: fuse[k] = 1 + the
 * RESHAPE an op feeds, for every op all of whose outputs are int32 or
 * int64 tensors read only as a RESHAPE's shape or by such ops, and none a
 * graph output. The model's ops are in order: a reader comes after its
 * producer, so one pass from the end settles each op.
 */
static void find_shape_only(const struct edgeai_model *m, uint32_t *fuse, const uint32_t *by,
			    const uint32_t *dil)
{
	uint32_t i, o, k, l;

	for (i = m->n_ops; i-- > 0;) {
		const struct model_op *op = &m->ops[i];
		uint32_t target = 0;
		int ok = op->n_out > 0 && !fuse[i] && !by[i] && !dil[i];

		for (o = 0; ok && o < op->n_out; o++) {
			int32_t t = op->out[o];
			uint32_t readers = 0;

			if (t < 0 || is_graph_io(m, t) ||
			    (m->t[t].type != TFL_INT32 && m->t[t].type != TFL_INT64)) {
				ok = 0;
				break;
			}
			for (k = i + 1; ok && k < m->n_ops; k++)
				for (l = 0; ok && l < m->ops[k].n_in; l++) {
					if (m->ops[k].in[l] != t)
						continue;
					readers++;
					if (m->ops[k].code == TFL_OP_RESHAPE && l == 1 &&
					    m->ops[k].in[0] != t)
						target = target ? target : k + 1;
					else if (fuse[k] && m->ops[fuse[k] - 1].code == TFL_OP_RESHAPE &&
						 m->ops[k].code != TFL_OP_RESHAPE)
						target = target ? target : fuse[k];
					else
						ok = 0;
				}
			/* read by an op before it: not a model in order */
			for (k = 0; ok && k < i; k++)
				for (l = 0; l < m->ops[k].n_in; l++)
					ok &= m->ops[k].in[l] != t;
			ok &= readers > 0;
		}
		if (ok && target)
			fuse[i] = target;
	}
}

static int compile_op(struct cc *c, const struct model_op *op)
{
	switch (op->code) {
	case TFL_OP_SLICE:
	case TFL_OP_SPLIT:
	case TFL_OP_SPLIT_V:
	case TFL_OP_UNPACK:
		if (op->n_out < 1 || op->n_in < 1 || op->in[0] < 0)
			return unsupported(c, op, "needs an output and an input");
		return c_slices(c, op);
	default:
		break;
	}
	if (op->n_out != 1 || op->n_in < 1 || op->in[0] < 0)
		return unsupported(c, op, "needs one output and an input");
	if ((T(c, op->in[0])->rank > 4 || T(c, op->out[0])->rank > 4) &&
	    op->code != TFL_OP_RESHAPE && op->code != TFL_OP_SQUEEZE &&
	    op->code != TFL_OP_EXPAND_DIMS && op->code != TFL_OP_TRANSPOSE)
		return unsupported(c, op, "rank above 4 (only RESHAPE and TRANSPOSE take it)");
	switch (op->code) {
	case TFL_OP_PAD:
	case TFL_OP_PADV2:
	case TFL_OP_MIRROR_PAD:
		return c_pad(c, op);
	case TFL_OP_PACK:
		return c_pack(c, op);
	case TFL_OP_SPACE_TO_BATCH_ND:
	case TFL_OP_BATCH_TO_SPACE_ND:
		return c_space_batch(c, op);
	case TFL_OP_TILE:
	case TFL_OP_BROADCAST_TO:
		return c_tile(c, op);
	case TFL_OP_SHAPE:
		return unsupported(c, op, "a tensor's shape as a value (the compiler takes one "
				   "only as a RESHAPE's new shape)");
	case TFL_OP_GATHER:
		return c_gather(c, op);
	case TFL_OP_REVERSE_V2:
		return c_reverse(c, op);
	case TFL_OP_CONV_2D:
		return c_conv(c, op, 0);
	case TFL_OP_DEPTHWISE_CONV_2D:
		return c_conv(c, op, 1);
	case TFL_OP_FULLY_CONNECTED:
		return c_fc(c, op);
	case TFL_OP_BATCH_MATMUL:
		return c_matmul(c, op);
	case TFL_OP_TRANSPOSE_CONV:
		return c_tconv(c, op);
	case TFL_OP_ADD:
	case TFL_OP_SUB:
	case TFL_OP_MUL:
	case TFL_OP_PRELU:
	case TFL_OP_MAXIMUM:
	case TFL_OP_MINIMUM:
	case TFL_OP_SQUARED_DIFFERENCE:
		return c_binary(c, op);
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D:
		return c_pool(c, op);
	case TFL_OP_QUANTIZE:
	case TFL_OP_RELU:
	case TFL_OP_RELU6:
	case TFL_OP_RELU_N1_TO_1:
	case TFL_OP_LOGISTIC:
	case TFL_OP_TANH:
	case TFL_OP_HARD_SWISH:
	case TFL_OP_LEAKY_RELU:
	case TFL_OP_ELU:
	case TFL_OP_GELU:
	case TFL_OP_ABS:
	case TFL_OP_RSQRT:
		return c_unary(c, op);
	case TFL_OP_SOFTMAX:
		return c_softmax(c, op);
	case TFL_OP_MEAN:
		return c_mean(c, op);
	case TFL_OP_SUM:
		return c_sum(c, op);
	case TFL_OP_REDUCE_MAX:
	case TFL_OP_REDUCE_MIN:
		return c_reduce_extreme(c, op, op->code == TFL_OP_REDUCE_MIN);
	case TFL_OP_ARG_MAX:
	case TFL_OP_ARG_MIN:
		return c_argmax(c, op);
	case TFL_OP_L2_NORMALIZATION:
		return c_l2norm(c, op);
	default:
		return c_shape(c, op);
	}
}

/* --- memory planning ------------------------------------------------------- */

static size_t pt_bytes(const struct pt *p)
{
	size_t es = p->dtype == EDGEAI_DTYPE_INT64 ? 8 : p->dtype == EDGEAI_DTYPE_INT32 ? 4 :
		    p->dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;

	return (size_t)p->dims[0] * p->dims[1] * p->dims[2] * p->dims[3] * es;
}

struct live {
	uint32_t t;
	int32_t first, last;
	size_t size;
};

static int cmp_live(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->t < y->t ? -1 : x->t > y->t;
}

static int plan(struct cc *c, size_t *arena)
{
	struct live *L;
	uint32_t i, k, n = 0, j;
	size_t top = 0;
	int32_t last = (int32_t)c->nops;

	L = calloc(c->nt ? c->nt : 1, sizeof(*L));
	if (!L)
		return -ENOMEM;
	for (i = 0; i < c->nt; i++) {
		if (c->t[i].slot == EDGEAI_PROG_SLOT_CONST)
			continue;
		L[n].t = i;
		L[n].first = INT32_MAX;
		L[n].last = -1;
		L[n].size = (pt_bytes(&c->t[i]) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		n++;
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < c->nops; i++) {
			const struct edgeai_prog_op *o = &c->ops[i];

			for (j = 0; j < EDGEAI_PROG_MAX_INPUTS; j++)
				if (o->inputs[j] == L[k].t) {
					if ((int32_t)i < L[k].first)
						L[k].first = (int32_t)i;
					L[k].last = (int32_t)i;
				}
			if (o->output == L[k].t) {
				if ((int32_t)i < L[k].first)
					L[k].first = (int32_t)i;
				if ((int32_t)i > L[k].last)
					L[k].last = (int32_t)i;
			}
		}
		for (i = 0; i < c->m->n_in; i++)
			if (c->map[c->m->in[i]] == (int32_t)L[k].t)
				L[k].first = -1;
		for (i = 0; i < c->m->n_out; i++)
			if (c->map[c->m->out[i]] == (int32_t)L[k].t)
				L[k].last = last;
		if (L[k].first == INT32_MAX)
			L[k].first = L[k].last;
	}
	qsort(L, n, sizeof(*L), cmp_live);
	for (k = 0; k < n; k++) {
		size_t off = 0;
		int moved = 1;

		/* First fit: bump past every placed, time-overlapping block in the way. */
		while (moved) {
			moved = 0;
			for (j = 0; j < k; j++) {
				size_t o2 = c->t[L[j].t].offset;

				if (L[j].last < L[k].first || L[k].last < L[j].first)
					continue;
				if (off < o2 + L[j].size && o2 < off + L[k].size) {
					off = o2 + L[j].size;
					moved = 1;
				}
			}
		}
		c->t[L[k].t].offset = off;
		if (off + L[k].size > top)
			top = off + L[k].size;
	}
	free(L);
	*arena = top ? top : ARENA_ALIGN;
	return 0;
}

/* --- the blob -------------------------------------------------------------- */

static int emit(struct cc *c, struct cc_compiled *out)
{
	size_t toff = sizeof(struct edgeai_prog_header);
	size_t ooff = toff + sizeof(struct edgeai_prog_tensor) * c->nt;
	size_t koff = ooff + sizeof(struct edgeai_prog_op) * c->nops;
	size_t total = (koff + c->nk + 7) & ~(size_t)7;
	struct edgeai_prog_header *h;
	struct edgeai_prog_tensor *tt;
	uint8_t *b;
	size_t at;
	uint32_t i;

	if (total > EDGEAI_PROG_MAX_SIZE)
		return base_errf(c->err, c->errsz, -E2BIG, "program of %zu bytes is too large", total);
	b = base_alloc_populated(total);
	if (!b)
		return -ENOMEM;
	/* zero what the copies below do not write (padding), not the constants too */
	memset(b, 0, koff);
	memset(b + koff + c->nk, 0, total - koff - c->nk);
	at = 0;
	for (i = 0; i < c->npieces; i++) {
		const struct cc_kpiece *pc = &c->pieces[i];

		memset(b + koff + at, 0, pc->off - at);
		memcpy(b + koff + pc->off, pc->data ? pc->data : c->k + pc->koff, pc->len);
		at = pc->off + pc->len;
	}
	h = (void *)b;
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = (uint32_t)total;
	h->tensor_count = c->nt;
	h->op_count = c->nops;
	h->tensor_offset = (uint32_t)toff;
	h->op_offset = (uint32_t)ooff;
	h->const_offset = (uint32_t)koff;
	h->const_size = (uint32_t)c->nk;
	h->slot_count = 1;
	tt = (void *)(b + toff);
	for (i = 0; i < c->nt; i++) {
		tt[i].dtype = c->t[i].dtype;
		tt[i].slot = c->t[i].slot;
		tt[i].offset = c->t[i].offset;
		memcpy(tt[i].dims, c->t[i].dims, sizeof(tt[i].dims));
		tt[i].zero_point = c->t[i].zp;
	}
	memcpy(b + ooff, c->ops, sizeof(*c->ops) * c->nops);

	out->blob = b;
	out->size = total;
	return 0;
}

void cc_compiled_free(struct cc_compiled *c)
{
	if (!c)
		return;
	if (c->map)
		munmap(c->map, c->map_size);
	else
		free(c->blob);
	free(c->in);
	free(c->out);
	free(c->place);
	free(c);
}

static int io_of(struct cc *c, int32_t t, struct cc_io *io)
{
	int r = cc_tensor(c, t);

	if (r < 0)
		return r;
	if (c->t[r].slot == EDGEAI_PROG_SLOT_CONST)
		return base_errf(c->err, c->errsz, -EOPNOTSUPP, "a graph input/output is a constant");
	io->offset = c->t[r].offset;
	io->size = pt_bytes(&c->t[r]);
	io->tensor = (uint32_t)r;
	io->esize = (uint32_t)(io->size / ((size_t)c->t[r].dims[0] * c->t[r].dims[1] *
					   c->t[r].dims[2] * c->t[r].dims[3]));
	return 0;
}

/* Every output of @m is one of its inputs. */
static int outputs_are_inputs(const struct edgeai_model *m)
{
	for (uint32_t i = 0, j; i < m->n_out; i++) {
		for (j = 0; j < m->n_in && m->in[j] != m->out[i]; j++)
			;
		if (j == m->n_in)
			return 0;
	}
	return 1;
}

int cc_compile(const struct edgeai_model *m, struct cc_compiled **ret, char *errbuf,
	       size_t errbuf_size)
{
	struct cc c = { 0 };
	struct cc_compiled *out;
	uint32_t i, *fuse = NULL, *by = NULL, *dil = NULL;
	int r = -ENOMEM;

	if (!m || !ret)
		return -EINVAL;
	*ret = NULL;
	c.m = m;
	c.err = errbuf;
	c.errsz = errbuf_size;
	out = calloc(1, sizeof(*out));
	c.map = malloc(sizeof(*c.map) * (m->n_tensors ? m->n_tensors : 1));
	if (!out || !c.map)
		goto fail;
	for (i = 0; i < m->n_tensors; i++)
		c.map[i] = -1;
	/*
	 * A model of no operators passes its inputs through: what is left of a
	 * model that is only a TFLite_Detection_PostProcess (exec/fio.c).
	 */
	if (!m->n_out || (!m->n_ops && !outputs_are_inputs(m))) {
		r = base_errf(errbuf, errbuf_size, -EINVAL, "the model has no operators or outputs");
		goto fail;
	}
	out->n_ops = m->n_ops;
	out->n_in = m->n_in;
	out->n_out = m->n_out;
	out->place = calloc(m->n_ops ? m->n_ops : 1, sizeof(*out->place));
	out->in = calloc(m->n_in ? m->n_in : 1, sizeof(*out->in));
	out->out = calloc(m->n_out, sizeof(*out->out));
	fuse = calloc(m->n_ops ? m->n_ops : 1, sizeof(*fuse));
	by = calloc(m->n_ops ? m->n_ops : 1, sizeof(*by));
	dil = calloc(m->n_ops ? m->n_ops : 1, sizeof(*dil));
	if (!out->place || !out->in || !out->out || !fuse || !by || !dil)
		goto fail;
	find_fusions(m, fuse, by);
	find_dilations(m, fuse, by, dil);
	find_shape_only(m, fuse, by, dil);
	for (i = 0; i < m->n_ops; i++) {
		const struct model_op *op = &m->ops[i];

		for (uint32_t k = 0; k < op->n_in + op->n_out; k++) {
			int32_t t = k < op->n_in ? op->in[k] : op->out[k - op->n_in];

			r = t >= 0 ? check_q(&c, t) : 0;
			if (r < 0)
				goto fail;
		}
	}
	/* Graph inputs first: their program tensors keep the model order. */
	for (i = 0; i < m->n_in; i++) {
		r = cc_tensor(&c, m->in[i]);
		if (r < 0)
			goto fail;
	}
	for (i = 0; i < m->n_ops; i++) {
		out->place[i].tfl_code = m->ops[i].code;
		out->place[i].prog_op = c.nops;
		out->place[i].fused = fuse[i];
		if (fuse[i]) {
			r = 0;
		} else if (dil[i]) {
			struct dilated d;
			int32_t a, z;

			find_dilation(m, i, &d, &a, &z);
			r = c_conv_geom(&c, &m->ops[i], m->ops[i].code == TFL_OP_DEPTHWISE_CONV_2D,
					&d);
		} else if (by[i]) {
			/* the producer writes the activation's output, clamped */
			const struct model_op *a = &m->ops[by[i] - 1];
			struct model_op p = m->ops[i];
			int32_t o = a->out[0];

			p.out = &o;
			p.o.act = a->code == TFL_OP_RELU6 || p.o.act == TFL_ACT_RELU6 ?
				  TFL_ACT_RELU6 : TFL_ACT_RELU;
			r = compile_op(&c, &p);
		} else {
			r = compile_op(&c, &m->ops[i]);
		}
		if (r < 0) {
			if (errbuf && errbuf_size && !errbuf[0])
				base_errf(errbuf, errbuf_size, r, "op %u (%s) does not compile", i,
					  edgeai_op_name(m->ops[i].code));
			goto fail;
		}
	}
	r = plan(&c, &out->arena_size);
	if (r)
		goto fail;
	for (i = 0; i < m->n_in; i++) {
		r = io_of(&c, m->in[i], &out->in[i]);
		if (r)
			goto fail;
	}
	for (i = 0; i < m->n_out; i++) {
		r = io_of(&c, m->out[i], &out->out[i]);
		if (r)
			goto fail;
	}
	r = emit(&c, out);
	if (r)
		goto fail;
	free(fuse);
	free(by);
	free(dil);
	free(c.t);
	free(c.ops);
	free(c.k);
	free(c.pieces);
	free(c.map);
	*ret = out;
	return 0;
fail:
	free(fuse);
	free(by);
	free(dil);
	free(c.t);
	free(c.ops);
	free(c.k);
	free(c.pieces);
	free(c.map);
	cc_compiled_free(out);
	return r < 0 ? r : -EINVAL;
}
