"""The emulator's HTTP layer over real loopback HTTP: routing, authentication, JSON, errors,
uploads and ranged downloads, ``running()`` and ``python -m dxpy.emulator``.

The platform behind the server is FakePlatform below, so that these tests exercise the HTTP
layer alone; the tests marked ``real model`` use ``dxpy.emulator.model`` when it is present.
"""
import contextlib
import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

import dxpy
import dxpy.api
import dxpy.emulator
from dxpy import exceptions
from dxpy.emulator import errors
from dxpy.emulator.server import EmulatorServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class FakePlatform(object):
    """The platform interface the server uses, with just enough behind it for these tests."""

    def __init__(self, data_dir=None):
        self.tokens = {}
        self.calls = []
        self.parts = {}
        self.lock = threading.Lock()

    def add_user(self, username="user-emulator", token=None):
        token = token or uuid.uuid4().hex
        self.tokens[token] = username
        return username, token

    def authenticate(self, token):
        return self.tokens.get(token)

    def call(self, user_id, route, payload, base_url="", headers=None, client_ip=None):
        with self.lock:
            self.calls.append((user_id, route, payload))
        if route == "/system/whoami":
            return {"id": user_id}
        if route == "/system/echo":
            return {"input": payload, "base_url": base_url}
        if route == "/project/new":
            return {"id": "project-%024d" % len(self.calls)}
        if route == "/system/crash":
            raise RuntimeError("the model broke")
        if route == "/system/badError":
            raise errors.InvalidInput("details that are not JSON", {"x": object()})
        raise errors.ResourceNotFound("The route %s does not exist" % route, {"route": route})

    def store_part(self, file_id, index, data, content_md5):
        if content_md5 is not None and content_md5 != hashlib.md5(data).hexdigest():
            raise errors.InvalidInput("Content-MD5 does not match the data")
        with self.lock:
            self.parts.setdefault(file_id, {})[index] = bytes(data)

    def read_file(self, file_id):
        if file_id not in self.parts:
            raise errors.ResourceNotFound("File %s does not exist" % file_id)
        parts = self.parts[file_id]
        return b"".join(parts[i] for i in sorted(parts))

    def receive_part(self, file_id, index, data, content_md5, query=None):
        self.store_part(file_id, index, data, content_md5)  # signs no URLs: nothing to check

    def file_chunks(self, file_id, first=0, last=None, query=None):
        data = memoryview(self.read_file(file_id))
        return len(data), [data[first:len(data) if last is None else last + 1]]

    def default_identity(self, token=None):
        user_id, token = self.add_user(token=token)
        return user_id, token, self.call(user_id, "/project/new", {})["id"]


@pytest.fixture
def emu():
    with dxpy.emulator.Emulator(platform=FakePlatform(), run_jobs=False) as emulator:
        yield emulator


@pytest.fixture
def session(emu):
    with requests.Session() as s:
        s.headers["Authorization"] = "Bearer " + emu.token
        yield s


def post(session, emu, route, body=b"{}", **kwargs):
    return session.post(emu.url + route, data=body, **kwargs)


# -- API calls --------------------------------------------------------------------------

def test_call_answers_json_with_request_id(emu, session):
    first = post(session, emu, "/system/whoami", headers={"Content-Type": "application/json"})
    second = post(session, emu, "/system/whoami")
    assert first.status_code == 200 and first.json() == {"id": emu.user_id}
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["X-Request-ID"] and second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_payload_base_url_and_query_string(emu, session):
    answer = post(session, emu, "/system/echo?ignored=1", json.dumps({"a": [1, "é"]}).encode("utf-8"),
                  headers={"Content-Type": "application/json; charset=utf-8"}).json()
    assert answer == {"input": {"a": [1, "é"]}, "base_url": emu.url}


def test_empty_body_is_an_empty_object(emu, session):
    assert post(session, emu, "/system/echo", b"").json()["input"] == {}
    assert session.post(emu.url + "/system/echo").json()["input"] == {}


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_bad_or_missing_token_is_invalid_authentication(emu, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = requests.post(emu.url + "/system/whoami", data=b"{}", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "InvalidAuthentication"
    assert "X-Request-ID" in response.headers
    assert emu.platform.calls[1:] == []  # only the project made at start-up reached the model


@pytest.mark.parametrize("body, content_type", [
    (b"{not json", None),
    (b"\xff\xfe", "application/json"),
    (b"{}", "text/plain"),
    (b"{}", "application/x-www-form-urlencoded"),
])
def test_malformed_json(emu, session, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = post(session, emu, "/system/whoami", body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "MalformedJSON"


def test_input_must_be_an_object_except_where_it_is_user_data(session):
    with dxpy.emulator.Emulator() as emu:
        session.headers["Authorization"] = "Bearer " + emu.token
        response = post(session, emu, "/system/whoami", b"[1, 2]")
        assert response.status_code == 422 and response.json()["error"]["type"] == "InvalidInput"
        record = post(session, emu, "/record/new", json.dumps({"project": emu.project_id}).encode()).json()
        assert post(session, emu, "/%s/setDetails" % record["id"], b"[1, 2]").status_code == 200
        assert post(session, emu, "/%s/getDetails" % record["id"]).json() == [1, 2]


def test_platform_errors_pass_through(emu, session):
    response = post(session, emu, "/nosuchclass/nosuchmethod")
    assert response.status_code == 404
    assert response.json() == {"error": {"type": "ResourceNotFound",
                                         "message": "The route /nosuchclass/nosuchmethod does not exist",
                                         "details": {"route": "/nosuchclass/nosuchmethod"}}}


def test_handler_exception_is_internal_error_and_server_keeps_serving(emu, session, capsys):
    response = post(session, emu, "/system/crash")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["type"] == "InternalError" and "the model broke" in error["message"]
    assert "RuntimeError: the model broke" in capsys.readouterr().err  # the traceback is shown
    assert post(session, emu, "/system/badError").json()["error"]["type"] == "InternalError"
    assert post(session, emu, "/system/whoami").json() == {"id": emu.user_id}


def test_keep_alive_serves_many_requests_on_one_connection(emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        for _ in range(3):
            conn.request("POST", "/system/whoami", body=b"{}", headers={"Authorization": "Bearer " + emu.token})
            response = conn.getresponse()
            assert response.status == 200 and json.loads(response.read()) == {"id": emu.user_id}
            assert response.version == 11 and not response.will_close
        local_port = conn.sock.getsockname()[1]
        conn.request("POST", "/system/whoami", body=b"{}", headers={"Authorization": "Bearer " + emu.token})
        conn.getresponse().read()
        assert conn.sock.getsockname()[1] == local_port  # still the same connection
    finally:
        conn.close()


def test_keep_alive_answers_do_not_stall(emu, session):
    # A response split over several writes without TCP_NODELAY waits ~40 ms for the
    # client's delayed ACK: 50 calls would take about 2 s.
    post(session, emu, "/system/whoami")
    started = time.time()
    for _ in range(50):
        assert post(session, emu, "/system/whoami").status_code == 200
    assert time.time() - started < 1.0


def test_unsupported_method_is_json_and_server_keeps_serving(emu, session):
    response = session.delete(emu.url + "/system/whoami")
    assert response.status_code == 501
    assert response.json()["error"]["message"]
    assert "X-Request-ID" in response.headers
    assert post(session, emu, "/system/whoami").status_code == 200


def test_bad_content_length_is_rejected_and_connection_closed(emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.putrequest("POST", "/system/whoami")
        conn.putheader("Content-Length", "-3")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 400 and response.will_close
        assert "error" in json.loads(response.read())
    finally:
        conn.close()


# -- uploads and downloads ----------------------------------------------------------------

def upload(emu, file_id, index, data, md5=True):
    headers = {"Content-MD5": hashlib.md5(data).hexdigest()} if md5 else {}
    return requests.put("%s/upload/%s/%d" % (emu.url, file_id, index), data=data, headers=headers)


def test_upload_then_download_without_a_token(emu):
    assert upload(emu, "file-a", 2, b"world").status_code == 200
    assert upload(emu, "file-a", 1, b"hello ", md5=False).status_code == 200
    response = requests.get(emu.url + "/download/file-a/greeting.txt")
    assert response.status_code == 200 and response.content == b"hello world"
    assert response.headers["Content-Length"] == "11"
    assert response.headers["Accept-Ranges"] == "bytes" and "X-Request-ID" in response.headers


def test_upload_errors_come_from_the_platform_and_the_url(emu):
    bad_md5 = requests.put(emu.url + "/upload/file-a/1", data=b"x", headers={"Content-MD5": "0" * 32})
    assert bad_md5.status_code == 422 and bad_md5.json()["error"]["type"] == "InvalidInput"
    assert requests.put(emu.url + "/upload/file-a/one", data=b"x").status_code == 404
    assert requests.put(emu.url + "/file-a/upload", data=b"x").status_code == 404
    missing = requests.get(emu.url + "/download/file-nope/x")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "ResourceNotFound"


def test_chunked_upload(emu):
    response = requests.put(emu.url + "/upload/file-c/1", data=iter([b"ab", b"", b"cde" * 1000]))
    assert response.status_code == 200
    assert requests.get(emu.url + "/download/file-c/x").content == b"ab" + b"cde" * 1000


@pytest.mark.parametrize("header, status, expected, content_range", [
    ("bytes=2-5", 206, b"2345", "bytes 2-5/10"),
    ("bytes=7-", 206, b"789", "bytes 7-9/10"),
    ("bytes=8-100", 206, b"89", "bytes 8-9/10"),
    ("bytes=-3", 206, b"789", "bytes 7-9/10"),
    ("bytes=-30", 206, b"0123456789", "bytes 0-9/10"),
    ("bytes=10-12", 416, None, "bytes */10"),
    ("bytes=-0", 416, None, "bytes */10"),
    ("bytes=5-2", 200, b"0123456789", None),      # invalid: ignored
    ("bytes=0-1,4-5", 200, b"0123456789", None),  # several ranges: the whole file
])
def test_download_ranges(emu, header, status, expected, content_range):
    upload(emu, "file-r", 1, b"0123456789")
    response = requests.get(emu.url + "/download/file-r/x", headers={"Range": header})
    assert response.status_code == status
    assert response.headers.get("Content-Range") == content_range
    if expected is not None:
        assert response.content == expected
        assert response.headers["Content-Length"] == str(len(expected))
    else:
        assert response.json()["error"]["type"]


def test_large_part_round_trip_and_range(emu):
    data = os.urandom(1024) * (9 * 1024 + 7)  # > one write block, not a multiple of it
    assert upload(emu, "file-big", 1, data).status_code == 200
    with requests.Session() as s:
        assert s.get(emu.url + "/download/file-big/x").content == data
        response = s.get(emu.url + "/download/file-big/x", headers={"Range": "bytes=100-8400000"})
    assert response.status_code == 206 and response.content == data[100:8400001]


# -- dxpy against the emulator ------------------------------------------------------------

def test_dxpy_calls_through_running():
    with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False) as emu:
        assert dxpy.api.system_whoami() == {"id": emu.user_id}
        assert dxpy.DXHTTPRequest("/system/echo", {"x": 1})["input"] == {"x": 1}
        with pytest.raises(exceptions.ResourceNotFound):
            dxpy.DXHTTPRequest("/nosuch/route", {}, always_retry=False)
        with pytest.raises(exceptions.InvalidAuthentication):
            dxpy.DXHTTPRequest("/system/whoami", {}, auth=lambda r: r)  # no token sent


DXPY_SETTINGS = ("APISERVER", "APISERVER_HOST", "APISERVER_PORT", "APISERVER_PROTOCOL", "SECURITY_CONTEXT",
                 "AUTH_HELPER", "PROJECT_CONTEXT_ID", "WORKSPACE_ID", "_apiserver_url_has_port")


def test_running_points_dxpy_and_environment_and_restores_them(monkeypatch):
    monkeypatch.setenv("DX_APISERVER_HOST", "before.example.com")
    monkeypatch.delenv("DX_SECURITY_CONTEXT", raising=False)
    monkeypatch.setenv("DX_PROJECT_CONTEXT_ID", "project-before")
    for name in DXPY_SETTINGS:
        monkeypatch.setattr(dxpy, name, getattr(dxpy, name))  # undone after the test
    dxpy.set_api_server_info(host="before.example.com", port="1234", protocol="https")
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": "before"})
    dxpy.set_project_context("project-before")
    dxpy.set_workspace_id("container-before")
    monkeypatch.setattr(dxpy, "_config_problems", {"DX_SOMETHING": "a problem found before"})
    before = {name: getattr(dxpy, name) for name in DXPY_SETTINGS}
    environ_before = dict(os.environ)

    with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False) as emu:
        assert dxpy.APISERVER == emu.url and emu.url.startswith("http://127.0.0.1:")
        assert dxpy.SECURITY_CONTEXT == {"auth_token_type": "Bearer", "auth_token": emu.token}
        assert dxpy.PROJECT_CONTEXT_ID == dxpy.WORKSPACE_ID == emu.project_id
        assert os.environ["DX_APISERVER_PORT"] == str(emu.port)
        assert json.loads(os.environ["DX_SECURITY_CONTEXT"])["auth_token"] == emu.token
        assert os.environ["DX_PROJECT_CONTEXT_ID"] == emu.project_id
        url = emu.url

    assert {name: getattr(dxpy, name) for name in DXPY_SETTINGS} == before
    assert dxpy._config_problems == {"DX_SOMETHING": "a problem found before"}
    assert dict(os.environ) == environ_before
    with pytest.raises(requests.ConnectionError):  # the emulator is gone
        requests.post(url + "/system/whoami", timeout=2)


def test_running_restores_even_when_the_body_raises():
    before = dxpy.APISERVER
    with pytest.raises(KeyError):
        with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False):
            raise KeyError("boom")
    assert dxpy.APISERVER == before


def test_stop_closes_idle_keep_alive_connections(emu):
    with requests.Session() as s:
        s.post(emu.url + "/system/whoami", headers={"Authorization": "Bearer " + emu.token})
        thread_count = threading.active_count()
        emu.stop()
    for thread in threading.enumerate():
        if thread.name.startswith("Thread-") and thread.daemon:
            thread.join(2)
    assert threading.active_count() < thread_count


def test_server_can_be_built_directly():
    server = EmulatorServer(("127.0.0.1", 0), FakePlatform())
    try:
        assert server.server_address[1] > 0 and server.faults.list() == []
    finally:
        server.server_close()


def test_importing_dxpy_does_not_load_the_emulator():
    code = "import sys, dxpy; print('dxpy.emulator' in sys.modules, 'http.server' in sys.modules)"
    output = subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    assert output.split() == [b"False", b"False"]


# -- python -m dxpy.emulator --------------------------------------------------------------

# Runs the command-line entry point with FakePlatform standing in for the model.
_WITH_FAKE_MODEL = """
import runpy, sys, types
sys.path.insert(0, %r)
import test_emulator_server
sys.modules["dxpy.emulator.model"] = types.SimpleNamespace(Platform=test_emulator_server.FakePlatform)
sys.argv[0] = "dxpy.emulator"
runpy.run_module("dxpy.emulator", run_name="__main__")
""" % HERE


@contextlib.contextmanager
def emulator_process(*arguments, **options):
    """``python ARGUMENTS`` run from the source tree, its stdout piped (*options*: more of Popen's);
    killed if it still runs when the test ends, and its pipes closed."""
    process = subprocess.Popen([sys.executable] + list(arguments), cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                               stdout=subprocess.PIPE, **options)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def parse_exports(line):
    """The variables of an ``export`` line, as a POSIX shell would set them."""
    assert line.startswith("export ")
    script = line + '\nfor v in DX_APISERVER_PROTOCOL DX_APISERVER_HOST DX_APISERVER_PORT ' \
                    'DX_SECURITY_CONTEXT DX_PROJECT_CONTEXT_ID; do printf "%s=%s\\0" "$v" "$(printenv $v)"; done'
    output = subprocess.check_output(["sh", "-c", script])
    return dict(item.split("=", 1) for item in output.decode().split("\0") if item)


@pytest.mark.parametrize("model", ["fake", "real"])
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_command_line_server(model, stop_signal):
    prefix = ["-c", _WITH_FAKE_MODEL, "--no-run-jobs"] if model == "fake" else ["-m", "dxpy.emulator"]
    with emulator_process(*(prefix + ["--token", "it's a token", "--admin-token", "boss"])) as process:
        env = parse_exports(process.stdout.readline().decode())
        context = json.loads(env["DX_SECURITY_CONTEXT"])
        assert context == {"auth_token_type": "Bearer", "auth_token": "it's a token"}
        assert env["DX_APISERVER_PROTOCOL"] == "http" and env["DX_PROJECT_CONTEXT_ID"].startswith("project-")
        url = "http://%s:%s" % (env["DX_APISERVER_HOST"], env["DX_APISERVER_PORT"])
        response = requests.post(url + "/system/whoami", json={},
                                 headers={"Authorization": "Bearer " + context["auth_token"]})
        assert response.status_code == 200 and response.json()["id"]
        for token, status in ((context["auth_token"], 401), ("boss", 200)):  # only the admin token changes faults
            assert requests.post(url + "/emulator/faults", json={}, headers={"Authorization": "Bearer " + token},
                                 timeout=10).status_code == status
        process.send_signal(stop_signal)
        assert process.wait(10) == 0


# -- the real model, when present ----------------------------------------------------------

def test_running_with_the_real_model():
    with dxpy.emulator.running() as emu:
        assert dxpy.api.system_whoami()["id"] == emu.user_id
        assert dxpy.api.project_describe(emu.project_id)["name"] == "emulator project"


from dxpy.emulator.pytest_plugin import dx_emulator  # noqa: E402,F401  (the plugin's fixture)


def test_pytest_fixture(dx_emulator):  # noqa: F811
    assert dxpy.APISERVER == dx_emulator.url
    assert dxpy.api.system_whoami()["id"] == dx_emulator.user_id
