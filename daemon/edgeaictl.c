// SPDX-License-Identifier: MIT
/*
 * edgeaictl - inspect and test edgeai accelerators.
 *
 * Works without the daemon: it talks to the devices through libedgeai.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <edgeai/edgeai.h>

#define EXIT_USAGE 2

#define SELFTEST_SIZE (64 * 1024)
#define SELFTEST_TIMEOUT_NS (INT64_C(10) * 1000000000)

#define program program_invocation_short_name

static struct {
	int json;
	const char *device;
} arg;

static void help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND\n"
	       "\n"
	       "Inspect and test edgeai NPU/DSP accelerators (/dev/accel/accelN devices of the\n"
	       "edgeai kernel driver). edgeaictl talks to the devices directly through\n"
	       "libedgeai and works with or without the edgeaid daemon.\n"
	       "\n"
	       "Commands:\n"
	       "  status            Show a table of the accelerators: device node, type (npu,\n"
	       "                    dsp), number of cores, firmware version and capabilities.\n"
	       "                    Values come from the driver (GET_PARAM); when the device\n"
	       "                    cannot be opened they come from sysfs.\n"
	       "  selftest          On each device, run a job that fills and copies buffers,\n"
	       "                    once submitted by ioctl and once through io_uring, verify\n"
	       "                    every byte with the CPU, and print the device time of each\n"
	       "                    job and OK, FAIL or SKIP (io_uring not offered by the\n"
	       "                    kernel).\n"
	       "\n"
	       "Options:\n"
	       "  -d, --device=PATH Use only the device node PATH (e.g. /dev/accel/accel0).\n"
	       "  -j, --json        Print JSON on standard output instead of a table.\n"
	       "  -h, --help        Show this help and exit.\n"
	       "  -V, --version     Show the version of edgeaictl and libedgeai and exit.\n"
	       "\n"
	       "Exit status:\n"
	       "  0  success (status: at least one device; selftest: every test passed)\n"
	       "  1  failure (no accelerator found, a device error, a selftest failed)\n"
	       "  2  usage error (unknown command or option)\n"
	       "\n"
	       "Environment:\n"
	       "  EDGEAI_DEBUG=1    libedgeai logs each failing call to standard error.\n"
	       "\n"
	       "Examples:\n"
	       "  %s status\n"
	       "  %s selftest --device /dev/accel/accel1 --json\n"
	       "\n"
	       "See also: edgeaid(8), modinfo edgeai\n",
	       program, program, program);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void format_fw(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
}

static void format_caps(uint64_t caps, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ EDGEAI_CAP_URING_CMD, "uring_cmd" },
		{ EDGEAI_CAP_PRIME_IMPORT_FOREIGN, "prime_import_foreign" },
		{ EDGEAI_CAP_SYNCOBJ, "syncobj" },
		{ EDGEAI_CAP_SIMULATED, "simulated" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & names[i].bit))
			continue;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "," : "", names[i].name);
		caps &= ~names[i].bit;
	}
	if (caps)
		n += snprintf(buf + n, n < size ? size - n : 0, "%s0x%llx", n ? "," : "",
			      (unsigned long long)caps);
	if (n == 0)
		snprintf(buf, size, "-");
}

static int no_device_error(void)
{
	fprintf(stderr, "%s: no edgeai accelerator found (is the edgeai module loaded?)\n", program);
	return EXIT_FAILURE;
}

/* The devices to work on: --device, else every device found. */
static int collect_devices(struct edgeai_device_info **ret, int *ret_n)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info *infos;
	int r, n;

	if (arg.device) {
		struct edgeai_device *dev = NULL;

		infos = calloc(1, sizeof(*infos));
		if (!infos)
			return -ENOMEM;
		r = edgeai_device_open(arg.device, EDGEAI_OPEN_NO_URING, &dev);
		if (r >= 0)
			r = edgeai_device_get_info(dev, infos);
		edgeai_device_unref(dev);
		if (r < 0) {
			fprintf(stderr, "%s: %s: %s\n", program, arg.device, edgeai_strerror(r));
			free(infos);
			return r;
		}
		*ret = infos;
		*ret_n = 1;
		return 0;
	}

	r = edgeai_enumerate(&list);
	if (r < 0) {
		fprintf(stderr, "%s: failed to enumerate devices: %s\n", program, edgeai_strerror(r));
		return r;
	}
	n = r;
	infos = calloc(n ? n : 1, sizeof(*infos));
	if (!infos) {
		edgeai_device_list_unref(list);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		(void)edgeai_device_list_get(list, (unsigned int)i, &infos[i]);
	edgeai_device_list_unref(list);
	*ret = infos;
	*ret_n = n;
	return 0;
}

static int cmd_status(void)
{
	struct edgeai_device_info *infos = NULL;
	char fw[32], caps[128];
	int n = 0, r;

	r = collect_devices(&infos, &n);
	if (r < 0)
		return EXIT_FAILURE;

	if (arg.json) {
		printf("{\"devices\":[");
		for (int i = 0; i < n; i++) {
			const struct edgeai_device_info *d = &infos[i];

			format_fw(d->fw_version, fw, sizeof(fw));
			printf("%s{\"node\":", i ? "," : "");
			json_string(d->node);
			printf(",\"name\":");
			json_string(d->name);
			printf(",\"type\":\"%s\",\"cores\":%u,\"firmware_version\":\"%s\","
			       "\"fw_abi_version\":%u,\"capabilities\":%llu,\"capability_names\":[",
			       edgeai_device_type_name(d->type), d->core_count, fw, d->fw_abi_version,
			       (unsigned long long)d->capabilities);
			format_caps(d->capabilities, caps, sizeof(caps));
			if (strcmp(caps, "-") != 0) {
				char *save = NULL, *tok;
				int first = 1;

				for (tok = strtok_r(caps, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
					printf("%s", first ? "" : ",");
					json_string(tok);
					first = 0;
				}
			}
			printf("],\"source\":\"%s\"}", d->from_ioctl ? "ioctl" : "sysfs");
		}
		printf("]}\n");
	} else if (n > 0) {
		printf("%-20s %-5s %5s %-9s %s\n", "NODE", "TYPE", "CORES", "FIRMWARE", "CAPABILITIES");
		for (int i = 0; i < n; i++) {
			const struct edgeai_device_info *d = &infos[i];

			format_fw(d->fw_version, fw, sizeof(fw));
			format_caps(d->capabilities, caps, sizeof(caps));
			printf("%-20s %-5s %5u %-9s %s%s\n", d->node, edgeai_device_type_name(d->type),
			       d->core_count, fw, caps, d->from_ioctl ? "" : " (from sysfs)");
		}
	}
	free(infos);
	if (n == 0)
		return no_device_error();
	return EXIT_SUCCESS;
}

struct selftest_result {
	const char *path;
	const char *verdict; /* "ok", "fail", "skip" */
	int error;
	const char *what;
	uint64_t device_time_ns;
};

/*
 * One FILL+COPY job: the CPU writes a pattern into src; the job fills all
 * of dst with 0x5a, then copies a window of src into the middle of dst.
 */
static void selftest_one(struct edgeai_device *dev, unsigned int flags,
			 struct selftest_result *res)
{
	struct edgeai_buffer *src = NULL, *dst = NULL;
	struct edgeai_job *job = NULL;
	struct edgeai_job_result jr;
	const uint64_t copy_src = 4096, copy_dst = 8192, copy_len = 16384 + 123;
	uint8_t *s, *d;
	void *p;
	int r;

	res->verdict = "fail";
	res->error = 0;
	res->what = NULL;
	res->device_time_ns = 0;

#define STEP(expr, name)                                                       \
	do {                                                                   \
		r = (expr);                                                    \
		if (r < 0) {                                                   \
			res->error = r;                                        \
			res->what = name;                                      \
			goto out;                                              \
		}                                                              \
	} while (0)

	STEP(edgeai_buffer_new(dev, SELFTEST_SIZE, 0, &src), "create source buffer");
	STEP(edgeai_buffer_new(dev, SELFTEST_SIZE, 0, &dst), "create destination buffer");
	STEP(edgeai_buffer_map(src, &p), "map source buffer");
	s = p;
	STEP(edgeai_buffer_cpu_prep(src, EDGEAI_ACCESS_WRITE, SELFTEST_TIMEOUT_NS), "CPU prep source");
	for (size_t i = 0; i < SELFTEST_SIZE; i++)
		s[i] = (uint8_t)(i * 7 + 3);
	STEP(edgeai_buffer_cpu_fini(src), "CPU fini source");

	STEP(edgeai_job_new(dev, &job), "create job");
	STEP(edgeai_job_add_fill(job, dst, 0, SELFTEST_SIZE, 0x5a), "add FILL");
	STEP(edgeai_job_add_copy(job, dst, copy_dst, src, copy_src, copy_len), "add COPY");

	r = edgeai_job_run(job, flags, SELFTEST_TIMEOUT_NS);
	if (r == -EOPNOTSUPP && (flags & EDGEAI_SUBMIT_URING)) {
		struct edgeai_device_info info = {};

		(void)edgeai_device_get_info(dev, &info);
		if (!(info.capabilities & EDGEAI_CAP_URING_CMD)) {
			res->verdict = "skip";
			res->error = r;
			res->what = "io_uring not offered by the kernel";
			goto out;
		}
	}
	STEP(r, "run job");
	STEP(edgeai_job_get_result(job, &jr), "job result");
	res->device_time_ns = jr.device_time_ns;

	STEP(edgeai_buffer_map(dst, &p), "map destination buffer");
	d = p;
	STEP(edgeai_buffer_cpu_prep(dst, EDGEAI_ACCESS_READ, SELFTEST_TIMEOUT_NS), "CPU prep destination");
	for (uint64_t i = 0; i < SELFTEST_SIZE; i++) {
		uint8_t want = (i >= copy_dst && i < copy_dst + copy_len) ? s[i - copy_dst + copy_src] : 0x5a;

		if (d[i] != want) {
			res->error = -EIO;
			res->what = "destination bytes differ from the expected pattern";
			(void)edgeai_buffer_cpu_fini(dst);
			goto out;
		}
	}
	STEP(edgeai_buffer_cpu_fini(dst), "CPU fini destination");
	res->verdict = "ok";
#undef STEP
out:
	edgeai_job_unref(job);
	edgeai_buffer_unref(src);
	edgeai_buffer_unref(dst);
}

static int cmd_selftest(void)
{
	struct edgeai_device_info *infos = NULL;
	int n = 0, failed = 0, r;

	r = collect_devices(&infos, &n);
	if (r < 0)
		return EXIT_FAILURE;
	if (n == 0) {
		free(infos);
		if (arg.json)
			printf("{\"devices\":[],\"result\":\"fail\"}\n");
		return no_device_error();
	}

	if (arg.json)
		printf("{\"devices\":[");
	for (int i = 0; i < n; i++) {
		struct selftest_result res[2] = { { .path = "ioctl" }, { .path = "io_uring" } };
		const unsigned int flags[2] = { EDGEAI_SUBMIT_IOCTL, EDGEAI_SUBMIT_URING };
		struct edgeai_device *dev = NULL;

		r = edgeai_device_open(infos[i].node, 0, &dev);
		for (int k = 0; k < 2; k++) {
			if (r < 0) {
				res[k].verdict = "fail";
				res[k].error = r;
				res[k].what = "open device";
			} else {
				selftest_one(dev, flags[k], &res[k]);
			}
			if (strcmp(res[k].verdict, "fail") == 0)
				failed++;
		}
		edgeai_device_unref(dev);

		if (arg.json) {
			printf("%s{\"node\":", i ? "," : "");
			json_string(infos[i].node);
			printf(",\"type\":\"%s\",\"tests\":[", edgeai_device_type_name(infos[i].type));
			for (int k = 0; k < 2; k++) {
				printf("%s{\"name\":\"fill_copy\",\"path\":\"%s\",\"result\":\"%s\","
				       "\"device_time_ns\":%llu,\"error\":",
				       k ? "," : "", res[k].path, res[k].verdict,
				       (unsigned long long)res[k].device_time_ns);
				if (res[k].error) {
					char msg[256];

					snprintf(msg, sizeof(msg), "%s: %s", res[k].what,
						 edgeai_strerror(res[k].error));
					json_string(msg);
				} else {
					printf("null");
				}
				printf("}");
			}
			printf("]}");
		} else {
			for (int k = 0; k < 2; k++) {
				printf("%-20s %-5s fill+copy by %-8s ", infos[i].node,
				       edgeai_device_type_name(infos[i].type), res[k].path);
				if (strcmp(res[k].verdict, "ok") == 0)
					printf("device time %8.3f us  OK\n", res[k].device_time_ns / 1000.0);
				else
					printf("%s (%s: %s)\n", strcmp(res[k].verdict, "skip") ? "FAIL" : "SKIP",
					       res[k].what, edgeai_strerror(res[k].error));
			}
		}
	}
	if (arg.json)
		printf("],\"result\":\"%s\"}\n", failed ? "fail" : "ok");
	else
		printf("selftest: %s (%d failed)\n", failed ? "FAIL" : "OK", failed);
	free(infos);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{}
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "hVjd:", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return EXIT_SUCCESS;
		case 'V':
			printf("edgeaictl %s (libedgeai %s)\n", EDGEAI_VERSION_STRING, edgeai_version());
			return EXIT_SUCCESS;
		case 'j':
			arg.json = 1;
			break;
		case 'd':
			if (!*optarg) {
				fprintf(stderr, "%s: --device needs a device node path\n", program);
				return EXIT_USAGE;
			}
			arg.device = optarg;
			break;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", program);
			return EXIT_USAGE;
		}
	}

	if (optind >= argc) {
		fprintf(stderr, "%s: missing command (status, selftest)\n"
				"Try '%s --help' for more information.\n", program, program);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	if (optind + 1 < argc) {
		fprintf(stderr, "%s: too many arguments: '%s'\n", program, argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "status") == 0)
		return cmd_status();
	if (strcmp(cmd, "selftest") == 0)
		return cmd_selftest();

	fprintf(stderr, "%s: unknown command '%s' (status, selftest)\n"
			"Try '%s --help' for more information.\n", program, cmd, program);
	return EXIT_USAGE;
}
