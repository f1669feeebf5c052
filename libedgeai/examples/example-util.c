// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>

#include "example-util.h"

void *example_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

size_t example_tensor_bytes(const struct edgeai_tensor_info *t)
{
	size_t n = 1;
	uint32_t i;

	for (i = 0; i < t->rank; i++)
		n *= (size_t)t->shape[i];
	return n * (t->type == EDGEAI_TYPE_INT32 || t->type == EDGEAI_TYPE_FLOAT32 ? 4 : 1);
}
