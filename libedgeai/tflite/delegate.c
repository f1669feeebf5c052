// SPDX-License-Identifier: MIT
/*
 * libedgeai-tflite.so: a TensorFlow Lite external delegate.
 *
 * The shape is Mesa Teflon's: the plugin ABI is two functions, one
 * translation function makes a libedgeai op of a TFLite node
 * (translate.c), one support check per node asks libedgeai's compiler, and
 * TFLite partitions the graph. Unlike Teflon, every failure has somewhere
 * to go:
 *
 * - tflite_plugin_create_delegate() rejects unknown keys, bad values and
 *   policy=device_only without a device through report_error and returns
 *   NULL. report_error is only called from there: Python's load_delegate()
 *   frees its callback as soon as the create call returns.
 * - Prepare leaves to TFLite every node libedgeai cannot take, and every
 *   partition that does not compile, saying why through the context's
 *   ReportError (the application's TFLite error reporter) and in the log.
 *   It fails only when TFLite itself does: TFLite 2.9 answers a failed
 *   delegate Prepare by failing TfLiteInterpreterCreate() altogether (with
 *   or without TfLiteInterpreterOptionsSetEnableDelegateFallback()), so a
 *   model it could run alone would not run at all.
 * - Invoke returns kTfLiteDelegateError when libedgeai fails a run, which
 *   TFLite's delegate fallback (if enabled) answers by running the graph
 *   on its own kernels.
 *
 * Each partition is compiled once, in Prepare, into a program (through the
 * on-disk compile cache, in the cache_dir option's directory when given),
 * and run through one edgeai_request per Invoke. The tensors TFLite owns
 * are bound to the request in place when libedgeai can work on them there:
 * a program that runs on the CPU only reads and writes host memory
 * (edgeai_request_bind_*_ptr()), so its inputs and outputs are TFLite's
 * own memory (the arena, or a custom allocation), zero copy. A device
 * reads only buffers of its own, and TFLite's memory is not one, so a
 * program with device segments copies them in and out. The log says which
 * tensor is which, at the first invoke and whenever TFLite moves one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeai/edgeai.h"
#include "model-file.h"
#include "options.h"
#include "tensorflow/lite/c/common.h"
#include "translate.h"

#define EXPORT __attribute__((visibility("default")))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* BuiltinOperator DELEGATE of the TFLite schema: the code of a delegate kernel's node. */
#define TFL_OP_DELEGATE 51

struct delegate;

/* How an input or output of a partition reaches the program. */
struct io_bind {
	const void *ptr;	/* TFLite's memory bound in place; NULL: copied */
	const char *why;	/* why copied (static), NULL while bound */
};

struct partition {
	struct partition *next;
	const struct delegate *d;	/* outlives the interpreter, so its kernels */
	unsigned int id;
	int *nodes;		/* context node indices, in execution order */
	int n_nodes;
	struct etfl_graph g;	/* g.in/g.out: context tensors of the program's inputs/outputs */
	size_t *in_bytes, *out_bytes;
	struct io_bind *bin, *bout;	/* [g.n_in], [g.n_out] */
	const char *device;	/* NULL: a CPU program; else where its device segments run */
	struct edgeai_program *prog;
	struct edgeai_request *req;
	int runs;
};

struct delegate {
	TfLiteDelegate base;
	/* zero: room for the fields later TFLite versions append to TfLiteDelegate */
	void *reserved[8];
	struct etfl_options opt;
	/* compiled by Prepare, taken by the kernels' init during ReplaceNodeSubsets... */
	struct partition *ready;
	const struct edgeai_model *file;	/* during Prepare: the model file */
	unsigned int n_partitions;
};

static PRINTF(2, 3) void dlog(const struct delegate *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->opt.log)
		return;
	va_start(ap, fmt);
	fputs("edgeai-tflite: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* An error for the application: TFLite's error reporter. */
static PRINTF(2, 3) void ctx_error(TfLiteContext *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->ReportError(ctx, "edgeai-tflite: %s", msg);
}

static TfLiteIntArray *int_array(int n)
{
	TfLiteIntArray *a = malloc(sizeof(*a) + sizeof(int) * (size_t)(n > 0 ? n : 1));

	if (a)
		a->size = 0;
	return a;
}

static const char *node_name(TfLiteContext *ctx, int node_index)
{
	TfLiteRegistration *reg;
	TfLiteNode *node;

	if (ctx->GetNodeAndRegistration(ctx, node_index, &node, &reg) != kTfLiteOk)
		return "?";
	if (reg->custom_name)
		return reg->custom_name;
	return edgeai_op_name(reg->builtin_code);
}

static struct partition *partition_free(struct partition *p)
{
	if (!p)
		return NULL;
	edgeai_request_unref(p->req);
	edgeai_program_unref(p->prog);
	etfl_graph_done(&p->g);
	free(p->in_bytes);
	free(p->out_bytes);
	free(p->bin);
	free(p->bout);
	free(p->nodes);
	free(p);
	return NULL;
}

static void partition_list_free(struct partition *p)
{
	while (p) {
		struct partition *next = p->next;

		partition_free(p);
		p = next;
	}
}

static size_t tensor_bytes(const struct edgeai_model *m, int32_t t)
{
	uint64_t n = 0;

	if (model_tensor_elems(&m->t[t], &n) < 0)
		return 0;
	return (size_t)n * model_type_size(m->t[t].type);
}

static int compile(const struct delegate *d, const struct edgeai_model *m, uint32_t policy,
		   uint32_t flags, struct edgeai_program **ret, char *err, size_t errsz)
{
	struct edgeai_compile_options o = {
		.policy = policy,
		.device_type = d->opt.device_type,
		.flags = flags,
		.cache_dir = d->opt.cache_dir,
	};

	return edgeai_model_compile(m, &o, ret, err, errsz);
}

/*
 * The support check: node @node_index alone, on int8/uint8 activations, as
 * libedgeai would take it. With policy=device_only that means the device
 * runs it (else it stays with TFLite's kernels, never libedgeai's CPU
 * path); otherwise that the compiler compiles it: libedgeai's CPU path runs
 * whatever it compiles, bit-exact with TFLite, and puts on the device what
 * the device takes.
 */
/* TFLite's node @n: its registration, or NULL. */
static const TfLiteRegistration *node_reg(TfLiteContext *ctx, int n, TfLiteNode **ret_node)
{
	TfLiteRegistration *reg;

	if (ctx->GetNodeAndRegistration(ctx, n, ret_node, &reg) != kTfLiteOk)
		return NULL;
	return reg;
}

static int is_detect_node(TfLiteContext *ctx, int n)
{
	TfLiteNode *node;
	const TfLiteRegistration *reg = node_reg(ctx, n, &node);

	return reg && reg->custom_name && !strcmp(reg->custom_name, MODEL_DETECT_CUSTOM);
}

/*
 * The nodes of @plan (the execution plan: a copy, as TFLite frees its own
 * at the next GetExecutionPlan()) that read tensor @t (how many; the last
 * in *@reader), or write it (*@writer, -1 for none).
 */
static int tensor_nodes(TfLiteContext *ctx, const TfLiteIntArray *plan, int t, int *reader,
			int *writer)
{
	TfLiteNode *node;
	int n = 0;

	*writer = -1;
	for (int i = 0; i < plan->size; i++) {
		if (!node_reg(ctx, plan->data[i], &node))
			continue;
		for (int j = 0; node->inputs && j < node->inputs->size; j++)
			if (node->inputs->data[j] == t) {
				*reader = plan->data[i];
				n++;
				break;
			}
		for (int j = 0; node->outputs && j < node->outputs->size; j++)
			if (node->outputs->data[j] == t)
				*writer = plan->data[i];
	}
	return n;
}

/*
 * The nodes the support check of node @n takes together, in @nodes (at
 * most 3), how many: TFLite_Detection_PostProcess with the DEQUANTIZE
 * nodes that alone feed it its float32 inputs (libedgeai runs such a
 * DEQUANTIZE only as part of it), from either of them; else @n alone.
 */
static int check_group(TfLiteContext *ctx, const TfLiteIntArray *plan, int n, int nodes[3])
{
	const TfLiteRegistration *reg;
	TfLiteNode *node;
	int det = -1, k = 0, r, w;

	if (is_detect_node(ctx, n)) {
		det = n;
	} else if ((reg = node_reg(ctx, n, &node)) && reg->builtin_code == TFL_OP_DEQUANTIZE &&
		   node->outputs && node->outputs->size == 1 &&
		   tensor_nodes(ctx, plan, node->outputs->data[0], &r, &w) == 1 &&
		   is_detect_node(ctx, r)) {
		det = r;
	}
	if (det < 0 || !node_reg(ctx, det, &node) || !node->inputs || node->inputs->size < 2) {
		nodes[0] = n;
		return 1;
	}
	for (int j = 0; j < 2; j++) {
		int t = node->inputs->data[j];
		TfLiteNode *wn;

		if (tensor_nodes(ctx, plan, t, &r, &w) == 1 && w >= 0 &&
		    (reg = node_reg(ctx, w, &wn)) && reg->builtin_code == TFL_OP_DEQUANTIZE)
			nodes[k++] = w;
	}
	if (k == 2 && nodes[0] > nodes[1]) {
		w = nodes[0];
		nodes[0] = nodes[1];
		nodes[1] = w;
	}
	nodes[k++] = det;
	return k;
}

/* Tensor @t of @m is an input or output of a TFLite_Detection_PostProcess op. */
static int detect_tensor(const struct edgeai_model *m, uint32_t t)
{
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];

		if (!model_is_detect(op))
			continue;
		for (uint32_t j = 0; j < op->n_in; j++)
			if (op->in[j] == (int32_t)t)
				return 1;
		for (uint32_t j = 0; j < op->n_out; j++)
			if (op->out[j] == (int32_t)t)
				return 1;
	}
	return 0;
}

static int check_node(const struct delegate *d, TfLiteContext *ctx, const struct edgeai_model *file,
		      const TfLiteIntArray *plan, int node_index, char *why, size_t whysz)
{
	struct etfl_graph g = { 0 };
	struct edgeai_program *prog = NULL;
	int nodes[3], n, r;

	n = check_group(ctx, plan, node_index, nodes);
	if (n > 1) {
		/* the detection op's outputs: its DEQUANTIZE nodes' are its inputs */
		TfLiteNode *det;

		if (!node_reg(ctx, nodes[n - 1], &det) || !det->outputs)
			return -EOPNOTSUPP;
		r = etfl_graph_build(ctx, file, nodes, n, det->outputs->data, det->outputs->size,
				     &g, why, whysz);
	} else {
		r = etfl_graph_build(ctx, file, nodes, n, NULL, 0, &g, why, whysz);
	}
	if (r < 0)
		return r;
	/*
	 * libedgeai's bit-exactness with TFLite is established on int8/uint8
	 * activations (the compiler also plans int16/int32 tensors, e.g. shape
	 * inputs and biases, which stay constants here), on the int32 or
	 * int64 indices ARG_MAX writes and on the float32 tensors around
	 * TFLite_Detection_PostProcess, which the library computes as TFLite.
	 */
	for (uint32_t k = 0; k < g.model->n_tensors; k++) {
		const struct model_tensor *t = &g.model->t[k];

		if (t->buffer || t->type == TFL_INT8 || t->type == TFL_UINT8 ||
		    model_is_argmax_output(g.model, k) ||
		    (t->type == TFL_FLOAT32 && detect_tensor(g.model, k)))
			continue;
		snprintf(why, whysz, "tensor '%s' is %s: the delegate takes int8/uint8 "
			 "activations", t->name, edgeai_tensor_type_name(t->type));
		etfl_graph_done(&g);
		return -EOPNOTSUPP;
	}
	if (d->opt.policy == EDGEAI_POLICY_DEVICE_ONLY)
		r = compile(d, g.model, EDGEAI_POLICY_DEVICE_ONLY, 0, &prog, why, whysz);
	else
		r = compile(d, g.model, EDGEAI_POLICY_CPU_ONLY, EDGEAI_COMPILE_NO_CACHE, &prog, why,
			    whysz);
	if (r < 0 && why && whysz && !why[0])
		snprintf(why, whysz, "%s", edgeai_strerror(r));
	edgeai_program_unref(prog);
	etfl_graph_done(&g);
	return r;
}

/* The log's picture of a compiled partition. */
static void log_partition(const struct delegate *d, TfLiteContext *ctx, const struct partition *p)
{
	int state = edgeai_program_get_cache_state(p->prog);
	size_t copied = 0;
	int k;

	for (k = 0; k < p->g.n_in; k++)
		copied += p->in_bytes[k];
	for (k = 0; k < p->g.n_out; k++)
		copied += p->out_bytes[k];
	dlog(d, "partition %u: %d node%s, %d input%s, %d output%s; compile cache: %s%s%s%s",
	     p->id, p->n_nodes, p->n_nodes == 1 ? "" : "s", p->g.n_in, p->g.n_in == 1 ? "" : "s",
	     p->g.n_out, p->g.n_out == 1 ? "" : "s",
	     state & EDGEAI_CACHE_PROGRAM_HIT ? "hit" : "miss",
	     state & EDGEAI_CACHE_CORRUPT ? ", corrupt entry replaced" : "",
	     state & EDGEAI_CACHE_STORED ? ", stored" : "",
	     state & (EDGEAI_CACHE_PROGRAM_HIT | EDGEAI_CACHE_STORED) ? "" : " (no cache)");
	for (k = 0; k < p->n_nodes; k++) {
		struct edgeai_placement pl;

		if (edgeai_program_get_placement(p->prog, (unsigned int)k, &pl) < 0)
			continue;
		dlog(d, "  node %d %s: %s (%s)", p->nodes[k], node_name(ctx, p->nodes[k]),
		     edgeai_exec_device_name(pl.device), pl.reason);
	}
	if (p->device)
		dlog(d, "partition %u: device segments on the %s: its inputs and outputs are "
		     "copied, %zu bytes per invoke (a device reads only buffers of its own)",
		     p->id, p->device, copied);
	else
		dlog(d, "partition %u: a CPU program: its inputs and outputs are bound to "
		     "TFLite's memory in place at invoke where it allows, zero copy", p->id);
}

/* Build and compile the partition of @nodes with outputs @outputs. */
static int partition_new(struct delegate *d, TfLiteContext *ctx, const struct edgeai_model *file,
			 const TfLiteIntArray *nodes, const TfLiteIntArray *outputs,
			 struct partition **ret, char *err, size_t errsz)
{
	struct partition *p = calloc(1, sizeof(*p));
	int r = -ENOMEM, k, state;

	if (!p)
		goto fail;
	p->nodes = malloc(sizeof(*p->nodes) * (size_t)(nodes->size ? nodes->size : 1));
	if (!p->nodes)
		goto fail;
	memcpy(p->nodes, nodes->data, sizeof(*p->nodes) * (size_t)nodes->size);
	p->n_nodes = nodes->size;
	r = etfl_graph_build(ctx, file, nodes->data, nodes->size, outputs->data, outputs->size,
			     &p->g, err, errsz);
	if (r < 0)
		goto fail;
	p->in_bytes = calloc((size_t)p->g.n_in + 1, sizeof(*p->in_bytes));
	p->out_bytes = calloc((size_t)p->g.n_out + 1, sizeof(*p->out_bytes));
	p->bin = calloc((size_t)p->g.n_in + 1, sizeof(*p->bin));
	p->bout = calloc((size_t)p->g.n_out + 1, sizeof(*p->bout));
	if (!p->in_bytes || !p->out_bytes || !p->bin || !p->bout) {
		r = -ENOMEM;
		goto fail;
	}
	for (k = 0; k < p->g.n_in; k++)
		p->in_bytes[k] = tensor_bytes(p->g.model, p->g.model->in[k]);
	for (k = 0; k < p->g.n_out; k++)
		p->out_bytes[k] = tensor_bytes(p->g.model, p->g.model->out[k]);
	r = compile(d, p->g.model, d->opt.policy, 0, &p->prog, err, errsz);
	if (r < 0)
		goto fail;
	p->d = d;
	p->id = d->n_partitions++;
	{
		struct edgeai_device *dev = NULL;
		struct edgeai_device_info info;

		if (edgeai_program_get_device(p->prog, &dev) == 0) {
			p->device = "device";
			if (!edgeai_device_get_info(dev, &info))
				p->device = edgeai_device_type_name(info.type);
			edgeai_device_unref(dev);
		}
	}
	state = edgeai_program_get_cache_state(p->prog);
	if (state > 0 && (state & EDGEAI_CACHE_CORRUPT))
		ctx_error(ctx, "partition %u: its compile cache entry was corrupt; removed, "
			  "recompiled and stored again", p->id);
	/* the program keeps what it needs; the model is done */
	p->g.model = edgeai_model_unref(p->g.model);
	*ret = p;
	return 0;
fail:
	if (r == -ENOMEM && err && errsz)
		snprintf(err, errsz, "out of memory");
	partition_free(p);
	return r;
}

static int same_nodes(const struct partition *p, const TfLiteIntArray *nodes)
{
	return p->n_nodes == nodes->size &&
	       !memcmp(p->nodes, nodes->data, sizeof(*p->nodes) * (size_t)nodes->size);
}

/* A new request for @p, nothing bound. */
static int partition_request(struct partition *p)
{
	int r;

	p->req = edgeai_request_unref(p->req);
	memset(p->bin, 0, sizeof(*p->bin) * (size_t)p->g.n_in);
	memset(p->bout, 0, sizeof(*p->bout) * (size_t)p->g.n_out);
	r = edgeai_request_new(p->prog, &p->req);
	if (!r && p->d->opt.deadline_ns)
		r = edgeai_request_set_deadline(p->req, p->d->opt.deadline_ns);
	if (r < 0)
		p->req = edgeai_request_unref(p->req);
	return r;
}

/* --- the partition's kernel ------------------------------------------------ */

static void *kernel_init(TfLiteContext *ctx, const char *buffer, size_t length)
{
	const TfLiteDelegateParams *params = (const TfLiteDelegateParams *)buffer;
	struct delegate *d = params->delegate->data_;
	struct partition **pp, *p;

	(void)length;
	for (pp = &d->ready; *pp; pp = &(*pp)->next) {
		if (same_nodes(*pp, params->nodes_to_replace)) {
			p = *pp;
			*pp = p->next;
			p->next = NULL;
			return p;
		}
	}
	/* TFLite partitioned differently from its preview: compile here. */
	{
		char err[256] = "";
		int r = partition_new(d, ctx, d->file, params->nodes_to_replace,
				      params->output_tensors, &p, err, sizeof(err));

		if (r < 0) {
			ctx_error(ctx, "a partition of %d nodes does not compile: %s",
				  params->nodes_to_replace->size, err);
			return NULL;
		}
	}
	return p;
}

static void kernel_free(TfLiteContext *ctx, void *buffer)
{
	(void)ctx;
	partition_free(buffer);
}

static TfLiteStatus kernel_prepare(TfLiteContext *ctx, TfLiteNode *node)
{
	struct partition *p = node->user_data;
	int k, r;

	if (!p)
		return kTfLiteDelegateError;	/* kernel_init said why */
	for (k = 0; k < p->g.n_in + p->g.n_out; k++) {
		int t = k < p->g.n_in ? p->g.in[k] : p->g.out[k - p->g.n_in];
		size_t want = k < p->g.n_in ? p->in_bytes[k] : p->out_bytes[k - p->g.n_in];

		if (ctx->tensors[t].bytes != want) {
			ctx_error(ctx, "partition %u: tensor '%s' has %zu bytes, the program %zu",
				  p->id, ctx->tensors[t].name ? ctx->tensors[t].name : "",
				  ctx->tensors[t].bytes, want);
			return kTfLiteDelegateError;
		}
	}
	if (!p->req) {
		r = partition_request(p);
		if (r < 0) {
			ctx_error(ctx, "partition %u: no request: %s", p->id, edgeai_strerror(r));
			return kTfLiteDelegateError;
		}
	}
	return kTfLiteOk;
}

static const char *alloc_name(TfLiteAllocationType type)
{
	switch (type) {
	case kTfLiteArenaRw:
		return "TFLite's arena";
	case kTfLiteArenaRwPersistent:
		return "TFLite's persistent arena";
	case kTfLiteCustom:
		return "a custom allocation";
	case kTfLiteDynamic:
		return "dynamic memory";
	case kTfLiteMmapRo:
		return "the mapped model";
	case kTfLitePersistentRo:
		return "TFLite's persistent memory";
	default:
		return "no memory";
	}
}

/*
 * Bind input or output @k of @p to TFLite's tensor @t in place, or mark it
 * copied, saying why. 1 when the binding changed (for the log), 0 when
 * not, -ESTALE when memory that was bound must now be copied (the request
 * still points at it: the caller starts a new one), other -errno.
 */
static int bind_io(struct partition *p, const TfLiteTensor *t, int out, int k)
{
	struct io_bind *b = out ? &p->bout[k] : &p->bin[k];
	size_t size = out ? p->out_bytes[k] : p->in_bytes[k];
	const char *why = NULL;
	int r;

	if (p->device)
		why = "the program runs on a device, which reads only buffers of its own";
	else if (!t->data.raw)
		why = "TFLite gave the tensor no memory";
	else if (out && t->allocation_type == kTfLiteMmapRo)
		why = "read-only memory";
	if (!why && b->ptr == t->data.raw)
		return 0;	/* still bound there */
	if (!why) {
		r = out ? edgeai_request_bind_output_ptr(p->req, (unsigned int)k, t->data.raw, size) :
			  edgeai_request_bind_input_ptr(p->req, (unsigned int)k, t->data.raw, size);
		if (!r) {
			b->ptr = t->data.raw;
			b->why = NULL;
			return 1;
		}
		if (r != -EINVAL && r != -EXDEV && r != -EOPNOTSUPP)
			return r;
		why = r == -EINVAL ? "libedgeai refused the memory (alignment)" :
		      r == -EXDEV ? "libedgeai refused host memory for this program" :
				    "float32 values libedgeai computes from 8-bit ones";
	}
	if (b->ptr)
		return -ESTALE;
	if (b->why == why)
		return 0;
	b->why = why;
	return 1;
}

/* Bind every input and output (bind_io()); 1 when a binding changed. */
static int bind_all(struct partition *p, TfLiteContext *ctx)
{
	int k, r = 0, changed = 0, again;

	for (again = 0; again < 2; again++) {
		for (k = 0, r = 0; k < p->g.n_in + p->g.n_out && r >= 0; k++) {
			int out = k >= p->g.n_in;

			r = bind_io(p, &ctx->tensors[out ? p->g.out[k - p->g.n_in] : p->g.in[k]],
				    out, out ? k - p->g.n_in : k);
			changed |= r > 0;
		}
		if (r != -ESTALE)
			break;
		/* memory bound before must be let go of: a fresh request binds nothing */
		r = partition_request(p);
		if (r < 0)
			return r;
		changed = 1;
	}
	return r < 0 ? r : changed;
}

static void log_binding(const struct partition *p, TfLiteContext *ctx)
{
	for (int k = 0; k < p->g.n_in + p->g.n_out; k++) {
		int out = k >= p->g.n_in, i = out ? k - p->g.n_in : k;
		const TfLiteTensor *t = &ctx->tensors[out ? p->g.out[i] : p->g.in[i]];
		const struct io_bind *b = out ? &p->bout[i] : &p->bin[i];

		dlog(p->d, "partition %u: %s %d '%s' (%zu bytes, %s): %s%s", p->id,
		     out ? "output" : "input", i, t->name ? t->name : "",
		     out ? p->out_bytes[i] : p->in_bytes[i], alloc_name(t->allocation_type),
		     b->ptr ? "bound in place, zero copy" : "copied: ", b->ptr ? "" : b->why);
	}
}

static TfLiteStatus kernel_invoke(TfLiteContext *ctx, TfLiteNode *node)
{
	struct partition *p = node->user_data;
	const char *what = "bind an input or output";
	int k, r, changed, bound = 0;

	if (!p || !p->req)
		return kTfLiteDelegateError;
	r = changed = bind_all(p, ctx);
	if (r > 0)
		r = 0;
	if (!r)
		what = "set an input";
	for (k = 0; k < p->g.n_in && !r; k++)
		if (!p->bin[k].ptr)
			r = edgeai_request_set_input(p->req, (unsigned int)k,
						     ctx->tensors[p->g.in[k]].data.raw,
						     p->in_bytes[k]);
	if (!r) {
		what = "run";
		r = edgeai_request_run(p->req, EDGEAI_TIMEOUT_INFINITE);
	}
	if (!r)
		what = "read an output";
	for (k = 0; k < p->g.n_out && !r; k++)
		if (!p->bout[k].ptr)
			r = edgeai_request_get_output(p->req, (unsigned int)k,
						      ctx->tensors[p->g.out[k]].data.raw,
						      p->out_bytes[k]);
	if (r < 0) {
		ctx_error(ctx, "partition %u: failed to %s: %s", p->id, what, edgeai_strerror(r));
		return kTfLiteDelegateError;
	}
	if (p->d->opt.log && (changed || !p->runs)) {
		struct edgeai_request_stats st;

		for (k = 0; k < p->g.n_in; k++)
			bound += !!p->bin[k].ptr;
		for (k = 0; k < p->g.n_out; k++)
			bound += !!p->bout[k].ptr;
		log_binding(p, ctx);
		if (!edgeai_request_get_stats(p->req, &st))
			dlog(p->d, "partition %u: %s invoke: tensors bound %d, copied %d; %llu bytes "
			     "copied, %u device job%s, %u CPU segment%s, %u fallback%s", p->id,
			     p->runs ? "a later" : "first", bound, p->g.n_in + p->g.n_out - bound,
			     (unsigned long long)st.bytes_copied, st.device_jobs,
			     st.device_jobs == 1 ? "" : "s", st.cpu_segments,
			     st.cpu_segments == 1 ? "" : "s", st.fallbacks, st.fallbacks == 1 ? "" : "s");
	}
	p->runs++;
	return kTfLiteOk;
}

/* --- the delegate's Prepare ------------------------------------------------ */

/* Drop the nodes of @nodes that are in @drop. */
static void remove_nodes(TfLiteIntArray *nodes, const TfLiteIntArray *drop)
{
	int i, j, n = 0;

	for (i = 0; i < nodes->size; i++) {
		for (j = 0; j < drop->size; j++)
			if (nodes->data[i] == drop->data[j])
				break;
		if (j == drop->size)
			nodes->data[n++] = nodes->data[i];
	}
	nodes->size = n;
}

/*
 * Compile the partitions TFLite will make of @nodes into d->ready. A
 * partition that does not compile gives its nodes back to TFLite, and the
 * rest is partitioned again.
 */
static TfLiteStatus compile_partitions(struct delegate *d, TfLiteContext *ctx,
				       const struct edgeai_model *file, TfLiteIntArray *nodes)
{
	TfLiteDelegateParams *params;
	int n, i;

	for (;;) {
		struct partition *list = NULL, **tail = &list, *p;
		int failed = -1;
		char err[256];

		if (!nodes->size)
			return kTfLiteOk;
		if (ctx->PreviewDelegatePartitioning(ctx, nodes, &params, &n) != kTfLiteOk)
			return kTfLiteError;
		for (i = 0; i < n && failed < 0; i++) {
			int r = partition_new(d, ctx, file, params[i].nodes_to_replace,
					      params[i].output_tensors, &p, err, sizeof(err));

			if (r == -ENOMEM) {
				partition_list_free(list);
				return kTfLiteError;
			}
			if (r < 0) {
				failed = i;
				break;
			}
			*tail = p;
			tail = &p->next;
		}
		if (failed < 0) {
			*tail = d->ready;
			d->ready = list;
			return kTfLiteOk;
		}
		partition_list_free(list);
		ctx_error(ctx, "a partition of %d nodes (from node %d, %s) does not compile, "
			  "TFLite runs them: %s", params[failed].nodes_to_replace->size,
			  params[failed].nodes_to_replace->data[0],
			  node_name(ctx, params[failed].nodes_to_replace->data[0]), err);
		dlog(d, "nodes %d..%d left to TFLite: their partition does not compile: %s",
		     params[failed].nodes_to_replace->data[0],
		     params[failed].nodes_to_replace->data[params[failed].nodes_to_replace->size - 1],
		     err);
		remove_nodes(nodes, params[failed].nodes_to_replace);
	}
}

static TfLiteStatus delegate_prepare(TfLiteContext *ctx, TfLiteDelegate *base)
{
	struct delegate *d = base->data_;
	const TfLiteRegistration kernel = {
		.init = kernel_init,
		.free = kernel_free,
		.prepare = kernel_prepare,
		.invoke = kernel_invoke,
		.builtin_code = TFL_OP_DELEGATE,
		.custom_name = "edgeai",
		.version = 1,
	};
	struct edgeai_model *file = NULL;
	TfLiteIntArray *plan, *nodes = NULL, *left = NULL;
	TfLiteStatus st = kTfLiteError;
	char where[320], why[256], list[8192];
	unsigned int n_partitions = 0;
	size_t used = 0;
	int i, r, n_plan;

	if (ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return kTfLiteError;
	nodes = int_array(plan->size);
	left = int_array(plan->size);
	if (!nodes || !left)
		goto out;
	for (i = 0; i < plan->size; i++)
		left->data[left->size++] = plan->data[i];
	/* TFLite frees @plan at the next GetExecutionPlan(): @left is the copy */
	n_plan = plan->size;
	plan = NULL;

	r = etfl_model_file_find(ctx, &file, where, sizeof(where), why, sizeof(why));
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		dlog(d, "nothing delegated, all %d nodes left to TFLite: %s", n_plan, why);
		st = kTfLiteOk;
		goto out;
	}
	dlog(d, "options of the %d node%s read from the model file in %s", n_plan,
	     n_plan == 1 ? "" : "s", where);
	for (i = 0; i < left->size; i++) {
		int n = left->data[i];

		why[0] = 0;
		r = check_node(d, ctx, file, left, n, why, sizeof(why));
		if (r == -ENOMEM)
			goto out;
		if (r == 0)
			nodes->data[nodes->size++] = n;
		else
			dlog(d, "node %d %s: left to TFLite: %s", n, node_name(ctx, n), why);
	}
	if (compile_partitions(d, ctx, file, nodes) != kTfLiteOk)
		goto out;
	remove_nodes(left, nodes);

	list[0] = 0;
	for (i = 0; i < left->size && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s (node %d)",
					 i ? ", " : "", node_name(ctx, left->data[i]),
					 left->data[i]);
	for (struct partition *p = d->ready; p; p = p->next, n_partitions++)
		log_partition(d, ctx, p);
	dlog(d, "delegated %d of %d nodes in %u partition%s; left to TFLite: %s", nodes->size,
	    n_plan, n_partitions, n_partitions == 1 ? "" : "s", left->size ? list : "none");
	d->file = file;
	if (nodes->size &&
	    ctx->ReplaceNodeSubsetsWithDelegateKernels(ctx, kernel, nodes, base) != kTfLiteOk)
		goto out;
	st = kTfLiteOk;
out:
	/* partitions no kernel took (none, unless TFLite failed) */
	partition_list_free(d->ready);
	d->ready = NULL;
	d->file = NULL;
	edgeai_model_unref(file);
	free(nodes);
	free(left);
	return st;
}

/* --- the plugin ABI -------------------------------------------------------- */

static void report(void (*report_error)(const char *), const char *msg)
{
	char line[600];

	snprintf(line, sizeof(line), "edgeai-tflite: %s", msg);
	if (report_error)
		report_error(line);
	else
		fprintf(stderr, "%s\n", line);
}

/* policy=device_only needs a device now; -ENODEV with a message if there is none. */
static int check_device(const struct etfl_options *o, char *err, size_t errsz)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info info;
	int n, i, found = 0;

	n = edgeai_enumerate(&list);
	if (n < 0) {
		snprintf(err, errsz, "policy=device_only: cannot list the edgeai devices: %s",
			 edgeai_strerror(n));
		return n;
	}
	for (i = 0; i < n; i++)
		if (!edgeai_device_list_get(list, (unsigned int)i, &info) &&
		    (!o->device_type || info.type == o->device_type))
			found++;
	edgeai_device_list_unref(list);
	if (found)
		return 0;
	snprintf(err, errsz, "policy=device_only: no edgeai %s on this machine (no "
		 "/dev/accel/accel* bound to the edgeai driver%s)",
		 o->device_type ? edgeai_device_type_name(o->device_type) : "device",
		 o->device_type ? " of that type" : "");
	return -ENODEV;
}

EXPORT TfLiteDelegate *tflite_plugin_create_delegate(char **keys, char **values, size_t n,
						     void (*report_error)(const char *));
EXPORT void tflite_plugin_destroy_delegate(TfLiteDelegate *delegate);

TfLiteDelegate *tflite_plugin_create_delegate(char **keys, char **values, size_t n,
					      void (*report_error)(const char *))
{
	struct delegate *d = calloc(1, sizeof(*d));
	char err[400], opts[600];
	int r;

	if (!d) {
		report(report_error, "out of memory");
		return NULL;
	}
	r = etfl_options_parse(keys, values, n, &d->opt, err, sizeof(err));
	if (!r && d->opt.policy == EDGEAI_POLICY_DEVICE_ONLY)
		r = check_device(&d->opt, err, sizeof(err));
	if (r < 0) {
		report(report_error, r == -ENOMEM ? "out of memory" : err);
		etfl_options_done(&d->opt);
		free(d);
		return NULL;
	}
	d->base.data_ = d;
	d->base.Prepare = delegate_prepare;
	d->base.flags = kTfLiteDelegateFlagsNone;
	etfl_options_format(&d->opt, opts, sizeof(opts));
	dlog(d, "libedgeai %s, %s", edgeai_version(), opts);
	return &d->base;
}

void tflite_plugin_destroy_delegate(TfLiteDelegate *delegate)
{
	struct delegate *d;

	if (!delegate)
		return;
	d = delegate->data_;
	partition_list_free(d->ready);
	etfl_options_done(&d->opt);
	free(d);
}
