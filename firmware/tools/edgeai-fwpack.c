// SPDX-License-Identifier: GPL-2.0-only
/*
 * edgeai-fwpack - build and inspect edgeai firmware images.
 *
 *   edgeai-fwpack [-D key=value]... -o IMAGE [SPEC|-]
 *   edgeai-fwpack --inspect IMAGE
 *
 * The image format is firmware/include/edgeai_fw_image.h. A spec is a small
 * text file of "key = value" lines ('#' starts a comment outside quotes):
 *
 *   device         = npu | dsp | <number>
 *   version        = MAJOR.MINOR.PATCH
 *   version_string = "text"             (optional, default derived)
 *   abi_version    = N                  (optional, default EDGEAI_FW_ABI_VERSION)
 *   macs_per_cycle = N
 *   cmds           = copy fill ...      (names of enum drm_edgeai_cmd_op)
 *   op_mask        = LOW64 HIGH64       (optional, default 0 0)
 *   opp            = FREQ_KHZ VOLTAGE_UV POWER_MW   (one line per OPP)
 *   ambient_mc, passive_mc, critical_mc = milli-degrees Celsius
 *   r_th_mc_per_w, tau_ms, idle_power_mw = thermal model
 *   code           = "bytes"            (optional, C escapes allowed)
 *
 * -D lines are applied after the spec and replace its values (the first
 * -D opp=... replaces the spec's whole OPP table).
 *
 * The CODE section: the simulator backend runs the device-side command
 * processor and op kernels (firmware/ops/) compiled into edgeai.ko, so
 * today's images carry no device code. Unless the spec gives one, the CODE
 * section is a placeholder: a short text describing the build (device,
 * version, command ABI, commands, MACs per cycle).
 *
 * --help says all this too (edgeai-fwpack is installed; its help must
 * stand alone). --inspect prints an image as comments (header, section table, CRC check)
 * followed by a spec that packs back into the identical image; it exits 1
 * when the image is malformed.
 *
 * The output is a pure function of the spec: no timestamps, no host data.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeai_fw_image.h"
#include "edgeai_accel.h"

#define PROG "edgeai-fwpack"

_Static_assert(sizeof(struct edgeai_fw_header) == 96, "header is 96 bytes");
_Static_assert(sizeof(struct edgeai_fw_section) == 16, "section entry is 16 bytes");
_Static_assert(sizeof(struct edgeai_fw_caps) == 32, "caps is 32 bytes");
_Static_assert(sizeof(struct edgeai_fw_opp) == 16, "opp is 16 bytes");
_Static_assert(sizeof(struct edgeai_fw_thermal) == 32, "thermal is 32 bytes");

/* ---- CRC-32 (IEEE 802.3, reflected 0xEDB88320, as zlib's crc32()) ---- */

static uint32_t crc_table[256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* crc32_update(0, buf, len) equals zlib's crc32(0, buf, len). */
static uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len)
{
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *buf++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* CRC of an image with its header crc32 field taken as zero. */
static uint32_t image_crc(const uint8_t *img, size_t size)
{
	static const uint8_t zero[4];
	size_t at = offsetof(struct edgeai_fw_header, crc32);
	uint32_t crc;

	crc = crc32_update(0, img, at);
	crc = crc32_update(crc, zero, 4);
	return crc32_update(crc, img + at + 4, size - at - 4);
}

/* ---- little-endian access ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- names ---- */

static const struct {
	const char *name;
	uint32_t type;
} device_names[] = {
	{ "npu", DRM_EDGEAI_DEVICE_NPU },
	{ "dsp", DRM_EDGEAI_DEVICE_DSP },
};

/* Index = enum drm_edgeai_cmd_op. */
static const char *const cmd_names[] = {
	[DRM_EDGEAI_CMD_COPY] = "copy",
	[DRM_EDGEAI_CMD_FILL] = "fill",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *section_name(uint32_t type)
{
	switch (type) {
	case EDGEAI_FW_SECTION_CODE: return "code";
	case EDGEAI_FW_SECTION_CAPS: return "caps";
	case EDGEAI_FW_SECTION_OPP: return "opp";
	case EDGEAI_FW_SECTION_THERMAL: return "thermal";
	}
	return "unknown";
}

/* ---- the description of one image ---- */

struct opp {
	uint32_t freq_khz, voltage_uv, power_mw;
};

struct spec {
	bool has_device, has_version, has_version_string, has_macs, has_cmds;
	bool has_ambient, has_passive, has_critical, has_rth, has_tau, has_idle;
	bool has_code;
	uint32_t device_type;
	uint32_t fw_version;
	uint32_t abi_version;
	char version_string[EDGEAI_FW_VERSION_LEN];
	uint32_t macs_per_cycle;
	uint32_t cmd_mask;
	uint64_t op_mask[2];
	unsigned int opp_count;
	struct opp opp[EDGEAI_FW_MAX_OPPS];
	int32_t ambient_mc, passive_mc, critical_mc;
	uint32_t r_th_mc_per_w, tau_ms, idle_power_mw;
	uint8_t *code;
	size_t code_size;
};

/* Where the line being parsed came from, for error messages. */
static const char *cur_file;
static unsigned int cur_line;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	if (cur_file) {
		if (cur_line)
			fprintf(stderr, "%s:%u: ", cur_file, cur_line);
		else
			fprintf(stderr, "%s: ", cur_file);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- tokenizer: bare words and "quoted strings"; '#' starts a comment ---- */

#define MAX_TOKENS 8

struct token {
	char *text;	/* NUL-terminated; for strings the decoded bytes */
	size_t len;	/* decoded length (strings may hold NUL bytes) */
	bool quoted;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Splits @s in place; returns the token count. */
static int tokenize(char *s, struct token *tok)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || *s == '\n' || *s == '\r')
			return n;
		if (n == MAX_TOKENS)
			die("too many values");
		if (*s == '"') {
			char *out = ++s;

			tok[n].text = out;
			tok[n].quoted = true;
			for (;;) {
				int c = (unsigned char)*s++;

				if (!c || c == '\n')
					die("unterminated string");
				if (c == '"')
					break;
				if (c == '\\') {
					c = (unsigned char)*s++;
					switch (c) {
					case 'n': c = '\n'; break;
					case 't': c = '\t'; break;
					case 'r': c = '\r'; break;
					case '0': c = 0; break;
					case '\\': case '"': break;
					case 'x': {
						int hi = hexval(s[0]);
						int lo = hi < 0 ? -1 : hexval(s[1]);

						if (lo < 0)
							die("bad \\x escape in string");
						c = hi << 4 | lo;
						s += 2;
						break;
					}
					default:
						die("bad escape '\\%c' in string", c ? c : '0');
					}
				}
				*out++ = (char)c;
			}
			tok[n].len = (size_t)(out - tok[n].text);
			*out = '\0';	/* out < s: the closing quote was consumed */
			if (*s && *s != ' ' && *s != '\t' && *s != '#' &&
			    *s != '\n' && *s != '\r')
				die("junk after closing quote");
		} else {
			tok[n].text = s;
			tok[n].quoted = false;
			while (*s && *s != ' ' && *s != '\t' && *s != '#' &&
			       *s != '\n' && *s != '\r' && *s != '"')
				s++;
			tok[n].len = (size_t)(s - tok[n].text);
			if (*s == '"')
				die("unexpected '\"' in value");
			if (*s == '#') {
				*s = '\0';
				return n + 1;
			}
			if (*s)
				*s++ = '\0';
		}
		n++;
	}
}

static uint64_t parse_u(const struct token *t, const char *key, uint64_t max)
{
	char *end;
	unsigned long long v;

	if (t->quoted || !t->len || t->text[0] == '-' || t->text[0] == '+')
		die("%s: '%s' is not an unsigned number", key, t->text);
	errno = 0;
	v = strtoull(t->text, &end, 0);
	if (errno || *end)
		die("%s: '%s' is not an unsigned number", key, t->text);
	if (v > max)
		die("%s: %s is out of range (at most %" PRIu64 ")", key, t->text, max);
	return v;
}

static int32_t parse_s32(const struct token *t, const char *key)
{
	char *end;
	long long v;

	if (t->quoted || !t->len)
		die("%s: '%s' is not a number", key, t->text);
	errno = 0;
	v = strtoll(t->text, &end, 0);
	if (errno || *end)
		die("%s: '%s' is not a number", key, t->text);
	if (v < INT32_MIN || v > INT32_MAX)
		die("%s: %s is out of range for a signed 32-bit value", key, t->text);
	return (int32_t)v;
}

static void want_args(const char *key, int n, int want)
{
	if (n != want)
		die("%s takes %d value%s, got %d", key, want, want == 1 ? "" : "s", n);
}

/* Which keys were already set by the current source (spec or -D). */
struct seen {
	unsigned int mask;
	bool opp_reset;	/* -D opp: replace the spec's table on first use */
};

static void set_once(struct seen *seen, unsigned int bit, const char *key)
{
	if (seen->mask & bit)
		die("%s given twice", key);
	seen->mask |= bit;
}

static void parse_line(struct spec *sp, char *line, struct seen *seen, bool override)
{
	struct token tok[MAX_TOKENS];
	char *key, *eq, *p;
	int n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n' || *line == '\r')
		return;
	eq = strchr(line, '=');
	if (!eq)
		die("expected 'key = value'");
	key = line;
	for (p = eq; p > key && (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	*p = '\0';
	if (!*key)
		die("missing key before '='");
	for (p = key; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			die("bad key '%s'", key);
	n = tokenize(eq + 1, tok);
	if (!n)
		die("%s: missing value", key);

	if (!strcmp(key, "device")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 0, key);
		sp->has_device = true;
		for (size_t i = 0; i < ARRAY_SIZE(device_names); i++) {
			if (!strcmp(tok[0].text, device_names[i].name)) {
				sp->device_type = device_names[i].type;
				return;
			}
		}
		if (tok[0].text[0] >= '0' && tok[0].text[0] <= '9') {
			sp->device_type = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
			return;
		}
		die("device: unknown device '%s' (npu, dsp or a number)", tok[0].text);
	} else if (!strcmp(key, "version")) {
		unsigned int v[3];
		char c;

		want_args(key, n, 1);
		set_once(seen, 1u << 1, key);
		if (tok[0].quoted || sscanf(tok[0].text, "%u.%u.%u%c", &v[0], &v[1], &v[2], &c) != 3 ||
		    strspn(tok[0].text, "0123456789.") != tok[0].len)
			die("version: '%s' is not MAJOR.MINOR.PATCH", tok[0].text);
		if (v[0] > 0xffff || v[1] > 0xff || v[2] > 0xff)
			die("version: '%s' out of range (major <= 65535, minor and patch <= 255)",
			    tok[0].text);
		sp->fw_version = v[0] << 16 | v[1] << 8 | v[2];
		sp->has_version = true;
	} else if (!strcmp(key, "version_string")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 2, key);
		if (tok[0].len >= EDGEAI_FW_VERSION_LEN)
			die("version_string: longer than %d characters", EDGEAI_FW_VERSION_LEN - 1);
		if (!tok[0].len)
			die("version_string: empty");
		for (size_t i = 0; i < tok[0].len; i++)
			if (tok[0].text[i] < 0x20 || tok[0].text[i] > 0x7e)
				die("version_string: only printable ASCII is allowed");
		memset(sp->version_string, 0, sizeof(sp->version_string));
		memcpy(sp->version_string, tok[0].text, tok[0].len);
		sp->has_version_string = true;
	} else if (!strcmp(key, "abi_version")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 3, key);
		sp->abi_version = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
	} else if (!strcmp(key, "macs_per_cycle")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 4, key);
		sp->macs_per_cycle = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
		sp->has_macs = true;
	} else if (!strcmp(key, "cmds")) {
		set_once(seen, 1u << 5, key);
		sp->cmd_mask = 0;
		for (int i = 0; i < n; i++) {
			size_t c;

			for (c = 0; c < ARRAY_SIZE(cmd_names); c++)
				if (cmd_names[c] && !strcmp(tok[i].text, cmd_names[c]))
					break;
			if (c == ARRAY_SIZE(cmd_names)) {
				if (!strncmp(tok[i].text, "cmd", 3) && tok[i].text[3]) {
					struct token t = tok[i];

					t.text += 3;
					t.len -= 3;
					c = (size_t)parse_u(&t, key, 31);
				} else {
					die("cmds: unknown command '%s' (copy, fill, or cmdN)",
					    tok[i].text);
				}
			}
			if (sp->cmd_mask & (1u << c))
				die("cmds: '%s' listed twice", tok[i].text);
			sp->cmd_mask |= 1u << c;
		}
		sp->has_cmds = true;
	} else if (!strcmp(key, "op_mask")) {
		want_args(key, n, 2);
		set_once(seen, 1u << 6, key);
		sp->op_mask[0] = parse_u(&tok[0], key, UINT64_MAX);
		sp->op_mask[1] = parse_u(&tok[1], key, UINT64_MAX);
	} else if (!strcmp(key, "opp")) {
		want_args(key, n, 3);
		if (override && !seen->opp_reset) {
			sp->opp_count = 0;
			seen->opp_reset = true;
		}
		if (sp->opp_count == EDGEAI_FW_MAX_OPPS)
			die("opp: more than %d operating points", EDGEAI_FW_MAX_OPPS);
		sp->opp[sp->opp_count].freq_khz = (uint32_t)parse_u(&tok[0], "opp frequency", UINT32_MAX);
		sp->opp[sp->opp_count].voltage_uv = (uint32_t)parse_u(&tok[1], "opp voltage", UINT32_MAX);
		sp->opp[sp->opp_count].power_mw = (uint32_t)parse_u(&tok[2], "opp power", UINT32_MAX);
		sp->opp_count++;
	} else if (!strcmp(key, "ambient_mc")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 7, key);
		sp->ambient_mc = parse_s32(&tok[0], key);
		sp->has_ambient = true;
	} else if (!strcmp(key, "passive_mc")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 8, key);
		sp->passive_mc = parse_s32(&tok[0], key);
		sp->has_passive = true;
	} else if (!strcmp(key, "critical_mc")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 9, key);
		sp->critical_mc = parse_s32(&tok[0], key);
		sp->has_critical = true;
	} else if (!strcmp(key, "r_th_mc_per_w")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 10, key);
		sp->r_th_mc_per_w = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
		sp->has_rth = true;
	} else if (!strcmp(key, "tau_ms")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 11, key);
		sp->tau_ms = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
		sp->has_tau = true;
	} else if (!strcmp(key, "idle_power_mw")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 12, key);
		sp->idle_power_mw = (uint32_t)parse_u(&tok[0], key, UINT32_MAX);
		sp->has_idle = true;
	} else if (!strcmp(key, "code")) {
		want_args(key, n, 1);
		set_once(seen, 1u << 13, key);
		if (!tok[0].quoted)
			die("code: value must be a \"quoted string\"");
		free(sp->code);
		sp->code = xmalloc(tok[0].len);
		memcpy(sp->code, tok[0].text, tok[0].len);
		sp->code_size = tok[0].len;
		sp->has_code = true;
	} else {
		die("unknown key '%s'", key);
	}
}

static void parse_file(struct spec *sp, const char *path)
{
	struct seen seen = { 0 };
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	cur_file = strcmp(path, "-") ? path : "<stdin>";
	cur_line = 0;
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		die("cannot open: %s", strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		cur_line++;
		if (memchr(line, '\0', (size_t)len))
			die("NUL byte in spec");
		parse_line(sp, line, &seen, false);
	}
	if (ferror(f))
		die("read error: %s", strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	cur_line = 0;
}

/* The placeholder CODE payload; see the comment at the top of this file. */
static void default_code(struct spec *sp)
{
	char buf[512];
	int len;
	const char *dev = "device";

	for (size_t i = 0; i < ARRAY_SIZE(device_names); i++)
		if (device_names[i].type == sp->device_type)
			dev = device_names[i].name;
	len = snprintf(buf, sizeof(buf),
		       "edgeai %s firmware %u.%u.%u, abi %u, cmd_mask 0x%x, %u MACs/cycle.\n"
		       "Placeholder code section: the simulator backend executes the command\n"
		       "processor built into edgeai.ko; device code is not packed yet.\n",
		       dev, sp->fw_version >> 16, (sp->fw_version >> 8) & 0xff,
		       sp->fw_version & 0xff, sp->abi_version, sp->cmd_mask,
		       sp->macs_per_cycle);
	if (len < 0 || (size_t)len >= sizeof(buf))
		die("internal error: placeholder too long");
	sp->code = xmalloc((size_t)len);
	memcpy(sp->code, buf, (size_t)len);
	sp->code_size = (size_t)len;
}

/* Checks the rules of edgeai_fw_image.h that a spec can break. */
static void check_spec(struct spec *sp)
{
	static const struct { size_t off; const char *key; } required[] = {
		{ offsetof(struct spec, has_device), "device" },
		{ offsetof(struct spec, has_version), "version" },
		{ offsetof(struct spec, has_macs), "macs_per_cycle" },
		{ offsetof(struct spec, has_cmds), "cmds" },
		{ offsetof(struct spec, has_ambient), "ambient_mc" },
		{ offsetof(struct spec, has_passive), "passive_mc" },
		{ offsetof(struct spec, has_critical), "critical_mc" },
		{ offsetof(struct spec, has_rth), "r_th_mc_per_w" },
		{ offsetof(struct spec, has_tau), "tau_ms" },
		{ offsetof(struct spec, has_idle), "idle_power_mw" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!*(const bool *)((const char *)sp + required[i].off))
			die("missing required key '%s'", required[i].key);
	if (!sp->device_type)
		die("device: type 0 is not a device");
	if (!sp->macs_per_cycle)
		die("macs_per_cycle must be non-zero");
	if (!sp->cmd_mask)
		die("cmds: at least one command is required");
	if (!sp->opp_count)
		die("missing required key 'opp' (at least one operating point)");
	for (unsigned int i = 0; i < sp->opp_count; i++) {
		if (!sp->opp[i].freq_khz)
			die("opp %u: frequency must be non-zero", i);
		if (i && sp->opp[i].freq_khz <= sp->opp[i - 1].freq_khz)
			die("opp %u: frequencies must be strictly ascending (%" PRIu32
			    " kHz after %" PRIu32 " kHz)", i, sp->opp[i].freq_khz,
			    sp->opp[i - 1].freq_khz);
	}
	if (sp->ambient_mc >= sp->passive_mc)
		die("thermal: ambient_mc (%" PRId32 ") must be below passive_mc (%" PRId32 ")",
		    sp->ambient_mc, sp->passive_mc);
	if (sp->passive_mc >= sp->critical_mc)
		die("thermal: passive_mc (%" PRId32 ") must be below critical_mc (%" PRId32 ")",
		    sp->passive_mc, sp->critical_mc);
	if (!sp->r_th_mc_per_w)
		die("thermal: r_th_mc_per_w must be non-zero");
	if (!sp->tau_ms)
		die("thermal: tau_ms must be non-zero");
	if (!sp->has_version_string) {
		const char *dev = NULL;

		for (size_t i = 0; i < ARRAY_SIZE(device_names); i++)
			if (device_names[i].type == sp->device_type)
				dev = device_names[i].name;
		if (dev)
			snprintf(sp->version_string, sizeof(sp->version_string),
				 "edgeai-%s %u.%u.%u", dev, sp->fw_version >> 16,
				 (sp->fw_version >> 8) & 0xff, sp->fw_version & 0xff);
		else
			snprintf(sp->version_string, sizeof(sp->version_string),
				 "edgeai-%" PRIu32 " %u.%u.%u", sp->device_type,
				 sp->fw_version >> 16, (sp->fw_version >> 8) & 0xff,
				 sp->fw_version & 0xff);
	}
	if (!sp->has_code)
		default_code(sp);
	if (!sp->code_size)
		die("code: the code section must not be empty");
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* Lays the image out: header, section table, CODE, CAPS, OPP, THERMAL. */
static uint8_t *pack(const struct spec *sp, size_t *size_out)
{
	const unsigned int nsec = 4;
	size_t hdr = sizeof(struct edgeai_fw_header);
	size_t off_code = align8(hdr + nsec * sizeof(struct edgeai_fw_section));
	size_t off_caps = align8(off_code + sp->code_size);
	size_t off_opp = align8(off_caps + sizeof(struct edgeai_fw_caps));
	size_t opp_size = sp->opp_count * sizeof(struct edgeai_fw_opp);
	size_t off_th = align8(off_opp + opp_size);
	size_t size = off_th + sizeof(struct edgeai_fw_thermal);
	struct { uint32_t type; size_t off, size; } sec[4] = {
		{ EDGEAI_FW_SECTION_CODE, off_code, sp->code_size },
		{ EDGEAI_FW_SECTION_CAPS, off_caps, sizeof(struct edgeai_fw_caps) },
		{ EDGEAI_FW_SECTION_OPP, off_opp, opp_size },
		{ EDGEAI_FW_SECTION_THERMAL, off_th, sizeof(struct edgeai_fw_thermal) },
	};
	uint8_t *img, *p;

	if (sp->code_size > EDGEAI_FW_MAX_SIZE || size > EDGEAI_FW_MAX_SIZE)
		die("image would be larger than %u bytes", EDGEAI_FW_MAX_SIZE);
	img = xmalloc(size);
	memset(img, 0, size);

	put32(img + offsetof(struct edgeai_fw_header, magic), EDGEAI_FW_MAGIC);
	put16(img + offsetof(struct edgeai_fw_header, format_major), EDGEAI_FW_FORMAT_MAJOR);
	put16(img + offsetof(struct edgeai_fw_header, format_minor), EDGEAI_FW_FORMAT_MINOR);
	put32(img + offsetof(struct edgeai_fw_header, header_size), (uint32_t)hdr);
	put32(img + offsetof(struct edgeai_fw_header, image_size), (uint32_t)size);
	put32(img + offsetof(struct edgeai_fw_header, device_type), sp->device_type);
	put32(img + offsetof(struct edgeai_fw_header, fw_version), sp->fw_version);
	put32(img + offsetof(struct edgeai_fw_header, abi_version), sp->abi_version);
	put32(img + offsetof(struct edgeai_fw_header, section_count), nsec);
	memcpy(img + offsetof(struct edgeai_fw_header, version_string),
	       sp->version_string, EDGEAI_FW_VERSION_LEN);

	for (unsigned int i = 0; i < nsec; i++) {
		p = img + hdr + i * sizeof(struct edgeai_fw_section);
		put32(p + offsetof(struct edgeai_fw_section, type), sec[i].type);
		put32(p + offsetof(struct edgeai_fw_section, offset), (uint32_t)sec[i].off);
		put32(p + offsetof(struct edgeai_fw_section, size), (uint32_t)sec[i].size);
	}

	memcpy(img + off_code, sp->code, sp->code_size);

	p = img + off_caps;
	put32(p + offsetof(struct edgeai_fw_caps, macs_per_cycle), sp->macs_per_cycle);
	put32(p + offsetof(struct edgeai_fw_caps, cmd_mask), sp->cmd_mask);
	put64(p + offsetof(struct edgeai_fw_caps, op_mask), sp->op_mask[0]);
	put64(p + offsetof(struct edgeai_fw_caps, op_mask) + 8, sp->op_mask[1]);

	for (unsigned int i = 0; i < sp->opp_count; i++) {
		p = img + off_opp + i * sizeof(struct edgeai_fw_opp);
		put32(p + offsetof(struct edgeai_fw_opp, freq_khz), sp->opp[i].freq_khz);
		put32(p + offsetof(struct edgeai_fw_opp, voltage_uv), sp->opp[i].voltage_uv);
		put32(p + offsetof(struct edgeai_fw_opp, power_mw), sp->opp[i].power_mw);
	}

	p = img + off_th;
	put32(p + offsetof(struct edgeai_fw_thermal, ambient_mc), (uint32_t)sp->ambient_mc);
	put32(p + offsetof(struct edgeai_fw_thermal, passive_mc), (uint32_t)sp->passive_mc);
	put32(p + offsetof(struct edgeai_fw_thermal, critical_mc), (uint32_t)sp->critical_mc);
	put32(p + offsetof(struct edgeai_fw_thermal, r_th_mc_per_w), sp->r_th_mc_per_w);
	put32(p + offsetof(struct edgeai_fw_thermal, tau_ms), sp->tau_ms);
	put32(p + offsetof(struct edgeai_fw_thermal, idle_power_mw), sp->idle_power_mw);

	put32(img + offsetof(struct edgeai_fw_header, crc32), image_crc(img, size));
	*size_out = size;
	return img;
}

static void write_file(const char *path, const uint8_t *buf, size_t size)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + 8);
	FILE *f;

	/* Write a temporary file and rename it: no half-written image. */
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	cur_file = path;
	cur_line = 0;
	f = fopen(tmp, "wb");
	if (!f)
		die("cannot create %s: %s", tmp, strerror(errno));
	if (fwrite(buf, 1, size, f) != size || fflush(f) || ferror(f)) {
		fclose(f);
		remove(tmp);
		die("write error: %s", strerror(errno));
	}
	if (fclose(f)) {
		remove(tmp);
		die("write error: %s", strerror(errno));
	}
	if (rename(tmp, path)) {
		remove(tmp);
		die("cannot rename %s: %s", tmp, strerror(errno));
	}
	free(tmp);
}

/* ---- --inspect ---- */

static void print_string(const uint8_t *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

static int bad;

static void problem(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": %s: ", cur_file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	printf("# PROBLEM: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	bad = 1;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		die("cannot open: %s", strerror(errno));
	do {
		if (len == cap) {
			uint8_t *nb;

			if (cap > (size_t)EDGEAI_FW_MAX_SIZE * 2)
				die("file is far too large for a firmware image");
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				die("out of memory");
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f))
		die("read error: %s", strerror(errno));
	fclose(f);
	*size = len;
	return buf;
}

static int inspect(const char *path)
{
	size_t size;
	uint8_t *img;
	const uint8_t *h;
	uint32_t hsize, isize, dtype, ver, nsec, crc, want;
	const uint8_t *sec_ptr[5] = { 0 };
	uint32_t sec_size[5] = { 0 };
	const char *dev = NULL;

	cur_file = path;
	cur_line = 0;
	img = read_file(path, &size);
	h = img;
	if (size < sizeof(struct edgeai_fw_header))
		die("%zu bytes is shorter than the %zu-byte header", size,
		    sizeof(struct edgeai_fw_header));
	if (get32(h) != EDGEAI_FW_MAGIC)
		die("bad magic 0x%08" PRIx32 " (not an edgeai firmware image)", get32(h));

	hsize = get32(h + offsetof(struct edgeai_fw_header, header_size));
	isize = get32(h + offsetof(struct edgeai_fw_header, image_size));
	dtype = get32(h + offsetof(struct edgeai_fw_header, device_type));
	ver = get32(h + offsetof(struct edgeai_fw_header, fw_version));
	nsec = get32(h + offsetof(struct edgeai_fw_header, section_count));
	crc = get32(h + offsetof(struct edgeai_fw_header, crc32));
	for (size_t i = 0; i < ARRAY_SIZE(device_names); i++)
		if (device_names[i].type == dtype)
			dev = device_names[i].name;

	printf("# edgeai firmware image %s\n", path);
	printf("# file size      %zu\n", size);
	printf("# magic          0x%08" PRIx32 " (EAFW)\n", get32(h));
	printf("# format         %u.%u\n", get16(h + offsetof(struct edgeai_fw_header, format_major)),
	       get16(h + offsetof(struct edgeai_fw_header, format_minor)));
	printf("# header_size    %" PRIu32 "\n", hsize);
	printf("# image_size     %" PRIu32 "\n", isize);
	printf("# device_type    %" PRIu32 " (%s)\n", dtype, dev ? dev : "unknown");
	printf("# fw_version     0x%06" PRIx32 " (%u.%u.%u)\n", ver, ver >> 16,
	       (ver >> 8) & 0xff, ver & 0xff);
	printf("# abi_version    %" PRIu32 "\n",
	       get32(h + offsetof(struct edgeai_fw_header, abi_version)));
	printf("# flags          0x%" PRIx32 "\n",
	       get32(h + offsetof(struct edgeai_fw_header, flags)));
	printf("# section_count  %" PRIu32 "\n", nsec);

	if (get16(h + offsetof(struct edgeai_fw_header, format_major)) != EDGEAI_FW_FORMAT_MAJOR)
		problem("format major %u, this tool knows %u",
			get16(h + offsetof(struct edgeai_fw_header, format_major)),
			EDGEAI_FW_FORMAT_MAJOR);
	if (hsize != sizeof(struct edgeai_fw_header))
		problem("header_size %" PRIu32 " is not %zu", hsize,
			sizeof(struct edgeai_fw_header));
	if (isize != size)
		problem("image_size %" PRIu32 " is not the file size %zu", isize, size);
	if (get32(h + offsetof(struct edgeai_fw_header, flags)))
		problem("header flags are not zero");
	for (int i = 0; i < 6; i++)
		if (get32(h + offsetof(struct edgeai_fw_header, reserved) + 4 * i))
			problem("header reserved word %d is not zero", i);
	want = image_crc(img, size);
	printf("# crc32          0x%08" PRIx32 " (%s)\n", crc, crc == want ? "ok" : "MISMATCH");
	if (crc != want)
		problem("CRC mismatch: header says 0x%08" PRIx32 ", computed 0x%08" PRIx32,
			crc, want);

	if (nsec < 1 || nsec > EDGEAI_FW_MAX_SECTIONS) {
		problem("section_count %" PRIu32 " not in 1..%d", nsec, EDGEAI_FW_MAX_SECTIONS);
		nsec = 0;
	} else if (sizeof(struct edgeai_fw_header) + (size_t)nsec * 16 > size) {
		problem("section table runs past the end of the file");
		nsec = 0;
	}
	for (uint32_t i = 0; i < nsec; i++) {
		const uint8_t *s = img + sizeof(struct edgeai_fw_header) + i * 16;
		uint32_t type = get32(s), flags = get32(s + 4);
		uint32_t off = get32(s + 8), len = get32(s + 12);

		printf("# section %-2" PRIu32 "     %-7s type %" PRIu32 " offset %" PRIu32
		       " size %" PRIu32 " flags 0x%" PRIx32 "\n",
		       i, section_name(type), type, off, len, flags);
		if ((uint64_t)off + len > size || off % 8 ||
		    off < sizeof(struct edgeai_fw_header) + nsec * 16) {
			problem("section %" PRIu32 " out of bounds or misaligned", i);
			continue;
		}
		if (flags)
			problem("section %" PRIu32 " flags are not zero", i);
		if (type >= 1 && type <= 4) {
			if (sec_ptr[type])
				problem("section type %s appears twice", section_name(type));
			sec_ptr[type] = img + off;
			sec_size[type] = len;
		} else {
			problem("section %" PRIu32 " has unknown type %" PRIu32, i, type);
		}
	}

	/* The description, as a spec that packs back into this image. */
	printf("\n");
	if (dev)
		printf("device = %s\n", dev);
	else
		printf("device = %" PRIu32 "\n", dtype);
	printf("version = %u.%u.%u\n", ver >> 16, (ver >> 8) & 0xff, ver & 0xff);
	printf("version_string = ");
	print_string(h + offsetof(struct edgeai_fw_header, version_string),
		     strnlen((const char *)h + offsetof(struct edgeai_fw_header, version_string),
			     EDGEAI_FW_VERSION_LEN));
	printf("\n");
	if (!memchr(h + offsetof(struct edgeai_fw_header, version_string), 0,
		    EDGEAI_FW_VERSION_LEN))
		problem("version_string is not NUL-terminated");
	printf("abi_version = %" PRIu32 "\n",
	       get32(h + offsetof(struct edgeai_fw_header, abi_version)));

	if (sec_ptr[EDGEAI_FW_SECTION_CAPS] &&
	    sec_size[EDGEAI_FW_SECTION_CAPS] == sizeof(struct edgeai_fw_caps)) {
		const uint8_t *c = sec_ptr[EDGEAI_FW_SECTION_CAPS];
		uint32_t mask = get32(c + offsetof(struct edgeai_fw_caps, cmd_mask));

		printf("macs_per_cycle = %" PRIu32 "\n",
		       get32(c + offsetof(struct edgeai_fw_caps, macs_per_cycle)));
		printf("cmds =");
		for (unsigned int b = 0; b < 32; b++) {
			if (!(mask & (1u << b)))
				continue;
			if (b < ARRAY_SIZE(cmd_names) && cmd_names[b])
				printf(" %s", cmd_names[b]);
			else
				printf(" cmd%u", b);
		}
		printf("\n");
		printf("op_mask = 0x%" PRIx64 " 0x%" PRIx64 "\n",
		       get64(c + offsetof(struct edgeai_fw_caps, op_mask)),
		       get64(c + offsetof(struct edgeai_fw_caps, op_mask) + 8));
	} else {
		problem("no valid caps section");
	}

	if (sec_ptr[EDGEAI_FW_SECTION_OPP] && sec_size[EDGEAI_FW_SECTION_OPP] &&
	    sec_size[EDGEAI_FW_SECTION_OPP] % sizeof(struct edgeai_fw_opp) == 0) {
		uint32_t n = sec_size[EDGEAI_FW_SECTION_OPP] / sizeof(struct edgeai_fw_opp);

		printf("# opp = freq_khz voltage_uv power_mw\n");
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *o = sec_ptr[EDGEAI_FW_SECTION_OPP] + i * 16;

			printf("opp = %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", get32(o),
			       get32(o + 4), get32(o + 8));
		}
	} else {
		problem("no valid opp section");
	}

	if (sec_ptr[EDGEAI_FW_SECTION_THERMAL] &&
	    sec_size[EDGEAI_FW_SECTION_THERMAL] == sizeof(struct edgeai_fw_thermal)) {
		const uint8_t *t = sec_ptr[EDGEAI_FW_SECTION_THERMAL];

		printf("ambient_mc = %" PRId32 "\n", (int32_t)get32(t));
		printf("passive_mc = %" PRId32 "\n", (int32_t)get32(t + 4));
		printf("critical_mc = %" PRId32 "\n", (int32_t)get32(t + 8));
		printf("r_th_mc_per_w = %" PRIu32 "\n", get32(t + 12));
		printf("tau_ms = %" PRIu32 "\n", get32(t + 16));
		printf("idle_power_mw = %" PRIu32 "\n", get32(t + 20));
	} else {
		problem("no valid thermal section");
	}

	if (sec_ptr[EDGEAI_FW_SECTION_CODE]) {
		printf("code = ");
		print_string(sec_ptr[EDGEAI_FW_SECTION_CODE], sec_size[EDGEAI_FW_SECTION_CODE]);
		printf("\n");
	} else {
		problem("no code section");
	}

	free(img);
	return bad;
}

/* A usage error: the synopsis on stderr, exit status 2 */
static int usage_error(char **defs)
{
	free(defs);
	fprintf(stderr,
		"usage: " PROG " [-D KEY=VALUE]... -o IMAGE [SPEC|-]\n"
		"       " PROG " --inspect IMAGE\n"
		"Try '" PROG " --help' for more information.\n");
	return 2;
}

static void help(void)
{
	printf("Usage: " PROG " [-D KEY=VALUE]... -o IMAGE [SPEC|-]\n"
	       "       " PROG " --inspect IMAGE\n"
	       "\n"
	       "Pack an edgeai firmware image (what the edgeai kernel driver loads from\n"
	       "/lib/firmware/edgeai/npu.bin or dsp.bin) from a text spec, or print an\n"
	       "image as a spec. The output depends on the spec alone: no timestamps,\n"
	       "no host data, so the same spec always gives the same bytes.\n"
	       "\n"
	       "Options:\n"
	       "  -o IMAGE            write the image to IMAGE (the spec is read from SPEC,\n"
	       "                      or standard input for -)\n"
	       "  -D KEY=VALUE        set KEY after the spec, replacing its value; the\n"
	       "                      first -D opp=... replaces the whole OPP table\n"
	       "  -i, --inspect IMAGE check IMAGE (header, sections, CRC-32) and print it\n"
	       "                      as comments plus a spec that packs back into the\n"
	       "                      same bytes\n"
	       "  -h, --help          show this help and exit\n"
	       "\n"
	       "Spec: one KEY = VALUE per line; # starts a comment outside quotes.\n"
	       "  device         = npu | dsp | N\n"
	       "  version        = MAJOR.MINOR.PATCH\n"
	       "  version_string = \"TEXT\"          (default: derived from device, version)\n"
	       "  abi_version    = N               (default: this packer's, %u)\n"
	       "  macs_per_cycle = N               int8 multiply-accumulates per cycle\n"
	       "  cmds           = copy fill ...   commands the device accepts (or cmdN)\n"
	       "  op_mask        = LOW64 HIGH64    the program operations it runs, one bit\n"
	       "                                   per operation of the program format\n"
	       "                                   (default 0 0)\n"
	       "  opp            = FREQ_KHZ VOLTAGE_UV POWER_MW   one line per operating\n"
	       "                                   point\n"
	       "  ambient_mc, passive_mc, critical_mc     milli-degrees Celsius\n"
	       "  r_th_mc_per_w, tau_ms, idle_power_mw   the thermal model: T = ambient +\n"
	       "                                   R_th * P, time constant tau\n"
	       "  code           = \"BYTES\"         the CODE section (C escapes allowed;\n"
	       "                                   default: a text describing the build)\n"
	       "\n"
	       "Exit status: 0 success; 1 a bad spec or a malformed image (the message\n"
	       "names the line or the check that failed; no image is written); 2 usage\n"
	       "error.\n"
	       "\n"
	       "Examples:\n"
	       "  " PROG " -o npu.bin npu.fwspec\n"
	       "  " PROG " -D macs_per_cycle=256 -o npu-slow.bin npu.fwspec\n"
	       "  " PROG " --inspect /lib/firmware/edgeai/npu.bin > npu.fwspec\n",
	       EDGEAI_FW_ABI_VERSION);
}

int main(int argc, char **argv)
{
	struct spec sp = { .abi_version = EDGEAI_FW_ABI_VERSION };
	struct seen dseen = { 0 };
	const char *out = NULL, *spec_path = NULL;
	char **defs = xmalloc(sizeof(char *) * (size_t)argc);
	int ndefs = 0;
	uint8_t *img;
	size_t size;

	crc32_init();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			free(defs);
			help();
			return 0;
		} else if (!strcmp(a, "--inspect") || !strcmp(a, "-i")) {
			if (i + 2 != argc)
				return usage_error(defs);
			free(defs);
			return inspect(argv[i + 1]);
		} else if (!strcmp(a, "-o")) {
			if (++i == argc)
				return usage_error(defs);
			out = argv[i];
		} else if (!strcmp(a, "-D")) {
			if (++i == argc)
				return usage_error(defs);
			defs[ndefs++] = argv[i];
		} else if (!strncmp(a, "-D", 2)) {
			defs[ndefs++] = argv[i] + 2;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, PROG ": unknown option '%s'\n", a);
			return usage_error(defs);
		} else if (!spec_path) {
			spec_path = a;
		} else {
			return usage_error(defs);
		}
	}
	if (!out)
		return usage_error(defs);
	if (spec_path)
		parse_file(&sp, spec_path);
	for (int i = 0; i < ndefs; i++) {
		size_t len = strlen(defs[i]);
		char *line = xmalloc(len + 1);

		memcpy(line, defs[i], len + 1);
		cur_file = "-D";
		cur_line = (unsigned int)i + 1;
		parse_line(&sp, line, &dseen, true);
		free(line);
	}
	cur_file = spec_path ? spec_path : "-D";
	cur_line = 0;
	check_spec(&sp);
	img = pack(&sp, &size);
	write_file(out, img, size);
	free(img);
	free(sp.code);
	free(defs);
	return 0;
}
