"""dxpy.emulator.model: running executables; jobs and analyses (model level and through HTTP)."""
import pytest

import dxpy
from dxpy.emulator.model import jobs as jobs_model
from emulator_model_helpers import fails, make_platform

# These tests check the API bookkeeping of runs: the emulator leaves every job idle.
pytestmark = pytest.mark.dx_emulator(run_jobs=False)

RUN_SPEC = {"interpreter": "python3", "code": "print('hi')",
            "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x2"}}}
IN_SPEC = [{"name": "n", "class": "int"}, {"name": "s", "class": "string", "default": "x"},
           {"name": "f", "class": "file", "optional": True},
           {"name": "mode", "class": "string", "choices": ["fast", "slow"], "optional": True},
           {"name": "many", "class": "array:int", "optional": True}]
OUT_SPEC = [{"name": "out", "class": "int"}]


@pytest.fixture
def env():
    platform, api, other = make_platform()
    pid = api.project()
    aid = api("/applet/new", {"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                              "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    return platform, api, other, pid, aid


def run(api, aid, pid, given, **fields):
    body = {"project": pid, "input": given}
    body.update(fields)
    return api("/%s/run" % aid, body)["id"]


def test_applet_run_creates_an_idle_job(env):
    _, api, _, pid, aid = env
    jid = run(api, aid, pid, {"n": 3}, name="my job", folder="/results", tags=["t"], properties={"k": "v"},
              details={"d": 1}, priority="high")
    desc = api("/%s/describe" % jid)
    assert (desc["class"], desc["state"], desc["function"], desc["name"]) == ("job", "idle", "main", "my job")
    assert desc["input"] == {"n": 3, "s": "x"} and desc["runInput"] == {"n": 3} and desc["output"] is None
    assert (desc["project"], desc["folder"], desc["priority"]) == (pid, "/results", "high")
    assert desc["executable"] == aid and desc["applet"] == aid and desc["executableName"] == "tool"
    assert desc["rootExecution"] == jid and desc["originJob"] == jid and desc["parentJob"] is None
    assert desc["launchedBy"] == "user-alice" and desc["instanceType"] == "mem1_ssd1_x2"
    assert desc["tags"] == ["t"] and desc["workspace"].startswith("container-")
    assert desc["properties"] == {"k": "v"} and desc["details"] == {"d": 1}  # executions: by default
    assert "input" not in api("/%s/describe" % jid, {"io": False})
    assert api("/%s/describe" % jid, {"fields": {"state": True}}) == {"id": jid, "state": "idle"}
    default_name = run(api, aid, pid, {"n": 1}, systemRequirements={"main": {"instanceType": "mem3_ssd1_x8"}})
    desc = api("/%s/describe" % default_name)
    assert desc["name"] == "tool" and desc["instanceType"] == "mem3_ssd1_x8" and desc["folder"] == "/"


@pytest.mark.parametrize("given, word", [
    ({}, '"n"'), ({"n": "3"}, '"n"'), ({"n": 1, "extra": 1}, '"extra"'), ({"n": True}, '"n"'),
    ({"n": 1, "mode": "medium"}, '"mode"'), ({"n": 1, "many": [1, "2"]}, '"many"'),
    ({"n": 1, "f": "file-xxxx"}, '"f"'), ({"n": 1, "f": {"$dnanexus_link": "record-" + "B" * 24}}, '"f"'),
])
def test_run_input_checked_against_spec(env, given, word):
    _, api, _, pid, aid = env
    error = fails("InvalidInput", 422, api, "/%s/run" % aid, {"project": pid, "input": given})
    assert word in error.message
    assert api("/system/findJobs")["results"] == []


def test_run_links_and_options_checked(env):
    _, api, other, pid, aid = env
    rid = api.record(pid)
    missing = "file-" + "B" * 24
    fails("ResourceNotFound", 404, api, "/%s/run" % aid, {"project": pid, "input": {"n": 1, "f": {
        "$dnanexus_link": missing}}})
    api("/%s/close" % rid)
    assert run(api, aid, pid, {"n": 1, "mode": "fast"}, details={"link": {"$dnanexus_link": rid}})
    for body in ({"input": {"n": 1}}, {"project": pid}, {"project": pid, "input": []},
                 {"project": "nope", "input": {"n": 1}}, {"project": pid, "input": {"n": 1}, "priority": "urgent"},
                 {"project": pid, "input": {"n": 1}, "dependsOn": ["nothing"]},
                 {"project": pid, "input": {"n": 1}, "tags": "t"}, {"project": pid, "input": {"n": 1}, "folder": "x"},
                 {"project": pid, "input": {"n": 1}, "nonce": ""}):
        fails("InvalidInput", 422, api, "/%s/run" % aid, body)
    fails("ResourceNotFound", 404, api, "/%s/run" % aid,
          {"project": pid, "input": {"n": 1}, "dependsOn": ["job-" + "B" * 24]})
    fails("PermissionDenied", 401, other, "/%s/run" % aid, {"project": pid, "input": {"n": 1}})
    fails("PermissionDenied", 401, api, "/%s/run" % aid, {"project": other.project(), "input": {"n": 1}})
    api("/%s/invite" % pid, {"invitee": "user-bob", "level": "VIEW"})
    fails("PermissionDenied", 401, other, "/%s/run" % aid, {"project": pid, "input": {"n": 1}})
    assert len(api("/system/findJobs")["results"]) == 1


def test_run_with_dependencies_and_job_references(env):
    _, api, _, pid, aid = env
    rid = api.record(pid, close=True)
    first = run(api, aid, pid, {"n": 1})
    second = run(api, aid, pid, {"n": {"$dnanexus_link": {"job": first, "field": "out"}}}, dependsOn=[first, rid])
    desc = api("/%s/describe" % second)
    assert desc["state"] == "waiting_on_input" and desc["dependsOn"] == [first, rid]
    fails("InvalidInput", 422, api, "/%s/run" % aid,
          {"project": pid, "input": {"n": {"$dnanexus_link": {"job": "job-" + "B" * 24, "field": "out"}}}})


def test_nonce_makes_run_idempotent(env):
    _, api, _, pid, aid = env
    body = {"project": pid, "input": {"n": 1}, "nonce": "abc"}
    first = api("/%s/run" % aid, body)
    assert api("/%s/run" % aid, dict(body)) == first
    assert len(api("/system/findJobs")["results"]) == 1
    fails("InvalidInput", 422, api, "/%s/run" % aid, dict(body, input={"n": 2}))


def test_runnable_hook_sees_new_jobs(env, monkeypatch):
    platform, api, _, pid, aid = env
    seen = []
    monkeypatch.setattr(jobs_model, "RUNNABLE_HOOKS", [lambda plat, job_id: seen.append((plat, job_id))])
    jid = run(api, aid, pid, {"n": 1})
    run(api, aid, pid, {"n": {"$dnanexus_link": {"job": jid, "field": "out"}}})
    assert seen == [(platform, jid)]


def test_job_tags_properties_update_and_terminate(env):
    _, api, other, pid, aid = env
    jid = run(api, aid, pid, {"n": 1})
    api("/%s/addTags" % jid, {"tags": ["a", "b"]})
    api("/%s/removeTags" % jid, {"tags": ["a"]})
    api("/%s/setProperties" % jid, {"properties": {"x": "1", "y": "2"}})
    api("/%s/setProperties" % jid, {"properties": {"x": None}})
    api("/%s/update" % jid, {"allowSSH": ["1.2.3.4"], "rank": 5})
    desc = api("/%s/describe" % jid, {"properties": True})
    assert desc["tags"] == ["b"] and desc["properties"] == {"y": "2"} and desc["allowSSH"] == ["1.2.3.4"]
    fails("PermissionDenied", 401, other, "/%s/describe" % jid)
    fails("PermissionDenied", 401, other, "/%s/terminate" % jid)
    for method, body in [("addTags", {}), ("addTags", {"tags": "a"}), ("setProperties", {"properties": {"a": 1}}),
                         ("update", {"allowSSH": "all"}), ("describe", {"io": "no"})]:
        fails("InvalidInput", 422, api, "/%s/%s" % (jid, method), body)
    assert api("/%s/terminate" % jid) == {"id": jid}
    desc = api("/%s/describe" % jid)
    assert desc["state"] == "terminated" and desc["failureReason"] == "Terminated"
    assert api("/%s/terminate" % jid) == {"id": jid}  # again: nothing left to do
    fails("InvalidState", 422, api, "/%s/update" % jid, {"rank": 1})
    fails("ResourceNotFound", 404, api, "/job-%s/describe" % ("B" * 24))
    fails("ResourceNotFound", 404, api, "/analysis-%s/describe" % ("B" * 24))


def test_done_job_cannot_be_terminated(env):
    platform, api, _, pid, aid = env
    jid = run(api, aid, pid, {"n": 1})
    with platform.transaction() as state:
        state["jobs"][jid]["state"] = "done"
    fails("InvalidState", 422, api, "/%s/terminate" % jid)


# Workflows and analyses

def make_workflow(api, pid, aid):
    return api("/workflow/new", {"project": pid, "name": "flow", "stages": [
        {"id": "first", "executable": aid, "name": "one", "input": {"n": 1}},
        {"id": "second", "executable": aid, "folder": "sub",
         "input": {"n": {"$dnanexus_link": {"stage": "first", "outputField": "out"}},
                   "s": {"$dnanexus_link": {"stage": "first", "inputField": "s"}}}}]})["id"]


def test_workflow_run_creates_an_analysis(env):
    _, api, _, pid, aid = env
    wid = make_workflow(api, pid, aid)
    answer = api("/%s/run" % wid, {"project": pid, "folder": "/out", "input": {"first.s": "hello"},
                                   "stageFolders": {"first": "/elsewhere"}, "tags": ["run"]})
    analysis_id = answer["id"]
    first_job, second_job = answer["stages"]
    desc = api("/%s/describe" % analysis_id)
    assert (desc["class"], desc["state"], desc["executable"], desc["name"]) == ("analysis", "in_progress", wid, "flow")
    assert desc["workflow"]["id"] == wid and [s["id"] for s in desc["workflow"]["stages"]] == ["first", "second"]
    assert [s["execution"]["id"] for s in desc["stages"]] == [first_job, second_job]
    assert desc["stages"][0]["execution"]["state"] == "idle" and desc["tags"] == ["run"]
    assert desc["input"]["first.s"] == "hello" and desc["runInput"] == {"first.s": "hello"}
    one = api("/%s/describe" % first_job)
    assert (one["name"], one["folder"], one["stage"], one["parentAnalysis"]) == ("one", "/elsewhere", "first",
                                                                               analysis_id)
    assert one["input"] == {"n": 1, "s": "hello"} and one["rootExecution"] == analysis_id
    two = api("/%s/describe" % second_job)
    assert two["state"] == "waiting_on_input" and two["folder"] == "/out/sub"
    assert two["input"] == {"n": {"$dnanexus_link": {"job": first_job, "field": "out"}}, "s": "hello"}
    assert [r["id"] for r in api("/system/findAnalyses")["results"]] == [analysis_id]
    assert len(api("/system/findExecutions", {"class": "job"})["results"]) == 2
    assert [r["id"] for r in api("/system/findJobs", {"parentAnalysis": analysis_id, "originJob": first_job})[
        "results"]] == [first_job]


def test_workflow_run_bad_input(env):
    _, api, _, pid, aid = env
    wid = make_workflow(api, pid, aid)
    for given in ({"nostage.n": 1}, {"n": 1}, {"first.n": "x"}, {"first.nope": 1}):
        fails("InvalidInput", 422, api, "/%s/run" % wid, {"project": pid, "input": given})
    fails("InvalidInput", 422, api, "/%s/run" % wid, {"project": pid, "input": {}, "stageFolders": {"zz": "/"}})
    fails("InvalidInput", 422, api, "/%s/run" % wid, {"project": pid, "input": {}, "ignoreReuse": "all"})
    empty = api("/workflow/new", {"project": pid, "inputs": [{"name": "count", "class": "int"}], "stages": [
        {"id": "a", "executable": aid, "input": {"n": {"$dnanexus_link": {"workflowInputField": "count"}}}}]})["id"]
    fails("InvalidInput", 422, api, "/%s/run" % empty, {"project": pid, "input": {}})
    answer = api("/%s/run" % empty, {"project": pid, "input": {"count": 4}})
    assert api("/%s/describe" % answer["stages"][0])["input"]["n"] == 4
    assert api("/system/findAnalyses")["results"] == [{"id": answer["id"]}]


def test_analysis_terminate_and_edits(env):
    _, api, other, pid, aid = env
    answer = api("/%s/run" % make_workflow(api, pid, aid), {"project": pid, "input": {}})
    analysis_id = answer["id"]
    api("/%s/addTags" % analysis_id, {"tags": ["x"]})
    api("/%s/setProperties" % analysis_id, {"properties": {"p": "q"}})
    api("/%s/removeTags" % analysis_id, {"tags": ["x"]})
    desc = api("/%s/describe" % analysis_id, {"properties": True})
    assert desc["tags"] == [] and desc["properties"] == {"p": "q"}
    fails("PermissionDenied", 401, other, "/%s/terminate" % analysis_id)
    api("/%s/terminate" % answer["stages"][1])  # a stage takes its whole analysis with it
    states = [api("/%s/describe" % eid)["state"] for eid in [analysis_id] + answer["stages"]]
    assert states == ["terminated"] * 3


def test_app_and_global_workflow_runs(env):
    _, api, other, pid, aid = env
    app_id = api("/app/new", {"applet": aid, "name": "tool", "version": "1.0.0", "title": "The tool"})["id"]
    api("/%s/publish" % app_id, {"makeDefault": True})
    jid = api("/app-tool/run", {"project": pid, "input": {"n": 2}})["id"]
    desc = api("/%s/describe" % jid)
    assert desc["app"] == app_id and desc["executable"] == app_id and desc["name"] == "The tool"
    fails("InvalidInput", 422, api, "/app-tool/1.0.0/run", {"project": pid, "input": {}})
    fails("ResourceNotFound", 404, other, "/app-tool/run", {"project": other.project(), "input": {"n": 1}})
    wid = api("/workflow/new", {"project": pid, "stages": [{"id": "a", "executable": "app-tool"}]})["id"]
    assert api("/%s/describe" % wid)["stages"][0]["executable"] == app_id
    gid = api("/globalworkflow/new", {"name": "pipe", "version": "1.0.0", "workflow": wid})["id"]
    answer = api("/%s/run" % gid, {"project": pid, "input": {"a.n": 5}})
    desc = api("/%s/describe" % answer["id"])
    assert desc["executable"] == gid and desc["executableName"] == "pipe"
    assert api("/%s/describe" % answer["stages"][0])["app"] == app_id
    api("/%s/delete" % app_id)
    fails("ResourceNotFound", 404, api, "/app-tool/run", {"project": pid, "input": {"n": 1}})
    fails("InvalidState", 422, api, "/%s/run" % app_id, {"project": pid, "input": {"n": 1}})


# Through HTTP with dxpy

def test_runs_over_http(dx_emulator):
    pid = dx_emulator.project_id
    aid = dxpy.api.applet_new({"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                               "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    jid = dxpy.api.applet_run(aid, {"project": pid, "input": {"n": 1}})["id"]
    assert dxpy.api.job_describe(jid)["state"] == "idle"
    with pytest.raises(dxpy.exceptions.DXAPIError) as info:
        dxpy.api.applet_run(aid, {"project": pid, "input": {"n": "one"}})
    assert info.value.name == "InvalidInput" and '"n"' in info.value.msg
    dxpy.api.job_terminate(jid)
    assert dxpy.api.job_describe(jid, {"fields": {"state": True}})["state"] == "terminated"
    wid = dxpy.api.workflow_new({"project": pid, "stages": [{"id": "a", "executable": aid}]})["id"]
    analysis = dxpy.api.workflow_run(wid, {"project": pid, "input": {"a.n": 3}})
    assert dxpy.api.analysis_describe(analysis["id"])["stages"][0]["execution"]["id"] == analysis["stages"][0]
    found = dxpy.api.system_find_executions({"rootExecution": analysis["id"], "describe": {"io": False}})
    assert len(found["results"]) == 2 and "input" not in found["results"][0]["describe"]


def test_executions_apps_and_workflows_survive_a_restart(tmp_path):
    from dxpy.emulator.model import Platform
    platform, api, _ = make_platform(str(tmp_path))
    pid = api.project()
    aid = api("/applet/new", {"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                              "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    api("/app/new", {"applet": aid, "name": "kept", "version": "1.0.0"})
    wid = api("/workflow/new", {"project": pid, "stages": [{"id": "a", "executable": aid}]})["id"]
    analysis_id = api("/%s/run" % wid, {"project": pid, "input": {"a.n": 1}})["id"]
    reopened = Platform(str(tmp_path))
    assert reopened.call(api.user, "/app-kept/describe", {})["applet"] == aid
    assert reopened.call(api.user, "/%s/describe" % analysis_id, {})["state"] == "in_progress"
    assert reopened.call(api.user, "/%s/describe" % wid, {})["editVersion"] == 0
