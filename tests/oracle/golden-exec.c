// SPDX-License-Identifier: GPL-2.0
/*
 * golden-exec: run an edgeai program with the firmware op kernels on the
 * host (the CPU reference) and dump its output.
 *
 *   golden-exec PROG.bin OUT.bin IN0.bin [IN1.bin ...]
 *
 * Slot i holds input file i; the slot after the inputs is the output.
 * Each slot is sized from the tensor table (largest offset + byte size of
 * the tensors in it), filled with 0xa5 first so unwritten bytes show; an
 * input file is the tensor at offset 0 of its slot (after it, the slot may
 * hold the temporaries of an op that compiles to several: REDUCE_MIN).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		/* 8-byte aligned, as the format requires */
		buf = aligned_alloc(8, ((size_t)n + 8) & ~(size_t)7);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static size_t esize(uint32_t dtype)
{
	return dtype == EDGEAI_DTYPE_INT64 ? 8 : dtype == EDGEAI_DTYPE_INT32 ? 4 :
	       dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;
}

int main(int argc, char **argv)
{
	const struct edgeai_prog_header *h;
	const struct edgeai_prog_tensor *tt;
	size_t plen = 0, need[EDGEAI_PROG_MAX_INPUTS + 1] = { 0 };
	size_t first[EDGEAI_PROG_MAX_INPUTS + 1] = { 0 };
	void *slots[EDGEAI_PROG_MAX_INPUTS + 1] = { 0 };
	unsigned int nin = (unsigned int)argc - 3, i, failed;
	void *prog;
	FILE *out;
	int ret;

	if (argc < 4 || nin > EDGEAI_PROG_MAX_INPUTS) {
		fprintf(stderr, "usage: %s PROG OUT IN...\n", argv[0]);
		return 2;
	}
	prog = slurp(argv[1], &plen);
	if (!prog || plen < sizeof(*h))
		return 1;
	h = prog;
	tt = (const void *)((const char *)prog + h->tensor_offset);
	if (h->slot_count != nin + 1 || h->tensor_offset > plen ||
	    (plen - h->tensor_offset) / sizeof(*tt) < h->tensor_count) {
		fprintf(stderr, "golden-exec: unexpected program layout\n");
		return 1;
	}
	for (i = 0; i < h->tensor_count; i++) {
		size_t end;

		if (tt[i].slot == EDGEAI_PROG_SLOT_CONST)
			continue;
		if (tt[i].slot > nin) {
			fprintf(stderr, "golden-exec: tensor %u in slot %u of %u\n", i, tt[i].slot,
				nin + 1);
			return 1;
		}
		end = tt[i].offset + (size_t)tt[i].dims[0] * tt[i].dims[1] *
		      tt[i].dims[2] * tt[i].dims[3] * esize(tt[i].dtype);
		if (end > need[tt[i].slot])
			need[tt[i].slot] = end;
		if (!tt[i].offset && !first[tt[i].slot])
			first[tt[i].slot] = end;
	}
	for (i = 0; i <= nin; i++) {
		slots[i] = malloc(need[i] ? need[i] : 1);
		if (!slots[i])
			return 1;
		memset(slots[i], 0xa5, need[i]);
	}
	for (i = 0; i < nin; i++) {
		size_t len = 0;
		void *in = slurp(argv[3 + i], &len);

		if (!in || len != first[i]) {
			fprintf(stderr, "golden-exec: input %s: %zu bytes, want %zu\n",
				argv[3 + i], len, first[i]);
			return 1;
		}
		memcpy(slots[i], in, len);
		free(in);
	}
	ret = ek_exec_program(prog, plen, slots, nin + 1, NULL, &failed);
	if (ret) {
		fprintf(stderr, "golden-exec: op %u failed: %d\n", failed, ret);
		return 1;
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(slots[nin], 1, need[nin], out) != need[nin] ||
	    fclose(out))
		return 1;
	for (i = 0; i <= nin; i++)
		free(slots[i]);
	free(prog);
	return 0;
}
