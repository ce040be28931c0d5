"""dxpy.emulator.model: files closing, findJobs / findExecutions, and clone."""
import time

import pytest

from dxpy.emulator.model.jobs import add_job
from emulator_model_helpers import fails, make_platform


@pytest.fixture
def env():
    platform, api, other = make_platform()
    return platform, api, other, api.project()


def closed_file(platform, api, pid, data=b"abc", **fields):
    fields["project"] = pid
    fid = api("/file/new", fields)["id"]
    platform.store_part(fid, 1, data)
    api("/%s/close" % fid)
    return fid


# Files: close -> closing -> closed

def test_file_close_passes_through_closing(env):
    platform, api, _, pid = env
    platform.options.close_delay = 0.2
    fid = api("/file/new", {"project": pid})["id"]
    platform.store_part(fid, 1, b"abc")
    api("/%s/close" % fid)
    desc = api("/%s/describe" % fid)
    assert desc["state"] == "closing" and desc["size"] == 3
    assert not any(key.startswith("_") for key in desc)
    fails("InvalidState", 422, api, "/%s/download" % fid)
    fails("InvalidState", 422, api, "/%s/upload" % fid, {"index": 2})
    fails("InvalidState", 422, api, "/%s/close" % fid)
    fails("InvalidState", 422, platform.read_file, fid)
    found = api("/system/findDataObjects", {"state": "closing", "describe": True})["results"]
    assert [r["id"] for r in found] == [fid] and found[0]["describe"]["state"] == "closing"
    time.sleep(0.25)
    listing = api("/%s/listFolder" % pid, {"describe": True})["objects"]
    assert listing[0]["describe"]["state"] == "closed"
    assert platform.read_file(fid) == b"abc"
    fails("InvalidState", 422, api, "/%s/upload" % fid, {"index": 2})


def test_file_close_without_delay_reads_closed(env):
    platform, api, _, pid = env
    fid = closed_file(platform, api, pid)
    assert api("/%s/describe" % fid)["state"] == "closed"
    assert "/%s?" % fid in api("/%s/download" % fid)["url"]


def test_record_closes_at_once(env):
    platform, api, _, pid = env
    platform.options.close_delay = 10
    rid = api.record(pid)
    api("/%s/close" % rid)
    assert api("/%s/describe" % rid)["state"] == "closed"


# findJobs / findExecutions

def jobs_env(env):
    platform, api, other, pid = env
    base = 1000000
    with platform.transaction() as state:
        jobs = _add_jobs(state, api, other, pid, base)
    return dict((name, job["id"]) for name, job in jobs.items()), base


def _add_jobs(state, api, other, pid, base):
    return {
        "root": add_job(state, {"id": "job-" + "B" * 24, "name": "align reads",
                                         "launchedBy": api.user, "project": pid, "state": "done",
                                         "executable": "applet-" + "F" * 24, "created": base,
                                         "tags": ["t1"], "properties": {"k": "v"}}),
        "child": add_job(state, {"id": "job-" + "G" * 24, "name": "sub",
                                "launchedBy": api.user, "project": pid, "state": "running",
                                "parentJob": "job-" + "B" * 24,
                                "origin": "job-" + "B" * 24, "created": base + 10}),
        "analysis": add_job(state, {"id": "analysis-" + "J" * 24, "name": "flow",
                                    "launchedBy": api.user, "project": pid,
                                    "created": base + 20}),
        "stage": add_job(state, {"id": "job-" + "K" * 24, "name": "stage",
                                "launchedBy": api.user, "project": pid,
                                "parentAnalysis": "analysis-" + "J" * 24,
                                "created": base + 30}),
        "foreign": add_job(state, {"id": "job-" + "P" * 24, "launchedBy": other.user,
                                   "project": other.project(), "created": base + 40}),
    }


def test_find_jobs_empty(env):
    _, api, _, _ = env
    assert api("/system/findJobs") == {"results": [], "next": None}
    assert api("/system/findExecutions", {}) == {"results": [], "next": None}


def test_add_job_defaults_and_checks(env):
    platform, _, _, _ = env
    with platform.transaction() as state:
        job = add_job(state, {"id": "job-" + "Q" * 24})
        fails("InvalidInput", 422, add_job, state, {"id": "record-" + "Q" * 24})
        fails("InvalidInput", 422, add_job, state, {})
    assert (job["class"], job["state"], job["origin"], job["parentJob"]) == ("job", "idle", job["id"], None)


@pytest.mark.parametrize("query, expected", [
    ({}, ["stage", "child", "root"]),
    ({"launchedBy": "user-alice"}, ["stage", "child", "root"]),
    ({"executable": "applet-" + "F" * 24}, ["root"]),
    ({"state": "running"}, ["child"]),
    ({"state": ["done", "running"]}, ["child", "root"]),
    ({"origin": "job-" + "B" * 24}, ["child", "root"]),
    ({"parentJob": "job-" + "B" * 24}, ["child"]),
    ({"parentJob": None}, ["stage", "root"]),
    ({"parentAnalysis": "analysis-" + "J" * 24}, ["stage"]),
    ({"includeSubjobs": False}, ["stage", "root"]),
    ({"name": "sub"}, ["child"]),
    ({"name": {"glob": "al*"}}, ["root"]),
    ({"tags": "t1"}, ["root"]),
    ({"properties": {"k": "v"}}, ["root"]),
    ({"created": {"after": 1000005, "before": 1000025}}, ["child"]),
])
def test_find_jobs_filters(env, query, expected):
    ids, _ = jobs_env(env)
    api = env[1]
    results = api("/system/findJobs", query)["results"]
    assert [r["id"] for r in results] == [ids[name] for name in expected]


def test_find_jobs_project_and_executions(env):
    ids, _ = jobs_env(env)
    _, api, other, pid = env
    assert len(api("/system/findJobs", {"project": pid})["results"]) == 3
    found = [r["id"] for r in api("/system/findExecutions")["results"]]
    assert found == [ids[name] for name in ("stage", "analysis", "child", "root")]
    assert [r["id"] for r in other("/system/findJobs")["results"]] == [ids["foreign"]]


def test_find_jobs_describe_and_paging(env):
    ids, _ = jobs_env(env)
    api = env[1]
    first = api("/system/findJobs", {"limit": 2, "describe": {"fields": {"state": True}}})
    assert [r["id"] for r in first["results"]] == [ids["stage"], ids["child"]]
    assert first["results"][1]["describe"] == {"id": ids["child"], "state": "running"}
    assert first["next"] == ids["root"]
    second = api("/system/findJobs", {"limit": 2, "starting": first["next"], "describe": True})
    assert [r["id"] for r in second["results"]] == [ids["root"]] and second["next"] is None
    assert second["results"][0]["describe"]["name"] == "align reads"
    assert second["results"][0]["describe"]["properties"] == {"k": "v"}  # jobs describe their properties by default


@pytest.mark.parametrize("query, field", [
    ({"launchedBy": 3}, "launchedBy"), ({"state": [1]}, "state"), ({"state": {}}, "state"),
    ({"parentJob": 5}, "parentJob"), ({"created": []}, "created"),
    ({"created": {"after": "x"}}, "after"), ({"includeSubjobs": "no"}, "includeSubjobs"),
    ({"limit": 0}, "limit"), ({"starting": 1}, "starting"), ({"describe": "yes"}, "describe"),
    ({"tags": 1}, "tags"), ({"name": 1}, "name"),
])
def test_find_jobs_bad_input(env, query, field):
    error = fails("InvalidInput", 422, env[1], "/system/findJobs", query)
    assert field in error.message


def test_find_jobs_unknown_starting(env):
    jobs_env(env)
    fails("InvalidInput", 422, env[1], "/system/findJobs", {"starting": "job-" + "Z" * 24})


# clone

def test_clone_objects_and_folders(env):
    platform, api, _, pid = env
    dest = api.project("dest")
    api("/%s/newFolder" % pid, {"folder": "/data/deep", "parents": True})
    rid = api.record(pid, name="top", close=True)
    fid = closed_file(platform, api, pid, folder="/data/deep", name="reads")
    answer = api("/%s/clone" % pid, {"project": dest, "objects": [rid], "folders": ["/data"],
                                     "destination": "/in", "parents": True})
    assert answer == {"id": pid, "project": dest, "exists": []}
    assert api("/%s/listFolder" % dest, {"folder": "/in"}) == {"objects": [{"id": rid}], "folders": ["/in/data"]}
    assert api("/%s/listFolder" % dest, {"folder": "/in/data/deep"})["objects"] == [{"id": fid}]
    assert api("/%s/describe" % fid, {"project": dest})["project"] == dest
    assert api("/%s/describe" % fid, {"project": pid})["folder"] == "/data/deep"
    assert api("/%s/listProjects" % rid) == {pid: "ADMINISTER", dest: "ADMINISTER"}
    found = api("/system/findDataObjects", {"id": [rid]})["results"]
    assert sorted(r["project"] for r in found) == sorted([pid, dest])
    again = api("/%s/clone" % pid, {"project": dest, "objects": [rid, rid], "destination": "/in"})
    assert again["exists"] == [rid]


def test_clone_copies_are_independent(env):
    platform, api, _, pid = env
    dest = api.project("dest")
    fid = closed_file(platform, api, pid, name="a")
    api("/%s/clone" % pid, {"project": dest, "objects": [fid]})
    api("/%s/rename" % fid, {"project": dest, "name": "b"})
    assert api("/%s/describe" % fid, {"project": pid})["name"] == "a"
    api("/%s/removeObjects" % pid, {"objects": [fid]})
    assert api("/%s/describe" % fid)["project"] == dest
    assert platform.read_file(fid) == b"abc"
    api("/%s/removeObjects" % dest, {"objects": [fid]})
    fails("ResourceNotFound", 404, api, "/%s/describe" % fid)


def test_clone_from_container(env):
    platform, api, _, pid = env
    cid = platform.new_container(api.user)
    rid = api.record(cid, close=True)
    assert api("/%s/clone" % cid, {"project": pid, "objects": [rid]})["project"] == pid
    assert api("/%s/listFolder" % pid)["objects"] == [{"id": rid}]


def test_clone_errors(env):
    platform, api, other, pid = env
    dest = api.project("dest")
    open_rid = api.record(pid)
    rid = api.record(pid, close=True)
    fails("InvalidState", 422, api, "/%s/clone" % pid, {"project": dest, "objects": [open_rid]})
    fails("ResourceNotFound", 404, api, "/%s/clone" % pid, {"project": dest, "objects": ["record-" + "Z" * 24]})
    fails("ResourceNotFound", 404, api, "/%s/clone" % pid, {"project": dest, "folders": ["/nope"]})
    fails("ResourceNotFound", 404, api, "/%s/clone" % pid, {"project": "project-" + "Z" * 24, "objects": [rid]})
    fails("PermissionDenied", 401, api, "/%s/clone" % pid, {"project": other.project(), "objects": [rid]})
    fails("PermissionDenied", 401, other, "/%s/clone" % pid, {"project": dest, "objects": [rid]})
    fails("ResourceNotFound", 404, api, "/%s/clone" % pid, {"project": dest, "objects": [rid],
                                                             "destination": "/missing"})
    fails("InvalidInput", 422, api, "/%s/clone" % pid, {"objects": [rid]})
    fails("InvalidInput", 422, api, "/%s/clone" % pid, {"project": pid, "objects": [rid]})
    fails("InvalidInput", 422, api, "/%s/clone" % pid, {"project": dest, "objects": "x"})
    fails("InvalidInput", 422, api, "/%s/clone" % pid, {"project": dest, "folders": ["/"]})
    fails("InvalidInput", 422, api, "/%s/clone" % pid, {"project": dest, "parents": "yes"})
    assert api("/%s/listFolder" % dest)["objects"] == []
