// SPDX-License-Identifier: MIT
/*
 * edgeai_model_compile() and edgeai_program_run() through the public API,
 * on the quantized small CNN of test-tflite-build.h: float models are
 * refused with a message, the program blob is well formed, the memory plan
 * never puts two tensors that are live at the same time in overlapping
 * bytes, every op has a placement with a reason, the policies behave
 * (CPU_ONLY, AUTO falls back with the reason, DEVICE_ONLY fails cleanly
 * without a device), runs are deterministic and equal between the default
 * and the reference kernels and across threads, and bad arguments are
 * refused.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "drm/edgeai_program.h"
#include "ktap.h"
#include "test-tflite-build.h"

static size_t esize(uint32_t dt)
{
	return dt == EDGEAI_DTYPE_INT64 ? 8 : dt == EDGEAI_DTYPE_INT32 ? 4 :
	       dt == EDGEAI_DTYPE_INT16 ? 2 : 1;
}

/* 1 when no two arena tensors live at the same time share a byte. */
static int plan_ok(const void *blob, uint64_t arena)
{
	const struct edgeai_prog_header *h = blob;
	const struct edgeai_prog_tensor *t = (const void *)((const char *)blob + h->tensor_offset);
	const struct edgeai_prog_op *op = (const void *)((const char *)blob + h->op_offset);
	int32_t *first = calloc(h->tensor_count, 4), *last = calloc(h->tensor_count, 4);
	uint32_t i, j, k, good = 1;

	for (i = 0; i < h->tensor_count; i++) {
		first[i] = INT32_MAX;
		last[i] = -1;
	}
	for (i = 0; i < h->op_count; i++) {
		for (k = 0; k <= EDGEAI_PROG_MAX_INPUTS; k++) {
			uint32_t x = k < EDGEAI_PROG_MAX_INPUTS ? op[i].inputs[k] : op[i].output;

			if (x == EDGEAI_PROG_NO_TENSOR)
				continue;
			if ((int32_t)i < first[x])
				first[x] = (int32_t)i;
			if ((int32_t)i > last[x])
				last[x] = (int32_t)i;
		}
	}
	for (i = 0; i < h->tensor_count; i++) {
		uint64_t si = t[i].offset, ei = si + (uint64_t)t[i].dims[0] * t[i].dims[1] *
						     t[i].dims[2] * t[i].dims[3] * esize(t[i].dtype);

		if (t[i].slot == EDGEAI_PROG_SLOT_CONST || last[i] < 0)
			continue;
		if (ei > arena)
			good = 0;
		for (j = i + 1; j < h->tensor_count; j++) {
			uint64_t sj = t[j].offset, ej = sj + (uint64_t)t[j].dims[0] * t[j].dims[1] *
							     t[j].dims[2] * t[j].dims[3] *
							     esize(t[j].dtype);

			if (t[j].slot == EDGEAI_PROG_SLOT_CONST || last[j] < 0)
				continue;
			if (last[i] < first[j] || last[j] < first[i])
				continue;
			if (si < ej && sj < ei) {
				ktap_diag("tensors %u and %u overlap while both live", i, j);
				good = 0;
			}
		}
	}
	free(first);
	free(last);
	return good;
}

struct thr {
	struct edgeai_program *p;
	const void *in;
	size_t in_size, out_size;
	uint8_t out[64];
	int r;
};

static void *thr_run(void *arg)
{
	struct thr *t = arg;
	void *outs[1] = { t->out };
	int i;

	for (i = 0; i < 50 && !t->r; i++)
		t->r = edgeai_program_run(t->p, &t->in, &t->in_size, 1, outs, &t->out_size, 1);
	return NULL;
}

int main(void)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
	struct edgeai_program *p = NULL, *pr = NULL, *pa = NULL;
	struct edgeai_model *f = tb_small_cnn(), *q;
	struct edgeai_device_list *list = NULL;
	uint8_t in[8 * 8 * 3], out[5], out2[5], out3[5];
	size_t in_size = sizeof(in), out_size = sizeof(out), bad_size = 4, size = 0;
	const void *ins[1] = { in }, *blob = NULL;
	void *outs[1] = { out };
	struct edgeai_placement pl;
	struct thr th[4];
	pthread_t tid[4];
	char err[256] = "";
	uint64_t arena = 0;
	int i, r, n, have_dev, all;

	ktap_start();
	for (i = 0; i < (int)sizeof(in); i++)
		in[i] = (uint8_t)(i * 73 + 11);

	r = edgeai_model_compile(f, &o, &p, err, sizeof(err));
	ktap_ok(r == -EOPNOTSUPP && strstr(err, "float32"), "a float model is refused: %d '%s'", r, err);
	edgeai_model_unref(f);

	q = tb_small_cnn_int8(7);
	r = edgeai_model_compile(q, &o, &p, err, sizeof(err));
	ktap_ok(r == 0 && p, "the int8 model compiles (CPU_ONLY): %d %s", r, err);
	if (!p)
		return ktap_finish();
	r = edgeai_program_get_blob(p, &blob, &size, &arena);
	ktap_ok(r == 0 && size >= 64 && ((const struct edgeai_prog_header *)blob)->magic ==
		EDGEAI_PROG_MAGIC && ((const struct edgeai_prog_header *)blob)->total_size == size &&
		((const struct edgeai_prog_header *)blob)->slot_count == 1 && arena > 0,
		"the blob is an edgeai program of %zu bytes on a %llu-byte arena", size,
		(unsigned long long)arena);
	ktap_ok(plan_ok(blob, arena), "memory plan: tensors live at the same time never overlap");
	n = edgeai_program_placement_count(p);
	all = n == 6;
	for (i = 0; i < n; i++)
		all &= !edgeai_program_get_placement(p, (unsigned int)i, &pl) &&
		       pl.device == EDGEAI_EXEC_CPU && !strcmp(pl.reason, "CPU_ONLY policy") &&
		       pl.op_name && pl.op_index == (unsigned int)i;
	ktap_ok(all, "6 placements, each on the CPU with the reason 'CPU_ONLY policy'");
	ktap_ok(edgeai_program_get_placement(p, 6, &pl) == -EINVAL, "placement past the end: -EINVAL");

	r = edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
	memcpy(out2, out, sizeof(out));
	memset(out, 0, sizeof(out));
	r |= edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
	ktap_ok(r == 0 && !memcmp(out, out2, sizeof(out)), "two runs give the same bytes");
	o.cpu_flags = EDGEAI_CPU_REFERENCE;
	r = edgeai_model_compile(q, &o, &pr, err, sizeof(err));
	outs[0] = out3;
	r |= edgeai_program_run(pr, ins, &in_size, 1, outs, &out_size, 1);
	outs[0] = out;
	ktap_ok(r == 0 && !memcmp(out3, out2, sizeof(out)) &&
		!strcmp(edgeai_cpu_kernels(pr), "reference"),
		"reference kernels give the same bytes as the default (%s)", edgeai_cpu_kernels(p));
	o.cpu_flags = 0;

	ktap_ok(edgeai_program_run(p, ins, &in_size, 2, outs, &out_size, 1) == -EINVAL,
		"a wrong input count: -EINVAL");
	ktap_ok(edgeai_program_run(p, ins, &bad_size, 1, outs, &out_size, 1) == -EINVAL,
		"a wrong input size: -EINVAL");
	ktap_ok(edgeai_program_run(p, ins, &in_size, 1, outs, &bad_size, 1) == -EINVAL,
		"a wrong output size: -EINVAL");
	ktap_ok(edgeai_program_run(NULL, ins, &in_size, 1, outs, &out_size, 1) == -EINVAL,
		"a NULL program: -EINVAL");

	for (i = 0; i < 4; i++) {
		th[i] = (struct thr){ .p = p, .in = in, .in_size = in_size, .out_size = out_size };
		pthread_create(&tid[i], NULL, thr_run, &th[i]);
	}
	all = 1;
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		all &= th[i].r == 0 && !memcmp(th[i].out, out2, sizeof(out2));
	}
	ktap_ok(all, "4 threads running one program at once get the same bytes");

	/* cpu_threads (0.6): a program with 3 threads of its own, same bytes */
	ktap_ok(edgeai_program_get_cpu_threads(p) == 1 && edgeai_program_get_cpu_threads(NULL) ==
		-EINVAL, "a program compiled without cpu_threads runs on 1 thread");
	o.cpu_threads = 3;
	r = edgeai_model_compile(q, &o, &pa, err, sizeof(err));
	o.cpu_threads = 0;
	ktap_ok(r == 0 && pa && edgeai_program_get_cpu_threads(pa) == 3,
		"cpu_threads = 3: the program has 3 threads (%d)",
		pa ? edgeai_program_get_cpu_threads(pa) : -1);
	if (pa) {
		outs[0] = out3;
		memset(out3, 0, sizeof(out3));
		r = edgeai_program_run(pa, ins, &in_size, 1, outs, &out_size, 1);
		outs[0] = out;
		ktap_ok(r == 0 && !memcmp(out3, out2, sizeof(out)),
			"3 threads give the bytes of 1");
		for (i = 0; i < 4; i++) {
			th[i] = (struct thr){ .p = pa, .in = in, .in_size = in_size,
					      .out_size = out_size };
			pthread_create(&tid[i], NULL, thr_run, &th[i]);
		}
		all = 1;
		for (i = 0; i < 4; i++) {
			pthread_join(tid[i], NULL);
			all &= th[i].r == 0 && !memcmp(th[i].out, out2, sizeof(out2));
		}
		ktap_ok(all, "4 callers at once on the program of 3 threads get the same bytes");
		edgeai_program_unref(pa);
		pa = NULL;
	}
	o.cpu_flags = EDGEAI_CPU_REFERENCE;
	o.cpu_threads = 2;
	r = edgeai_model_compile(q, &o, &pa, err, sizeof(err));
	ktap_ok(r == 0 && pa && edgeai_program_get_cpu_threads(pa) == 1,
		"the reference kernels run on 1 thread whatever cpu_threads asks");
	edgeai_program_unref(pa);
	pa = NULL;
	o.cpu_flags = 0;
	o.cpu_threads = 0;

	o.cpu_threads = 257;
	ktap_ok(edgeai_model_compile(q, &o, &pa, err, sizeof(err)) == -EINVAL,
		"cpu_threads above 256 (the reserved space of 0.5): -EINVAL");
	o.cpu_threads = 0;
	o.device_minor = 3;
	ktap_ok(edgeai_model_compile(q, &o, &pa, err, sizeof(err)) == -EINVAL,
		"a device_minor without EDGEAI_COMPILE_ONE_DEVICE: -EINVAL");
	o.device_minor = 0;
	o.flags = 1U << 7;
	ktap_ok(edgeai_model_compile(q, &o, &pa, err, sizeof(err)) == -EINVAL,
		"an unknown compile flag: -EINVAL");
	o.flags = 0;
	o.policy = 7;
	ktap_ok(edgeai_model_compile(q, &o, &pa, err, sizeof(err)) == -EINVAL,
		"an unknown policy: -EINVAL");

	have_dev = edgeai_enumerate(&list) == 0 && edgeai_device_list_count(list) > 0;
	edgeai_device_list_unref(list);
	if (have_dev) {
		ktap_skip("DEVICE_ONLY/AUTO without a device: a device exists here");
		ktap_skip("ONE_DEVICE without a device: a device exists here");
		ktap_skip("AUTO fallback reason: a device exists here");
	} else {
		o.policy = EDGEAI_POLICY_DEVICE_ONLY;
		o.device_type = EDGEAI_DEVICE_NPU;
		r = edgeai_model_compile(q, &o, &pa, err, sizeof(err));
		ktap_ok(r == -ENODEV && !pa && strstr(err, "DEVICE_ONLY") && strstr(err, "NPU"),
			"DEVICE_ONLY without a device fails cleanly: %d '%s'", r, err);
		o.flags = EDGEAI_COMPILE_ONE_DEVICE;
		o.device_minor = 7;
		r = edgeai_model_compile(q, &o, &pa, err, sizeof(err));
		ktap_ok(r == -ENODEV && !pa && strstr(err, "NPU /dev/accel/accel7"),
			"ONE_DEVICE names the device it did not find: %d '%s'", r, err);
		o.flags = 0;
		o.device_minor = 0;
		o.policy = EDGEAI_POLICY_AUTO;
		o.device_type = 0;
		r = edgeai_model_compile(q, &o, &pa, err, sizeof(err));
		memset(&pl, 0, sizeof(pl));
		pl.reason = "";
		if (!r)
			r = edgeai_program_get_placement(pa, 0, &pl);
		ktap_ok(r == 0 && pl.device == EDGEAI_EXEC_CPU && strstr(pl.reason, "fallback"),
			"AUTO falls back to the CPU and says why: '%s'", pl.reason);
	}
	ktap_ok(!strcmp(edgeai_exec_device_name(EDGEAI_EXEC_NPU), "npu") &&
		!strcmp(edgeai_exec_device_name(99), "unknown"), "edgeai_exec_device_name");

	edgeai_program_unref(pa);
	edgeai_program_unref(pr);
	edgeai_program_unref(p);
	edgeai_model_unref(q);
	return ktap_finish();
}
