#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# debian/dkms-source.sh DEST - copy the module's source, what Kbuild needs
# and nothing else, into DEST (/usr/src/edgeai-<version> of edgeai-dkms).
# kernel/tests/ (KUnit, built only with CONFIG_DRM_ACCEL_EDGEAI_KUNIT_TEST)
# comes along: kbuild's clean visits it whatever the configuration.
# debian/rules and the DKMS test (tests/vm/dkms.sh) both use it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$1
install -d "$dest/kernel/tests" "$dest/uapi/drm" "$dest/firmware/include" "$dest/firmware/ops"
install -m 644 "$top/Kbuild" "$dest/"
install -m 644 "$top/kernel/Makefile" "$top/kernel/Kconfig" "$top"/kernel/*.[ch] "$dest/kernel/"
install -m 644 "$top/kernel/tests/Makefile" "$top"/kernel/tests/*.c "$dest/kernel/tests/"
install -m 644 "$top"/uapi/drm/*.h "$dest/uapi/drm/"
install -m 644 "$top"/firmware/include/*.h "$dest/firmware/include/"
install -m 644 "$top"/firmware/ops/*.[ch] "$dest/firmware/ops/"
