// SPDX-License-Identifier: MIT
/*
 * Per-op profiling (edgeai_program_set_profiling(), _profile_count(),
 * _get_profile()) through the public API on the quantized small CNN of
 * test-tflite-build.h, on the CPU: the structure of the figures, not the
 * times. One entry per program op, each with a known op type; nothing
 * counted before profiling is on; every run (edgeai_program_run() and
 * requests) counts once per op; each op names the kernel set that ran it
 * (the forced set, or the reference for a program compiled with
 * EDGEAI_CPU_REFERENCE); the outputs do not change; turning profiling off
 * stops the counts and turning it on again zeroes them; bad arguments are
 * refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu.h"
#include "ktap.h"
#include "test-tflite-build.h"

static const char *const types[] = { "CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D",
				     "FULLY_CONNECTED", "LOGISTIC", "SOFTMAX", "RESHAPE",
				     "QUANTIZE" };

static int known_type(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(name, types[i]))
			return 1;
	return 0;
}

static uint8_t in[8 * 8 * 3];

/* Run @p @n times: edgeai_program_run() and, every other time, a request. */
static int run(struct edgeai_program *p, int n, uint8_t out[5])
{
	size_t in_size = sizeof(in), out_size = 5;
	const void *ins[1] = { in };
	void *outs[1] = { out };
	struct edgeai_request *req = NULL;
	int i, r = 0;

	for (i = 0; i < n && !r; i++) {
		if (i % 2 == 0) {
			r = edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
			continue;
		}
		r = edgeai_request_new(p, &req);
		if (!r)
			r = edgeai_request_set_input(req, 0, in, sizeof(in));
		if (!r)
			r = edgeai_request_submit(req);
		if (!r)
			r = edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE);
		if (!r)
			r = edgeai_request_get_output(req, 0, out, 5);
		edgeai_request_unref(req);
	}
	return r;
}

/*
 * Every entry: a known type, @runs runs, and kernels @want (NULL: any
 * real set; "" before any run). Returns how many entries differ.
 */
static int check_all(struct edgeai_program *p, uint64_t runs, const char *want, uint64_t *ns)
{
	int n = edgeai_program_profile_count(p), i, bad = 0;
	struct edgeai_op_profile e;

	*ns = 0;
	for (i = 0; i < n; i++) {
		if (edgeai_program_get_profile(p, (unsigned int)i, &e) || e.index != (uint32_t)i ||
		    !e.op_name || !known_type(e.op_name) || !e.kernels || e.runs != runs ||
		    e.host > 1) {
			if (bad++ < 3)
				ktap_diag("entry %d: %s runs %llu kernels '%s'", i,
					  e.op_name ? e.op_name : "(null)", (unsigned long long)e.runs,
					  e.kernels ? e.kernels : "(null)");
			continue;
		}
		if (want ? strcmp(e.kernels, want) :
		    (strcmp(e.kernels, "reference") && strcmp(e.kernels, "avx2") &&
		     strcmp(e.kernels, "vnni"))) {
			if (bad++ < 3)
				ktap_diag("entry %d (%s): kernels '%s', want '%s'", i, e.op_name,
					  e.kernels, want ? want : "a set");
		}
		*ns += e.total_ns;
	}
	return bad;
}

int main(void)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
	struct edgeai_program *p = NULL, *pr = NULL;
	struct edgeai_model *q;
	struct edgeai_op_profile e;
	uint8_t ref[5], out[5];
	char err[256] = "";
	int i, n, r, conv = -1;
	uint64_t ns;

	ktap_start();
	for (i = 0; i < (int)sizeof(in); i++)
		in[i] = (uint8_t)(i * 73 + 11);
	q = tb_small_cnn_int8(7);
	r = edgeai_model_compile(q, &o, &p, err, sizeof(err));
	ktap_ok(r == 0 && p, "the int8 model compiles (CPU_ONLY): %d %s", r, err);
	o.cpu_flags = EDGEAI_CPU_REFERENCE;
	r = edgeai_model_compile(q, &o, &pr, err, sizeof(err));
	ktap_ok(r == 0 && pr, "and with the reference kernels only: %d %s", r, err);
	edgeai_model_unref(q);
	if (!p || !pr)
		return ktap_finish();

	n = edgeai_program_profile_count(p);
	ktap_ok(n >= 4 && n == edgeai_program_profile_count(pr),
		"%d profile entries (the program's ops), the same with the reference kernels", n);
	for (i = 0; i < n; i++)
		if (!edgeai_program_get_profile(p, (unsigned int)i, &e) &&
		    !strcmp(e.op_name, "CONV_2D"))
			conv = i;
	ktap_ok(conv >= 0, "one entry is the CONV_2D (entry %d)", conv);
	ktap_ok(run(p, 2, ref) == 0 && check_all(p, 0, "", &ns) == 0 && ns == 0,
		"before profiling is on, runs count nothing (0 runs, kernels \"\")");

	/* the optimized set this CPU has, forced (the reference otherwise) */
	if (exec_cpu_set_kernels("avx2") == 0) {
		ktap_ok(edgeai_program_set_profiling(p, 1) == 0, "profiling on");
		ktap_ok(run(p, 5, out) == 0 && !memcmp(out, ref, sizeof(out)),
			"5 runs with profiling on give the same outputs");
		r = check_all(p, 5, NULL, &ns);
		ktap_ok(r == 0 && ns > 0, "every entry: a known type, 5 runs, a kernel set; time %s",
			ns > 0 ? "counted" : "not counted");
		r = edgeai_program_get_profile(p, (unsigned int)conv, &e);
		ktap_ok(!r && !strcmp(e.kernels, "avx2"),
			"the CONV_2D ran on the forced avx2 set ('%s')", e.kernels);
	} else {
		ktap_skip("no AVX2 kernels on this CPU or build");
		ktap_ok(edgeai_program_set_profiling(p, 1) == 0 && run(p, 5, out) == 0 &&
			check_all(p, 5, "reference", &ns) == 0, "5 runs, all on the reference");
		ktap_skip("no AVX2 kernels on this CPU or build");
		ktap_skip("no AVX2 kernels on this CPU or build");
	}
	exec_cpu_set_kernels(NULL);

	ktap_ok(edgeai_program_set_profiling(p, 0) == 0 && run(p, 3, out) == 0 &&
		check_all(p, 5, NULL, &ns) == 0, "profiling off: 3 more runs change nothing");
	ktap_ok(edgeai_program_set_profiling(p, 1) == 0 && check_all(p, 0, "", &ns) == 0 && ns == 0,
		"profiling on again zeroes the figures");
	ktap_ok(run(p, 1, out) == 0 && check_all(p, 1, NULL, &ns) == 0, "and one run counts once");

	ktap_ok(edgeai_program_set_profiling(pr, 1) == 0 && run(pr, 2, out) == 0 &&
		!memcmp(out, ref, sizeof(out)) && check_all(pr, 2, "reference", &ns) == 0,
		"EDGEAI_CPU_REFERENCE: every op ran on the reference kernels, same outputs");

	ktap_ok(edgeai_program_get_profile(p, (unsigned int)n, &e) == -EINVAL &&
		edgeai_program_get_profile(p, 0, NULL) == -EINVAL &&
		edgeai_program_get_profile(NULL, 0, &e) == -EINVAL &&
		edgeai_program_profile_count(NULL) == -EINVAL &&
		edgeai_program_set_profiling(NULL, 1) == -EINVAL,
		"a bad index or NULL is -EINVAL");
	edgeai_program_unref(pr);
	edgeai_program_unref(p);
	return ktap_finish();
}
