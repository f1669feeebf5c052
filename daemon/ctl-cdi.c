// SPDX-License-Identifier: MIT
/*
 * edgeaictl cdi: the Container Device Interface specs of this board's
 * accelerators (shared/cdi.h), for podman, containerd and CRI-O.
 *
 *   edgeaictl cdi generate [--output DIR|-]   write edgeai-<type>.yaml into DIR
 *                                             (default /etc/cdi), or print them
 *   edgeaictl cdi list                        the CDI names of the devices
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeaictl.h"
#include "shared/cdi.h"
#include "shared/macro.h"
#include "shared/protocol.h"

#define program program_invocation_short_name

void ctl_cdi_help(void)
{
	printf("Usage: %s cdi generate [--output DIR|-]\n"
	       "       %s cdi list\n"
	       "\n"
	       "Container Device Interface (CDI) specs of the accelerators: one per device\n"
	       "type, kind " CDI_VENDOR "/TYPE (npu, dsp), devices named 0, 1, ... and all.\n"
	       "A container gets one with: podman run --device " CDI_VENDOR "/npu=0 ...\n"
	       "edgeaid keeps the specs of the devices present in " CDI_RUN_DIR " up to date.\n"
	       "\n"
	       "  -o, --output=DIR  write DIR/edgeai-TYPE.yaml (default " CDI_ETC_DIR "); \"-\" prints\n"
	       "                    the specs on standard output, separated by \"---\"\n"
	       "  -h, --help        show this help\n", program, program);
}

static int generate(const char *out)
{
	_cleanup_free_ AccelDevice *devs = NULL;
	const char *types[8];
	CdiOptions o = { .runtime_dir = EDGEAID_RUNTIME_DIR };
	char err[600];
	size_t n, k;
	int r;

	r = accel_enumerate(&devs, &n);
	if (r < 0) {
		fprintf(stderr, "%s: cannot list /sys/class/accel: %s\n", program, strerror(-r));
		return EXIT_FAILURE;
	}
	k = cdi_types(devs, n, types, ELEMENTSOF(types));
	if (!k) {
		fprintf(stderr, "%s: no edgeai accelerator found: no CDI spec to write\n", program);
		return EXIT_FAILURE;
	}
	cdi_find_library(&o);
	if (!strcmp(out, "-")) {
		for (size_t i = 0; i < k; i++) {
			if (i)
				printf("---\n");
			cdi_write_spec(stdout, types[i], devs, n, &o);
		}
		return EXIT_SUCCESS;
	}
	r = cdi_write_dir(out, devs, n, &o, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", program, err, strerror(-r));
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < k; i++)
		printf("%s/edgeai-%s.yaml\n", out, types[i]);
	return EXIT_SUCCESS;
}

static int list(void)
{
	_cleanup_free_ AccelDevice *devs = NULL;
	const char *types[8];
	size_t n, k;
	int r;

	r = accel_enumerate(&devs, &n);
	if (r < 0) {
		fprintf(stderr, "%s: cannot list /sys/class/accel: %s\n", program, strerror(-r));
		return EXIT_FAILURE;
	}
	k = cdi_types(devs, n, types, ELEMENTSOF(types));
	if (arg_json)
		printf("{\"devices\":[");
	for (size_t t = 0, first = 1; t < k; t++) {
		size_t idx = 0;

		for (size_t i = 0; i <= n; i++) {
			char name[128], node[64] = "";

			if (i < n && strcmp(devs[i].type, types[t]))
				continue;
			if (i < n) {
				snprintf(name, sizeof(name), CDI_VENDOR "/%s=%zu", types[t], idx++);
				snprintf(node, sizeof(node), "/dev/accel/%s", devs[i].name);
			} else {
				snprintf(name, sizeof(name), CDI_VENDOR "/%s=all", types[t]);
			}
			if (arg_json) {
				printf("%s{\"name\":", first ? "" : ",");
				json_string(stdout, name);
				printf(",\"node\":");
				if (*node)
					json_string(stdout, node);
				else
					printf("null");
				printf("}");
				first = 0;
			} else {
				printf("%-24s %s\n", name, *node ? node : "(every device of the type)");
			}
		}
	}
	if (arg_json)
		printf("]}\n");
	if (!k) {
		fprintf(stderr, "%s: no edgeai accelerator found\n", program);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

int verb_cdi(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	const char *out = CDI_ETC_DIR;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "ho:j", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			ctl_cdi_help();
			return EXIT_SUCCESS;
		case 'o':
			if (!*optarg) {
				fprintf(stderr, "%s: cdi: --output needs a directory or \"-\"\n", program);
				return EXIT_USAGE;
			}
			out = optarg;
			break;
		case 'j':
			arg_json = 1;
			break;
		default:
			fprintf(stderr, "Try '%s cdi --help' for more information.\n", program);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: cdi needs a command: generate or list\n", program);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "%s: cdi %s: unexpected argument '%s'\n", program, argv[optind], argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "generate"))
		return generate(out);
	if (!strcmp(argv[optind], "list"))
		return list();
	fprintf(stderr, "%s: cdi: unknown command '%s' (generate or list)\n", program, argv[optind]);
	return EXIT_USAGE;
}
