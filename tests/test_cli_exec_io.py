"""dxpy.cli.exec_io: the input of ``dx run`` / ``dx add stage`` (-i, -j, -f, prompts).

The functions that drive the module (``input_outcomes``, ``prompt_transcripts``,
``call_outcomes``) run here against this package and, by their source, in a process of the
reference dxpy against the same emulator state; their results must agree once IDs are
normalized, except where dxpy 0.417.1 has a bug (tests named ``..._fixed``).
"""
import inspect
import json
import os
import subprocess
import textwrap

import pytest

import dxpy
from dxpy.cli import exec_io
from dxpy.utils import printing
from dx_cli import normalize

CLASSES = ["int", "float", "boolean", "string", "hash", "file", "record", "applet", "workflow", "database"]
RUN_SPEC = {"interpreter": "bash", "code": "true", "distribution": "Ubuntu", "release": "20.04", "version": "0"}
A_JOB = "job-" + "B" * 24  # a job ID that does not exist: job references are not checked
NO_SUCH_FILE = "file-" + "B" * 24


# -- the drivers (each runs in this process and, by its source, in the reference dxpy) ----------

def input_outcomes(cases):
    """For each case, the input ExecutableInputs builds from it as JSON, or the exception."""
    import argparse
    import io
    import json
    import sys
    import dxpy
    import dxpy.cli.exec_io
    results = []
    for case in cases:
        args = argparse.Namespace(input=case.get("input"), input_json=case.get("input_json"),
                                  filename=case.get("filename"), region=case.get("region"))
        saved_stdin = sys.stdin
        sys.stdin = io.StringIO(case.get("stdin", ""))
        dxpy.cli.exec_io.INTERACTIVE_CLI = False
        try:
            executable = dxpy.get_handler(case["executable"]) if case.get("executable") else None
            inputs = dxpy.cli.exec_io.ExecutableInputs(executable, input_name_prefix=case.get("prefix"),
                                                       input_spec=case.get("input_spec"),
                                                       active_region=case.get("region"))
            inputs.update_from_args(args, require_all_inputs=case.get("require_all", False))
            results.append(json.dumps(inputs.inputs))
        except Exception as error:
            results.append("%s: %s" % (type(error).__name__, error))
        finally:
            sys.stdin = saved_stdin
    return results


def prompt_transcripts(cases):
    """For each case, what the prompts for the missing inputs print when the answers come from
    a pipe, and the input they give (or the exception)."""
    import argparse
    import contextlib
    import io
    import json
    import sys
    import dxpy
    import dxpy.cli.exec_io
    results = []
    for case in cases:
        args = argparse.Namespace(input=case.get("input"), input_json=None, filename=None, region=None,
                                  confirm=case.get("confirm", True))
        saved_stdin, printed = sys.stdin, io.StringIO()
        sys.stdin = io.StringIO(case["answers"])
        dxpy.cli.exec_io.INTERACTIVE_CLI = True
        try:
            with contextlib.redirect_stdout(printed):
                inputs = dxpy.cli.exec_io.ExecutableInputs(dxpy.get_handler(case["executable"]))
                inputs.update_from_args(args)
            outcome = json.dumps(inputs.inputs)
        except Exception as error:
            outcome = "%s: %s" % (type(error).__name__, error)
        finally:
            sys.stdin = saved_stdin
            dxpy.cli.exec_io.INTERACTIVE_CLI = False
        results.append(printed.getvalue() + "\n=> " + outcome)
    return results


def call_outcomes(calls):
    """For each [function name, arguments], what that function of the module returns (JSON)
    or raises."""
    import json
    import dxpy.cli.exec_io
    results = []
    for name, arguments in calls:
        try:
            results.append(json.dumps(getattr(dxpy.cli.exec_io, name)(*arguments)))
        except Exception as error:
            results.append("%s: %s" % (type(error).__name__, error))
    return results


def run_in_reference(reference_python, emulator, tmp_path, driver, cases):
    """*driver*(cases) run by the reference dxpy in a process of its own."""
    script = textwrap.dedent(inspect.getsource(driver)) + textwrap.dedent("""
        import json, sys
        with open(sys.argv[1]) as cases:
            print(json.dumps(%s(json.load(cases))))
        """ % driver.__name__)
    cases_file = tmp_path / ("%s.json" % driver.__name__)
    cases_file.write_text(json.dumps(cases))
    env = {name: value for name, value in os.environ.items()
           if name != "PYTHONPATH" and not name.startswith("DX_")}
    env.update(emulator.environment())
    env["HOME"] = str(tmp_path)
    done = subprocess.run([reference_python, "-c", script, str(cases_file)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, env=env, cwd=str(tmp_path),
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- the platform state -----------------------------------------------------------------------

def _applet(project, name, input_spec=None, output_spec=None, code="true"):
    request = {"project": project, "name": name, "dxapi": "1.0.0", "runSpec": dict(RUN_SPEC, code=code)}
    if input_spec is not None:
        request["inputSpec"] = input_spec
    if output_spec is not None:
        request["outputSpec"] = output_spec
    return dxpy.api.applet_new(request)["id"]


def _every_class_spec():
    spec = [{"name": "i_" + klass, "class": klass, "optional": True} for klass in CLASSES]
    spec += [{"name": "a_" + klass, "class": "array:" + klass, "optional": True} for klass in CLASSES]
    return spec + [{"name": "req", "class": "string"}]


def _prompting_spec(project, file_id):
    return [
        {"name": "n", "class": "int", "label": "A number", "choices": [1, 2, 3],
         "help": "How many things to count in the input of this applet, a help text long enough to wrap"},
        {"name": "flag", "class": "boolean"},
        {"name": "reads", "class": "file", "type": "fastq", "suggestions": [
            {"name": "sample", "value": {"$dnanexus_link": {"project": project, "id": file_id}}},
            {"project": project, "path": "/fold"}]},
        {"name": "words", "class": "array:string", "suggestions": ["a b", "c"]},
        {"name": "opt", "class": "float", "optional": True, "default": 1.5},
        {"name": "optarr", "class": "array:int", "optional": True},
        {"name": "h", "class": "hash", "optional": True, "label": "Hash"},
    ]


@pytest.fixture(scope="module")
def world(cli_emulator, tmp_path_factory):
    """IDs of what the cases use, in the emulator's project (the current one)."""
    project = dxpy.WORKSPACE_ID
    ids = {"project": project}
    ids["file"] = dxpy.upload_string("hello", project=project, name="f1.txt", wait_on_close=True).get_id()
    ids["record"] = dxpy.new_dxrecord(project=project, name="rec1", close=True).get_id()
    for _ in range(2):
        dxpy.new_dxrecord(project=project, name="dup", close=True)
    dxpy.api.project_new_folder(project, {"folder": "/fold"})
    ids["inner"] = dxpy.upload_string("in", project=project, name="inner.txt", folder="/fold",
                                      wait_on_close=True).get_id()
    ids["applet"] = _applet(project, "every_class", _every_class_spec(), [])
    ids["no_spec"] = _applet(project, "no_spec")
    ids["prompting"] = _applet(project, "prompting", _prompting_spec(project, ids["file"]))
    ids["plain_file"] = _applet(project, "plain_file", [{"name": "src", "class": "file"}])
    workflow = dxpy.new_dxworkflow(project=project, name="two_stages")
    workflow.add_stage(ids["applet"], name="first")
    workflow.add_stage(ids["applet"], name="second")
    ids["workflow"] = workflow.get_id()
    ids["workflow_level"] = dxpy.api.workflow_new({
        "project": project, "name": "workflow_level",
        "inputs": [{"name": "wi", "class": "int"}, {"name": "wf", "class": "file", "optional": True},
                   {"name": "wa", "class": "array:string", "optional": True}],
        "stages": [{"id": "s1", "executable": ids["applet"],
                    "input": {"i_int": {"$dnanexus_link": {"workflowInputField": "wi"}}}}]})["id"]
    ids["app"] = dxpy.api.app_new({"applet": ids["applet"], "name": "every_class_app", "version": "1.0.0"})["id"]
    input_file = tmp_path_factory.mktemp("input") / "input.json"
    input_file.write_text('{"i_int": 4, "a_int": [1, 2]}')
    ids["input_file"] = str(input_file)
    bad_file = input_file.parent / "bad.json"
    bad_file.write_text("{x")
    ids["bad_file"] = str(bad_file)
    return ids


@pytest.fixture(autouse=True)
def plain_output(monkeypatch):
    """Print as a process whose stdout is a pipe does: no colours, 78 columns."""
    monkeypatch.setattr(printing, "color_state", False)
    monkeypatch.setattr(printing, "std_width", 78)
    monkeypatch.setattr(exec_io, "INTERACTIVE_CLI", False)


def _filled(value, ids):
    """*value* with "{name}" in its strings replaced by the IDs of the world."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    return value


def _same_after_normalizing(ours, reference):
    assert normalize(ours) == normalize(reference)


# -- -i, -j, -f compared with dxpy --------------------------------------------------------------

INPUT_CASES = {
    "every class by path, name and ID": {"executable": "{applet}", "input": [
        "i_int=3", "i_float=2", "i_boolean=t", "i_string=x y", 'i_hash={{"a": 1}}', "i_file=f1.txt",
        "i_record=rec1", "a_int=1", "a_int=2", "a_file={file}", "a_file=f1.txt", "i_applet=every_class",
        "i_workflow=two_stages", "i_database=" + A_JOB + ":db"]},
    "paths with folders and projects": {"executable": "{applet}", "input": [
        "i_file=:/fold/inner.txt", "i_record=/rec1", "a_record=rec1", "a_record={record}",
        "a_file={project}:f1.txt", "a_file=fold/inner.txt", "a_file=f*.txt"]},
    "arrays of every class": {"executable": "{applet}", "input": [
        "a_boolean=F", "a_boolean=1", "a_float=1e3", "a_hash={{}}", "a_string=", "i_int= 5",
        "a_applet=every_class", "a_workflow=two_stages", "a_record=rec1", "i_string=a\\:b", "i_hash=null"]},
    "job references": {"executable": "{applet}", "input": [
        "i_int=" + A_JOB + ":out.3", "a_file=" + A_JOB + ":out", "i_file=" + A_JOB + ":f"]},
    "no input spec: types guessed": {"executable": "{no_spec}", "input": [
        "x=3", "y=f1.txt", "y=rec1", "z:file=f1.txt", "w:array:file=f1.txt", "v:float=1",
        'u:hash={{"a": [1]}}', "t:string=3", "e=[1]", 'f={{"x": 2}}', "g=true", "h=null", "k=fold",
        "l={file}", "m=" + A_JOB + ":out", "n=dup", "o:array:int=3", "p:boolean=0", "q="]},
    "no executable, a spec given": {"input_spec": [{"name": "q", "class": "int"}], "input": ["q=3"]},
    "workflow stages by index, name and ID": {"executable": "{workflow}", "input": [
        "0.i_int=3", "first.i_file=f1.txt", "second.a_int=1", "second.a_int=2", "1.a_string=x"]},
    "workflow names outside its spec": {"executable": "{workflow}", "input": ["0.nope=3", "wfin=3"]},
    "workflow-level inputs": {"executable": "{workflow_level}", "input": ["wi=3", "wf=f1.txt", "wa=x", "wa=y"]},
    "an app": {"executable": "{app}", "input": ["i_int=3", "i_file=f1.txt"]},
    "-j then -i": {"executable": "{no_spec}", "input_json": '{{"b": 1, "a": [2]}}', "input": ["a=3", "c=4"]},
    "-j with names outside the spec": {"executable": "{applet}", "input_json": '{{"i_int": 1, "zzz": [2]}}',
                                       "input": ["i_int=3"]},
    "-j of a workflow": {"executable": "{workflow}", "input_json": '{{"0.i_int": 3}}', "input": ["first.i_int=4"]},
    "-f FILE then -i": {"executable": "{applet}", "filename": "{input_file}", "input": ["a_int=5"]},
    "-f - reads stdin": {"executable": "{applet}", "filename": "-", "stdin": '{{"i_string": "from stdin"}}'},
    "a prefix keeps its inputs": {"executable": "{applet}", "prefix": "pre_",
                                  "input": ["pre_i_int=3", "i_float=2", "pre_a_int=4"]},
    "a prefix in -j": {"executable": "{applet}", "prefix": "pre_", "input_json": '{{"pre_i_int": 1, "i_float": 2}}'},
    "all given": {"executable": "{applet}", "input": ["req=x"], "require_all": True},
    # wrong input
    "a value that is not of the class": {"executable": "{applet}", "input": ["i_int=x"]},
    "a job field index that is not a number": {"executable": "{applet}", "input": ["i_int=" + A_JOB + ":out.x"]},
    "a boolean that is not one": {"executable": "{applet}", "input": ["i_boolean="]},
    "a bad hash": {"executable": "{applet}", "input": ["i_hash={{x"]},
    "a name outside the spec": {"executable": "{applet}", "input": ["nope=3"]},
    "a name outside the given spec": {"input_spec": [{"name": "q", "class": "int"}], "input": ["r=3"]},
    "a name outside the prefixed spec": {"executable": "{applet}", "prefix": "pre_", "input": ["pre_nope=1"]},
    "-i without =": {"executable": "{applet}", "input": ["i_int"]},
    "bad JSON in -j": {"executable": "{applet}", "input_json": "{{bad"},
    "-j not a hash": {"executable": "{no_spec}", "input_json": "[1, 2]"},
    "a missing -f file": {"executable": "{applet}", "filename": "/no/such/input.json"},
    "bad JSON in the -f file": {"executable": "{applet}", "filename": "{bad_file}"},
    "a path that does not resolve": {"executable": "{applet}", "input": ["i_file=nothere"]},
    "an empty path": {"executable": "{applet}", "input": ["i_file="]},
    "a folder for a file": {"executable": "{applet}", "input": ["i_file=fold"]},
    "an object of another class": {"executable": "{applet}", "input": ["i_file=rec1"]},
    "an ambiguous name": {"executable": "{applet}", "input": ["i_record=dup"]},
    "an ambiguous name in an array": {"executable": "{applet}", "input": ["a_record=rec1", "a_record=dup"]},
    "a project that does not exist": {"executable": "{applet}", "input": ["i_file=nowhere:f1.txt"]},
    "a string with a colon and no spec": {"executable": "{no_spec}", "input": ["a=some:thing"]},
    "a path with two colons": {"executable": "{applet}", "input": ["i_file=" + A_JOB + ":out:x"]},
    "a class unknown to the platform": {"executable": "{no_spec}", "input": ["a:bogus=f1.txt"]},
    "a stage that does not exist": {"executable": "{workflow}", "input": ["nostage.i_int=3"]},
    "a stage index out of range": {"executable": "{workflow}", "input": ["5.i_int=3"]},
    "a workflow value of the wrong class": {"executable": "{workflow}", "input": ["0.i_int=x"]},
    "a stage input of a workflow-level workflow": {"executable": "{workflow_level}", "input": ["s1.i_int=3"]},
    "a name outside an app's spec": {"executable": "{app}", "input": ["nope=3"]},
    "required inputs missing": {"executable": "{applet}", "input": ["i_int=3"], "require_all": True},
    "workflow-level inputs missing": {"executable": "{workflow_level}", "require_all": True},
}


@pytest.fixture(scope="module")
def input_cases(world):
    return {name: _filled(case, world) for name, case in INPUT_CASES.items()}


@pytest.fixture(scope="module")
def reference_inputs(reference_python, cli_emulator, input_cases, tmp_path_factory):
    names = sorted(input_cases)
    outcomes = run_in_reference(reference_python, cli_emulator, tmp_path_factory.mktemp("ref-inputs"),
                                input_outcomes, [input_cases[name] for name in names])
    return dict(zip(names, outcomes))


@pytest.mark.reference
@pytest.mark.parametrize("name", sorted(INPUT_CASES))
def test_inputs_as_dxpy_builds_them(name, input_cases, reference_inputs):
    ours = input_outcomes([input_cases[name]])[0]
    _same_after_normalizing(ours, reference_inputs[name])


def test_inputs_typed_by_the_spec(world, input_cases):
    inputs = json.loads(input_outcomes([input_cases["every class by path, name and ID"]])[0])
    in_project = {"project": world["project"], "id": world["file"]}
    assert inputs["i_int"] == 3 and inputs["i_float"] == 2.0 and inputs["i_boolean"] is True
    assert inputs["i_hash"] == {"a": 1} and inputs["a_int"] == [1, 2]
    assert inputs["i_file"] == {"$dnanexus_link": in_project}
    assert inputs["a_file"] == [{"$dnanexus_link": world["file"]}, {"$dnanexus_link": in_project}]
    assert inputs["i_database"] == {"$dnanexus_link": {"job": A_JOB, "field": "db"}}


# -- where dxpy 0.417.1 is wrong ----------------------------------------------------------------

FIXED_CASES = {
    # dxpy: TypeError (it indexes the ID it could not describe as if it were a result)
    "an ID that does not exist": ({"executable": "{applet}", "input": ["i_file=" + NO_SUCH_FILE]},
                                  'DXCLIError: Value provided for input field "i_file" could not be parsed as '
                                  'file: could not resolve "' + NO_SUCH_FILE + '" to a name or ID'),
    # dxpy: AssertionError (it takes an ID it could not describe for an execution ID); here it is a string
    "an ID that does not exist, no spec": ({"executable": "{no_spec}", "input": ["r=" + NO_SUCH_FILE]},
                                           json.dumps({"r": NO_SUCH_FILE})),
    # dxpy takes "3" for the name (the text before the first "=" that is not empty)
    "-i with an empty name": ({"executable": "{applet}", "input": ["=3"]},
                              "DXCLIError: An input was found that did not conform to the syntax: "
                              "-i<input name>=<input value>"),
    # dxpy puts the job reference first: paths of an array were added after all other values
    "an array keeps the order given": (
        {"executable": "{applet}", "input": ["a_file=f1.txt", "a_file=" + A_JOB + ":out", "a_file={file}"]},
        json.dumps({"a_file": [{"$dnanexus_link": {"project": "{project}", "id": "{file}"}},
                               {"$dnanexus_link": {"job": A_JOB, "field": "out"}},
                               {"$dnanexus_link": "{file}"}]})),
}


@pytest.mark.reference
def test_inputs_where_dxpy_is_wrong_fixed(world, reference_python, cli_emulator, tmp_path):
    cases = [_filled(FIXED_CASES[name][0], world) for name in sorted(FIXED_CASES)]
    reference = run_in_reference(reference_python, cli_emulator, tmp_path, input_outcomes, cases)
    ours = input_outcomes(cases)
    for name, case, their, our in zip(sorted(FIXED_CASES), cases, reference, ours):
        expected = FIXED_CASES[name][1].replace("{project}", world["project"]).replace("{file}", world["file"])
        assert our == expected, name
        assert their != expected, name
    failures = {name: outcome.split(":")[0] for name, outcome in zip(sorted(FIXED_CASES), reference)}
    assert failures["an ID that does not exist"] == "TypeError"
    assert failures["an ID that does not exist, no spec"] == "AssertionError"


# -- prompting for missing inputs ----------------------------------------------------------------

PROMPT_CASES = {
    "every required input, then the optional ones": {
        "executable": "{prompting}",
        "answers": 'x\n7\nt\nf1.txt\na b\n"x y"\n\n1\n3\n4\n\n0\n2.5\n5\nz\n\n'},
    "given inputs are not asked for, no optional ones offered": {
        "executable": "{prompting}", "input": ["n=1", "flag=0", "reads=f1.txt"], "answers": "a\n\n"},
    "no optional inputs without confirmation": {
        "executable": "{prompting}", "confirm": False, "answers": "2\ntrue\nf1.txt\nw\n"},
    "help for an int, a boolean and a file": {
        "executable": "{prompting}", "input": ["words=a"], "answers": "?\n2\n?\nt\n?\n4\nf1.txt\n"},
    "help for a string array": {
        "executable": "{prompting}", "input": ["n=1", "flag=0", "reads=f1.txt"], "answers": "?\n\n"},
    "listing data of a type that none has": {
        "executable": "{prompting}", "input": ["n=1", "flag=0", "words=a"], "answers": "?\n0\n"},
    "picking data from the current project": {
        "executable": "{plain_file}", "answers": "?\n0\n1\n"},
    "picking data from a project picked": {
        "executable": "{plain_file}", "answers": "?\n2\n0\n"},
    "no jobs to pick an output from": {
        "executable": "{prompting}", "input": ["n=1", "flag=0", "words=a"], "answers": "?\n3\n"},
    "the end of the answers": {"executable": "{prompting}", "answers": "2\n"},
    "the end of the answers in the optional menu": {
        "executable": "{prompting}", "answers": "2\nt\nf1.txt\n\n1\n"},
    "an optional input number out of range": {
        "executable": "{prompting}", "answers": "2\nt\nf1.txt\n\nx\n9\n\n"},
}


@pytest.fixture(scope="module")
def prompt_cases(world):
    return {name: _filled(case, world) for name, case in PROMPT_CASES.items()}


@pytest.fixture(scope="module")
def reference_prompts(reference_python, cli_emulator, prompt_cases, tmp_path_factory):
    names = sorted(prompt_cases)
    transcripts = run_in_reference(reference_python, cli_emulator, tmp_path_factory.mktemp("ref-prompts"),
                                   prompt_transcripts, [prompt_cases[name] for name in names])
    return dict(zip(names, transcripts))


@pytest.mark.reference
@pytest.mark.parametrize("name", sorted(PROMPT_CASES))
def test_prompts_as_dxpy_prints_them(name, prompt_cases, reference_prompts):
    ours = prompt_transcripts([prompt_cases[name]])[0]
    _same_after_normalizing(ours, reference_prompts[name])


def test_prompts_do_not_wait_without_answers(world):
    transcript = prompt_transcripts([{"executable": world["prompting"], "answers": ""}])[0]
    assert transcript.startswith("Entering interactive mode for input selection.\n")
    assert transcript.endswith("\n=> DXCLIError: Unexpected end of input")


def test_prompts_ask_again_after_a_value_dxpy_gives_up_on_fixed(world, reference_python, cli_emulator, tmp_path):
    # dxpy ends the whole prompt when a boolean or a path does not parse; other classes ask again
    case = {"executable": world["prompting"], "input": ["n=1", "words=a"], "answers": "maybe\nyes\n\nt\nnothere\n"}
    ours = prompt_transcripts([case])[0]
    assert ('flag: Error occurred when parsing for class boolean: Could not resolve "maybe" to a\nboolean\n'
            'flag: Error occurred when parsing for class boolean: Could not resolve "yes" to a\nboolean\n'
            'flag: Error occurred when parsing for class boolean: Could not resolve "" to a\nboolean\n'
            'flag: \nInput:   reads (reads)') in ours
    assert ours.endswith('reads: Error occurred when parsing for class file: Unable to resolve "nothere" to a\n'
                         "data object or folder name in '/'\nreads: \n=> DXCLIError: Unexpected end of input")
    reference = run_in_reference(reference_python, cli_emulator, tmp_path, prompt_transcripts, [case])[0]
    assert reference.endswith('flag: \n=> DXCLIError: Could not resolve "maybe" to a boolean')


@pytest.mark.reference
def test_no_reference_genomes_project_fixed(world, reference_python, cli_emulator, tmp_path):
    # dxpy ends the prompt with a DXSearchError; here the options are offered again
    case = {"executable": world["plain_file"], "answers": "?\n1\n4\nf1.txt\n"}
    ours = prompt_transcripts([case])[0]
    assert "Pick a numbered choice: No compatible data found\nPick an option to find input data:\n" in ours
    assert ours.endswith('=> {"src": {"$dnanexus_link": {"project": "%s", "id": "%s"}}}'
                         % (world["project"], world["file"]))
    reference = run_in_reference(reference_python, cli_emulator, tmp_path, prompt_transcripts, [case])[0]
    assert reference.endswith("=> DXSearchError: Expected one result, but found none: {'name': 'Reference Genome "
                              "Files:*', 'public': True, 'billed_to': 'org-dnanexus_apps', 'level': 'VIEW', "
                              "'name_mode': 'glob', 'region': 'aws:us-east-1', 'limit': 1}")


OUTPUT_CODE = """main() {
    dx-jobutil-add-output greeting hi --class string
    dx-jobutil-add-output count 3 --class int
}
"""


@pytest.mark.reference
def test_picking_a_job_output_fixed(world, reference_python, cli_emulator, tmp_path):
    # dxpy indexes the keys of a dict and looks for the executable in the wrong hash
    applet = _applet(world["project"], "outputs", [], [{"name": "greeting", "class": "string"},
                                                       {"name": "count", "class": "int"}], code=OUTPUT_CODE)
    job = dxpy.DXApplet(applet).run({})
    job.wait_on_done(interval=0.1, timeout=120)
    case = {"executable": world["plain_file"], "answers": "?\n3\n1\n"}  # (the only job is picked unasked)
    transcript = prompt_transcripts([case])[0]
    assert "Previously-run jobs to choose from:\n" in transcript
    assert "Output fields to choose from:\n0) greeting\n1) count\n" in transcript
    assert transcript.endswith('=> {"src": {"$dnanexus_link": {"job": "%s", "field": "count"}}}' % job.get_id())
    reference = run_in_reference(reference_python, cli_emulator, tmp_path, prompt_transcripts, [case])[0]
    assert reference.endswith("=> TypeError: 'dict_keys' object is not subscriptable")


# -- the module's functions ------------------------------------------------------------------------

def _calls(ids):
    project, file_id = ids["project"], ids["file"]
    link = {"$dnanexus_link": {"project": project, "id": file_id}}
    return [
        ["parse_bool", ["T"]], ["parse_bool", ["fal"]], ["parse_bool", ["1"]], ["parse_bool", ["0"]],
        ["parse_bool", ["yes"]], ["parse_bool", [""]],
        ["parse_obj", ["f1.txt", "file"]], ["parse_obj", [file_id, "file"]], ["parse_obj", ["rec1", "file"]],
        ["parse_obj", ["", "file"]], ["parse_obj", ["nothere", "record"]], ["parse_obj", ["dup", "record"]],
        ["parse_input_or_jbor", ["array:int", "7"]], ["parse_input_or_jbor", ["float", "x"]],
        ["parse_input_or_jbor", ["hash", '{"a": 1}']], ["parse_input_or_jbor", ["app", "app-x"]],
        ["parse_input_or_jbor", ["job", "job-x"]], ["parse_input_or_jbor", ["string", A_JOB + ":out.2"]],
        ["parse_input_or_jbor", ["record", "rec1"]], ["parse_input_or_jbor", ["database", "x"]],
        ["get_optional_input_str", [{"name": "n", "label": "Number"}]],
        ["get_optional_input_str", [{"name": "n"}]],
        ["format_choices_or_suggestions", ["Choices:", [1, "two words", "it's"], "array:string"]],
        ["format_choices_or_suggestions", ["Suggestions:", ["x" * 30] * 5, "int", "", "  "]],
        ["format_choices_or_suggestions", ["Suggestions:", [
            link, {"$dnanexus_link": file_id}, {"name": "named", "value": link}, {"value": link},
            {"project": project, "path": "/fold", "name": "in a folder"}, {"project": project, "path": "/fold"},
            {"other": 1}], "array:file"]],
    ]


@pytest.mark.reference
def test_functions_as_dxpys(world, reference_python, cli_emulator, tmp_path):
    calls = _calls(world)
    reference = run_in_reference(reference_python, cli_emulator, tmp_path, call_outcomes, calls)
    ours = call_outcomes(calls)
    for call, our, their in zip(calls, ours, reference):
        assert normalize(our) == normalize(their), call[0]


def test_parse_input_table():
    assert sorted(exec_io.parse_input) == sorted(["boolean", "string", "float", "int", "hash", "record", "file",
                                                  "applet", "workflow", "job", "app"])
    assert exec_io.parse_input["int"]("4") == 4 and exec_io.parse_input["string"]("4") == "4"
    assert exec_io.dx_data_classes == ["record", "file", "applet", "workflow"]


def test_global_workflow_stage_inputs(world):
    # The reference dxpy cannot describe the workflow behind a global workflow in the emulator.
    workflow = dxpy.api.workflow_new({"project": world["project"], "name": "for_global", "stages": [
        {"id": "s", "name": "only", "executable": world["applet"]}]})["id"]
    dxpy.api.workflow_close(workflow)
    dxpy.api.global_workflow_new({"name": "global_flow", "version": "0.1.0",
                                  "regionalOptions": {"aws:us-east-1": {"workflow": workflow}}})
    case = {"executable": "globalworkflow-global_flow", "region": "aws:us-east-1",
            "input": ["s.i_int=3", "only.a_int=4", "0.i_file=f1.txt"]}
    inputs = json.loads(input_outcomes([case])[0])
    assert inputs == {"s.i_int": 3, "s.a_int": [4],
                      "s.i_file": {"$dnanexus_link": {"project": world["project"], "id": world["file"]}}}
    assert input_outcomes([dict(case, input=["i_int=3"])]) == [
        'DXCLIError: Input field called "i_int" was not found in the input spec']


def test_update_and_add_with_a_prefix(world):
    inputs = exec_io.ExecutableInputs(dxpy.DXApplet(world["applet"]), input_name_prefix="p.")
    inputs.update({"p.i_int": 1, "other": 2, "p.i_float": 3})
    inputs.add("p.a_int", "5")
    inputs.add("i_int", "not mine")
    inputs.update({"p.i_int": 9}, strip_prefix=False)
    assert dict(inputs.inputs) == {"i_int": 1, "i_float": 3, "a_int": [5], "p.i_int": 9}
    assert inputs.required_inputs == ["req"] and "a_file" in inputs.array_inputs
    assert inputs.optional_inputs[:2] == ["i_int", "i_float"]


def test_prompting_without_a_spec_does_nothing(capsys):
    inputs = exec_io.ExecutableInputs()
    inputs.prompt_for_missing()
    assert inputs.get_executable_description() == {} and inputs.input_spec is None
    assert capsys.readouterr().out == ""
