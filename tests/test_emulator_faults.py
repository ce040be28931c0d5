"""Fault injection: the rules themselves, every action over real HTTP, dxpy's retries
through them, and the ``/emulator/faults`` route."""
import http.client
import json
import time

import pytest
import requests

import dxpy
import dxpy.api
import dxpy.emulator
import dxpy.http
from dxpy import exceptions
from dxpy.emulator.faults import FaultRules
from test_emulator_server import FakePlatform


@pytest.fixture
def emu():
    with dxpy.emulator.Emulator(platform=FakePlatform(), run_jobs=False) as emulator:
        yield emulator


@pytest.fixture
def call(emu):
    """POST an API call with the emulator's token; returns the response."""
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + emu.token

    def call(route="/system/whoami", body=None, **kwargs):
        return session.post(emu.url + route, json={} if body is None else body, timeout=5, **kwargs)
    yield call
    session.close()


@pytest.fixture
def sleeps(monkeypatch):
    delays = []
    monkeypatch.setattr(dxpy.http, "_sleep", delays.append)
    return delays


def routes_called(emu):
    return [route for _, route, _ in emu.platform.calls[1:]]  # after the start-up /project/new


# -- the rules ----------------------------------------------------------------------------

def test_patterns_times_and_order():
    rules = FaultRules()
    first = rules.add("/file-*/upload", status=500, times=2)
    rules.add("/file-*", status=404)
    assert rules.match("/file-1/upload") is first
    assert rules.match("/file-1/close").status == 404
    assert rules.match("/file-1/upload") is first
    assert rules.match("/file-1/upload").status == 404  # the first rule is used up
    assert rules.match("/system/whoami") is None
    assert [rule["hits"] for rule in rules.list()] == [2, 2]
    rules.clear()
    assert rules.list() == [] and rules.match("/file-1/upload") is None


def test_defaults_and_listing():
    rule = FaultRules().add("/system/*")
    assert (rule.action, rule.status, rule.error_type, rule.times) == ("status", 503, "ServiceUnavailable", None)
    listed = FaultRules()
    listed.add("/a", action="delay", delay=0.5, times=3, seed=7, probability=0.25)
    assert listed.list() == [{"route_pattern": "/a", "action": "delay", "status": None,
                              "error_type": "InternalError", "retry_after": None, "times": 3,
                              "probability": 0.25, "seed": 7, "delay": 0.5, "hits": 0}]


@pytest.mark.parametrize("kwargs", [
    {"action": "explode"}, {"status": 99}, {"status": "503"}, {"times": -1}, {"probability": 1.5},
    {"delay": -1}, {"retry_after": -2},
])
def test_bad_rules_are_refused(kwargs):
    with pytest.raises(ValueError):
        FaultRules().add("/x", **kwargs)


def test_probability_is_reproducible_with_a_seed():
    def outcomes(seed):
        rules = FaultRules()
        rules.add("/x", probability=0.3, seed=seed)
        return [rules.match("/x") is not None for _ in range(400)]
    first = outcomes(42)
    assert first == outcomes(42)
    assert first != outcomes(43)
    assert 80 < sum(first) < 160  # about 30 %
    # Requests on other paths draw nothing: the sequence stays the same.
    rules = FaultRules()
    rules.add("/x", probability=0.3, seed=42)
    interleaved = []
    for _ in range(400):
        rules.match("/y")
        interleaved.append(rules.match("/x") is not None)
    assert interleaved == first


def test_times_with_probability_counts_hits_only():
    rules = FaultRules()
    rules.add("/x", probability=0.5, seed=1, times=3)
    assert sum(rules.match("/x") is not None for _ in range(100)) == 3


# -- the actions over HTTP ------------------------------------------------------------------

def test_status_with_retry_after(emu, call):
    emu.faults.add("/system/whoami", status=503, retry_after=2.5, times=1)
    response = call()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["type"] == "ServiceUnavailable"
    assert "X-Request-ID" in response.headers
    assert call().status_code == 200
    assert routes_called(emu) == ["/system/whoami"]  # the refused call never reached the platform


def test_status_with_chosen_error_type_and_no_retry_after(emu, call):
    emu.faults.add("/system/*", status=422, error_type="InvalidState", times=1)
    response = call()
    assert response.status_code == 422 and "Retry-After" not in response.headers
    assert response.json()["error"]["type"] == "InvalidState"


def test_drop(emu, call):
    emu.faults.add("/system/whoami", action="drop", times=1)
    with pytest.raises(requests.ConnectionError):
        call()
    assert call().json() == {"id": emu.user_id}
    assert routes_called(emu) == ["/system/whoami"]


def test_truncate(emu):
    emu.faults.add("/system/echo", action="truncate", times=1)
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.request("POST", "/system/echo", body=json.dumps({"pad": "x" * 100}),
                     headers={"Authorization": "Bearer " + emu.token})
        response = conn.getresponse()
        assert response.status == 200
        declared = int(response.getheader("Content-Length"))
        with pytest.raises(http.client.IncompleteRead) as info:
            response.read()
        assert 0 < len(info.value.partial) < declared
    finally:
        conn.close()
    assert routes_called(emu) == ["/system/echo"]  # the call was made; only its answer was lost


def test_truncate_download(emu):
    emu.platform.store_part("file-t", 1, b"0123456789" * 100, None)
    emu.faults.add("/download/*", action="truncate", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(emu.url + "/download/file-t/x", timeout=5)
    assert len(requests.get(emu.url + "/download/file-t/x", timeout=5).content) == 1000


def test_garbage(emu, call):
    emu.faults.add("/system/whoami", action="garbage", times=1)
    response = call()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()
    assert call().json() == {"id": emu.user_id}


def test_delay(emu, call):
    emu.faults.add("/system/whoami", action="delay", delay=0.2, times=1)
    started = time.time()
    assert call().json() == {"id": emu.user_id}
    assert time.time() - started >= 0.2
    started = time.time()
    call()
    assert time.time() - started < 0.2


def test_upload_fault(emu):
    emu.faults.add("/upload/*", status=500, times=1)
    first = requests.put(emu.url + "/upload/file-u/1", data=b"abc", timeout=5)
    assert first.status_code == 500 and first.json()["error"]["type"] == "InternalError"
    assert requests.put(emu.url + "/upload/file-u/1", data=b"abc", timeout=5).status_code == 200
    assert emu.platform.read_file("file-u") == b"abc"


def test_probability_over_http(emu, call):
    emu.faults.add("/system/whoami", status=500, probability=0.5, seed=3)
    statuses = [call().status_code for _ in range(40)]
    expected = FaultRules()
    expected.add("/system/whoami", status=500, probability=0.5, seed=3)
    assert statuses == [500 if expected.match("/system/whoami") else 200 for _ in range(40)]
    assert 500 in statuses and 200 in statuses


# -- dxpy's client through the faults -------------------------------------------------------

def test_dxpy_retries_through_503_with_retry_after(sleeps):
    with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False) as emu:
        emu.faults.add("/system/whoami", status=503, retry_after=7, times=2)
        assert dxpy.api.system_whoami() == {"id": emu.user_id}
    assert sleeps == [7, 7]


def test_dxpy_retries_a_post_through_a_dropped_connection(sleeps):
    with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False) as emu:
        emu.faults.add("/system/echo", action="drop", times=1)
        assert dxpy.DXHTTPRequest("/system/echo", {"n": 1}, always_retry=False)["input"] == {"n": 1}
    assert len(sleeps) == 1
    assert routes_called(emu).count("/system/echo") == 1


@pytest.mark.parametrize("action", ["truncate", "garbage"])
def test_dxpy_retries_a_lost_answer_only_when_safe(sleeps, action):
    with dxpy.emulator.running(platform=FakePlatform(), run_jobs=False) as emu:
        emu.faults.add("/system/whoami", action=action, times=1)
        assert dxpy.api.system_whoami() == {"id": emu.user_id}  # always_retry: repeated
        emu.faults.add("/system/echo", action=action, times=1)
        with pytest.raises((exceptions.ContentLengthError, exceptions.BadJSONInReply,
                            requests.exceptions.ChunkedEncodingError)):
            dxpy.DXHTTPRequest("/system/echo", {}, always_retry=False)
    assert len(sleeps) == 1


# -- the HTTP route -------------------------------------------------------------------------

def test_faults_route_adds_lists_and_clears(emu, call):
    answer = call("/emulator/faults", {"add": {"route_pattern": "/system/whoami", "status": 503,
                                               "retry_after": 1, "times": 1}})
    assert answer.status_code == 200
    assert [(r["route_pattern"], r["status"], r["hits"]) for r in answer.json()["rules"]] == [
        ("/system/whoami", 503, 0)]
    assert call().status_code == 503
    assert call().status_code == 200
    answer = call("/emulator/faults", {"add": [{"route_pattern": "/a", "action": "drop"},
                                               {"route_pattern": "/b", "action": "garbage"}]})
    assert [r["route_pattern"] for r in answer.json()["rules"]] == ["/system/whoami", "/a", "/b"]
    assert call("/emulator/faults", {}).json()["rules"] == answer.json()["rules"]
    assert call("/emulator/faults", {"clear": True}).json() == {"rules": []}
    assert emu.faults.list() == []


def test_faults_route_clear_then_add(emu, call):
    emu.faults.add("/x")
    rules = call("/emulator/faults", {"clear": True, "add": {"route_pattern": "/y"}}).json()["rules"]
    assert [r["route_pattern"] for r in rules] == ["/y"]


def test_faults_route_is_not_subject_to_faults(emu, call):
    emu.faults.add("*", action="drop")
    assert call("/emulator/faults", {"clear": True}).status_code == 200
    assert call().status_code == 200


@pytest.mark.parametrize("rule", [{"route_pattern": "/x", "action": "explode"}, {"pattern": "/x"}, ["/x"]])
def test_faults_route_refuses_bad_rules(emu, call, rule):
    response = call("/emulator/faults", {"add": [{"route_pattern": "/fine"}, rule]})
    assert response.status_code == 422 and response.json()["error"]["type"] == "InvalidInput"
    assert emu.faults.list() == []


def change_faults(emulator, token, change):
    headers = {"Authorization": "Bearer " + token} if token is not None else {}
    return requests.post(emulator.url + "/emulator/faults", json=change, headers=headers, timeout=5)


def test_faults_route_needs_the_token(emu):
    response = requests.post(emu.url + "/emulator/faults", json={"add": {"route_pattern": "*"}}, timeout=5)
    assert response.status_code == 401
    assert emu.faults.list() == []


def test_only_the_administrator_changes_faults(emu):
    emu.faults.add("/kept")
    _, other_token = emu.add_user("mallory")
    for token in (other_token, "not-a-token", emu.token + "x"):
        response = change_faults(emu, token, {"clear": True, "add": {"route_pattern": "*", "action": "drop"}})
        assert response.status_code == 401 and response.json()["error"]["type"] == "PermissionDenied", token
    assert [rule["route_pattern"] for rule in emu.faults.list()] == ["/kept"]
    assert change_faults(emu, emu.token, {"clear": True}).json() == {"rules": []}


def test_an_explicit_admin_token_is_the_only_one():
    with dxpy.emulator.Emulator(platform=FakePlatform(), admin_token="the boss", run_jobs=False) as emu:
        refused = change_faults(emu, emu.token, {"add": {"route_pattern": "/x"}})
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "PermissionDenied"
        assert emu.faults.list() == []
        assert [r["route_pattern"] for r in change_faults(emu, "the boss", {"add": {"route_pattern": "/x"}})
                .json()["rules"]] == ["/x"]


def test_a_job_token_does_not_change_faults(dx_emulator):
    from dxpy.emulator.model import tokens
    applet = dxpy.api.applet_new({"project": dx_emulator.project_id, "name": "a", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "python3", "code": "print(1)"}})["id"]
    dx_emulator.stop_jobs()  # the job stays idle: its token is issued here
    job_id = dxpy.api.applet_run(applet, {"project": dx_emulator.project_id, "input": {}})["id"]
    platform = dx_emulator.platform
    with platform.transaction() as state:
        job = state["jobs"][job_id]
        job["state"] = "running"
        job_token = tokens.issue(state, job)
    assert platform.authenticate(job_token) == dx_emulator.user_id  # a live token of the administrator's job
    response = change_faults(dx_emulator, job_token, {"add": {"route_pattern": "*", "action": "drop"}})
    assert response.status_code == 401 and response.json()["error"]["type"] == "PermissionDenied"
    assert dx_emulator.faults.list() == []
