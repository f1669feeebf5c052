/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_URING_H__
#define __EDGEAI_URING_H__

struct io_uring_cmd;

int edgeai_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags);

#endif /* __EDGEAI_URING_H__ */
