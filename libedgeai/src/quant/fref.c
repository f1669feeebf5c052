// SPDX-License-Identifier: MIT
/*
 * Float reference kernels (see fref.h). Plain, unoptimised C: they define
 * what the float model computes, for calibration and error measurement.
 * Semantics follow TFLite's float kernels: SAME padding puts the extra
 * pixel after, average pooling divides by the in-bounds taps, resize uses
 * align_corners / half_pixel_centers like TFLite.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant/fref.h"
#include "base/base.h"

struct quant_fref {
	const struct edgeai_model *m;
	float **val;	/* per tensor, float32 tensors only */
	size_t *n;	/* elements */
	char *err;
	size_t errsz;
	uint32_t op;	/* operator being run, for messages */
};

#define FAIL(x, ...) base_errf((x)->err, (x)->errsz, -EOPNOTSUPP, __VA_ARGS__)

/* 1 when the float kernels (and the quantizer) handle operator @op. */
static int op_supported(const struct model_op *op)
{
	if (model_is_tconv(op))
		return 1;
	switch (op->code) {
	case TFL_OP_ADD: case TFL_OP_SUB: case TFL_OP_MUL: case TFL_OP_MAXIMUM: case TFL_OP_MINIMUM:
	case TFL_OP_CONV_2D: case TFL_OP_DEPTHWISE_CONV_2D: case TFL_OP_FULLY_CONNECTED:
	case TFL_OP_AVERAGE_POOL_2D: case TFL_OP_MAX_POOL_2D: case TFL_OP_MEAN:
	case TFL_OP_SOFTMAX: case TFL_OP_LOGISTIC: case TFL_OP_TANH: case TFL_OP_HARD_SWISH:
	case TFL_OP_RELU: case TFL_OP_RELU6: case TFL_OP_RELU_N1_TO_1: case TFL_OP_LEAKY_RELU:
	case TFL_OP_PRELU: case TFL_OP_PAD: case TFL_OP_CONCATENATION: case TFL_OP_RESHAPE:
	case TFL_OP_SQUEEZE: case TFL_OP_RESIZE_BILINEAR: case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
	case TFL_OP_STRIDED_SLICE: case TFL_OP_TRANSPOSE: case TFL_OP_DEPTH_TO_SPACE:
	case TFL_OP_SPACE_TO_DEPTH: case TFL_OP_DEQUANTIZE: case TFL_OP_EXPAND_DIMS:
	case TFL_OP_PADV2: case TFL_OP_SLICE: case TFL_OP_SPLIT: case TFL_OP_SPLIT_V:
	case TFL_OP_PACK: case TFL_OP_UNPACK: case TFL_OP_REDUCE_MAX: case TFL_OP_ARG_MAX:
	case TFL_OP_REDUCE_MIN: case TFL_OP_ARG_MIN: case TFL_OP_SUM:
	case TFL_OP_MIRROR_PAD: case TFL_OP_GATHER: case TFL_OP_ELU: case TFL_OP_GELU:
	case TFL_OP_ABS: case TFL_OP_RSQRT: case TFL_OP_SQUARED_DIFFERENCE:
	case TFL_OP_L2_NORMALIZATION: case TFL_OP_SPACE_TO_BATCH_ND: case TFL_OP_BATCH_TO_SPACE_ND:
	case TFL_OP_TILE: case TFL_OP_BROADCAST_TO: case TFL_OP_BATCH_MATMUL:
	case TFL_OP_REVERSE_V2:
		return 1;
	default:
		return 0;
	}
}

struct quant_fref *quant_fref_free(struct quant_fref *x)
{
	if (!x)
		return NULL;
	for (uint32_t i = 0; x->val && i < x->m->n_tensors; i++)
		free(x->val[i]);
	free(x->val);
	free(x->n);
	free(x);
	return NULL;
}

int quant_fref_new(const struct edgeai_model *m, struct quant_fref **ret, char *errbuf,
		   size_t errbuf_size)
{
	struct quant_fref *x = calloc(1, sizeof(*x));
	int r = 0;

	if (!x)
		return -ENOMEM;
	x->m = m;
	x->val = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(*x->val));
	x->n = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(*x->n));
	if (!x->val || !x->n) {
		quant_fref_free(x);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < m->n_tensors && r >= 0; i++) {
		const struct model_tensor *t = &m->t[i];
		uint64_t n;

		/* float32 tensors, and ARG_MAX's indices as floats */
		if (t->type != TFL_FLOAT32 && !model_is_argmax_output(m, i))
			continue;
		if (model_tensor_elems(t, &n) < 0) {
			r = base_errf(errbuf, errbuf_size, -EBADMSG, "tensor %u ('%s'): bad or huge "
				      "dimensions", i, t->name ? t->name : "");
			break;
		}
		x->val[i] = calloc(n ? n : 1, sizeof(float));
		if (!x->val[i]) {
			r = -ENOMEM;
			break;
		}
		x->n[i] = n;
		if (model_is_const(m, (int32_t)i))
			memcpy(x->val[i], m->buf[t->buffer].data, n * sizeof(float));
	}
	for (uint32_t k = 0; k < m->n_ops && r >= 0; k++) {
		const struct model_op *op = &m->ops[k];

		if (!op_supported(op))
			r = base_errf(errbuf, errbuf_size, -EOPNOTSUPP,
				      "operator %u (%s) is not supported by the float reference", k,
				      op->custom_code ? op->custom_code : edgeai_op_name(op->code));
		for (uint32_t j = 0; j < op->n_out && r >= 0 && op->code != TFL_OP_ARG_MAX &&
				   op->code != TFL_OP_ARG_MIN; j++)
			if (m->t[op->out[j]].type != TFL_FLOAT32)
				r = base_errf(errbuf, errbuf_size, -EOPNOTSUPP,
					      "operator %u (%s) output '%s' is %s, not float32", k,
					      edgeai_op_name(op->code), m->t[op->out[j]].name,
					      edgeai_tensor_type_name(m->t[op->out[j]].type));
	}
	if (r < 0) {
		quant_fref_free(x);
		return r;
	}
	*ret = x;
	return 0;
}

float *quant_fref_tensor(struct quant_fref *x, uint32_t t, size_t *ret_n)
{
	if (t >= x->m->n_tensors)
		return NULL;
	if (ret_n)
		*ret_n = x->n[t];
	return x->val[t];
}

/* Shapes */

struct dims {
	int r;
	int d[MODEL_MAX_RANK];
};

static struct dims tdims(const struct quant_fref *x, int32_t t)
{
	const struct model_tensor *ten = &x->m->t[t];
	struct dims s = { .r = (int)ten->rank };

	for (uint32_t i = 0; i < ten->rank; i++)
		s.d[i] = ten->shape[i];
	return s;
}

/* Left-pad to 4 dimensions; -1 when the rank is over 4. */
static int dims4(const struct quant_fref *x, int32_t t, int d[4])
{
	struct dims s = tdims(x, t);

	if (s.r > 4)
		return -1;
	for (int i = 0; i < 4; i++)
		d[i] = i < 4 - s.r ? 1 : s.d[i - (4 - s.r)];
	return 0;
}

/* A float operand of the current op: its data and count, or NULL. */
static const float *fin(struct quant_fref *x, const struct model_op *op, uint32_t j, size_t *n)
{
	if (j >= op->n_in || op->in[j] < 0 || !x->val[op->in[j]])
		return NULL;
	if (n)
		*n = x->n[op->in[j]];
	return x->val[op->in[j]];
}

/* An int32 constant operand: count and values (copied into @v, at most @max). */
static int iconst(struct quant_fref *x, const struct model_op *op, uint32_t j, int32_t *v, int max)
{
	const struct edgeai_model *m = x->m;
	const struct model_tensor *t;
	size_t n;

	if (j >= op->n_in || !model_is_const(m, op->in[j]))
		return -1;
	t = &m->t[op->in[j]];
	if (t->type != TFL_INT32)
		return -1;
	n = m->buf[t->buffer].size / 4;
	if (n > (size_t)max)
		return -1;
	memcpy(v, m->buf[t->buffer].data, n * 4);
	return (int)n;
}

static float act(float v, int a)
{
	switch (a) {
	case TFL_ACT_RELU:
		return v < 0 ? 0 : v;
	case TFL_ACT_RELU6:
		return v < 0 ? 0 : v > 6 ? 6 : v;
	case TFL_ACT_RELU_N1_TO_1:
		return v < -1 ? -1 : v > 1 ? 1 : v;
	case TFL_ACT_TANH:
		return tanhf(v);
	default:
		return v;
	}
}

/* Output size and leading padding of one spatial dimension; -1 when @out is inconsistent. */
static int spatial(int in, int k, int stride, int dil, int padding, int out, int *pad)
{
	int64_t eff, want, total;	/* in 64 bits: the options are the file's */

	if (stride < 1 || dil < 1 || k < 1)
		return -1;
	eff = (int64_t)(k - 1) * dil + 1;
	if (padding == TFL_PAD_SAME) {
		want = ((int64_t)in + stride - 1) / stride;
		total = (want - 1) * stride + eff - in;
		if (total / 2 > INT32_MAX)
			return -1;
		*pad = total > 0 ? (int)(total / 2) : 0;
	} else {
		want = in >= eff ? (in - eff + stride) / stride : 0;
		*pad = 0;
	}
	return want == out ? 0 : -1;
}

#define SHAPE_ERR(x, op, what)                                                             \
	base_errf((x)->err, (x)->errsz, -EBADMSG, "operator %u (%s): %s", (x)->op,             \
		  edgeai_op_name((op)->code), (what))

static int k_conv(struct quant_fref *x, const struct model_op *op, float *out, int depthwise)
{
	int id[4], fd[4], od[4], ph, pw, mult = 1;
	const float *in, *w, *b;
	size_t nb = 0;

	in = fin(x, op, 0, NULL);
	w = fin(x, op, 1, NULL);
	b = fin(x, op, 2, &nb);
	if (!in || !w || tdims(x, op->in[0]).r != 4 || tdims(x, op->in[1]).r != 4 ||
	    tdims(x, op->out[0]).r != 4)
		return SHAPE_ERR(x, op, "needs 4-D float input, filter and output");
	dims4(x, op->in[0], id);
	dims4(x, op->in[1], fd);
	dims4(x, op->out[0], od);
	if (depthwise) {
		if (fd[0] != 1 || id[3] == 0 || fd[3] % id[3] || od[3] != fd[3])
			return SHAPE_ERR(x, op, "filter does not match the channels");
		mult = fd[3] / id[3];
	} else if (fd[3] != id[3] || od[3] != fd[0]) {
		return SHAPE_ERR(x, op, "filter does not match the channels");
	}
	if (od[0] != id[0] || (b && nb != (size_t)od[3]) ||
	    spatial(id[1], fd[1], op->o.stride_h, op->o.dil_h, op->o.padding, od[1], &ph) ||
	    spatial(id[2], fd[2], op->o.stride_w, op->o.dil_w, op->o.padding, od[2], &pw))
		return SHAPE_ERR(x, op, "output shape does not match input, filter and padding");

	for (int n = 0; n < od[0]; n++)
		for (int oy = 0; oy < od[1]; oy++)
			for (int ox = 0; ox < od[2]; ox++) {
				float *o = out + (((size_t)n * od[1] + oy) * od[2] + ox) * od[3];

				for (int c = 0; c < od[3]; c++)
					o[c] = b ? b[c] : 0.0f;
				for (int ky = 0; ky < fd[1]; ky++) {
					int64_t iy = (int64_t)oy * op->o.stride_h - ph +
						     (int64_t)ky * op->o.dil_h;

					if (iy < 0 || iy >= id[1])
						continue;
					for (int kx = 0; kx < fd[2]; kx++) {
						int64_t ix = (int64_t)ox * op->o.stride_w - pw +
							     (int64_t)kx * op->o.dil_w;
						const float *p;

						if (ix < 0 || ix >= id[2])
							continue;
						p = in + (((size_t)n * id[1] + iy) * id[2] + ix) * id[3];
						if (depthwise) {
							const float *wr = w + ((size_t)ky * fd[2] + kx) * fd[3];

							for (int c = 0; c < od[3]; c++)
								o[c] += p[c / mult] * wr[c];
							continue;
						}
						for (int c = 0; c < od[3]; c++) {
							const float *wr = w + (((size_t)c * fd[1] + ky) * fd[2] + kx) * fd[3];
							float s = 0;

							for (int i = 0; i < id[3]; i++)
								s += p[i] * wr[i];
							o[c] += s;
						}
					}
				}
				for (int c = 0; c < od[3]; c++)
					o[c] = act(o[c], op->o.act);
			}
	return 0;
}

/*
 * TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias, as their
 * float kernels compute them: the output starts at the bias (zero without
 * one), and every input pixel adds in[ic] * w[oc][ky][kx][ic] into the
 * output (y * stride - cut + ky, x * stride - cut + kx) when that lands
 * inside; the input channels summed in order per tap, as the reference
 * loops do. No fused activation (TFLite 2.9 has none for this op).
 */
static int k_tconv(struct quant_fref *x, const struct model_op *op, float *out)
{
	const struct edgeai_model *m = x->m;
	struct model_tconv tc;
	const float *in, *w, *b = NULL;
	int id[4], fd[4], od[4];

	if (model_tconv(m, op, &tc) < 0)
		return SHAPE_ERR(x, op, "output shape does not match input, filter, stride and padding");
	in = x->val[tc.in];
	w = x->val[tc.filter];
	if (tc.bias >= 0 && !(b = x->val[tc.bias]))
		return SHAPE_ERR(x, op, "needs a float bias");
	if (!in || !w)
		return SHAPE_ERR(x, op, "needs float input and filter");
	dims4(x, tc.in, id);
	dims4(x, tc.filter, fd);
	dims4(x, tc.out, od);
	for (size_t i = 0; i < (size_t)od[0] * od[1] * od[2]; i++)
		for (int c = 0; c < od[3]; c++)
			out[i * od[3] + c] = b ? b[c] : 0.0f;
	for (int n = 0; n < id[0]; n++)
		for (int iy = 0; iy < id[1]; iy++)
			for (int ix = 0; ix < id[2]; ix++) {
				const float *p = in + (((size_t)n * id[1] + iy) * id[2] + ix) * id[3];

				for (int ky = 0; ky < fd[1]; ky++) {
					int64_t oy = (int64_t)iy * op->o.stride_h - tc.pad_h + ky;

					if (oy < 0 || oy >= od[1])
						continue;
					for (int kx = 0; kx < fd[2]; kx++) {
						int64_t ox = (int64_t)ix * op->o.stride_w - tc.pad_w + kx;
						float *o;

						if (ox < 0 || ox >= od[2])
							continue;
						o = out + (((size_t)n * od[1] + oy) * od[2] + ox) * od[3];
						for (int c = 0; c < od[3]; c++) {
							const float *wr = w + (((size_t)c * fd[1] + ky) * fd[2] + kx) *
									  fd[3];
							float s = 0;

							for (int i = 0; i < id[3]; i++)
								s += p[i] * wr[i];
							o[c] += s;
						}
					}
				}
			}
	return 0;
}

static int k_fc(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	size_t nin = 0, nw = 0, nb = 0, units, depth, batch;
	const float *in = fin(x, op, 0, &nin), *w = fin(x, op, 1, &nw), *b = fin(x, op, 2, &nb);
	struct dims wd;

	if (!in || !w)
		return SHAPE_ERR(x, op, "needs float input and weights");
	wd = tdims(x, op->in[1]);
	if (wd.r != 2 || wd.d[1] == 0)
		return SHAPE_ERR(x, op, "weights are not 2-D");
	units = wd.d[0];
	depth = wd.d[1];
	batch = nin / depth;
	if (nin % depth || nout != batch * units || (b && nb != units))
		return SHAPE_ERR(x, op, "shapes of input, weights and output disagree");
	for (size_t n = 0; n < batch; n++)
		for (size_t u = 0; u < units; u++) {
			float s = b ? b[u] : 0.0f;

			for (size_t i = 0; i < depth; i++)
				s += in[n * depth + i] * w[u * depth + i];
			out[n * units + u] = act(s, op->o.act);
		}
	return 0;
}

/*
 * BATCH_MATMUL: [.., M, K] x [.., K, N] (adj_x, adj_y: the matrices stored
 * transposed), batch dimensions (up to two, right-aligned) broadcast.
 */
static int k_matmul(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	size_t nl = 0, nr = 0;
	const float *l = fin(x, op, 0, &nl), *r = fin(x, op, 1, &nr);
	int dl[4], dr[4], m, k, n, b0, b1, i, j, t, ob0, ob1;

	if (!l || !r || op->n_in < 2)
		return SHAPE_ERR(x, op, "needs two float inputs");
	if (x->m->t[op->in[0]].rank < 2 || x->m->t[op->in[1]].rank < 2 ||
	    dims4(x, op->in[0], dl) || dims4(x, op->in[1], dr))
		return SHAPE_ERR(x, op, "inputs of rank other than 2 to 4");
	m = op->o.adj_x ? dl[3] : dl[2];
	k = op->o.adj_x ? dl[2] : dl[3];
	n = op->o.adj_y ? dr[2] : dr[3];
	ob0 = dl[0] > dr[0] ? dl[0] : dr[0];
	ob1 = dl[1] > dr[1] ? dl[1] : dr[1];
	if ((op->o.adj_y ? dr[3] : dr[2]) != k || (dl[0] != ob0 && dl[0] != 1) ||
	    (dr[0] != ob0 && dr[0] != 1) || (dl[1] != ob1 && dl[1] != 1) ||
	    (dr[1] != ob1 && dr[1] != 1) || nout != (size_t)ob0 * ob1 * m * n)
		return SHAPE_ERR(x, op, "shapes of the matrices and the output disagree");
	for (b0 = 0; b0 < ob0; b0++)
		for (b1 = 0; b1 < ob1; b1++) {
			const float *lb = l + ((size_t)(dl[0] > 1 ? b0 : 0) * dl[1] +
					       (dl[1] > 1 ? b1 : 0)) * m * k;
			const float *rb = r + ((size_t)(dr[0] > 1 ? b0 : 0) * dr[1] +
					       (dr[1] > 1 ? b1 : 0)) * k * n;
			float *ob = out + ((size_t)b0 * ob1 + b1) * m * n;

			for (i = 0; i < m; i++)
				for (j = 0; j < n; j++) {
					float s = 0.0f;

					for (t = 0; t < k; t++)
						s += (op->o.adj_x ? lb[(size_t)t * m + i] :
								    lb[(size_t)i * k + t]) *
						     (op->o.adj_y ? rb[(size_t)j * k + t] :
								    rb[(size_t)t * n + j]);
					ob[(size_t)i * n + j] = s;
				}
		}
	return 0;
}

static int k_pool(struct quant_fref *x, const struct model_op *op, float *out, int is_max)
{
	int id[4], od[4], ph, pw;
	const float *in = fin(x, op, 0, NULL);

	if (!in || tdims(x, op->in[0]).r != 4 || tdims(x, op->out[0]).r != 4)
		return SHAPE_ERR(x, op, "needs 4-D float input and output");
	dims4(x, op->in[0], id);
	dims4(x, op->out[0], od);
	if (od[0] != id[0] || od[3] != id[3] ||
	    spatial(id[1], op->o.filter_h, op->o.stride_h, 1, op->o.padding, od[1], &ph) ||
	    spatial(id[2], op->o.filter_w, op->o.stride_w, 1, op->o.padding, od[2], &pw))
		return SHAPE_ERR(x, op, "output shape does not match input, filter and padding");
	for (int n = 0; n < od[0]; n++)
		for (int oy = 0; oy < od[1]; oy++)
			for (int ox = 0; ox < od[2]; ox++)
				for (int c = 0; c < od[3]; c++) {
					/* the window's first row and column, in 64 bits (the file's options) */
					int64_t y0 = (int64_t)oy * op->o.stride_h - ph;
					int64_t x0 = (int64_t)ox * op->o.stride_w - pw;
					int64_t ya = y0 < 0 ? 0 : y0, xa = x0 < 0 ? 0 : x0;
					int64_t yb = y0 + op->o.filter_h, xb = x0 + op->o.filter_w;
					float s = is_max ? -INFINITY : 0.0f;
					int cnt = 0;

					/* the window's rows and columns inside the input, in order */
					for (int64_t iy = ya; iy < yb && iy < id[1]; iy++)
						for (int64_t ix = xa; ix < xb && ix < id[2]; ix++) {
							float v = in[(((size_t)n * id[1] + iy) * id[2] + ix) *
								     id[3] + c];

							s = is_max ? fmaxf(s, v) : s + v;
							cnt++;
						}
					if (!is_max)
						s = cnt ? s / (float)cnt : 0.0f;
					out[(((size_t)n * od[1] + oy) * od[2] + ox) * od[3] + c] =
						act(s, op->o.act);
				}
	return 0;
}

/* Broadcasting binary ops over up to 4 dimensions. */
static int k_binary(struct quant_fref *x, const struct model_op *op, float *out)
{
	int a[4], b[4], o[4];
	const float *pa = fin(x, op, 0, NULL), *pb = fin(x, op, 1, NULL);

	if (!pa || !pb || dims4(x, op->in[0], a) || dims4(x, op->in[1], b) || dims4(x, op->out[0], o))
		return SHAPE_ERR(x, op, "needs float operands of rank <= 4");
	for (int i = 0; i < 4; i++)
		if ((a[i] != o[i] && a[i] != 1) || (b[i] != o[i] && b[i] != 1))
			return SHAPE_ERR(x, op, "operands do not broadcast to the output");
	for (int i0 = 0; i0 < o[0]; i0++)
		for (int i1 = 0; i1 < o[1]; i1++)
			for (int i2 = 0; i2 < o[2]; i2++)
				for (int i3 = 0; i3 < o[3]; i3++) {
#define IDX(s) ((((size_t)(s[0] > 1 ? i0 : 0) * s[1] + (s[1] > 1 ? i1 : 0)) * s[2] +      \
		 (s[2] > 1 ? i2 : 0)) * s[3] + (s[3] > 1 ? i3 : 0))
					float u = pa[IDX(a)], v = pb[IDX(b)], r;

					switch (op->code) {
					case TFL_OP_ADD: r = u + v; break;
					case TFL_OP_SUB: r = u - v; break;
					case TFL_OP_MUL: r = u * v; break;
					case TFL_OP_MAXIMUM: r = fmaxf(u, v); break;
					case TFL_OP_MINIMUM: r = fminf(u, v); break;
					case TFL_OP_SQUARED_DIFFERENCE: r = (u - v) * (u - v); break;
					default: r = u >= 0 ? u : u * v; break; /* PRELU */
					}
					out[IDX(o)] = op->code == TFL_OP_PRELU ? r : act(r, op->o.act);
#undef IDX
				}
	return 0;
}

/* MEAN (@kind 0), REDUCE_MAX (1), REDUCE_MIN (-1), SUM (2) */
static int k_mean(struct quant_fref *x, const struct model_op *op, float *out, size_t nout,
		  int kind)
{
	int32_t axes[8];
	int d[4], red[4] = { 0 }, n, rank = tdims(x, op->in[0]).r;
	const float *in = fin(x, op, 0, NULL);
	size_t cnt = 1, total = 0;

	n = iconst(x, op, 1, axes, 8);
	if (!in || n < 0 || dims4(x, op->in[0], d))
		return SHAPE_ERR(x, op, "needs a float input of rank <= 4 and constant axes");
	for (int i = 0; i < n; i++) {
		int a = axes[i] < 0 ? axes[i] + rank : axes[i];

		if (a < 0 || a >= rank)
			return SHAPE_ERR(x, op, "axis out of range");
		red[a + 4 - rank] = 1;
	}
	for (int i = 0; i < 4; i++) {
		if (red[i])
			cnt *= d[i];
		else
			total = (total ? total : 1) * d[i];
	}
	if (!total)
		total = 1;
	if (nout != total || !cnt)
		return SHAPE_ERR(x, op, "output size does not match the reduction");
	for (size_t i = 0; i < nout; i++)
		out[i] = kind == 1 ? -INFINITY : kind < 0 ? INFINITY : 0.0f;
	for (int i0 = 0; i0 < d[0]; i0++)
		for (int i1 = 0; i1 < d[1]; i1++)
			for (int i2 = 0; i2 < d[2]; i2++)
				for (int i3 = 0; i3 < d[3]; i3++) {
					int idx[4] = { i0, i1, i2, i3 };
					size_t o = 0;
					float v;

					for (int k = 0; k < 4; k++)
						if (!red[k])
							o = o * d[k] + idx[k];
					v = in[(((size_t)i0 * d[1] + i1) * d[2] + i2) * d[3] + i3];
					out[o] = kind == 1 ? fmaxf(out[o], v) :
						 kind < 0 ? fminf(out[o], v) : out[o] + v;
				}
	for (size_t i = 0; i < nout && !kind; i++)
		out[i] /= (float)cnt;	/* MEAN */
	return 0;
}

static int k_unary(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	size_t n;
	const float *in = fin(x, op, 0, &n);

	if (!in || n != nout)
		return SHAPE_ERR(x, op, "input and output sizes differ");
	for (size_t i = 0; i < n; i++) {
		float v = in[i];

		switch (op->code) {
		case TFL_OP_LOGISTIC: v = 1.0f / (1.0f + expf(-v)); break;
		case TFL_OP_TANH: v = tanhf(v); break;
		case TFL_OP_HARD_SWISH: v = v * fminf(fmaxf(v + 3.0f, 0.0f), 6.0f) / 6.0f; break;
		case TFL_OP_RELU: v = act(v, TFL_ACT_RELU); break;
		case TFL_OP_RELU6: v = act(v, TFL_ACT_RELU6); break;
		case TFL_OP_RELU_N1_TO_1: v = act(v, TFL_ACT_RELU_N1_TO_1); break;
		case TFL_OP_LEAKY_RELU: v = v >= 0 ? v : v * op->o.alpha; break;
		case TFL_OP_ELU: v = v < 0 ? expm1f(v) : v; break;
		case TFL_OP_ABS: v = fabsf(v); break;
		case TFL_OP_RSQRT: v = 1.0f / sqrtf(v); break;
		case TFL_OP_GELU:
			v = op->o.approximate ?
			    0.5f * v * (1.0f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v))) :
			    0.5f * v * (1.0f + erff(v * 0.70710678f));
			break;
		default: break; /* RESHAPE, SQUEEZE, DEQUANTIZE of float: copy */
		}
		out[i] = v;
	}
	return 0;
}

static int k_softmax(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	size_t n;
	const float *in = fin(x, op, 0, &n);
	struct dims d = tdims(x, op->in[0]);
	size_t depth = d.r ? (size_t)d.d[d.r - 1] : 1;

	if (!in || n != nout || !depth || n % depth)
		return SHAPE_ERR(x, op, "input and output sizes differ");
	for (size_t r = 0; r < n / depth; r++) {
		const float *p = in + r * depth;
		float mx = p[0], s = 0;

		for (size_t i = 1; i < depth; i++)
			mx = fmaxf(mx, p[i]);
		for (size_t i = 0; i < depth; i++)
			s += out[r * depth + i] = expf((p[i] - mx) * op->o.beta);
		for (size_t i = 0; i < depth; i++)
			out[r * depth + i] /= s;
	}
	return 0;
}

static int k_pad(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	int32_t p[8];
	int d[4], o[4], before[4] = { 0 }, rank = tdims(x, op->in[0]).r;
	const float *in = fin(x, op, 0, NULL);
	int n = iconst(x, op, 1, p, 8);
	const float *v = op->code == TFL_OP_PADV2 ? fin(x, op, 2, NULL) : NULL;
	float fill = v ? v[0] : 0.0f;

	if (!in || n != 2 * rank || dims4(x, op->in[0], d) || dims4(x, op->out[0], o))
		return SHAPE_ERR(x, op, "needs rank <= 4 and constant paddings");
	for (int i = 0; i < rank; i++) {
		int k = i + 4 - rank;

		if (p[2 * i] < 0 || p[2 * i + 1] < 0 || d[k] + p[2 * i] + p[2 * i + 1] != o[k])
			return SHAPE_ERR(x, op, "paddings do not match the output shape");
		before[k] = p[2 * i];
	}
	for (size_t i = 0; i < nout; i++)
		out[i] = fill;
	for (int i0 = 0; i0 < d[0]; i0++)
		for (int i1 = 0; i1 < d[1]; i1++)
			for (int i2 = 0; i2 < d[2]; i2++)
				memcpy(out + ((((size_t)(i0 + before[0]) * o[1] + i1 + before[1]) * o[2] +
					       i2 + before[2]) * o[3] + before[3]),
				       in + (((size_t)i0 * d[1] + i1) * d[2] + i2) * d[3],
				       (size_t)d[3] * sizeof(float));
	return 0;
}

/* MIRROR_PAD: each output index maps back into the input, axis by axis. */
static int k_mirror_pad(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	int32_t p[8];
	int d[4], o[4], before[4] = { 0 }, rank = tdims(x, op->in[0]).r, sym = op->o.mirror_mode == 1;
	const float *in = fin(x, op, 0, NULL);
	int n = iconst(x, op, 1, p, 8);
	size_t k = 0;

	if (!in || n != 2 * rank || dims4(x, op->in[0], d) || dims4(x, op->out[0], o))
		return SHAPE_ERR(x, op, "needs rank <= 4 and constant paddings");
	for (int i = 0; i < rank; i++) {
		int a = i + 4 - rank;

		if (p[2 * i] < 0 || p[2 * i + 1] < 0 || p[2 * i] > d[a] - !sym ||
		    p[2 * i + 1] > d[a] - !sym || d[a] + p[2 * i] + p[2 * i + 1] != o[a])
			return SHAPE_ERR(x, op, "paddings do not match the input and output");
		before[a] = p[2 * i];
	}
	if ((size_t)o[0] * o[1] * o[2] * o[3] != nout)
		return SHAPE_ERR(x, op, "output size");
	for (int i0 = 0; i0 < o[0]; i0++)
		for (int i1 = 0; i1 < o[1]; i1++)
			for (int i2 = 0; i2 < o[2]; i2++)
				for (int i3 = 0; i3 < o[3]; i3++) {
					int idx[4] = { i0, i1, i2, i3 }, src[4];

					for (int a = 0; a < 4; a++) {
						int v = idx[a] - before[a];

						if (v < 0)
							v = -v - sym;
						else if (v >= d[a])
							v = 2 * d[a] - 2 - v + sym;
						src[a] = v;
					}
					out[k++] = in[(((size_t)src[0] * d[1] + src[1]) * d[2] + src[2]) *
						      d[3] + src[3]];
				}
	return 0;
}

/* GATHER (batch_dims 0): out [outer, n, inner] of in [outer, dim, inner] by constant indices. */
static int k_gather(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	struct dims d = tdims(x, op->in[0]);
	int32_t idx[1024];
	int n = iconst(x, op, 1, idx, 1024), axis = op->o.axis < 0 ? op->o.axis + d.r : op->o.axis;
	const float *in = fin(x, op, 0, NULL);
	size_t outer = 1, inner = 1;

	if (!in || n < 1 || axis < 0 || axis >= d.r || op->o.batch_dims)
		return SHAPE_ERR(x, op, "needs constant int32 indices and an axis, batch_dims 0");
	for (int i = 0; i < d.r; i++)
		if (i != axis)
			*(i < axis ? &outer : &inner) *= (size_t)d.d[i];
	if (outer * inner * (size_t)n != nout)
		return SHAPE_ERR(x, op, "output size does not match the indices");
	for (size_t o = 0; o < outer; o++)
		for (int k = 0; k < n; k++) {
			if (idx[k] < 0 || idx[k] >= d.d[axis])
				return SHAPE_ERR(x, op, "an index outside the axis");
			memcpy(out + (o * (size_t)n + (size_t)k) * inner,
			       in + (o * (size_t)d.d[axis] + (size_t)idx[k]) * inner, inner * sizeof(float));
		}
	return 0;
}

static int k_concat(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	struct dims od = tdims(x, op->out[0]);
	int axis = op->o.axis < 0 ? op->o.axis + od.r : op->o.axis;
	size_t outer = 1, inner = 1, off = 0;

	if (axis < 0 || axis >= od.r)
		return SHAPE_ERR(x, op, "axis out of range");
	for (int i = 0; i < axis; i++)
		outer *= od.d[i];
	for (int i = axis + 1; i < od.r; i++)
		inner *= od.d[i];
	for (uint32_t j = 0; j < op->n_in; j++) {
		size_t n;
		const float *in = fin(x, op, j, &n);
		struct dims d;
		size_t chunk;

		if (!in)
			return SHAPE_ERR(x, op, "needs float inputs");
		d = tdims(x, op->in[j]);
		if (d.r != od.r)
			return SHAPE_ERR(x, op, "inputs differ in rank");
		chunk = (size_t)d.d[axis] * inner;
		if (n != outer * chunk || (off + chunk) * outer > nout)
			return SHAPE_ERR(x, op, "input shapes do not match the output");
		for (size_t o = 0; o < outer; o++)
			memcpy(out + o * (nout / (outer ? outer : 1)) + off, in + o * chunk,
			       chunk * sizeof(float));
		off += chunk;
	}
	if (off * outer != nout)
		return SHAPE_ERR(x, op, "inputs do not fill the output");
	return 0;
}

static void interp(int o, float scale, int half, int in, float *v, int *lo, int *hi)
{
	*v = half ? ((float)o + 0.5f) * scale - 0.5f : (float)o * scale;
	*lo = (int)floorf(*v);
	*hi = (int)ceilf(*v);
	if (*lo < 0)
		*lo = 0;
	if (*hi > in - 1)
		*hi = in - 1;
	if (*lo > in - 1)
		*lo = in - 1;
}

static int k_resize(struct quant_fref *x, const struct model_op *op, float *out, int bilinear)
{
	int d[4], o[4];
	const float *in = fin(x, op, 0, NULL);
	float sy, sx;

	if (!in || tdims(x, op->in[0]).r != 4 || dims4(x, op->in[0], d) || dims4(x, op->out[0], o) ||
	    o[0] != d[0] || o[3] != d[3] || !d[1] || !d[2])
		return SHAPE_ERR(x, op, "needs 4-D input and output with equal batch and channels");
	sy = op->o.align_corners && o[1] > 1 ? (float)(d[1] - 1) / (float)(o[1] - 1) : (float)d[1] / (float)o[1];
	sx = op->o.align_corners && o[2] > 1 ? (float)(d[2] - 1) / (float)(o[2] - 1) : (float)d[2] / (float)o[2];
	for (int n = 0; n < o[0]; n++)
		for (int y = 0; y < o[1]; y++)
			for (int xx = 0; xx < o[2]; xx++) {
				float *dst = out + (((size_t)n * o[1] + y) * o[2] + xx) * o[3];
				const float *base = in + (size_t)n * d[1] * d[2] * d[3];

				if (bilinear) {
					float vy, vx;
					int y0, y1, x0, x1;

					interp(y, sy, op->o.half_pixel, d[1], &vy, &y0, &y1);
					interp(xx, sx, op->o.half_pixel, d[2], &vx, &x0, &x1);
					for (int c = 0; c < o[3]; c++) {
#define AT(yy, xq) base[((size_t)(yy) * d[2] + (xq)) * d[3] + c]
						dst[c] = AT(y0, x0) * (1 - (vy - y0)) * (1 - (vx - x0)) +
							 AT(y1, x0) * (vy - y0) * (1 - (vx - x0)) +
							 AT(y0, x1) * (1 - (vy - y0)) * (vx - x0) +
							 AT(y1, x1) * (vy - y0) * (vx - x0);
#undef AT
					}
				} else {
					float fy = op->o.half_pixel ? ((float)y + 0.5f) * sy : (float)y * sy;
					float fx = op->o.half_pixel ? ((float)xx + 0.5f) * sx : (float)xx * sx;
					int iy = op->o.align_corners ? (int)roundf(fy) : (int)floorf(fy);
					int ix = op->o.align_corners ? (int)roundf(fx) : (int)floorf(fx);

					iy = iy < 0 ? 0 : iy > d[1] - 1 ? d[1] - 1 : iy;
					ix = ix < 0 ? 0 : ix > d[2] - 1 ? d[2] - 1 : ix;
					memcpy(dst, base + ((size_t)iy * d[2] + ix) * d[3], (size_t)d[3] * sizeof(float));
				}
			}
	return 0;
}

/* TRANSPOSE of rank 1 to 6: output element i reads the input at its index permuted. */
static int k_transpose(struct quant_fref *x, const struct model_op *op, float *out)
{
	struct dims d = tdims(x, op->in[0]), o = tdims(x, op->out[0]);
	const float *in = fin(x, op, 0, NULL);
	int32_t perm[6];
	int n = iconst(x, op, 1, perm, 6), r = d.r, seen = 0;
	size_t istr[6], idx[6] = { 0 }, cnt = 1;

	if (!in || r < 1 || r > 6 || n != r || o.r != r)
		return SHAPE_ERR(x, op, "needs rank 1 to 6 and a constant permutation");
	for (int k = 0; k < r; k++) {
		if (perm[k] < 0 || perm[k] >= r || seen & 1 << perm[k] || o.d[k] != d.d[perm[k]])
			return SHAPE_ERR(x, op, "permutation does not match the output");
		seen |= 1 << perm[k];
		cnt *= (size_t)o.d[k];
	}
	istr[r - 1] = 1;
	for (int k = r - 1; k > 0; k--)
		istr[k - 1] = istr[k] * (size_t)d.d[k];
	for (size_t i = 0; i < cnt; i++) {
		size_t src = 0;

		for (int k = 0; k < r; k++)
			src += idx[k] * istr[perm[k]];
		out[i] = in[src];
		for (int k = r; k-- > 0;) {
			if (++idx[k] < (size_t)o.d[k])
				break;
			idx[k] = 0;
		}
	}
	return 0;
}

static int k_space_depth(struct quant_fref *x, const struct model_op *op, float *out, int to_depth)
{
	int d[4], o[4], b = op->o.block_size;
	const float *in = fin(x, op, 0, NULL);
	const int *s = to_depth ? d : o; /* the spatial (large) side */
	const int *c = to_depth ? o : d; /* the deep side */

	if (!in || b < 1 || tdims(x, op->in[0]).r != 4 || dims4(x, op->in[0], d) ||
	    dims4(x, op->out[0], o) || s[1] != c[1] * b || s[2] != c[2] * b ||
	    c[3] != s[3] * b * b || s[0] != c[0])
		return SHAPE_ERR(x, op, "shapes do not match the block size");
	for (int n = 0; n < s[0]; n++)
		for (int y = 0; y < s[1]; y++)
			for (int xx = 0; xx < s[2]; xx++)
				for (int ch = 0; ch < s[3]; ch++) {
					size_t si = (((size_t)n * s[1] + y) * s[2] + xx) * s[3] + ch;
					size_t ci = (((size_t)n * c[1] + y / b) * c[2] + xx / b) * c[3] +
						    ((size_t)(y % b) * b + xx % b) * s[3] + ch;

					if (to_depth)
						out[ci] = in[si];
					else
						out[si] = in[ci];
				}
	return 0;
}

/* TILE and BROADCAST_TO: output index i of each axis reads the input's i % its size. */
static int k_tile(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	const float *in = fin(x, op, 0, NULL);
	int d[4], o[4];
	size_t k = 0;

	if (!in || dims4(x, op->in[0], d) || dims4(x, op->out[0], o))
		return SHAPE_ERR(x, op, "needs rank <= 4");
	for (int a = 0; a < 4; a++)
		if (d[a] < 1 || o[a] < 1 || o[a] % d[a])
			return SHAPE_ERR(x, op, "the output's shape is not a tiling of the input's");
	if ((size_t)o[0] * o[1] * o[2] * o[3] != nout)
		return SHAPE_ERR(x, op, "the output's size does not match its shape");
	for (int i0 = 0; i0 < o[0]; i0++)
		for (int i1 = 0; i1 < o[1]; i1++)
			for (int i2 = 0; i2 < o[2]; i2++)
				for (int i3 = 0; i3 < o[3]; i3++)
					out[k++] = in[(((size_t)(i0 % d[0]) * d[1] + i1 % d[1]) * d[2] +
						       i2 % d[2]) * d[3] + i3 % d[3]];
	return 0;
}

/* REVERSE_V2: each named axis read backwards. */
static int k_reverse(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	const float *in = fin(x, op, 0, NULL);
	int32_t axes[4];
	int d[4], n = iconst(x, op, 1, axes, 4), flip[4] = { 0 }, i[4];
	struct dims s = tdims(x, op->in[0]);
	size_t k = 0;

	if (!in || n < 0 || dims4(x, op->in[0], d))
		return SHAPE_ERR(x, op, "needs rank <= 4 and constant int32 axes");
	for (int j = 0; j < n; j++) {
		int a = axes[j] < 0 ? axes[j] + s.r : axes[j];

		if (a < 0 || a >= s.r)
			return SHAPE_ERR(x, op, "axis out of range");
		flip[a + 4 - s.r] = 1;
	}
	if ((size_t)d[0] * d[1] * d[2] * d[3] != nout)
		return SHAPE_ERR(x, op, "the output's size does not match the input's");
	for (i[0] = 0; i[0] < d[0]; i[0]++)
		for (i[1] = 0; i[1] < d[1]; i[1]++)
			for (i[2] = 0; i[2] < d[2]; i[2]++)
				for (i[3] = 0; i[3] < d[3]; i[3]++) {
					size_t src = 0;

					for (int a = 0; a < 4; a++)
						src = src * (size_t)d[a] +
						      (size_t)(flip[a] ? d[a] - 1 - i[a] : i[a]);
					out[k++] = in[src];
				}
	return 0;
}

/* [N, H, W, C] of a 3-D [N, H, C] (W 1) or 4-D tensor; -1 for other ranks. */
static int spatial4(const struct quant_fref *x, int32_t t, int d[4])
{
	struct dims s = tdims(x, t);

	if (s.r != 3 && s.r != 4)
		return -1;
	d[0] = s.d[0];
	d[1] = s.d[1];
	d[2] = s.r == 4 ? s.d[2] : 1;
	d[3] = s.d[s.r - 1];
	return 0;
}

/*
 * SPACE_TO_BATCH_ND (@to_batch) and BATCH_TO_SPACE_ND, by TFLite's index
 * maps: a 3-D [N, H, C] tensor is [N, H, 1, C] with a block width of 1.
 * Space to batch: pixel (y, x) of output batch (i * bw + j) * N + n is the
 * padded input's pixel (y * bh + i, x * bw + j) of batch n, 0 in the
 * padding. Batch to space: the inverse, cropped.
 */
static int k_space_batch(struct quant_fref *x, const struct model_op *op, float *out,
			 size_t nout, int to_batch)
{
	int32_t b[2] = { 1, 1 }, p[4] = { 0 };
	int d[4], o[4], rank = tdims(x, op->in[0]).r;
	const float *in = fin(x, op, 0, NULL);
	const int *sp, *bt;	/* the spatial and the batched side */
	int nb, bh, bw;

	if (!in || spatial4(x, op->in[0], d) || spatial4(x, op->out[0], o) ||
	    tdims(x, op->out[0]).r != rank || iconst(x, op, 1, b, 2) != rank - 2 ||
	    iconst(x, op, 2, p, 4) != 2 * (rank - 2))
		return SHAPE_ERR(x, op, "needs a 3-D or 4-D input and constant block and paddings");
	bh = b[0];
	bw = b[1];
	sp = to_batch ? d : o;
	bt = to_batch ? o : d;
	nb = sp[0];
	if (bh < 1 || bw < 1 || p[0] < 0 || p[1] < 0 || p[2] < 0 || p[3] < 0 ||
	    (int64_t)bt[0] != (int64_t)nb * bh * bw || bt[3] != sp[3] ||
	    (int64_t)bt[1] * bh != (int64_t)sp[1] + p[0] + p[1] || nb < 1 ||
	    (int64_t)bt[2] * bw != (int64_t)sp[2] + p[2] + p[3])
		return SHAPE_ERR(x, op, "shapes do not match the block and the paddings or crops");
	if (to_batch)
		for (size_t i = 0; i < nout; i++)
			out[i] = 0.0f;
	for (int ob = 0; ob < bt[0]; ob++) {
		int n = ob % nb, i = ob / nb / bw, j = ob / nb % bw;

		for (int y = 0; y < bt[1]; y++) {
			int64_t sy = (int64_t)y * bh + i - p[0];

			if (sy < 0 || sy >= sp[1])
				continue;
			for (int xx = 0; xx < bt[2]; xx++) {
				int64_t sx = (int64_t)xx * bw + j - p[2];
				size_t bi = (((size_t)ob * bt[1] + y) * bt[2] + xx) * bt[3];
				size_t si = (((size_t)n * sp[1] + sy) * sp[2] + sx) * sp[3];

				if (sx < 0 || sx >= sp[2])
					continue;
				if (to_batch)
					memcpy(out + bi, in + si, (size_t)sp[3] * sizeof(float));
				else
					memcpy(out + si, in + bi, (size_t)sp[3] * sizeof(float));
			}
		}
	}
	return 0;
}

static int k_strided_slice(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	int32_t be[4], en[4], st[4];
	int d[4], rank = tdims(x, op->in[0]).r, start[4], stop[4], step[4];
	const float *in = fin(x, op, 0, NULL);
	size_t k = 0;

	if (!in || dims4(x, op->in[0], d) || iconst(x, op, 1, be, 4) != rank ||
	    iconst(x, op, 2, en, 4) != rank || iconst(x, op, 3, st, 4) != rank ||
	    op->o.ellipsis_mask || op->o.new_axis_mask)
		return SHAPE_ERR(x, op, "needs rank <= 4, constant begin/end/strides, no ellipsis");
	for (int i = 0; i < 4; i++) {
		int a = i - (4 - rank), dim = d[i];

		start[i] = 0;
		stop[i] = dim;
		step[i] = 1;
		if (a < 0)
			continue;
		step[i] = st[a];
		if (!step[i])
			return SHAPE_ERR(x, op, "zero stride");
		start[i] = be[a] < 0 ? be[a] + dim : be[a];
		stop[i] = en[a] < 0 ? en[a] + dim : en[a];
		if (op->o.begin_mask & (1 << a))
			start[i] = step[i] > 0 ? 0 : dim - 1;
		if (op->o.end_mask & (1 << a))
			stop[i] = step[i] > 0 ? dim : -1;
		if (op->o.shrink_axis_mask & (1 << a)) {
			stop[i] = start[i] + 1;
			step[i] = 1;
		}
		if (step[i] > 0) {
			start[i] = start[i] < 0 ? 0 : start[i] > dim ? dim : start[i];
			stop[i] = stop[i] < 0 ? 0 : stop[i] > dim ? dim : stop[i];
		} else {
			start[i] = start[i] < -1 ? -1 : start[i] > dim - 1 ? dim - 1 : start[i];
			stop[i] = stop[i] < -1 ? -1 : stop[i] > dim - 1 ? dim - 1 : stop[i];
		}
	}
#define RANGE(i, v) for (int v = start[i]; step[i] > 0 ? v < stop[i] : v > stop[i]; v += step[i])
	RANGE(0, a) RANGE(1, b) RANGE(2, c) RANGE(3, e) {
		if (k >= nout)
			return SHAPE_ERR(x, op, "output is smaller than the slice");
		out[k++] = in[(((size_t)a * d[1] + b) * d[2] + c) * d[3] + e];
	}
#undef RANGE
	if (k != nout)
		return SHAPE_ERR(x, op, "output is larger than the slice");
	return 0;
}

/*
 * SLICE, SPLIT, SPLIT_V, UNPACK: each output a block of the input, whole
 * along every axis but the split one (SLICE: every axis, one output).
 */
static int k_slices(struct quant_fref *x, const struct model_op *op)
{
	int32_t src = op->code == TFL_OP_SPLIT ? 1 : 0, axis = 0, sizes[64], be[4], sz[4];
	int d[4], rank, off = 0;
	const float *in = fin(x, op, (uint32_t)src, NULL);

	if (!in || dims4(x, op->in[src], d) || op->n_out > 64)
		return SHAPE_ERR(x, op, "needs a float input of rank <= 4, at most 64 outputs");
	rank = tdims(x, op->in[src]).r;
	if (op->code == TFL_OP_SLICE) {
		if (iconst(x, op, 1, be, 4) != rank || iconst(x, op, 2, sz, 4) != rank)
			return SHAPE_ERR(x, op, "needs constant begin and size");
	} else {
		if (op->code == TFL_OP_UNPACK)
			axis = op->o.axis;
		else if (iconst(x, op, op->code == TFL_OP_SPLIT ? 0 : 2, &axis, 1) != 1)
			return SHAPE_ERR(x, op, "needs a constant axis");
		axis += axis < 0 ? rank : 0;
		if (axis < 0 || axis >= rank)
			return SHAPE_ERR(x, op, "axis out of range");
		if (op->code == TFL_OP_SPLIT_V) {
			int n = iconst(x, op, 1, sizes, 64), hole = -1, sum = 0;

			if (n != (int)op->n_out)
				return SHAPE_ERR(x, op, "size_splits does not match the outputs");
			for (int k = 0; k < n; k++)
				if (sizes[k] < 0)
					hole = k;
				else
					sum += sizes[k];
			if (hole >= 0)
				sizes[hole] = d[axis + 4 - rank] - sum;
		} else {
			for (uint32_t k = 0; k < op->n_out; k++)
				sizes[k] = d[axis + 4 - rank] / (int)op->n_out;
		}
	}
	for (uint32_t j = 0; j < op->n_out; j++) {
		int b[4] = { 0 }, l[4];
		float *out = x->val[op->out[j]];
		size_t k = 0;

		memcpy(l, d, sizeof(l));
		if (op->code == TFL_OP_SLICE) {
			for (int i = 0; i < rank; i++) {
				b[i + 4 - rank] = be[i];
				l[i + 4 - rank] = sz[i] < 0 ? d[i + 4 - rank] - be[i] : sz[i];
			}
		} else {
			b[axis + 4 - rank] = off;
			l[axis + 4 - rank] = sizes[j];
			off += sizes[j];
		}
		for (int i = 0; i < 4; i++)
			if (b[i] < 0 || l[i] < 0 || b[i] + l[i] > d[i])
				return SHAPE_ERR(x, op, "a block outside the input");
		if (!out || (size_t)l[0] * l[1] * l[2] * l[3] != x->n[op->out[j]])
			return SHAPE_ERR(x, op, "an output does not match its block");
		for (int i0 = 0; i0 < l[0]; i0++)
			for (int i1 = 0; i1 < l[1]; i1++)
				for (int i2 = 0; i2 < l[2]; i2++, k += (size_t)l[3])
					memcpy(out + k, in + (((size_t)(b[0] + i0) * d[1] + b[1] + i1) *
							      d[2] + b[2] + i2) * d[3] + b[3],
					       (size_t)l[3] * sizeof(float));
	}
	return 0;
}

/* PACK: out [outer, N, inner] of the inputs [outer, inner], outer the dims before the axis. */
static int k_pack(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	struct dims d = tdims(x, op->in[0]);
	int axis = op->o.axis < 0 ? op->o.axis + d.r + 1 : op->o.axis;
	size_t outer = 1, inner = 1, n;

	if (axis < 0 || axis > d.r)
		return SHAPE_ERR(x, op, "axis out of range");
	for (int i = 0; i < d.r; i++)
		*(i < axis ? &outer : &inner) *= (size_t)d.d[i];
	if (outer * inner * op->n_in != nout)
		return SHAPE_ERR(x, op, "inputs do not fill the output");
	for (uint32_t j = 0; j < op->n_in; j++) {
		const float *in = fin(x, op, j, &n);

		if (!in || n != outer * inner)
			return SHAPE_ERR(x, op, "inputs of different sizes");
		for (size_t o = 0; o < outer; o++)
			memcpy(out + (o * op->n_in + j) * inner, in + o * inner, inner * sizeof(float));
	}
	return 0;
}

/* L2_NORMALIZATION along the last dimension: x / sqrt(max(sum x^2, 1e-6)) */
static int k_l2norm(struct quant_fref *x, const struct model_op *op, float *out, size_t nout)
{
	size_t n;
	const float *in = fin(x, op, 0, &n);
	int d[4];

	if (!in || n != nout || dims4(x, op->in[0], d) || !d[3])
		return SHAPE_ERR(x, op, "needs a float input of rank <= 4, the output's size");
	for (size_t r = 0; r < n / (size_t)d[3]; r++) {
		const float *row = in + r * (size_t)d[3];
		float s = 0.0f;

		for (int c = 0; c < d[3]; c++)
			s += row[c] * row[c];
		s = sqrtf(fmaxf(s, 1e-6f));
		for (int c = 0; c < d[3]; c++)
			out[r * (size_t)d[3] + (size_t)c] = row[c] / s;
	}
	return 0;
}

/*
 * ARG_MAX (ARG_MIN: @min): per row along the axis the index of the first
 * largest (smallest) value, as a float.
 */
static int k_argmax(struct quant_fref *x, const struct model_op *op, float *out, size_t nout,
		    int min)
{
	int32_t axis;
	int d[4], rank = tdims(x, op->in[0]).r;
	const float *in = fin(x, op, 0, NULL);
	size_t outer = 1, inner = 1, len;

	if (!in || dims4(x, op->in[0], d) || iconst(x, op, 1, &axis, 1) != 1)
		return SHAPE_ERR(x, op, "needs a float input of rank <= 4 and a constant axis");
	axis += axis < 0 ? rank : 0;
	if (axis < 0 || axis >= rank)
		return SHAPE_ERR(x, op, "axis out of range");
	axis += 4 - rank;
	for (int i = 0; i < 4; i++)
		if (i != axis)
			*(i < axis ? &outer : &inner) *= (size_t)d[i];
	len = (size_t)d[axis];
	if (!out || outer * inner != nout)
		return SHAPE_ERR(x, op, "output size does not match the input without the axis");
	for (size_t o = 0; o < outer; o++)
		for (size_t i = 0; i < inner; i++) {
			size_t best = 0;

			for (size_t k = 1; k < len; k++) {
				float v = in[(o * len + k) * inner + i];
				float b = in[(o * len + best) * inner + i];

				if (min ? v < b : v > b)
					best = k;
			}
			out[o * inner + i] = (float)best;
		}
	return 0;
}

static int run_op(struct quant_fref *x, const struct model_op *op)
{
	float *out;
	size_t nout;

	if (op->n_out < 1 || op->n_in < 1 || op->in[0] < 0 || op->out[0] < 0)
		return SHAPE_ERR(x, op, "needs an output and an input");
	switch (op->code) {
	case TFL_OP_SLICE: case TFL_OP_SPLIT: case TFL_OP_SPLIT_V: case TFL_OP_UNPACK:
		return k_slices(x, op);
	default:
		if (op->n_out != 1)
			return SHAPE_ERR(x, op, "needs one output");
	}
	out = x->val[op->out[0]];
	nout = x->n[op->out[0]];
	if (model_is_tconv(op))
		return k_tconv(x, op, out);
	switch (op->code) {
	case TFL_OP_CONV_2D:
		return k_conv(x, op, out, 0);
	case TFL_OP_DEPTHWISE_CONV_2D:
		return k_conv(x, op, out, 1);
	case TFL_OP_FULLY_CONNECTED:
		return k_fc(x, op, out, nout);
	case TFL_OP_BATCH_MATMUL:
		return k_matmul(x, op, out, nout);
	case TFL_OP_MAX_POOL_2D:
		return k_pool(x, op, out, 1);
	case TFL_OP_AVERAGE_POOL_2D:
		return k_pool(x, op, out, 0);
	case TFL_OP_ADD: case TFL_OP_SUB: case TFL_OP_MUL: case TFL_OP_MAXIMUM:
	case TFL_OP_MINIMUM: case TFL_OP_PRELU: case TFL_OP_SQUARED_DIFFERENCE:
		if (op->n_in < 2)
			return SHAPE_ERR(x, op, "needs two inputs");
		return k_binary(x, op, out);
	case TFL_OP_MEAN:
		return k_mean(x, op, out, nout, 0);
	case TFL_OP_REDUCE_MAX:
		return k_mean(x, op, out, nout, 1);
	case TFL_OP_REDUCE_MIN:
		return k_mean(x, op, out, nout, -1);
	case TFL_OP_SUM:
		return k_mean(x, op, out, nout, 2);
	case TFL_OP_SOFTMAX:
		return k_softmax(x, op, out, nout);
	case TFL_OP_PAD: case TFL_OP_PADV2:
		return k_pad(x, op, out, nout);
	case TFL_OP_PACK:
		return k_pack(x, op, out, nout);
	case TFL_OP_MIRROR_PAD:
		return k_mirror_pad(x, op, out, nout);
	case TFL_OP_GATHER:
		return k_gather(x, op, out, nout);
	case TFL_OP_ARG_MAX:
	case TFL_OP_ARG_MIN:
		return k_argmax(x, op, out, nout, op->code == TFL_OP_ARG_MIN);
	case TFL_OP_L2_NORMALIZATION:
		return k_l2norm(x, op, out, nout);
	case TFL_OP_CONCATENATION:
		return k_concat(x, op, out, nout);
	case TFL_OP_RESIZE_BILINEAR:
		return k_resize(x, op, out, 1);
	case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
		return k_resize(x, op, out, 0);
	case TFL_OP_TRANSPOSE:
		return k_transpose(x, op, out);
	case TFL_OP_SPACE_TO_DEPTH:
		return k_space_depth(x, op, out, 1);
	case TFL_OP_SPACE_TO_BATCH_ND:
		return k_space_batch(x, op, out, nout, 1);
	case TFL_OP_TILE: case TFL_OP_BROADCAST_TO:
		return k_tile(x, op, out, nout);
	case TFL_OP_REVERSE_V2:
		return k_reverse(x, op, out, nout);
	case TFL_OP_BATCH_TO_SPACE_ND:
		return k_space_batch(x, op, out, nout, 0);
	case TFL_OP_DEPTH_TO_SPACE:
		return k_space_depth(x, op, out, 0);
	case TFL_OP_STRIDED_SLICE:
		return k_strided_slice(x, op, out, nout);
	default:
		return k_unary(x, op, out, nout);
	}
}

int quant_fref_run(struct quant_fref *x, quant_fref_hook hook, void *userdata, char *errbuf,
		   size_t errbuf_size)
{
	const struct edgeai_model *m = x->m;
	int r;

	x->err = errbuf;
	x->errsz = errbuf_size;
	for (uint32_t i = 0; i < m->n_in; i++) {
		if (!x->val[m->in[i]])
			return base_errf(errbuf, errbuf_size, -EOPNOTSUPP, "model input %u is not float32", i);
		if (hook)
			hook(userdata, (uint32_t)m->in[i], x->val[m->in[i]], x->n[m->in[i]]);
	}
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];

		x->op = k;
		for (uint32_t j = 0; j < op->n_in; j++)
			if (op->in[j] >= 0 && m->t[op->in[j]].type == TFL_FLOAT32 && !x->val[op->in[j]])
				return -ENOMEM;
		r = run_op(x, op);
		if (r < 0)
			return r;
		for (uint32_t j = 0; hook && j < op->n_out; j++)
			hook(userdata, (uint32_t)op->out[j], x->val[op->out[j]], x->n[op->out[j]]);
	}
	return 0;
}
