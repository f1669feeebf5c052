/* SPDX-License-Identifier: MIT */
/*
 * In-memory form of a TFLite model (one subgraph), shared by the reader
 * (tflite-read.c), the writer (tflite-write.c), the float reference
 * kernels (fref.c) and the quantizer (quant.c).
 */
#ifndef EDGEAI_TFLITE_MODEL_H
#define EDGEAI_TFLITE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "edgeai/edgeai.h"
#include "model/tflite-schema.h"

#define EA_MAX_RANK EDGEAI_MAX_RANK
/* Limits that keep a hostile file from making us allocate without bound. */
#define EA_MAX_DIM (1 << 24)
#define EA_MAX_ELEMS (UINT64_C(1) << 28)
#define EA_MAX_TENSORS (1 << 20)
#define EA_MAX_OPS (1 << 20)
#define EA_MAX_OP_IO 1024

struct ea_quant {
	uint32_t n;		/* scales/zero points */
	float *scale;
	int64_t *zero_point;
	int32_t dim;
	uint32_t n_minmax;
	float *min, *max;
};

struct ea_tensor {
	char *name;
	uint8_t type;		/* enum tfl_type */
	uint8_t is_variable;
	uint32_t rank;
	int32_t shape[EA_MAX_RANK];
	uint32_t buffer;	/* 0: no data */
	struct ea_quant q;
};

/* Decoded builtin options; which fields mean something depends on @type. */
struct ea_opts {
	uint8_t type;		/* enum tfl_opt */
	int8_t padding;
	int8_t act;
	uint8_t align_corners, half_pixel, keep_dims, keep_num_dims, weights_format;
	int32_t stride_w, stride_h, dil_w, dil_h, depth_mult, filter_w, filter_h;
	int32_t axis, block_size;
	int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
	float beta, alpha;
	uint32_t n_ints;	/* Reshape new_shape / Squeeze squeeze_dims */
	int32_t *ints;
	int has_ints;
};

struct ea_op {
	int32_t code;
	int32_t version;
	char *custom_code;
	uint32_t n_in, n_out;
	int32_t *in, *out;	/* tensor indices, -1 = absent optional input */
	struct ea_opts o;
};

struct ea_buffer {
	uint8_t *data;
	size_t size;
};

struct edgeai_model {
	int n_ref;
	uint32_t version;
	char *description;
	char *sg_name;
	uint32_t n_tensors, n_ops, n_in, n_out, n_buffers;
	struct ea_tensor *t;
	struct ea_op *ops;
	int32_t *in, *out;
	struct ea_buffer *buf;	/* buf[0] is the empty sentinel buffer */
	size_t file_size;
};

size_t ea_type_size(uint8_t type);
int ea_tensor_elems(const struct ea_tensor *t, uint64_t *ret);
void ea_model_free_contents(struct edgeai_model *m);
struct edgeai_model *ea_model_new(void);
int ea_model_validate(const struct edgeai_model *m, char *errbuf, size_t errbuf_size);
int ea_tflite_write(const struct edgeai_model *m, uint8_t **ret_data, size_t *ret_size,
		    char *errbuf, size_t errbuf_size);
float ea_half_to_float(uint16_t h);

#endif
