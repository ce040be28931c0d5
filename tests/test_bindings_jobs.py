"""DXJob, new_dxjob, DXAnalysis and SystemRequirementsDict.

Executions made by the emulator stay idle (nothing executes them yet); tests that need a
finished or failed execution set its state in the emulator's store, as a job runner would.
"""
import pytest

from loopback import reply

import dxpy
from dxpy.bindings import new_dxrecord
from dxpy.bindings.dxanalysis import DXAnalysis
from dxpy.bindings.dxapplet import DXApplet
from dxpy.bindings.dxjob import DXJob, SystemRequirementsDict, new_dxjob
from dxpy.bindings.dxworkflow import new_dxworkflow
from dxpy.exceptions import DXAPIError, DXError, DXJobFailureError

# These tests check the API bookkeeping of runs: the emulator leaves every job idle.
pytestmark = pytest.mark.dx_emulator(run_jobs=False)

CODE = "import dxpy\n\n@dxpy.entry_point('main')\ndef main():\n    return {}\n"
JOB_ID = "job-" + "J" * 24
OTHER_JOB = "job-" + "K" * 24


@pytest.fixture
def applet(dx_emulator):
    applet = DXApplet()
    applet.new(name="noop", dxapi="1.0.0", runSpec={"interpreter": "python3", "code": CODE},
               inputSpec=[], outputSpec=[])
    return applet


@pytest.fixture
def job(applet):
    return applet.run({})


@pytest.fixture
def analysis(applet):
    workflow = new_dxworkflow(name="wf")
    workflow.add_stage(applet, name="only")
    return workflow.run({})


def set_execution(emulator, execution_id, **fields):
    """Change the stored execution as the job runner would (state, failure fields...)."""
    platform = emulator.platform
    with platform.transaction() as state:
        state["jobs"][execution_id].update(fields)


# DXJob


def test_job_describe_variants(job, dx_emulator):
    desc = job.describe()
    assert (desc["id"], desc["class"], desc["state"]) == (job.get_id(), "job", "idle")
    assert job.describe(fields={"state": True}) == {"id": job.get_id(), "state": "idle"}
    # field names may also be given as a set
    assert job.describe(fields={"state"})["state"] == "idle"
    assert "state" in job.describe(fields={"tags": True}, defaultFields=True)
    assert "id" in job.describe(io=False)
    assert job.state == "idle"  # attributes read the cached description


def test_job_describe_fields_and_io_conflict(job):
    with pytest.raises(DXError, match="fields and io"):
        job.describe(fields={"state": True}, io=True)


def test_job_tags_and_properties(job):
    job.add_tags(["a", "b"])
    job.remove_tags(["a"])
    job.set_properties({"k": "v", "gone": "x"})
    job.set_properties({"gone": None})
    desc = job.describe(fields={"tags": True, "properties": True})
    assert (desc["tags"], desc["properties"]) == (["b"], {"k": "v"})


def test_job_update_allow_ssh(job):
    job.update(["10.0.0.0/8"])
    assert job.describe(fields={"allowSSH": True})["allowSSH"] == ["10.0.0.0/8"]


def test_job_terminate_then_wait_raises(job):
    job.terminate()
    assert job.describe()["state"] == "terminated"
    with pytest.raises(DXJobFailureError, match="terminated"):
        job.wait_on_done(interval=0)


def test_job_wait_on_done_returns_when_done(job, dx_emulator):
    set_execution(dx_emulator, job.get_id(), state="done", output={})
    assert job.wait_on_done(interval=0) is None


def test_job_wait_on_done_failure_message(job, dx_emulator):
    set_execution(dx_emulator, job.get_id(), state="failed", failureReason="AppError",
                  failureMessage="bad input", failureFrom={"id": OTHER_JOB})
    with pytest.raises(DXJobFailureError) as failure:
        job.wait_on_done(interval=0)
    assert str(failure.value) == "Job has failed because of AppError: bad input (failure from %s)" % OTHER_JOB
    set_execution(dx_emulator, job.get_id(), failureFrom={"id": job.get_id()})
    with pytest.raises(DXJobFailureError) as failure:
        job.wait_on_done(interval=0)
    assert str(failure.value) == "Job has failed because of AppError: bad input"


def test_job_wait_on_done_timeout(job):
    with pytest.raises(DXJobFailureError, match="timeout"):
        job.wait_on_done(interval=0, timeout=0)
    with pytest.raises(DXJobFailureError, match="timeout"):
        job.wait_on_done(interval=0.001, timeout=0.002)


@pytest.mark.parametrize("options", [{"interval": -1}, {"timeout": "long"}, {"interval": None}])
def test_job_wait_on_done_bad_arguments(options):
    with pytest.raises(DXError, match="wait_on_done"):
        DXJob(JOB_ID).wait_on_done(**options)


def test_job_not_found(dx_emulator):
    with pytest.raises(DXAPIError):
        DXJob(JOB_ID).describe()


@pytest.mark.parametrize("bad", ["job-short", "analysis-" + "A" * 24, 42, "JOB-" + "A" * 24])
def test_job_handler_wrong_ids(bad):
    with pytest.raises(DXError, match="Invalid ID"):
        DXJob(bad)


def test_job_handler_ids():
    assert DXJob("localjob-3").get_id() == "localjob-3"
    assert DXJob().get_id() is None
    with pytest.raises(DXError, match="no job ID"):
        DXJob().describe()
    with pytest.raises(DXError, match="no job ID"):
        DXJob().terminate()


def test_get_output_ref():
    job = DXJob(JOB_ID)
    assert job.get_output_ref("out") == {"$dnanexus_link": {"job": JOB_ID, "field": "out"}}
    assert job.get_output_ref("out", index=2, metadata="name") == \
        {"$dnanexus_link": {"job": JOB_ID, "field": "out", "index": 2, "metadata": "name"}}


# new_dxjob


def test_new_dxjob_payload_inside_a_job(dx, monkeypatch):
    monkeypatch.setenv("DX_JOB_ID", JOB_ID)
    dx.server.push(reply(json={"id": OTHER_JOB}))
    record_id = "record-" + "R" * 24
    subjob = new_dxjob({"a": 1}, "process", name="sub", tags=["t"], properties={"k": "v"}, details={"d": 1},
                       instance_type="mem1_ssd1_x4", depends_on=[DXJob(JOB_ID), record_id],
                       cluster_spec={"process": {"clusterSpec": {"type": "dxspark"}}},
                       system_requirements_by_executable={"applet-" + "A" * 24: {"*": {"instanceType": "x"}}})
    assert subjob.get_id() == OTHER_JOB
    request = dx.server.requests[-1]
    assert request.path == "/job/new"
    payload = request.json()
    assert payload.pop("nonce")
    # a string instance type applies to the entry point being called
    assert payload == {
        "input": {"a": 1}, "function": "process", "name": "sub", "tags": ["t"], "properties": {"k": "v"},
        "details": {"d": 1},
        "systemRequirements": {"process": {"instanceType": "mem1_ssd1_x4", "clusterSpec": {"type": "dxspark"}}},
        "systemRequirementsByExecutable": {"applet-" + "A" * 24: {"*": {"instanceType": "x"}}},
        "dependsOn": [JOB_ID, record_id]}


def test_new_dxjob_minimal_payload_and_system_requirements_override(dx, monkeypatch):
    monkeypatch.setenv("DX_JOB_ID", JOB_ID)
    dx.server.push(reply(json={"id": OTHER_JOB}), reply(json={"id": OTHER_JOB}))
    new_dxjob({}, "main")
    assert dx.server.requests[-1].json() == {"input": {}, "function": "main",
                                             "nonce": dx.server.requests[-1].json()["nonce"]}
    DXJob().new({}, "main", instance_type="a", system_requirements={"main": {"instanceType": "b"}})
    assert dx.server.requests[-1].json()["systemRequirements"] == {"main": {"instanceType": "b"}}


def test_new_dxjob_wrong_inputs(dx, monkeypatch):
    monkeypatch.setenv("DX_JOB_ID", JOB_ID)
    with pytest.raises(DXError, match="depends_on field to be a list"):
        new_dxjob({}, "main", depends_on=JOB_ID)
    with pytest.raises(DXError, match="does not have an ID"):
        new_dxjob({}, "main", depends_on=[DXJob()])
    with pytest.raises(DXError, match="instance_type"):
        new_dxjob({}, "main", instance_type=["x"])
    with pytest.raises(DXError, match="fn_name"):
        new_dxjob({}, None)
    assert dx.server.requests == []


def test_new_dxjob_outside_a_job_uses_the_local_harness(dx, monkeypatch):
    monkeypatch.delenv("DX_JOB_ID", raising=False)
    queued = []

    def fake_queue(function, input_hash, depends_on=[], name=None):
        queued.append((function, input_hash, depends_on, name))
        return "localjob-0"
    monkeypatch.setattr(dxpy.bindings.dxjob, "queue_entry_point", fake_queue)
    job = new_dxjob({"a": 1}, "helper", name="n", depends_on=[DXJob("localjob-9")])
    assert job.get_id() == "localjob-0"
    assert queued == [("helper", {"a": 1}, ["localjob-9"], "n")]
    assert dx.server.requests == []


# DXAnalysis


def test_analysis_describe_tags_properties(analysis):
    desc = analysis.describe()
    assert (desc["id"], desc["class"]) == (analysis.get_id(), "analysis")
    assert analysis.describe(fields={"state": True}) == {"id": analysis.get_id(), "state": desc["state"]}
    analysis.add_tags(["x", "y"])
    analysis.remove_tags(["x"])
    analysis.set_properties({"p": "1"})
    desc = analysis.describe(fields={"tags": True, "properties": True})
    assert (desc["tags"], desc["properties"]) == (["y"], {"p": "1"})


def test_analysis_terminate_and_wait(analysis):
    analysis.terminate()
    assert analysis.describe()["state"] == "terminated"
    with pytest.raises(DXJobFailureError, match="Analysis was terminated"):
        analysis.wait_on_done(interval=0)


@pytest.mark.parametrize("state", ["failed", "partially_failed"])
def test_analysis_wait_failure(analysis, dx_emulator, state):
    set_execution(dx_emulator, analysis.get_id(), state=state, failureReason="AppError", failureMessage="oops")
    with pytest.raises(DXJobFailureError, match="^Analysis has failed because of AppError: oops$"):
        analysis.wait_on_done(interval=0)


def test_analysis_wait_done_and_timeout(analysis, dx_emulator):
    with pytest.raises(DXJobFailureError, match="timeout"):
        analysis.wait_on_done(interval=0, timeout=0)
    set_execution(dx_emulator, analysis.get_id(), state="done")
    assert analysis.wait_on_done(interval=0) is None
    with pytest.raises(DXError, match="interval"):
        analysis.wait_on_done(interval=-2)


def test_analysis_output_ref_and_ids():
    analysis_id = "analysis-" + "A" * 24
    assert DXAnalysis(analysis_id).get_output_ref("o", index=0, metadata="name") == \
        {"$dnanexus_link": {"analysis": analysis_id, "field": "o", "index": 0, "metadata": "name"}}
    for bad in ("analysis-1", "job-" + "A" * 24, 7):
        with pytest.raises(DXError, match="Invalid ID"):
            DXAnalysis(bad)
    with pytest.raises(DXError, match="no analysis ID"):
        DXAnalysis().describe()


def test_analysis_not_found(dx_emulator):
    with pytest.raises(DXAPIError):
        DXAnalysis("analysis-" + "A" * 24).describe()


def test_depends_on_a_record_and_job_handlers(applet, job, dx_emulator):
    record = new_dxrecord(close=True)
    second = applet.run({}, depends_on=[job, record])
    assert second.describe()["dependsOn"] == [job.get_id(), record.get_id()]


# SystemRequirementsDict


def test_system_requirements_from_instance_type():
    assert SystemRequirementsDict.from_instance_type(None).as_dict() is None
    assert SystemRequirementsDict.from_instance_type("x").as_dict() == {"*": {"instanceType": "x"}}
    assert SystemRequirementsDict.from_instance_type("x", "main").as_dict() == {"main": {"instanceType": "x"}}
    assert SystemRequirementsDict.from_instance_type({"a": "x", "b": "y"}).as_dict() == \
        {"a": {"instanceType": "x"}, "b": {"instanceType": "y"}}
    with pytest.raises(DXError, match="instance_type"):
        SystemRequirementsDict.from_instance_type(3)


def test_system_requirements_add_and_other_constructors():
    added = SystemRequirementsDict({"a": {"instanceType": "x"}}) + SystemRequirementsDict(
        {"a": {"clusterSpec": {}}, "b": {"fpgaDriver": "f"}})
    assert added.as_dict() == {"a": {"instanceType": "x", "clusterSpec": {}}, "b": {"fpgaDriver": "f"}}
    assert (SystemRequirementsDict(None) + SystemRequirementsDict(None)).as_dict() is None
    with pytest.raises(DXError):
        SystemRequirementsDict(None) + {"a": {}}
    with pytest.raises(DXError, match="entrypoints"):
        SystemRequirementsDict(["a"])
    assert SystemRequirementsDict.from_instance_count("3").as_dict() == \
        {"*": {"clusterSpec": {"initialInstanceCount": 3}}}
    assert SystemRequirementsDict.from_instance_count({"main": 2}).as_dict() == \
        {"main": {"clusterSpec": {"initialInstanceCount": 2}}}
    with pytest.raises(DXError, match="instance_count"):
        SystemRequirementsDict.from_instance_count("many")
    both = {"main": {"instanceType": "x", "clusterSpec": {"type": "spark"}}, "other": {"instanceType": "y"}}
    assert SystemRequirementsDict.from_sys_requirements(both, _type="clusterSpec").as_dict() == \
        {"main": {"clusterSpec": {"type": "spark"}}}
    with pytest.raises(DXError, match="_type"):
        SystemRequirementsDict.from_sys_requirements(both, _type="gpu")


def test_system_requirements_overrides():
    own = SystemRequirementsDict({"main": {"clusterSpec": {"initialInstanceCount": 7, "bootstrapScript": "x.sh"}},
                                  "*": {"clusterSpec": {"initialInstanceCount": 2, "bootstrapScript": "z.sh"}}})
    merged = own.override_cluster_spec(SystemRequirementsDict.from_instance_count({"main": 12, "extra": 4}))
    assert merged.as_dict() == {
        "main": {"clusterSpec": {"initialInstanceCount": 12, "bootstrapScript": "x.sh"}},
        "extra": {"clusterSpec": {"initialInstanceCount": 4, "bootstrapScript": "z.sh"}}}
    base = SystemRequirementsDict({"main": {"instanceType": "a"}, "f": {"instanceType": "b"}})
    assert base.override_spec(SystemRequirementsDict({"f": {"instanceType": "c"}})).as_dict() == \
        {"main": {"instanceType": "a"}, "f": {"instanceType": "c"}}
    everything = SystemRequirementsDict({"*": {"instanceType": "d"}})
    assert base.override_spec(everything) is everything
