// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the TFLite reader: any input must either load or be
 * rejected with -EBADMSG/-EOPNOTSUPP and a message, never crash, leak or
 * trip a sanitizer. What loads must serialize, and the writer's output
 * must load again and serialize to the same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <edgeai/edgeai.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct edgeai_model *m = NULL, *m2 = NULL;
	void *out = NULL, *out2 = NULL;
	size_t n = 0, n2 = 0;
	char err[256] = "";
	int r;

	r = edgeai_model_load(data, size, &m, err, sizeof(err));
	if (r < 0) {
		if ((r != -EBADMSG && r != -EOPNOTSUPP && r != -ENOMEM) || !err[0])
			abort();
		return 0;
	}
	r = edgeai_model_save(m, &out, &n);
	if (r == 0) {
		if (edgeai_model_load(out, n, &m2, err, sizeof(err)) < 0)
			abort(); /* the writer produced a file the reader rejects */
		if (edgeai_model_save(m2, &out2, &n2) < 0 || n2 != n || memcmp(out, out2, n))
			abort(); /* not a fixed point */
	} else if (r != -EOPNOTSUPP && r != -ENOMEM) {
		abort();
	}
	free(out);
	free(out2);
	edgeai_model_unref(m2);
	edgeai_model_unref(m);
	return 0;
}
