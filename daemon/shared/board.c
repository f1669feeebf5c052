// SPDX-License-Identifier: MIT
/* The board's identity (board.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "board.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <systemd/sd-id128.h>

#include "sysfs.h"

/* edgeai's application id for sd_id128_get_machine_app_specific() */
#define EDGEAI_BOARD_APP_ID SD_ID128_MAKE(e7, fd, 0a, a3, d0, c0, 4b, e9, 96, 8d, 2a, 81, 5c, 69, 6f, 3b)

static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

int board_id_configured(const char *path, char *buf, size_t len)
{
	char line[256];
	size_t l;
	int r;

	r = read_line_file(path, line, sizeof(line));
	if (r < 0)
		return r;
	l = strlen(line);
	if (!l || l >= BOARD_ID_MAX || l >= len || strspn(line, name_chars) != l)
		return -EINVAL;
	memcpy(buf, line, l + 1);
	return 0;
}

int board_id(const char *path, char *buf, size_t len)
{
	char s[SD_ID128_STRING_MAX];
	sd_id128_t id;
	int r;

	if (board_id_configured(path ? path : EDGEAI_BOARD_ID_FILE, buf, len) == 0)
		return 0;
	r = sd_id128_get_machine_app_specific(EDGEAI_BOARD_APP_ID, &id);
	if (r < 0) {
		snprintf(buf, len, "unknown");
		return r;
	}
	snprintf(buf, len, "%s", sd_id128_to_string(id, s));
	return 0;
}
