// SPDX-License-Identifier: GPL-2.0-only
/*
 * PRIME: export edgeai buffers to the other edgeai device and to vgem, and
 * import foreign dma-bufs (udmabuf from a memfd, vgem) with the generic
 * DRM_IOCTL_PRIME_FD_TO_HANDLE; jobs read and write the imported memory and
 * the exporter sees the bytes.
 */
#include <linux/dma-buf.h>
#include <linux/udmabuf.h>
#include <sys/syscall.h>

#include "edgeai_test.h"
#include "kselftest_harness.h"

#define SZ (64 * 1024ULL)

static int run_fill(int fd, uint32_t h, uint64_t off, uint64_t size, uint8_t v)
{
	struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, off, size, v);

	return eai_run(fd, &ref, 1, &cmd, 1);
}

static int run_copy(int fd, uint32_t dst, uint32_t src, uint64_t size)
{
	struct drm_edgeai_bo_ref refs[2] = {
		{ .handle = dst, .flags = DRM_EDGEAI_BO_WRITE },
		{ .handle = src, .flags = DRM_EDGEAI_BO_READ },
	};
	struct drm_edgeai_cmd cmd = eai_cmd_copy(0, 0, 1, 0, size);

	return eai_run(fd, refs, 2, &cmd, 1);
}

FIXTURE(prime) {
	int npu, dsp;
	uint32_t bo;
	uint8_t *map;
};

FIXTURE_SETUP(prime)
{
	uint64_t caps;

	self->npu = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	self->dsp = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, self->npu);
	ASSERT_LE(0, self->dsp);
	ASSERT_EQ(0, eai_get_param(self->npu, DRM_EDGEAI_PARAM_CAPABILITIES, &caps));
	ASSERT_TRUE(caps & DRM_EDGEAI_CAP_PRIME_IMPORT_FOREIGN);
	ASSERT_EQ(0, eai_bo_create(self->npu, SZ, &self->bo));
	self->map = eai_bo_map(self->npu, self->bo, NULL);
	ASSERT_NE(NULL, self->map);
}

FIXTURE_TEARDOWN(prime)
{
	if (self->map)
		munmap(self->map, SZ);
	if (self->npu >= 0)
		close(self->npu);
	if (self->dsp >= 0)
		close(self->dsp);
}

TEST_F(prime, export_import_self)
{
	uint32_t h;
	int dmabuf;

	ASSERT_EQ(0, eai_prime_export(self->npu, self->bo, &dmabuf));
	ASSERT_LE(0, dmabuf);
	/* Importing into the exporting file gives back the same handle. */
	ASSERT_EQ(0, eai_prime_import(self->npu, dmabuf, &h));
	EXPECT_EQ(self->bo, h);
	/* Exporting twice gives the same dma-buf (same inode). */
	{
		struct stat a, b;
		int dmabuf2;

		ASSERT_EQ(0, eai_prime_export(self->npu, self->bo, &dmabuf2));
		ASSERT_EQ(0, fstat(dmabuf, &a));
		ASSERT_EQ(0, fstat(dmabuf2, &b));
		EXPECT_EQ(a.st_ino, b.st_ino);
		close(dmabuf2);
	}
	close(dmabuf);
}

/* NPU buffer -> DSP: the DSP writes, the NPU mapping sees it, and back. */
TEST_F(prime, to_other_edgeai_device)
{
	uint32_t h;
	uint64_t size;
	int dmabuf;

	ASSERT_EQ(0, eai_prime_export(self->npu, self->bo, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(self->dsp, dmabuf, &h));
	close(dmabuf);
	ASSERT_EQ(0, eai_bo_info(self->dsp, h, &size, NULL));
	EXPECT_EQ(SZ, size);

	ASSERT_EQ(0, run_fill(self->dsp, h, 0, SZ, 0xd5));
	ASSERT_EQ(0, eai_bo_prep(self->npu, self->bo, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000)));
	EXPECT_TRUE(eai_all_bytes(self->map, SZ, 0xd5));
	ASSERT_EQ(0, eai_bo_fini(self->npu, self->bo));

	/* NPU writes, DSP copies into its own buffer. */
	ASSERT_EQ(0, run_fill(self->npu, self->bo, 0, SZ, 0x4e));
	{
		uint32_t own;
		uint8_t *p;

		ASSERT_EQ(0, eai_bo_create(self->dsp, SZ, &own));
		ASSERT_EQ(0, run_copy(self->dsp, own, h, SZ));
		p = eai_bo_map(self->dsp, own, NULL);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, eai_bo_prep(self->dsp, own, DRM_EDGEAI_PREP_READ, 0));
		EXPECT_TRUE(eai_all_bytes(p, SZ, 0x4e));
		eai_bo_fini(self->dsp, own);
		munmap(p, SZ);
	}
	/* Closing the importer's handle leaves the exporter intact. */
	EXPECT_EQ(0, eai_gem_close(self->dsp, h));
	EXPECT_EQ(0, run_fill(self->npu, self->bo, 0, 16, 1));
}

/* The exporter's dma-buf is mmap-able with DMA_BUF_IOCTL_SYNC brackets. */
TEST_F(prime, dmabuf_mmap_sync)
{
	struct dma_buf_sync sync = { 0 };
	uint8_t *p;
	int dmabuf;

	ASSERT_EQ(0, run_fill(self->npu, self->bo, 0, SZ, 0x3d));
	ASSERT_EQ(0, eai_prime_export(self->npu, self->bo, &dmabuf));
	p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	ASSERT_NE(MAP_FAILED, p);
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
	ASSERT_EQ(0, eai_ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync));
	EXPECT_TRUE(eai_all_bytes(p, SZ, 0x3d));
	memset(p, 0x3e, 4096);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	ASSERT_EQ(0, eai_ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync));
	ASSERT_EQ(0, eai_bo_prep(self->npu, self->bo, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->map, 4096, 0x3e));
	eai_bo_fini(self->npu, self->bo);
	munmap(p, SZ);
	close(dmabuf);
}

static int vgem_map(int vfd, uint32_t h, uint64_t size, uint8_t **out)
{
	struct drm_mode_map_dumb m = { .handle = h };
	void *p;
	int ret = eai_ioctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m);

	if (ret)
		return ret;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, m.offset);
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	return 0;
}

/* A vgem buffer imported into edgeai: read and written by jobs. */
TEST_F(prime, import_vgem)
{
	uint32_t vh, h;
	uint8_t *vp;
	int dmabuf;
	int vfd = eai_open_vgem();

	if (vfd < 0)
		SKIP(return, "no vgem device (modprobe vgem)");
	ASSERT_EQ(0, eai_vgem_bo(vfd, SZ, &vh));
	ASSERT_EQ(0, vgem_map(vfd, vh, SZ, &vp));
	memset(vp, 0x6b, SZ);
	ASSERT_EQ(0, eai_prime_export(vfd, vh, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(self->npu, dmabuf, &h));
	close(dmabuf);

	/* Device reads the vgem buffer. */
	ASSERT_EQ(0, run_copy(self->npu, self->bo, h, SZ));
	ASSERT_EQ(0, eai_bo_prep(self->npu, self->bo, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->map, SZ, 0x6b));
	eai_bo_fini(self->npu, self->bo);
	/* Device writes the vgem buffer; the vgem mapping sees it. */
	ASSERT_EQ(0, run_fill(self->npu, h, 4096, 8192, 0x6c));
	ASSERT_EQ(0, eai_bo_prep(self->npu, h, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000)));
	EXPECT_TRUE(eai_all_bytes(vp + 4096, 8192, 0x6c));
	EXPECT_TRUE(eai_all_bytes(vp, 4096, 0x6b));
	EXPECT_TRUE(eai_all_bytes(vp + 12288, SZ - 12288, 0x6b));
	eai_bo_fini(self->npu, h);

	munmap(vp, SZ);
	EXPECT_EQ(0, eai_gem_close(self->npu, h));
	close(vfd);
	EXPECT_EQ(0, eai_device_works(self->npu, 0x61));
}

/* An edgeai buffer imported into vgem: vgem's mapping sees device writes. */
TEST_F(prime, export_to_vgem)
{
	uint32_t vh;
	uint8_t *vp;
	int dmabuf;
	int vfd = eai_open_vgem();

	if (vfd < 0)
		SKIP(return, "no vgem device (modprobe vgem)");
	ASSERT_EQ(0, run_fill(self->npu, self->bo, 0, SZ, 0x7e));
	ASSERT_EQ(0, eai_prime_export(self->npu, self->bo, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(vfd, dmabuf, &vh));
	/*
	 * vgem refuses to mmap imported objects (drm_gem_dumb_map_offset), so
	 * check through vgem's re-export: it must be our dma-buf.
	 */
	{
		struct stat a, b;
		int again;

		ASSERT_EQ(0, eai_prime_export(vfd, vh, &again));
		ASSERT_EQ(0, fstat(dmabuf, &a));
		ASSERT_EQ(0, fstat(again, &b));
		EXPECT_EQ(a.st_ino, b.st_ino);
		vp = mmap(NULL, SZ, PROT_READ, MAP_SHARED, again, 0);
		ASSERT_NE(MAP_FAILED, vp);
		EXPECT_TRUE(eai_all_bytes(vp, SZ, 0x7e));
		munmap(vp, SZ);
		close(again);
	}
	close(dmabuf);
	/* vgem dropping its import leaves the edgeai buffer working. */
	EXPECT_EQ(0, eai_gem_close(vfd, vh));
	close(vfd);
	EXPECT_EQ(0, run_fill(self->npu, self->bo, 0, SZ, 0x7f));
}

static int udmabuf_create(int memfd, uint64_t size)
{
	struct udmabuf_create c = {
		.memfd = memfd, .flags = UDMABUF_FLAGS_CLOEXEC, .offset = 0, .size = size,
	};
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int ret;

	if (dev < 0)
		return -errno;
	ret = ioctl(dev, UDMABUF_CREATE, &c);
	ret = ret < 0 ? -errno : ret;
	close(dev);
	return ret;
}

/* A udmabuf (memfd pages) imported with the generic PRIME ioctl. */
TEST_F(prime, import_udmabuf)
{
	uint32_t h;
	uint64_t size;
	uint8_t *mp;
	int memfd, dmabuf;

	if (access("/dev/udmabuf", R_OK | W_OK))
		SKIP(return, "no /dev/udmabuf");
	memfd = memfd_create("edgeai-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, SZ));
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	mp = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, mp);
	memset(mp, 0x11, SZ);

	dmabuf = udmabuf_create(memfd, SZ);
	ASSERT_LE(0, dmabuf) TH_LOG("UDMABUF_CREATE: %s", strerror(-dmabuf));
	ASSERT_EQ(0, eai_prime_import(self->npu, dmabuf, &h));
	ASSERT_EQ(0, eai_bo_info(self->npu, h, &size, NULL));
	EXPECT_EQ(SZ, size);

	/* The device writes into the memfd's pages. */
	ASSERT_EQ(0, run_fill(self->npu, h, 8192, 4096, 0x22));
	ASSERT_EQ(0, eai_bo_prep(self->npu, h, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000)));
	EXPECT_TRUE(eai_all_bytes(mp + 8192, 4096, 0x22));
	EXPECT_TRUE(eai_all_bytes(mp, 8192, 0x11));
	EXPECT_TRUE(eai_all_bytes(mp + 12288, SZ - 12288, 0x11));
	eai_bo_fini(self->npu, h);

	/* The device reads what the CPU wrote into the memfd. */
	ASSERT_EQ(0, eai_bo_prep(self->npu, h, DRM_EDGEAI_PREP_WRITE, 0));
	for (uint64_t i = 0; i < SZ; i++)
		mp[i] = (uint8_t)(i ^ (i >> 8));
	ASSERT_EQ(0, eai_bo_fini(self->npu, h));
	ASSERT_EQ(0, run_copy(self->npu, self->bo, h, SZ));
	ASSERT_EQ(0, eai_bo_prep(self->npu, self->bo, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->map, mp, SZ));
	eai_bo_fini(self->npu, self->bo);

	/* Also through the other device, and through io_uring-free DSP jobs. */
	{
		uint32_t h2;

		ASSERT_EQ(0, eai_prime_import(self->dsp, dmabuf, &h2));
		ASSERT_EQ(0, run_fill(self->dsp, h2, 0, 4096, 0x33));
		ASSERT_EQ(0, eai_bo_prep(self->dsp, h2, DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(5000)));
		EXPECT_TRUE(eai_all_bytes(mp, 4096, 0x33));
		eai_bo_fini(self->dsp, h2);
	}
	close(dmabuf);
	EXPECT_EQ(0, eai_gem_close(self->npu, h));
	munmap(mp, SZ);
	close(memfd);
	EXPECT_EQ(0, eai_device_works(self->npu, 0x62));
}

TEST_F(prime, import_bad)
{
	uint32_t h = 0xdead;
	int memfd;

	EXPECT_EQ(-EBADF, eai_prime_import(self->npu, -1, &h));
	EXPECT_EQ(0xdead, h);
	EXPECT_EQ(-EBADF, eai_prime_import(self->npu, 9999, &h));
	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	EXPECT_EQ(-EINVAL, eai_prime_import(self->npu, memfd, &h));
	EXPECT_EQ(0xdead, h);
	close(memfd);
	EXPECT_EQ(0, eai_device_works(self->npu, 0x63));
}

TEST_HARNESS_MAIN
