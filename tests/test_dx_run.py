"""dx run: inputs, options, --clone, workflows, --batch-tsv and executable help, compared with the
reference dx; wrong input starts nothing."""
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import termios

import pytest

import dxpy
from dx_cli import normalize
from test_dx_projects import last_line_and_code
from test_dx_workflow import IN_SPEC, OUT_SPEC, make_applet, make_workflows, outputs_per_client

reference = pytest.mark.reference  # the tests that compare with the reference dx

DOCUMENTED_SPEC = [
    {"name": "number", "class": "int", "label": "A number", "help": "How many times to map the reads, "
     "a number that is long enough to need wrapping onto the next line of the help", "default": 3},
    {"name": "flag", "class": "boolean", "optional": True, "group": "Switches"},
    {"name": "mode", "class": "string", "choices": ["fast", "slow"], "optional": True, "group": "Switches"},
    {"name": "reads", "class": "array:file", "optional": True, "patterns": ["*.fq"]},
    {"name": "ratio", "class": "float", "optional": True, "suggestions": [0.5, 1.5]},
    {"name": "extra", "class": "hash", "optional": True},
]


def make_run_objects(project):
    """What make_workflows makes, and "documented" (an applet with a spec showing each help
    feature) and "opaque" (an applet without input or output specs)."""
    make_workflows(project)
    applet = dxpy.DXApplet()
    applet.new(project=project, name="documented", title="Documented applet", summary="Shows its help",
               dxapi="1.0.0", inputSpec=DOCUMENTED_SPEC, outputSpec=OUT_SPEC + [{"name": "log", "class": "file",
                                                                                  "help": "What happened"}],
               runSpec={"interpreter": "bash", "code": "exit 0"}, details={"advancedInputs": ["extra"]})
    opaque = dxpy.DXApplet()
    opaque.new(project=project, name="opaque", dxapi="1.0.0", runSpec={"interpreter": "bash", "code": "exit 0"})


@pytest.fixture(scope="module")
def app_tool(cli_emulator):
    """The app "tool" (version 1.0.0, the specs of "mapper"), made once for the module."""
    project = dxpy.api.project_new({"name": "app sources"})["id"]
    applet = make_applet(project, "tool-applet", IN_SPEC, OUT_SPEC)
    return dxpy.api.app_new({"applet": applet.get_id(), "name": "tool", "version": "1.0.0", "title": "Tool",
                             "summary": "Maps"})["id"]


@pytest.fixture(scope="module")
def global_flow(cli_emulator):
    """The global workflow "gflow" (version 1.0.0): one stage running an applet like "mapper"."""
    project = dxpy.api.project_new({"name": "global workflow sources"})["id"]
    applet = make_applet(project, "gmapper", IN_SPEC, OUT_SPEC)
    workflow = dxpy.new_dxworkflow(project=project, name="gflow-source", title="Global flow")
    workflow.add_stage(applet, stage_id="only", stage_input={"number": 2})
    return dxpy.api.global_workflow_new({"workflow": workflow.get_id(), "name": "gflow", "version": "1.0.0"})["id"]


@pytest.fixture
def twins(twins):
    twins.populate(make_run_objects)
    return twins


def executions(project):
    return list(dxpy.find_executions(project=project))


def assert_nothing_started(twins):
    for client in twins.clients:
        assert executions(client.project) == []


def last_job(project):
    return dxpy.api.job_describe(executions(project)[0]["id"])


@reference
def test_run_applet_with_inputs(twins):
    twins.assert_same("run", "mapper", "-inumber=5", "-ilabel=hello", "-ireads=reads.fq", "-y")
    twins.assert_same("run", "mapper", "-inumber=6", "-y", "--brief")


@reference
def test_run_input_forms(twins, tmp_path):
    twins.assert_same("run", "mapper", "-j", '{"number": 7, "label": "json"}', "-y")
    twins.assert_same("run", "mapper", "-f", "-", "-y", "--brief", stdin='{"number": 8}')
    path = tmp_path / "input.json"
    path.write_text('{"number": 9, "reads": {"$dnanexus_link": "nosuch"}}')
    for client in twins.clients:
        reads = dxpy.find_one_data_object(project=client.project, name="reads.fq")["id"]
        (tmp_path / (client.home.name + ".json")).write_text(json.dumps({"number": 9, "reads": dxpy.dxlink(reads)}))
    ref, this = [(client.run("run", "mapper", "--input-json-file", str(tmp_path / (client.home.name + ".json")), "-y",
                             "--brief").returncode) for client in twins.clients]
    assert ref == this == 0
    twins.assert_same("run", "mapper", "-inumber=1", "-ireads={project}:/reads.fq", "-y")
    twins.assert_same("run", "opaque", "-ia=1", "-ib=text", "-ic:int=2", "-id:array:int=3", "-ie=[1,2]", "-y")
    records = [last_job(client.project)["runInput"] for client in twins.clients]
    assert records[0] == records[1]
    assert (records[1]["a"], records[1]["b"], records[1]["c"], records[1]["e"]) == (1, "text", 2, [1, 2])


# A configuration directory without an SSH key, named alike for both clients.
NO_SSH_KEY = {"DX_USER_CONF_DIR": "/nonexistent/dx-config"}


@reference
def test_run_options(twins):
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--name", "named", "--tag", "t1", "--tag", "t2",
                      "--property", "k=v", "--priority", "low", "--delay-workspace-destruction",
                      "--cost-limit", "2.5", "--instance-type", "mem2_ssd1_x2", "--detach", "--rank", "3",
                      "--destination", "/out", "--extra-args", '{"executionPolicy": {"restartOn": {"*": 1}}}')
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--brief", "--folder", "{project}:/", "--instance-type",
                      '{"main": "mem1_ssd1_x4", "*": "mem1_ssd1_x2"}', "--ignore-reuse",
                      "--max-tree-spot-wait-time", "2h", "--detailed-job-metrics")
    # SSH access for an address: the account has no SSH key set up, so dx warns and asks first.
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--brief", "--name", "ssh", "--allow-ssh", "10.0.0.1",
                      "--debug-on", "AppError", stdin="y\n", env=NO_SSH_KEY)
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--brief", "--allow-ssh", "10.0.0.1", stdin="n\n",
                      env=NO_SSH_KEY)
    jobs = [dxpy.api.job_describe(job["id"]) for job in executions(twins.this.project)]
    ssh = [job for job in jobs if job["name"] == "ssh"][0]
    assert (ssh["allowSSH"], ssh["priority"], ssh["debug"]) == (["10.0.0.1"], "high", {"debugOn": ["AppError"]})
    assert len(jobs) == 3
    named = [job for job in jobs if job["name"] == "named"][0]
    assert (named["tags"], named["properties"], named["priority"], named["costLimit"], named["folder"],
            named["systemRequirements"], named["executionPolicy"]) == (
        ["t1", "t2"], {"k": "v"}, "low", 2.5, "/out", {"*": {"instanceType": "mem2_ssd1_x2"}},
        {"restartOn": {"*": 1}})


@reference
def test_run_depends_on(twins):
    for client in twins.clients:
        first = client("run", "mapper", "-inumber=1", "-y", "--brief").strip()
        result = client.run("run", "mapper", "-inumber=2", "-y", "--brief", "--depends-on", first)
        assert result.returncode == 0
        assert dxpy.api.job_describe(result.stdout.strip())["dependsOn"] == [first]
    twins.assert_same("run", "flow", "-y", "--depends-on", "job-" + "0" * 24)


@reference
def test_run_workflow_with_stage_inputs(twins):
    twins.assert_same("run", "flow", "-i0.number=4", "-imap.label=x", "-isecond.label=y", "-y")
    twins.assert_same("run", "flow", "--instance-type", "first=mem2_ssd1_x2", "--instance-type", "mem1_ssd1_x4",
                      "--stage-relative-output-folder", "second", "rel", "-y", "--brief")
    for client in twins.clients:
        analyses = [e for e in executions(client.project) if e["id"].startswith("analysis-")]
        assert len(analyses) == 2
    analysis = sorted((dxpy.api.analysis_describe(e["id"]) for e in executions(twins.this.project)
                       if e["id"].startswith("analysis-")), key=lambda analysis: analysis["created"])[0]
    assert analysis["runInput"] == {"first.number": 4, "first.label": "x", "second.label": "y"}


@reference
def test_run_app_and_global_workflow(twins, app_tool, global_flow):
    twins.assert_same("run", "tool", "-inumber=4", "-y")
    twins.assert_same("run", app_tool, "-inumber=5", "-y", "--brief", "--instance-type", "mem1_ssd1_x4")
    twins.assert_same("run", "tool", "--alias", "1.0.0", "-inumber=6", "-y", "--brief")
    twins.assert_same("run", "gflow", "-ionly.label=g", "-y")
    twins.assert_same("run", "gflow", "-h")
    for client in twins.clients:
        jobs = [dxpy.api.job_describe(e["id"]) for e in executions(client.project) if e["id"].startswith("job-")]
        # 0: the stage of the analysis, whose number the workflow binds
        assert sorted(job["runInput"].get("number", 0) for job in jobs) == [0, 4, 5, 6]
        analysis = [e for e in executions(client.project) if e["id"].startswith("analysis-")][0]
        assert dxpy.api.analysis_describe(analysis["id"])["runInput"] == {"only.label": "g"}


@reference
def test_run_help_of_an_executable(twins, app_tool):
    twins.assert_same("run", "documented", "-h")
    twins.assert_same("run", "opaque", "-h")
    twins.assert_same("run", "flow", "-h")
    twins.assert_same("run", "tool", "--help")
    ref, this = twins.outputs("run", "--input-help")  # the same topics, in this package's words
    assert ref[0] == this[0] == 0 and this[1].startswith("Help: Specifying input for dx run\n")
    assert all(option in this[1] for option in ("-i<stage>.<input name>", "-j", "-f", "--clone"))
    twins.assert_same("run", "nosuch", "-h")
    assert_nothing_started(twins)


@reference
def test_run_clone_job(twins):
    for client in twins.clients:
        client("run", "mapper", "-inumber=5", "-ilabel=orig", "-y", "--brief", "--name", "origin", "--tag", "t",
               "--instance-type", '{"main": "mem2_ssd1_x2"}', "--property", "p=1", "--priority", "normal")
    twins.assert_same("run", "--clone", "origin", "-y")
    twins.assert_same("run", "--clone", "origin (re-run)", "-ilabel=changed", "--name", "second", "-y")
    twins.assert_same("run", "--clone", "origin", "--instance-type", "mem1_ssd1_x8", "-j", '{"number": 1}', "-y",
                      "--brief", "--tag", "other")
    twins.assert_same("run", "--clone", "nosuch", "-y")
    jobs = sorted((dxpy.api.job_describe(e["id"]) for e in executions(twins.this.project)),
                  key=lambda job: job["created"])
    assert [job["runInput"] for job in jobs] == [{"number": 5, "label": "orig"}, {"number": 5, "label": "orig"},
                                                 {"number": 5, "label": "changed"}, {"number": 1}]
    assert [job["systemRequirements"] for job in jobs][1:] == [
        {"main": {"instanceType": "mem2_ssd1_x2"}}, {"main": {"instanceType": "mem2_ssd1_x2"}},
        {"*": {"instanceType": "mem1_ssd1_x8"}}]
    assert jobs[1]["name"] == "origin (re-run)" and jobs[1]["tags"] == ["t"] and jobs[3]["tags"] == ["other"]


@reference
def test_run_clone_analysis(twins):
    for client in twins.clients:
        client("run", "flow", "-i0.number=11", "-y", "--brief", "--name", "analysed",
               "--instance-type", "second=mem2_ssd1_x4")
    twins.assert_same("run", "--clone", "{project}:analysed", "-y")
    twins.assert_same("run", "flow", "--clone", "{project}:analysed", "-y")
    twins.assert_same("run", "--clone", "analysis-" + "0" * 24, "-y")
    analyses = sorted((dxpy.api.analysis_describe(e["id"]) for e in executions(twins.this.project)
                       if e["id"].startswith("analysis-")), key=lambda analysis: analysis["created"])
    assert [analysis["name"] for analysis in analyses] == ["analysed", "analysed (re-run)"]
    rerun_jobs = [dxpy.api.job_describe(stage["execution"]["id"]) for stage in analyses[1]["stages"]]
    assert rerun_jobs[0]["originalInput"]["number"] == 11
    assert rerun_jobs[1]["systemRequirements"] == {"*": {"instanceType": "mem2_ssd1_x4"}}


BATCH_TABLE = "batch ID\tnumber\tlabel\treads\treads ID\n"


@reference
def test_run_batch_tsv(twins, tmp_path):
    for client in twins.clients:
        reads = dxpy.find_one_data_object(project=client.project, name="reads.fq")["id"]
        table = tmp_path / ("batch-" + client.home.name + ".tsv")
        rows = "b1\t1\tone\treads.fq\t{reads}\nb2\t2\ttwo\treads.fq\t{project}:{reads}\n"
        table.write_text(BATCH_TABLE + rows.format(reads=reads, project=client.project))
    ref, this = [client.run("run", "mapper", "-ilabel=common", "-y", "--batch-tsv",
                            str(tmp_path / ("batch-" + client.home.name + ".tsv")), "--batch-folders",
                            "--destination", "/batched") for client in twins.clients]
    assert (ref.returncode, this.returncode) == (0, 0)
    assert normalize(this.stdout) == normalize(ref.stdout.replace(twins.ref.project, twins.this.project))
    jobs = sorted((dxpy.api.job_describe(e["id"]) for e in executions(twins.this.project)),
                  key=lambda job: job["name"])
    assert [(job["name"], job["folder"], job["properties"], job["runInput"]["number"]) for job in jobs] == [
        ("mapper-b1", "/batched/b1", {"batch-id": "b1", "batch-name": "mapper-b1"}, 1),
        ("mapper-b2", "/batched/b2", {"batch-id": "b2", "batch-name": "mapper-b2"}, 2)]


@reference
@pytest.mark.parametrize("words", [
    ("run", "nosuch", "-y"),
    ("run", "mapper", "-inumber=notanumber", "-y"),
    ("run", "mapper", "-inumber", "-y"),
    ("run", "mapper", "-i=3", "-y"),
    ("run", "mapper", "-inumber=1", "-ireads=nosuch.fq", "-y"),
    ("run", "mapper", "-inumber=1", "-ireads=rec", "-y"),
    ("run", "mapper", "-j", "{bad", "-y"),
    ("run", "mapper", "-f", "/nonexistent/input.json", "-y"),
    ("run", "mapper", "-f", "-", "-y"),
    ("run", "mapper", "-y"),
    ("run", "mapper", "-inumber=1", "-inope=2", "-y"),
    ("run", "flow", "-inosuchstage.number=1", "-y"),
    ("run", "flow", "-y", "--depends-on", "job-" + "0" * 24),
    ("run", "mapper", "-inumber=1", "--extra-args", "{bad", "-y"),
    ("run", "mapper", "-inumber=1", "--property", "novalue", "-y"),
    ("run", "mapper", "-inumber=1", "--instance-type", "{bad", "-y"),
    ("run", "mapper", "-inumber=1", "--project", "{project}", "--folder", "/x", "-y"),
    ("run", "mapper", "-inumber=1", "--batch-tsv", "/nonexistent.tsv", "-y"),
    ("run", "mapper", "-inumber=1", "--ssh-proxy", "10.0.0.1:22", "-y"),
    ("run", "mapper", "-inumber=1", "--instance-type-by-executable", "{bad", "-y"),
    ("run", "mapper", "-inumber=1", "--instance-type-by-executable", "mem1_ssd1_x2", "-y"),
    ("run", "flow", "--instance-count", "2", "-y"),
    ("run", "flow", "--head-job-on-demand", "-y"),
    ("run", "--clone", "job-" + "0" * 24, "-y"),
])
def test_run_bad_input(twins, words):
    kwargs = {"stdin": "{bad"} if "-" in words else {}
    twins.assert_same(*words, **kwargs)
    assert_nothing_started(twins)


@reference
@pytest.mark.parametrize("words", [("run",), ("run", "mapper", "-inumber=1", "--priority", "urgent", "-y"),
                                   ("run", "mapper", "--cost-limit", "cheap", "-y")])
def test_run_bad_arguments(twins, words):
    """argparse's refusals: dx's own help, then the same error line and exit code."""
    assert last_line_and_code(twins, *words)[0] == 2
    assert_nothing_started(twins)


DURATION = re.compile(r"(running for|runtime) \d+:\d\d:\d\d")


def make_talker(project):
    """The applet "talker": prints three lines and fails."""
    applet = dxpy.DXApplet()
    applet.new(project=project, name="talker", dxapi="1.0.0", inputSpec=[], outputSpec=[],
               runSpec={"interpreter": "bash", "code": "echo first line\necho second line\necho third\nexit 1"})


@reference
def test_run_watch_and_wait(twins):
    twins.populate(make_talker)
    ref, this = [(code, DURATION.sub("<duration>", out), DURATION.sub("<duration>", err))
                 for code, out, err in twins.outputs("run", "talker", "-y", "--watch")]
    assert this == ref and this[0] == 3 and "STDOUT second line" in this[1]
    twins.assert_same("run", "empty", "-y", "--wait", "--brief")
    for client in twins.clients:
        jobs = dict((job["describe"]["name"], job["describe"]) for job in
                    dxpy.find_executions(project=client.project, describe=True))
        assert (jobs["talker"]["state"], jobs["talker"]["priority"], jobs["empty"]["state"]) == (
            "failed", "high", "done")


@reference
def test_run_wait_for_a_job_that_fails(twins):
    """dxpy ends in a traceback (exit 1) when the job it waits for fails; this dx reports the
    failure, exit 3."""
    twins.populate(make_talker)
    ref, this = twins.outputs("run", "talker", "-y", "--wait", "--brief")
    message = "dxpy.exceptions.DXJobFailureError: Job has failed because of AppInternalError"
    assert ref[0] == 1 and "Traceback" in ref[2] and message in ref[2]
    assert this[0] == 3 and this[1] == ref[1] and this[2].startswith(message)


def run_on_terminal(client, words, answers, timeout=60):
    """(exit code, everything shown) of ``dx WORDS`` on a terminal, typing each answer once its
    prompt (a piece of text) has been shown."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))  # 200 columns: IDs unbroken
    process = subprocess.Popen([client.python, "-m", "dxpy.scripts.dx"] + list(words), env=client.env,
                               cwd=str(client.home), stdin=slave, stdout=slave, stderr=slave,
                               start_new_session=True)
    os.close(slave)
    shown, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        assert ready, "dx waits for something else after showing:\n" + shown.decode(errors="replace")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: dx has exited
            break
        if not data:
            break
        shown += data
        if pending and pending[0][0].encode() in shown.rsplit(b"\n", 1)[-1]:
            os.write(master, pending.pop(0)[1].encode())
    os.close(master)
    return process.wait(timeout=timeout), shown.decode(errors="replace")


@reference
def test_run_asks_for_missing_inputs_on_a_terminal(twins):
    answers = [("number: ", "12\n"), ("Optional param #: ", "\n"), ("Confirm running", "y\n"),
               ("Watch launched", "n\n")]
    transcripts = []
    for client in twins.clients:
        code, shown = run_on_terminal(client, ["run", "mapper", "--name", "asked"], answers)
        assert code == 0, shown
        transcripts.append(normalize(shown, [client.home]))
        assert "Entering interactive mode for input selection." in shown and "Job ID: job-" in shown
        job = last_job(client.project)
        assert (job["name"], job["runInput"]) == ("asked", {"number": 12})
    assert transcripts[1] == transcripts[0]


def test_run_ssh_needs_the_platform(dx_this, twins):
    result = twins.this.run("run", "mapper", "-inumber=1", "-y", "--ssh")
    assert result.returncode == 3 and "dx run --ssh connects to the job's host over SSH" in result.stderr
    assert executions(twins.this.project) == []


@reference
def test_run_batch_with_wait(twins):
    """dxpy refuses --wait with --batch-tsv in a traceback (exit 1); this dx says the same, exit 3."""
    ref, this = twins.outputs("run", "mapper", "-inumber=1", "--batch-tsv", "/dev/null", "--wait", "-y")
    message = "Options {wait, watch, ssh, ssh_proxy, clone} do not work with batch execution"
    assert ref[0] == 1 and "Traceback" in ref[2] and ("Exception: " + message) in ref[2]
    assert this == (3, "", "dxpy.exceptions.DXCLIError: " + message + "\n")
    assert_nothing_started(twins)


@reference
def test_run_clone_keeps_instance_types_by_executable(twins):
    """Cloned by ID, a job's instance types by executable are kept (and --instance-type warns
    that they may override it); by name, dxpy describes the job without them."""
    typed = {}
    for client in twins.clients:
        mapper = dxpy.find_one_data_object(project=client.project, name="mapper")["id"]
        by_executable = json.dumps({mapper: {"main": "mem2_ssd1_x2"}})
        typed[client] = client("run", "mapper", "-inumber=5", "-y", "--brief", "--name", "typed",
                               "--instance-type-by-executable", by_executable).strip()
    ref, this = outputs_per_client(twins, lambda client: ("run", "--clone", typed[client], "-y", "--instance-type",
                                                          "mem1_ssd1_x4"))
    assert this == ref and "may get overridden by\njob-<1> mergedSystemRequirementsByExecutable" in this[1]
    ref, this = outputs_per_client(twins, lambda client: ("run", "--clone", typed[client], "-y", "--brief",
                                                          "--name", "kept"))
    assert this == ref and this[0] == 0
    twins.assert_same("run", "--clone", "typed", "-y", "--brief", "--name", "by name")
    for client in twins.clients:
        jobs = dict((job["describe"]["name"], job["describe"]["id"]) for job in
                    dxpy.find_executions(project=client.project, describe=True))
        fields = {"fields": {"runSystemRequirementsByExecutable": True, "systemRequirements": True}}
        kept = dxpy.api.job_describe(jobs["kept"], fields)
        mapper = dxpy.find_one_data_object(project=client.project, name="mapper")["id"]
        assert kept["runSystemRequirementsByExecutable"] == {mapper: {"main": {"instanceType": "mem2_ssd1_x2"}}}


@reference
def test_run_usage(twins):
    """dx run -h: dxpy's usage line and options (the help texts are this package's own)."""
    ref, this = twins.outputs("run", "-h")
    assert ref[0] == this[0] == 0
    # word by word: argparse wraps a usage line differently from one Python to another
    assert this[1].split("\n\n")[0].split() == ref[1].split("\n\n")[0].split()
    options = [set(re.findall(r"^  (-[-\w]+)", out, re.M)) for out in (ref[1], this[1])]
    assert options[1] == options[0] and "--batch-tsv" in options[1]


@reference
def test_run_batch_tsv_of_an_app(twins, app_tool, tmp_path):
    table = tmp_path / "app-batch.tsv"
    table.write_text("batch ID\tnumber\tignored\nfirst\t7\tx\nsecond\t8\ty\n")
    twins.assert_same("run", "tool", "-y", "--batch-tsv", str(table), "--brief")
    for client in twins.clients:
        jobs = sorted((job["describe"]["name"], job["describe"]["runInput"]) for job in
                      dxpy.find_executions(project=client.project, describe=True))
        assert jobs == [("tool-first", {"number": 7}), ("tool-second", {"number": 8})]


def make_workflow_with_inputs(project):
    """The workflow "wlevel": inputs of its own ("count"), bound to the number of its one stage."""
    mapper = dxpy.find_one_data_object(project=project, name="mapper", classname="applet")["id"]
    dxpy.api.workflow_new({"project": project, "name": "wlevel", "inputs": [{"name": "count", "class": "int"}],
                           "stages": [{"id": "only", "executable": mapper, "input": {
                               "number": {"$dnanexus_link": {"workflowInputField": "count"}}}}]})


@reference
def test_run_workflow_with_inputs_of_its_own(twins):
    twins.populate(make_workflow_with_inputs)
    twins.assert_same("run", "wlevel", "-icount=3", "-y")
    twins.assert_same("run", "wlevel", "-h")
    twins.assert_same("run", "wlevel", "-ionly.number=3", "-y")
    for client in twins.clients:
        analyses = [e["id"] for e in executions(client.project) if e["id"].startswith("analysis-")]
        assert [dxpy.api.analysis_describe(a)["runInput"] for a in analyses] == [{"count": 3}]


@reference
def test_run_data_objects_by_id_and_link(twins):
    def reads(client):
        return dxpy.find_one_data_object(project=client.project, name="reads.fq")["id"]
    ref, this = outputs_per_client(twins, lambda client: ("run", "mapper", "-inumber=1", "-ireads=" + reads(client),
                                                          "-y"))
    assert this == ref and this[0] == 0
    ref, this = outputs_per_client(twins, lambda client: (
        "run", "opaque", "-ilinked=" + json.dumps(dxpy.dxlink(reads(client))), "-ipath:file=reads.fq",
        "-irecs:array:record=rec", "-y"))
    assert this == ref and this[0] == 0
    for client in twins.clients:
        opaque = [dxpy.api.job_describe(e["id"]) for e in executions(client.project)][0]
        assert opaque["runInput"]["linked"] == dxpy.dxlink(reads(client))
        assert opaque["runInput"]["path"]["$dnanexus_link"]["id"] == reads(client)
