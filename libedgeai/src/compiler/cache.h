/* SPDX-License-Identifier: MIT */
/* On-disk cache of compiled programs and of the ops each driver takes (cache.c). */
#ifndef EDGEAI_CACHE_H
#define EDGEAI_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/compile.h"
#include "runtime/runtime.h"

/*
 * The cache directory (created): @dir when not NULL, else the environment's;
 * -ENOENT when caching is off ("" or nothing set).
 */
int cc_cache_dir(const char *dir, char *buf, size_t size);
/*
 * The entry name of @m: "s256-" and the SHA-256 of its bytes (of a file's:
 * their SHA-256, from its memo in @dir when it has one), the library
 * version and sources.
 */
int cc_cache_key(const struct edgeai_model *m, const char *dir, char *key, size_t size);
/* 0 and *ret; -ENOENT (no entry); -EBADMSG (corrupt: removed). */
int cc_cache_load_program(const char *dir, const char *key, struct cc_compiled **ret);
int cc_cache_store_program(const char *dir, const char *key,
			   const struct cc_compiled *c);
/* accept[i] = 1 when the device's driver takes model op i. */
int cc_cache_load_ops(const char *dir, const char *key, const struct rt_identity *d,
		      uint8_t *accept, uint32_t n_ops);
int cc_cache_store_ops(const char *dir, const char *key, const struct rt_identity *d,
		       const uint8_t *accept, uint32_t n_ops);

#endif
