#!/bin/sh
# Seeded random graphs (tests/models/random_graph.py) through the whole
# library path against the oracle: each float graph is quantized by
# `edgeaictl quantize --samples 8 --seed 1` (int8 inputs and outputs; a
# seed in four uint8, one in four float32: --io), run by the oracle (TensorFlow
# Lite 2.9.0's built-in kernels) and by `edgeaictl run --device cpu` with
# the default kernels, the AVX2 set, the reference kernels and the default
# kernels on 3 threads (EDGEAI_RUN_MODES names others), on the same seeded
# input bytes: every output equal byte for byte. The corpus's models
# repeat a few shapes and patterns; these graphs put the ops in other
# orders and shapes (fan-out, residual branches, concatenations of
# branches, resizes to odd sizes, 1 to 35 channels, a second output from
# inside the graph), where the compiler's fusion and memory plan and the
# kernels' shape classes meet combinations no corpus model has.
#
#   tests/host/test-random-graphs.sh [FIRST [LAST]]    seeds (1 24)
#   tests/host/test-random-graphs.sh NAME[@float]...   tests/models/NAME.py only
#
# Without arguments it runs tests/models/shape_ops.py's graph too (int8
# and float inputs and outputs): every op the compiler lowers to data
# movement (SLICE, SPLIT, SPLIT_V, UNPACK, PACK, EXPAND_DIMS, PADV2 with
# a value other than the zero point), which the random draws meet alone;
# and tests/models/dilated_convs.py's: dilated convolutions written as
# SPACE_TO_BATCH_ND, convolution, BATCH_TO_SPACE_ND, which the compiler
# runs as one dilated convolution where they are one; and
# tests/models/attention.py's: a two-block vision transformer (multi-head
# attention by BATCH_MATMUL, LayerNormalization, a GELU MLP); and
# tests/models/quant_edges.py's: tensors that are 0 on every input (x - x,
# (x - x)^2, HARD_SWISH far below -3), whose calibrated ranges are
# nothing: the quantizer must give them scales TFLite can rescale to; and
# a CONCATENATION of a LOGISTIC's and a TANH's outputs (fixed ranges) with
# a wider tensor, which gets its own range, the fixed inputs requantized;
# and tests/models/dynamic_range.py's: a dynamic-range quantized model
# (float activations, int8 weights read by the float convolutions and
# FULLY_CONNECTED), which the quantizer takes as the float model of those
# weights dequantized.
#
# With --wide the seeds are random_graph.py's wide profile's (`--wide`):
# tensors of rank 1 to 5, up to 512 channels, kernels up to 7x7 and 1x7,
# strides and dilations up to 3, depth multipliers up to 4, and the shape
# ops (TRANSPOSE, RESHAPE chains, SQUEEZE, EXPAND_DIMS, REVERSE_V2, TILE,
# BROADCAST_TO, SLICE and STRIDED_SLICE with masks, shrunk axes and
# negative strides, SPLIT, SPLIT_V, UNPACK, PACK, GATHER, MIRROR_PAD,
# PADV2), the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN over runs of
# axes, keep_dims or not), ARG_MAX and ARG_MIN, BATCH_MATMUL,
# FULLY_CONNECTED, SQUARED_DIFFERENCE, DIV by a constant, ABS, RSQRT,
# SOFTMAX and L2_NORMALIZATION on any axis; from seed 25 on also
# reductions over axes apart by axes of size 1 (and repeated), global
# reductions of about 78,000 values, GATHERs of up to 300 scattered
# indices, and the blocks of real models: inverted residuals,
# squeeze-and-excite, FPN levels, SSD heads. Without arguments wide seeds
# 1 to 40 run too (about 15 s).
#
#   tests/host/test-random-graphs.sh --wide [FIRST [LAST]]   wide seeds (1 8)
#
# A failing seed is reproduced by `tests/models/random_graph.py [--wide]
# SEED OUT.tflite` and the steps above. Skips (77) when the oracle cannot
# be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
wide=''
if [ "${1:-}" = --wide ]; then
	wide=w
	shift
fi
first=${1:-1}
last=${2:-24}
[ -n "$wide" ] && last=${2:-8}
fixed=''
[ $# -eq 0 ] && [ -z "$wide" ] && fixed="$(seq -f 'w%.0f' 1 40)"'
	shape_ops shape_ops@float dilated_convs dilated_convs@float attention attention@float
	quant_edges quant_edges@float dynamic_range dynamic_range@float'
case $first in
[0-9]*) ;;
*) fixed="$*" first=1 last=0 ;;
esac
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
[ -n "${EDGEAI_RUN_MODES:-}" ] || modes="$modes threads3"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
	return "$1"
}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
oracle_runner "$tmp"
export EDGEAI_CACHE_DIR="$tmp/cache"

for seed in $(seq -f "$wide%.0f" "$first" "$last") $fixed; do
	g=$tmp/g${seed%@*}
	case $seed in
	[0-9]* | w[0-9]*)
		num=${seed#w} opt=''
		[ "$num" = "$seed" ] || opt=--wide
		# shellcheck disable=SC2086
		desc=$(python3 "$top/tests/models/random_graph.py" $opt "$num" "$g.tflite" 2> "$tmp/err")
		ok $? "random graph $seed: written (${desc#seed "$num"*: })" ||
			{ sed 's/^/# /' "$tmp/err"; continue; }
		# the model's input and output type: int8 mostly, uint8 or float
		case $((num % 4)) in
		1) io=uint8 ;;
		2) io=float ;;
		*) io=int8 ;;
		esac
		rs=$num
		;;
	*)
		python3 "$top/tests/models/${seed%@*}.py" "$g.tflite" 2> "$tmp/err"
		ok $? "random graph $seed: written by tests/models/${seed%@*}.py" ||
			{ sed 's/^/# /' "$tmp/err"; continue; }
		io=int8 rs=1
		[ "${seed#*@}" = float ] && io=float
		;;
	esac
	"$ctl" -q quantize "$g.tflite" -o "$g-int8.tflite" --samples 8 --seed 1 --io=$io \
		> /dev/null 2> "$tmp/err"
	ok $? "random graph $seed: edgeaictl quantize --io=$io" || { sed 's/^/# /' "$tmp/err"; continue; }
	"$ctl" inspect --json "$g-int8.tflite" > "$g.json" &&
		"$top/tests/models/random_input.py" "$g.json" "$rs" "$g.in"
	"$tmp/oracle-run" "$lib" "$g-int8.tflite" "$g.oracle" "$g.in" > "$tmp/err" 2>&1
	ok $? "random graph $seed: the oracle runs it" || { sed 's/^/# /' "$tmp/err"; continue; }
	for mode in $modes; do
		mode_args "$mode"
		rm -rf "$tmp/out"
		# shellcheck disable=SC2086
		EDGEAI_CPU_KERNELS=$kset "$ctl" run "$g-int8.tflite" --input "$g.in" \
			--output-dir "$tmp/out" --device cpu $extra > "$tmp/run.log" 2> "$tmp/err"
		ok $? "random graph $seed: edgeaictl run ($mode)" || { sed 's/^/# /' "$tmp/err"; continue; }
		# in the outputs' order: output10.bin sorts before output2.bin
		k=0
		: > "$g.ours"
		while [ -f "$tmp/out/output$k.bin" ]; do
			cat "$tmp/out/output$k.bin" >> "$g.ours"
			k=$((k + 1))
		done
		diffs=$(cmp -l "$g.oracle" "$g.ours" 2>&1 | wc -l)
		[ "$diffs" -eq 0 ]
		ok $? "random graph $seed ($mode): $(stat -c %s "$g.oracle") bytes, $diffs differ from the oracle"
	done
	rm -f "$g"*
done
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
