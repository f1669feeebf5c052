/* SPDX-License-Identifier: MIT */
/*
 * Facts of the TensorFlow Lite flatbuffer schema (schema version 3) that the
 * reader and writer need, written down by hand: table field ids, enum values
 * and the builtin option table ids. A flatbuffer table's field with id N
 * sits at vtable slot 4 + 2 * N.
 *
 * File layout: uoffset to the root table (Model) at byte 0, file identifier
 * "TFL3" at bytes 4..7. All scalars are little endian.
 */
#ifndef EDGEAI_TFLITE_SCHEMA_H
#define EDGEAI_TFLITE_SCHEMA_H

#define TFL_IDENTIFIER "TFL3"
#define TFL_SCHEMA_VERSION 3

/* table Model */
enum {
	TFL_MODEL_VERSION = 0,		/* uint */
	TFL_MODEL_OPERATOR_CODES = 1,	/* [OperatorCode] */
	TFL_MODEL_SUBGRAPHS = 2,	/* [SubGraph] */
	TFL_MODEL_DESCRIPTION = 3,	/* string */
	TFL_MODEL_BUFFERS = 4,		/* [Buffer] */
	TFL_MODEL_METADATA_BUFFER = 5,	/* [int] */
	TFL_MODEL_METADATA = 6,		/* [Metadata] */
	TFL_MODEL_SIGNATURE_DEFS = 7,	/* [SignatureDef] */
};

/* table OperatorCode */
enum {
	TFL_OPCODE_DEPRECATED_BUILTIN_CODE = 0, /* byte */
	TFL_OPCODE_CUSTOM_CODE = 1,		/* string */
	TFL_OPCODE_VERSION = 2,			/* int = 1 */
	TFL_OPCODE_BUILTIN_CODE = 3,		/* int (BuiltinOperator) */
};
/* deprecated_builtin_code holds this when the real code is > 126 */
#define TFL_PLACEHOLDER_FOR_GREATER_OP_CODES 127

/* table SubGraph */
enum {
	TFL_SUBGRAPH_TENSORS = 0,
	TFL_SUBGRAPH_INPUTS = 1,
	TFL_SUBGRAPH_OUTPUTS = 2,
	TFL_SUBGRAPH_OPERATORS = 3,
	TFL_SUBGRAPH_NAME = 4,
};

/* table Tensor */
enum {
	TFL_TENSOR_SHAPE = 0,		/* [int] */
	TFL_TENSOR_TYPE = 1,		/* byte (TensorType) */
	TFL_TENSOR_BUFFER = 2,		/* uint, 0 = no data */
	TFL_TENSOR_NAME = 3,		/* string */
	TFL_TENSOR_QUANTIZATION = 4,	/* QuantizationParameters */
	TFL_TENSOR_IS_VARIABLE = 5,	/* bool */
	TFL_TENSOR_SPARSITY = 6,	/* SparsityParameters */
	TFL_TENSOR_SHAPE_SIGNATURE = 7,	/* [int] */
};

/* table QuantizationParameters */
enum {
	TFL_QUANT_MIN = 0,		/* [float] */
	TFL_QUANT_MAX = 1,		/* [float] */
	TFL_QUANT_SCALE = 2,		/* [float] */
	TFL_QUANT_ZERO_POINT = 3,	/* [long] */
	TFL_QUANT_DETAILS_TYPE = 4,	/* ubyte (union type) */
	TFL_QUANT_DETAILS = 5,
	TFL_QUANT_QUANTIZED_DIMENSION = 6, /* int */
};

/* table Operator */
enum {
	TFL_OP_OPCODE_INDEX = 0,	/* uint */
	TFL_OP_INPUTS = 1,		/* [int], -1 = optional input absent */
	TFL_OP_OUTPUTS = 2,		/* [int] */
	TFL_OP_BUILTIN_OPTIONS_TYPE = 3, /* ubyte (union type) */
	TFL_OP_BUILTIN_OPTIONS = 4,	/* table */
	TFL_OP_CUSTOM_OPTIONS = 5,	/* [ubyte] */
	TFL_OP_CUSTOM_OPTIONS_FORMAT = 6,
	TFL_OP_MUTATING_VARIABLE_INPUTS = 7,
	TFL_OP_INTERMEDIATES = 8,
};

/* table SparsityParameters */
enum {
	TFL_SPARSITY_TRAVERSAL_ORDER = 0,	/* [int] */
	TFL_SPARSITY_BLOCK_MAP = 1,		/* [int] */
	TFL_SPARSITY_DIM_METADATA = 2,		/* [DimensionMetadata] */
};

/* table DimensionMetadata */
enum {
	TFL_DIMMETA_FORMAT = 0,			/* byte (DimensionType) */
	TFL_DIMMETA_DENSE_SIZE = 1,		/* int */
	TFL_DIMMETA_SEGMENTS_TYPE = 2,		/* ubyte (SparseIndexVector type) */
	TFL_DIMMETA_SEGMENTS = 3,		/* SparseIndexVector */
	TFL_DIMMETA_INDICES_TYPE = 4,
	TFL_DIMMETA_INDICES = 5,
};

/* enum DimensionType : byte */
enum { TFL_DIM_DENSE = 0, TFL_DIM_SPARSE_CSR = 1 };

/*
 * union SparseIndexVector: tables Int32Vector, Uint16Vector, Uint8Vector,
 * each with its values ([int], [ushort], [ubyte]) in field 0.
 */
enum { TFL_SIV_NONE = 0, TFL_SIV_INT32 = 1, TFL_SIV_UINT16 = 2, TFL_SIV_UINT8 = 3 };

/* table Buffer */
enum {
	TFL_BUFFER_DATA = 0,		/* [ubyte] (force_align 16) */
	TFL_BUFFER_OFFSET = 1,		/* ulong, data outside the flatbuffer */
	TFL_BUFFER_SIZE = 2,		/* ulong */
};

/* enum TensorType : byte */
enum tfl_type {
	TFL_FLOAT32 = 0,
	TFL_FLOAT16 = 1,
	TFL_INT32 = 2,
	TFL_UINT8 = 3,
	TFL_INT64 = 4,
	TFL_STRING = 5,
	TFL_BOOL = 6,
	TFL_INT16 = 7,
	TFL_COMPLEX64 = 8,
	TFL_INT8 = 9,
	TFL_FLOAT64 = 10,
	TFL_COMPLEX128 = 11,
	TFL_UINT64 = 12,
	TFL_RESOURCE = 13,
	TFL_VARIANT = 14,
	TFL_UINT32 = 15,
	TFL_TYPE_MAX = 15,
};

/* enum ActivationFunctionType : byte */
enum {
	TFL_ACT_NONE = 0,
	TFL_ACT_RELU = 1,
	TFL_ACT_RELU_N1_TO_1 = 2,
	TFL_ACT_RELU6 = 3,
	TFL_ACT_TANH = 4,
	TFL_ACT_SIGN_BIT = 5,
};

/* enum Padding : byte */
enum { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };

/* enum BuiltinOperator : int (the ones edgeai names; others are kept by number) */
enum tfl_op {
	TFL_OP_ADD = 0,
	TFL_OP_AVERAGE_POOL_2D = 1,
	TFL_OP_CONCATENATION = 2,
	TFL_OP_CONV_2D = 3,
	TFL_OP_DEPTHWISE_CONV_2D = 4,
	TFL_OP_DEPTH_TO_SPACE = 5,
	TFL_OP_DEQUANTIZE = 6,
	TFL_OP_FULLY_CONNECTED = 9,
	TFL_OP_L2_NORMALIZATION = 11,
	TFL_OP_LOGISTIC = 14,
	TFL_OP_MAX_POOL_2D = 17,
	TFL_OP_MUL = 18,
	TFL_OP_RELU = 19,
	TFL_OP_RELU_N1_TO_1 = 20,
	TFL_OP_RELU6 = 21,
	TFL_OP_RESHAPE = 22,
	TFL_OP_RESIZE_BILINEAR = 23,
	TFL_OP_SOFTMAX = 25,
	TFL_OP_SPACE_TO_DEPTH = 26,
	TFL_OP_TANH = 28,
	TFL_OP_CUSTOM = 32,
	TFL_OP_PAD = 34,
	TFL_OP_GATHER = 36,
	TFL_OP_BATCH_TO_SPACE_ND = 37,
	TFL_OP_SPACE_TO_BATCH_ND = 38,
	TFL_OP_TRANSPOSE = 39,
	TFL_OP_MEAN = 40,
	TFL_OP_SUB = 41,
	TFL_OP_DIV = 42,
	TFL_OP_SQUEEZE = 43,
	TFL_OP_STRIDED_SLICE = 45,
	TFL_OP_SPLIT = 49,
	TFL_OP_PRELU = 54,
	TFL_OP_ARG_MAX = 56,
	TFL_OP_MAXIMUM = 55,
	TFL_OP_MINIMUM = 57,
	TFL_OP_PADV2 = 60,
	TFL_OP_SLICE = 65,
	TFL_OP_TRANSPOSE_CONV = 67,
	TFL_OP_TILE = 69,
	TFL_OP_EXPAND_DIMS = 70,
	TFL_OP_SUM = 74,
	TFL_OP_RSQRT = 76,
	TFL_OP_SHAPE = 77,
	TFL_OP_ARG_MIN = 79,
	TFL_OP_REDUCE_MAX = 82,
	TFL_OP_PACK = 83,
	TFL_OP_UNPACK = 88,
	TFL_OP_REDUCE_MIN = 89,
	TFL_OP_RESIZE_NEAREST_NEIGHBOR = 97,
	TFL_OP_LEAKY_RELU = 98,
	TFL_OP_SQUARED_DIFFERENCE = 99,
	TFL_OP_MIRROR_PAD = 100,
	TFL_OP_ABS = 101,
	TFL_OP_SPLIT_V = 102,
	TFL_OP_REVERSE_V2 = 105,
	TFL_OP_ELU = 111,
	TFL_OP_QUANTIZE = 114,
	TFL_OP_HARD_SWISH = 117,
	TFL_OP_DENSIFY = 124,
	TFL_OP_BATCH_MATMUL = 126,
	TFL_OP_BROADCAST_TO = 130,
	TFL_OP_GELU = 150,
	/* Codes above this are not in any TFLite 2.x schema we know: "unknown op". */
	TFL_OP_MAX_KNOWN = 161,
};

/* union BuiltinOptions: the option table types edgeai reads and writes */
enum tfl_opt {
	TFL_OPT_NONE = 0,
	TFL_OPT_CONV2D = 1,		/* padding, stride_w, stride_h, fused_act, dil_w, dil_h */
	TFL_OPT_DEPTHWISE = 2,		/* padding, stride_w, stride_h, depth_mult, fused_act, dil_w, dil_h */
	TFL_OPT_POOL2D = 5,		/* padding, stride_w, stride_h, filter_w, filter_h, fused_act */
	TFL_OPT_FULLY_CONNECTED = 8,	/* fused_act, weights_format, keep_num_dims, asym_quant_inputs */
	TFL_OPT_SOFTMAX = 9,		/* beta */
	TFL_OPT_CONCATENATION = 10,	/* axis, fused_act */
	TFL_OPT_ADD = 11,		/* fused_act, pot_scale_int16 */
	TFL_OPT_L2NORM = 12,		/* fused_act */
	TFL_OPT_RESIZE_BILINEAR = 15,	/* new_height(dep), new_width(dep), align_corners, half_pixel */
	TFL_OPT_RESHAPE = 17,		/* new_shape [int] */
	TFL_OPT_SPACE_TO_DEPTH = 19,	/* block_size */
	TFL_OPT_MUL = 21,		/* fused_act */
	TFL_OPT_PAD = 22,
	TFL_OPT_GATHER = 23,		/* axis, batch_dims */
	TFL_OPT_BATCH_TO_SPACE_ND = 24,
	TFL_OPT_SPACE_TO_BATCH_ND = 25,
	TFL_OPT_TRANSPOSE = 26,
	TFL_OPT_REDUCER = 27,		/* keep_dims */
	TFL_OPT_SUB = 28,		/* fused_act, pot_scale_int16 */
	TFL_OPT_DIV = 29,		/* fused_act */
	TFL_OPT_SQUEEZE = 30,		/* squeeze_dims [int] */
	TFL_OPT_STRIDED_SLICE = 32,	/* begin, end, ellipsis, new_axis, shrink_axis masks, offset */
	TFL_OPT_SPLIT = 35,		/* num_splits */
	TFL_OPT_DEQUANTIZE = 38,
	TFL_OPT_MAXMIN = 39,
	TFL_OPT_ARGMAX = 40,		/* output_type */
	TFL_OPT_PADV2 = 43,
	TFL_OPT_SLICE = 48,
	TFL_OPT_TILE = 51,
	TFL_OPT_TRANSPOSE_CONV = 49,	/* padding, stride_w, stride_h */
	TFL_OPT_EXPAND_DIMS = 52,
	TFL_OPT_ARGMIN = 57,		/* output_type */
	TFL_OPT_PACK = 59,		/* values_count, axis */
	TFL_OPT_UNPACK = 64,		/* num, axis */
	TFL_OPT_RESIZE_NEAREST = 74,	/* align_corners, half_pixel */
	TFL_OPT_LEAKY_RELU = 75,	/* alpha */
	TFL_OPT_MIRROR_PAD = 77,	/* mode: 0 REFLECT, 1 SYMMETRIC */
	TFL_OPT_SPLIT_V = 79,		/* num_splits */
	TFL_OPT_QUANTIZE = 89,
	TFL_OPT_HARD_SWISH = 91,
	TFL_OPT_DEPTH_TO_SPACE = 94,	/* block_size */
	TFL_OPT_BATCH_MATMUL = 101,	/* adj_x, adj_y, asymmetric_quantize_inputs */
	TFL_OPT_BROADCAST_TO = 104,
	TFL_OPT_GELU = 116,		/* approximate */
};

#endif
