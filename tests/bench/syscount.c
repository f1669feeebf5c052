// SPDX-License-Identifier: MIT
/*
 * syscount - count the system calls of a command and all its threads.
 *
 *   syscount OUT COMMAND [ARG...]
 *
 * Runs COMMAND under ptrace (PTRACE_O_TRACESYSGOOD, following clones,
 * forks and vforks) and counts every syscall entry, read with
 * PTRACE_GET_SYSCALL_INFO. Writes to OUT one line per syscall number,
 * "sys NR COUNT", one per ioctl request, "ioctl 0xREQUEST COUNT", and
 * "total COUNT"; exits with COMMAND's exit status. The counts are exact;
 * the timing under ptrace is not, so the benchmark times its runs
 * without it (tests/bench/bench-syscalls.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NR 1024
#define MAX_IOCTL 64

static unsigned long long by_nr[MAX_NR];
static struct {
	unsigned long long req, count;
} ioctls[MAX_IOCTL];
static unsigned int n_ioctls;

static void count_ioctl(unsigned long long req)
{
	unsigned int i;

	for (i = 0; i < n_ioctls; i++)
		if (ioctls[i].req == req)
			break;
	if (i == n_ioctls) {
		if (n_ioctls == MAX_IOCTL)
			return;
		ioctls[n_ioctls++].req = req;
	}
	ioctls[i].count++;
}

int main(int argc, char *argv[])
{
	unsigned long long total = 0;
	int status, exit_code = 1;
	pid_t child, pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: syscount OUT COMMAND [ARG...]\n");
		return 2;
	}
	child = fork();
	if (child < 0) {
		perror("syscount: fork");
		return 1;
	}
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(127);
		raise(SIGSTOP);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "syscount: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status)) {
		fprintf(stderr, "syscount: the child did not stop\n");
		return 1;
	}
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
		   PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL) < 0) {
		perror("syscount: PTRACE_SETOPTIONS");
		return 1;
	}
	ptrace(PTRACE_SYSCALL, child, NULL, NULL);

	while ((pid = waitpid(-1, &status, __WALL)) > 0) {
		int sig = 0;

		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == child)
				exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info si;

			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si), &si) > 0 &&
			    si.op == PTRACE_SYSCALL_INFO_ENTRY) {
				total++;
				if (si.entry.nr < MAX_NR)
					by_nr[si.entry.nr]++;
				if (si.entry.nr == SYS_ioctl)
					count_ioctl(si.entry.args[1]);
			}
		} else if (WSTOPSIG(status) == SIGTRAP) {
			/* a clone/fork/exec event: the new task starts traced */
		} else if (WSTOPSIG(status) != SIGSTOP || pid == child) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
	}

	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "syscount: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (unsigned int i = 0; i < MAX_NR; i++)
		if (by_nr[i])
			fprintf(out, "sys %u %llu\n", i, by_nr[i]);
	for (unsigned int i = 0; i < n_ioctls; i++)
		fprintf(out, "ioctl 0x%llx %llu\n", ioctls[i].req, ioctls[i].count);
	fprintf(out, "total %llu\n", total);
	fclose(out);
	return exit_code;
}
