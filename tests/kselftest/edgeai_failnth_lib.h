/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the fail-nth walks (edgeai_failnth_test, edgeai_failnth_probe_test):
 * /proc/thread-self/fail-nth = N makes the Nth fault site the calling
 * thread reaches (a slab or page allocation: failslab and fail_page_alloc)
 * fail; reading it back after the call says whether the call got that far.
 * Needs CONFIG_FAULT_INJECTION with FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS.
 */
#ifndef EDGEAI_FAILNTH_LIB_H
#define EDGEAI_FAILNTH_LIB_H

#include "edgeai_test.h"

/*
 * failslab and fail_page_alloc for fail-nth: GFP_KERNEL and order 0 too,
 * quiet. Returns 0, or a reason to skip (a string) when the kernel has no
 * fault injection or the caller is not root.
 */
static inline const char *eai_failnth_setup(int *nth_fd)
{
	static const char *const dirs[] = { "failslab", "fail_page_alloc" };

	if (geteuid())
		return "needs root for the fault-injection knobs";
	if (access("/proc/thread-self/fail-nth", W_OK))
		return "kernel without CONFIG_FAULT_INJECTION (no /proc/thread-self/fail-nth)";
	for (unsigned int i = 0; i < 2; i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "/sys/kernel/debug/%s/ignore-gfp-wait", dirs[i]);
		if (eai_write_file(p, "N"))
			return "no failslab/fail_page_alloc in debugfs";
		/* verbose=2 prints a stack trace the splat scan would take for a bug */
		snprintf(p, sizeof(p), "/sys/kernel/debug/%s/verbose", dirs[i]);
		eai_write_file(p, "0");
	}
	eai_write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	eai_write_file("/sys/kernel/debug/fail_page_alloc/min-order", "0");
	*nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return *nth_fd < 0 ? "cannot open /proc/thread-self/fail-nth" : NULL;
}

/* Make the @n-th fault site of this thread fail (0: disarm). */
static inline void eai_nth_arm(int nth_fd, unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (pwrite(nth_fd, s, len, 0) != len)
		abort();
}

/* Disarms and says whether the armed failure happened (the count reached 0). */
static inline bool eai_nth_hit(int nth_fd)
{
	char s[16] = "";
	ssize_t r = pread(nth_fd, s, sizeof(s) - 1, 0);

	if (r < 0)
		abort();
	eai_nth_arm(nth_fd, 0);
	return atoi(s) == 0;
}

/* What a call may return after an injected allocation failure. */
static inline bool eai_failnth_clean_errno(int ret)
{
	return ret == 0 || ret == -ENOMEM || ret == -ENOSPC || ret == -EAGAIN ||
	       ret == -ENOBUFS || ret == -EINTR;
}

#endif /* EDGEAI_FAILNTH_LIB_H */
