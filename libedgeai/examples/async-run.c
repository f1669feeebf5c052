// SPDX-License-Identifier: MIT
/*
 * async-run: the asynchronous request API of libedgeai as an application
 * uses it, built against the installed library with pkg-config:
 *
 *   cc -o async-run async-run.c example-util.c $(pkg-config --cflags --libs edgeai)
 *   ./async-run MODEL.tflite IN0.bin EXPECTED.bin [N [DEADLINE_US]]
 *
 * MODEL has one input; EXPECTED is the expected bytes of all outputs,
 * concatenated (e.g. what TensorFlow Lite computes).
 *
 * 1. DEVICE_ONLY: compiles the model for the accelerator only; without a
 *    device (or one that cannot run every op) this fails cleanly with a
 *    message, which is printed.
 * 2. AUTO: compiles it for the device where possible, the CPU otherwise,
 *    submits N requests at once (io_uring on the device, or the ioctl
 *    path), drives them from a poll() loop on the program's event fd with
 *    edgeai_program_process(), checks every output, and prints where each
 *    op ran in the last request and why (a fallback always says why).
 * 3. Zero copy (with a device and /dev/udmabuf): the input lives in a
 *    memfd, shared with the device as a udmabuf dma-buf imported into
 *    libedgeai and bound as the model input; the outputs are bound to
 *    device buffers. The library copies no tensor bytes (its counter says
 *    0), and writing new input bytes through the memfd mapping after the
 *    import changes the result, which equals a run with the bytes copied in.
 *
 * With DEADLINE_US, every request of step 2 gets that deadline: what the
 * device cannot start in time runs on the CPU (AUTO), and the placement
 * says so.
 *
 * Exit status 0 when every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <edgeai/edgeai.h>

#include "example-util.h"

#define MAX_OUT 16

struct app {
	struct edgeai_program *prog;
	int64_t deadline_ns;
	unsigned int n_out;
	size_t out_size[MAX_OUT], total_out;
	unsigned int done, failed;
};

static void on_done(struct edgeai_request *req, int status, void *userdata)
{
	struct app *a = userdata;

	(void)req;
	a->done++;
	if (status) {
		fprintf(stderr, "request failed: %s\n", edgeai_strerror(status));
		a->failed++;
	}
}

/* All outputs of a finished request, concatenated into @buf. */
static int outputs_of(struct app *a, struct edgeai_request *req, uint8_t *buf)
{
	size_t off = 0;
	unsigned int i;
	int r;

	for (i = 0; i < a->n_out; i++) {
		r = edgeai_request_get_output(req, i, buf + off, a->out_size[i]);
		if (r)
			return r;
		off += a->out_size[i];
	}
	return 0;
}

static void print_placement(struct app *a, struct edgeai_request *req)
{
	int i, n = edgeai_program_placement_count(a->prog);

	for (i = 0; i < n; i++) {
		struct edgeai_placement p;

		if (!edgeai_request_get_placement(req, (unsigned int)i, &p))
			printf("  op %d %s: %s (%s)\n", i, p.op_name,
			       edgeai_exec_device_name(p.device), p.reason);
	}
}

/* N requests in flight at once, completed from a poll() loop. */
static int run_async(struct app *a, const void *in, size_t in_size, const uint8_t *expect,
		     unsigned int n)
{
	struct edgeai_request **reqs = calloc(n, sizeof(*reqs));
	struct edgeai_request_stats st = { 0 };
	uint8_t *got = malloc(a->total_out);
	unsigned int i, equal = 0, polls = 0, jobs = 0, chained = 0;
	int fd, r = 0;

	if (!reqs || !got)
		return -ENOMEM;
	for (i = 0; i < n && !r; i++) {
		r = edgeai_request_new(a->prog, &reqs[i]);
		if (!r)
			r = edgeai_request_set_input(reqs[i], 0, in, in_size);
		if (!r)
			r = edgeai_request_set_callback(reqs[i], on_done, a);
		if (!r && a->deadline_ns)
			r = edgeai_request_set_deadline(reqs[i], a->deadline_ns);
	}
	for (i = 0; i < n && !r; i++)
		r = edgeai_request_submit(reqs[i]);
	if (r) {
		fprintf(stderr, "async: %s\n", edgeai_strerror(r));
		goto out;
	}
	fd = edgeai_program_get_event_fd(a->prog);
	while (a->done < n) {
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 10000) <= 0) {
				fprintf(stderr, "async: no completion within 10 s\n");
				r = -ETIME;
				goto out;
			}
			polls++;
			r = edgeai_program_process(a->prog);
		} else {
			/* no event fd (CPU program, or ioctl submission): wait on one */
			for (i = 0; i < n; i++)
				if (edgeai_request_get_status(reqs[i]) == -EINPROGRESS)
					break;
			r = i < n ? edgeai_request_wait(reqs[i], EDGEAI_TIMEOUT_INFINITE) : 0;
		}
		if (r < 0) {
			fprintf(stderr, "async: %s\n", edgeai_strerror(r));
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (edgeai_request_get_status(reqs[i]) == 0 && !outputs_of(a, reqs[i], got) &&
		    !memcmp(got, expect, a->total_out))
			equal++;
		edgeai_request_get_stats(reqs[i], &st);
		jobs += st.device_jobs;
		chained += st.chained;
	}
	printf("async: %u requests in flight at once, %u finished, %u failed, %u outputs equal to the expected bytes; %u device jobs, last via %s, %u polls of the event fd (%s); %u devices, %u jobs chained behind another device job without waiting\n",
	       n, a->done, a->failed, equal, jobs,
	       st.path == 2 ? "io_uring" : st.path == 1 ? "ioctl" : "none", polls,
	       fd >= 0 ? "io_uring completions" : edgeai_strerror(fd), st.n_devices, chained);
	printf("AUTO placement of the last request:\n");
	print_placement(a, reqs[n - 1]);
	r = equal == n ? 0 : -EIO;
out:
	for (i = 0; i < n; i++)
		edgeai_request_unref(reqs[i]);
	free(reqs);
	free(got);
	return r;
}

/* Input in a udmabuf (memfd pages) imported zero-copy; outputs in device buffers. */
static int run_udmabuf(struct app *a, const uint8_t *in, size_t in_size, const uint8_t *expect)
{
	struct edgeai_device *dev = NULL;
	struct edgeai_buffer *ibuf = NULL, *obuf[MAX_OUT] = { 0 };
	struct edgeai_request *req = NULL, *ref = NULL;
	struct edgeai_request_stats st;
	struct udmabuf_create uc = { 0 };
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = (in_size + page - 1) / page * page;
	uint8_t *map = MAP_FAILED, *got = malloc(a->total_out), *want = malloc(a->total_out);
	int memfd = -1, ufd = -1, dmabuf = -1, r;
	unsigned int i;
	size_t off;

	r = edgeai_program_get_device(a->prog, &dev);
	if (r) {
		printf("udmabuf: skipped: the program runs on the CPU only\n");
		r = 0;
		goto out;
	}
	ufd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (ufd < 0) {
		printf("udmabuf: skipped: /dev/udmabuf: %s\n", strerror(errno));
		r = 0;
		goto out;
	}
	memfd = memfd_create("edgeai-input", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, (off_t)size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		r = -errno;
		goto fail;
	}
	uc.memfd = (uint32_t)memfd;
	uc.flags = UDMABUF_FLAGS_CLOEXEC;
	uc.size = size;
	dmabuf = ioctl(ufd, UDMABUF_CREATE, &uc);
	if (dmabuf < 0) {
		r = -errno;
		goto fail;
	}
	r = edgeai_buffer_import_dmabuf(dev, dmabuf, &ibuf);
	if (r)
		goto fail;
	r = edgeai_request_new(a->prog, &req);
	if (!r)
		r = edgeai_request_bind_input(req, 0, ibuf, 0);
	for (i = 0; i < a->n_out && !r; i++) {
		r = edgeai_buffer_new(dev, a->out_size[i], 0, &obuf[i]);
		if (!r)
			r = edgeai_request_bind_output(req, i, obuf[i], 0);
	}
	if (r)
		goto fail;

	/* The input is written through the memfd's own mapping, after the import. */
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		goto fail;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			memcpy(map, in, in_size);
		else
			for (off = 0; off < in_size; off++)
				map[off] = (uint8_t)(in[off] * 7 + 13);
		r = edgeai_request_submit(req);
		if (!r)
			r = edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE);
		if (r)
			goto fail;
		/* read the outputs in place, from the device buffers' mappings */
		for (i = 0, off = 0; i < a->n_out; off += a->out_size[i], i++) {
			void *p;

			r = edgeai_buffer_map(obuf[i], &p);
			if (!r)
				r = edgeai_buffer_cpu_prep(obuf[i], EDGEAI_ACCESS_READ,
							   EDGEAI_TIMEOUT_INFINITE);
			if (r)
				goto fail;
			memcpy(got + off, p, a->out_size[i]);
			edgeai_buffer_cpu_fini(obuf[i]);
		}
		edgeai_request_get_stats(req, &st);
		if (pass == 0) {
			printf("udmabuf: input imported from a memfd (dma-buf), outputs in device buffers: %s, library copied %llu tensor bytes, %u device jobs, %u CPU segments\n",
			       memcmp(got, expect, a->total_out) ? "outputs DIFFER" :
			       "outputs equal to the expected bytes",
			       (unsigned long long)st.bytes_copied, st.device_jobs,
			       st.cpu_segments);
			if (memcmp(got, expect, a->total_out) || st.bytes_copied) {
				r = -EIO;
				goto fail;
			}
			continue;
		}
		/* the same new bytes, copied in by a plain request */
		r = edgeai_request_new(a->prog, &ref);
		if (!r)
			r = edgeai_request_set_input(ref, 0, map, in_size);
		if (!r)
			r = edgeai_request_submit(ref);
		if (!r)
			r = edgeai_request_wait(ref, EDGEAI_TIMEOUT_INFINITE);
		if (!r)
			r = outputs_of(a, ref, want);
		if (r)
			goto fail;
		printf("udmabuf: new input written through the memfd mapping after the import: output %s, %s a run with the bytes copied in; library copied %llu tensor bytes\n",
		       memcmp(got, expect, a->total_out) ? "changed" : "UNCHANGED",
		       memcmp(got, want, a->total_out) ? "DIFFERENT from" : "equal to",
		       (unsigned long long)st.bytes_copied);
		if (!memcmp(got, expect, a->total_out) || memcmp(got, want, a->total_out) ||
		    st.bytes_copied)
			r = -EIO;
	}
	goto out;
fail:
	fprintf(stderr, "udmabuf: %s\n", edgeai_strerror(r));
out:
	if (map != MAP_FAILED)
		munmap(map, size);
	edgeai_request_unref(ref);
	edgeai_request_unref(req);
	for (i = 0; i < MAX_OUT; i++)
		edgeai_buffer_unref(obuf[i]);
	edgeai_buffer_unref(ibuf);
	edgeai_device_unref(dev);
	if (dmabuf >= 0)
		close(dmabuf);
	if (memfd >= 0)
		close(memfd);
	if (ufd >= 0)
		close(ufd);
	free(got);
	free(want);
	return r;
}

int main(int argc, char **argv)
{
	struct edgeai_compile_options strict = { .policy = EDGEAI_POLICY_DEVICE_ONLY };
	struct edgeai_compile_options automatic = { .policy = EDGEAI_POLICY_AUTO };
	struct edgeai_model *model = NULL;
	struct edgeai_program *prog = NULL;
	struct app a = { 0 };
	char err[512] = "";
	unsigned int i, n = 16;
	uint8_t *in, *expect;
	size_t in_size, expect_size;
	int r, rc = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s MODEL.tflite IN0.bin EXPECTED.bin [N [DEADLINE_US]]\n",
			argv[0]);
		return 2;
	}
	if (argc > 4)
		n = (unsigned int)strtoul(argv[4], NULL, 10);
	if (argc > 5)
		a.deadline_ns = (int64_t)strtoll(argv[5], NULL, 10) * 1000;
	if (!n || n > 1000)
		return 2;
	in = example_read_file(argv[2], &in_size);
	expect = example_read_file(argv[3], &expect_size);
	if (!in || !expect) {
		fprintf(stderr, "cannot read %s or %s\n", argv[2], argv[3]);
		return 1;
	}
	r = edgeai_model_load_file(argv[1], &model, err, sizeof(err));
	if (r) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	if (edgeai_model_count(model, EDGEAI_COUNT_INPUTS) != 1 ||
	    edgeai_model_count(model, EDGEAI_COUNT_OUTPUTS) > MAX_OUT) {
		fprintf(stderr, "the example takes models with one input\n");
		return 1;
	}
	a.n_out = (unsigned int)edgeai_model_count(model, EDGEAI_COUNT_OUTPUTS);
	for (i = 0; i < a.n_out; i++) {
		struct edgeai_tensor_info t;

		edgeai_model_get_output(model, i, &t);
		a.out_size[i] = example_tensor_bytes(&t);
		a.total_out += a.out_size[i];
	}
	if (expect_size != a.total_out) {
		fprintf(stderr, "%s has %zu bytes, the outputs %zu\n", argv[3], expect_size,
			a.total_out);
		return 1;
	}

	r = edgeai_model_compile(model, &strict, &prog, err, sizeof(err));
	if (r)
		printf("DEVICE_ONLY: refused cleanly (%s): %s\n", edgeai_strerror(r), err);
	else
		printf("DEVICE_ONLY: every op runs on the accelerator\n");
	prog = edgeai_program_unref(prog);

	r = edgeai_model_compile(model, &automatic, &a.prog, err, sizeof(err));
	if (r) {
		fprintf(stderr, "compile: %s: %s\n", edgeai_strerror(r), err);
		return 1;
	}
	if (run_async(&a, in, in_size, expect, n))
		rc = 1;
	if (run_udmabuf(&a, in, in_size, expect))
		rc = 1;
	edgeai_program_unref(a.prog);
	edgeai_model_unref(model);
	free(in);
	free(expect);
	printf("%s\n", rc ? "FAILED" : "all checks passed");
	return rc;
}
