/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) for the compile cache's keys and checksums
 * (sha256.c). Incremental: init, update any number of times, final.
 * Calls nothing but libc.
 */
#ifndef EDGEAI_BASE_SHA256_H
#define EDGEAI_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define BASE_SHA256_SIZE 32

struct base_sha256 {
	uint32_t h[8];
	uint64_t length;	/* bytes hashed so far */
	uint8_t block[64];
	size_t used;		/* bytes waiting in @block */
};

void base_sha256_init(struct base_sha256 *s);
void base_sha256_update(struct base_sha256 *s, const void *data, size_t size);
/* Pads, writes the digest to @out and leaves @s to be initialized again. */
void base_sha256_final(struct base_sha256 *s, uint8_t out[BASE_SHA256_SIZE]);
/* One-shot digest of @size bytes at @data. */
void base_sha256(const void *data, size_t size, uint8_t out[BASE_SHA256_SIZE]);
/*
 * Whether blocks go through the CPU's SHA instructions (x86-64 SHA
 * extensions) when it has them (@on, the default) or through the portable
 * code; returns 1 when the instructions are now in use. Tests compare the two.
 */
int base_sha256_set_accel(int on);
/* @digest as 64 lowercase hex digits and a NUL into @hex. */
void base_sha256_hex(const uint8_t digest[BASE_SHA256_SIZE], char hex[2 * BASE_SHA256_SIZE + 1]);

#endif
