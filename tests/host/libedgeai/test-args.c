// SPDX-License-Identifier: MIT
/*
 * Argument checks of every public function: bad arguments return -EINVAL
 * (-EBADF for a negative fd) and leave the ret_ outputs untouched.
 *
 * The NULL-object checks run everywhere. Checks that need real objects
 * (bad sizes, flags, ranges, slots) run when an edgeai device exists
 * (EDGEAI_TEST_DEVICE=/dev/accel/accelN, or the first device found) and
 * are skipped otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <edgeai/edgeai.h>

#include "ktap.h"

#define SENT_PTR ((void *)0x5a5a5a5a)
#define SENT_U64 UINT64_C(0xa5a5a5a5a5a5a5a5)
#define SENT_U32 UINT32_C(0xa5a5a5a5)
#define SENT_INT (-4242)

static int info_untouched(const struct edgeai_device_info *i)
{
	const unsigned char *p = (const void *)i;

	for (size_t k = 0; k < sizeof(*i); k++)
		if (p[k] != 0xa5)
			return 0;
	return 1;
}

static int result_untouched(const struct edgeai_job_result *r)
{
	const unsigned char *p = (const void *)r;

	for (size_t k = 0; k < sizeof(*r); k++)
		if (p[k] != 0xa5)
			return 0;
	return 1;
}

static void cb(struct edgeai_job *job, int status, void *userdata)
{
	(void)job;
	(void)status;
	(void)userdata;
}

#define CHECK(expr, want, outok, name)                                         \
	do {                                                                   \
		int _r = (expr);                                               \
		if (!ktap_ok(_r == (want) && (outok), "%s", name))             \
			ktap_diag("%s = %d (want %d), output %s", #expr, _r, (want), \
				  (outok) ? "untouched" : "CHANGED");          \
	} while (0)

static void null_object_checks(void)
{
	struct edgeai_device_list *list = SENT_PTR;
	struct edgeai_device *dev = SENT_PTR;
	struct edgeai_buffer *buf = SENT_PTR;
	struct edgeai_job *job = SENT_PTR;
	struct edgeai_device_info info;
	struct edgeai_job_result res;
	uint64_t u64 = SENT_U64;
	uint32_t u32 = SENT_U32;
	void *ptr = SENT_PTR;
	int fd = SENT_INT;

	memset(&info, 0xa5, sizeof(info));
	memset(&res, 0xa5, sizeof(res));

	CHECK(edgeai_enumerate(NULL), -EINVAL, 1, "enumerate(NULL)");
	CHECK(edgeai_device_list_count(NULL), -EINVAL, 1, "device_list_count(NULL)");
	CHECK(edgeai_device_list_get(NULL, 0, &info), -EINVAL, info_untouched(&info),
	      "device_list_get(NULL list)");
	ktap_ok(edgeai_device_list_unref(NULL) == NULL, "device_list_unref(NULL) is NULL");

	CHECK(edgeai_device_open("/dev/accel/accel0", 0, NULL), -EINVAL, 1, "device_open(ret NULL)");
	CHECK(edgeai_device_open("/dev/null", 0x80, &dev), -EINVAL, dev == SENT_PTR,
	      "device_open(unknown flag)");
	CHECK(edgeai_device_open("", 0, &dev), -EINVAL, dev == SENT_PTR, "device_open(empty path)");
	CHECK(edgeai_device_open_fd(-1, 0, &dev), -EBADF, dev == SENT_PTR, "device_open_fd(-1)");
	CHECK(edgeai_device_open_fd(0, 0, NULL), -EINVAL, 1, "device_open_fd(ret NULL)");
	CHECK(edgeai_device_open_fd(0, 0x80, &dev), -EINVAL, dev == SENT_PTR,
	      "device_open_fd(unknown flag)");
	ktap_ok(edgeai_device_ref(NULL) == NULL, "device_ref(NULL) is NULL");
	ktap_ok(edgeai_device_unref(NULL) == NULL, "device_unref(NULL) is NULL");
	CHECK(edgeai_device_get_fd(NULL), -EINVAL, 1, "device_get_fd(NULL)");
	CHECK(edgeai_device_get_param(NULL, 0, &u64), -EINVAL, u64 == SENT_U64, "device_get_param(NULL)");
	CHECK(edgeai_device_get_info(NULL, &info), -EINVAL, info_untouched(&info), "device_get_info(NULL)");
	CHECK(edgeai_device_get_event_fd(NULL), -EINVAL, 1, "device_get_event_fd(NULL)");
	CHECK(edgeai_device_process(NULL), -EINVAL, 1, "device_process(NULL)");

	CHECK(edgeai_buffer_new(NULL, 4096, 0, &buf), -EINVAL, buf == SENT_PTR, "buffer_new(NULL dev)");
	CHECK(edgeai_buffer_import_dmabuf(NULL, 0, &buf), -EINVAL, buf == SENT_PTR,
	      "buffer_import_dmabuf(NULL dev)");
	CHECK(edgeai_buffer_export_dmabuf(NULL, &fd), -EINVAL, fd == SENT_INT, "buffer_export_dmabuf(NULL)");
	CHECK(edgeai_buffer_map(NULL, &ptr), -EINVAL, ptr == SENT_PTR, "buffer_map(NULL)");
	CHECK(edgeai_buffer_get_size(NULL, &u64), -EINVAL, u64 == SENT_U64, "buffer_get_size(NULL)");
	CHECK(edgeai_buffer_get_handle(NULL, &u32), -EINVAL, u32 == SENT_U32, "buffer_get_handle(NULL)");
	CHECK(edgeai_buffer_cpu_prep(NULL, EDGEAI_ACCESS_READ, 0), -EINVAL, 1, "buffer_cpu_prep(NULL)");
	CHECK(edgeai_buffer_cpu_fini(NULL), -EINVAL, 1, "buffer_cpu_fini(NULL)");
	ktap_ok(edgeai_buffer_ref(NULL) == NULL, "buffer_ref(NULL) is NULL");
	ktap_ok(edgeai_buffer_unref(NULL) == NULL, "buffer_unref(NULL) is NULL");

	CHECK(edgeai_job_new(NULL, &job), -EINVAL, job == SENT_PTR, "job_new(NULL dev)");
	CHECK(edgeai_job_bind(NULL, NULL, EDGEAI_ACCESS_READ, &u32), -EINVAL, u32 == SENT_U32,
	      "job_bind(NULL)");
	CHECK(edgeai_job_add_copy(NULL, NULL, 0, NULL, 0, 1), -EINVAL, 1, "job_add_copy(NULL)");
	CHECK(edgeai_job_add_fill(NULL, NULL, 0, 1, 0), -EINVAL, 1, "job_add_fill(NULL)");
	CHECK(edgeai_job_set_core(NULL, 0), -EINVAL, 1, "job_set_core(NULL)");
	CHECK(edgeai_job_set_callback(NULL, cb, NULL), -EINVAL, 1, "job_set_callback(NULL)");
	CHECK(edgeai_job_submit(NULL, 0), -EINVAL, 1, "job_submit(NULL)");
	CHECK(edgeai_job_wait(NULL, 0), -EINVAL, 1, "job_wait(NULL)");
	CHECK(edgeai_job_run(NULL, 0, 0), -EINVAL, 1, "job_run(NULL)");
	CHECK(edgeai_job_get_result(NULL, &res), -EINVAL, result_untouched(&res), "job_get_result(NULL)");
	ktap_ok(edgeai_job_ref(NULL) == NULL, "job_ref(NULL) is NULL");
	ktap_ok(edgeai_job_unref(NULL) == NULL, "job_unref(NULL) is NULL");

	/* A list (empty or not) with an index past its end, and a NULL output. */
	if (edgeai_enumerate(&list) >= 0) {
		int n = edgeai_device_list_count(list);

		CHECK(edgeai_device_list_get(list, (unsigned int)n, &info), -EINVAL, info_untouched(&info),
		      "device_list_get(index == count)");
		CHECK(edgeai_device_list_get(list, 0, NULL), -EINVAL, 1, "device_list_get(ret NULL)");
		edgeai_device_list_unref(list);
	} else {
		ktap_ok(0, "enumerate for list checks");
	}
}

static int device_checks(const char *path)
{
	struct edgeai_device *dev = NULL, *dev2 = NULL;
	struct edgeai_buffer *a = NULL, *b = NULL, *other = NULL, *buf = SENT_PTR;
	struct edgeai_job *job = NULL;
	struct edgeai_job_result res;
	uint32_t u32 = SENT_U32;
	int r;

	memset(&res, 0xa5, sizeof(res));
	r = edgeai_device_open(path, 0, &dev);
	if (!ktap_ok(r == 0, "open %s", path)) {
		ktap_diag("%s", edgeai_strerror(r));
		return -1;
	}
	CHECK(edgeai_device_get_param(dev, 0, NULL), -EINVAL, 1, "get_param(ret NULL)");
	CHECK(edgeai_device_get_info(dev, NULL), -EINVAL, 1, "get_info(ret NULL)");
	CHECK(edgeai_buffer_new(dev, 0, 0, &buf), -EINVAL, buf == SENT_PTR, "buffer_new(size 0)");
	CHECK(edgeai_buffer_new(dev, 4096, 1, &buf), -EINVAL, buf == SENT_PTR, "buffer_new(flags 1)");
	CHECK(edgeai_buffer_new(dev, 4096, 0, NULL), -EINVAL, 1, "buffer_new(ret NULL)");
	CHECK(edgeai_buffer_import_dmabuf(dev, -1, &buf), -EBADF, buf == SENT_PTR, "import_dmabuf(fd -1)");
	CHECK(edgeai_buffer_import_dmabuf(dev, 0, NULL), -EINVAL, 1, "import_dmabuf(ret NULL)");

	r = edgeai_buffer_new(dev, 8192, 0, &a);
	r = r ?: edgeai_buffer_new(dev, 8192, 0, &b);
	r = r ?: edgeai_job_new(dev, &job);
	r = r ?: edgeai_device_open(path, 0, &dev2);
	r = r ?: edgeai_buffer_new(dev2, 4096, 0, &other);
	if (!ktap_ok(r == 0, "create buffers, job and a second device")) {
		ktap_diag("%s", edgeai_strerror(r));
		goto out;
	}
	CHECK(edgeai_buffer_cpu_prep(a, 0, 0), -EINVAL, 1, "cpu_prep(no access bits)");
	CHECK(edgeai_buffer_cpu_prep(a, 4, 0), -EINVAL, 1, "cpu_prep(unknown access bit)");
	CHECK(edgeai_buffer_cpu_prep(a, EDGEAI_ACCESS_READ, -5), -EINVAL, 1, "cpu_prep(negative timeout)");
	CHECK(edgeai_buffer_export_dmabuf(a, NULL), -EINVAL, 1, "export_dmabuf(ret NULL)");
	CHECK(edgeai_buffer_map(a, NULL), -EINVAL, 1, "buffer_map(ret NULL)");

	CHECK(edgeai_job_new(dev, NULL), -EINVAL, 1, "job_new(ret NULL)");
	CHECK(edgeai_job_bind(job, a, 0, &u32), -EINVAL, u32 == SENT_U32, "job_bind(no access)");
	CHECK(edgeai_job_bind(job, a, 8, &u32), -EINVAL, u32 == SENT_U32, "job_bind(unknown access)");
	CHECK(edgeai_job_bind(job, other, EDGEAI_ACCESS_READ, &u32), -EINVAL, u32 == SENT_U32,
	      "job_bind(buffer of another device)");
	CHECK(edgeai_job_add_fill(job, a, 0, 0, 1), -EINVAL, 1, "add_fill(size 0)");
	CHECK(edgeai_job_add_fill(job, a, 8192, 1, 1), -EINVAL, 1, "add_fill(past the end)");
	CHECK(edgeai_job_add_fill(job, a, UINT64_MAX, 2, 1), -EINVAL, 1, "add_fill(offset overflow)");
	CHECK(edgeai_job_add_copy(job, a, 0, b, 0, 8193), -EINVAL, 1, "add_copy(too long)");
	CHECK(edgeai_job_add_copy(job, a, 1, b, UINT64_MAX, 2), -EINVAL, 1, "add_copy(src overflow)");
	CHECK(edgeai_job_add_copy(job, a, 0, a, 100, 200), -EINVAL, 1, "add_copy(overlap in one buffer)");
	CHECK(edgeai_job_add_copy(job, a, 0, NULL, 0, 1), -EINVAL, 1, "add_copy(NULL src)");
	CHECK(edgeai_job_add_copy(job, other, 0, a, 0, 1), -EINVAL, 1, "add_copy(dst of other device)");
	CHECK(edgeai_job_submit(job, 0), -EINVAL, 1, "submit(no commands)");
	CHECK(edgeai_job_wait(job, 0), -EINVAL, 1, "wait(never submitted)");
	CHECK(edgeai_job_get_result(job, &res), -EINVAL, result_untouched(&res),
	      "get_result(never submitted)");
	r = edgeai_job_add_fill(job, a, 0, 16, 7);
	ktap_ok(r == 0, "add_fill(valid) after failed calls");
	CHECK(edgeai_job_submit(job, EDGEAI_SUBMIT_IOCTL | EDGEAI_SUBMIT_URING), -EINVAL, 1,
	      "submit(IOCTL|URING)");
	CHECK(edgeai_job_submit(job, 0x100), -EINVAL, 1, "submit(unknown flag)");
	CHECK(edgeai_job_run(job, 0, -7), -EINVAL, 1, "run(negative timeout)");
	CHECK(edgeai_job_wait(job, -7), -EINVAL, 1, "wait(negative timeout)");
	r = edgeai_job_run(job, EDGEAI_SUBMIT_IOCTL, 5000000000LL);
	ktap_ok(r == 0, "the job still runs after all the rejected calls");
	if (r)
		ktap_diag("%s", edgeai_strerror(r));
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(a);
	edgeai_buffer_unref(b);
	edgeai_buffer_unref(other);
	edgeai_device_unref(dev2);
	edgeai_device_unref(dev);
	return 0;
}

int main(void)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info info;
	const char *path = getenv("EDGEAI_TEST_DEVICE");

	ktap_start();
	null_object_checks();

	if (!path && edgeai_enumerate(&list) > 0 && edgeai_device_list_get(list, 0, &info) == 0)
		path = info.node;
	if (path)
		device_checks(path);
	else
		ktap_skip("argument checks on a real device (no edgeai device here)");
	edgeai_device_list_unref(list);
	return ktap_finish();
}
