// SPDX-License-Identifier: MIT
/*
 * Fallback reports to edgeaid. A request of an AUTO program that ran
 * device work on the CPU is counted here, and the counts go to edgeaid in
 * a datagram on the report socket next to its advice file
 * (/run/edgeaid/report, or the directory of $EDGEAI_ADVICE_FILE). The
 * kernel attaches the sender's credentials to the datagram, so edgeaid
 * knows the process, and from it the application, without trusting
 * anything the datagram says about itself.
 *
 * The wire format is edgeaid's (daemon/shared/protocol.h): lines of
 * "fallback <kind> <count>\n", one datagram at most every 100 ms per
 * process; counts add up in between, and what is left goes at exit.
 * Sending never blocks and never fails a request: when edgeaid's queue is
 * full the counts wait for the next datagram; without edgeaid they are
 * dropped, and the next try is a second later.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/base.h"
#include "exec/fallback.h"

#define REPORT_INTERVAL_NS (100 * 1000000LL)
#define REPORT_RETRY_NS (1000 * 1000000LL)

static struct {
	pthread_mutex_t lock;
	pthread_once_t once;
	int fd;
	uint64_t pending[EXEC_FB_COUNT];
	int64_t sent_ns;	/* the last datagram */
	int64_t quiet_until_ns;	/* no edgeaid at @quiet_path: nothing is counted until then */
	char quiet_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
} rep = { .lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT, .fd = -1 };

/* A fork child reports what it does itself, not what its parent had counted. */
static void report_atfork_child(void)
{
	memset(rep.pending, 0, sizeof(rep.pending));
	pthread_mutex_init(&rep.lock, NULL);
}

static void report_init(void)
{
	pthread_atfork(NULL, NULL, report_atfork_child);
}

static int report_address(struct sockaddr_un *sa)
{
	const char *adv = secure_getenv("EDGEAI_ADVICE_FILE");
	const char *slash = adv && *adv ? strrchr(adv, '/') : NULL;
	int n;

	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (!adv || !*adv)
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/run/edgeaid/report");
	else if (!slash)
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "report");
	else
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%.*s/report", (int)(slash - adv),
			     adv);
	return n > 0 && (size_t)n < sizeof(sa->sun_path) ? 0 : -ENAMETOOLONG;
}

/* Send what is pending to @sa; called with rep.lock held. */
static void report_flush(const struct sockaddr_un *sa, int64_t now)
{
	char msg[EXEC_FB_COUNT * 48];
	size_t n = 0;
	int k;

	for (k = EXEC_FB_NONE + 1; k < EXEC_FB_COUNT; k++)
		if (rep.pending[k])
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "fallback %s %" PRIu64 "\n",
					      exec_fallback_kind_name(k), rep.pending[k]);
	if (!n)
		return;
	if (rep.fd < 0)
		rep.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (rep.fd >= 0) {
		if (sendto(rep.fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)sa,
			   sizeof(*sa)) == (ssize_t)n) {
			memset(rep.pending, 0, sizeof(rep.pending));
			rep.sent_ns = now;
			return;
		}
		if (errno == EAGAIN)
			return;	/* edgeaid is behind: the counts wait */
	}
	/* no edgeaid (ENOENT, ECONNREFUSED, EACCES...): its metrics start without these */
	memset(rep.pending, 0, sizeof(rep.pending));
	rep.quiet_until_ns = now + REPORT_RETRY_NS;
	memcpy(rep.quiet_path, sa->sun_path, sizeof(rep.quiet_path));
}

void exec_report_fallback(enum exec_fallback_kind kind)
{
	struct sockaddr_un sa;
	int64_t now;

	if (kind <= EXEC_FB_NONE || kind >= EXEC_FB_COUNT || report_address(&sa))
		return;
	pthread_once(&rep.once, report_init);
	now = base_now_ns();
	pthread_mutex_lock(&rep.lock);
	/* after a failed send, a second's quiet; another address ($EDGEAI_ADVICE_FILE) at once */
	if (now >= rep.quiet_until_ns || strcmp(sa.sun_path, rep.quiet_path)) {
		rep.quiet_until_ns = 0;
		rep.pending[kind]++;
		if (now - rep.sent_ns >= REPORT_INTERVAL_NS)
			report_flush(&sa, now);
	}
	pthread_mutex_unlock(&rep.lock);
}

/* At exit (or dlclose): the counts of the last 100 ms. */
__attribute__((destructor)) static void report_at_exit(void)
{
	struct sockaddr_un sa;

	if (report_address(&sa) || pthread_mutex_trylock(&rep.lock))
		return;	/* another thread is still in here: it sends them */
	report_flush(&sa, base_now_ns());
	if (rep.fd >= 0)
		close(rep.fd);
	rep.fd = -1;
	pthread_mutex_unlock(&rep.lock);
}
