"""dx get_details, set_details, set_visibility, add_types, remove_types, tag, untag, rename,
set_properties, unset_properties, close and wait: output, errors and exit codes compared with
the reference dx, and the metadata they leave."""
import pytest

import dxpy
from dx_cli import as_user, others_project
from test_dx_projects import assert_same_records, last_line_and_code, project_fields, records_in

reference = pytest.mark.reference  # the tests that compare with the reference dx

NOOP_CODE = "import dxpy\n\n@dxpy.entry_point('main')\ndef main():\n    return {}\n"
FAILING_CODE = "import dxpy\n\n@dxpy.entry_point('main')\ndef main():\n    raise dxpy.AppError('no luck')\n"
_PROJECT_METADATA = ("name", "tags", "properties")


def make_records(project):
    dxpy.new_dxrecord(project=project, name="rec", details={"a": 1}, types=["T"], tags=["t0"],
                      properties={"p": "1", "q": "2"})
    dxpy.new_dxrecord(project=project, name="done", close=True, details={"kept": True})
    for copy in ("1", "2"):
        dxpy.new_dxrecord(project=project, name="dup", details={"copy": copy})
    dxpy.new_dxrecord(project=project, name="inner", folder="/fold", parents=True)


@pytest.fixture
def twins(twins):
    """Both clients, each with the records of ``make_records`` in its project."""
    twins.populate(make_records)
    return twins


@pytest.fixture
def bobs(cli_emulator):
    """(project, record ID): a record in a project of bob's that the default user may only view."""
    project = others_project(cli_emulator, level="VIEW")
    with as_user(cli_emulator.add_user("bob")[1]):
        record = dxpy.new_dxrecord(project=project, name="his", details={"his": True}, tags=["b"],
                                   properties={"b": "1"})
    return project, record.get_id()


def describe_record(project, record_id):
    return dxpy.api.record_describe(record_id, {"project": project, "fields": {
        "name": True, "tags": True, "types": True, "hidden": True, "details": True, "state": True,
        "properties": True}})


def assert_nothing_changed(twins, bobs=None):
    """The records are still as ``make_records`` made them, and bob's record as made."""
    records = assert_same_records(twins)
    assert (records["rec"]["details"], records["rec"]["types"], records["rec"]["tags"], records["rec"]["hidden"],
            records["rec"]["properties"], records["rec"]["state"]) == (
        {"a": 1}, ["T"], ["t0"], False, {"p": "1", "q": "2"}, "open")
    assert records["done"]["state"] == "closed" and records["dup"]["state"] == "open"
    if bobs is not None:
        desc = describe_record(*bobs)
        assert (desc["name"], desc["details"], desc["tags"], desc["properties"]) == (
            "his", {"his": True}, ["b"], {"b": "1"})


def all_dups(project):
    found = dxpy.api.system_find_data_objects({"scope": {"project": project}, "name": "dup", "visibility": "either",
                                               "describe": {"fields": {"details": True, "hidden": True,
                                                                       "types": True, "state": True}}})
    return sorted((result["describe"] for result in found["results"]), key=lambda desc: str(desc["details"]))


def assert_same_dups(twins):
    ref, this = [[dict((key, value) for key, value in desc.items() if key != "id") for desc in all_dups(c.project)]
                 for c in twins.clients]
    assert this == ref
    return this


def assert_same_but_spacing(twins, *words):
    """As ``twins.assert_same``, for a message that dxpy spreads over lines with the indentation of
    its source ('Could not resolve "x" to an existing data object or to only a project; ...');
    this dx prints it on one line."""
    ref, this = twins.outputs(*words)
    assert [this[0], this[1], " ".join(this[2].split())] == [ref[0], ref[1], " ".join(ref[2].split())]
    assert "\n " in ref[2] and this[2].count("\n") == 1


# -- details -------------------------------------------------------------------------------------

@reference
def test_get_details(twins):
    assert twins.assert_same("get_details", "rec")[1] == '{\n    "a": 1\n}\n'
    twins.assert_same("get_details", "{project}:/fold/inner")
    twins.assert_same("get_details", "{project}:done")


@reference
def test_get_details_errors(twins, bobs):
    twins.assert_same("get_details", "no-such-record")
    twins.assert_same("get_details", "fold")
    twins.assert_same("get_details", "dup")
    twins.assert_same("get_details", "no-such-project:rec")
    twins.assert_same("get_details", "record-000000000000000000000000")
    twins.assert_same("get_details", bobs[0] + ":nothing")


@reference
def test_set_details(twins, tmp_path):
    twins.assert_same("set_details", "rec", '{"b": [1, 2]}')
    (tmp_path / "details.json").write_text('["from", "file"]')
    twins.assert_same("set_details", "{project}:/fold/inner", "-f", str(tmp_path / "details.json"))
    twins.assert_same("set_details", "-a", "dup", "-f", "-", stdin='{"both": true}')
    records = assert_same_records(twins)
    assert (records["rec"]["details"], records["inner"]["details"]) == ({"b": [1, 2]}, ["from", "file"])
    assert [desc["details"] for desc in assert_same_dups(twins)] == [{"both": True}] * 2
    twins.assert_same("get_details", "rec")


@reference
def test_set_details_errors(twins, bobs, tmp_path):
    (tmp_path / "bad.json").write_text("{bad")
    twins.assert_same("set_details", "rec", "{bad")
    twins.assert_same("set_details", "rec", "-f", str(tmp_path / "bad.json"))
    twins.assert_same("set_details", "rec", "{}", "-f", str(tmp_path / "bad.json"))
    twins.assert_same("set_details", "rec")
    twins.assert_same("set_details", "no-such-record", "{}")
    twins.assert_same("set_details", "dup", "{}")
    twins.assert_same("set_details", "done", '{"closed": "already"}')
    twins.assert_same("set_details", bobs[1], "{}")
    twins.assert_same("set_details", bobs[0] + ":his", "{}")
    assert_nothing_changed(twins, bobs)


# -- visibility and types ------------------------------------------------------------------------

@reference
def test_visibility_and_types(twins):
    twins.assert_same("set_visibility", "rec", "hidden")
    twins.assert_same("add_types", "rec", "A", "B")
    twins.assert_same("remove_types", "{project}:rec", "T", "A")
    twins.assert_same("set_visibility", "-a", "dup", "hidden")
    twins.assert_same("add_types", "dup", "--all", "D")
    records = assert_same_records(twins)
    assert (records["rec"]["hidden"], records["rec"]["types"]) == (True, ["B"])
    assert [(desc["hidden"], desc["types"]) for desc in assert_same_dups(twins)] == [(True, ["D"])] * 2
    twins.assert_same("remove_types", "-a", "dup", "D")
    twins.assert_same("set_visibility", "rec", "visible")
    assert records_in(twins.this.project)["rec"]["hidden"] is False


@reference
def test_visibility_and_types_errors(twins, bobs):
    twins.assert_same("set_visibility", "no-such-record", "hidden")
    twins.assert_same("add_types", "dup", "X")
    twins.assert_same("remove_types", "fold", "T")
    twins.assert_same("add_types", "done", "Late")
    twins.assert_same("set_visibility", bobs[1], "hidden")
    twins.assert_same("add_types", bobs[0] + ":his", "Mine")
    assert last_line_and_code(twins, "set_visibility", "rec", "invisible")[0] == 2
    assert last_line_and_code(twins, "add_types", "rec")[0] == 2
    assert_nothing_changed(twins, bobs)


# -- tags, properties, names ---------------------------------------------------------------------

def assert_same_projects(twins):
    ref, this = [project_fields(client.project, *_PROJECT_METADATA) for client in twins.clients]
    this.pop("id"), ref.pop("id")
    assert this == ref
    return this


@reference
def test_tags_and_properties(twins):
    twins.assert_same("tag", "rec", "x", "y")
    twins.assert_same("untag", "rec", "t0", "x")
    twins.assert_same("set_properties", "rec", "p=10", "new=", "with space=a b")
    twins.assert_same("unset_properties", "rec", "q", "never-set")
    twins.assert_same("tag", "-a", "dup", "both")
    twins.assert_same("set_properties", "done", "late=ok")
    twins.assert_same("tag", "{project}:", "ptag", "other")
    twins.assert_same("untag", "{project}", "other")
    twins.assert_same("set_properties", "{project}:", "k=v", "gone=soon")
    twins.assert_same("unset_properties", "{project}:", "gone")
    records = assert_same_records(twins)
    assert (records["rec"]["tags"], records["rec"]["properties"]) == (
        ["y"], {"p": "10", "new": "", "with space": "a b"})
    assert records["done"]["properties"] == {"late": "ok"}
    assert assert_same_projects(twins) == {"name": "dx-compare", "tags": ["ptag"], "properties": {"k": "v"}}


@reference
def test_tags_and_properties_errors(twins, bobs):
    twins.assert_same("tag", "no-such-record", "x")
    assert_same_but_spacing(twins, "tag", "fold", "x")
    twins.assert_same("untag", "dup", "t0")
    twins.assert_same("set_properties", "rec", "novalue")
    twins.assert_same("set_properties", "rec", "=v")
    twins.assert_same("set_properties", "no-such-project:", "k=v")
    twins.assert_same("tag", bobs[0] + ":", "mine")
    twins.assert_same("tag", bobs[1], "mine")
    twins.assert_same("unset_properties", bobs[0] + ":his", "b")
    twins.assert_same("set_properties", bobs[0] + ":", "k=v")
    assert last_line_and_code(twins, "tag", "rec")[0] == 2
    # dxpy exits 1 (its code for a bug in dx) when --try is given for other than jobs; this dx exits 3
    for words in (("tag", "--try", "0", "rec", "x"), ("set_properties", "--try", "1", "{project}:", "k=v"),
                  ("unset_properties", "{project}:rec", "--try", "0", "p")):
        ref, this = twins.outputs(*words)
        assert ref == (1, "", "Parameter --try T can be used only with jobs\n")
        assert this == (3, "", "Parameter --try T can be used only with jobs\n")
    assert_nothing_changed(twins, bobs)
    assert assert_same_projects(twins) == {"name": "dx-compare", "tags": [], "properties": {}}
    assert project_fields(bobs[0], *_PROJECT_METADATA)["tags"] == []


@reference
def test_rename(twins):
    twins.assert_same("rename", "rec", "renamed")
    twins.assert_same("rename", "{project}:/fold/inner", "outer name")
    twins.assert_same("rename", "-a", "dup", "single")
    twins.assert_same("rename", "{project}:", "project renamed")
    assert sorted(assert_same_records(twins)) == ["done", "outer name", "renamed", "single"]
    assert len(records_in(twins.this.project)) == 4 and len(all_dups(twins.this.project)) == 0
    assert assert_same_projects(twins)["name"] == "project renamed"


@reference
def test_rename_errors(twins, bobs):
    twins.assert_same("rename", "no-such-record", "x")
    twins.assert_same("rename", "dup", "x")
    assert_same_but_spacing(twins, "rename", "fold", "x")
    twins.assert_same("rename", "no-such-project:", "x")
    twins.assert_same("rename", bobs[0] + ":his", "mine")
    twins.assert_same("rename", bobs[0] + ":", "mine")
    assert_nothing_changed(twins, bobs)
    assert project_fields(bobs[0], "name")["name"] == "not-yours"


# -- executions ----------------------------------------------------------------------------------

def run_to_the_end(project, code):
    """The ID of a job of an applet running *code* in *project*, once it has finished."""
    applet = dxpy.api.applet_new({"project": project, "name": "applet", "dxapi": "1.0.0", "inputSpec": [],
                                  "outputSpec": [], "runSpec": {"interpreter": "python3", "code": code}})
    job = dxpy.DXApplet(applet["id"], project=project).run({}, project=project)
    try:
        job.wait_on_done(interval=0.2)
    except dxpy.exceptions.DXJobFailureError:
        pass
    return job.get_id()


@pytest.fixture
def finished_job(twins):
    """A job that ran (an applet that does nothing), in the reference's project."""
    return run_to_the_end(twins.ref.project, NOOP_CODE)


@reference
def test_execution_metadata(twins, finished_job):
    twins.assert_same("tag", finished_job, "t1", "t2")
    twins.assert_same("untag", finished_job, "t1")
    twins.assert_same("set_properties", "--try", "0", finished_job, "k=v", "j=w")
    twins.assert_same("unset_properties", finished_job, "j")
    desc = dxpy.api.job_describe(finished_job, {"fields": {"tags": True, "properties": True}})
    assert (desc["tags"], desc["properties"]) == (["t2"], {"k": "v"})
    assert twins.assert_same("wait", finished_job) == (
        0, "Waiting for job-<1> to finish running...\nDone\n", "")
    twins.assert_same("tag", finished_job + ":out", "t")


@reference
def test_wait_for_failed_job(twins):
    failed = run_to_the_end(twins.ref.project, FAILING_CODE)
    assert dxpy.api.job_describe(failed, {"fields": {"state": True}})["state"] == "failed"
    twins.assert_same("wait", failed)
    twins.assert_same("wait", "job-000000000000000000000000")


# -- close and wait ------------------------------------------------------------------------------

@reference
def test_close_and_wait(twins, tmp_path):
    twins.assert_same("close", "rec", "{project}:/fold/inner")
    twins.assert_same("close", "--wait", "-a", "dup")
    twins.assert_same("close", "done")  # already closed
    records = assert_same_records(twins)
    assert {desc["state"] for desc in records.values()} == {"closed"}
    assert twins.assert_same("wait", "rec", "{project}:done")[1] == (
        "Waiting for rec to close...\nDone\nWaiting for project-<1>:done to close...\nDone\n")
    (tmp_path / "paths").write_text("rec\ndone\n/fold/inner\n")
    twins.assert_same("wait", "--from-file", str(tmp_path / "paths"))


@reference
def test_close_and_wait_errors(twins, bobs, tmp_path):
    twins.assert_same("close", "no-such-record", "rec")
    twins.assert_same("close", "dup")
    twins.assert_same("close", "fold")
    # dxpy exits 0 when it could not close an object; this dx exits 3
    ref, this = twins.outputs("close", bobs[1])
    assert ref[0] == 0 and this == (3,) + ref[1:]
    assert "UPLOAD permission required" in ref[1]
    twins.assert_same("wait", "no-such-record", "done")
    twins.assert_same("wait", "no-such-project:rec")
    records = assert_same_records(twins)
    assert records["rec"]["state"] == "closed" and records["dup"]["state"] == "open"
    assert describe_record(*bobs)["state"] == "open"


def test_wait_from_unreadable_file(tmp_path, monkeypatch):
    """dxpy's message for an unreadable --from-file list fails to format (a TypeError); this one names the file."""
    import argparse
    from dxpy.cli import metadata

    def refuse(path, *args):
        raise IOError("Permission denied")
    listing = tmp_path / "paths"
    listing.write_text("rec\n")
    monkeypatch.setattr(metadata, "open", refuse, raising=False)
    with pytest.raises(dxpy.exceptions.DXCLIError) as info:
        metadata.wait(argparse.Namespace(path=[str(listing)], from_file=True))
    assert str(info.value) == "Could not open %s. The problem was: Permission denied" % listing
