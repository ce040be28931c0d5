"""Running a workflow as the platform does: its output folder and the stage folders under it,
stage instance types, and a locked workflow's private inputs (through HTTP)."""
import pytest

import dxpy
from dxpy.exceptions import InvalidInput

pytestmark = pytest.mark.dx_emulator(run_jobs=False)

RUN_SPEC = {"interpreter": "python3", "code": "print('hi')",
            "systemRequirements": {"*": {"instanceType": "mem1_ssd1_x2"}}}
IN_SPEC = [{"name": "n", "class": "int"}, {"name": "s", "class": "string", "default": "x"}]


@pytest.fixture
def applet(dx_emulator):
    return dxpy.api.applet_new({"project": dx_emulator.project_id, "name": "tool", "dxapi": "1.0.0",
                                "runSpec": RUN_SPEC, "inputSpec": IN_SPEC,
                                "outputSpec": [{"name": "out", "class": "int"}]})["id"]


def _workflow(applet, **fields):
    fields.setdefault("project", dxpy.PROJECT_CONTEXT_ID)
    fields.setdefault("stages", [
        {"id": "first", "executable": applet, "input": {"n": 1}},
        {"id": "second", "executable": applet, "folder": "sub",
         "systemRequirements": {"*": {"instanceType": "mem2_ssd1_x4"}},
         "input": {"n": {"$dnanexus_link": {"stage": "first", "outputField": "out"}}}}])
    return dxpy.api.workflow_new(fields)["id"]


def _jobs(analysis):
    return [dxpy.api.job_describe(job) for job in analysis["stages"]]


def test_a_run_without_a_folder_goes_to_the_workflows_output_folder(applet):
    workflow = _workflow(applet, outputFolder="/output")
    analysis = dxpy.api.workflow_run(workflow, {"project": dxpy.PROJECT_CONTEXT_ID, "input": {}})
    assert dxpy.api.analysis_describe(analysis["id"])["folder"] == "/output"
    first, second = _jobs(analysis)
    assert (first["folder"], second["folder"]) == ("/output", "/output/sub")


def test_a_folder_given_to_the_run_wins_over_the_output_folder(applet):
    workflow = _workflow(applet, outputFolder="/output")
    analysis = dxpy.api.workflow_run(workflow, {"project": dxpy.PROJECT_CONTEXT_ID, "input": {},
                                                "folder": "/mine"})
    first, second = _jobs(analysis)
    assert (first["folder"], second["folder"]) == ("/mine", "/mine/sub")


def test_a_workflow_without_an_output_folder_runs_into_the_root(applet):
    analysis = dxpy.api.workflow_run(_workflow(applet), {"project": dxpy.PROJECT_CONTEXT_ID, "input": {}})
    assert [job["folder"] for job in _jobs(analysis)] == ["/", "/sub"]


def test_stage_instance_types_are_honoured(applet):
    analysis = dxpy.api.workflow_run(_workflow(applet), {"project": dxpy.PROJECT_CONTEXT_ID, "input": {}})
    first, second = _jobs(analysis)
    assert (first["instanceType"], second["instanceType"]) == ("mem1_ssd1_x2", "mem2_ssd1_x4")
    override = dxpy.api.workflow_run(_workflow(applet), {
        "project": dxpy.PROJECT_CONTEXT_ID, "input": {},
        "stageSystemRequirements": {"first": {"*": {"instanceType": "mem3_ssd1_x8"}}}})
    assert [job["instanceType"] for job in _jobs(override)] == ["mem3_ssd1_x8", "mem2_ssd1_x4"]


def test_a_locked_workflows_private_inputs_cannot_be_overridden(applet):
    workflow = _workflow(applet, inputs=[{"name": "count", "class": "int"}], stages=[
        {"id": "first", "executable": applet,
         "input": {"n": {"$dnanexus_link": {"workflowInputField": "count"}}, "s": "fixed"}}])
    analysis = dxpy.api.workflow_run(workflow, {"project": dxpy.PROJECT_CONTEXT_ID, "input": {"count": 4}})
    assert _jobs(analysis)[0]["input"] == {"n": 4, "s": "fixed"}
    before = len(dxpy.api.system_find_analyses({})["results"])
    with pytest.raises(InvalidInput) as caught:
        dxpy.api.workflow_run(workflow, {"project": dxpy.PROJECT_CONTEXT_ID,
                                         "input": {"count": 4, "first.s": "mine"}})
    assert "first.s" in str(caught.value)
    assert len(dxpy.api.system_find_analyses({})["results"]) == before


@pytest.mark.parametrize("folder", ["relative", 7])
def test_a_bad_output_folder_is_refused(applet, folder):
    with pytest.raises(InvalidInput, match="outputFolder"):
        _workflow(applet, outputFolder=folder)
    workflow = _workflow(applet)
    with pytest.raises(InvalidInput, match="outputFolder"):
        dxpy.api.workflow_update(workflow, {"editVersion": 0, "outputFolder": folder})


def _other_applet(inputs):
    return dxpy.api.applet_new({"project": dxpy.PROJECT_CONTEXT_ID, "name": "other", "dxapi": "1.0.0",
                                "runSpec": RUN_SPEC, "inputSpec": inputs,
                                "outputSpec": [{"name": "out", "class": "int"}]})["id"]


def test_an_incompatible_stage_executable_is_refused_unless_forced(applet):
    workflow = _workflow(applet, stages=[{"id": "first", "executable": applet, "input": {"n": 1, "s": "kept"}}])
    other = _other_applet([{"name": "s", "class": "string"}])   # takes no "n"
    with pytest.raises(dxpy.exceptions.InvalidState):
        dxpy.api.workflow_update_stage_executable(workflow, {"editVersion": 0, "stage": "first",
                                                             "executable": other})
    stage = dxpy.api.workflow_describe(workflow)["stages"][0]
    assert (stage["executable"], stage["input"]) == (applet, {"n": 1, "s": "kept"})   # nothing changed
    answer = dxpy.api.workflow_update_stage_executable(workflow, {"editVersion": 0, "stage": "first",
                                                                  "executable": other, "force": True})
    assert answer["compatible"] is False and answer["incompatibilities"]
    stage = dxpy.api.workflow_describe(workflow)["stages"][0]
    assert (stage["executable"], stage["input"]) == (other, {"s": "kept"})


def test_a_compatible_stage_executable_keeps_the_bound_inputs(applet):
    workflow = _workflow(applet, stages=[{"id": "first", "executable": applet, "input": {"n": 1}}])
    other = _other_applet(IN_SPEC)
    answer = dxpy.api.workflow_update_stage_executable(workflow, {"editVersion": 0, "stage": "first",
                                                                  "executable": other})
    assert answer["compatible"] is True
    assert dxpy.api.workflow_describe(workflow)["stages"][0]["input"] == {"n": 1}
