"""The emulator executes jobs: applets' code runs in local subprocesses, as on the platform.

Every test goes through real HTTP and real job processes; each job is tiny.
"""
import os
import subprocess
import sys
import textwrap
import time

import pytest

import dxpy
from dxpy.bindings.dxapplet import DXApplet
from dxpy.bindings.dxfile_functions import upload_string
from dxpy.bindings.dxjob import DXJob
from dxpy.bindings.dxworkflow import new_dxworkflow
from dxpy.emulator.execution import lifecycle
from dxpy.emulator.execution.runner import JobRunner, policy_seconds
from dxpy.exceptions import DXAPIError, DXJobFailureError
from dxpy.utils import local_exec_utils

FAN_OUT = '''
import dxpy

@dxpy.entry_point("square")
def square(n):
    return {"sq": n * n}

@dxpy.entry_point("gather")
def gather(values):
    record = dxpy.new_dxrecord(details={"values": values}, name="squares", close=True)
    report = dxpy.upload_string(",".join(str(v) for v in values), name="squares.txt", wait_on_close=True)
    return {"record": dxpy.dxlink(record), "report": dxpy.dxlink(report), "sum": sum(values)}

@dxpy.entry_point("main")
def main(n):
    squares = [dxpy.new_dxjob({"n": i}, "square") for i in range(n)]
    gathered = dxpy.new_dxjob({"values": [job.get_output_ref("sq") for job in squares]}, "gather")
    return {"record": gathered.get_output_ref("record"), "report": gathered.get_output_ref("report"),
            "total": gathered.get_output_ref("sum")}

dxpy.run()
'''

FAILING = '''
import dxpy

@dxpy.entry_point("main")
def main(kind):
    if kind == "app":
        raise dxpy.AppError("the input file is empty")
    if kind == "crash":
        return {"ratio": 1 / 0}
    if kind == "missing":
        return {}
    if kind == "unknown_entry":
        return {"value": dxpy.new_dxjob({}, "no_such_entry").get_output_ref("x")}
    if kind == "unknown_field":
        child = dxpy.new_dxjob({"n": 1}, "echo")
        return {"value": dxpy.new_dxjob({"n": child.get_output_ref("nope")}, "echo").get_output_ref("n")}
    if kind == "sleep":
        import time
        print("sleeping", flush=True)
        time.sleep(60)
    return {"value": 1}

@dxpy.entry_point("echo")
def echo(n):
    return {"n": n}
'''

BASH = '''
main() {
    echo "greeting $who"
    dx-jobutil-add-output greeting "hello $who" --class string
    dx-jobutil-add-output count 3 --class int
}

shout() {
    dx-jobutil-add-output greeting "$(echo $who | tr a-z A-Z)" --class string
}

broken() {
    echo "about to fail" >&2
    false
}
'''

BASH_FILES = '''
main() {
    dx-download-all-inputs
    mkdir -p $HOME/out/copy
    tr a-z A-Z < "$reads_path" > $HOME/out/copy/upper.txt
    dx-upload-all-outputs
    dx-jobutil-add-output name "$reads_name" --class string
}
'''


@pytest.fixture
def emu(dx_emulator):
    return dx_emulator  # it executes jobs


def make_applet(code, interpreter="python3", input_spec=None, output_spec=None, **fields):
    applet = DXApplet()
    run_spec = dict({"interpreter": interpreter, "code": code}, **fields.pop("run_spec", {}))
    for key, spec in (("inputSpec", input_spec), ("outputSpec", output_spec)):
        if spec is not None:
            fields[key] = spec
    applet.new(name=fields.pop("name", "tool"), dxapi="1.0.0", runSpec=run_spec, **fields)
    return applet


def failing_applet(output_spec=None, **fields):
    return make_applet(FAILING, input_spec=[{"name": "kind", "class": "string"}],
                       output_spec=output_spec, **fields)


def finish(job):
    job.wait_on_done(interval=0.05, timeout=30)
    return job.describe()


def failed(job):
    with pytest.raises(DXJobFailureError) as caught:
        job.wait_on_done(interval=0.05, timeout=30)
    return job.describe(), str(caught.value)


def wait_for(predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_python_applet_fans_out_and_gathers_through_references(emu):
    applet = make_applet(FAN_OUT, input_spec=[{"name": "n", "class": "int"}],
                         output_spec=[{"name": "record", "class": "record"}, {"name": "report", "class": "file"},
                                      {"name": "total", "class": "int"}])
    job = applet.run({"n": 3}, folder="/results")
    desc = finish(job)
    assert desc["state"] == "done" and desc["output"]["total"] == 0 + 1 + 4
    record_id = desc["output"]["record"]["$dnanexus_link"]
    file_id = desc["output"]["report"]["$dnanexus_link"]
    # Output objects are cloned from the job's workspace into the project and folder of the run.
    record = dxpy.api.record_describe(record_id, {"project": emu.project_id, "details": True})
    assert (record["project"], record["folder"], record["details"]) == (emu.project_id, "/results",
                                                                        {"values": [0, 1, 4]})
    assert dxpy.api.file_describe(file_id, {"project": emu.project_id})["folder"] == "/results"
    assert emu.platform.read_file(file_id) == b"0,1,4"
    # The subjobs ran the named entry points in the parent's workspace, as children of the job.
    children = dxpy.api.system_find_jobs({"parentJob": job.get_id(), "describe": True})["results"]
    functions = sorted(child["describe"]["function"] for child in children)
    assert functions == ["gather", "square", "square", "square"]
    assert all(child["describe"]["workspace"] == desc["workspace"] for child in children)
    assert all(child["describe"]["state"] == "done" for child in children)
    transitions = [step["newState"] for step in desc["stateTransitions"]]
    assert transitions[:2] == ["runnable", "running"] and transitions[-1] == "done"
    assert "Invoking main with {'n': 3}" in emu.job_log(job.get_id())


def test_jobs_get_the_environment_of_a_real_job(emu):
    code = '''
import json, os, dxpy

@dxpy.entry_point("main")
def main():
    keys = ("DX_JOB_ID", "DX_WORKSPACE_ID", "DX_PROJECT_CONTEXT_ID", "HOME")
    env = dict((key, os.environ.get(key)) for key in keys)
    env["cwd"] = os.getcwd()
    env["files"] = sorted(os.listdir("."))
    env["token_is_own"] = json.loads(os.environ["DX_SECURITY_CONTEXT"])["auth_token"] != "%s"
    env["whoami"] = dxpy.api.system_whoami()["id"]
    return {"env": env}
''' % emu.token
    job = make_applet(code).run({})
    env = finish(job)["output"]["env"]
    desc = job.describe()
    assert env["DX_JOB_ID"] == job.get_id() and env["DX_PROJECT_CONTEXT_ID"] == emu.project_id
    assert env["DX_WORKSPACE_ID"] == desc["workspace"] and env["DX_WORKSPACE_ID"].startswith("container-")
    assert env["cwd"] == env["HOME"] and {"in", "out", "job_input.json"} <= set(env["files"])
    assert env["token_is_own"] and env["whoami"] == emu.user_id


def test_bash_applet_uses_job_helper_commands(emu):
    applet = make_applet(BASH, interpreter="bash", input_spec=[{"name": "who", "class": "string"}],
                         output_spec=[{"name": "greeting", "class": "string"}, {"name": "count", "class": "int"}])
    desc = finish(applet.run({"who": "world"}))
    assert desc["output"] == {"greeting": "hello world", "count": 3}
    assert "greeting world" in emu.job_log(desc["id"])


def test_bash_applet_downloads_inputs_and_uploads_outputs(emu):
    reads = upload_string("acgt\n", name="reads.txt", wait_on_close=True)
    applet = make_applet(BASH_FILES, interpreter="bash", input_spec=[{"name": "reads", "class": "file"}],
                         output_spec=[{"name": "copy", "class": "file"}, {"name": "name", "class": "string"}])
    desc = finish(applet.run({"reads": dxpy.dxlink(reads)}))
    assert desc["output"]["name"] == "reads.txt"
    copy_id = desc["output"]["copy"]["$dnanexus_link"]
    assert emu.platform.read_file(copy_id) == b"ACGT\n"
    assert dxpy.api.file_describe(copy_id, {"project": emu.project_id})["name"] == "upper.txt"


def test_bash_nonzero_exit_is_an_app_internal_error(emu):
    parent = make_applet("main() {\n  dx-jobutil-add-output a $(dx-jobutil-new-job broken):x --class jobref\n}\n"
                         + BASH.replace("main()", "unused()"), interpreter="bash")
    desc, message = failed(parent.run({"who": "x"}))
    assert desc["failureReason"] == "AppInternalError"
    assert desc["failureMessage"] == lifecycle.NONZERO_EXIT_MESSAGE
    assert desc["failureFrom"]["function"] == "broken" and "failure from job-" in message
    child = dxpy.api.system_find_jobs({"parentJob": desc["id"]})["results"][0]["id"]
    assert "about to fail" in emu.job_log(child)
    desc, message = failed(make_applet("main() {\n  exit 3\n}\n", interpreter="bash").run({}))
    assert (desc["failureReason"], desc["failureMessage"]) == ("AppInternalError", lifecycle.NONZERO_EXIT_MESSAGE)
    assert "failure from" not in message


def test_bash_entry_point_that_does_not_exist(emu, tmp_path):
    # As on the platform (and in local runs): a script without the entry point's function has done
    # its work at global scope; the job succeeds with what that wrote, and says so in its log.
    code = ('echo "global scope ran"\n'
            'main() {\n  dx-jobutil-add-output sub $(dx-jobutil-new-job nowhere) --class string\n}\n')
    parent = make_applet(code, interpreter="bash").run({})
    sub = dxpy.DXJob(finish(parent)["output"]["sub"])
    desc = finish(sub)
    assert (desc["function"], desc["state"], desc["output"]) == ("nowhere", "done", {})
    assert "global scope ran" in emu.job_log(sub.get_id())
    assert "Not invoking entry point function nowhere because it was not found" in emu.job_log(sub.get_id())
    # the same script run locally behaves alike
    script = tmp_path / "app.sh"
    script.write_text(code)
    assert local_exec_utils.run_locally(str(script), {}, function="nowhere",
                                        job_homedirs=str(tmp_path / "jobs")) == {}


def test_two_stage_workflow_passes_stage_outputs(emu):
    double = make_applet('''
import dxpy

@dxpy.entry_point("main")
def main(n):
    return {"n": n * 2}
''', input_spec=[{"name": "n", "class": "int"}], output_spec=[{"name": "n", "class": "int"}], name="double")
    workflow = new_dxworkflow(name="twice")
    first = workflow.add_stage(double, name="first")
    second = workflow.add_stage(double, name="second",
                                stage_input={"n": {"$dnanexus_link": {"stage": first, "outputField": "n"}}})
    analysis = workflow.run({"%s.n" % first: 5})
    analysis.wait_on_done(interval=0.05, timeout=30)
    desc = analysis.describe()
    assert desc["state"] == "done"
    assert desc["output"] == {"%s.n" % first: 10, "%s.n" % second: 20}
    assert [stage["execution"]["state"] for stage in desc["stages"]] == ["done", "done"]


def test_a_failed_stage_fails_the_analysis_and_its_dependents(emu):
    applet = failing_applet(output_spec=[{"name": "value", "class": "int"}])
    follow = make_applet(FAILING, input_spec=[{"name": "kind", "class": "string"},
                                              {"name": "extra", "class": "int"}], name="follow")
    workflow = new_dxworkflow(name="breaks")
    first = workflow.add_stage(applet, stage_input={"kind": "app"})
    workflow.add_stage(follow, stage_input={"kind": "fine",
                                            "extra": {"$dnanexus_link": {"stage": first, "outputField": "value"}}})
    analysis = workflow.run({})
    with pytest.raises(DXJobFailureError):
        analysis.wait_on_done(interval=0.05, timeout=30)
    desc = analysis.describe()
    assert desc["state"] == "failed" and desc["failureReason"] == "AppError"
    states = [(stage["execution"]["state"], stage["execution"]["failureReason"]) for stage in desc["stages"]]
    assert states == [("failed", "AppError"), ("failed", "DependencyUnsatisfiable")]


def test_app_error_and_unexpected_exception(emu):
    applet = failing_applet()
    desc, message = failed(applet.run({"kind": "app"}))
    assert (desc["state"], desc["failureReason"], desc["failureMessage"]) == ("failed", "AppError",
                                                                              "the input file is empty")
    assert message == "Job has failed because of AppError: the input file is empty"
    desc, _ = failed(applet.run({"kind": "crash"}))
    assert desc["failureReason"] == "AppInternalError"
    assert desc["failureMessage"] == "ZeroDivisionError: division by zero"
    assert "Traceback" in emu.job_log(desc["id"])
    assert dxpy.api.system_whoami()["id"] == emu.user_id  # the emulator is still up


def test_missing_required_output_is_an_output_error(emu):
    applet = failing_applet(output_spec=[{"name": "value", "class": "int"}])
    desc, _ = failed(applet.run({"kind": "missing"}))
    assert desc["failureReason"] == "OutputError" and '"value"' in desc["failureMessage"]


def test_unknown_entry_point_fails_the_job_tree(emu):
    desc, message = failed(failing_applet().run({"kind": "unknown_entry"}))
    assert desc["failureReason"] == "AppInternalError" and "no_such_entry" in desc["failureMessage"]
    assert desc["failureFrom"]["function"] == "no_such_entry"


def test_reference_to_an_unknown_field_fails_the_subjob(emu):
    desc, _ = failed(failing_applet().run({"kind": "unknown_field"}))
    assert desc["failureReason"] == "InputError" and '"nope"' in desc["failureMessage"]


def test_input_that_does_not_match_the_spec(emu):
    applet = failing_applet(output_spec=[{"name": "value", "class": "int"}])
    with pytest.raises(DXAPIError, match="kind"):
        applet.run({"kind": 3})
    with pytest.raises(DXAPIError, match="not in the input specification"):
        applet.run({"kind": "fine", "extra": 1})
    # A reference whose value turns out to be of the wrong class fails the job that needs it.
    producer = applet.run({"kind": "fine"})
    desc, _ = failed(applet.run({"kind": producer.get_output_ref("value")}))
    assert desc["failureReason"] == "InputError" and "string" in desc["failureMessage"]


def test_failed_dependency_fails_the_dependent(emu):
    applet = failing_applet(output_spec=[{"name": "value", "class": "int"}])
    first = applet.run({"kind": "app"})
    second = applet.run({"kind": "fine"}, depends_on=[first])
    third = DXJob(dxpy.api.applet_run(applet.get_id(), {
        "project": emu.project_id, "input": {"kind": {"$dnanexus_link": {"job": first.get_id(), "field": "x"}}}})["id"])
    for job in (second, third):
        desc, _ = failed(job)
        assert desc["failureReason"] == "DependencyUnsatisfiable"
        assert desc["failureMessage"] == "%s was a job dependency but failed" % first.get_id()


def test_timeout_policy_fails_the_job(emu):
    applet = failing_applet(run_spec={"timeoutPolicy": {"*": {"minutes": 0.01}}})
    desc, _ = failed(applet.run({"kind": "sleep"}))
    assert desc["failureReason"] == "JobTimeoutExceeded" and desc["state"] == "failed"
    assert policy_seconds({"timeoutPolicy": {"main": {"hours": 1, "minutes": 2}}}, "main") == 3720
    assert policy_seconds({"timeoutPolicy": {"other": {"hours": 1}}}, "main") is None


def test_terminate_kills_a_running_job(emu):
    job = failing_applet().run({"kind": "sleep"})
    assert wait_for(lambda: "sleeping" in emu.job_log(job.get_id()))
    job.terminate()
    desc, message = failed(job)
    assert desc["state"] == "terminated" and message == "Job was terminated."
    assert wait_for(lambda: not emu.job_runner._processes)  # the process is gone
    assert dxpy.api.job_get_log(job.get_id())["state"] == "terminated"


def test_get_log_route_and_runner_options(emu):
    job = failing_applet().run({"kind": "fine"})
    finish(job)
    messages = dxpy.api.job_get_log(job.get_id())["messages"]
    assert any(m["level"] == "STDOUT" and "Invoking main" in m["msg"] for m in messages)
    with pytest.raises(DXAPIError, match="token of a running job"):
        dxpy.api.job_new({"function": "main", "input": {}})
    with pytest.raises(RuntimeError, match="already"):
        emu.start_jobs()
    for bad in ({"max_parallel_jobs": 0}, {"max_parallel_jobs": "2"}, {"job_timeout": -1}):
        with pytest.raises(ValueError):
            JobRunner(emu.platform, {}, **bad)


@pytest.mark.dx_emulator(job_timeout=0.5)
def test_emulator_wide_job_timeout(dx_emulator):
    desc, _ = failed(failing_applet().run({"kind": "sleep"}))
    assert desc["failureReason"] == "JobTimeoutExceeded"


def test_apps_run_their_code_too(emu):
    applet = failing_applet(output_spec=[{"name": "value", "class": "int"}])
    app_id = dxpy.api.app_new({"applet": applet.get_id(), "name": "runner-app", "version": "1.0.0"})["id"]
    job = DXJob(dxpy.api.app_run(app_id, input_params={"project": emu.project_id, "input": {"kind": "fine"}})["id"])
    desc = finish(job)
    assert (desc["app"], desc["output"]) == (app_id, {"value": 1})


def test_background_processes_end_with_the_job(emu):
    code = "main() {\n  (sleep 30; echo late) &\n  dx-jobutil-add-output ok yes --class string\n}\n"
    desc = finish(make_applet(code, interpreter="bash").run({}))
    assert desc["output"] == {"ok": "yes"}
    assert "late" not in emu.job_log(desc["id"])


WAITS_ON_ITS_SUBJOB = '''
import dxpy

@dxpy.entry_point("child")
def child(n):
    return {"n": n + 1}

@dxpy.entry_point("main")
def main(n):
    sub = dxpy.new_dxjob({"n": n}, "child")
    sub.wait_on_done(interval=0.05)  # blocks while holding what would be the only slot
    return {"n": sub.describe()["output"]["n"]}
'''


@pytest.mark.dx_emulator(max_parallel_jobs=1)
def test_a_job_waiting_on_its_subjob_gives_up_its_slot(dx_emulator):
    applet = make_applet(WAITS_ON_ITS_SUBJOB, input_spec=[{"name": "n", "class": "int"}],
                         output_spec=[{"name": "n", "class": "int"}])
    assert finish(applet.run({"n": 1}))["output"] == {"n": 2}


@pytest.mark.dx_emulator(max_parallel_jobs=1)
def test_one_slot_runs_independent_jobs_one_after_the_other(dx_emulator):
    applet = failing_applet()
    jobs = [applet.run({"kind": "fine"}) for _ in range(2)]  # both runnable at once
    first, second = [finish(job) for job in jobs]
    earlier, later = sorted((first, second), key=lambda desc: desc["startedRunning"])
    assert later["startedRunning"] >= earlier["stoppedRunning"]


def test_a_finished_job_tree_loses_its_workspace_unless_delayed(emu):
    applet = make_applet(FAN_OUT, input_spec=[{"name": "n", "class": "int"}])
    kept = finish(applet.run({"n": 1}, delay_workspace_destruction=True))
    gone = finish(applet.run({"n": 2}))

    def destroyed(workspace):
        try:
            dxpy.api.container_describe(workspace)
        except dxpy.exceptions.ResourceNotFound:
            return True
        return False

    assert wait_for(lambda: destroyed(gone["workspace"]))
    assert not destroyed(kept["workspace"])
    # The outputs were cloned into the project before: they outlive the workspace.
    report = gone["output"]["report"]["$dnanexus_link"]
    assert emu.platform.read_file(report) == b"0,1"


def test_dx_emulator_marker_options(tmp_path):
    (tmp_path / "test_marked.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.mark.dx_emulator(False)
        def test_positional(dx_emulator):
            pass

        @pytest.mark.dx_emulator(run_jobs=False)
        def test_idle(dx_emulator):
            assert dx_emulator.job_runner is None

        def test_runs_jobs_by_default(dx_emulator):
            assert dx_emulator.job_runner.max_parallel_jobs == 4
    '''))
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith("DX_"))
    env["PYTHONPATH"] = repo  # the plugin is found through the package's entry point
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=120)
    assert "2 passed, 1 error" in done.stdout and "keyword options only" in done.stdout, done.stdout


def test_command_line_job_options():
    from dxpy.emulator.__main__ import build_parser
    parser = build_parser()
    options = parser.parse_args([])
    assert (options.run_jobs, options.max_parallel_jobs, options.job_timeout) == (True, 4, None)
    options = parser.parse_args(["--no-run-jobs", "--max-parallel-jobs", "2", "--job-timeout", "1.5"])
    assert (options.run_jobs, options.max_parallel_jobs, options.job_timeout) == (False, 2, 1.5)
    assert parser.parse_args(["--run-jobs"]).run_jobs is True
    for bad in (["--max-parallel-jobs", "0"], ["--max-parallel-jobs", "two"], ["--job-timeout", "-1"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)
