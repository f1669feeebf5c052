// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Firmware loading: each device requests its image at probe, validates it
 * with edgeai_fw_parse() and keeps the parsed capabilities; the image itself
 * is released right away.
 */

#include <linux/device.h>
#include <linux/firmware.h>

#include "edgeai_device.h"
#include "edgeai_fw.h"

/**
 * edgeai_fw_load() - load and validate the device's firmware image
 * @edev: device with @type and @fw_name set
 *
 * On failure logs exactly one line naming the file and the broken rule.
 *
 * Return: 0, or -ENOENT (missing image), -EINVAL (corrupt image), -ENOEXEC
 * (image for another device or ABI), -ENOMEM.
 */
int edgeai_fw_load(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	const struct firmware *fw;
	const char *reason = "rejected";
	int ret;

	ret = firmware_request_nowarn(&fw, edev->fw_name, dev);
	if (ret)
		return dev_err_probe(dev, ret, "firmware %s: cannot load\n",
				     edev->fw_name);

	ret = edgeai_fw_parse(fw->data, fw->size, edev->type, &edev->fw, &reason);
	/* Only the parsed capabilities are kept, not the image. */
	edev->fw.code = NULL;
	release_firmware(fw);
	if (ret)
		return dev_err_probe(dev, ret, "firmware %s: invalid image: %s\n",
				     edev->fw_name, reason);
	return 0;
}
