"""/system/findExecutions with the array forms of originJob and rootExecution (how dx find
executions fetches whole trees at once): analyses come with their jobs."""
import pytest

import dxpy
from dxpy.exceptions import DXAPIError


@pytest.fixture(scope="module")
def executions():
    import dxpy.emulator
    with dxpy.emulator.running(run_jobs=False) as emulator:
        project = emulator.project_id
        applet = dxpy.api.applet_new({"project": project, "name": "a", "dxapi": "1.0.0",
                                      "runSpec": {"interpreter": "python3", "code": "pass"}})["id"]
        jobs = [dxpy.api.applet_run(applet, {"project": project, "input": {}})["id"] for _ in range(3)]
        workflow = dxpy.api.workflow_new({"project": project, "stages": [
            {"id": "stage-1", "executable": applet}, {"id": "stage-2", "executable": applet}]})["id"]
        analysis = dxpy.api.workflow_run(workflow, {"project": project, "input": {}})["id"]
        yield {"jobs": jobs, "analysis": analysis}


def found(query):
    return sorted(result["id"] for result in dxpy.api.system_find_executions(query)["results"])


def test_origin_job_as_an_array(executions):
    jobs = executions["jobs"]
    assert found({"originJob": jobs[:2]}) == sorted(jobs[:2])
    assert found({"originJob": jobs[0]}) == [jobs[0]]
    assert found({"originJob": []}) == []


def test_root_execution_as_an_array_gives_analyses_with_their_jobs(executions):
    analysis, jobs = executions["analysis"], executions["jobs"]
    stage_jobs = [stage["execution"]["id"] for stage in dxpy.api.analysis_describe(analysis)["stages"]]
    assert len(stage_jobs) == 2
    assert found({"rootExecution": [analysis, jobs[0]]}) == sorted([analysis, jobs[0]] + stage_jobs)
    assert found({"rootExecution": [analysis], "class": "job"}) == sorted(stage_jobs)


@pytest.mark.parametrize("value", [[1, 2], {"id": "job-x"}, 7])
def test_bad_arrays(executions, value):
    for field in ("originJob", "rootExecution"):
        with pytest.raises(DXAPIError) as error:
            dxpy.api.system_find_executions({field: value})
        assert error.value.name == "InvalidInput"
