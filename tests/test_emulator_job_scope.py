"""What a job's token reaches, as on the platform: its workspace and project context, other
projects only through the executable's ``access.allProjects``, never more than the user; new
projects only with ``access.projectCreation``, app development only with ``access.developer``.
First through the model with job tokens, then over HTTP from running jobs."""
import json

import pytest

import dxpy
from dxpy.emulator.model import tokens
from dx_cli import as_user
from emulator_model_helpers import fails, make_platform

RUN_SPEC = {"interpreter": "python3", "code": "print('hi')"}


def job_caller(platform, api, project, access=None, app=False):
    """(caller, job record) for a running job of a new applet (or app) with *access* in *project*."""
    fields = {"project": project, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC, "inputSpec": [],
              "outputSpec": []}
    if access is not None:
        fields["access"] = access
    executable = api("/applet/new", fields)["id"]
    if app:
        executable = api("/app/new", {"applet": executable, "name": "tool-" + executable[-6:].lower(),
                                      "version": "1.0.0"})["id"]
    job_id = api("/%s/run" % executable, {"project": project, "input": {}})["id"]
    with platform.transaction() as state:
        job = state["jobs"][job_id]
        job["state"] = "running"
        token = tokens.issue(state, job)
        job = dict(job)
    return platform.authenticate(token), job


@pytest.fixture
def env():
    platform, alice, bob = make_platform()
    context, other = alice.project("context"), alice.project("other")
    secrets = alice.record(other, name="secret", details={"s": 1})
    bobs = bob.project("bob's")
    bob("/%s/invite" % bobs, {"invitee": alice.user, "level": "VIEW"})
    return platform, alice, context, other, secrets, bobs


def test_a_job_reaches_its_workspace_and_project_context(env):
    platform, alice, context, other, secrets, bobs = env
    caller, job = job_caller(platform, alice, context)

    def call(route, payload=None):
        return platform.call(caller, route, payload or {})
    call("/record/new", {"project": job["workspace"], "name": "scratch"})  # CONTRIBUTE in the workspace
    assert call("/%s/describe" % context)["level"] == "VIEW"  # an applet's default in its project context
    fails("PermissionDenied", 401, call, "/record/new", {"project": context})
    fails("PermissionDenied", 401, call, "/%s/describe" % secrets, {"project": other})
    fails("PermissionDenied", 401, call, "/%s/describe" % other)
    fails("PermissionDenied", 401, call, "/%s/listFolder" % other)
    assert call("/%s/describe" % job["workspace"])["level"] == "CONTRIBUTE"  # not the user's ADMINISTER
    found = [result["id"] for result in call("/system/findProjects")["results"]]
    assert found == [context]  # not every project of the user
    fails("PermissionDenied", 401, call, "/system/findDataObjects", {"scope": {"project": other}})
    error = fails("PermissionDenied", 401, call, "/project/new", {"name": "mine"})
    assert "projectCreation" in error.message
    # the user's own token still reaches everything
    assert alice("/%s/describe" % secrets, {"project": other})["name"] == "secret"
    assert sorted(r["id"] for r in alice("/system/findProjects")["results"]) == sorted([context, other, bobs])


def test_access_widens_the_reach(env):
    platform, alice, context, other, secrets, bobs = env
    caller, job = job_caller(platform, alice, context, {"project": "CONTRIBUTE", "allProjects": "VIEW",
                                                         "projectCreation": True})

    def call(route, payload=None):
        return platform.call(caller, route, payload or {})
    assert call("/%s/describe" % secrets, {"project": other})["name"] == "secret"
    assert call("/record/new", {"project": context, "name": "result"})["id"]
    fails("PermissionDenied", 401, call, "/record/new", {"project": other})  # VIEW there only
    assert sorted(r["id"] for r in call("/system/findProjects")["results"]) == sorted([context, other, bobs])
    assert call("/project/new", {"name": "made by a job"})["id"].startswith("project-")


def test_access_never_exceeds_the_user(env):
    platform, alice, context, _, _, bobs = env
    caller, _ = job_caller(platform, alice, context, {"allProjects": "ADMINISTER"})
    assert platform.call(caller, "/%s/describe" % bobs, {})["level"] == "VIEW"  # alice's own level there
    fails("PermissionDenied", 401, platform.call, caller, "/record/new", {"project": bobs})


def test_an_app_without_access_project_sees_only_its_workspace(env):
    platform, alice, context, _, _, _ = env
    caller, job = job_caller(platform, alice, context, app=True)
    fails("PermissionDenied", 401, platform.call, caller, "/%s/describe" % context, {})
    platform.call(caller, "/record/new", {"project": job["workspace"]})
    caller, _ = job_caller(platform, alice, context, {"project": "UPLOAD"}, app=True)
    platform.call(caller, "/record/new", {"project": context})


def test_app_development_needs_access_developer(env):
    platform, alice, context, _, _, _ = env
    applet = alice("/applet/new", {"project": context, "name": "x", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                                   "inputSpec": [], "outputSpec": []})["id"]
    app = {"applet": applet, "name": "made-in-a-job", "version": "1.0.0"}
    caller, _ = job_caller(platform, alice, context)
    assert "developer" in fails("PermissionDenied", 401, platform.call, caller, "/app/new", app).message
    developer, _ = job_caller(platform, alice, context, {"developer": True})
    app_id = platform.call(developer, "/app/new", app)["id"]
    fails("PermissionDenied", 401, platform.call, caller, "/%s/publish" % app_id, {})
    assert platform.call(caller, "/%s/describe" % app_id, {})["id"] == app_id  # reading needs no flag
    platform.call(developer, "/%s/publish" % app_id, {})


def test_a_job_sees_its_own_tree_and_executions_in_projects_it_reaches(env):
    platform, alice, context, other, _, _ = env
    caller, job = job_caller(platform, alice, context, app=True)  # no access to its project context
    elsewhere, _ = job_caller(platform, alice, other)
    assert platform.call(caller, "/%s/describe" % job["id"], {})["id"] == job["id"]
    fails("PermissionDenied", 401, platform.call, caller, "/%s/describe" % elsewhere.job_id, {})
    fails("PermissionDenied", 401, platform.call, caller, "/%s/terminate" % elsewhere.job_id, {})
    found = [result["id"] for result in platform.call(caller, "/system/findJobs", {})["results"]]
    assert found == [job["id"]]
    assert elsewhere.job_id in [r["id"] for r in alice("/system/findJobs", {})["results"]]


def test_a_subjob_has_its_parents_reach(env):
    platform, alice, context, other, secrets, _ = env
    caller, job = job_caller(platform, alice, context)
    sub_id = platform.call(caller, "/job/new", {"function": "f", "input": {}})["id"]
    with platform.transaction() as state:
        sub = state["jobs"][sub_id]
        sub["state"] = "running"
        token = tokens.issue(state, sub)
    sub_caller = platform.authenticate(token)
    platform.call(sub_caller, "/record/new", {"project": job["workspace"]})
    fails("PermissionDenied", 401, platform.call, sub_caller, "/%s/describe" % secrets, {"project": other})


# -- over HTTP, from running jobs ------------------------------------------------------------------

PROBE = """
import json, os
import dxpy

def attempt(call):
    try:
        call()
        return "ok"
    except dxpy.exceptions.DXAPIError as error:
        return error.name

@dxpy.entry_point("main")
def main(other, secret):
    context = os.environ["DX_PROJECT_CONTEXT_ID"]
    outcomes = {
        "read other": attempt(lambda: dxpy.api.record_describe(secret, {"project": other})),
        "write context": attempt(lambda: dxpy.api.record_new({"project": context})),
        "write workspace": attempt(lambda: dxpy.api.record_new({"project": os.environ["DX_WORKSPACE_ID"]})),
        "new project": attempt(lambda: dxpy.api.project_new({"name": "from a job"})),
        "projects": sorted(p["id"] for p in dxpy.api.system_find_projects({})["results"]),
    }
    return {"outcomes": json.dumps(outcomes)}
"""


@pytest.mark.parametrize("access, expected", [
    ({}, {"read other": "PermissionDenied", "write context": "PermissionDenied", "write workspace": "ok",
          "new project": "PermissionDenied"}),
    ({"allProjects": "VIEW", "project": "UPLOAD", "projectCreation": True},
     {"read other": "ok", "write context": "ok", "write workspace": "ok", "new project": "ok"}),
], ids=["no access spec", "allProjects, project and projectCreation"])
def test_running_jobs_get_what_their_access_grants(dx_emulator, access, expected):
    other = dxpy.api.project_new({"name": "not the context"})["id"]
    secret = dxpy.new_dxrecord(project=other, name="secret").get_id()
    applet = dxpy.DXApplet()
    applet.new(name="probe", dxapi="1.0.0", access=access, runSpec={"interpreter": "python3", "code": PROBE})
    job = applet.run({"other": other, "secret": secret})
    job.wait_on_done(interval=0.05, timeout=60)
    outcomes = json.loads(job.describe()["output"]["outcomes"])
    projects = outcomes.pop("projects")
    assert outcomes == expected
    if access:
        assert {dx_emulator.project_id, other} <= set(projects)
    else:
        assert projects == [dx_emulator.project_id]
    with as_user(dx_emulator.token):  # the user's own token is not narrowed
        assert dxpy.api.record_describe(secret, {"project": other})["name"] == "secret"
