"""The job helper commands (dx-jobutil-*, dx-download-all-inputs, dx-upload-all-outputs,
dx-print-bash-vars), each run as a separate process (``python -m dxpy.scripts.<command>``) with a
scratch HOME and, where a job is needed, a job of the emulator as DX_JOB_ID."""
import ast
import base64
import json
import os
import subprocess
import sys

import pytest

import dxpy
from dxpy.emulator.model import jobs as jobs_model
from dxpy.emulator.model import tokens
from dxpy.emulator.model.ids import new_id

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOB = "job-B2JKYqK4Zg2K915yQxPQ0024"
FILE = "file-B2JKYqK4Zg2K915yQxPQ0024"
ANALYSIS = "analysis-B2JKYqK4Zg2K915yQxPQ0024"
OUTPUT_SPEC = [{"name": "single", "class": "file"}, {"name": "many", "class": "array:file"},
               {"name": "maybe", "class": "file", "optional": True}, {"name": "count", "class": "int"}]


def clean_environment(home):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DX_")}
    env.update(HOME=str(home), PYTHONPATH=ROOT + os.pathsep + env.get("PYTHONPATH", ""))
    return env


class Shell(object):
    """Runs the commands with one HOME and environment (``env`` may be edited before a run)."""

    def __init__(self, home, env):
        self.home, self.env = home, env

    def run(self, command, *args, stdin=None):
        module = "dxpy.scripts." + command.replace("-", "_")
        return subprocess.run([sys.executable, "-m", module] + list(args), env=self.env, cwd=str(self.home),
                              input=stdin, capture_output=True, text=True, timeout=120)

    def ok(self, command, *args, **kwargs):
        done = self.run(command, *args, **kwargs)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def fails(self, code, command, *args, **kwargs):
        done = self.run(command, *args, **kwargs)
        assert done.returncode == code, (done.stdout, done.stderr)
        return done.stderr

    def read(self, name):
        with open(os.path.join(str(self.home), name)) as fh:
            return json.load(fh)

    def write(self, name, content):
        path = os.path.join(str(self.home), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(content if isinstance(content, str) else json.dumps(content))
        return path


@pytest.fixture
def shell(tmp_path):
    """No platform: the commands that only touch local files."""
    home = tmp_path / "home"
    home.mkdir()
    return Shell(home, clean_environment(home))


def start_job(emulator, function="main", output_spec=OUTPUT_SPEC):
    """An applet and a running job of it, with its own workspace container and job token (made in
    the model: nothing executes it). Returns (job ID, workspace ID, applet ID, job token)."""
    applet = dxpy.api.applet_new({"project": emulator.project_id, "name": "tool", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "bash", "code": "true"},
                                  "inputSpec": [], "outputSpec": output_spec})["id"]
    workspace = emulator.platform.new_container(emulator.user_id)
    job_id = new_id("job")
    with emulator.platform.transaction() as state:
        job = jobs_model.add_job(state, {
            "id": job_id, "function": function, "applet": applet, "executable": applet, "state": "running",
            "project": emulator.project_id, "workspace": workspace, "launchedBy": emulator.user_id,
            "name": "tool", "input": {}, "output": None})
        token = tokens.issue(state, job)
    return job_id, workspace, applet, token


def job_environment(job_id, workspace, token):
    return {"DX_JOB_ID": job_id, "DX_WORKSPACE_ID": workspace,
            "DX_SECURITY_CONTEXT": json.dumps({"auth_token_type": "Bearer", "auth_token": token})}


@pytest.fixture
def job_shell(dx_emulator, tmp_path):
    """A job environment: the emulator's DX_* variables, DX_JOB_ID and the job's workspace."""
    home = tmp_path / "home"
    home.mkdir()
    env = clean_environment(home)
    env.update(dx_emulator.environment())
    job_id, workspace, applet, token = start_job(dx_emulator)
    env.update(job_environment(job_id, workspace, token))
    shell = Shell(home, env)
    shell.job_id, shell.workspace, shell.applet = job_id, workspace, applet
    return shell


def upload(text, name, project):
    from dxpy.bindings.dxfile_functions import upload_string
    return upload_string(text, name=name, project=project, wait_on_close=True).get_id()


def files_in(container):
    """{folder/name: (file ID, content)} of the files in *container*."""
    found = dxpy.api.system_find_data_objects({"scope": {"project": container}, "class": "file",
                                               "describe": True})["results"]
    result = {}
    for entry in found:
        desc = entry["describe"]
        path = desc["folder"].rstrip("/") + "/" + desc["name"]
        from dxpy.bindings.dxfile import DXFile
        content = DXFile(entry["id"], project=container).read()
        result[path] = (entry["id"], content.decode() if isinstance(content, bytes) else content)
    return result


# dx-jobutil-add-output

@pytest.mark.parametrize("args, expected", [
    (["7"], 7), (["2.5"], 2.5), (["true"], True), (['{"a": [1]}'], {"a": [1]}), (["hello world"], "hello world"),
    ([FILE], {"$dnanexus_link": FILE}),
    ([JOB + ":out"], {"job": JOB, "field": "out"}),
    ([ANALYSIS + ":stage-1.out"], {"$dnanexus_link": {"analysis": ANALYSIS, "field": "stage-1.out"}}),
    (["7", "--class", "string"], "7"), (["7", "--class", "float"], 7.0), (["-3", "--class", "int"], -3),
    (["False", "--class", "boolean"], False), (["T", "--class", "boolean"], True), (["0", "--class", "boolean"], False),
    (['{"x": 1}', "--class", "hash"], {"x": 1}),
    ([FILE, "--class", "file"], {"$dnanexus_link": FILE}),
    (['{"$dnanexus_link": {"project": "project-1", "id": "%s"}}' % FILE, "--class", "record"],
     {"$dnanexus_link": {"project": "project-1", "id": FILE}}),
    ([JOB + ":a\\:b", "--class", "jobref"], {"job": JOB, "field": "a:b"}),
    ([ANALYSIS + ":out", "--class", "analysisref"], {"$dnanexus_link": {"analysis": ANALYSIS, "field": "out"}}),
    (["5", "--class", "array:int"], [5]), (["5", "--array"], [5]), (["5", "--class"], 5),
])
def test_add_output_formats_the_value(shell, args, expected):
    shell.ok("dx-jobutil-add-output", "field", *args)
    assert shell.read("job_output.json") == {"field": expected}


def test_add_output_keeps_other_fields_and_appends_to_arrays(shell):
    shell.write("job_output.json", {"kept": 1, "list": [0]})
    shell.ok("dx-jobutil-add-output", "list", "1", "--array")
    shell.ok("dx-jobutil-add-output", "list", "two", "--class", "array:string")
    shell.ok("dx-jobutil-add-output", "kept", "replaced")
    assert shell.read("job_output.json") == {"kept": "replaced", "list": [0, 1, "two"]}
    with open(os.path.join(str(shell.home), "job_output.json")) as fh:
        assert fh.read().endswith("}\n")  # indented, with a final newline
    other = os.path.join(str(shell.home), "other.json")
    shell.ok("dx-jobutil-add-output", "x", "1", "-o", other)
    assert json.load(open(other)) == {"x": 1} and "x" not in shell.read("job_output.json")


def test_add_output_from_parallel_processes_loses_nothing(shell):
    module = [sys.executable, "-m", "dxpy.scripts.dx_jobutil_add_output"]
    processes = [subprocess.Popen(module + ["items", str(i), "--array"], env=shell.env, cwd=str(shell.home))
                 for i in range(12)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 12
    assert sorted(shell.read("job_output.json")["items"]) == list(range(12))


@pytest.mark.parametrize("args, message", [
    (["abc", "--class", "int"], "Value could not be parsed as an int"),
    (["1.5", "--class", "int"], "Value could not be parsed as an int"),
    (["abc", "--class", "float"], "Value could not be parsed as a float"),
    (["maybe", "--class", "boolean"], "Value could not be parsed as a boolean"),
    (["{oops", "--class", "hash"], "Value could not be parsed as a hash"),
    (["not-an-id", "--class", "file"], 'data object ID or hash with key "$dnanexus_link"'),
    (['{"id": "file-x"}', "--class", "array:record"], 'data object ID or hash with key "$dnanexus_link"'),
    ([FILE + ":out", "--class", "jobref"], "job-based object reference"),
    ([JOB, "--class", "jobref"], "job-based object reference"),
    ([JOB + ":out", "--class", "analysisref"], "analysis reference"),
])
def test_add_output_rejects_values_not_of_the_class(shell, args, message):
    error = shell.fails(3, "dx-jobutil-add-output", "field", *args)
    assert message in " ".join(error.split())
    assert not os.path.exists(os.path.join(str(shell.home), "job_output.json"))


def test_add_output_wrong_usage(shell):
    assert "invalid choice: 'integer'" in shell.fails(2, "dx-jobutil-add-output", "f", "1", "--class", "integer")
    assert "required" in shell.fails(2, "dx-jobutil-add-output", "onlyname")
    shell.write("job_output.json", {"scalar": 1})
    error = shell.fails(3, "dx-jobutil-add-output", "scalar", "2", "--array")
    assert "Key scalar was found in existing output but was not an array" in error
    assert shell.read("job_output.json") == {"scalar": 1}
    shell.write("job_output.json", "{not json")
    assert "job_output.json is not valid JSON" in shell.fails(3, "dx-jobutil-add-output", "a", "1")
    shell.write("job_output.json", "[1]")
    assert "must hold a JSON object" in shell.fails(3, "dx-jobutil-add-output", "a", "1")


# dx-jobutil-dxlink and dx-jobutil-parse-link

def test_dxlink(shell):
    assert json.loads(shell.ok("dx-jobutil-dxlink", FILE)) == {"$dnanexus_link": FILE}
    assert json.loads(shell.ok("dx-jobutil-dxlink", "project-1:" + FILE)) == \
        {"$dnanexus_link": {"project": "project-1", "id": FILE}}
    assert "<project ID>:<object ID>" in shell.fails(1, "dx-jobutil-dxlink", "a:b:c")
    assert "<project ID>:<object ID>" in shell.fails(1, "dx-jobutil-dxlink", "project-1:")
    assert "required" in shell.fails(2, "dx-jobutil-dxlink")


def test_parse_link(shell):
    extended = json.dumps({"$dnanexus_link": {"project": "project-1", "id": FILE}})
    assert shell.ok("dx-jobutil-parse-link", json.dumps({"$dnanexus_link": FILE})) == FILE + "\n"
    assert shell.ok("dx-jobutil-parse-link", extended) == "project-1:" + FILE + "\n"
    assert shell.ok("dx-jobutil-parse-link", extended, "--no-project") == FILE + "\n"


@pytest.mark.parametrize("text, message", [
    ("{oops", "Unable to parse link as JSON"),
    ('{"id": "file-x"}', "Unable to parse link: no $dnanexus_link key"),
    ('["file-x"]', "Unable to parse link: no $dnanexus_link key"),
    ('{"$dnanexus_link": 5}', "neither an ID nor a hash"),
    ('{"$dnanexus_link": {"job": "%s", "field": "x"}}' % JOB, "neither an ID nor a hash"),
    ('{"$dnanexus_link": {"id": "%s"}}' % FILE, 'no "project"'),
])
def test_parse_link_rejects_malformed_links(shell, text, message):
    assert message in shell.fails(1, "dx-jobutil-parse-link", text)


# dx-jobutil-report-error

def test_report_error(shell):
    error = shell.fails(1, "dx-jobutil-report-error", "reads are empty")
    assert error == "Exiting with nonzero exit code to report error\n"
    assert shell.read("job_error.json") == {"error": {"type": "AppError", "message": "reads are empty"}}
    shell.fails(1, "dx-jobutil-report-error", "bug", "AppInternalError")
    assert shell.read("job_error.json") == {"error": {"type": "AppInternalError", "message": "bug"}}
    assert "invalid choice" in shell.fails(2, "dx-jobutil-report-error", "msg", "Oops")
    assert shell.read("job_error.json")["error"]["type"] == "AppInternalError"  # unchanged


# dx-print-bash-vars and dx-download-all-inputs

def test_print_bash_vars(job_shell):
    reads = upload("ACGT", "reads.fastq.gz", job_shell.workspace)
    more = [upload("1", "a.txt", job_shell.workspace), upload("2", "b.txt", job_shell.workspace)]
    job_shell.write("job_input.json", {"reads": {"$dnanexus_link": reads}, "name": "it's",
                                       "n": 3, "more": [{"$dnanexus_link": f} for f in more]})
    lines = job_shell.ok("dx-print-bash-vars").splitlines()
    home = str(job_shell.home)
    expected = {
        "export name='it'\"'\"'s'", "export n=3",
        # a single file is a one-element array too
        "export reads=( '{\"$dnanexus_link\": \"%s\"}' )" % reads, "export reads_name=( reads.fastq.gz )",
        "export reads_prefix=( reads )", "export reads_path=( %s/in/reads/reads.fastq.gz )" % home,
        "export more=( '{\"$dnanexus_link\": \"%s\"}' '{\"$dnanexus_link\": \"%s\"}' )" % tuple(more),
        "export more_name=( a.txt b.txt )", "export more_prefix=( a b )",
        "export more_path=( %s/in/more/0/a.txt %s/in/more/1/b.txt )" % (home, home),
    }
    assert set(lines) == expected


def test_print_bash_vars_warns_about_long_values_and_needs_the_input(job_shell):
    job_shell.write("job_input.json", {"big": "x" * 20000})
    lines = job_shell.ok("dx-print-bash-vars").splitlines()
    assert lines == ['echo "warning: variable big is long (20000 bytes)"', "export big=" + "x" * 20000]
    os.remove(os.path.join(str(job_shell.home), "job_input.json"))
    assert "job_input.json" in job_shell.fails(3, "dx-print-bash-vars")
    job_shell.write("job_input.json", "[1, 2]")
    assert "must hold a JSON object" in job_shell.fails(3, "dx-print-bash-vars")


def test_download_all_inputs(job_shell):
    reads = upload("ACGT", "reads.fq", job_shell.workspace)
    parts = [upload("part %d" % i, "part.txt", job_shell.workspace) for i in range(11)]
    skipped = upload("no", "skip.txt", job_shell.workspace)
    job_shell.write("job_input.json", {"reads": {"$dnanexus_link": reads}, "n": 1,
                                       "parts": [{"$dnanexus_link": f} for f in parts],
                                       "skip": {"$dnanexus_link": skipped}})
    out = job_shell.ok("dx-download-all-inputs", "--parallel", "--except", "skip")
    assert "downloading file: %s" % reads in out
    in_dir = os.path.join(str(job_shell.home), "in")
    assert open(os.path.join(in_dir, "reads", "reads.fq")).read() == "ACGT"
    assert [open(os.path.join(in_dir, "parts", "%02d" % i, "part.txt")).read() for i in range(11)] == \
        ["part %d" % i for i in range(11)]
    assert not os.path.exists(os.path.join(in_dir, "skip"))
    job_shell.ok("dx-download-all-inputs", "--sequential")
    assert open(os.path.join(in_dir, "skip", "skip.txt")).read() == "no"


def test_download_all_inputs_wrong_input(job_shell):
    assert "job_input.json" in job_shell.fails(3, "dx-download-all-inputs")
    missing = "file-" + "Q" * 24
    job_shell.write("job_input.json", {"gone": {"$dnanexus_link": missing}})
    assert missing in job_shell.fails(3, "dx-download-all-inputs")
    assert "unrecognized arguments: --fast" in job_shell.fails(2, "dx-download-all-inputs", "--fast")


# dx-upload-all-outputs

def test_upload_all_outputs(job_shell):
    job_shell.write("out/single/result.txt", "one")
    job_shell.write("out/many/b.txt", "B")
    job_shell.write("out/many/a.txt", "A")
    job_shell.write("out/many/sub/dir/deep.txt", "deep")
    job_shell.write("out/many/.hidden", "not uploaded")
    job_shell.write("out/extra/x.txt", "not in the spec")
    os.symlink(os.path.join(str(job_shell.home), "out/many/a.txt"), os.path.join(str(job_shell.home), "out/many/l"))
    job_shell.write("job_output.json", {"count": 3, "many": {"$dnanexus_link": "file-" + "E" * 24}})
    out = job_shell.ok("dx-upload-all-outputs", "--parallel", "--wait-on-close")
    home = str(job_shell.home)
    assert "uploading file: %s/out/many/sub/dir/deep.txt -> /sub/dir/deep.txt" % home in out
    stored = files_in(job_shell.workspace)
    assert sorted(stored) == ["/a.txt", "/b.txt", "/result.txt", "/sub/dir/deep.txt", "/x.txt"]
    link = {path: {"$dnanexus_link": file_id} for path, (file_id, _text) in stored.items()}
    assert {path: text for path, (_id, text) in stored.items()} == {
        "/a.txt": "A", "/b.txt": "B", "/result.txt": "one", "/sub/dir/deep.txt": "deep", "/x.txt": "not in the spec"}
    assert job_shell.read("job_output.json") == {
        "count": 3, "single": link["/result.txt"], "extra": link["/x.txt"],
        "many": [{"$dnanexus_link": "file-" + "E" * 24}, link["/a.txt"], link["/b.txt"], link["/sub/dir/deep.txt"]]}


def test_upload_all_outputs_except_and_clear_json(job_shell):
    job_shell.write("out/single/r.txt", "r")
    job_shell.write("out/many/m.txt", "m")
    job_shell.write("job_output.json", {"count": 1})
    job_shell.ok("dx-upload-all-outputs", "--except", "many", "--clearJSON", "true")
    output = job_shell.read("job_output.json")
    assert list(output) == ["single"] and list(files_in(job_shell.workspace)) == ["/r.txt"]


def test_upload_without_output_dir_still_writes_the_output(job_shell):
    job_shell.ok("dx-upload-all-outputs")
    assert job_shell.read("job_output.json") == {}


@pytest.mark.parametrize("files, message", [
    (["out/single/a", "out/single/b"], "Expected to find 1 file for key single of class file, but there are 2 files"),
    (["out/single/a", "out/single/d/b"], "Expected to find 1 file for key single of class file, but there are 2 files"),
    (["out/count/3"], "key count is of class int but it appears in the output directory"),
])
def test_upload_against_the_output_spec_fails_the_job(job_shell, files, message):
    for name in files:
        job_shell.write(name, "x")
    error = job_shell.fails(1, "dx-upload-all-outputs")
    assert error == "AppInternalError: %s\n" % message
    assert job_shell.read("job_error.json") == {"error": {"type": "AppInternalError", "message": message}}
    assert files_in(job_shell.workspace) == {}


def test_upload_spec_ignored_for_subjobs_and_excluded_fields(dx_emulator, job_shell):
    job_shell.write("out/single/a", "a")
    job_shell.write("out/single/b", "b")
    job_shell.ok("dx-upload-all-outputs", "--except", "single")  # the spec check skips excluded fields too
    assert files_in(job_shell.workspace) == {}
    subjob, workspace, _applet, token = start_job(dx_emulator, function="other")
    job_shell.env.update(job_environment(subjob, workspace, token))
    job_shell.ok("dx-upload-all-outputs")
    assert len(job_shell.read("job_output.json")["single"]) == 2


def test_upload_outside_a_job_reads_the_spec_of_dxapp_json(dx_emulator, shell):
    shell.env.update(dx_emulator.environment())
    shell.write("out/single/a", "a")
    shell.write("out/single/b", "b")
    shell.ok("dx-upload-all-outputs")  # no spec: two files make an array
    assert len(shell.read("job_output.json")["single"]) == 2
    assert sorted(files_in(dx_emulator.project_id)) == ["/a", "/b"]
    shell.env["DX_TEST_DXAPP_JSON"] = shell.write("dxapp.json", {"outputSpec": OUTPUT_SPEC})
    assert "Expected to find 1 file for key single" in shell.fails(1, "dx-upload-all-outputs")


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes on this system")
def test_upload_xattr_properties(job_shell):
    path = job_shell.write("out/single/r.txt", "r")
    try:
        os.setxattr(path, "user.sample", b"S1")
    except OSError:
        pytest.skip("the file system of the temporary directory has no user extended attributes")
    job_shell.ok("dx-upload-all-outputs", "--xattr-properties")
    file_id = job_shell.read("job_output.json")["single"]["$dnanexus_link"]
    assert dxpy.api.file_describe(file_id, {"project": job_shell.workspace,
                                            "fields": {"properties": True}})["properties"] == {"sample": "S1"}


# dx-jobutil-new-job

def test_new_job_request(shell):
    args = ["--test", "-i", "a=1", "-i", "a=2", "-i", "b:array:int=3", "-i", "c:boolean=t", "-i", "d={\"k\": [1]}",
            "-i", "e=%s:out.2" % JOB, "-i", "f:string=7", "-i", "g:hash={\"h\": 1}", "-i", "h:float=1.5",
            "-i", "r=1", "-j", '{"j": [5], "a": [0], "r": 0}', "--instance-type", "small",
            "--instance-type", '{"*": "big"}',
            "--instance-type-by-executable", '{"applet-1": {"main": "huge"}}', "--tag", "t1", "--tag", "t2",
            "--property", "k=v", "--property", "k2=a\\=b", "--extra-args", '{"priority": "high", "input": {"z": 1}}',
            "--head-job-on-demand", "--name", "sub", "fn", "--depends-on", JOB, FILE]
    request = json.loads(shell.ok("dx-jobutil-new-job", *args))
    assert request == {
        "function": "fn", "name": "sub", "dependsOn": [JOB, FILE],
        "systemRequirements": {"*": {"instanceType": "big"}},
        "systemRequirementsByExecutable": {"applet-1": {"main": {"instanceType": "huge"}}},
        "headJobOnDemand": True, "properties": {"k": "v", "k2": "a\\=b"}, "tags": ["t1", "t2"],
        "priority": "high",
        "input": {"j": [5], "a": [0, 1, 2], "b": [3], "c": True, "d": {"k": [1]},
                  "e": {"$dnanexus_link": {"job": JOB, "field": "out", "index": 2}}, "f": "7", "g": {"h": 1},
                  "h": 1.5, "r": 1}}
    simple = json.loads(shell.ok("dx-jobutil-new-job", "--test", "-i", "x=1", "--instance-type", "small", "fn"))
    assert simple == {"function": "fn", "systemRequirements": {"fn": {"instanceType": "small"}}, "input": {"x": 1}}
    shell.write("in.json", {"from_file": True})
    assert json.loads(shell.ok("dx-jobutil-new-job", "--test", "-f", "in.json", "fn"))["input"] == {"from_file": True}
    from_stdin = shell.ok("dx-jobutil-new-job", "--test", "-f", "-", "fn", stdin='{"s": 1}')
    assert json.loads(from_stdin)["input"] == {"s": 1}
    assert "Help: Specifying instance types" in shell.ok("dx-jobutil-new-job", "--instance-type-help")


@pytest.mark.parametrize("args, message", [
    (["-j", "{oops"], "Error while parsing input JSON: "),
    (["-j", "[1]"], "Error while parsing input JSON: expected a JSON object"),
    (["-f", "missing.json"], "Error while parsing input JSON file: "),
    (["-i", "novalue"], "did not conform to the syntax: -i<input name>=<input value>"),
    (["-i", "=1"], "did not conform to the syntax"),
    (["-i", "x:int=abc"], 'Value provided for input field "x" could not be parsed as int: '),
    (["-i", "x:array:float=abc"], 'input field "x" could not be parsed as array:float'),
    (["-i", "x:boolean=maybe"], 'Could not resolve "maybe" to a boolean'),
    (["-i", "x:hash={oops"], 'input field "x" could not be parsed as hash'),
    (["-i", "x:widget=1"], 'input field "x" could not be parsed as widget: unknown input class'),
    (["-i", "x=%s:out.first" % JOB], "must be an array index"),
    (["--instance-type", "{oops"], "Error while parsing JSON value for --instance-type"),
    (["--instance-type-by-executable", "big"], "--instance-type-by-executable could not be parsed as JSON"),
    (["--instance-type-by-executable", "{oops"], "Error while parsing JSON value for --instance-type-by-executable"),
    (["--extra-args", "{oops"], "Value given for --extra-args could not be parsed as JSON"),
    (["--extra-args", '{"systemRequirements": {"*": {"instanceTypeSelector": {}}}}'], "instanceTypeSelector"),
    (["--extra-args", '{"regionalOptions": {"r": {"systemRequirementsByExecutable": {"a": {"*": '
                      '{"instanceTypeSelector": {}}}}}}}'], "instanceTypeSelector"),
    (["--property", "novalue"], 'syntax "property_key=property_value"'),
    (["--property", "=v"], "Property keys must be nonempty strings"),
])
def test_new_job_rejects_wrong_options(shell, args, message):
    error = shell.fails(3, "dx-jobutil-new-job", "--test", *(args + ["fn"]))
    assert "DXCLIError" in error and message in error


def test_new_job_resolves_data_objects(job_shell):
    record = dxpy.api.record_new({"project": job_shell.workspace, "name": "my record"})["id"]
    dxpy.api.record_close(record)
    found = job_shell.ok("dx-jobutil-new-job", "--test", "-i", "r=my record", "-i", "s=no such thing",
                         "-i", "t:record=my record", "-i", "u:array:record=" + record, "-i", "v=" + record, "fn")
    assert json.loads(found)["input"] == {
        "r": {"$dnanexus_link": {"project": job_shell.workspace, "id": record}}, "s": "no such thing",
        "t": {"$dnanexus_link": {"project": job_shell.workspace, "id": record}},
        "u": [{"$dnanexus_link": record}], "v": {"$dnanexus_link": record}}
    error = job_shell.fails(3, "dx-jobutil-new-job", "--test", "-i", "t:file=my record", "fn")
    assert 'input field "t" could not be parsed as file' in error
    error = job_shell.fails(3, "dx-jobutil-new-job", "--test", "-i", "t:record=nothing here", "fn")
    assert 'could not resolve "nothing here" to a name or ID' in error
    error = job_shell.fails(3, "dx-jobutil-new-job", "--test", "-i", "t:record=", "fn")
    assert "empty string cannot be resolved" in error


def test_new_job_creates_the_subjob(dx_emulator, job_shell):
    job_id = job_shell.ok("dx-jobutil-new-job", "-i", "n=3", "--name", "sub", "--tag", "t", "process").strip()
    desc = dxpy.api.job_describe(job_id)
    assert (desc["function"], desc["name"], desc["tags"], desc["parentJob"]) == \
        ("process", "sub", ["t"], job_shell.job_id)
    assert desc["originalInput"] == {"n": 3}


def test_new_job_outside_a_job_queues_a_local_job(shell, tmp_path):
    error = shell.fails(1, "dx-jobutil-new-job", "-i", "n=3", "fn")
    assert "Cannot run an entry point locally if the environment variable DX_FS_ROOT has not been set" in error
    homedirs = tmp_path / "jobs"
    homedirs.mkdir()
    (homedirs / "job_queue.json").write_text("[]")
    (homedirs / "job_outputs.json").write_text("{}")
    shell.env.update(DX_FS_ROOT=str(tmp_path), DX_TEST_CODE_PATH=str(tmp_path / "code.py"),
                     DX_TEST_JOB_HOMEDIRS=str(homedirs))
    assert shell.ok("dx-jobutil-new-job", "-i", "n=3", "--name", "sub", "fn") == "localjob-0\n"
    assert json.loads((homedirs / "job_queue.json").read_text()) == [
        {"id": "localjob-0", "function": "fn", "input_hash": {"n": 3}, "depends_on": [], "name": "sub"}]


# dx-jobutil-get-identity-token

def test_identity_token_needs_a_job(shell):
    done = shell.run("dx-jobutil-get-identity-token", "--aud", "my.service")
    assert done.returncode == 1 and done.stdout == "This script should be run from within a job environment.\n"
    assert "--aud" in shell.fails(2, "dx-jobutil-get-identity-token")


def _jwt_claims(token):
    header, claims, signature = token.split(".")
    padded = claims + "=" * (-len(claims) % 4)
    return json.loads(base64.urlsafe_b64decode(padded)), signature


def test_identity_token(dx_emulator, job_shell):
    token = job_shell.ok("dx-jobutil-get-identity-token", "--aud", "my.service")
    claims, signature = _jwt_claims(token)
    assert not token.endswith("\n") and signature
    assert claims["aud"] == "my.service" and claims["job_id"] == job_shell.job_id
    assert claims["sub"] == "launched_by=%s;job_worker_ipv4=127.0.0.1" % dx_emulator.user_id
    assert claims["exp"] > claims["iat"]
    token = job_shell.ok("dx-jobutil-get-identity-token", "--aud", "a", "--subject_claims", "project_id,job_id",
                         "--subject_claims", "launched_by")
    assert _jwt_claims(token)[0]["sub"] == "project_id=%s;job_id=%s;launched_by=%s" % (
        dx_emulator.project_id, job_shell.job_id, dx_emulator.user_id)
    error = job_shell.fails(3, "dx-jobutil-get-identity-token", "--aud", "a", "--subject_claims", "shoe_size")
    assert "InvalidInput" in error and "shoe_size" in error
    assert "audience" in job_shell.fails(3, "dx-jobutil-get-identity-token", "--aud", "no spaces")
    job_shell.env["DX_SECURITY_CONTEXT"] = json.dumps(dx_emulator.security_context)  # the user's, not the job's
    assert "PermissionDenied" in job_shell.fails(3, "dx-jobutil-get-identity-token", "--aud", "a")
    job_shell.env["DX_JOB_ID"] = "job-" + "Z" * 24
    assert "ResourceNotFound" in job_shell.fails(3, "dx-jobutil-get-identity-token", "--aud", "a")


# Installation

def test_every_console_script_names_a_main_function():
    with open(os.path.join(ROOT, "setup.py")) as fh:
        tree = ast.parse(fh.read())
    entry_points = next(ast.literal_eval(keyword.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                        for keyword in node.keywords if keyword.arg == "entry_points")
    entries = entry_points["console_scripts"]
    names = {entry.split("=")[0].strip(): entry.split("=")[1].strip() for entry in entries}
    # The commands a job finds on its PATH are the console scripts but the old build commands
    # (which only say what replaced them).
    from dxpy.scripts import COMMANDS
    old_build_commands = {"dx-build-app", "dx-build-applet"}
    assert {command: target for command, target in names.items() if command not in old_build_commands} == \
        {command: "dxpy.scripts.%s:main" % module for command, module in COMMANDS.items()}
    assert set(names) == {"dx", "dx-jobutil-add-output", "dx-jobutil-dxlink", "dx-jobutil-new-job",
                          "dx-jobutil-parse-link", "dx-jobutil-report-error", "dx-download-all-inputs",
                          "dx-upload-all-outputs", "dx-print-bash-vars", "dx-jobutil-get-identity-token"} | \
        old_build_commands
    import importlib
    for command, target in names.items():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), command


def test_command_shims_put_the_commands_on_the_path(shell, tmp_path):
    from dxpy.scripts import COMMANDS, write_command_shims
    paths = write_command_shims(str(tmp_path / "bin"))
    assert sorted(os.path.basename(path) for path in paths) == sorted(COMMANDS)
    env = dict(shell.env, PATH=str(tmp_path / "bin") + os.pathsep + shell.env["PATH"])
    env.pop("PYTHONPATH")
    script = "dx-jobutil-add-output n 5 && dx-jobutil-dxlink %s && dx-jobutil-report-error stop" % FILE
    done = subprocess.run(["sh", "-c", script], env=env, cwd=str(shell.home), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and json.loads(done.stdout) == {"$dnanexus_link": FILE}
    assert shell.read("job_output.json") == {"n": 5} and shell.read("job_error.json")["error"]["message"] == "stop"
