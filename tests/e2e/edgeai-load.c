// SPDX-License-Identifier: GPL-2.0-only
/*
 * e2e load generator: keeps 4 jobs of 16 1-MiB FILLs in flight on the first
 * device of a type and reports the device time (its fdinfo drm-engine-*)
 * it got in a window. It sets no policy itself: edgeaid does, by its
 * executable path (the scenario runs copies under different names).
 *
 *   edgeai-load npu|dsp START_MS WINDOW_MS
 *
 * START_MS is a CLOCK_REALTIME time in ms (date +%s%3N) at which the window
 * starts, so that several processes measure the same window; the load runs
 * from launch to the window's end. Prints "engine_ns=N" and exits 0, or
 * "error=-ERRNO" and exits 3 when a submit or wait fails (e.g. -ENODEV
 * after an unbind).
 */
#include <time.h>

#include "edgeai_pm_lib.h"

static int64_t realtime_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
        uint32_t type;
        struct eai_load l;
        char key[32];
        long long e0, e1;
        int64_t start_ms, window_ms, now_ms;
        int fd, minor, ret;

        if (argc != 4 || (strcmp(argv[1], "npu") && strcmp(argv[1], "dsp"))) {
                fprintf(stderr, "usage: edgeai-load npu|dsp START_MS WINDOW_MS\n");
                return 2;
        }
        type = strcmp(argv[1], "npu") ? DRM_EDGEAI_DEVICE_DSP : DRM_EDGEAI_DEVICE_NPU;
        start_ms = atoll(argv[2]);
        window_ms = atoll(argv[3]);
        snprintf(key, sizeof(key), "drm-engine-%s", argv[1]);
        minor = eai_find_minor(type);
        if (minor < 0) {
                printf("error=%d\n", minor);
                return 3;
        }
        fd = eai_open_minor(minor);
        if (fd < 0 || eai_load_init(&l, fd, 16)) {
                printf("error=%d\n", fd < 0 ? fd : -EIO);
                return 3;
        }
        l.core = 0;
        now_ms = realtime_ms();
        ret = eai_load_saturate(&l, 4, eai_now_ns() + (start_ms > now_ms ? start_ms - now_ms : 0) * 1000000LL);
        e0 = eai_fdinfo_ll(fd, key);
        if (!ret)
                ret = eai_load_saturate(&l, 4, eai_now_ns() + window_ms * 1000000LL);
        e1 = eai_fdinfo_ll(fd, key);
        if (ret) {
                printf("error=%d\n", ret);
                fflush(stdout);
                return 3;
        }
        printf("engine_ns=%lld\n", e1 - e0);
        return 0;
}
