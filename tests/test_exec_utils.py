"""dxpy.utils.exec_utils: entry points, run() inside a job and in the local harness, the JSON
encoder, command-line inputs and the dependency installer."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import dxpy
from dxpy.exceptions import DXError
from dxpy.utils import exec_utils
from dxpy.utils.exec_utils import (DXExecDependencyError, DXExecDependencyInstaller, DXJSONEncoder,
                                   convert_handlers_to_dxlinks, entry_point, parse_args_as_job_input, run,
                                   save_error)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ----------------------------------------------------------------------------- helpers

def add_emulator_job(emulator, function="main", job_input=None, **fields):
    """Store a running job in *emulator*, as the platform shows it to the job itself."""
    from dxpy.emulator.model.ids import new_id
    from dxpy.emulator.model.jobs import add_job
    job = {"id": new_id("job"), "function": function, "input": job_input or {}, "state": "running",
           "project": emulator.project_id, "launchedBy": emulator.user_id}
    job.update(fields)
    with emulator.platform.transaction() as state:
        add_job(state, job)
    return job["id"]


def program_env(home, emulator=None, job_id=None, **extra):
    """The environment of a program run as a job (job_id) or in the local harness."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DX_")}
    env.update(HOME=str(home), PYTHONPATH=REPO, DX_USER_CONF_DIR=str(home / ".dnanexus_config"))
    if emulator is not None:
        env.update(emulator.environment())
    if job_id is not None:
        env["DX_JOB_ID"] = job_id
    env.update(extra)
    return env


APP_SOURCE = textwrap.dedent('''
    import os
    import dxpy

    @dxpy.entry_point("main")
    def main(name, count=1):
        record = dxpy.bindings.dxrecord.new_dxrecord(name=name, project=dxpy.WORKSPACE_ID)
        return {"rec": record, "many": [record] * count, "plain": {"count": count + 1}}

    @dxpy.entry_point("process")
    def process(value):
        os.chdir("/")  # the output must still land in the job's working directory
        return {"doubled": value * 2}

    @dxpy.entry_point("fail_app")
    def fail_app():
        raise dxpy.AppError("the input file is empty")

    @dxpy.entry_point("fail_internal")
    def fail_internal():
        raise ValueError("unexpected value 42")

    @dxpy.entry_point("unserialisable")
    def unserialisable():
        return {"bad": {1, 2}}

    @dxpy.entry_point("nothing")
    def nothing():
        return None

    dxpy.run()
''')


def run_program(home, env, source=APP_SOURCE, input_json=None):
    (home / "app.py").write_text(source)
    if input_json is not None:
        (home / "job_input.json").write_text(input_json)
    return subprocess.run([sys.executable, "app.py"], cwd=str(home), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120)


def read_json(path):
    with open(str(path)) as fh:
        return json.load(fh)


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def table(monkeypatch):
    """An empty entry point table for in-process tests."""
    monkeypatch.setattr(exec_utils, "ENTRY_POINT_TABLE", {})
    return exec_utils.ENTRY_POINT_TABLE


# ----------------------------------------------------------------------------- run() inside a job

def test_job_success_writes_output_with_links(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "main", {"name": "made-by-job", "count": 2})
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode == 0, proc.stderr
    assert "Invoking main with" in proc.stdout
    output = read_json(home / "job_output.json")
    record_id = output["rec"]["$dnanexus_link"]
    assert output == {"rec": {"$dnanexus_link": record_id}, "many": [{"$dnanexus_link": record_id}] * 2,
                      "plain": {"count": 3}}
    assert dxpy.api.record_describe(record_id)["name"] == "made-by-job"
    assert not (home / "job_error.json").exists()


def test_job_started_by_applet_run(dx_emulator, home):
    # The job the platform creates for /applet-xxxx/run: input defaults are filled in by the API.
    applet = dxpy.api.applet_new({
        "project": dx_emulator.project_id, "name": "maker", "dxapi": "1.0.0",
        "inputSpec": [{"name": "name", "class": "string"}, {"name": "count", "class": "int", "default": 3}],
        "outputSpec": [], "runSpec": {"interpreter": "python3", "code": APP_SOURCE}})["id"]
    job_id = dxpy.api.applet_run(applet, {"project": dx_emulator.project_id, "input": {"name": "via run"}})["id"]
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode == 0, proc.stderr
    output = read_json(home / "job_output.json")
    assert len(output["many"]) == 3 and output["plain"] == {"count": 4}


def test_job_runs_the_function_the_job_names(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "process", {"value": 21})
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode == 0, proc.stderr
    assert read_json(home / "job_output.json") == {"doubled": 42}


def test_job_app_error(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "fail_app")
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode != 0
    assert read_json(home / "job_error.json") == {"error": {"type": "AppError",
                                                            "message": "the input file is empty"}}
    assert not (home / "job_output.json").exists()
    assert not (home / "job_error_reserved_space").exists()


def test_job_other_exception_is_internal_error(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "fail_internal")
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode != 0
    assert "ValueError: unexpected value 42" in proc.stderr  # the traceback is still shown
    assert read_json(home / "job_error.json") == {"error": {"type": "AppInternalError",
                                                            "message": "ValueError: unexpected value 42"}}


def test_job_unknown_entry_point(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "no_such_function")
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode != 0
    error = read_json(home / "job_error.json")["error"]
    assert error["type"] == "AppInternalError"
    assert "'no_such_function'" in error["message"] and "main" in error["message"]


def test_job_input_not_accepted_by_function(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "process", {"value": 1, "surprise": True})
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode != 0
    error = read_json(home / "job_error.json")["error"]
    assert error["type"] == "AppInternalError" and error["message"].startswith("TypeError: ")
    assert "surprise" in error["message"]


def test_job_unserialisable_output_is_an_error(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "unserialisable")
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode != 0
    assert read_json(home / "job_error.json")["error"]["message"].startswith("TypeError: ")
    assert not (home / "job_output.json").exists()


def test_job_without_output_writes_no_output_file(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "nothing")
    proc = run_program(home, program_env(home, dx_emulator, job_id))
    assert proc.returncode == 0, proc.stderr
    assert not (home / "job_output.json").exists() and not (home / "job_error.json").exists()


def test_job_that_the_api_does_not_know(dx_emulator, monkeypatch, home):
    missing = "job-" + "B" * 24
    proc = run_program(home, program_env(home, dx_emulator, missing))
    assert proc.returncode != 0
    error = read_json(home / "job_error.json")["error"]
    assert error["type"] == "AppInternalError" and error["message"].startswith("ResourceNotFound: ")


def test_job_ignores_local_job_input_file(dx_emulator, monkeypatch, home):
    job_id = add_emulator_job(dx_emulator, "process", {"value": 5})
    proc = run_program(home, program_env(home, dx_emulator, job_id), input_json='{"value": 1000}')
    assert proc.returncode == 0, proc.stderr
    assert read_json(home / "job_output.json") == {"doubled": 10}


# ----------------------------------------------------------------------------- the local harness

LOCAL_SOURCE = textwrap.dedent('''
    import dxpy

    @dxpy.entry_point("main")
    def main(value):
        print("main got", value)
        return {"doubled": value * 2}

    dxpy.run()
''')


def test_local_harness_reads_job_input_json(home):
    proc = run_program(home, program_env(home), source=LOCAL_SOURCE, input_json='{"value": 4}')
    assert proc.returncode == 0, proc.stderr
    assert "main got 4" in proc.stdout
    assert read_json(home / "job_output.json") == {"doubled": 8}
    assert not (home / "job_error_reserved_space").exists()


def test_local_harness_function_from_environment(home):
    proc = run_program(home, program_env(home, DX_TEST_FUNCTION="process"), input_json='{"value": 3}')
    assert proc.returncode == 0, proc.stderr
    assert read_json(home / "job_output.json") == {"doubled": 6}


def test_local_harness_errors_propagate_without_job_error_file(home):
    proc = run_program(home, program_env(home, DX_TEST_FUNCTION="fail_app"), input_json="{}")
    assert proc.returncode != 0
    assert "the input file is empty" in proc.stderr
    assert not (home / "job_error.json").exists()
    assert not (home / "job_error_reserved_space").exists()


@pytest.mark.parametrize("text, expected", [
    ('{"value": ', "not valid JSON"),
    ('[1, 2]', "must be a JSON object"),
    (None, "Cannot read the job input"),
])
def test_local_harness_bad_job_input_file(home, text, expected):
    proc = run_program(home, program_env(home, DX_TEST_FUNCTION="process"), input_json=text)
    assert proc.returncode != 0
    assert "DXError" in proc.stderr and expected in proc.stderr
    assert not (home / "job_output.json").exists()


def test_run_in_process_with_arguments(table, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(dxpy, "JOB_ID", None)
    calls = []

    @entry_point("main")
    def main(a, b=2):
        calls.append((a, b))
        return {"sum": a + b}

    before = exec_utils.RUN_COUNT
    assert run(function_input={"a": 1}) == {"sum": 3}
    assert run("main", {"a": 1, "b": 10}) == {"sum": 11}
    assert calls == [(1, 2), (1, 10)]
    assert exec_utils.RUN_COUNT == before + 2
    assert read_json(tmp_path / "job_output.json") == {"sum": 11}


def test_run_in_process_wrong_arguments(table, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(dxpy, "JOB_ID", None)
    entry_point("main")(lambda **kw: kw)
    with pytest.raises(DXError, match="function_name must be a string"):
        run(function_name=7, function_input={})
    with pytest.raises(DXError, match="must be a JSON object"):
        run(function_input=["not", "a", "dict"])
    with pytest.raises(dxpy.AppInternalError, match="'absent'"):
        run("absent", {})


# ----------------------------------------------------------------------------- pieces

def test_entry_point_registers_and_wraps(table):
    @entry_point("helper")
    def helper(x):
        """Doubles."""
        return x * 2

    assert helper(4) == 8 and helper.__name__ == "helper" and helper.__doc__ == "Doubles."
    assert table["helper"](5) == 10


@pytest.mark.parametrize("name", [None, 3, ""])
def test_entry_point_rejects_bad_names(table, name):
    with pytest.raises(DXError, match="entry point name"):
        entry_point(name)


def test_save_error_only_inside_a_job(tmp_path, monkeypatch):
    monkeypatch.setattr(dxpy, "JOB_ID", None)
    save_error(ValueError("x"), str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(dxpy, "JOB_ID", "job-" + "F" * 24)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "job_error_reserved_space").write_text(" " * 100)
    save_error(KeyError("k"), str(tmp_path), error_type="AppError")
    assert read_json(tmp_path / "job_error.json") == {"error": {"type": "AppError", "message": "KeyError: 'k'"}}
    assert not (tmp_path / "job_error_reserved_space").exists()


def _record(record_id="record-" + "Q" * 24):
    from dxpy.bindings.dxrecord import DXRecord
    return DXRecord(record_id, project="project-" + "P" * 24)


def test_json_encoder_writes_handlers_as_links():
    from dxpy.bindings.dxjob import DXJob
    record = _record()
    job = DXJob("job-" + "J" * 24)
    text = json.dumps({"r": record, "list": [record, 1], "job": job}, cls=DXJSONEncoder, sort_keys=True)
    assert json.loads(text) == {"r": {"$dnanexus_link": record.get_id()},
                                "list": [{"$dnanexus_link": record.get_id()}, 1],
                                "job": {"$dnanexus_link": job.get_id()}}
    with pytest.raises(TypeError):
        json.dumps({"x": object()}, cls=DXJSONEncoder)


def test_convert_handlers_to_dxlinks_in_place():
    record = _record()
    link = {"$dnanexus_link": record.get_id()}
    inner = [record, "text", 3]
    value = {"a": record, "b": inner, "c": {"d": (record,)}}
    assert convert_handlers_to_dxlinks(value) is value
    assert value == {"a": link, "b": [link, "text", 3], "c": {"d": (record,)}}  # tuples are left alone
    assert inner[0] == link
    assert convert_handlers_to_dxlinks(record) == link
    assert convert_handlers_to_dxlinks("plain") == "plain"
    cyclic = [record]
    cyclic.append(cyclic)
    assert convert_handlers_to_dxlinks(cyclic)[0] == link


SPEC = {"inputSpec": [
    {"name": "count", "class": "int", "optional": False},
    {"name": "ratio", "class": "float", "optional": True},
    {"name": "flag", "class": "boolean", "optional": True},
    {"name": "label", "class": "string", "optional": True},
    {"name": "extra", "class": "hash", "optional": True},
    {"name": "rec", "class": "record", "optional": True},
]}


def test_parse_args_as_job_input_types():
    args = ["--count", "3", "--ratio", "0.5", "--flag", "false", "--label", "hello world",
            "--extra", '{"k": [1, 2]}']
    assert parse_args_as_job_input(args, SPEC) == {"count": 3, "ratio": 0.5, "flag": False,
                                                   "label": "hello world", "extra": {"k": [1, 2]}}
    assert parse_args_as_job_input(["--count", "1", "--flag", "YES"], SPEC) == {"count": 1, "flag": True}
    assert parse_args_as_job_input([], {"inputSpec": [{"name": "n", "type": "int"}]}) == {}


@pytest.mark.parametrize("args", [["--count", "three"], ["--ratio", "1"], ["--count", "1", "--flag", "maybe"],
                                  ["--count", "1", "--unknown", "x"]])
def test_parse_args_as_job_input_bad_values_exit(args, capsys):
    with pytest.raises(SystemExit) as info:
        parse_args_as_job_input(args, SPEC)
    assert info.value.code == 2


@pytest.mark.parametrize("args, spec, message", [
    ("--count 1", SPEC, "list of strings"),
    ([1], SPEC, "list of strings"),
    ([], ["not", "a", "dict"], "app_spec must be a dict"),
    ([], {"inputSpec": {"count": "int"}}, "inputSpec must be a list"),
    ([], {"inputSpec": [{"class": "int"}]}, "needs a string 'name'"),
])
def test_parse_args_as_job_input_wrong_arguments(args, spec, message):
    with pytest.raises(DXError, match=message):
        parse_args_as_job_input(args, spec)


def test_parse_args_as_job_input_resolves_paths(dx_emulator):
    record_id = dxpy.api.record_new({"project": dx_emulator.project_id, "name": "my_record", "close": True})["id"]
    found = parse_args_as_job_input(["--count", "1", "--rec", "my_record"], SPEC)
    assert found == {"count": 1, "rec": {"$dnanexus_link": {"project": dx_emulator.project_id, "id": record_id}}}
    from dxpy.utils.resolver import ResolutionError
    with pytest.raises(ResolutionError, match="no_such_thing"):
        parse_args_as_job_input(["--count", "1", "--rec", "no_such_thing"], SPEC)
    dxpy.api.project_new_folder(dx_emulator.project_id, {"folder": "/a_folder"})
    with pytest.raises(ValueError, match="a_folder could not be resolved"):  # a folder is no data object
        parse_args_as_job_input(["--count", "1", "--rec", "a_folder"], SPEC)


# ----------------------------------------------------------------------------- dependency installer

def _installer(run_spec, job=None, **kwargs):
    return DXExecDependencyInstaller({"runSpec": run_spec}, job or {"function": "main"}, **kwargs)


class RecordingInstaller(DXExecDependencyInstaller):
    def __init__(self, *args, **kwargs):
        DXExecDependencyInstaller.__init__(self, *args, **kwargs)
        self.commands = []

    def run(self, cmd, log_fh=None):
        self.commands.append(cmd)


def test_installer_groups_neighbouring_packages():
    run_spec = {
        "bundledDepends": [{"name": "tools.tar.gz", "id": {"$dnanexus_link": "file-" + "F" * 24}}],
        "execDepends": [{"name": "samtools"}, {"name": "bwa", "version": "0.7"}, {"name": "dx-toolkit"},
                        {"name": "numpy", "package_manager": "pip"}, {"name": "pandas", "package_manager": "pip"},
                        {"name": "tabix", "stages": ["other"]}, {"name": "jq"},
                        {"name": "repo", "package_manager": "git", "url": "https://example.invalid/a/repo.git"},
                        {"name": "repo2", "package_manager": "git", "url": "https://example.invalid/b/repo2"}],
        "dependencies": [{"name": "curl"}],
    }
    installer = _installer(run_spec)
    assert [(g["type"], [d["name"] for d in g["deps"]], g["index"]) for g in installer.dep_groups] == [
        ("bundle", ["tools.tar.gz"], 0), ("apt", ["samtools", "bwa"], 1), ("pip", ["numpy", "pandas"], 2),
        ("git", ["repo"], 3), ("git", ["repo2"], 4), ("apt", ["curl"], 5)]
    assert installer.stage == "main"


def test_installer_by_region_and_logger():
    messages = []

    class Logger(object):
        def info(self, message):
            messages.append(message)

    run_spec = {"bundledDependsByRegion": {"aws:us-east-1": [{"name": "east", "id": {"$dnanexus_link": "x"}}]},
                "execDepends": [{"name": "tabix", "stages": ["main"]}, {"name": "late", "stages": ["post"]}]}
    installer = RecordingInstaller({"runSpec": run_spec}, {"function": "main", "region": "aws:us-east-1"},
                                   logger=Logger())
    assert [g["type"] for g in installer.dep_groups] == ["bundle", "apt"]
    installer.install()
    assert messages == ["Skipping dependency late because it is inactive in stage (function) main",
                        'Skipping bundled dependency "east" because it does not refer to a file',
                        "Installing apt packages tabix"]
    assert len(installer.commands) == 1 and installer.commands[0].endswith("tabix)")
    with pytest.raises(DXExecDependencyError, match="no entry for the job's region aws:eu"):
        _installer(run_spec, {"function": "main", "region": "aws:eu"})


@pytest.mark.parametrize("exec_desc, job, message", [
    ({}, {}, '"runSpec"'),
    ("runSpec", {}, '"runSpec"'),
    ({"runSpec": []}, {}, "to be a dict"),
    ({"runSpec": {}}, ["job"], "job description to be a dict"),
    ({"runSpec": {"bundledDependsByRegion": {}}}, {}, "'region'"),
    ({"runSpec": {"execDepends": [{"version": "1"}]}}, {}, '"name"'),
    ({"runSpec": {"execDepends": ["samtools"]}}, {}, '"name"'),
    ({"runSpec": {"execDepends": [{"name": "r", "package_manager": "git"}]}}, {}, '"url"'),
])
def test_installer_rejects_bad_descriptions(exec_desc, job, message):
    with pytest.raises(DXExecDependencyError, match=message):
        DXExecDependencyInstaller(exec_desc, job)


def test_generate_shellcode_per_package_manager():
    installer = _installer({})
    code = installer.generate_shellcode
    apt = code({"type": "apt", "deps": [{"name": "samtools"}, {"name": "bwa", "version": "0.7"}]})
    assert apt.count("apt-get install --yes --no-install-recommends") == 2 and apt.endswith("samtools bwa=0.7)")
    assert "sources.list.d/nucleus.list" in apt
    assert code({"type": "pip", "deps": [{"name": "a", "version": "1"}, {"name": "b"}]}) == \
        "pip install --upgrade a==1 b"
    assert code({"type": "pip3", "deps": [{"name": "a"}]}) == "pip3 install --upgrade a"
    assert code({"type": "gem", "deps": [{"name": "a", "version": "2"}, {"name": "b"}]}) == \
        "gem install a --version 2 && gem install b"
    assert code({"type": "cpan", "deps": [{"name": "A::B", "version": "3"}]}) == "cpanm --notest A::B~3"
    cran = code({"type": "cran", "deps": [{"name": "x"}, {"name": "y", "version": "1.0"}]}).split(" && ")
    assert len(cran) == 3 and 'install.packages("devtools")' in cran[0]
    assert 'install.packages("x")' in cran[1] and 'install_version("y", version="1.0")' in cran[2]
    assert code({"type": "cran", "deps": [{"name": "x"}]}).count("R -e") == 1
    git = code({"type": "git", "deps": [{"name": "r", "url": "https://h.invalid/o/r.git", "tag": "v1",
                                         "destdir": "/opt/r", "build_commands": "make"}]})
    assert git == ("apt-get install --yes git make && export GIT_SSH=dx-git-ssh-helper && (mkdir -p /opt/r && "
                   "cd /opt/r && git clone https://h.invalid/o/r.git && cd 'r' && git checkout v1 && make)")
    with pytest.raises(DXExecDependencyError, match="Package manager type conda not supported"):
        code({"type": "conda", "deps": [{"name": "x"}]})


def test_install_runs_each_group(capsys):
    installer = RecordingInstaller({"runSpec": {"execDepends": [{"name": "numpy", "package_manager": "pip"},
                                                                {"name": "rake", "package_manager": "gem"}]}},
                                   {"function": "main"})
    installer.install()
    assert installer.commands == ["pip install --upgrade numpy", "gem install rake"]
    assert "Installing pip packages numpy" in capsys.readouterr().out


def test_install_failure_shows_the_log(capsys, tmp_path):
    class Failing(DXExecDependencyInstaller):
        def generate_shellcode(self, dep_group):
            return "echo could not find package; exit 3"

    installer = Failing({"runSpec": {"execDepends": [{"name": "nothere"}]}}, {"function": "main"})
    with pytest.raises(DXExecDependencyError, match="Error while installing apt packages nothere"):
        installer.install()
    assert "could not find package" in capsys.readouterr().out


def test_install_bundle_downloads_and_unpacks(dx_emulator, monkeypatch):
    file_id = dxpy.upload_string("", name="bundle.tar.gz", project=dx_emulator.project_id, wait_on_close=True).get_id()
    workspace = dxpy.api.project_new({"name": "workspace without the bundle"})["id"]
    downloads = []

    def download(link, filename, project=None, **kwargs):
        # Stands in for the file transfer; asking for the URL is the real API's answer (it names
        # a project only if that project holds the file).
        dxpy.api.file_download(link["$dnanexus_link"], {"project": project} if project else {})
        downloads.append((filename, project, dxpy.api.file_describe(link["$dnanexus_link"])["name"]))

    monkeypatch.setattr(dxpy, "download_dxfile", download, raising=False)
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", workspace)
    installer = RecordingInstaller({"runSpec": {"bundledDepends": [
        {"name": "bundle.tar.gz", "id": {"$dnanexus_link": file_id}}]}}, {"function": "main"})
    installer.install()
    # Not in the workspace: fetched again from wherever the link points.
    assert downloads == [("bundle.tar.gz", None, "bundle.tar.gz")]
    assert installer.commands == ["dx-unpack bundle.tar.gz"]


def test_installer_run_executes_the_command(tmp_path):
    log = tmp_path / "log.txt"
    with open(str(log), "w") as fh:
        _installer({}).run("echo installed", log_fh=fh)
    assert log.read_text() == "installed\n"
    with pytest.raises(subprocess.CalledProcessError):
        _installer({}).run("exit 4")
