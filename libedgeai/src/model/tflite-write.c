// SPDX-License-Identifier: MIT
/*
 * TFLite flatbuffer writer.
 *
 * Writes front to back: a parent table first, with placeholders for its
 * references, then its children, patching each placeholder with the
 * (always positive) distance to the child. Each table's vtable sits right
 * before the table. Scalars are aligned to their size, vectors to their
 * element size, buffer data to 16 bytes (the schema's force_align). The
 * bytes depend only on the model, so equal models give equal files.
 * model_write_tflite() is the library's, edgeai_model_save() the public
 * call.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "model/model.h"

struct wb {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void wb_reserve(struct wb *w, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (w->err || w->len + n <= w->cap)
		return;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n)
		cap *= 2;
	p = realloc(w->p, cap);
	if (!p) {
		w->err = -ENOMEM;
		return;
	}
	memset(p + w->cap, 0, cap - w->cap);
	w->p = p;
	w->cap = cap;
}

static size_t wb_put(struct wb *w, const void *data, size_t n)
{
	size_t at = w->len;

	wb_reserve(w, n);
	if (w->err)
		return 0;
	if (data)
		memcpy(w->p + at, data, n);
	else
		memset(w->p + at, 0, n);
	w->len += n;
	return at;
}

/* Pad with zeros until (len + extra) is a multiple of @a. */
static void wb_align(struct wb *w, size_t a, size_t extra)
{
	while (!w->err && (w->len + extra) % a)
		wb_put(w, NULL, 1);
}

static void wb_u16_at(struct wb *w, size_t at, uint16_t v)
{
	v = htole16(v);
	if (!w->err)
		memcpy(w->p + at, &v, 2);
}

static void wb_u32_at(struct wb *w, size_t at, uint32_t v)
{
	v = htole32(v);
	if (!w->err)
		memcpy(w->p + at, &v, 4);
}

static void wb_patch(struct wb *w, size_t at, size_t target)
{
	if (!w->err && target <= at)
		w->err = -EFAULT; /* a reference must point forward: a writer bug */
	wb_u32_at(w, at, (uint32_t)(target - at));
}

#define MAX_FIELDS 12

struct wfield {
	uint8_t id;
	uint8_t size;	/* 1, 4 or 8 bytes; refs are 4 */
	uint8_t is_ref;
	uint64_t val;
};

struct wtable {
	struct wfield f[MAX_FIELDS];
	int n;
	size_t ref_at[MAX_FIELDS + 1]; /* by field id: where the placeholder is */
};

static void tf(struct wtable *t, uint8_t id, uint8_t size, uint64_t val)
{
	t->f[t->n++] = (struct wfield){ .id = id, .size = size, .val = val };
}

static void tref(struct wtable *t, uint8_t id)
{
	t->f[t->n++] = (struct wfield){ .id = id, .size = 4, .is_ref = 1 };
}

/* Write vtable + table; return the table position. */
static size_t wb_table(struct wb *w, struct wtable *t)
{
	uint16_t offs[MAX_FIELDS + 1] = { 0 };
	size_t align = 4, off = 4, nslots = 0, vsize, vt, pos;

	/* Lay out fields largest first so each is naturally aligned. */
	for (int size = 8; size >= 1; size /= 2)
		for (int i = 0; i < t->n; i++) {
			if (t->f[i].size != size)
				continue;
			off = (off + size - 1) / size * size;
			offs[t->f[i].id] = (uint16_t)off;
			off += size;
			if ((size_t)size > align)
				align = size;
			if ((size_t)t->f[i].id + 1 > nslots)
				nslots = t->f[i].id + 1;
		}
	off = (off + 3) / 4 * 4;
	vsize = 4 + 2 * nslots;
	wb_align(w, align, vsize);
	vt = wb_put(w, NULL, vsize);
	pos = wb_put(w, NULL, off);
	if (w->err)
		return 0;
	wb_u16_at(w, vt, (uint16_t)vsize);
	wb_u16_at(w, vt + 2, (uint16_t)off);
	for (size_t s = 0; s < nslots; s++)
		wb_u16_at(w, vt + 4 + 2 * s, offs[s]);
	wb_u32_at(w, pos, (uint32_t)(pos - vt));
	for (int i = 0; i < t->n; i++) {
		size_t at = pos + offs[t->f[i].id];
		uint64_t v = htole64(t->f[i].val);
		uint32_t v32 = htole32((uint32_t)t->f[i].val);

		if (t->f[i].is_ref)
			t->ref_at[t->f[i].id] = at;
		else if (t->f[i].size == 8)
			memcpy(w->p + at, &v, 8);
		else if (t->f[i].size == 4)
			memcpy(w->p + at, &v32, 4);
		else
			w->p[at] = (uint8_t)t->f[i].val;
	}
	return pos;
}

/* A vector of @n elements of @esize bytes (little endian on this host); returns its position. */
static size_t wb_vec(struct wb *w, size_t esize, size_t align, uint32_t n, const void *data)
{
	size_t at;

	wb_align(w, align > 4 ? align : 4, 4);
	at = wb_put(w, NULL, 4);
	wb_u32_at(w, at, n);
	wb_put(w, data, esize * n);
	return at;
}

static size_t wb_string(struct wb *w, const char *s)
{
	size_t n = s ? strlen(s) : 0, at = wb_vec(w, 1, 4, (uint32_t)n, s);

	wb_put(w, NULL, 1);
	return at;
}

static size_t wb_ints(struct wb *w, const int32_t *v, uint32_t n)
{
	size_t at = wb_vec(w, 4, 4, n, NULL);

	for (uint32_t i = 0; i < n && !w->err; i++)
		wb_u32_at(w, at + 4 + 4 * (size_t)i, (uint32_t)v[i]);
	return at;
}

/* Placeholders for a vector of tables; returns where the first slot is. */
static size_t wb_table_vec(struct wb *w, uint32_t n, size_t *ret_vec)
{
	*ret_vec = wb_vec(w, 4, 4, n, NULL);
	return *ret_vec + 4;
}

static int options_fields(const struct model_opts *o, struct wtable *t)
{
	switch (o->type) {
	case TFL_OPT_NONE:
		return 0;
	case TFL_OPT_CONV2D:
		tf(t, 0, 1, (uint8_t)o->padding); tf(t, 1, 4, (uint32_t)o->stride_w);
		tf(t, 2, 4, (uint32_t)o->stride_h); tf(t, 3, 1, (uint8_t)o->act);
		tf(t, 4, 4, (uint32_t)o->dil_w); tf(t, 5, 4, (uint32_t)o->dil_h);
		return 1;
	case TFL_OPT_DEPTHWISE:
		tf(t, 0, 1, (uint8_t)o->padding); tf(t, 1, 4, (uint32_t)o->stride_w);
		tf(t, 2, 4, (uint32_t)o->stride_h); tf(t, 3, 4, (uint32_t)o->depth_mult);
		tf(t, 4, 1, (uint8_t)o->act); tf(t, 5, 4, (uint32_t)o->dil_w);
		tf(t, 6, 4, (uint32_t)o->dil_h);
		return 1;
	case TFL_OPT_TRANSPOSE_CONV:
		tf(t, 0, 1, (uint8_t)o->padding); tf(t, 1, 4, (uint32_t)o->stride_w);
		tf(t, 2, 4, (uint32_t)o->stride_h);
		return 1;
	case TFL_OPT_POOL2D:
		tf(t, 0, 1, (uint8_t)o->padding); tf(t, 1, 4, (uint32_t)o->stride_w);
		tf(t, 2, 4, (uint32_t)o->stride_h); tf(t, 3, 4, (uint32_t)o->filter_w);
		tf(t, 4, 4, (uint32_t)o->filter_h); tf(t, 5, 1, (uint8_t)o->act);
		return 1;
	case TFL_OPT_FULLY_CONNECTED:
		tf(t, 0, 1, (uint8_t)o->act); tf(t, 1, 1, o->weights_format);
		tf(t, 2, 1, o->keep_num_dims);
		return 1;
	case TFL_OPT_SOFTMAX: {
		uint32_t b;

		memcpy(&b, &o->beta, 4);
		tf(t, 0, 4, b);
		return 1;
	}
	case TFL_OPT_CONCATENATION:
		tf(t, 0, 4, (uint32_t)o->axis); tf(t, 1, 1, (uint8_t)o->act);
		return 1;
	case TFL_OPT_ADD: case TFL_OPT_SUB: case TFL_OPT_MUL: case TFL_OPT_DIV:
	case TFL_OPT_L2NORM:
		tf(t, 0, 1, (uint8_t)o->act);
		return 1;
	case TFL_OPT_RESIZE_BILINEAR:
		tf(t, 2, 1, o->align_corners); tf(t, 3, 1, o->half_pixel);
		return 1;
	case TFL_OPT_RESIZE_NEAREST:
		tf(t, 0, 1, o->align_corners); tf(t, 1, 1, o->half_pixel);
		return 1;
	case TFL_OPT_RESHAPE: case TFL_OPT_SQUEEZE:
		if (o->has_ints)
			tref(t, 0);
		return 1;
	case TFL_OPT_SPACE_TO_DEPTH: case TFL_OPT_DEPTH_TO_SPACE:
		tf(t, 0, 4, (uint32_t)o->block_size);
		return 1;
	case TFL_OPT_REDUCER:
		tf(t, 0, 1, o->keep_dims);
		return 1;
	case TFL_OPT_STRIDED_SLICE:
		tf(t, 0, 4, (uint32_t)o->begin_mask); tf(t, 1, 4, (uint32_t)o->end_mask);
		tf(t, 2, 4, (uint32_t)o->ellipsis_mask); tf(t, 3, 4, (uint32_t)o->new_axis_mask);
		tf(t, 4, 4, (uint32_t)o->shrink_axis_mask);
		return 1;
	case TFL_OPT_LEAKY_RELU: {
		uint32_t a;

		memcpy(&a, &o->alpha, 4);
		tf(t, 0, 4, a);
		return 1;
	}
	case TFL_OPT_SPLIT: case TFL_OPT_SPLIT_V:
		tf(t, 0, 4, (uint32_t)o->num);
		return 1;
	case TFL_OPT_ARGMAX:
	case TFL_OPT_ARGMIN:
		tf(t, 0, 1, o->output_type);
		return 1;
	case TFL_OPT_MIRROR_PAD:
		tf(t, 0, 1, o->mirror_mode);
		return 1;
	case TFL_OPT_GELU:
		tf(t, 0, 1, o->approximate);
		return 1;
	case TFL_OPT_GATHER:
		tf(t, 0, 4, (uint32_t)o->axis); tf(t, 1, 4, (uint32_t)o->batch_dims);
		return 1;
	case TFL_OPT_BATCH_MATMUL:
		tf(t, 0, 1, o->adj_x); tf(t, 1, 1, o->adj_y);
		return 1;
	case TFL_OPT_PACK: case TFL_OPT_UNPACK:
		tf(t, 0, 4, (uint32_t)o->num); tf(t, 1, 4, (uint32_t)o->axis);
		return 1;
	case TFL_OPT_PAD: case TFL_OPT_TRANSPOSE: case TFL_OPT_DEQUANTIZE: case TFL_OPT_MAXMIN:
	case TFL_OPT_QUANTIZE: case TFL_OPT_HARD_SWISH: case TFL_OPT_PADV2: case TFL_OPT_SLICE:
	case TFL_OPT_EXPAND_DIMS: case TFL_OPT_BATCH_TO_SPACE_ND: case TFL_OPT_SPACE_TO_BATCH_ND:
	case TFL_OPT_TILE: case TFL_OPT_BROADCAST_TO:
		return 1; /* empty tables */
	default:
		return -EOPNOTSUPP;
	}
}

struct wcode {
	int32_t code, version;
	const char *custom;
};

static int same_code(const struct wcode *c, const struct model_op *op)
{
	return c->code == op->code && c->version == op->version &&
	       !strcmp(c->custom ? c->custom : "", op->custom_code ? op->custom_code : "");
}

static void write_quant(struct wb *w, const struct model_quant *q, size_t ref_at)
{
	struct wtable t = { 0 };
	size_t pos, at;

	if (q->n_minmax) {
		tref(&t, TFL_QUANT_MIN);
		tref(&t, TFL_QUANT_MAX);
	}
	if (q->n) {
		tref(&t, TFL_QUANT_SCALE);
		tref(&t, TFL_QUANT_ZERO_POINT);
	}
	tf(&t, TFL_QUANT_QUANTIZED_DIMENSION, 4, (uint32_t)q->dim);
	pos = wb_table(w, &t);
	wb_patch(w, ref_at, pos);
	if (q->n_minmax) {
		at = wb_vec(w, 4, 4, q->n_minmax, NULL);
		for (uint32_t i = 0; i < q->n_minmax && !w->err; i++) {
			uint32_t v;

			memcpy(&v, &q->min[i], 4);
			wb_u32_at(w, at + 4 + 4 * (size_t)i, v);
		}
		wb_patch(w, t.ref_at[TFL_QUANT_MIN], at);
		at = wb_vec(w, 4, 4, q->n_minmax, NULL);
		for (uint32_t i = 0; i < q->n_minmax && !w->err; i++) {
			uint32_t v;

			memcpy(&v, &q->max[i], 4);
			wb_u32_at(w, at + 4 + 4 * (size_t)i, v);
		}
		wb_patch(w, t.ref_at[TFL_QUANT_MAX], at);
	}
	if (q->n) {
		at = wb_vec(w, 4, 4, q->n, NULL);
		for (uint32_t i = 0; i < q->n && !w->err; i++) {
			uint32_t v;

			memcpy(&v, &q->scale[i], 4);
			wb_u32_at(w, at + 4 + 4 * (size_t)i, v);
		}
		wb_patch(w, t.ref_at[TFL_QUANT_SCALE], at);
		at = wb_vec(w, 8, 8, q->n, NULL);
		for (uint32_t i = 0; i < q->n && !w->err; i++) {
			uint64_t v = htole64((uint64_t)q->zero_point[i]);

			memcpy(w->p + at + 4 + 8 * (size_t)i, &v, 8);
		}
		wb_patch(w, t.ref_at[TFL_QUANT_ZERO_POINT], at);
	}
}

static void write_tensor(struct wb *w, const struct model_tensor *ten, size_t ref_at)
{
	struct wtable t = { 0 };
	size_t pos;

	tref(&t, TFL_TENSOR_SHAPE);
	tf(&t, TFL_TENSOR_TYPE, 1, ten->type);
	tf(&t, TFL_TENSOR_BUFFER, 4, ten->buffer);
	tref(&t, TFL_TENSOR_NAME);
	if (ten->q.n || ten->q.n_minmax)
		tref(&t, TFL_TENSOR_QUANTIZATION);
	if (ten->is_variable)
		tf(&t, TFL_TENSOR_IS_VARIABLE, 1, 1);
	pos = wb_table(w, &t);
	wb_patch(w, ref_at, pos);
	wb_patch(w, t.ref_at[TFL_TENSOR_SHAPE], wb_ints(w, ten->shape, ten->rank));
	wb_patch(w, t.ref_at[TFL_TENSOR_NAME], wb_string(w, ten->name));
	if (ten->q.n || ten->q.n_minmax)
		write_quant(w, &ten->q, t.ref_at[TFL_TENSOR_QUANTIZATION]);
}

static void write_op(struct wb *w, const struct model_op *op, uint32_t opcode, size_t ref_at)
{
	struct wtable t = { 0 }, ot = { 0 };
	size_t pos;
	int has_opts;

	/* a custom op has its own options, as they were read */
	has_opts = op->code != TFL_OP_CUSTOM && options_fields(&op->o, &ot) > 0;
	tf(&t, TFL_OP_OPCODE_INDEX, 4, opcode);
	tref(&t, TFL_OP_INPUTS);
	tref(&t, TFL_OP_OUTPUTS);
	if (op->n_custom_options)
		tref(&t, TFL_OP_CUSTOM_OPTIONS);
	if (has_opts) {
		tf(&t, TFL_OP_BUILTIN_OPTIONS_TYPE, 1, op->o.type);
		tref(&t, TFL_OP_BUILTIN_OPTIONS);
	}
	pos = wb_table(w, &t);
	wb_patch(w, ref_at, pos);
	wb_patch(w, t.ref_at[TFL_OP_INPUTS], wb_ints(w, op->in, op->n_in));
	wb_patch(w, t.ref_at[TFL_OP_OUTPUTS], wb_ints(w, op->out, op->n_out));
	if (op->n_custom_options)
		wb_patch(w, t.ref_at[TFL_OP_CUSTOM_OPTIONS],
			 wb_vec(w, 1, 4, op->n_custom_options, op->custom_options));
	if (has_opts) {
		pos = wb_table(w, &ot);
		wb_patch(w, t.ref_at[TFL_OP_BUILTIN_OPTIONS], pos);
		if ((op->o.type == TFL_OPT_RESHAPE || op->o.type == TFL_OPT_SQUEEZE) && op->o.has_ints)
			wb_patch(w, ot.ref_at[0], wb_ints(w, op->o.ints, op->o.n_ints));
	}
}

int model_write_tflite(const struct edgeai_model *m, uint8_t **ret_data, size_t *ret_size,
		       char *errbuf, size_t errbuf_size)
{
	_cleanup_free_ struct wcode *codes = NULL;
	_cleanup_free_ uint32_t *op_code = NULL;
	struct wb w = { 0 };
	struct wtable mt = { 0 }, st = { 0 };
	uint32_t n_codes = 0;
	size_t model, slots, vec;

	codes = calloc(m->n_ops ? m->n_ops : 1, sizeof(*codes));
	op_code = calloc(m->n_ops ? m->n_ops : 1, sizeof(*op_code));
	if (!codes || !op_code)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->n_ops; i++) {
		const struct model_op *op = &m->ops[i];
		struct wtable probe = { 0 };
		uint32_t c;

		if ((op->code == TFL_OP_CUSTOM && !op->custom_code) ||
		    (op->code != TFL_OP_CUSTOM && options_fields(&op->o, &probe) < 0))
			return base_errf(errbuf, errbuf_size, -EOPNOTSUPP,
					 "cannot write operator %u (%s): its options are not handled",
					 i, op->custom_code ? op->custom_code : edgeai_op_name(op->code));
		for (c = 0; c < n_codes && !same_code(&codes[c], op); c++)
			;
		if (c == n_codes)
			codes[n_codes++] = (struct wcode){ op->code, op->version, op->custom_code };
		op_code[i] = c;
	}

	/* header: root offset, file identifier */
	wb_put(&w, NULL, 4);
	wb_put(&w, TFL_IDENTIFIER, 4);

	tf(&mt, TFL_MODEL_VERSION, 4, TFL_SCHEMA_VERSION);
	tref(&mt, TFL_MODEL_OPERATOR_CODES);
	tref(&mt, TFL_MODEL_SUBGRAPHS);
	tref(&mt, TFL_MODEL_DESCRIPTION);
	tref(&mt, TFL_MODEL_BUFFERS);
	model = wb_table(&w, &mt);
	wb_patch(&w, 0, model);
	wb_patch(&w, mt.ref_at[TFL_MODEL_DESCRIPTION],
		 wb_string(&w, m->description ? m->description : "edgeai"));

	slots = wb_table_vec(&w, n_codes, &vec);
	wb_patch(&w, mt.ref_at[TFL_MODEL_OPERATOR_CODES], vec);
	for (uint32_t c = 0; c < n_codes; c++) {
		struct wtable t = { 0 };
		size_t pos;

		tf(&t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 1,
		   codes[c].code < TFL_PLACEHOLDER_FOR_GREATER_OP_CODES ?
			   (uint8_t)codes[c].code : TFL_PLACEHOLDER_FOR_GREATER_OP_CODES);
		tf(&t, TFL_OPCODE_VERSION, 4, (uint32_t)codes[c].version);
		tf(&t, TFL_OPCODE_BUILTIN_CODE, 4, (uint32_t)codes[c].code);
		if (codes[c].custom)
			tref(&t, TFL_OPCODE_CUSTOM_CODE);
		pos = wb_table(&w, &t);
		wb_patch(&w, slots + 4 * (size_t)c, pos);
		if (codes[c].custom)
			wb_patch(&w, t.ref_at[TFL_OPCODE_CUSTOM_CODE], wb_string(&w, codes[c].custom));
	}

	slots = wb_table_vec(&w, 1, &vec);
	wb_patch(&w, mt.ref_at[TFL_MODEL_SUBGRAPHS], vec);
	tref(&st, TFL_SUBGRAPH_TENSORS);
	tref(&st, TFL_SUBGRAPH_INPUTS);
	tref(&st, TFL_SUBGRAPH_OUTPUTS);
	tref(&st, TFL_SUBGRAPH_OPERATORS);
	tref(&st, TFL_SUBGRAPH_NAME);
	wb_patch(&w, slots, wb_table(&w, &st));
	wb_patch(&w, st.ref_at[TFL_SUBGRAPH_INPUTS], wb_ints(&w, m->in, m->n_in));
	wb_patch(&w, st.ref_at[TFL_SUBGRAPH_OUTPUTS], wb_ints(&w, m->out, m->n_out));
	wb_patch(&w, st.ref_at[TFL_SUBGRAPH_NAME], wb_string(&w, m->sg_name ? m->sg_name : "main"));
	slots = wb_table_vec(&w, m->n_tensors, &vec);
	wb_patch(&w, st.ref_at[TFL_SUBGRAPH_TENSORS], vec);
	for (uint32_t i = 0; i < m->n_tensors && !w.err; i++)
		write_tensor(&w, &m->t[i], slots + 4 * (size_t)i);
	slots = wb_table_vec(&w, m->n_ops, &vec);
	wb_patch(&w, st.ref_at[TFL_SUBGRAPH_OPERATORS], vec);
	for (uint32_t i = 0; i < m->n_ops && !w.err; i++)
		write_op(&w, &m->ops[i], op_code[i], slots + 4 * (size_t)i);

	slots = wb_table_vec(&w, m->n_buffers, &vec);
	wb_patch(&w, mt.ref_at[TFL_MODEL_BUFFERS], vec);
	for (uint32_t i = 0; i < m->n_buffers && !w.err; i++) {
		struct wtable t = { 0 };
		size_t pos;

		if (m->buf[i].size)
			tref(&t, TFL_BUFFER_DATA);
		pos = wb_table(&w, &t);
		wb_patch(&w, slots + 4 * (size_t)i, pos);
		if (m->buf[i].size)
			wb_patch(&w, t.ref_at[TFL_BUFFER_DATA],
				 wb_vec(&w, 1, 16, (uint32_t)m->buf[i].size, m->buf[i].data));
	}
	wb_align(&w, 4, 0);
	if (w.err) {
		free(w.p);
		return base_errf(errbuf, errbuf_size, w.err, "cannot serialize the model: %s",
				 strerror(-w.err));
	}
	if (w.len > UINT32_MAX) {
		free(w.p);
		return base_errf(errbuf, errbuf_size, -EFBIG, "model over the 2 GiB flatbuffer limit");
	}
	*ret_data = w.p;
	*ret_size = w.len;
	return 0;
}

EDGEAI_PUBLIC int edgeai_model_save(const struct edgeai_model *model, void **ret_data,
				    size_t *ret_size)
{
	uint8_t *data;
	size_t size;
	int r;

	assert_return(model, -EINVAL);
	assert_return(ret_data && ret_size, -EINVAL);
	r = model_write_tflite(model, &data, &size, NULL, 0);
	if (r < 0)
		return r;
	*ret_data = data;
	*ret_size = size;
	return 0;
}
