"""dxpy.emulator: orgs (new, describe, update, invite, setMemberAccess, removeMember,
findMembers, findProjects, findApps) and /system/findOrgs."""
import pytest

import dxpy
import dxpy.api
from dxpy import exceptions
from emulator_model_helpers import Caller, fails, make_platform


@pytest.fixture
def env():
    platform, alice, bob = make_platform()
    assert alice("/org/new", {"handle": "lab", "name": "The Lab"}) == {"id": "org-lab"}
    return platform, alice, bob


def test_new_and_describe(env):
    _, alice, bob = env
    desc = alice("/org-lab/describe")
    assert desc["id"] == "org-lab" and desc["class"] == "org" and desc["name"] == "The Lab"
    assert desc["level"] == "ADMIN" and desc["projectAccess"] == "ADMINISTER" and desc["allowBillableActivities"]
    assert desc["policies"] == {"memberListVisibility": "ADMIN", "restrictProjectTransfer": "ADMIN"}
    assert desc["createdBy"] == {"user": alice.user} and desc["permittedRegions"] == ["aws:us-east-1"]
    assert bob("/org-lab/describe") == {"id": "org-lab", "class": "org", "handle": "lab", "name": "The Lab"}
    assert alice("/org-lab/describe", {"fields": {"name": True}}) == {"id": "org-lab", "name": "The Lab"}
    fails("ResourceNotFound", 404, alice, "/org-nothing/describe")
    fails("ResourceNotFound", 404, alice, "/org-no!pe/describe")


@pytest.mark.parametrize("payload", [{"name": "x"}, {"handle": "x"}, {"handle": "a b", "name": "x"},
                                     {"handle": "", "name": "x"}, {"handle": "lab", "name": "again"},
                                     {"handle": "x", "name": "x", "policies": {"memberListVisibility": "ALL"}},
                                     {"handle": "x", "name": "x", "policies": {"colour": "red"}},
                                     {"handle": 3, "name": "x"}])
def test_new_bad_input(env, payload):
    fails("InvalidInput", 422, env[1], "/org/new", payload)


def test_handles_are_lowercase(env):
    _, alice, _ = env
    assert alice("/org/new", {"handle": "Big.Lab", "name": "Big"}) == {"id": "org-big.lab"}
    assert alice("/org-big.lab/describe")["handle"] == "big.lab"
    fails("InvalidInput", 422, alice, "/org/new", {"handle": "LAB", "name": "taken in another case"})


def test_update_job_policies_saml_and_log_forwarding(env):
    _, alice, _ = env
    forwarding = {"url": "https://splunk.example.com/collector", "token": "hec"}
    alice("/org-lab/update", {"policies": {"jobReuse": True, "detailedJobMetricsCollectDefault": False},
                              "samlIdP": "idp", "jobLogsForwarding": forwarding})
    assert alice("/org-lab/describe")["policies"] == {
        "memberListVisibility": "ADMIN", "restrictProjectTransfer": "ADMIN", "jobReuse": True,
        "detailedJobMetricsCollectDefault": False}
    alice("/org-lab/update", {"jobLogsForwarding": None})  # stops the forwarding


@pytest.mark.parametrize("payload", [{"policies": {"jobReuse": "yes"}},
                                     {"policies": {"detailedJobMetricsCollectDefault": 1}},
                                     {"samlIdP": 3}, {"jobLogsForwarding": "https://x"},
                                     {"jobLogsForwarding": {"url": "https://x"}},
                                     {"jobLogsForwarding": {"url": "https://x", "token": "t", "index": "i"}}])
def test_update_bad_input(env, payload):
    _, alice, _ = env
    fails("InvalidInput", 422, alice, "/org-lab/update", payload)
    assert "jobReuse" not in alice("/org-lab/describe")["policies"]


def test_find_apps_is_for_admins(env):
    _, alice, bob = env
    alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER"})
    assert alice("/org-lab/findApps", {}) == {"results": [], "next": None}
    fails("PermissionDenied", 401, bob, "/org-lab/findApps", {})
    fails("ResourceNotFound", 404, alice, "/org-nothing/findApps", {})


def test_update(env):
    _, alice, bob = env
    assert alice("/org-lab/update", {"name": "Renamed", "policies": {"memberListVisibility": "MEMBER"}}) == \
        {"id": "org-lab"}
    desc = alice("/org-lab/describe")
    assert desc["name"] == "Renamed" and desc["policies"]["memberListVisibility"] == "MEMBER"
    fails("InvalidInput", 422, alice, "/org-lab/update", {"name": 5})
    fails("PermissionDenied", 401, bob, "/org-lab/update", {"name": "mine"})


def test_invite_and_members(env):
    platform, alice, bob = env
    carol = Caller(platform, "carol")
    assert alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER", "suppressEmailNotification": True}) \
        == {"id": "org-lab"}
    alice("/org-lab/invite", {"invitee": carol.user, "level": "ADMIN", "projectAccess": "VIEW"})
    members = alice("/org-lab/findMembers", {})["results"]
    assert members == [
        {"id": alice.user, "level": "ADMIN", "allowBillableActivities": True, "appAccess": True,
         "projectAccess": "ADMINISTER"},
        {"id": bob.user, "level": "MEMBER", "allowBillableActivities": False, "appAccess": True,
         "projectAccess": "CONTRIBUTE"},
        {"id": carol.user, "level": "ADMIN", "allowBillableActivities": True, "appAccess": True,
         "projectAccess": "ADMINISTER"}]  # ADMINs have every permission
    assert [m["id"] for m in alice("/org-lab/findMembers", {"level": "MEMBER"})["results"]] == [bob.user]
    described = alice("/org-lab/findMembers", {"id": [bob.user], "describe": True})["results"][0]["describe"]
    assert described["id"] == bob.user and described["handle"] == "bob"
    page = alice("/org-lab/findMembers", {"limit": 2})
    assert len(page["results"]) == 2 and page["next"] == carol.user
    assert alice("/org-lab/findMembers", {"starting": page["next"]})["results"][0]["id"] == carol.user
    # the default policy shows the member list to ADMINs only
    fails("PermissionDenied", 401, bob, "/org-lab/findMembers", {})
    alice("/org-lab/update", {"policies": {"memberListVisibility": "MEMBER"}})
    assert len(bob("/org-lab/findMembers", {})["results"]) == 3
    dave = Caller(platform, "dave")
    fails("PermissionDenied", 401, dave, "/org-lab/findMembers", {})


@pytest.mark.parametrize("payload, error", [
    ({"level": "MEMBER"}, "InvalidInput"),
    ({"invitee": "user-bob"}, "InvalidInput"),
    ({"invitee": "user-bob", "level": "OWNER"}, "InvalidInput"),
    ({"invitee": "bob", "level": "MEMBER"}, "InvalidInput"),
    ({"invitee": "user-bob", "level": "MEMBER", "projectAccess": "ALL"}, "InvalidInput"),
    ({"invitee": "user-bob", "level": "MEMBER", "appAccess": "yes"}, "InvalidInput"),
    ({"invitee": "user-ghost", "level": "MEMBER"}, "ResourceNotFound"),
    ({"invitee": "user-alice", "level": "MEMBER"}, "InvalidState"),  # already a member
])
def test_invite_bad_input(env, payload, error):
    fails(error, 404 if error == "ResourceNotFound" else 422, env[1], "/org-lab/invite", payload)


def test_only_admins_manage(env):
    _, alice, bob = env
    alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER"})
    for route, payload in [("invite", {"invitee": bob.user, "level": "ADMIN"}), ("removeMember", {"user": alice.user}),
                           ("setMemberAccess", {bob.user: {"level": "ADMIN"}}), ("findProjects", {})]:
        error = fails("PermissionDenied", 401, bob, "/org-lab/" + route, payload)
        assert "ADMIN" in error.message


def test_set_member_access(env):
    _, alice, bob = env
    alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER"})
    alice("/org-lab/setMemberAccess", {bob.user: {"projectAccess": "VIEW", "appAccess": False}})
    member = alice("/org-lab/findMembers", {"id": [bob.user]})["results"][0]
    assert (member["level"], member["projectAccess"], member["appAccess"]) == ("MEMBER", "VIEW", False)
    fails("InvalidInput", 422, alice, "/org-lab/setMemberAccess", {"user-ghost": {"level": "ADMIN"}})
    fails("InvalidInput", 422, alice, "/org-lab/setMemberAccess", {bob.user: "ADMIN"})
    fails("InvalidInput", 422, alice, "/org-lab/setMemberAccess", {bob.user: {"level": "BOSS"}})
    fails("InvalidState", 422, alice, "/org-lab/setMemberAccess", {alice.user: {"level": "MEMBER"}})


def test_remove_member(env):
    _, alice, bob = env
    alice("/org-lab/invite", {"invitee": bob.user, "level": "MEMBER", "allowBillableActivities": True})
    billed = alice.project("billed", billTo="org-lab")
    alice("/%s/invite" % billed, {"invitee": bob.user, "level": "CONTRIBUTE"})
    mine = alice.project("mine")
    alice("/%s/invite" % mine, {"invitee": bob.user, "level": "VIEW"})
    result = alice("/org-lab/removeMember", {"user": bob.user, "revokeProjectPermissions": True})
    assert result == {"id": "org-lab", "projects": {billed: "CONTRIBUTE"}, "apps": {}}
    assert [r["id"] for r in bob("/system/findProjects", {})["results"]] == [mine]
    fails("InvalidInput", 422, alice, "/org-lab/removeMember", {"user": bob.user})  # no longer a member
    fails("InvalidInput", 422, alice, "/org-lab/removeMember", {})
    fails("InvalidInput", 422, alice, "/org-lab/removeMember", {"user": alice.user, "revokeProjectPermissions": 1})
    fails("InvalidState", 422, alice, "/org-lab/removeMember", {"user": alice.user})  # the last ADMIN


def test_find_projects_billed_to_org(env):
    _, alice, _ = env
    first = alice.project("alpha", billTo="org-lab", tags=["t"])
    second = alice.project("beta", billTo="org-lab")
    alice.project("personal")
    found = alice("/org-lab/findProjects", {})["results"]
    assert sorted(r["id"] for r in found) == sorted([first, second])
    assert found[0] == {"id": found[0]["id"], "level": "ADMINISTER", "public": False}
    assert [r["id"] for r in alice("/org-lab/findProjects", {"name": {"glob": "a*"}})["results"]] == [first]
    assert [r["id"] for r in alice("/org-lab/findProjects", {"tags": "t"})["results"]] == [first]
    assert [r["id"] for r in alice("/org-lab/findProjects", {"id": [second]})["results"]] == [second]
    described = alice("/org-lab/findProjects", {"id": [first], "describe": {"fields": {"name": True}}})
    assert described["results"][0]["describe"] == {"id": first, "name": "alpha"}
    fails("InvalidInput", 422, alice, "/org-lab/findProjects", {"public": "yes"})
    fails("InvalidInput", 422, alice, "/org-lab/findProjects", {"limit": 0})


def test_find_orgs(env):
    platform, alice, bob = env
    bob("/org/new", {"handle": "other", "name": "Other"})
    fails("PermissionDenied", 401, alice, "/org-other/invite", {"invitee": alice.user, "level": "ADMIN"})
    bob("/org-other/invite", {"invitee": alice.user, "level": "MEMBER"})
    members = alice("/system/findOrgs", {"level": "MEMBER"})["results"]
    assert [(r["id"], r["level"]) for r in members] == [("org-lab", "ADMIN"), ("org-other", "MEMBER")]
    assert [r["id"] for r in alice("/system/findOrgs", {"level": "ADMIN"})["results"]] == ["org-lab"]
    assert [r["id"] for r in alice("/system/findOrgs", {"level": "MEMBER", "name": {"glob": "Oth*"}})["results"]] \
        == ["org-other"]
    billable = alice("/system/findOrgs", {"level": "MEMBER", "allowBillableActivities": False})["results"]
    assert [r["id"] for r in billable] == ["org-other"]
    described = alice("/system/findOrgs", {"level": "ADMIN", "describe": True})["results"][0]["describe"]
    assert described["name"] == "The Lab"
    page = alice("/system/findOrgs", {"level": "MEMBER", "limit": 1})
    assert page["next"] == "org-other"
    assert Caller(platform, "carol")("/system/findOrgs", {"level": "MEMBER"})["results"] == []


@pytest.mark.parametrize("payload", [{}, {"level": "OWNER"}, {"level": "MEMBER", "describe": "yes"},
                                     {"level": "MEMBER", "starting": 3}, {"level": "MEMBER", "id": "org-lab"},
                                     {"level": "MEMBER", "allowBillableActivities": "yes"}])
def test_find_orgs_bad_input(env, payload):
    fails("InvalidInput", 422, env[1], "/system/findOrgs", payload)


def test_orgs_over_http(dx_emulator):
    assert dxpy.api.org_new({"handle": "http_lab", "name": "HTTP Lab"}) == {"id": "org-http_lab"}
    bob, _ = dx_emulator.add_user("bob")
    dxpy.api.org_invite("org-http_lab", {"invitee": bob, "level": "MEMBER", "projectAccess": "VIEW"})
    members = dxpy.api.org_find_members("org-http_lab", {"level": "MEMBER", "describe": True})["results"]
    assert [(m["id"], m["projectAccess"], m["describe"]["handle"]) for m in members] == [(bob, "VIEW", "bob")]
    pid = dxpy.api.project_new({"name": "lab project", "billTo": "org-http_lab"})["id"]
    assert [r["id"] for r in dxpy.api.org_find_projects("org-http_lab", {})["results"]] == [pid]
    assert dxpy.api.org_describe("org-http_lab")["level"] == "ADMIN"
    orgs = dxpy.api.system_find_orgs({"level": "ADMIN", "describe": True})["results"]
    assert [(o["id"], o["describe"]["name"]) for o in orgs] == [("org-http_lab", "HTTP Lab")]
    result = dxpy.api.org_remove_member("org-http_lab", {"user": bob})
    assert result["id"] == "org-http_lab"
    with pytest.raises(exceptions.InvalidInput):
        dxpy.api.org_new({"handle": "http_lab", "name": "again"})
    with pytest.raises(exceptions.ResourceNotFound):
        dxpy.api.org_describe("org-missing")
    with pytest.raises(exceptions.InvalidInput):
        dxpy.api.system_find_orgs({})
