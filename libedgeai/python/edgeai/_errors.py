# SPDX-License-Identifier: MIT
"""The edgeai exception hierarchy.

Every failing libedgeai call becomes an exception derived from
edgeai.Error, itself an OSError: ``e.errno`` is the positive errno value,
``e.code`` the negative value the C call returned, ``e.strerror`` what
edgeai_strerror() says about it, and ``str(e)`` the most specific message
the library gave (its error text when the call has one, e.g. a malformed
model or an operator no device can run, else edgeai_strerror()).
"""
import builtins
import errno as _errno

from . import _capi


def strerror(code):
    """edgeai_strerror(): the library's message for an errno value (either sign)."""
    return _capi.text(_capi.lib.edgeai_strerror(int(code)))


# Classes that are also builtin OSError subclasses (NotFoundError is a
# FileNotFoundError, ...) have names of their own, so that
# `from edgeai import *` never shadows a builtin.


class Error(OSError):
    """A libedgeai call failed.

    Attributes: errno (positive errno value), code (the call's negative
    return value), strerror (edgeai_strerror() of it), message (the
    library's most specific text: its error buffer when the call has one,
    else strerror), filename (the model file, when there is one).
    """

    def __init__(self, code, message=None, filename=None):
        code = -abs(int(code))
        text = strerror(code)
        if filename is None:
            super().__init__(-code, text)
        else:
            super().__init__(-code, text, filename)
        self.code = code
        self.message = message or text

    def __str__(self):
        where = ''
        if self.filename is not None and not self.message.startswith(str(self.filename)):
            where = '%s: ' % self.filename
        if self.message != self.strerror:
            return '%s%s (%s)' % (where, self.message, self.strerror)
        return where + self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message, self.filename))


class InvalidArgumentError(Error, ValueError):
    """-EINVAL: a bad argument (also: an input of the wrong shape, dtype or count)."""


class InputError(InvalidArgumentError):
    """Inputs that do not match the model's input tensors (checked before the call)."""

    def __init__(self, message):
        super().__init__(-_errno.EINVAL, message)


class ModelError(Error):
    """-EBADMSG: a malformed model file (the message says what is wrong)."""


class NotSupportedError(Error):
    """-EOPNOTSUPP: valid, but not handled (a float model, an op no device runs under
    DEVICE_ONLY, a kernel without a feature)."""


class NoDeviceError(Error):
    """-ENODEV: no such device (DEVICE_ONLY without an accelerator, an unplugged device)."""


class BusyError(Error):
    """-EBUSY, -EAGAIN, -EDQUOT: queue full, thermal trip or quota; try again later."""


class TimedOutError(Error, builtins.TimeoutError):
    """-ETIME (the caller's timeout passed) or -ETIMEDOUT (the job hung and the core was reset)."""


class DeviceError(Error):
    """-EIO, -ECANCELED, -EBADFD: the device failed the job, cancelled it in a reset, or this
    context caused a reset (reopen)."""


class NotFoundError(Error, builtins.FileNotFoundError):
    """-ENOENT: the model file (or a device node) does not exist."""


class PermissionDeniedError(Error, builtins.PermissionError):
    """-EACCES, -EPERM: no permission to open the file or device."""


_BY_ERRNO = {
    _errno.EINVAL: InvalidArgumentError,
    _errno.EBADMSG: ModelError,
    _errno.EOPNOTSUPP: NotSupportedError,
    _errno.ENODEV: NoDeviceError,
    _errno.EBUSY: BusyError,
    _errno.EAGAIN: BusyError,
    _errno.EDQUOT: BusyError,
    _errno.ETIME: TimedOutError,
    _errno.ETIMEDOUT: TimedOutError,
    _errno.EIO: DeviceError,
    _errno.ECANCELED: DeviceError,
    _errno.EBADFD: DeviceError,
    _errno.ENOENT: NotFoundError,
    _errno.EACCES: PermissionDeniedError,
    _errno.EPERM: PermissionDeniedError,
}


def error(code, message=None, filename=None):
    """The exception for the negative errno value @code a call returned."""
    cls = _BY_ERRNO.get(abs(int(code)), Error)
    return cls(code, message, filename)


def check(r, message=None, filename=None):
    """Return @r when >= 0, else raise its exception."""
    if r < 0:
        raise error(r, message, filename)
    return r
