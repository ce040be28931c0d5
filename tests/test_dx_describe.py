"""dx describe: every kind of entity, by path, name and ID, with each option, and its errors,
compared with the reference dx."""
import time

import pytest

import dxpy
from dx_cli import normalize, others_project, wait_until_finished
from dxpy.cli.describing import VERBOSE_ONLY_ANALYSIS_FIELDS, VERBOSE_ONLY_JOB_FIELDS, filter_verbose_fields
from dxpy.emulator.model.databases import new_database

pytestmark = pytest.mark.reference

_RUN_SPEC = {"interpreter": "bash", "code": "true", "distribution": "Ubuntu", "release": "20.04", "version": "0"}
_INPUT_SPEC = [{"name": "count", "class": "int", "help": "how many"},
               {"name": "reads", "class": "file", "optional": True},
               {"name": "mode", "class": "string", "default": "fast", "group": "Tuning"},
               {"name": "depth", "class": "int", "optional": True, "group": "Advanced"}]


def new_applet(project, name="tool", **fields):
    spec = {"project": project, "name": name, "title": "A tool", "summary": "does things", "dxapi": "1.0.0",
            "runSpec": _RUN_SPEC, "inputSpec": _INPUT_SPEC, "outputSpec": [], "access": {"network": ["*"]}}
    spec.update(fields)
    return dxpy.api.applet_new(spec)["id"]


def later():
    """Let the clock move on, so that objects made next are modified later: searches list the
    latest first, and objects of the same millisecond in the order of their (random) IDs."""
    time.sleep(0.003)


def populate(emulator, project):
    """A closed file with metadata, an open file, records (two named "rec", one hidden), an
    applet, a workflow and a database; the IDs by name (and the project as "project")."""
    closed = dxpy.upload_string("hello", project=project, name="a.txt", folder="/d", parents=True, tags=["t1"],
                                properties={"k": "v"}, types=["Reads"], details={"note": 1}, wait_on_close=True)
    opened = dxpy.new_dxfile(project=project, name="open.txt", media_type="text/plain")
    record = dxpy.new_dxrecord(project=project, name="rec", details={"x": [1, 2]}, tags=["t2"], close=True)
    later()
    dxpy.new_dxrecord(project=project, name="rec", hidden=True, close=True)
    applet = new_applet(project)
    workflow = dxpy.api.workflow_new({"project": project, "name": "flow", "title": "Flow", "stages": [
        {"id": "stage-one", "executable": applet, "name": "first", "input": {"count": 3}}]})["id"]
    database = new_database(emulator.platform, emulator.user_id, project, "db", files={"t/part.parquet": b"xy"})
    return {"project": project, "file": closed.get_id(), "open": opened.get_id(), "record": record.get_id(),
            "applet": applet, "workflow": workflow, "database": database}


@pytest.fixture
def filled(twins, cli_emulator):
    """The twins, with ``ids``: each client's project -> its objects' IDs by name."""
    twins.ids = {client.project: populate(cli_emulator, client.project) for client in twins.clients}
    return twins


def assert_same_each(twins, *words):
    """Like ``twins.assert_same``, with ``{file}``, ``{record}``... in a word standing for that
    object of each client's own project."""
    results = []
    for client in twins.clients:
        result = client.run(*[word.format(**twins.ids[client.project]) for word in words])
        results.append((result.returncode, normalize(result.stdout, [client.home]),
                        normalize(result.stderr, [client.home])))
    ref, this = results
    assert this == ref, "dx %s differs\n--- reference:\n%r\n--- this:\n%r" % (" ".join(words), ref, this)
    return this


@pytest.mark.parametrize("words", [
    ("{project}:/d/a.txt",),
    ("{project}:d/a.txt", "--details"),
    ("{project}:/d/a.txt", "--verbose"),
    ("{project}:/d/a.txt", "--json"),
    ("{project}:/d/a.txt", "--name"),
    ("--color", "on", "{project}:d/a.txt"),
    ("{project}:open.txt",),
    ("{project}:rec",),
    ("{project}:rec", "--json", "--multi"),
    ("{project}:rec", "--name"),
    ("{project}:tool",),
    ("{project}:tool", "--verbose"),
    ("{project}:flow",),
    ("{project}:db",),
    ("{project}:*.txt",),
    ("{project}:/d/a.txt", "--delimiter"),
    ("--delim", ",", "{project}:rec", "--details"),
    ("rec", "--details"),
])
def test_data_objects_by_path(filled, words):
    filled.assert_same("describe", *words)


@pytest.mark.parametrize("words", [
    ("{file}",),
    ("{project}:{file}", "--details"),
    ("{open}", "--name"),
    ("{record}", "--verbose"),
    ("{applet}",),
    ("{workflow}", "--json"),
    ("{database}",),
])
def test_data_objects_by_id(filled, words):
    assert_same_each(filled, "describe", *words)


def test_an_object_of_another_project_by_id(filled, cli_emulator):
    """The ID of an object outside the current project: found where it is."""
    other = dxpy.api.project_new({"name": "elsewhere"})["id"]
    record = dxpy.new_dxrecord(project=other, name="far", details={"a": "b"}, close=True).get_id()
    filled.assert_same("describe", record, "--details")
    filled.assert_same("describe", "elsewhere:" + record, "--json")


def test_untitled_workflow(twins):
    """The platform titles a workflow created without a title with its name."""
    twins.populate(lambda project: dxpy.api.workflow_new({"project": project, "name": "untitled"}))
    out = twins.assert_same("describe", "{project}:untitled")[1]
    assert "\nTitle" + " " * 29 + "untitled\n" in out


@pytest.mark.parametrize("words", [
    ("{project}:",),
    ("{project}",),
    ("{project}:", "--verbose"),
    ("{project}:", "--json"),
    ("{project}", "--name"),
])
def test_projects(filled, words):
    filled.assert_same("describe", *words)


def test_project_by_name(twins):
    for client in twins.clients:
        dxpy.api.project_set_properties(client.project, {"properties": {"p": "q"}})
    other = dxpy.api.project_new({"name": "named once", "summary": "short", "tags": ["x"]})["id"]
    twins.assert_same("describe", "named once:")
    twins.assert_same("describe", "named once:", "--verbose")
    twins.assert_same("describe", "named once", "--name")  # a data object or app name first, then nothing
    twins.assert_same("describe", other + ":/", "--json")


def test_user_and_org(twins):
    org = dxpy.api.org_new({"handle": "describers", "name": "Describers Inc"})["id"]
    for words in [("user-emulator",), ("user-emulator", "--name"), ("user-emulator", "--json"),
                  (org,), (org, "--name"), (org, "--json"), (org, "--verbose")]:
        twins.assert_same("describe", *words)


@pytest.fixture(scope="module")
def global_executables(cli_emulator):
    """An app "mapper" (two versions) and a global workflow "pipeline", built from objects of a
    project of their own."""
    project = dxpy.api.project_new({"name": "executables"})["id"]
    applet = new_applet(project, name="mapper-applet")
    for version in ("1.0.0", "1.1.0"):
        app = dxpy.api.app_new({"applet": applet, "name": "mapper", "version": version, "title": "Mapper",
                                "summary": "maps reads", "description": "Maps reads.", "categories": ["Mapping"]})
    dxpy.api.app_add_tags(app["id"], input_params={"tags": ["stable"]})
    workflow = dxpy.api.workflow_new({"project": project, "name": "wf", "stages": [
        {"id": "stage-one", "executable": applet, "name": "map"}]})["id"]
    dxpy.api.global_workflow_new({"workflow": workflow, "name": "pipeline", "version": "0.0.1", "title": "Pipe"})
    return app["id"]


@pytest.mark.parametrize("words", [
    ("mapper",),
    ("app-mapper",),
    ("app-mapper", "--verbose"),
    ("mapper/1.0.0", "--json"),
    ("pipeline",),
    ("globalworkflow-pipeline", "--json"),
    ("globalworkflow-pipeline/0.0.1", "--name"),
])
def test_apps_and_global_workflows(twins, global_executables, words):
    twins.assert_same("describe", *words)


def test_app_by_id(twins, global_executables):
    twins.assert_same("describe", global_executables)
    twins.assert_same("describe", global_executables, "--json")


@pytest.fixture(scope="module")
def executions(cli_emulator):
    """A finished job and a finished analysis; their IDs and the job's workspace container."""
    project = dxpy.api.project_new({"name": "runs"})["id"]
    applet = new_applet(project, name="quick")
    job = dxpy.DXApplet(applet).run({"count": 1}, project=project, name="quick job")
    workflow = dxpy.api.workflow_new({"project": project, "name": "wf", "stages": [
        {"id": "stage-one", "executable": applet, "name": "only", "input": {"count": 2}}]})["id"]
    analysis = dxpy.DXWorkflow(workflow).run({}, project=project)
    for execution in (job.get_id(), analysis.get_id()):
        wait_until_finished(execution)
    return {"job": job.get_id(), "analysis": analysis.get_id(), "workspace": job.describe()["workspace"]}


@pytest.mark.parametrize("kind, options", [
    ("job", ()), ("job", ("--verbose",)), ("job", ("--json",)), ("job", ("--json", "--verbose")),
    ("job", ("--try", "0")), ("analysis", ()), ("analysis", ("--verbose",)), ("analysis", ("--json",)),
    ("workspace", ()), ("workspace", ("--json",)),
])
def test_executions_and_containers(twins, executions, kind, options):
    twins.assert_same("describe", executions[kind], *options)


@pytest.mark.parametrize("words", [
    ("nothing-here",),
    ("file-" + "B" * 24,),
    ("project-" + "B" * 24,),
    ("{project}:/no/such/folder/x",),
    ("no-such-project:x",),
    ("org-nobody",),
    ("user-nobody",),
    ("",),
    ("{project}:rec", "--json"),  # two matches
    ("{project}:nothing", "--json"),
    ("{project}:a.txt", "--name", "--json"),
    ("{project}:a.txt", "--name", "--details"),
    ("{project}:a.txt", "--try", "1"),  # only jobs have tries: dx's own message, exit 1
])
def test_errors(filled, words):
    filled.assert_same("describe", *words)


@pytest.mark.parametrize("words", [("x", "--try", "x"), ()])
def test_usage_errors(twins, words):
    """argparse's refusals: exit 2 and the same last line (after the help, in dx's own words)."""
    ref, this = [(result.returncode, result.stderr.splitlines()[-1]) for result in
                 (client.run("describe", *words) for client in twins.clients)]
    assert this == ref and this[0] == 2


def test_ambiguous_project_name(twins):
    dxpy.api.project_new({"name": "twice"})
    dxpy.api.project_new({"name": "twice"})
    twins.assert_same("describe", "twice:")
    twins.assert_same("describe", "twice:rec")


def test_no_permission(twins, cli_emulator):
    """A project of another user that is not shared: as if it did not exist."""
    hidden = others_project(cli_emulator, username="carol", level=None, name="carols")
    twins.assert_same("describe", hidden)
    twins.assert_same("describe", hidden + ":")
    twins.assert_same("describe", hidden + ":x", "--json")


def test_filter_verbose_fields():
    job = {"id": "job-" + "A" * 24, "state": "done"}
    job.update(dict.fromkeys(VERBOSE_ONLY_JOB_FIELDS, {}))
    analysis = {"id": "analysis-" + "A" * 24}
    analysis.update(dict.fromkeys(VERBOSE_ONLY_ANALYSIS_FIELDS + ["internetUsageIPs"], []))
    record = {"id": "record-" + "A" * 24, "runSystemRequirements": {}}
    assert filter_verbose_fields(job, job["id"]) == {"id": job["id"], "state": "done"}
    # internetUsageIPs is shown for analyses: it is verbose-only for jobs alone
    assert filter_verbose_fields(analysis, analysis["id"]) == {"id": analysis["id"], "internetUsageIPs": []}
    assert filter_verbose_fields(record, record["id"]) is record
