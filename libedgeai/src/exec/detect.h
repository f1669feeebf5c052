/* SPDX-License-Identifier: MIT */
/*
 * TFLite_Detection_PostProcess on the host (detect.c): the op that ends
 * SSD and EfficientDet exports decodes each anchor's box and picks the
 * detections by non-maximum suppression, in float32 and with sorts, which
 * no device of ours computes. The compiled program ends at the op's two
 * 8-bit inputs; after the run the library does the op's arithmetic,
 * TFLite's, on them (fio.c takes the op off the graph).
 */
#ifndef EDGEAI_EXEC_DETECT_H
#define EDGEAI_EXEC_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct exec_detect {
	struct model_detect_opts o;
	uint32_t n_boxes;	/* anchors */
	uint32_t box_len;	/* values per box encoding (>= 4; the first four are used) */
	uint32_t n_cls;		/* class scores per box, with the background's */
	/* the 8-bit box encodings and class scores: scale, zero point, signedness */
	float box_scale, cls_scale;
	int32_t box_zp, cls_zp;
	int box_s8, cls_s8;
	float *anchors;		/* [n_boxes][4]: y, x, h, w, as TFLite dequantizes them */
	uint32_t n_out;		/* detections per output: max_detections x max_classes_per_detection */
};

/* The op's outputs, in its order. */
enum exec_detect_output {
	EXEC_DETECT_BOXES,	/* [1, n_out, 4] ymin, xmin, ymax, xmax */
	EXEC_DETECT_CLASSES,	/* [1, n_out] */
	EXEC_DETECT_SCORES,	/* [1, n_out] */
	EXEC_DETECT_COUNT,	/* [1] */
	EXEC_DETECT_N,
};

/*
 * The op @op of @m, with 8-bit inputs @box and @cls (tensor indices: the
 * op's own inputs, or the 8-bit tensors a DEQUANTIZE of them reads), in
 * *@ret. 0; -EINVAL with a message in @errbuf when TFLite would fail it
 * or it is not supported here (the fast suppression with more than one
 * class per detection); -ENOMEM.
 */
int exec_detect_new(const struct edgeai_model *m, const struct model_op *op, int32_t box,
		    int32_t cls, struct exec_detect **ret, char *errbuf, size_t errbuf_size);
void exec_detect_free(struct exec_detect *d);

/* Floats in output @which: what the caller's buffer holds. */
size_t exec_detect_size(const struct exec_detect *d, unsigned int which);

/*
 * The four outputs one after the other in @base: @out[i] where output i
 * begins (@base NULL: @out is not written). Returns how many floats they
 * take in all.
 */
size_t exec_detect_layout(const struct exec_detect *d, float *base, float *out[EXEC_DETECT_N]);

/*
 * The op on the 8-bit @box and @cls: the four outputs into @out (each of
 * exec_detect_size() floats). Detections after the count are zero. 0 or
 * -ENOMEM.
 */
int exec_detect_run(const struct exec_detect *d, const uint8_t *box, const uint8_t *cls,
		    float *const out[EXEC_DETECT_N]);

#endif
