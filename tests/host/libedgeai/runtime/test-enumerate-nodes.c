// SPDX-License-Identifier: MIT
/*
 * Run by test-enumerate-nodes.sh under a fake sysfs: what libudev shows of
 * the accel subsystem and what edgeai_enumerate() keeps of it, one line
 * each, for the script to compare:
 *   udev accelN DRIVER NODE present|missing
 *   edgeai NODE TYPE
 *   count N
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include <edgeai/edgeai.h>

static void list_udev(void)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *e = udev ? udev_enumerate_new(udev) : NULL;
	struct udev_list_entry *entry;

	if (!e || udev_enumerate_add_match_subsystem(e, "accel") < 0 || udev_enumerate_scan_devices(e) < 0) {
		printf("udev-error\n");
		goto out;
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		struct udev_device *parent = d ? udev_device_get_parent(d) : NULL;
		const char *drv = parent ? udev_device_get_driver(parent) : NULL;
		const char *node = d ? udev_device_get_devnode(d) : NULL;

		if (!d)
			continue;
		printf("udev %s %s %s %s\n", udev_device_get_sysname(d), drv ? drv : "-", node ? node : "-",
		       node && access(node, F_OK) == 0 ? "present" : "missing");
		udev_device_unref(d);
	}
out:
	udev_enumerate_unref(e);
	udev_unref(udev);
}

int main(void)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device_info info;
	int n;

	list_udev();
	n = edgeai_enumerate(&list);
	if (n < 0) {
		printf("error %s\n", strerror(-n));
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (!edgeai_device_list_get(list, (unsigned int)i, &info))
			printf("edgeai %s %s\n", info.node, edgeai_device_type_name(info.type));
	printf("count %d\n", n);
	edgeai_device_list_unref(list);
	return 0;
}
