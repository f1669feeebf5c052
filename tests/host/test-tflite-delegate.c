// SPDX-License-Identifier: MIT
/*
 * libedgeai-tflite.so under TensorFlow Lite 2.9's own C library (the npm
 * oracle's libtensorflowlite_c.so), loaded the way
 * tflite_runtime.load_delegate() loads a delegate: dlopen() the plugin,
 * dlsym() tflite_plugin_create_delegate, hand the delegate to
 * TfLiteInterpreterOptionsAddDelegate(), run.
 *
 *   test-tflite-delegate TFLITE.so PLUGIN.so MANIFEST [OPTIONS...]
 *
 * MANIFEST has one model a line: "NAME EXPECT MODEL [INPUT...]". EXPECT is
 * "all" (every node delegated, one partition) or "partial" (some nodes
 * left to TFLite). Inputs are raw tensor bytes; without them each input is
 * seeded random. OPTIONS are delegate configurations ("device=cpu",
 * "device=npu,policy=device_only", ...); by default "device=cpu" and
 * "device=auto". For every model and configuration, every output must
 * equal TFLite's without the delegate, byte for byte.
 *
 * How many nodes were delegated, and in how many partitions, is read from
 * TFLite itself: the test wraps the delegate's Prepare and looks at the
 * execution plan after it (delegate kernels replace the nodes they take).
 * That count is also checked against the plugin's own log line.
 *
 * On the host (no device) device=auto runs on libedgeai's CPU path, and
 * policy=device_only must be refused. Given a device (the board VM) the
 * same program runs with OPTIONS such as "device=npu,policy=device_only",
 * and the device_only check expects success instead.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgeai/edgeai.h"
#include "ktap.h"
#include "tensorflow/lite/c/c_api.h"
#include "tensorflow/lite/c/common.h"

/* TFLite 2.9's TfLiteXNNPackDelegateOptions (xnnpack_delegate.h), as in tests/oracle/oracle-run.c. */
struct xnn_opts {
	int32_t num_threads;
	uint32_t flags;
	void *weights_cache;
};

#define XNN_FLAG_QS8 0x1U
#define XNN_FLAG_QU8 0x2U

#define MAX_OPTS 8
#define MAX_CONFIGS 8
#define MAX_IO 24

/* The TFLite C API, from dlopen(). */
static struct {
	const char *(*Version)(void);
	TfLiteModel *(*ModelCreateFromFile)(const char *);
	TfLiteModel *(*ModelCreate)(const void *, size_t);
	void (*ModelDelete)(TfLiteModel *);
	TfLiteInterpreterOptions *(*OptionsCreate)(void);
	void (*OptionsDelete)(TfLiteInterpreterOptions *);
	void (*OptionsSetNumThreads)(TfLiteInterpreterOptions *, int32_t);
	void (*OptionsAddDelegate)(TfLiteInterpreterOptions *, TfLiteDelegate *);
	void (*OptionsSetErrorReporter)(TfLiteInterpreterOptions *,
					void (*)(void *, const char *, va_list), void *);
	TfLiteInterpreter *(*Create)(const TfLiteModel *, const TfLiteInterpreterOptions *);
	void (*Delete)(TfLiteInterpreter *);
	TfLiteStatus (*AllocateTensors)(TfLiteInterpreter *);
	int32_t (*GetInputTensorCount)(const TfLiteInterpreter *);
	int32_t (*GetOutputTensorCount)(const TfLiteInterpreter *);
	TfLiteTensor *(*GetInputTensor)(const TfLiteInterpreter *, int32_t);
	const TfLiteTensor *(*GetOutputTensor)(const TfLiteInterpreter *, int32_t);
	TfLiteStatus (*Invoke)(TfLiteInterpreter *);
	TfLiteStatus (*ResizeInputTensor)(TfLiteInterpreter *, int32_t, const int *, int32_t);
	size_t (*TensorByteSize)(const TfLiteTensor *);
	void *(*TensorData)(const TfLiteTensor *);
	TfLiteType (*TensorType)(const TfLiteTensor *);
	int32_t (*TensorNumDims)(const TfLiteTensor *);
	int32_t (*TensorDim)(const TfLiteTensor *, int32_t);
	TfLiteStatus (*TensorCopyFromBuffer)(TfLiteTensor *, const void *, size_t);
} tfl;

/* The plugin, from dlopen(). */
static TfLiteDelegate *(*plugin_create)(char **, char **, size_t, void (*)(const char *));
static void (*plugin_destroy)(TfLiteDelegate *);

static int have_device;

/* --- messages: report_error, TFLite's error reporter, the plugin's log ---- */

static char reported[2048], tfl_errors[8192];

static void on_report_error(const char *msg)
{
	size_t n = strlen(reported);

	snprintf(reported + n, sizeof(reported) - n, "%s\n", msg);
}

static void on_tflite_error(void *user, const char *fmt, va_list ap)
{
	size_t n = strlen(tfl_errors);

	(void)user;
	vsnprintf(tfl_errors + n, sizeof(tfl_errors) - n, fmt, ap);
	n = strlen(tfl_errors);
	snprintf(tfl_errors + n, sizeof(tfl_errors) - n, "\n");
}

/* stderr (the plugin's log) goes to a file between capture_start() and capture_end(). */
static FILE *capture_file;
static int saved_stderr = -1;

static void capture_start(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	saved_stderr = dup(2);
	if (capture_file && saved_stderr >= 0)
		dup2(fileno(capture_file), 2);
}

/* The captured text (malloc()ed, never NULL). */
static char *capture_end(void)
{
	char *text;
	long n;

	fflush(stderr);
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	if (!capture_file)
		return strdup("");
	n = ftell(capture_file);
	text = calloc(1, n > 0 ? (size_t)n + 1 : 1);
	if (text && n > 0) {
		rewind(capture_file);
		if (fread(text, 1, (size_t)n, capture_file) != (size_t)n)
			text[0] = 0;
	}
	fclose(capture_file);
	capture_file = NULL;
	return text ? text : strdup("");
}

/* --- observing what the delegate took, from TFLite's execution plan ------- */

struct observed {
	int calls;		/* Prepare calls */
	int status;
	int nodes_before, delegated, partitions;
	char left[8192];	/* "OP (node N), ..." as the plugin's log writes it */
};

static struct observed seen;
static TfLiteStatus (*plugin_prepare)(TfLiteContext *, TfLiteDelegate *);

static TfLiteStatus observe_prepare(TfLiteContext *ctx, TfLiteDelegate *delegate)
{
	TfLiteIntArray *plan;
	TfLiteStatus st;
	size_t used = 0;
	int i, before;

	if (ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return kTfLiteError;
	before = plan->size;
	st = plugin_prepare(ctx, delegate);
	i = seen.calls;
	memset(&seen, 0, sizeof(seen));
	seen.calls = i + 1;
	seen.status = st;
	seen.nodes_before = before;
	if (st != kTfLiteOk || ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return st;
	for (i = 0; i < plan->size; i++) {
		TfLiteRegistration *reg;
		TfLiteNode *node;

		if (ctx->GetNodeAndRegistration(ctx, plan->data[i], &node, &reg) != kTfLiteOk)
			continue;
		if (node->delegate == delegate) {
			seen.partitions++;
			continue;
		}
		if (used < sizeof(seen.left))
			used += (size_t)snprintf(seen.left + used, sizeof(seen.left) - used,
						 "%s%s (node %d)", used ? ", " : "",
						 reg->custom_name ? reg->custom_name :
						 edgeai_op_name(reg->builtin_code), plan->data[i]);
	}
	seen.delegated = before - (plan->size - seen.partitions);
	return st;
}

/* --- running a model -------------------------------------------------------- */

struct io {
	int n;
	void *data[MAX_IO];
	size_t size[MAX_IO];
};

static void io_free(struct io *io)
{
	for (int i = 0; i < io->n; i++)
		free(io->data[i]);
	io->n = 0;
}

static void *slurp(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*ret_size = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* Seeded inputs: random bytes for integer tensors, [-1, 1] for float32 ones. */
static void *make_input(const TfLiteTensor *t, size_t size, uint64_t seed)
{
	uint8_t *p = malloc(size ? size : 1);
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
	if (tfl.TensorType(t) == kTfLiteFloat32)
		for (i = 0; i + 4 <= size; i += 4) {
			float f = (float)((int)(p[i] | p[i + 1] << 8) - 32768) / 32768.0f;

			memcpy(p + i, &f, 4);
		}
	return p;
}

struct model {
	char name[128];
	char expect[16];
	char path[1024];
	int n_inputs;
	char inputs[MAX_IO][1024];
};

struct run {
	struct observed seen;	/* with a delegate */
	char *log;		/* the plugin's stderr */
	int created;		/* the interpreter was created */
};

/*
 * Run @m with TFLite, with the delegate made from @opts (NULL: none), the
 * model read from its file (or from a malloc()ed copy when @from_memory).
 * Outputs (raw bytes) into @out. 0, or -1 with a message in @why.
 */
static int run_model(const struct model *m, const char *opts, int from_memory,
		     const int *resize_batch, struct io *inputs, struct io *out, struct run *ret,
		     char *why, size_t whysz)
{
	TfLiteInterpreterOptions *o = NULL;
	TfLiteInterpreter *it = NULL;
	TfLiteDelegate *d = NULL;
	TfLiteModel *model = NULL;
	void *buf = NULL;
	char *keys[MAX_OPTS], *vals[MAX_OPTS], copy[256];
	size_t n = 0, size = 0;
	int i, r = -1;

	memset(ret, 0, sizeof(*ret));
	out->n = 0;
	if (opts) {
		char *save = NULL, *kv;

		snprintf(copy, sizeof(copy), "%s", opts);
		for (kv = strtok_r(copy, ",", &save); kv && n < MAX_OPTS - 1;
		     kv = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(kv, '=');

			if (!eq)
				continue;
			*eq = 0;
			keys[n] = kv;
			vals[n++] = eq + 1;
		}
		if (!strstr(opts, "log=")) {
			keys[n] = "log";
			vals[n++] = "1";
		}
		reported[0] = 0;
		capture_start();
		d = plugin_create(keys, vals, n, on_report_error);
		if (!d) {
			free(capture_end());
			snprintf(why, whysz, "the delegate was not created: %s", reported);
			return -1;
		}
		plugin_prepare = d->Prepare;
		d->Prepare = observe_prepare;
		memset(&seen, 0, sizeof(seen));
	}
	if (from_memory) {
		buf = slurp(m->path, &size);
		model = buf ? tfl.ModelCreate(buf, size) : NULL;
	} else {
		model = tfl.ModelCreateFromFile(m->path);
	}
	if (!model) {
		snprintf(why, whysz, "TFLite cannot load %.900s", m->path);
		goto out;
	}
	o = tfl.OptionsCreate();
	tfl.OptionsSetNumThreads(o, 1);
	tfl.OptionsSetErrorReporter(o, on_tflite_error, NULL);
	if (d)
		tfl.OptionsAddDelegate(o, d);
	tfl_errors[0] = 0;
	if (!d)
		capture_start();
	it = tfl.Create(model, o);
	ret->created = it != NULL;
	if (it && resize_batch) {
		for (i = 0; i < tfl.GetInputTensorCount(it); i++) {
			const TfLiteTensor *t = tfl.GetInputTensor(it, i);
			int dims[8], k, nd = tfl.TensorNumDims(t);

			for (k = 0; k < nd && k < 8; k++)
				dims[k] = tfl.TensorDim(t, k);
			dims[0] = *resize_batch;
			if (tfl.ResizeInputTensor(it, i, dims, nd) != kTfLiteOk)
				break;
		}
	}
	if (it && tfl.AllocateTensors(it) == kTfLiteOk) {
		int nin = tfl.GetInputTensorCount(it);

		if (inputs->n == 0) {
			for (i = 0; i < nin && i < MAX_IO; i++) {
				TfLiteTensor *t = tfl.GetInputTensor(it, i);

				inputs->size[i] = tfl.TensorByteSize(t);
				inputs->data[i] = i < m->n_inputs ? slurp(m->inputs[i], &size) :
						  make_input(t, inputs->size[i], (uint64_t)i + 1);
				if (i < m->n_inputs && inputs->data[i] && size != inputs->size[i]) {
					free(inputs->data[i]);
					inputs->data[i] = NULL;
				}
				inputs->n = i + 1;
			}
		}
		for (i = 0; i < nin && i < inputs->n; i++)
			if (!inputs->data[i] ||
			    tfl.TensorCopyFromBuffer(tfl.GetInputTensor(it, i), inputs->data[i],
						     inputs->size[i]) != kTfLiteOk)
				break;
		if (i == nin && tfl.Invoke(it) == kTfLiteOk) {
			for (i = 0; i < tfl.GetOutputTensorCount(it) && i < MAX_IO; i++) {
				const TfLiteTensor *t = tfl.GetOutputTensor(it, i);

				out->size[i] = tfl.TensorByteSize(t);
				out->data[i] = malloc(out->size[i] ? out->size[i] : 1);
				if (out->data[i])
					memcpy(out->data[i], tfl.TensorData(t), out->size[i]);
				out->n = i + 1;
			}
			r = 0;
		}
	}
	ret->seen = seen;
	if (r < 0)
		snprintf(why, whysz, "TFLite %s failed: %.300s",
			 !it ? "interpreter creation" : "allocation, input or invoke", tfl_errors);
out:
	if (it)
		tfl.Delete(it);
	if (o)
		tfl.OptionsDelete(o);
	if (model)
		tfl.ModelDelete(model);
	free(buf);
	if (d)
		plugin_destroy(d);
	ret->log = capture_end();
	return r;
}

/* Differing bytes of @b against @a (SIZE_MAX: different shapes). */
static size_t differ(const struct io *a, const struct io *b, size_t *ret_total)
{
	size_t diff = 0, total = 0, k;

	if (a->n != b->n)
		return SIZE_MAX;
	for (int i = 0; i < a->n; i++) {
		if (a->size[i] != b->size[i])
			return SIZE_MAX;
		for (k = 0; k < a->size[i]; k++)
			diff += ((uint8_t *)a->data[i])[k] != ((uint8_t *)b->data[i])[k];
		total += a->size[i];
	}
	*ret_total = total;
	return diff;
}

/* The plugin's summary line agrees with what TFLite's plan shows. */
static int log_agrees(const struct run *r, char *why, size_t whysz)
{
	char want[8400];
	const char *left = r->seen.left[0] ? r->seen.left : "none";

	snprintf(want, sizeof(want), "edgeai-tflite: delegated %d of %d nodes in %d partition%s; "
		 "left to TFLite: %s\n", r->seen.delegated, r->seen.nodes_before,
		 r->seen.partitions, r->seen.partitions == 1 ? "" : "s", left);
	if (r->log && strstr(r->log, want))
		return 1;
	snprintf(why, whysz, "the log does not say '%.*s'", (int)strlen(want) - 1, want);
	return 0;
}

/*
 * Where the delegated nodes of one configuration ran, over all models, from
 * the plugin's log: its placement lines ("  node N OP: npu (why)") and its
 * first-invoke line per partition (tensors bound zero-copy or copied, and
 * the device jobs of the run).
 */
struct tally {
	int npu, dsp, cpu;
	int bound, copied;
	int computed;	/* copied: float32 outputs the library computes (detections) */
	unsigned long long jobs, bytes_copied;
};

static struct tally tallies[MAX_CONFIGS];

static void tally_log(const char *log, struct tally *t, char *buf, size_t size)
{
	struct tally one = { 0 };
	const char *p;

	for (p = log; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = strstr(p, "first invoke: tensors bound ");
		const char *nl = strchr(p, '\n');
		char dev[8];
		int node, b, c, len;
		unsigned long long bytes;
		unsigned int jobs;

		if (strstr(p, "copied: float32 values libedgeai computes from 8-bit ones") &&
		    (!nl || strstr(p, "copied: float32 values") < nl))
			one.computed++;
		if (!strncmp(p, "edgeai-tflite:   node ", 22) &&
		    sscanf(p + 22, "%d %*s %7[a-z] (%n", &node, dev, &len) == 2 && len > 0) {
			one.npu += !strcmp(dev, "npu");
			one.dsp += !strcmp(dev, "dsp");
			one.cpu += !strcmp(dev, "cpu");
		} else if (q && (!nl || q < nl) &&
			   sscanf(q, "first invoke: tensors bound %d, copied %d; %llu bytes copied, "
				  "%u device job", &b, &c, &bytes, &jobs) == 4) {
			one.bound += b;
			one.copied += c;
			one.bytes_copied += bytes;
			one.jobs += jobs;
		}
	}
	t->npu += one.npu;
	t->dsp += one.dsp;
	t->cpu += one.cpu;
	t->bound += one.bound;
	t->copied += one.copied;
	t->computed += one.computed;
	t->jobs += one.jobs;
	t->bytes_copied += one.bytes_copied;
	snprintf(buf, size, "npu %d, dsp %d, cpu %d; %llu device job%s; tensors bound %d, copied %d",
		 one.npu, one.dsp, one.cpu, one.jobs, one.jobs == 1 ? "" : "s", one.bound,
		 one.copied);
}

/* @text as TAP diagnostics, one "# " line per line. */
static void diag_lines(const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		ktap_diag("  %.*s", len, text);
		text = nl ? nl + 1 : NULL;
	}
}

/*
 * One model under every configuration and from memory: one TAP line. With
 * @show_log, the plugin's log of the first configuration as diagnostics.
 */
static void check_model(const struct model *m, char **configs, int n_configs, int show_log)
{
	struct io in = { 0 }, ref = { 0 }, got = { 0 };
	struct run r;
	char why[1024] = "", summary[2048] = "";
	size_t used = 0, total = 0, diff;
	int c, ok = 1;

	if (run_model(m, NULL, 0, NULL, &in, &ref, &r, why, sizeof(why)) < 0) {
		free(r.log);
		ktap_ok(0, "%s: TFLite alone: %s", m->name, why);
		io_free(&in);
		return;
	}
	free(r.log);
	for (c = 0; c <= n_configs && ok; c++) {
		/* the last round: the first configuration, the model from memory */
		const char *cfg = configs[c < n_configs ? c : 0];
		int mem = c == n_configs;

		if (run_model(m, cfg, mem, NULL, &in, &got, &r, why, sizeof(why)) < 0) {
			ok = 0;
		} else if ((diff = differ(&ref, &got, &total)) != 0) {
			snprintf(why, sizeof(why), "%s%s: %zu of %zu output bytes differ from TFLite",
				 cfg, mem ? " (from memory)" : "", diff == SIZE_MAX ? total : diff,
				 total);
			ok = 0;
		} else if (r.seen.calls != 1 || r.seen.status != kTfLiteOk) {
			snprintf(why, sizeof(why), "%s: Prepare ran %d times, status %d", cfg,
				 r.seen.calls, r.seen.status);
			ok = 0;
		} else if (!strcmp(m->expect, "all") &&
			   (r.seen.delegated != r.seen.nodes_before || r.seen.partitions != 1)) {
			snprintf(why, sizeof(why), "%s: %d of %d nodes delegated in %d partitions, "
				 "want all in 1; left: %.600s", cfg, r.seen.delegated,
				 r.seen.nodes_before, r.seen.partitions, r.seen.left);
			ok = 0;
		} else if (!strcmp(m->expect, "partial") &&
			   (r.seen.delegated <= 0 || r.seen.delegated >= r.seen.nodes_before)) {
			snprintf(why, sizeof(why), "%s: %d of %d nodes delegated, want some", cfg,
				 r.seen.delegated, r.seen.nodes_before);
			ok = 0;
		} else if (!log_agrees(&r, why, sizeof(why))) {
			ok = 0;
		} else if (!mem && used < sizeof(summary)) {
			char place[256];

			tally_log(r.log, &tallies[c], place, sizeof(place));
			used += (size_t)snprintf(summary + used, sizeof(summary) - used,
						 "%s%s: %d/%d nodes in %d partition%s (%s)",
						 used ? "; " : "", cfg, r.seen.delegated,
						 r.seen.nodes_before, r.seen.partitions,
						 r.seen.partitions == 1 ? "" : "s", place);
		}
		if (!ok && r.log && r.log[0]) {
			ktap_diag("%s: the plugin's log:", m->name);
			diag_lines(r.log);
		} else if (ok && show_log && c == 0 && r.log) {
			ktap_diag("%s, %s: the plugin's log:", m->name, cfg);
			diag_lines(r.log);
		}
		if (ok && mem && strcmp(m->expect, "all"))
			ktap_diag("%s: left to TFLite: %s", m->name, r.seen.left);
		free(r.log);
		io_free(&got);
	}
	if (ok)
		ktap_ok(1, "%s: %s; %zu output bytes equal TFLite's (also from memory)", m->name,
			summary, total);
	else
		ktap_ok(0, "%s: %s", m->name, why);
	io_free(&in);
	io_free(&ref);
}

/*
 * What the configurations did over all models. Without a device every
 * partition is a CPU program, which works on TFLite's own tensor memory:
 * every input and output is bound, nothing copied but the float32 outputs
 * of TFLite_Detection_PostProcess, which the library computes. With one, a
 * configuration that may use it ran nodes there, in device jobs, and the
 * tensors of a device program are copied (the device reads only buffers of
 * its own; TFLite's arena is not one).
 */
static void check_tally(const char *cfg, const struct tally *t)
{
	int cpu_cfg = !!strstr(cfg, "device=cpu");

	ktap_diag("%s: delegated nodes on the npu %d, dsp %d, cpu %d; %llu device jobs; "
		  "partition tensors bound zero-copy %d, copied %d (%llu bytes copied)", cfg,
		  t->npu, t->dsp, t->cpu, t->jobs, t->bound, t->copied, t->bytes_copied);
	if (!have_device || cpu_cfg) {
		ktap_ok(t->bound > 0 && t->copied == t->computed && t->jobs == 0 && !t->npu &&
			!t->dsp, "%s: every node on the CPU path, its %d partition tensors bound to "
			"TFLite's memory, %d copied (%d float32 detection outputs the library "
			"computes, which cannot be bound)", cfg, t->bound, t->copied, t->computed);
		return;
	}
	if (strstr(cfg, "device=npu"))
		ktap_ok(t->npu > 0 && t->jobs > 0, "%s: %d nodes ran on the NPU (%llu device jobs)",
			cfg, t->npu, t->jobs);
	else if (strstr(cfg, "device=dsp"))
		ktap_ok(t->dsp > 0 && t->jobs > 0, "%s: %d nodes ran on the DSP (%llu device jobs)",
			cfg, t->dsp, t->jobs);
	else
		ktap_ok(t->npu + t->dsp > 0 && t->jobs > 0,
			"%s: nodes ran on the accelerators: NPU %d, DSP %d, %llu device jobs", cfg,
			t->npu, t->dsp, t->jobs);
	ktap_ok(t->copied > 0, "%s: the tensors of device programs are copied (%d), the "
		"others bound (%d)", cfg, t->copied, t->bound);
}

/* --- options, device_only, the compile cache ------------------------------ */

static int create_fails(const char *const *kv, size_t n, const char *needle)
{
	char *keys[MAX_OPTS], *vals[MAX_OPTS];
	TfLiteDelegate *d;
	size_t i;

	for (i = 0; i < n; i++) {
		keys[i] = (char *)kv[2 * i];
		vals[i] = (char *)kv[2 * i + 1];
	}
	reported[0] = 0;
	d = plugin_create(keys, vals, n, on_report_error);
	if (d) {
		plugin_destroy(d);
		return 0;
	}
	return strstr(reported, needle) != NULL;
}

static void check_options(void)
{
	static const struct {
		const char *kv[6];
		size_t n;
		const char *needle;
	} bad[] = {
		{ { "devcie", "npu" }, 1, "unknown option 'devcie'" },
		{ { "device", "gpu" }, 1, "device='gpu'" },
		{ { "policy", "cpu_only" }, 1, "policy='cpu_only'" },
		{ { "deadline_us", "-5" }, 1, "deadline_us='-5'" },
		{ { "deadline_us", "10ms" }, 1, "deadline_us='10ms'" },
		{ { "deadline_us", "99999999999999999999" }, 1, "deadline_us=" },
		{ { "log", "yes" }, 1, "log='yes'" },
		{ { "log", "1", "log", "0" }, 2, "given twice" },
		{ { "device", "cpu", "policy", "device_only" }, 2, "contradicts device=cpu" },
	};
	static const struct {
		const char *kv[10];
		size_t n;
	} good[] = {
		{ { NULL }, 0 },
		{ { "device", "cpu", "log", "0" }, 2 },
		{ { "device", "auto", "policy", "auto", "deadline_us", "1500", "cache_dir", "",
		    "log", "0" }, 5 },
		{ { "device", "npu" }, 1 },
		{ { "device", "dsp", "deadline_us", "0" }, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = create_fails(bad[i].kv, bad[i].n, bad[i].needle);

		if (!ktap_ok(r, "bad options %s=%s%s%s: no delegate, report_error names it",
			     bad[i].kv[0], bad[i].kv[1], bad[i].n > 1 ? " " : "",
			     bad[i].n > 1 ? bad[i].kv[2] : ""))
			ktap_diag("report_error got: %s", reported);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *keys[MAX_OPTS], *vals[MAX_OPTS];
		TfLiteDelegate *d;
		size_t k;

		for (k = 0; k < good[i].n; k++) {
			keys[k] = (char *)good[i].kv[2 * k];
			vals[k] = (char *)good[i].kv[2 * k + 1];
		}
		reported[0] = 0;
		d = plugin_create(keys, vals, good[i].n, on_report_error);
		ktap_ok(d && !reported[0], "good options #%zu: a delegate, nothing reported", i);
		if (d)
			plugin_destroy(d);
	}
}

static void check_device_only(const struct model *m)
{
	static const char *const any[] = { "policy", "device_only" };
	static const char *const npu[] = { "device", "npu", "policy", "device_only" };
	struct io in = { 0 }, ref = { 0 }, got = { 0 };
	struct run r;
	char why[1024];
	size_t total = 0;

	if (!have_device) {
		ktap_ok(create_fails(any, 1, "policy=device_only: no edgeai device"),
			"no device: policy=device_only is refused through report_error");
		ktap_ok(create_fails(npu, 2, "no edgeai npu"),
			"no device: device=npu policy=device_only is refused, naming the npu");
		/* what an application does then: TFLite alone, on its own kernels */
		ktap_ok(run_model(m, NULL, 0, NULL, &in, &ref, &r, why, sizeof(why)) == 0,
			"no device: TFLite still runs %s on its own kernels", m->name);
		free(r.log);
		io_free(&in);
		io_free(&ref);
		return;
	}
	if (run_model(m, NULL, 0, NULL, &in, &ref, &r, why, sizeof(why)) == 0) {
		int ok;

		free(r.log);
		ok = run_model(m, "policy=device_only", 0, NULL, &in, &got, &r, why,
			       sizeof(why)) == 0 && differ(&ref, &got, &total) == 0;
		ktap_ok(ok, "a device: policy=device_only runs %s, equal to TFLite (%d/%d nodes)",
			m->name, r.seen.delegated, r.seen.nodes_before);
		free(r.log);
	}
	io_free(&in);
	io_free(&ref);
	io_free(&got);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

static int count_entries(const char *dir, const char *suffix, int corrupt)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), ls = strlen(suffix);
		char path[4096];
		FILE *f;

		if (l <= ls || strcmp(e->d_name + l - ls, suffix))
			continue;
		n++;
		if (!corrupt)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "r+b");
		if (f) {
			long size;
			int ch;

			fseek(f, 0, SEEK_END);
			size = ftell(f);
			fseek(f, size / 2, SEEK_SET);
			ch = fgetc(f);
			fseek(f, size / 2, SEEK_SET);
			fputc(ch ^ 0x5a, f);
			fclose(f);
		}
	}
	closedir(d);
	return n;
}

static void check_cache(const struct model *m, const char *cache)
{
	struct io in = { 0 }, ref = { 0 }, got = { 0 };
	char opts[512], why[1024];
	struct run r;
	size_t total = 0;
	int n;

	snprintf(opts, sizeof(opts), "device=cpu,cache_dir=%s", cache);
	if (run_model(m, NULL, 0, NULL, &in, &ref, &r, why, sizeof(why)) < 0) {
		ktap_ok(0, "cache: TFLite alone: %s", why);
		goto out;
	}
	free(r.log);
	ktap_ok(run_model(m, opts, 0, NULL, &in, &got, &r, why, sizeof(why)) == 0 &&
		differ(&ref, &got, &total) == 0 && strstr(r.log, "compile cache: miss, stored"),
		"cache_dir: the first run of %s compiles and stores", m->name);
	free(r.log);
	io_free(&got);
	n = count_entries(cache, ".prog", 0);
	ktap_ok(n > 0, "cache_dir: %d program entr%s in %s", n, n == 1 ? "y" : "ies", cache);
	ktap_ok(run_model(m, opts, 0, NULL, &in, &got, &r, why, sizeof(why)) == 0 &&
		differ(&ref, &got, &total) == 0 && strstr(r.log, "compile cache: hit") &&
		!tfl_errors[0], "cache_dir: the second run loads the program from the cache");
	free(r.log);
	io_free(&got);
	count_entries(cache, ".prog", 1);
	if (!ktap_ok(run_model(m, opts, 0, NULL, &in, &got, &r, why, sizeof(why)) == 0 &&
		     strstr(tfl_errors, "edgeai-tflite: partition 0: its compile cache entry was "
			    "corrupt; removed, recompiled and stored again"),
		     "a corrupt cache entry: a clear error through TFLite's error reporter"))
		ktap_diag("%s; TFLite's error reporter got: %s", why, tfl_errors);
	ktap_ok(differ(&ref, &got, &total) == 0 && r.seen.delegated == r.seen.nodes_before,
		"a corrupt cache entry: still delegated (%d/%d nodes), outputs equal TFLite's",
		r.seen.delegated, r.seen.nodes_before);
	free(r.log);
	io_free(&got);
	ktap_ok(run_model(m, opts, 0, NULL, &in, &got, &r, why, sizeof(why)) == 0 &&
		strstr(r.log, "compile cache: hit") && !strstr(tfl_errors, "corrupt"),
		"a corrupt cache entry: the next run loads the recompiled entry");
	free(r.log);
out:
	io_free(&in);
	io_free(&ref);
	io_free(&got);
}

/* deadline_us reaches the requests; without a device nothing has to wait for one. */
static void check_deadline(const struct model *m)
{
	struct io in = { 0 }, ref = { 0 }, got = { 0 };
	char why[1024] = "";
	struct run r;
	size_t total = 0;
	int ok;

	ok = run_model(m, NULL, 0, NULL, &in, &ref, &r, why, sizeof(why)) == 0;
	free(r.log);
	r.log = NULL;
	ok = ok && run_model(m, "device=auto,deadline_us=1000", 0, NULL, &in, &got, &r, why,
			     sizeof(why)) == 0 && differ(&ref, &got, &total) == 0;
	if (!ktap_ok(ok && r.seen.delegated == r.seen.nodes_before,
		     "deadline_us=1000: %s runs delegated (%d/%d nodes), equal to TFLite",
		     m->name, r.seen.delegated, r.seen.nodes_before))
		ktap_diag("%s", why);
	free(r.log);
	io_free(&in);
	io_free(&ref);
	io_free(&got);
}

/*
 * An application that resizes an input after the interpreter exists: TFLite
 * takes its delegates off and applies them again on the new shapes (all
 * nodes delegated again, or some for a model of EXPECT "partial").
 */
static void check_resize(const struct model *file_inputs)
{
	struct io in = { 0 }, ref = { 0 }, got = { 0 };
	struct model *m = malloc(sizeof(*m));
	const int batch = 2;
	char why[1024] = "";
	struct run r;
	size_t total = 0, diff = SIZE_MAX;
	int ok;

	if (!m)
		return;
	*m = *file_inputs;
	m->n_inputs = 0;	/* seeded inputs of the new shape */
	ok = run_model(m, NULL, 0, &batch, &in, &ref, &r, why, sizeof(why)) == 0;
	free(r.log);
	r.log = NULL;
	ok = ok && run_model(m, "device=cpu", 0, &batch, &in, &got, &r, why, sizeof(why)) == 0;
	if (ok)
		diff = differ(&ref, &got, &total);
	if (!ktap_ok(ok && diff == 0 && r.seen.delegated > 0 &&
		     (r.seen.delegated == r.seen.nodes_before || strcmp(m->expect, "all")),
		     "%s resized to batch %d: %d/%d nodes delegated, %zu of %zu output bytes differ",
		     m->name, batch, r.seen.delegated, r.seen.nodes_before,
		     diff == SIZE_MAX ? total : diff, total))
		ktap_diag("%s\n%s%s", why, tfl_errors, r.log ? r.log : "");
	free(r.log);
	io_free(&in);
	io_free(&ref);
	io_free(&got);
	free(m);
}

/* --- TFLite's own behaviour the plugin is designed around ----------------- */

static TfLiteStatus failing_prepare(TfLiteContext *ctx, TfLiteDelegate *d)
{
	(void)ctx;
	(void)d;
	return kTfLiteDelegateError;
}

static void check_tflite_prepare_failure(const struct model *m)
{
	TfLiteModel *model = tfl.ModelCreateFromFile(m->path);
	TfLiteInterpreterOptions *o = tfl.OptionsCreate();
	TfLiteDelegate *d = plugin_create(NULL, NULL, 0, on_report_error);
	TfLiteInterpreter *it = NULL;

	if (!model || !o || !d) {
		ktap_ok(0, "TFLite 2.9 and a failing delegate Prepare: setup");
		goto out;
	}
	d->Prepare = failing_prepare;
	tfl.OptionsAddDelegate(o, d);
	tfl.OptionsSetErrorReporter(o, on_tflite_error, NULL);
	tfl_errors[0] = 0;
	it = tfl.Create(model, o);
	/*
	 * TFLite 2.9 restores the graph, then fails the whole interpreter: a
	 * delegate must not fail Prepare for what TFLite could run itself.
	 */
	ktap_ok(!it && strstr(tfl_errors, "Restored original execution plan"),
		"TFLite 2.9: a delegate whose Prepare fails leaves the application no "
		"interpreter (why the plugin leaves nodes to TFLite instead)");
out:
	if (it)
		tfl.Delete(it);
	if (o)
		tfl.OptionsDelete(o);
	if (model)
		tfl.ModelDelete(model);
	if (d)
		plugin_destroy(d);
}

/* --- main ----------------------------------------------------------------- */

#define SYM(field, name)                                                       \
	do {                                                                   \
		*(void **)&tfl.field = dlsym(lib, "TfLite" name);              \
		if (!tfl.field) {                                              \
			ktap_ok(0, "TFLite C API has TfLite%s", name);         \
			return ktap_finish();                                  \
		}                                                              \
	} while (0)

int main(int argc, char **argv)
{
	struct xnn_opts (*xnn_default)(void);
	struct edgeai_device_list *devs = NULL;
	static char *default_configs[] = { "device=cpu", "device=auto" };
	char **configs = default_configs, line[8192], cache[] = "/tmp/edgeai-tflite-cache.XXXXXX";
	int n_configs = 2, n_models = 0, i;
	struct model *models = NULL;
	void *lib, *plugin;
	FILE *f;

	ktap_start();
	if (argc < 4) {
		fprintf(stderr, "usage: %s TFLITE.so PLUGIN.so MANIFEST [OPTIONS...]\n", argv[0]);
		return 2;
	}
	if (argc > 4) {
		configs = argv + 4;
		n_configs = argc - 4 < MAX_CONFIGS ? argc - 4 : MAX_CONFIGS;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!ktap_ok(lib != NULL, "dlopen TFLite's C library %s", argv[1]))
		return ktap_finish();
	SYM(Version, "Version");
	SYM(ModelCreateFromFile, "ModelCreateFromFile");
	SYM(ModelCreate, "ModelCreate");
	SYM(ModelDelete, "ModelDelete");
	SYM(OptionsCreate, "InterpreterOptionsCreate");
	SYM(OptionsDelete, "InterpreterOptionsDelete");
	SYM(OptionsSetNumThreads, "InterpreterOptionsSetNumThreads");
	SYM(OptionsAddDelegate, "InterpreterOptionsAddDelegate");
	SYM(OptionsSetErrorReporter, "InterpreterOptionsSetErrorReporter");
	SYM(Create, "InterpreterCreate");
	SYM(Delete, "InterpreterDelete");
	SYM(AllocateTensors, "InterpreterAllocateTensors");
	SYM(GetInputTensorCount, "InterpreterGetInputTensorCount");
	SYM(GetOutputTensorCount, "InterpreterGetOutputTensorCount");
	SYM(GetInputTensor, "InterpreterGetInputTensor");
	SYM(GetOutputTensor, "InterpreterGetOutputTensor");
	SYM(Invoke, "InterpreterInvoke");
	SYM(ResizeInputTensor, "InterpreterResizeInputTensor");
	SYM(TensorByteSize, "TensorByteSize");
	SYM(TensorData, "TensorData");
	SYM(TensorType, "TensorType");
	SYM(TensorNumDims, "TensorNumDims");
	SYM(TensorDim, "TensorDim");
	SYM(TensorCopyFromBuffer, "TensorCopyFromBuffer");
	ktap_ok(!strcmp(tfl.Version(), "2.9.0"), "TFLite is 2.9.0 (%s)", tfl.Version());
	/* TFLite alone is the oracle only with XNNPACK's quantized path off (QUANT.md) */
	*(void **)&xnn_default = dlsym(lib, "TfLiteXNNPackDelegateOptionsDefault");
	ktap_ok(!xnn_default || !(xnn_default().flags & (XNN_FLAG_QS8 | XNN_FLAG_QU8)),
		"TFLite's default XNNPACK delegate leaves quantized nodes to the built-in kernels");

	/* exactly what tflite_runtime.load_delegate() does */
	plugin = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
	if (!ktap_ok(plugin != NULL, "dlopen %s", argv[2])) {
		ktap_diag("%s", dlerror());
		return ktap_finish();
	}
	*(void **)&plugin_create = dlsym(plugin, "tflite_plugin_create_delegate");
	*(void **)&plugin_destroy = dlsym(plugin, "tflite_plugin_destroy_delegate");
	if (!ktap_ok(plugin_create && plugin_destroy, "the plugin has the two tflite_plugin_* functions"))
		return ktap_finish();

	have_device = edgeai_enumerate(&devs) > 0;
	edgeai_device_list_unref(devs);
	ktap_diag("edgeai devices: %s; configurations:", have_device ? "yes" : "none");
	for (i = 0; i < n_configs; i++)
		ktap_diag("  %s", configs[i]);

	f = fopen(argv[3], "r");
	if (!ktap_ok(f != NULL, "read the manifest %s", argv[3]))
		return ktap_finish();
	while (fgets(line, sizeof(line), f)) {
		struct model *m, *nm;
		char *save = NULL, *w;
		int k = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		nm = realloc(models, sizeof(*models) * (size_t)(n_models + 1));
		if (!nm)
			break;
		models = nm;
		m = &models[n_models];
		memset(m, 0, sizeof(*m));
		for (w = strtok_r(line, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save), k++) {
			if (k == 0)
				snprintf(m->name, sizeof(m->name), "%s", w);
			else if (k == 1)
				snprintf(m->expect, sizeof(m->expect), "%s", w);
			else if (k == 2)
				snprintf(m->path, sizeof(m->path), "%s", w);
			else if (m->n_inputs < MAX_IO)
				snprintf(m->inputs[m->n_inputs++], sizeof(m->inputs[0]), "%s", w);
		}
		if (k >= 3)
			n_models++;
	}
	fclose(f);
	if (!ktap_ok(n_models > 0, "%d models in the manifest", n_models))
		return ktap_finish();

	for (i = 0; i < n_models; i++)
		check_model(&models[i], configs, n_configs, i == n_models - 1);
	for (i = 0; i < n_configs; i++)
		check_tally(configs[i], &tallies[i]);

	check_options();
	check_device_only(&models[0]);
	/* the cache and Prepare-failure checks on the last model (a real one) */
	if (mkdtemp(cache)) {
		check_cache(&models[n_models - 1], cache);
		remove_dir(cache);
	}
	check_deadline(&models[n_models - 1]);
	check_resize(&models[0]);
	check_tflite_prepare_failure(&models[0]);
	free(models);
	return ktap_finish();
}
