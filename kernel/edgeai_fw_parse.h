/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_FW_PARSE_H__
#define __EDGEAI_FW_PARSE_H__

#include <linux/types.h>

#include "edgeai_fw_image.h"

/**
 * struct edgeai_fw_info - a validated firmware image, in CPU byte order
 * @device_type: &enum drm_edgeai_device_type
 * @fw_version: major << 16 | minor << 8 | patch
 * @abi_version: command ABI version
 * @version: NUL-terminated version string
 * @code: device code inside the image (points into the parsed buffer)
 * @code_size: bytes at @code
 * @macs_per_cycle: int8 MACs per cycle per core
 * @cmd_mask: supported &enum drm_edgeai_cmd_op bits
 * @op_mask: supported program operations
 * @opp_count: entries used in @opp
 * @opp: operating points, ascending frequency
 * @opp.freq_khz: core clock
 * @opp.voltage_uv: supply voltage
 * @opp.power_mw: busy power
 * @thermal: thermal model and trips
 * @thermal.ambient_mc: ambient temperature
 * @thermal.passive_mc: passive trip
 * @thermal.critical_mc: critical trip
 * @thermal.r_th_mc_per_w: thermal resistance
 * @thermal.tau_ms: thermal time constant
 * @thermal.idle_power_mw: idle power
 */
struct edgeai_fw_info {
	u32 device_type;
	u32 fw_version;
	u32 abi_version;
	char version[EDGEAI_FW_VERSION_LEN];
	const u8 *code;
	u32 code_size;
	u32 macs_per_cycle;
	u32 cmd_mask;
	u64 op_mask[2];
	u32 opp_count;
	struct {
		u32 freq_khz;
		u32 voltage_uv;
		u32 power_mw;
	} opp[EDGEAI_FW_MAX_OPPS];
	struct {
		s32 ambient_mc;
		s32 passive_mc;
		s32 critical_mc;
		u32 r_th_mc_per_w;
		u32 tau_ms;
		u32 idle_power_mw;
	} thermal;
};

/**
 * edgeai_fw_parse() - validate a firmware image and extract its contents
 * @data: the image
 * @size: bytes at @data
 * @device_type: type of the loading device; the image must match
 * @info: filled on success; @info->code points into @data
 * @reason: on failure, set to a short static string naming the first
 *	broken rule (for one dev_err line); untouched on success
 *
 * Pure function: no allocation, no logging, safe on any input.
 *
 * Return: 0, or -EINVAL for a malformed image, -ENOEXEC for a valid image
 * of another device type or an unsupported format/ABI version.
 */
int edgeai_fw_parse(const u8 *data, size_t size, u32 device_type,
		    struct edgeai_fw_info *info, const char **reason);

#endif /* __EDGEAI_FW_PARSE_H__ */
