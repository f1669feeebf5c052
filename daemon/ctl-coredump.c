// SPDX-License-Identifier: MIT
/*
 * edgeaictl coredump: find the devcoredumps edgeai.ko left when it reset a
 * core (/sys/class/devcoredump/devcdN/data, whose failing_device is the
 * accelerator) and decode them: the device, the guilty job and its
 * program (header, tensors, ops) or commands, its buffers, the core's
 * registers and the device's recent jobs. The format is
 * uapi/drm/edgeai_coredump.h. "coredump FILE" decodes a saved copy,
 * "coredump clear" frees the pending dumps (a write to data frees one).
 * Every offset and size in a dump is checked before use: a truncated or
 * foreign file gets a message and exit status 1, never a crash.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drm/edgeai_accel.h"
#include "drm/edgeai_coredump.h"
#include "drm/edgeai_program.h"
#include "edgeai/edgeai.h"
#include "edgeaictl.h"

#define DEVCD_DIR "/sys/class/devcoredump"
/* Larger than any dump edgeai.ko writes (programs are cut before their constants). */
#define DUMP_MAX (16u << 20)

/* The library's names of the program format's opcodes: one table for all */
static const char *op_name(uint32_t op)
{
	const char *n = edgeai_program_op_name(op);

	return n ? n : "?";
}

static const char *power_name(uint32_t p)
{
	switch (p) {
	case EDGEAI_COREDUMP_POWER_OFF: return "off";
	case EDGEAI_COREDUMP_POWER_IDLE: return "idle";
	case EDGEAI_COREDUMP_POWER_ACTIVE: return "active";
	}
	return "?";
}

/* The sections of one dump, each NULL when absent; sizes in bytes. */
struct dump {
	struct edgeai_coredump_header hdr;
	struct edgeai_coredump_device dev;
	struct edgeai_coredump_job job;
	struct edgeai_coredump_regs regs;
	int has_dev, has_job, has_regs;
	const uint8_t *prog;
	uint32_t prog_len;
	const uint8_t *cmds;
	uint32_t cmds_len;
	const uint8_t *bufs;
	uint32_t bufs_len;
	const uint8_t *hist;
	uint32_t hist_len;
};

/* A fixed-size section: copy what is there, zero the rest (older writers). */
static void take(void *dst, size_t dst_size, const uint8_t *p, uint32_t len)
{
	memset(dst, 0, dst_size);
	memcpy(dst, p, len < dst_size ? len : dst_size);
}

/* Returns 0, or -EINVAL with @why set for a dump that is not well formed. */
static int dump_parse(const uint8_t *data, size_t size, struct dump *d, const char **why)
{
	size_t pos;

	memset(d, 0, sizeof(*d));
	if (size < sizeof(d->hdr)) {
		*why = "shorter than the dump header";
		return -EINVAL;
	}
	memcpy(&d->hdr, data, sizeof(d->hdr));
	if (d->hdr.magic != EDGEAI_COREDUMP_MAGIC) {
		*why = "not an edgeai dump (bad magic)";
		return -EINVAL;
	}
	if (d->hdr.version != EDGEAI_COREDUMP_VERSION) {
		*why = "unknown dump version";
		return -EINVAL;
	}
	if (d->hdr.header_size < sizeof(d->hdr) || d->hdr.header_size > size || d->hdr.header_size % 8) {
		*why = "bad header size";
		return -EINVAL;
	}
	if (d->hdr.total_size > size || d->hdr.total_size < d->hdr.header_size) {
		*why = "truncated (total_size beyond the data)";
		return -EINVAL;
	}
	pos = d->hdr.header_size;
	for (uint32_t i = 0; i < d->hdr.section_count; i++) {
		struct edgeai_coredump_section s;
		const uint8_t *p;

		if (d->hdr.total_size - pos < sizeof(s)) {
			*why = "truncated section header";
			return -EINVAL;
		}
		memcpy(&s, data + pos, sizeof(s));
		pos += sizeof(s);
		if (s.size > d->hdr.total_size - pos) {
			*why = "section beyond the end of the dump";
			return -EINVAL;
		}
		p = data + pos;
		switch (s.type) {
		case EDGEAI_COREDUMP_DEVICE:
			take(&d->dev, sizeof(d->dev), p, s.size);
			d->dev.engine[sizeof(d->dev.engine) - 1] = 0;
			d->dev.fw_name[sizeof(d->dev.fw_name) - 1] = 0;
			d->has_dev = 1;
			break;
		case EDGEAI_COREDUMP_JOB:
			take(&d->job, sizeof(d->job), p, s.size);
			d->has_job = 1;
			break;
		case EDGEAI_COREDUMP_REGS:
			take(&d->regs, sizeof(d->regs), p, s.size);
			d->has_regs = 1;
			break;
		case EDGEAI_COREDUMP_PROGRAM:
			d->prog = p, d->prog_len = s.size;
			break;
		case EDGEAI_COREDUMP_CMDS:
			d->cmds = p, d->cmds_len = s.size;
			break;
		case EDGEAI_COREDUMP_BUFFERS:
			d->bufs = p, d->bufs_len = s.size;
			break;
		case EDGEAI_COREDUMP_HISTORY:
			d->hist = p, d->hist_len = s.size;
			break;
		default:
			break; /* a newer section: skipped */
		}
		/* Payloads are padded to 8 bytes; the last one may end the dump. */
		pos += s.size;
		pos += (8 - pos % 8) % 8;
		if (pos > d->hdr.total_size)
			pos = d->hdr.total_size;
	}
	return 0;
}

/* The program's header, and its tensor table and ops that lie inside the dump. */
struct prog_view {
	struct edgeai_prog_header h;
	uint32_t tensors, ops; /* entries fully inside the dumped bytes */
};

static int prog_view(const struct dump *d, struct prog_view *v)
{
	uint64_t n;

	if (!d->prog || d->prog_len < sizeof(v->h))
		return -EINVAL;
	memcpy(&v->h, d->prog, sizeof(v->h));
	v->tensors = v->ops = 0;
	if (v->h.tensor_offset <= d->prog_len) {
		n = (d->prog_len - v->h.tensor_offset) / sizeof(struct edgeai_prog_tensor);
		v->tensors = n < v->h.tensor_count ? (uint32_t)n : v->h.tensor_count;
	}
	if (v->h.op_offset <= d->prog_len) {
		n = (d->prog_len - v->h.op_offset) / sizeof(struct edgeai_prog_op);
		v->ops = n < v->h.op_count ? (uint32_t)n : v->h.op_count;
	}
	return 0;
}

static const char *dtype_name(uint32_t t)
{
	switch (t) {
	case EDGEAI_DTYPE_INT8: return "int8";
	case EDGEAI_DTYPE_UINT8: return "uint8";
	case EDGEAI_DTYPE_INT16: return "int16";
	case EDGEAI_DTYPE_INT32: return "int32";
	case EDGEAI_DTYPE_INT64: return "int64";
	}
	return "?";
}

static void print_time(char *buf, size_t len, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64 " ns", ns);
}

static void print_text(const char *source, const struct dump *d)
{
	struct prog_view pv;
	char when[40];

	print_time(when, sizeof(when), d->hdr.time_ns);
	printf("%s: edgeai core dump, %u bytes, taken %s\n", source, d->hdr.total_size, when);
	if (d->has_dev)
		printf("  device: %s accel%u (type %u), %u core%s, %u kHz, job timeout %u ms, reset #%u, firmware %s\n",
		       d->dev.engine, d->dev.minor, d->dev.type, d->dev.core_count,
		       d->dev.core_count == 1 ? "" : "s", d->dev.freq_khz, d->dev.timeout_ms,
		       d->dev.reset_count, *d->dev.fw_name ? d->dev.fw_name : "-");
	if (d->has_job) {
		printf("  guilty job: id %" PRIu64 " of client %" PRIu64 " on core %u, priority %u, %u buffer%s, %" PRIu64
		       " bytes, %" PRIu64 " MACs\n",
		       (uint64_t)d->job.id, (uint64_t)d->job.client_id, d->job.core, d->job.priority,
		       d->job.bo_count, d->job.bo_count == 1 ? "" : "s", (uint64_t)d->job.bytes,
		       (uint64_t)d->job.macs);
		if (d->job.flags & EDGEAI_COREDUMP_JOB_PROGRAM)
			printf("  program: %u bytes, crc32 0x%08x\n", d->job.prog_size, d->job.prog_crc32);
		else
			printf("  commands: %u\n", d->job.cmd_count);
	}
	if (!prog_view(d, &pv)) {
		printf("  program header: magic 0x%08x version %u, %u tensor%s, %u op%s, %u slot%s, constants %u bytes at %u\n",
		       pv.h.magic, pv.h.version, pv.h.tensor_count, pv.h.tensor_count == 1 ? "" : "s",
		       pv.h.op_count, pv.h.op_count == 1 ? "" : "s", pv.h.slot_count,
		       pv.h.slot_count == 1 ? "" : "s", pv.h.const_size, pv.h.const_offset);
		for (uint32_t i = 0; i < pv.tensors; i++) {
			struct edgeai_prog_tensor t;

			memcpy(&t, d->prog + pv.h.tensor_offset + i * sizeof(t), sizeof(t));
			printf("    tensor %u: %s [%u,%u,%u,%u] ", i, dtype_name(t.dtype), t.dims[0], t.dims[1],
			       t.dims[2], t.dims[3]);
			if (t.slot == EDGEAI_PROG_SLOT_CONST)
				printf("const");
			else
				printf("slot %u", t.slot);
			printf(" +%" PRIu64 " zp %d\n", (uint64_t)t.offset, t.zero_point);
		}
		for (uint32_t i = 0; i < pv.ops; i++) {
			struct edgeai_prog_op op;

			memcpy(&op, d->prog + pv.h.op_offset + i * sizeof(op), sizeof(op));
			printf("    op %u: %s (%u) in", i, op_name(op.opcode), op.opcode);
			for (uint32_t k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++)
				if (op.inputs[k] != EDGEAI_PROG_NO_TENSOR)
					printf(" %u", op.inputs[k]);
			printf(" -> %u\n", op.output);
		}
	}
	for (uint32_t i = 0; d->cmds && i < d->cmds_len / sizeof(struct drm_edgeai_cmd); i++) {
		struct drm_edgeai_cmd c;

		memcpy(&c, d->cmds + i * sizeof(c), sizeof(c));
		if (c.op == DRM_EDGEAI_CMD_COPY)
			printf("    cmd %u: copy %" PRIu64 " bytes slot %u+%" PRIu64 " -> slot %u+%" PRIu64 "\n", i,
			       (uint64_t)c.size, c.src_slot, (uint64_t)c.src_offset, c.dst_slot, (uint64_t)c.dst_offset);
		else
			printf("    cmd %u: %s %" PRIu64 " bytes slot %u+%" PRIu64 " value 0x%02x\n", i,
			       c.op == DRM_EDGEAI_CMD_FILL ? "fill" : "op?", (uint64_t)c.size, c.dst_slot,
			       (uint64_t)c.dst_offset, c.value & 0xff);
	}
	for (uint32_t i = 0; d->bufs && i < d->bufs_len / sizeof(struct edgeai_coredump_buffer); i++) {
		struct edgeai_coredump_buffer b;

		memcpy(&b, d->bufs + i * sizeof(b), sizeof(b));
		printf("    buffer slot %u: %" PRIu64 " bytes%s%s\n", i, (uint64_t)b.size,
		       b.flags & DRM_EDGEAI_BO_READ ? " read" : "", b.flags & DRM_EDGEAI_BO_WRITE ? " write" : "");
	}
	if (d->has_regs) {
		const struct edgeai_coredump_regs *r = &d->regs;

		printf("  core %u registers: status 0x%x (%s%s%s%s%s), job %" PRIu64 ", error %d, job time %" PRIu64
		       " ns\n", r->core, r->status,
		       r->status & EDGEAI_COREDUMP_CORE_LOADED ? "loaded" : "empty",
		       r->status & EDGEAI_COREDUMP_CORE_EXECUTING ? " executing" : "",
		       r->status & EDGEAI_COREDUMP_CORE_TIMER ? " completing" : "",
		       r->status & EDGEAI_COREDUMP_CORE_BUSY ? " busy" : "",
		       r->status & EDGEAI_COREDUMP_CORE_GONE ? " gone" : "",
		       (uint64_t)r->job_id, r->error, (uint64_t)r->job_time_ns);
		printf("  core %u: %" PRIu64 " jobs done, busy %" PRIu64 " ns; device: power %s, %u busy core%s, %u kHz, "
		       "%.1f C, %u mW, %" PRIu64 " uJ; fault knobs hang %u fail %u\n",
		       r->core, (uint64_t)r->jobs_done, (uint64_t)r->busy_ns, power_name(r->power), r->busy_cores,
		       r->busy_cores == 1 ? "" : "s", r->freq_khz, r->temp_mc / 1000.0, r->power_mw,
		       (uint64_t)r->energy_uj, r->fault_hang, r->fault_fail);
	}
	if (d->hist) {
		uint32_t n = d->hist_len / sizeof(struct edgeai_coredump_history);

		printf("  last %u completed job%s, oldest first:\n", n, n == 1 ? "" : "s");
		for (uint32_t i = 0; i < n; i++) {
			struct edgeai_coredump_history h;

			memcpy(&h, d->hist + i * sizeof(h), sizeof(h));
			printf("    job %" PRIu64 " client %" PRIu64 " core %d status %d device time %" PRIu64 " ns",
			       (uint64_t)h.id, (uint64_t)h.client_id, h.core == UINT32_MAX ? -1 : (int)h.core, h.status,
			       (uint64_t)h.device_time_ns);
			if (h.prog_size)
				printf(" program crc32 0x%08x (%u bytes)", h.prog_crc32, h.prog_size);
			printf("\n");
		}
	}
}

static void print_json(const char *source, const struct dump *d)
{
	struct prog_view pv;

	printf("{\"source\":");
	json_string(stdout, source);
	printf(",\"size\":%u,\"time_ns\":%" PRIu64, d->hdr.total_size, (uint64_t)d->hdr.time_ns);
	if (d->has_dev) {
		printf(",\"device\":{\"engine\":");
		json_string(stdout, d->dev.engine);
		printf(",\"type\":%u,\"minor\":%u,\"cores\":%u,\"freq_khz\":%u,\"timeout_ms\":%u,\"reset_count\":%u,"
		       "\"firmware\":", d->dev.type, d->dev.minor, d->dev.core_count, d->dev.freq_khz,
		       d->dev.timeout_ms, d->dev.reset_count);
		json_string(stdout, d->dev.fw_name);
		printf("}");
	}
	if (d->has_job) {
		printf(",\"job\":{\"id\":%" PRIu64 ",\"client_id\":%" PRIu64 ",\"core\":%u,\"priority\":%u,"
		       "\"buffers\":%u,\"bytes\":%" PRIu64 ",\"macs\":%" PRIu64 ",\"program\":%s,\"commands\":%u,"
		       "\"prog_size\":%u,\"prog_crc32\":\"0x%08x\"}",
		       (uint64_t)d->job.id, (uint64_t)d->job.client_id, d->job.core, d->job.priority, d->job.bo_count,
		       (uint64_t)d->job.bytes, (uint64_t)d->job.macs,
		       d->job.flags & EDGEAI_COREDUMP_JOB_PROGRAM ? "true" : "false", d->job.cmd_count,
		       d->job.prog_size, d->job.prog_crc32);
	}
	if (d->has_regs) {
		const struct edgeai_coredump_regs *r = &d->regs;

		printf(",\"regs\":{\"core\":%u,\"status\":%u,\"loaded\":%s,\"executing\":%s,\"job_id\":%" PRIu64
		       ",\"error\":%d,\"job_time_ns\":%" PRIu64 ",\"busy_ns\":%" PRIu64 ",\"jobs_done\":%" PRIu64
		       ",\"power\":\"%s\",\"busy_cores\":%u,\"freq_khz\":%u,\"temp_mc\":%d,\"power_mw\":%u,"
		       "\"energy_uj\":%" PRIu64 ",\"fault_hang\":%u,\"fault_fail\":%u}",
		       r->core, r->status, r->status & EDGEAI_COREDUMP_CORE_LOADED ? "true" : "false",
		       r->status & EDGEAI_COREDUMP_CORE_EXECUTING ? "true" : "false", (uint64_t)r->job_id, r->error,
		       (uint64_t)r->job_time_ns, (uint64_t)r->busy_ns, (uint64_t)r->jobs_done, power_name(r->power),
		       r->busy_cores, r->freq_khz, r->temp_mc, r->power_mw, (uint64_t)r->energy_uj, r->fault_hang,
		       r->fault_fail);
	}
	if (!prog_view(d, &pv)) {
		printf(",\"program\":{\"bytes_dumped\":%u,\"version\":%u,\"total_size\":%u,\"slot_count\":%u,"
		       "\"const_size\":%u,\"tensors\":[", d->prog_len, pv.h.version, pv.h.total_size, pv.h.slot_count,
		       pv.h.const_size);
		for (uint32_t i = 0; i < pv.tensors; i++) {
			struct edgeai_prog_tensor t;

			memcpy(&t, d->prog + pv.h.tensor_offset + i * sizeof(t), sizeof(t));
			printf("%s{\"dtype\":\"%s\",\"slot\":%d,\"offset\":%" PRIu64 ",\"dims\":[%u,%u,%u,%u],\"zero_point\":%d}",
			       i ? "," : "", dtype_name(t.dtype), t.slot == EDGEAI_PROG_SLOT_CONST ? -1 : (int)t.slot,
			       (uint64_t)t.offset, t.dims[0], t.dims[1], t.dims[2], t.dims[3], t.zero_point);
		}
		printf("],\"ops\":[");
		for (uint32_t i = 0; i < pv.ops; i++) {
			struct edgeai_prog_op op;
			int first = 1;

			memcpy(&op, d->prog + pv.h.op_offset + i * sizeof(op), sizeof(op));
			printf("%s{\"opcode\":%u,\"name\":\"%s\",\"inputs\":[", i ? "," : "", op.opcode, op_name(op.opcode));
			for (uint32_t k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++) {
				if (op.inputs[k] == EDGEAI_PROG_NO_TENSOR)
					continue;
				printf("%s%u", first ? "" : ",", op.inputs[k]);
				first = 0;
			}
			printf("],\"output\":%u}", op.output);
		}
		printf("]}");
	}
	if (d->cmds) {
		printf(",\"commands\":[");
		for (uint32_t i = 0; i < d->cmds_len / sizeof(struct drm_edgeai_cmd); i++) {
			struct drm_edgeai_cmd c;

			memcpy(&c, d->cmds + i * sizeof(c), sizeof(c));
			printf("%s{\"op\":%u,\"dst_slot\":%u,\"dst_offset\":%" PRIu64 ",\"src_slot\":%u,\"src_offset\":%" PRIu64
			       ",\"size\":%" PRIu64 ",\"value\":%u}", i ? "," : "", c.op, c.dst_slot, (uint64_t)c.dst_offset,
			       c.src_slot, (uint64_t)c.src_offset, (uint64_t)c.size, c.value);
		}
		printf("]");
	}
	if (d->bufs) {
		printf(",\"buffers\":[");
		for (uint32_t i = 0; i < d->bufs_len / sizeof(struct edgeai_coredump_buffer); i++) {
			struct edgeai_coredump_buffer b;

			memcpy(&b, d->bufs + i * sizeof(b), sizeof(b));
			printf("%s{\"size\":%" PRIu64 ",\"flags\":%u}", i ? "," : "", (uint64_t)b.size, b.flags);
		}
		printf("]");
	}
	if (d->hist) {
		printf(",\"history\":[");
		for (uint32_t i = 0; i < d->hist_len / sizeof(struct edgeai_coredump_history); i++) {
			struct edgeai_coredump_history h;

			memcpy(&h, d->hist + i * sizeof(h), sizeof(h));
			printf("%s{\"id\":%" PRIu64 ",\"client_id\":%" PRIu64 ",\"core\":%d,\"status\":%d,"
			       "\"end_ns\":%" PRIu64 ",\"device_time_ns\":%" PRIu64 ",\"prog_size\":%u,\"prog_crc32\":\"0x%08x\"}",
			       i ? "," : "", (uint64_t)h.id, (uint64_t)h.client_id,
			       h.core == UINT32_MAX ? -1 : (int)h.core, h.status, (uint64_t)h.end_ns,
			       (uint64_t)h.device_time_ns, h.prog_size, h.prog_crc32);
		}
		printf("]");
	}
	printf("}");
}

/* Reads a whole file (sysfs reports no size for devcoredump data). */
static int read_all(const char *path, uint8_t **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0 || !buf) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *nb;

			if (cap >= DUMP_MAX) {
				err = -EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* Decodes one dump from @path; 0 printed, 1 not an edgeai dump or malformed, -errno unreadable. */
static int decode(const char *source, const char *path, int *printed, int quiet_foreign)
{
	struct dump d;
	uint8_t *data = NULL;
	size_t len = 0;
	const char *why = NULL;
	int r = read_all(path, &data, &len);

	if (r < 0) {
		fprintf(stderr, "edgeaictl: coredump: cannot read %s: %s\n", path, strerror(-r));
		return r;
	}
	r = dump_parse(data, len, &d, &why);
	if (r < 0) {
		if (!quiet_foreign || (len >= 4 && !memcmp(data, &(uint32_t){ EDGEAI_COREDUMP_MAGIC }, 4)))
			fprintf(stderr, "edgeaictl: coredump: %s: %s\n", path, why);
		free(data);
		return 1;
	}
	if (arg_json) {
		printf("%s", *printed ? "," : "");
		print_json(source, &d);
	} else {
		print_text(source, &d);
	}
	(*printed)++;
	free(data);
	return 0;
}

/*
 * devcdN holds an edgeai dump: its failing device is bound to edgeai, or
 * (unbound since) its data starts with the dump's magic.
 */
static int is_edgeai(const char *devcd)
{
	char path[PATH_MAX], target[PATH_MAX];
	uint32_t magic = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), DEVCD_DIR "/%s/failing_device/driver", devcd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = 0;
		return !strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "edgeai");
	}
	snprintf(path, sizeof(path), DEVCD_DIR "/%s/data", devcd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, &magic, sizeof(magic));
	close(fd);
	return n == sizeof(magic) && magic == EDGEAI_COREDUMP_MAGIC;
}

int verb_coredump(int argc, char *argv[])
{
	int clear = argc > 1 && !strcmp(argv[1], "clear");
	int printed = 0, found = 0, bad = 0;
	struct dirent *de;
	DIR *dir;

	if (argc > 1 && !clear) {
		if (arg_json)
			printf("{\"dumps\":[");
		bad = decode(argv[1], argv[1], &printed, 0) != 0;
		if (arg_json)
			printf("]}\n");
		return bad ? EXIT_FAILURE : EXIT_SUCCESS;
	}

	dir = opendir(DEVCD_DIR);
	if (!dir && errno != ENOENT) {
		fprintf(stderr, "edgeaictl: coredump: %s: %s\n", DEVCD_DIR, strerror(errno));
		return EXIT_FAILURE;
	}
	if (arg_json && !clear)
		printf("{\"dumps\":[");
	while (dir && (de = readdir(dir))) {
		char path[PATH_MAX];

		if (strncmp(de->d_name, "devcd", 5) || !is_edgeai(de->d_name))
			continue;
		found++;
		snprintf(path, sizeof(path), DEVCD_DIR "/%s/data", de->d_name);
		if (clear) {
			/* Any write frees the dump. */
			int fd = open(path, O_WRONLY | O_CLOEXEC);

			if (fd < 0 || write(fd, "1", 1) != 1) {
				fprintf(stderr, "edgeaictl: coredump: cannot free %s: %s\n", path, strerror(errno));
				bad = 1;
			} else {
				printf("freed %s\n", de->d_name);
			}
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (decode(de->d_name, path, &printed, 1))
			bad = 1;
	}
	if (dir)
		closedir(dir);
	if (arg_json && !clear)
		printf("]}\n");
	if (!found && !arg_json)
		fprintf(stderr, "edgeaictl: coredump: no edgeai dump in %s\n", DEVCD_DIR);
	return !found || bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
