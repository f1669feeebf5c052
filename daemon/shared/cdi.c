// SPDX-License-Identifier: MIT
/* CDI specs of the accelerators (cdi.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cdi.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

#define MAX_TYPES 8

/* A CDI kind's name segment: 1..63 of [A-Za-z0-9_-], alphanumeric at both ends (no dots before 0.6.0). */
static bool kind_name_valid(const char *s)
{
	static const char an[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t l = strlen(s);

	return l && l <= 63 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == l &&
	       strchr(an, s[0]) && strchr(an, s[l - 1]);
}

int cdi_find_library(CdiOptions *o)
{
	static const char *const sonames[] = {
		"/usr/lib/libedgeai.so.0",
		"/usr/local/lib/libedgeai.so.0",
#ifdef __x86_64__
		"/usr/lib/x86_64-linux-gnu/libedgeai.so.0",
#endif
#ifdef __aarch64__
		"/usr/lib/aarch64-linux-gnu/libedgeai.so.0",
#endif
	};

	for (size_t i = 0; i < ELEMENTSOF(sonames); i++)
		if (realpath(sonames[i], o->library_buf)) {
			o->library = o->library_buf;
			o->library_target = sonames[i];
			return 0;
		}
	return -ENOENT;
}

size_t cdi_types(const AccelDevice *devs, size_t n, const char *types[], size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		if (!kind_name_valid(devs[i].type))
			continue;
		for (size_t j = 0; j < k; j++)
			seen = seen || !strcmp(types[j], devs[i].type);
		if (!seen && k < max)
			types[k++] = devs[i].type;
	}
	return k;
}

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void yaml_node(FILE *f, const char *indent, const AccelDevice *d)
{
	char node[64];

	snprintf(node, sizeof(node), "/dev/accel/%s", d->name);
	fprintf(f, "%s- path: ", indent);
	yaml_str(f, node);
	fprintf(f, "\n%s  type: c\n%s  permissions: rw\n", indent, indent);
}

int cdi_write_spec(FILE *f, const char *type, const AccelDevice *devs, size_t n, const CdiOptions *o)
{
	size_t idx = 0;

	if (!kind_name_valid(type))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		idx += !strcmp(devs[i].type, type);
	if (!idx)
		return -ENOENT;
	fprintf(f, "# The %s accelerators of this board for containers (CDI), by edgeai.\n"
		"# Request one with --device " CDI_VENDOR "/%s=0 (or =all).\n"
		"cdiVersion: \"" CDI_VERSION "\"\n"
		"kind: \"" CDI_VENDOR "/%s\"\n"
		"devices:\n", type, type, type);
	idx = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(devs[i].type, type))
			continue;
		fprintf(f, "  - name: \"%zu\"\n"
			"    containerEdits:\n"
			"      deviceNodes:\n", idx++);
		yaml_node(f, "        ", &devs[i]);
	}
	fprintf(f, "  - name: \"all\"\n"
		"    containerEdits:\n"
		"      deviceNodes:\n");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(devs[i].type, type))
			yaml_node(f, "        ", &devs[i]);
	fprintf(f, "containerEdits:\n");
	if (o && o->runtime_dir) {
		char advice[SYSFS_PATH_MAX + 16];

		snprintf(advice, sizeof(advice), "EDGEAI_ADVICE_FILE=%s/advice", o->runtime_dir);
		fprintf(f, "  env:\n    - ");
		yaml_str(f, advice);
		fputc('\n', f);
	}
	if (o && (o->library || o->runtime_dir)) {
		fprintf(f, "  mounts:\n");
		if (o->library) {
			fprintf(f, "    - hostPath: ");
			yaml_str(f, o->library);
			fprintf(f, "\n      containerPath: ");
			yaml_str(f, o->library_target ? o->library_target : o->library);
			fprintf(f, "\n      options: [\"ro\", \"nosuid\", \"nodev\", \"bind\"]\n");
		}
		if (o->runtime_dir) {
			fprintf(f, "    - hostPath: ");
			yaml_str(f, o->runtime_dir);
			fprintf(f, "\n      containerPath: ");
			yaml_str(f, o->runtime_dir);
			fprintf(f, "\n      options: [\"ro\", \"nosuid\", \"nodev\", \"noexec\", \"rbind\"]\n");
		}
	}
	return ferror(f) ? -EIO : 0;
}

static int write_one(const char *dir, const char *type, const AccelDevice *devs, size_t n, const CdiOptions *o,
		     char *err, size_t errlen)
{
	char path[SYSFS_PATH_MAX + 64], tmp[SYSFS_PATH_MAX + 80];
	FILE *f;
	int fd, r;

	snprintf(path, sizeof(path), "%s/edgeai-%s.yaml", dir, type);
	snprintf(tmp, sizeof(tmp), "%s/.edgeai-%s.yaml.tmp", dir, type);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", tmp);
		return r;
	}
	/* readable by every container runtime, whatever the umask */
	fchmod(fd, 0644);
	f = fdopen(fd, "we");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		snprintf(err, errlen, "%s", tmp);
		return r;
	}
	r = cdi_write_spec(f, type, devs, n, o);
	if (fflush(f) != 0 && r >= 0)
		r = -errno;
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		snprintf(err, errlen, "%s", path);
	}
	return r;
}

int cdi_write_dir(const char *dir, const AccelDevice *devs, size_t n, const CdiOptions *o, char *err,
		  size_t errlen)
{
	const char *types[MAX_TYPES];
	size_t k = cdi_types(devs, n, types, MAX_TYPES);
	struct dirent *de;
	DIR *d;
	int r;

	*err = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(err, errlen, "%s", dir);
		return r;
	}
	for (size_t i = 0; i < k; i++) {
		r = write_one(dir, types[i], devs, n, o, err, errlen);
		if (r < 0)
			return r;
	}
	/* the specs of types that went away */
	d = opendir(dir);
	if (!d)
		return (int)k;
	while ((de = readdir(d))) {
		char type[64], p[SYSFS_PATH_MAX + 300];
		bool present = false;
		size_t l = strlen(de->d_name);

		if (strncmp(de->d_name, "edgeai-", 7) || l < 12 || strcmp(de->d_name + l - 5, ".yaml") ||
		    l - 12 >= sizeof(type))
			continue;
		memcpy(type, de->d_name + 7, l - 12);
		type[l - 12] = 0;
		for (size_t i = 0; i < k; i++)
			present = present || !strcmp(types[i], type);
		if (!present) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	}
	closedir(d);
	return (int)k;
}
