// SPDX-License-Identifier: MIT
/*
 * run-model: the libedgeai compile/run API as an application uses it,
 * built against the installed library with pkg-config:
 *
 *   cc -o run-model run-model.c example-util.c $(pkg-config --cflags --libs edgeai)
 *   ./run-model MODEL.tflite OUTDIR IN0.bin [IN1.bin ...]
 *
 * 1. compiles MODEL with the DEVICE_ONLY policy: on a machine without an
 *    accelerator (or one that cannot run every op) this fails cleanly with
 *    a message, and the example says so;
 * 2. compiles it with AUTO and prints where each op runs and why (on the
 *    CPU, "fallback: ..." names the reason: nothing falls back silently);
 * 3. runs it once and writes OUTDIR/output0.bin, output1.bin, ...
 *
 * async-run.c shows asynchronous submission and dma-buf inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <edgeai/edgeai.h>

#include "example-util.h"

int main(int argc, char **argv)
{
	struct edgeai_compile_options strict = { .policy = EDGEAI_POLICY_DEVICE_ONLY };
	struct edgeai_compile_options automatic = { .policy = EDGEAI_POLICY_AUTO };
	struct edgeai_model *model = NULL;
	struct edgeai_program *prog = NULL;
	const void *in[16];
	void *out[16];
	size_t in_size[16], out_size[16];
	char err[512] = "", path[4096];
	int i, r, n_in, n_out, n_ops;

	if (argc < 4) {
		fprintf(stderr, "usage: %s MODEL.tflite OUTDIR IN0.bin [IN1.bin ...]\n", argv[0]);
		return 2;
	}
	r = edgeai_model_load_file(argv[1], &model, err, sizeof(err));
	if (r) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}

	r = edgeai_model_compile(model, &strict, &prog, err, sizeof(err));
	if (r)
		printf("DEVICE_ONLY: refused cleanly (%s): %s\n", edgeai_strerror(r), err);
	else
		printf("DEVICE_ONLY: every op runs on the accelerator\n");
	prog = edgeai_program_unref(prog);

	r = edgeai_model_compile(model, &automatic, &prog, err, sizeof(err));
	if (r) {
		fprintf(stderr, "compile: %s: %s\n", edgeai_strerror(r), err);
		return 1;
	}
	n_ops = edgeai_program_placement_count(prog);
	printf("AUTO placement (%d ops, CPU kernels %s):\n", n_ops, edgeai_cpu_kernels(prog));
	for (i = 0; i < n_ops; i++) {
		struct edgeai_placement p;

		edgeai_program_get_placement(prog, (unsigned int)i, &p);
		printf("  op %d %s: %s (%s)\n", i, p.op_name, edgeai_exec_device_name(p.device),
		       p.reason);
	}

	n_in = edgeai_model_count(model, EDGEAI_COUNT_INPUTS);
	n_out = edgeai_model_count(model, EDGEAI_COUNT_OUTPUTS);
	if (n_in != argc - 3 || n_in > 16 || n_out > 16) {
		fprintf(stderr, "the model has %d inputs\n", n_in);
		return 1;
	}
	for (i = 0; i < n_in; i++) {
		in[i] = example_read_file(argv[3 + i], &in_size[i]);
		if (!in[i])
			return 1;
	}
	for (i = 0; i < n_out; i++) {
		struct edgeai_tensor_info t;

		edgeai_model_get_output(model, (unsigned int)i, &t);
		out_size[i] = example_tensor_bytes(&t);
		out[i] = malloc(out_size[i]);
	}
	r = edgeai_program_run(prog, in, in_size, (unsigned int)n_in, out, out_size,
			       (unsigned int)n_out);
	if (r) {
		fprintf(stderr, "run: %s\n", edgeai_strerror(r));
		return 1;
	}
	for (i = 0; i < n_out; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/output%d.bin", argv[2], i);
		f = fopen(path, "wb");
		if (!f || fwrite(out[i], 1, out_size[i], f) != out_size[i] || fclose(f))
			return 1;
		free(out[i]);
	}
	for (i = 0; i < n_in; i++)
		free((void *)in[i]);
	printf("wrote %d outputs to %s\n", n_out, argv[2]);
	edgeai_program_unref(prog);
	edgeai_model_unref(model);
	return 0;
}
