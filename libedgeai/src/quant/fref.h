/* SPDX-License-Identifier: MIT */
/*
 * Float reference kernels: run a float32 model (after fp16 DEQUANTIZE
 * folding) in plain C, for calibration and for measuring quantization
 * error. Tensors are NHWC like TFLite's; every kernel checks the declared
 * shapes of its tensors against what it computes before touching memory.
 */
#ifndef EDGEAI_FREF_H
#define EDGEAI_FREF_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct ea_fref;

/* Called after each operator for each of its outputs, and once for each model input. */
typedef void (*ea_fref_hook)(void *userdata, uint32_t tensor, float *data, size_t n);

int ea_fref_new(const struct edgeai_model *m, struct ea_fref **ret, char *errbuf,
		size_t errbuf_size);
/* The float values of tensor @t (inputs to fill, constants to replace, results to read). */
float *ea_fref_tensor(struct ea_fref *x, uint32_t t, size_t *ret_n);
int ea_fref_run(struct ea_fref *x, ea_fref_hook hook, void *userdata, char *errbuf,
		size_t errbuf_size);
struct ea_fref *ea_fref_free(struct ea_fref *x);
/* 1 when the float kernels (and the quantizer) handle operator @code. */
int ea_fref_supported(int32_t code);

#endif
