"""dxpy.http.DXHTTPRequest against real loopback servers: requests, answers, errors.

Retries are in test_http_retry.py, authentication and proxies in test_http_auth_proxy.py.
"""
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import dxpy
from dxpy import exceptions
from dxpy.http import DXHTTPRequest
from loopback import drop, echo, error, reply

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def as_text(content):
    return content.decode("utf-8") if isinstance(content, bytes) else str(content)


# -- what is sent --------------------------------------------------------------------------

def test_json_post_sends_body_and_standard_headers(dx, server):
    server.push(reply(json={"id": "user-alice"}))

    result = dxpy.DXHTTPRequest("/system/whoami", {"fields": [1, 2]}, headers={"X-Extra": "yes"})

    assert result == {"id": "user-alice"}
    (seen,) = server.requests
    assert (seen.method, seen.path) == ("POST", "/system/whoami")
    assert seen.json() == {"fields": [1, 2]}
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["User-Agent"].startswith("dxpy/")
    assert seen.headers["DNAnexus-API"] == "1.0.0"
    assert seen.headers["X-Extra"] == "yes"
    assert seen.headers["Authorization"] == dx.auth_header


def test_dxpy_exposes_the_same_function():
    assert dxpy.DXHTTPRequest is DXHTTPRequest


def test_full_url_without_prepending_the_server(dx, make_server):
    other = make_server(default=echo)

    result = DXHTTPRequest(other.url + "/some/where?x=1", {"a": 1}, prepend_srv=False)

    assert result == {"method": "POST", "path": "/some/where?x=1", "body": {"a": 1}}
    assert dx.server.requests == []


def test_callable_resource_is_asked_before_every_attempt(dx, server, make_server):
    server.push(error(500, "InternalError"))
    second = make_server(default=echo)
    urls = [server.url + "/first", second.url + "/second"]
    calls = []

    def resource():
        calls.append(len(calls))
        return urls[len(calls) - 1], {"X-Attempt": str(len(calls))}

    result = DXHTTPRequest(resource, {"n": 1}, prepend_srv=False)

    assert result["path"] == "/second"
    assert calls == [0, 1]
    assert [r.path for r in server.requests] == ["/first"]
    assert server.requests[0].headers["X-Attempt"] == "1"
    assert second.requests[0].headers["X-Attempt"] == "2"


def test_data_that_is_not_json_raises_type_error_before_sending(dx, server):
    with pytest.raises(TypeError):
        DXHTTPRequest("/system/whoami", {"when": object()})
    assert server.requests == []


@pytest.mark.parametrize("make_data, expected", [
    (lambda: b"\x00raw bytes\xff", b"\x00raw bytes\xff"),
    (lambda: "plain text", b"plain text"),
    (lambda: io.BytesIO(b"from a file"), b"from a file"),
], ids=["bytes", "str", "file"])
def test_raw_bodies_are_sent_as_is(dx, server, make_data, expected):
    DXHTTPRequest("/upload", make_data(), method="PUT", jsonify_data=False)

    assert server.requests[0].body == expected


def test_file_body_is_rewound_to_its_start_before_a_retry(dx, server, sleeps):
    server.push(error(500, "InternalError"), reply(body=b"stored"))
    body = io.BytesIO(b"HEADER|payload that must arrive whole")
    body.seek(len(b"HEADER|"))

    DXHTTPRequest("/upload", body, method="PUT", jsonify_data=False)

    assert [r.body for r in server.requests] == [b"payload that must arrive whole"] * 2
    assert len(sleeps) == 1


def test_unknown_keyword_argument_is_a_type_error(dx):
    with pytest.raises(TypeError, match="no_such_option"):
        DXHTTPRequest("/system/whoami", {}, no_such_option=1)


# -- what is returned ----------------------------------------------------------------------

@pytest.mark.parametrize("step, decode, expected", [
    (reply(json={"a": [1, "b"]}), True, {"a": [1, "b"]}),
    (reply(json=[1, 2]), True, [1, 2]),
    (reply(body="héllo", headers={"Content-Type": "text/plain; charset=utf-8"}), True, "héllo"),
    (reply(body=b"\x89PNG", headers={"Content-Type": "image/png"}), False, b"\x89PNG"),
    (reply(body=b"no type at all"), True, "no type at all"),
])
def test_answer_is_decoded_by_content_type(dx, server, step, decode, expected):
    server.push(step)

    result = DXHTTPRequest("/file/download", {}, decode_response_body=decode)

    assert result == expected
    assert type(result) is type(expected)


def test_full_response_object(dx, server):
    server.push(reply(201, json={"ok": True}, headers={"X-Custom": "value"}))

    response = DXHTTPRequest("/record/new", {}, want_full_response=True)

    assert response.status_code == response.status == 201
    assert response.headers["X-Custom"] == "value"
    assert json.loads(response.content.decode("utf-8")) == {"ok": True}
    assert response.data == response.content


# -- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("status, type_, error_class", [
    (404, "ResourceNotFound", exceptions.ResourceNotFound),
    (400, "InvalidInput", exceptions.InvalidInput),
    (401, "InvalidAuthentication", exceptions.InvalidAuthentication),
    (403, "PermissionDenied", exceptions.PermissionDenied),
    (422, "InvalidState", exceptions.InvalidState),
    (400, "BrandNewErrorType", exceptions.DXAPIError),
])
def test_api_errors_raise_their_class(dx, server, status, type_, error_class):
    server.push(error(status, type_, "it failed", details={"field": "x"}, request_id="req-42"))

    with pytest.raises(exceptions.DXAPIError) as caught:
        DXHTTPRequest("/file-xxxx/describe", {})

    err = caught.value
    assert type(err) is error_class
    assert (err.name, err.msg, err.details) == (type_, "it failed", {"field": "x"})
    assert (err.code, err.req_id) == (status, "req-42")


@pytest.mark.parametrize("step, marker", [
    (reply(404, body="<html>nothing here</html>", headers={"Content-Type": "text/html"}), "nothing here"),
    (reply(409, json={"error": {"message": "no type given"}}), "no type given"),
    (reply(409, json={"problem": "not the usual shape"}), "not the usual shape"),
], ids=["not-json", "json-without-error-type", "json-without-error"])
def test_other_errors_raise_http_error_with_content(dx, server, step, marker):
    server.push(step)

    with pytest.raises(exceptions.HTTPErrorWithContent) as caught:
        DXHTTPRequest("/file-xxxx/describe", {})

    assert marker in as_text(caught.value.content)  # the body, as text or parsed
    assert len(server.requests) == 1


# -- debug output --------------------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2, 3])
def test_debug_output_shows_the_traffic_but_never_the_token(dx, server, capfd, monkeypatch, level):
    monkeypatch.setattr(dxpy, "_DEBUG", level)
    server.push(reply(json={"id": "user-alice"}))

    DXHTTPRequest("/system/whoami", {"fields": {"id": True}})

    err = capfd.readouterr().err
    assert "/system/whoami" in err
    assert dx.token not in err


def test_debug_off_prints_nothing(dx, capfd):
    DXHTTPRequest("/system/whoami", {})

    assert capfd.readouterr().err == ""


# -- configuration problems ----------------------------------------------------------------

def test_malformed_security_context_fails_the_first_request_not_the_import(server, tmp_path):
    script = textwrap.dedent("""
        import dxpy
        from dxpy.exceptions import DXError
        dxpy.set_api_server_info(host="127.0.0.1", port=%d, protocol="http")
        try:
            dxpy.DXHTTPRequest("/system/whoami", {})
        except DXError as e:
            print("DXError: %%s" %% e)
        else:
            print("request went through")
    """ % server.port)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DX_") and k.lower() not in ("http_proxy", "https_proxy", "_dx_debug")}
    env.update(HOME=str(tmp_path), PYTHONPATH=REPO, DX_SECURITY_CONTEXT="not json")

    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=str(tmp_path),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=60)

    assert done.returncode == 0, done.stderr
    assert "DX_SECURITY_CONTEXT" in done.stderr
    assert done.stdout.startswith("DXError:")
    assert "DX_SECURITY_CONTEXT" in done.stdout
    assert server.requests == []


# -- threads -------------------------------------------------------------------------------

def test_concurrent_requests_each_get_their_own_answer(dx, server, sleeps):
    def answer(request):
        if request.path.startswith("/missing"):
            return error(404, "ResourceNotFound", "gone: " + request.path)
        return echo(request)

    # The first requests to arrive, whoever sends them, meet failures that must be retried.
    server.push(*[drop(), error(500, "InternalError"), drop(), error(503, "ServiceUnavailable")] * 3)
    server.default = answer
    start = threading.Barrier(24, timeout=30)

    def call(i):
        start.wait()
        route = "/missing-%d" % i if i % 6 == 0 else "/echo-%d" % i
        try:
            return DXHTTPRequest(route, {"i": i}, always_retry=True)
        except exceptions.ResourceNotFound as e:
            return e

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(call, range(24)))

    for i, result in enumerate(results):
        if i % 6 == 0:
            assert isinstance(result, exceptions.ResourceNotFound)
            assert result.msg == "gone: /missing-%d" % i
        else:
            assert result == {"method": "POST", "path": "/echo-%d" % i, "body": {"i": i}}
    assert server.pending == 0
    assert len(server.requests) == 24 + 12


# -- failures no retry can mend --------------------------------------------------------------

def _secret_part(token):
    return token.split("-", 1)[1][:16]


def test_token_with_a_line_break_fails_at_once_and_is_never_shown(dx, server, sleeps, caplog):
    import requests
    token = "tok-" + "5ec7e7" * 6 + "\r\nX-Injected: yes"
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": token})

    with pytest.raises(requests.exceptions.InvalidHeader) as raised:
        DXHTTPRequest("/system/whoami", {}, always_retry=True)

    assert server.requests == [] and sleeps == []
    shown = str(raised.value) + repr(raised.value.args) + caplog.text
    assert _secret_part(token) not in shown
    assert "Authorization" in str(raised.value) or "header" in str(raised.value)


@pytest.mark.parametrize("url, error_name", [
    ("system/whoami", "MissingSchema"),
    ("ftp://127.0.0.1/x", "InvalidSchema"),
    ("http://", "InvalidURL"),
])
def test_unusable_url_fails_at_once(dx, server, sleeps, caplog, url, error_name):
    import requests

    with pytest.raises(getattr(requests.exceptions, error_name)):
        DXHTTPRequest(url, {}, prepend_srv=False, always_retry=True)

    assert sleeps == []
    assert server.requests == []
    assert _secret_part(dx.token) not in caplog.text


# -- redirects -------------------------------------------------------------------------------

@pytest.mark.parametrize("location, expected_path", [
    ("/elsewhere/y", "/elsewhere/y"),
    ("sibling?z=1", "/a/sibling?z=1"),
])
def test_relative_location_is_resolved_against_the_request_url(dx, server, location, expected_path):
    server.push(reply(307, headers={"Location": location}), reply(json={"landed": True}))

    result = DXHTTPRequest("/a/b", {})

    assert result == {"landed": True}
    assert [r.path for r in server.requests] == ["/a/b", expected_path]
    assert server.requests[1].headers["Authorization"] == dx.auth_header


# -- the exception types when no answer came: dxpy's (urllib3's), and requests' too ---------

def _refused_url(server):
    from loopback import unused_port
    return "http://127.0.0.1:%d/x" % unused_port()


def _unknown_host_url(server):
    return "http://no-such-host.invalid/x"


def _dropping_server_url(server):
    server.push(drop())
    return server.url + "/x"


def _garbage_server_url(server):
    from loopback import garbage
    server.push(garbage())
    return server.url + "/x"


@pytest.mark.parametrize("make_url, urllib3_name, requests_name", [
    (_refused_url, "NewConnectionError", "ConnectionError"),
    (_unknown_host_url, "NameResolutionError", "ConnectionError"),
    (_dropping_server_url, "ProtocolError", "ConnectionError"),
    (_garbage_server_url, "ProtocolError", "ConnectionError"),
], ids=["refused", "unknown-host", "dropped", "not-http"])
def test_no_answer_raises_what_dxpy_raises_and_what_requests_raises(dx, server, make_url, urllib3_name,
                                                                    requests_name):
    import requests
    import urllib3
    url = make_url(server)

    with pytest.raises(getattr(urllib3.exceptions, urllib3_name)) as raised:
        DXHTTPRequest(url, {}, prepend_srv=False, max_retries=0)

    assert isinstance(raised.value, getattr(requests.exceptions, requests_name))
    assert str(raised.value)


def test_read_timeout_raises_urllib3s_and_requests_timeout(dx, server):
    import requests
    import urllib3
    server.push(reply(json={}, delay=2))

    with pytest.raises(urllib3.exceptions.ReadTimeoutError) as raised:
        DXHTTPRequest("/x", {}, max_retries=0, timeout=0.3)

    assert isinstance(raised.value, requests.exceptions.ReadTimeout)


@pytest.mark.parametrize("option", ["cert_file", "verify"])
def test_unreadable_tls_file_fails_at_once(dx, server, sleeps, tmp_path, option):
    import requests
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("this is not PEM\n")

    with pytest.raises(requests.exceptions.SSLError):
        DXHTTPRequest("https://127.0.0.1:%d/x" % server.port, {}, prepend_srv=False, always_retry=True,
                      **{option: str(not_pem)})

    assert sleeps == []


@pytest.mark.parametrize("headers", [{"": "x"}, {"X-Lead": " space"}, {"Bad:Name": "x"}, {"X-Break": "a\nb"}],
                         ids=["empty-name", "leading-space", "colon-in-name", "line-break"])
def test_headers_requests_refuses_are_refused_at_once(dx, server, sleeps, headers):
    import requests

    with pytest.raises(requests.exceptions.InvalidHeader):
        DXHTTPRequest("/system/whoami", {}, headers=headers, always_retry=True)

    assert server.requests == [] and sleeps == []
