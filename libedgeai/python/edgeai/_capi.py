# SPDX-License-Identifier: MIT
"""ctypes declarations of libedgeai.so.0 (private to the edgeai package).

Everything here mirrors <edgeai/edgeai.h>: the structures field for field,
the functions with their argument and result types. The rest of the
package only calls what is declared here.

The library is found, in order, at $EDGEAI_LIBRARY (a path, for a build
tree), by the dynamic loader as libedgeai.so.0 (its soname), or through
ctypes.util.find_library("edgeai").
"""
import ctypes
import ctypes.util
import os

SONAME = 'libedgeai.so.0'
# The oldest library with every call the package uses (the request API).
NEED_MAJOR, NEED_MINOR = 0, 4


def _load():
    override = os.environ.get('EDGEAI_LIBRARY')
    if override:
        try:
            return ctypes.CDLL(override), override
        except OSError as e:
            raise ImportError('edgeai: cannot load EDGEAI_LIBRARY=%s: %s' % (override, e)) from e
    tried = [SONAME]
    try:
        return ctypes.CDLL(SONAME), SONAME
    except OSError:
        pass
    found = ctypes.util.find_library('edgeai')
    if found:
        tried.append(found)
        try:
            return ctypes.CDLL(found), found
        except OSError:
            pass
    raise ImportError('edgeai: libedgeai is not installed (tried %s); install it '
                      '(make install) or point EDGEAI_LIBRARY at libedgeai.so.0'
                      % ', '.join(tried))


lib, path = _load()

c_int, c_uint, c_int32, c_uint32, c_int64, c_uint64 = (
    ctypes.c_int, ctypes.c_uint, ctypes.c_int32, ctypes.c_uint32, ctypes.c_int64, ctypes.c_uint64)
c_char_p, c_void_p, c_size_t = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
P = ctypes.POINTER

# enum edgeai_device_type, EDGEAI_CAP_*
DEVICE_NPU, DEVICE_DSP = 1, 2
CAPS = ((1 << 0, 'uring_cmd'), (1 << 1, 'prime_import_foreign'), (1 << 2, 'syncobj'),
        (1 << 3, 'simulated'), (1 << 4, 'preempt'))
# edgeai_model_count()
COUNT_INPUTS, COUNT_OUTPUTS, COUNT_OPS, COUNT_TENSORS = 0, 1, 2, 3
# enum edgeai_policy
POLICY_AUTO, POLICY_DEVICE_ONLY, POLICY_CPU_ONLY = 0, 1, 2
CPU_REFERENCE = 1 << 0          # edgeai_compile_options.cpu_flags
COMPILE_NO_CACHE = 1 << 0       # edgeai_compile_options.flags
COMPILE_ONE_DEVICE = 1 << 1     # (0.5) only the device of edgeai_compile_options.device_minor
OPEN_NO_URING = 1 << 0          # edgeai_device_open()
CACHE_STATES = ((1 << 0, 'program hit'), (1 << 1, 'placement hit'), (1 << 2, 'stored'),
                (1 << 3, 'corrupt entry recompiled'))
TIMEOUT_INFINITE = -1
PATHS = {0: 'none', 1: 'ioctl', 2: 'uring'}   # enum edgeai_submit_path
MAX_RANK = 8


class DeviceInfo(ctypes.Structure):
    """struct edgeai_device_info"""
    _fields_ = [('node', ctypes.c_char * 64), ('syspath', ctypes.c_char * 256),
                ('name', ctypes.c_char * 64), ('type', c_uint32), ('core_count', c_uint32),
                ('fw_version', c_uint32), ('fw_abi_version', c_uint32),
                ('capabilities', c_uint64), ('minor', c_uint32), ('from_ioctl', c_uint32),
                ('reserved', c_uint64 * 8)]


class TensorInfo(ctypes.Structure):
    """struct edgeai_tensor_info"""
    _fields_ = [('name', c_char_p), ('type', c_uint32), ('rank', c_uint32),
                ('shape', c_int32 * MAX_RANK), ('n_quant', c_uint32), ('quant_dim', c_int32),
                ('scales', P(ctypes.c_float)), ('zero_points', P(c_int64)),
                ('is_constant', c_uint32), ('index', c_uint32)]


class OpInfo(ctypes.Structure):
    """struct edgeai_op_info"""
    _fields_ = [('code', c_int32), ('version', c_int32), ('name', c_char_p),
                ('n_inputs', c_uint32), ('n_outputs', c_uint32)]


class CacheDir(ctypes.Union):
    """the anonymous union of edgeai_compile_options.cache_dir (since 0.5),
    eight bytes on every ABI; set CompileOptions().cache_dir.cache_dir"""
    _fields_ = [('cache_dir', c_char_p), ('cache_dir_storage', ctypes.c_uint64)]


class CompileOptions(ctypes.Structure):
    """struct edgeai_compile_options"""
    _fields_ = [('policy', c_uint32), ('device_type', c_uint32), ('cpu_flags', c_uint32),
                ('flags', c_uint32), ('cache_dir', CacheDir), ('device_minor', c_uint32),
                ('cpu_threads', c_uint32)]


class Placement(ctypes.Structure):
    """struct edgeai_placement"""
    _fields_ = [('op_index', c_uint32), ('code', c_int32), ('op_name', c_char_p),
                ('device', c_uint32), ('reason', c_char_p)]


class RequestStats(ctypes.Structure):
    """struct edgeai_request_stats"""
    _fields_ = [('bytes_copied', c_uint64), ('device_time_ns', c_uint64),
                ('device_jobs', c_uint32), ('cpu_segments', c_uint32), ('fallbacks', c_uint32),
                ('path', c_uint32), ('chained', c_uint32), ('n_devices', c_uint32),
                ('reserved', c_uint64 * 3)]


# The structures the tests compare with the C compiler's layout.
STRUCTS = {'edgeai_device_info': DeviceInfo, 'edgeai_tensor_info': TensorInfo,
           'edgeai_op_info': OpInfo, 'edgeai_compile_options': CompileOptions,
           'edgeai_placement': Placement, 'edgeai_request_stats': RequestStats}

# void (*edgeai_request_callback_t)(struct edgeai_request *, int status, void *userdata)
REQUEST_CALLBACK = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_void_p)

# Opaque handles are plain c_void_p.
_PROTOTYPES = {
    'edgeai_check_version': (c_int, [c_int, c_int]),
    'edgeai_version': (c_char_p, []),
    'edgeai_strerror': (c_char_p, [c_int]),
    'edgeai_enumerate': (c_int, [P(c_void_p)]),
    'edgeai_device_list_count': (c_int, [c_void_p]),
    'edgeai_device_list_get': (c_int, [c_void_p, c_uint, P(DeviceInfo)]),
    'edgeai_device_list_unref': (c_void_p, [c_void_p]),
    'edgeai_device_type_name': (c_char_p, [c_uint32]),
    'edgeai_device_open': (c_int, [c_char_p, c_uint, P(c_void_p)]),
    'edgeai_device_get_info': (c_int, [c_void_p, P(DeviceInfo)]),
    'edgeai_device_unref': (c_void_p, [c_void_p]),
    'edgeai_model_load': (c_int, [c_char_p, c_size_t, P(c_void_p), c_char_p, c_size_t]),
    'edgeai_model_load_file': (c_int, [c_char_p, P(c_void_p), c_char_p, c_size_t]),
    'edgeai_model_unref': (c_void_p, [c_void_p]),
    'edgeai_model_save': (c_int, [c_void_p, P(c_void_p), P(c_size_t)]),
    'edgeai_model_count': (c_int, [c_void_p, c_uint]),
    'edgeai_model_get_input': (c_int, [c_void_p, c_uint, P(TensorInfo)]),
    'edgeai_model_get_output': (c_int, [c_void_p, c_uint, P(TensorInfo)]),
    'edgeai_model_get_tensor': (c_int, [c_void_p, c_uint, P(TensorInfo)]),
    'edgeai_model_get_op': (c_int, [c_void_p, c_uint, P(OpInfo)]),
    'edgeai_op_name': (c_char_p, [c_int32]),
    'edgeai_tensor_type_name': (c_char_p, [c_uint32]),
    'edgeai_model_compile': (c_int, [c_void_p, P(CompileOptions), P(c_void_p), c_char_p,
                                     c_size_t]),
    'edgeai_program_unref': (c_void_p, [c_void_p]),
    'edgeai_program_placement_count': (c_int, [c_void_p]),
    'edgeai_program_get_placement': (c_int, [c_void_p, c_uint, P(Placement)]),
    'edgeai_program_get_blob': (c_int, [c_void_p, P(c_void_p), P(c_size_t), P(c_uint64)]),
    'edgeai_program_get_cache_state': (c_int, [c_void_p]),
    'edgeai_program_get_device': (c_int, [c_void_p, P(c_void_p)]),
    'edgeai_program_get_event_fd': (c_int, [c_void_p]),
    'edgeai_program_process': (c_int, [c_void_p]),
    'edgeai_exec_device_name': (c_char_p, [c_uint32]),
    'edgeai_cpu_kernels': (c_char_p, [c_void_p]),
    'edgeai_request_new': (c_int, [c_void_p, P(c_void_p)]),
    'edgeai_request_unref': (c_void_p, [c_void_p]),
    'edgeai_request_set_input': (c_int, [c_void_p, c_uint, c_void_p, c_size_t]),
    'edgeai_request_set_deadline': (c_int, [c_void_p, c_int64]),
    'edgeai_request_set_callback': (c_int, [c_void_p, REQUEST_CALLBACK, c_void_p]),
    'edgeai_request_submit': (c_int, [c_void_p]),
    'edgeai_request_wait': (c_int, [c_void_p, c_int64]),
    'edgeai_request_get_status': (c_int, [c_void_p]),
    'edgeai_request_get_output': (c_int, [c_void_p, c_uint, c_void_p, c_size_t]),
    'edgeai_request_get_placement': (c_int, [c_void_p, c_uint, P(Placement)]),
    'edgeai_request_get_stats': (c_int, [c_void_p, P(RequestStats)]),
}


def _declare():
    if not lib.edgeai_check_version(NEED_MAJOR, NEED_MINOR):
        lib.edgeai_version.restype = c_char_p
        raise ImportError('edgeai: %s is libedgeai %s; the bindings need %d.%d or newer'
                          % (path, lib.edgeai_version().decode(), NEED_MAJOR, NEED_MINOR))
    for name, (res, args) in _PROTOTYPES.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args


_declare()

# Since libedgeai 0.6: None with an older library (its programs run on 1 thread).
try:
    program_get_cpu_threads = lib.edgeai_program_get_cpu_threads
    program_get_cpu_threads.restype = c_int
    program_get_cpu_threads.argtypes = [c_void_p]
except AttributeError:
    program_get_cpu_threads = None

# Since libedgeai 0.7: None with an older library (submit, then wait; no batching).
try:
    request_run = lib.edgeai_request_run
    request_run.restype = c_int
    request_run.argtypes = [c_void_p, c_int64]
    program_set_batch = lib.edgeai_program_set_batch
    program_set_batch.restype = c_int
    program_set_batch.argtypes = [c_void_p, c_uint, c_uint]
    program_get_batch = lib.edgeai_program_get_batch
    program_get_batch.restype = c_int
    program_get_batch.argtypes = [c_void_p, P(c_uint), P(c_uint)]
except AttributeError:
    request_run = program_set_batch = program_get_batch = None

# free() of the C library, for edgeai_model_save()'s buffer.
_libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
free = _libc.free
free.restype = None
free.argtypes = [c_void_p]


def text(b):
    """A C string from the library as str ('' for NULL)."""
    return b.decode('utf-8', 'replace') if b else ''
