/* SPDX-License-Identifier: MIT */
/*
 * In-memory form of a TFLite model (one subgraph), the object model.c
 * owns: the reader (tflite-read.c) fills it, the writer (tflite-write.c)
 * serializes it, the quantizer (quant/) and the compiler (compiler/) read
 * it.
 */
#ifndef EDGEAI_MODEL_H
#define EDGEAI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "edgeai/edgeai.h"
#include "model/tflite-schema.h"

#define MODEL_MAX_RANK EDGEAI_MAX_RANK
/* Limits that keep a hostile file from making us allocate without bound. */
#define MODEL_MAX_DIM (1 << 24)
#define MODEL_MAX_ELEMS (UINT64_C(1) << 28)
#define MODEL_MAX_TENSORS (1 << 20)
#define MODEL_MAX_OPS (1 << 20)
#define MODEL_MAX_OP_IO 1024
/*
 * A sparse constant is at most this many dense elements per stored value
 * (at least 0.4 % dense; pruned models keep 10 % or more), or 4096 in
 * all: a few bytes of file must not become gigabytes of dense data.
 */
#define MODEL_MAX_SPARSE_RATIO 256
#define MODEL_MIN_SPARSE_LIMIT 4096

struct model_quant {
	uint32_t n;		/* scales/zero points */
	float *scale;
	int64_t *zero_point;
	int32_t dim;
	uint32_t n_minmax;
	float *min, *max;
};

struct model_tensor {
	char *name;
	uint8_t type;		/* enum tfl_type */
	uint8_t is_variable;
	uint32_t rank;
	int32_t shape[MODEL_MAX_RANK];
	uint32_t buffer;	/* 0: no data */
	struct model_quant q;
};

/*
 * A sparse constant's TFLite SparsityParameters (sparse.c says what they
 * mean), index vectors widened to uint32, as the reader found them in
 * the file. Nothing is checked yet.
 */
#define MODEL_MAX_SPARSE_LEVELS (2 * MODEL_MAX_RANK)
struct model_sparse_dim {
	uint8_t format;		/* TFL_DIM_DENSE or TFL_DIM_SPARSE_CSR */
	int32_t dense_size;
	uint32_t n_segments, n_indices;
	uint32_t *segments, *indices;	/* malloc()ed */
};

struct model_sparsity {
	uint32_t n_order, n_block, n_dims;
	int32_t order[MODEL_MAX_SPARSE_LEVELS];	/* traversal_order */
	int32_t block_map[MODEL_MAX_RANK];
	struct model_sparse_dim dim[MODEL_MAX_SPARSE_LEVELS];	/* dim_metadata */
};

/* Decoded builtin options; which fields mean something depends on @type. */
/*
 * TFLite_Detection_PostProcess's custom options (a FlexBuffer map in the
 * file): the box decoding's scales and the non-maximum suppression's
 * terms, as TFLite's detection_postprocess.cc reads them.
 */
struct model_detect_opts {
	int32_t max_detections, max_classes_per_detection, detections_per_class, num_classes;
	float score_threshold, iou_threshold;
	float y_scale, x_scale, h_scale, w_scale;
	uint8_t regular_nms;	/* use_regular_nms */
};

struct model_opts {
	uint8_t type;		/* enum tfl_opt */
	int8_t padding;
	int8_t act;
	uint8_t align_corners, half_pixel, keep_dims, keep_num_dims, weights_format;
	uint8_t output_type;	/* ARG_MAX, ARG_MIN: enum tfl_type of the indices */
	uint8_t mirror_mode;	/* MIRROR_PAD: 0 REFLECT, 1 SYMMETRIC */
	uint8_t approximate;	/* GELU: the tanh form */
	uint8_t adj_x, adj_y;	/* BATCH_MATMUL: an input's matrices stored transposed */
	int32_t stride_w, stride_h, dil_w, dil_h, depth_mult, filter_w, filter_h;
	int32_t axis, block_size;
	int32_t num;		/* SPLIT(_V) num_splits, PACK values_count, UNPACK num */
	int32_t batch_dims;	/* GATHER */
	int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
	float beta, alpha;
	uint32_t n_ints;	/* Reshape new_shape / Squeeze squeeze_dims */
	int32_t *ints;
	int has_ints;
	struct model_detect_opts det;	/* TFLite_Detection_PostProcess */
};

struct model_op {
	int32_t code;
	int32_t version;
	char *custom_code;
	uint8_t *custom_options;	/* a custom op's options as the file has them, or NULL */
	uint32_t n_custom_options;
	uint32_t n_in, n_out;
	int32_t *in, *out;	/* tensor indices, -1 = absent optional input */
	struct model_opts o;
};

/*
 * Constant data: malloc()ed, or (a model from edgeai_model_load_file())
 * inside the model's read-only map of its file, which nobody writes or
 * frees (model_buffer_release()).
 */
struct model_buffer {
	uint8_t *data;
	size_t size;
};

struct edgeai_model {
	int n_ref;
	uint32_t version;
	char *description;
	char *sg_name;
	uint32_t n_tensors, n_ops, n_in, n_out, n_buffers;
	struct model_tensor *t;
	struct model_op *ops;
	int32_t *in, *out;
	struct model_buffer *buf;	/* buf[0] is the empty sentinel buffer */
	size_t file_size;
	/* edgeai_model_load_file(): the file, mapped read-only (buffers point into it) */
	void *map;
	size_t map_size;
	/* the model is what the map's bytes describe (model_prune() clears it) */
	int map_is_model;
	/*
	 * The mapped file's identity (fstat()), the same before and after
	 * it was read (file_id_ok): what the compile cache's digest memo is
	 * keyed by.
	 */
	struct model_file_id {
		uint64_t dev, ino, size;
		int64_t mtime_ns, ctime_ns;
	} file_id;
	int file_id_ok;
};

/* model.c */
struct edgeai_model *model_new(void);
/* A deep copy of @m; NULL on OOM. */
struct edgeai_model *model_clone(const struct edgeai_model *m);
/*
 * Every reference in range, shapes bounded, constant data matching its
 * tensor, operators in dataflow order with no cycle: 0 or -EBADMSG (with
 * a message in @errbuf).
 */
int model_validate(const struct edgeai_model *m, char *errbuf, size_t errbuf_size);
/* Free @data of one of @m's buffers unless it lies in the model's file map. */
void model_buffer_release(const struct edgeai_model *m, void *data);
/*
 * Unmap the pages of @m's file map from this process (MADV_DONTNEED): they
 * stay in the page cache and a later read of the model faults them in
 * again from it, with the same bytes (the map is private and read-only).
 * For a caller done with the model's bytes for now (a finished compile).
 */
void model_drop_map_pages(const struct edgeai_model *m);
/* Drop operators marked with code -1, then the tensors and buffers nothing uses. */
int model_prune(struct edgeai_model *m);
/* 1 when tensor @t (-1: absent) has constant data. */
int model_is_const(const struct edgeai_model *m, int32_t t);
/* 1 when tensor @t is the int32 or int64 index output of an ARG_MAX or ARG_MIN of @m. */
int model_is_argmax_output(const struct edgeai_model *m, uint32_t t);
void model_quant_free(struct model_quant *q);
/* Bytes per element of TFLite type @type; 0 for types of no fixed size. */
size_t model_type_size(uint8_t type);
int model_tensor_elems(const struct model_tensor *t, uint64_t *ret);
float model_half_to_float(uint16_t h);

/* sparse.c */
void model_sparsity_free(struct model_sparsity *s);
/*
 * The dense data (malloc()ed, row-major over @t's shape, zero where
 * nothing is stored) of tensor @idx, @t, whose @size bytes of stored
 * @values @s describes. Every part of @s is checked against @t's shape
 * and @size first: -EBADMSG with a message naming the tensor when it
 * does not fit.
 */
int model_densify(const struct model_tensor *t, uint32_t idx, const struct model_sparsity *s,
		  const uint8_t *values, size_t size, uint8_t **ret_data, size_t *ret_size,
		  char *errbuf, size_t errbuf_size);

/*
 * TFLite_Detection_PostProcess, the box decoding and non-maximum
 * suppression that ends SSD and EfficientDet exports: inputs box
 * encodings [1, boxes, >= 4], class scores [1, boxes, classes (+1 for a
 * background class)] and constant anchors [boxes, 4]; float32 outputs
 * boxes [1, N, 4], classes [1, N], scores [1, N] and their count [1], N =
 * max_detections x max_classes_per_detection. Its options in @o.det.
 */
#define MODEL_DETECT_CUSTOM "TFLite_Detection_PostProcess"
int model_is_detect(const struct model_op *op);

/*
 * A transposed convolution: TFLite's TRANSPOSE_CONV (inputs output_shape,
 * weights, input, optional bias) or MediaPipe's Convolution2DTransposeBias
 * custom op (input, weights, bias; its custom options read into @o).
 */
#define MODEL_TCONV_BIAS_CUSTOM "Convolution2DTransposeBias"
int model_is_tconv(const struct model_op *op);
/*
 * Its tensors (bias -1 when absent) and the output rows/columns cut
 * before the full result (the "padding"): TRANSPOSE_CONV's as TFLite 2.9
 * derives them from the output shape (ComputePaddingHeightWidth), the
 * custom op's as MediaPipe's kernel does. 0, or -EBADMSG when shapes and
 * options do not fit together (4-D input, [OC, KH, KW, IC] filter, an
 * output the input, stride and cut produce).
 */
struct model_tconv {
	int32_t in, filter, bias, out;
	int32_t pad_h, pad_w;
};
int model_tconv(const struct edgeai_model *m, const struct model_op *op, struct model_tconv *ret);

/* tflite-write.c: the flatbuffer of @m (malloc()ed); equal models give equal bytes. */
int model_write_tflite(const struct edgeai_model *m, uint8_t **ret_data, size_t *ret_size,
		       char *errbuf, size_t errbuf_size);

#endif
