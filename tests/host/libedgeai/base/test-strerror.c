// SPDX-License-Identifier: MIT
/* edgeai_strerror(), version checks and type names. */
#include <errno.h>
#include <string.h>

#include <edgeai/edgeai.h>

#include "ktap.h"

int main(void)
{
	static const int documented[] = {
		EINVAL, ENODEV, ENOENT, EAGAIN, EBUSY, ETIME, ETIMEDOUT,
		EIO, ECANCELED, EBADFD, EOPNOTSUPP, E2BIG, ECHILD,
	};
	const char *seen[sizeof(documented) / sizeof(documented[0])];

	ktap_start();

	ktap_ok(strcmp(edgeai_strerror(0), "Success") == 0, "strerror(0) is Success");
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++) {
		int e = documented[i];
		const char *neg = edgeai_strerror(-e), *pos = edgeai_strerror(e);

		seen[i] = neg;
		ktap_ok(neg && *neg && neg == pos, "strerror(-%s) non-empty and sign-independent",
			strerrorname_np(e));
	}
	/* Each documented code has its own message (no copy-paste of one text). */
	{
		int dup = 0;

		for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
			for (size_t j = i + 1; j < sizeof(seen) / sizeof(seen[0]); j++)
				dup |= strcmp(seen[i], seen[j]) == 0;
		ktap_ok(!dup, "documented error codes have distinct messages");
	}
	ktap_ok(strstr(edgeai_strerror(-EBADFD), "reset") != NULL, "EBADFD explains the guilty context");
	ktap_ok(strstr(edgeai_strerror(-ETIMEDOUT), "reset") != NULL, "ETIMEDOUT explains the hang/reset");
	ktap_ok(strcmp(edgeai_strerror(-ETIME), edgeai_strerror(-ETIMEDOUT)) != 0,
		"ETIME (caller timeout) differs from ETIMEDOUT (device hang)");
	ktap_ok(strcmp(edgeai_strerror(-ENOSPC), strerror(ENOSPC)) == 0,
		"other codes use the C library's text");
	ktap_ok(edgeai_strerror(-123456) != NULL && *edgeai_strerror(-123456),
		"unknown code gives a non-empty text");
	ktap_ok(edgeai_strerror(-2147483647 - 1) != NULL, "INT_MIN does not crash");

	ktap_ok(strcmp(edgeai_version(), EDGEAI_VERSION_STRING) == 0, "edgeai_version matches header");
	ktap_ok(edgeai_check_version(EDGEAI_VERSION_MAJOR, EDGEAI_VERSION_MINOR) == 1,
		"check_version(current) is true");
	ktap_ok(edgeai_check_version(EDGEAI_VERSION_MAJOR, 0) == 1, "check_version(major.0) is true");
	ktap_ok(edgeai_check_version(EDGEAI_VERSION_MAJOR, EDGEAI_VERSION_MINOR + 1) == 0,
		"check_version(newer minor) is false");
	ktap_ok(edgeai_check_version(EDGEAI_VERSION_MAJOR + 1, 0) == 0,
		"check_version(other major) is false");
	ktap_ok(EDGEAI_CHECK_VERSION(0, EDGEAI_VERSION_MINOR) &&
		!EDGEAI_CHECK_VERSION(0, EDGEAI_VERSION_MINOR + 1) && !EDGEAI_CHECK_VERSION(1, 0),
		"EDGEAI_CHECK_VERSION macro");

	ktap_ok(strcmp(edgeai_device_type_name(EDGEAI_DEVICE_NPU), "npu") == 0, "type name npu");
	ktap_ok(strcmp(edgeai_device_type_name(EDGEAI_DEVICE_DSP), "dsp") == 0, "type name dsp");
	ktap_ok(strcmp(edgeai_device_type_name(77), "unknown") == 0, "type name of unknown value");

	return ktap_finish();
}
