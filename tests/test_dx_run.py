"""dx run: inputs, options, --clone, workflows, --batch-tsv and executable help, compared with the
reference dx; wrong input starts nothing."""
import json

import pytest

import dxpy
from test_dx_projects import last_line_and_code
from test_dx_workflow import IN_SPEC, OUT_SPEC, make_applet, make_workflows

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


@reference
def test_run_options(twins):
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--name", "named", "--tag", "t1", "--tag", "t2",
                      "--property", "k=v", "--priority", "low", "--delay-workspace-destruction",
                      "--cost-limit", "2.5", "--instance-type", "mem2_ssd1_x2", "--detach", "--rank", "3",
                      "--destination", "/out", "--extra-args", '{"executionPolicy": {"restartOn": {"*": 1}}}')
    twins.assert_same("run", "mapper", "-inumber=1", "-y", "--brief", "--folder", "{project}:/", "--instance-type",
                      '{"main": "mem1_ssd1_x4", "*": "mem1_ssd1_x2"}', "--ignore-reuse",
                      "--max-tree-spot-wait-time", "2h", "--detailed-job-metrics")
    jobs = [dxpy.api.job_describe(job["id"]) for job in executions(twins.this.project)]
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
    from dx_cli import normalize
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
