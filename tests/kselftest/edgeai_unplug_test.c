// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot unplug: unbind the NPU from its platform driver while a job runs
 * (held by the hang knob), another is queued (held by a vgem fence) and a
 * client holds the fd and a mapping. Every ioctl on the old fd then fails
 * with -ENODEV, the node goes away, the DSP is unaffected, and binding the
 * device again gives a working NPU. Runs as root in the VM, after the other
 * tests (it changes the device set).
 */
#include <liburing.h>

#include "edgeai_test.h"
#include "kselftest_harness.h"

#define DRV "/sys/bus/platform/drivers/edgeai"
#define SZ (16 * 1024ULL)

static int drv_write(const char *what, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DRV "/%s", what);
	return eai_write_file(path, name);
}

static int knob_write(int minor, const char *name, const char *val)
{
	char path[PATH_MAX];
	int ret = eai_debugfs_path(minor, name, path, sizeof(path));

	return ret ? ret : eai_write_file(path, val);
}

/* Wait up to @ms for the NPU to be bound again; returns its minor. */
static int wait_npu(int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		int m = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);

		if (m >= 0)
			return m;
		usleep(20000);
	}
	return -ENODEV;
}

TEST(unbind_with_open_fd)
{
	char bus[128], node[64];
	struct drm_edgeai_get_param gp = { .param = DRM_EDGEAI_PARAM_DEVICE_TYPE };
	struct eai_vgem_fence_attach fa = { 0 };
	uint32_t h, gate = 0, vh, h2;
	uint64_t hung = 0, queued = 0, id, v;
	int minor, fd, vfd, dsp, ret;
	uint8_t *map;

	if (geteuid())
		SKIP(return, "needs root");
	if (access(DRV "/unbind", W_OK))
		SKIP(return, "no " DRV "/unbind");
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, minor);
	ASSERT_EQ(0, eai_bus_name(minor, bus, sizeof(bus)));
	snprintf(node, sizeof(node), "/dev/accel/accel%d", minor);
	fd = eai_open_minor(minor);
	ASSERT_LE(0, fd);
	dsp = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, dsp);

	ASSERT_EQ(0, eai_bo_create(fd, SZ, &h));
	ASSERT_EQ(0, eai_bo_create(fd, SZ, &h2));
	map = eai_bo_map(fd, h, NULL);
	ASSERT_NE(NULL, map);

	/*
	 * A job waiting for a foreign fence (no timeout runs while it waits)
	 * and one that runs forever on core 0 (hang knob), until its timeout
	 * (job_timeout_ms, 1 s) resets the core and marks this file guilty:
	 * the hung one is submitted last, right before the unplug, so the
	 * unbind comes well inside its timeout however long the setup took
	 * (under KASAN and TCG the vgem and PRIME calls alone took longer).
	 */
	vfd = eai_open_vgem();
	if (vfd >= 0) {
		int dmabuf;
		struct drm_edgeai_bo_ref refs[2] = {
			{ .handle = h2, .flags = DRM_EDGEAI_BO_WRITE },
			{ .flags = DRM_EDGEAI_BO_READ },
		};
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, 2);
		struct drm_edgeai_submit s;

		ASSERT_EQ(0, eai_vgem_bo(vfd, 4096, &vh));
		ASSERT_EQ(0, eai_prime_export(vfd, vh, &dmabuf));
		ASSERT_EQ(0, eai_prime_import(fd, dmabuf, &gate));
		close(dmabuf);
		fa.handle = vh;
		fa.flags = EAI_VGEM_FENCE_WRITE;
		ASSERT_EQ(0, eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_ATTACH, &fa));
		refs[1].handle = gate;
		s = eai_submit_args(refs, 2, &cmd, 1);
		s.core = 1;
		ASSERT_EQ(0, eai_submit(fd, &s, &queued));
	}
	if (!knob_write(minor, "fault_hang", "1")) {
		struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, 1);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		s.core = 0;
		ASSERT_EQ(0, eai_submit(fd, &s, &hung));
	} else {
		TH_LOG("no fault_hang knob: unbinding without a running job");
	}
	usleep(100000);

	/* Unplug. */
	ret = drv_write("unbind", bus);
	ASSERT_EQ(0, ret) TH_LOG("unbind %s: %s", bus, strerror(-ret));
	EXPECT_NE(0, access(node, F_OK)) TH_LOG("%s still exists after unbind", node);

	/* The old fd: every ioctl fails with -ENODEV. */
	gp.value = 77;
	EXPECT_EQ(-ENODEV, eai_ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp));
	EXPECT_EQ(77, gp.value);
	EXPECT_EQ(-ENODEV, eai_bo_create(fd, 4096, &h2));
	EXPECT_EQ(-ENODEV, eai_bo_info(fd, h, NULL, NULL));
	EXPECT_EQ(-ENODEV, eai_bo_prep(fd, h, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(-ENODEV, eai_bo_fini(fd, h));
	if (hung)
		EXPECT_EQ(-ENODEV, eai_wait(fd, hung, eai_deadline_ms(1000), NULL, NULL));
	{
		struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 16, 3);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		s.job_id = 0x5555;
		EXPECT_EQ(-ENODEV, eai_submit(fd, &s, &id));
		EXPECT_EQ(0x5555, s.job_id);

		/* io_uring too. */
		{
			struct io_uring ring;
			struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
			struct io_uring_sqe *sqe;
			struct io_uring_cqe *cqe;

			ASSERT_EQ(0, io_uring_queue_init_params(4, &ring, &p));
			sqe = io_uring_get_sqe(&ring);
			memset(sqe, 0, 128);
			sqe->opcode = IORING_OP_URING_CMD;
			sqe->fd = fd;
			sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
			s.job_id = 0;
			memcpy(sqe->cmd, &s, sizeof(s));
			ASSERT_EQ(1, io_uring_submit(&ring));
			ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
			EXPECT_EQ(-ENODEV, cqe->res);
			io_uring_cqe_seen(&ring, cqe);
			io_uring_queue_exit(&ring);
		}
	}
	/* The CPU mapping stays usable (the pages belong to the BO). */
	map[0] = 9;
	EXPECT_EQ(9, map[0]);

	/* The DSP is unaffected. */
	EXPECT_EQ(0, eai_device_works(dsp, 0x81));

	/* Release everything the unplugged device had. */
	if (vfd >= 0) {
		struct eai_vgem_fence_signal fs = { .fence = fa.out_fence };

		eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_SIGNAL, &fs);
		close(vfd);
	}
	munmap(map, SZ);
	close(fd);

	/* Bind again: a working NPU appears. */
	ret = drv_write("bind", bus);
	ASSERT_EQ(0, ret) TH_LOG("bind %s: %s", bus, strerror(-ret));
	minor = wait_npu(5000);
	ASSERT_LE(0, minor);
	fd = eai_open_minor(minor);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eai_get_param(fd, DRM_EDGEAI_PARAM_CORE_COUNT, &v));
	EXPECT_EQ(2, v);
	EXPECT_EQ(0, eai_device_works(fd, 0x82));
	close(fd);
	EXPECT_EQ(0, eai_device_works(dsp, 0x83));
	close(dsp);
}

/* Unbind and bind many times with no client. */
TEST(unbind_bind_loop)
{
	char bus[128];
	int minor;

	if (geteuid())
		SKIP(return, "needs root");
	if (access(DRV "/unbind", W_OK))
		SKIP(return, "no " DRV "/unbind");
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, minor);
	ASSERT_EQ(0, eai_bus_name(minor, bus, sizeof(bus)));
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(0, drv_write("unbind", bus));
		ASSERT_EQ(0, drv_write("bind", bus));
	}
	for (int i = 0; i < 250 && eai_find_minor(DRM_EDGEAI_DEVICE_DSP) < 0; i++)
		usleep(20000);
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, minor);
	{
		int fd = eai_open_minor(minor);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, eai_device_works(fd, 0x84));
		close(fd);
	}
}

TEST_HARNESS_MAIN
