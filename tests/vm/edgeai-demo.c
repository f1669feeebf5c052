// SPDX-License-Identifier: GPL-2.0-only
/*
 * edgeai-demo: run one job on each accelerator through io_uring and say
 * what happens at each step. Used by `make demo` inside the VM; talks to
 * the kernel only through uapi/drm/edgeai_accel.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm.h>
#include <drm/edgeai_accel.h>

#define SZ (1024 * 1024ULL)

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && errno == EINTR);
	return ret == -1 ? -errno : 0;
}

static uint64_t param(int fd, uint32_t p)
{
	struct drm_edgeai_get_param gp = { .param = p };

	return xioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp) ? 0 : gp.value;
}

static int demo(const char *path)
{
	struct drm_edgeai_bo_create src = { .size = SZ }, dst = { .size = SZ };
	struct drm_edgeai_bo_info info = { 0 };
	struct drm_edgeai_bo_ref refs[2];
	struct drm_edgeai_cmd cmds[2];
	struct drm_edgeai_submit s;
	struct drm_edgeai_bo_prep prep = { 0 };
	struct io_uring_params p = { .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	uint64_t fw, type;
	uint8_t *map;
	int fd, ret, ok;

	printf("\n== %s\n", path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	xioctl(fd, DRM_IOCTL_VERSION, &v);
	type = param(fd, DRM_EDGEAI_PARAM_DEVICE_TYPE);
	fw = param(fd, DRM_EDGEAI_PARAM_FW_VERSION);
	printf("driver %s %d.%d, %s with %llu core(s), firmware %llu.%llu.%llu\n", name,
	       v.version_major, v.version_minor,
	       type == DRM_EDGEAI_DEVICE_NPU ? "NPU" : type == DRM_EDGEAI_DEVICE_DSP ? "DSP" : "?",
	       (unsigned long long)param(fd, DRM_EDGEAI_PARAM_CORE_COUNT),
	       (unsigned long long)(fw >> 16), (unsigned long long)((fw >> 8) & 0xff),
	       (unsigned long long)(fw & 0xff));

	printf("creating two 1 MiB buffers (GEM shmem)\n");
	if (xioctl(fd, DRM_IOCTL_EDGEAI_BO_CREATE, &src) ||
	    xioctl(fd, DRM_IOCTL_EDGEAI_BO_CREATE, &dst))
		goto fail;
	info.handle = dst.handle;
	if (xioctl(fd, DRM_IOCTL_EDGEAI_BO_INFO, &info))
		goto fail;
	map = mmap(NULL, SZ, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
	if (map == MAP_FAILED)
		goto fail;

	printf("setting up an io_uring with SQE128|CQE32\n");
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret) {
		printf("io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	refs[0] = (struct drm_edgeai_bo_ref){ .handle = src.handle,
					      .flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE };
	refs[1] = (struct drm_edgeai_bo_ref){ .handle = dst.handle, .flags = DRM_EDGEAI_BO_WRITE };
	cmds[0] = (struct drm_edgeai_cmd){ .op = DRM_EDGEAI_CMD_FILL, .dst_slot = 0,
					   .size = SZ, .value = 0xa5 };
	cmds[1] = (struct drm_edgeai_cmd){ .op = DRM_EDGEAI_CMD_COPY, .dst_slot = 1,
					   .src_slot = 0, .size = SZ };
	s = (struct drm_edgeai_submit){ .bos = (uintptr_t)refs, .cmds = (uintptr_t)cmds,
					.bo_count = 2, .cmd_count = 2,
					.cmd_size = sizeof(struct drm_edgeai_cmd),
					.core = DRM_EDGEAI_CORE_ANY };
	sqe = io_uring_get_sqe(&ring);
	if (!sqe)
		return 1;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	sqe->user_data = 1;
	memcpy(sqe->cmd, &s, sizeof(s));
	printf("submitting a job (FILL 1 MiB with 0xa5, COPY it to the second buffer) "
	       "as IORING_OP_URING_CMD\n");
	io_uring_submit(&ring);
	ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret) {
		printf("io_uring_wait_cqe: %s\n", strerror(-ret));
		return 1;
	}
	printf("CQE: res %d (%s), device time %llu ns\n", cqe->res,
	       cqe->res ? strerror(-cqe->res) : "ok", (unsigned long long)cqe->big_cqe[0]);
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	if (ret)
		return 1;

	prep.handle = dst.handle;
	prep.op = DRM_EDGEAI_PREP_READ;
	if (xioctl(fd, DRM_IOCTL_EDGEAI_BO_PREP, &prep))
		goto fail;
	ok = 1;
	for (uint64_t i = 0; i < SZ; i++)
		if (map[i] != 0xa5)
			ok = 0;
	printf("checking the copy through mmap: %s\n", ok ? "all 1048576 bytes are 0xa5" : "WRONG");
	munmap(map, SZ);
	close(fd);
	return !ok;
fail:
	printf("failed: %s\n", strerror(errno));
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s /dev/accel/accelN...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		ret |= demo(argv[i]);
	return ret;
}
