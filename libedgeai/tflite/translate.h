/* SPDX-License-Identifier: MIT */
/*
 * TFLite nodes to a libedgeai model (struct edgeai_model of
 * libedgeai/src/model/model.h), the form edgeai_model_compile() takes.
 */
#ifndef EDGEAI_TFLITE_TRANSLATE_H
#define EDGEAI_TFLITE_TRANSLATE_H

#include <stddef.h>

#include "tensorflow/lite/c/common.h"
#include "model/model.h"

/* The schema's TensorType of a TfLiteType, or -1. */
int etfl_tfl_type(TfLiteType type);

/**
 * struct etfl_graph - some nodes of a TfLiteContext as one libedgeai model
 * @model: the model; its op k is the k-th node given
 * @n_in: model inputs
 * @in: the context's tensor index of each model input
 * @n_out: model outputs
 * @out: the context's tensor index of each model output
 */
struct etfl_graph {
	struct edgeai_model *model;
	int n_in, n_out;
	int *in, *out;
};

/*
 * Build the model of @n_nodes nodes of @ctx, given in execution order: the
 * tensors they use (constants with a copy of their data), each node made an
 * op by etfl_fill_op() with its options from @file. Inputs are the
 * non-constant tensors the nodes read and do not write, in the order of
 * first use; outputs are @outputs, or every tensor the nodes write when
 * @outputs is NULL.
 * Return: 0; -EOPNOTSUPP when a node or tensor has no libedgeai form (why
 * in @err); -ENOMEM.
 */
int etfl_graph_build(TfLiteContext *ctx, const struct edgeai_model *file, const int *nodes,
		     int n_nodes, const int *outputs, int n_outputs, struct etfl_graph *ret,
		     char *err, size_t errsz);
void etfl_graph_done(struct etfl_graph *g);

#endif
