"""dx find data, dx find projects and dx find orgs: every filter and output option, and the
errors, compared with the reference dx; the searches that come later say so."""
import time

import pytest

import dxpy
from dx_cli import as_user, others_project
from dxpy.emulator.model.databases import new_database

pytestmark = pytest.mark.reference

_RUN_SPEC = {"interpreter": "bash", "code": "true", "distribution": "Ubuntu", "release": "20.04"}
_TIME_ERROR = ('ValueError: Error: Expected an int timestamp, a date format (e.g. YYYY-MM-DD), or an int with a '
               'single-letter suffix (s=seconds, m=minutes, h=hours, d=days, w=weeks, M=months, y=years; e.g. '
               '"-10d" indicates 10 days ago); but got ')


def later():
    """Let the clock move on: searches list the latest modified first, and objects of one
    millisecond in the order of their (random) IDs."""
    time.sleep(0.003)


@pytest.fixture(scope="module")
def link_target(cli_emulator):
    """A record that objects of every project link to (one ID, so both clients can name it)."""
    project = dxpy.api.project_new({"name": "targets"})["id"]
    return dxpy.new_dxrecord(project=project, name="target", close=True).get_id()


def populate(emulator, project, target):
    """Some twenty objects: records in /, /a, /a/b (tags, properties, types, a hidden one, one
    linking to *target*), closed and open files, an applet, a workflow and a database."""
    records = [("r1", "/", {"tags": ["red"]}), ("r2", "/", {"tags": ["red", "blue"], "types": ["Sample"]}),
               ("r3", "/a", {"properties": {"k": "v", "other": "x"}}), ("r4", "/a", {"properties": {"k": "w"}}),
               ("deep", "/a/b", {"types": ["Sample", "Reads"]}), ("ghost", "/a", {"hidden": True}),
               ("linker", "/", {"details": {"to": dxpy.dxlink(target)}}), ("draft", "/a/b", {"close": False})]
    for name, folder, fields in records:
        fields = dict(fields)
        close = fields.pop("close", True)
        dxpy.new_dxrecord(project=project, name=name, folder=folder, parents=True, close=close, **fields)
        later()
    dxpy.upload_string("hello", project=project, name="hello.txt", folder="/a", tags=["blue"], wait_on_close=True)
    later()
    dxpy.new_dxfile(project=project, name="partial.txt", folder="/")
    later()
    applet = dxpy.api.applet_new({"project": project, "name": "tool", "folder": "/a", "dxapi": "1.0.0",
                                  "runSpec": _RUN_SPEC, "inputSpec": [], "outputSpec": []})["id"]
    later()
    dxpy.api.workflow_new({"project": project, "name": "flow", "title": "Flow", "folder": "/a/b", "stages": [
        {"id": "stage-one", "executable": applet}]})
    later()
    new_database(emulator.platform, emulator.user_id, project, "db")


@pytest.fixture
def filled(twins, cli_emulator, link_target):
    twins.populate(lambda project: populate(cli_emulator, project, link_target))
    twins.link_target = link_target
    return twins


def last_lines(twins, *words):
    """Each client's exit code and last line of stderr."""
    results = [client.run(*words) for client in twins.clients]
    return [(result.returncode, result.stderr.strip().splitlines()[-1]) for result in results]


def assert_same_refusal(twins, *words):
    """argparse's refusals end with dx's own help text: compare the exit code and last line."""
    ref, this = last_lines(twins, *words)
    assert this == ref
    return this


# -- dx find data --------------------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    (),
    ("--brief",),
    ("--verbose",),
    ("--json",),
    ("--delimiter",),
    ("--delim", ","),
    ("--class", "record"),
    ("--class", "file", "--state", "open"),
    ("--class", "applet"),
    ("--class", "workflow", "--json"),
    ("--class", "database"),
    ("--state", "closed", "--class", "record"),
    ("--state", "any"),
    ("--visibility", "hidden"),
    ("--visibility", "either", "--path", "/a", "--norecurse"),
    ("--name", "r*"),
    ("--name", "r1", "--name-mode", "exact"),
    ("--name", "^r[34]$", "--name-mode", "regexp"),
    ("--type", "Sample"),
    ("--tag", "red"),
    ("--tag", "red", "--tag", "blue"),
    ("--property", "k"),
    ("--property", "k=v", "--property", "other"),
    ("--path", "/a"),
    ("--path", "a/b"),
    ("--path", "/a", "--norecurse"),
    ("--path", "{project}:/a", "--brief"),
    ("--folder", "/a/b"),
    ("--project", "{project}", "--path", "/a"),
    ("--project", "{project}:", "--class", "file"),
    ("--created-after=-1d", "--class", "file"),
    ("--created-before=2001-01-01",),
    ("--mod-after=2001-01-01 10:00:00", "--name", "r*"),
    ("--mod-before=1000000000000",),
    ("--region", "aws:us-east-1", "--brief"),
    ("--region", "azure:westus"),
    ("--color", "on", "--name", "tool"),
])
def test_find_data(filled, words):
    filled.assert_same("find", "data", *words)


def test_find_data_by_link(filled):
    filled.assert_same("find", "data", "--link", filled.link_target)
    filled.assert_same("find", "data", "--link", filled.link_target, "--verbose")


def test_untitled_workflow_verbose(twins):
    """The platform titles a workflow created without a title with its name."""
    twins.populate(lambda project: dxpy.api.workflow_new({"project": project, "name": "untitled"}))
    lines = twins.assert_same("find", "data", "--verbose")[1].splitlines()
    assert lines[:3] == ["", "ID" + " " * 32 + "workflow-<1>", "Class" + " " * 29 + "workflow"]
    assert "Title" + " " * 29 + "untitled" in lines


def test_all_projects(filled):
    """Both clients' projects (and any other) answer: their lines carry the project."""
    filled.assert_same("find", "data", "--all-projects", "--name", "deep")
    filled.assert_same("find", "data", "--allprojects", "--name", "r2", "--brief", "--path", "/ignored")
    # without a current project, every project is searched too
    filled.assert_same("find", "data", "--name", "linker", "--brief", env={"DX_PROJECT_CONTEXT_ID": None})


def test_another_project_by_path(filled):
    other = dxpy.api.project_new({"name": "finders keepers"})["id"]
    dxpy.new_dxrecord(project=other, name="kept", folder="/in", parents=True, close=True)
    filled.assert_same("find", "data", "--path", "finders keepers:/in")
    filled.assert_same("find", "data", "--project", "finders keepers", "--brief")
    filled.assert_same("find", "data", "--path", other + ":", "--json")


@pytest.mark.parametrize("words", [
    ("--property", "=x"),
    ("--property", "a=b=c"),
    ("--folder", "/a", "--path", "/a"),
    ("--project", "no-such-project"),
    ("--project", "{project}", "--path", "{project}:/a"),
    ("--path", "no-such-project:/"),
    ("--path", "/no/such/folder"),
    ("--project", "project-" + "B" * 24),
])
def test_find_data_errors(filled, words):
    filled.assert_same("find", "data", *words)


@pytest.mark.parametrize("words", [
    ("--class", "folder"),
    ("--state", "gone"),
    ("--visibility", "maybe"),
    ("--name-mode", "fuzzy"),
    ("--brief", "--verbose"),
])
def test_find_data_usage_errors(twins, words):
    assert assert_same_refusal(twins, "find", "data", *words)[0] == 2


@pytest.mark.parametrize("option, value", [
    ("--created-after", "bogus"), ("--created-before", "2020-13-45"), ("--mod-after", "-3q"), ("--mod-before", "x1"),
])
def test_malformed_times(twins, option, value):
    """The reference dx fails with a traceback and exit code 1 (a bug in dx, by its own
    convention); this one says what the reference says last, and exits 3 for invalid input."""
    word = "%s=%s" % (option, value)
    ref, this = last_lines(twins, "find", "data", word)
    assert ref == (1, _TIME_ERROR + value)
    assert this == (3, _TIME_ERROR + value)
    assert twins.this.run("find", "data", word).stderr == _TIME_ERROR + value + "\n"


# -- dx find projects ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def projects(cli_emulator):
    """Projects to tell apart: tags, properties, PHI, restricted uploads, public, and one of
    another user shared at VIEW."""
    tagged = dxpy.api.project_new({"name": "seek-tagged", "tags": ["blue"], "properties": {"team": "x"}})["id"]
    later()
    phi = dxpy.api.project_new({"name": "seek-phi", "containsPHI": True, "properties": {"team": "y"}})["id"]
    later()
    dxpy.api.project_new({"name": "seek-uploads", "externalUploadRestricted": True})
    later()
    public = dxpy.api.project_new({"name": "seek-public"})["id"]
    dxpy.api.project_invite(public, {"invitee": "PUBLIC", "level": "VIEW", "suppressEmailNotification": True})
    others_project(cli_emulator, username="dora", level="VIEW", name="seek-shared")
    return {"tagged": tagged, "phi": phi}


@pytest.mark.parametrize("words", [
    ("--name", "seek-*"),
    ("--name", "seek-*", "--brief"),
    ("--name", "seek-phi", "--json"),
    ("--name", "seek-t*", "--delimiter"),
    ("--name", "seek-t*", "--delim", "|"),
    ("--name", "seek-*", "--level", "VIEW"),
    ("--name", "seek-*", "--level", "ADMINISTER", "--brief"),
    ("--public", "--name", "seek-*"),
    ("--tag", "blue"),
    ("--property", "team"),
    ("--property", "team=y"),
    ("--name", "seek-*", "--phi", "true"),
    ("--name", "seek-*", "--phi", "false", "--brief"),
    ("--name", "seek-*", "--external-upload-restricted", "true"),
    ("--name", "seek-*", "--created-after=-1h", "--brief"),
    ("--name", "seek-*", "--created-before=2001-01-01"),
    ("--name", "seek-*", "--region", "aws:us-east-1", "--brief"),
    ("--name", "seek-*", "--region", "azure:westus"),
    ("--brief",),
])
def test_find_projects(twins, projects, words):
    twins.assert_same("find", "projects", *words)


def test_find_projects_errors(twins, projects):
    twins.assert_same("find", "projects", "--property", "=x")
    assert last_lines(twins, "find", "projects", "--created-after=yesterday") == [
        (1, _TIME_ERROR + "yesterday"), (3, _TIME_ERROR + "yesterday")]
    for words in [("--phi", "maybe"), ("--level", "OWNER"), ("--external-upload-restricted", "yes")]:
        assert assert_same_refusal(twins, "find", "projects", *words)[0] == 2


# -- dx find orgs --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def orgs(cli_emulator):
    """Two orgs this user administers, one without billable activities, and one of another user
    where this user is a member."""
    dxpy.api.org_new({"handle": "seekers", "name": "Seekers"})
    later()
    dxpy.api.org_new({"handle": "thrifty", "name": "Thrifty"})
    me = dxpy.api.system_whoami()["id"]
    dxpy.api.org_set_member_access("org-thrifty", {me: {"allowBillableActivities": False}})
    _user, token = cli_emulator.add_user("erin")
    with as_user(token):
        dxpy.api.org_new({"handle": "others", "name": "Others"})
        dxpy.api.org_invite("org-others", {"invitee": me, "level": "MEMBER", "suppressEmailNotification": True})


@pytest.mark.parametrize("words", [
    ("--level", "ADMIN"),
    ("--level", "MEMBER"),
    ("--level", "MEMBER", "--brief"),
    ("--level", "ADMIN", "--json"),
    ("--level", "MEMBER", "--delimiter"),
    ("--level", "MEMBER", "--delim", ","),
    ("--level", "MEMBER", "--with-billable-activities"),
    ("--level", "ADMIN", "--without-billable-activities", "--brief"),
])
def test_find_orgs(twins, orgs, words):
    twins.assert_same("find", "orgs", *words)


@pytest.mark.parametrize("words", [
    (),
    ("--level", "OWNER"),
    ("--level", "ADMIN", "--with-billable-activities", "--without-billable-activities"),
])
def test_find_orgs_usage_errors(twins, words):
    assert assert_same_refusal(twins, "find", "orgs", *words)[0] == 2


def test_find_alone_shows_its_categories(twins):
    this = twins.this.run("find")
    assert twins.ref.run("find").returncode == this.returncode
    assert this.stdout.startswith("usage: dx find [-h] category ...")
    for category in ("apps", "globalworkflows", "jobs", "analyses", "executions", "data", "projects", "org", "orgs"):
        assert "\n    %s " % category in this.stdout or "\n    %s\n" % category in this.stdout
