// SPDX-License-Identifier: MIT
/*
 * edgeaid: the report socket. See edgeaid-report.h and shared/protocol.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "edgeaid-report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "shared/macro.h"
#include "shared/protocol.h"

static const char *const reasons[] = { EDGEAID_FALLBACK_REASONS };

static int parse_line(const char *line, size_t len, ReportCount *rc, char *err, size_t errlen)
{
	char word[16], reason[REPORT_REASON_MAX + 1], count[16], extra;
	char text[64];
	unsigned long long v;
	char *end;
	size_t i;

	if (len >= sizeof(text)) {
		snprintf(err, errlen, "a line of %zu bytes", len);
		return -EBADMSG;
	}
	memcpy(text, line, len);
	text[len] = 0;
	if (sscanf(text, "%15s %16s %15s %c", word, reason, count, &extra) != 3 ||
	    strcmp(word, "fallback")) {
		snprintf(err, errlen, "not \"fallback <reason> <count>\"");
		return -EBADMSG;
	}
	for (i = 0; i < ELEMENTSOF(reasons); i++)
		if (!strcmp(reason, reasons[i]))
			break;
	if (i == ELEMENTSOF(reasons)) {
		snprintf(err, errlen, "unknown fallback reason \"%.16s\"", reason);
		return -EBADMSG;
	}
	errno = 0;
	v = strtoull(count, &end, 10);
	if (errno || *end || count[0] < '1' || count[0] > '9' || v > REPORT_COUNT_MAX) {
		snprintf(err, errlen, "fallback count \"%.15s\" is not 1..%d", count, REPORT_COUNT_MAX);
		return -EBADMSG;
	}
	snprintf(rc->reason, sizeof(rc->reason), "%s", reasons[i]);
	rc->count = v;
	return 0;
}

int report_parse(const char *buf, size_t n, ReportCount *out, size_t max, char *err, size_t errlen)
{
	size_t k = 0, at = 0;

	if (!n) {
		snprintf(err, errlen, "an empty datagram");
		return -EBADMSG;
	}
	if (memchr(buf, 0, n)) {
		snprintf(err, errlen, "a NUL byte");
		return -EBADMSG;
	}
	if (buf[n - 1] != '\n') {
		snprintf(err, errlen, "the last line does not end in a newline");
		return -EBADMSG;
	}
	while (at < n) {
		const char *nl = memchr(buf + at, '\n', n - at);
		size_t len = (size_t)(nl - (buf + at));
		int r;

		if (k == max) {
			snprintf(err, errlen, "more than %zu lines", max);
			return -EBADMSG;
		}
		r = parse_line(buf + at, len, &out[k], err, errlen);
		if (r < 0)
			return r;
		k++;
		at += len + 1;
	}
	return (int)k;
}

int report_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, one = 1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		goto fail;
	/* a socket left by an earlier instance (RuntimeDirectoryPreserve=yes) */
	if (unlink(path) < 0 && errno != ENOENT)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	/* every application may report (UMask=0077 made it 0600) */
	if (chmod(path, 0666) < 0)
		goto fail;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

ssize_t report_recv(int fd, char *buf, size_t size, uint32_t *pid, uint32_t *uid)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = &control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *c;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	/* a datagram cut short, or file descriptors sent along: not ours */
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EBADMSG;
	buf[n] = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*pid = (uint32_t)uc.pid;
			*uid = (uint32_t)uc.uid;
			return n;
		}
	return -EBADMSG;
}
