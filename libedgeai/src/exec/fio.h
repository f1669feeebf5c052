/* SPDX-License-Identifier: MIT */
/*
 * Float inputs and outputs of an 8-bit model (fio.c): what TFLite's
 * converter makes by default, and `edgeaictl quantize --io=float`. The
 * model quantizes its float32 input with a QUANTIZE op and dequantizes
 * its output with a DEQUANTIZE op; the program is compiled without them
 * (all 8-bit, so that a device can run all of it) and the library does
 * their arithmetic, TFLite's, where the caller's values go in and out.
 */
#ifndef EDGEAI_EXEC_FIO_H
#define EDGEAI_EXEC_FIO_H

#include <stddef.h>
#include <stdint.h>

#include "exec/detect.h"
#include "model/model.h"

/* One input or output: @on when the caller's side is float32. */
struct exec_fio_io {
	int on;
	float scale;
	int32_t zp;
	int s8;			/* int8, else uint8 */
	/* outputs: 1 + the TFLite_Detection_PostProcess output (enum exec_detect_output) */
	int detect;
	uint32_t prog;		/* outputs, @detect 0: the program's output */
};

/* The model's inputs and outputs, [n_in] and [n_out], against the program's. */
struct exec_fio {
	uint32_t n_in, n_out;
	struct exec_fio_io *in, *out;
	/* the model ends in TFLite_Detection_PostProcess, on these program outputs */
	struct exec_detect *det;
	uint32_t det_box, det_cls;
};

/*
 * When @m has float32 inputs that only a QUANTIZE to 8 bits reads,
 * float32 outputs that a DEQUANTIZE of an 8-bit tensor writes, or ends in
 * a TFLite_Detection_PostProcess op: a copy of @m without those ops, whose
 * inputs and outputs are the 8-bit tensors (the detection op's two 8-bit
 * inputs after the model's other outputs), in *@ret_model, and in
 * *@ret_fio which of them the library converts. 0 with both NULL when
 * there is nothing to convert; -EINVAL with a message in @errbuf for a
 * detection op the library cannot run; -errno.
 */
int exec_fio_strip(const struct edgeai_model *m, struct edgeai_model **ret_model,
		   struct exec_fio **ret_fio, char *errbuf, size_t errbuf_size);
void exec_fio_free(struct exec_fio *f);

/*
 * TFLite's QUANTIZE of float32 @src to 8 bits (optimized_ops'
 * AffineQuantize, which the oracle runs): the value divided by the scale
 * in binary64, rounded half away from zero, plus the zero point (int32,
 * wrapping), clamped; a value int32 does not hold (NaN, infinities)
 * converts to INT32_MIN, as x86-64's cvttsd2si gives it.
 */
void exec_fio_quantize(const struct exec_fio_io *io, const float *src, uint8_t *dst, size_t n);
/* TFLite's DEQUANTIZE of 8-bit @src: scale x (q - zp), rounded once to binary32. */
void exec_fio_dequantize(const struct exec_fio_io *io, const uint8_t *src, float *dst, size_t n);

#endif
