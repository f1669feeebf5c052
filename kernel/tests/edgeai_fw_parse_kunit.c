// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * KUnit suite "edgeai_fw_parse": edgeai_fw_parse() against a valid image
 * built in memory and against every corruption of it the format rules in
 * edgeai_fw_image.h forbid, plus an image made by firmware/tools/edgeai-fwpack.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <drm/edgeai_accel.h>

#include "edgeai_fw_parse.h"

/*
 * Layout of the default test image: the section table has room for five
 * entries (four used), then CODE (20 bytes, so CAPS needs padding), CAPS,
 * four OPPs and THERMAL.
 */
#define T_HDR		sizeof(struct edgeai_fw_header)
#define T_SEC(i)	(T_HDR + 16 * (i))
#define T_TYPE(i)	(T_SEC(i) + 0)
#define T_SFLAGS(i)	(T_SEC(i) + 4)
#define T_OFFSET(i)	(T_SEC(i) + 8)
#define T_SIZE(i)	(T_SEC(i) + 12)
#define T_CODE_OFF	176
#define T_CODE_SIZE	20
#define T_CAPS_OFF	200
#define T_OPP_OFF	232
#define T_NOPP		4
#define T_OPP(i)	(T_OPP_OFF + 16 * (i))
#define T_TH_OFF	296
#define T_IMAGE_SIZE	328

#define H(field)	offsetof(struct edgeai_fw_header, field)
#define CAPS(field)	(T_CAPS_OFF + offsetof(struct edgeai_fw_caps, field))
#define TH(field)	(T_TH_OFF + offsetof(struct edgeai_fw_thermal, field))

#define T_VERSION	"edgeai-kunit 1.2.3"
#define T_OP_MASK0	0x1122334455667788ULL
#define T_OP_MASK1	0x99aabbccddeeff00ULL

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);

static u32 t_crc(const u8 *img, size_t size)
{
	static const u8 zero[4];
	u32 crc;

	crc = crc32_le(~0U, img, H(crc32));
	crc = crc32_le(crc, zero, 4);
	crc = crc32_le(crc, img + H(crc32) + 4, size - H(crc32) - 4);
	return ~crc;
}

static void t_fix_crc(u8 *img, size_t size)
{
	put_unaligned_le32(t_crc(img, size), img + H(crc32));
}

static u8 *t_alloc(struct kunit *test, size_t size)
{
	u8 *p = kvzalloc(size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kvfree_action, p));
	return p;
}

/* Builds a valid NPU image with @nopp OPPs and @code_size code bytes. */
static u8 *t_build(struct kunit *test, u32 nopp, u32 code_size, size_t *size)
{
	u32 code_off = T_CODE_OFF;
	u32 caps_off = ALIGN(code_off + code_size, 8);
	u32 opp_off = caps_off + sizeof(struct edgeai_fw_caps);
	u32 th_off = opp_off + nopp * sizeof(struct edgeai_fw_opp);
	u32 total = th_off + sizeof(struct edgeai_fw_thermal);
	u8 *img = t_alloc(test, total);
	u32 i;

	put_unaligned_le32(EDGEAI_FW_MAGIC, img + H(magic));
	put_unaligned_le16(EDGEAI_FW_FORMAT_MAJOR, img + H(format_major));
	put_unaligned_le16(EDGEAI_FW_FORMAT_MINOR, img + H(format_minor));
	put_unaligned_le32(T_HDR, img + H(header_size));
	put_unaligned_le32(total, img + H(image_size));
	put_unaligned_le32(DRM_EDGEAI_DEVICE_NPU, img + H(device_type));
	put_unaligned_le32(0x010203, img + H(fw_version));
	put_unaligned_le32(EDGEAI_FW_ABI_VERSION, img + H(abi_version));
	put_unaligned_le32(4, img + H(section_count));
	memcpy(img + H(version_string), T_VERSION, strlen(T_VERSION));

	put_unaligned_le32(EDGEAI_FW_SECTION_CODE, img + T_TYPE(0));
	put_unaligned_le32(code_off, img + T_OFFSET(0));
	put_unaligned_le32(code_size, img + T_SIZE(0));
	put_unaligned_le32(EDGEAI_FW_SECTION_CAPS, img + T_TYPE(1));
	put_unaligned_le32(caps_off, img + T_OFFSET(1));
	put_unaligned_le32(sizeof(struct edgeai_fw_caps), img + T_SIZE(1));
	put_unaligned_le32(EDGEAI_FW_SECTION_OPP, img + T_TYPE(2));
	put_unaligned_le32(opp_off, img + T_OFFSET(2));
	put_unaligned_le32(nopp * sizeof(struct edgeai_fw_opp), img + T_SIZE(2));
	put_unaligned_le32(EDGEAI_FW_SECTION_THERMAL, img + T_TYPE(3));
	put_unaligned_le32(th_off, img + T_OFFSET(3));
	put_unaligned_le32(sizeof(struct edgeai_fw_thermal), img + T_SIZE(3));

	for (i = 0; i < code_size; i++)
		img[code_off + i] = (u8)(i * 7 + 3);

	put_unaligned_le32(512, img + caps_off);
	put_unaligned_le32(BIT(DRM_EDGEAI_CMD_COPY) | BIT(DRM_EDGEAI_CMD_FILL), img + caps_off + 4);
	put_unaligned_le64(T_OP_MASK0, img + caps_off + 8);
	put_unaligned_le64(T_OP_MASK1, img + caps_off + 16);

	for (i = 0; i < nopp; i++) {
		put_unaligned_le32(100000 * (i + 1), img + opp_off + 16 * i);
		put_unaligned_le32(600000 + 25000 * i, img + opp_off + 16 * i + 4);
		put_unaligned_le32(100 + 50 * i, img + opp_off + 16 * i + 8);
	}

	put_unaligned_le32(40000, img + th_off);
	put_unaligned_le32(85000, img + th_off + 4);
	put_unaligned_le32(100000, img + th_off + 8);
	put_unaligned_le32(30000, img + th_off + 12);
	put_unaligned_le32(5000, img + th_off + 16);
	put_unaligned_le32(60, img + th_off + 20);

	t_fix_crc(img, total);
	*size = total;
	return img;
}

static u8 *t_default(struct kunit *test, size_t *size)
{
	u8 *img = t_build(test, T_NOPP, T_CODE_SIZE, size);

	KUNIT_ASSERT_EQ(test, *size, T_IMAGE_SIZE);
	return img;
}

/* Parses a copy of @img in a buffer of exactly @size bytes. */
static int t_parse(struct kunit *test, const u8 *img, size_t size, u32 type,
		   struct edgeai_fw_info *info, const char **reason)
{
	u8 *copy = t_alloc(test, size ? size : 1);

	memcpy(copy, img, size);
	return edgeai_fw_parse(copy, size, type, info, reason);
}

static void edgeai_fw_parse_valid(struct kunit *test)
{
	struct edgeai_fw_info *info = kunit_kzalloc(test, sizeof(*info), GFP_KERNEL);
	const char *reason = "untouched";
	size_t size;
	u8 *img = t_default(test, &size);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_ASSERT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, info,
						 &reason));
	KUNIT_EXPECT_STREQ(test, reason, "untouched");
	KUNIT_EXPECT_EQ(test, info->device_type, DRM_EDGEAI_DEVICE_NPU);
	KUNIT_EXPECT_EQ(test, info->fw_version, 0x010203);
	KUNIT_EXPECT_EQ(test, info->abi_version, EDGEAI_FW_ABI_VERSION);
	KUNIT_EXPECT_STREQ(test, info->version, T_VERSION);
	KUNIT_EXPECT_PTR_EQ(test, info->code, (const u8 *)img + T_CODE_OFF);
	KUNIT_EXPECT_EQ(test, info->code_size, T_CODE_SIZE);
	KUNIT_EXPECT_EQ(test, info->macs_per_cycle, 512);
	KUNIT_EXPECT_EQ(test, info->cmd_mask, 0x3);
	KUNIT_EXPECT_EQ(test, info->op_mask[0], T_OP_MASK0);
	KUNIT_EXPECT_EQ(test, info->op_mask[1], T_OP_MASK1);
	KUNIT_ASSERT_EQ(test, info->opp_count, T_NOPP);
	for (i = 0; i < T_NOPP; i++) {
		KUNIT_EXPECT_EQ(test, info->opp[i].freq_khz, 100000 * (i + 1));
		KUNIT_EXPECT_EQ(test, info->opp[i].voltage_uv, 600000 + 25000 * i);
		KUNIT_EXPECT_EQ(test, info->opp[i].power_mw, 100 + 50 * i);
	}
	KUNIT_EXPECT_EQ(test, info->thermal.ambient_mc, 40000);
	KUNIT_EXPECT_EQ(test, info->thermal.passive_mc, 85000);
	KUNIT_EXPECT_EQ(test, info->thermal.critical_mc, 100000);
	KUNIT_EXPECT_EQ(test, info->thermal.r_th_mc_per_w, 30000);
	KUNIT_EXPECT_EQ(test, info->thermal.tau_ms, 5000);
	KUNIT_EXPECT_EQ(test, info->thermal.idle_power_mw, 60);

	/* A NULL reason pointer is allowed. */
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, info, NULL));
}

/* The same image loaded by the other device type: a valid image, wrong device. */
static void edgeai_fw_parse_wrong_device(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;
	size_t size;
	u8 *img = t_default(test, &size);

	KUNIT_EXPECT_EQ(test, -ENOEXEC, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_DSP,
							&info, &reason));
	KUNIT_EXPECT_STREQ(test, reason, "image is for another device type");
	KUNIT_EXPECT_EQ(test, -ENOEXEC, edgeai_fw_parse(img, size, 0, &info, NULL));
}

static void edgeai_fw_parse_null(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_fw_parse(NULL, 0, DRM_EDGEAI_DEVICE_NPU,
						       &info, &reason));
	KUNIT_EXPECT_NOT_NULL(test, reason);
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_fw_parse(NULL, T_IMAGE_SIZE,
						       DRM_EDGEAI_DEVICE_NPU, &info, NULL));
}

/* A newer format minor version is accepted. */
static void edgeai_fw_parse_newer_minor(struct kunit *test)
{
	struct edgeai_fw_info info;
	size_t size;
	u8 *img = t_default(test, &size);

	put_unaligned_le16(EDGEAI_FW_FORMAT_MINOR + 7, img + H(format_minor));
	t_fix_crc(img, size);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
}

/* The section table may list the sections in any order. */
static void edgeai_fw_parse_section_order(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;
	size_t size;
	u8 *img = t_default(test, &size);
	u8 table[4 * 16];
	int i;

	memcpy(table, img + T_SEC(0), sizeof(table));
	for (i = 0; i < 4; i++)
		memcpy(img + T_SEC(i), table + 16 * (3 - i), 16);
	t_fix_crc(img, size);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info,
						 &reason));
	KUNIT_EXPECT_EQ(test, info.code_size, T_CODE_SIZE);
	KUNIT_EXPECT_EQ(test, info.opp_count, T_NOPP);
	KUNIT_EXPECT_EQ(test, info.macs_per_cycle, 512);
}

/* One OPP and EDGEAI_FW_MAX_OPPS OPPs are both fine; one more is not. */
static void edgeai_fw_parse_opp_count(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;
	size_t size;
	u8 *img;

	img = t_build(test, 1, 8, &size);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
	KUNIT_EXPECT_EQ(test, info.opp_count, 1);

	img = t_build(test, EDGEAI_FW_MAX_OPPS, 8, &size);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
	KUNIT_EXPECT_EQ(test, info.opp_count, EDGEAI_FW_MAX_OPPS);
	KUNIT_EXPECT_EQ(test, info.opp[EDGEAI_FW_MAX_OPPS - 1].freq_khz,
			100000 * EDGEAI_FW_MAX_OPPS);

	img = t_build(test, EDGEAI_FW_MAX_OPPS + 1, 8, &size);
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU,
						       &info, &reason));
	KUNIT_EXPECT_STREQ(test, reason, "opp section has too many entries");
}

/* Thermal temperatures are signed: sub-zero values are valid. */
static void edgeai_fw_parse_thermal_negative(struct kunit *test)
{
	struct edgeai_fw_info info;
	size_t size;
	u8 *img = t_default(test, &size);

	put_unaligned_le32((u32)-20000, img + TH(ambient_mc));
	put_unaligned_le32((u32)-5000, img + TH(passive_mc));
	put_unaligned_le32(0, img + TH(critical_mc));
	t_fix_crc(img, size);
	KUNIT_ASSERT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
	KUNIT_EXPECT_EQ(test, info.thermal.ambient_mc, -20000);
	KUNIT_EXPECT_EQ(test, info.thermal.passive_mc, -5000);
	KUNIT_EXPECT_EQ(test, info.thermal.critical_mc, 0);
}

/* An image of exactly EDGEAI_FW_MAX_SIZE bytes loads; 8 bytes more do not. */
static void edgeai_fw_parse_max_size(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;
	u32 fixed = T_CODE_OFF + sizeof(struct edgeai_fw_caps) +
		    T_NOPP * sizeof(struct edgeai_fw_opp) + sizeof(struct edgeai_fw_thermal);
	size_t size;
	u8 *img;

	img = t_build(test, T_NOPP, EDGEAI_FW_MAX_SIZE - fixed, &size);
	KUNIT_ASSERT_EQ(test, size, (size_t)EDGEAI_FW_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
	KUNIT_EXPECT_EQ(test, info.code_size, EDGEAI_FW_MAX_SIZE - fixed);

	img = t_build(test, T_NOPP, EDGEAI_FW_MAX_SIZE - fixed + 8, &size);
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU,
						       &info, &reason));
	KUNIT_EXPECT_STREQ(test, reason, "image is larger than the maximum firmware size");
}

/*
 * Truncation at every length, keeping the header's image_size: rejected,
 * as the header when shorter than it, else as a size mismatch.
 */
static void edgeai_fw_parse_truncated(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason;
	size_t size, len;
	u8 *img = t_default(test, &size);

	for (len = 0; len < size; len++) {
		reason = NULL;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    t_parse(test, img, len, DRM_EDGEAI_DEVICE_NPU, &info, &reason),
				    "length %zu", len);
		KUNIT_EXPECT_STREQ_MSG(test, reason, len < T_HDR ?
				       "image is shorter than its header" :
				       "image_size does not match the file size",
				       "length %zu", len);
	}
}

/*
 * Truncation at every length from the header on with image_size and CRC
 * made consistent: whatever is cut off, a rule about the section table or
 * the sections must fail.
 */
static void edgeai_fw_parse_truncated_consistent(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason;
	size_t size, len;
	u8 *img = t_default(test, &size);
	u8 *cut = t_alloc(test, size);

	for (len = T_HDR; len < size; len++) {
		const char *want = len < T_SEC(4) ?
			"section table runs past the end of the image" :
			"section runs past the end of the image";

		memcpy(cut, img, len);
		put_unaligned_le32(len, cut + H(image_size));
		t_fix_crc(cut, len);
		reason = NULL;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    t_parse(test, cut, len, DRM_EDGEAI_DEVICE_NPU, &info, &reason),
				    "length %zu", len);
		KUNIT_EXPECT_STREQ_MSG(test, reason, want, "length %zu", len);
	}
}

/* Any single flipped bit without a new CRC is rejected. */
static void edgeai_fw_parse_bit_flips(struct kunit *test)
{
	struct edgeai_fw_info info;
	size_t size, i;
	u8 *img = t_default(test, &size);
	int bit, ret;

	for (i = 0; i < size; i++) {
		for (bit = 0; bit < 8; bit++) {
			img[i] ^= BIT(bit);
			ret = edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL);
			img[i] ^= BIT(bit);
			/* Only a changed format major version is -ENOEXEC before the CRC. */
			if (i >= H(format_major) && i < H(format_major) + 2)
				KUNIT_EXPECT_EQ_MSG(test, ret, -ENOEXEC, "byte %zu bit %d", i, bit);
			else
				KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "byte %zu bit %d", i, bit);
		}
	}
}

struct t_range {
	size_t start, len;
};

static bool t_in(const struct t_range *r, size_t n, size_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (i >= r[k].start && i < r[k].start + r[k].len)
			return true;
	return false;
}

/*
 * Every single byte changed (bit 7 flipped) with the CRC fixed up. Bytes
 * the parser does not constrain (code, padding, op_mask, voltages, powers,
 * version numbers) keep the image valid; bytes of fields with an exact
 * required value (magic, sizes, section table, reserved words, version
 * string...) make it fail; the rest (non-zero counts, temperatures,
 * frequencies) may go either way but must be handled cleanly.
 */
static void edgeai_fw_parse_byte_changes(struct kunit *test)
{
	static const struct t_range free_bytes[] = {
		{ H(format_minor), 2 },
		{ H(fw_version), 4 },
		{ H(crc32), 4 },
		{ T_SEC(4), T_CODE_OFF - T_SEC(4) },
		{ T_CODE_OFF, T_CAPS_OFF - T_CODE_OFF },
		{ CAPS(op_mask), 16 },
		{ TH(idle_power_mw), 4 },
	};
	static const struct t_range fail_bytes[] = {
		{ H(magic), 4 },
		{ H(format_major), 2 },
		{ H(header_size), 12 },		/* header_size, image_size, device_type */
		{ H(abi_version), 12 },		/* abi_version, section_count, flags */
		{ H(version_string), EDGEAI_FW_VERSION_LEN + 24 },	/* + reserved */
		{ T_SEC(0), 4 * 16 },
		{ CAPS(reserved), 8 },
		{ TH(reserved), 8 },
	};
	struct edgeai_fw_info info;
	size_t size, i;
	u8 *img = t_default(test, &size);
	int ret;

	for (i = 0; i < size; i++) {
		bool opp = i >= T_OPP_OFF && i < T_TH_OFF;
		size_t field = (i - T_OPP_OFF) % 16;

		img[i] ^= 0x80;
		t_fix_crc(img, size);
		ret = edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL);
		img[i] ^= 0x80;
		if (t_in(free_bytes, ARRAY_SIZE(free_bytes), i) ||
		    (opp && field >= 4 && field < 12))
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "byte %zu", i);
		else if (t_in(fail_bytes, ARRAY_SIZE(fail_bytes), i) || (opp && field >= 12))
			KUNIT_EXPECT_TRUE_MSG(test, ret == -EINVAL || ret == -ENOEXEC,
					      "byte %zu: ret %d", i, ret);
		else
			KUNIT_EXPECT_TRUE_MSG(test, !ret || ret == -EINVAL,
					      "byte %zu: ret %d", i, ret);
	}
	t_fix_crc(img, size);
	KUNIT_EXPECT_EQ(test, 0, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info, NULL));
}

/* ---- single corruptions of the default image ---- */

static void t_flip_crc(u8 *img, size_t *size)
{
	img[H(crc32)] ^= 1;
}

static void t_version_unterminated(u8 *img, size_t *size)
{
	memset(img + H(version_string), 'A', EDGEAI_FW_VERSION_LEN);
}

/* Removes section @i by moving the last of the four entries over it. */
static void t_drop_section(u8 *img, int i)
{
	memmove(img + T_SEC(i), img + T_SEC(3), 16);
	memset(img + T_SEC(3), 0, 16);
	put_unaligned_le32(3, img + H(section_count));
}

static void t_drop_code(u8 *img, size_t *size)
{
	t_drop_section(img, 0);
}

static void t_drop_caps(u8 *img, size_t *size)
{
	t_drop_section(img, 1);
}

static void t_drop_opp(u8 *img, size_t *size)
{
	t_drop_section(img, 2);
}

static void t_drop_thermal(u8 *img, size_t *size)
{
	t_drop_section(img, 3);
}

/* A fifth entry that repeats CODE, placed in the gap before the payloads. */
static void t_extra_code(u8 *img, size_t *size)
{
	put_unaligned_le32(5, img + H(section_count));
	put_unaligned_le32(EDGEAI_FW_SECTION_CODE, img + T_TYPE(4));
	put_unaligned_le32(T_CODE_OFF, img + T_OFFSET(4));
	put_unaligned_le32(8, img + T_SIZE(4));
}

/* The same fifth entry with an unknown type. */
static void t_extra_unknown(u8 *img, size_t *size)
{
	t_extra_code(img, size);
	put_unaligned_le32(EDGEAI_FW_SECTION_THERMAL + 1, img + T_TYPE(4));
}

/* Trailing bytes after the last section, declared in image_size. */
static void t_grow_image_size(u8 *img, size_t *size)
{
	put_unaligned_le32(T_IMAGE_SIZE + 8, img + H(image_size));
}

struct fw_corruption {
	const char *name;
	u32 off;	/* field to overwrite ... */
	u8 width;	/* ... 1, 2 or 4 bytes wide ... */
	u32 val;	/* ... with this value, or: */
	void (*mutate)(u8 *img, size_t *size);
	bool stale_crc;	/* leave the CRC as it was */
	int err;
	const char *reason;
};

#define FIELD(n, o, w, v, e, r) { .name = n, .off = o, .width = w, .val = v, .err = e, .reason = r }
#define FIELD32(n, o, v, r)	FIELD(n, o, 4, v, -EINVAL, r)
#define MUTATE(n, f, e, r)	{ .name = n, .mutate = f, .err = e, .reason = r }

static const char R_MAGIC[] = "bad magic (not an edgeai firmware image)";
static const char R_MAJOR[] = "unsupported image format major version";
static const char R_HSIZE[] = "header_size is not the size of the header";
static const char R_ISIZE[] = "image_size does not match the file size";
static const char R_CRC[] = "CRC-32 mismatch (image corrupt)";
static const char R_DEVICE[] = "image is for another device type";
static const char R_ABI[] = "unsupported firmware ABI version";
static const char R_HFLAGS[] = "header flags are not zero";
static const char R_HRES[] = "header reserved words are not zero";
static const char R_VNUL[] = "version string is not NUL-terminated";
static const char R_VEMPTY[] = "version string is empty";
static const char R_VPAD[] = "version string padding is not zero";
static const char R_VASCII[] = "version string is not printable ASCII";
static const char R_COUNT[] = "section count out of range";
static const char R_TABLE[] = "section table runs past the end of the image";
static const char R_STYPE[] = "unknown section type";
static const char R_SDUP[] = "duplicate section";
static const char R_SFLAGS[] = "section flags are not zero";
static const char R_SALIGN[] = "section offset is not 8-byte aligned";
static const char R_SHDR[] = "section overlaps the header or section table";
static const char R_SEND[] = "section runs past the end of the image";
static const char R_OVERLAP[] = "sections overlap";
static const char R_CODE0[] = "code section is empty";
static const char R_CAPSZ[] = "caps section has the wrong size";
static const char R_OPPSZ[] = "opp section size is not a whole number of entries";
static const char R_THSZ[] = "thermal section has the wrong size";
static const char R_NOCODE[] = "code section missing";
static const char R_NOCAPS[] = "caps section missing";
static const char R_NOOPP[] = "opp section missing";
static const char R_NOTH[] = "thermal section missing";
static const char R_MACS[] = "caps: macs_per_cycle is zero";
static const char R_CMDS[] = "caps: cmd_mask is zero";
static const char R_CRES[] = "caps: reserved words are not zero";
static const char R_FREQ0[] = "opp: frequency is zero";
static const char R_ASC[] = "opp: frequencies are not strictly ascending";
static const char R_ORES[] = "opp: reserved word is not zero";
static const char R_PASSIVE[] = "thermal: passive trip is not above ambient";
static const char R_CRIT[] = "thermal: critical trip is not above passive trip";
static const char R_RTH[] = "thermal: thermal resistance is zero";
static const char R_TAU[] = "thermal: time constant is zero";
static const char R_TRES[] = "thermal: reserved words are not zero";

static const struct fw_corruption fw_corruptions[] = {
	/* header */
	FIELD32("magic_off_by_one", H(magic), EDGEAI_FW_MAGIC + 1, R_MAGIC),
	FIELD32("magic_zero", H(magic), 0, R_MAGIC),
	FIELD32("magic_byte_swapped", H(magic), 0x45414657, R_MAGIC),
	FIELD("format_major_0", H(format_major), 2, 0, -ENOEXEC, R_MAJOR),
	FIELD("format_major_2", H(format_major), 2, 2, -ENOEXEC, R_MAJOR),
	FIELD("format_major_ffff", H(format_major), 2, 0xffff, -ENOEXEC, R_MAJOR),
	FIELD32("header_size_0", H(header_size), 0, R_HSIZE),
	FIELD32("header_size_95", H(header_size), 95, R_HSIZE),
	FIELD32("header_size_97", H(header_size), 97, R_HSIZE),
	FIELD32("header_size_max", H(header_size), U32_MAX, R_HSIZE),
	FIELD32("image_size_0", H(image_size), 0, R_ISIZE),
	FIELD32("image_size_minus_1", H(image_size), T_IMAGE_SIZE - 1, R_ISIZE),
	FIELD32("image_size_plus_1", H(image_size), T_IMAGE_SIZE + 1, R_ISIZE),
	FIELD32("image_size_max", H(image_size), U32_MAX, R_ISIZE),
	MUTATE("image_size_beyond_file", t_grow_image_size, -EINVAL, R_ISIZE),
	{ .name = "crc_flipped", .mutate = t_flip_crc, .stale_crc = true, .err = -EINVAL,
	  .reason = R_CRC },
	{ .name = "crc_zero", .off = H(crc32), .width = 4, .val = 0, .stale_crc = true,
	  .err = -EINVAL, .reason = R_CRC },
	{ .name = "payload_byte_stale_crc", .off = T_CODE_OFF, .width = 1, .val = 0xee,
	  .stale_crc = true, .err = -EINVAL, .reason = R_CRC },
	{ .name = "padding_byte_stale_crc", .off = T_CAPS_OFF - 1, .width = 1, .val = 1,
	  .stale_crc = true, .err = -EINVAL, .reason = R_CRC },
	{ .name = "device_type_stale_crc", .off = H(device_type), .width = 4,
	  .val = DRM_EDGEAI_DEVICE_DSP, .stale_crc = true, .err = -EINVAL, .reason = R_CRC },
	FIELD("device_type_dsp", H(device_type), 4, DRM_EDGEAI_DEVICE_DSP, -ENOEXEC, R_DEVICE),
	FIELD("device_type_0", H(device_type), 4, 0, -ENOEXEC, R_DEVICE),
	FIELD("device_type_max", H(device_type), 4, U32_MAX, -ENOEXEC, R_DEVICE),
	FIELD("abi_version_0", H(abi_version), 4, 0, -ENOEXEC, R_ABI),
	FIELD("abi_version_next", H(abi_version), 4, EDGEAI_FW_ABI_VERSION + 1, -ENOEXEC, R_ABI),
	FIELD32("flags_bit0", H(flags), BIT(0), R_HFLAGS),
	FIELD32("flags_bit31", H(flags), BIT(31), R_HFLAGS),
	FIELD32("reserved_0", H(reserved[0]), 1, R_HRES),
	FIELD32("reserved_5", H(reserved[5]), 0x80000000, R_HRES),
	MUTATE("version_unterminated", t_version_unterminated, -EINVAL, R_VNUL),
	FIELD("version_empty", H(version_string), 1, 0, -EINVAL, R_VEMPTY),
	FIELD("version_padding", H(version_string[EDGEAI_FW_VERSION_LEN - 1]), 1, 'x',
	      -EINVAL, R_VPAD),
	FIELD("version_control_char", H(version_string[1]), 1, '\n', -EINVAL, R_VASCII),
	FIELD("version_del", H(version_string[2]), 1, 0x7f, -EINVAL, R_VASCII),
	FIELD("version_high_bit", H(version_string[3]), 1, 0xc3, -EINVAL, R_VASCII),

	/* section table */
	FIELD32("section_count_0", H(section_count), 0, R_COUNT),
	FIELD32("section_count_17", H(section_count), EDGEAI_FW_MAX_SECTIONS + 1, R_COUNT),
	FIELD32("section_count_max", H(section_count), U32_MAX, R_COUNT),
	FIELD32("section_count_past_end", H(section_count), EDGEAI_FW_MAX_SECTIONS, R_TABLE),
	FIELD32("section_count_5_empty_entry", H(section_count), 5, R_STYPE),
	FIELD32("section_type_0", T_TYPE(1), 0, R_STYPE),
	FIELD32("section_type_5", T_TYPE(1), EDGEAI_FW_SECTION_THERMAL + 1, R_STYPE),
	FIELD32("section_type_max", T_TYPE(1), U32_MAX, R_STYPE),
	FIELD32("section_duplicate", T_TYPE(3), EDGEAI_FW_SECTION_CAPS, R_SDUP),
	MUTATE("section_extra_duplicate", t_extra_code, -EINVAL, R_SDUP),
	MUTATE("section_extra_unknown", t_extra_unknown, -EINVAL, R_STYPE),
	FIELD32("section_flags_bit0", T_SFLAGS(1), 1, R_SFLAGS),
	FIELD32("section_flags_bit31", T_SFLAGS(3), BIT(31), R_SFLAGS),
	FIELD32("section_misaligned_1", T_OFFSET(1), T_CAPS_OFF + 1, R_SALIGN),
	FIELD32("section_misaligned_4", T_OFFSET(1), T_CAPS_OFF + 4, R_SALIGN),
	FIELD32("section_in_header", T_OFFSET(0), 0, R_SHDR),
	FIELD32("section_in_table", T_OFFSET(0), T_SEC(3), R_SHDR),
	FIELD32("section_past_end", T_OFFSET(3), T_TH_OFF + 8, R_SEND),
	FIELD32("section_size_past_end", T_SIZE(0), T_IMAGE_SIZE, R_SEND),
	FIELD32("section_size_wraps", T_SIZE(0), U32_MAX, R_SEND),
	FIELD32("section_offset_wraps", T_OFFSET(0), 0xfffffff8, R_SEND),
	FIELD32("section_overlap_same_start", T_OFFSET(1), T_CODE_OFF, R_OVERLAP),
	FIELD32("section_overlap_partial", T_OFFSET(2), T_CAPS_OFF + 24, R_OVERLAP),
	FIELD32("section_overlap_tail", T_OFFSET(3), T_TH_OFF - 8, R_OVERLAP),
	FIELD32("section_overlap_contained", T_SIZE(0), T_IMAGE_SIZE - T_CODE_OFF, R_OVERLAP),
	FIELD32("code_size_0", T_SIZE(0), 0, R_CODE0),
	FIELD32("caps_size_0", T_SIZE(1), 0, R_CAPSZ),
	FIELD32("caps_size_31", T_SIZE(1), 31, R_CAPSZ),
	FIELD32("caps_size_33", T_SIZE(1), 33, R_CAPSZ),
	FIELD32("opp_size_0", T_SIZE(2), 0, R_OPPSZ),
	FIELD32("opp_size_15", T_SIZE(2), 15, R_OPPSZ),
	FIELD32("opp_size_17", T_SIZE(2), 17, R_OPPSZ),
	FIELD32("thermal_size_0", T_SIZE(3), 0, R_THSZ),
	FIELD32("thermal_size_24", T_SIZE(3), 24, R_THSZ),
	FIELD32("thermal_size_31", T_SIZE(3), 31, R_THSZ),
	MUTATE("missing_code", t_drop_code, -EINVAL, R_NOCODE),
	MUTATE("missing_caps", t_drop_caps, -EINVAL, R_NOCAPS),
	MUTATE("missing_opp", t_drop_opp, -EINVAL, R_NOOPP),
	MUTATE("missing_thermal", t_drop_thermal, -EINVAL, R_NOTH),

	/* caps */
	FIELD32("caps_macs_0", CAPS(macs_per_cycle), 0, R_MACS),
	FIELD32("caps_cmd_mask_0", CAPS(cmd_mask), 0, R_CMDS),
	FIELD32("caps_reserved_0", CAPS(reserved[0]), 1, R_CRES),
	FIELD32("caps_reserved_1", CAPS(reserved[1]), BIT(31), R_CRES),

	/* OPP table */
	FIELD32("opp_0_freq_0", T_OPP(0), 0, R_FREQ0),
	FIELD32("opp_2_freq_0", T_OPP(2), 0, R_FREQ0),
	FIELD32("opp_equal_freq", T_OPP(1), 100000, R_ASC),
	FIELD32("opp_descending", T_OPP(3), 250000, R_ASC),
	FIELD32("opp_first_too_high", T_OPP(0), U32_MAX, R_ASC),
	FIELD32("opp_reserved", T_OPP(2) + 12, 1, R_ORES),

	/* thermal */
	FIELD32("thermal_ambient_eq_passive", TH(ambient_mc), 85000, R_PASSIVE),
	FIELD32("thermal_ambient_above_passive", TH(ambient_mc), 90000, R_PASSIVE),
	FIELD32("thermal_passive_negative", TH(passive_mc), 0x80000000, R_PASSIVE),
	FIELD32("thermal_passive_eq_critical", TH(passive_mc), 100000, R_CRIT),
	FIELD32("thermal_critical_below_passive", TH(critical_mc), 84999, R_CRIT),
	FIELD32("thermal_critical_negative", TH(critical_mc), U32_MAX, R_CRIT),
	FIELD32("thermal_r_th_0", TH(r_th_mc_per_w), 0, R_RTH),
	FIELD32("thermal_tau_0", TH(tau_ms), 0, R_TAU),
	FIELD32("thermal_reserved_0", TH(reserved[0]), 1, R_TRES),
	FIELD32("thermal_reserved_1", TH(reserved[1]), BIT(31), R_TRES),
};

static void fw_corruption_desc(const struct fw_corruption *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fw_corruption, fw_corruptions, fw_corruption_desc);

static void edgeai_fw_parse_corruption(struct kunit *test)
{
	const struct fw_corruption *c = test->param_value;
	struct edgeai_fw_info info;
	const char *reason = NULL;
	size_t size;
	u8 *img = t_default(test, &size);

	if (c->mutate)
		c->mutate(img, &size);
	else if (c->width == 1)
		img[c->off] = (u8)c->val;
	else if (c->width == 2)
		put_unaligned_le16((u16)c->val, img + c->off);
	else
		put_unaligned_le32(c->val, img + c->off);
	if (!c->stale_crc)
		t_fix_crc(img, size);

	KUNIT_EXPECT_EQ(test, c->err, t_parse(test, img, size, DRM_EDGEAI_DEVICE_NPU, &info,
					      &reason));
	KUNIT_EXPECT_STREQ(test, reason, c->reason);
	/* A NULL reason pointer is fine on failure too. */
	KUNIT_EXPECT_EQ(test, c->err, edgeai_fw_parse(img, size, DRM_EDGEAI_DEVICE_NPU, &info,
						      NULL));
}

/*
 * A snapshot of build/firmware/edgeai/npu.bin as packed by edgeai-fwpack
 * from firmware/specs/npu.fwspec 1.0.0 (format 1.0): the packer and the
 * kernel agree on layout, byte order and CRC. tests/host/test-fwpack.sh
 * checks the packer's side against zlib.
 */
static const u8 fwpack_npu_image[] = {
	0x45, 0x41, 0x46, 0x57, 0x01, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	0xe8, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xcb, 0x7f, 0x8f, 0xca, 0x65, 0x64, 0x67, 0x65, 0x61, 0x69, 0x2d, 0x6e,
	0x70, 0x75, 0x20, 0x31, 0x2e, 0x30, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00,
	0xc4, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x68, 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x88, 0x01, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc8, 0x01, 0x00, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x65, 0x64, 0x67, 0x65, 0x61, 0x69, 0x20, 0x6e,
	0x70, 0x75, 0x20, 0x66, 0x69, 0x72, 0x6d, 0x77, 0x61, 0x72, 0x65, 0x20,
	0x31, 0x2e, 0x30, 0x2e, 0x30, 0x2c, 0x20, 0x61, 0x62, 0x69, 0x20, 0x31,
	0x2c, 0x20, 0x63, 0x6d, 0x64, 0x5f, 0x6d, 0x61, 0x73, 0x6b, 0x20, 0x30,
	0x78, 0x33, 0x2c, 0x20, 0x35, 0x31, 0x32, 0x20, 0x4d, 0x41, 0x43, 0x73,
	0x2f, 0x63, 0x79, 0x63, 0x6c, 0x65, 0x2e, 0x0a, 0x50, 0x6c, 0x61, 0x63,
	0x65, 0x68, 0x6f, 0x6c, 0x64, 0x65, 0x72, 0x20, 0x63, 0x6f, 0x64, 0x65,
	0x20, 0x73, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0x74, 0x68,
	0x65, 0x20, 0x73, 0x69, 0x6d, 0x75, 0x6c, 0x61, 0x74, 0x6f, 0x72, 0x20,
	0x62, 0x61, 0x63, 0x6b, 0x65, 0x6e, 0x64, 0x20, 0x65, 0x78, 0x65, 0x63,
	0x75, 0x74, 0x65, 0x73, 0x20, 0x74, 0x68, 0x65, 0x20, 0x63, 0x6f, 0x6d,
	0x6d, 0x61, 0x6e, 0x64, 0x0a, 0x70, 0x72, 0x6f, 0x63, 0x65, 0x73, 0x73,
	0x6f, 0x72, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x74, 0x20, 0x69, 0x6e, 0x74,
	0x6f, 0x20, 0x65, 0x64, 0x67, 0x65, 0x61, 0x69, 0x2e, 0x6b, 0x6f, 0x3b,
	0x20, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x20, 0x63, 0x6f, 0x64, 0x65,
	0x20, 0x69, 0x73, 0x20, 0x6e, 0x6f, 0x74, 0x20, 0x70, 0x61, 0x63, 0x6b,
	0x65, 0x64, 0x20, 0x79, 0x65, 0x74, 0x2e, 0x0a, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x0d, 0x03, 0x00,
	0x10, 0xeb, 0x09, 0x00, 0x2c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x1a, 0x06, 0x00, 0x60, 0xae, 0x0a, 0x00, 0x8a, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xc0, 0x27, 0x09, 0x00, 0x58, 0xd3, 0x0b, 0x00,
	0x7e, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35, 0x0c, 0x00,
	0x50, 0xf8, 0x0c, 0x00, 0x08, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x40, 0x9c, 0x00, 0x00, 0x08, 0x4c, 0x01, 0x00, 0xa0, 0x86, 0x01, 0x00,
	0x30, 0x75, 0x00, 0x00, 0x88, 0x13, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void edgeai_fw_parse_fwpack_image(struct kunit *test)
{
	struct edgeai_fw_info info;
	const char *reason = NULL;
	int ret;

	ret = t_parse(test, fwpack_npu_image, sizeof(fwpack_npu_image),
		      DRM_EDGEAI_DEVICE_NPU, &info, &reason);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "reason: %s", reason);
	KUNIT_EXPECT_EQ(test, info.fw_version, 0x010000);
	KUNIT_EXPECT_STREQ(test, info.version, "edgeai-npu 1.0.0");
	KUNIT_EXPECT_EQ(test, info.macs_per_cycle, 512);
	KUNIT_EXPECT_EQ(test, info.cmd_mask, BIT(DRM_EDGEAI_CMD_COPY) | BIT(DRM_EDGEAI_CMD_FILL));
	KUNIT_EXPECT_EQ(test, info.opp_count, 4);
	KUNIT_EXPECT_EQ(test, info.opp[0].freq_khz, 200000);
	KUNIT_EXPECT_EQ(test, info.opp[3].freq_khz, 800000);
	KUNIT_EXPECT_EQ(test, info.thermal.passive_mc, 85000);
	KUNIT_EXPECT_EQ(test, info.thermal.critical_mc, 100000);
	KUNIT_EXPECT_GT(test, info.code_size, 0);

	KUNIT_EXPECT_EQ(test, -ENOEXEC, t_parse(test, fwpack_npu_image, sizeof(fwpack_npu_image),
						DRM_EDGEAI_DEVICE_DSP, &info, NULL));
}

/* The CRC convention: zlib's crc32() of "123456789" is 0xcbf43926. */
static void edgeai_fw_parse_crc_convention(struct kunit *test)
{
	static const u8 check[] = "123456789";

	KUNIT_EXPECT_EQ(test, crc32_le(~0U, check, 9) ^ ~0U, 0xcbf43926U);
}

static struct kunit_case edgeai_fw_parse_cases[] = {
	KUNIT_CASE(edgeai_fw_parse_valid),
	KUNIT_CASE(edgeai_fw_parse_wrong_device),
	KUNIT_CASE(edgeai_fw_parse_null),
	KUNIT_CASE(edgeai_fw_parse_newer_minor),
	KUNIT_CASE(edgeai_fw_parse_section_order),
	KUNIT_CASE(edgeai_fw_parse_opp_count),
	KUNIT_CASE(edgeai_fw_parse_thermal_negative),
	KUNIT_CASE(edgeai_fw_parse_max_size),
	KUNIT_CASE(edgeai_fw_parse_truncated),
	KUNIT_CASE(edgeai_fw_parse_truncated_consistent),
	KUNIT_CASE(edgeai_fw_parse_bit_flips),
	KUNIT_CASE(edgeai_fw_parse_byte_changes),
	KUNIT_CASE_PARAM(edgeai_fw_parse_corruption, fw_corruption_gen_params),
	KUNIT_CASE(edgeai_fw_parse_fwpack_image),
	KUNIT_CASE(edgeai_fw_parse_crc_convention),
	{}
};

static struct kunit_suite edgeai_fw_parse_suite = {
	.name = "edgeai_fw_parse",
	.test_cases = edgeai_fw_parse_cases,
};

kunit_test_suite(edgeai_fw_parse_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the edgeai firmware image parser");
MODULE_LICENSE("GPL");
