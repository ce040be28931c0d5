"""The org commands of dx: new org, update org, add member, update member, remove member and
find org members|projects|apps, against the reference dx.

Org handles (and app names) are global, so each client works on orgs of its own: a word's
``{tag}`` is "ref" for the reference dx and "our" for this one (same length, so that wrapped
lines break alike), and both outputs read "<tag>" in its place before they are compared.
"""
import contextlib
import json
import re
import time

import pytest

import dxpy
from dx_cli import as_user, normalize

TAGS = ("ref", "our")  # in the order of twins.clients


def _run_tagged(client, tag, words, kwargs):
    result = client.run(*[word.replace("{tag}", tag) for word in words], **kwargs)
    return tuple([result.returncode] + [normalize(text.replace("_" + tag, "_<tag>"), [client.home])
                                        for text in (result.stdout, result.stderr)])


def org_outputs(twins, *words, **kwargs):
    """(reference, this) as (exit code, stdout, stderr), each run on its own orgs."""
    return [_run_tagged(client, tag, words, kwargs) for client, tag in zip(twins.clients, TAGS)]


def assert_same(twins, *words, **kwargs):
    """Both clients, each on its own orgs, give the same exit code, stdout and stderr."""
    ref, this = org_outputs(twins, *words, **kwargs)
    assert this == ref, "dx %s differs\n--- reference: exit %d\n%s\n%s\n--- this: exit %d\n%s\n%s" % (
        " ".join(words), ref[0], ref[1], ref[2], this[0], this[1], this[2])
    return this


def _refusal(result):
    """An argparse refusal without dx's help text: exit code, stdout, usage words (argparse wraps
    them differently from one Python to the next), error lines."""
    code, out, err = result
    error = re.search(r"^dx [\w ]+: error: .*\Z", err, re.M | re.S)
    return code, out, " ".join(err.split("\n\n", 1)[0].split()), error.group(0) if error else err


def assert_same_refusal(twins, *words):
    """Both clients refuse the arguments alike (the help text between usage and error is each
    one's own wording); the exit code."""
    ref, this = [_refusal(result) for result in org_outputs(twins, *words)]
    assert this == ref
    return this[0]


def for_each_tag(make):
    """``make(tag)`` for the orgs of each client."""
    return [make(tag) for tag in TAGS]


def new_orgs(base, name="Org", **fields):
    """An org "org-<base>_<tag>" per client (this process's user is their ADMIN)."""
    def make(tag):
        request = dict(fields, handle="%s_%s" % (base, tag), name=name)
        return dxpy.api.org_new(request)["id"]
    return for_each_tag(make)


def members(org_id):
    """user ID -> (level, allowBillableActivities, appAccess, projectAccess)."""
    return {m["id"]: (m["level"], m["allowBillableActivities"], m["appAccess"], m["projectAccess"])
            for m in dxpy.api.org_find_members(org_id, {})["results"]}


def org_state(org_ids, token=None):
    """What a refused command must leave alone: each org's description and members (as seen
    by the user of *token*, by default this process's)."""
    with as_user(token) if token else contextlib.nullcontext():
        return [(dxpy.api.org_describe(org_id), members(org_id)) for org_id in org_ids]


@pytest.fixture(scope="module")
def users(cli_emulator):
    """Other users: bob, carol and dave."""
    return {name: cli_emulator.add_user(name) for name in ("bob", "carol", "dave")}


@pytest.fixture(scope="module")
def bobs_orgs(users):
    """Orgs of bob in which this user is a MEMBER (member list visible to ADMINs only)."""
    me = dxpy.api.system_whoami()["id"]
    with as_user(users["bob"][1]):
        org_ids = new_orgs("bobs", name="Bob's")
        for org_id in org_ids:
            dxpy.api.org_invite(org_id, {"invitee": me, "level": "MEMBER", "suppressEmailNotification": True})
            dxpy.api.org_invite(org_id, {"invitee": users["carol"][0], "level": "MEMBER",
                                         "suppressEmailNotification": True})
    return org_ids


def invite(org_ids, user_id, level="MEMBER", **flags):
    for org_id in org_ids:
        dxpy.api.org_invite(org_id, dict(flags, invitee=user_id, level=level, suppressEmailNotification=True))


# -- dx new org ----------------------------------------------------------------------------------

@pytest.mark.reference
def test_new_org(twins):
    assert_same(twins, "new", "org", "Acme Labs", "--handle", "acme_{tag}")
    assert_same(twins, "new", "org", "--handle", "Policy_{tag}", "Policies", "--brief",
                "--member-list-visibility", "PUBLIC", "--project-transfer-ability", "MEMBER")
    for tag in TAGS:
        desc = dxpy.api.org_describe("org-policy_" + tag)  # the handle is lowercased
        assert (desc["name"], desc["level"]) == ("Policies", "ADMIN")
        assert desc["policies"] == {"memberListVisibility": "PUBLIC", "restrictProjectTransfer": "MEMBER"}
    assert dxpy.api.org_describe("org-acme_our")["policies"] == {"memberListVisibility": "ADMIN",
                                                                 "restrictProjectTransfer": "ADMIN"}


@pytest.mark.reference
def test_new_org_wrong_input(twins):
    new_orgs("taken")
    before = len(list(dxpy.find_orgs({"level": "MEMBER"})))
    assert assert_same(twins, "new", "org", "Again", "--handle", "taken_{tag}")[0] == 3
    assert assert_same(twins, "new", "org", "Again", "--handle", "TAKEN_{tag}")[0] == 3
    assert assert_same(twins, "new", "org", "Bad", "--handle", "no-dash_{tag}")[0] == 3
    assert assert_same_refusal(twins, "new", "org", "No handle") == 2
    assert assert_same_refusal(twins, "new", "org", "x", "--handle", "x_{tag}", "--member-list-visibility", "ALL") == 2
    # No name and no terminal to ask on: dxpy exits 1 (its code for a bug in dx), this dx 3.
    ref, this = org_outputs(twins, "new", "org", "--handle", "nameless_{tag}")
    assert ref == (1, "", "No org name supplied and input is not interactive.\n")
    assert this == (3,) + ref[1:]
    assert len(list(dxpy.find_orgs({"level": "MEMBER"}))) == before


# -- dx add member -------------------------------------------------------------------------------

@pytest.mark.reference
def test_add_member(twins, users):
    org_ids = new_orgs("adding")
    assert_same(twins, "add", "member", "org-adding_{tag}", "Bob", "--level", "MEMBER", "--no-email")
    assert_same(twins, "add", "member", "org-adding_{tag}", "user-dave", "--level", "MEMBER",
                "--allow-billable-activities", "--no-app-access", "--project-access", "VIEW")
    # dxpy prints "org-" before the org ID it was given ("org-org-..."): here the org ID alone.
    ref, this = org_outputs(twins, "add", "member", "org-adding_{tag}", "carol", "--level", "ADMIN", "--brief")
    assert ref == (0, "org-org-adding_<tag>\n", "")
    assert this == (0, "org-adding_<tag>\n", "")
    assert members(org_ids[0]) == members(org_ids[1])
    assert members(org_ids[1])[users["dave"][0]] == ("MEMBER", True, False, "VIEW")
    assert members(org_ids[1])[users["bob"][0]] == ("MEMBER", False, True, "CONTRIBUTE")
    assert members(org_ids[1])[users["carol"][0]] == ("ADMIN", True, True, "ADMINISTER")


@pytest.mark.reference
def test_add_member_wrong_input(twins, users, bobs_orgs):
    org_ids = new_orgs("addfail")
    invite(org_ids, users["bob"][0])
    before = org_state(org_ids), org_state(bobs_orgs, users["bob"][1])
    for words in [("org-addfail_{tag}", "bob", "--level", "ADMIN"),  # already a member
                  ("org-nosuch_{tag}", "bob", "--level", "MEMBER"),
                  ("org-addfail_{tag}", "nobody", "--level", "MEMBER"),
                  ("org-bobs_{tag}", "dave", "--level", "MEMBER")]:  # not an ADMIN
        assert assert_same(twins, "add", "member", *words)[0] == 3
    for words in [("org-addfail_{tag}", "dave", "--level", "OWNER"), ("org-addfail_{tag}", "dave"),
                  ("org-addfail_{tag}", "dave", "--level", "MEMBER", "--project-access", "ALL")]:
        assert assert_same_refusal(twins, "add", "member", *words) == 2
    assert (org_state(org_ids), org_state(bobs_orgs, users["bob"][1])) == before


# -- dx update member ----------------------------------------------------------------------------

@pytest.mark.reference
def test_update_member(twins, users):
    org_ids = new_orgs("updating")
    bob, carol, dave = (users[name][0] for name in ("bob", "carol", "dave"))
    invite(org_ids, bob)
    invite(org_ids, carol, level="ADMIN")
    invite(org_ids, dave, allowBillableActivities=True, projectAccess="VIEW")
    assert_same(twins, "update", "member", "org-updating_{tag}", "bob", "--level", "ADMIN")
    assert_same(twins, "update", "member", "org-updating_{tag}", "user-Carol", "--level", "MEMBER", "--brief")
    assert_same(twins, "update", "member", "org-updating_{tag}", "dave", "--app-access", "false",
                "--allow-billable-activities", "false", "--project-access", "UPLOAD")
    assert members(org_ids[0]) == members(org_ids[1])
    assert members(org_ids[1])[bob] == ("ADMIN", True, True, "ADMINISTER")
    assert members(org_ids[1])[carol] == ("MEMBER", False, True, "CONTRIBUTE")  # a demoted ADMIN's defaults
    assert members(org_ids[1])[dave] == ("MEMBER", False, False, "UPLOAD")


@pytest.mark.reference
def test_update_member_wrong_input(twins, users, bobs_orgs):
    org_ids = new_orgs("updfail")
    invite(org_ids, users["bob"][0])
    before = org_state(org_ids), org_state(bobs_orgs, users["bob"][1])
    me = dxpy.api.system_whoami()["id"]
    for words in [("org-updfail_{tag}", "carol", "--level", "ADMIN"),  # not a member
                  ("org-nosuch_{tag}", "bob", "--level", "ADMIN"),
                  ("org-updfail_{tag}", me, "--level", "MEMBER"),  # the last ADMIN
                  ("org-bobs_{tag}", "carol", "--level", "ADMIN")]:  # not an ADMIN
        assert assert_same(twins, "update", "member", *words)[0] == 3
    for words in [("org-updfail_{tag}", "bob", "--level", "OWNER"),
                  ("org-updfail_{tag}", "bob", "--app-access", "yes"), ("org-updfail_{tag}",)]:
        assert assert_same_refusal(twins, "update", "member", *words) == 2
    assert (org_state(org_ids), org_state(bobs_orgs, users["bob"][1])) == before


# -- dx remove member ----------------------------------------------------------------------------

@pytest.mark.reference
def test_remove_member(twins, users):
    org_ids = new_orgs("removing")
    bob, carol, dave = (users[name][0] for name in ("bob", "carol", "dave"))
    for user_id in (bob, carol, dave):
        invite(org_ids, user_id)

    def billed_project(org_id):
        project = dxpy.api.project_new({"name": "billed", "billTo": org_id})["id"]
        dxpy.api.project_invite(project, {"invitee": bob, "level": "CONTRIBUTE", "suppressEmailNotification": True})
        return project
    projects = [billed_project(org_id) for org_id in org_ids]
    assert_same(twins, "remove", "member", "org-removing_{tag}", "Bob", "-y")
    for project in projects:  # its explicit permission went too
        assert bob not in dxpy.api.project_describe(project, {"fields": {"permissions": True}})["permissions"]
    assert_same(twins, "remove", "member", "org-removing_{tag}", "carol", stdin="n\n")
    assert_same(twins, "remove", "member", "org-removing_{tag}", "carol", stdin="maybe\nyes\n")
    assert_same(twins, "remove", "member", "org-removing_{tag}", "dave", "--brief", "-y",
                "--keep-explicit-project-permissions", "--keep-explicit-app-permissions")
    assert [sorted(members(org_id)) for org_id in org_ids] == [[dxpy.api.system_whoami()["id"]]] * 2


@pytest.mark.reference
def test_remove_member_wrong_input(twins, users, bobs_orgs):
    org_ids = new_orgs("remfail")
    invite(org_ids, users["bob"][0])
    before = org_state(org_ids), org_state(bobs_orgs, users["bob"][1])
    me = dxpy.api.system_whoami()["id"]
    # no answer to the question: exit 1, as dxpy
    assert assert_same(twins, "remove", "member", "org-remfail_{tag}", "bob", stdin="")[0] == 1
    for words in [("org-remfail_{tag}", "carol", "-y"),  # not a member
                  ("org-nosuch_{tag}", "bob", "-y"),
                  ("org-remfail_{tag}", me, "-y"),  # the last ADMIN
                  ("org-bobs_{tag}", "carol", "-y")]:  # not an ADMIN
        assert assert_same(twins, "remove", "member", *words)[0] == 3
    assert assert_same_refusal(twins, "remove", "member", "org-remfail_{tag}") == 2
    assert (org_state(org_ids), org_state(bobs_orgs, users["bob"][1])) == before


# -- dx update org -------------------------------------------------------------------------------

@pytest.mark.reference
def test_update_org(twins):
    org_ids = new_orgs("upd_org", name="Before")
    assert_same(twins, "update", "org", "org-upd_org_{tag}", "--name", "After", "--member-list-visibility", "MEMBER",
                "--project-transfer-ability", "MEMBER")
    assert_same(twins, "update", "org", "org-upd_org_{tag}", "--enable-job-reuse",
                "--detailed-job-metrics-collect-default", "true", "--brief")
    assert_same(twins, "update", "org", "org-upd_org_{tag}", "--saml-idp", "idp-1", "--job-logs-forwarding-json",
                '{"url": "https://splunk.example.com/collector", "token": "hec"}')
    assert_same(twins, "update", "org", "org-upd_org_{tag}")  # nothing to change
    descs = [dxpy.api.org_describe(org_id) for org_id in org_ids]
    assert [d["policies"] for d in descs] == [{"memberListVisibility": "MEMBER", "restrictProjectTransfer": "MEMBER",
                                               "jobReuse": True, "detailedJobMetricsCollectDefault": True}] * 2
    assert [d["name"] for d in descs] == ["After"] * 2
    assert_same(twins, "update", "org", "org-upd_org_{tag}", "--disable-job-reuse")
    assert [dxpy.api.org_describe(org_id)["policies"]["jobReuse"] for org_id in org_ids] == [False] * 2


@pytest.mark.reference
def test_update_org_wrong_input(twins, users, bobs_orgs):
    org_ids = new_orgs("updorgfail", name="Same")
    before = org_state(org_ids), org_state(bobs_orgs, users["bob"][1])
    for words in [("org-updorgfail_{tag}", "--name", "x", "--job-logs-forwarding-json", "{not json"),
                  ("org-updorgfail_{tag}", "--job-logs-forwarding-json", '{"url": "https://x"}'),
                  ("org-nosuch_{tag}", "--name", "x"), ("org-bobs_{tag}", "--name", "mine")]:
        assert assert_same(twins, "update", "org", *words)[0] == 3
    for words in [("org-updorgfail_{tag}", "--enable-job-reuse", "--disable-job-reuse"),
                  ("org-updorgfail_{tag}", "--member-list-visibility", "ALL"), ()]:
        assert assert_same_refusal(twins, "update", "org", *words) == 2
    assert (org_state(org_ids), org_state(bobs_orgs, users["bob"][1])) == before


# -- dx find org members -------------------------------------------------------------------------

@pytest.mark.reference
def test_find_org_members(twins, users):
    org_ids = new_orgs("finding")
    invite(org_ids, users["bob"][0])
    invite(org_ids, users["carol"][0], level="ADMIN")
    for words in [(), ("--level", "ADMIN"), ("--level", "MEMBER", "--brief"), ("--json",),
                  ("--delimiter", ","), ("--delim",)]:
        assert_same(twins, "find", "org", "members", "org-finding_{tag}", *words)


@pytest.mark.reference
def test_find_org_members_wrong_input(twins, bobs_orgs):
    for words in [("org-nosuch_{tag}",), ("org-bobs_{tag}",)]:  # a MEMBER may not list them here
        assert assert_same(twins, "find", "org", "members", *words)[0] == 3
    assert assert_same_refusal(twins, "find", "org", "members", "org-bobs_{tag}", "--level", "OWNER") == 2
    assert assert_same_refusal(twins, "find", "org", "members") == 2


# -- dx find org projects ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def billed_projects(users):
    """Per client, an org ("projects_<tag>") billing two projects, "alpha" (tagged, with a
    property, public) and "beta", created in that order."""
    org_ids = new_orgs("projects")
    made = []
    for org_id in org_ids:
        alpha = dxpy.api.project_new({"name": "alpha", "billTo": org_id, "tags": ["t"], "properties": {"k": "v"}})
        dxpy.api.project_invite(alpha["id"], {"invitee": "PUBLIC", "level": "VIEW"})
        time.sleep(0.005)  # distinct creation times: the newest comes first
        beta = dxpy.api.project_new({"name": "beta", "billTo": org_id})
        made.append((alpha["id"], beta["id"]))
    return made


@pytest.mark.reference
@pytest.mark.parametrize("words", [(), ("--brief",), ("--json",), ("--name", "a*"), ("--tag", "t", "--property", "k"),
                                   ("--property", "k=v", "--delimiter", ","), ("--public-only",), ("--private-only",),
                                   ("--phi", "false", "--region", "aws:us-east-1"),
                                   ("--created-after=-1d", "--created-before", "2100-01-01"),
                                   ("--created-before", "2000-01-01")])
def test_find_org_projects(twins, billed_projects, words):
    assert_same(twins, "find", "org", "projects", "org-projects_{tag}", *words)


@pytest.mark.reference
def test_find_org_projects_by_id(twins, billed_projects):
    # each client asks for its own "beta"
    outputs = [_run_tagged(client, tag, ("find", "org", "projects", "org-projects_{tag}", "--ids", beta), {})
               for client, tag, (_alpha, beta) in zip(twins.clients, TAGS, billed_projects)]
    assert outputs[0] == outputs[1] == (0, "project-<1> : beta (ADMINISTER)\n", "")


@pytest.mark.reference
def test_find_org_projects_wrong_input(twins, bobs_orgs):
    for words in [("org-nosuch_{tag}",), ("org-bobs_{tag}",), ("org-projects_{tag}", "--property", "=v")]:
        assert assert_same(twins, "find", "org", "projects", *words)[0] == 3
    for words in [("org-projects_{tag}", "--public-only", "--private-only"), ("org-projects_{tag}", "--phi", "yes")]:
        assert assert_same_refusal(twins, "find", "org", "projects", *words) == 2
    # A malformed time: dxpy prints a traceback and exits 1; this dx gives the error line, exit 3.
    ref, this = org_outputs(twins, "find", "org", "projects", "org-projects_{tag}", "--created-after", "soon")
    assert ref[0] == 1 and ref[2].startswith("Traceback")
    error = ref[2].splitlines()[-1]
    assert error.startswith("ValueError: Error: Expected an int timestamp") and error.endswith("but got soon")
    assert this == (3, "", error + "\n")


# -- dx find org apps ----------------------------------------------------------------------------

def _new_app(org_id, name, version="1.0.0", **fields):
    applet = dxpy.api.applet_new({"project": dxpy.WORKSPACE_ID, "name": name, "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "bash", "code": "true", "distribution": "Ubuntu",
                                              "release": "20.04", "version": "0"},
                                  "inputSpec": [], "outputSpec": []})["id"]
    return dxpy.api.app_new(dict(fields, applet=applet, name=name, version=version, billTo=org_id))["id"]


@pytest.fixture(scope="module")
def org_apps(cli_emulator):
    """Per client, an org ("apps_<tag>") billing "mapper_<tag>" (published, 1.0.0 and the
    default 2.0.0, category Read Mapping) and "caller_<tag>" (unpublished, later, installed)."""
    org_ids = new_orgs("apps")
    for org_id, tag in zip(org_ids, TAGS):
        old = _new_app(org_id, "mapper_" + tag, title="Mapper", categories=["Read Mapping"])
        dxpy.api.app_publish(old)
        newest = _new_app(org_id, "mapper_" + tag, version="2.0.0", title="Mapper", categories=["Read Mapping"])
        dxpy.api.app_publish(newest, input_params={"makeDefault": True})
        time.sleep(0.005)
        dxpy.api.app_install(_new_app(org_id, "caller_" + tag))
    return org_ids


@pytest.mark.reference
@pytest.mark.parametrize("words", [(), ("--brief",), ("--verbose",), ("--json",), ("--name", "map*"),
                                   ("--created-after=-1d",), ("--created-before", "2000-01-01")])
def test_find_org_apps(twins, org_apps, words):
    assert_same(twins, "find", "org", "apps", "org-apps_{tag}", *words)


@pytest.mark.parametrize("words, names", [
    ((), ["caller_our", "mapper_our"]),
    (("--category", "Read Mapping"), ["mapper_our"]),
    (("--unpublished",), ["caller_our"]),
    (("--installed",), ["caller_our"]),
    (("-a", "--name", "mapper*"), ["mapper_our", "mapper_our"]),
    (("--creator", "user-nobody"), []),
    (("--developer", "user-nobody"), []),
    (("--mod-before", "2000-01-01"), []),
])
def test_find_org_apps_filters(dx_this, org_apps, words, names):
    # dxpy takes these options but leaves them out of its search; here each one filters.
    found = json.loads(dx_this("find", "org", "apps", "org-apps_our", "--json", *words))
    assert sorted(result["describe"]["name"] for result in found) == names


def test_find_org_apps_installed_brief(dx_this, org_apps):
    caller = dxpy.api.app_describe("app-caller_our")["id"]
    assert dx_this("find", "org", "apps", "org-apps_our", "--installed", "--brief") == caller + "\n"


@pytest.mark.reference
def test_find_org_apps_wrong_input(twins, bobs_orgs, org_apps):
    for words in [("org-nosuch_{tag}",), ("org-bobs_{tag}",)]:
        assert assert_same(twins, "find", "org", "apps", *words)[0] == 3
    assert assert_same_refusal(twins, "find", "org", "apps") == 2
    assert assert_same(twins, "find", "org", "apps", "--category-help") == (0, assert_same(
        twins, "find", "org", "apps", "org-apps_{tag}", "--category-help")[1], "")
    ref, this = org_outputs(twins, "find", "org", "apps", "org-apps_{tag}", "--mod-after", "soon")
    assert ref[0] == 0  # dxpy does not look at --mod-after
    assert this == (3, "", "ValueError: Error: Expected an int timestamp, a date format (e.g. YYYY-MM-DD), or an "
                           "int with a single-letter suffix (s=seconds, m=minutes, h=hours, d=days, w=weeks, "
                           "M=months, y=years; e.g. \"-10d\" indicates 10 days ago); but got soon\n")
