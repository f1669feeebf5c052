// SPDX-License-Identifier: MIT
/*
 * The request API (edgeai_request_*) on the CPU, through the public API,
 * on the quantized small CNN of test-tflite-build.h: a request gives the
 * same bytes as edgeai_program_run(), many requests of one program run
 * independently, the placement and statistics of the run are reported,
 * the edgeaid advice file does not change a CPU program (and the fallback
 * is reported on edgeaid's report socket), and misuse is
 * refused (no input, wrong sizes, reading outputs before a run, binding
 * another device's buffer); host memory bound zero-copy
 * (edgeai_request_bind_*_ptr()) is read and written in place, and such
 * requests share the program's constants (no copy of the weights each). The device side runs in the vm lane
 * (libedgeai/examples/async-run).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ktap.h"
#include "test-tflite-build.h"

/*
 * A float dense layer, [1, 1024] -> FULLY_CONNECTED 1024 -> [1, 1024],
 * quantized to int8: a program of 1 MiB of weights.
 */
static struct edgeai_model *dense_int8(void)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 2, .seed = 3 };
	struct edgeai_model *m = tb_new(), *q = NULL;
	int32_t sx[] = { 1, 1024 }, sw[] = { 1024, 1024 }, sb[] = { 1024 };
	float *w = malloc(sizeof(float) * 1024 * 1024), b[1024];
	struct edgeai_quant_report rep;
	char err[256] = "";
	struct model_op *op;
	int t[4];
	size_t i;

	for (i = 0; i < 1024 * 1024; i++)
		w[i] = (float)((int)(i * 37 % 101) - 50) / 400.0f;
	for (i = 0; i < 1024; i++)
		b[i] = 0.01f * (float)(i % 7);
	t[0] = tb_tensor(m, "x", TFL_FLOAT32, 2, sx, NULL, 0);
	t[1] = tb_tensor(m, "w", TFL_FLOAT32, 2, sw, w, sizeof(float) * 1024 * 1024);
	t[2] = tb_tensor(m, "b", TFL_FLOAT32, 1, sb, b, sizeof(b));
	t[3] = tb_tensor(m, "y", TFL_FLOAT32, 2, sx, NULL, 0);
	op = tb_op(m, TFL_OP_FULLY_CONNECTED, 3, (int32_t[]){ t[0], t[1], t[2] }, 1,
		   (int32_t[]){ t[3] });
	op->o.type = TFL_OPT_FULLY_CONNECTED;
	tb_io(m, 1, (int32_t[]){ t[0] }, 1, (int32_t[]){ t[3] });
	free(w);
	if (edgeai_quantize(m, &o, &q, &rep, err, sizeof(err)) < 0)
		ktap_diag("quantize: %s", err);
	edgeai_model_unref(m);
	return q;
}

/*
 * Resident bytes of the process now (/proc/self/statm): what copies
 * written would add, whatever allocator the sanitizers put in.
 */
static size_t heap_bytes(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Requests with their tensors bound in place share the program's
 * constants: 8 of them hold less memory than one copy of the weights (a
 * bound request used to run a copy of the whole program, weights and all).
 */
static void bound_share_constants(void)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
	struct edgeai_model *q = dense_int8();
	struct edgeai_request *rq[8] = { 0 };
	struct edgeai_program *p = NULL;
	static uint8_t in[1024], ref[1024], out[8][1024];
	size_t in_size = sizeof(in), out_size = sizeof(ref), before, after;
	const void *ins[1] = { in };
	void *outs[1] = { ref };
	char err[256] = "";
	int i, ok = 1;

	if (!q || edgeai_model_compile(q, &o, &p, err, sizeof(err)) ||
	    edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1)) {
		ktap_ok(0, "the 1 MiB dense model compiles and runs: %s", err);
		edgeai_model_unref(q);
		return;
	}
	for (i = 0; i < (int)sizeof(in); i++)
		in[i] = (uint8_t)(i * 13 + 1);
	edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
	before = heap_bytes();
	for (i = 0; i < 8 && ok; i++)
		ok = !edgeai_request_new(p, &rq[i]) &&
		     !edgeai_request_bind_input_ptr(rq[i], 0, in, sizeof(in)) &&
		     !edgeai_request_bind_output_ptr(rq[i], 0, out[i], sizeof(out[i])) &&
		     !edgeai_request_submit(rq[i]) &&
		     !edgeai_request_wait(rq[i], EDGEAI_TIMEOUT_INFINITE) &&
		     !memcmp(out[i], ref, sizeof(ref));
	after = heap_bytes();
	ktap_ok(ok, "8 requests bound in place to a 1 MiB dense program give its output");
	ktap_ok(after < before + 512 * 1024,
		"the 8 bound requests share the program's constants: the resident set grew by "
		"%zu KiB (one copy of the weights: 1024 KiB)",
		(after > before ? after - before : 0) / 1024);
	for (i = 0; i < 8; i++)
		edgeai_request_unref(rq[i]);
	edgeai_program_unref(p);
	edgeai_model_unref(q);
}

static int calls;
static void on_done(struct edgeai_request *req, int status, void *userdata)
{
	(void)req;
	if (status == 0 && userdata == &calls)
		calls++;
}

int main(void)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_AUTO };
	struct edgeai_request *req = NULL, *many[8] = { 0 };
	struct edgeai_program *p = NULL;
	struct edgeai_model *q;
	struct edgeai_device *dev = NULL;
	struct edgeai_request_stats st;
	struct edgeai_placement pl;
	uint8_t in[8 * 8 * 3], in2[8 * 8 * 3], out[5], ref[5], ref2[5];
	size_t in_size = sizeof(in), out_size = sizeof(out);
	const void *ins[1] = { in };
	void *outs[1] = { ref };
	char err[256] = "", dir[] = "/tmp/edgeai-advice.XXXXXX", advice[64];
	int i, r, ok, fd;

	ktap_start();
	for (i = 0; i < (int)sizeof(in); i++) {
		in[i] = (uint8_t)(i * 73 + 11);
		in2[i] = (uint8_t)(i * 29 + 5);
	}
	q = tb_small_cnn_int8(7);
	r = edgeai_model_compile(q, &o, &p, err, sizeof(err));
	ktap_ok(r == 0 && p, "the int8 model compiles (AUTO): %d %s", r, err);
	if (!p)
		return ktap_finish();
	ktap_ok(edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1) == 0,
		"edgeai_program_run gives the reference outputs");
	ins[0] = in2;
	outs[0] = ref2;
	edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);

	ktap_ok(edgeai_request_new(p, &req) == 0 && req, "edgeai_request_new");
	ktap_ok(edgeai_request_submit(req) == -EINVAL, "submit without an input is -EINVAL");
	ktap_ok(edgeai_request_wait(req, 0) == -EINVAL, "wait before any submit is -EINVAL");
	ktap_ok(edgeai_request_get_output(req, 0, out, sizeof(out)) == -EINVAL,
		"get_output before a run is -EINVAL");
	ktap_ok(edgeai_request_set_input(req, 0, in, sizeof(in) - 1) == -EINVAL &&
		edgeai_request_set_input(req, 1, in, sizeof(in)) == -EINVAL,
		"a wrong input size or index is -EINVAL");
	ktap_ok(edgeai_request_set_callback(req, on_done, &calls) == 0 &&
		edgeai_request_set_input(req, 0, in, sizeof(in)) == 0 &&
		edgeai_request_submit(req) == 0, "set_input and submit");
	r = edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE);
	ktap_ok(r == 0 && edgeai_request_get_status(req) == 0, "wait: %d", r);
	ktap_ok(edgeai_request_get_output(req, 0, out, sizeof(out)) == 0 &&
		!memcmp(out, ref, sizeof(out)), "the request's output equals edgeai_program_run's");
	ktap_ok(calls == 1, "the callback ran once with status 0 (%d)", calls);
	r = edgeai_request_get_stats(req, &st);
	ktap_ok(r == 0 &&
		st.bytes_copied == sizeof(in) + sizeof(out) && st.device_jobs == 0 &&
		st.cpu_segments == 1, "stats: %llu tensor bytes copied (input + output), %u device jobs, %u CPU segments",
		(unsigned long long)st.bytes_copied, st.device_jobs, st.cpu_segments);
	ok = 1;
	for (i = 0; i < edgeai_program_placement_count(p); i++)
		if (edgeai_request_get_placement(req, (unsigned int)i, &pl) || pl.device != EDGEAI_EXEC_CPU ||
		    !pl.reason || !pl.reason[0])
			ok = 0;
	ktap_ok(ok, "every op of the run has a placement (cpu) with a reason: op 0 '%s'",
		edgeai_request_get_placement(req, 0, &pl) ? "?" : pl.reason);
	ktap_ok(edgeai_program_get_device(p, &dev) == -ENODEV || dev,
		"edgeai_program_get_device: -ENODEV for a CPU program, else the device");
	if (dev) {
		edgeai_device_unref(dev);
		ktap_skip("event fd of a CPU program: a device exists");
	} else {
		ktap_ok(edgeai_program_get_event_fd(p) == -EOPNOTSUPP &&
			edgeai_program_process(p) == 0,
			"a CPU program has no event fd; process() is a no-op");
	}

	/* Eight requests of one program, different inputs, submitted before any wait. */
	ok = 1;
	for (i = 0; i < 8; i++)
		if (edgeai_request_new(p, &many[i]) ||
		    edgeai_request_set_input(many[i], 0, i & 1 ? in2 : in, sizeof(in)) ||
		    edgeai_request_submit(many[i]))
			ok = 0;
	for (i = 0; i < 8 && ok; i++)
		if (edgeai_request_wait(many[i], EDGEAI_TIMEOUT_INFINITE) ||
		    edgeai_request_get_output(many[i], 0, out, sizeof(out)) ||
		    memcmp(out, i & 1 ? ref2 : ref, sizeof(out)))
			ok = 0;
	ktap_ok(ok, "8 requests of one program, two inputs alternating: each gives its own output");
	for (i = 0; i < 8; i++)
		many[i] = edgeai_request_unref(many[i]);

	/* Host memory bound zero-copy (since 0.5): a CPU program reads and writes it in place. */
	if (!dev) {
		struct edgeai_request *zc = NULL;
		uint8_t *bin = malloc(sizeof(in)), *bout = malloc(sizeof(out));

		r = -ENOMEM;
		if (bin && bout && !edgeai_request_new(p, &zc)) {
			memcpy(bin, in, sizeof(in));
			memset(bout, 0xa5, sizeof(out));
			r = edgeai_request_bind_input_ptr(zc, 0, bin, sizeof(in));
			if (!r)
				r = edgeai_request_bind_output_ptr(zc, 0, bout, sizeof(out));
			if (!r)
				r = edgeai_request_submit(zc);
			if (!r)
				r = edgeai_request_wait(zc, EDGEAI_TIMEOUT_INFINITE);
		}
		ktap_ok(r == 0 && bout && !memcmp(bout, ref, sizeof(out)) &&
			!edgeai_request_get_stats(zc, &st) && st.bytes_copied == 0,
			"bind_input_ptr/bind_output_ptr: the output lands in the caller's memory, "
			"equal to edgeai_program_run's, %llu bytes copied",
			(unsigned long long)st.bytes_copied);
		/* new bytes written in place are read at the next submit */
		if (!r) {
			memcpy(bin, in2, sizeof(in2));
			r = edgeai_request_submit(zc);
			if (!r)
				r = edgeai_request_wait(zc, EDGEAI_TIMEOUT_INFINITE);
		}
		ktap_ok(r == 0 && !memcmp(bout, ref2, sizeof(out)) &&
			!edgeai_request_get_stats(zc, &st) && st.bytes_copied == 0,
			"the bound input is read in place: new bytes give the new output, 0 copied");
		ktap_ok(zc && edgeai_request_get_output(zc, 0, out, sizeof(out)) == 0 &&
			!memcmp(out, ref2, sizeof(out)),
			"get_output of an output bound to host memory copies it from there");
		/* set_input takes the input back into the arena: later writes do not count */
		if (zc && !edgeai_request_set_input(zc, 0, in, sizeof(in))) {
			memcpy(bin, in2, sizeof(in2));
			r = edgeai_request_submit(zc);
			if (!r)
				r = edgeai_request_wait(zc, EDGEAI_TIMEOUT_INFINITE);
		} else {
			r = -EINVAL;
		}
		ktap_ok(r == 0 && !memcmp(bout, ref, sizeof(out)),
			"set_input after bind_input_ptr copies: the bound memory is no longer read");
		/* bound to other memory after runs: the ops resolved at the old are not kept */
		{
			uint8_t *bin2 = malloc(sizeof(in)), *bout2 = malloc(sizeof(out));
			size_t k, stale = 0;

			r = -ENOMEM;
			if (zc && bin2 && bout2) {
				memcpy(bin2, in2, sizeof(in2));
				memset(bout2, 0x5a, sizeof(out));
				memset(bout, 0xa5, sizeof(out));
				r = edgeai_request_bind_input_ptr(zc, 0, bin2, sizeof(in));
				if (!r)
					r = edgeai_request_bind_output_ptr(zc, 0, bout2, sizeof(out));
				if (!r)
					r = edgeai_request_run(zc, EDGEAI_TIMEOUT_INFINITE);
			}
			for (k = 0; k < sizeof(out); k++)
				stale += bout[k] != 0xa5;
			ktap_ok(r == 0 && !memcmp(bout2, ref2, sizeof(out)) && !stale,
				"bound to other memory after runs: the next run reads and writes "
				"there (%zu bytes of the old output written)", stale);
			free(bin2);
			free(bout2);
		}
		ktap_ok(zc && edgeai_request_bind_input_ptr(zc, 0, bin, sizeof(in) - 1) == -EINVAL &&
			edgeai_request_bind_input_ptr(zc, 1, bin, sizeof(in)) == -EINVAL &&
			edgeai_request_bind_input_ptr(zc, 0, NULL, sizeof(in)) == -EINVAL &&
			edgeai_request_bind_output_ptr(zc, 0, bout, sizeof(out) + 1) == -EINVAL &&
			edgeai_request_bind_output_ptr(zc, 1, bout, sizeof(out)) == -EINVAL &&
			edgeai_request_bind_input_ptr(NULL, 0, bin, sizeof(in)) == -EINVAL,
			"bind_*_ptr: a wrong size, index or pointer is -EINVAL");
		edgeai_request_unref(zc);
		free(bin);
		free(bout);
	} else {
		ktap_skip("host memory bound zero-copy: a device exists (the vm lane's delegate "
			  "run checks -EXDEV)");
	}

	/*
	 * edgeaid's advice changes where device segments run, not a CPU
	 * program's bytes; the fallback is reported on the socket next to the
	 * advice file, as edgeaid would count it.
	 */
	if (mkdtemp(dir)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char msg[256] = "";
		ssize_t n = -1;
		int rs;

		snprintf(advice, sizeof(advice), "%s/advice", dir);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/report", dir);
		fd = open(advice, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ktap_ok(fd >= 0 && write(fd, "thermal\n", 8) == 8, "write an advice file");
		if (fd >= 0)
			close(fd);
		rs = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (rs >= 0 && bind(rs, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(rs);
			rs = -1;
		}
		setenv("EDGEAI_ADVICE_FILE", advice, 1);
		r = edgeai_request_set_input(req, 0, in, sizeof(in));
		if (!r)
			r = edgeai_request_submit(req);
		if (!r)
			r = edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE);
		if (!r)
			r = edgeai_request_get_output(req, 0, out, sizeof(out));
		ktap_ok(r == 0 && !memcmp(out, ref, sizeof(out)),
			"with advice 'thermal' the request still gives the same bytes");
		if (rs >= 0)
			n = recv(rs, msg, sizeof(msg) - 1, MSG_DONTWAIT);
		if (n >= 0)
			msg[n] = 0;
		ktap_diag("report: %s", n >= 0 ? msg : strerror(errno));
		/* no device here: "no-device"; with one, the advice moved the device work */
		ktap_ok(!strcmp(msg, "fallback no-device 1\n") || !strcmp(msg, "fallback advice 1\n"),
			"the fallback is reported at once on the report socket next to the advice file");
		unsetenv("EDGEAI_ADVICE_FILE");
		if (rs >= 0)
			close(rs);
		unlink(sa.sun_path);
		unlink(advice);
		rmdir(dir);
	}
	ktap_ok(edgeai_request_set_deadline(req, -1) == -EINVAL &&
		edgeai_request_set_deadline(req, 1000) == 0, "deadline: negative is -EINVAL");
	ktap_ok(edgeai_request_unref(req) == NULL && edgeai_request_unref(NULL) == NULL,
		"unref returns NULL");
	edgeai_program_unref(p);
	edgeai_model_unref(q);
	bound_share_constants();
	return ktap_finish();
}
