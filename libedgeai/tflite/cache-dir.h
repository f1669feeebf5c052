/* SPDX-License-Identifier: MIT */
/* The delegate's cache_dir option, handed to the plugin's copy of libedgeai (cache-dir.c). */
#ifndef EDGEAI_TFLITE_CACHE_DIR_H
#define EDGEAI_TFLITE_CACHE_DIR_H

/* Compiles on this thread use @dir ("" for none; NULL: libedgeai's default). */
void etfl_cache_dir_set(const char *dir);

char *__wrap_secure_getenv(const char *name);
char *__real_secure_getenv(const char *name);

#endif
