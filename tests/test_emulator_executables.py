"""dxpy.emulator.model: applets and workflows (model level and through HTTP)."""
import pytest

import dxpy
from emulator_model_helpers import fails, make_platform

RUN_SPEC = {"interpreter": "python3", "code": "print('hi')"}
IN_SPEC = [{"name": "n", "class": "int"}, {"name": "s", "class": "string", "default": "x"},
           {"name": "f", "class": "file", "optional": True}]
OUT_SPEC = [{"name": "out", "class": "int"}, {"name": "other", "class": "string"}]
# The run specification as the platform gives it back: with its bundled dependencies by region.
STORED_RUN_SPEC = dict(RUN_SPEC, bundledDependsByRegion={"aws:us-east-1": []})


@pytest.fixture
def env():
    platform, api, other = make_platform()
    return platform, api, other, api.project()


def new_applet(api, pid, **fields):
    body = {"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
            "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC}
    body.update(fields)
    return api("/applet/new", body)["id"]


# Applets

def test_applet_new_describe_and_get(env):
    _, api, _, pid = env
    aid = new_applet(api, pid, title="Tool", summary="does things", tags=["t"], properties={"k": "v"},
                     access={"network": ["*"], "project": "VIEW"}, details={"a": 1}, ignoreReuse=True)
    desc = api("/%s/describe" % aid)
    assert (desc["class"], desc["state"], desc["name"], desc["title"]) == ("applet", "closed", "tool", "Tool")
    assert desc["runSpec"] == STORED_RUN_SPEC and desc["inputSpec"] == IN_SPEC and desc["outputSpec"] == OUT_SPEC
    assert desc["dxapi"] == "1.0.0" and desc["access"] == {"network": ["*"], "project": "VIEW"}
    assert desc["ignoreReuse"] is True and "properties" not in desc
    got = api("/%s/get" % aid)
    assert got["runSpec"] == STORED_RUN_SPEC and got["inputSpec"] == IN_SPEC and got["summary"] == "does things"
    assert "properties" not in got and "id" not in got
    api("/%s/rename" % aid, {"name": "renamed"})
    api("/%s/addTags" % aid, {"tags": ["u"]})
    api("/%s/setProperties" % aid, {"properties": {"k": None}})
    desc = api("/%s/describe" % aid, {"properties": True})
    assert (desc["name"], desc["tags"], desc["properties"]) == ("renamed", ["t", "u"], {})
    assert api("/%s/getDetails" % aid) == {"a": 1}
    assert api("/%s/listProjects" % aid) == {pid: "ADMINISTER"}


def test_applet_without_specs(env):
    _, api, _, pid = env
    aid = api("/applet/new", {"project": pid, "dxapi": "1.0.0", "runSpec": RUN_SPEC})["id"]
    desc = api("/%s/describe" % aid)
    assert "inputSpec" not in desc and desc["name"] == aid
    found = api("/system/findDataObjects", {"class": "applet", "describe": True})["results"]
    assert found[0]["describe"]["runSpec"] == STORED_RUN_SPEC


def test_applet_run_spec_by_region(env):
    _, api, _, _ = env
    far = api("/project/new", {"name": "far", "region": "azure:westus"})["id"]
    resources = api("/file/new", {"project": far})["id"]
    bundled = [{"name": "resources.tar.gz", "id": {"$dnanexus_link": resources}}]
    requirements = {"main": {"instanceType": "azure:mem1_ssd1_x2"}}
    run_spec = dict(RUN_SPEC, bundledDepends=bundled, systemRequirements=requirements,
                    bundledDependsByRegion={"aws:us-east-1": []})  # what the caller says of regions is replaced
    spec = api("/%s/get" % new_applet(api, far, runSpec=run_spec))["runSpec"]
    assert spec["bundledDepends"] == bundled and spec["bundledDependsByRegion"] == {"azure:westus": bundled}
    assert spec["systemRequirementsByRegion"] == {"azure:westus": requirements}


@pytest.mark.parametrize("change, word", [
    ({"dxapi": 1}, "dxapi"), ({"runSpec": None}, "runSpec"), ({"runSpec": {"code": "x"}}, "interpreter"),
    ({"runSpec": {"interpreter": "perl", "code": "x"}}, "interpreter"),
    ({"runSpec": {"interpreter": "bash"}}, "code"),
    ({"runSpec": dict(RUN_SPEC, systemRequirements={"main": "big"})}, "systemRequirements"),
    ({"inputSpec": {}}, "inputSpec"), ({"inputSpec": [{"class": "int"}]}, "name"),
    ({"inputSpec": [{"name": "1x", "class": "int"}]}, "1x"),
    ({"inputSpec": [{"name": "a", "class": "int"}, {"name": "a", "class": "int"}]}, "twice"),
    ({"inputSpec": [{"name": "a", "class": "blob"}]}, "blob"),
    ({"inputSpec": [{"name": "a", "class": "int", "default": "3"}]}, "default"),
    ({"inputSpec": [{"name": "a", "class": "file", "default": {"$dnanexus_link": "record-" + "B" * 24}}]},
     "default"),
    ({"inputSpec": [{"name": "a", "class": "int", "choices": [1], "default": 2}]}, "choices"),
    ({"outputSpec": [{"name": "o"}]}, "class"), ({"access": {"project": "ALL"}}, "access.project"),
    ({"access": {"network": "*"}}, "network"), ({"title": 3}, "title"), ({"ignoreReuse": "no"}, "ignoreReuse"),
])
def test_applet_new_bad_input(env, change, word):
    _, api, _, pid = env
    body = {"project": pid, "dxapi": "1.0.0", "runSpec": RUN_SPEC}
    body.update(change)
    error = fails("InvalidInput", 422, api, "/applet/new", body)
    assert word in error.message
    assert api("/system/findDataObjects", {"class": "applet"})["results"] == []


def test_applet_methods_it_does_not_have(env):
    _, api, other, pid = env
    aid = new_applet(api, pid)
    for method in ("close", "setDetails", "addTypes", "setVisibility"):
        fails("InvalidInput", 422, api, "/%s/%s" % (aid, method), {})
    fails("PermissionDenied", 401, other, "/%s/get" % aid)
    fails("ResourceNotFound", 404, api, "/applet-%s/get" % ("B" * 24))
    rid = api.record(pid)
    fails("ResourceNotFound", 404, api, "/%s/get" % rid.replace("record", "applet"))


# Workflows

def new_workflow(api, pid, aid, **fields):
    body = {"project": pid, "name": "flow",
            "stages": [{"id": "first", "executable": aid, "name": "one", "input": {"n": 1}},
                       {"id": "second", "executable": aid, "folder": "sub",
                        "input": {"n": {"$dnanexus_link": {"stage": "first", "outputField": "out"}}}}]}
    body.update(fields)
    return api("/workflow/new", body)


def test_workflow_new_and_describe(env):
    _, api, _, pid = env
    aid = new_applet(api, pid)
    answer = new_workflow(api, pid, aid, title="Flow", outputFolder="/out")
    assert answer["editVersion"] == 0
    desc = api("/%s/describe" % answer["id"])
    assert (desc["class"], desc["state"], desc["title"], desc["outputFolder"]) == ("workflow", "open", "Flow", "/out")
    assert [stage["id"] for stage in desc["stages"]] == ["first", "second"]
    first = desc["stages"][0]
    assert (first["executable"], first["name"], first["folder"], first["accessible"]) == (aid, "one", None, True)
    names = [entry["name"] for entry in desc["inputSpec"]]
    # bound literals become defaults; inputs bound to another stage's output are not inputs
    assert names == ["first.n", "first.s", "first.f", "second.s", "second.f"]
    assert desc["inputSpec"][0]["default"] == 1
    assert [entry["name"] for entry in desc["outputSpec"]] == ["first.out", "first.other", "second.out",
                                                               "second.other"]
    assert desc["inputs"] is None and desc["outputs"] is None


def test_workflow_title_defaults_to_its_name(env):
    _, api, _, pid = env
    wid = api("/workflow/new", {"project": pid, "name": "plain"})["id"]
    unnamed = api("/workflow/new", {"project": pid})["id"]
    assert api("/%s/describe" % wid)["title"] == "plain" and api("/%s/describe" % unnamed)["title"] == unnamed
    api("/%s/update" % wid, {"editVersion": 0, "title": "Set"})
    api("/%s/update" % wid, {"editVersion": 1, "title": None})
    assert api("/%s/describe" % wid)["title"] == "plain"


def test_workflow_initialized_from_another(env):
    """The source's name and metadata are defaults; what the input gives wins."""
    _, api, _, pid = env
    aid = new_applet(api, pid)
    source = new_workflow(api, pid, aid, title="Flow", tags=["t"], types=["T"], properties={"k": "v"},
                          details={"d": 1})["id"]
    copied = api("/%s/describe" % api("/workflow/new", {"project": pid, "initializeFrom": {"id": source}})["id"],
                 {"properties": True, "details": True})
    assert (copied["name"], copied["title"], copied["tags"], copied["types"], copied["properties"],
            copied["details"]) == ("flow", "Flow", ["t"], ["T"], {"k": "v"}, {"d": 1})
    renamed = api("/workflow/new", {"project": pid, "initializeFrom": {"id": source}, "name": "other",
                                    "tags": [], "title": "Other"})["id"]
    desc = api("/%s/describe" % renamed)
    assert (desc["name"], desc["title"], desc["tags"], desc["types"]) == ("other", "Other", [], ["T"])


def test_workflow_stage_edits(env):
    _, api, _, pid = env
    aid = new_applet(api, pid)
    wid = new_workflow(api, pid, aid)["id"]
    added = api("/%s/addStage" % wid, {"editVersion": 0, "executable": aid, "name": "three"})
    assert added["editVersion"] == 1 and added["stage"].startswith("stage-")
    api("/%s/moveStage" % wid, {"editVersion": 1, "stage": added["stage"], "newIndex": 0})
    api("/%s/update" % wid, {"editVersion": 2, "title": "T", "outputFolder": None,
                             "stages": {"first": {"name": "uno", "input": {"n": None, "s": "y"}}}})
    desc = api("/%s/describe" % wid)
    assert [stage["id"] for stage in desc["stages"]] == [added["stage"], "first", "second"]
    assert desc["stages"][1]["name"] == "uno" and desc["stages"][1]["input"] == {"s": "y"}
    assert desc["editVersion"] == 3 and desc["title"] == "T"
    fails("InvalidInput", 422, api, "/%s/removeStage" % wid, {"editVersion": 3, "stage": "first"})
    api("/%s/removeStage" % wid, {"editVersion": 3, "stage": "second"})
    assert api("/%s/removeStage" % wid, {"editVersion": 4, "stage": "first"}) == {"id": wid, "editVersion": 5}
    assert [stage["id"] for stage in api("/%s/describe" % wid)["stages"]] == [added["stage"]]


def test_workflow_edit_version_and_state(env):
    _, api, other, pid = env
    aid = new_applet(api, pid)
    wid = new_workflow(api, pid, aid)["id"]
    error = fails("InvalidState", 422, api, "/%s/addStage" % wid, {"editVersion": 7, "executable": aid})
    assert "editVersion" in error.message
    fails("InvalidInput", 422, api, "/%s/addStage" % wid, {"executable": aid})
    fails("InvalidInput", 422, api, "/%s/addStage" % wid, {"editVersion": "0", "executable": aid})
    fails("PermissionDenied", 401, other, "/%s/addStage" % wid, {"editVersion": 0, "executable": aid})
    api("/%s/close" % wid)
    fails("InvalidState", 422, api, "/%s/addStage" % wid, {"editVersion": 0, "executable": aid})
    assert api("/%s/describe" % wid)["editVersion"] == 0


@pytest.mark.parametrize("method, body, error_type", [
    ("addStage", {"executable": "record-" + "B" * 24}, "InvalidInput"),
    ("addStage", {"executable": "applet-" + "B" * 24}, "ResourceNotFound"),
    ("addStage", {"executable": 5}, "InvalidInput"),
    ("addStage", {"executable": "APPLET", "id": "first"}, "InvalidInput"),
    ("addStage", {"executable": "APPLET", "id": "bad id"}, "InvalidInput"),
    ("addStage", {"executable": "APPLET", "input": {"nope": 1}}, "InvalidInput"),
    ("addStage", {"executable": "APPLET", "input": {"n": "one"}}, "InvalidInput"),
    ("addStage", {"executable": "APPLET", "input": {"n": {"$dnanexus_link": {"stage": "zz", "outputField": "o"}}}},
     "InvalidInput"),
    ("addStage", {"executable": "APPLET", "index": 9}, "InvalidInput"),
    ("moveStage", {"stage": "first", "newIndex": 2}, "InvalidInput"),
    ("moveStage", {"stage": "missing", "newIndex": 0}, "ResourceNotFound"),
    ("removeStage", {"stage": 3}, "InvalidInput"),
    ("update", {"stages": {"missing": {"name": "x"}}}, "ResourceNotFound"),
    ("update", {"stages": {"first": {"input": {"n": "x"}}}}, "InvalidInput"),
    ("update", {"stages": {"first": "x"}}, "InvalidInput"),
    ("update", {"title": 3}, "InvalidInput"),
    ("update", {"outputs": [{"name": "o", "class": "int"}]}, "InvalidInput"),
])
def test_workflow_edit_bad_input(env, method, body, error_type):
    _, api, _, pid = env
    aid = new_applet(api, pid)
    wid = new_workflow(api, pid, aid)["id"]
    body = dict(body, editVersion=0)
    if body.get("executable") == "APPLET":
        body["executable"] = aid
    status = {"InvalidInput": 422, "ResourceNotFound": 404}[error_type]
    fails(error_type, status, api, "/%s/%s" % (wid, method), body)
    assert api("/%s/describe" % wid)["editVersion"] == 0


def test_stage_compatibility_and_executable_change(env):
    _, api, _, pid = env
    aid = new_applet(api, pid)
    wid = new_workflow(api, pid, aid)["id"]
    fewer = new_applet(api, pid, name="fewer", inputSpec=[{"name": "n", "class": "int"}],
                       outputSpec=[{"name": "other", "class": "string"}])
    same = new_applet(api, pid, name="same")
    answer = api("/%s/isStageCompatible" % wid, {"editVersion": 0, "stage": "first", "executable": fewer})
    assert answer["compatible"] is False and "out" in answer["incompatibilities"][0]
    assert api("/%s/isStageCompatible" % wid, {"editVersion": 0, "stage": "first", "executable": same})["compatible"]
    refused = fails("InvalidState", 422, api, "/%s/updateStageExecutable" % wid,
                    {"editVersion": 0, "stage": "first", "executable": fewer})
    assert "compatible" in refused.message and refused.details == {"incompatibilities": answer["incompatibilities"]}
    api("/%s/updateStageExecutable" % wid, {"editVersion": 0, "stage": "first", "executable": same})
    forced = api("/%s/updateStageExecutable" % wid,
                 {"editVersion": 1, "stage": "second", "executable": fewer, "force": True})
    assert forced["editVersion"] == 2 and forced["compatible"] is True
    stages = api("/%s/describe" % wid)["stages"]
    assert [stage["executable"] for stage in stages] == [same, fewer]


def test_workflow_inputs_outputs_initialize_and_overwrite(env):
    _, api, _, pid = env
    aid = new_applet(api, pid)
    inputs = [{"name": "count", "class": "int"}]
    outputs = [{"name": "result", "class": "int",
                "outputSource": {"$dnanexus_link": {"stage": "first", "outputField": "out"}}}]
    stage = {"id": "first", "executable": aid, "input": {"n": {"$dnanexus_link": {"workflowInputField": "count"}}}}
    wid = api("/workflow/new", {"project": pid, "name": "locked", "inputs": inputs, "outputs": outputs,
                                "stages": [stage]})["id"]
    desc = api("/%s/describe" % wid)
    assert desc["inputSpec"] == inputs and desc["inputs"] == inputs and desc["outputSpec"] == outputs
    copy_id = api("/workflow/new", {"project": pid, "initializeFrom": {"id": wid}})["id"]
    copied = api("/%s/describe" % copy_id)
    assert copied["stages"] == desc["stages"] and copied["initializedFrom"] == {"id": wid, "editVersion": 0}
    plain = new_workflow(api, pid, aid)["id"]
    api("/%s/overwrite" % plain, {"editVersion": 0, "from": {"workflow": wid}})
    assert api("/%s/describe" % plain)["inputs"] == inputs
    fails("InvalidInput", 422, api, "/workflow/new", {"project": pid, "initializeFrom": {"id": pid}})
    fails("InvalidInput", 422, api, "/workflow/new", {"project": pid, "stages": {}})
    fails("InvalidInput", 422, api, "/workflow/new", {"project": pid, "stages": [
        {"id": "a", "executable": aid, "input": {"n": {"$dnanexus_link": {"stage": "b", "outputField": "out"}}}}]})


# Through HTTP with dxpy

def test_applet_and_workflow_over_http(dx_emulator):
    pid = dx_emulator.project_id
    aid = dxpy.api.applet_new({"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                               "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    assert dxpy.api.applet_get(aid)["inputSpec"] == IN_SPEC
    wid = dxpy.api.workflow_new({"project": pid, "name": "flow"})["id"]
    stage = dxpy.api.workflow_add_stage(wid, {"editVersion": 0, "executable": aid})["stage"]
    with pytest.raises(dxpy.exceptions.DXAPIError) as info:
        dxpy.api.workflow_add_stage(wid, {"editVersion": 0, "executable": aid})
    assert info.value.name == "InvalidState"
    with pytest.raises(dxpy.exceptions.DXAPIError) as info:
        dxpy.api.applet_new({"project": pid, "dxapi": "1.0.0", "runSpec": {"interpreter": "cobol", "code": ""}})
    assert info.value.name == "InvalidInput" and "interpreter" in info.value.msg
    desc = dxpy.api.workflow_describe(wid)
    assert [s["id"] for s in desc["stages"]] == [stage] and desc["editVersion"] == 1
