/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edgeai program format, version 1.
 *
 * A program is one quantized (sub)graph compiled for an edgeai device: a
 * table of tensors living in the buffers bound to a job (or in the
 * program's own constant region), and a list of int8/uint8 ops executed in
 * order. It is shared by the kernel validator, the firmware command
 * processor (firmware/ops/) and libedgeai's compiler and CPU reference.
 *
 * Every multi-byte field is little-endian. Every record has a fixed size and
 * explicit padding; every reserved, pad and unused field must be zero. The
 * blob must start 8-byte aligned in memory.
 *
 * Layout (all offsets from the start of the blob):
 *
 *   +-------------------------------------+ 0
 *   | struct edgeai_prog_header           |
 *   +-------------------------------------+ tensor_offset (8-byte aligned)
 *   | struct edgeai_prog_tensor [tensors] |
 *   +-------------------------------------+ op_offset (8-byte aligned)
 *   | struct edgeai_prog_op [ops]         |
 *   +-------------------------------------+ const_offset (8-byte aligned)
 *   | constant data (const_size bytes)    |
 *   +-------------------------------------+ total_size
 *
 * Tensors are dense, row-major NHWC with four dimensions; a tensor of lower
 * rank is padded with leading 1s ([C] is {1, 1, 1, C}, [N, C] is
 * {1, 1, N, C}). Element size follows &edgeai_prog_tensor.dtype. Real value
 * = scale * (q - zero_point); the scales themselves never reach the device:
 * the compiler folds them into the integer multipliers and shifts carried by
 * each op (see "Fixed-point multipliers" below).
 *
 * Fixed-point multipliers: a (multiplier, shift) pair represents the real
 * factor multiplier * 2^(shift - 31), with multiplier in [0, 2^31 - 1]
 * (0 only with shift 0) and shift in [-31, 30]; positive shifts are left
 * shifts. Applied with TFLite's MultiplyByQuantizedMultiplier (a saturating
 * rounding doubling high multiply, then a rounding right shift).
 * Per-channel pairs live in the constant region as struct
 * edgeai_prog_qmul[channels], 4-byte aligned.
 *
 * What the kernel validator checks (a program failing any rule is -EINVAL):
 *  - header: magic, version == EDGEAI_PROG_VERSION, header_size ==
 *    sizeof(struct edgeai_prog_header), total_size == the uploaded size and
 *    <= EDGEAI_PROG_MAX_SIZE, flags and reserved zero, 1..MAX counts, the
 *    three sections 8-byte aligned, inside total_size, in order and not
 *    overlapping (computed in 64 bits);
 *  - tensors: known dtype, every dim in 1..EDGEAI_PROG_MAX_DIM, element
 *    count * element size fits in 32 bits; slot < bound buffer count (or
 *    EDGEAI_PROG_SLOT_CONST); offset aligned to the element size;
 *    offset + byte size inside the buffer (or the constant region) without
 *    overflow; zero point in range of the dtype (0 for int32), flags and
 *    reserved zero;
 *  - ops: known opcode supported by the device type, flags zero, the number
 *    of inputs as the op requires, every input/output index < tensor_count,
 *    unused input slots EDGEAI_PROG_NO_TENSOR, the output not a constant,
 *    shapes and dtypes consistent with the op (as documented at each
 *    parameter block), parameters in range, parameter words past the op's
 *    block zero, constant-data references (per-channel multipliers, tables)
 *    inside the constant region and aligned.
 */
#ifndef _UAPI_EDGEAI_PROGRAM_H_
#define _UAPI_EDGEAI_PROGRAM_H_

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/** @EDGEAI_PROG_MAGIC: "EAPG" as bytes in the blob */
#define EDGEAI_PROG_MAGIC		0x47504145U
/** @EDGEAI_PROG_VERSION: format version described here */
#define EDGEAI_PROG_VERSION		1U

/** @EDGEAI_PROG_MAX_SIZE: largest program blob, bytes */
#define EDGEAI_PROG_MAX_SIZE		(64U << 20)
/** @EDGEAI_PROG_MAX_TENSORS: most tensors in one program */
#define EDGEAI_PROG_MAX_TENSORS		4096U
/** @EDGEAI_PROG_MAX_OPS: most ops in one program */
#define EDGEAI_PROG_MAX_OPS		4096U
/** @EDGEAI_PROG_MAX_DIM: largest single dimension */
#define EDGEAI_PROG_MAX_DIM		65536U
/** @EDGEAI_PROG_MAX_INPUTS: input slots of one op */
#define EDGEAI_PROG_MAX_INPUTS		8U
/*
 * Slot i of a program is the job's i-th bound buffer, so the slot limit
 * equals DRM_EDGEAI_MAX_BOS of drm/edgeai_accel.h. Published with uAPI 1.3;
 * the kernel enforced it before.
 */
/** @EDGEAI_PROG_MAX_SLOTS: most buffer slots a program may use */
#define EDGEAI_PROG_MAX_SLOTS		64U
/** @EDGEAI_PROG_PARAM_WORDS: 32-bit words of an op's parameter block */
#define EDGEAI_PROG_PARAM_WORDS		20U

/** @EDGEAI_PROG_SLOT_CONST: tensor lives in the program's constant region */
#define EDGEAI_PROG_SLOT_CONST		0xffffffffU
/** @EDGEAI_PROG_NO_TENSOR: unused input slot (or absent optional input) */
#define EDGEAI_PROG_NO_TENSOR		0xffffffffU
/** @EDGEAI_PROG_NO_CONST: no constant-data reference */
#define EDGEAI_PROG_NO_CONST		0xffffffffU

/**
 * enum edgeai_prog_dtype - element type of a tensor
 * @EDGEAI_DTYPE_INT8: signed 8-bit
 * @EDGEAI_DTYPE_UINT8: unsigned 8-bit
 * @EDGEAI_DTYPE_INT16: signed 16-bit
 * @EDGEAI_DTYPE_INT32: signed 32-bit (biases, ARG_MAX indices)
 * @EDGEAI_DTYPE_INT64: signed 64-bit, little-endian (ARG_MAX indices; uAPI
 *	1.9: drivers of 1.8 and older refuse it as an unknown dtype)
 *
 * Append-only. 0 is invalid so a zeroed record is rejected.
 */
enum edgeai_prog_dtype {
	EDGEAI_DTYPE_INT8 = 1,
	EDGEAI_DTYPE_UINT8 = 2,
	EDGEAI_DTYPE_INT16 = 3,
	EDGEAI_DTYPE_INT32 = 4,
	EDGEAI_DTYPE_INT64 = 5,
};

/**
 * enum edgeai_prog_opcode - operations
 *
 * Append-only. 0 is invalid. The inputs and parameter block of each op are
 * documented at its parameter struct; "in[i]" is &edgeai_prog_op.inputs[i]
 * and "out" is &edgeai_prog_op.output. Unless stated otherwise, all 8-bit
 * tensors of one op have the same dtype (int8 or uint8).
 *
 * @EDGEAI_OP_CONV_2D: &struct edgeai_prog_conv_params
 * @EDGEAI_OP_DEPTHWISE_CONV_2D: &struct edgeai_prog_conv_params
 * @EDGEAI_OP_FULLY_CONNECTED: &struct edgeai_prog_fc_params
 * @EDGEAI_OP_ADD: &struct edgeai_prog_add_params
 * @EDGEAI_OP_SUB: &struct edgeai_prog_add_params
 * @EDGEAI_OP_MUL: &struct edgeai_prog_mul_params
 * @EDGEAI_OP_MAXIMUM: no parameters; broadcasting, same quantization
 * @EDGEAI_OP_MINIMUM: no parameters; broadcasting, same quantization
 * @EDGEAI_OP_AVERAGE_POOL_2D: &struct edgeai_prog_pool_params
 * @EDGEAI_OP_MAX_POOL_2D: &struct edgeai_prog_pool_params
 * @EDGEAI_OP_MEAN: &struct edgeai_prog_mean_params
 * @EDGEAI_OP_SOFTMAX: &struct edgeai_prog_softmax_params
 * @EDGEAI_OP_LOGISTIC: &struct edgeai_prog_lut_params
 * @EDGEAI_OP_TANH: &struct edgeai_prog_lut_params
 * @EDGEAI_OP_HARD_SWISH: &struct edgeai_prog_lut_params
 * @EDGEAI_OP_RELU: &struct edgeai_prog_requant_params
 * @EDGEAI_OP_RELU6: &struct edgeai_prog_requant_params
 * @EDGEAI_OP_LEAKY_RELU: &struct edgeai_prog_lut_params
 * @EDGEAI_OP_PRELU: &struct edgeai_prog_prelu_params
 * @EDGEAI_OP_PAD: &struct edgeai_prog_pad_params
 * @EDGEAI_OP_CONCATENATION: &struct edgeai_prog_concat_params
 * @EDGEAI_OP_RESHAPE: no parameters; in[0] and out have the same byte size
 * @EDGEAI_OP_RESIZE_BILINEAR: &struct edgeai_prog_resize_params
 * @EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR: &struct edgeai_prog_resize_params
 * @EDGEAI_OP_QUANTIZE: &struct edgeai_prog_requant_params
 * @EDGEAI_OP_STRIDED_SLICE: &struct edgeai_prog_slice_params
 * @EDGEAI_OP_TRANSPOSE: &struct edgeai_prog_transpose_params
 * @EDGEAI_OP_DEPTH_TO_SPACE: &struct edgeai_prog_block_params
 * @EDGEAI_OP_SPACE_TO_DEPTH: &struct edgeai_prog_block_params
 * @EDGEAI_OP_TRANSPOSE_CONV: &struct edgeai_prog_tconv_params (uAPI 1.8:
 *	drivers of 1.7 and older refuse it as an unknown opcode)
 * @EDGEAI_OP_ARG_MAX: &struct edgeai_prog_argmax_params (uAPI 1.9: drivers
 *	of 1.8 and older refuse it as an unknown opcode)
 * @EDGEAI_OP_TABLE: &struct edgeai_prog_lut_params; any elementwise 8-bit
 *	function the compiler tabulates (ELU, GELU, ...) (uAPI 1.10: drivers
 *	of 1.9 and older refuse it as an unknown opcode)
 * @EDGEAI_OP_SQUARED_DIFFERENCE: &struct edgeai_prog_add_params (uAPI 1.10:
 *	drivers of 1.9 and older refuse it as an unknown opcode)
 * @EDGEAI_OP_L2_NORMALIZATION: no parameters (uAPI 1.10): in[0], out the
 *	same shape and 8-bit dtype, each row along dims[3] (at most 32768)
 *	divided by its L2 norm as TFLite's integer kernels compute it (the
 *	sum of (x - zp_in)^2, its inverse square root in fixed point); out
 *	zero point 0 (int8) or 128 (uint8), scale 1/128
 * @EDGEAI_OP_BATCH_MATMUL: &struct edgeai_prog_matmul_params (uAPI 1.12:
 *	drivers of 1.11 and older refuse it as an unknown opcode)
 * @EDGEAI_OP_COUNT: one past the last opcode
 */
enum edgeai_prog_opcode {
	EDGEAI_OP_CONV_2D = 1,
	EDGEAI_OP_DEPTHWISE_CONV_2D = 2,
	EDGEAI_OP_FULLY_CONNECTED = 3,
	EDGEAI_OP_ADD = 4,
	EDGEAI_OP_SUB = 5,
	EDGEAI_OP_MUL = 6,
	EDGEAI_OP_MAXIMUM = 7,
	EDGEAI_OP_MINIMUM = 8,
	EDGEAI_OP_AVERAGE_POOL_2D = 9,
	EDGEAI_OP_MAX_POOL_2D = 10,
	EDGEAI_OP_MEAN = 11,
	EDGEAI_OP_SOFTMAX = 12,
	EDGEAI_OP_LOGISTIC = 13,
	EDGEAI_OP_TANH = 14,
	EDGEAI_OP_HARD_SWISH = 15,
	EDGEAI_OP_RELU = 16,
	EDGEAI_OP_RELU6 = 17,
	EDGEAI_OP_LEAKY_RELU = 18,
	EDGEAI_OP_PRELU = 19,
	EDGEAI_OP_PAD = 20,
	EDGEAI_OP_CONCATENATION = 21,
	EDGEAI_OP_RESHAPE = 22,
	EDGEAI_OP_RESIZE_BILINEAR = 23,
	EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR = 24,
	EDGEAI_OP_QUANTIZE = 25,
	EDGEAI_OP_STRIDED_SLICE = 26,
	EDGEAI_OP_TRANSPOSE = 27,
	EDGEAI_OP_DEPTH_TO_SPACE = 28,
	EDGEAI_OP_SPACE_TO_DEPTH = 29,
	EDGEAI_OP_TRANSPOSE_CONV = 30,
	EDGEAI_OP_ARG_MAX = 31,
	EDGEAI_OP_TABLE = 32,
	EDGEAI_OP_SQUARED_DIFFERENCE = 33,
	EDGEAI_OP_L2_NORMALIZATION = 34,
	EDGEAI_OP_BATCH_MATMUL = 35,
	EDGEAI_OP_COUNT
};

/**
 * struct edgeai_prog_header - start of every program (64 bytes)
 * @magic: EDGEAI_PROG_MAGIC
 * @version: EDGEAI_PROG_VERSION
 * @header_size: sizeof(struct edgeai_prog_header)
 * @total_size: size of the whole blob in bytes, <= EDGEAI_PROG_MAX_SIZE
 * @tensor_count: entries in the tensor table, 1..EDGEAI_PROG_MAX_TENSORS
 * @op_count: entries in the op list, 1..EDGEAI_PROG_MAX_OPS
 * @tensor_offset: byte offset of the tensor table, 8-byte aligned
 * @op_offset: byte offset of the op list, 8-byte aligned
 * @const_offset: byte offset of the constant region, 8-byte aligned
 * @const_size: size of the constant region in bytes (may be 0)
 * @slot_count: buffer slots the program uses, 1..EDGEAI_PROG_MAX_SLOTS:
 *	every tensor's slot is below it (or EDGEAI_PROG_SLOT_CONST); a job
 *	must bind at least this many
 * @flags: must be zero
 * @reserved: must be zero
 */
struct edgeai_prog_header {
	__u32 magic;
	__u32 version;
	__u32 header_size;
	__u32 total_size;
	__u32 tensor_count;
	__u32 op_count;
	__u32 tensor_offset;
	__u32 op_offset;
	__u32 const_offset;
	__u32 const_size;
	__u32 slot_count;
	__u32 flags;
	__u32 reserved[4];
};

/**
 * struct edgeai_prog_tensor - one tensor (48 bytes)
 * @dtype: &enum edgeai_prog_dtype
 * @slot: index into the job's bound buffers, or EDGEAI_PROG_SLOT_CONST
 * @offset: byte offset of element 0 in the buffer (or in the constant
 *	region), aligned to the element size
 * @dims: shape N, H, W, C; each 1..EDGEAI_PROG_MAX_DIM
 * @zero_point: quantization zero point (0 for int32; weights of int8
 *	programs use 0, legacy uint8 weights any value in 0..255)
 * @flags: must be zero
 * @reserved: must be zero
 */
struct edgeai_prog_tensor {
	__u32 dtype;
	__u32 slot;
	__u64 offset;
	__u32 dims[4];
	__s32 zero_point;
	__u32 flags;
	__u32 reserved[2];
};

/**
 * struct edgeai_prog_qmul - one fixed-point multiplier (8 bytes)
 * @multiplier: 0..2^31 - 1
 * @shift: -31..30, positive is a left shift
 */
struct edgeai_prog_qmul {
	__s32 multiplier;
	__s32 shift;
};

/**
 * struct edgeai_prog_op - one operation (128 bytes)
 * @opcode: &enum edgeai_prog_opcode
 * @flags: must be zero
 * @inputs: tensor indices; unused trailing slots EDGEAI_PROG_NO_TENSOR
 * @output: tensor index of the output
 * @pad: must be zero
 * @params: the op's parameter block (a struct edgeai_prog_*_params, read
 *	in place); words past the op's struct must be zero
 */
struct edgeai_prog_op {
	__u32 opcode;
	__u32 flags;
	__u32 inputs[EDGEAI_PROG_MAX_INPUTS];
	__u32 output;
	__u32 pad;
	__u32 params[EDGEAI_PROG_PARAM_WORDS];
};

/**
 * struct edgeai_prog_conv_params - CONV_2D and DEPTHWISE_CONV_2D
 *
 * in[0] input [N, H, W, IC]; in[1] filter, CONV_2D [OC, KH, KW, IC],
 * DEPTHWISE_CONV_2D [1, KH, KW, OC] with OC = IC * depth_multiplier;
 * in[2] bias int32 [OC] (or EDGEAI_PROG_NO_TENSOR); out [N, OH, OW, OC].
 * Output pixel (y, x) reads input rows y * stride_h - pad_top +
 * ky * dilation_h (columns likewise); taps outside the input contribute
 * nothing. int8: filter zero point 0, per-channel multipliers; uint8: any
 * filter zero point, per-tensor multiplier.
 *
 * @stride_h: vertical stride, 1..EDGEAI_PROG_MAX_DIM
 * @stride_w: horizontal stride
 * @dilation_h: vertical dilation, >= 1
 * @dilation_w: horizontal dilation, >= 1
 * @pad_top: input rows before the first tap of output row 0, < KH * dil_h
 * @pad_left: input columns likewise
 * @depth_multiplier: DEPTHWISE_CONV_2D: OC / IC (>= 1); CONV_2D: 1
 * @act_min: lower output clamp (fused activation), in the output range
 * @act_max: upper output clamp, >= @act_min
 * @out_multiplier: per-tensor multiplier (when @qmul_offset is NO_CONST)
 * @out_shift: per-tensor shift (when @qmul_offset is NO_CONST)
 * @qmul_offset: EDGEAI_PROG_NO_CONST, or constant-region offset of
 *	struct edgeai_prog_qmul[OC] (per-channel); then @out_multiplier and
 *	@out_shift are zero
 * @reserved: must be zero
 */
struct edgeai_prog_conv_params {
	__u32 stride_h;
	__u32 stride_w;
	__u32 dilation_h;
	__u32 dilation_w;
	__u32 pad_top;
	__u32 pad_left;
	__u32 depth_multiplier;
	__s32 act_min;
	__s32 act_max;
	__s32 out_multiplier;
	__s32 out_shift;
	__u32 qmul_offset;
	__u32 reserved[8];
};

/**
 * struct edgeai_prog_fc_params - FULLY_CONNECTED
 *
 * in[0] input, viewed as [B, IC] with IC = in[1].dims[3] and B = element
 * count / IC; in[1] weights [1, 1, OC, IC]; in[2] bias int32 [OC] or
 * NO_TENSOR; out: B * OC elements, last dim OC.
 *
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @out_multiplier: per-tensor multiplier
 * @out_shift: per-tensor shift
 * @reserved: must be zero
 */
struct edgeai_prog_fc_params {
	__s32 act_min;
	__s32 act_max;
	__s32 out_multiplier;
	__s32 out_shift;
	__u32 reserved[16];
};

/**
 * struct edgeai_prog_add_params - ADD, SUB and SQUARED_DIFFERENCE
 *
 * in[0], in[1] inputs; out has, per dimension, the size of an input and
 * each input's dim is either equal to it or 1 (broadcast). TFLite's
 * pipeline: v_i = MBQM((x_i - zp_i) << left_shift, in_i), out =
 * MBQM(v_0 +/- v_1, out) + zp_out, clamped. SQUARED_DIFFERENCE (1.10):
 * out = MBQM((v_0 - v_1)^2, out) + zp_out, clamped, the square taken in
 * 32 bits (wrapping; TFLite's left_shift of 7 keeps it in range).
 *
 * @left_shift: 0..30 (TFLite uses 20 for 8-bit ADD and SUB, 7 for
 *	SQUARED_DIFFERENCE)
 * @in0_multiplier: multiplier of in[0]
 * @in0_shift: shift of in[0]
 * @in1_multiplier: multiplier of in[1]
 * @in1_shift: shift of in[1]
 * @out_multiplier: output multiplier
 * @out_shift: output shift
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @reserved: must be zero
 */
struct edgeai_prog_add_params {
	__u32 left_shift;
	__s32 in0_multiplier;
	__s32 in0_shift;
	__s32 in1_multiplier;
	__s32 in1_shift;
	__s32 out_multiplier;
	__s32 out_shift;
	__s32 act_min;
	__s32 act_max;
	__u32 reserved[11];
};

/**
 * struct edgeai_prog_mul_params - MUL
 *
 * in[0], in[1], out broadcast as for ADD. out = MBQM((x_0 - zp_0) *
 * (x_1 - zp_1), out) + zp_out, clamped.
 *
 * @out_multiplier: output multiplier
 * @out_shift: output shift
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @reserved: must be zero
 */
struct edgeai_prog_mul_params {
	__s32 out_multiplier;
	__s32 out_shift;
	__s32 act_min;
	__s32 act_max;
	__u32 reserved[16];
};

/**
 * struct edgeai_prog_pool_params - AVERAGE_POOL_2D and MAX_POOL_2D
 *
 * in[0] [N, H, W, C]; out [N, OH, OW, C], same quantization. Padding taps
 * are excluded (from the maximum and from the average's count).
 *
 * @filter_h: window height, >= 1
 * @filter_w: window width, >= 1
 * @stride_h: vertical stride, >= 1
 * @stride_w: horizontal stride, >= 1
 * @pad_top: rows before the first window, < filter_h
 * @pad_left: columns before the first window, < filter_w
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @reserved: must be zero
 */
struct edgeai_prog_pool_params {
	__u32 filter_h;
	__u32 filter_w;
	__u32 stride_h;
	__u32 stride_w;
	__u32 pad_top;
	__u32 pad_left;
	__s32 act_min;
	__s32 act_max;
	__u32 reserved[12];
};

/*
 * &edgeai_prog_mean_params.flags (1.6): @EDGEAI_PROG_MEAN_FLOAT, the float
 * pipeline; @EDGEAI_PROG_MEAN_DIV, the integer division; (1.11)
 * @EDGEAI_PROG_MEAN_SUM, SUM's float pipeline; (1.13) @EDGEAI_PROG_MEAN_INT,
 * the int8 reference pipeline. At most one.
 */
#define EDGEAI_PROG_MEAN_FLOAT		(1U << 0)
#define EDGEAI_PROG_MEAN_DIV		(1U << 1)
#define EDGEAI_PROG_MEAN_SUM		(1U << 2)
#define EDGEAI_PROG_MEAN_INT		(1U << 3)

/**
 * struct edgeai_prog_mean_params - MEAN over H and W
 *
 * in[0] [N, H, W, C]; out [N, 1, 1, C]. With @flags 0, TFLite's 8-bit
 * pipeline (keep_dims): out = clamp(MBQM(sum of the stored values, out) +
 * bias), the sum taken without subtracting the input zero point (folded
 * into @bias).
 *
 * With EDGEAI_PROG_MEAN_FLOAT (1.6: programs using it are refused by
 * older drivers, whose validator wants these words zero), TFLite's float
 * pipeline (reference_ops::QuantizedMeanOrSum, MEAN without keep_dims),
 * replayed on binary32 bit patterns (firmware/ops/softfloat.c): per
 * output, with sum the sum of the stored values, n = H * W and zp_in,
 * zp_out the tensors' zero points,
 * out = clamp(round((float)sum / (float)n * @scale + (float)-zp_in *
 * @scale) + zp_out), round() halving away from zero. @out_multiplier,
 * @out_shift and @bias must then be zero.
 *
 * With EDGEAI_PROG_MEAN_DIV (1.6), TFLite's reference_ops::Mean (MEAN
 * without keep_dims, input and output quantization equal): out =
 * clamp(sum / n), the C division of the int32 sum of the stored values
 * (toward zero). Every other parameter must be zero.
 *
 * With EDGEAI_PROG_MEAN_SUM (1.11: older drivers refuse it as unknown
 * flags), TFLite's SUM of 8-bit tensors whose quantization changes
 * (reference_ops::QuantizedMeanOrSum with compute_sum), in binary32 as
 * above: out = low byte of (v + zp_out), v = (int32)round((float)sum *
 * @scale + ((float)-zp_in * @scale) * (float)n), not clamped (TFLite
 * casts the int to the 8-bit type); a rounded value outside int32 (or
 * NaN) gives v = INT32_MIN, as x86's conversion does. @out_multiplier,
 * @out_shift and @bias must be zero.
 *
 * With EDGEAI_PROG_MEAN_INT (1.13: older drivers refuse it as unknown
 * flags), TFLite 2.9's reference_integer_ops::Mean (int8, keep_dims,
 * input and output quantization differing; what its x86 builds run):
 * acc = the int32 sum of (stored value - zp_in), wrapping; t =
 * MBQM(acc, @out_multiplier, @out_shift), the multiplier of s_in / s_out;
 * out = clamp((t > 0 ? t + n / 2 : t - n / 2) / n + zp_out), n = H * W
 * and the C division toward zero. @bias and @scale must be zero.
 *
 * @out_multiplier: multiplier of s_in / (s_out * H * W); with
 *	EDGEAI_PROG_MEAN_INT of s_in / s_out
 * @out_shift: its shift
 * @bias: zp_out - round(zp_in * s_in / s_out), as the compiler folds it
 * @flags: 0, EDGEAI_PROG_MEAN_FLOAT or EDGEAI_PROG_MEAN_DIV (1.6), or
 *	EDGEAI_PROG_MEAN_SUM (1.11), or EDGEAI_PROG_MEAN_INT (1.13)
 * @scale: EDGEAI_PROG_MEAN_FLOAT and EDGEAI_PROG_MEAN_SUM: the binary32
 *	bits of (float)s_in / (float)s_out; zero otherwise
 * @reserved: must be zero
 */
struct edgeai_prog_mean_params {
	__s32 out_multiplier;
	__s32 out_shift;
	__s32 bias;
	__u32 flags;
	__u32 scale;
	__u32 reserved[15];
};

/**
 * struct edgeai_prog_softmax_params - SOFTMAX over the last dimension
 *
 * in[0], out same shape, 8-bit; out quantization (1/256, -128) for int8,
 * (1/256, 0) for uint8. TFLite 2.9.0 (x86-64) normalises in binary32 float
 * from a float table; the device replays those float operations exactly
 * on bit patterns (firmware/ops/softfloat.c): per row, sum = sum of
 * table[max - x] in order; inv = 1 / (sum * @out_scale); out =
 * round(table[max - x] * inv) + zp_out, clamped.
 *
 * @table_offset: constant-region offset of __u32[256], 4-byte aligned:
 *	binary32 bit patterns of expf(-(s_in * beta) * d) for d = 0..255
 * @out_scale: binary32 bit pattern of the output scale
 * @reserved: must be zero
 */
struct edgeai_prog_softmax_params {
	__u32 table_offset;
	__u32 out_scale;
	__u32 reserved[18];
};

/**
 * struct edgeai_prog_lut_params - table-driven elementwise ops
 *
 * in[0], out same shape, 8-bit. out[i] = table[(u8)in[i]] (the input byte,
 * int8 read as its two's-complement byte). The compiler builds the table
 * the way TFLite computes the op (some in float, some in fixed point).
 * LOGISTIC, TANH, HARD_SWISH and LEAKY_RELU name the function; TABLE
 * (1.10) is any other one (TFLite's ELU and GELU, which it computes by a
 * table too): the same arithmetic, for functions that need no op of
 * their own.
 *
 * @table_offset: constant-region offset of the 256-byte table
 * @reserved: must be zero
 */
struct edgeai_prog_lut_params {
	__u32 table_offset;
	__u32 reserved[19];
};

/**
 * struct edgeai_prog_requant_params - QUANTIZE, RELU and RELU6
 *
 * in[0], out same element count; out = clamp(MBQM(x - zp_in, out) +
 * zp_out, act_min, act_max). Input and output may differ in dtype
 * (int8 <-> uint8 for QUANTIZE).
 *
 * @out_multiplier: multiplier of s_in / s_out
 * @out_shift: its shift
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @reserved: must be zero
 */
struct edgeai_prog_requant_params {
	__s32 out_multiplier;
	__s32 out_shift;
	__s32 act_min;
	__s32 act_max;
	__u32 reserved[16];
};

/**
 * struct edgeai_prog_prelu_params - PRELU
 *
 * in[0] input, in[1] alpha (broadcast as for ADD); x >= zp_in uses the
 * identity pair, x < zp_in the alpha pair (on (x - zp_in) * (a - zp_a)).
 *
 * @identity_multiplier: multiplier of s_in / s_out
 * @identity_shift: its shift
 * @alpha_multiplier: multiplier of s_in * s_alpha / s_out
 * @alpha_shift: its shift
 * @reserved: must be zero
 */
struct edgeai_prog_prelu_params {
	__s32 identity_multiplier;
	__s32 identity_shift;
	__s32 alpha_multiplier;
	__s32 alpha_shift;
	__u32 reserved[16];
};

/**
 * struct edgeai_prog_pad_params - PAD
 *
 * in[0]; out dims[i] = in dims[i] + before[i] + after[i]; padding holds
 * the output zero point; same quantization.
 *
 * @before: elements before, per dimension (N, H, W, C)
 * @after: elements after, per dimension
 * @reserved: must be zero
 */
struct edgeai_prog_pad_params {
	__u32 before[4];
	__u32 after[4];
	__u32 reserved[12];
};

/**
 * struct edgeai_prog_concat_params - CONCATENATION
 *
 * in[0..n-1] (n >= 1, the used input slots), all of out's quantization;
 * equal dims except @axis; out's @axis dim is their sum.
 *
 * @axis: 0..3 in the padded 4-D shape
 * @reserved: must be zero
 */
struct edgeai_prog_concat_params {
	__u32 axis;
	__u32 reserved[19];
};

/**
 * struct edgeai_prog_resize_params - RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR
 *
 * in[0] [N, H, W, C]; out [N, OH, OW, C], same quantization. TFLite derives
 * source coordinates in float from the shapes and the align_corners /
 * half_pixel_centers flags only, so the compiler resolves them into maps
 * in the constant region and the device does integer work only.
 *
 * RESIZE_NEAREST_NEIGHBOR: the maps are __u32[OH] source rows and
 * __u32[OW] source columns (each < H, resp. W).
 *
 * RESIZE_BILINEAR: the maps are struct edgeai_prog_interp[OH] (rows) and
 * [OW] (columns). With a row entry (lo, hi, w_lo, w_hi) and a column entry
 * (lo', hi', w_lo', w_hi'), the four taps are, in this order,
 * in[lo][lo'], in[lo][hi'], in[hi][lo'] and in[hi][hi'], with weights
 * w_lo * w_lo', w_lo * w_hi', w_hi * w_lo' and w_hi * w_hi'. TFLite 2.9.0
 * computes uint8 in binary32 float and int8 in 10-bit fixed point; @arith
 * says which:
 *  - EDGEAI_RESIZE_FLOAT32: weights are binary32 bit patterns; the device
 *    replays the float operations on integers: s = each weight product,
 *    out = trunc((((t0 * s0 + t1 * s1) + t2 * s2) + t3 * s3) + 0.5), every
 *    operation rounded to binary32;
 *  - EDGEAI_RESIZE_FIXED10: weights are signed integers in 1/1024 units
 *    (w_lo + w_hi = 1024); acc = sum of t * w * w' (64-bit), out =
 *    (acc +/- 2^19) / 2^20 rounding half away from zero.
 *
 * @y_map_offset: constant-region offset of the row map, 4-byte aligned
 * @x_map_offset: constant-region offset of the column map, 4-byte aligned
 * @arith: RESIZE_BILINEAR: EDGEAI_RESIZE_FLOAT32 or EDGEAI_RESIZE_FIXED10;
 *	RESIZE_NEAREST_NEIGHBOR: 0
 * @reserved: must be zero
 */
struct edgeai_prog_resize_params {
	__u32 y_map_offset;
	__u32 x_map_offset;
	__u32 arith;
	__u32 reserved[17];
};

/** @EDGEAI_RESIZE_FLOAT32: bilinear weights are binary32 bit patterns */
#define EDGEAI_RESIZE_FLOAT32	0U
/** @EDGEAI_RESIZE_FIXED10: bilinear weights are 1/1024 fixed point */
#define EDGEAI_RESIZE_FIXED10	1U

/**
 * struct edgeai_prog_interp - one RESIZE_BILINEAR map entry (16 bytes)
 * @lo: lower source index (< the input size)
 * @hi: upper source index (< the input size)
 * @w_lo: weight of @lo (binary32 bits or fixed point, see
 *	&struct edgeai_prog_resize_params)
 * @w_hi: weight of @hi, likewise
 */
struct edgeai_prog_interp {
	__u32 lo;
	__u32 hi;
	__u32 w_lo;
	__u32 w_hi;
};

/**
 * struct edgeai_prog_slice_params - STRIDED_SLICE
 *
 * out[i0..i3] = in[begin + i * stride] per dimension; the compiler
 * resolves masks and negative indices. Every index read is inside in[0].
 *
 * @begin: first index per dimension
 * @stride: step per dimension, as a signed value, non-zero
 * @reserved: must be zero
 */
struct edgeai_prog_slice_params {
	__u32 begin[4];
	__s32 stride[4];
	__u32 reserved[12];
};

/**
 * struct edgeai_prog_transpose_params - TRANSPOSE
 *
 * out.dims[i] = in.dims[perm[i]].
 *
 * @perm: a permutation of 0..3
 * @reserved: must be zero
 */
struct edgeai_prog_transpose_params {
	__u32 perm[4];
	__u32 reserved[16];
};

/**
 * struct edgeai_prog_block_params - DEPTH_TO_SPACE and SPACE_TO_DEPTH
 *
 * @block_size: >= 1; shapes as TFLite defines them
 * @reserved: must be zero
 */
struct edgeai_prog_block_params {
	__u32 block_size;
	__u32 reserved[19];
};

/**
 * struct edgeai_prog_tconv_params - TRANSPOSE_CONV (uAPI 1.8)
 *
 * The transposed convolution (TFLite's TRANSPOSE_CONV, MediaPipe's
 * Convolution2DTransposeBias): in[0] input [N, H, W, IC]; in[1] filter
 * [OC, KH, KW, IC]; in[2] bias int32 [OC] (or EDGEAI_PROG_NO_TENSOR);
 * out [N, OH, OW, OC]. Input pixel (y, x) scatters into output rows
 * y * stride_h - pad_top + ky (columns likewise); contributions outside
 * the output are dropped. Per output element:
 * acc = sum over the (y, x, ky, kx, ic) that land on it of
 * (w - zp_w) * (x - zp_in), with 32-bit wrapping adds; acc += bias;
 * out = clamp(MBQM(acc, out) + zp_out) with TFLite's double-rounding
 * MultiplyByQuantizedMultiplier (round half away from zero). int8: filter
 * zero point 0, per-channel multipliers; uint8: any filter zero point,
 * per-tensor multiplier.
 *
 * Shapes: the last input row lands inside the output, (H - 1) * stride_h
 * <= OH - 1 + pad_top, and the output ends within the last input row's
 * window or stride step, OH - 1 + pad_top <= (H - 1) * stride_h +
 * max(KH, stride_h) - 1 (columns likewise).
 *
 * @stride_h: vertical stride, 1..EDGEAI_PROG_MAX_DIM
 * @stride_w: horizontal stride, 1..EDGEAI_PROG_MAX_DIM
 * @pad_top: output rows cut before row 0 of the full result, < KH
 * @pad_left: output columns likewise, < KW
 * @act_min: lower output clamp, in the output range
 * @act_max: upper output clamp, >= @act_min
 * @out_multiplier: per-tensor multiplier (when @qmul_offset is NO_CONST)
 * @out_shift: per-tensor shift (when @qmul_offset is NO_CONST)
 * @qmul_offset: EDGEAI_PROG_NO_CONST, or constant-region offset of
 *	struct edgeai_prog_qmul[OC] (per-channel); then @out_multiplier and
 *	@out_shift are zero
 * @reserved: must be zero
 */
struct edgeai_prog_tconv_params {
	__u32 stride_h;
	__u32 stride_w;
	__u32 pad_top;
	__u32 pad_left;
	__s32 act_min;
	__s32 act_max;
	__s32 out_multiplier;
	__s32 out_shift;
	__u32 qmul_offset;
	__u32 reserved[11];
};

/**
 * struct edgeai_prog_argmax_params - ARG_MAX (uAPI 1.9)
 *
 * in[0] 8-bit [d0, d1, d2, d3]; out EDGEAI_DTYPE_INT32 or
 * EDGEAI_DTYPE_INT64, zero point 0, of in[0]'s element count divided by
 * d[@axis] (any dims of that count: the input's order with the axis
 * removed). Each output element is the index along @axis of the largest
 * stored value of its row, the first of equal ones (TFLite's ARG_MAX
 * compares the stored 8-bit values: the quantization is monotonic).
 *
 * @axis: 0..3 in the padded 4-D shape
 * @reserved: must be zero
 */
struct edgeai_prog_argmax_params {
	__u32 axis;
	__u32 reserved[19];
};

/**
 * struct edgeai_prog_matmul_params - BATCH_MATMUL (uAPI 1.12)
 *
 * A matrix product of two int8 tensors, both of which may be activations
 * (attention's Q K^T, its weights times V). in[0] the left matrices
 * [B0, B1, M, K], or [B0, B1, K, M] with @adj_x; in[1] the right matrices
 * [B0', B1', K, N], or [B0', B1', N, K] with @adj_y; out int8
 * [B0, B1, M, N]. Each batch dimension of an input equals the output's
 * or is 1 (broadcast). out[b][m][n] = MBQM(sum over k of
 * (lhs[b][m][k] - zp_lhs) * (rhs[b][k][n] - zp_rhs), out) + zp_out,
 * clamped; the sum is taken in 32 bits (wrapping) and the multiplier is
 * applied as for FULLY_CONNECTED (TFLite runs both through one GEMM).
 *
 * @adj_x: 0, or 1 when in[0] holds each left matrix transposed
 * @adj_y: 0, or 1 when in[1] holds each right matrix transposed
 * @act_min: lower output clamp
 * @act_max: upper output clamp
 * @out_multiplier: per-tensor multiplier
 * @out_shift: per-tensor shift
 * @reserved: must be zero
 */
struct edgeai_prog_matmul_params {
	__u32 adj_x;
	__u32 adj_y;
	__s32 act_min;
	__s32 act_max;
	__s32 out_multiplier;
	__s32 out_shift;
	__u32 reserved[14];
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_EDGEAI_PROGRAM_H_ */
