"""DXObject / DXDataObject behaviour, verify_string_dxid, the default project, and the DXFile
and DXDatabase handlers as data objects."""
import copy
import pickle

import pytest
import requests
from loopback import reply

import dxpy
import dxpy.bindings
from dxpy.bindings import DXDataObject, DXObject, DXRecord, new_dxrecord, verify_string_dxid
from dxpy.bindings.dxdatabase import DXDatabase
from dxpy.bindings.dxfile import DEFAULT_BUFFER_SIZE, DXFile
from dxpy.bindings.dxproject import DXProject
from dxpy.emulator.model.databases import new_database
from dxpy.exceptions import DXError, InvalidState, ResourceNotFound

RID = "record-" + "B" * 24
FID = "file-" + "B" * 24
PID = "project-" + "F" * 24
CID = "container-" + "G" * 24


@pytest.fixture
def context():
    """Save dxpy's job/workspace/project settings and put them back after the test."""
    saved = (dxpy.JOB_ID, dxpy.WORKSPACE_ID, dxpy.PROJECT_CONTEXT_ID)
    yield
    dxpy.set_job_id(saved[0])
    dxpy.set_workspace_id(saved[1])
    dxpy.set_project_context(saved[2])


# verify_string_dxid

def test_verify_accepts_matching_ids():
    verify_string_dxid(RID, "record")
    verify_string_dxid(PID, ["project", "container"])


@pytest.mark.parametrize("value, classes, phrase", [
    ("foo", "record", "record"),
    (FID, "record", "record"),
    (RID[:-1], "record", "record"),
    (RID + "x", "record", "record"),
    (None, "record", "record"),
    (42, "file", "file"),
    (RID, ["project", "container"], "project or container"),
    (RID, ["file", "applet", "workflow"], "file, applet, or workflow"),
])
def test_verify_names_the_input_and_classes(value, classes, phrase):
    with pytest.raises(DXError) as info:
        verify_string_dxid(value, classes)
    assert str(info.value) == "Invalid ID of class %s: %r" % (phrase, value)


@pytest.mark.parametrize("classes", [[], None, 3])
def test_verify_rejects_bad_expected_classes(classes):
    with pytest.raises(DXError, match="expected_classes"):
        verify_string_dxid(RID, classes)


# Construction and IDs

def test_bad_ids_raise_before_any_request(dx):
    for bad in ("foo", FID, {"$dnanexus_link": FID}, 7):
        with pytest.raises(DXError, match="Invalid ID of class record"):
            DXRecord(bad)
    with pytest.raises(DXError, match="project or container"):
        DXRecord(RID, project="record-" + "C" * 24)
    with pytest.raises(DXError, match="Invalid ID"):
        DXRecord(RID).set_id("file-" + "C" * 24)
    assert dx.server.requests == []


def test_abstract_data_object_cannot_be_made():
    with pytest.raises(NotImplementedError):
        DXDataObject(RID)


def test_links_give_id_and_project(context):
    dxpy.set_workspace_id(PID)
    assert DXRecord({"$dnanexus_link": RID}).get_proj_id() == PID
    handler = DXRecord({"$dnanexus_link": {"id": RID, "project": CID}})
    assert (handler.get_id(), handler.get_proj_id()) == (RID, CID)
    handler = DXRecord({"$dnanexus_link": {"id": RID, "project": CID}}, project=PID)
    assert handler.get_proj_id() == PID  # an explicit project wins over the link's
    handler.set_id({"$dnanexus_link": {"id": "record-" + "D" * 24, "project": CID}})
    assert (handler.get_id(), handler.get_proj_id()) == ("record-" + "D" * 24, CID)


def test_bad_links_are_rejected():
    with pytest.raises(DXError, match="Invalid link"):
        DXRecord({"$dnanexus_link": {"nothing": 1}})
    with pytest.raises(DXError, match="Invalid ID of class record: 'job-"):
        DXRecord({"$dnanexus_link": {"job": "job-" + "B" * 24, "field": "out"}})


def test_handler_without_id():
    handler = DXRecord()
    assert handler.get_id() is None
    with pytest.raises(DXError, match="has not been initialized with a record ID"):
        handler.describe()


def test_object_base_describe_is_abstract():
    class Thing(DXObject):
        _class = "thing"
    with pytest.raises(NotImplementedError):
        Thing().describe()
    assert Thing("thing-" + "B" * 24).get_id() == "thing-" + "B" * 24


# The default project

def test_default_project_is_the_workspace(context):
    dxpy.set_project_context(PID)
    dxpy.set_workspace_id(PID)
    assert DXRecord(RID).get_proj_id() == PID


def test_inside_a_job_the_workspace_wins_over_the_project_context(context):
    dxpy.set_job_id("job-" + "B" * 24)
    dxpy.set_project_context(PID)
    dxpy.set_workspace_id(CID)
    assert DXRecord(RID).get_proj_id() == CID
    assert DXRecord(RID, PID).get_proj_id() == PID


def test_objects_are_created_in_the_job_workspace(dx_emulator, context):
    workspace = dx_emulator.platform.new_container(dx_emulator.user_id)
    dxpy.set_job_id("job-" + "B" * 24)
    dxpy.set_workspace_id(workspace)
    record = new_dxrecord(name="in workspace")
    assert record.get_proj_id() == workspace
    assert record.describe()["project"] == workspace


def test_without_a_project_nothing_is_sent(dx, context):
    dxpy.set_workspace_id(None)
    handler = DXRecord(RID)
    assert handler.get_proj_id() is None
    for action, call in (("Remove", handler.remove), ("Move", lambda: handler.move("/")),
                         ("Clone", lambda: handler.clone(PID))):
        with pytest.raises(DXError, match=action + " called when a project ID was not associated"):
            call()
    assert dx.server.requests == []
    dx.server.push(reply(json={"id": RID}))
    handler.describe()
    assert dx.server.requests[-1].json() == {}  # no project hint


# describe() input

@pytest.mark.parametrize("kwargs, expected", [
    ({}, {}),
    ({"incl_properties": True}, {"properties": True, "details": False}),
    ({"incl_details": True}, {"properties": False, "details": True}),
    ({"fields": {"name", "state"}}, {"fields": {"name": True, "state": True}}),
    ({"fields": ["name"], "default_fields": True}, {"fields": {"name": True}, "defaultFields": True}),
    ({"default_fields": False}, {"defaultFields": False}),
])
def test_describe_input(dx, kwargs, expected):
    dx.server.push(reply(json={"id": RID}))
    DXRecord(RID, PID).describe(**kwargs)
    expected = dict(expected, project=PID)
    assert dx.server.requests[-1].path == "/%s/describe" % RID
    assert dx.server.requests[-1].json() == expected


def test_describe_rejects_mixed_or_bad_arguments(dx):
    with pytest.raises(ValueError):
        DXRecord(RID, PID).describe(incl_properties=True, fields={"name"})
    with pytest.raises(ValueError):
        DXRecord(RID, PID).describe(incl_details=True, default_fields=True)
    with pytest.raises(DXError, match="'name'"):
        DXRecord(RID, PID).describe(fields="name")
    assert dx.server.requests == []


# Attributes, repr, copy

def test_private_names_never_describe(dx):
    handler = DXRecord(RID, PID)
    with pytest.raises(AttributeError):
        handler._no_such_thing
    assert copy.copy(handler).get_id() == RID
    assert pickle.loads(pickle.dumps(handler)).get_proj_id() == PID
    assert dx.server.requests == []


def test_attribute_access_describes_once(dx):
    dx.server.push(reply(json={"id": RID, "name": "n", "state": "open"}))
    handler = DXRecord(RID, PID)
    assert handler.name == "n" and handler.state == "open"
    assert len(dx.server.requests) == 1
    with pytest.raises(AttributeError, match="missing"):
        handler.missing


def test_repr_and_str(dx):
    handler = DXRecord(RID, PID)
    assert repr(handler).startswith("<dxpy.bindings.dxrecord.DXRecord object at 0x")
    assert repr(handler).endswith(": %s (%s)>" % (RID, PID))
    assert str(handler) == "<dxpy.DXRecord: None (%s (%s))>" % (RID, PID)
    dx.server.push(reply(json={"id": RID, "name": "nice"}))
    handler.describe()
    assert str(handler) == "<dxpy.DXRecord: nice (%s (%s))>" % (RID, PID)
    assert repr(DXProject(PID)).endswith(": %s>" % PID)
    assert str(DXRecord()) == "<dxpy.DXRecord: None (no ID stored (%s))>" % (dxpy.WORKSPACE_ID
                                                                            or "no project ID stored")


# Waiting for an object to close

def test_wait_on_close_polls_until_closed(dx, sleeps):
    for state in ("closing", "closing", "closing", "closed"):
        dx.server.push(reply(json={"id": FID, "state": state}))
    DXFile(FID, PID).wait_on_close()
    # dxpy.retry's back-off: 1 s, then doubling with jitter (1-2, 2-4)
    assert len(sleeps) == 3 and sleeps[0] == 1 and 1 <= sleeps[1] <= 2 and 2 <= sleeps[2] <= 4, sleeps
    assert dx.server.requests[-1].json() == {"fields": {"state": True}, "project": PID}


def test_wait_on_close_timeout_and_bad_state(dx):
    dx.server.default = reply(json={"id": FID, "state": "closing"})
    with pytest.raises(DXError, match="timeout"):
        DXFile(FID, PID).wait_on_close(timeout=5)
    dx.server.default = reply(json={"id": FID, "state": "open"})
    with pytest.raises(DXError, match="Unexpected state"):
        DXFile(FID, PID).wait_on_close()


# DXFile as a data object

def _upload(handler, data):
    """Upload *data* as part 1 (the platform closes only files with at least one part)."""
    upload = dxpy.api.file_upload(handler.get_id(), {"index": 1})
    requests.put(upload["url"], data=data, headers=upload["headers"]).raise_for_status()


def test_file_life_cycle(dx_emulator):
    handler = DXFile(mode="wb")
    handler.new(name="f.txt", media_type="text/plain", tags=["t"], properties={"a": "b"}, folder="/")
    assert handler.get_proj_id() == dx_emulator.project_id
    desc = handler.describe()
    assert (desc["name"], desc["media"], desc["state"], desc["tags"]) == ("f.txt", "text/plain", "open", ["t"])
    assert handler.closed() is False
    handler.set_details({"d": 1})
    handler.add_types(["T"])
    handler.rename("g.txt")
    assert handler.get_details() == {"d": 1}
    assert handler.get_properties() == {"a": "b"}
    _upload(handler, b"")
    handler.close(block=True)
    assert handler.closed() is True
    handler.wait_on_close()
    handler.wait_until_parts_uploaded()
    with pytest.raises(InvalidState):
        handler.add_types(["U"])
    assert handler.describe(fields={"name", "types"}) == {"id": handler.get_id(), "name": "g.txt", "types": ["T"]}


def test_file_closing_state_is_waited_out(dx_emulator, sleeps):
    dx_emulator.platform.options.close_delay = 3600
    handler = DXFile()
    handler.new()
    _upload(handler, b"x")
    handler.close()
    assert handler._get_state() == "closing"
    with pytest.raises(DXError, match="timeout"):
        handler.wait_on_close(timeout=2)
    assert sleeps and sleeps[0] == 1 and sum(sleeps) <= 2, sleeps  # no wait past the timeout


def test_parts_uploaded(dx_emulator):
    handler = DXFile()
    handler.new()
    _upload(handler, b"hello")
    handler.wait_until_parts_uploaded()
    handler.close(block=True)
    assert handler.describe()["size"] == 5


def test_file_mode_and_defaults():
    assert DXFile(FID, PID, mode="r").get_id() == FID
    for bad in ("x", "rw", "wa", 3):
        with pytest.raises(ValueError, match="mode"):
            DXFile(FID, PID, mode=bad)
    assert DXFile.NO_PROJECT_HINT == "NO_PROJECT_HINT"
    assert DEFAULT_BUFFER_SIZE in (16 * 1024 * 1024, 96 * 1024 * 1024)
    with pytest.raises(DXError, match="Invalid ID of class file"):
        DXFile(RID)


def test_set_http_threadpool_size_is_kept(monkeypatch):
    monkeypatch.setattr(DXFile, "_http_threadpool_size", DXFile._http_threadpool_size)
    DXFile.set_http_threadpool_size(3)
    assert DXFile._http_threadpool_size == 3
    with pytest.raises(ValueError):
        DXFile.set_http_threadpool_size(0)


def test_archive_payloads(dx):
    DXFile(FID, PID).archive()
    assert dx.server.requests[-1].path == "/%s/archive" % PID
    assert dx.server.requests[-1].json() == {"files": [FID], "allCopies": False}
    DXFile(FID, PID).unarchive(dry_run=True)
    assert dx.server.requests[-1].path == "/%s/unarchive" % PID
    assert dx.server.requests[-1].json() == {"files": [FID], "dryRun": True}


# DXDatabase

@pytest.fixture
def database(dx_emulator):
    dbid = new_database(dx_emulator.platform, dx_emulator.user_id, dx_emulator.project_id, "db1",
                        files={"t1/part-0.parquet": b"PAR1 data", "t1/sub/x.bin": b"xyz", "top.txt": b"top"})
    return DXDatabase(dbid)


def test_database_metadata(database, dx_emulator):
    desc = database.describe()
    assert (desc["class"], desc["name"], desc["project"], desc["state"]) == \
        ("database", "db1", dx_emulator.project_id, "closed")
    database.rename("db2")
    database.add_tags(["x"])
    database.set_properties({"k": "v"})
    with pytest.raises(InvalidState):
        database.hide()  # closed: as dxpy documents, visibility changes only while open
    desc = database.describe(incl_properties=True)
    assert (desc["name"], desc["tags"], desc["hidden"], desc["properties"]) == ("db2", ["x"], False, {"k": "v"})
    assert database.list_projects() == {dx_emulator.project_id: "ADMINISTER"}
    with pytest.raises(InvalidState):
        database.set_details({"a": 1})  # closed


def test_database_download_url(database):
    url, headers = database.get_download_url(src_filename="t1/part-0.parquet")
    assert requests.get(url, headers=headers).content == b"PAR1 data"
    assert database.get_download_url(src_filename="t1/part-0.parquet") == (url, headers)  # cached
    other, _ = database.get_download_url(src_filename="top.txt", project=DXDatabase.NO_PROJECT_HINT)
    assert requests.get(other).content == b"top"
    with pytest.raises(ResourceNotFound):
        database.get_download_url(src_filename="nope")
    with pytest.raises(DXError, match="src_filename"):
        database.get_download_url(src_filename=5)


def test_database_download_url_payloads(dx):
    dx.server.push(reply(json={"id": "database-" + "B" * 24, "project": PID}),
                   reply(json={"url": "http://x/1", "headers": {"h": "v"}}))
    handler = DXDatabase("database-" + "B" * 24, PID)
    assert handler.get_download_url(src_filename="a/b") == ("http://x/1", {"h": "v"})
    assert dx.server.requests[-1].json() == {"filename": "a/b", "projectContext": PID}
    dx.server.push(reply(json={"url": "http://x/2"}))
    handler.get_download_url(src_filename="c", project=DXDatabase.NO_PROJECT_HINT)
    assert dx.server.requests[-1].json() == {"filename": "c"}
    dx.server.push(reply(json={"url": "http://x/3", "headers": {"h": 1}}))
    with pytest.raises(DXError, match="strings"):
        handler.get_download_url(src_filename="d", project=PID)


def test_database_list_folder_route(database):
    listing = dxpy.api.database_list_folder(database.get_id(), {"folder": "/t1"})["results"]
    assert [(e["path"].split("/", 2)[2], e["isDirectory"]) for e in listing] == \
        [("t1/part-0.parquet", False), ("t1/sub", True)]
    listing = dxpy.api.database_list_folder(database.get_id(), {"folder": "/", "recurse": True})["results"]
    assert len(listing) == 3


def test_database_bad_id(dx):
    with pytest.raises(DXError, match="Invalid ID of class database"):
        DXDatabase(FID)
    assert dx.server.requests == []
