"""dxpy.emulator: project permission levels, invite, decreasePermissions, leave, billTo."""

import pytest

import dxpy
import dxpy.api
from dxpy import exceptions
from dx_cli import as_user
from emulator_model_helpers import Caller, fails, make_platform


@pytest.fixture
def env():
    platform, alice, bob = make_platform()
    pid = alice.project("shared")
    alice("/%s/newFolder" % pid, {"folder": "/dir"})
    open_rid = alice.record(pid, name="open")
    closed_rid = alice.record(pid, name="closed", close=True)
    return platform, alice, bob, pid, open_rid, closed_rid


def share(alice, pid, who, level):
    return alice("/%s/invite" % pid, {"invitee": who.user if isinstance(who, Caller) else who, "level": level})


def denied(level, pid, call, *args):
    error = fails("PermissionDenied", 401, call, *args)
    assert error.message == "%s permission required in %s to perform this action" % (level, pid)


def test_creator_administers(env):
    _, alice, _, pid, _, _ = env
    desc = alice("/%s/describe" % pid, {"permissions": True})
    assert desc["level"] == "ADMINISTER" and desc["permissions"] == {alice.user: "ADMINISTER"}
    assert desc["billTo"] == alice.user and desc["public"] is False
    assert "permissions" not in alice("/%s/describe" % pid)


def test_view_level(env):
    _, alice, bob, pid, open_rid, _ = env
    assert share(alice, pid, bob, "VIEW") == {"id": pid, "state": "fulfilled"}
    assert bob("/%s/describe" % pid)["level"] == "VIEW"
    assert bob("/%s/listFolder" % pid)["folders"] == ["/dir"]
    assert bob("/%s/describe" % open_rid)["name"] == "open"
    denied("UPLOAD", pid, bob, "/record/new", {"project": pid})
    denied("UPLOAD", pid, bob, "/%s/newFolder" % pid, {"folder": "/x"})
    denied("UPLOAD", pid, bob, "/%s/rename" % open_rid, {"name": "x"})
    denied("CONTRIBUTE", pid, bob, "/%s/update" % pid, {"name": "x"})
    denied("ADMINISTER", pid, bob, "/%s/invite" % pid, {"invitee": bob.user, "level": "ADMINISTER"})


def test_upload_level(env):
    _, alice, bob, pid, open_rid, closed_rid = env
    share(alice, pid, bob, "UPLOAD")
    rid = bob.record(pid, folder="/new", parents=True)
    assert bob("/%s/rename" % open_rid, {"name": "renamed"}) == {"id": open_rid}
    assert bob("/%s/close" % rid) == {"id": rid}
    denied("CONTRIBUTE", pid, bob, "/%s/rename" % closed_rid, {"name": "x"})
    denied("CONTRIBUTE", pid, bob, "/%s/removeObjects" % pid, {"objects": [rid]})
    denied("CONTRIBUTE", pid, bob, "/%s/move" % pid, {"objects": [rid], "destination": "/dir"})
    denied("CONTRIBUTE", pid, bob, "/%s/setProperties" % pid, {"properties": {"a": "b"}})


def test_contribute_level(env):
    _, alice, bob, pid, _, closed_rid = env
    share(alice, pid, bob, "CONTRIBUTE")
    assert bob("/%s/rename" % closed_rid, {"name": "x"}) == {"id": closed_rid}
    assert bob("/%s/update" % pid, {"name": "renamed"}) == {"id": pid}
    denied("ADMINISTER", pid, bob, "/%s/update" % pid, {"protected": True})
    assert bob("/%s/removeObjects" % pid, {"objects": [closed_rid]}) == {"id": pid}
    denied("ADMINISTER", pid, bob, "/%s/destroy" % pid)


def test_protected_project_needs_administer_to_delete(env):
    _, alice, bob, pid, open_rid, _ = env
    alice("/%s/update" % pid, {"protected": True})
    share(alice, pid, bob, "CONTRIBUTE")
    denied("ADMINISTER", pid, bob, "/%s/removeObjects" % pid, {"objects": [open_rid]})
    denied("ADMINISTER", pid, bob, "/%s/removeFolder" % pid, {"folder": "/dir"})
    assert alice("/%s/removeObjects" % pid, {"objects": [open_rid]}) == {"id": pid}


def test_administer_level(env):
    _, alice, bob, pid, _, _ = env
    share(alice, pid, bob, "ADMINISTER")
    carol = Caller(alice.platform, "carol")
    assert share(bob, pid, carol, "UPLOAD")["state"] == "fulfilled"
    assert bob("/%s/destroy" % pid) == {}
    fails("ResourceNotFound", 404, alice, "/%s/describe" % pid)


def test_invite_never_lowers_and_by_email(env):
    platform, alice, bob, pid, _, _ = env
    share(alice, pid, bob, "CONTRIBUTE")
    share(alice, pid, bob, "VIEW")
    assert bob("/%s/describe" % pid)["level"] == "CONTRIBUTE"
    platform.add_user("dave", email="dave@lab.org")
    assert share(alice, pid, "dave@lab.org", "UPLOAD")["state"] == "fulfilled"
    assert alice("/%s/describe" % pid, {"fields": {"permissions": True}})["permissions"]["user-dave"] == "UPLOAD"
    assert share(alice, pid, "nobody@lab.org", "VIEW")["state"] == "pending"


@pytest.mark.parametrize("payload, error", [
    ({"level": "VIEW"}, "InvalidInput"),
    ({"invitee": "user-bob"}, "InvalidInput"),
    ({"invitee": "user-bob", "level": "OWNER"}, "InvalidInput"),
    ({"invitee": "bob", "level": "VIEW"}, "InvalidInput"),
    ({"invitee": "user-bob", "level": "VIEW", "suppressEmailNotification": "yes"}, "InvalidInput"),
    ({"invitee": "PUBLIC", "level": "CONTRIBUTE"}, "InvalidInput"),
    ({"invitee": "user-nobody", "level": "VIEW"}, "ResourceNotFound"),
    ({"invitee": "org-nobody", "level": "VIEW"}, "ResourceNotFound"),
])
def test_invite_bad_input(env, payload, error):
    _, alice, _, pid, _, _ = env
    fails(error, 404 if error == "ResourceNotFound" else 422, alice, "/%s/invite" % pid, payload)


def test_public_project(env):
    platform, alice, bob, pid, open_rid, _ = env
    share(alice, pid, "PUBLIC", "VIEW")
    desc = bob("/%s/describe" % pid, {"permissions": True})
    assert desc["level"] == "VIEW" and desc["public"] is True and desc["permissions"]["PUBLIC"] == "VIEW"
    assert bob("/%s/describe" % open_rid)["id"] == open_rid
    denied("UPLOAD", pid, bob, "/record/new", {"project": pid})
    assert bob("/system/findProjects", {})["results"] == []
    public = bob("/system/findProjects", {"public": True})["results"]
    assert public == [{"id": pid, "level": "VIEW", "permissionSources": ["PUBLIC"], "public": True}]
    assert bob("/system/findDataObjects", {})["results"] == []  # public access does not count here
    alice("/%s/decreasePermissions" % pid, {"PUBLIC": None})
    denied("VIEW", pid, bob, "/%s/describe" % pid)


def test_decrease_permissions(env):
    _, alice, bob, pid, _, _ = env
    share(alice, pid, bob, "CONTRIBUTE")
    assert alice("/%s/decreasePermissions" % pid, {bob.user: "UPLOAD"}) == {"id": pid}
    assert bob("/%s/describe" % pid)["level"] == "UPLOAD"
    alice("/%s/decreasePermissions" % pid, {bob.user: "ADMINISTER"})  # no increase
    assert bob("/%s/describe" % pid)["level"] == "UPLOAD"
    bob("/%s/decreasePermissions" % pid, {bob.user: "VIEW"})  # one's own, without ADMINISTER
    assert bob("/%s/describe" % pid)["level"] == "VIEW"
    denied("ADMINISTER", pid, bob, "/%s/decreasePermissions" % pid, {alice.user: "VIEW"})
    alice("/%s/decreasePermissions" % pid, {bob.user: None})
    denied("VIEW", pid, bob, "/%s/describe" % pid)


@pytest.mark.parametrize("payload, error", [
    ({"user-bob": "OWNER"}, "InvalidInput"),
    ({"user-bob": 3}, "InvalidInput"),
    ({"bob": None}, "InvalidInput"),
    ({"user-nobody": None}, "ResourceNotFound"),
    ({"user-alice": "CONTRIBUTE"}, "InvalidState"),  # nobody would administer the project
])
def test_decrease_permissions_bad_input(env, payload, error):
    _, alice, bob, pid, _, _ = env
    share(alice, pid, bob, "VIEW")
    status = {"InvalidInput": 422, "InvalidState": 422, "ResourceNotFound": 404}[error]
    fails(error, status, alice, "/%s/decreasePermissions" % pid, payload)
    assert alice("/%s/describe" % pid, {"permissions": True})["permissions"] == \
        {alice.user: "ADMINISTER", bob.user: "VIEW"}


def test_leave(env):
    _, alice, bob, pid, _, _ = env
    carol = Caller(alice.platform, "carol")
    denied("VIEW", pid, carol, "/%s/leave" % pid)
    share(alice, pid, bob, "UPLOAD")
    assert bob("/%s/leave" % pid) == {"id": pid}
    denied("VIEW", pid, bob, "/%s/describe" % pid)
    fails("InvalidState", 422, alice, "/%s/leave" % pid)  # the last administrator stays


def test_clone_needs_view_and_upload(env):
    _, alice, bob, pid, _, closed_rid = env
    share(alice, pid, bob, "VIEW")
    dest = bob.project("mine")
    assert bob("/%s/clone" % pid, {"project": dest, "objects": [closed_rid]})["exists"] == []
    denied("UPLOAD", pid, bob, "/%s/clone" % dest, {"project": pid, "objects": [closed_rid]})
    alice("/%s/update" % pid, {"restricted": True})
    other_dest = bob.project("other")
    fails("PermissionDenied", 401, bob, "/%s/clone" % pid, {"project": other_dest, "objects": [closed_rid]})


def test_list_projects_shows_levels(env):
    _, alice, bob, pid, _, closed_rid = env
    share(alice, pid, bob, "VIEW")
    dest = bob.project("mine")
    bob("/%s/clone" % pid, {"project": dest, "objects": [closed_rid]})
    assert bob("/%s/listProjects" % closed_rid) == {pid: "VIEW", dest: "ADMINISTER"}
    assert alice("/%s/listProjects" % closed_rid) == {pid: "ADMINISTER"}


def test_org_shares_and_bill_to(env):
    platform, alice, bob, pid, _, _ = env
    alice("/org/new", {"handle": "lab", "name": "Lab"})
    alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER", "projectAccess": "UPLOAD"})
    share(alice, pid, "org-lab", "CONTRIBUTE")
    found = bob("/system/findProjects", {})["results"]
    assert found == [{"id": pid, "level": "UPLOAD", "permissionSources": ["org-lab"], "public": False}]
    assert bob("/system/findProjects", {"explicitPermission": True})["results"] == []
    fails("InvalidState", 422, bob, "/%s/leave" % pid)  # bob's access is the org's
    # an org's ADMINs administer the projects billed to it
    billed = alice.project("billed", billTo="org-lab")
    assert alice("/%s/describe" % billed)["billTo"] == "org-lab"
    alice("/%s/decreasePermissions" % billed, {alice.user: None})
    assert alice("/%s/describe" % billed)["level"] == "ADMINISTER"
    fails("PermissionDenied", 401, bob, "/project/new", {"name": "x", "billTo": "org-lab"})
    alice("/org-lab/setMemberAccess", {bob.user: {"allowBillableActivities": True}})
    assert bob("/%s/describe" % bob.project("p", billTo="org-lab"))["billTo"] == "org-lab"


@pytest.mark.parametrize("payload, error", [
    ({"name": "x", "billTo": "org-nowhere"}, "ResourceNotFound"),
    ({"name": "x", "billTo": "user-bob"}, "PermissionDenied"),
    ({"name": "x", "billTo": 3}, "InvalidInput"),
    ({"name": "x", "region": "mars"}, "InvalidInput"),
    ({"name": "x", "containsPHI": "no"}, "InvalidInput"),
])
def test_project_new_bad_billing_input(env, payload, error):
    alice = env[1]
    fails(error, {"ResourceNotFound": 404, "PermissionDenied": 401, "InvalidInput": 422}[error],
          alice, "/project/new", payload)


# Over HTTP, with dxpy



def test_sharing_over_http(dx_emulator):
    pid = dx_emulator.project_id
    rid = dxpy.api.record_new({"project": pid, "name": "data", "close": True})["id"]
    bob, token = dx_emulator.add_user("bob")
    with as_user(token):
        with pytest.raises(exceptions.PermissionDenied):
            dxpy.api.project_describe(pid)
    assert dxpy.api.project_invite(pid, {"invitee": bob, "level": "VIEW", "suppressEmailNotification": True}) \
        == {"id": pid, "state": "fulfilled"}
    with as_user(token):
        assert dxpy.api.project_describe(pid)["level"] == "VIEW"
        assert [r["id"] for r in dxpy.api.system_find_projects({})["results"]] == [pid]
        assert dxpy.api.system_find_data_objects({})["results"] == [{"project": pid, "id": rid}]
        with pytest.raises(exceptions.PermissionDenied) as info:
            dxpy.api.record_new({"project": pid})
        assert "UPLOAD permission required" in str(info.value)
        with pytest.raises(exceptions.PermissionDenied):
            dxpy.api.project_decrease_permissions(pid, {dx_emulator.user_id: "VIEW"})
        assert dxpy.api.project_leave(pid) == {"id": pid}
        assert dxpy.api.system_find_projects({})["results"] == []
    with pytest.raises(exceptions.InvalidInput):
        dxpy.api.project_invite(pid, {"invitee": bob, "level": "EVERYTHING"})
    with pytest.raises(exceptions.ResourceNotFound):
        dxpy.api.project_invite(pid, {"invitee": "user-ghost", "level": "VIEW"})
