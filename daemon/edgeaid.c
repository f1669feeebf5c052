// SPDX-License-Identifier: MIT
/*
 * edgeaid - the edgeai accelerator policy daemon.
 *
 *   edgeaid [--config=FILE] [--runtime-dir=DIR] [--no-bus]
 *   edgeaid --restore      put back every sysfs knob a (crashed) instance changed
 *   edgeaid --check-config parse the configuration, print errors, exit
 *   edgeaid --version      the version (EDGEAI_PACKAGE_VERSION, from the Makefile)
 *
 * This file is the command line and run(): the Manager (edgeaid-manager.h)
 * does the work, the Bus (edgeaid-bus.h) publishes it. See edgeaid(8) and
 * edgeaid.conf(5).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "edgeaid-bus.h"
#include "edgeaid-manager.h"
#include "shared/protocol.h"

#define EXIT_USAGE 2

/* The Makefile passes the one version of the tree (libedgeai's EDGEAI_VERSION_STRING) */
#ifndef EDGEAI_PACKAGE_VERSION
#error "build with -DEDGEAI_PACKAGE_VERSION=... (daemon/Makefile)"
#endif

#define DEFAULT_CONFIG "/etc/edgeai/edgeaid.conf"

static const char *arg_config = DEFAULT_CONFIG;
static const char *arg_runtime = NULL;
static bool arg_restore, arg_check, arg_no_bus;

static void help(void)
{
	printf("Usage: edgeaid [OPTIONS]\n\n"
	       "The edgeai accelerator policy daemon (a systemd service; see edgeaid(8)).\n\n"
	       "  -h --help             show this help and exit\n"
	       "  -V --version          show the version and exit\n"
	       "     --config=FILE      configuration (default " DEFAULT_CONFIG "),\n"
	       "                        and its drop-ins FILE.d/*.conf\n"
	       "     --runtime-dir=DIR  knob journal and advice file (default\n"
	       "                        $RUNTIME_DIRECTORY, else " EDGEAID_RUNTIME_DIR ")\n"
	       "     --no-bus           do not connect to D-Bus\n"
	       "     --restore          restore the knobs recorded in the journal and exit\n"
	       "                        (the unit's ExecStopPost=)\n"
	       "     --check-config     parse the configuration, print errors and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure (a bad or unreadable configuration,\n"
	       "no bus), 2 usage error.\n");
}

static int parse_argv(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "config", required_argument, NULL, 'c' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "no-bus", no_argument, NULL, 'n' },
		{ "restore", no_argument, NULL, 'R' },
		{ "check-config", no_argument, NULL, 'C' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0)
		switch (c) {
		case 'h':
			help();
			return 0;
		case 'V':
			printf("edgeaid %s\n", EDGEAI_PACKAGE_VERSION);
			return 0;
		case 'c':
			arg_config = optarg;
			break;
		case 'r':
			arg_runtime = optarg;
			break;
		case 'n':
			arg_no_bus = true;
			break;
		case 'R':
			arg_restore = true;
			break;
		case 'C':
			arg_check = true;
			break;
		default:
			fprintf(stderr, "Try 'edgeaid --help' for more information.\n");
			return -EINVAL;
		}
	if (optind < argc) {
		fprintf(stderr, "edgeaid takes no positional arguments\n");
		return -EINVAL;
	}
	return 1;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *ud)
{
	Manager *m = ud;
	char err[512];
	int r;

	(void)s, (void)si;
	sd_notify(0, "RELOADING=1\nSTATUS=Reloading configuration");
	r = manager_reload(m, err, sizeof(err));
	if (r < 0)
		manager_log(LOG_ERR, NULL, "Reload failed, old configuration kept: %s", *err ? err : strerror(-r));
	else
		manager_log(LOG_NOTICE, NULL, "Configuration reloaded from %s", m->config_path);
	m->status[0] = 0;
	sd_notify(0, "READY=1");
	manager_update_status(m);
	return 0;
}

static int check_config(void)
{
	char err[512] = "";
	struct stat st;
	Config c;
	int r;

	/*
	 * edgeaid runs on defaults without its configuration file, but a file
	 * named to be checked must be there: a typo is not "ok".
	 */
	if (access(arg_config, R_OK) < 0 && (errno != ENOENT || strcmp(arg_config, DEFAULT_CONFIG))) {
		fprintf(stderr, "edgeaid: cannot read %s: %s\n", arg_config, strerror(errno));
		return EXIT_FAILURE;
	}
	if (stat(arg_config, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "edgeaid: cannot read %s: not a regular file\n", arg_config);
		return EXIT_FAILURE;
	}
	config_init(&c);
	r = config_load(&c, arg_config, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "%s\n", *err ? err : strerror(-r));
	else
		printf("%s: ok, %zu application rule(s)\n", arg_config, c.n_rules);
	config_done(&c);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * The unit's RuntimeDirectory=edgeaid cdi makes $RUNTIME_DIRECTORY a list,
 * "/run/cdi:/run/edgeaid" (systemd sorts it): ours is the one named
 * edgeaid, else the first.
 */
static char *runtime_dir_from_env(const char *env)
{
	const char *p = env;

	while (*p) {
		size_t l = strcspn(p, ":");

		if ((l == 7 && !strncmp(p, "edgeaid", 7)) || (l > 7 && !strncmp(p + l - 8, "/edgeaid", 8)))
			return strndup(p, l);
		p += l + (p[l] == ':');
	}
	return strndup(env, strcspn(env, ":"));
}

/* Returns the exit status. */
static int run(int argc, char *argv[])
{
	_cleanup_(manager_freep) Manager *m = NULL;
	_cleanup_(bus_freep) Bus *bus = NULL;
	_cleanup_free_ char *runtime_env = NULL;
	int r;

	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;
	if (!arg_runtime && getenv("RUNTIME_DIRECTORY")) {
		runtime_env = runtime_dir_from_env(getenv("RUNTIME_DIRECTORY"));
		arg_runtime = runtime_env;
	}
	if (!arg_runtime)
		arg_runtime = EDGEAID_RUNTIME_DIR;
	if (arg_check)
		return check_config();
	r = manager_new(&m, arg_config, arg_runtime);
	if (r < 0)
		return EXIT_FAILURE;
	if (arg_restore)
		return manager_restore_knobs(m) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	r = manager_start(m);
	if (r >= 0 && !arg_no_bus)
		r = bus_new(&bus, m);
	if (r < 0) {
		sd_notifyf(0, "STATUS=Failed to start: %s\nERRNO=%d", strerror(-r), -r);
		manager_restore_knobs(m);
		return EXIT_FAILURE;
	}
	r = sd_event_add_signal(m->event, NULL, SIGHUP | SD_EVENT_SIGNAL_PROCMASK, on_sighup, m);
	if (r < 0)
		manager_log(LOG_WARNING, NULL, "No SIGHUP reload: %s", strerror(-r));
	sd_notify(0, "READY=1");
	m->status[0] = 0;
	manager_update_status(m);
	manager_log(LOG_INFO, NULL, "Running: %s", m->status);
	r = sd_event_loop(m->event);
	sd_notify(0, "STOPPING=1\nSTATUS=Stopping, restoring knobs");
	manager_restore_knobs(m);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	return run(argc, argv);
}
