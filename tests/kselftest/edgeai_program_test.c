// SPDX-License-Identifier: GPL-2.0-only
/*
 * Programs (1.2): PROGRAM_CREATE / PROGRAM_DESTROY and SUBMIT with
 * DRM_EDGEAI_SUBMIT_PROGRAM. A small valid CONV_2D program (per-channel
 * multipliers, bias, padding) runs on the NPU; then each of the malformed
 * variants below is refused with -EINVAL, at PROGRAM_CREATE when the
 * program alone is wrong and at SUBMIT when it does not fit the buffers,
 * and afterwards the device still runs the valid program to the same
 * bytes and still copies and fills.
 *
 * uAPI 1.3 named the handle &drm_edgeai_submit.program_handle; a binary
 * built against 1.2 (handle in reserved[0]) still runs to the same bytes.
 */
#include <liburing.h>

#include "edgeai_test.h"
#include <drm/edgeai_program.h>

#include "kselftest_harness.h"

#include "edgeai_pm_lib.h"

/* Layout of the base program. */
#define T_OFF	64
#define O_OFF	(T_OFF + 4 * 48)
#define C_OFF	(O_OFF + 128)
#define C_SIZE	96
#define P_SIZE	(C_OFF + C_SIZE)
#define QMUL	72

struct prog {
	uint64_t words[P_SIZE / 8];
	uint32_t size;
};

static struct edgeai_prog_header *ph(struct prog *p)
{
	return (void *)p->words;
}

static struct edgeai_prog_tensor *pt(struct prog *p, int i)
{
	return (void *)((uint8_t *)p->words + T_OFF + 48 * i);
}

static struct edgeai_prog_op *po(struct prog *p)
{
	return (void *)((uint8_t *)p->words + O_OFF);
}

static struct edgeai_prog_conv_params *pc(struct prog *p)
{
	return (void *)po(p)->params;
}

static struct edgeai_prog_qmul *pq(struct prog *p)
{
	return (void *)((uint8_t *)p->words + C_OFF + QMUL);
}

static void tensor(struct edgeai_prog_tensor *t, uint32_t dtype, uint32_t slot,
		   uint64_t off, uint32_t n, uint32_t h, uint32_t w, uint32_t c, int32_t zp)
{
	memset(t, 0, sizeof(*t));
	t->dtype = dtype;
	t->slot = slot;
	t->offset = off;
	t->dims[0] = n;
	t->dims[1] = h;
	t->dims[2] = w;
	t->dims[3] = c;
	t->zero_point = zp;
}

/*
 * int8 CONV_2D, input [1,4,4,2] (slot 0), filter [3,3,3,2], bias [3],
 * output [1,4,4,3] (slot 1), SAME padding, per-channel multipliers.
 */
static void base_program(struct prog *p)
{
	struct edgeai_prog_header *h = ph(p);
	struct edgeai_prog_op *op = po(p);
	struct edgeai_prog_conv_params *cp = pc(p);
	int8_t *consts = (int8_t *)p->words + C_OFF;
	int32_t *bias = (int32_t *)(consts + 56);
	int i;

	memset(p, 0, sizeof(*p));
	p->size = P_SIZE;
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = P_SIZE;
	h->tensor_count = 4;
	h->op_count = 1;
	h->tensor_offset = T_OFF;
	h->op_offset = O_OFF;
	h->const_offset = C_OFF;
	h->const_size = C_SIZE;
	h->slot_count = 2;
	tensor(pt(p, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, 4, 4, 2, -1);
	tensor(pt(p, 1), EDGEAI_DTYPE_INT8, EDGEAI_PROG_SLOT_CONST, 0, 3, 3, 3, 2, 0);
	tensor(pt(p, 2), EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, 56, 1, 1, 1, 3, 0);
	tensor(pt(p, 3), EDGEAI_DTYPE_INT8, 1, 0, 1, 4, 4, 3, 2);
	for (i = 0; i < 54; i++)
		consts[i] = (int8_t)((i * 29) % 255 - 127);
	for (i = 0; i < 3; i++) {
		bias[i] = 100 * i - 150;
		pq(p)[i].multiplier = 1 << 30;
		pq(p)[i].shift = -4 - i;
	}
	op->opcode = EDGEAI_OP_CONV_2D;
	for (i = 0; i < (int)EDGEAI_PROG_MAX_INPUTS; i++)
		op->inputs[i] = EDGEAI_PROG_NO_TENSOR;
	op->inputs[0] = 0;
	op->inputs[1] = 1;
	op->inputs[2] = 2;
	op->output = 3;
	cp->stride_h = 1;
	cp->stride_w = 1;
	cp->dilation_h = 1;
	cp->dilation_w = 1;
	cp->pad_top = 1;
	cp->pad_left = 1;
	cp->depth_multiplier = 1;
	cp->act_min = -128;
	cp->act_max = 127;
	cp->qmul_offset = QMUL;
}

static int prog_create(int fd, const struct prog *p, uint32_t *handle)
{
	return eai_program_create(fd, p->words, p->size, handle);
}

static int prog_destroy(int fd, uint32_t handle)
{
	struct drm_edgeai_program_destroy d = { .handle = handle };

	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &d);
}

/* Submit a program on @bos and wait: a submit error or the job status. */
static int prog_run(int fd, uint32_t handle, struct drm_edgeai_bo_ref *bos, uint32_t n)
{
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = n, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = handle,
	};
	int32_t status;
	uint64_t id;
	int ret = eai_submit(fd, &s, &id);

	if (ret)
		return ret;
	ret = eai_wait(fd, id, eai_deadline_ms(10000), &status, NULL);
	return ret ? ret : status;
}

struct bad {
	const char *name;
	void (*edit)(struct prog *p);
};

#define BAD(n, stmt) static void bad_##n(struct prog *p) { stmt; }
BAD(magic, ph(p)->magic ^= 1)
BAD(version, ph(p)->version = 2)
BAD(header_size, ph(p)->header_size = 60)
BAD(total_size_mismatch, ph(p)->total_size += 8)
BAD(truncated_blob, p->size -= 16)
BAD(truncated_consistent, { p->size -= 16; ph(p)->total_size -= 16; })
BAD(header_flags, ph(p)->flags = 1)
BAD(header_reserved, ph(p)->reserved[2] = 1)
BAD(tensor_count_0, ph(p)->tensor_count = 0)
BAD(tensor_count_huge, ph(p)->tensor_count = 5000)
BAD(op_count_0, ph(p)->op_count = 0)
BAD(tensor_offset_unaligned, ph(p)->tensor_offset = T_OFF + 4)
BAD(sections_overlap, ph(p)->op_offset = T_OFF + 96)
BAD(const_size_overflow, ph(p)->const_size = 0xffffff00u)
BAD(slot_count_0, ph(p)->slot_count = 0)
BAD(dtype_0, pt(p, 0)->dtype = 0)
BAD(dtype_unknown, pt(p, 0)->dtype = 9)
BAD(dim_0, pt(p, 3)->dims[2] = 0)
BAD(dim_too_big, pt(p, 0)->dims[1] = EDGEAI_PROG_MAX_DIM + 1)
BAD(shape_overflows, { for (int d = 0; d < 4; d++) pt(p, 0)->dims[d] = 65536; })
BAD(offset_unaligned, pt(p, 2)->offset = 57)
BAD(const_tensor_outside, pt(p, 1)->offset = 90)
BAD(offset_overflows, pt(p, 0)->offset = 0xfffffffffffffff0ull)
BAD(slot_above_slot_count, pt(p, 3)->slot = 7)
BAD(zero_point_int8_range, pt(p, 0)->zero_point = 200)
BAD(zero_point_int32_bias, pt(p, 2)->zero_point = 5)
BAD(tensor_flags, pt(p, 1)->flags = 1)
BAD(tensor_reserved, pt(p, 3)->reserved[1] = 1)
BAD(opcode_0, po(p)->opcode = 0)
BAD(opcode_unknown, po(p)->opcode = 99)
BAD(op_flags, po(p)->flags = 1)
BAD(op_pad, po(p)->pad = 1)
BAD(input_index_range, po(p)->inputs[0] = 10)
BAD(input_after_unused, { po(p)->inputs[2] = EDGEAI_PROG_NO_TENSOR; po(p)->inputs[3] = 2; })
BAD(too_few_inputs, { po(p)->inputs[1] = EDGEAI_PROG_NO_TENSOR;
		      po(p)->inputs[2] = EDGEAI_PROG_NO_TENSOR; })
BAD(output_is_constant, po(p)->output = 1)
BAD(output_is_input, po(p)->output = 0)
BAD(output_overlaps_input, { pt(p, 3)->slot = 0; pt(p, 3)->offset = 8; })
BAD(filter_shape, pt(p, 1)->dims[0] = 2)
BAD(dtype_mix, pt(p, 3)->dtype = EDGEAI_DTYPE_UINT8)
BAD(stride_0, pc(p)->stride_h = 0)
BAD(dilation_0, pc(p)->dilation_w = 0)
BAD(padding_too_big, pc(p)->pad_top = 3)
BAD(depth_multiplier, pc(p)->depth_multiplier = 2)
BAD(act_inverted, { pc(p)->act_min = 10; pc(p)->act_max = 5; })
BAD(act_outside_type, pc(p)->act_max = 200)
BAD(both_multipliers, pc(p)->out_multiplier = 1 << 30)
BAD(qmul_outside, pc(p)->qmul_offset = 80)
BAD(qmul_unaligned, pc(p)->qmul_offset = 74)
BAD(qmul_negative, pq(p)[1].multiplier = -5)
BAD(qmul_shift_range, pq(p)[2].shift = 31)
BAD(param_word_past_block, po(p)->params[19] = 1)
BAD(bias_count, pt(p, 2)->dims[3] = 4)
BAD(bias_dtype, pt(p, 2)->dtype = EDGEAI_DTYPE_INT8)
BAD(int8_filter_zero_point, pt(p, 1)->zero_point = 3)
BAD(output_size_inconsistent, { pt(p, 3)->dims[1] = 9; })
BAD(batch_mismatch, pt(p, 3)->dims[0] = 2)

#define B(n) { #n, bad_##n }
static const struct bad create_bad[] = {
	B(magic), B(version), B(header_size), B(total_size_mismatch),
	B(truncated_blob), B(truncated_consistent), B(header_flags),
	B(header_reserved), B(tensor_count_0), B(tensor_count_huge),
	B(op_count_0), B(tensor_offset_unaligned), B(sections_overlap),
	B(const_size_overflow), B(slot_count_0), B(dtype_0), B(dtype_unknown),
	B(dim_0), B(dim_too_big), B(shape_overflows), B(offset_unaligned),
	B(const_tensor_outside), B(offset_overflows), B(slot_above_slot_count),
	B(zero_point_int8_range), B(zero_point_int32_bias), B(tensor_flags),
	B(tensor_reserved), B(opcode_0), B(opcode_unknown), B(op_flags),
	B(op_pad), B(input_index_range), B(input_after_unused),
	B(too_few_inputs), B(output_is_constant), B(output_is_input),
	B(output_overlaps_input),
	B(filter_shape), B(dtype_mix), B(stride_0), B(dilation_0),
	B(padding_too_big), B(depth_multiplier), B(act_inverted),
	B(act_outside_type), B(both_multipliers), B(qmul_outside),
	B(qmul_unaligned), B(qmul_negative), B(qmul_shift_range),
	B(param_word_past_block), B(bias_count), B(bias_dtype),
	B(int8_filter_zero_point), B(output_size_inconsistent),
	B(batch_mismatch),
};

#define IN_BYTES	32
#define OUT_BYTES	48

FIXTURE(program) {
	int fd;
	uint32_t bo[2];
	uint8_t *map[2];
	uint8_t want[OUT_BYTES];
};

FIXTURE_SETUP(program)
{
	uint64_t size;
	int i;

	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->fd) TH_LOG("no NPU: %s", strerror(-self->fd));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &self->bo[i]));
		self->map[i] = eai_bo_map(self->fd, self->bo[i], &size);
		ASSERT_NE(NULL, self->map[i]);
	}
	for (i = 0; i < IN_BYTES; i++)
		self->map[0][i] = (uint8_t)(i * 53 + 7);
}

FIXTURE_TEARDOWN(program)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int run_base(struct __test_metadata *_metadata, FIXTURE_DATA(program) *self,
		    uint8_t fill, uint8_t *out)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct prog p;
	uint32_t h;
	int ret;

	base_program(&p);
	memset(self->map[1], fill, 4096);
	ret = prog_create(self->fd, &p, &h);
	if (ret)
		return ret;
	ret = prog_run(self->fd, h, bos, 2);
	EXPECT_EQ(0, prog_destroy(self->fd, h));
	EXPECT_EQ(0, eai_bo_prep(self->fd, self->bo[1], DRM_EDGEAI_PREP_READ, 0));
	memcpy(out, self->map[1], OUT_BYTES);
	/* Nothing past the output tensor is written. */
	EXPECT_TRUE(eai_all_bytes(self->map[1] + OUT_BYTES, 4096 - OUT_BYTES, fill));
	return ret;
}

TEST_F(program, valid_runs_and_is_deterministic)
{
	struct drm_edgeai_program_create c = { 0 };
	uint8_t out[OUT_BYTES];
	struct prog p;
	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	ASSERT_EQ(0, run_base(_metadata, self, 0x5a, out));
	EXPECT_EQ(0, memcmp(out, self->want, OUT_BYTES));
	/* Not all one value: the convolution computed something. */
	EXPECT_FALSE(eai_all_bytes(out, OUT_BYTES, out[0]));

	/* Derived work: 16 pixels * 3 channels * 3 * 3 * 2 MACs. */
	base_program(&p);
	c.data = (uintptr_t)p.words;
	c.size = p.size;
	ASSERT_EQ(0, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	EXPECT_EQ(16 * 3 * 9 * 2, c.macs);
	EXPECT_NE(0, c.handle);
	EXPECT_EQ(0, prog_destroy(self->fd, c.handle));
	EXPECT_EQ(-ENOENT, prog_destroy(self->fd, c.handle));
}

TEST_F(program, malformed_refused_at_create)
{
	uint8_t out[OUT_BYTES];
	unsigned int i, refused = 0;

	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	for (i = 0; i < sizeof(create_bad) / sizeof(create_bad[0]); i++) {
		struct prog p;
		uint32_t h = 0;
		int ret;

		base_program(&p);
		create_bad[i].edit(&p);
		ret = prog_create(self->fd, &p, &h);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s: %d", create_bad[i].name, ret);
		if (ret == -EINVAL)
			refused++;
		else if (!ret)
			prog_destroy(self->fd, h);
	}
	ksft_print_msg("%u malformed programs refused at PROGRAM_CREATE\n", refused);
	EXPECT_EQ(sizeof(create_bad) / sizeof(create_bad[0]), refused);
	/* The device still runs the valid program to the same bytes. */
	ASSERT_EQ(0, run_base(_metadata, self, 0x11, out));
	EXPECT_EQ(0, memcmp(out, self->want, OUT_BYTES));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x3c));
}

TEST_F(program, create_args)
{
	struct drm_edgeai_program_create c = { 0 };
	struct prog p;

	base_program(&p);
	c.data = (uintptr_t)p.words;
	c.size = 0;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	c.size = EDGEAI_PROG_MAX_SIZE + 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	c.size = p.size;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	c.flags = 0;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
	c.pad = 0;
	c.data = 8;
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &c));
}

/* Programs that are fine alone but not on the buffers a job binds. */
TEST_F(program, malformed_refused_at_submit)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_bo_ref ro[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_READ },
	};
	uint8_t out[OUT_BYTES];
	struct prog p;
	uint32_t h, h2;
	int dsp;

	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	/* Input tensor past the end of its 4 KiB buffer. */
	base_program(&p);
	pt(&p, 0)->offset = 4096 - 16;
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	EXPECT_EQ(-EINVAL, prog_run(self->fd, h, bos, 2));
	EXPECT_EQ(0, prog_destroy(self->fd, h));
	/* Output tensor far outside its buffer. */
	base_program(&p);
	pt(&p, 3)->offset = 1ull << 40;
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	EXPECT_EQ(-EINVAL, prog_run(self->fd, h, bos, 2));
	EXPECT_EQ(0, prog_destroy(self->fd, h));

	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	/* The output buffer bound read-only. */
	EXPECT_EQ(-EINVAL, prog_run(self->fd, h, ro, 2));
	/* Fewer buffers than the program's slot_count. */
	EXPECT_EQ(-EINVAL, prog_run(self->fd, h, bos, 1));
	/* Commands and a program at once. */
	{
		struct drm_edgeai_cmd cmd = eai_cmd_fill(1, 0, 16, 1);
		struct drm_edgeai_submit s = eai_submit_args(bos, 2, &cmd, 1);

		s.flags = DRM_EDGEAI_SUBMIT_PROGRAM;
		s.program_handle = h;
		EXPECT_EQ(-EINVAL, eai_submit(self->fd, &s, NULL));
	}
	/* Unknown and destroyed handles. */
	EXPECT_EQ(-ENOENT, prog_run(self->fd, h + 100, bos, 2));
	EXPECT_EQ(0, prog_destroy(self->fd, h));
	EXPECT_EQ(-ENOENT, prog_run(self->fd, h, bos, 2));

	/* A CONV_2D program on the DSP: not in its op set. */
	dsp = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
	if (dsp >= 0) {
		base_program(&p);
		EXPECT_EQ(-EINVAL, prog_create(dsp, &p, &h2));
		close(dsp);
	}
	/* Handles are per file. */
	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	dsp = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, dsp);
	EXPECT_EQ(-ENOENT, prog_destroy(dsp, h));
	close(dsp);
	EXPECT_EQ(0, prog_destroy(self->fd, h));

	ASSERT_EQ(0, run_base(_metadata, self, 0x22, out));
	EXPECT_EQ(0, memcmp(out, self->want, OUT_BYTES));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x3d));
}

/* A job keeps its program alive after the handle is destroyed. */
TEST_F(program, destroy_while_queued)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM,
	};
	struct prog p;
	int32_t status = 1;
	uint32_t h;
	uint64_t id, ns = 0;

	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	memset(self->map[1], 0, 4096);
	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	s.program_handle = h;
	ASSERT_EQ(0, eai_submit(self->fd, &s, &id));
	EXPECT_EQ(0, prog_destroy(self->fd, h));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(10000), &status, &ns));
	EXPECT_EQ(0, status);
	EXPECT_LT(0, ns);
	EXPECT_EQ(0, eai_bo_prep(self->fd, self->bo[1], DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->map[1], self->want, OUT_BYTES));
}

/*
 * Timing model: a program takes MACs / (MACs per cycle * clock) on the
 * device. A 151 M MAC convolution (filter in a buffer) in compute-off mode
 * (timing kept, arithmetic skipped): the device time is at least that at
 * the highest clock and at most that at the lowest, plus slack.
 */
TEST_F(program, device_time_follows_macs)
{
	const uint32_t hw = 64, c = 64;
	const uint64_t macs = (uint64_t)hw * hw * c * 9 * c;
	uint64_t in_sz = (uint64_t)hw * hw * c, f_sz = (uint64_t)c * 9 * c;
	uint32_t bo[3], h;
	struct drm_edgeai_bo_ref bos[3];
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 3, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM,
	};
	struct drm_edgeai_program_create cr = { 0 };
	uint64_t mpc, max_khz, id, ns = 0, lo;
	int32_t status = 1;
	struct prog p;
	int minor = eai_fd_minor(self->fd);

	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MACS_PER_CYCLE, &mpc));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MAX_FREQ_KHZ, &max_khz));
	base_program(&p);
	tensor(pt(&p, 0), EDGEAI_DTYPE_INT8, 0, 0, 1, hw, hw, c, 0);
	tensor(pt(&p, 1), EDGEAI_DTYPE_INT8, 2, 0, c, 3, 3, c, 0);
	tensor(pt(&p, 2), EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, 0, 1, 1, 1, 1, 0);
	tensor(pt(&p, 3), EDGEAI_DTYPE_INT8, 1, 0, 1, hw, hw, c, 0);
	po(&p)->inputs[2] = EDGEAI_PROG_NO_TENSOR;
	pc(&p)->qmul_offset = EDGEAI_PROG_NO_CONST;
	pc(&p)->out_multiplier = 1 << 30;
	pc(&p)->out_shift = -8;
	ph(&p)->slot_count = 3;
	cr.data = (uintptr_t)p.words;
	cr.size = p.size;
	ASSERT_EQ(0, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &cr));
	h = cr.handle;
	EXPECT_EQ(macs, cr.macs);
	ASSERT_EQ(0, eai_bo_create(self->fd, in_sz, &bo[0]));
	ASSERT_EQ(0, eai_bo_create(self->fd, in_sz, &bo[1]));
	ASSERT_EQ(0, eai_bo_create(self->fd, f_sz, &bo[2]));
	bos[0] = (struct drm_edgeai_bo_ref){ bo[0], DRM_EDGEAI_BO_READ };
	bos[1] = (struct drm_edgeai_bo_ref){ bo[1], DRM_EDGEAI_BO_WRITE };
	bos[2] = (struct drm_edgeai_bo_ref){ bo[2], DRM_EDGEAI_BO_READ };
	ASSERT_EQ(0, eai_dbg_write(minor, "compute_off", "1"));
	s.program_handle = h;
	ASSERT_EQ(0, eai_submit(self->fd, &s, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(20000), &status, &ns));
	EXPECT_EQ(0, eai_dbg_write(minor, "compute_off", "0"));
	EXPECT_EQ(0, status);
	lo = macs * 1000000ull / (mpc * max_khz);
	ksft_print_msg("%llu MACs: device time %llu ns, at the highest clock %llu ns\n",
		       (unsigned long long)macs, (unsigned long long)ns,
		       (unsigned long long)lo);
	EXPECT_LE(lo, ns);
	/* The lowest operating point is at least 1/8 of the highest here. */
	EXPECT_GE(lo * 8 + 10000000ull, ns);
	EXPECT_EQ(0, prog_destroy(self->fd, h));
}

/* Submit @len bytes of a submit struct through io_uring; the CQE result. */
static int submit_uring(int fd, const void *s, size_t len)
{
	struct io_uring_params prm = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init_params(2, &ring, &prm);
	if (ret)
		return ret;
	sqe = io_uring_get_sqe(&ring);
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	memcpy(sqe->cmd, s, len);
	ret = io_uring_submit(&ring) == 1 ? 0 : -EIO;
	if (!ret)
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	if (!ret) {
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return ret;
}

/* Submit a program through io_uring; the CQE result. */
static int prog_run_uring(int fd, uint32_t handle, struct drm_edgeai_bo_ref *bos, uint32_t n)
{
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = n, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = handle,
	};

	return submit_uring(fd, &s, sizeof(s));
}

/* The io_uring path validates programs against the buffers the same way. */
TEST_F(program, io_uring_submit)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_bo_ref ro[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_READ },
	};
	struct prog p;
	uint32_t h, bad;

	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	base_program(&p);
	pt(&p, 0)->offset = 4096 - 8;
	ASSERT_EQ(0, prog_create(self->fd, &p, &bad));
	EXPECT_EQ(-EINVAL, prog_run_uring(self->fd, bad, bos, 2));
	EXPECT_EQ(-ENOENT, prog_run_uring(self->fd, bad + 1000, bos, 2));
	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));
	EXPECT_EQ(-EINVAL, prog_run_uring(self->fd, h, ro, 2));
	EXPECT_EQ(-EINVAL, prog_run_uring(self->fd, h, bos, 1));
	memset(self->map[1], 0x77, 4096);
	EXPECT_EQ(0, prog_run_uring(self->fd, h, bos, 2));
	EXPECT_EQ(0, eai_bo_prep(self->fd, self->bo[1], DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->map[1], self->want, OUT_BYTES));
	EXPECT_EQ(0, prog_destroy(self->fd, h));
	EXPECT_EQ(0, prog_destroy(self->fd, bad));
}

/*
 * struct drm_edgeai_submit as uAPI 1.2 declared it: what a binary built
 * against the 1.2 header passes. 1.3 split reserved[2] into program_handle,
 * pad2 and reserved at the same offsets.
 */
struct submit_1_2 {
	__u64 bos;
	__u64 cmds;
	__u32 bo_count;
	__u32 cmd_count;
	__u32 cmd_size;
	__u32 core;
	__u32 in_syncobj;
	__u32 out_syncobj;
	__u32 flags;
	__u32 pad;
	__u64 job_id;
	__u64 reserved[2];
};

_Static_assert(sizeof(struct submit_1_2) == sizeof(struct drm_edgeai_submit),
	       "1.3 keeps the size of drm_edgeai_submit");
_Static_assert(offsetof(struct submit_1_2, reserved) ==
	       offsetof(struct drm_edgeai_submit, program_handle),
	       "program_handle is where 1.2 had reserved[0]");
_Static_assert(offsetof(struct submit_1_2, reserved[1]) ==
	       offsetof(struct drm_edgeai_submit, batch_max),
	       "batch_max (1.6) is where 1.2 had reserved[1]");

/* A 1.2 program submit through the ioctl (same number: same size). */
static int prog_run_1_2(int fd, uint64_t reserved0, uint64_t reserved1,
			struct drm_edgeai_bo_ref *bos, uint32_t n)
{
	struct submit_1_2 s = {
		.bos = (uintptr_t)bos, .bo_count = n, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .reserved = { reserved0, reserved1 },
	};
	int32_t status;
	int ret = eai_ioctl(fd, DRM_IOCTL_EDGEAI_SUBMIT, &s);

	if (ret)
		return ret;
	if (!s.job_id)
		return -EPROTO;
	ret = eai_wait(fd, s.job_id, eai_deadline_ms(10000), &status, NULL);
	return ret ? ret : status;
}

/* The 1.3 field and a 1.2 binary's reserved[0] run the program alike. */
TEST_F(program, submit_1_3_field_and_1_2_layout)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct submit_1_2 old = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM,
	};
	struct prog p;
	uint32_t h;

	/* run_base() submits through program_handle (1.3). */
	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));

	memset(self->map[1], 0x3c, 4096);
	ASSERT_EQ(0, prog_run_1_2(self->fd, h, 0, bos, 2));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->bo[1], DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->map[1], self->want, OUT_BYTES));
	EXPECT_TRUE(eai_all_bytes(self->map[1] + OUT_BYTES, 4096 - OUT_BYTES, 0x3c));

	/* The same 1.2 bytes through io_uring. */
	memset(self->map[1], 0x4b, 4096);
	old.reserved[0] = h;
	ASSERT_EQ(0, submit_uring(self->fd, &old, sizeof(old)));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->bo[1], DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->map[1], self->want, OUT_BYTES));

	EXPECT_EQ(0, prog_destroy(self->fd, h));
}

/* pad2 and reserved must be zero, in either layout; the handle is 32 bits. */
TEST_F(program, submit_pad2_reserved_refused)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ self->bo[0], DRM_EDGEAI_BO_READ }, { self->bo[1], DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = DRM_EDGEAI_CORE_ANY,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM,
	};
	uint8_t out[OUT_BYTES];
	struct prog p;
	uint32_t h;

	ASSERT_EQ(0, run_base(_metadata, self, 0xa5, self->want));
	base_program(&p);
	ASSERT_EQ(0, prog_create(self->fd, &p, &h));

	s.program_handle = h;
	s.pad2 = 1;
	EXPECT_EQ(-EINVAL, eai_submit(self->fd, &s, NULL));
	s.pad2 = 0;
	s.batch_max = 1;
	EXPECT_EQ(-EINVAL, eai_submit(self->fd, &s, NULL));
	s.batch_max = 0;
	s.batch_wait_us = 1U << 31;
	EXPECT_EQ(-EINVAL, submit_uring(self->fd, &s, sizeof(s)));
	s.batch_wait_us = 0;
	s.pad2 = 1U << 31;
	EXPECT_EQ(-EINVAL, submit_uring(self->fd, &s, sizeof(s)));
	/* A 1.2 handle above 32 bits lands in pad2; reserved[1] in batch_*. */
	EXPECT_EQ(-EINVAL, prog_run_1_2(self->fd, 1ULL << 32 | h, 0, bos, 2));
	EXPECT_EQ(-EINVAL, prog_run_1_2(self->fd, h, 1, bos, 2));
	/* A program handle on a command-list submit. */
	{
		struct drm_edgeai_cmd cmd = eai_cmd_fill(1, 0, 16, 1);
		struct drm_edgeai_submit c = eai_submit_args(bos, 2, &cmd, 1);

		c.program_handle = h;
		EXPECT_EQ(-EINVAL, eai_submit(self->fd, &c, NULL));
	}
	EXPECT_EQ(0, prog_destroy(self->fd, h));

	/* Nothing ran; the device still runs the program to the same bytes. */
	ASSERT_EQ(0, run_base(_metadata, self, 0x33, out));
	EXPECT_EQ(0, memcmp(out, self->want, OUT_BYTES));
}

TEST_HARNESS_MAIN
