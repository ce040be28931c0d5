"""dxpy.utils.local_exec_utils: running an app's entry points and their subjobs locally,
resolving job-based references between local jobs (and to platform jobs of the emulator)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import dxpy
from dxpy.exceptions import DXError, DXJobFailureError
from dxpy.utils import local_exec_utils as lx
from test_exec_utils import read_json

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FAN_OUT_APP = textwrap.dedent('''
    import dxpy

    @dxpy.entry_point("square")
    def square(x):
        return {"y": x * x, "both": [x, x * x]}

    @dxpy.entry_point("total")
    def total(values, label):
        record = dxpy.bindings.dxrecord.new_dxrecord(name=label, details={"sum": sum(values)},
                                                     project=dxpy.WORKSPACE_ID)
        record.close()
        return {"sum": sum(values), "record": dxpy.dxlink(record.get_id())}

    @dxpy.entry_point("main")
    def main(n, label):
        jobs = [dxpy.new_dxjob({"x": i}, "square", name="square %d" % i) for i in range(n)]
        summer = dxpy.new_dxjob({"values": [job.get_output_ref("y") for job in jobs], "label": label}, "total")
        return {"total": summer.get_output_ref("sum"), "record": summer.get_output_ref("record"),
                "last_pair_second": jobs[-1].get_output_ref("both", index=1), "n": n}

    @dxpy.entry_point("broken_ref")
    def broken_ref():
        job = dxpy.new_dxjob({"x": 3}, "square")
        return {"nothing": job.get_output_ref("no_such_field")}

    @dxpy.entry_point("fails_in_subjob")
    def fails_in_subjob():
        job = dxpy.new_dxjob({}, "raise_error")
        return {"never": job.get_output_ref("x")}

    @dxpy.entry_point("raise_error")
    def raise_error():
        raise dxpy.AppError("the input file is empty")

    @dxpy.entry_point("unknown_entry")
    def unknown_entry():
        job = dxpy.new_dxjob({}, "no_such_entry_point")
        return {"x": job.get_output_ref("x")}

    dxpy.run()
''')


def job_env(emulator=None, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DX_")}
    env["PYTHONPATH"] = REPO
    if emulator is not None:
        env.update(emulator.environment())
    env.update(extra)
    return env


@pytest.fixture
def app(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(FAN_OUT_APP)
    return path


@pytest.fixture
def harness(tmp_path, monkeypatch):
    """An empty local run directory with the variables of a local run set in this process."""
    homedirs = tmp_path / "jobs"
    homedirs.mkdir()
    (homedirs / "job_queue.json").write_text("[]")
    (homedirs / "job_outputs.json").write_text("{}")
    monkeypatch.delenv("DX_JOB_ID", raising=False)
    monkeypatch.setenv("DX_TEST_JOB_HOMEDIRS", str(homedirs))
    monkeypatch.setenv("DX_TEST_CODE_PATH", str(tmp_path / "app.py"))
    monkeypatch.setenv("DX_FS_ROOT", str(tmp_path))
    return homedirs


def add_platform_job(emulator, **fields):
    from dxpy.emulator.model.ids import new_id
    from dxpy.emulator.model.jobs import add_job
    job = {"id": new_id("job"), "function": "main", "input": {}, "project": emulator.project_id,
           "launchedBy": emulator.user_id}
    job.update(fields)
    with emulator.platform.transaction() as state:
        add_job(state, job)
    return job["id"]


def jbor(job, field, index=None):
    link = {"job": job, "field": field}
    if index is not None:
        link["index"] = index
    return {"$dnanexus_link": link}


# ----------------------------------------------------------------------------- whole local runs

def test_fan_out_app_run_from_the_command_line(dx_emulator, app, tmp_path):
    homedirs, out = tmp_path / "jobs", tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "dxpy.utils.local_exec_utils", str(app), "--input",
                           '{"n": 3, "label": "squares"}', "--job-homedirs", str(homedirs), "--output", str(out)],
                          env=job_env(dx_emulator), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    output = read_json(out)
    record_id = output["record"]["$dnanexus_link"]
    assert output == {"total": 0 + 1 + 4, "record": {"$dnanexus_link": record_id}, "last_pair_second": 4, "n": 3}
    record = dxpy.api.record_describe(record_id, {"details": True})
    assert record["name"] == "squares" and record["details"] == {"sum": 5}

    # dxpy's layout: one home directory per local job, the outputs of all jobs in job_outputs.json.
    all_outputs = read_json(homedirs / "job_outputs.json")
    assert list(all_outputs) == ["localjob-%d" % i for i in range(5)]
    assert all_outputs["localjob-2"] == {"y": 1, "both": [1, 1]}
    assert read_json(homedirs / "job_queue.json") == []
    # The subjob of "total" got the squares, resolved from the references main gave it.
    assert read_json(homedirs / "localjob-4" / "job_input.json") == {"values": [0, 1, 4], "label": "squares"}
    assert "square 1 (localjob-2:square)" in proc.stdout


def test_run_locally_in_process(dx_emulator, app, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", REPO)
    # Even from inside a platform job, local job IDs stay local.
    monkeypatch.setenv("DX_JOB_ID", "job-" + "J" * 24)
    output = lx.run_locally(str(app), {"n": 1, "label": "one"}, job_homedirs=str(tmp_path / "jobs"))
    assert output["total"] == 0 and output["n"] == 1
    # The variables of the run are gone afterwards, those it replaced are back.
    assert "DX_TEST_JOB_HOMEDIRS" not in os.environ
    assert os.environ["DX_JOB_ID"] == "job-" + "J" * 24


def test_reference_to_a_missing_field_fails_the_run(app, tmp_path):
    with pytest.raises(DXJobFailureError, match='field "no_such_field" was not found'):
        lx.run_locally(str(app), {}, function="broken_ref", job_homedirs=str(tmp_path / "jobs"))


def test_failing_subjob_fails_the_run(app, tmp_path):
    with pytest.raises(DXJobFailureError, match=r"localjob-1:raise_error.*exited with error code 1") as info:
        lx.run_locally(str(app), {}, function="fails_in_subjob", job_homedirs=str(tmp_path / "jobs"))
    assert str(tmp_path / "jobs") in str(info.value)  # where to look at the jobs' files


def test_unknown_entry_point_fails_the_run(app, tmp_path, capfd):
    with pytest.raises(DXJobFailureError, match="localjob-1:no_such_entry_point"):
        lx.run_locally(str(app), {}, function="unknown_entry", job_homedirs=str(tmp_path / "jobs"))
    assert "No entry point named 'no_such_entry_point'" in capfd.readouterr().err


def test_bash_app_gets_its_inputs_as_variables(tmp_path):
    code = tmp_path / "app.sh"
    code.write_text(textwrap.dedent('''
        main() {
            echo "{\\"greeting\\": \\"hello $who\\", \\"count\\": ${#names[@]}, \\"home\\": \\"$HOME\\"}" \
                > job_output.json
        }
    '''))
    homedirs = tmp_path / "jobs"
    output = lx.run_locally(str(code), {"who": "world", "names": ["a", "b", "c"]}, job_homedirs=str(homedirs))
    assert output == {"greeting": "hello world", "count": 3, "home": str(homedirs / "localjob-0")}
    assert "who=world" in (homedirs / "localjob-0" / "environment").read_text()


def test_bash_app_failure_and_missing_function(tmp_path):
    code = tmp_path / "app.sh"
    code.write_text("main() { false; echo unreachable; }\n")
    with pytest.raises(DXJobFailureError, match="exited with error code 1"):
        lx.run_locally(str(code), {}, job_homedirs=str(tmp_path / "a"))
    # A function that is not defined: bash runs the global scope only, and the output is empty.
    assert lx.run_locally(str(code), {}, function="other", job_homedirs=str(tmp_path / "b")) == {}
    with pytest.raises(DXJobFailureError, match="not a valid bash function name"):
        lx.run_locally(str(code), {}, function="main; rm -rf x", job_homedirs=str(tmp_path / "c"))


def test_run_locally_wrong_input(app, tmp_path):
    with pytest.raises(DXError, match="is not a file"):
        lx.run_locally(str(tmp_path / "missing.py"))
    with pytest.raises(DXError, match="job_input must be a dict"):
        lx.run_locally(str(app), ["n", 3])
    with pytest.raises(DXError, match="function must be the name"):
        lx.run_locally(str(app), {}, function="")
    with pytest.raises(DXJobFailureError, match="interpreter 'perl'"):
        lx.run_locally(str(app), {}, run_spec={"interpreter": "perl"}, job_homedirs=str(tmp_path / "a"))
    homedirs = tmp_path / "used"
    homedirs.mkdir()
    (homedirs / "job_outputs.json").write_text("{}")
    with pytest.raises(DXError, match="already holds a local run"):
        lx.run_locally(str(app), {}, job_homedirs=str(homedirs))


def test_command_line_wrong_input(app):
    proc = subprocess.run([sys.executable, "-m", "dxpy.utils.local_exec_utils", str(app), "--input", "{not json"],
                          env=job_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 2 and "cannot read the job input" in proc.stderr


def test_run_spec_code_is_used_when_given(tmp_path):
    code = "import dxpy\n@dxpy.entry_point('main')\ndef main():\n    return {'from': 'runSpec'}\n"
    placeholder = tmp_path / "placeholder.py"
    placeholder.write_text("raise SystemExit('not this file')\n")
    output = lx.run_locally(str(placeholder), {}, run_spec={"interpreter": "python3", "code": code},
                            job_homedirs=str(tmp_path / "jobs"))
    assert output == {"from": "runSpec"}


# ----------------------------------------------------------------------------- the queue

def test_queue_entry_point_layout(harness):
    assert lx.queue_entry_point("first", {"a": 1}) == "localjob-0"
    assert lx.queue_entry_point("second", {"b": jbor("localjob-0", "x")}, depends_on=["localjob-0"],
                                name="the second") == "localjob-1"
    assert read_json(harness / "job_outputs.json") == {"localjob-0": None, "localjob-1": None}
    assert read_json(harness / "job_queue.json") == [
        {"id": "localjob-0", "function": "first", "input_hash": {"a": 1}, "depends_on": []},
        {"id": "localjob-1", "function": "second", "input_hash": {"b": jbor("localjob-0", "x")},
         "depends_on": ["localjob-0"], "name": "the second"}]
    assert (harness / "localjob-0").is_dir() and (harness / "localjob-1").is_dir()


def test_new_dxjob_outside_a_job_queues_locally(harness):
    job = dxpy.new_dxjob({"x": 1}, "square", name="sq")
    assert job.get_id() == "localjob-0"
    assert job.get_output_ref("y") == jbor("localjob-0", "y")
    assert read_json(harness / "job_queue.json")[0]["name"] == "sq"


def test_queue_entry_point_wrong_input(harness, monkeypatch):
    with pytest.raises(DXError, match="must be a dict"):
        lx.queue_entry_point("f", ["not", "a", "dict"])
    with pytest.raises(DXError, match="function must be the name"):
        lx.queue_entry_point(None, {})
    with pytest.raises(DXError, match="depends_on must be a list of IDs"):
        lx.queue_entry_point("f", {}, depends_on="job-x")
    monkeypatch.delenv("DX_FS_ROOT")
    with pytest.raises(SystemExit, match="DX_FS_ROOT has not been set"):
        lx.queue_entry_point("f", {})


def test_run_entry_points_wrong_run_spec(harness):
    with pytest.raises(DXError, match="interpreter"):
        lx.run_entry_points({"code": "x"})


def test_run_entry_points_waits_for_inputs(harness, tmp_path):
    # localjob-0 needs localjob-1's output: localjob-1 runs first although it was queued second.
    code = tmp_path / "app.py"
    code.write_text("import dxpy\n@dxpy.entry_point('f')\ndef f(v):\n    return {'v': v + 1}\n")
    lx.queue_entry_point("f", {"v": jbor("localjob-1", "v")})
    lx.queue_entry_point("f", {"v": 1})
    lx.run_entry_points({"interpreter": "python3"})
    assert read_json(harness / "job_outputs.json") == {"localjob-0": {"v": 3}, "localjob-1": {"v": 2}}


def test_run_entry_points_deadlock_fails(harness, tmp_path):
    (tmp_path / "app.py").write_text("import dxpy\n")
    lx.queue_entry_point("f", {"v": jbor("localjob-1", "v")})
    lx.queue_entry_point("f", {"v": jbor("localjob-0", "v")})
    with pytest.raises(SystemExit, match="localjob-0:f.*when resolving input"):
        lx.run_entry_points({"interpreter": "python3"})


# ----------------------------------------------------------------------------- references

def test_has_local_job_refs_nested():
    assert lx.has_local_job_refs({"a": [{"b": jbor("localjob-3", "x")}]})
    assert not lx.has_local_job_refs({"a": [{"b": jbor("job-" + "A" * 24, "x")}], "c": 1})
    assert not lx.has_local_job_refs({})


def test_resolve_local_references(monkeypatch):
    monkeypatch.delenv("DX_JOB_ID", raising=False)
    outputs = {"localjob-0": {"x": [10, 20], "y": "why"}, "localjob-1": None}
    io_hash = {"a": jbor("localjob-0", "y"), "b": [jbor("localjob-0", "x", index=1), {"c": jbor("localjob-0", "x")}],
               "later": jbor("localjob-1", "z")}
    lx.resolve_job_references(io_hash, outputs, should_resolve=False)
    assert io_hash == {"a": "why", "b": [20, {"c": [10, 20]}], "later": jbor("localjob-1", "z")}
    with pytest.raises(DXError, match="localjob-1 not found in local finished jobs"):
        lx.resolve_job_references(io_hash, outputs)
    with pytest.raises(DXError, match='field "nope" was not found'):
        lx.resolve_job_ref(jbor("localjob-0", "nope"), outputs, should_resolve=False)
    with pytest.raises(DXError, match="has no element 5"):
        lx.resolve_job_ref(jbor("localjob-0", "x", index=5), outputs)


def test_resolve_platform_job_reference(dx_emulator):
    done = add_platform_job(dx_emulator, state="done", output={"x": [1, 2, 3]})
    assert lx.resolve_job_ref(jbor(done, "x", index=2)) == 3
    with pytest.raises(DXError, match='field "y" was not found'):
        lx.resolve_job_ref(jbor(done, "y"))
    failed = add_platform_job(dx_emulator, state="failed", failureReason="AppError", failureMessage="bad reads")
    with pytest.raises(DXError, match="Could not wait for %s to finish.*bad reads" % failed):
        lx.resolve_job_ref(jbor(failed, "x"))


def test_implicit_depends_on_and_waiting(dx_emulator):
    project = dx_emulator.project_id
    open_record = dxpy.api.record_new({"project": project})["id"]
    closed_record = dxpy.api.record_new({"project": project, "close": True})["id"]
    done = add_platform_job(dx_emulator, state="done", output={})
    depends_on = []
    lx.get_implicit_depends_on({"a": {"$dnanexus_link": open_record},
                                "b": [{"$dnanexus_link": {"project": project, "id": closed_record}}],
                                "c": {"d": {"$dnanexus_link": open_record}}, "e": "text"}, depends_on)
    assert depends_on == [open_record, open_record]
    assert lx.get_nonclosed_data_obj_link({"$dnanexus_link": closed_record}) is None
    assert lx.get_nonclosed_data_obj_link("file-x") is None

    dxpy.api.record_close(open_record)
    lx.wait_for_depends_on([open_record, closed_record, done, "localjob-0"], {"localjob-0": {}})
    with pytest.raises(DXError, match="Could not wait for localjob-1"):
        lx.wait_for_depends_on(["localjob-1"], {"localjob-0": {}, "localjob-1": None})
    with pytest.raises(DXError, match="Could not wait for record-"):
        lx.wait_for_depends_on(["record-" + "B" * 24], {})


def test_exit_with_error_names_the_workspaces(monkeypatch):
    monkeypatch.setenv("DX_TEST_JOB_HOMEDIRS", "/somewhere/jobs")
    with pytest.raises(SystemExit, match="boom\nLocal job workspaces can be found in: /somewhere/jobs"):
        lx.exit_with_error("boom")


def test_unreadable_job_output_fails_the_run(tmp_path):
    code = tmp_path / "app.py"
    code.write_text(textwrap.dedent('''
        import dxpy

        @dxpy.entry_point("main")
        def main():
            with open("job_output.json", "w") as fh:
                fh.write("{half")
    '''))
    with pytest.raises(DXJobFailureError, match="Could not load output of .*localjob-0:main"):
        lx.run_locally(str(code), {}, job_homedirs=str(tmp_path / "jobs"))


# ----------------------------------------------------------------------------- python my_applet.py

def run_app_directly(app, workdir, env, job_input):
    """``python app.py`` in *workdir* holding job_input.json: dxpy.run()'s local debug harness."""
    workdir.mkdir()
    (workdir / "job_input.json").write_text(json.dumps(job_input))
    return subprocess.run([sys.executable, str(app)], cwd=str(workdir), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=300)


def test_running_the_app_file_runs_its_subjobs_locally(dx_emulator, app, tmp_path):
    # The main input may refer to a platform job's output too: it is resolved before main runs.
    producer = add_platform_job(dx_emulator, state="done", output={"n": 3})
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = run_app_directly(app, tmp_path / "work", job_env(dx_emulator, TMPDIR=str(scratch)),
                            {"n": jbor(producer, "n"), "label": "direct"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    output = read_json(tmp_path / "work" / "job_output.json")
    record_id = output["record"]["$dnanexus_link"]
    assert output == {"total": 5, "record": {"$dnanexus_link": record_id}, "last_pair_second": 4, "n": 3}
    assert dxpy.api.record_describe(record_id, {"details": True})["details"] == {"sum": 5}
    assert "Invoking main with {'n': 3, 'label': 'direct'}" in proc.stdout
    assert "square 2 (localjob-2:square)" in proc.stdout
    assert os.listdir(str(scratch)) == []  # the temporary run directory is gone after a successful run


def test_running_the_app_file_reports_a_failed_subjob(app, tmp_path):
    proc = run_app_directly(app, tmp_path / "work", job_env(DX_TEST_FUNCTION="fails_in_subjob"), {})
    assert proc.returncode != 0
    assert "DXJobFailureError" in proc.stderr and "localjob-0:raise_error" in proc.stderr
    # The run directory is kept for the failed job's files to be looked at.
    kept = proc.stderr.split("Local job workspaces can be found in: ", 1)[1].split()[0]
    assert os.path.isfile(os.path.join(kept, "localjob-0", "job_input.json"))
    shutil.rmtree(kept)
    assert not (tmp_path / "work" / "job_output.json").exists()


def test_running_the_app_file_inside_a_local_run_keeps_dxpy_behaviour(app, tmp_path, harness):
    # With DX_TEST_JOB_HOMEDIRS set, new_dxjob queues into that run and nothing is run here.
    proc = run_app_directly(app, tmp_path / "work", job_env(**{k: os.environ[k] for k in (
        "DX_TEST_JOB_HOMEDIRS", "DX_TEST_CODE_PATH", "DX_FS_ROOT")}), {"n": 2, "label": "queued"})
    assert proc.returncode == 0, proc.stderr
    output = read_json(tmp_path / "work" / "job_output.json")
    assert output["total"] == jbor("localjob-2", "sum")
    assert [entry["function"] for entry in read_json(harness / "job_queue.json")] == ["square", "square", "total"]
