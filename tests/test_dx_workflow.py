"""dx new workflow, add stage, list stages, remove stage, update workflow and update stage:
output, errors and exit codes compared with the reference dx, and the workflows they leave."""
import json
import threading

import pytest

import dxpy
from dx_cli import normalize, others_project
from test_dx_projects import last_line_and_code

reference = pytest.mark.reference  # the tests that compare with the reference dx

IN_SPEC = [{"name": "number", "class": "int"}, {"name": "label", "class": "string", "optional": True},
           {"name": "reads", "class": "file", "optional": True}]
OUT_SPEC = [{"name": "out", "class": "int"}]
RUN_SPEC = {"interpreter": "bash", "code": "exit 0"}
# The stages of "flow" as make_workflows leaves it, and its edit version then.
FLOW_STAGES = ["first", "second"]
FLOW_EDIT_VERSION = 2


def make_applet(project, name, input_spec, output_spec):
    applet = dxpy.DXApplet()
    applet.new(project=project, name=name, dxapi="1.0.0", inputSpec=input_spec, outputSpec=output_spec,
               runSpec=RUN_SPEC)
    return applet


def make_workflows(project):
    """Applets "mapper", "mapper2" (the same specs) and "empty" (none), a file, a record, an empty
    workflow "blank" and the workflow "flow": stage "first" (named "map", inputs bound to a number
    and the file) and stage "second" (its number is first's output; folder "sub")."""
    mapper = make_applet(project, "mapper", IN_SPEC, OUT_SPEC)
    make_applet(project, "mapper2", IN_SPEC, OUT_SPEC)
    make_applet(project, "empty", [], [])
    reads = dxpy.upload_string("ACGT", project=project, name="reads.fq", wait_on_close=True)
    dxpy.new_dxrecord(project=project, name="rec")
    dxpy.new_dxworkflow(project=project, name="blank")
    flow = dxpy.new_dxworkflow(project=project, name="flow", title="Flow", summary="maps", output_folder="/results")
    flow.add_stage(mapper, stage_id="first", name="map", stage_input={"number": 1, "reads": dxpy.dxlink(reads)})
    flow.add_stage(mapper, stage_id="second", folder="sub",
                   stage_input={"number": {"$dnanexus_link": {"stage": "first", "outputField": "out"}}})


@pytest.fixture
def twins(twins):
    """Both clients, each with the objects of ``make_workflows`` in its project."""
    twins.populate(make_workflows)
    return twins


@pytest.fixture(scope="module")
def app_tool(cli_emulator):
    """The app "tool" (version 1.0.0, the specs of "mapper"), made once for the module."""
    project = dxpy.api.project_new({"name": "app sources"})["id"]
    applet = make_applet(project, "tool-applet", IN_SPEC, OUT_SPEC)
    return dxpy.api.app_new({"applet": applet.get_id(), "name": "tool", "version": "1.0.0"})["id"]


@pytest.fixture
def bobs(cli_emulator):
    """The ID of a project of bob's, holding a workflow "flow" like ours, that we may only view."""
    project = others_project(cli_emulator, level="VIEW")
    bob_token = cli_emulator.add_user("bob")[1]
    saved = dxpy.SECURITY_CONTEXT
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": bob_token})
    try:
        make_workflows(project)
    finally:
        dxpy.set_security_context(saved)
    return project


def flow_desc(project, name="flow"):
    found = dxpy.find_one_data_object(project=project, name=name, classname="workflow", describe=True)
    return found["describe"]


def assert_same_workflows(twins, *paths):
    """``dx list stages`` and ``dx describe --json`` of each workflow at *paths* show the same
    in both projects."""
    for path in paths:
        twins.assert_same("list", "stages", path)
        twins.assert_same("describe", "--json", path)


def assert_flow_unchanged(twins, bobs=None):
    """Both "flow" workflows (and bob's) are as ``make_workflows`` left them."""
    ref, this = [normalize(json.dumps(flow_desc(client.project), sort_keys=True)) for client in twins.clients]
    assert this == ref
    for project in [client.project for client in twins.clients] + ([bobs] if bobs else []):
        desc = flow_desc(project)
        assert ([stage["id"] for stage in desc["stages"]], desc["editVersion"], desc["title"]) == (
            FLOW_STAGES, FLOW_EDIT_VERSION, "Flow")


def outputs_per_client(twins, make_words):
    """(reference, this) results of ``dx *make_words(client)*``, normalized as ``twins.outputs``
    does, for command lines that name objects of each client's own project."""
    results = []
    for client in twins.clients:
        result = client.run(*make_words(client))
        homes = [client.home]
        results.append((result.returncode, normalize(result.stdout, homes), normalize(result.stderr, homes)))
    return results


# -- new workflow --------------------------------------------------------------------------------

@reference
def test_new_workflow(twins):
    twins.assert_same("new", "workflow", "made", "--title", "Made", "--summary", "S", "--description", "D",
                      "--output-folder", "/out", "--tag", "t", "--type", "T", "--property", "k=v",
                      "--details", '{"a": [1]}', "--visibility", "hidden")
    twins.assert_same("new", "workflow", "-p", "/deep/er/named", "--output-folder", ".", "--brief")
    twins.assert_same("new", "workflow", "copy", "--init", "flow", "--title", "Copy", "--verbose")
    twins.assert_same("new", "workflow", "--init", "{project}:/flow", "-o", "/plain", "--brief")
    twins.assert_same("new", "workflow", "--brief", "--output-folder", "nowhere:/x")
    assert_same_workflows(twins, "made", "/deep/er/named", "copy", "plain")
    copied = flow_desc(twins.this.project, "copy")
    assert (copied["title"], copied["summary"], [stage["id"] for stage in copied["stages"]]) == (
        "Copy", "maps", FLOW_STAGES)


@reference
def test_new_workflow_from_an_analysis(twins):
    analyses = {}
    for client in twins.clients:
        flow = dxpy.DXWorkflow(flow_desc(client.project)["id"], project=client.project)
        analyses[client] = flow.run({}, project=client.project).get_id()
    ref, this = outputs_per_client(twins, lambda client: ("new", "workflow", "again", "--init", analyses[client]))
    assert this == ref and ref[0] == 0
    assert_same_workflows(twins, "again")
    assert [stage["id"] for stage in flow_desc(twins.this.project, "again")["stages"]] == FLOW_STAGES


@reference
@pytest.mark.parametrize("words", [
    ("new", "workflow", "--init", "nosuch"),
    ("new", "workflow", "--init", "analysis-" + "0" * 24),
    ("new", "workflow", "/missing/folder/wf"),
    ("new", "workflow", "--details", "{bad"),
    ("new", "workflow", "x", "-o", "y"),
    ("new", "workflow", "nowhere:wf"),
])
def test_new_workflow_errors(twins, words):
    twins.assert_same(*words)
    assert_flow_unchanged(twins)
    for client in twins.clients:
        assert len(list(dxpy.find_data_objects(project=client.project, classname="workflow"))) == 2


@reference
def test_new_workflow_init_from_a_record(twins):
    """dxpy ends in a traceback (exit 1) when --init names no workflow; this dx says so, exit 3."""
    ref, this = twins.outputs("new", "workflow", "--init", "rec")
    assert ref[0] == 1 and "Expected init_from to be an instance of DXWorkflow" in ref[2]
    assert this == (3, "", 'dxpy.exceptions.DXCLIError: Could not resolve "rec" to a workflow object\n')
    assert_flow_unchanged(twins)


@reference
def test_new_workflow_where_not_allowed(twins, bobs):
    twins.assert_same("new", "workflow", bobs + ":/mine")
    twins.assert_same("new", "workflow", "--init", bobs + ":flow", "--brief", "copied")
    assert_same_workflows(twins, "copied")


# -- add stage -----------------------------------------------------------------------------------

@reference
def test_add_stage(twins):
    twins.assert_same("add", "stage", "flow", "mapper", "-inumber=3", "-ilabel=hi", "--name", "third",
                      "--relative-output-folder", "out", "--instance-type", "mem1_ssd1_x4")
    twins.assert_same("add", "stage", "flow", "empty", "--id", "custom", "--output-folder", "/abs", "--brief")
    twins.assert_same("add", "stage", "{project}:/flow", "mapper", "-j", '{"number": 5}', "--output-folder",
                      "rel/dir", "--brief")
    twins.assert_same("add", "stage", "blank", "mapper", "-ireads=reads.fq", "--instance-type",
                      '{"main": "mem2_ssd1_x2"}', "--brief")
    twins.assert_same("add", "stage", "blank", "mapper", "-f", "-", "--brief", stdin='{"number": 9}')
    assert_same_workflows(twins, "flow", "blank")
    stages = flow_desc(twins.this.project)["stages"]
    assert [(stage["name"], stage["folder"], stage["input"]) for stage in stages[2:]] == [
        ("third", "out", {"number": 3, "label": "hi"}), (None, "/abs", {}), (None, "/rel/dir", {"number": 5})]
    assert stages[2]["systemRequirements"] == {"*": {"instanceType": "mem1_ssd1_x4"}}


@reference
def test_add_stage_of_an_app(twins, app_tool):
    twins.assert_same("add", "stage", "flow", "tool", "--alias", "1.0.0", "--brief", "-inumber=2")
    twins.assert_same("add", "stage", "flow", app_tool, "--name", "by ID", "--brief")
    assert_same_workflows(twins, "flow")
    assert [stage["executable"] for stage in flow_desc(twins.this.project)["stages"][2:]] == [app_tool] * 2


@reference
@pytest.mark.parametrize("words", [
    ("add", "stage", "nosuch", "mapper"),
    ("add", "stage", "rec", "mapper"),
    ("add", "stage", "flow", "nosuch"),
    ("add", "stage", "flow", "rec"),
    ("add", "stage", "flow", "blank"),  # a workflow cannot be a stage
    ("add", "stage", "flow", "mapper", "-inumber=many"),
    ("add", "stage", "flow", "mapper", "-inope=1"),
    ("add", "stage", "flow", "mapper", "-j", "{bad"),
    ("add", "stage", "flow", "mapper", "--instance-type", "{]"),
    ("add", "stage", "flow", "mapper", "--id", "first"),
    ("add", "stage", "flow", "mapper", "--id", "bad id"),
])
def test_add_stage_errors(twins, words):
    twins.assert_same(*words)
    assert_flow_unchanged(twins)


@reference
def test_add_stage_of_a_missing_app_version(twins, app_tool):
    """dxpy drops --alias and adds the app's default version; this dx looks that version up."""
    ref, this = twins.outputs("add", "stage", "flow", "tool", "--alias", "9.9.9", "--brief")
    assert ref[0] == 0 and flow_desc(twins.ref.project)["stages"][-1]["executable"] == app_tool
    assert this == (3, "", "dxpy.utils.resolver.ResolutionError: No app or global workflow found for tool/9.9.9\n")
    assert flow_desc(twins.this.project)["editVersion"] == FLOW_EDIT_VERSION


@reference
def test_add_stage_argument_errors(twins):
    assert last_line_and_code(twins, "add", "stage", "flow", "mapper", "--output-folder", "/a",
                              "--relative-output-folder", "b") == (
        2, "dx add stage: error: argument --relative-output-folder: not allowed with argument --output-folder")
    assert last_line_and_code(twins, "add", "stage", "flow")[0] == 2
    assert_flow_unchanged(twins)


# -- list stages ---------------------------------------------------------------------------------

@reference
def test_list_stages(twins):
    twins.assert_same("list", "stages", "flow")
    twins.assert_same("list", "stages", "{project}:/blank")
    ref, this = outputs_per_client(twins, lambda client: ("list", "stages", flow_desc(client.project)["id"]))
    assert this == ref and "Bound input     number=1\n                reads=" in this[1]


@reference
@pytest.mark.parametrize("words", [("list", "stages", "nosuch"), ("list", "stages", "rec"),
                                   ("list", "stages", "nowhere:flow")])
def test_list_stages_errors(twins, words):
    twins.assert_same(*words)


# -- remove stage --------------------------------------------------------------------------------

@reference
def test_remove_stage(twins):
    twins.assert_same("remove", "stage", "flow", "1")
    twins.assert_same("add", "stage", "flow", "empty", "--name", "extra", "--brief")
    twins.assert_same("remove", "stage", "flow", "extra", "--brief")
    twins.assert_same("remove", "stage", "{project}:/flow", "first")
    assert_same_workflows(twins, "flow")
    assert flow_desc(twins.this.project)["stages"] == []


@reference
@pytest.mark.parametrize("words", [
    ("remove", "stage", "nosuch", "0"),
    ("remove", "stage", "rec", "0"),
    ("remove", "stage", "flow", "5"),
    ("remove", "stage", "flow", "-1"),
    ("remove", "stage", "flow", "nosuch"),
    ("remove", "stage", "flow", "stage-" + "0" * 24),
    ("remove", "stage", "flow", "first"),  # the second stage takes its output
])
def test_remove_stage_errors(twins, words):
    twins.assert_same(*words)
    assert_flow_unchanged(twins)


# -- update workflow -----------------------------------------------------------------------------

@reference
def test_update_workflow(twins):
    twins.assert_same("update", "workflow", "flow", "--title", "New title", "--summary", "S2", "--description",
                      "D2", "--output-folder", ".")
    assert_same_workflows(twins, "flow")
    twins.assert_same("update", "workflow", "flow", "--no-title", "--no-output-folder")
    # dx passes the words on unresolved; the platform takes only a folder path
    assert twins.assert_same("update", "workflow", "flow", "--output-folder", "nowhere:/x")[0] == 3
    twins.assert_same("update", "workflow", "flow")
    assert_same_workflows(twins, "flow")
    desc = flow_desc(twins.this.project)
    assert (desc["title"], desc["summary"], desc["description"], desc["outputFolder"], desc["editVersion"]) == (
        "flow", "S2", "D2", None, FLOW_EDIT_VERSION + 2)


@reference
@pytest.mark.parametrize("words", [
    ("update", "workflow", "nosuch", "--title", "x"),
    ("update", "workflow", "rec", "--title", "x"),
    ("update", "workflow", "nosuch"),
])
def test_update_workflow_errors(twins, words):
    twins.assert_same(*words)
    assert_flow_unchanged(twins)


@reference
def test_update_workflow_argument_errors(twins):
    assert last_line_and_code(twins, "update", "workflow", "flow", "--title", "x", "--no-title") == (
        2, "dx update workflow: error: argument --no-title: not allowed with argument --title")
    assert last_line_and_code(twins, "update", "workflow", "flow", "--output-folder", "/x", "--no-output-folder")[0] \
        == 2
    assert_flow_unchanged(twins)


# -- update stage --------------------------------------------------------------------------------

@reference
def test_update_stage(twins):
    twins.assert_same("update", "stage", "flow", "0", "--name", "renamed", "-inumber=7",
                      "--relative-output-folder", "rel", "--instance-type", "mem1_ssd1_x8")
    twins.assert_same("update", "stage", "flow", "second", "--no-name", "--output-folder", ".")
    twins.assert_same("update", "stage", "flow", "renamed", "-ilabel=x")
    twins.assert_same("update", "stage", "flow", "1", "--executable", "mapper2")
    twins.assert_same("update", "stage", "{project}:/flow", "first", "--executable", "empty", "--force")
    twins.assert_same("update", "stage", "flow", "0", "--alias", "default", "--force")
    assert_same_workflows(twins, "flow")
    first, second = flow_desc(twins.this.project)["stages"]
    assert (first["name"], first["folder"], first["systemRequirements"]) == (
        "renamed", "rel", {"*": {"instanceType": "mem1_ssd1_x8"}})
    assert (second["name"], second["folder"]) == (None, "/")


@reference
def test_update_stage_executable_and_name(twins):
    """dxpy sends the name with the edit version it read before changing the executable, so the
    platform refuses it (exit 3, executable changed, name not); this dx makes both changes."""
    ref, this = twins.outputs("update", "stage", "flow", "0", "--executable", "mapper2", "--name", "both")
    assert ref[0] == 3 and ref[2].startswith("dxpy.exceptions.InvalidState: The editVersion 2 given does not match")
    assert this == (0, "", "")
    for client, name in ((twins.ref, "map"), (twins.this, "both")):
        first = flow_desc(client.project)["stages"][0]
        mapper2 = dxpy.find_one_data_object(project=client.project, name="mapper2")["id"]
        assert (first["name"], first["executable"]) == (name, mapper2)


@reference
def test_incompatible_executable(twins):
    """The platform's reasons are listed, and nothing changes."""
    out = twins.assert_same("update", "stage", "flow", "second", "--executable", "empty")
    assert out[0] == 3 and out[2].startswith("dxpy.exceptions.DXCLIError: The requested executable could not be "
                                             "verified as a compatible replacement for the following reasons:\n- ")
    assert out[2].endswith("\nRerun with --force to replace the executable anyway\n")
    assert_flow_unchanged(twins)


@reference
@pytest.mark.parametrize("words", [
    ("update", "stage", "nosuch", "0", "--name", "x"),
    ("update", "stage", "rec", "0", "--name", "x"),
    ("update", "stage", "flow", "5", "--name", "x"),
    ("update", "stage", "flow", "nosuch", "--name", "x"),
    ("update", "stage", "flow", "stage-" + "0" * 24, "--name", "x"),
    ("update", "stage", "flow", "0", "--executable", "nosuch"),
    ("update", "stage", "flow", "0", "--executable", "rec"),
    ("update", "stage", "flow", "0", "-inumber=many"),
    ("update", "stage", "flow", "0", "-inope=1"),
    ("update", "stage", "flow", "0", "--instance-type", "{]"),
    ("update", "stage", "flow", "0", "--executable", "empty", "-inumber=1", "--force"),
    ("update", "stage", "flow", "nosuch"),  # nothing to change: the stage is not looked up
])
def test_update_stage_errors(twins, words):
    twins.assert_same(*words)
    assert_flow_unchanged(twins)


@reference
def test_update_stage_inputs_of_a_missing_stage(twins):
    """With inputs to bind, dxpy looks the stage up outside its error handling: a traceback and exit 1
    for a stage that is not there; this dx exits 3 with the error line."""
    ref, this = twins.outputs("update", "stage", "flow", "5", "-inumber=1")
    assert ref[0] == 1 and "Traceback" in ref[2]
    assert this == (3, "", ref[2].splitlines()[-1] + "\n")
    assert_flow_unchanged(twins)


@reference
def test_update_stage_argument_errors(twins):
    assert last_line_and_code(twins, "update", "stage", "flow", "0", "--name", "x", "--no-name") == (
        2, "dx update stage: error: argument --no-name: not allowed with argument --name")
    assert last_line_and_code(twins, "update", "stage", "flow", "0", "--output-folder", "/a",
                              "--relative-output-folder", "b")[0] == 2
    assert_flow_unchanged(twins)


# -- changes that meet a refusal -----------------------------------------------------------------

def _edit_meanwhile(emulator, client, route, words):
    """Run ``dx *words*`` while its request to *route* of client's "flow" waits, and change the
    workflow's summary meanwhile (someone else's edit); the finished process."""
    flow = flow_desc(client.project)["id"]
    rule = emulator.faults.add("/%s/%s" % (flow, route), action="delay", delay=0.5, times=1)
    finished = {}
    runner = threading.Thread(target=lambda: finished.update(result=client.run(*words)))
    runner.start()
    while rule.hits == 0 and runner.is_alive():
        runner.join(0.02)
    dxpy.api.workflow_update(flow, {"editVersion": FLOW_EDIT_VERSION, "summary": "meanwhile"})
    runner.join()
    return finished["result"]


@reference
@pytest.mark.parametrize("route, words", [
    ("update", ("update", "stage", "flow", "0", "--name", "late")),
    ("update", ("update", "workflow", "flow", "--title", "late")),
    ("addStage", ("add", "stage", "flow", "mapper", "--brief")),
    ("removeStage", ("remove", "stage", "flow", "1")),
])
def test_edit_version_changed_meanwhile(twins, cli_emulator, route, words):
    """A change based on an edit version that another edit made stale is refused by the platform."""
    results = []
    for client in twins.clients:
        result = _edit_meanwhile(cli_emulator, client, route, words)
        results.append((result.returncode, result.stdout, normalize(result.stderr)))
    ref, this = results
    assert this == ref
    assert ref[0] == 3 and ref[2].startswith("dxpy.exceptions.InvalidState: The editVersion 2 given does not match")
    for client in twins.clients:
        desc = flow_desc(client.project)
        assert (desc["summary"], desc["title"], desc["editVersion"]) == ("meanwhile", "Flow", FLOW_EDIT_VERSION + 1)
        assert [(stage["id"], stage["name"]) for stage in desc["stages"]] == [("first", "map"), ("second", None)]


@reference
@pytest.mark.parametrize("words", [
    ("add", "stage", "{bobs}:flow", "{bobs}:mapper"),
    ("remove", "stage", "{bobs}:flow", "0"),
    ("update", "workflow", "{bobs}:flow", "--title", "mine"),
    ("update", "stage", "{bobs}:flow", "0", "--name", "mine"),
])
def test_no_permission(twins, bobs, words):
    twins.assert_same(*[word.replace("{bobs}", bobs) for word in words])
    twins.assert_same("list", "stages", bobs + ":flow")
    assert_flow_unchanged(twins, bobs)


@reference
def test_closed_workflow(twins):
    for client in twins.clients:
        dxpy.DXWorkflow(flow_desc(client.project)["id"], project=client.project).close()
    twins.assert_same("add", "stage", "flow", "mapper")
    twins.assert_same("update", "workflow", "flow", "--summary", "closed")
    assert_same_workflows(twins, "flow")
