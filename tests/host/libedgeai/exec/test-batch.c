// SPDX-License-Identifier: MIT
/*
 * edgeai_program_set_batch() and edgeai_program_get_batch() (libedgeai
 * 0.7) through the public API: the limits (-EINVAL outside 2..16 and
 * 0..100000 us, 0 and 1 turn batching off), what get returns, and that a
 * program with batching on gives the same bytes for requests submitted
 * at once from several threads (here on the CPU, which runs them one by
 * one: batching applies to device jobs only; the device side runs in the
 * VM, tests/bench/bench-batch.sh and the kselftest edgeai_batch_test).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "test-tflite-build.h"

#define NTHREADS 4
#define ROUNDS 8

static struct edgeai_program *prog;
static uint8_t ref[NTHREADS][5];

static void input(uint8_t *in, size_t n, int t)
{
	for (size_t i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 73 + 11 + 17 * t);
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg, bad = 0;
	struct edgeai_request *req = NULL;
	uint8_t in[8 * 8 * 3], out[5];

	input(in, sizeof(in), t);
	if (edgeai_request_new(prog, &req))
		return (void *)1;
	for (int k = 0; k < ROUNDS && !bad; k++) {
		bad = edgeai_request_set_input(req, 0, in, sizeof(in)) ||
		      edgeai_request_submit(req) ||
		      edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE) ||
		      edgeai_request_get_output(req, 0, out, sizeof(out)) ||
		      memcmp(out, ref[t], sizeof(out));
	}
	edgeai_request_unref(req);
	return (void *)(intptr_t)bad;
}

int main(void)
{
	struct edgeai_quant_options qo = { .size = sizeof(qo), .io = EDGEAI_QUANT_IO_INT8,
					   .n_samples = 4, .seed = 7 };
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_AUTO };
	struct edgeai_model *f = tb_small_cnn(), *q = NULL;
	struct edgeai_quant_report rep;
	unsigned int max = 99, wait = 99;
	pthread_t th[NTHREADS];
	char err[256] = "";
	int t, r, bad = 0;

	ktap_start();
	ktap_ok(EDGEAI_CHECK_VERSION(0, 7) && !strcmp(EDGEAI_VERSION_STRING, "0.7.0") &&
		edgeai_check_version(0, 7) == 1 && !strcmp(edgeai_version(), "0.7.0"), "the library is 0.7 (%s)", EDGEAI_VERSION_STRING);
	r = edgeai_quantize(f, &qo, &q, &rep, err, sizeof(err));
	edgeai_model_unref(f);
	ktap_ok(r == 0 && q, "quantize: %s", err);
	if (!q)
		return ktap_finish();
	r = edgeai_model_compile(q, &o, &prog, err, sizeof(err));
	ktap_ok(r == 0 && prog, "compile: %d %s", r, err);
	if (!prog)
		return ktap_finish();

	ktap_ok(edgeai_program_get_batch(prog, &max, &wait) == 0 && max == 0 && wait == 0,
		"batching is off by default");
	ktap_ok(edgeai_program_set_batch(NULL, 4, 0) == -EINVAL &&
		edgeai_program_get_batch(NULL, &max, &wait) == -EINVAL, "NULL program: -EINVAL");
	ktap_ok(edgeai_program_set_batch(prog, EDGEAI_BATCH_MAX + 1, 0) == -EINVAL &&
		edgeai_program_set_batch(prog, 4, EDGEAI_BATCH_WAIT_MAX_US + 1) == -EINVAL &&
		edgeai_program_set_batch(prog, 4, UINT32_MAX) == -EINVAL,
		"batch_max above %d or batch_wait_us above %d: -EINVAL", EDGEAI_BATCH_MAX,
		EDGEAI_BATCH_WAIT_MAX_US);
	ktap_ok(edgeai_program_get_batch(prog, &max, &wait) == 0 && max == 0 && wait == 0,
		"a refused call changes nothing");
	ktap_ok(edgeai_program_set_batch(prog, EDGEAI_BATCH_MAX, EDGEAI_BATCH_WAIT_MAX_US) == 0 &&
		edgeai_program_get_batch(prog, &max, NULL) == 0 && max == EDGEAI_BATCH_MAX &&
		edgeai_program_get_batch(prog, NULL, &wait) == 0 && wait == EDGEAI_BATCH_WAIT_MAX_US,
		"the limits are taken");
	ktap_ok(edgeai_program_set_batch(prog, 1, 500) == 0 &&
		edgeai_program_get_batch(prog, &max, &wait) == 0 && max == 0 && wait == 0,
		"batch_max 1 turns batching off");
	ktap_ok(edgeai_program_set_batch(prog, 8, 2000) == 0 &&
		edgeai_program_get_batch(prog, &max, &wait) == 0 && max == 8 && wait == 2000,
		"batch_max 8, 2 ms");

	for (t = 0; t < NTHREADS; t++) {
		uint8_t in[8 * 8 * 3];
		const void *ins[1] = { in };
		void *outs[1] = { ref[t] };
		size_t in_size = sizeof(in), out_size = sizeof(ref[t]);

		input(in, sizeof(in), t);
		bad |= edgeai_program_run(prog, ins, &in_size, 1, outs, &out_size, 1) != 0;
	}
	ktap_ok(!bad && memcmp(ref[0], ref[1], sizeof(ref[0])), "references (distinct inputs)");
	for (t = 0; t < NTHREADS; t++)
		bad |= pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) != 0;
	for (t = 0; t < NTHREADS; t++) {
		void *ret = (void *)1;

		pthread_join(th[t], &ret);
		bad |= ret != NULL;
	}
	ktap_ok(!bad, "%d threads x %d requests with batching on: the bytes of one at a time",
		NTHREADS, ROUNDS);
	edgeai_program_unref(prog);
	edgeai_model_unref(q);
	return ktap_finish();
}
