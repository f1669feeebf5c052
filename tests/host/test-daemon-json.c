// SPDX-License-Identifier: MIT
/*
 * daemon/json.c, edgeaictl's one JSON string writer: escapes, control
 * characters, and UTF-8 validation (every ill-formed byte becomes \ufffd,
 * well-formed sequences pass through unchanged).
 */
/* host-test-sources: daemon/json.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "../../daemon/json.h"

static int check(const char *in, size_t n, const char *want, const char *what)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ok;

	if (!f)
		return ktap_ok(0, "%s: open_memstream", what);
	json_string_n(f, in, n);
	fclose(f);
	ok = ktap_ok(!strcmp(buf, want), "%s: %s", what, buf);
	if (!ok)
		ktap_diag("want %s", want);
	free(buf);
	return ok;
}

#define CHECK(in, want, what) check(in, sizeof(in) - 1, want, what)

int main(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	ktap_start();
	CHECK("conv2d/Relu6", "\"conv2d/Relu6\"", "plain ASCII as it is");
	CHECK("a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	CHECK("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"", "short escapes");
	CHECK("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other controls and DEL as \\u00XX");
	CHECK("a\0b", "\"a\\u0000b\"", "an embedded NUL");
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	      "valid 2-, 3- and 4-byte sequences pass through");
	CHECK("\xef\xbf\xbf\xf4\x8f\xbf\xbf", "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"", "U+FFFF and U+10FFFF are valid");
	CHECK("x\xffy", "\"x\\ufffdy\"", "byte 0xFF");
	CHECK("\x80\xbf", "\"\\ufffd\\ufffd\"", "stray continuation bytes");
	CHECK("\xc0\xaf", "\"\\ufffd\\ufffd\"", "overlong '/' (C0 AF)");
	CHECK("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"", "overlong 3-byte form");
	CHECK("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "a UTF-16 surrogate (U+D800)");
	CHECK("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF");
	CHECK("\xf5", "\"\\ufffd\"", "lead byte 0xF5");
	CHECK("ab\xe2\x82", "\"ab\\ufffd\\ufffd\"", "a sequence cut short at the end");
	CHECK("\xe2\x82z", "\"\\ufffd\\ufffdz\"", "a sequence cut short by ASCII");

	f = open_memstream(&buf, &size);
	json_string(f, NULL);
	fputc(' ', f);
	json_string(f, "");
	fclose(f);
	ktap_ok(!strcmp(buf, "null \"\""), "NULL is null, \"\" is \"\": %s", buf);
	free(buf);
	return ktap_finish();
}
