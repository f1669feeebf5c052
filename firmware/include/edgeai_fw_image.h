/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edgeai firmware image format, version 1.0.
 *
 * Shared by the kernel's loader (kernel/edgeai_fw_parse.c) and the packer
 * (firmware/tools/edgeai-fwpack.c). Every multi-byte field is little-endian.
 *
 * Layout:
 *
 *   +------------------------------+ 0
 *   | struct edgeai_fw_header      |
 *   +------------------------------+ header_size
 *   | struct edgeai_fw_section [n] |  n = section_count
 *   +------------------------------+
 *   | section payloads, each       |
 *   | 8-byte aligned, in bounds,   |
 *   | not overlapping anything     |
 *   +------------------------------+ image_size
 *
 * Rules the loader enforces (each failure is one dev_err line naming it):
 *  - magic, format major equal to EDGEAI_FW_FORMAT_MAJOR (a newer minor is
 *    accepted), header_size == sizeof(struct edgeai_fw_header),
 *    image_size == file size, CRC-32 (IEEE 802.3, as zlib's crc32()) over the
 *    whole image with the crc32 field taken as zero;
 *  - device_type is the type of the device loading it; abi_version equals
 *    EDGEAI_FW_ABI_VERSION; flags and reserved words are zero;
 *    version_string is non-empty printable ASCII, NUL-terminated, with only
 *    NUL bytes after the terminator;
 *  - 1..EDGEAI_FW_MAX_SECTIONS sections of known type, each type at most once,
 *    CODE, CAPS, OPP and THERMAL all present, sizes exactly as below;
 *  - OPP: 1..EDGEAI_FW_MAX_OPPS entries, frequencies strictly ascending and
 *    non-zero; THERMAL: ambient < passive < critical.
 */
#ifndef _EDGEAI_FW_IMAGE_H_
#define _EDGEAI_FW_IMAGE_H_

#include <linux/types.h>

#define EDGEAI_FW_MAGIC		0x57464145	/* "EAFW" as bytes in the file */
#define EDGEAI_FW_FORMAT_MAJOR	1
#define EDGEAI_FW_FORMAT_MINOR	0
/* Version of the command/program ABI between the kernel and the firmware. */
#define EDGEAI_FW_ABI_VERSION	1

#define EDGEAI_FW_MAX_SECTIONS	16
#define EDGEAI_FW_MAX_OPPS	16
#define EDGEAI_FW_MAX_SIZE	(16U << 20)
#define EDGEAI_FW_VERSION_LEN	32

/**
 * struct edgeai_fw_header - start of every image (96 bytes)
 * @magic: EDGEAI_FW_MAGIC
 * @format_major: EDGEAI_FW_FORMAT_MAJOR
 * @format_minor: EDGEAI_FW_FORMAT_MINOR or newer
 * @header_size: sizeof(struct edgeai_fw_header)
 * @image_size: size of the whole image in bytes
 * @device_type: &enum drm_edgeai_device_type the image is built for
 * @fw_version: major << 16 | minor << 8 | patch
 * @abi_version: EDGEAI_FW_ABI_VERSION
 * @section_count: entries in the section table that follows the header
 * @flags: must be zero
 * @crc32: CRC-32 of the whole image computed with this field set to zero
 * @version_string: human-readable version, NUL-terminated
 * @reserved: must be zero
 */
struct edgeai_fw_header {
	__le32 magic;
	__le16 format_major;
	__le16 format_minor;
	__le32 header_size;
	__le32 image_size;
	__le32 device_type;
	__le32 fw_version;
	__le32 abi_version;
	__le32 section_count;
	__le32 flags;
	__le32 crc32;
	char version_string[EDGEAI_FW_VERSION_LEN];
	__le32 reserved[6];
};

/**
 * enum edgeai_fw_section_type - what a section holds
 * @EDGEAI_FW_SECTION_CODE: device code (opaque to the kernel), non-empty
 * @EDGEAI_FW_SECTION_CAPS: one &struct edgeai_fw_caps
 * @EDGEAI_FW_SECTION_OPP: array of &struct edgeai_fw_opp
 * @EDGEAI_FW_SECTION_THERMAL: one &struct edgeai_fw_thermal
 */
enum edgeai_fw_section_type {
	EDGEAI_FW_SECTION_CODE = 1,
	EDGEAI_FW_SECTION_CAPS = 2,
	EDGEAI_FW_SECTION_OPP = 3,
	EDGEAI_FW_SECTION_THERMAL = 4,
};

/**
 * struct edgeai_fw_section - section table entry (16 bytes)
 * @type: &enum edgeai_fw_section_type
 * @flags: must be zero
 * @offset: from the start of the image, multiple of 8
 * @size: payload bytes
 */
struct edgeai_fw_section {
	__le32 type;
	__le32 flags;
	__le32 offset;
	__le32 size;
};

/**
 * struct edgeai_fw_caps - what the firmware can do (32 bytes)
 * @macs_per_cycle: int8 multiply-accumulates per cycle per core, non-zero
 * @cmd_mask: bit n set when &enum drm_edgeai_cmd_op n is supported, non-zero
 * @op_mask: program operations supported (program format, bit per op)
 * @reserved: must be zero
 */
struct edgeai_fw_caps {
	__le32 macs_per_cycle;
	__le32 cmd_mask;
	__le64 op_mask[2];
	__le32 reserved[2];
};

/**
 * struct edgeai_fw_opp - one operating point (16 bytes)
 * @freq_khz: core clock, non-zero, strictly ascending through the table
 * @voltage_uv: supply voltage
 * @power_mw: power drawn when busy at this point
 * @reserved: must be zero
 */
struct edgeai_fw_opp {
	__le32 freq_khz;
	__le32 voltage_uv;
	__le32 power_mw;
	__le32 reserved;
};

/**
 * struct edgeai_fw_thermal - thermal model and limits (32 bytes)
 * @ambient_mc: ambient temperature, milli-degrees Celsius
 * @passive_mc: passive trip (throttling starts), above @ambient_mc
 * @critical_mc: critical trip (no new jobs), above @passive_mc
 * @r_th_mc_per_w: thermal resistance, milli-degrees Celsius per watt, non-zero
 * @tau_ms: thermal time constant R*C in milliseconds, non-zero
 * @idle_power_mw: power drawn when powered but idle
 * @reserved: must be zero
 */
struct edgeai_fw_thermal {
	__le32 ambient_mc;
	__le32 passive_mc;
	__le32 critical_mc;
	__le32 r_th_mc_per_w;
	__le32 tau_ms;
	__le32 idle_power_mw;
	__le32 reserved[2];
};

#endif /* _EDGEAI_FW_IMAGE_H_ */
