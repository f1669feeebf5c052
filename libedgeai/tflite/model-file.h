/* SPDX-License-Identifier: MIT */
/*
 * The model file behind a TfLiteContext, read by libedgeai's own reader:
 * where the delegate gets the operators' options from.
 */
#ifndef EDGEAI_TFLITE_MODEL_FILE_H
#define EDGEAI_TFLITE_MODEL_FILE_H

#include <stddef.h>

#include "tensorflow/lite/c/common.h"
#include "model/model.h"

/*
 * Find the flatbuffer TFLite built @ctx from and read it (first subgraph)
 * with edgeai_model_load(). @where receives where it was found, for the log.
 * Return: 0; -ENOENT when no flatbuffer in memory matches @ctx (message in
 * @err); -ENOMEM.
 */
int etfl_model_file_find(TfLiteContext *ctx, struct edgeai_model **ret, char *where,
			 size_t wheresz, char *err, size_t errsz);

/*
 * The file's operator for node @node_index of @ctx: the same builtin code,
 * inputs and outputs, else NULL (a node a delegate applied earlier made,
 * or a graph that is not the file's first subgraph).
 */
const struct model_op *etfl_model_file_op(const struct edgeai_model *file, int node_index,
				       const TfLiteNode *node, const TfLiteRegistration *reg);

#endif
