// SPDX-License-Identifier: MIT
/*
 * Discovery and open on a machine without an edgeai device (the host):
 * an empty list and no error, -ENODEV for automatic open and for device
 * nodes of other drivers, errno values from open(2) passed through.
 * On a machine with devices it checks the list is consistent instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <edgeai/edgeai.h>

#include "ktap.h"

int main(void)
{
	struct edgeai_device_list *list = NULL;
	struct edgeai_device *dev = (void *)0x1;
	char tmpl[] = "/tmp/edgeai-test-XXXXXX";
	int n, r, fd;

	ktap_start();

	n = edgeai_enumerate(&list);
	ktap_ok(n >= 0 && list != NULL, "enumerate succeeds (%d devices)", n);
	ktap_ok(edgeai_device_list_count(list) == n, "list count equals the return value");

	if (n == 0) {
		r = edgeai_device_open(NULL, 0, &dev);
		KTAP_EXPECT_EQ(r, -ENODEV, "automatic open without devices is -ENODEV");
		ktap_ok(dev == (void *)0x1, "automatic open leaves ret_dev untouched");
	} else {
		struct edgeai_device_info info, prev = {};
		int sorted = 1, sane = 1;

		for (int i = 0; i < n; i++) {
			if (edgeai_device_list_get(list, (unsigned int)i, &info) < 0)
				sane = 0;
			if (i && info.minor <= prev.minor)
				sorted = 0;
			if (strncmp(info.node, "/dev/accel/accel", 16) != 0)
				sane = 0;
			prev = info;
		}
		ktap_ok(sane, "every entry has an accel device node");
		ktap_ok(sorted, "entries sorted by minor");
		r = edgeai_device_open(NULL, 0, &dev);
		ktap_ok(r == 0, "automatic open finds a device");
		dev = edgeai_device_unref(dev);
		dev = (void *)0x1;
	}
	edgeai_device_list_unref(list);

	/* Two enumerations agree (no state kept between calls). */
	{
		struct edgeai_device_list *l2 = NULL;
		int n2 = edgeai_enumerate(&l2);

		KTAP_EXPECT_EQ(n2, n, "second enumeration gives the same count");
		edgeai_device_list_unref(l2);
	}

	r = edgeai_device_open("/dev/null", 0, &dev);
	KTAP_EXPECT_EQ(r, -ENODEV, "open of /dev/null (not DRM) is -ENODEV");
	r = edgeai_device_open("/nonexistent/accel9", 0, &dev);
	KTAP_EXPECT_EQ(r, -ENOENT, "open of a missing node passes -ENOENT through");
	ktap_ok(dev == (void *)0x1, "failed opens leave ret_dev untouched");

	fd = mkstemp(tmpl);
	if (fd >= 0) {
		r = edgeai_device_open(tmpl, 0, &dev);
		KTAP_EXPECT_EQ(r, -ENODEV, "open of a regular file is -ENODEV");
		r = edgeai_device_open_fd(fd, 0, &dev);
		KTAP_EXPECT_EQ(r, -ENODEV, "open_fd of a regular file is -ENODEV");
		ktap_ok(fcntl(fd, F_GETFD) >= 0, "open_fd failure leaves the caller's fd open");
		close(fd);
		unlink(tmpl);
	} else {
		ktap_ok(0, "mkstemp");
	}
	ktap_ok(dev == (void *)0x1, "ret_dev still untouched");
	return ktap_finish();
}
