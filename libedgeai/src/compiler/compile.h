/* SPDX-License-Identifier: MIT */
/*
 * The model compiler (compile.c): an int8/uint8 TFLite model in memory to
 * one edgeai program (uapi/drm/edgeai_program.h) whose tensors live in one
 * arena (slot 0) or in the program's constant region, plus where the graph
 * inputs and outputs sit in the arena and a placement per op.
 */
#ifndef EDGEAI_COMPILE_H
#define EDGEAI_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct cc_io {
	uint64_t offset;	/* in the arena */
	size_t size;		/* bytes */
	uint32_t tensor;	/* program tensor index */
	uint32_t esize;		/* element size (alignment of a bound buffer offset) */
};

struct cc_op_place {
	uint32_t device;	/* enum edgeai_exec_device */
	int32_t tfl_code;
	uint32_t prog_op;	/* first program op of this model op */
	uint32_t fused;		/* 1 + the model op this activation is fused into (no
				 * program op of its own), 0: not fused */
	uint32_t too_big;	/* the primary device takes the op, but not in one job */
	char reason[160];
};

struct cc_compiled {
	void *blob;		/* 8-byte aligned program, not written once made */
	/* a program from the cache: its entry's read-only map, which holds the blob */
	void *map;
	size_t map_size;
	size_t size;
	size_t arena_size;
	uint32_t n_in, n_out, n_ops;
	struct cc_io *in, *out;
	struct cc_op_place *place;	/* [n_ops] (model ops) */
	int no_device;		/* cc_place(): AUTO found no usable device, all on the CPU */
};

int cc_compile(const struct edgeai_model *m, struct cc_compiled **ret, char *errbuf,
	       size_t errbuf_size);
void cc_compiled_free(struct cc_compiled *c);

/* TFLite 2.9.0 QuantizeMultiplier(). */
void cc_quantize_multiplier(double m, int32_t *ret_mul, int32_t *ret_shift);

#endif
