#!/bin/sh
# The Python bindings (libedgeai/python, package edgeai) against the
# library of the build tree on the CPU path: every binding call, its error
# paths (missing file, corrupt model, float model, wrong input count, dtype
# and shape, DEVICE_ONLY without a device), futures in flight, threads,
# close(), the ctypes structures against the C header, python3 -m edgeai
# against edgeaictl, and make install. tests/host/test-python.py does the
# work; this sets up its environment. Uses Debian's /usr/bin/python3 (a
# pyenv python3 may come first on PATH) and skips without python3-numpy.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
py=${EDGEAI_PYTHON:-/usr/bin/python3}
if ! "$py" -c 'import numpy' > /dev/null 2>&1; then
	echo "1..0 # SKIP $py with numpy missing (make deps: python3-numpy)"
	exit 77
fi
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
EDGEAI_TOP=$top EDGEAI_BUILD=$build EDGEAI_CTL=$ctl EDGEAI_CACHE_DIR=$tmp/cache \
	EDGEAI_LIBRARY=$build/libedgeai/libedgeai.so.0 PYTHONPATH=$top/libedgeai/python \
	PYTHONDONTWRITEBYTECODE=1 exec "$py" "$top/tests/host/test-python.py" "$@"
