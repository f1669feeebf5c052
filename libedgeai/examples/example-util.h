/* SPDX-License-Identifier: MIT */
/*
 * The two chores every example has besides libedgeai itself: reading a
 * file into memory and the byte size of a tensor. Copy them along with an
 * example.
 */
#ifndef EDGEAI_EXAMPLE_UTIL_H
#define EDGEAI_EXAMPLE_UTIL_H

#include <stddef.h>

#include <edgeai/edgeai.h>

/* The whole file in a malloc()ed buffer (free() it), or NULL with errno. */
void *example_read_file(const char *path, size_t *len);

/* Bytes of a tensor of this shape and type. */
size_t example_tensor_bytes(const struct edgeai_tensor_info *t);

#endif
