// SPDX-License-Identifier: MIT
/*
 * The cache_dir option.
 *
 * libedgeai takes its compile cache directory from $EDGEAI_CACHE_DIR when
 * edgeai_model_compile() runs (src/cache.c) and has no per-compile option
 * for it yet. Setting the variable would change it for the whole
 * application, and setenv() races with getenv() in other threads. So the
 * plugin links its private copy of libedgeai with -Wl,--wrap=secure_getenv
 * (Makefile): while the delegate compiles, on that thread, the copy sees
 * the delegate's cache_dir as EDGEAI_CACHE_DIR; every other lookup gets
 * the real environment. This goes away when struct
 * edgeai_compile_options can name a cache directory.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cache-dir.h"

static __thread const char *cache_dir;

void etfl_cache_dir_set(const char *dir)
{
	cache_dir = dir;
}

char *__wrap_secure_getenv(const char *name)
{
	if (cache_dir && !strcmp(name, "EDGEAI_CACHE_DIR"))
		return (char *)cache_dir;
	return __real_secure_getenv(name);
}
