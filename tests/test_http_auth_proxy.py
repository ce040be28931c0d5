"""Which requests DXHTTPRequest authenticates, and how it goes through HTTP proxies."""
import base64

import pytest

import dxpy
from dxpy.http import DXHTTPRequest
from loopback import echo, error, reply


def authorization(request):
    return request.headers.get("Authorization")


# -- authentication ------------------------------------------------------------------------

@pytest.mark.parametrize("full_url", [False, True], ids=["route", "full-url"])
def test_token_is_sent_to_the_api_server(dx, server, full_url):
    resource = server.url + "/system/whoami" if full_url else "/system/whoami"

    DXHTTPRequest(resource, {}, prepend_srv=not full_url)

    assert authorization(server.requests[0]) == dx.auth_header


@pytest.mark.parametrize("elsewhere", ["other-port", "other-host-name"])
def test_token_is_not_sent_to_other_servers(dx, server, make_server, elsewhere):
    if elsewhere == "other-port":
        target = make_server()
        url = target.url + "/upload/part"
    else:  # same port, but not the host name the API server was configured with
        target = server
        url = "http://localhost:%d/upload/part" % server.port

    DXHTTPRequest(url, b"part", method="PUT", jsonify_data=False, prepend_srv=False)

    assert len(target.requests) == 1
    assert authorization(target.requests[0]) is None


def test_token_is_sent_to_the_auth_server(dx, make_server, monkeypatch):
    auth_server = make_server()
    monkeypatch.setenv("DX_AUTHSERVER_HOST", "http://127.0.0.1")
    monkeypatch.setenv("DX_AUTHSERVER_PORT", str(auth_server.port))
    assert dxpy.get_auth_server_name() == auth_server.url

    DXHTTPRequest(auth_server.url + "/system/newAuthToken", {}, prepend_srv=False)

    assert authorization(auth_server.requests[0]) == dx.auth_header


@pytest.mark.parametrize("auth", [None, False])
def test_auth_can_be_turned_off(dx, server, auth):
    DXHTTPRequest("/system/whoami", {}, auth=auth)

    assert authorization(server.requests[0]) is None


def test_explicit_auth_is_used_for_any_server(dx, make_server):
    target = make_server()
    auth = dxpy.DXHTTPOAuth2({"auth_token_type": "Bearer", "auth_token": "tok-for-elsewhere"})

    DXHTTPRequest(target.url + "/x", {}, prepend_srv=False, auth=auth)

    assert authorization(target.requests[0]) == "Bearer tok-for-elsewhere"


def test_auth_callable_prepares_every_attempt(dx, server, sleeps):
    server.push(error(500, "InternalError"), reply(json={"ok": True}))
    seen = []

    def sign(request):
        seen.append((request.method, request.url))
        request.headers["Authorization"] = "Signed %d" % len(seen)

    DXHTTPRequest("/file-xxxx/upload", {}, method="put", auth=sign)

    assert seen == [("PUT", server.url + "/file-xxxx/upload")] * 2
    assert [authorization(r) for r in server.requests] == ["Signed 1", "Signed 2"]


# -- proxies -------------------------------------------------------------------------------

@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_proxy_from_the_environment_is_used_with_its_credentials(dx, server, proxy, monkeypatch, variable):
    server.default = echo
    monkeypatch.setenv(variable, "http://alice:s3cret@127.0.0.1:%d" % proxy.port)

    result = DXHTTPRequest("/system/whoami", {"via": "proxy"})

    assert result == {"method": "POST", "path": "/system/whoami", "body": {"via": "proxy"}}
    (through,) = proxy.requests
    assert through.path == server.url + "/system/whoami"
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode("ascii")
    assert through.headers["Proxy-Authorization"] == expected
    assert authorization(server.requests[0]) == dx.auth_header

    monkeypatch.delenv(variable)  # the environment is read again for every request
    DXHTTPRequest("/system/whoami", {})

    assert len(proxy.requests) == 1
    assert len(server.requests) == 2


@pytest.mark.parametrize("environment", [
    {"HTTP_PROXY": "{proxy}", "NO_PROXY": "127.0.0.1"},
    {"http_proxy": "{proxy}", "no_proxy": "example.com,127.0.0.1"},
    {"HTTPS_PROXY": "{proxy}"},
], ids=["NO_PROXY", "no_proxy-list", "https-proxy-only"])
def test_requests_that_the_proxy_settings_exclude_go_direct(dx, server, proxy, monkeypatch, environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value.format(proxy=proxy.url))

    DXHTTPRequest("/system/whoami", {})

    assert proxy.requests == []
    assert len(server.requests) == 1


# -- where the token may go: redirects and URLs that parsers read differently ------------

def redirect_to(location, status=307):
    return reply(status, headers={"Location": location})


def _plain_api_call(target_url):
    return DXHTTPRequest("/system/whoami", {}, auth=dxpy.AUTH_HELPER)


def _upload_url_call(target_url):
    from dxpy.bindings._transfer import Transfer
    return Transfer(1).api_call("/file-xxxx/upload", {"index": 1})


@pytest.mark.parametrize("call", [_plain_api_call, _upload_url_call], ids=["api-call", "upload-url-call"])
def test_explicit_auth_is_dropped_when_a_redirect_changes_the_origin(dx, server, make_server, call):
    elsewhere = make_server()
    server.push(redirect_to(elsewhere.url + "/landing"))

    call(elsewhere.url)

    assert authorization(server.requests[0]) == dx.auth_header
    (landed,) = elsewhere.requests
    assert landed.path == "/landing"
    assert authorization(landed) is None


def test_explicit_auth_is_kept_for_a_redirect_to_the_same_origin(dx, server):
    server.push(redirect_to(server.url + "/system/whoami2"))

    DXHTTPRequest("/system/whoami", {}, auth=dxpy.AUTH_HELPER)

    assert [authorization(r) for r in server.requests] == [dx.auth_header] * 2


def _backslash_url(other, api):
    # urlsplit reads the API server's origin here; urllib3, which connects, reads *other*.
    return "http://127.0.0.1:%d\\@127.0.0.1:%d/x" % (other.port, api.port)


def _userinfo_url(other, api):
    return "http://someone:secret@127.0.0.1:%d/x" % api.port


@pytest.mark.parametrize("make_url", [_backslash_url, _userinfo_url], ids=["backslash", "userinfo"])
def test_url_with_an_ambiguous_authority_is_refused_before_any_request(dx, server, make_server, make_url):
    other = make_server()
    url = make_url(other, server)

    with pytest.raises(dxpy.exceptions.DXError, match="authority"):
        DXHTTPRequest(url, {}, prepend_srv=False)

    assert server.requests == [] and other.requests == []


@pytest.mark.parametrize("make_url", [_backslash_url, _userinfo_url], ids=["backslash", "userinfo"])
def test_redirect_to_a_url_with_an_ambiguous_authority_is_refused(dx, server, make_server, make_url):
    other = make_server()
    server.push(redirect_to(make_url(other, server)))

    with pytest.raises(dxpy.exceptions.DXError, match="authority"):
        DXHTTPRequest("/system/whoami", {})

    assert len(server.requests) == 1
    assert other.requests == []
