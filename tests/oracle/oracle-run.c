// SPDX-License-Identifier: GPL-2.0
/*
 * oracle-run: run a .tflite model with TensorFlow Lite 2.9.0's built-in
 * kernels (the oracle, see tests/oracle/README.md) and dump its outputs.
 *
 *   oracle-run LIB.so MODEL.tflite OUT.bin IN0.bin [IN1.bin ...]
 *
 * One thread, no delegate requested. Each input file holds the raw bytes of
 * the corresponding model input; OUT.bin receives the raw bytes of every
 * output, concatenated in order. The library is dlopen()ed so the build
 * needs no TFLite at link time.
 *
 * The prebuilt library links XNNPACK and may apply it as a default
 * delegate; XNNPACK requantizes int8 in float and is not the oracle. Its
 * 2.9 default options have the QS8/QU8 flags clear, so quantized nodes
 * stay on the built-in kernels; we check those flags and refuse to run if
 * a quantized XNNPACK path would be enabled.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorflow/lite/c/c_api.h"

/* TFLite 2.9's TfLiteXNNPackDelegateOptions (xnnpack_delegate.h). */
struct xnn_opts {
	int32_t num_threads;
	uint32_t flags;
	void *weights_cache;
};

#define XNN_FLAG_QS8 0x1U
#define XNN_FLAG_QU8 0x2U

#define SYM(name) \
	__typeof__(&name) p_##name = (__typeof__(&name))dlsym(lib, #name)

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
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

int main(int argc, char **argv)
{
	struct xnn_opts (*xnn_default)(void);
	void *lib;
	TfLiteModel *model;
	TfLiteInterpreterOptions *opts;
	TfLiteInterpreter *interp;
	FILE *out;
	int i, nin, nout;

	if (argc < 4) {
		fprintf(stderr, "usage: %s LIB.so MODEL.tflite OUT.bin IN...\n",
			argv[0]);
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "oracle-run: %s\n", dlerror());
		return 1;
	}
	SYM(TfLiteVersion);
	SYM(TfLiteModelCreateFromFile);
	SYM(TfLiteInterpreterOptionsCreate);
	SYM(TfLiteInterpreterOptionsSetNumThreads);
	SYM(TfLiteInterpreterCreate);
	SYM(TfLiteInterpreterAllocateTensors);
	SYM(TfLiteInterpreterGetInputTensorCount);
	SYM(TfLiteInterpreterGetOutputTensorCount);
	SYM(TfLiteInterpreterGetInputTensor);
	SYM(TfLiteInterpreterGetOutputTensor);
	SYM(TfLiteTensorByteSize);
	SYM(TfLiteTensorCopyFromBuffer);
	SYM(TfLiteTensorData);
	SYM(TfLiteInterpreterInvoke);
	if (!p_TfLiteVersion || !p_TfLiteInterpreterInvoke ||
	    !p_TfLiteTensorData || !p_TfLiteModelCreateFromFile) {
		fprintf(stderr, "oracle-run: missing C API symbols\n");
		return 1;
	}
	if (strcmp(p_TfLiteVersion(), "2.9.0") != 0) {
		fprintf(stderr, "oracle-run: TFLite %s, want 2.9.0\n",
			p_TfLiteVersion());
		return 1;
	}
	xnn_default = (struct xnn_opts (*)(void))dlsym(lib,
					"TfLiteXNNPackDelegateOptionsDefault");
	if (xnn_default && (xnn_default().flags & (XNN_FLAG_QS8 | XNN_FLAG_QU8))) {
		fprintf(stderr, "oracle-run: XNNPACK quantized path enabled\n");
		return 1;
	}

	model = p_TfLiteModelCreateFromFile(argv[2]);
	if (!model) {
		fprintf(stderr, "oracle-run: cannot load %s\n", argv[2]);
		return 1;
	}
	opts = p_TfLiteInterpreterOptionsCreate();
	p_TfLiteInterpreterOptionsSetNumThreads(opts, 1);
	interp = p_TfLiteInterpreterCreate(model, opts);
	if (!interp || p_TfLiteInterpreterAllocateTensors(interp) != kTfLiteOk) {
		fprintf(stderr, "oracle-run: cannot build interpreter for %s\n",
			argv[2]);
		return 1;
	}
	nin = p_TfLiteInterpreterGetInputTensorCount(interp);
	nout = p_TfLiteInterpreterGetOutputTensorCount(interp);
	if (nin != argc - 4) {
		fprintf(stderr, "oracle-run: model has %d inputs, %d given\n",
			nin, argc - 4);
		return 1;
	}
	for (i = 0; i < nin; i++) {
		TfLiteTensor *t = p_TfLiteInterpreterGetInputTensor(interp, i);
		size_t len = 0;
		void *buf = slurp(argv[4 + i], &len);

		if (!buf || len != p_TfLiteTensorByteSize(t) ||
		    p_TfLiteTensorCopyFromBuffer(t, buf, len) != kTfLiteOk) {
			fprintf(stderr, "oracle-run: bad input %s (%zu bytes, want %zu)\n",
				argv[4 + i], len, p_TfLiteTensorByteSize(t));
			return 1;
		}
		free(buf);
	}
	if (p_TfLiteInterpreterInvoke(interp) != kTfLiteOk) {
		fprintf(stderr, "oracle-run: invoke failed\n");
		return 1;
	}
	out = fopen(argv[3], "wb");
	if (!out)
		return 1;
	for (i = 0; i < nout; i++) {
		const TfLiteTensor *t = p_TfLiteInterpreterGetOutputTensor(interp, i);

		if (fwrite(p_TfLiteTensorData(t), 1, p_TfLiteTensorByteSize(t),
			   out) != p_TfLiteTensorByteSize(t))
			return 1;
	}
	return fclose(out) ? 1 : 0;
}
