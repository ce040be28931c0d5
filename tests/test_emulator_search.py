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
