#!/bin/sh
# Outputs of the Python bindings (libedgeai/python) equal TensorFlow Lite
# 2.9.0's (the oracle, tests/oracle/fetch.sh) byte for byte: every golden
# single-op case of tests/oracle/gen.py, and the real int8 models of
# test-run-models.sh (quantized by edgeaictl quantize) and SSD tails
# ending in TFLite_Detection_PostProcess (tests/models/ssd_postprocess.py)
# through run() and through futures in flight, on the CPU path of the
# build tree's library.
# Skips when the oracle or the models cannot be fetched, or without
# python3-numpy.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$top/tests/host/test-python.sh" --oracle
