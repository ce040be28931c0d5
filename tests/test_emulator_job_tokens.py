"""Job tokens: what a job's DX_SECURITY_CONTEXT holds, what it may do, and when it stops working."""
import copy
import json

import pytest

import dxpy
from dxpy.bindings.dxapplet import DXApplet
from dxpy.emulator.model import tokens
from dxpy.exceptions import DXAPIError, InvalidAuthentication
from emulator_model_helpers import fails, make_platform

RUN_SPEC = {"interpreter": "python3", "code": "print('hi')"}


@pytest.fixture
def env():
    platform, alice, bob = make_platform()
    pid = alice.project()
    aid = alice("/applet/new", {"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC})["id"]
    job_id = alice("/%s/run" % aid, {"project": pid, "input": {}})["id"]
    return platform, alice, bob, pid, job_id


def running_job_token(platform, job_id):
    with platform.transaction() as state:
        state["jobs"][job_id]["state"] = "running"
        return tokens.issue(state, state["jobs"][job_id])


def test_caller_is_the_user_and_names_the_job():
    caller = tokens.Caller("user-alice", "job-1")
    assert caller == "user-alice" and hash(caller) == hash("user-alice") and caller.job_id == "job-1"
    assert tokens.calling_job(caller) == "job-1" and tokens.calling_job("user-alice") is None
    for duplicate in (copy.copy(caller), copy.deepcopy({"user": caller})["user"]):
        assert type(duplicate) is str and duplicate == "user-alice"
    assert json.dumps({"user": caller}) == '{"user": "user-alice"}'


def test_job_token_authenticates_while_the_job_runs(env):
    platform, alice, _, _, job_id = env
    token = running_job_token(platform, job_id)
    caller = platform.authenticate(token)
    assert caller == alice.user and caller.job_id == job_id
    assert platform.authenticate(alice.token) == alice.user and not hasattr(platform.authenticate(alice.token),
                                                                          "job_id")
    assert platform.authenticate("job-token-unknown") is None
    with platform.transaction() as state:
        state["jobs"][job_id]["state"] = "done"
    assert platform.authenticate(token) is None  # a finished job's token is dead
    with platform.transaction() as state:
        state["jobs"][job_id]["state"] = "running"
        tokens.revoke(state, job_id)
    assert platform.authenticate(token) is None


def test_job_new_needs_a_job_token(env):
    platform, alice, _, pid, job_id = env
    fails("PermissionDenied", 401, alice, "/job/new", {"function": "other", "input": {}})
    caller = platform.authenticate(running_job_token(platform, job_id))
    sub = platform.call(caller, "/job/new", {"function": "other", "input": {"n": 1}, "name": "side"})["id"]
    desc = alice("/%s/describe" % sub)
    assert (desc["function"], desc["parentJob"], desc["name"], desc["input"]) == ("other", job_id, "side", {"n": 1})
    parent = alice("/%s/describe" % job_id)
    assert desc["workspace"] == parent["workspace"] and desc["originJob"] == job_id and desc["project"] == pid
    for bad, word in (({"input": {}}, "function"), ({"function": "", "input": {}}, "function"),
                      ({"function": "f", "input": []}, "input"), ({"function": "f"}, "input"),
                      ({"function": "f", "input": {"x": {"$dnanexus_link": {"job": "job-nope", "field": "x"}}}},
                       "job-nope"),
                      ({"function": "f", "input": {}, "dependsOn": "job-x"}, "dependsOn")):
        error = fails("InvalidInput", 422, platform.call, caller, "/job/new", bad)
        assert word in error.message
    with platform.transaction() as state:
        state["jobs"][job_id]["state"] = "done"
    fails("InvalidState", 422, platform.call, tokens.Caller(alice.user, job_id), "/job/new",
          {"function": "f", "input": {}})


def test_job_token_over_http_dies_with_the_job(dx_emulator):
    applet = DXApplet()
    code = ("import json, os, dxpy\n\n@dxpy.entry_point('main')\ndef main():\n"
            "    project = dxpy.api.project_describe(os.environ['DX_PROJECT_CONTEXT_ID'])['id']\n"
            "    return {'token': json.loads(os.environ['DX_SECURITY_CONTEXT'])['auth_token'], 'project': project}\n")
    applet.new(name="leak", dxapi="1.0.0", runSpec={"interpreter": "python3", "code": code})
    job = applet.run({})
    job.wait_on_done(interval=0.05, timeout=30)
    output = job.describe()["output"]
    assert output["project"] == dx_emulator.project_id and output["token"] != dx_emulator.token
    with pytest.raises(InvalidAuthentication):
        dxpy.api.system_whoami(auth=dxpy.DXHTTPOAuth2({"auth_token_type": "Bearer",
                                                        "auth_token": output["token"]}), always_retry=False)
    with pytest.raises(DXAPIError, match="token of a running job"):
        dxpy.api.job_new({"function": "main", "input": {}})
