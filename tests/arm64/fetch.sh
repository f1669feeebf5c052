#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch into $EDGEAI_CACHE/arm64 the arm64 packages the arm64 lane uses but
# that cannot be installed beside the host's own (see tests/lib/deps.sh).
# Idempotent; called by `make deps`.
set -eu
A64_TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$A64_TOP/tests/arm64/lib.sh"
a64_busybox
echo "deps: arm64 busybox in $A64_BUSYBOX"
