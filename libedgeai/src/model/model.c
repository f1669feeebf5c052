// SPDX-License-Identifier: MIT
/*
 * TFLite model objects: lifetime, copies and pruning, graph validation
 * (every index in range, shapes bounded, constant data matching its
 * tensor, operators in dataflow order with no cycle) and the public
 * accessors. Loading is tflite-read.c's, saving tflite-write.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"
#include "model/model.h"

size_t model_type_size(uint8_t type)
{
	switch (type) {
	case TFL_FLOAT32: case TFL_INT32: case TFL_UINT32:
		return 4;
	case TFL_FLOAT16: case TFL_INT16:
		return 2;
	case TFL_UINT8: case TFL_INT8: case TFL_BOOL:
		return 1;
	case TFL_INT64: case TFL_FLOAT64: case TFL_COMPLEX64: case TFL_UINT64:
		return 8;
	case TFL_COMPLEX128:
		return 16;
	default:
		return 0; /* string, resource, variant: no fixed size */
	}
}

int model_tensor_elems(const struct model_tensor *t, uint64_t *ret)
{
	uint64_t n = 1;

	for (uint32_t i = 0; i < t->rank; i++) {
		if (t->shape[i] < 0 || t->shape[i] > MODEL_MAX_DIM)
			return -EBADMSG;
		n *= (uint64_t)t->shape[i];
		if (n > MODEL_MAX_ELEMS)
			return -EBADMSG;
	}
	*ret = n;
	return 0;
}

float model_half_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
	float f;

	if (exp == 0x1f) {
		bits = sign | 0x7f800000u | (man << 13);
	} else if (exp == 0) {
		if (!man) {
			bits = sign;
		} else {
			/* subnormal: normalise */
			int e = -1;

			do {
				e++;
				man <<= 1;
			} while (!(man & 0x400));
			bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
		}
	} else {
		bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
	}
	memcpy(&f, &bits, sizeof(f));
	return f;
}

struct edgeai_model *model_new(void)
{
	struct edgeai_model *m = calloc(1, sizeof(*m));

	if (m)
		m->n_ref = 1;
	return m;
}

int model_is_const(const struct edgeai_model *m, int32_t t)
{
	return t >= 0 && m->t[t].buffer && m->buf[m->t[t].buffer].size;
}

int model_is_argmax_output(const struct edgeai_model *m, uint32_t t)
{
	if (t >= m->n_tensors || (m->t[t].type != TFL_INT32 && m->t[t].type != TFL_INT64))
		return 0;
	for (uint32_t k = 0; k < m->n_ops; k++)
		if ((m->ops[k].code == TFL_OP_ARG_MAX || m->ops[k].code == TFL_OP_ARG_MIN) &&
		    m->ops[k].n_out == 1 &&
		    m->ops[k].out[0] == (int32_t)t)
			return 1;
	return 0;
}

void model_quant_free(struct model_quant *q)
{
	free(q->scale);
	free(q->zero_point);
	free(q->min);
	free(q->max);
	memset(q, 0, sizeof(*q));
}

static void tensor_free(struct model_tensor *t)
{
	free(t->name);
	model_quant_free(&t->q);
}

static void op_free(struct model_op *op)
{
	free(op->custom_code);
	free(op->custom_options);
	free(op->in);
	free(op->out);
	free(op->o.ints);
}

void model_buffer_release(const struct edgeai_model *m, void *data)
{
	uintptr_t p = (uintptr_t)data, map = (uintptr_t)m->map;

	if (!map || p < map || p - map >= m->map_size)
		free(data);
}

void model_drop_map_pages(const struct edgeai_model *m)
{
	if (m->map)
		madvise(m->map, m->map_size, MADV_DONTNEED);
}

static void model_free_contents(struct edgeai_model *m)
{
	for (uint32_t i = 0; m->t && i < m->n_tensors; i++)
		tensor_free(&m->t[i]);
	for (uint32_t i = 0; m->ops && i < m->n_ops; i++)
		op_free(&m->ops[i]);
	for (uint32_t i = 0; m->buf && i < m->n_buffers; i++)
		model_buffer_release(m, m->buf[i].data);
	if (m->map)
		munmap(m->map, m->map_size);
	free(m->t);
	free(m->ops);
	free(m->buf);
	free(m->in);
	free(m->out);
	free(m->description);
	free(m->sg_name);
}

#define DUP_OR_FAIL(dst, src, n)                                               \
	do {                                                                   \
		(dst) = base_memdup((src), (n));                               \
		if (!(dst) && (src) && (n) != 0)                               \
			goto nomem;                                            \
	} while (0)

/* A deep copy of @s. */

struct edgeai_model *model_clone(const struct edgeai_model *s)
{
	struct edgeai_model *m = model_new();

	if (!m)
		return NULL;
	m->version = s->version;
	m->file_size = s->file_size;
	m->n_tensors = s->n_tensors;
	m->n_ops = s->n_ops;
	m->n_in = s->n_in;
	m->n_out = s->n_out;
	m->n_buffers = s->n_buffers;
	m->t = calloc(s->n_tensors ? s->n_tensors : 1, sizeof(*m->t));
	m->ops = calloc(s->n_ops ? s->n_ops : 1, sizeof(*m->ops));
	m->buf = calloc(s->n_buffers ? s->n_buffers : 1, sizeof(*m->buf));
	if (!m->t || !m->ops || !m->buf)
		goto nomem;
	DUP_OR_FAIL(m->in, s->in, s->n_in * sizeof(int32_t));
	DUP_OR_FAIL(m->out, s->out, s->n_out * sizeof(int32_t));
	if (s->description && !(m->description = strdup(s->description)))
		goto nomem;
	if (s->sg_name && !(m->sg_name = strdup(s->sg_name)))
		goto nomem;
	for (uint32_t i = 0; i < s->n_tensors; i++) {
		const struct model_tensor *a = &s->t[i];
		struct model_tensor *b = &m->t[i];

		*b = *a;
		b->name = NULL;
		memset(&b->q, 0, sizeof(b->q));
		if (!(b->name = strdup(a->name ? a->name : "")))
			goto nomem;
		b->q.n = a->q.n;
		b->q.dim = a->q.dim;
		b->q.n_minmax = a->q.n_minmax;
		DUP_OR_FAIL(b->q.scale, a->q.scale, a->q.n * sizeof(float));
		DUP_OR_FAIL(b->q.zero_point, a->q.zero_point, a->q.n * sizeof(int64_t));
		DUP_OR_FAIL(b->q.min, a->q.min, a->q.n_minmax * sizeof(float));
		DUP_OR_FAIL(b->q.max, a->q.max, a->q.n_minmax * sizeof(float));
	}
	for (uint32_t i = 0; i < s->n_ops; i++) {
		const struct model_op *a = &s->ops[i];
		struct model_op *b = &m->ops[i];

		*b = *a;
		b->custom_code = NULL;
		b->custom_options = NULL;
		b->in = b->out = NULL;
		b->o.ints = NULL;
		if (a->custom_code && !(b->custom_code = strdup(a->custom_code)))
			goto nomem;
		DUP_OR_FAIL(b->custom_options, a->custom_options, a->n_custom_options);
		DUP_OR_FAIL(b->in, a->in, a->n_in * sizeof(int32_t));
		DUP_OR_FAIL(b->out, a->out, a->n_out * sizeof(int32_t));
		DUP_OR_FAIL(b->o.ints, a->o.ints, a->o.n_ints * sizeof(int32_t));
	}
	for (uint32_t i = 0; i < s->n_buffers; i++) {
		DUP_OR_FAIL(m->buf[i].data, s->buf[i].data, s->buf[i].size);
		m->buf[i].size = s->buf[i].size;
	}
	return m;
nomem:
	return edgeai_model_unref(m);
}

int model_prune(struct edgeai_model *m)
{
	_cleanup_free_ int32_t *tmap = NULL, *bmap = NULL;
	uint32_t nt = 0, nb = 0, no = 0;

	m->map_is_model = 0;

	for (uint32_t k = 0; k < m->n_ops; k++) {
		if (m->ops[k].code == -1) {
			op_free(&m->ops[k]);
			continue;
		}
		m->ops[no++] = m->ops[k];
	}
	m->n_ops = no;

	tmap = malloc(sizeof(int32_t) * (m->n_tensors + 1));
	bmap = malloc(sizeof(int32_t) * (m->n_buffers + 1));
	if (!tmap || !bmap)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->n_tensors; i++)
		tmap[i] = -1;
	for (uint32_t i = 0; i < m->n_buffers; i++)
		bmap[i] = -1;
	for (uint32_t k = 0; k < m->n_ops; k++) {
		for (uint32_t j = 0; j < m->ops[k].n_in; j++)
			if (m->ops[k].in[j] >= 0)
				tmap[m->ops[k].in[j]] = 0;
		for (uint32_t j = 0; j < m->ops[k].n_out; j++)
			tmap[m->ops[k].out[j]] = 0;
	}
	for (uint32_t i = 0; i < m->n_in; i++)
		tmap[m->in[i]] = 0;
	for (uint32_t i = 0; i < m->n_out; i++)
		tmap[m->out[i]] = 0;

	bmap[0] = 0;
	nb = 1;
	for (uint32_t i = 0; i < m->n_tensors; i++) {
		if (tmap[i] < 0) {
			tensor_free(&m->t[i]);
			continue;
		}
		tmap[i] = (int32_t)nt;
		if (model_is_const(m, (int32_t)i)) {
			uint32_t b = m->t[i].buffer;

			if (bmap[b] < 0)
				bmap[b] = (int32_t)nb++;
			m->t[i].buffer = (uint32_t)bmap[b];
		} else {
			m->t[i].buffer = 0;
		}
		m->t[nt++] = m->t[i];
	}
	m->n_tensors = nt;
	for (uint32_t k = 0; k < m->n_ops; k++) {
		for (uint32_t j = 0; j < m->ops[k].n_in; j++)
			if (m->ops[k].in[j] >= 0)
				m->ops[k].in[j] = tmap[m->ops[k].in[j]];
		for (uint32_t j = 0; j < m->ops[k].n_out; j++)
			m->ops[k].out[j] = tmap[m->ops[k].out[j]];
	}
	for (uint32_t i = 0; i < m->n_in; i++)
		m->in[i] = tmap[m->in[i]];
	for (uint32_t i = 0; i < m->n_out; i++)
		m->out[i] = tmap[m->out[i]];

	{
		struct model_buffer *nbuf = calloc(nb, sizeof(*nbuf));

		if (!nbuf)
			return -ENOMEM;
		for (uint32_t i = 0; i < m->n_buffers; i++) {
			if (bmap[i] > 0)
				nbuf[bmap[i]] = m->buf[i];
			else
				model_buffer_release(m, m->buf[i].data);
		}
		free(m->buf);
		m->buf = nbuf;
		m->n_buffers = nb;
	}
	return 0;
}

EDGEAI_PUBLIC struct edgeai_model *edgeai_model_ref(struct edgeai_model *model)
{
	if (model)
		__atomic_add_fetch(&model->n_ref, 1, __ATOMIC_RELAXED);
	return model;
}

EDGEAI_PUBLIC struct edgeai_model *edgeai_model_unref(struct edgeai_model *model)
{
	if (!model || __atomic_sub_fetch(&model->n_ref, 1, __ATOMIC_ACQ_REL) > 0)
		return NULL;
	model_free_contents(model);
	free(model);
	return NULL;
}

#define VERR(...) base_errf(errbuf, errbuf_size, -EBADMSG, __VA_ARGS__)

static const char *tname(const struct edgeai_model *m, int32_t i)
{
	return m->t[i].name ? m->t[i].name : "";
}

int model_validate(const struct edgeai_model *m, char *errbuf, size_t errbuf_size)
{
	_cleanup_free_ int32_t *producer = NULL;
	_cleanup_free_ uint8_t *is_input = NULL;

	for (uint32_t i = 0; i < m->n_tensors; i++) {
		const struct model_tensor *t = &m->t[i];
		uint64_t n;

		for (uint32_t d = 0; d < t->rank; d++)
			if (t->shape[d] < 0 || t->shape[d] > MODEL_MAX_DIM)
				return VERR("%s dimensions: tensor %u ('%s') dimension %u is %d "
					    "(limit %d)", t->shape[d] < 0 ? "bad" : "huge", i,
					    tname(m, i), d, t->shape[d], MODEL_MAX_DIM);
		if (model_tensor_elems(t, &n) < 0)
			return VERR("huge dimensions: tensor %u ('%s') has more than %llu elements",
				    i, tname(m, i), (unsigned long long)MODEL_MAX_ELEMS);
		if (t->buffer >= m->n_buffers)
			return VERR("out-of-range reference: tensor %u ('%s') uses buffer %u of %u",
				    i, tname(m, i), t->buffer, m->n_buffers);
		if (t->buffer && m->buf[t->buffer].size && model_type_size(t->type) &&
		    m->buf[t->buffer].size != n * model_type_size(t->type))
			return VERR("bad constant: buffer %u holds %zu bytes, tensor %u ('%s') needs "
				    "%llu", t->buffer, m->buf[t->buffer].size, i, tname(m, i),
				    (unsigned long long)(n * model_type_size(t->type)));
		if (t->q.n > 1 && (t->q.dim < 0 || (uint32_t)t->q.dim >= t->rank ||
				   (uint32_t)t->shape[t->q.dim] != t->q.n))
			return VERR("bad quantization: tensor %u ('%s') has %u scales for dimension "
				    "%d", i, tname(m, i), t->q.n, t->q.dim);
	}

	producer = malloc(sizeof(int32_t) * (m->n_tensors ? m->n_tensors : 1));
	is_input = calloc(m->n_tensors ? m->n_tensors : 1, 1);
	if (!producer || !is_input)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->n_tensors; i++)
		producer[i] = -1;
	for (uint32_t i = 0; i < m->n_in; i++) {
		if (m->in[i] < 0 || (uint32_t)m->in[i] >= m->n_tensors)
			return VERR("out-of-range reference: model input %u is tensor %d of %u", i,
				    m->in[i], m->n_tensors);
		is_input[m->in[i]] = 1;
	}
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];

		for (uint32_t j = 0; j < op->n_out; j++) {
			int32_t o = op->out[j];

			if (o < 0 || (uint32_t)o >= m->n_tensors)
				return VERR("out-of-range reference: operator %u (%s) output %u is "
					    "tensor %d of %u", k, edgeai_op_name(op->code), j, o,
					    m->n_tensors);
			if (producer[o] >= 0)
				return VERR("cyclic reference: tensor %d ('%s') is written by operators "
					    "%d and %u", o, tname(m, o), producer[o], k);
			if (is_input[o] || model_is_const(m, o))
				return VERR("bad reference: operator %u (%s) writes tensor %d ('%s'), "
					    "a model input or constant", k, edgeai_op_name(op->code),
					    o, tname(m, o));
			producer[o] = (int32_t)k;
		}
	}
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];

		for (uint32_t j = 0; j < op->n_in; j++) {
			int32_t x = op->in[j];

			if (x == -1)
				continue;
			if (x < 0 || (uint32_t)x >= m->n_tensors)
				return VERR("out-of-range reference: operator %u (%s) input %u is tensor "
					    "%d of %u", k, edgeai_op_name(op->code), j, x, m->n_tensors);
			if (producer[x] >= (int32_t)k)
				return VERR("cyclic reference: operator %u (%s) reads tensor %d ('%s'), "
					    "which operator %d computes %s", k, edgeai_op_name(op->code),
					    x, tname(m, x), producer[x],
					    producer[x] == (int32_t)k ? "itself" : "later");
		}
	}
	for (uint32_t i = 0; i < m->n_out; i++)
		if (m->out[i] < 0 || (uint32_t)m->out[i] >= m->n_tensors)
			return VERR("out-of-range reference: model output %u is tensor %d of %u", i,
				    m->out[i], m->n_tensors);
	return 0;
}

EDGEAI_PUBLIC int edgeai_model_count(const struct edgeai_model *model, unsigned int what)
{
	assert_return(model, -EINVAL);
	switch (what) {
	case EDGEAI_COUNT_INPUTS:
		return (int)model->n_in;
	case EDGEAI_COUNT_OUTPUTS:
		return (int)model->n_out;
	case EDGEAI_COUNT_OPS:
		return (int)model->n_ops;
	case EDGEAI_COUNT_TENSORS:
		return (int)model->n_tensors;
	default:
		return -EINVAL;
	}
}

EDGEAI_PUBLIC int edgeai_model_get_tensor(const struct edgeai_model *model, unsigned int index,
					  struct edgeai_tensor_info *ret_info)
{
	const struct model_tensor *t;

	assert_return(model && ret_info, -EINVAL);
	assert_return(index < model->n_tensors, -EINVAL);
	t = &model->t[index];
	memset(ret_info, 0, sizeof(*ret_info));
	ret_info->name = t->name ? t->name : "";
	ret_info->type = t->type;
	ret_info->rank = t->rank;
	memcpy(ret_info->shape, t->shape, sizeof(int32_t) * t->rank);
	ret_info->n_quant = t->q.n;
	ret_info->quant_dim = t->q.dim;
	ret_info->scales = t->q.scale;
	ret_info->zero_points = t->q.zero_point;
	ret_info->is_constant = model_is_const(model, (int32_t)index);
	ret_info->index = index;
	return 0;
}

EDGEAI_PUBLIC int edgeai_model_get_input(const struct edgeai_model *model, unsigned int index,
					 struct edgeai_tensor_info *ret_info)
{
	assert_return(model && index < model->n_in, -EINVAL);
	return edgeai_model_get_tensor(model, (unsigned int)model->in[index], ret_info);
}

EDGEAI_PUBLIC int edgeai_model_get_output(const struct edgeai_model *model, unsigned int index,
					  struct edgeai_tensor_info *ret_info)
{
	assert_return(model && index < model->n_out, -EINVAL);
	return edgeai_model_get_tensor(model, (unsigned int)model->out[index], ret_info);
}

EDGEAI_PUBLIC int edgeai_model_get_op(const struct edgeai_model *model, unsigned int index,
				      struct edgeai_op_info *ret_info)
{
	const struct model_op *op;

	assert_return(model && ret_info, -EINVAL);
	assert_return(index < model->n_ops, -EINVAL);
	op = &model->ops[index];
	ret_info->code = op->code;
	ret_info->version = op->version;
	ret_info->name = op->custom_code ? op->custom_code : edgeai_op_name(op->code);
	ret_info->n_inputs = op->n_in;
	ret_info->n_outputs = op->n_out;
	return 0;
}

static const char *const op_names[] = {
	"ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
	"DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
	"HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION",
	"LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
	"RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF",
	"TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE",
	"PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND",
	"SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
	"UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
	"TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST",
	"PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER",
	"GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV",
	"SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT",
	"RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK",
	"LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",
	"FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE",
	"RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
	"SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK",
	"ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND",
	"HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5",
	"SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
	"PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D",
	"CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND",
	"HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE",
	"READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL",
	"BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE",
};

EDGEAI_PUBLIC const char *edgeai_op_name(int32_t code)
{
	if (code >= 0 && (size_t)code < ARRAY_SIZE(op_names))
		return op_names[code];
	return "UNKNOWN";
}

EDGEAI_PUBLIC const char *edgeai_tensor_type_name(uint32_t type)
{
	static const char *const names[] = {
		"float32", "float16", "int32", "uint8", "int64", "string", "bool", "int16",
		"complex64", "int8", "float64", "complex128", "uint64", "resource", "variant",
		"uint32",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

int model_is_detect(const struct model_op *op)
{
	return op->code == TFL_OP_CUSTOM && op->custom_code &&
	       !strcmp(op->custom_code, MODEL_DETECT_CUSTOM);
}

int model_is_tconv(const struct model_op *op)
{
	return op->code == TFL_OP_TRANSPOSE_CONV ||
	       (op->code == TFL_OP_CUSTOM && op->custom_code &&
		!strcmp(op->custom_code, MODEL_TCONV_BIAS_CUSTOM));
}

/*
 * One spatial dimension of a transposed convolution: the cut before, or
 * -1 when @out is not what @in, @k, @stride and @padding produce.
 */
static int32_t tconv_cut(int builtin, int padding, int32_t in, int32_t k, int32_t stride,
			 int32_t out)
{
	int64_t conv_out, total;

	if (in < 1 || k < 1 || stride < 1 || out < 1)
		return -1;
	if (!builtin) {
		/* MediaPipe: out = stride * (in - 1) + k - cut_total, cut_total / 2 before */
		total = padding == TFL_PAD_SAME ? k - (in - 1) % stride - 1 : 0;
		if (total < 0)
			total = 0;
		return (int64_t)stride * (in - 1) + k - total == out ? (int32_t)(total / 2) : -1;
	}
	/* TFLite: the convolution out of @out must be @in */
	conv_out = padding == TFL_PAD_SAME ? ((int64_t)out + stride - 1) / stride :
		   ((int64_t)out - k + stride) / stride;
	if (conv_out != in)
		return -1;
	total = (conv_out - 1) * stride + k - out;
	return total > 0 ? (int32_t)(total / 2) : 0;
}

int model_tconv(const struct edgeai_model *m, const struct model_op *op, struct model_tconv *ret)
{
	int builtin = op->code == TFL_OP_TRANSPOSE_CONV;
	const struct model_tensor *x, *w, *o;
	struct model_tconv t;

	if (!model_is_tconv(op) || op->n_out != 1 || op->n_in < (builtin ? 3u : 2u))
		return -EBADMSG;
	t.in = op->in[builtin ? 2 : 0];
	t.filter = op->in[1];
	t.bias = op->n_in > (builtin ? 3u : 2u) ? op->in[builtin ? 3 : 2] : -1;
	t.out = op->out[0];
	if (t.in < 0 || t.filter < 0 || t.out < 0)
		return -EBADMSG;
	x = &m->t[t.in];
	w = &m->t[t.filter];
	o = &m->t[t.out];
	if (x->rank != 4 || w->rank != 4 || o->rank != 4 || w->shape[3] != x->shape[3] ||
	    o->shape[3] != w->shape[0] || o->shape[0] != x->shape[0])
		return -EBADMSG;
	if (t.bias >= 0 && (m->t[t.bias].rank != 1 || m->t[t.bias].shape[0] != w->shape[0]))
		return -EBADMSG;
	t.pad_h = tconv_cut(builtin, op->o.padding, x->shape[1], w->shape[1], op->o.stride_h,
			    o->shape[1]);
	t.pad_w = tconv_cut(builtin, op->o.padding, x->shape[2], w->shape[2], op->o.stride_w,
			    o->shape[2]);
	if (t.pad_h < 0 || t.pad_w < 0)
		return -EBADMSG;
	*ret = t;
	return 0;
}
