/* SPDX-License-Identifier: MIT */
/*
 * Float reference kernels: run a float32 model (after the quantizer folded
 * DENSIFY and fp16 DEQUANTIZE of constants) in plain C, for calibration and for measuring quantization
 * error. Tensors are NHWC like TFLite's; every kernel checks the declared
 * shapes of its tensors against what it computes before touching memory.
 */
#ifndef EDGEAI_FREF_H
#define EDGEAI_FREF_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct quant_fref;

/* Called after each operator for each of its outputs, and once for each model input. */
typedef void (*quant_fref_hook)(void *userdata, uint32_t tensor, float *data, size_t n);

int quant_fref_new(const struct edgeai_model *m, struct quant_fref **ret, char *errbuf,
		   size_t errbuf_size);
/* The float values of tensor @t (inputs to fill, constants to replace, results to read). */
float *quant_fref_tensor(struct quant_fref *x, uint32_t t, size_t *ret_n);
int quant_fref_run(struct quant_fref *x, quant_fref_hook hook, void *userdata, char *errbuf,
		   size_t errbuf_size);
struct quant_fref *quant_fref_free(struct quant_fref *x);

#endif
