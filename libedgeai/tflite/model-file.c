// SPDX-License-Identifier: MIT
/*
 * Where the operators' options come from.
 *
 * A delegate sees a model through the TfLiteContext: tensors (type, dims,
 * quantization, constant data), nodes (inputs, outputs) and registrations
 * (builtin code, version). The one thing missing is each node's builtin
 * options (stride, padding, fused activation, axis, ...): TFLite hands
 * them over as TfLiteNode::builtin_data, a pointer to a struct of
 * builtin_op_data.h. That header is not among the TFLite 2.9 C headers the
 * npm package ships, and spelling its structs out here would be a copy of
 * TFLite's ABI that nothing checks: a wrong field offset would give a
 * wrong stride and outputs that differ from TFLite's.
 *
 * The options are also in the model file, and libedgeai already reads them
 * (tflite-read.c, bounds-checked). TFLite 2.9 does not copy the
 * flatbuffer: the model stays in memory (mmap()ed by
 * TfLiteModelCreateFromFile() and Interpreter(model_path=...), or the
 * caller's buffer for TfLiteModelCreate() and model_content=), and every
 * tensor's name and every constant's data point into it. So the delegate
 * takes the lowest such pointer (of the constants first, then of the
 * names), finds the readable mapping that holds it in /proc/self/maps,
 * and walks down from the pointer to the flatbuffer's start: bytes 4..7
 * are the file identifier "TFL3". Each candidate is read with
 * edgeai_model_load(), bounded by the end of the mapping, and kept only
 * when its first subgraph is this graph: every tensor of the file has
 * the context's name and type, and every constant the context's bytes
 * (but a sparse one, which the reader made dense: name and type).
 * Only then is an operator's options taken from it, and only for a node
 * with the operator's code, inputs and outputs (etfl_model_file_op()).
 * Everything else the delegate builds from the context, which is what
 * TFLite runs (input dims the application resized, for instance).
 *
 * When no flatbuffer matches (a graph whose tensors have neither names nor
 * constants, or a subgraph other than the first), the delegate claims no
 * node and says why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-file.h"
#include "translate.h"

/* Flatbuffers are limited to 2 GiB; libedgeai's reader takes up to 4 GiB - 1. */
#define FB_MAX_SIZE ((uintptr_t)INT32_MAX)
/* Candidates read before giving up (each one cheap: the identifier matched). */
#define MAX_CANDIDATES 64

struct mapping {
	uintptr_t start, end;
	char path[256];
};

/* The readable mapping of this process that holds @addr. */
static int find_mapping(uintptr_t addr, struct mapping *ret)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char perms[8];
		int off = 0;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s%n", &start, &end, perms, &off) < 3)
			continue;
		if (addr < start || addr >= end || perms[0] != 'r')
			continue;
		ret->start = (uintptr_t)start;
		ret->end = (uintptr_t)end;
		ret->path[0] = 0;
		if (off > 0) {
			const char *p = line + off;

			p += strspn(p, " ");
			snprintf(ret->path, sizeof(ret->path), "%.*s", (int)strcspn(p, "\n"), p);
		}
		r = 0;
		break;
	}
	fclose(f);
	return r;
}

/* Is @m (a flatbuffer read from memory) the model of @ctx? */
static int matches(const struct edgeai_model *m, const TfLiteContext *ctx)
{
	uint32_t i;

	if (m->n_tensors == 0 || m->n_tensors > ctx->tensors_size)
		return 0;
	for (i = 0; i < m->n_tensors; i++) {
		const TfLiteTensor *t = &ctx->tensors[i];
		const struct model_tensor *f = &m->t[i];
		const char *name = t->name ? t->name : "";

		if (etfl_tfl_type(t->type) != (int)f->type)
			return 0;
		if (strcmp(name, f->name ? f->name : ""))
			return 0;
		/* the reader makes a sparse constant dense; TFLite keeps the stored values */
		if (t->allocation_type == kTfLiteMmapRo && !t->sparsity) {
			const struct model_buffer *b = f->buffer < m->n_buffers ? &m->buf[f->buffer] : NULL;

			if (!b || !b->data || b->size != t->bytes || !t->data.raw ||
			    memcmp(b->data, t->data.raw, t->bytes))
				return 0;
		}
	}
	return 1;
}

/* Walk down from @low (inside the flatbuffer) to its start; see the top of the file. */
static int find_from(TfLiteContext *ctx, uintptr_t low, struct edgeai_model **ret, char *where,
		     size_t wheresz, char *err, size_t errsz)
{
	unsigned int tried = 0;
	struct mapping map;
	uintptr_t p, stop;
	int r;

	r = find_mapping(low, &map);
	if (r < 0) {
		snprintf(err, errsz, "no readable mapping holds the model's tensors (%s)",
			 strerror(-r));
		return r == -ENOMEM ? r : -ENOENT;
	}
	stop = low - map.start > FB_MAX_SIZE ? low - FB_MAX_SIZE : map.start;
	for (p = low; p-- > stop && tried < MAX_CANDIDATES;) {
		const uint8_t *s = (const uint8_t *)p;
		uintptr_t size = map.end - p;
		struct edgeai_model *m = NULL;
		uint32_t root;

		/* plain loads: this walks over memory that is not ours */
		if (size < 8 || s[4] != 'T' || s[5] != 'F' || s[6] != 'L' || s[7] != '3')
			continue;
		root = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
		       (uint32_t)s[3] << 24;
		if (root < 8 || root >= size)
			continue;
		tried++;
		if (size > FB_MAX_SIZE)
			size = FB_MAX_SIZE;
		r = edgeai_model_load(s, size, &m, NULL, 0);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		if (!matches(m, ctx)) {
			edgeai_model_unref(m);
			continue;
		}
		if (map.path[0] == '/')
			snprintf(where, wheresz, "%s (mapped, +0x%" PRIxPTR ")", map.path,
				 p - map.start);
		else
			snprintf(where, wheresz, "memory at %p", (const void *)s);
		*ret = m;
		return 0;
	}
	snprintf(err, errsz, "no TFLite flatbuffer in memory (%s) matches the graph: not the "
		 "first subgraph of its model?", map.path[0] ? map.path : "anonymous memory");
	return -ENOENT;
}

int etfl_model_file_find(TfLiteContext *ctx, struct edgeai_model **ret, char *where,
			 size_t wheresz, char *err, size_t errsz)
{
	uintptr_t low_const = UINTPTR_MAX, low_name = UINTPTR_MAX;
	size_t i;
	int r;

	/*
	 * The lowest pointers TFLite took from the flatbuffer: constants'
	 * data first (always in it), then names (tensors a kernel or another
	 * delegate added may carry names from elsewhere).
	 */
	for (i = 0; i < ctx->tensors_size; i++) {
		const TfLiteTensor *t = &ctx->tensors[i];

		if (t->allocation_type == kTfLiteMmapRo && t->data.raw && t->bytes &&
		    (uintptr_t)t->data.raw < low_const)
			low_const = (uintptr_t)t->data.raw;
		if (t->name && t->name[0] && (uintptr_t)t->name < low_name)
			low_name = (uintptr_t)t->name;
	}
	if (low_const == UINTPTR_MAX && low_name == UINTPTR_MAX) {
		snprintf(err, errsz, "the graph has no named tensor and no constant to find its "
			 "model file by");
		return -ENOENT;
	}
	r = -ENOENT;
	if (low_const != UINTPTR_MAX)
		r = find_from(ctx, low_const, ret, where, wheresz, err, errsz);
	if (r == -ENOENT && low_name != UINTPTR_MAX)
		r = find_from(ctx, low_name, ret, where, wheresz, err, errsz);
	return r;
}

const struct model_op *etfl_model_file_op(const struct edgeai_model *file, int node_index,
				       const TfLiteNode *node, const TfLiteRegistration *reg)
{
	const struct model_op *op;
	int k;

	if (!file || node_index < 0 || (uint32_t)node_index >= file->n_ops)
		return NULL;
	op = &file->ops[node_index];
	if (op->code != reg->builtin_code || !node->inputs || !node->outputs ||
	    op->n_in != (uint32_t)node->inputs->size || op->n_out != (uint32_t)node->outputs->size)
		return NULL;
	for (k = 0; k < node->inputs->size; k++)
		if (op->in[k] != node->inputs->data[k])
			return NULL;
	for (k = 0; k < node->outputs->size; k++)
		if (op->out[k] != node->outputs->data[k])
			return NULL;
	return op;
}
