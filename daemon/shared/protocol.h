/* SPDX-License-Identifier: MIT */
/*
 * edgeaid's protocol, the names edgeaid publishes and edgeaictl (and every
 * other client) uses: its D-Bus object (documented in
 * daemon/org.edgeai.Manager1.xml) and its files under /run/edgeaid.
 *
 * libedgeai reads the advice file too, through its own copy of the path
 * (it does not include daemon/ headers): change both together.
 */
#ifndef EDGEAI_SHARED_PROTOCOL_H
#define EDGEAI_SHARED_PROTOCOL_H

#define EDGEAID_BUS_NAME "org.edgeai.Manager1"
#define EDGEAID_BUS_PATH "/org/edgeai/Manager1"
#define EDGEAID_BUS_IFACE "org.edgeai.Manager1"

/* The errors of org.edgeai.Manager1 beyond org.freedesktop.DBus.Error.* */
#define EDGEAID_ERROR_NO_SUCH_CLIENT EDGEAID_BUS_IFACE ".Error.NoSuchClient"
#define EDGEAID_ERROR_NO_SUCH_APPLICATION EDGEAID_BUS_IFACE ".Error.NoSuchApplication"
#define EDGEAID_ERROR_KERNEL_REFUSED EDGEAID_BUS_IFACE ".Error.KernelRefused"
#define EDGEAID_ERROR_BAD_CONFIG EDGEAID_BUS_IFACE ".Error.BadConfig"

/* The power profiles of SetPowerProfile and PowerProfile=, in order */
#define EDGEAID_POWER_PROFILES "power-saver", "balanced", "performance"

/*
 * The runtime directory (the unit's RuntimeDirectory=, or --runtime-dir=)
 * holds the knob journal and the advice file: one line, "none" or the
 * reason CPU fallback is advised ("thermal", "device-missing", ...).
 */
#define EDGEAID_RUNTIME_DIR "/run/edgeaid"
#define EDGEAID_KNOBS_FILE "knobs"
#define EDGEAID_ADVICE_FILE "advice"
#define EDGEAID_ADVICE_PATH EDGEAID_RUNTIME_DIR "/" EDGEAID_ADVICE_FILE

/*
 * The report socket (AF_UNIX, SOCK_DGRAM, mode 0666) next to the advice
 * file: libedgeai tells edgeaid its fallbacks there, so the metrics count
 * them per application. The kernel attaches the sender's credentials
 * (SO_PASSCRED); edgeaid takes the process from them, never from the
 * payload. A datagram is up to EDGEAID_REPORT_MAX bytes of lines
 *
 *   fallback <reason> <count>
 *
 * with <reason> one of EDGEAID_FALLBACK_REASONS and <count> 1..1000000.
 * libedgeai (exec/report.c) has its own copy of the path and the reasons.
 */
#define EDGEAID_REPORT_FILE "report"
#define EDGEAID_REPORT_MAX 512
#define EDGEAID_FALLBACK_REASONS \
	"advice", "deadline", "busy", "thermal", "quota", "failed", "no-device"

#endif
