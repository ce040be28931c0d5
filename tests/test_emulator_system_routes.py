"""The platform's service routes over real HTTP: /system/greet (no token), /system/headers,
/system/comeBackLater (503 with Retry-After until waitUntil), and X-Content-Type-Options on
every answer."""
import socket

import pytest
import requests

import dxpy
import dxpy.http
from dxpy import exceptions
from dxpy.emulator.model import system


def post(emulator, route, body=None, token=True, **headers):
    if token:
        headers["Authorization"] = "Bearer " + emulator.token
    return requests.post(emulator.url + route, json={} if body is None else body, headers=headers, timeout=10)


def test_greet_answers_without_a_token(dx_emulator):
    for token in (False, True):
        answer = post(dx_emulator, "/system/greet", {"client": "dxclient", "version": "v0.417.1"}, token=token)
        assert answer.status_code == 200 and answer.json() == {"messages": []}
    assert dxpy.api.system_greet({"client": "dxclient"}) == {"messages": []}
    with pytest.raises(exceptions.InvalidInput, match="client"):
        dxpy.api.system_greet({"client": 5})
    assert post(dx_emulator, "/system/whoami", token=False).status_code == 401  # the others still need one


def test_headers_are_echoed(dx_emulator):
    echoed = post(dx_emulator, "/system/headers", **{"X-Probe": "one two"}).json()
    assert echoed["x-probe"] == "one two" and echoed["content-type"] == "application/json"
    assert echoed["authorization"] == "Bearer " + dx_emulator.token
    assert dxpy.api.system_headers()["user-agent"].startswith("dxpy/")


@pytest.fixture
def clock(monkeypatch):
    """The emulator's and dxpy's sense of time in one: dxpy's retry sleeps move it forward."""
    now = [system.now_ms()]
    monkeypatch.setattr(system, "now_ms", lambda: now[0])
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += int(seconds * 1000)
    monkeypatch.setattr(dxpy.http, "_sleep", sleep)
    return now, slept


def test_come_back_later_answers_503_until_wait_until(dx_emulator, clock):
    now, _ = clock
    assert post(dx_emulator, "/system/comeBackLater").json() == {"currentTime": now[0]}
    refused = post(dx_emulator, "/system/comeBackLater", {"waitUntil": now[0] + 7500})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "8"
    assert refused.json()["error"]["type"] == "ServiceUnavailable"
    silent = post(dx_emulator, "/system/comeBackLater", {"waitUntil": now[0] + 7500, "setRetryAfter": False})
    assert silent.status_code == 503 and "Retry-After" not in silent.headers
    now[0] += 7500
    assert post(dx_emulator, "/system/comeBackLater", {"waitUntil": now[0]}).json() == {"currentTime": now[0]}


def test_dxpy_waits_as_told(dx_emulator, clock):
    now, slept = clock
    server_time = dxpy.DXHTTPRequest("/system/comeBackLater", {})["currentTime"]
    answer = dxpy.DXHTTPRequest("/system/comeBackLater", {"waitUntil": server_time + 8000})
    assert slept == [8] and answer == {"currentTime": server_time + 8000}
    del slept[:]
    dxpy.DXHTTPRequest("/system/comeBackLater", {"waitUntil": now[0] + 3000, "setRetryAfter": False})
    assert slept and sum(slept) * 1000 >= 3000  # its own backoff, without a Retry-After


@pytest.mark.parametrize("body", [{"waitUntil": "soon"}, {"waitUntil": 1.5}, {"setRetryAfter": "no"}, []])
def test_come_back_later_refuses_bad_input(dx_emulator, body):
    answer = post(dx_emulator, "/system/comeBackLater", body)
    assert answer.status_code == 422 and answer.json()["error"]["type"] == "InvalidInput"


def test_every_answer_says_nosniff(dx_emulator):
    upload = dxpy.api.file_upload(dxpy.api.file_new({"project": dx_emulator.project_id})["id"], {})
    answers = [post(dx_emulator, "/system/whoami"),                       # a success
               post(dx_emulator, "/system/whoami", token=False),          # an API error
               post(dx_emulator, "/record-%s/describe" % ("0" * 24)),     # not found
               requests.put(upload["url"], data=b"x", timeout=10),        # an upload
               requests.get(upload["url"].replace("/upload/", "/download/"), timeout=10)]  # a refused download
    dx_emulator.faults.add("/system/findProjects", status=503, times=1)
    answers.append(post(dx_emulator, "/system/findProjects"))            # an injected fault
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff", (answer.request.url, answer.status_code)
    with socket.create_connection((dx_emulator.client_host, dx_emulator.port), timeout=10) as sock:
        sock.sendall(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")  # a method the server does not know
        head = sock.recv(65536).decode("latin-1")
    assert head.startswith("HTTP/1.1 501") and "X-Content-Type-Options: nosniff" in head
    full = dxpy.api.system_find_projects({"limit": 1}, want_full_response=True)
    assert full.headers["x-content-type-options"] == "nosniff"
