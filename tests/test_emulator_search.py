"""dxpy.emulator.model: /system/find*, resolveDataObjects and describeDataObjects."""
import pytest

from emulator_model_helpers import fails, make_platform


@pytest.fixture
def env():
    platform, api, other = make_platform()
    pid = api.project("main", tags=["big"])
    api("/%s/newFolder" % pid, {"folder": "/sub/deeper", "parents": True})
    ids = {
        "alpha": api.record(pid, name="alpha.txt", types=["Text"], tags=["a", "b"], properties={"k": "1"}),
        "beta": api.record(pid, name="beta.csv", folder="/sub", tags=["b"], close=True),
        "gamma": api.record(pid, name="gamma.txt", folder="/sub/deeper", properties={"k": "2"}),
        "ghost": api.record(pid, name="ghost", hidden=True),
    }
    return api, other, pid, ids


def found(api, query):
    return sorted(result["id"] for result in api("/system/findDataObjects", query)["results"])


def test_find_by_fields(env):
    api, _, pid, ids = env
    assert found(api, {}) == sorted([ids["alpha"], ids["beta"], ids["gamma"]])
    assert found(api, {"name": "beta.csv"}) == [ids["beta"]]
    assert found(api, {"name": {"glob": "*.txt"}}) == sorted([ids["alpha"], ids["gamma"]])
    assert found(api, {"name": {"regexp": "^g"}}) == [ids["gamma"]]
    assert found(api, {"name": {"regexp": "^G", "flags": "i"}}) == [ids["gamma"]]
    assert found(api, {"state": "closed"}) == [ids["beta"]]
    assert found(api, {"class": "file"}) == []
    assert found(api, {"type": "Text"}) == [ids["alpha"]]
    assert found(api, {"tags": "b"}) == sorted([ids["alpha"], ids["beta"]])
    assert found(api, {"tags": {"$and": ["a", "b"]}}) == [ids["alpha"]]
    assert found(api, {"properties": {"k": "2"}}) == [ids["gamma"]]
    assert found(api, {"properties": {"k": True}}) == sorted([ids["alpha"], ids["gamma"]])
    assert found(api, {"visibility": "hidden"}) == [ids["ghost"]]
    assert len(found(api, {"visibility": "either"})) == 4
    assert found(api, {"id": [ids["alpha"], ids["ghost"]]}) == [ids["alpha"]]


def test_find_scope_and_times(env):
    api, _, pid, ids = env
    assert found(api, {"scope": {"project": pid, "folder": "/sub"}}) == sorted([ids["beta"], ids["gamma"]])
    assert found(api, {"scope": {"project": pid, "folder": "/sub", "recurse": False}}) == [ids["beta"]]
    created = api("/%s/describe" % ids["gamma"])["created"]
    assert ids["gamma"] in found(api, {"created": {"after": created}})
    assert found(api, {"created": {"before": created - 100000}}) == []
    assert found(api, {"modified": {"after": created + 100000}}) == []


def test_find_describe_and_paging(env):
    api, _, pid, ids = env
    result = api("/system/findDataObjects", {"name": "alpha.txt", "describe": {"fields": {"name": True}}})
    assert result == {"results": [{"project": pid, "id": ids["alpha"],
                                   "describe": {"id": ids["alpha"], "name": "alpha.txt"}}], "next": None}
    seen, query = [], {"limit": 2, "visibility": "either"}
    while True:
        page = api("/system/findDataObjects", query)
        assert len(page["results"]) <= 2
        seen.extend(item["id"] for item in page["results"])
        if page["next"] is None:
            break
        query["starting"] = page["next"]
    assert sorted(seen) == sorted(ids.values())


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": "5"}, {"name": 3}, {"name": {"fuzzy": "x"}},
                                   {"name": {"regexp": "("}}, {"tags": ["a"]}, {"visibility": "all"},
                                   {"scope": {"folder": "/"}}, {"created": {"after": "yesterday"}},
                                   {"starting": {"project": "x", "id": "y"}}, {"describe": "yes"},
                                   {"properties": {"k": 1}}])
def test_find_bad_input(env, query):
    api = env[0]
    fails("InvalidInput", 422, api, "/system/findDataObjects", query)


def test_find_hides_other_users_data(env):
    api, other, pid, _ = env
    assert other("/system/findDataObjects", {})["results"] == []
    fails("PermissionDenied", 401, other, "/system/findDataObjects", {"scope": {"project": pid}})
    assert other("/system/findProjects", {})["results"] == []


def test_find_projects(env):
    api, _, pid, _ = env
    second = api.project("second")
    result = api("/system/findProjects", {"name": "main", "describe": {"fields": {"name": True}}})
    assert result == {"results": [{"id": pid, "level": "ADMINISTER", "permissionSources": ["user-alice"],
                                   "public": False, "describe": {"id": pid, "name": "main"}}], "next": None}
    assert [r["id"] for r in api("/system/findProjects", {"name": {"glob": "s*"}})["results"]] == [second]
    assert [r["id"] for r in api("/system/findProjects", {"tags": "big"})["results"]] == [pid]
    first_page = api("/system/findProjects", {"limit": 1})
    assert len(first_page["results"]) == 1 and first_page["next"] is not None
    rest = api("/system/findProjects", {"limit": 1, "starting": first_page["next"]})
    assert rest["next"] is None and rest["results"][0]["id"] != first_page["results"][0]["id"]
    fails("InvalidInput", 422, api, "/system/findProjects", {"level": "OWNER"})
    fails("InvalidInput", 422, api, "/system/findProjects", {"starting": 3})


def test_resolve_data_objects(env):
    api, other, pid, ids = env
    result = api("/system/resolveDataObjects", {"project": pid, "objects": [
        {"name": "alpha.txt"}, {"name": "beta.csv", "folder": "/sub"}, {"name": "nothing"}]})
    assert result == {"results": [[{"project": pid, "id": ids["alpha"]}],
                                  [{"project": pid, "id": ids["beta"]}], []]}
    fails("InvalidInput", 422, api, "/system/resolveDataObjects", {"objects": [{"name": "x"}]})
    fails("InvalidInput", 422, api, "/system/resolveDataObjects", {"objects": "x"})
    fails("PermissionDenied", 401, other, "/system/resolveDataObjects", {"project": pid, "objects": [{"name": "x"}]})


def test_describe_data_objects(env):
    api, other, pid, ids = env
    missing = "record-" + "0" * 24
    result = api("/system/describeDataObjects", {"objects": [
        ids["alpha"], {"id": ids["beta"], "describe": {"name": True}},
        {"id": ids["gamma"], "describe": {"fields": {"folder": True}}}, missing]})["results"]
    assert result[0]["describe"]["name"] == "alpha.txt"
    assert result[1] == {"describe": {"id": ids["beta"], "name": "beta.csv"}}
    assert result[2] == {"describe": {"id": ids["gamma"], "folder": "/sub/deeper"}}
    assert result[3]["error"]["type"] == "ResourceNotFound"
    options = api("/system/describeDataObjects", {"objects": [ids["alpha"]],
                                                  "classDescribeOptions": {"record": {"properties": True}}})
    assert options["results"][0]["describe"]["properties"] == {"k": "1"}
    denied = other("/system/describeDataObjects", {"objects": [ids["alpha"]]})["results"][0]
    assert denied["error"]["type"] == "PermissionDenied"
    fails("InvalidInput", 422, api, "/system/describeDataObjects", {"objects": [3]})
    fails("InvalidInput", 422, api, "/system/describeDataObjects", {})


# sortBy, level, region, archivalState, link, tag, nested properties

@pytest.fixture
def timed(env):
    """Three records with distinct created/modified times set by hand (no clock involved)."""
    api, other, pid, _ = env
    project = api.project("timed")
    ids = {}
    for name, created, modified in (("b", 3000, 4000), ("c", 1000, 6000), ("a", 2000, 5000)):
        ids[name] = api.record(project, name=name)
        with api.platform.transaction() as state:
            state["objects"][ids[name]].update({"created": created, "modified": modified})
    return api, other, project, ids


@pytest.mark.parametrize("sort_by, order", [
    ({"field": "created", "ordering": "ascending"}, "cab"),
    ({"field": "created", "ordering": "descending"}, "bac"),
    ({"field": "modified"}, "bac"),
    ({"field": "modified", "ordering": "descending"}, "cab"),
    ({"field": "name", "ordering": "ascending"}, "abc"),
    ({"field": "name", "ordering": "descending"}, "cba"),
])
def test_find_sort_by(timed, sort_by, order):
    api, _, project, ids = timed
    results = api("/system/findDataObjects", {"scope": {"project": project}, "sortBy": sort_by})["results"]
    assert [r["id"] for r in results] == [ids[name] for name in order]


def test_find_default_order_is_latest_modified_first(timed):
    api, _, project, ids = timed
    results = api("/system/findDataObjects", {"scope": {"project": project}})["results"]
    assert [r["id"] for r in results] == [ids["c"], ids["a"], ids["b"]]


def test_find_sorted_pages(timed):
    api, _, project, ids = timed
    query = {"scope": {"project": project}, "sortBy": {"field": "name", "ordering": "descending"}, "limit": 2}
    first = api("/system/findDataObjects", query)
    assert first["next"] == {"project": project, "id": ids["a"]}
    rest = api("/system/findDataObjects", dict(query, starting=first["next"]))
    assert [r["id"] for r in first["results"] + rest["results"]] == [ids["c"], ids["b"], ids["a"]]


@pytest.mark.parametrize("query", [{"sortBy": {"field": "size"}}, {"sortBy": {"ordering": "ascending"}},
                                   {"sortBy": {"field": "name", "ordering": "up"}}, {"sortBy": "name"},
                                   {"level": "OWNER"}, {"archivalState": "frozen"}, {"region": 5},
                                   {"region": [5]}, {"link": 5}, {"tag": ["a"]},
                                   {"properties": {"$and": "x"}}, {"properties": {"$or": []}},
                                   {"properties": {"$and": [{"k": 1}]}}])
def test_find_more_bad_input(env, query):
    fails("InvalidInput", 422, env[0], "/system/findDataObjects", query)


def test_find_by_level_in_shared_projects(env):
    api, other, pid, ids = env
    api("/%s/invite" % pid, {"invitee": other.user, "level": "VIEW"})
    own = other.record(other.project("own"), name="own")
    assert sorted(found(other, {})) == sorted([ids["alpha"], ids["beta"], ids["gamma"], own])
    assert found(other, {"level": "UPLOAD"}) == [own]
    assert found(other, {"scope": {"project": pid, "folder": "/sub", "recurse": False}}) == [ids["beta"]]
    fails("PermissionDenied", 401, other, "/system/findDataObjects", {"scope": {"project": pid}, "level": "UPLOAD"})


def test_find_by_region_archival_link_tag_properties(env):
    api, _, pid, ids = env
    elsewhere = api.project("elsewhere", region="azure:westus")
    far = api.record(elsewhere, name="far", details={"ref": {"$dnanexus_link": ids["alpha"]}})
    assert found(api, {"region": "azure:westus"}) == [far]
    assert far not in found(api, {"region": ["aws:us-east-1"]})
    assert found(api, {"link": ids["alpha"]}) == [far]
    assert found(api, {"tag": "a"}) == [ids["alpha"]]
    fid = api("/file/new", {"project": pid, "name": "cold.txt"})["id"]
    with api.platform.transaction() as state:
        state["objects"][fid]["archivalState"] = "archived"
    assert found(api, {"archivalState": "archived"}) == [fid]
    assert fid not in found(api, {"archivalState": "live"}) and ids["alpha"] in found(api, {"archivalState": "live"})
    assert found(api, {"properties": {"$or": [{"k": "1"}, {"k": "2"}]}}) == sorted([ids["alpha"], ids["gamma"]])
    assert found(api, {"properties": {"$and": [{"k": True}, {"k": "2"}]}}) == [ids["gamma"]]


def projects(api, query):
    return sorted(result["id"] for result in api("/system/findProjects", query)["results"])


def test_find_projects_filters(env):
    api, other, pid, _ = env
    api("/org/new", {"handle": "searchers", "name": "S"})
    billed = api.project("billed", billTo="org-searchers", containsPHI=True, region="aws:eu-central-1")
    shared = other.project("theirs", properties={"p": "v"})
    other("/%s/invite" % shared, {"invitee": api.user, "level": "UPLOAD"})
    assert projects(api, {"billTo": "org-searchers"}) == [billed]
    assert projects(api, {"billTo": [api.user, "org-searchers"]}) == sorted([pid, billed])
    assert projects(api, {"region": "aws:eu-central-1"}) == [billed]
    assert projects(api, {"containsPHI": True}) == [billed]
    assert projects(api, {"level": "CONTRIBUTE"}) == sorted([pid, billed])
    assert projects(api, {"level": "UPLOAD", "properties": {"p": True}}) == [shared]
    assert projects(api, {"id": [shared, "project-" + "0" * 24]}) == [shared]
    created = api("/%s/describe" % shared)["created"]
    assert shared in projects(api, {"created": {"after": created}})
    assert projects(api, {"created": {"before": created - 100000}}) == []
    entry = api("/system/findProjects", {"id": [shared]})["results"][0]
    assert entry == {"id": shared, "level": "UPLOAD", "permissionSources": [api.user], "public": False}
    assert shared in projects(api, {"explicitPermission": True})
    assert projects(api, {"public": True}) == []


@pytest.mark.parametrize("query", [{"explicitPermission": "yes"}, {"public": 1}, {"billTo": 5},
                                   {"region": {"aws": 1}}, {"containsPHI": "no"}, {"id": "project-x"},
                                   {"describe": 1}, {"tags": 3}, {"properties": {"$or": "x"}}])
def test_find_projects_bad_input(env, query):
    fails("InvalidInput", 422, env[0], "/system/findProjects", query)


def test_find_over_http_with_sort_and_sharing(dx_emulator):
    import dxpy

    pid = dx_emulator.project_id
    first = dxpy.api.record_new({"project": pid, "name": "zeta"})["id"]
    second = dxpy.api.record_new({"project": pid, "name": "alpha"})["id"]
    by_name = dxpy.api.system_find_data_objects({"scope": {"project": pid},
                                                 "sortBy": {"field": "name", "ordering": "ascending"},
                                                 "describe": {"fields": {"name": True}}})["results"]
    assert [(r["id"], r["describe"]["name"]) for r in by_name] == [(second, "alpha"), (first, "zeta")]
    bob, _ = dx_emulator.add_user("bob")
    dxpy.api.project_invite(pid, {"invitee": bob, "level": "CONTRIBUTE"})
    desc = dxpy.api.system_find_projects({"id": [pid], "describe": {"fields": {"permissions": True}}})["results"]
    assert desc[0]["describe"]["permissions"] == {dx_emulator.user_id: "ADMINISTER", bob: "CONTRIBUTE"}
    with pytest.raises(dxpy.exceptions.InvalidInput):
        dxpy.api.system_find_data_objects({"sortBy": {"field": "size"}})
