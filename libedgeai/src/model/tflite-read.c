// SPDX-License-Identifier: MIT
/*
 * Bounds-checked TFLite flatbuffer reader.
 *
 * The file is untrusted. Every access goes through the fb_* helpers below,
 * which check that a table, its vtable, each field, each vector and each
 * string lies inside the file before anything is read, with 64-bit
 * arithmetic so nothing wraps. Flatbuffer references (uoffsets) are
 * unsigned and point forward, so the reader cannot loop; references
 * between objects of the model (tensor, buffer and opcode indices, the
 * dataflow of the operators) are checked by model_validate(). A sparse
 * constant (Tensor.sparsity) is made dense as it is read (sparse.c checks
 * its metadata), so the model holds dense data only; a DENSIFY of it is
 * then a copy of a constant, which the quantizer folds. The public
 * edgeai_model_load() and edgeai_model_load_file() are at the end.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "model/flexbuffer.h"
#include "model/model.h"

struct fb {
	const uint8_t *p;
	size_t size;
	char *err;
	size_t errsz;
};

struct fbt {
	size_t pos;	/* table start */
	size_t vt;	/* vtable start */
	uint16_t vsize, tsize;
	const char *what;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

#define FBERR(f, ...) base_errf((f)->err, (f)->errsz, -EBADMSG, __VA_ARGS__)

static int fb_table(struct fb *f, uint64_t pos, const char *what, struct fbt *t)
{
	int64_t vt;

	if (pos > f->size || f->size - pos < 4)
		return FBERR(f, "bad offset: %s table at %llu lies outside the file (%zu bytes)",
			     what, (unsigned long long)pos, f->size);
	if (pos % 4)
		return FBERR(f, "bad offset: %s table at %llu is not 4-byte aligned", what,
			     (unsigned long long)pos);
	vt = (int64_t)pos - (int32_t)rd32(f->p + pos);
	if (vt < 0 || (uint64_t)vt > f->size - 4 || vt % 2)
		return FBERR(f, "bad vtable: %s table at %llu has its vtable at %lld, outside the file",
			     what, (unsigned long long)pos, (long long)vt);
	t->pos = pos;
	t->vt = (size_t)vt;
	t->vsize = rd16(f->p + vt);
	t->tsize = rd16(f->p + vt + 2);
	t->what = what;
	if (t->vsize < 4 || t->vsize % 2 || t->vt + t->vsize > f->size)
		return FBERR(f, "bad vtable: %s vtable at %zu has size %u", what, t->vt, t->vsize);
	if (t->tsize < 4 || t->pos + t->tsize > f->size)
		return FBERR(f, "truncated: %s table at %zu (%u bytes) runs past the end of the file",
			     what, t->pos, t->tsize);
	return 0;
}

/* 1 and the field's position when present, 0 when absent, <0 when it lies outside its table. */
static int fb_field(struct fb *f, const struct fbt *t, unsigned int id, size_t width, size_t *ret)
{
	size_t slot = 4 + 2 * (size_t)id;
	uint16_t vo;

	if (slot + 2 > t->vsize)
		return 0;
	vo = rd16(f->p + t->vt + slot);
	if (!vo)
		return 0;
	if ((size_t)vo + width > t->tsize)
		return FBERR(f, "bad vtable: field %u of a %s table runs past the table", id, t->what);
	*ret = t->pos + vo;
	return 1;
}

static int fb_u8(struct fb *f, const struct fbt *t, unsigned int id, uint8_t def, uint8_t *ret)
{
	size_t at = 0;
	int r = fb_field(f, t, id, 1, &at);

	if (r < 0)
		return r;
	*ret = r ? f->p[at] : def;
	return 0;
}

static int fb_i32(struct fb *f, const struct fbt *t, unsigned int id, int32_t def, int32_t *ret)
{
	size_t at = 0;
	int r = fb_field(f, t, id, 4, &at);

	if (r < 0)
		return r;
	*ret = r ? (int32_t)rd32(f->p + at) : def;
	return 0;
}

static int fb_u64(struct fb *f, const struct fbt *t, unsigned int id, uint64_t *ret)
{
	size_t at = 0;
	int r = fb_field(f, t, id, 8, &at);

	if (r < 0)
		return r;
	*ret = r ? rd64(f->p + at) : 0;
	return 0;
}

static int fb_f32(struct fb *f, const struct fbt *t, unsigned int id, float def, float *ret)
{
	size_t at = 0;
	int r = fb_field(f, t, id, 4, &at);
	uint32_t v;

	if (r < 0)
		return r;
	if (!r) {
		*ret = def;
		return 0;
	}
	v = rd32(f->p + at);
	memcpy(ret, &v, sizeof(*ret));
	return 0;
}

/* Follow the uoffset in field @id; 0 when absent. */
static int fb_ref(struct fb *f, const struct fbt *t, unsigned int id, const char *what,
		  uint64_t *ret)
{
	size_t at = 0;
	int r = fb_field(f, t, id, 4, &at);

	if (r <= 0)
		return r;
	*ret = (uint64_t)at + rd32(f->p + at);
	if (*ret >= f->size)
		return FBERR(f, "bad offset: %s of a %s table points past the end of the file",
			     what, t->what);
	return 1;
}

/* A vector: its length and the position of its first element; 0 when absent. */
static int fb_vec_at(struct fb *f, uint64_t pos, size_t elem, const char *what, uint32_t *ret_n,
		     size_t *ret_data)
{
	uint64_t n;

	if (pos > f->size || f->size - pos < 4)
		return FBERR(f, "truncated: %s vector at %llu lies outside the file", what,
			     (unsigned long long)pos);
	if (pos % 4)
		return FBERR(f, "bad offset: %s vector at %llu is not 4-byte aligned", what,
			     (unsigned long long)pos);
	n = rd32(f->p + pos);
	if (n * elem > f->size - pos - 4)
		return FBERR(f, "truncated: %s vector of %llu elements at %llu runs past the end of "
			     "the file", what, (unsigned long long)n, (unsigned long long)pos);
	*ret_n = (uint32_t)n;
	*ret_data = (size_t)pos + 4;
	return 1;
}

static int fb_vec(struct fb *f, const struct fbt *t, unsigned int id, size_t elem,
		  const char *what, uint32_t *ret_n, size_t *ret_data)
{
	uint64_t pos;
	int r = fb_ref(f, t, id, what, &pos);

	*ret_n = 0;
	*ret_data = 0;
	if (r <= 0)
		return r;
	return fb_vec_at(f, pos, elem, what, ret_n, ret_data);
}

/* Element @i of a vector of tables. */
static int fb_vec_table(struct fb *f, size_t data, uint32_t i, const char *what, struct fbt *t)
{
	size_t at = data + 4 * (size_t)i;

	return fb_table(f, (uint64_t)at + rd32(f->p + at), what, t);
}

/* The vector of tables in field @id: at most @max of them. */
static int fb_tables(struct fb *f, const struct fbt *t, unsigned int id, const char *what,
		     uint32_t max, uint32_t *ret_n, size_t *ret_data)
{
	int r = fb_vec(f, t, id, 4, what, ret_n, ret_data);

	if (r < 0)
		return r;
	if (*ret_n > max)
		return FBERR(f, "huge: %u %s", *ret_n, what);
	return 0;
}

static int fb_string(struct fb *f, const struct fbt *t, unsigned int id, const char *what,
		     char **ret)
{
	uint32_t n;
	size_t data;
	int r = fb_vec(f, t, id, 1, what, &n, &data);

	if (r < 0)
		return r;
	*ret = strndup(r ? (const char *)f->p + data : "", r ? n : 0);
	return *ret ? 0 : -ENOMEM;
}

static int fb_ints(struct fb *f, const struct fbt *t, unsigned int id, const char *what,
		   uint32_t max, uint32_t *ret_n, int32_t **ret)
{
	uint32_t n;
	size_t data;
	int r = fb_vec(f, t, id, 4, what, &n, &data);

	*ret_n = 0;
	*ret = NULL;
	if (r <= 0)
		return r;
	if (n > max)
		return FBERR(f, "huge: %s has %u entries (limit %u)", what, n, max);
	*ret = calloc(n ? n : 1, sizeof(int32_t));
	if (!*ret)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		(*ret)[i] = (int32_t)rd32(f->p + data + 4 * (size_t)i);
	*ret_n = n;
	return 1;
}

static int read_quant(struct fb *f, const struct fbt *tt, struct model_quant *q)
{
	struct fbt t;
	uint64_t pos;
	uint32_t ns, nz, nmin, nmax;
	size_t ds, dz, dmin, dmax;
	uint8_t details;
	int r;

	r = fb_ref(f, tt, TFL_TENSOR_QUANTIZATION, "quantization", &pos);
	if (r <= 0)
		return r;
	r = fb_table(f, pos, "QuantizationParameters", &t);
	if (r < 0)
		return r;
	if ((r = fb_vec(f, &t, TFL_QUANT_SCALE, 4, "scale", &ns, &ds)) < 0 ||
	    (r = fb_vec(f, &t, TFL_QUANT_ZERO_POINT, 8, "zero_point", &nz, &dz)) < 0 ||
	    (r = fb_vec(f, &t, TFL_QUANT_MIN, 4, "min", &nmin, &dmin)) < 0 ||
	    (r = fb_vec(f, &t, TFL_QUANT_MAX, 4, "max", &nmax, &dmax)) < 0 ||
	    (r = fb_u8(f, &t, TFL_QUANT_DETAILS_TYPE, 0, &details)) < 0 ||
	    (r = fb_i32(f, &t, TFL_QUANT_QUANTIZED_DIMENSION, 0, &q->dim)) < 0)
		return r;
	if (details)
		return base_errf(f->err, f->errsz, -EOPNOTSUPP,
				 "unsupported: custom quantization details");
	if (nz && nz != ns)
		return FBERR(f, "bad quantization: %u scales but %u zero points", ns, nz);
	if (nmin != nmax)
		return FBERR(f, "bad quantization: %u min values but %u max values", nmin, nmax);
	if (ns > MODEL_MAX_DIM || nmin > MODEL_MAX_DIM)
		return FBERR(f, "huge: %u quantization parameters", ns > nmin ? ns : nmin);
	if (ns) {
		q->scale = calloc(ns, sizeof(float));
		q->zero_point = calloc(ns, sizeof(int64_t));
		if (!q->scale || !q->zero_point)
			return -ENOMEM;
		memcpy(q->scale, f->p + ds, 4 * (size_t)ns);
		for (uint32_t i = 0; i < ns; i++) {
			uint32_t v = rd32(f->p + ds + 4 * (size_t)i);

			memcpy(&q->scale[i], &v, 4);
			q->zero_point[i] = nz ? (int64_t)rd64(f->p + dz + 8 * (size_t)i) : 0;
		}
		q->n = ns;
	}
	if (nmin) {
		q->min = calloc(nmin, sizeof(float));
		q->max = calloc(nmin, sizeof(float));
		if (!q->min || !q->max)
			return -ENOMEM;
		for (uint32_t i = 0; i < nmin; i++) {
			uint32_t a = rd32(f->p + dmin + 4 * (size_t)i), b = rd32(f->p + dmax + 4 * (size_t)i);

			memcpy(&q->min[i], &a, 4);
			memcpy(&q->max[i], &b, 4);
		}
		q->n_minmax = nmin;
	}
	return 0;
}

/*
 * One of a DimensionMetadata's SparseIndexVectors (union type in field
 * @type_id, table in @id), widened to uint32; absent: 0 entries, NULL.
 */
static int read_index_vector(struct fb *f, const struct fbt *dt, unsigned int type_id,
			     unsigned int id, uint32_t idx, const char *name, uint32_t level,
			     const char *what, uint32_t *ret_n, uint32_t **ret)
{
	static const size_t width[] = { [TFL_SIV_INT32] = 4, [TFL_SIV_UINT16] = 2,
					[TFL_SIV_UINT8] = 1 };
	struct fbt vt;
	uint64_t pos;
	uint32_t n;
	size_t data;
	uint8_t type;
	int r;

	if ((r = fb_u8(f, dt, type_id, TFL_SIV_NONE, &type)) < 0 ||
	    (r = fb_ref(f, dt, id, what, &pos)) <= 0)
		return r;
	if (type == TFL_SIV_NONE || type > TFL_SIV_UINT8)
		return FBERR(f, "bad sparsity: tensor %u ('%s') level %u has %s of union type %u",
			     idx, name, level, what, type);
	if ((r = fb_table(f, pos, what, &vt)) < 0 ||
	    (r = fb_vec(f, &vt, 0, width[type], what, &n, &data)) < 0)
		return r;
	if (n > MODEL_MAX_ELEMS + 1)
		return FBERR(f, "huge: tensor %u ('%s') level %u has %u %s", idx, name, level, n,
			     what);
	*ret = malloc(sizeof(**ret) * (n ? n : 1));
	if (!*ret)
		return -ENOMEM;
	*ret_n = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = f->p + data + width[type] * i;

		if (type == TFL_SIV_INT32 && (int32_t)rd32(p) < 0)
			return FBERR(f, "bad sparsity: tensor %u ('%s') level %u: %s[%u] is %d", idx,
				     name, level, what, i, (int32_t)rd32(p));
		(*ret)[i] = type == TFL_SIV_INT32 ? rd32(p) : type == TFL_SIV_UINT16 ? rd16(p) : *p;
	}
	return 0;
}

/* A vector of ints of at most @max entries into @dst. */
static int read_small_ints(struct fb *f, const struct fbt *t, unsigned int id, uint32_t idx,
			   const char *name, const char *what, uint32_t max, uint32_t *ret_n,
			   int32_t *dst)
{
	uint32_t n;
	size_t data;
	int r = fb_vec(f, t, id, 4, what, &n, &data);

	if (r < 0)
		return r;
	if (n > max)
		return FBERR(f, "bad sparsity: tensor %u ('%s') has %u %s entries (at most %u)",
			     idx, name, n, what, max);
	for (uint32_t i = 0; i < n; i++)
		dst[i] = (int32_t)rd32(f->p + data + 4 * (size_t)i);
	*ret_n = n;
	return 0;
}

/* The SparsityParameters table at @pos, unchecked (model_densify() checks). */
static int read_sparsity(struct fb *f, uint64_t pos, uint32_t idx, const char *name,
			 struct model_sparsity *s)
{
	struct fbt t;
	uint32_t n;
	size_t data;
	int r;

	if ((r = fb_table(f, pos, "SparsityParameters", &t)) < 0 ||
	    (r = read_small_ints(f, &t, TFL_SPARSITY_TRAVERSAL_ORDER, idx, name, "traversal_order",
				 MODEL_MAX_SPARSE_LEVELS, &s->n_order, s->order)) < 0 ||
	    (r = read_small_ints(f, &t, TFL_SPARSITY_BLOCK_MAP, idx, name, "block_map",
				 MODEL_MAX_RANK, &s->n_block, s->block_map)) < 0 ||
	    (r = fb_tables(f, &t, TFL_SPARSITY_DIM_METADATA, "dim_metadata",
			   MODEL_MAX_SPARSE_LEVELS, &n, &data)) < 0)
		return r;
	s->n_dims = n;
	for (uint32_t l = 0; l < n; l++) {
		struct model_sparse_dim *dm = &s->dim[l];
		struct fbt dt;

		if ((r = fb_vec_table(f, data, l, "DimensionMetadata", &dt)) < 0 ||
		    (r = fb_u8(f, &dt, TFL_DIMMETA_FORMAT, TFL_DIM_DENSE, &dm->format)) < 0 ||
		    (r = fb_i32(f, &dt, TFL_DIMMETA_DENSE_SIZE, 0, &dm->dense_size)) < 0)
			return r;
		if (dm->format == TFL_DIM_DENSE)
			continue;	/* its index vectors, if any, mean nothing */
		if ((r = read_index_vector(f, &dt, TFL_DIMMETA_SEGMENTS_TYPE, TFL_DIMMETA_SEGMENTS,
					   idx, name, l, "array_segments", &dm->n_segments,
					   &dm->segments)) < 0 ||
		    (r = read_index_vector(f, &dt, TFL_DIMMETA_INDICES_TYPE, TFL_DIMMETA_INDICES,
					   idx, name, l, "array_indices", &dm->n_indices,
					   &dm->indices)) < 0)
			return r;
	}
	return 0;
}

static int read_tensor(struct fb *f, const struct fbt *t, uint32_t idx, struct model_tensor *ten,
		       struct model_sparsity *sparsity, int *ret_sparse)
{
	uint64_t pos;
	uint32_t n;
	size_t data;
	int32_t buffer;
	int r;

	if ((r = fb_string(f, t, TFL_TENSOR_NAME, "tensor name", &ten->name)) < 0)
		return r;
	if ((r = fb_vec(f, t, TFL_TENSOR_SHAPE, 4, "tensor shape", &n, &data)) < 0)
		return r;
	if (n > MODEL_MAX_RANK)
		return FBERR(f, "huge dimensions: tensor %u ('%s') has rank %u (limit %d)", idx,
			     ten->name, n, MODEL_MAX_RANK);
	ten->rank = n;
	for (uint32_t i = 0; i < n; i++)
		ten->shape[i] = (int32_t)rd32(f->p + data + 4 * (size_t)i);
	if ((r = fb_u8(f, t, TFL_TENSOR_TYPE, TFL_FLOAT32, &ten->type)) < 0 ||
	    (r = fb_i32(f, t, TFL_TENSOR_BUFFER, 0, &buffer)) < 0 ||
	    (r = fb_u8(f, t, TFL_TENSOR_IS_VARIABLE, 0, &ten->is_variable)) < 0)
		return r;
	ten->buffer = (uint32_t)buffer;
	if (ten->type > TFL_TYPE_MAX)
		return FBERR(f, "bad tensor: tensor %u ('%s') has unknown type %u", idx, ten->name,
			     ten->type);
	r = fb_ref(f, t, TFL_TENSOR_SPARSITY, "sparsity", &pos);
	if (r < 0)
		return r;
	*ret_sparse = r;
	if (r && (r = read_sparsity(f, pos, idx, ten->name, sparsity)) < 0)
		return r;
	r = read_quant(f, t, &ten->q);
	return r < 0 ? r : 0;
}

static int read_options(struct fb *f, const struct fbt *ot, uint32_t idx, struct model_op *op)
{
	struct model_opts *o = &op->o;
	struct fbt t;
	uint64_t pos;
	uint8_t u8;
	int r;

	if ((r = fb_u8(f, ot, TFL_OP_BUILTIN_OPTIONS_TYPE, 0, &o->type)) < 0)
		return r;
	o->stride_w = o->stride_h = o->dil_w = o->dil_h = o->depth_mult = 1;
	o->beta = 1.0f;
	r = fb_ref(f, ot, TFL_OP_BUILTIN_OPTIONS, "builtin_options", &pos);
	if (r < 0)
		return r;
	if (r == 0)
		return 0;
	r = fb_table(f, pos, "builtin options", &t);
	if (r < 0)
		return r;

#define U8(id, dst, def) ((r = fb_u8(f, &t, (id), (def), &u8)) < 0 ? r : ((dst) = u8, 0))
#define I32(id, dst, def) fb_i32(f, &t, (id), (def), &(dst))
	switch (o->type) {
	case TFL_OPT_CONV2D:
		if (U8(0, o->padding, 0) || I32(1, o->stride_w, 1) || I32(2, o->stride_h, 1) ||
		    U8(3, o->act, 0) || I32(4, o->dil_w, 1) || I32(5, o->dil_h, 1))
			return r < 0 ? r : -EBADMSG;
		break;
	case TFL_OPT_DEPTHWISE:
		if (U8(0, o->padding, 0) || I32(1, o->stride_w, 1) || I32(2, o->stride_h, 1) ||
		    I32(3, o->depth_mult, 1) || U8(4, o->act, 0) || I32(5, o->dil_w, 1) ||
		    I32(6, o->dil_h, 1))
			return -EBADMSG;
		break;
	case TFL_OPT_TRANSPOSE_CONV:
		if (U8(0, o->padding, 0) || I32(1, o->stride_w, 1) || I32(2, o->stride_h, 1))
			return -EBADMSG;
		break;
	case TFL_OPT_POOL2D:
		if (U8(0, o->padding, 0) || I32(1, o->stride_w, 1) || I32(2, o->stride_h, 1) ||
		    I32(3, o->filter_w, 1) || I32(4, o->filter_h, 1) || U8(5, o->act, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_FULLY_CONNECTED:
		if (U8(0, o->act, 0) || U8(1, o->weights_format, 0) || U8(2, o->keep_num_dims, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_SOFTMAX:
		if (fb_f32(f, &t, 0, 1.0f, &o->beta))
			return -EBADMSG;
		break;
	case TFL_OPT_CONCATENATION:
		if (I32(0, o->axis, 0) || U8(1, o->act, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_ADD:
	case TFL_OPT_SUB:
	case TFL_OPT_MUL:
	case TFL_OPT_DIV:
	case TFL_OPT_L2NORM:
		if (U8(0, o->act, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_RESIZE_BILINEAR:
		if (U8(2, o->align_corners, 0) || U8(3, o->half_pixel, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_RESIZE_NEAREST:
		if (U8(0, o->align_corners, 0) || U8(1, o->half_pixel, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_RESHAPE:
	case TFL_OPT_SQUEEZE:
		r = fb_ints(f, &t, 0, o->type == TFL_OPT_RESHAPE ? "new_shape" : "squeeze_dims",
			    MODEL_MAX_RANK, &o->n_ints, &o->ints);
		if (r < 0)
			return r;
		o->has_ints = r;
		break;
	case TFL_OPT_SPACE_TO_DEPTH:
	case TFL_OPT_DEPTH_TO_SPACE:
		if (I32(0, o->block_size, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_REDUCER:
		if (U8(0, o->keep_dims, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_STRIDED_SLICE:
		if (I32(0, o->begin_mask, 0) || I32(1, o->end_mask, 0) ||
		    I32(2, o->ellipsis_mask, 0) || I32(3, o->new_axis_mask, 0) ||
		    I32(4, o->shrink_axis_mask, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_LEAKY_RELU:
		if (fb_f32(f, &t, 0, 0.2f, &o->alpha))
			return -EBADMSG;
		break;
	case TFL_OPT_SPLIT:
	case TFL_OPT_SPLIT_V:
		if (I32(0, o->num, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_PACK:
	case TFL_OPT_UNPACK:
		if (I32(0, o->num, 0) || I32(1, o->axis, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_ARGMAX:
	case TFL_OPT_ARGMIN:
		if (U8(0, o->output_type, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_MIRROR_PAD:
		if (U8(0, o->mirror_mode, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_GELU:
		if (U8(0, o->approximate, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_GATHER:
		if (I32(0, o->axis, 0) || I32(1, o->batch_dims, 0))
			return -EBADMSG;
		break;
	case TFL_OPT_BATCH_MATMUL:
		if (U8(0, o->adj_x, 0) || U8(1, o->adj_y, 0))
			return -EBADMSG;
		break;
	default:
		/* Other option tables carry nothing we use, or belong to ops we only list. */
		break;
	}
#undef U8
#undef I32
	(void)idx;
	return 0;
}

/*
 * MediaPipe's Convolution2DTransposeBias keeps TFLite's
 * TfLiteTransposeConvParams as its custom options: three little-endian
 * int32, the TfLitePadding (1 SAME, 2 VALID), stride_w and stride_h. Read
 * into the options TRANSPOSE_CONV has (o->type stays NONE: a custom op has
 * no builtin options table).
 */
static int read_tconv_bias_options(struct fb *f, const struct fbt *t, uint32_t idx,
				   struct model_op *op)
{
	uint32_t n;
	size_t data;
	int32_t pad, sw, sh;
	int r;

	if ((r = fb_vec(f, t, TFL_OP_CUSTOM_OPTIONS, 1, "custom options", &n, &data)) < 0)
		return r;
	if (r == 0 || n < 12)
		return FBERR(f, "bad options of operator %u: Convolution2DTransposeBias needs 12 "
			     "bytes of custom options (padding, stride_w, stride_h), has %u",
			     idx, r == 0 ? 0 : n);
	pad = (int32_t)rd32(f->p + data);
	sw = (int32_t)rd32(f->p + data + 4);
	sh = (int32_t)rd32(f->p + data + 8);
	if ((pad != 1 && pad != 2) || sw < 1 || sh < 1 || sw > MODEL_MAX_DIM || sh > MODEL_MAX_DIM)
		return FBERR(f, "bad options of operator %u: Convolution2DTransposeBias padding %d, "
			     "strides %d x %d", idx, pad, sw, sh);
	op->o.padding = pad == 1 ? TFL_PAD_SAME : TFL_PAD_VALID;
	op->o.stride_w = sw;
	op->o.stride_h = sh;
	return 0;
}

/*
 * TFLite_Detection_PostProcess's options: a FlexBuffer map (TFLite's
 * Init() reads it). detections_per_class (100) and use_regular_nms
 * (false) may be absent; TFLite reads an absent other key as 0, which
 * divides by zero or keeps nothing: refused here by name.
 */
static int read_detect_options(struct fb *f, const struct fbt *t, uint32_t idx,
			       struct model_op *op)
{
	static const struct {
		const char *key;
		int is_int;
		double lo, hi;	/* the values accepted */
	} keys[] = {
		{ "max_detections", 1, 1, 65536 },
		{ "max_classes_per_detection", 1, 1, 65536 },
		{ "detections_per_class", 1, 1, 1 << 24 },
		{ "num_classes", 1, 1, 1 << 24 },
		{ "nms_score_threshold", 0, -3.4e38, 3.4e38 },
		/* TFLite's NMS fails an IoU threshold outside (0, 1] */
		{ "nms_iou_threshold", 0, 0x1p-149, 1 },
		{ "y_scale", 0, 0x1p-126, 3.4e38 },
		{ "x_scale", 0, 0x1p-126, 3.4e38 },
		{ "h_scale", 0, 0x1p-126, 3.4e38 },
		{ "w_scale", 0, 0x1p-126, 3.4e38 },
		{ "use_regular_nms", 1, 0, 1 },
	};
	struct model_detect_opts *d = &op->o.det;
	double v[ARRAY_SIZE(keys)];
	uint32_t n;
	size_t data;
	int r;

	if ((r = fb_vec(f, t, TFL_OP_CUSTOM_OPTIONS, 1, "custom options", &n, &data)) < 0)
		return r;
	if (r == 0)
		return FBERR(f, "bad options of operator %u: %s has no custom options", idx,
			     MODEL_DETECT_CUSTOM);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		r = model_flex_number(f->p + data, n, keys[i].key, &v[i]);
		if (r == -ENOENT && !strcmp(keys[i].key, "detections_per_class")) {
			v[i] = 100;
			continue;
		}
		if (r == -ENOENT && !strcmp(keys[i].key, "use_regular_nms")) {
			v[i] = 0;
			continue;
		}
		if (r == -ENOENT)
			return FBERR(f, "bad options of operator %u: %s has no %s", idx,
				     MODEL_DETECT_CUSTOM, keys[i].key);
		if (r)
			return FBERR(f, "bad options of operator %u: %s's custom options are not a "
				     "FlexBuffer map of numbers (at %s)", idx, MODEL_DETECT_CUSTOM,
				     keys[i].key);
		if (keys[i].is_int)
			v[i] = (double)(int64_t)v[i];	/* AsInt32(): truncated */
		if (!(v[i] >= keys[i].lo && v[i] <= keys[i].hi))
			return FBERR(f, "bad options of operator %u: %s %s %g, not in [%g, %g]", idx,
				     MODEL_DETECT_CUSTOM, keys[i].key, v[i], keys[i].lo, keys[i].hi);
	}
	d->max_detections = (int32_t)v[0];
	d->max_classes_per_detection = (int32_t)v[1];
	d->detections_per_class = (int32_t)v[2];
	d->num_classes = (int32_t)v[3];
	/* AsFloat(): the double rounded to binary32 */
	d->score_threshold = (float)v[4];
	d->iou_threshold = (float)v[5];
	d->y_scale = (float)v[6];
	d->x_scale = (float)v[7];
	d->h_scale = (float)v[8];
	d->w_scale = (float)v[9];
	d->regular_nms = v[10] != 0;
	if (!(d->iou_threshold > 0) || !(d->y_scale > 0) || !(d->x_scale > 0) ||
	    !(d->h_scale > 0) || !(d->w_scale > 0))
		return FBERR(f, "bad options of operator %u: %s's IoU threshold or a scale rounds "
			     "to 0 in binary32", idx, MODEL_DETECT_CUSTOM);
	if ((int64_t)d->max_detections * d->max_classes_per_detection > 65536)
		return FBERR(f, "bad options of operator %u: %s max_detections %d x "
			     "max_classes_per_detection %d is over 65536 detections", idx,
			     MODEL_DETECT_CUSTOM, d->max_detections, d->max_classes_per_detection);
	return 0;
}

struct opcode {
	int32_t code, version;
	char *custom;
};

static int read_operator(struct fb *f, const struct fbt *t, uint32_t idx, const struct opcode *codes,
			 uint32_t n_codes, struct model_op *op)
{
	int32_t oc;
	int r;

	if ((r = fb_i32(f, t, TFL_OP_OPCODE_INDEX, 0, &oc)) < 0)
		return r;
	if ((uint32_t)oc >= n_codes)
		return FBERR(f, "out-of-range reference: operator %u uses opcode %u of %u", idx,
			     (uint32_t)oc, n_codes);
	op->code = codes[oc].code;
	op->version = codes[oc].version;
	if (codes[oc].custom) {
		op->custom_code = strdup(codes[oc].custom);
		if (!op->custom_code)
			return -ENOMEM;
	}
	if ((r = fb_ints(f, t, TFL_OP_INPUTS, "operator inputs", MODEL_MAX_OP_IO, &op->n_in, &op->in)) < 0 ||
	    (r = fb_ints(f, t, TFL_OP_OUTPUTS, "operator outputs", MODEL_MAX_OP_IO, &op->n_out,
			 &op->out)) < 0)
		return r;
	r = read_options(f, t, idx, op);
	if (r == -EBADMSG && f->err && !f->err[0])
		FBERR(f, "bad options of operator %u", idx);
	if (r >= 0 && op->code == TFL_OP_CUSTOM) {
		/* kept as they are, for the writer */
		uint32_t n;
		size_t data;

		r = fb_vec(f, t, TFL_OP_CUSTOM_OPTIONS, 1, "custom options", &n, &data);
		if (r > 0 && n) {
			op->custom_options = base_memdup(f->p + data, n);
			op->n_custom_options = n;
			r = op->custom_options ? 0 : -ENOMEM;
		}
	}
	if (r >= 0 && op->code == TFL_OP_CUSTOM && op->custom_code &&
	    !strcmp(op->custom_code, MODEL_TCONV_BIAS_CUSTOM))
		r = read_tconv_bias_options(f, t, idx, op);
	else if (r >= 0 && model_is_detect(op))
		r = read_detect_options(f, t, idx, op);
	return r;
}

static int read_opcodes(struct fb *f, const struct fbt *mt, struct opcode **ret, uint32_t *ret_n)
{
	uint32_t n;
	size_t data;
	int r = fb_tables(f, mt, TFL_MODEL_OPERATOR_CODES, "operator codes", MODEL_MAX_OPS, &n,
			  &data);

	if (r < 0)
		return r;
	*ret = calloc(n ? n : 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	*ret_n = n;
	for (uint32_t i = 0; i < n; i++) {
		struct opcode *c = &(*ret)[i];
		struct fbt t;
		uint8_t dep;

		if ((r = fb_vec_table(f, data, i, "OperatorCode", &t)) < 0 ||
		    (r = fb_u8(f, &t, TFL_OPCODE_DEPRECATED_BUILTIN_CODE, 0, &dep)) < 0 ||
		    (r = fb_i32(f, &t, TFL_OPCODE_BUILTIN_CODE, 0, &c->code)) < 0 ||
		    (r = fb_i32(f, &t, TFL_OPCODE_VERSION, 1, &c->version)) < 0)
			return r;
		/* Files older than schema 3a only fill the deprecated byte. */
		if ((int8_t)dep > c->code)
			c->code = (int8_t)dep;
		if (c->code < 0 || c->code > TFL_OP_MAX_KNOWN)
			return FBERR(f, "unknown op: operator code %u has builtin code %d", i, c->code);
		if (c->code == TFL_OP_CUSTOM) {
			r = fb_string(f, &t, TFL_OPCODE_CUSTOM_CODE, "custom_code", &c->custom);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int read_buffers(struct fb *f, const struct fbt *mt, struct edgeai_model *m)
{
	uint32_t n;
	size_t data;
	int r = fb_tables(f, mt, TFL_MODEL_BUFFERS, "buffers", MODEL_MAX_TENSORS, &n, &data);

	if (r < 0)
		return r;
	m->buf = calloc(n ? n : 1, sizeof(*m->buf));
	if (!m->buf)
		return -ENOMEM;
	m->n_buffers = n ? n : 1;
	for (uint32_t i = 0; i < n; i++) {
		struct fbt t;
		uint32_t len;
		size_t at;
		uint64_t off, sz;

		if ((r = fb_vec_table(f, data, i, "Buffer", &t)) < 0 ||
		    (r = fb_vec(f, &t, TFL_BUFFER_DATA, 1, "buffer data", &len, &at)) < 0 ||
		    (r = fb_u64(f, &t, TFL_BUFFER_OFFSET, &off)) < 0 ||
		    (r = fb_u64(f, &t, TFL_BUFFER_SIZE, &sz)) < 0)
			return r;
		if (off > 1)
			return base_errf(f->err, f->errsz, -EOPNOTSUPP,
					 "unsupported: buffer %u keeps its data outside the flatbuffer", i);
		if (len && m->map && f->p == m->map && at % 16 == 0) {
			/* in the file's map, aligned as a copy would be: no copy */
			m->buf[i].data = (uint8_t *)m->map + at;
			m->buf[i].size = len;
		} else if (len) {
			m->buf[i].data = malloc(len);
			if (!m->buf[i].data)
				return -ENOMEM;
			memcpy(m->buf[i].data, f->p + at, len);
			m->buf[i].size = len;
		}
	}
	return 0;
}

/*
 * Sparse tensor @i (its sparsity in @s): its dense data in a buffer of
 * its own at the end; the stored values stay in theirs, which the caller
 * empties when no other tensor uses it.
 */
static int densify(struct fb *f, struct edgeai_model *m, uint32_t i, const struct model_sparsity *s)
{
	struct model_tensor *t = &m->t[i];
	struct model_buffer *nbuf;
	uint8_t *data = NULL;
	size_t size = 0;
	int r;

	if (!t->buffer || !m->buf[t->buffer].size)
		return FBERR(f, "bad sparsity: tensor %u ('%s') is sparse but has no constant data",
			     i, t->name);
	r = model_densify(t, i, s, m->buf[t->buffer].data, m->buf[t->buffer].size, &data, &size,
			  f->err, f->errsz);
	if (r < 0)
		return r;
	nbuf = realloc(m->buf, sizeof(*m->buf) * (m->n_buffers + 1));
	if (!nbuf) {
		free(data);
		return -ENOMEM;
	}
	m->buf = nbuf;
	m->buf[m->n_buffers] = (struct model_buffer){ data, size };
	t->buffer = m->n_buffers++;
	return 0;
}

static int read_tensors(struct fb *f, const struct fbt *st, struct edgeai_model *m)
{
	_cleanup_free_ uint8_t *sparse_src = NULL;
	uint32_t n, nb = m->n_buffers;	/* the file's buffers */
	size_t data;
	int r = fb_tables(f, st, TFL_SUBGRAPH_TENSORS, "tensors", MODEL_MAX_TENSORS, &n, &data);

	if (r < 0)
		return r;
	m->t = calloc(n ? n : 1, sizeof(*m->t));
	if (!m->t)
		return -ENOMEM;
	m->n_tensors = n;
	sparse_src = calloc(m->n_buffers, 1);
	if (!sparse_src)
		return -ENOMEM;
	for (uint32_t i = 0; i < n && r >= 0; i++) {
		struct model_sparsity sp = { 0 };
		int sparse = 0;
		struct fbt t;

		r = fb_vec_table(f, data, i, "Tensor", &t);
		if (r >= 0)
			r = read_tensor(f, &t, i, &m->t[i], &sp, &sparse);
		/* against the file's buffers, not the dense ones added here */
		if (r >= 0 && m->t[i].buffer >= nb)
			r = FBERR(f, "out-of-range reference: tensor %u ('%s') uses buffer %u of %u",
				  i, m->t[i].name, m->t[i].buffer, nb);
		if (r >= 0 && sparse) {
			uint32_t b = m->t[i].buffer;

			r = densify(f, m, i, &sp);
			if (r >= 0)
				sparse_src[b] = 1;
		}
		model_sparsity_free(&sp);
	}
	/* the stored values of sparse constants nothing else reads */
	for (uint32_t i = 0; i < n && r >= 0; i++)
		if (m->t[i].buffer < nb)
			sparse_src[m->t[i].buffer] = 0;
	for (uint32_t b = 1; b < nb && r >= 0; b++) {
		if (!sparse_src[b])
			continue;
		model_buffer_release(m, m->buf[b].data);
		m->buf[b].data = NULL;
		m->buf[b].size = 0;
	}
	return r;
}

static int read_operators(struct fb *f, const struct fbt *st, const struct opcode *codes,
			  uint32_t n_codes, struct edgeai_model *m)
{
	uint32_t n;
	size_t data;
	int r = fb_tables(f, st, TFL_SUBGRAPH_OPERATORS, "operators", MODEL_MAX_OPS, &n, &data);

	if (r < 0)
		return r;
	m->ops = calloc(n ? n : 1, sizeof(*m->ops));
	if (!m->ops)
		return -ENOMEM;
	m->n_ops = n;
	for (uint32_t i = 0; i < n && r >= 0; i++) {
		struct fbt t;

		r = fb_vec_table(f, data, i, "Operator", &t);
		if (r >= 0)
			r = read_operator(f, &t, i, codes, n_codes, &m->ops[i]);
	}
	return r;
}

static int read_model(struct fb *f, struct edgeai_model *m)
{
	_cleanup_free_ struct opcode *codes = NULL;
	uint32_t n_codes = 0, n_sg;
	size_t sg_data;
	struct fbt mt, st;
	int32_t version;
	int r;

	if (f->size < 8)
		return FBERR(f, "truncated: %zu bytes is too short for a TFLite file", f->size);
	if (memcmp(f->p + 4, TFL_IDENTIFIER, 4))
		return FBERR(f, "not a TFLite model: file identifier is not \"" TFL_IDENTIFIER "\"");
	r = fb_table(f, rd32(f->p), "Model", &mt);
	if (r < 0)
		return r;
	if ((r = fb_i32(f, &mt, TFL_MODEL_VERSION, 0, &version)) < 0)
		return r;
	m->version = (uint32_t)version;
	if (m->version != TFL_SCHEMA_VERSION)
		return base_errf(f->err, f->errsz, -EOPNOTSUPP,
				 "unsupported: schema version %u (want %d)", m->version,
				 TFL_SCHEMA_VERSION);
	if ((r = fb_string(f, &mt, TFL_MODEL_DESCRIPTION, "description", &m->description)) < 0)
		return r;

	r = read_opcodes(f, &mt, &codes, &n_codes);
	if (r >= 0)
		r = read_buffers(f, &mt, m);
	if (r < 0)
		goto out;

	r = fb_vec(f, &mt, TFL_MODEL_SUBGRAPHS, 4, "subgraphs", &n_sg, &sg_data);
	if (r < 0)
		goto out;
	if (n_sg == 0) {
		r = FBERR(f, "bad model: no subgraph");
		goto out;
	}
	r = fb_vec_table(f, sg_data, 0, "SubGraph", &st);
	if (r < 0)
		goto out;
	if ((r = fb_string(f, &st, TFL_SUBGRAPH_NAME, "subgraph name", &m->sg_name)) < 0 ||
	    (r = fb_ints(f, &st, TFL_SUBGRAPH_INPUTS, "subgraph inputs", MODEL_MAX_OP_IO, &m->n_in,
			 &m->in)) < 0 ||
	    (r = fb_ints(f, &st, TFL_SUBGRAPH_OUTPUTS, "subgraph outputs", MODEL_MAX_OP_IO, &m->n_out,
			 &m->out)) < 0)
		goto out;

	r = read_tensors(f, &st, m);
	if (r >= 0)
		r = read_operators(f, &st, codes, n_codes, m);
	if (r < 0)
		goto out;
	r = 0;
out:
	for (uint32_t i = 0; i < n_codes; i++)
		free(codes[i].custom);
	return r;
}

/*
 * The model in @size bytes at @data; @map: @data is a read-only map of the
 * file that the model takes over (unmapped with it, also on failure), and
 * its buffers point into it.
 */
static int load(const void *data, size_t size, int map, struct edgeai_model **ret_model,
		char *errbuf, size_t errbuf_size)
{
	struct fb f = { .p = data, .size = size, .err = errbuf, .errsz = errbuf_size };
	struct edgeai_model *m;
	int r;

	m = model_new();
	if (!m) {
		if (map)
			munmap((void *)data, size);
		return -ENOMEM;
	}
	if (map) {
		m->map = (void *)data;
		m->map_size = size;
	}
	m->file_size = size;
	r = read_model(&f, m);
	if (r == -ENOMEM)
		base_errf(errbuf, errbuf_size, r, "out of memory reading the model");
	if (r >= 0)
		r = model_validate(m, errbuf, errbuf_size);
	if (r < 0) {
		if (errbuf && errbuf_size && !errbuf[0])
			base_errf(errbuf, errbuf_size, r, "malformed model");
		edgeai_model_unref(m);
		return r;
	}
	m->map_is_model = !!m->map;
	*ret_model = m;
	return 0;
}

EDGEAI_PUBLIC int edgeai_model_load(const void *data, size_t size, struct edgeai_model **ret_model,
				    char *errbuf, size_t errbuf_size)
{
	if (errbuf && errbuf_size)
		errbuf[0] = '\0';
	assert_return(data || size == 0, -EINVAL);
	assert_return(ret_model, -EINVAL);
	if (size > UINT32_MAX)
		return base_errf(errbuf, errbuf_size, -EOPNOTSUPP,
				 "unsupported: file of %zu bytes is over the 2 GiB flatbuffer limit", size);
	return load(data, size, 0, ret_model, errbuf, errbuf_size);
}

static void file_id_of(const struct stat *st, struct model_file_id *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	id->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

/*
 * The file is mapped (read-only, private, populated) and the constant
 * buffers stay in the map: no read() copy of the file and no copy of each
 * buffer, so the cold start neither copies the weights twice nor holds
 * them twice. What cannot be mapped is read.
 */
EDGEAI_PUBLIC int edgeai_model_load_file(const char *path, struct edgeai_model **ret_model,
					 char *errbuf, size_t errbuf_size)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ uint8_t *data = NULL;
	struct model_file_id id2;
	struct stat st;
	size_t done = 0;

	assert_return(path, -EINVAL);
	assert_return(ret_model, -EINVAL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return base_errf(errbuf, errbuf_size, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: not a regular file", path);
	if ((uint64_t)st.st_size > UINT32_MAX)
		return base_errf(errbuf, errbuf_size, -EOPNOTSUPP,
				 "%s: over the 2 GiB flatbuffer limit", path);
	if (st.st_size > 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				 fd, 0);

		if (map != MAP_FAILED) {
			struct stat st2;
			int r;

			if (errbuf && errbuf_size)
				errbuf[0] = '\0';
			r = load(map, (size_t)st.st_size, 1, ret_model, errbuf, errbuf_size);
			/* unchanged while read: the identity stands for these bytes */
			if (!r && !fstat(fd, &st2)) {
				file_id_of(&st, &(*ret_model)->file_id);
				file_id_of(&st2, &id2);
				(*ret_model)->file_id_ok =
					!memcmp(&id2, &(*ret_model)->file_id, sizeof(id2));
			}
			return r;
		}
	}
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t k = read(fd, data + done, (size_t)st.st_size - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return base_errf(errbuf, errbuf_size, k < 0 ? -errno : -EIO, "%s: short read",
					 path);
		done += (size_t)k;
	}
	return edgeai_model_load(data, done, ret_model, errbuf, errbuf_size);
}
