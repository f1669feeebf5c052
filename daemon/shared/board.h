/* SPDX-License-Identifier: MIT */
/*
 * The board's identity, the same in edgeaid's metrics and in `edgeaictl
 * status --json`, so that a fleet's series and reports can be told apart:
 * the name configured in /etc/edgeai/board-id, else an id derived from
 * /etc/machine-id (an application-specific id: the machine id itself is
 * not leaked, see sd_id128_get_machine_app_specific(3)).
 */
#ifndef EDGEAI_SHARED_BOARD_H
#define EDGEAI_SHARED_BOARD_H

#include <stddef.h>

#define EDGEAI_BOARD_ID_FILE "/etc/edgeai/board-id"
#define BOARD_ID_MAX 64

/*
 * The first line of @path if it is 1..63 characters of [A-Za-z0-9._-];
 * -ENOENT without the file, -EINVAL when its text is not such a name.
 */
int board_id_configured(const char *path, char *buf, size_t len);

/*
 * The board id into @buf (BOARD_ID_MAX bytes): configured in @path (NULL:
 * EDGEAI_BOARD_ID_FILE), else derived from the machine id. Returns 0, or
 * -errno when neither exists (@buf is then "unknown").
 */
int board_id(const char *path, char *buf, size_t len);

#endif
