"""Exceptions raised by the :mod:`dxpy` package, and helpers for reporting them.

Importing this module is cheap: the names that depend on urllib3 or requests
(``ContentLengthError``, ``HTTPErrorWithContent``, ``network_exceptions``,
``default_expected_exceptions``) are built on first access through the module
``__getattr__`` and then cached as ordinary module globals.
"""

import _thread
import errno
import json
import sys

import dxpy

EXPECTED_ERR_EXIT_STATUS = 3

# Exceptions raised when a JSON body cannot be decoded.
json_exceptions = (json.decoder.JSONDecodeError,)


class DXError(Exception):
    """Base class for exceptions in this package."""


def _preview(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class DXAPIError(DXError):
    """The API server answered with an error (a status other than 200).

    ``content`` is the decoded error body, normally
    ``{"error": {"type": ..., "message": ..., "details": ...}}``; ``code`` is the
    HTTP status. Subclasses are named after the API error types.
    """

    def __init__(self, content, code, timestamp="", req_id=""):
        error = content.get("error") if isinstance(content, dict) else None
        details = None
        if isinstance(error, dict):
            name = error.get("type") or self.__class__.__name__
            msg = error.get("message")
            if msg is None:
                msg = "error response without a message: " + _preview(error)
            details = error.get("details")
        elif isinstance(error, str):
            # Some proxies answer {"error": "text"}; keep the text as the message.
            name, msg = self.__class__.__name__, error
        else:
            # Not the platform's error format: say so and show what arrived.
            name = self.__class__.__name__
            msg = "unexpected error response: " + _preview(content)
        self.name = str(name)
        self.msg = str(msg)
        self.details = details
        self.code = code
        self.timestamp = timestamp
        self.req_id = req_id

    def error_message(self):
        """One line: '[type: ]message, code N. Request Time=T, Request ID=R'."""
        output = "{}, code {}. Request Time={}, Request ID={}".format(
            self.msg, self.code, self.timestamp, self.req_id)
        # The type is only spelled out when the class does not already say it.
        if self.name != self.__class__.__name__:
            output = self.name + ": " + output
        return output

    def __str__(self):
        output = self.error_message()
        if self.details:
            output += "\nDetails: " + json.dumps(self.details, indent=4, default=str)
        return output


class MalformedJSON(DXAPIError):
    """The request body could not be parsed as JSON."""


class InvalidAuthentication(DXAPIError):
    """The authentication token is missing, invalid or expired."""


class PermissionDenied(DXAPIError):
    """The credentials do not allow this action."""


class SpendingLimitExceeded(DXAPIError):
    """The account that would be billed has reached its spending limit."""


class OrgExpired(DXAPIError):
    """The organization that would be billed has expired."""


class ResourceNotFound(DXAPIError):
    """A named entity or resource does not exist."""


class InvalidInput(DXAPIError):
    """The request is valid JSON but its content is wrong (bad type, missing field...)."""


class InvalidState(DXAPIError):
    """The object is not in a state that allows this operation."""


class InvalidType(DXAPIError):
    """An object in the request is of the wrong class."""


class RateLimitConditional(DXAPIError):
    """Too many invalid requests in a short time."""


class InternalError(DXAPIError):
    """The server hit an internal error."""


class ServiceUnavailable(DXAPIError):
    """An API service is temporarily unavailable."""


class InvalidTLSProtocol(DXAPIError):
    """The server reset the connection because the TLS version is too old (TLS 1.2+ is required)."""

    _MESSAGE = ("Please refer to our blog post at "
                "https://blog.dnanexus.com/2017-09-23-upgrading-tls/ regarding upgrading to TLS 1.2.")

    def __init__(self):
        # No server body here; fill the attributes so generic handlers can read them.
        self.name = self.__class__.__name__
        self.msg = self._MESSAGE
        self.details = None
        self.code = None
        self.timestamp = ""
        self.req_id = ""

    def error_message(self):
        return self._MESSAGE

    def __str__(self):
        return self.error_message()


class DXFileError(DXError):
    """Error from :class:`dxpy.bindings.dxfile.DXFile`."""


class DXIncompleteReadsError(DXError):
    """A read returned less data than was requested."""


class DXPartLengthMismatchError(DXFileError):
    """A file part does not have the expected length."""


class DXChecksumMismatchError(DXFileError):
    """A file part does not have the expected checksum."""


class DXSearchError(DXError):
    """Error from the :mod:`dxpy.bindings.search` functions."""


class DXAppletError(DXError):
    """Error from :class:`dxpy.bindings.dxapplet.DXApplet`."""


class DXJobFailureError(DXError):
    """A job that was waited on has failed."""


class ProgramError(DXError):
    """Deprecated; use :class:`AppError`."""


class AppError(ProgramError):
    """Fatal user-facing error inside a DNAnexus job.

    The execution template records it in ``job_error.json`` so that the job
    fails with this message shown to the user.
    """


class AppInternalError(DXError):
    """Fatal internal error inside a DNAnexus job, meant for the app developer.

    Recorded in ``job_error.json`` by the execution template.
    """


class AppInsufficientResourceError(AppInternalError):
    """A job failed for lack of resources (memory, disk...)."""


class DXCLIError(DXError):
    """Generic error of the command-line client."""


class BadJSONInReply(ValueError):
    """The server's reply was not valid JSON (broken connection, overloaded server...)."""


class UrllibInternalError(AttributeError):
    """An internal failure of the HTTP stack (kept as an AttributeError subclass for compatibility)."""


# ---------------------------------------------------------------------------
# Names built on first use (PEP 562), so that importing this module does not
# import urllib3 (~35 ms) or requests (~70 ms).

def _build_http_errors():
    from urllib3.exceptions import HTTPError

    class ContentLengthError(HTTPError):
        """The body received is shorter or longer than its Content-Length header."""

    class HTTPErrorWithContent(HTTPError):
        """An HTTP error that carries the response body in ``content``,
        separate from the message so that logs stay readable."""

        def __init__(self, value, content):
            HTTPError.__init__(self, value)
            self.content = content

        def __reduce__(self):
            # args holds only the message; pass content too so that unpickling works.
            return type(self), (self.args[0] if self.args else "", self.content), self.__dict__

    built = {"HTTPError": HTTPError}
    for cls in (ContentLengthError, HTTPErrorWithContent):
        # Make them look (and pickle) like plain module-level classes.
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        for member in vars(cls).values():
            if hasattr(member, "__code__"):
                member.__qualname__ = cls.__name__ + "." + member.__name__
        built[cls.__name__] = cls
    return built


def _build_expected_exceptions():
    import http.client
    import ssl

    import requests.exceptions as rq
    import urllib3.exceptions as u3

    network = (
        u3.ProtocolError,
        u3.NewConnectionError,
        u3.DecodeError,
        u3.ConnectTimeoutError,
        u3.ReadTimeoutError,
        http.client.HTTPException,
        u3.SSLError,
        ssl.SSLError,
        u3.HTTPError,
        OSError,  # socket.error
        ConnectionResetError,
        # requests wraps the urllib3 errors above into its own types.
        rq.ConnectionError,
        rq.Timeout,
        rq.ChunkedEncodingError,
        rq.ContentDecodingError,
    )
    return {
        "network_exceptions": network,
        "default_expected_exceptions": network + json_exceptions + (DXAPIError, DXCLIError, KeyboardInterrupt),
    }


_LAZY = {
    "HTTPError": _build_http_errors,
    "ContentLengthError": _build_http_errors,
    "HTTPErrorWithContent": _build_http_errors,
    "network_exceptions": _build_expected_exceptions,
    "default_expected_exceptions": _build_expected_exceptions,
}
# Classes must be created exactly once, even when threads race for them.
_lazy_lock = _thread.allocate_lock()


def __getattr__(name):
    builder = _LAZY.get(name)
    if builder is None:
        raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
    with _lazy_lock:
        if name not in globals():
            globals().update(builder())
    return globals()[name]


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


# ---------------------------------------------------------------------------
# Reporting helpers

def format_exception(e):
    """Return the type and message of exception *e*, wrapped to the terminal width."""
    import traceback
    from .utils.printing import fill
    return "\n".join(fill(line) for line in traceback.format_exception_only(type(e), e))


def exit_with_exc_info(code=1, message="", print_tb=False, exception=None):
    """Print the exception being handled (or *exception*) and *message* to
    stderr, then exit with status *code*.

    With *print_tb* the full traceback is printed, otherwise only the
    exception's type and message (or ``^C`` for a KeyboardInterrupt).
    """
    import traceback
    if exception is not None:
        exc_type, exc_value, exc_tb = type(exception), exception, exception.__traceback__
    else:
        exc_type, exc_value, exc_tb = sys.exc_info()

    if exc_type is not None:
        if print_tb:
            traceback.print_exception(exc_type, exc_value, exc_tb)
        elif isinstance(exc_value, KeyboardInterrupt):
            sys.stderr.write("^C\n")
        else:
            sys.stderr.write("".join(traceback.format_exception_only(exc_type, exc_value)))

    sys.stderr.write(message)
    if message and not message.endswith("\n"):
        sys.stderr.write("\n")
    sys.exit(code)


def _debug_level():
    try:
        return int(getattr(dxpy, "_DEBUG", 0) or 0)
    except (TypeError, ValueError):
        return 0


def err_exit(message="", code=None, expected_exceptions=None, arg_parser=None,
             ignore_sigpipe=True, exception=None):
    """Exit the program after reporting the exception being handled (or
    *exception*) and *message* on stderr.

    Exceptions matching *expected_exceptions* (default:
    ``default_expected_exceptions``) exit with ``EXPECTED_ERR_EXIT_STATUS`` (3)
    and no traceback unless ``dxpy._DEBUG`` is positive. Other exceptions print
    their traceback and exit with *code* (default 1). A broken pipe exits
    silently with 3 when *ignore_sigpipe* is true. A SystemExit is re-raised.
    *arg_parser*, if given, prefixes the message with the program name.
    """
    if expected_exceptions is None:
        expected_exceptions = __getattr__("default_expected_exceptions")
    elif not isinstance(expected_exceptions, (type, tuple)):
        expected_exceptions = tuple(expected_exceptions)  # any iterable of classes
    if arg_parser is not None:
        message = arg_parser.prog + ": " + message

    exc = exception if exception is not None else sys.exc_info()[1]
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, expected_exceptions):
        exit_with_exc_info(EXPECTED_ERR_EXIT_STATUS, message, print_tb=_debug_level() > 0,
                           exception=exception)
    elif ignore_sigpipe and isinstance(exc, OSError) and getattr(exc, "errno", None) == errno.EPIPE:
        if _debug_level() > 0:
            print("Broken pipe", file=sys.stderr)
        sys.exit(EXPECTED_ERR_EXIT_STATUS)
    else:
        exit_with_exc_info(1 if code is None else code, message, print_tb=True, exception=exception)


__all__ = [
    name for name in list(globals()) + list(_LAZY)
    if not name.startswith("_") and name not in ("errno", "json", "sys", "dxpy")
]
