// SPDX-License-Identifier: GPL-2.0-only
/*
 * Golden tests in the VM: the single-op cases of tests/oracle/gen.py, with
 * the outputs of the oracle (TensorFlow Lite 2.9.0) computed on the host
 * before boot (tests/vm/golden-cases.sh), run by the kernel's simulator
 * through the real interface: PROGRAM_CREATE, then SUBMIT with
 * DRM_EDGEAI_SUBMIT_PROGRAM by ioctl and by io_uring, on the device type
 * whose op set has the case's op (the NPU if both: the first that accepts). Every output must equal the oracle's
 * byte for byte. One TAP line per case and path.
 *
 *   edgeai_golden_test [DIR]     cases in DIR (default /lib/edgeai-golden)
 *
 * DIR/cases.txt lists "NAME OPNAME" lines; DIR/NAME holds prog.bin,
 * in0.bin.. and oracle.bin. Slot i of a program is input i, the slot after
 * the inputs the output (as tests/oracle/golden-exec.c runs them); input i
 * is the tensor at offset 0 of its slot, which may also hold temporaries.
 */
#include <liburing.h>

#include "edgeai_test.h"
#include <drm/edgeai_program.h>

#define MAX_SLOTS (EDGEAI_PROG_MAX_INPUTS + 1)

static int n_test;

static void *slurp(const char *dir, const char *file, size_t *len)
{
	char path[PATH_MAX];
	void *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = aligned_alloc(8, ((size_t)n + 8) & ~(size_t)7);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static size_t esize(uint32_t dtype)
{
	return dtype == EDGEAI_DTYPE_INT64 ? 8 : dtype == EDGEAI_DTYPE_INT32 ? 4 :
	       dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;
}

struct dev {
	int fd;
	struct io_uring ring;
	bool ring_ok;
};

struct gcase {
	const char *name;
	void *prog;
	size_t plen;
	uint32_t nslots;
	size_t need[MAX_SLOTS];
	size_t first[MAX_SLOTS];	/* bytes of the tensor at offset 0: the input file */
	bool written[MAX_SLOTS];	/* an op writes the slot (an input's: temporaries) */
	uint32_t bo[MAX_SLOTS];
	uint8_t *map[MAX_SLOTS];
	uint64_t map_size[MAX_SLOTS];
	void *oracle;
	size_t oracle_len;
};

static void tap(bool ok, const char *fmt, const char *name, const char *why)
{
	n_test++;
	printf("%s %d - ", ok ? "ok" : "not ok", n_test);
	printf(fmt, name);
	if (!ok && why)
		printf(": %s", why);
	printf("\n");
	fflush(stdout);
}

static int run_ioctl(struct dev *d, struct drm_edgeai_bo_ref *bos, uint32_t n, uint32_t h)
{
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = n, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = h,
	};
	int32_t status;
	uint64_t id;
	int ret = eai_submit(d->fd, &s, &id);

	if (ret)
		return ret;
	ret = eai_wait(d->fd, id, eai_deadline_ms(60000), &status, NULL);
	return ret ? ret : status;
}

static int run_uring(struct dev *d, struct drm_edgeai_bo_ref *bos, uint32_t n, uint32_t h)
{
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = n, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = h,
	};
	struct __kernel_timespec ts = { .tv_sec = 60 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	if (!d->ring_ok)
		return -ENXIO;
	sqe = io_uring_get_sqe(&d->ring);
	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = d->fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	sqe->user_data = 42;
	memcpy(sqe->cmd, &s, sizeof(s));
	if (io_uring_submit(&d->ring) != 1)
		return -EIO;
	ret = io_uring_wait_cqe_timeout(&d->ring, &cqe, &ts);
	if (ret)
		return ret;
	ret = cqe->user_data == 42 ? cqe->res : -EPROTO;
	io_uring_cqe_seen(&d->ring, cqe);
	return ret;
}

/* Fill the output slot with @fill, run, compare; NULL or the failure. */
static const char *run_path(struct dev *d, struct gcase *c, uint32_t h, bool uring,
			    uint8_t fill, char *why, size_t whylen)
{
	struct drm_edgeai_bo_ref bos[MAX_SLOTS];
	uint32_t out = c->nslots - 1, i;
	size_t diffs = 0;
	int ret;

	for (i = 0; i < c->nslots; i++) {
		bos[i].handle = c->bo[i];
		bos[i].flags = i == out ? DRM_EDGEAI_BO_WRITE : DRM_EDGEAI_BO_READ;
		if (i != out && c->written[i])
			bos[i].flags |= DRM_EDGEAI_BO_WRITE;
	}
	memset(c->map[out], fill, c->map_size[out]);
	ret = uring ? run_uring(d, bos, c->nslots, h) : run_ioctl(d, bos, c->nslots, h);
	if (ret) {
		snprintf(why, whylen, "job failed: %s", strerror(-ret));
		return why;
	}
	ret = eai_bo_prep(d->fd, c->bo[out], DRM_EDGEAI_PREP_READ, eai_deadline_ms(10000));
	if (ret) {
		snprintf(why, whylen, "bo_prep: %s", strerror(-ret));
		return why;
	}
	for (i = 0; i < c->oracle_len; i++)
		diffs += c->map[out][i] != ((uint8_t *)c->oracle)[i];
	if (diffs) {
		snprintf(why, whylen, "%zu of %zu bytes differ", diffs, c->oracle_len);
		return why;
	}
	if (!eai_all_bytes(c->map[out] + c->oracle_len, c->map_size[out] - c->oracle_len,
			   fill)) {
		snprintf(why, whylen, "bytes written past the output tensor");
		return why;
	}
	return NULL;
}

static void free_case(struct dev *d, struct gcase *c)
{
	for (uint32_t i = 0; i < MAX_SLOTS; i++) {
		if (c->map[i])
			munmap(c->map[i], c->map_size[i]);
		if (c->bo[i])
			eai_gem_close(d->fd, c->bo[i]);
	}
	free(c->prog);
	free(c->oracle);
}

/* Returns the number of failed TAP lines. */
static int run_case(struct dev *devs, int ndev, const char *dir, const char *name)
{
	char cdir[PATH_MAX], why[160], file[32];
	const struct edgeai_prog_header *hd;
	const struct edgeai_prog_tensor *t;
	const struct edgeai_prog_op *op;
	struct gcase c = { .name = name };
	struct dev *d = NULL;
	const char *err = NULL;
	uint32_t i, h = 0;
	int fails = 0, k, ret = -ENODEV;

	snprintf(cdir, sizeof(cdir), "%s/%s", dir, name);
	c.prog = slurp(cdir, "prog.bin", &c.plen);
	c.oracle = slurp(cdir, "oracle.bin", &c.oracle_len);
	if (!c.prog || !c.oracle || c.plen < sizeof(*hd)) {
		err = "missing prog.bin or oracle.bin";
		goto fail_both;
	}
	hd = c.prog;
	t = (const void *)((const uint8_t *)c.prog + hd->tensor_offset);
	op = (const void *)((const uint8_t *)c.prog + hd->op_offset);
	c.nslots = hd->slot_count;
	if (c.nslots < 1 || c.nslots > MAX_SLOTS || hd->op_offset + sizeof(*op) > c.plen) {
		err = "unexpected program layout";
		goto fail_both;
	}
	for (i = 0; i < hd->tensor_count; i++) {
		size_t end;

		if (t[i].slot == EDGEAI_PROG_SLOT_CONST || t[i].slot >= c.nslots)
			continue;
		end = t[i].offset + (size_t)t[i].dims[0] * t[i].dims[1] * t[i].dims[2] *
		      t[i].dims[3] * esize(t[i].dtype);
		if (end > c.need[t[i].slot])
			c.need[t[i].slot] = end;
		/* the input file: the tensor at offset 0 (temporaries may follow) */
		if (!t[i].offset && !c.first[t[i].slot])
			c.first[t[i].slot] = end;
	}
	for (i = 0; i < hd->op_count && hd->op_offset + (i + 1) * sizeof(*op) <= c.plen; i++)
		if (op[i].output < hd->tensor_count && t[op[i].output].slot < c.nslots)
			c.written[t[op[i].output].slot] = true;
	/* The first device type whose op set has the op accepts it. */
	for (k = 0; k < ndev && !d; k++) {
		struct drm_edgeai_program_create pc = {
			.data = (uintptr_t)c.prog, .size = (uint32_t)c.plen,
		};

		ret = eai_ioctl(devs[k].fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc);
		if (!ret) {
			d = &devs[k];
			h = pc.handle;
		}
	}
	if (!d) {
		snprintf(why, sizeof(why), "no device accepts op %u: %s", op->opcode,
			 strerror(-ret));
		err = why;
		goto fail_both;
	}
	if (c.oracle_len != c.need[c.nslots - 1]) {
		err = "oracle output size is not the output tensor's";
		goto fail_both;
	}
	for (i = 0; i < c.nslots; i++) {
		size_t len = 0;
		void *in;

		ret = eai_bo_create(d->fd, c.need[i] ? c.need[i] : 1, &c.bo[i]);
		if (ret) {
			err = "bo_create failed";
			goto fail_both;
		}
		c.map[i] = eai_bo_map(d->fd, c.bo[i], &c.map_size[i]);
		if (!c.map[i]) {
			err = "mmap failed";
			goto fail_both;
		}
		if (i == c.nslots - 1)
			break;
		snprintf(file, sizeof(file), "in%u.bin", i);
		in = slurp(cdir, file, &len);
		if (!in || len != c.first[i]) {
			free(in);
			err = "input file missing or of the wrong size";
			goto fail_both;
		}
		memcpy(c.map[i], in, len);
		free(in);
	}
	err = run_path(d, &c, h, false, 0xa5, why, sizeof(why));
	tap(!err, "ioctl %s", name, err);
	fails += !!err;
	err = run_path(d, &c, h, true, 0x5a, why, sizeof(why));
	tap(!err, "io_uring %s", name, err);
	fails += !!err;
	{
		struct drm_edgeai_program_destroy pd = { .handle = h };

		eai_ioctl(d->fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &pd);
	}
	free_case(d, &c);
	return fails;

fail_both:
	tap(false, "ioctl %s", name, err);
	tap(false, "io_uring %s", name, err);
	if (d)
		free_case(d, &c);
	else {
		free(c.prog);
		free(c.oracle);
	}
	return 2;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/lib/edgeai-golden";
	static const uint32_t types[] = { DRM_EDGEAI_DEVICE_NPU, DRM_EDGEAI_DEVICE_DSP };
	char path[PATH_MAX], name[128], opname[64];
	struct dev devs[2];
	int ndev = 0, fails = 0, cases = 0;
	FILE *list;

	snprintf(path, sizeof(path), "%s/cases.txt", dir);
	list = fopen(path, "r");
	if (!list) {
		printf("1..1\nok 1 - golden # SKIP no cases in %s (oracle not available)\n", dir);
		return 0;
	}
	for (unsigned int i = 0; i < 2; i++) {
		struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
		struct dev *d = &devs[ndev];

		d->fd = eai_open_type(types[i]);
		if (d->fd < 0) {
			printf("# no device of type %u\n", types[i]);
			continue;
		}
		d->ring_ok = io_uring_queue_init_params(4, &d->ring, &p) == 0;
		ndev++;
	}
	while (fscanf(list, "%127s %63s", name, opname) == 2) {
		int f = run_case(devs, ndev, dir, name);

		printf("# op %s %s\n", opname, f ? "fail" : "pass");
		fails += f;
		cases++;
	}
	fclose(list);
	printf("# %d cases, %d failed lines\n", cases, fails);
	printf("1..%d\n", n_test);
	return fails || !cases ? 1 : 0;
}
