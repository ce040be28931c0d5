"""Tests for dxpy.exceptions: the hierarchy, messages, lazy names and err_exit."""
import http.client
import json
import os
import pickle
import ssl
import subprocess
import sys
import textwrap

import pytest

import dxpy.exceptions as exc

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code, env=None):
    """Run *code* in a fresh interpreter that imports this checkout's dxpy."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = REPO_ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("_DX_DEBUG", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT, env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)


def api_error(cls=exc.DXAPIError, type_="ResourceNotFound", message="no such thing", code=404, **extra):
    error = {"type": type_, "message": message}
    error.update(extra)
    return cls({"error": error}, code, "T1", "R1")


# --- DXAPIError -----------------------------------------------------------------------------

def test_api_error_attributes():
    e = api_error(details={"field": "name"})
    assert (e.name, e.msg, e.code, e.timestamp, e.req_id) == ("ResourceNotFound", "no such thing", 404, "T1", "R1")
    assert e.details == {"field": "name"}
    assert api_error().details is None


def test_api_error_defaults_for_timestamp_and_request_id():
    e = exc.InvalidInput({"error": {"type": "InvalidInput", "message": "bad"}}, 422)
    assert (e.timestamp, e.req_id) == ("", "")
    assert e.error_message() == "bad, code 422. Request Time=, Request ID="


def test_error_message_names_the_type_when_class_differs():
    # Scripts parse this exact layout.
    assert api_error().error_message() == \
        "ResourceNotFound: no such thing, code 404. Request Time=T1, Request ID=R1"


def test_error_message_omits_the_type_when_class_matches():
    e = api_error(cls=exc.ResourceNotFound)
    assert e.error_message() == "no such thing, code 404. Request Time=T1, Request ID=R1"
    assert str(e) == e.error_message()


def test_str_appends_details_as_indented_json():
    details = {"field": "name", "allowed": [1, 2]}
    e = api_error(cls=exc.InvalidInput, type_="InvalidInput", message="bad", code=422, details=details)
    first, rest = str(e).split("\n", 1)
    assert first == "bad, code 422. Request Time=T1, Request ID=R1"
    assert rest == "Details: " + json.dumps(details, indent=4)


def test_empty_details_add_nothing():
    assert "Details" not in str(api_error(details={}))
    assert "Details" not in str(api_error(details=None))


@pytest.mark.parametrize("content, expected_in_msg", [
    (None, "unexpected error response: None"),
    ("<html>502 Bad Gateway</html>", "502 Bad Gateway"),
    ([1, 2], "unexpected error response: [1, 2]"),
    ({}, "unexpected error response: {}"),
    ({"message": "no error key"}, "no error key"),
    ({"error": "plain text error"}, "plain text error"),
    ({"error": {"type": "InvalidInput"}}, "error response without a message"),
])
def test_malformed_content_still_gives_a_clear_message(content, expected_in_msg):
    e = exc.DXAPIError(content, 502, "T", "R")
    assert expected_in_msg in e.msg
    assert e.code == 502
    text = str(e)
    assert expected_in_msg in text and "code 502" in text and "Request ID=R" in text


def test_malformed_content_keeps_type_when_present():
    e = exc.DXAPIError({"error": {"type": "InvalidInput"}}, 422)
    assert e.name == "InvalidInput"
    assert e.error_message().startswith("InvalidInput: error response without a message")


def test_missing_type_falls_back_to_class_name():
    e = exc.PermissionDenied({"error": {"message": "nope"}}, 401)
    assert e.name == "PermissionDenied"
    assert e.error_message() == "nope, code 401. Request Time=, Request ID="


def test_huge_malformed_content_is_truncated_in_message():
    e = exc.DXAPIError("x" * 10000, 500)
    assert len(e.msg) < 300 and e.msg.endswith("...")


def test_non_string_message_is_coerced():
    e = exc.DXAPIError({"error": {"type": "X", "message": 42}}, 500)
    assert e.error_message() == "X: 42, code 500. Request Time=, Request ID="


def test_api_error_pickles_with_attributes():
    e = api_error(cls=exc.InvalidState, type_="InvalidState", message="closed", code=422, details={"a": 1})
    clone = pickle.loads(pickle.dumps(e))
    assert type(clone) is exc.InvalidState
    assert str(clone) == str(e)
    assert clone.req_id == "R1"


def test_invalid_tls_protocol_has_fixed_message_and_readable_attributes():
    e = exc.InvalidTLSProtocol()
    assert isinstance(e, exc.DXAPIError)
    assert str(e) == e.error_message()
    assert "TLS 1.2" in str(e) and str(e).startswith("Please refer to our blog post")
    assert e.code is None and e.details is None


# --- hierarchy --------------------------------------------------------------------------------

API_ERRORS = ["MalformedJSON", "InvalidAuthentication", "PermissionDenied", "SpendingLimitExceeded",
              "OrgExpired", "ResourceNotFound", "InvalidInput", "InvalidState", "InvalidType",
              "RateLimitConditional", "InternalError", "ServiceUnavailable", "InvalidTLSProtocol"]


@pytest.mark.parametrize("name", API_ERRORS)
def test_api_error_subclasses(name):
    cls = getattr(exc, name)
    assert cls.__bases__ == (exc.DXAPIError,)
    assert issubclass(cls, exc.DXError)


@pytest.mark.parametrize("name, base", [
    ("DXError", Exception), ("DXAPIError", exc.DXError), ("DXFileError", exc.DXError),
    ("DXIncompleteReadsError", exc.DXError), ("DXPartLengthMismatchError", exc.DXFileError),
    ("DXChecksumMismatchError", exc.DXFileError), ("DXSearchError", exc.DXError),
    ("DXAppletError", exc.DXError), ("DXJobFailureError", exc.DXError), ("ProgramError", exc.DXError),
    ("AppError", exc.ProgramError), ("AppInternalError", exc.DXError),
    ("AppInsufficientResourceError", exc.AppInternalError), ("DXCLIError", exc.DXError),
    ("BadJSONInReply", ValueError), ("UrllibInternalError", AttributeError),
])
def test_other_bases(name, base):
    assert getattr(exc, name).__bases__ == (base,)


def test_error_type_lookup_by_name_falls_back_for_unknown_types():
    # The HTTP layer maps the server's error type to a class this way.
    assert getattr(exc, "ResourceNotFound", exc.DXAPIError) is exc.ResourceNotFound
    assert getattr(exc, "SomeFutureErrorType", exc.DXAPIError) is exc.DXAPIError


# --- urllib3-based classes (built lazily) -------------------------------------------------------

def test_http_error_classes_subclass_urllib3_http_error():
    import urllib3.exceptions
    assert exc.ContentLengthError.__bases__ == (urllib3.exceptions.HTTPError,)
    assert exc.HTTPErrorWithContent.__bases__ == (urllib3.exceptions.HTTPError,)
    assert exc.ContentLengthError.__module__ == "dxpy.exceptions"
    assert exc.HTTPErrorWithContent.__qualname__ == "HTTPErrorWithContent"


def test_http_error_with_content_keeps_message_and_content_apart():
    e = exc.HTTPErrorWithContent("503 Service Unavailable", "<html>body</html>")
    assert str(e) == "503 Service Unavailable"
    assert e.args == ("503 Service Unavailable",)
    assert e.content == "<html>body</html>"


def test_lazy_classes_are_stable_and_picklable():
    from dxpy.exceptions import ContentLengthError, HTTPErrorWithContent
    assert ContentLengthError is exc.ContentLengthError
    assert "ContentLengthError" in vars(exc)  # cached after first use
    with pytest.raises(exc.ContentLengthError):
        raise ContentLengthError("short body")
    clone = pickle.loads(pickle.dumps(HTTPErrorWithContent("boom", "body")))
    assert type(clone) is HTTPErrorWithContent
    assert (str(clone), clone.content) == ("boom", "body")
    assert HTTPErrorWithContent.__init__.__qualname__ == "HTTPErrorWithContent.__init__"


def test_lazy_classes_are_created_once_under_thread_races():
    code = """
        import threading, dxpy.exceptions as e
        seen, barrier = [], threading.Barrier(8)
        def grab():
            barrier.wait()
            seen.append(e.HTTPErrorWithContent)
        threads = [threading.Thread(target=grab) for _ in range(8)]
        [t.start() for t in threads]; [t.join() for t in threads]
        print(len(set(map(id, seen))))
    """
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchName"):
        exc.NoSuchName
    assert not hasattr(exc, "NoSuchName")


def test_dir_lists_lazy_names():
    names = dir(exc)
    for name in ("network_exceptions", "default_expected_exceptions", "ContentLengthError", "DXAPIError"):
        assert name in names


# --- exception tuples -----------------------------------------------------------------------

def test_network_exceptions_cover_requests_urllib3_and_stdlib():
    import requests.exceptions
    import urllib3.exceptions
    net = exc.network_exceptions
    assert isinstance(net, tuple)
    for cls in (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                urllib3.exceptions.ProtocolError, urllib3.exceptions.NewConnectionError,
                urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.SSLError, urllib3.exceptions.HTTPError,
                http.client.HTTPException, ssl.SSLError, ConnectionResetError, OSError):
        assert cls in net, cls


def test_network_exceptions_catch_a_requests_connection_error():
    import requests.exceptions
    with pytest.raises(exc.network_exceptions):
        raise requests.exceptions.ConnectionError("refused")
    with pytest.raises(exc.network_exceptions):
        raise http.client.IncompleteRead(b"partial")
    with pytest.raises(ZeroDivisionError):  # not a network error: must not be swallowed
        try:
            1 / 0
        except exc.network_exceptions:
            pass


def test_default_expected_exceptions():
    expected = exc.default_expected_exceptions
    assert expected[:len(exc.network_exceptions)] == exc.network_exceptions
    for cls in (json.decoder.JSONDecodeError, exc.DXAPIError, exc.DXCLIError, KeyboardInterrupt):
        assert cls in expected
    assert not issubclass(ValueError, expected)
    assert exc.json_exceptions == (json.decoder.JSONDecodeError,)


def test_import_loads_neither_requests_nor_urllib3():
    result = run_python("""
        import sys, dxpy.exceptions as e
        e.DXAPIError, e.DXError, e.json_exceptions
        before = sorted(m for m in ("requests", "urllib3") if m in sys.modules)
        e.ContentLengthError
        middle = sorted(m for m in ("requests", "urllib3") if m in sys.modules)
        e.network_exceptions
        after = sorted(m for m in ("requests", "urllib3") if m in sys.modules)
        print(before, middle, after)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] ['urllib3'] ['requests', 'urllib3']"


# --- format_exception / exit helpers --------------------------------------------------------

def test_format_exception_short():
    assert exc.format_exception(ValueError("boom")) == "ValueError: boom"
    e = exc.ResourceNotFound({"error": {"type": "ResourceNotFound", "message": "gone"}}, 404, "T", "R")
    assert exc.format_exception(e) == \
        "dxpy.exceptions.ResourceNotFound: gone, code 404. Request Time=T, Request ID=R"


def test_format_exception_wraps_long_messages():
    from dxpy.utils import printing
    words = ["word%d" % i for i in range(60)]
    text = exc.format_exception(RuntimeError(" ".join(words)))
    lines = text.split("\n")
    assert len(lines) > 1
    assert all(len(line) <= max(printing.std_width, 20) for line in lines)
    assert " ".join(lines) == "RuntimeError: " + " ".join(words)


ERR_EXIT_PRELUDE = """
    import sys, dxpy
    from dxpy.exceptions import *
    def api_error():
        return ResourceNotFound({"error": {"type": "ResourceNotFound", "message": "file-xxxx not found"}},
                                404, "T1", "R1")
"""


def err_exit_run(body, env=None):
    return run_python(textwrap.dedent(ERR_EXIT_PRELUDE) + textwrap.dedent(body), env=env)


def test_err_exit_expected_exception_exits_3_without_traceback():
    r = err_exit_run("""
        try:
            raise api_error()
        except Exception:
            err_exit("while describing")
    """)
    assert r.returncode == 3
    assert "Traceback" not in r.stderr
    assert r.stderr == ("dxpy.exceptions.ResourceNotFound: file-xxxx not found, code 404. "
                        "Request Time=T1, Request ID=R1\nwhile describing\n")


def test_err_exit_expected_exception_with_debug_prints_traceback():
    r = err_exit_run("""
        dxpy._DEBUG = 1
        try:
            raise api_error()
        except Exception:
            err_exit()
    """)
    assert r.returncode == 3
    assert r.stderr.startswith("Traceback") and "in <module>" in r.stderr


def test_err_exit_unexpected_exception_prints_traceback_and_uses_code():
    r = err_exit_run("""
        try:
            1 / 0
        except Exception:
            err_exit("failed", code=7)
    """)
    assert r.returncode == 7
    assert "Traceback" in r.stderr and "ZeroDivisionError" in r.stderr
    assert r.stderr.endswith("failed\n")
    r = err_exit_run("""
        try:
            {}["k"]
        except Exception:
            err_exit()
    """)
    assert r.returncode == 1 and "KeyError: 'k'" in r.stderr


def test_err_exit_network_errors_from_requests_are_expected():
    r = err_exit_run("""
        import requests
        try:
            raise requests.exceptions.ConnectionError("connection refused")
        except Exception:
            err_exit()
    """)
    assert r.returncode == 3
    assert "Traceback" not in r.stderr and "connection refused" in r.stderr


def test_err_exit_with_explicit_exception_outside_handler():
    r = err_exit_run("""
        def fail():
            raise RuntimeError("deep failure")
        try:
            fail()
        except RuntimeError as e:
            saved = e
        err_exit("reported later", exception=saved)
    """)
    assert r.returncode == 1
    # The traceback is the one of the given exception, not "NoneType: None".
    assert "in fail" in r.stderr and "RuntimeError: deep failure" in r.stderr
    assert "NoneType" not in r.stderr


def test_err_exit_custom_expected_exceptions_and_arg_parser():
    r = err_exit_run("""
        import argparse
        parser = argparse.ArgumentParser(prog="dx-tool")
        try:
            raise LookupError("not here")
        except Exception:
            err_exit("bad lookup", expected_exceptions=[LookupError], arg_parser=parser)
    """)
    assert r.returncode == 3
    assert r.stderr == "LookupError: not here\ndx-tool: bad lookup\n"


def test_err_exit_keyboard_interrupt_prints_caret_c():
    r = err_exit_run("""
        try:
            raise KeyboardInterrupt()
        except BaseException:
            err_exit()
    """)
    assert (r.returncode, r.stderr) == (3, "^C\n")


def test_err_exit_reraises_system_exit():
    r = err_exit_run("""
        try:
            sys.exit(42)
        except SystemExit:
            err_exit("ignored")
    """)
    assert r.returncode == 42 and "ignored" not in r.stderr


def test_err_exit_broken_pipe_is_silent():
    body = """
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except Exception:
            err_exit(expected_exceptions=(DXAPIError,), ignore_sigpipe=%s)
    """
    r = err_exit_run(body % "True")
    assert (r.returncode, r.stderr) == (3, "")
    r = err_exit_run(body % "False")
    assert r.returncode == 1 and "BrokenPipeError" in r.stderr


def test_err_exit_without_any_exception_prints_message_only():
    r = err_exit_run('err_exit("just a message")')
    assert (r.returncode, r.stderr) == (1, "just a message\n")


def test_exit_with_exc_info():
    r = err_exit_run("""
        try:
            raise ValueError("v")
        except ValueError:
            exit_with_exc_info(5, "msg\\n")
    """)
    assert (r.returncode, r.stderr) == (5, "ValueError: v\nmsg\n")
    r = err_exit_run('exit_with_exc_info(exception=OSError("disk"), message="m")')
    assert (r.returncode, r.stderr) == (1, "OSError: disk\nm\n")


def test_expected_err_exit_status():
    assert exc.EXPECTED_ERR_EXIT_STATUS == 3
