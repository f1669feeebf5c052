/* SPDX-License-Identifier: MIT */
/*
 * A reader of the FlexBuffers values TFLite's custom ops keep their
 * options in (flexbuffer.c): the root map of an op's custom_options, read
 * key by key, every offset checked against the bytes it was given.
 */
#ifndef EDGEAI_MODEL_FLEXBUFFER_H
#define EDGEAI_MODEL_FLEXBUFFER_H

#include <stddef.h>
#include <stdint.h>

/*
 * The number stored under @key in the map at the root of the FlexBuffer
 * @data (@size bytes), in *@ret: an integer, unsigned integer, float or
 * bool, inline or indirect, converted as flexbuffers::Reference's
 * AsDouble() converts it. 0 when found, -ENOENT when the map has no such
 * key, -EBADMSG when the buffer is malformed (an offset outside it, a root
 * that is not a map) or the value is not a number.
 */
int model_flex_number(const uint8_t *data, size_t size, const char *key, double *ret);

#endif
