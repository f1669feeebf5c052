// SPDX-License-Identifier: MIT
/* Write the small CNN of tests/host/libedgeai/test-tflite-build.h as a seed file. */
#include <stdio.h>

#include "test-tflite-build.h"

int main(int argc, char **argv)
{
	struct edgeai_model *m = tb_small_cnn();
	void *data;
	size_t size;
	FILE *f;

	if (argc != 2 || edgeai_model_save(m, &data, &size) < 0 || !(f = fopen(argv[1], "wb")))
		return 1;
	fwrite(data, 1, size, f);
	free(data);
	edgeai_model_unref(m);
	return fclose(f) ? 1 : 0;
}
