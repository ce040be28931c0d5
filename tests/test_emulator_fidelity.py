"""The emulator answers as the platform does where dxpy's own tests and users look: a
describe's project is a hint, project settings, closed objects, closed files (through HTTP)."""
import pytest

import dxpy
from dxpy.exceptions import InvalidInput, InvalidState, ResourceNotFound


@pytest.fixture
def projects(dx_emulator):
    return dxpy.api.project_new({"name": "one"})["id"], dxpy.api.project_new({"name": "two"})["id"]


def _record(project, **fields):
    fields.update(project=project)
    return dxpy.api.record_new(fields)["id"]


# -- describe: the project is a hint -------------------------------------------------------

def test_describe_finds_the_copy_the_caller_reaches_when_the_hint_lacks_it(projects):
    one, two = projects
    record = _record(one, name="r", close=True)
    desc = dxpy.api.record_describe(record, {"project": two})
    assert (desc["id"], desc["project"], desc["name"]) == (record, one, "r")


def test_describe_prefers_the_copy_in_the_hinted_project(projects):
    one, two = projects
    record = _record(one, close=True)
    dxpy.api.project_clone(one, {"objects": [record], "project": two})
    assert dxpy.api.record_describe(record, {"project": two})["project"] == two
    assert dxpy.api.record_describe(record, {"project": one})["project"] == one


def test_describe_of_an_object_nobody_holds_is_not_found(projects):
    with pytest.raises(ResourceNotFound):
        dxpy.api.record_describe("record-" + "0" * 24, {"project": projects[0]})


def test_changes_still_need_the_object_in_the_project_named(projects):
    one, two = projects
    record = _record(one)
    with pytest.raises(ResourceNotFound):
        dxpy.api.record_rename(record, {"project": two, "name": "x"})
    assert dxpy.api.record_describe(record)["name"] == record


def test_describe_with_fields_gives_those_fields_and_the_id(projects):
    record = _record(projects[0], name="r")
    assert dxpy.api.record_describe(record, {"fields": {"name": True}}) == {"id": record, "name": "r"}


# -- project settings ----------------------------------------------------------------------

def test_a_new_project_describes_its_settings(projects):
    desc = dxpy.api.project_describe(projects[0])
    assert desc["databaseUIViewOnly"] is False
    assert desc["allowedExecutables"] is None and desc["databaseResultsRestricted"] is None


def test_update_stores_allowed_executables_and_database_results_restriction(projects):
    project = projects[0]
    applet = "applet-" + "a" * 24
    dxpy.api.project_update(project, {"allowedExecutables": [applet], "databaseResultsRestricted": 10})
    desc = dxpy.api.project_describe(project)
    assert desc["allowedExecutables"] == [applet] and desc["databaseResultsRestricted"] == 10
    dxpy.api.project_update(project, {"allowedExecutables": None, "databaseResultsRestricted": None})
    desc = dxpy.api.project_describe(project)
    assert desc["allowedExecutables"] is None and desc["databaseResultsRestricted"] is None


def test_restricting_downloads_restricts_previews_and_cannot_be_undone(projects):
    project = projects[0]
    dxpy.api.project_update(project, {"downloadRestricted": True})
    desc = dxpy.api.project_describe(project)
    assert desc["downloadRestricted"] is True and desc["previewViewerRestricted"] is True
    with pytest.raises(InvalidInput, match="downloadRestricted"):
        dxpy.api.project_update(project, {"downloadRestricted": False, "name": "renamed"})
    desc = dxpy.api.project_describe(project)
    assert desc["downloadRestricted"] is True and desc["name"] == "one"   # nothing changed


def test_a_project_restricted_from_its_creation_restricts_previews(dx_emulator):
    project = dxpy.api.project_new({"name": "closed", "downloadRestricted": True})["id"]
    assert dxpy.api.project_describe(project)["previewViewerRestricted"] is True


@pytest.mark.parametrize("bad", [{"allowedExecutables": "applet-x"}, {"databaseResultsRestricted": "10"},
                                 {"databaseUIViewOnly": 1}])
def test_bad_project_settings_are_refused(projects, bad):
    with pytest.raises(InvalidInput):
        dxpy.api.project_update(projects[0], bad)


@pytest.mark.parametrize("route", ["project-None", "None"])
def test_describing_a_nonsense_project_id_is_not_found(dx_emulator, route):
    with pytest.raises(ResourceNotFound):
        dxpy.DXHTTPRequest("/%s/describe" % route, {})


def test_a_project_handler_without_an_id_gets_the_platforms_answer(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "PROJECT_CONTEXT_ID", None)
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)
    with pytest.raises(ResourceNotFound):
        dxpy.DXProject().describe()


# -- closed objects and files --------------------------------------------------------------

def test_visibility_of_a_closed_object_cannot_change(projects):
    record = _record(projects[0], close=True)
    with pytest.raises(InvalidState, match="closed"):
        dxpy.api.record_set_visibility(record, {"hidden": True})
    assert dxpy.api.record_describe(record)["hidden"] is False


def test_visibility_of_an_open_object_changes(projects):
    record = _record(projects[0])
    dxpy.api.record_set_visibility(record, {"hidden": True})
    assert dxpy.api.record_describe(record)["hidden"] is True
    with pytest.raises(InvalidInput):
        dxpy.api.record_set_visibility(record, {"hidden": "yes"})


def test_uploading_to_a_closed_file_is_refused_in_the_platforms_words(dx_emulator):
    handler = dxpy.upload_string("hello", wait_on_close=True)
    with pytest.raises(InvalidState, match="%s is not in the open state" % handler.get_id()):
        dxpy.api.file_upload(handler.get_id(), {"index": 1})


# -- records initialized from another ------------------------------------------------------

def test_a_record_initialized_from_another_copies_its_metadata(projects):
    one, two = projects
    source = _record(one, name="src", tags=["t"], types=["T"], properties={"k": "v"}, details={"d": 1})
    copied = dxpy.api.record_new({"project": two, "initializeFrom": {"id": source, "project": one}})["id"]
    desc = dxpy.api.record_describe(copied, {"properties": True, "details": True})
    assert (desc["name"], desc["tags"], desc["types"]) == ("src", ["t"], ["T"])
    assert (desc["properties"], desc["details"]) == ({"k": "v"}, {"d": 1})


def test_what_the_new_record_gives_wins_over_its_source(projects):
    one, _ = projects
    source = _record(one, name="src", tags=["t"], details={"d": 1})
    copied = dxpy.api.record_new({"project": one, "name": "mine", "tags": [], "details": {"e": 2},
                                  "initializeFrom": {"id": source, "project": one}})["id"]
    desc = dxpy.api.record_describe(copied, {"details": True})
    assert (desc["name"], desc["tags"], desc["details"]) == ("mine", [], {"e": 2})


@pytest.mark.parametrize("source", [{"id": "file-" + "0" * 24}, {"id": 5}, "record-x", {}])
def test_initializing_from_something_else_is_refused(projects, source):
    with pytest.raises((InvalidInput, ResourceNotFound)):
        dxpy.api.record_new({"project": projects[0], "initializeFrom": source})
