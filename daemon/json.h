/* SPDX-License-Identifier: MIT */
/*
 * JSON strings for edgeaictl's --json output (json.c): the one place that
 * turns a C string into JSON. Every string edgeaictl prints inside JSON
 * (names from a model file, sysfs, fdinfo, D-Bus) goes through it, so the
 * output is always valid JSON and valid UTF-8 whatever the bytes were.
 */
#ifndef EDGEAI_JSON_H
#define EDGEAI_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * @s as a JSON string, quotes included: '"' and '\' escaped, control
 * characters (U+0000..U+001F, U+007F) as \n, \t, ... or \u00XX, valid
 * UTF-8 sequences as they are, and each byte that does not start a valid
 * sequence (stray continuation, overlong form, surrogate, above U+10FFFF,
 * cut short) as \ufffd, the replacement character. NULL prints null.
 */
void json_string(FILE *f, const char *s);
/* The same for the @n bytes at @s (NUL bytes included, as \u0000). */
void json_string_n(FILE *f, const char *s, size_t n);

/* The length of the valid UTF-8 sequence at @p (1..4), 0 when none starts there. */
size_t json_utf8_len(const unsigned char *p, size_t n);

#endif
