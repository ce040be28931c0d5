"""dxpy.emulator.model: apps and global workflows (model level and through HTTP)."""
import pytest

import dxpy
from emulator_model_helpers import fails, make_platform

RUN_SPEC = {"interpreter": "bash", "code": "echo hi"}
IN_SPEC = [{"name": "n", "class": "int"}]
OUT_SPEC = [{"name": "out", "class": "int"}]


@pytest.fixture
def env():
    platform, api, other = make_platform()
    pid = api.project()
    aid = api("/applet/new", {"project": pid, "name": "tool", "title": "Tool", "dxapi": "1.0.0",
                              "runSpec": RUN_SPEC, "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    return platform, api, other, pid, aid


def new_app(api, aid, version="1.0.0", name="mapper", **fields):
    body = {"applet": aid, "name": name, "version": version}
    body.update(fields)
    return api("/app/new", body)["id"]


def test_app_new_and_addressing(env):
    _, api, _, _, aid = env
    app_id = new_app(api, aid, summary="maps", categories=["Mapping"])
    desc = api("/%s/describe" % app_id)
    # the first version of a name gets the "default" alias; the version is an alias too
    assert (desc["class"], desc["name"], desc["version"]) == ("app", "mapper", "1.0.0")
    assert desc["aliases"] == ["1.0.0", "default"]
    assert desc["title"] == "Tool" and desc["summary"] == "maps" and desc["applet"] == aid
    assert desc["inputSpec"] == IN_SPEC and desc["createdBy"] == "user-alice"
    assert desc["runSpec"] == dict(RUN_SPEC, bundledDependsByRegion={"aws:us-east-1": []})
    assert desc["deleted"] is False and "published" not in desc and desc["isDeveloperFor"] is True
    assert desc["resources"].startswith("container-")
    assert desc["regionalOptions"] == {"aws:us-east-1": {"applet": aid, "resources": desc["resources"]}}
    assert api("/app-mapper/1.0.0/describe")["id"] == app_id
    assert api("/app-mapper/describe")["id"] == app_id
    assert api("/app-mapper/default/describe", {"fields": {"version": True}}) == {"id": app_id, "version": "1.0.0"}
    got = api("/app-mapper/get")
    assert got["developers"] == ["user-alice"] and got["authorizedUsers"] == [] and got["version"] == "1.0.0"
    fails("ResourceNotFound", 404, api, "/app-mapper/2.0.0/describe")
    fails("ResourceNotFound", 404, api, "/app-%s/describe" % ("B" * 24))


def test_versions_aliases_and_publishing(env):
    _, api, _, _, aid = env
    first = new_app(api, aid)
    second = new_app(api, aid, "1.1.0")
    assert api("/%s/describe" % second)["aliases"] == ["1.1.0"]
    assert api("/app-mapper/describe")["id"] == first
    error = fails("InvalidInput", 422, api, "/app/new", {"applet": aid, "name": "mapper", "version": "1.0.0"})
    assert error.message == "Specified name and version conflict with an existing alias"
    api("/%s/publish" % first, {"makeDefault": True})
    assert "default" in api("/%s/describe" % first)["aliases"]
    assert api("/%s/describe" % first)["published"] > 0
    fails("InvalidState", 422, api, "/%s/publish" % first)
    fails("InvalidState", 422, api, "/%s/update" % first, {"summary": "late"})
    api("/%s/update" % second, {"summary": "new", "details": {"x": 1}})
    api("/%s/publish" % second, {"makeDefault": True})
    assert api("/app-mapper/describe")["id"] == second
    assert api("/%s/describe" % first)["aliases"] == ["1.0.0"]
    api("/%s/addTags" % first, {"tags": ["stable"]})
    assert api("/app-mapper/stable/describe")["id"] == first
    api("/%s/removeTags" % first, {"tags": ["stable", "1.0.0"]})
    assert api("/%s/describe" % first)["aliases"] == ["1.0.0"]
    fails("ResourceNotFound", 404, api, "/app-mapper/stable/describe")
    fails("InvalidInput", 422, api, "/%s/addTags" % first, {"tags": ["2.0.0"]})
    api("/app-mapper/1.0.0/delete")
    assert api("/%s/describe" % first)["deleted"] is True
    fails("ResourceNotFound", 404, api, "/app-mapper/1.0.0/describe")
    fails("InvalidState", 422, api, "/%s/addTags" % first, {"tags": ["x"]})


@pytest.mark.parametrize("body, error_type", [
    ({"name": "mapper", "version": "1.0.0"}, "InvalidInput"),
    ({"applet": "APPLET", "version": "1.0.0"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "bad name", "version": "1.0.0"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "one"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "billTo": "nobody"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "billTo": "user-bob"}, "PermissionDenied"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "openSource": "yes"}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "authorizedUsers": ["bob"]}, "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "categories": "x"}, "InvalidInput"),
    ({"applet": "applet-" + "B" * 24, "name": "mapper", "version": "1.0.0"}, "ResourceNotFound"),
    ({"regionalOptions": {"aws:eu-central-1": {"applet": "APPLET"}}, "name": "mapper", "version": "1.0.0"},
     "InvalidInput"),
    ({"applet": "APPLET", "name": "mapper", "version": "1.0.0", "resources": "project-" + "B" * 24},
     "ResourceNotFound"),
])
def test_app_new_bad_input(env, body, error_type):
    _, api, _, _, aid = env
    body = dict((key, aid if value == "APPLET" else value) for key, value in body.items())
    if "regionalOptions" in body:
        body["regionalOptions"] = {"aws:eu-central-1": {"applet": aid}}
    fails(error_type, {"InvalidInput": 422, "PermissionDenied": 401, "ResourceNotFound": 404}[error_type],
          api, "/app/new", body)
    assert api("/system/findApps", {"published": False})["results"] == []


def test_app_needs_io_specs_and_owned_name(env):
    _, api, other, pid, aid = env
    bare = api("/applet/new", {"project": pid, "dxapi": "1.0.0", "runSpec": RUN_SPEC})["id"]
    error = fails("InvalidInput", 422, api, "/app/new", {"applet": bare, "name": "bare", "version": "1.0.0"})
    assert "specification" in error.message
    new_app(api, aid)
    their_project = other.project()
    theirs = other("/applet/new", {"project": their_project, "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                                   "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    fails("PermissionDenied", 401, other, "/app/new", {"applet": theirs, "name": "mapper", "version": "2.0.0"})


def test_developers_authorized_users_and_visibility(env):
    _, api, other, _, aid = env
    app_id = new_app(api, aid)
    fails("PermissionDenied", 401, other, "/%s/describe" % app_id)
    fails("ResourceNotFound", 404, other, "/app-mapper/1.0.0/describe")
    api("/%s/addAuthorizedUsers" % app_id, {"authorizedUsers": ["user-bob"]})
    fails("PermissionDenied", 401, other, "/%s/describe" % app_id)  # not published yet
    api("/%s/publish" % app_id)
    desc = other("/%s/describe" % app_id)
    assert desc["isDeveloperFor"] is False and desc["installed"] is False and "authorizedUsers" not in desc
    assert api("/%s/describe" % app_id)["authorizedUsers"] == ["user-bob"]  # developers see who may run it
    assert api("/%s/listAuthorizedUsers" % app_id) == {"authorizedUsers": ["user-bob"]}
    fails("PermissionDenied", 401, other, "/%s/addCategories" % app_id, {"categories": ["x"]})
    other("/%s/install" % app_id)
    assert other("/%s/describe" % app_id)["installed"] is True
    assert other("/user-bob/describe", {"fields": {"appsInstalled": True}}) == {
        "id": "user-bob", "appsInstalled": {"mapper": app_id}}
    assert api("/%s/describe" % app_id)["installs"] == 1
    other("/%s/uninstall" % app_id)
    assert other("/%s/describe" % app_id)["installs"] == 0
    api("/%s/removeAuthorizedUsers" % app_id, {"authorizedUsers": ["user-bob"]})
    fails("PermissionDenied", 401, other, "/%s/describe" % app_id)
    api("/%s/addDevelopers" % app_id, {"developers": ["user-bob"]})
    assert api("/%s/listDevelopers" % app_id) == {"developers": ["user-alice", "user-bob"]}
    other("/%s/addCategories" % app_id, {"categories": ["Mapping", "QC"]})
    other("/%s/removeCategories" % app_id, {"categories": ["QC"]})
    assert api("/%s/listCategories" % app_id) == {"categories": ["Mapping"]}
    api("/%s/removeDevelopers" % app_id, {"developers": ["user-alice"]})
    fails("InvalidInput", 422, other, "/%s/removeDevelopers" % app_id, {"developers": ["user-bob"]})
    fails("PermissionDenied", 401, api, "/%s/addTags" % app_id, {"tags": ["x"]})
    for method, body in [("addDevelopers", {"developers": ["user-ghost"]}),
                         ("addAuthorizedUsers", {"authorizedUsers": ["user-bob", "org-ghosts"]})]:
        fails("ResourceNotFound", 404, other, "/%s/%s" % (app_id, method), body)
    assert other("/%s/listAuthorizedUsers" % app_id) == {"authorizedUsers": []}  # nothing added
    other("/%s/removeDevelopers" % app_id, {"developers": ["user-ghost", "org-ghosts", "PUBLIC"]})  # not listed
    assert other("/%s/listDevelopers" % app_id) == {"developers": ["user-bob"]}
    for method, body in [("addDevelopers", {}), ("addDevelopers", {"developers": ["bob"]}),
                         ("addDevelopers", {"developers": ["PUBLIC"]}),
                         ("addAuthorizedUsers", {"authorizedUsers": "PUBLIC"}), ("addCategories", {}),
                         ("addTags", {"tags": [1]}), ("publish", {"makeDefault": "yes"})]:
        fails("InvalidInput", 422, other, "/%s/%s" % (app_id, method), body)


def test_public_app_and_org_find_apps(env):
    _, api, other, _, aid = env
    app_id = new_app(api, aid, authorizedUsers=["PUBLIC"])
    api("/%s/publish" % app_id, {"makeDefault": True})
    assert other("/app-mapper/describe")["id"] == app_id
    assert [r["id"] for r in other("/system/findApps")["results"]] == [app_id]
    api("/org/new", {"handle": "lab", "name": "Lab"})
    org_app = new_app(api, aid, name="orgtool", billTo="org-lab")
    assert [r["id"] for r in api("/org-lab/findApps")["results"]] == [org_app]
    fails("PermissionDenied", 401, other, "/org-lab/findApps")
    fails("ResourceNotFound", 404, api, "/org-nothing/findApps")


def test_find_apps_filters_and_paging(env):
    _, api, other, _, aid = env
    one = new_app(api, aid, categories=["Mapping"])
    two = new_app(api, aid, "2.0.0")
    api("/%s/publish" % two, {"makeDefault": True})
    other_app = new_app(api, aid, name="caller")

    def found(query):
        return [r["id"] for r in api("/system/findApps", query)["results"]]
    assert found({}) == [other_app, two]  # one version per name: the default one
    assert found({"allVersions": True}) == [other_app, two, one]
    assert found({"published": True}) == [two]
    assert found({"published": False, "allVersions": True}) == [other_app, one]
    assert found({"name": "mapper", "allVersions": True}) == [two, one]
    assert found({"name": {"glob": "c*"}}) == [other_app]
    assert found({"category": "Mapping", "allVersions": True}) == [one]
    assert found({"createdBy": "user-bob"}) == []
    assert found({"developer": "user-alice", "billTo": "user-alice"}) == [other_app, two]
    assert found({"authorizedUser": "user-bob"}) == []
    assert found({"created": {"after": 0}}) == [other_app, two]
    page = api("/system/findApps", {"allVersions": True, "limit": 2, "describe": {"fields": {"version": True}}})
    assert page["next"] == one and page["results"][1]["describe"] == {"id": two, "version": "2.0.0"}
    assert found({"allVersions": True, "starting": page["next"]}) == [one]
    assert other("/system/findApps")["results"] == []
    for query in ({"allVersions": "yes"}, {"published": 1}, {"limit": 0}, {"category": 3}, {"billTo": 3},
                  {"starting": "app-" + "B" * 24}, {"describe": "yes"}, {"name": {"like": "x"}}):
        fails("InvalidInput", 422, api, "/system/findApps", query)


def test_global_workflows(env):
    platform, api, other, pid, aid = env
    wid = api("/workflow/new", {"project": pid, "name": "flow", "stages": [{"id": "s", "executable": aid}]})["id"]
    gid = api("/globalworkflow/new", {"name": "pipeline", "version": "0.1.0", "title": "Pipeline",
                                      "regionalOptions": {"aws:us-east-1": {"workflow": wid}}})["id"]
    desc = api("/globalworkflow-pipeline/0.1.0/describe")
    assert desc["id"] == gid and desc["class"] == "globalworkflow" and desc["title"] == "Pipeline"
    underlying = desc["regionalOptions"]["aws:us-east-1"]["workflow"]
    assert underlying != wid
    assert api("/%s/describe" % underlying)["stages"][0]["id"] == "s"
    api("/%s/update" % gid, {"summary": "runs"})
    api("/%s/publish" % gid, {"makeDefault": True})
    assert api("/globalworkflow-pipeline/describe")["summary"] == "runs"
    fails("InvalidState", 422, api, "/%s/update" % gid, {"summary": "late"})
    assert [r["id"] for r in api("/system/findGlobalWorkflows", {"published": True})["results"]] == [gid]
    assert api("/system/findApps")["results"] == []
    api("/%s/addAuthorizedUsers" % gid, {"authorizedUsers": ["user-bob"]})
    assert other("/globalworkflow-pipeline/describe")["id"] == gid
    fails("InvalidInput", 422, api, "/globalworkflow/new", {"name": "p2", "version": "1.0.0"})
    fails("InvalidInput", 422, api, "/globalworkflow/new", {"name": "p2", "version": "1.0.0", "workflow": aid})
    fails("InvalidInput", 422, api, "/globalworkflow/new",
          {"name": "pipeline", "version": "0.1.0", "workflow": wid})


def test_apps_over_http(dx_emulator):
    pid = dx_emulator.project_id
    aid = dxpy.api.applet_new({"project": pid, "name": "tool", "dxapi": "1.0.0", "runSpec": RUN_SPEC,
                               "inputSpec": IN_SPEC, "outputSpec": OUT_SPEC})["id"]
    app_id = dxpy.api.app_new({"applet": aid, "name": "httpapp", "version": "1.0.0"})["id"]
    assert dxpy.api.app_describe("app-httpapp", alias="1.0.0")["id"] == app_id
    dxpy.api.app_publish(app_id, input_params={"makeDefault": True})
    assert dxpy.api.app_describe("app-httpapp")["version"] == "1.0.0"
    assert dxpy.api.app_list_categories("app-httpapp", alias="default") == {"categories": []}
    with pytest.raises(dxpy.exceptions.DXAPIError) as info:
        dxpy.api.app_new({"applet": aid, "name": "httpapp", "version": "1.0.0"})
    assert info.value.name == "InvalidInput"
    with pytest.raises(dxpy.exceptions.DXAPIError) as info:
        dxpy.api.app_describe("app-httpapp", alias="9.9.9", always_retry=False)
    assert info.value.name == "ResourceNotFound"
    found = dxpy.api.system_find_apps({"name": "httpapp", "describe": True})["results"]
    assert found[0]["describe"]["published"] > 0
