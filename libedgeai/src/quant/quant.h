/* SPDX-License-Identifier: MIT */
/* Private interfaces of the post-training quantizer (quant.c). */
#ifndef EDGEAI_QUANT_H
#define EDGEAI_QUANT_H

#include "model/model.h"

enum ea_qc_kind {
	EA_QC_NONE = 0,
	EA_QC_WEIGHTS,	/* symmetric int8, per channel or per tensor */
	EA_QC_BIAS,	/* int32, scale s_in * s_w */
	EA_QC_OTHER,	/* asymmetric int8 per tensor */
};

/* A quantized constant: its new bytes, parameters and dequantized values. */
struct ea_qconst {
	enum ea_qc_kind kind;
	uint32_t n_scale;
	int32_t dim;
	int32_t zp;
	float *scale;
	void *data;
	size_t size;	/* bytes of @data */
	float *deq;
};

struct edgeai_model *ea_model_clone(const struct edgeai_model *m);
int ea_model_prune(struct edgeai_model *m);
void ea_choose_qparams(float lo, float hi, int32_t qmin, int32_t qmax, float *ret_scale,
		       int32_t *ret_zp);

#endif
