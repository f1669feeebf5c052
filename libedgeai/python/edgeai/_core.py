# SPDX-License-Identifier: MIT
"""Devices, models and compiled programs: the objects of the edgeai package."""
import collections
import concurrent.futures
import ctypes
import dataclasses
import errno as _errno
import itertools
import os
import select
import threading
import time

import numpy as np

from . import _capi
from ._capi import lib, text
from ._errors import InputError, InvalidArgumentError, check, error

# enum edgeai_tensor_type -> numpy
_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
           7: np.int16, 9: np.int8}
_DEVICES = {'auto': 0, 'npu': _capi.DEVICE_NPU, 'dsp': _capi.DEVICE_DSP, 'cpu': 0}
_POLICIES = {'auto': _capi.POLICY_AUTO, 'device_only': _capi.POLICY_DEVICE_ONLY,
             'cpu_only': _capi.POLICY_CPU_ONLY}
_ERRBUF = 1024


def version():
    """The loaded libedgeai's version, e.g. "0.4.0" (edgeai_version())."""
    return text(lib.edgeai_version())


def check_version(major, minor):
    """True when the loaded libedgeai has major version @major and at least minor @minor."""
    return bool(lib.edgeai_check_version(int(major), int(minor)))


def op_name(code):
    """The TFLite builtin operator name of @code ("CONV_2D", ...; "UNKNOWN" without one)."""
    return text(lib.edgeai_op_name(int(code)))


@dataclasses.dataclass(frozen=True)
class DeviceInfo:
    """One accelerator, as edgeai_enumerate() or the driver reports it.

    node: device node ("/dev/accel/accel0"); syspath: its sysfs path ("" when
    unknown); name: the parent device's name; type: "npu", "dsp" or
    "unknown"; core_count: cores (job queues), 0 when unknown; fw_version:
    firmware version "major.minor.patch"; fw_abi_version: the firmware's
    command ABI (0 when unknown); capabilities: names of the capability
    bits ("uring_cmd", "prime_import_foreign", "syncobj", "simulated",
    "preempt");
    minor: N of accelN; from_ioctl: True when read from the device itself,
    False when only sysfs could be read (no permission to open it).
    """
    node: str
    syspath: str
    name: str
    type: str
    core_count: int
    fw_version: str
    fw_abi_version: int
    capabilities: tuple
    minor: int
    from_ioctl: bool

    @classmethod
    def _from_c(cls, d):
        fw = d.fw_version
        return cls(node=text(d.node), syspath=text(d.syspath), name=text(d.name),
                   type=text(lib.edgeai_device_type_name(d.type)), core_count=d.core_count,
                   fw_version='%d.%d.%d' % (fw >> 16, (fw >> 8) & 0xff, fw & 0xff),
                   fw_abi_version=d.fw_abi_version,
                   capabilities=tuple(n for bit, n in _capi.CAPS if d.capabilities & bit),
                   minor=d.minor, from_ioctl=bool(d.from_ioctl))

    def to_dict(self):
        """The fields as a dict (for JSON)."""
        return dataclasses.asdict(self)


def devices():
    """The accelerators bound to the edgeai driver, sorted by minor number.

    Returns a list of DeviceInfo; empty on a machine without edgeai devices
    (models then run on the CPU). Raises edgeai.Error when the device list
    cannot be read (libudev failing).
    """
    handle = ctypes.c_void_p()
    check(lib.edgeai_enumerate(ctypes.byref(handle)))
    try:
        out = []
        for i in range(check(lib.edgeai_device_list_count(handle))):
            d = _capi.DeviceInfo()
            check(lib.edgeai_device_list_get(handle, i, ctypes.byref(d)))
            out.append(DeviceInfo._from_c(d))
        return out
    finally:
        lib.edgeai_device_list_unref(handle)


def device_info(node):
    """The DeviceInfo of one device node ("/dev/accel/accel0"), read from the device.

    Opens @node (without io_uring) and asks the driver. Raises edgeai.Error:
    edgeai.NotFoundError for a missing node, edgeai.NoDeviceError for a
    file that is no edgeai accelerator, edgeai.PermissionDeniedError.
    """
    dev = ctypes.c_void_p()
    check(lib.edgeai_device_open(os.fsencode(node), _capi.OPEN_NO_URING, ctypes.byref(dev)))
    try:
        d = _capi.DeviceInfo()
        check(lib.edgeai_device_get_info(dev, ctypes.byref(d)))
        return DeviceInfo._from_c(d)
    finally:
        lib.edgeai_device_unref(dev)


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """One tensor of a model.

    index: its index in the subgraph; name: its name ("" when the file has
    none); type: the element type's name ("int8", "uint8", "float32", ...);
    dtype: the matching numpy dtype (None for a type numpy lacks); shape: a
    tuple, outermost first; scales, zero_points: the quantization
    parameters (empty when not quantized, one per tensor, or one per
    channel along quant_dim); is_constant: True for weights stored in the
    file.
    """
    index: int
    name: str
    type: str
    dtype: object
    shape: tuple
    scales: tuple
    zero_points: tuple
    quant_dim: int
    is_constant: bool

    @classmethod
    def _from_c(cls, t):
        n = t.n_quant
        dt = _DTYPES.get(t.type)
        return cls(index=t.index, name=text(t.name), type=text(lib.edgeai_tensor_type_name(t.type)),
                   dtype=np.dtype(dt) if dt else None,
                   shape=tuple(t.shape[i] for i in range(t.rank)),
                   scales=tuple(float(t.scales[i]) for i in range(n)),
                   zero_points=tuple(int(t.zero_points[i]) for i in range(n)),
                   quant_dim=t.quant_dim, is_constant=bool(t.is_constant))

    @property
    def nbytes(self):
        """Bytes of the tensor's data (dimensions below 1 count as 1, as in the library)."""
        n = 1
        for d in self.shape:
            n *= max(d, 1)
        return n * (self.dtype.itemsize if self.dtype is not None else 1)

    def to_dict(self):
        """As in `edgeaictl inspect --json`: index, name, type, shape, quantization."""
        q = None
        if self.scales:
            q = {'dim': self.quant_dim, 'scale': list(self.scales),
                 'zero_point': list(self.zero_points)}
        return {'index': self.index, 'name': self.name, 'type': self.type,
                'shape': list(self.shape), 'quantization': q}


@dataclasses.dataclass(frozen=True)
class OpInfo:
    """One operator of a model, in execution order: index, TFLite builtin code, version,
    name ("CONV_2D", or a custom op's name), number of inputs and outputs."""
    index: int
    code: int
    version: int
    name: str
    n_inputs: int
    n_outputs: int


def _path_arg(path):
    return os.fsencode(path)


class _Closing:
    """``with`` support for objects that release their handle in close()."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Model(_Closing):
    """A TensorFlow Lite model (.tflite), parsed by libedgeai's bounds-checked reader.

    Model(path) reads a file; Model.from_bytes(data) parses bytes in memory.
    A malformed file raises edgeai.ModelError naming what is wrong; a
    missing one edgeai.NotFoundError. The model is released by close()
    or at the end of a with block (programs compiled from it stay valid).

        with edgeai.Model("model-int8.tflite") as m:
            prog = m.compile(device="auto")
    """

    def __init__(self, path):
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(_ERRBUF)
        r = lib.edgeai_model_load_file(_path_arg(path), ctypes.byref(handle), err, _ERRBUF)
        check(r, text(err.value), os.fspath(path))
        self._init(handle, os.fspath(path))

    @classmethod
    def from_bytes(cls, data):
        """Parse a model from a bytes-like object (copied: @data may change afterwards)."""
        buf = bytes(data)
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(_ERRBUF)
        check(lib.edgeai_model_load(buf, len(buf), ctypes.byref(handle), err, _ERRBUF),
              text(err.value))
        self = cls.__new__(cls)
        self._init(handle, None)
        return self

    def _init(self, handle, path):
        self._h = handle
        self.path = path
        self.inputs = self._tensors(_capi.COUNT_INPUTS, lib.edgeai_model_get_input)
        self.outputs = self._tensors(_capi.COUNT_OUTPUTS, lib.edgeai_model_get_output)
        self.ops = []
        for i in range(self._count(_capi.COUNT_OPS)):
            o = _capi.OpInfo()
            check(lib.edgeai_model_get_op(handle, i, ctypes.byref(o)))
            self.ops.append(OpInfo(i, o.code, o.version, text(o.name), o.n_inputs, o.n_outputs))
        self.n_tensors = self._count(_capi.COUNT_TENSORS)

    def _count(self, what):
        return check(lib.edgeai_model_count(self._handle(), what))

    def _tensors(self, what, get):
        out = []
        for i in range(self._count(what)):
            t = _capi.TensorInfo()
            check(get(self._h, i, ctypes.byref(t)))
            out.append(TensorInfo._from_c(t))
        return out

    def _handle(self):
        if not self._h:
            raise InvalidArgumentError(-_errno.EINVAL, 'the model is closed')
        return self._h

    def tensor(self, index):
        """TensorInfo of tensor @index of the subgraph (0 <= index < n_tensors)."""
        t = _capi.TensorInfo()
        check(lib.edgeai_model_get_tensor(self._handle(), int(index), ctypes.byref(t)))
        return TensorInfo._from_c(t)

    def save(self):
        """The model serialized as a TFLite flatbuffer (bytes; deterministic)."""
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.edgeai_model_save(self._handle(), ctypes.byref(data), ctypes.byref(size)))
        try:
            return ctypes.string_at(data, size.value)
        finally:
            _capi.free(data)

    def compile(self, device='auto', policy=None, reference=False, cache=True, cache_dir=None,
                minor=None, threads=1):
        """Compile the (int8/uint8) model into a Program.

        device: "auto" (any accelerator), "npu", "dsp" or "cpu".
        minor: only the accelerator /dev/accel/accelN with N = @minor (its
        DeviceInfo.minor), not every one of @device's kind: picks one NPU
        among several. Not with device="cpu". Needs libedgeai 0.5.
        policy: "auto" (accelerator where its driver takes the op, CPU
        otherwise; the default, except "cpu_only" for device="cpu"),
        "device_only" (fail instead of falling back: edgeai.NoDeviceError
        without a device, edgeai.NotSupportedError naming the first op no
        device runs) or "cpu_only".
        reference: on the CPU use only the portable reference kernels.
        cache: use the on-disk compile cache ($EDGEAI_CACHE_DIR, ...).
        cache_dir: the compile cache's directory for this compile (created
        when missing; "" for none), over $EDGEAI_CACHE_DIR; None for the
        default. cache=False still wins. Needs libedgeai 0.5.
        threads: threads of the CPU kernels, 1..256 (the heavy ops split
        their output rows across them; the same bytes as 1). Needs
        libedgeai 0.6.

        Raises edgeai.NotSupportedError for a float model or an op the
        compiler lacks, with the library's message.
        """
        if device not in _DEVICES:
            raise ValueError('device must be "auto", "npu", "dsp" or "cpu", not %r' % (device,))
        if policy is None:
            policy = 'cpu_only' if device == 'cpu' else 'auto'
        if policy not in _POLICIES:
            raise ValueError('policy must be "auto", "device_only" or "cpu_only", not %r'
                             % (policy,))
        if device == 'cpu' and policy != 'cpu_only':
            raise ValueError('device="cpu" runs on the CPU only: policy must be "cpu_only"')
        o = _capi.CompileOptions(policy=_POLICIES[policy], device_type=_DEVICES[device])
        if minor is not None:
            if device == 'cpu' or isinstance(minor, bool) or not isinstance(minor, int) \
                    or not 0 <= minor <= 0xffffffff:
                raise ValueError('minor must be an accel minor (int >= 0) of an accelerator, '
                                 'not %r with device=%r' % (minor, device))
            o.flags |= _capi.COMPILE_ONE_DEVICE
            o.device_minor = minor
        if reference:
            o.cpu_flags |= _capi.CPU_REFERENCE
        if not cache:
            o.flags |= _capi.COMPILE_NO_CACHE
        if cache_dir is not None:
            o.cache_dir.cache_dir = os.fsencode(cache_dir)
        if not isinstance(threads, int) or not 1 <= threads <= 256:
            raise ValueError('threads must be 1..256, not %r' % (threads,))
        if threads > 1 and not _capi.program_get_cpu_threads:
            raise ValueError('threads > 1 needs libedgeai 0.6')
        o.cpu_threads = threads
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(_ERRBUF)
        t0 = time.perf_counter()
        r = lib.edgeai_model_compile(self._handle(), ctypes.byref(o), ctypes.byref(handle), err,
                                     _ERRBUF)
        ms = (time.perf_counter() - t0) * 1e3
        check(r, text(err.value), self.path)
        return Program(handle, self, ms)

    def close(self):
        """Release the model (idempotent). Programs compiled from it stay usable."""
        h, self._h = getattr(self, '_h', None), None
        if h:
            lib.edgeai_model_unref(h)

    def __del__(self):
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except
            pass    # interpreter shutdown: the library may be gone already

    def __repr__(self):
        return '<edgeai.Model %s: %d inputs, %d outputs, %d ops>' % (
            self.path or '(bytes)', len(self.inputs), len(self.outputs), len(self.ops))


class Outputs(list):
    """The output arrays of one run, in model order (a list), and what the run did.

    stats: dict of the request's statistics: bytes_copied, device_time_ns,
    device_jobs, cpu_segments, fallbacks (device segments that ran on the
    CPU instead), path ("none", "ioctl" or "uring": how the last device job
    was submitted), chained, n_devices.
    placement: where each op ran in this run and why, a list of dicts
    {"op": index, "name": "CONV_2D", "device": "npu"|"dsp"|"cpu", "reason": ...}.
    """

    def __init__(self, arrays, stats, placement):
        super().__init__(arrays)
        self.stats = stats
        self.placement = placement


def _placement(get, handle, n):
    out = []
    for i in range(n):
        p = _capi.Placement()
        check(get(handle, i, ctypes.byref(p)))
        out.append({'op': int(p.op_index), 'name': text(p.op_name),
                    'device': text(lib.edgeai_exec_device_name(p.device)),
                    'reason': text(p.reason)})
    return out


# Requests waiting for their callback: token (the callback's userdata) -> Program.
_pending = {}
_tokens = itertools.count(1)


@_capi.REQUEST_CALLBACK
def _request_done(req, status, token):
    prog = _pending.get(token)
    if prog is not None:
        prog._done.append((token, status))


_NO_CALLBACK = _capi.REQUEST_CALLBACK()


class _Request:
    __slots__ = ('handle', 'token', 'future')

    def __init__(self, handle):
        self.handle = handle
        self.token = None
        self.future = None


def _run_request(handle):
    """edgeai_request_run(), or submit and wait with a library older than 0.7."""
    if _capi.request_run:
        return _capi.request_run(handle, _capi.TIMEOUT_INFINITE)
    r = lib.edgeai_request_submit(handle)
    return r if r < 0 else lib.edgeai_request_wait(handle, _capi.TIMEOUT_INFINITE)


class Program(_Closing):
    """A compiled model, ready to run (from Model.compile()).

    run() runs it and returns the outputs; submit() starts a run and
    returns a concurrent.futures.Future. Both take the inputs as a list of
    numpy arrays in model order (a single array for a one-input model),
    each with exactly the dtype and shape of its input tensor (else
    edgeai.InputError), and copy them before returning.

    A Program may be used from several threads. Release it with close() or
    a with block: close() waits for the runs in flight.

    Attributes: inputs, outputs (TensorInfo lists, model order); placement
    (where each op is placed at compile time and why, a list of dicts
    {"op", "name", "device", "reason"}); device (DeviceInfo of the
    accelerator its device segments run on, the first one when it spans
    the NPU and the DSP; None for a program that runs on the CPU only);
    cpu_kernels ("vnni", "avx2" or "reference"); cpu_threads (threads of the
    CPU kernels); cache_state (what the
    compile cache did, a tuple of words); compile_ms; n_ops.
    """

    def __init__(self, handle, model, compile_ms):
        self._h = handle
        self._lock = threading.Lock()       # _free, _all, _inflight, _driver, _executor
        self._idle = threading.Condition(self._lock)
        self._proc_lock = threading.Lock()  # edgeai_request_wait()/edgeai_program_process()
        self._free = []                     # idle requests
        self._all = []                      # every request of the program
        self._inflight = {}                 # token -> submitted _Request
        self._done = collections.deque()    # (token, status) of finished requests
        self._driver = None
        self._executor = None
        self._event_fd = None
        self.inputs = list(model.inputs)
        self.outputs = list(model.outputs)
        self.compile_ms = compile_ms
        self.n_ops = check(lib.edgeai_program_placement_count(handle))
        self.placement = _placement(lib.edgeai_program_get_placement, handle, self.n_ops)
        self.cpu_kernels = text(lib.edgeai_cpu_kernels(handle))
        self.cpu_threads = (check(_capi.program_get_cpu_threads(handle))
                            if _capi.program_get_cpu_threads else 1)
        st = check(lib.edgeai_program_get_cache_state(handle))
        self.cache_state = tuple(w for bit, w in _capi.CACHE_STATES if st & bit)
        self.device = None
        dev = ctypes.c_void_p()
        r = lib.edgeai_program_get_device(handle, ctypes.byref(dev))
        if r == 0:
            try:
                d = _capi.DeviceInfo()
                check(lib.edgeai_device_get_info(dev, ctypes.byref(d)))
                self.device = DeviceInfo._from_c(d)
            finally:
                lib.edgeai_device_unref(dev)
        elif r != -_errno.ENODEV:
            check(r)

    def set_batch(self, batch_max, wait_us=0):
        """Let the device run up to batch_max runs of this program as one job.

        Runs submitted while others are queued for the same core (several
        threads calling run(), or submit() in a burst) are batched; a run
        that finds the device free waits at most wait_us microseconds for
        others to join (the most latency batching adds). batch_max 0 or 1
        turns batching off. Same bytes as one at a time; a program on the
        CPU, or a device without batching, runs them one by one. Raises
        edgeai.InvalidArgumentError for values out of range
        (batch_max <= 16, wait_us <= 100000), NotImplementedError with a
        libedgeai older than 0.7.
        """
        if not _capi.program_set_batch:
            raise NotImplementedError('batching needs libedgeai 0.7 or newer')
        if batch_max < 0 or wait_us < 0:
            raise InvalidArgumentError(-_errno.EINVAL, 'batch_max and wait_us are not negative')
        check(_capi.program_set_batch(self._handle(), batch_max, wait_us))

    @property
    def batch(self):
        """(batch_max, wait_us) of set_batch(); (0, 0) when batching is off."""
        if not _capi.program_get_batch:
            return (0, 0)
        n, us = ctypes.c_uint(), ctypes.c_uint()
        check(_capi.program_get_batch(self._handle(), ctypes.byref(n), ctypes.byref(us)))
        return (n.value, us.value)

    @property
    def blob(self):
        """The program in the uapi format (bytes) and the size of the arena it runs on."""
        data, size, arena = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_uint64()
        check(lib.edgeai_program_get_blob(self._handle(), ctypes.byref(data), ctypes.byref(size),
                                          ctypes.byref(arena)))
        return ctypes.string_at(data, size.value), arena.value

    def _handle(self):
        if not self._h:
            raise InvalidArgumentError(-_errno.EINVAL, 'the program is closed')
        return self._h

    def _check_inputs(self, inputs):
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        inputs = list(inputs)
        n = len(self.inputs)
        if len(inputs) != n:
            raise InputError('the model has %d input%s (%s), %d given'
                             % (n, '' if n == 1 else 's',
                                ', '.join(repr(t.name) for t in self.inputs), len(inputs)))
        out = []
        for i, (a, t) in enumerate(zip(inputs, self.inputs)):
            a = np.asarray(a)
            want = tuple(max(d, 1) for d in t.shape)
            if a.dtype != t.dtype:
                raise InputError("input %d ('%s'): dtype %s, the model wants %s %s"
                                 % (i, t.name, a.dtype, t.dtype, want))
            if a.shape != want:
                raise InputError("input %d ('%s'): shape %s, the model wants %s %s"
                                 % (i, t.name, a.shape, t.dtype, want))
            out.append(np.ascontiguousarray(a))
        return out

    def _acquire(self):
        h = self._handle()
        with self._lock:
            if self._free:
                return self._free.pop()
        handle = ctypes.c_void_p()
        check(lib.edgeai_request_new(h, ctypes.byref(handle)))
        req = _Request(handle)
        with self._lock:
            self._all.append(req)
        return req

    def _release(self, req):
        req.token = req.future = None
        with self._lock:
            self._free.append(req)

    def _start(self, req, arrays, deadline):
        """Copy the inputs into @req and set its deadline."""
        for i, a in enumerate(arrays):
            check(lib.edgeai_request_set_input(req.handle, i, a.ctypes.data, a.nbytes))
        ns = 0 if deadline is None else max(int(deadline * 1e9), 1)
        check(lib.edgeai_request_set_deadline(req.handle, ns))

    def _collect(self, req):
        outs = []
        for i, t in enumerate(self.outputs):
            a = np.empty(tuple(max(d, 1) for d in t.shape), dtype=t.dtype)
            check(lib.edgeai_request_get_output(req.handle, i, a.ctypes.data, a.nbytes))
            outs.append(a)
        s = _capi.RequestStats()
        check(lib.edgeai_request_get_stats(req.handle, ctypes.byref(s)))
        stats = {'bytes_copied': s.bytes_copied, 'device_time_ns': s.device_time_ns,
                 'device_jobs': s.device_jobs, 'cpu_segments': s.cpu_segments,
                 'fallbacks': s.fallbacks, 'path': _capi.PATHS.get(s.path, str(s.path)),
                 'chained': s.chained, 'n_devices': s.n_devices}
        place = _placement(lib.edgeai_request_get_placement, req.handle, self.n_ops)
        return Outputs(outs, stats, place)

    def run(self, inputs, deadline=None):
        """Run once and wait: returns the outputs (an Outputs list of numpy arrays).

        deadline: seconds; with the "auto" policy, device work that cannot
        start in time runs on the CPU instead (see Outputs.placement).
        Raises edgeai.InputError for inputs that do not match the model,
        edgeai.Error (a subclass by errno) when the run fails.
        """
        arrays = self._check_inputs(inputs)
        req = self._acquire()
        try:
            self._start(req, arrays, deadline)
            check(lib.edgeai_request_set_callback(req.handle, _NO_CALLBACK, None))
            if self.device is not None:
                # completions of every request are processed by one thread at a
                # time; submitted by the wait's own io_uring_enter
                with self._proc_lock:
                    r = _run_request(req.handle)
                self._drain()
            else:
                r = _run_request(req.handle)
            check(r)
            return self._collect(req)
        finally:
            self._release(req)

    def submit(self, inputs, deadline=None):
        """Start a run without waiting; returns a concurrent.futures.Future.

        The inputs are copied before submit() returns. The future's result
        is the Outputs of the run; a failed run sets an edgeai.Error as its
        exception. Inputs that do not match the model, or a request the
        library refuses to start, raise here. Runs in flight cannot be
        cancelled. Device programs are submitted through libedgeai's
        request API at once (io_uring) and completed by a thread that
        watches the program's event fd (edgeai_program_process()); a CPU
        program's runs go to worker threads.
        """
        arrays = self._check_inputs(inputs)
        req = self._acquire()
        try:
            self._start(req, arrays, deadline)
        except BaseException:
            self._release(req)
            raise
        fut = concurrent.futures.Future()
        fut.set_running_or_notify_cancel()
        req.future = fut
        req.token = next(_tokens)
        _pending[req.token] = self
        check(lib.edgeai_request_set_callback(req.handle, _request_done, req.token))
        with self._lock:
            self._inflight[req.token] = req
            if self.device is None and self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=min(4, os.cpu_count() or 1), thread_name_prefix='edgeai-cpu')
        if self.device is None:
            self._executor.submit(self._submit_now, req)
            return fut
        try:
            self._submit_now(req, raise_error=True)
        except BaseException:
            self._release(req)
            raise
        with self._lock:
            if self._inflight and self._driver is None:
                self._driver = threading.Thread(target=self._drive, name='edgeai-completions',
                                                daemon=True)
                self._driver.start()
        return fut

    def _submit_now(self, req, raise_error=False):
        r = lib.edgeai_request_submit(req.handle)
        if r < 0:
            # nothing started: no callback comes
            _pending.pop(req.token, None)
            with self._lock:
                self._inflight.pop(req.token, None)
                self._idle.notify_all()
            fut = req.future
            if raise_error:
                raise error(r)
            self._release(req)
            fut.set_exception(error(r))
            return
        self._drain()

    def _drain(self):
        """Resolve the futures of the requests whose callback ran."""
        while True:
            try:
                token, status = self._done.popleft()
            except IndexError:
                return
            _pending.pop(token, None)
            with self._lock:
                req = self._inflight.pop(token, None)
            if req is None:
                continue
            fut, res, exc = req.future, None, None
            try:
                if status:
                    exc = error(status)
                else:
                    res = self._collect(req)
            except BaseException as e:  # pylint: disable=broad-except
                exc = e
            self._release(req)
            with self._lock:
                self._idle.notify_all()
            if exc is not None:
                fut.set_exception(exc)
            else:
                fut.set_result(res)

    def _drive(self):
        """Completion thread of a device program: runs while requests are in flight."""
        if self._event_fd is None:
            r = lib.edgeai_program_get_event_fd(self._h)
            self._event_fd = r if r >= 0 else -1
        fd = self._event_fd
        while True:
            with self._lock:
                if not self._inflight:
                    self._driver = None
                    return
            if fd >= 0:
                select.select([fd], [], [], 0.1)
            else:
                time.sleep(0.001)   # submitted by ioctl: poll
            with self._proc_lock:
                r = lib.edgeai_program_process(self._h)
            self._drain()
            if r < 0:
                self._fail_all(r)

    def _fail_all(self, r):
        """Processing failed (e.g. the device went away): fail what is in flight."""
        with self._lock:
            reqs = list(self._inflight.values())
            self._inflight.clear()
            for req in reqs:
                self._all.remove(req)
            self._idle.notify_all()
        for req in reqs:
            _pending.pop(req.token, None)
            fut = req.future
            lib.edgeai_request_unref(req.handle)   # its completion is then ignored
            fut.set_exception(error(r))

    def close(self):
        """Wait for the runs in flight, then release the program (idempotent).

        Not from a future's done callback: that may run in the thread that
        completes the other runs close() waits for.
        """
        if not getattr(self, '_h', None):
            return
        with self._lock:
            while self._inflight:
                self._idle.wait()
            executor, self._executor = self._executor, None
            driver = self._driver
        if executor is not None:
            executor.shutdown(wait=True)
        if driver is not None and driver is not threading.current_thread():
            driver.join()
        self._release_all()

    def _release_all(self):
        with self._lock:
            reqs, self._all, self._free = self._all, [], []
            h, self._h = self._h, None
        for req in reqs:
            lib.edgeai_request_unref(req.handle)
        if h:
            lib.edgeai_program_unref(h)

    def __del__(self):
        # nothing can be in flight here: the driver thread and the
        # executor's work items hold references to the program
        try:
            if getattr(self, '_executor', None):
                self._executor.shutdown(wait=False)
            if getattr(self, '_h', None):
                self._release_all()
        except Exception:  # pylint: disable=broad-except
            pass    # interpreter shutdown: the library may be gone already

    def __repr__(self):
        where = collections.Counter(p['device'] for p in self.placement)
        return '<edgeai.Program %d ops (%s)%s>' % (
            self.n_ops, ', '.join('%s %d' % kv for kv in sorted(where.items())),
            '' if self._h else ' closed')
