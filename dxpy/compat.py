"""Names that code written for dxpy imports from ``dxpy.compat``.

dxpy once supported Python 2 and 3 from one code base; this module kept the
differences. Only Python 3 is supported here, so most names are plain aliases
of builtins and standard library objects, kept so that old imports still work.
"""

import _thread
import builtins
import io
import os
import sys
from contextlib import contextmanager


def _detect_sys_encoding():
    # The encoding named by the locale environment variables (LC_ALL, LC_CTYPE,
    # LANG...), UTF-8 when none is set: what dxpy has always used.
    import locale
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # deprecated since 3.11
            return locale.getdefaultlocale()[1] or "UTF-8"
    except (ValueError, AttributeError):  # unknown locale name; function removed
        return "UTF-8"


sys_encoding = _detect_sys_encoding()

USING_PYTHON2 = False

THREAD_TIMEOUT_MAX = _thread.TIMEOUT_MAX  # same value as threading.TIMEOUT_MAX

builtin_str = str
builtin_int = int
str = builtins.str
bytes = builtins.bytes
int = builtins.int
basestring = (str, bytes)
input = builtins.input
open = builtins.open
StringIO = io.StringIO
BytesIO = io.BytesIO
TextIOWrapper = io.TextIOWrapper
environ = os.environ
expanduser = os.path.expanduser


def md5_hasher():
    """Return a new MD5 hash object that also works on FIPS-mode Pythons.

    MD5 is used only for checksums, never for security, which FIPS builds
    accept when told so with ``usedforsecurity=False`` (Python 3.9+).
    """
    import hashlib  # loads OpenSSL (~2 ms): only when a checksum is needed
    try:
        return hashlib.md5(usedforsecurity=False)
    except TypeError:  # Python 3.8: no such keyword
        return hashlib.md5()


def wrap_stdio_in_codecs():
    """No-op: Python 3's standard streams are already text streams."""


def decode_command_line_args():
    """Return ``sys.argv``; it is already decoded on Python 3."""
    return sys.argv


def wrap_env_var_handlers():
    """No-op: ``os.environ`` already holds text on Python 3."""


def unwrap_env_var_handlers():
    """No-op counterpart of :func:`wrap_env_var_handlers`."""


@contextmanager
def unwrap_stream(stream_name):
    """Context manager that temporarily restores ``sys.<stream_name>`` to the
    stream it wraps, if it was wrapped (``_original_stream``)."""
    wrapped = getattr(sys, stream_name)
    original = getattr(wrapped, "_original_stream", None)
    if original is not None:
        setattr(sys, stream_name, original)
    try:
        yield
    finally:
        setattr(sys, stream_name, wrapped)


# Standard library names that old code imports from here, loaded on first use
# so that importing this module stays cheap.
_LAZY = {
    "urlencode": ("urllib.parse", "urlencode"),
    "quote": ("urllib.parse", "quote"),
    "unquote": ("urllib.parse", "unquote"),
    "urljoin": ("urllib.parse", "urljoin"),
    "urlparse": ("urllib.parse", "urlparse"),
    "BadStatusLine": ("http.client", "BadStatusLine"),
    "Repr": ("reprlib", "Repr"),
    "Mapping": ("collections.abc", "Mapping"),
    "MutableMapping": ("collections.abc", "MutableMapping"),
    "shlex": ("shlex", None),
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
    import importlib
    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
