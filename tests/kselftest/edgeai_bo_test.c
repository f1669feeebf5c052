// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer objects: BO_CREATE, BO_INFO, mmap, BO_PREP/BO_FINI and GEM_CLOSE,
 * with good input and every kind of bad input. Failing calls must return
 * the documented errno and leave their output fields untouched; the device
 * must keep working afterwards.
 */
#include "edgeai_test.h"
#include "kselftest_harness.h"

FIXTURE(bo) {
	int fd;
	uint64_t max_bo;
};

FIXTURE_SETUP(bo)
{
	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->fd) TH_LOG("no NPU device: %s", strerror(-self->fd));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MAX_BO_SIZE, &self->max_bo));
}

FIXTURE_TEARDOWN(bo)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(bo, create_info_mmap)
{
	uint32_t h;
	uint64_t size, off, msize;
	uint8_t *p;

	ASSERT_EQ(0, eai_bo_create(self->fd, 4097, &h));
	EXPECT_NE(0, h);
	ASSERT_EQ(0, eai_bo_info(self->fd, h, &size, &off));
	EXPECT_EQ(8192, size) TH_LOG("size is rounded up to the page size");
	EXPECT_NE(0, off);
	EXPECT_EQ(0, off % 4096);

	p = eai_bo_map(self->fd, h, &msize);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(size, msize);
	/* New buffers are zeroed. */
	EXPECT_TRUE(eai_all_bytes(p, size, 0));
	ASSERT_EQ(0, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_WRITE, 0));
	memset(p, 0xa5, size);
	ASSERT_EQ(0, eai_bo_fini(self->fd, h));
	ASSERT_EQ(0, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_READ | DRM_EDGEAI_PREP_WRITE,
				 eai_deadline_ms(1000)));
	EXPECT_TRUE(eai_all_bytes(p, size, 0xa5));
	ASSERT_EQ(0, eai_bo_fini(self->fd, h));

	/* A second mapping of the same offset sees the same bytes. */
	{
		uint8_t *q = mmap(NULL, size, PROT_READ, MAP_SHARED, self->fd, off);

		ASSERT_NE(MAP_FAILED, q);
		EXPECT_EQ(0xa5, q[size - 1]);
		munmap(q, size);
	}
	/* A mapping larger than the BO is refused. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size * 2, PROT_READ, MAP_SHARED, self->fd, off));

	ASSERT_EQ(0, eai_gem_close(self->fd, h));
	/* The mapping keeps the pages alive after GEM_CLOSE. */
	p[0] = 1;
	EXPECT_EQ(1, p[0]);
	munmap(p, msize);
}

TEST_F(bo, create_max_size)
{
	uint32_t h;
	uint64_t size;

	/* Exactly the maximum is allowed (page-aligned by definition). */
	ASSERT_EQ(0, eai_bo_create(self->fd, self->max_bo, &h));
	ASSERT_EQ(0, eai_bo_info(self->fd, h, &size, NULL));
	EXPECT_EQ(self->max_bo, size);
	EXPECT_EQ(0, eai_gem_close(self->fd, h));
}

TEST_F(bo, create_bad)
{
	const uint64_t sizes[] = { 0, self->max_bo + 1, self->max_bo + 4096, 1ULL << 63,
				   UINT64_MAX, UINT64_MAX - 4095 };
	struct drm_edgeai_bo_create c;

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.size = sizes[i];
		c.handle = 0xdead;
		EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_CREATE, &c))
			TH_LOG("size %llu", (unsigned long long)sizes[i]);
		EXPECT_EQ(0xdead, c.handle);
	}
	for (unsigned int bit = 0; bit < 32; bit++) {
		memset(&c, 0, sizeof(c));
		c.size = 4096;
		c.flags = 1U << bit;
		c.handle = 0xdead;
		EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_CREATE, &c))
			TH_LOG("flag bit %u", bit);
		EXPECT_EQ(0xdead, c.handle);
	}
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_CREATE, (void *)8));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x31));
}

TEST_F(bo, info_bad)
{
	struct drm_edgeai_bo_info i;
	uint32_t h;

	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));

	memset(&i, 0, sizeof(i));
	i.handle = h + 1000;
	i.size = 7;
	i.mmap_offset = 9;
	EXPECT_EQ(-ENOENT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_INFO, &i));
	EXPECT_EQ(7, i.size);
	EXPECT_EQ(9, i.mmap_offset);

	i.handle = 0;
	EXPECT_EQ(-ENOENT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_INFO, &i));
	EXPECT_EQ(7, i.size);

	i.handle = h;
	i.flags = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_INFO, &i));
	EXPECT_EQ(7, i.size);
	EXPECT_EQ(9, i.mmap_offset);
	i.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_INFO, &i));

	EXPECT_EQ(0, eai_gem_close(self->fd, h));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x32));
}

TEST_F(bo, prep_fini_bad)
{
	struct drm_edgeai_bo_prep p;
	struct drm_edgeai_bo_fini f;
	uint32_t h;

	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));

	EXPECT_EQ(-ENOENT, eai_bo_prep(self->fd, h + 1000, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(-ENOENT, eai_bo_prep(self->fd, 0, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(-EINVAL, eai_bo_prep(self->fd, h, 0, 0)) TH_LOG("no op bits");
	EXPECT_EQ(-EINVAL, eai_bo_prep(self->fd, h, 1U << 2, 0));
	EXPECT_EQ(-EINVAL, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_READ | (1U << 31), 0));
	/* An idle buffer: immediate success, also with a deadline in the past. */
	EXPECT_EQ(0, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, eai_bo_fini(self->fd, h));
	EXPECT_EQ(0, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_WRITE, 1));
	EXPECT_EQ(0, eai_bo_fini(self->fd, h));

	memset(&f, 0, sizeof(f));
	f.handle = h + 1000;
	EXPECT_EQ(-ENOENT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_FINI, &f));
	f.handle = h;
	f.flags = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_FINI, &f));
	f.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_FINI, &f));

	memset(&p, 0, sizeof(p));
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_PREP, (void *)8));
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_FINI, (void *)8));

	EXPECT_EQ(0, eai_gem_close(self->fd, h));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x33));
}

TEST_F(bo, use_after_close)
{
	uint32_t h, other;
	struct drm_edgeai_bo_info i;

	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));
	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &other));
	ASSERT_EQ(0, eai_gem_close(self->fd, h));

	memset(&i, 0, sizeof(i));
	i.handle = h;
	EXPECT_EQ(-ENOENT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_INFO, &i));
	EXPECT_EQ(-ENOENT, eai_bo_prep(self->fd, h, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(-ENOENT, eai_bo_fini(self->fd, h));
	/* Generic GEM_CLOSE of a closed handle. */
	EXPECT_EQ(-EINVAL, eai_gem_close(self->fd, h));
	{
		struct drm_edgeai_bo_ref bos[2] = {
			{ .handle = other, .flags = DRM_EDGEAI_BO_WRITE },
			{ .handle = h, .flags = DRM_EDGEAI_BO_WRITE },
		};
		struct drm_edgeai_cmd cmd = eai_cmd_fill(1, 0, 4096, 1);
		struct drm_edgeai_submit s = eai_submit_args(bos, 2, &cmd, 1);

		s.job_id = 0x5555;
		EXPECT_EQ(-ENOENT, eai_submit(self->fd, &s, NULL));
		EXPECT_EQ(0x5555, s.job_id);
	}
	{
		int dmabuf = -1;

		EXPECT_EQ(-ENOENT, eai_prime_export(self->fd, h, &dmabuf));
		EXPECT_EQ(-1, dmabuf);
	}
	EXPECT_EQ(0, eai_gem_close(self->fd, other));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x34));
}

/* Handles of one file are invisible to another file of the same device. */
TEST_F(bo, handles_are_per_file)
{
	uint32_t h;
	int fd2 = eai_open_type(DRM_EDGEAI_DEVICE_NPU);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));
	EXPECT_EQ(-ENOENT, eai_bo_info(fd2, h, NULL, NULL));
	close(fd2);
	EXPECT_EQ(0, eai_gem_close(self->fd, h));
}

TEST_F(bo, many_buffers)
{
	uint32_t h[256];

	for (unsigned int i = 0; i < 256; i++)
		ASSERT_EQ(0, eai_bo_create(self->fd, 4096 * (1 + i % 4), &h[i]));
	for (unsigned int i = 0; i < 256; i++)
		EXPECT_EQ(0, eai_gem_close(self->fd, h[i]));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x35));
}

TEST_HARNESS_MAIN
