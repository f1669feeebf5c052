// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device discovery: the two default simulated devices, DRM_IOCTL_VERSION,
 * every GET_PARAM, sysfs attributes and fdinfo.
 */
#include "edgeai_test.h"
#include "kselftest_harness.h"

TEST(accel_nodes_exist)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/accel/accel0", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0, stat("/dev/accel/accel1", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(version_name_is_edgeai)
{
	for (int m = 0; m < 2; m++) {
		char name[64];
		struct drm_version v;
		int fd = eai_open_minor(m);

		ASSERT_LE(0, fd) TH_LOG("open accel%d: %s", m, strerror(-fd));
		ASSERT_EQ(0, eai_drm_name(fd, name, sizeof(name)));
		EXPECT_STREQ("edgeai", name);

		/*
		 * Interface version 1.x, per the uapi changelog; at least 1.3,
		 * which these tests' drm_edgeai_submit.program_handle needs.
		 */
		memset(&v, 0, sizeof(v));
		ASSERT_EQ(0, eai_ioctl(fd, DRM_IOCTL_VERSION, &v));
		EXPECT_EQ(1, v.version_major);
		EXPECT_LE(3, v.version_minor);
		close(fd);
	}
}

/* One NPU with 2 cores and one DSP with 1 core by default. */
TEST(default_devices_npu_and_dsp)
{
	int npu = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	int dsp = eai_find_minor(DRM_EDGEAI_DEVICE_DSP);
	uint64_t cores;
	int fd;

	ASSERT_LE(0, npu);
	ASSERT_LE(0, dsp);
	EXPECT_NE(npu, dsp);
	EXPECT_TRUE((npu == 0 && dsp == 1) || (npu == 1 && dsp == 0));

	fd = eai_open_minor(npu);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eai_get_param(fd, DRM_EDGEAI_PARAM_CORE_COUNT, &cores));
	EXPECT_EQ(2, cores);
	close(fd);

	fd = eai_open_minor(dsp);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eai_get_param(fd, DRM_EDGEAI_PARAM_CORE_COUNT, &cores));
	EXPECT_EQ(1, cores);
	close(fd);
}

FIXTURE(dev) {
	int fd;
	int minor;
};

FIXTURE_VARIANT(dev) {
	uint32_t type;
	uint64_t cores;
	const char *type_name;
};

FIXTURE_VARIANT_ADD(dev, npu) {
	.type = DRM_EDGEAI_DEVICE_NPU, .cores = 2, .type_name = "npu",
};

FIXTURE_VARIANT_ADD(dev, dsp) {
	.type = DRM_EDGEAI_DEVICE_DSP, .cores = 1, .type_name = "dsp",
};

FIXTURE_SETUP(dev)
{
	self->minor = eai_find_minor(variant->type);
	ASSERT_LE(0, self->minor) TH_LOG("no %s device", variant->type_name);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, every_param)
{
	uint64_t v;

	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_DEVICE_TYPE, &v));
	EXPECT_EQ(variant->type, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CORE_COUNT, &v));
	EXPECT_EQ(variant->cores, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_FW_VERSION, &v));
	EXPECT_NE(0, v);
	EXPECT_EQ(0, v >> 24) TH_LOG("fw version 0x%llx is not major<<16|minor<<8|patch",
				     (unsigned long long)v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_FW_ABI_VERSION, &v));
	EXPECT_NE(0, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CAPABILITIES, &v));
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_URING_CMD);
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_PRIME_IMPORT_FOREIGN);
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_SYNCOBJ);
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_SIMULATED);
	/*
	 * 1.4: DRM_EDGEAI_CAP_PREEMPT (bit 4), 1.5: DRM_EDGEAI_CAP_DMA_COHERENT
	 * (bit 5), 1.6: DRM_EDGEAI_CAP_BATCH (bit 6, the simulator batches),
	 * 1.7: DRM_EDGEAI_CAP_SHARED_PROGRAMS (bit 7).
	 */
	EXPECT_EQ(0, v & ~0xffULL) TH_LOG("undocumented capability bits 0x%llx",
					   (unsigned long long)v);
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_BATCH);
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_SHARED_PROGRAMS);
#if defined(__x86_64__) || defined(__i386__)
	EXPECT_TRUE(v & DRM_EDGEAI_CAP_DMA_COHERENT) TH_LOG("x86 DMA is cache-coherent");
#else
	{
		char p[128];
		bool dt_coherent;

		/* a device-tree device: coherent iff its node says dma-coherent */
		snprintf(p, sizeof(p), "/sys/class/accel/accel%d/device/of_node/dma-coherent",
			 self->minor);
		dt_coherent = access(p, F_OK) == 0;
		EXPECT_EQ(dt_coherent, !!(v & DRM_EDGEAI_CAP_DMA_COHERENT))
			TH_LOG("%s: dma-coherent in the device tree %d, capability %d",
			       variant->type_name, dt_coherent,
			       !!(v & DRM_EDGEAI_CAP_DMA_COHERENT));
	}
#endif
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CMD_MASK, &v));
	EXPECT_TRUE(v & (1ULL << DRM_EDGEAI_CMD_COPY));
	EXPECT_TRUE(v & (1ULL << DRM_EDGEAI_CMD_FILL));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MACS_PER_CYCLE, &v));
	EXPECT_LT(0, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MAX_FREQ_KHZ, &v));
	EXPECT_LT(0, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MAX_BO_SIZE, &v));
	EXPECT_LE(1ULL << 20, v);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS, &v));
	EXPECT_LT(0, v);
}

TEST_F(dev, unknown_param_and_pad)
{
	struct drm_edgeai_get_param p;

	/* Unknown param: -EINVAL and @value untouched. */
	memset(&p, 0, sizeof(p));
	p.param = DRM_EDGEAI_PARAM_CLIENT_ID + 1;
	p.value = 0xdeadbeef;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p));
	EXPECT_EQ(0xdeadbeef, p.value);

	p.param = 0xffffffff;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p));
	EXPECT_EQ(0xdeadbeef, p.value);

	/* Valid param, non-zero pad. */
	p.param = DRM_EDGEAI_PARAM_DEVICE_TYPE;
	p.pad = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p));
	EXPECT_EQ(0xdeadbeef, p.value);

	/* Bad pointer. */
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_GET_PARAM, (void *)16));

	/* Still fine afterwards. */
	EXPECT_EQ(0, eai_device_works(self->fd, 0x11));
}

TEST_F(dev, sysfs_matches_params)
{
	char buf[128];
	uint64_t v;

	ASSERT_EQ(0, eai_sysfs_read(self->minor, "fw_version", buf, sizeof(buf)))
		TH_LOG("no fw_version attribute for accel%d", self->minor);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_FW_VERSION, &v));
	{
		char want[64];

		snprintf(want, sizeof(want), "%u.%u.%u", (unsigned int)(v >> 16) & 0xff,
			 (unsigned int)(v >> 8) & 0xff, (unsigned int)v & 0xff);
		/* "1.2.3" or "1.2.3 ..." (extra build info is fine). */
		EXPECT_EQ(0, strncmp(buf, want, strlen(want)))
			TH_LOG("sysfs fw_version '%s', GET_PARAM %s", buf, want);
	}

	ASSERT_EQ(0, eai_sysfs_read(self->minor, "device_type", buf, sizeof(buf)))
		TH_LOG("no device_type attribute for accel%d", self->minor);
	EXPECT_EQ(0, strcasecmp(buf, variant->type_name)) TH_LOG("device_type '%s'", buf);

	ASSERT_EQ(0, eai_sysfs_read(self->minor, "core_count", buf, sizeof(buf)))
		TH_LOG("no core_count attribute for accel%d", self->minor);
	EXPECT_EQ(variant->cores, strtoull(buf, NULL, 0));
}

TEST_F(dev, fdinfo_keys)
{
	char buf[4096];
	char *id;

	/* Run a job first so engine time is non-zero. */
	ASSERT_EQ(0, eai_device_works(self->fd, 0x22));
	ASSERT_EQ(0, eai_fdinfo(self->fd, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "drm-driver:\tedgeai")) TH_LOG("fdinfo:\n%s", buf);
	id = strstr(buf, "drm-client-id:");
	ASSERT_NE(NULL, id) TH_LOG("fdinfo:\n%s", buf);
	EXPECT_NE(NULL, strstr(buf, "drm-engine-")) TH_LOG("fdinfo:\n%s", buf);
	{
		/* Some engine line with a non-zero "<n> ns". */
		const char *p = buf;
		bool busy = false;

		while ((p = strstr(p, "drm-engine-"))) {
			const char *colon = strchr(p, ':');

			if (colon && !strncmp(p, "drm-engine-capacity", 19)) {
				p = colon;
				continue;
			}
			if (colon && strtoull(colon + 1, NULL, 10) > 0 &&
			    strstr(colon, " ns"))
				busy = true;
			p = colon ? colon : p + 1;
		}
		EXPECT_TRUE(busy) TH_LOG("no busy engine time in fdinfo:\n%s", buf);
	}
	/* Two opens of the same device have different client ids. */
	{
		char buf2[4096];
		int fd2 = eai_open_minor(self->minor);
		unsigned long long a, b;

		ASSERT_LE(0, fd2);
		ASSERT_EQ(0, eai_fdinfo(fd2, buf2, sizeof(buf2)));
		close(fd2);
		a = strtoull(id + strlen("drm-client-id:"), NULL, 10);
		ASSERT_NE(NULL, strstr(buf2, "drm-client-id:"));
		b = strtoull(strstr(buf2, "drm-client-id:") + strlen("drm-client-id:"), NULL, 10);
		EXPECT_NE(a, b);
	}
}

TEST_HARNESS_MAIN
