// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Firmware image parser. The image comes from the file system and is not
 * trusted: every field is read with get_unaligned_le*(), every length and
 * offset is checked with overflow-safe arithmetic before it is used, and
 * the first broken rule is reported as a short static string.
 */

#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "edgeai_fw_parse.h"

static_assert(sizeof(struct edgeai_fw_header) == 96);
static_assert(sizeof(struct edgeai_fw_section) == 16);
static_assert(sizeof(struct edgeai_fw_caps) == 32);
static_assert(sizeof(struct edgeai_fw_opp) == 16);
static_assert(sizeof(struct edgeai_fw_thermal) == 32);

/* Section types are 1..EDGEAI_FW_SECTION_LAST. */
#define EDGEAI_FW_SECTION_LAST	EDGEAI_FW_SECTION_THERMAL

#define fw_le32(ptr)	get_unaligned_le32(ptr)

static int fw_fail(const char **reason, const char *why, int err)
{
	if (reason)
		*reason = why;
	return err;
}

static u32 edgeai_fw_crc(const u8 *data, size_t size)
{
	static const u8 zero[4];
	const size_t at = offsetof(struct edgeai_fw_header, crc32);
	u32 crc = ~0U;

	/* zlib's crc32() over the image with the crc32 field taken as zero */
	crc = crc32_le(crc, data, at);
	crc = crc32_le(crc, zero, sizeof(zero));
	crc = crc32_le(crc, data + at + sizeof(zero), size - at - sizeof(zero));
	return ~crc;
}

static bool edgeai_fw_all_zero(const __le32 *words, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (get_unaligned(&words[i]))
			return false;
	return true;
}

static int edgeai_fw_parse_header(const u8 *data, size_t size, u32 device_type,
				  struct edgeai_fw_info *info, const char **reason)
{
	const struct edgeai_fw_header *hdr = (const void *)data;
	const char *vs = hdr->version_string;
	size_t len;

	if (size < sizeof(*hdr))
		return fw_fail(reason, "image is shorter than its header", -EINVAL);
	if (fw_le32(&hdr->magic) != EDGEAI_FW_MAGIC)
		return fw_fail(reason, "bad magic (not an edgeai firmware image)", -EINVAL);
	if (get_unaligned_le16(&hdr->format_major) != EDGEAI_FW_FORMAT_MAJOR)
		return fw_fail(reason, "unsupported image format major version", -ENOEXEC);
	if (fw_le32(&hdr->header_size) != sizeof(*hdr))
		return fw_fail(reason, "header_size is not the size of the header", -EINVAL);
	if (size > EDGEAI_FW_MAX_SIZE)
		return fw_fail(reason, "image is larger than the maximum firmware size", -EINVAL);
	if (fw_le32(&hdr->image_size) != size)
		return fw_fail(reason, "image_size does not match the file size", -EINVAL);
	if (fw_le32(&hdr->crc32) != edgeai_fw_crc(data, size))
		return fw_fail(reason, "CRC-32 mismatch (image corrupt)", -EINVAL);
	if (fw_le32(&hdr->device_type) != device_type)
		return fw_fail(reason, "image is for another device type", -ENOEXEC);
	if (fw_le32(&hdr->abi_version) != EDGEAI_FW_ABI_VERSION)
		return fw_fail(reason, "unsupported firmware ABI version", -ENOEXEC);
	if (fw_le32(&hdr->flags))
		return fw_fail(reason, "header flags are not zero", -EINVAL);
	if (!edgeai_fw_all_zero(hdr->reserved, ARRAY_SIZE(hdr->reserved)))
		return fw_fail(reason, "header reserved words are not zero", -EINVAL);

	len = strnlen(vs, EDGEAI_FW_VERSION_LEN);
	if (len == EDGEAI_FW_VERSION_LEN)
		return fw_fail(reason, "version string is not NUL-terminated", -EINVAL);
	if (!len)
		return fw_fail(reason, "version string is empty", -EINVAL);
	if (memchr_inv(vs + len, 0, EDGEAI_FW_VERSION_LEN - len))
		return fw_fail(reason, "version string padding is not zero", -EINVAL);
	while (len--)
		if (vs[len] < 0x20 || vs[len] > 0x7e)
			return fw_fail(reason, "version string is not printable ASCII", -EINVAL);

	info->device_type = device_type;
	info->fw_version = fw_le32(&hdr->fw_version);
	info->abi_version = EDGEAI_FW_ABI_VERSION;
	memcpy(info->version, vs, EDGEAI_FW_VERSION_LEN);
	return 0;
}

static int edgeai_fw_parse_caps(const u8 *p, struct edgeai_fw_info *info,
				const char **reason)
{
	const struct edgeai_fw_caps *caps = (const void *)p;

	info->macs_per_cycle = fw_le32(&caps->macs_per_cycle);
	info->cmd_mask = fw_le32(&caps->cmd_mask);
	info->op_mask[0] = get_unaligned_le64(&caps->op_mask[0]);
	info->op_mask[1] = get_unaligned_le64(&caps->op_mask[1]);
	if (!info->macs_per_cycle)
		return fw_fail(reason, "caps: macs_per_cycle is zero", -EINVAL);
	if (!info->cmd_mask)
		return fw_fail(reason, "caps: cmd_mask is zero", -EINVAL);
	if (!edgeai_fw_all_zero(caps->reserved, ARRAY_SIZE(caps->reserved)))
		return fw_fail(reason, "caps: reserved words are not zero", -EINVAL);
	return 0;
}

static int edgeai_fw_parse_opp(const u8 *p, u32 size, struct edgeai_fw_info *info,
			       const char **reason)
{
	const struct edgeai_fw_opp *opp = (const void *)p;
	u32 i, count = size / sizeof(*opp);

	for (i = 0; i < count; i++) {
		u32 freq = fw_le32(&opp[i].freq_khz);

		if (!freq)
			return fw_fail(reason, "opp: frequency is zero", -EINVAL);
		if (i && freq <= info->opp[i - 1].freq_khz)
			return fw_fail(reason, "opp: frequencies are not strictly ascending",
				       -EINVAL);
		if (fw_le32(&opp[i].reserved))
			return fw_fail(reason, "opp: reserved word is not zero", -EINVAL);
		info->opp[i].freq_khz = freq;
		info->opp[i].voltage_uv = fw_le32(&opp[i].voltage_uv);
		info->opp[i].power_mw = fw_le32(&opp[i].power_mw);
	}
	info->opp_count = count;
	return 0;
}

static int edgeai_fw_parse_thermal(const u8 *p, struct edgeai_fw_info *info,
				   const char **reason)
{
	const struct edgeai_fw_thermal *th = (const void *)p;

	info->thermal.ambient_mc = (s32)fw_le32(&th->ambient_mc);
	info->thermal.passive_mc = (s32)fw_le32(&th->passive_mc);
	info->thermal.critical_mc = (s32)fw_le32(&th->critical_mc);
	info->thermal.r_th_mc_per_w = fw_le32(&th->r_th_mc_per_w);
	info->thermal.tau_ms = fw_le32(&th->tau_ms);
	info->thermal.idle_power_mw = fw_le32(&th->idle_power_mw);
	if (info->thermal.ambient_mc >= info->thermal.passive_mc)
		return fw_fail(reason, "thermal: passive trip is not above ambient", -EINVAL);
	if (info->thermal.passive_mc >= info->thermal.critical_mc)
		return fw_fail(reason, "thermal: critical trip is not above passive trip",
			       -EINVAL);
	if (!info->thermal.r_th_mc_per_w)
		return fw_fail(reason, "thermal: thermal resistance is zero", -EINVAL);
	if (!info->thermal.tau_ms)
		return fw_fail(reason, "thermal: time constant is zero", -EINVAL);
	if (!edgeai_fw_all_zero(th->reserved, ARRAY_SIZE(th->reserved)))
		return fw_fail(reason, "thermal: reserved words are not zero", -EINVAL);
	return 0;
}

/* Checks a section's size against its type. */
static int edgeai_fw_check_section_size(u32 type, u32 size, const char **reason)
{
	switch (type) {
	case EDGEAI_FW_SECTION_CODE:
		if (!size)
			return fw_fail(reason, "code section is empty", -EINVAL);
		return 0;
	case EDGEAI_FW_SECTION_CAPS:
		if (size != sizeof(struct edgeai_fw_caps))
			return fw_fail(reason, "caps section has the wrong size", -EINVAL);
		return 0;
	case EDGEAI_FW_SECTION_OPP:
		if (!size || size % sizeof(struct edgeai_fw_opp))
			return fw_fail(reason, "opp section size is not a whole number of entries",
				       -EINVAL);
		if (size / sizeof(struct edgeai_fw_opp) > EDGEAI_FW_MAX_OPPS)
			return fw_fail(reason, "opp section has too many entries", -EINVAL);
		return 0;
	case EDGEAI_FW_SECTION_THERMAL:
		if (size != sizeof(struct edgeai_fw_thermal))
			return fw_fail(reason, "thermal section has the wrong size", -EINVAL);
		return 0;
	}
	return fw_fail(reason, "unknown section type", -EINVAL);
}

int edgeai_fw_parse(const u8 *data, size_t size, u32 device_type,
		    struct edgeai_fw_info *info, const char **reason)
{
	const struct edgeai_fw_header *hdr = (const void *)data;
	const struct edgeai_fw_section *sec;
	struct edgeai_fw_info out = {};
	u32 off[EDGEAI_FW_MAX_SECTIONS], len[EDGEAI_FW_MAX_SECTIONS];
	u32 where[EDGEAI_FW_SECTION_LAST + 1] = {};	/* type -> index + 1 */
	u32 count, i, j, table_end;
	int ret;

	if (!data)
		return fw_fail(reason, "no image", -EINVAL);
	ret = edgeai_fw_parse_header(data, size, device_type, &out, reason);
	if (ret)
		return ret;

	/* size <= EDGEAI_FW_MAX_SIZE from here on, so it fits in a u32 */
	count = fw_le32(&hdr->section_count);
	if (!count || count > EDGEAI_FW_MAX_SECTIONS)
		return fw_fail(reason, "section count out of range", -EINVAL);
	if (check_mul_overflow(count, (u32)sizeof(*sec), &table_end) ||
	    check_add_overflow(table_end, (u32)sizeof(*hdr), &table_end) ||
	    table_end > size)
		return fw_fail(reason, "section table runs past the end of the image", -EINVAL);

	sec = (const void *)(data + sizeof(*hdr));
	for (i = 0; i < count; i++) {
		u32 type = fw_le32(&sec[i].type);
		u32 end;

		off[i] = fw_le32(&sec[i].offset);
		len[i] = fw_le32(&sec[i].size);

		if (type < EDGEAI_FW_SECTION_CODE || type > EDGEAI_FW_SECTION_LAST)
			return fw_fail(reason, "unknown section type", -EINVAL);
		if (where[type])
			return fw_fail(reason, "duplicate section", -EINVAL);
		where[type] = i + 1;
		if (fw_le32(&sec[i].flags))
			return fw_fail(reason, "section flags are not zero", -EINVAL);
		if (off[i] % 8)
			return fw_fail(reason, "section offset is not 8-byte aligned", -EINVAL);
		if (off[i] < table_end)
			return fw_fail(reason, "section overlaps the header or section table",
				       -EINVAL);
		if (check_add_overflow(off[i], len[i], &end) || end > size)
			return fw_fail(reason, "section runs past the end of the image", -EINVAL);
		ret = edgeai_fw_check_section_size(type, len[i], reason);
		if (ret)
			return ret;
		/* Every size is non-zero here; both ends are in bounds. */
		for (j = 0; j < i; j++)
			if (off[i] < off[j] + len[j] && off[j] < end)
				return fw_fail(reason, "sections overlap", -EINVAL);
	}

	if (!where[EDGEAI_FW_SECTION_CODE])
		return fw_fail(reason, "code section missing", -EINVAL);
	if (!where[EDGEAI_FW_SECTION_CAPS])
		return fw_fail(reason, "caps section missing", -EINVAL);
	if (!where[EDGEAI_FW_SECTION_OPP])
		return fw_fail(reason, "opp section missing", -EINVAL);
	if (!where[EDGEAI_FW_SECTION_THERMAL])
		return fw_fail(reason, "thermal section missing", -EINVAL);

	i = where[EDGEAI_FW_SECTION_CAPS] - 1;
	ret = edgeai_fw_parse_caps(data + off[i], &out, reason);
	if (ret)
		return ret;
	i = where[EDGEAI_FW_SECTION_OPP] - 1;
	ret = edgeai_fw_parse_opp(data + off[i], len[i], &out, reason);
	if (ret)
		return ret;
	i = where[EDGEAI_FW_SECTION_THERMAL] - 1;
	ret = edgeai_fw_parse_thermal(data + off[i], &out, reason);
	if (ret)
		return ret;
	i = where[EDGEAI_FW_SECTION_CODE] - 1;
	out.code = data + off[i];
	out.code_size = len[i];

	*info = out;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_fw_parse);
