"""dxpy.emulator.model: dispatch, users, projects, folders, persistence."""
import re
import threading

import pytest

from dxpy.emulator.model import Platform
from emulator_model_helpers import fails, make_platform

ID_RE = re.compile(r"^project-[0123456789BFGJKPQVXYZbfgjkpqvxyz]{24}$")


@pytest.fixture
def env():
    return make_platform()


@pytest.fixture
def api(env):
    return env[1]


@pytest.fixture
def other(env):
    return env[2]


def test_users_and_whoami(env):
    platform, api, _ = env
    assert platform.authenticate(api.token) == "user-alice"
    assert platform.authenticate("nope") is None
    assert api("/system/whoami") == {"id": "user-alice"}
    assert platform.add_user("carol", token="secret") == ("user-carol", "secret")
    assert platform.authenticate("secret") == "user-carol"


@pytest.mark.parametrize("route", ["/system/nothing", "/project-xxxx", "/a/b/c", "", "/record-%s/new" % ("0" * 24),
                                   "/project/describe", "/system/noSuchMethod"])
def test_unknown_routes_are_invalid_input(api, route):
    error = fails("InvalidInput", 422, api, route)
    assert "not implemented by the emulator" in error.message


@pytest.mark.parametrize("payload", [[], "x", 3, None, True])
def test_non_object_payload(api, payload):
    fails("InvalidInput", 422, api.platform.call, api.user, "/system/whoami", payload)


def test_malformed_id_is_not_found(api):
    fails("ResourceNotFound", 404, api, "/project-123/describe")
    fails("ResourceNotFound", 404, api, "/project-%s/describe" % ("0" * 24))


def test_project_new_and_describe(api):
    pid = api.project("p1", summary="s", tags=["t"], properties={"k": "v"}, protected=True)
    assert ID_RE.match(pid)
    desc = api("/%s/describe" % pid)
    assert desc["id"] == pid and desc["class"] == "project" and desc["name"] == "p1"
    assert desc["summary"] == "s" and desc["tags"] == ["t"] and desc["properties"] == {"k": "v"}
    assert desc["protected"] is True and desc["level"] == "ADMINISTER"
    assert desc["createdBy"] == {"user": "user-alice"}
    assert isinstance(desc["created"], int) and desc["created"] > 1500000000000
    assert "folders" not in desc


def test_project_describe_fields(api):
    pid = api.project()
    assert api("/%s/describe" % pid, {"fields": {"name": True, "folders": True}}) == \
        {"id": pid, "name": "proj", "folders": ["/"]}
    with_defaults = api("/%s/describe" % pid, {"fields": {"folders": True}, "defaultFields": True})
    assert with_defaults["folders"] == ["/"] and with_defaults["name"] == "proj"
    params = api("/%s/describe" % pid, {"fields": {"fileUploadParameters": True}})["fileUploadParameters"]
    assert params["emptyLastPartAllowed"] is True and params["maximumNumParts"] == 10000
    fails("InvalidInput", 422, api, "/%s/describe" % pid, {"fields": ["name"]})
    fails("InvalidInput", 422, api, "/%s/describe" % pid, {"fields": {"name": 1}})


@pytest.mark.parametrize("payload", [{}, {"name": 3}, {"name": "x", "tags": "t"}, {"name": "x", "tags": [1]},
                                     {"name": "x", "properties": {"a": 1}}, {"name": "x", "protected": "yes"}])
def test_project_new_bad_input(api, payload):
    error = fails("InvalidInput", 422, api, "/project/new", payload)
    assert any(key in error.message for key in payload) or "name" in error.message


def test_foreign_project_is_denied(api, other):
    pid = api.project()
    for method, payload in [("describe", {}), ("update", {"name": "x"}), ("destroy", {}),
                            ("newFolder", {"folder": "/a"}), ("listFolder", {}), ("addTags", {"tags": ["x"]})]:
        fails("PermissionDenied", 401, other, "/%s/%s" % (pid, method), payload)
    fails("PermissionDenied", 401, other, "/record/new", {"project": pid})


def test_update_and_destroy(api):
    pid = api.project()
    before = api("/%s/describe" % pid)["modified"]
    assert api("/%s/update" % pid, {"name": "renamed", "description": "d"}) == {"id": pid}
    desc = api("/%s/describe" % pid)
    assert desc["name"] == "renamed" and desc["description"] == "d" and desc["modified"] >= before
    fails("InvalidInput", 422, api, "/%s/update" % pid, {"name": "ok", "summary": 5})
    assert api("/%s/describe" % pid)["name"] == "renamed"  # nothing applied on failure
    rid = api.record(pid)
    assert api("/%s/destroy" % pid) == {}
    fails("ResourceNotFound", 404, api, "/%s/describe" % pid)
    fails("ResourceNotFound", 404, api, "/%s/describe" % rid)


def test_project_tags_and_properties(api):
    pid = api.project(properties={"a": "1", "b": "2"})
    api("/%s/addTags" % pid, {"tags": ["x", "y", "x"]})
    api("/%s/removeTags" % pid, {"tags": ["y", "z"]})
    api("/%s/setProperties" % pid, {"properties": {"a": None, "c": "3"}})
    desc = api("/%s/describe" % pid)
    assert desc["tags"] == ["x"] and desc["properties"] == {"b": "2", "c": "3"}
    fails("InvalidInput", 422, api, "/%s/addTags" % pid, {})
    fails("InvalidInput", 422, api, "/%s/setProperties" % pid, {"properties": {"a": 3}})


def test_new_folder(api):
    pid = api.project()
    assert api("/%s/newFolder" % pid, {"folder": "/a"}) == {"id": pid}
    fails("ResourceNotFound", 404, api, "/%s/newFolder" % pid, {"folder": "/x/y"})
    api("/%s/newFolder" % pid, {"folder": "//x/y/z/", "parents": True})
    fails("InvalidInput", 422, api, "/%s/newFolder" % pid, {"folder": "/a"})
    api("/%s/newFolder" % pid, {"folder": "/a", "parents": True})  # exists: fine with parents
    for bad in [{}, {"folder": "rel"}, {"folder": "/a/../b"}, {"folder": 7}, {"folder": "/b", "parents": 1}]:
        fails("InvalidInput", 422, api, "/%s/newFolder" % pid, bad)
    folders = api("/%s/describe" % pid, {"fields": {"folders": True}})["folders"]
    assert folders == ["/", "/a", "/x", "/x/y", "/x/y/z"]


def test_list_folder(api):
    pid = api.project()
    api("/%s/newFolder" % pid, {"folder": "/a/b", "parents": True})
    r1 = api.record(pid, name="one")
    api.record(pid, name="hidden", hidden=True)
    api.record(pid, name="deep", folder="/a")
    listing = api("/%s/listFolder" % pid)
    assert listing == {"objects": [{"id": r1}], "folders": ["/a"]}
    assert len(api("/%s/listFolder" % pid, {"includeHidden": True})["objects"]) == 2
    described = api("/%s/listFolder" % pid, {"describe": True, "only": "objects"})
    assert set(described) == {"objects"} and described["objects"][0]["describe"]["name"] == "one"
    fields = api("/%s/listFolder" % pid, {"describe": {"fields": {"name": True}}})["objects"][0]
    assert fields["describe"] == {"id": r1, "name": "one"}
    assert api("/%s/listFolder" % pid, {"folder": "/a", "only": "folders", "hasSubfolderFlags": True}) == \
        {"folders": [["/a/b", False]]}
    fails("ResourceNotFound", 404, api, "/%s/listFolder" % pid, {"folder": "/missing"})
    fails("InvalidInput", 422, api, "/%s/listFolder" % pid, {"only": "everything"})
    fails("InvalidInput", 422, api, "/%s/listFolder" % pid, {"describe": "yes"})


def test_remove_folder(api):
    pid = api.project()
    api("/%s/newFolder" % pid, {"folder": "/a/b", "parents": True})
    api("/%s/newFolder" % pid, {"folder": "/ab"})
    rid = api.record(pid, folder="/a/b")
    fails("InvalidState", 422, api, "/%s/removeFolder" % pid, {"folder": "/a"})
    fails("InvalidInput", 422, api, "/%s/removeFolder" % pid, {"folder": "/"})
    fails("ResourceNotFound", 404, api, "/%s/removeFolder" % pid, {"folder": "/zz"})
    fails("InvalidInput", 422, api, "/%s/removeFolder" % pid, {"folder": "/a", "recurse": "true"})
    assert api("/%s/removeFolder" % pid, {"folder": "/a", "recurse": True}) == {"id": pid}
    fails("ResourceNotFound", 404, api, "/%s/describe" % rid)
    assert api("/%s/listFolder" % pid)["folders"] == ["/ab"]  # a sibling with a common prefix stays
    assert api("/%s/removeFolder" % pid, {"folder": "/ab", "partial": True}) == {"id": pid, "completed": True}


def test_rename_folder(api):
    pid = api.project()
    api("/%s/newFolder" % pid, {"folder": "/a/b", "parents": True})
    api("/%s/newFolder" % pid, {"folder": "/c"})
    rid = api.record(pid, folder="/a/b")
    api("/%s/renameFolder" % pid, {"folder": "/a", "name": "z"})
    assert api("/%s/describe" % rid)["folder"] == "/z/b"
    fails("InvalidInput", 422, api, "/%s/renameFolder" % pid, {"folder": "/z", "name": "c"})
    fails("InvalidInput", 422, api, "/%s/renameFolder" % pid, {"folder": "/z", "name": "x/y"})
    fails("InvalidInput", 422, api, "/%s/renameFolder" % pid, {"folder": "/", "name": "q"})
    fails("ResourceNotFound", 404, api, "/%s/renameFolder" % pid, {"folder": "/a", "name": "q"})


def test_move(api):
    pid = api.project()
    api("/%s/newFolder" % pid, {"folder": "/src/inner", "parents": True})
    api("/%s/newFolder" % pid, {"folder": "/dst"})
    r1, r2 = api.record(pid), api.record(pid, folder="/src/inner")
    api("/%s/move" % pid, {"objects": [r1], "folders": ["/src"], "destination": "/dst"})
    assert api("/%s/describe" % r1)["folder"] == "/dst"
    assert api("/%s/describe" % r2)["folder"] == "/dst/src/inner"
    fails("InvalidInput", 422, api, "/%s/move" % pid, {"folders": ["/dst"], "destination": "/dst/src"})
    fails("ResourceNotFound", 404, api, "/%s/move" % pid, {"objects": [r1], "destination": "/nowhere"})
    fails("InvalidInput", 422, api, "/%s/move" % pid, {"objects": [r1]})
    other_project = api.project("other")
    fails("ResourceNotFound", 404, api, "/%s/move" % other_project, {"objects": [r1], "destination": "/"})


def test_remove_objects(api):
    pid = api.project()
    r1, r2 = api.record(pid), api.record(pid)
    missing = "record-" + "0" * 24
    fails("ResourceNotFound", 404, api, "/%s/removeObjects" % pid, {"objects": [r1, missing]})
    assert api("/%s/describe" % r1)["id"] == r1  # nothing removed by the failed call
    api("/%s/removeObjects" % pid, {"objects": [r1, missing], "force": True})
    fails("ResourceNotFound", 404, api, "/%s/describe" % r1)
    assert api("/%s/listFolder" % pid)["objects"] == [{"id": r2}]
    fails("InvalidInput", 422, api, "/%s/removeObjects" % pid, {"objects": r2})


def test_container_routes(env):
    platform, api, other = env
    cid = platform.new_container(api.user)
    assert api("/%s/newFolder" % cid, {"folder": "/out"}) == {"id": cid}
    rid = api.record(cid, folder="/out")
    assert api("/%s/listFolder" % cid, {"folder": "/out"})["objects"] == [{"id": rid}]
    assert api("/%s/describe" % cid)["class"] == "container"
    fails("PermissionDenied", 401, other, "/%s/listFolder" % cid)
    fails("InvalidInput", 422, api, "/%s/update" % cid, {})  # projects only


def test_nonce_idempotence(api):
    pid = api.project()
    first = api("/record/new", {"project": pid, "nonce": "n1"})
    assert api("/record/new", {"project": pid, "nonce": "n1"}) == first
    assert len(api("/%s/listFolder" % pid)["objects"]) == 1
    fails("InvalidInput", 422, api, "/record/new", {"project": pid, "nonce": "n1", "name": "different"})
    assert api("/record/new", {"project": pid, "nonce": "n2"}) != first
    project_again = api("/project/new", {"name": "p", "nonce": "n1"})  # another route: its own nonces
    assert api("/project/new", {"name": "p", "nonce": "n1"}) == project_again
    fails("InvalidInput", 422, api, "/record/new", {"project": pid, "nonce": 5})
    fails("InvalidInput", 422, api, "/record/new", {"project": pid, "nonce": ""})


def test_persistence(tmp_path):
    platform, api, _ = make_platform(str(tmp_path))
    pid = api.project("kept")
    api("/%s/newFolder" % pid, {"folder": "/f"})
    rid = api.record(pid, folder="/f", details={"x": 1}, nonce="once")
    restarted = Platform(str(tmp_path))
    assert restarted.authenticate(api.token) == "user-alice"
    assert restarted.call(api.user, "/%s/describe" % pid, {})["name"] == "kept"
    assert restarted.call(api.user, "/%s/getDetails" % rid, {}) == {"x": 1}
    again = restarted.call(api.user, "/record/new", {"project": pid, "folder": "/f", "details": {"x": 1},
                                                     "nonce": "once"})
    assert again == {"id": rid}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".state")] == []  # no temp files left


def test_threads_share_one_consistent_state(api):
    pid = api.project()
    errors = []

    def worker():
        try:
            for _ in range(20):
                api.record(pid)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(api("/%s/listFolder" % pid)["objects"]) == 100


def test_set_details_input_is_the_details(api):
    # dxpy's set_details sends the details themselves as the input, as the platform expects.
    rid = api.record(api.project())
    api("/%s/setDetails" % rid, {"project": "not a container", "n": [1, 2]})
    assert api("/%s/getDetails" % rid) == {"project": "not a container", "n": [1, 2]}
    api("/%s/setDetails" % rid, {"details": {"wrapped": True}})  # no unwrapping: it is the details
    assert api("/%s/getDetails" % rid) == {"details": {"wrapped": True}}
    api("/%s/setDetails" % rid, {})
    assert api("/%s/getDetails" % rid) == {}
    fails("InvalidInput", 422, api, "/%s/setDetails" % rid, "text")
