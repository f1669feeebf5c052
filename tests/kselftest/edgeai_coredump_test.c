// SPDX-License-Identifier: GPL-2.0-only
/*
 * devcoredump on core reset: a program job hung by the simulator's
 * fault_hang knob times out, its core is reset and a dump appears under
 * /sys/class/devcoredump with the accelerator as failing device. The dump
 * (uapi/drm/edgeai_coredump.h) names the guilty job, carries its program
 * byte for byte with the CRC-32 of the whole blob, shows the core loaded
 * and still executing the job, and lists the jobs that completed before,
 * with their programs' CRCs. `edgeaictl coredump` (EDGEAICTL, default
 * /usr/bin/edgeaictl) decodes the same identity, as text and as JSON; a
 * write to the data file frees the dump. A hung command job dumps its
 * commands instead.
 */
#include <dirent.h>
#include <limits.h>

#include "drm/edgeai_coredump.h"
#include "drm/edgeai_program.h"
#include "edgeai_test.h"
#include "kselftest_harness.h"

#define DEVCD "/sys/class/devcoredump"
#define SZ 4096

/* A RESHAPE of int8 [1,4,4,2] (slot 0) to [1,1,1,32] (slot 1). */
#define T_OFF 64
#define O_OFF (T_OFF + 2 * 48)
#define P_SIZE (O_OFF + 128)

static void make_program(uint64_t *words, uint8_t tag)
{
	struct edgeai_prog_header *h = (void *)words;
	struct edgeai_prog_tensor *t = (void *)((uint8_t *)words + T_OFF);
	struct edgeai_prog_op *op = (void *)((uint8_t *)words + O_OFF);

	memset(words, 0, P_SIZE);
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = P_SIZE;
	h->tensor_count = 2;
	h->op_count = 1;
	h->tensor_offset = T_OFF;
	h->op_offset = O_OFF;
	h->const_offset = P_SIZE;
	h->const_size = 0;
	h->slot_count = 2;
	t[0].dtype = EDGEAI_DTYPE_INT8;
	t[0].slot = 0;
	t[0].dims[0] = 1, t[0].dims[1] = 4, t[0].dims[2] = 4, t[0].dims[3] = 2;
	t[0].zero_point = tag; /* makes the two programs' CRCs differ */
	t[1].dtype = EDGEAI_DTYPE_INT8;
	t[1].slot = 1;
	t[1].dims[0] = 1, t[1].dims[1] = 1, t[1].dims[2] = 1, t[1].dims[3] = 32;
	t[1].zero_point = tag;
	op->opcode = EDGEAI_OP_RESHAPE;
	for (unsigned int i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		op->inputs[i] = EDGEAI_PROG_NO_TENSOR;
	op->inputs[0] = 0;
	op->output = 1;
}

/* The zlib CRC-32, bitwise. */
static uint32_t crc32_zlib(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static int submit_program(int fd, const uint32_t *bos, uint32_t prog, uint64_t *id)
{
	struct drm_edgeai_bo_ref refs[2] = {
		{ .handle = bos[0], .flags = DRM_EDGEAI_BO_READ },
		{ .handle = bos[1], .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)refs, .bo_count = 2, .core = 0,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = prog,
	};

	return eai_submit(fd, &s, id);
}

static int knob(int minor, const char *name, const char *val)
{
	char path[PATH_MAX];
	int ret = eai_debugfs_path(minor, name, path, sizeof(path));

	return ret ? ret : eai_write_file(path, val);
}

/* Resolved path of the bus device behind accel<minor>. */
static int accel_device(int minor, char *out)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/class/accel/accel%d/device", minor);
	return realpath(p, out) ? 0 : -errno;
}

/*
 * Finds the devcd whose failing_device is @dev; writes its name to @name.
 * With @free_all, frees every dump of @dev instead (returns how many).
 */
static int find_devcd(const char *dev, char *name, size_t len, int free_all)
{
	DIR *d = opendir(DEVCD);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char p[PATH_MAX], real[PATH_MAX];

		if (strncmp(de->d_name, "devcd", 5))
			continue;
		snprintf(p, sizeof(p), DEVCD "/%s/failing_device", de->d_name);
		if (!realpath(p, real) || strcmp(real, dev))
			continue;
		if (!free_all) {
			snprintf(name, len, "%s", de->d_name);
			closedir(d);
			return 1;
		}
		snprintf(p, sizeof(p), DEVCD "/%s/data", de->d_name);
		eai_write_file(p, "1");
		n++;
	}
	closedir(d);
	return free_all ? n : 0;
}

static int wait_devcd(const char *dev, char *name, size_t len, int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		if (find_devcd(dev, name, len, 0) == 1)
			return 0;
		usleep(20000);
	}
	return -ETIME;
}

static ssize_t read_dump(const char *devcd, uint8_t *buf, size_t cap)
{
	char p[PATH_MAX];
	size_t n = 0;
	int fd;

	snprintf(p, sizeof(p), DEVCD "/%s/data", devcd);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0) {
			close(fd);
			return -errno;
		}
		if (!r)
			break;
		n += r;
		if (n == cap)
			break;
	}
	close(fd);
	return n;
}

/* Payload of the first section of @type, or NULL; its size in *size. */
static const uint8_t *section(const uint8_t *buf, size_t len, uint32_t type, uint32_t *size)
{
	const struct edgeai_coredump_header *h = (const void *)buf;
	size_t pos = h->header_size;

	for (uint32_t i = 0; i < h->section_count && pos + 8 <= len; i++) {
		const struct edgeai_coredump_section *s = (const void *)(buf + pos);

		if (pos + 8 + s->size > len)
			return NULL;
		if (s->type == type) {
			*size = s->size;
			return buf + pos + 8;
		}
		pos += 8 + ((s->size + 7) & ~7u);
	}
	return NULL;
}

/* Runs @cmd and returns its standard output (up to @cap - 1 bytes). */
static int run_capture(const char *cmd, char *out, size_t cap)
{
	FILE *f = popen(cmd, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	return pclose(f);
}

FIXTURE(coredump) {
	int fd;
	int minor;
	char dev[PATH_MAX];
	const char *ctl;
	uint32_t bos[2];
};

FIXTURE_SETUP(coredump)
{
	char path[PATH_MAX];

	self->fd = -1;
	if (geteuid())
		SKIP(return, "needs root for debugfs and devcoredump");
	self->minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->minor);
	if (eai_debugfs_path(self->minor, "fault_hang", path, sizeof(path)))
		SKIP(return, "no fault_hang knob in debugfs for accel%d", self->minor);
	if (access(DEVCD, F_OK) && access("/sys/class/devcoredump", F_OK))
		SKIP(return, "kernel without CONFIG_DEV_COREDUMP");
	self->ctl = getenv("EDGEAICTL") ?: "/usr/bin/edgeaictl";
	ASSERT_EQ(0, accel_device(self->minor, self->dev));
	/* Dumps left by earlier tests would hide ours (one per device). */
	find_devcd(self->dev, NULL, 0, 1);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->bos[0]));
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->bos[1]));
}

FIXTURE_TEARDOWN(coredump)
{
	if (self->fd >= 0)
		close(self->fd);
	knob(self->minor, "fault_hang", "0");
	if (self->dev[0])
		find_devcd(self->dev, NULL, 0, 1);
}

TEST_F_TIMEOUT(coredump, hung_program_is_dumped_and_decoded, 120)
{
	static uint64_t good[P_SIZE / 8], bad[P_SIZE / 8];
	static uint8_t buf[1 << 20];
	uint32_t hgood, hbad, size, crc_good, crc_bad;
	uint64_t id_good, id_bad, timeout_ms;
	const struct edgeai_coredump_header *hdr = (const void *)buf;
	const struct edgeai_coredump_job *job;
	const struct edgeai_coredump_regs *regs;
	const struct edgeai_coredump_history *hist;
	const uint8_t *p;
	char devcd[NAME_MAX + 1], cmd[PATH_MAX + 64], out[1 << 16], want[128];
	int32_t status = 1;
	ssize_t len;
	int found;

	make_program(good, 1);
	make_program(bad, 7);
	crc_good = crc32_zlib(good, P_SIZE);
	crc_bad = crc32_zlib(bad, P_SIZE);
	ASSERT_NE(crc_good, crc_bad);
	ASSERT_EQ(0, eai_program_create(self->fd, good, P_SIZE, &hgood));
	ASSERT_EQ(0, eai_program_create(self->fd, bad, P_SIZE, &hbad));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS, &timeout_ms));

	/* A job that completes goes to the history. */
	ASSERT_EQ(0, submit_program(self->fd, self->bos, hgood, &id_good));
	ASSERT_EQ(0, eai_wait(self->fd, id_good, eai_deadline_ms(10000), &status, NULL));
	ASSERT_EQ(0, status);

	/* The guilty one hangs until the timeout resets the core. */
	ASSERT_EQ(0, knob(self->minor, "fault_hang", "1"));
	ASSERT_EQ(0, submit_program(self->fd, self->bos, hbad, &id_bad));
	ASSERT_EQ(0, eai_wait(self->fd, id_bad, eai_deadline_ms(timeout_ms * 3 + 10000), &status, NULL));
	ASSERT_EQ(-ETIMEDOUT, status);

	ASSERT_EQ(0, wait_devcd(self->dev, devcd, sizeof(devcd), 5000))
		TH_LOG("no devcoredump with failing_device %s", self->dev);
	len = read_dump(devcd, buf, sizeof(buf));
	ASSERT_LE((ssize_t)sizeof(*hdr), len);
	ASSERT_EQ(EDGEAI_COREDUMP_MAGIC, hdr->magic);
	ASSERT_EQ(EDGEAI_COREDUMP_VERSION, hdr->version);
	ASSERT_EQ(len, hdr->total_size);

	job = (const void *)section(buf, len, EDGEAI_COREDUMP_JOB, &size);
	ASSERT_NE(NULL, job);
	ASSERT_LE(sizeof(*job), size);
	EXPECT_EQ(id_bad, job->id);
	EXPECT_EQ(0, job->core);
	EXPECT_EQ(EDGEAI_COREDUMP_JOB_PROGRAM, job->flags & EDGEAI_COREDUMP_JOB_PROGRAM);
	EXPECT_EQ(P_SIZE, job->prog_size);
	EXPECT_EQ(crc_bad, job->prog_crc32);
	EXPECT_EQ(2, job->bo_count);

	/* Header, tensors and ops: here the whole program. */
	p = section(buf, len, EDGEAI_COREDUMP_PROGRAM, &size);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(P_SIZE, size);
	EXPECT_EQ(0, memcmp(p, bad, P_SIZE));
	EXPECT_EQ(NULL, section(buf, len, EDGEAI_COREDUMP_CMDS, &size));

	regs = (const void *)section(buf, len, EDGEAI_COREDUMP_REGS, &size);
	ASSERT_NE(NULL, regs);
	EXPECT_EQ(0, regs->core);
	EXPECT_EQ(id_bad, regs->job_id);
	EXPECT_EQ(EDGEAI_COREDUMP_CORE_LOADED | EDGEAI_COREDUMP_CORE_EXECUTING,
		  regs->status & (EDGEAI_COREDUMP_CORE_LOADED | EDGEAI_COREDUMP_CORE_EXECUTING |
				  EDGEAI_COREDUMP_CORE_TIMER));
	EXPECT_EQ(EDGEAI_COREDUMP_POWER_ACTIVE, regs->power);
	EXPECT_LT(0, regs->jobs_done);

	/* The completed job is in the history, with its program's CRC. */
	hist = (const void *)section(buf, len, EDGEAI_COREDUMP_HISTORY, &size);
	ASSERT_NE(NULL, hist);
	found = 0;
	for (uint32_t i = 0; i < size / sizeof(*hist); i++)
		if (hist[i].id == id_good && hist[i].prog_crc32 == crc_good && !hist[i].status)
			found = 1;
	EXPECT_TRUE(found);

	/* edgeaictl decodes the same identity. */
	snprintf(cmd, sizeof(cmd), "%s coredump", self->ctl);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out))) TH_LOG("%s failed: %s", cmd, out);
	snprintf(want, sizeof(want), "guilty job: id %llu ", (unsigned long long)id_bad);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no '%s' in:\n%s", want, out);
	snprintf(want, sizeof(want), "program: %u bytes, crc32 0x%08x", P_SIZE, crc_bad);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no '%s' in:\n%s", want, out);
	EXPECT_NE(NULL, strstr(out, "op 0: RESHAPE (22) in 0 -> 1")) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s --json coredump", self->ctl);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out))) TH_LOG("%s failed: %s", cmd, out);
	snprintf(want, sizeof(want), "\"job\":{\"id\":%llu,", (unsigned long long)id_bad);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no '%s' in:\n%s", want, out);
	snprintf(want, sizeof(want), "\"prog_size\":%u,\"prog_crc32\":\"0x%08x\"", P_SIZE, crc_bad);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no '%s' in:\n%s", want, out);
	snprintf(want, sizeof(want), "\"prog_crc32\":\"0x%08x\"", crc_good);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("history lacks the good program:\n%s", out);

	/* A write frees it. */
	snprintf(cmd, sizeof(cmd), "%s coredump clear", self->ctl);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, find_devcd(self->dev, devcd, sizeof(devcd), 0));
}

TEST_F_TIMEOUT(coredump, hung_commands_are_dumped, 120)
{
	static uint8_t buf[1 << 20];
	struct drm_edgeai_bo_ref ref = { .handle = self->bos[1], .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd cmds[2] = { eai_cmd_fill(0, 0, 64, 0x5a), eai_cmd_fill(0, 64, 32, 0xa5) };
	struct drm_edgeai_submit s = eai_submit_args(&ref, 1, cmds, 2);
	const struct edgeai_coredump_job *job;
	const uint8_t *p;
	uint64_t id, timeout_ms;
	uint32_t size;
	int32_t status = 1;
	char devcd[NAME_MAX + 1];
	ssize_t len;

	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS, &timeout_ms));
	s.core = 0;
	ASSERT_EQ(0, knob(self->minor, "fault_hang", "1"));
	ASSERT_EQ(0, eai_submit(self->fd, &s, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(timeout_ms * 3 + 10000), &status, NULL));
	ASSERT_EQ(-ETIMEDOUT, status);
	ASSERT_EQ(0, wait_devcd(self->dev, devcd, sizeof(devcd), 5000));
	len = read_dump(devcd, buf, sizeof(buf));
	ASSERT_LT(0, len);
	job = (const void *)section(buf, len, EDGEAI_COREDUMP_JOB, &size);
	ASSERT_NE(NULL, job);
	EXPECT_EQ(id, job->id);
	EXPECT_EQ(0, job->flags & EDGEAI_COREDUMP_JOB_PROGRAM);
	EXPECT_EQ(2, job->cmd_count);
	EXPECT_EQ(NULL, section(buf, len, EDGEAI_COREDUMP_PROGRAM, &size));
	p = section(buf, len, EDGEAI_COREDUMP_CMDS, &size);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(sizeof(cmds), size);
	EXPECT_EQ(0, memcmp(p, cmds, sizeof(cmds)));
	p = section(buf, len, EDGEAI_COREDUMP_BUFFERS, &size);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(sizeof(struct edgeai_coredump_buffer), size);
	EXPECT_EQ(SZ, ((const struct edgeai_coredump_buffer *)p)->size);
	EXPECT_EQ(DRM_EDGEAI_BO_WRITE, ((const struct edgeai_coredump_buffer *)p)->flags);
}

TEST_HARNESS_MAIN
