// SPDX-License-Identifier: MIT
/*
 * The TFLite reader and writer: a model written by the writer reads back
 * identically and writes the same bytes again; malformed files (truncated,
 * bad offsets and vtables, huge vectors and dimensions, out-of-range and
 * cyclic references, unknown ops, constants that do not fit their tensor)
 * are rejected with -EBADMSG and a message naming the problem; every
 * truncation and thousands of byte mutations of a valid file are handled
 * without a crash (ASan/UBSan). edgeai_model_load_file() maps the file and
 * leaves the constant buffers in the map: the same model as from memory,
 * pruning and unref do not free the mapped buffers (ASan), an empty file is
 * rejected. Sparse constants (sparse-models.py writes the models, python3
 * runs it) are made dense as TFLite lays them out, with DENSE and CSR
 * levels and blocks, to the dense model's values and quantized bytes;
 * malformed sparsity metadata is rejected with a message naming the
 * tensor and the problem; truncated and mutated sparse files never crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "test-tflite-build.h"

static uint8_t *save(struct edgeai_model *m, size_t *size)
{
	void *data = NULL;

	if (edgeai_model_save(m, &data, size) < 0)
		return NULL;
	return data;
}

/* Whether every constant buffer of @m with data lies in its file map. */
static int buffers_in_map(const struct edgeai_model *m, uint32_t *n_in_map)
{
	uintptr_t map = (uintptr_t)m->map;

	*n_in_map = 0;
	for (uint32_t i = 0; i < m->n_buffers; i++) {
		uintptr_t p = (uintptr_t)m->buf[i].data;

		if (!m->buf[i].size)
			continue;
		if (!map || p < map || p + m->buf[i].size > map + m->map_size)
			return 0;
		++*n_in_map;
	}
	return 1;
}

/* edgeai_model_load_file() on the writer's bytes @good, and on an empty file. */
static void load_file_cases(const uint8_t *good, size_t size)
{
	char path[] = "/tmp/edgeai-test-tflite-XXXXXX", err[512] = "";
	struct edgeai_model *m = NULL;
	uint32_t n_map = 0, before;
	size_t size2 = 0;
	uint8_t *again;
	int fd = mkstemp(path), r;

	if (fd < 0 || write(fd, good, size) != (ssize_t)size) {
		ktap_ok(0, "temporary model file");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	r = edgeai_model_load_file(path, &m, err, sizeof(err));
	if (!ktap_ok(r == 0 && m, "load_file reads the writer's file"))
		ktap_diag("%d %s", r, err);
	if (m) {
		r = buffers_in_map(m, &n_map);
		ktap_ok(r && n_map > 0, "load_file: the %u constant buffers stay in the file's map, not copied", n_map);
		again = save(m, &size2);
		ktap_ok(again && size2 == size && !memcmp(again, good, size),
			"load_file: write(load_file(f)) == f");
		free(again);
		/* keep the first operator only: pruning releases buffers that live in the map */
		before = m->n_buffers;
		for (uint32_t k = 1; k < m->n_ops; k++)
			m->ops[k].code = -1;
		m->n_out = 1;
		m->out[0] = m->ops[0].out[0];
		r = model_prune(m);
		r = r ? r : !buffers_in_map(m, &n_map);
		ktap_ok(r == 0 && m->n_buffers < before,
			"load_file: prune drops mapped buffers without freeing them (%u -> %u)",
			before, m->n_buffers);
		edgeai_model_unref(m);
		m = NULL;
	}
	if (truncate(path, 0) == 0) {
		r = edgeai_model_load_file(path, &m, err, sizeof(err));
		ktap_ok(r == -EBADMSG && !m && strstr(err, "truncated"),
			"load_file rejects an empty file: %d %s", r, err);
		edgeai_model_unref(m);
	}
	unlink(path);
}

/* Load @data and expect failure with @want_r and a message containing @want. */
static void expect_reject(const void *data, size_t size, int want_r, const char *want,
			  const char *what)
{
	struct edgeai_model *m = NULL;
	char err[512] = "";
	int r = edgeai_model_load(data, size, &m, err, sizeof(err));

	if (!ktap_ok(r == want_r && strstr(err, want) && !m, "rejects %s", what))
		ktap_diag("got %d '%s', want %d with '%s'", r, err, want_r, want);
	else
		ktap_diag("  %s", err);
	edgeai_model_unref(m);
}

/* Serialize @m (which the writer accepts even when it is malformed) and expect a reject. */
static void expect_model_reject(struct edgeai_model *m, const char *want, const char *what)
{
	size_t size = 0;
	uint8_t *data = save(m, &size);

	if (!data) {
		ktap_ok(0, "rejects %s (writer failed)", what);
	} else {
		expect_reject(data, size, -EBADMSG, want, what);
	}
	free(data);
	edgeai_model_unref(m);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint8_t *memfind(uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return hay + i;
	return NULL;
}

static uint8_t *slurp(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n);
		if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*ret_size = (size_t)n;
	}
	fclose(f);
	return data;
}

static int quantize_bytes(struct edgeai_model *m, void **ret, size_t *ret_size, char *err,
			  size_t errsz)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 4, .seed = 1 };
	struct edgeai_model *q = NULL;
	int r = edgeai_quantize(m, &o, &q, NULL, err, errsz);

	if (r == 0)
		r = edgeai_model_save(q, ret, ret_size);
	edgeai_model_unref(q);
	return r;
}

/*
 * A good case of sparse-models.py: the sparse file loads, the DENSIFY's
 * input now holds what the dense twin's weights hold, and both quantize to
 * the same bytes (the DENSIFY folded away, nothing else different).
 */
static void sparse_good(const char *dir, const char *name)
{
	char path[512], err[512] = "";
	struct edgeai_model *s = NULL, *d = NULL;
	void *qs = NULL, *qd = NULL;
	size_t ns = 0, nd = 0;
	int r, found = 0, same = 0;

	snprintf(path, sizeof(path), "%s/%.100s.tflite", dir, name);
	r = edgeai_model_load_file(path, &s, err, sizeof(err));
	if (!ktap_ok(r == 0, "sparse %s: loads", name))
		ktap_diag("%d %s", r, err);
	snprintf(path, sizeof(path), "%s/%.100s.dense.tflite", dir, name);
	if (edgeai_model_load_file(path, &d, err, sizeof(err)) < 0 || !s) {
		ktap_ok(0, "sparse %s: its dense twin loads (%s)", name, err);
		goto out;
	}
	for (uint32_t k = 0; k < s->n_ops; k++) {
		const struct model_tensor *in, *out;

		if (s->ops[k].code != TFL_OP_DENSIFY)
			continue;
		in = &s->t[s->ops[k].in[0]];
		out = &s->t[s->ops[k].out[0]];
		for (uint32_t i = 0; i < d->n_tensors; i++) {
			const struct model_buffer *a = &s->buf[in->buffer], *b = &d->buf[d->t[i].buffer];

			if (strcmp(d->t[i].name, out->name))
				continue;
			found = 1;
			same = a->size && a->size == b->size && !memcmp(a->data, b->data, a->size);
		}
	}
	ktap_ok(found && same, "sparse %s: the densified weights equal the dense model's", name);
	r = quantize_bytes(s, &qs, &ns, err, sizeof(err));
	if (r == 0)
		r = quantize_bytes(d, &qd, &nd, err, sizeof(err));
	if (!ktap_ok(r == 0 && ns == nd && !memcmp(qs, qd, ns),
		     "sparse %s: quantizes to the dense model's bytes (%zu)", name, ns))
		ktap_diag("%d %s (%zu vs %zu bytes)", r, err, ns, nd);
out:
	free(qs);
	free(qd);
	edgeai_model_unref(s);
	edgeai_model_unref(d);
}

/* Every truncation and a few thousand byte mutations of a sparse file: no crash, a message. */
static void sparse_damage(const char *dir, const char *name)
{
	char path[512], err[512];
	size_t size = 0;
	uint8_t *good, *bad;
	int crashes = 0, accepted = 0, r;

	snprintf(path, sizeof(path), "%s/%.100s.tflite", dir, name);
	good = slurp(path, &size);
	bad = malloc(size ? size : 1);
	if (!good || !bad) {
		ktap_ok(0, "read %s", path);
		free(good);
		free(bad);
		return;
	}
	for (size_t n = 0; n < size; n++) {
		struct edgeai_model *x = NULL;

		err[0] = 0;
		r = edgeai_model_load(good, n, &x, err, sizeof(err));
		if (r == 0)
			accepted++;	/* only the writer's padding at the end cut */
		else if (r != -EBADMSG || !err[0])
			crashes++;
		edgeai_model_unref(x);
	}
	ktap_ok(crashes == 0 && accepted < 16, "sparse %s: %zu truncations: %d load (the final "
		"padding cut), the rest rejected with -EBADMSG and a message", name, size, accepted);
	accepted = 0;
	crashes = 0;
	srand(2);
	for (int i = 0; i < 5000; i++) {
		struct edgeai_model *x = NULL;

		memcpy(bad, good, size);
		for (int k = 0; k < 1 + i % 3; k++)
			bad[(size_t)rand() % size] = (uint8_t)rand();
		err[0] = 0;
		r = edgeai_model_load(bad, size, &x, err, sizeof(err));
		if (r == 0)
			accepted++;
		else if (!err[0])
			crashes++;
		edgeai_model_unref(x);
	}
	ktap_ok(crashes == 0, "sparse %s: 5000 mutated files: %d loaded, the rest rejected with a "
		"message", name, accepted);
	free(good);
	free(bad);
}

/*
 * Sparse constants (SparsityParameters), with the models of
 * sparse-models.py: DENSE and SPARSE_CSR levels, block-sparse ones, and
 * malformed metadata, each refused with its message.
 */
static void sparse_cases(void)
{
	const char *top = getenv("EDGEAI_TOP");
	char dir[] = "/tmp/edgeai-test-sparse-XXXXXX", cmd[1024], line[512], path[600];
	int n_good = 0, n_bad = 0;
	FILE *mf;

	if (system("command -v python3 > /dev/null 2>&1") != 0) {
		ktap_skip("sparse models: no python3 to write them");
		return;
	}
	if (!mkdtemp(dir)) {
		ktap_ok(0, "sparse models: a temporary directory");
		return;
	}
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/host/libedgeai/model/sparse-models.py' '%s'",
		 top ? top : ".", dir);
	if (!ktap_ok(system(cmd) == 0, "sparse-models.py writes the sparse models"))
		goto out;
	snprintf(path, sizeof(path), "%s/manifest", dir);
	mf = fopen(path, "r");
	while (mf && fgets(line, sizeof(line), mf)) {
		char *name = line + 5, *msg;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "good ", 5)) {
			sparse_good(dir, name);
			n_good++;
		} else if (!strncmp(line, "bad ", 4) && (msg = strchr(line + 4, ' '))) {
			char what[128];
			size_t size = 0;
			uint8_t *data;

			*msg++ = 0;
			name = line + 4;
			snprintf(path, sizeof(path), "%s/%.100s.tflite", dir, name);
			snprintf(what, sizeof(what), "sparse %.100s", name);
			data = slurp(path, &size);
			expect_reject(data ? data : (uint8_t *)"", data ? size : 0, -EBADMSG, msg, what);
			free(data);
			n_bad++;
		}
	}
	if (mf)
		fclose(mf);
	ktap_ok(n_good >= 6 && n_bad >= 20, "sparse models: %d good, %d malformed", n_good, n_bad);
	sparse_damage(dir, "block-transposed");
	sparse_damage(dir, "csr-two-levels");
out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ktap_diag("could not remove %s", dir);
}

int main(void)
{
	struct edgeai_model *m = tb_small_cnn(), *back = NULL;
	uint8_t *good, *again, *bad;
	size_t size = 0, size2 = 0;
	char err[512];
	int r, crashes = 0, accepted = 0;

	ktap_start();
	good = save(m, &size);
	ktap_ok(good != NULL && size > 8 && !memcmp(good + 4, "TFL3", 4), "writer: %zu bytes, TFL3", size);
	r = edgeai_model_load(good, size, &back, err, sizeof(err));
	if (!ktap_ok(r == 0, "reader accepts the writer's file"))
		ktap_diag("%d %s", r, err);
	if (!back)
		return ktap_finish();
	KTAP_EXPECT_EQ(edgeai_model_count(back, EDGEAI_COUNT_OPS), 6, "6 operators read back");
	KTAP_EXPECT_EQ(edgeai_model_count(back, EDGEAI_COUNT_TENSORS), 14, "14 tensors read back");
	{
		struct edgeai_op_info op;
		struct edgeai_tensor_info t;

		edgeai_model_get_op(back, 1, &op);
		ktap_ok(op.code == TFL_OP_DEPTHWISE_CONV_2D && !strcmp(op.name, "DEPTHWISE_CONV_2D"),
			"op 1 is DEPTHWISE_CONV_2D");
		edgeai_model_get_input(back, 0, &t);
		ktap_ok(!strcmp(t.name, "input") && t.rank == 4 && t.shape[1] == 8 &&
			t.type == EDGEAI_TYPE_FLOAT32 && !t.is_constant, "input tensor read back");
		ktap_ok(back->ops[1].o.stride_w == 2 && back->ops[0].o.act == TFL_ACT_RELU &&
			back->ops[3].o.n_ints == 2 && back->ops[2].o.filter_h == 2,
			"builtin options read back");
		ktap_ok(!memcmp(back->buf[back->t[1].buffer].data, m->buf[m->t[1].buffer].data,
				m->buf[m->t[1].buffer].size), "weights read back");
	}
	again = save(back, &size2);
	ktap_ok(again && size2 == size && !memcmp(again, good, size),
		"write(read(write(m))) == write(m): deterministic bytes");
	free(again);
	edgeai_model_unref(back);
	load_file_cases(good, size);

	/* byte-level damage */
	expect_reject(good, 0, -EBADMSG, "truncated", "an empty file");
	expect_reject(good, 7, -EBADMSG, "truncated", "a 7-byte file");
	bad = malloc(size);
	memcpy(bad, good, size);
	memcpy(bad + 4, "TFL2", 4);
	expect_reject(bad, size, -EBADMSG, "not a TFLite model", "a wrong file identifier");
	memcpy(bad, good, size);
	wr32(bad, (uint32_t)size + 64);
	expect_reject(bad, size, -EBADMSG, "bad offset", "a root offset past the end");
	memcpy(bad, good, size);
	wr32(bad, 6);
	expect_reject(bad, size, -EBADMSG, "not 4-byte aligned", "a misaligned root table");
	memcpy(bad, good, size);
	wr32(bad + rd32(bad), 0x7ffffff0);
	expect_reject(bad, size, -EBADMSG, "bad vtable", "a vtable offset outside the file");
	memcpy(bad, good, size);
	{
		uint32_t root = rd32(bad), vt = root - rd32(bad + root);

		bad[vt] = 0xff, bad[vt + 1] = 0xff;
		expect_reject(bad, size, -EBADMSG, "bad vtable", "a vtable larger than the file");
		memcpy(bad, good, size);
		bad[vt + 2] = 0xfc, bad[vt + 3] = 0xff;
		expect_reject(bad, size, -EBADMSG, "runs past", "a table size past the end");
		memcpy(bad, good, size);
		/* Model.subgraphs (field 2) offset to just past the end */
		{
			uint16_t vo = (uint16_t)(bad[vt + 8] | bad[vt + 9] << 8);

			wr32(bad + root + vo, (uint32_t)(size - (root + vo)));
			expect_reject(bad, size, -EBADMSG, "bad offset", "a reference past the end");
		}
	}
	memcpy(bad, good, size);
	{
		uint8_t *name = memfind(bad, size, "conv/w");

		wr32(name - 4, 0x7fffffff);
		expect_reject(bad, size, -EBADMSG, "truncated: tensor name vector",
			      "a string length past the end");
	}
	memcpy(bad, good, size);
	{
		/* the tensors vector length: the vector right after the subgraph name "main" */
		uint8_t *p = memfind(bad, size, "main");
		size_t at = (size_t)(p - bad) + 5;

		at = (at + 3) / 4 * 4;
		if (rd32(bad + at) == 14) {
			wr32(bad + at, 0x40000000);
			expect_reject(bad, size, -EBADMSG, "tensors vector of 1073741824",
				      "a vector count past the end");
		} else {
			ktap_ok(0, "found the tensors vector (got %u)", rd32(bad + at));
		}
	}
	free(bad);

	/* every truncation */
	for (size_t n = 0; n < size; n++) {
		struct edgeai_model *x = NULL;

		err[0] = 0;
		r = edgeai_model_load(good, n, &x, err, sizeof(err));
		if (r != -EBADMSG || !err[0])
			crashes++;
		edgeai_model_unref(x);
	}
	ktap_ok(crashes == 0, "all %zu truncations rejected with -EBADMSG and a message", size);

	/* mutations: no crash, every failure has a message */
	srand(1);
	bad = malloc(size);
	crashes = 0;
	for (int i = 0; i < 20000; i++) {
		struct edgeai_model *x = NULL;

		memcpy(bad, good, size);
		for (int k = 0; k < 1 + i % 4; k++)
			bad[(size_t)rand() % size] = (uint8_t)rand();
		err[0] = 0;
		r = edgeai_model_load(bad, size, &x, err, sizeof(err));
		if (r == 0) {
			void *d = NULL;
			size_t s;

			accepted++;
			if (edgeai_model_save(x, &d, &s) == 0)
				free(d);
		} else if (!err[0]) {
			crashes++;
		}
		edgeai_model_unref(x);
	}
	free(bad);
	ktap_ok(crashes == 0, "20000 mutated files: %d loaded, the rest rejected with a message",
		accepted);

	/* malformed models made with the writer */
	m->t[3].buffer = 99;
	expect_model_reject(m, "out-of-range reference: tensor 3 ('conv') uses buffer 99",
			    "a buffer index out of range");
	m = tb_small_cnn();
	m->ops[2].in[0] = 1000;
	expect_model_reject(m, "out-of-range reference: operator 2 (MAX_POOL_2D) input 0 is tensor 1000",
			    "a tensor index out of range");
	m = tb_small_cnn();
	m->ops[0].in[0] = 6; /* conv reads the depthwise output */
	expect_model_reject(m, "cyclic reference: operator 0 (CONV_2D) reads tensor 6",
			    "an operator reading a later operator's output");
	m = tb_small_cnn();
	m->ops[1].in[0] = 6; /* depthwise reads its own output */
	expect_model_reject(m, "which operator 1 computes itself", "an operator reading its own output");
	m = tb_small_cnn();
	m->ops[2].out[0] = 3; /* two writers of one tensor */
	expect_model_reject(m, "is written by operators 0 and 2", "a tensor written twice");
	m = tb_small_cnn();
	m->ops[0].out[0] = 1;
	expect_model_reject(m, "a model input or constant", "an operator writing a constant");
	m = tb_small_cnn();
	m->t[3].shape[1] = 1 << 30;
	expect_model_reject(m, "huge dimensions: tensor 3 ('conv') dimension 1", "a huge dimension");
	m = tb_small_cnn();
	m->t[3].shape[0] = 4096, m->t[3].shape[1] = 4096, m->t[3].shape[2] = 4096;
	expect_model_reject(m, "huge dimensions: tensor 3 ('conv') has more than", "a huge element count");
	m = tb_small_cnn();
	m->t[3].shape[2] = -5;
	expect_model_reject(m, "dimension 2 is -5", "a negative dimension");
	m = tb_small_cnn();
	m->ops[5].code = 999;
	expect_model_reject(m, "unknown op: operator code", "an unknown op");
	m = tb_small_cnn();
	m->t[1].shape[0] = 5;
	expect_model_reject(m, "bad constant: buffer 1 holds 432 bytes, tensor 1 ('conv/w') needs 540",
			    "weights that do not fit their tensor");
	m = tb_small_cnn();
	m->n_in = 1, m->in[0] = 77;
	expect_model_reject(m, "model input 0 is tensor 77", "a model input out of range");
	m = tb_small_cnn();
	m->t[1].q.n = 3;
	m->t[1].q.dim = 0;
	m->t[1].q.scale = calloc(3, sizeof(float));
	m->t[1].q.zero_point = calloc(3, sizeof(int64_t));
	expect_model_reject(m, "bad quantization: tensor 1 ('conv/w') has 3 scales for dimension 0",
			    "per-channel scales that do not match the dimension");
	free(good);

	sparse_cases();

	/* bad arguments */
	KTAP_EXPECT_EQ(edgeai_model_load(NULL, 10, &m, NULL, 0), -EINVAL, "NULL data: -EINVAL");
	KTAP_EXPECT_EQ(edgeai_model_load_file("/nonexistent.tflite", &m, err, sizeof(err)), -ENOENT,
		       "missing file: -ENOENT");
	ktap_ok(!strcmp(edgeai_op_name(3), "CONV_2D") && !strcmp(edgeai_op_name(117), "HARD_SWISH") &&
		!strcmp(edgeai_op_name(-1), "UNKNOWN") && !strcmp(edgeai_tensor_type_name(9), "int8"),
		"op and type names");
	return ktap_finish();
}
