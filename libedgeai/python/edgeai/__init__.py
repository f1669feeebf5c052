# SPDX-License-Identifier: MIT
"""edgeai: run quantized TensorFlow Lite models on edgeai NPUs and DSPs, or bit-exact on the CPU.

Python bindings of libedgeai (ctypes over the installed libedgeai.so.0;
$EDGEAI_LIBRARY names another copy, e.g. a build tree's). Tensors are
numpy arrays.

    import numpy as np
    import edgeai

    print(edgeai.devices())                      # [DeviceInfo(node='/dev/accel/accel0', ...)]
    with edgeai.Model("model-int8.tflite") as model:
        prog = model.compile(device="auto")      # NPU/DSP where they take the op, else CPU
    x = np.zeros(prog.inputs[0].shape, prog.inputs[0].dtype)
    outs = prog.run([x])                         # list of numpy arrays, model order
    print(outs.placement, outs.stats)            # where each op ran, and why
    fut = prog.submit([x])                       # concurrent.futures.Future
    outs = fut.result()
    prog.close()

Errors are edgeai.Error exceptions (OSError subclasses: errno, strerror,
and the library's own message), e.g. edgeai.ModelError for a malformed
file, edgeai.NoDeviceError for policy="device_only" without a device.

`python3 -m edgeai run|bench|inspect` is the command-line front end.
"""
from ._capi import path as library_path
from ._core import (DeviceInfo, Model, OpInfo, Outputs, Program, TensorInfo, check_version,
                    device_info, devices, op_name, version)
from ._errors import (BusyError, DeviceError, Error, InputError, InvalidArgumentError, ModelError,
                      NoDeviceError, NotFoundError, NotSupportedError, PermissionDeniedError,
                      TimedOutError, strerror)

__all__ = [
    'BusyError', 'DeviceError', 'DeviceInfo', 'Error', 'InputError', 'InvalidArgumentError',
    'Model', 'ModelError', 'NoDeviceError', 'NotFoundError', 'NotSupportedError', 'OpInfo',
    'Outputs', 'PermissionDeniedError', 'Program', 'TensorInfo', 'TimedOutError',
    'check_version', 'device_info', 'devices', 'library_path', 'op_name', 'strerror', 'version', '__version__',
]

# the public classes are edgeai.X, wherever they are defined
for _name in __all__:
    if isinstance(globals().get(_name), type):
        globals()[_name].__module__ = __name__
del _name

#: The loaded libedgeai's version (edgeai_version()).
__version__ = version()
