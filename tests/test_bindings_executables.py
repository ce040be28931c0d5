"""DXApplet, DXApp, DXWorkflow, DXGlobalWorkflow and DXExecutable.run against the emulator,
with the exact run payloads, plus the app container functions."""
import pytest

import dxpy
from dxpy.bindings import DXRecord, new_dxrecord
from dxpy.bindings.dxanalysis import DXAnalysis
from dxpy.bindings.dxapp import DXApp
from dxpy.bindings.dxapp_container_functions import load_app_resource, load_from_cache, save_to_cache
from dxpy.bindings.dxapplet import DXApplet, DXExecutable
from dxpy.bindings.dxglobalworkflow import DXGlobalWorkflow
from dxpy.bindings.dxjob import DXJob
from dxpy.bindings.dxproject import DXProject
from dxpy.bindings.dxworkflow import DXWorkflow, new_dxworkflow
from dxpy.exceptions import DXAPIError, DXError

# These tests check the API bookkeeping of runs: the emulator leaves every job idle.
pytestmark = pytest.mark.dx_emulator(run_jobs=False)

CODE = "import dxpy\n\n@dxpy.entry_point('main')\ndef main(x=0):\n    return {'y': x}\n"
INPUT_SPEC = [{"name": "x", "class": "int", "optional": True}]
OUTPUT_SPEC = [{"name": "y", "class": "int"}]


@pytest.fixture
def sent(dx_emulator, monkeypatch):
    """(route, payload) of every API call the emulator receives during the test."""
    calls = []
    platform = dx_emulator.platform
    original = platform.call

    def recording(user_id, route, payload, *args, **kwargs):
        calls.append((route, payload))
        return original(user_id, route, payload, *args, **kwargs)
    monkeypatch.setattr(platform, "call", recording)
    return calls


def payload_of(sent, suffix):
    """The last payload sent to a route ending with *suffix*, without the nonce the API
    wrappers of /new and /run add."""
    found = [payload for route, payload in sent if route.endswith(suffix)]
    assert found, "no %s call among %r" % (suffix, [route for route, _ in sent])
    payload = dict(found[-1])
    if suffix.endswith(("/new", "/run")):
        assert payload.pop("nonce")
    return payload


def make_applet(name="app1", **extra):
    applet = DXApplet()
    applet.new(name=name, dxapi="1.0.0", runSpec={"interpreter": "python3", "code": CODE},
               inputSpec=INPUT_SPEC, outputSpec=OUTPUT_SPEC, **extra)
    return applet


@pytest.fixture
def applet(dx_emulator):
    return make_applet()


# DXApplet


def test_applet_new_describe_get(dx_emulator, sent):
    applet = make_applet(name="hello", title="Hello", summary="says hello", description="long text",
                         access={"network": ["*"]}, tags=["t"], properties={"k": "v"}, folder="/apps", parents=True)
    new_payload = payload_of(sent, "/applet/new")
    assert new_payload["project"] == dx_emulator.project_id
    assert (new_payload["title"], new_payload["summary"], new_payload["description"]) == \
        ("Hello", "says hello", "long text")
    assert applet.get_proj_id() == dx_emulator.project_id
    desc = applet.describe()
    assert (desc["class"], desc["name"], desc["folder"], desc["state"]) == ("applet", "hello", "/apps", "closed")
    assert applet.title == "Hello"  # attributes read the cached description
    spec = applet.get()
    assert spec["runSpec"]["code"] == CODE
    assert spec["inputSpec"] == INPUT_SPEC
    assert spec["access"] == {"network": ["*"]}


def test_applet_new_requires_run_spec_and_dxapi(dx_emulator, sent):
    with pytest.raises(DXError, match="runSpec"):
        DXApplet().new(dxapi="1.0.0")
    with pytest.raises(DXError, match="dxapi"):
        DXApplet().new(runSpec={"interpreter": "python3", "code": CODE})
    assert not sent


def test_applet_invalid_spec_is_refused_by_the_server(dx_emulator):
    with pytest.raises(DXAPIError):
        DXApplet().new(dxapi="1.0.0", runSpec={"interpreter": "cobol", "code": CODE})


def test_applet_tags_properties_rename_details_projects(applet, dx_emulator):
    applet.add_tags(["a", "b"])
    applet.remove_tags(["a"])
    applet.set_properties({"p": "1"})
    applet.rename("renamed")
    desc = applet.describe(incl_properties=True)
    assert (desc["tags"], desc["properties"], desc["name"]) == (["b"], {"p": "1"}, "renamed")
    assert applet.get_properties() == {"p": "1"}
    assert applet.get_details() == {}
    assert applet.list_projects() == {dx_emulator.project_id: "ADMINISTER"}


def test_applet_routes_that_do_not_exist_raise(applet, sent):
    before = len(sent)
    for call in (lambda: applet.add_types(["T"]), lambda: applet.remove_types(["T"]),
                 lambda: applet.set_details({}), applet.hide, applet.unhide, applet.close):
        with pytest.raises(DXError, match="does not exist"):
            call()
    assert len(sent) == before


def test_applet_handler_checks_its_id(dx_emulator):
    with pytest.raises(DXError, match="applet"):
        DXApplet("applet-short")
    with pytest.raises(DXError, match="applet"):
        DXApplet("record-" + "A" * 24)
    with pytest.raises(DXError):
        DXApplet().run({})


def test_executable_is_a_mixin():
    with pytest.raises(NotImplementedError):
        DXExecutable()


# Running: payloads


def test_applet_run_minimal_payload(applet, dx_emulator, sent):
    job = applet.run({"x": 3})
    assert isinstance(job, DXJob)
    assert payload_of(sent, "/run") == {"input": {"x": 3}, "project": dx_emulator.project_id}
    desc = job.describe()
    assert (desc["id"], desc["class"], desc["state"]) == (job.get_id(), "job", "idle")
    assert desc["executable"] == applet.get_id()
    assert desc["project"] == dx_emulator.project_id


def test_applet_run_keyword_name_of_the_input(applet, sent):
    applet.run(applet_input={"x": 1})
    assert payload_of(sent, "/run")["input"] == {"x": 1}


def test_applet_run_every_option(applet, dx_emulator, sent):
    other = DXProject()
    other.new("elsewhere")
    record = new_dxrecord(close=True)
    first = applet.run({})
    job = applet.run({"x": 2}, project=other.get_id(), folder="/out", name="job name", tags=["t1"],
                     properties={"k": "v"}, details={"d": [1]}, instance_type="mem1_ssd1_x2",
                     depends_on=[record, first, record.get_id()], allow_ssh=["1.2.3.4"],
                     debug={"debugOn": ["AppError"]}, delay_workspace_destruction=True, priority="high",
                     head_job_on_demand=True, ignore_reuse=True, detach=True, cost_limit=1.5, rank=3,
                     max_tree_spot_wait_time=100, max_job_spot_wait_time=50,
                     preserve_job_outputs={"folder": "/kept"}, detailed_job_metrics=True)
    assert payload_of(sent, "/run") == {
        "input": {"x": 2}, "project": other.get_id(), "folder": "/out", "name": "job name", "tags": ["t1"],
        "properties": {"k": "v"}, "details": {"d": [1]},
        "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x2"}},
        "dependsOn": [record.get_id(), first.get_id(), record.get_id()], "allowSSH": ["1.2.3.4"],
        "debug": {"debugOn": ["AppError"]}, "delayWorkspaceDestruction": True, "priority": "high",
        "headJobOnDemand": True, "ignoreReuse": True, "detach": True, "costLimit": 1.5, "rank": 3,
        "maxTreeSpotWaitTime": 100, "maxJobSpotWaitTime": 50, "preserveJobOutputs": {"folder": "/kept"},
        "detailedJobMetrics": True}
    desc = job.describe()
    assert (desc["name"], desc["tags"], desc["project"]) == ("job name", ["t1"], other.get_id())


def test_run_system_requirements_forms(applet, sent):
    applet.run({}, instance_type={"main": "mem2_ssd1_x2", "other": "mem1_ssd1_x4"},
               cluster_spec={"main": {"clusterSpec": {"type": "spark"}}},
               fpga_driver={"main": {"fpgaDriver": "edico-1.4.5"}},
               nvidia_driver={"other": {"nvidiaDriver": "R535"}})
    assert payload_of(sent, "/run")["systemRequirements"] == {
        "main": {"instanceType": "mem2_ssd1_x2", "clusterSpec": {"type": "spark"}, "fpgaDriver": "edico-1.4.5"},
        "other": {"instanceType": "mem1_ssd1_x4", "nvidiaDriver": "R535"}}
    # A whole system_requirements replaces what the other options build.
    applet.run({}, instance_type="mem1_ssd1_x2", system_requirements={"main": {"instanceType": "mem3_ssd1_x8"}},
               system_requirements_by_executable={applet.get_id(): {"*": {"instanceType": "mem1_ssd1_x2"}}})
    payload = payload_of(sent, "/run")
    assert payload["systemRequirements"] == {"main": {"instanceType": "mem3_ssd1_x8"}}
    assert payload["systemRequirementsByExecutable"] == {applet.get_id(): {"*": {"instanceType": "mem1_ssd1_x2"}}}


def test_run_extra_args_merge_and_late_options_win(applet, sent):
    applet.run({"x": 1}, name="n", instance_type="mem1_ssd1_x2", rank=5,
               extra_args={"name": "from extra", "rank": 1, "systemRequirements": {"*": {"clusterSpec": {}}},
                           "input": {"x": 2}})
    payload = payload_of(sent, "/run")
    assert payload["name"] == "from extra"
    assert payload["rank"] == 5
    assert payload["systemRequirements"] == {"*": {"instanceType": "mem1_ssd1_x2", "clusterSpec": {}}}
    assert payload["input"] == {"x": 2}


def test_run_preserve_job_outputs_forms(applet, sent):
    applet.run({}, preserve_job_outputs=True)
    assert payload_of(sent, "/run")["preserveJobOutputs"] == {}
    applet.run({}, preserve_job_outputs=False, ignore_reuse=False)
    payload = payload_of(sent, "/run")
    assert "preserveJobOutputs" not in payload
    assert payload["ignoreReuse"] is False


def test_run_payload_inside_a_job(monkeypatch):
    # Inside a job the new execution is a subjob in the workspace: no project is sent,
    # unless it is detached into a project.
    monkeypatch.setattr(dxpy, "JOB_ID", "job-" + "J" * 24)
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", "container-" + "W" * 24)
    project = "project-" + "P" * 24
    build = DXExecutable._get_run_input_fields_for_applet
    assert build({"x": 1}) == {"input": {"x": 1}}
    assert build({}, project=project) == {"input": {}}
    assert build({}, project=project, detach=True) == {"input": {}, "project": project, "detach": True}
    # detaching without a project of class project keeps the workspace
    assert build({}, detach=True) == {"input": {}, "detach": True}


def test_run_depends_on_accepts_links(applet, sent):
    record = new_dxrecord(close=True)
    applet.run({}, depends_on=[{"$dnanexus_link": record.get_id()},
                               {"$dnanexus_link": {"id": record.get_id(), "project": record.get_proj_id()}}])
    assert payload_of(sent, "/run")["dependsOn"] == [record.get_id(), record.get_id()]


@pytest.mark.parametrize("options, message", [
    ({"depends_on": "job-" + "A" * 24}, "depends_on field to be a list"),
    ({"depends_on": [42]}, "Expected elements of depends_on"),
    ({"depends_on": [DXRecord()]}, "does not have an ID"),
    ({"depends_on": [{"$dnanexus_link": 5}]}, "depends_on"),
    ({"instance_type": 5}, "instance_type"),
    ({"cluster_spec": ["spark"]}, "dict"),
    ({"stage_instance_types": {"0": "mem1_ssd1_x2"}}, "not supported for applets"),
    ({"stage_folders": {"*": "/x"}}, "not supported for applets"),
    ({"rerun_stages": ["*"]}, "not supported for applets"),
    ({"ignore_reuse_stages": ["*"]}, "not supported for applets"),
    ({"extra_args": ["name"]}, "extra_args"),
])
def test_bad_run_options_raise_before_any_call(applet, sent, options, message):
    before = len(sent)
    with pytest.raises(DXError, match=message):
        applet.run({}, **options)
    assert len(sent) == before


def test_run_input_must_be_a_dict(applet, sent):
    with pytest.raises(DXError, match="input"):
        applet.run(["x", 1])
    assert not [route for route, _ in sent if route.endswith("/run")]


def test_run_input_refused_by_the_spec(applet):
    with pytest.raises(DXAPIError):
        applet.run({"x": "not an int"})


def test_run_extra_kwargs_go_to_the_http_request(applet):
    with pytest.raises(TypeError):
        applet.run({}, no_such_http_option=1)


# DXApp


@pytest.fixture
def app(applet):
    app = DXApp()
    app.new(applet=applet.get_id(), version="1.0.0", name="myapp", title="My app", summary="s")
    return app


def test_app_new_and_describe_by_id_and_name(sent, app, applet):
    payload = payload_of(sent, "/app/new")
    assert payload == {"applet": applet.get_id(), "version": "1.0.0", "name": "myapp", "title": "My app",
                       "summary": "s"}
    assert app.get_id().startswith("app-")
    desc = app.describe()
    assert (desc["name"], desc["version"]) == ("myapp", "1.0.0")
    assert DXApp(name="myapp", alias="1.0.0").describe(fields={"version": True})["version"] == "1.0.0"
    by_name = DXApp(name="myapp")
    assert by_name.get_id() == "app-myapp/default"
    app.publish(input_params={"makeDefault": True})  # kwargs reach the API wrapper
    assert payload_of(sent, "/publish") == {"makeDefault": True}
    assert by_name.describe()["id"] == app.get_id()
    assert app.get()["runSpec"]["code"] == CODE


def test_app_new_sends_bill_to_and_details(applet, dx_emulator, sent):
    app = DXApp()
    app.new(applet=applet.get_id(), version="0.1.0", name="billed", bill_to=dx_emulator.user_id, details={"a": 1})
    payload = payload_of(sent, "/app/new")
    assert payload["billTo"] == dx_emulator.user_id
    assert payload["details"] == {"a": 1}
    assert "bill_to" not in payload


def test_app_update_tags_publish_install_delete(app, applet, sent):
    app.update(details={"updated": True})
    assert payload_of(sent, "/update") == {"details": {"updated": True}}
    assert app.describe()["details"] == {"updated": True}
    app.add_tags(["beta"])
    assert "beta" in app.describe()["aliases"]
    assert DXApp(name="myapp", alias="beta").describe()["id"] == app.get_id()
    app.remove_tags(["beta"])
    app.addTags(["gamma"])
    app.removeTags(["gamma"])
    assert "gamma" not in app.describe()["aliases"]
    app.publish(input_params={"makeDefault": True})
    assert app.describe()["published"]
    app.install()
    assert app.describe()["installed"] is True
    app.uninstall()
    assert app.describe()["installed"] is False
    named = DXApp(name="myapp")  # the "default" alias now names the published version
    named.delete()
    assert app.describe()["deleted"] is True


def test_app_run_by_id_and_by_name(app, dx_emulator, sent):
    job = app.run({"x": 1}, name="via app")
    assert isinstance(job, DXJob)
    assert payload_of(sent, "/run") == {"input": {"x": 1}, "name": "via app", "project": dx_emulator.project_id}
    assert job.describe()["executable"] == app.get_id()
    job2 = DXApp(name="myapp", alias="1.0.0").run(app_input={"x": 2})
    assert [route for route, _ in sent if route.endswith("/run")][-1] == "/app-myapp/1.0.0/run"
    assert job2.describe()["executable"] == app.get_id()


@pytest.mark.parametrize("args, message", [
    ({"dxid": "app-short"}, "Invalid ID"),
    ({"dxid": "applet-" + "A" * 24}, "Invalid ID"),
    ({"dxid": "app-" + "A" * 24, "name": "x"}, "Did not expect name"),
    ({"dxid": "app-" + "A" * 24, "alias": "1.0.0"}, "Did not expect name"),
    ({"name": 5}, "name needs to be"),
    ({"name": ""}, "name needs to be"),
    ({"name": "x", "alias": 1}, "alias needs to be"),
    ({"alias": "1.0.0"}, "without a name"),
])
def test_app_handler_wrong_ids(args, message):
    with pytest.raises(DXError, match=message):
        DXApp(**args)


def test_app_without_id_or_name(dx_emulator, sent):
    app = DXApp()
    assert app.get_id() is None
    for call in (app.describe, app.get, app.publish, app.install, lambda: app.run({})):
        with pytest.raises(DXError, match="neither an ID nor a name"):
            call()
    assert not sent


def test_app_new_requires_version_and_source(applet, sent):
    with pytest.raises(DXError, match="applet and initializeFrom"):
        DXApp().new(version="1.0.0", name="x")
    with pytest.raises(DXError, match="version"):
        DXApp().new(applet=applet.get_id(), name="x")
    assert not [route for route, _ in sent if route == "/app/new"]


def test_app_not_found(dx_emulator):
    with pytest.raises(DXAPIError):
        DXApp(name="no_such_app").describe()


def test_app_rejects_workflow_options(app, sent):
    with pytest.raises(DXError, match="only workflows"):
        app.run({}, stage_folders={"0": "/x"})


# DXWorkflow


@pytest.fixture
def workflow(applet):
    wf = new_dxworkflow(title="WF", summary="sum", description="desc", output_folder="/wf_out", name="wf")
    wf.add_stage(applet, stage_id="first", name="align", folder="a_out", stage_input={"x": 1})
    wf.add_stage(applet.get_id(), name="call")
    return wf


def test_new_dxworkflow_payload_and_describe(applet, dx_emulator, sent):
    wf = new_dxworkflow(title="T", summary="S", description="D", output_folder="/o", name="n",
                        stages=[{"id": "s0", "executable": applet.get_id()}],
                        workflow_inputs=None, project=dx_emulator.project_id)
    payload = payload_of(sent, "/workflow/new")
    assert payload == {"project": dx_emulator.project_id, "name": "n", "title": "T", "summary": "S",
                       "description": "D", "outputFolder": "/o",
                       "stages": [{"id": "s0", "executable": applet.get_id()}]}
    desc = wf.describe()
    assert (desc["title"], desc["outputFolder"], desc["stages"][0]["id"]) == ("T", "/o", "s0")
    assert isinstance(wf, DXWorkflow)


def test_add_stage_payload_and_edit_version(workflow, applet, sent):
    before = workflow.editVersion
    stage_id = workflow.add_stage(applet, name="third", instance_type="mem1_ssd1_x2")
    payload = payload_of(sent, "/addStage")
    assert payload == {"executable": applet.get_id(), "name": "third", "editVersion": before,
                       "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x2"}}}
    # the cached description is refreshed after the change
    assert workflow.editVersion == before + 1
    assert [stage["id"] for stage in workflow.stages][-1] == stage_id


def test_get_stage_by_index_name_and_id(workflow):
    first = workflow.get_stage(0)
    assert (first["id"], first["name"], first["folder"]) == ("first", "align", "a_out")
    assert first["input"] == {"x": 1}
    assert workflow.get_stage("0") is first
    assert workflow.get_stage("align") is first
    assert workflow.get_stage("first") is first
    assert workflow.get_stage(1)["name"] == "call"


@pytest.mark.parametrize("stage, message", [
    (5, "out of range"),
    (-1, "out of range"),
    ("7", "out of range"),
    ("nosuch", "could not be found"),
    ("stage-nothere", "could not be found"),
    (1.5, "neither a string stage ID nor an integer"),
    (None, "neither a string stage ID nor an integer"),
    (True, "neither a string stage ID nor an integer"),
])
def test_stage_not_found(workflow, stage, message):
    with pytest.raises(DXError, match=message):
        workflow.get_stage(stage)
    with pytest.raises(DXError, match=message):
        workflow.remove_stage(stage)


def test_stage_name_shared_by_two_stages(workflow, applet):
    workflow.add_stage(applet, name="align")
    with pytest.raises(DXError, match="more than one"):
        workflow.get_stage("align")


def test_move_and_remove_stage(workflow, sent):
    workflow.move_stage("call", 0)
    payload = payload_of(sent, "/moveStage")
    assert payload["stage"] == workflow.stages[0]["id"]
    assert payload["newIndex"] == 0
    assert [stage["name"] for stage in workflow.stages] == ["call", "align"]
    removed = workflow.remove_stage("align")
    assert removed == "first"
    assert payload_of(sent, "/removeStage")["stage"] == "first"
    assert [stage["name"] for stage in workflow.stages] == ["call"]


def test_stale_edit_version_is_refused_and_the_cache_refreshed(workflow):
    current = workflow.editVersion
    with pytest.raises(DXAPIError):
        workflow.remove_stage(0, edit_version=current - 1)
    assert workflow.editVersion == current
    workflow.remove_stage(0, edit_version=current)
    assert len(workflow.stages) == 1


def test_update_payloads(workflow, sent):
    workflow.update(title="New", summary="s2", description="d2", output_folder="/new_out",
                    workflow_inputs=[{"name": "wx", "class": "int", "optional": True}])
    payload = payload_of(sent, "/update")
    assert payload == {"title": "New", "summary": "s2", "description": "d2", "outputFolder": "/new_out",
                       "inputs": [{"name": "wx", "class": "int", "optional": True}],
                       "editVersion": payload["editVersion"]}
    assert workflow.title == "New"
    workflow.update(unset_title=True, unset_output_folder=True, unset_workflow_inputs=True)
    payload = payload_of(sent, "/update")
    assert (payload["title"], payload["outputFolder"], payload["inputs"]) == (None, None, None)
    assert workflow.describe()["outputFolder"] is None
    count = len(sent)
    workflow.update()  # nothing to change: nothing sent
    assert len(sent) == count


@pytest.mark.parametrize("options", [
    {"title": "x", "unset_title": True},
    {"output_folder": "/x", "unset_output_folder": True},
    {"workflow_inputs": [], "unset_workflow_inputs": True},
    {"workflow_outputs": [], "unset_workflow_outputs": True},
])
def test_update_conflicting_options(workflow, options):
    with pytest.raises(DXError, match="cannot provide both"):
        workflow.update(**options)


def test_update_stage_fields_and_executable(workflow, applet, sent):
    workflow.update_stage("align", name="aligned", folder="/abs", stage_input={"x": 5},
                          instance_type={"main": "mem1_ssd1_x4"})
    payload = payload_of(sent, "/update")
    assert payload["stages"] == {"first": {"name": "aligned", "folder": "/abs", "input": {"x": 5},
                                           "systemRequirements": {"main": {"instanceType": "mem1_ssd1_x4"}}}}
    stage = workflow.get_stage("first")
    assert (stage["name"], stage["folder"], stage["input"]) == ("aligned", "/abs", {"x": 5})
    workflow.update_stage(0, unset_name=True, unset_folder=True)
    assert payload_of(sent, "/update")["stages"] == {"first": {"name": None, "folder": None}}

    other = make_applet(name="other")
    workflow.update_stage(1, executable=other, name="renamed")
    exec_payload = payload_of(sent, "/updateStageExecutable")
    assert {k: exec_payload[k] for k in ("stage", "executable", "force")} == \
        ({"stage": workflow.stages[1]["id"], "executable": other.get_id(), "force": False})
    stage = workflow.get_stage(1)
    assert (stage["executable"], stage["name"]) == (other.get_id(), "renamed")


def test_update_stage_wrong_inputs(workflow, sent):
    count = len(sent)
    with pytest.raises(DXError, match="unset_name"):
        workflow.update_stage(0, name="x", unset_name=True)
    with pytest.raises(DXError, match="unset_folder"):
        workflow.update_stage(0, folder="x", unset_folder=True)
    with pytest.raises(DXError, match="executable"):
        workflow.update_stage(0, executable=42)
    with pytest.raises(DXError, match="could not be found"):
        workflow.update_stage("ghost", name="x")
    assert len(sent) == count


def test_add_stage_wrong_executable(workflow, sent):
    count = len(sent)
    with pytest.raises(DXError, match="executable must be"):
        workflow.add_stage(DXRecord("record-" + "A" * 24))
    assert len(sent) == count
    with pytest.raises(DXAPIError):
        workflow.add_stage("applet-" + "Z" * 24)


def test_workflow_run_payload_with_stage_keys(workflow, dx_emulator, sent):
    call_id = workflow.stages[1]["id"]
    analysis = workflow.run({"0.x": 3, "call.x": 4}, folder="/runs", name="my analysis",
                            stage_instance_types={"align": "mem1_ssd1_x2", "*": {"main": "mem1_ssd1_x4"}},
                            stage_folders={1: "/call_out", "*": "/rest"}, rerun_stages=["align", "*"],
                            ignore_reuse_stages=[1], priority="low")
    assert isinstance(analysis, DXAnalysis)
    assert payload_of(sent, "/run") == {
        "input": {"first.x": 3, call_id + ".x": 4}, "project": dx_emulator.project_id, "folder": "/runs",
        "name": "my analysis", "priority": "low",
        "stageSystemRequirements": {"first": {"*": {"instanceType": "mem1_ssd1_x2"}},
                                    "*": {"main": {"instanceType": "mem1_ssd1_x4"}}},
        "stageFolders": {call_id: "/call_out", "*": "/rest"}, "rerunStages": ["first", "*"],
        "ignoreReuse": [call_id]}
    desc = analysis.describe()
    assert (desc["class"], desc["name"], desc["executable"]) == ("analysis", "my analysis", workflow.get_id())


def test_workflow_run_ignore_reuse_means_every_stage(workflow, sent):
    workflow.run(workflow_input={}, ignore_reuse=True)
    assert payload_of(sent, "/run")["ignoreReuse"] == ["*"]


def test_workflow_run_wrong_inputs(workflow, sent):
    count = len(sent)
    with pytest.raises(DXError, match="more than once"):
        workflow.run({"0.x": 1, "align.x": 2})
    with pytest.raises(DXError, match="could not be found"):
        workflow.run({"ghost.x": 1})
    with pytest.raises(DXError, match="out of range"):
        workflow.run({}, stage_folders={9: "/x"})
    with pytest.raises(DXError, match="stage_instance_types must be a dict"):
        workflow.run({}, stage_instance_types=["mem1_ssd1_x2"])
    with pytest.raises(DXError, match="rerun_stages must be a list"):
        workflow.run({}, rerun_stages="*")
    with pytest.raises(DXError, match="input of a workflow"):
        workflow.run("0.x=1")
    assert len(sent) == count


def test_workflow_init_from(workflow, dx_emulator, sent):
    copy = new_dxworkflow(init_from=workflow, name="copy")
    assert payload_of(sent, "/workflow/new")["initializeFrom"] == {"id": workflow.get_id(),
                                                                   "project": workflow.get_proj_id()}
    assert [stage["id"] for stage in copy.describe()["stages"]] == [stage["id"] for stage in workflow.stages]
    for bad in ("workflow-" + "A" * 24, "analysis-short", 42, DXRecord("record-" + "A" * 24)):
        with pytest.raises(DXError, match="init_from"):
            new_dxworkflow(init_from=bad)


def test_workflow_is_locked(workflow):
    assert workflow.is_locked() is False
    workflow.update(workflow_inputs=[{"name": "wx", "class": "int", "optional": True}])
    workflow.close()
    workflow.describe()
    assert workflow.is_locked() is True


def test_workflow_data_object_methods(workflow, dx_emulator):
    workflow.add_types(["pipeline"])
    workflow.set_details({"v": 1})
    workflow.hide()
    workflow.set_properties({"p": "q"})
    desc = workflow.describe(incl_properties=True, incl_details=True)
    assert (desc["types"], desc["details"], desc["hidden"], desc["properties"]) == \
        (["pipeline"], {"v": 1}, True, {"p": "q"})


def test_workflow_handler_wrong_id():
    with pytest.raises(DXError, match="workflow"):
        DXWorkflow("applet-" + "A" * 24)


# DXGlobalWorkflow


@pytest.fixture
def global_workflow(workflow, dx_emulator):
    region = DXProject(dx_emulator.project_id).describe()["region"]
    workflow.close()
    gwf = DXGlobalWorkflow()
    gwf.new(name="gwf", version="1.0.0", regionalOptions={region: {"workflow": workflow.get_id()}})
    return gwf


def test_global_workflow_new_describe_publish(sent, global_workflow, workflow, dx_emulator):
    payload = payload_of(sent, "/globalworkflow/new")
    assert (payload["name"], payload["version"]) == ("gwf", "1.0.0")
    desc = global_workflow.describe()
    assert (desc["class"], desc["name"], desc["version"]) == ("globalworkflow", "gwf", "1.0.0")
    named = DXGlobalWorkflow(name="gwf", alias="1.0.0")
    assert named.get_id() == "globalworkflow-gwf/1.0.0"
    assert named.describe(fields={"id": True})["id"] == global_workflow.get_id()
    global_workflow.publish(input_params={"makeDefault": True})
    assert DXGlobalWorkflow(name="gwf").describe()["published"]


def test_global_workflow_underlying_workflow(global_workflow, workflow, dx_emulator):
    region = DXProject(dx_emulator.project_id).describe()["region"]
    underlying = global_workflow.get_underlying_workflow(region)
    assert isinstance(underlying, DXWorkflow)
    assert global_workflow.get_underlying_workflow(region) is underlying  # cached per region
    # the version keeps its own closed copy of the workflow
    desc = global_workflow.describe_underlying_workflow(region)
    assert desc["id"] == underlying.get_id()
    assert [stage["id"] for stage in desc["stages"]] == [stage["id"] for stage in workflow.stages]
    assert global_workflow.describe_underlying_workflow(region) is desc
    full = global_workflow.append_underlying_workflow_desc(global_workflow.describe(), region)
    assert [stage["id"] for stage in full["stages"]] == [stage["id"] for stage in workflow.stages]
    with pytest.raises(DXError, match="not enabled in region"):
        global_workflow.get_underlying_workflow("aws:nowhere")
    with pytest.raises(DXError, match="region must be provided"):
        global_workflow.describe_underlying_workflow(None)


def test_global_workflow_run(global_workflow, workflow, dx_emulator, sent):
    analysis = global_workflow.run({"align.x": 7}, name="global run")
    assert isinstance(analysis, DXAnalysis)
    assert payload_of(sent, "/run") == {"input": {"first.x": 7}, "name": "global run",
                                        "project": dx_emulator.project_id}
    assert analysis.describe()["executable"] == global_workflow.get_id()


@pytest.mark.parametrize("args, message", [
    ({"dxid": "globalworkflow-short"}, "Invalid ID"),
    ({"dxid": "globalworkflow-" + "A" * 24, "name": "x"}, "Did not expect"),
    ({"name": 3}, "name needs to be"),
    ({"name": "x", "alias": 3}, "alias needs to be"),
])
def test_global_workflow_wrong_ids(args, message):
    with pytest.raises(DXError, match=message):
        DXGlobalWorkflow(**args)


def test_global_workflow_new_requires_fields(dx_emulator, sent):
    for missing in ("version", "name", "regionalOptions"):
        fields = {"version": "1.0.0", "name": "g", "regionalOptions": {}}
        del fields[missing]
        with pytest.raises(DXError, match=missing):
            DXGlobalWorkflow().new(**fields)
    with pytest.raises(DXError, match="neither an ID nor a name"):
        DXGlobalWorkflow().describe()
    assert not sent


# App containers


@pytest.fixture
def in_job(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "JOB_ID", "job-" + "J" * 24)
    for name in ("DX_RESOURCES_ID", "DX_PROJECT_CACHE_ID"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_load_app_resource(in_job, dx_emulator):
    resources = DXProject()
    resources.new("resources")
    record = new_dxrecord(project=resources.get_id(), name="genome", close=True)
    in_job.setenv("DX_RESOURCES_ID", resources.get_id())
    found = load_app_resource(name="genome", classname="record")
    assert (found.get_id(), found.get_proj_id()) == (record.get_id(), resources.get_id())
    assert load_app_resource(name="absent") is None
    # without DX_RESOURCES_ID the project context is searched
    in_job.delenv("DX_RESOURCES_ID")
    here = new_dxrecord(name="local", close=True)
    assert load_app_resource(name="local").get_id() == here.get_id()


def test_cache_round_trip(in_job, dx_emulator):
    cache = DXProject()
    cache.new("cache")
    in_job.setenv("DX_PROJECT_CACHE_ID", cache.get_id())
    assert load_from_cache(name="index") is None
    record = new_dxrecord(name="index", close=True)
    save_to_cache(record)
    assert dxpy.api.project_list_folder(cache.get_id())["objects"] == [{"id": record.get_id()}]
    workspace = DXProject()
    workspace.new("workspace")
    in_job.setattr(dxpy, "WORKSPACE_ID", workspace.get_id())
    loaded = load_from_cache(name="index")
    assert (loaded.get_id(), loaded.get_proj_id()) == (record.get_id(), workspace.get_id())


def test_container_functions_wrong_use(in_job, dx_emulator):
    with pytest.raises(DXError, match="project"):
        load_app_resource(project=dx_emulator.project_id, name="x")
    with pytest.raises(DXError, match="project"):
        load_from_cache(project=dx_emulator.project_id, name="x")
    with pytest.raises(DXError, match="DX_PROJECT_CACHE_ID"):
        load_from_cache(name="x")
    with pytest.raises(DXError, match="DX_PROJECT_CACHE_ID"):
        save_to_cache(new_dxrecord())
    in_job.setenv("DX_PROJECT_CACHE_ID", dx_emulator.project_id)
    with pytest.raises(DXError, match="data object handler"):
        save_to_cache(DXJob("job-" + "A" * 24))
    in_job.delenv("DX_PROJECT_CONTEXT_ID", raising=False)
    with pytest.raises(DXError, match="resources container"):
        load_app_resource(name="x")
    in_job.setattr(dxpy, "JOB_ID", None)
    for call in (lambda: load_app_resource(name="x"), lambda: load_from_cache(name="x"),
                 lambda: save_to_cache(new_dxrecord())):
        with pytest.raises(DXError, match="Not called by a job"):
            call()
