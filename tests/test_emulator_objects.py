"""dxpy.emulator.model: records and the methods shared by all data objects."""
import pytest

from emulator_model_helpers import fails, make_platform

MISSING = "record-" + "0" * 24


@pytest.fixture
def env():
    platform, api, other = make_platform()
    return api, other, api.project()


def test_record_new_and_describe(env):
    api, _, pid = env
    api("/%s/newFolder" % pid, {"folder": "/f"})
    file_id = "file-" + "1" * 24
    rid = api.record(pid, folder="/f", name="rec", tags=["t"], types=["T"], properties={"k": "v"},
                     details={"link": {"$dnanexus_link": file_id}}, hidden=True)
    desc = api("/%s/describe" % rid)
    assert desc["id"] == rid and desc["class"] == "record" and desc["project"] == pid
    assert (desc["folder"], desc["name"], desc["state"], desc["hidden"]) == ("/f", "rec", "open", True)
    assert desc["types"] == ["T"] and desc["tags"] == ["t"] and desc["links"] == [file_id]
    assert desc["createdBy"] == {"user": "user-alice"} and desc["sponsored"] is False
    assert "properties" not in desc and "details" not in desc
    full = api("/%s/describe" % rid, {"properties": True, "details": True})
    assert full["properties"] == {"k": "v"} and full["details"]["link"] == {"$dnanexus_link": file_id}
    assert api("/%s/describe" % rid, {"fields": {"state": True}}) == {"id": rid, "state": "open"}
    assert api("/%s/describe" % rid, {"project": pid})["id"] == rid


def test_record_new_defaults_and_parents(env):
    api, _, pid = env
    rid = api.record(pid, folder="/a/b", parents=True, close=True)
    desc = api("/%s/describe" % rid)
    assert desc["name"] == rid and desc["state"] == "closed" and desc["folder"] == "/a/b"
    fails("ResourceNotFound", 404, api, "/record/new", {"project": pid, "folder": "/x/y"})


@pytest.mark.parametrize("payload", [{}, {"project": "project-1"}, {"project": 3}, {"name": 5},
                                     {"types": "T"}, {"details": "text"}, {"hidden": "no"},
                                     {"close": 1}, {"folder": "relative"}, {"properties": []}])
def test_record_new_bad_input(env, payload):
    api, _, pid = env
    body = {"project": pid}
    body.update(payload)
    if payload == {}:
        body = {}
    fails("InvalidInput", 422, api, "/record/new", body)


def test_unknown_and_foreign_objects(env):
    api, other, pid = env
    rid = api.record(pid)
    fails("ResourceNotFound", 404, api, "/%s/describe" % MISSING)
    fails("PermissionDenied", 401, other, "/%s/describe" % rid)
    fails("PermissionDenied", 401, other, "/%s/rename" % rid, {"name": "x"})
    elsewhere = api.project("elsewhere")
    # describe takes the project as a hint: the copy the caller can reach is described ...
    assert api("/%s/describe" % rid, {"project": elsewhere})["project"] == pid
    # ... while the methods that change an object need it in the project named
    fails("ResourceNotFound", 404, api, "/%s/rename" % rid, {"project": elsewhere, "name": "x"})
    fails("InvalidInput", 422, api, "/%s/describe" % rid, {"project": "nope"})


def test_rename_tags_types_properties_visibility(env):
    api, _, pid = env
    rid = api.record(pid, properties={"a": "1"})
    assert api("/%s/rename" % rid, {"project": pid, "name": "new"}) == {"id": rid}
    api("/%s/addTags" % rid, {"tags": ["x", "y"]})
    api("/%s/removeTags" % rid, {"tags": ["x"]})
    api("/%s/addTypes" % rid, {"types": ["A", "B", "A"]})
    api("/%s/removeTypes" % rid, {"types": ["B"]})
    api("/%s/setProperties" % rid, {"properties": {"a": None, "b": "2"}})
    api("/%s/setVisibility" % rid, {"hidden": True})
    desc = api("/%s/describe" % rid, {"properties": True})
    assert (desc["name"], desc["tags"], desc["types"]) == ("new", ["y"], ["A"])
    assert desc["properties"] == {"b": "2"} and desc["hidden"] is True
    for method, payload in [("rename", {}), ("rename", {"name": 1}), ("addTags", {"tags": "x"}),
                            ("addTypes", {}), ("setProperties", {"properties": {"a": 2}}),
                            ("setVisibility", {}), ("setVisibility", {"hidden": "true"})]:
        fails("InvalidInput", 422, api, "/%s/%s" % (rid, method), payload)


def test_details(env):
    api, _, pid = env
    rid = api.record(pid)
    assert api("/%s/getDetails" % rid) == {}
    api("/%s/setDetails" % rid, [1, {"$dnanexus_link": MISSING}])
    assert api("/%s/getDetails" % rid) == [1, {"$dnanexus_link": MISSING}]
    assert api("/%s/describe" % rid)["links"] == [MISSING]
    fails("InvalidInput", 422, api, "/%s/setDetails" % rid, 3)
    fails("InvalidInput", 422, api, "/%s/new" % rid, [1])


def test_close_and_closed_objects(env):
    api, _, pid = env
    rid = api.record(pid)
    before = api("/%s/describe" % rid)["modified"]
    assert api("/%s/close" % rid) == {"id": rid}
    desc = api("/%s/describe" % rid)
    assert desc["state"] == "closed" and desc["modified"] >= before
    fails("InvalidState", 422, api, "/%s/close" % rid)
    fails("InvalidState", 422, api, "/%s/setDetails" % rid, {"details": {}})
    fails("InvalidState", 422, api, "/%s/addTypes" % rid, {"types": ["T"]})
    api("/%s/rename" % rid, {"name": "still allowed"})
    api("/%s/addTags" % rid, {"tags": ["ok"]})
    api("/%s/setProperties" % rid, {"properties": {"ok": "yes"}})


def test_list_projects(env):
    api, other, pid = env
    rid = api.record(pid)
    assert api("/%s/listProjects" % rid) == {pid: "ADMINISTER"}
    fails("PermissionDenied", 401, other, "/%s/listProjects" % rid)
