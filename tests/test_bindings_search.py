"""dxpy.bindings.search against the emulator: the payloads sent (as dxpy 0.417.1 sends them),
the results, paging, return_handler, time forms and wrong inputs."""
import copy
import datetime
import time

import pytest

import dxpy
import dxpy.api
from dxpy.bindings import search
from dxpy.exceptions import DXError, DXSearchError

DAY_MS = 86400 * 1000
H = "C" * 24


@pytest.fixture
def sent(monkeypatch):
    """``sent[route_function_name]`` lists the inputs passed to that dxpy.api function (as they
    were at call time); the calls still go to the emulator."""
    log = {}

    def wrap(name):
        real = getattr(dxpy.api, name)

        def spy(*args, **kwargs):
            log.setdefault(name, []).append(copy.deepcopy(args[-1] if args else kwargs.get("input_params")))
            return real(*args, **kwargs)
        monkeypatch.setattr(dxpy.api, name, spy)

    for name in ("system_find_data_objects", "system_find_projects", "system_find_executions",
                 "system_resolve_data_objects", "system_find_apps", "system_find_global_workflows",
                 "system_find_orgs", "org_find_members", "org_find_projects", "org_find_apps"):
        wrap(name)
    return log


def _set_times(emu, object_id, created=None, modified=None, table="objects"):
    with emu.platform.transaction() as state:
        entry = state[table][object_id]
        if created is not None:
            entry["created"] = created
        if modified is not None:
            entry["modified"] = modified


def new_record(emu, name, folder="/", project=None, **fields):
    payload = {"project": project or emu.project_id, "name": name, "folder": folder, "parents": True}
    payload.update(fields)
    return dxpy.api.record_new(payload)["id"]


@pytest.fixture
def objects(dx_emulator):
    """A small tree of records and files in the emulator project."""
    emu = dx_emulator
    ids = {
        "alpha": new_record(emu, "alpha.txt", tags=["red", "big"], properties={"kind": "a", "n": "1"},
                            types=["Reads"]),
        "beta": new_record(emu, "beta.txt", tags=["red"], properties={"kind": "b"}),
        "gamma": new_record(emu, "gamma.csv", folder="/sub", tags=["big"]),
        "delta": new_record(emu, "delta.csv", folder="/sub/deep", hidden=True),
    }
    ids["file"] = dxpy.api.file_new({"project": emu.project_id, "name": "data.bin", "folder": "/"})["id"]
    dxpy.api.record_close(ids["beta"])
    now = int(time.time() * 1000)
    _set_times(emu, ids["alpha"], created=now - 30 * DAY_MS, modified=now - 20 * DAY_MS)
    _set_times(emu, ids["gamma"], created=now - 3 * DAY_MS, modified=now - 3 * DAY_MS)
    return ids


def found_ids(results):
    return sorted(r["id"] for r in results)


# find_data_objects

def test_find_data_objects_payload_has_every_filter(dx_emulator, sent):
    project = dx_emulator.project_id
    list(search.find_data_objects(
        classname="record", state="closed", visibility="either", name="x*", name_mode="glob",
        properties={"k": "v"}, typename="Reads", tags=["t1", "t2"], link="file-" + H, project=project,
        folder="/a", recurse=False, modified_after=1000, modified_before=2000, created_after=3000,
        created_before=4000, describe={"fields": {"name": True}}, limit=7, level="VIEW", region="aws:us-east-1",
        archival_state="live", first_page_size=3))
    assert sent["system_find_data_objects"] == [{
        "class": "record", "state": "closed", "visibility": "either", "name": {"glob": "x*"},
        "properties": {"k": "v"}, "type": "Reads", "tags": {"$and": ["t1", "t2"]}, "link": "file-" + H,
        "scope": {"project": project, "folder": "/a", "recurse": False},
        "modified": {"after": 1000, "before": 2000}, "created": {"after": 3000, "before": 4000},
        "describe": {"fields": {"name": True}}, "limit": 7, "level": "VIEW", "region": "aws:us-east-1",
        "archivalState": "live"}]


def test_find_data_objects_default_payload(dx_emulator, sent, objects):
    results = list(search.find_data_objects())
    assert sent["system_find_data_objects"] == [{"limit": 100}]
    # hidden objects are not found by default
    assert found_ids(results) == sorted(objects[k] for k in ("alpha", "beta", "gamma", "file"))
    assert all(r["project"] == dx_emulator.project_id for r in results)
    assert all(set(r) == {"id", "project"} for r in results)


def test_find_data_objects_filters(dx_emulator, objects):
    ids = objects

    def find(**kwargs):
        return found_ids(search.find_data_objects(**kwargs))

    def expect(*names):
        return sorted(ids[n] for n in names)

    assert find(classname="file") == expect("file")
    assert find(classname="record", state="closed") == expect("beta")
    assert find(visibility="hidden") == expect("delta")
    assert find(visibility="either", classname="record") == expect("alpha", "beta", "gamma", "delta")
    assert find(name="alpha.txt") == expect("alpha")
    assert find(name="*.csv", name_mode="glob", visibility="either") == expect("gamma", "delta")
    assert find(name="^(alpha|beta)", name_mode="regexp") == expect("alpha", "beta")
    assert find(properties={"kind": "a"}) == expect("alpha")
    assert find(properties={"kind": True}) == expect("alpha", "beta")
    assert find(typename="Reads") == expect("alpha")
    assert find(tags=["red"]) == expect("alpha", "beta")
    assert find(tags=["red", "big"]) == expect("alpha")
    assert find(project=dx_emulator.project_id, folder="/sub", visibility="either") == expect("gamma", "delta")
    assert find(project=dx_emulator.project_id, folder="/sub", recurse=False) == expect("gamma")


def test_find_data_objects_single_tag(dx_emulator, objects, sent):
    assert found_ids(search.find_data_objects(tag="big")) == sorted([objects["alpha"], objects["gamma"]])
    assert sent["system_find_data_objects"][0]["tag"] == "big"


def test_find_data_objects_folder_without_project_uses_workspace(dx_emulator, objects, sent, monkeypatch):
    assert found_ids(search.find_data_objects(folder="/sub", recurse=True)) == [objects["gamma"]]
    assert sent["system_find_data_objects"][0]["scope"] == {
        "project": dx_emulator.project_id, "folder": "/sub", "recurse": True}
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)
    with pytest.raises(DXError, match="project is not specified"):
        search.find_data_objects(folder="/sub")
    with pytest.raises(DXError, match="project is not specified"):
        search.find_data_objects(recurse=False)


def test_find_data_objects_describe(dx_emulator, objects):
    results = list(search.find_data_objects(name="alpha.txt", describe=True))
    assert results[0]["describe"]["name"] == "alpha.txt"
    assert results[0]["describe"]["tags"] == ["red", "big"]
    results = list(search.find_data_objects(name="alpha.txt", describe={"fields": {"name": True}}))
    assert results[0]["describe"]["name"] == "alpha.txt" and "tags" not in results[0]["describe"]
    assert "describe" not in list(search.find_data_objects(name="alpha.txt", describe=False))[0]


def test_find_data_objects_times(dx_emulator, objects, sent):
    now = int(time.time() * 1000)

    def find(**kwargs):
        return found_ids(search.find_data_objects(classname="record", **kwargs))

    recent = sorted([objects["beta"], objects["gamma"]])
    assert find(created_after="-1w") == recent
    assert find(created_before="-7d") == [objects["alpha"]]
    assert find(created_after=-7 * DAY_MS) == recent
    assert find(created_after=now - 7 * DAY_MS) == recent
    assert find(modified_before="-10d") == [objects["alpha"]]
    assert find(modified_after="-10d", modified_before="-1d") == [objects["gamma"]]
    # a suffixed number without "-" counts from the epoch, as in dxpy: "2w" is 1970-01-15
    assert find(created_after="2w") == sorted([objects["alpha"], objects["beta"], objects["gamma"]])
    assert find(created_before="2w") == []
    assert sent["system_find_data_objects"][-1]["created"] == {"before": 14 * DAY_MS}
    # relative forms are sent as absolute ms
    after = sent["system_find_data_objects"][0]["created"]["after"]
    assert abs(after - (now - 7 * DAY_MS)) < 60 * 1000


def test_find_data_objects_datetime(dx_emulator, objects, sent):
    cutoff = datetime.datetime.now() - datetime.timedelta(days=7)
    assert found_ids(search.find_data_objects(classname="record", created_before=cutoff)) == [objects["alpha"]]
    after = sent["system_find_data_objects"][0]["created"]["before"]
    assert abs(after - int(cutoff.timestamp() * 1000)) <= 1000


def test_find_data_objects_paging(dx_emulator, sent):
    ids = [new_record(dx_emulator, "page%d" % i, folder="/paging") for i in range(11)]
    results = list(search.find_data_objects(project=dx_emulator.project_id, folder="/paging", first_page_size=2))
    assert found_ids(results) == sorted(ids)
    assert len(results) == 11
    calls = sent["system_find_data_objects"]
    assert [c["limit"] for c in calls] == [2, 4, 8]
    assert "starting" not in calls[0]
    assert calls[1]["starting"] and calls[2]["starting"]
    assert calls[1]["starting"]["id"] in ids  # the next page starts at an unseen object


def test_find_data_objects_limit_stops_without_extra_call(dx_emulator, sent):
    for i in range(6):
        new_record(dx_emulator, "lim%d" % i)
    results = list(search.find_data_objects(name="lim*", name_mode="glob", limit=4))
    assert len(results) == 4
    assert sent["system_find_data_objects"] == [{"name": {"glob": "lim*"}, "limit": 4}]
    # limit larger than a page: pages keep doubling until limit results are read
    sent.clear()
    results = list(search.find_data_objects(name="lim*", name_mode="glob", limit=5, first_page_size=1))
    assert len(results) == 5
    assert [c["limit"] for c in sent["system_find_data_objects"]] == [5]


def test_find_data_objects_is_lazy(dx_emulator, sent, objects):
    gen = search.find_data_objects(first_page_size=1)
    assert "system_find_data_objects" not in sent  # nothing asked until iterated
    first = next(gen)
    assert first["id"] in objects.values()
    assert len(sent["system_find_data_objects"]) == 1


def test_find_data_objects_return_handler(dx_emulator, objects):
    from dxpy.bindings.dxrecord import DXRecord
    from dxpy.bindings.dxfile import DXFile
    handlers = list(search.find_data_objects(return_handler=True))
    by_id = dict((h.get_id(), h) for h in handlers)
    assert isinstance(by_id[objects["alpha"]], DXRecord)
    assert isinstance(by_id[objects["file"]], DXFile)
    assert by_id[objects["alpha"]].get_proj_id() == dx_emulator.project_id
    assert by_id[objects["alpha"]].describe()["name"] == "alpha.txt"


def test_find_data_objects_passes_kwargs_to_the_api(dx_emulator, objects):
    # extra keyword arguments go to the API wrapper (and so to DXHTTPRequest)
    assert len(list(search.find_data_objects(name="alpha.txt", always_retry=False, timeout=30))) == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "x", "name_mode": "fuzzy"}, "name_mode"),
    ({"tag": "a", "tags": ["b"]}, "tag"),
    ({"tags": "red"}, "tags"),
    ({"properties": ["kind"]}, "properties"),
    ({"limit": 0}, "limit"),
    ({"limit": "10"}, "limit"),
    ({"first_page_size": 0}, "first_page_size"),
])
def test_find_data_objects_wrong_input_fails_at_call_time(dx_emulator, sent, kwargs, message):
    with pytest.raises(DXError, match=message):
        search.find_data_objects(**kwargs)
    assert sent == {}


def test_find_data_objects_wrong_time(dx_emulator, sent):
    with pytest.raises(ValueError, match="yesterdayish"):
        search.find_data_objects(created_after="yesterdayish")
    with pytest.raises(ValueError):
        search.find_data_objects(modified_before=[1])
    assert sent == {}


# find_one_*

def test_find_one_data_object(dx_emulator, objects, sent):
    one = search.find_one_data_object(name="alpha.txt")
    assert one == {"id": objects["alpha"], "project": dx_emulator.project_id}
    assert sent["system_find_data_objects"][0]["limit"] == 1
    assert search.find_one_data_object(name="*.txt", name_mode="glob")["id"] in (objects["alpha"], objects["beta"])
    handler = search.find_one_data_object(name="alpha.txt", more_ok=False, return_handler=True)
    assert handler.get_id() == objects["alpha"]
    assert sent["system_find_data_objects"][-1]["limit"] == 2


def test_find_one_data_object_errors(dx_emulator, objects):
    with pytest.raises(DXSearchError, match="found none.*nothing-here"):
        search.find_one_data_object(name="nothing-here")
    assert search.find_one_data_object(name="nothing-here", zero_ok=True) is None
    with pytest.raises(DXSearchError, match=r"found more.*\*\.txt"):
        search.find_one_data_object(name="*.txt", name_mode="glob", more_ok=False)
    with pytest.raises(DXError, match="zero_ok"):
        search.find_one_data_object(name="alpha.txt", zero_ok="False")
    with pytest.raises(DXError, match="more_ok"):
        search.find_one_data_object(name="alpha.txt", more_ok="no")


# resolve_data_objects

def test_resolve_data_objects_batches(dx_emulator, sent):
    emu = dx_emulator
    a = new_record(emu, "a")
    b = new_record(emu, "b", folder="/f")
    b2 = new_record(emu, "b", folder="/f")
    specs = [{"name": "a"}, {"name": "b", "folder": "/f"}, {"name": "missing"}, {"name": "b"},
             {"name": "a", "project": emu.project_id, "folder": "/"}]
    results = search.resolve_data_objects(specs, project=emu.project_id, batchsize=2)
    assert len(results) == 5
    assert results[0] == [{"project": emu.project_id, "id": a}]
    assert sorted(r["id"] for r in results[1]) == sorted([b, b2])
    assert results[2] == [] and results[3] == []
    assert results[4] == [{"project": emu.project_id, "id": a}]
    assert sent["system_resolve_data_objects"] == [
        {"project": emu.project_id, "objects": specs[0:2]},
        {"project": emu.project_id, "objects": specs[2:4]},
        {"project": emu.project_id, "objects": specs[4:5]},
    ]


def test_resolve_data_objects_folder_default(dx_emulator, sent):
    b = new_record(dx_emulator, "b", folder="/f")
    results = search.resolve_data_objects([{"name": "b"}], project=dx_emulator.project_id, folder="/f")
    assert results == [[{"project": dx_emulator.project_id, "id": b}]]
    assert sent["system_resolve_data_objects"] == [
        {"project": dx_emulator.project_id, "folder": "/f", "objects": [{"name": "b"}]}]
    assert search.resolve_data_objects([]) == []


@pytest.mark.parametrize("batchsize", [0, -1, 1001, "10", 2.0, None])
def test_resolve_data_objects_wrong_batchsize(dx_emulator, batchsize):
    with pytest.raises(ValueError, match="batchsize"):
        search.resolve_data_objects([{"name": "a"}], batchsize=batchsize)


def test_resolve_data_objects_wrong_objects(dx_emulator):
    with pytest.raises(DXError, match="objects"):
        search.resolve_data_objects("a")


# find_projects

def test_find_projects_payload_has_every_filter(dx_emulator, sent):
    list(search.find_projects(
        name="p.*", name_mode="regexp", properties={"k": True}, tags=["x"], level="VIEW",
        describe=True, explicit_perms=True, region="aws:us-east-1", public=False, created_after=10,
        created_before=20, billed_to="org-acme", limit=3, containsPHI=False, externalUploadRestricted=False))
    assert sent["system_find_projects"] == [{
        "name": {"regexp": "p.*"}, "properties": {"k": True}, "tags": {"$and": ["x"]}, "level": "VIEW",
        "describe": True, "explicitPermission": True, "region": "aws:us-east-1", "public": False,
        "created": {"after": 10, "before": 20}, "billTo": "org-acme", "limit": 3, "containsPHI": False,
        "externalUploadRestricted": False}]


@pytest.fixture
def projects(dx_emulator):
    emu = dx_emulator
    ids = {"main": emu.project_id}
    ids["genomes"] = dxpy.api.project_new({"name": "genomes", "tags": ["seq", "big"],
                                           "properties": {"team": "a"}})["id"]
    ids["genomics"] = dxpy.api.project_new({"name": "genomics", "tags": ["seq"]})["id"]
    ids["other"] = dxpy.api.project_new({"name": "other", "properties": {"team": "b"}})["id"]
    _set_times(emu, ids["genomes"], created=int(time.time() * 1000) - 10 * DAY_MS, table="containers")
    return ids


def test_find_projects_filters(dx_emulator, projects, sent):
    def find(**kwargs):
        return found_ids(search.find_projects(**kwargs))

    def expect(*names):
        return sorted(projects[n] for n in names)

    assert find() == expect("main", "genomes", "genomics", "other")
    assert sent["system_find_projects"][0] == {"limit": 100}
    assert find(name="genomes") == expect("genomes")
    assert find(name="genom*", name_mode="glob") == expect("genomes", "genomics")
    assert find(name="^gen.*s$", name_mode="regexp") == expect("genomes", "genomics")
    assert find(tags=["seq"]) == expect("genomes", "genomics")
    assert find(tags=["seq", "big"]) == expect("genomes")
    assert find(properties={"team": "b"}) == expect("other")
    assert find(properties={"team": True}) == expect("genomes", "other")
    assert find(created_before="-1d") == expect("genomes")
    assert find(created_after="-1d", name="genom*", name_mode="glob") == expect("genomics")
    assert find(level="ADMINISTER") == expect("main", "genomes", "genomics", "other")
    described = list(search.find_projects(name="other", describe=True))
    assert described[0]["describe"]["name"] == "other"


def test_find_projects_paging_and_handlers(dx_emulator, projects, sent):
    from dxpy.bindings.dxproject import DXProject
    handlers = list(search.find_projects(first_page_size=1, return_handler=True))
    assert sorted(h.get_id() for h in handlers) == sorted(projects.values())
    assert all(type(h) is DXProject for h in handlers)
    assert [c["limit"] for c in sent["system_find_projects"]] == [1, 2, 4]
    assert len(list(search.find_projects(limit=2))) == 2


def test_find_one_project(dx_emulator, projects):
    assert search.find_one_project(name="other")["id"] == projects["other"]
    assert search.find_one_project(name="other", return_handler=True).get_id() == projects["other"]
    with pytest.raises(DXSearchError, match="genom"):
        search.find_one_project(name="genom*", name_mode="glob", more_ok=False)
    with pytest.raises(DXSearchError, match="nope"):
        search.find_one_project(name="nope")
    assert search.find_one_project(name="nope", zero_ok=True) is None


def test_find_projects_wrong_input(dx_emulator, sent):
    with pytest.raises(DXError, match="name_mode"):
        search.find_projects(name="x", name_mode="prefix")
    with pytest.raises(DXError, match="tags"):
        search.find_projects(tags="seq")
    with pytest.raises(DXError, match="limit"):
        search.find_projects(limit=-3)
    with pytest.raises(ValueError):
        search.find_projects(created_after="next tuesday-ish")
    assert sent == {}


# find_executions / find_jobs / find_analyses

@pytest.fixture
def executions(dx_emulator):
    """Jobs and an analysis put straight into the emulator's execution table."""
    from dxpy.emulator.model.jobs import add_job
    emu = dx_emulator
    now = int(time.time() * 1000)
    other_project = dxpy.api.project_new({"name": "runs"})["id"]

    def jid(klass, n):
        return "%s-%s%s" % (klass, "J" * 23, n)

    rows = [
        {"id": jid("analysis", 1), "name": "pipeline", "state": "done", "executable": "workflow-" + H,
         "project": emu.project_id, "launchedBy": emu.user_id, "created": now - 10 * DAY_MS, "tags": ["nightly"]},
        {"id": jid("job", 1), "name": "align", "state": "done", "executable": "applet-" + H,
         "project": emu.project_id, "launchedBy": emu.user_id, "parentAnalysis": jid("analysis", 1),
         "rootExecution": jid("analysis", 1), "origin": jid("job", 1), "created": now - 9 * DAY_MS,
         "tags": ["nightly", "x"], "properties": {"sample": "s1"}},
        {"id": jid("job", 2), "name": "align-sub", "state": "failed", "executable": "applet-" + H,
         "project": emu.project_id, "launchedBy": emu.user_id, "parentJob": jid("job", 1),
         "parentAnalysis": None, "origin": jid("job", 1), "rootExecution": jid("analysis", 1),
         "created": now - 1000},
        {"id": jid("job", 3), "name": "qc", "state": "running", "executable": "app-" + H,
         "project": other_project, "launchedBy": emu.user_id, "created": now - 500,
         "properties": {"sample": "s2"}},
    ]
    with emu.platform.transaction() as state:
        for row in rows:
            add_job(state, row)
    return dict((row["name"], row["id"]) for row in rows), other_project


def test_find_executions_payload_has_every_filter(dx_emulator, sent):
    from dxpy.bindings.dxjob import DXJob
    from dxpy.bindings.dxanalysis import DXAnalysis
    from dxpy.bindings.dxproject import DXProject
    job, analysis = "job-" + H, "analysis-" + H
    list(search.find_executions(
        classname="job", launched_by="user-bob", executable="applet-" + H, project=DXProject(dx_emulator.project_id),
        state="done", origin_job=DXJob(job), parent_job=job, parent_analysis=DXAnalysis(analysis),
        root_execution=DXAnalysis(analysis), created_after=1, created_before=2, describe={"io": False},
        name="a?", name_mode="glob", tags=["t"], properties={"p": "v"}, limit=5, include_subjobs=False,
        include_restarted=True))
    assert sent["system_find_executions"] == [{
        "class": "job", "launchedBy": "user-bob", "executable": "applet-" + H, "project": dx_emulator.project_id,
        "state": "done", "originJob": job, "parentJob": job, "parentAnalysis": analysis, "rootExecution": analysis,
        "created": {"after": 1, "before": 2}, "describe": {"io": False}, "name": {"glob": "a?"},
        "tags": {"$and": ["t"]}, "properties": {"p": "v"}, "includeSubjobs": False, "includeRestarted": True,
        "limit": 5}]


def test_find_executions_no_parent_forms(dx_emulator, sent):
    list(search.find_executions(no_parent_job=True, no_parent_analysis=True))
    list(search.find_executions(parent_job="none", parent_analysis="none"))
    assert sent["system_find_executions"] == [{"parentJob": None, "parentAnalysis": None, "limit": 100}] * 2


def test_find_executions_results(dx_emulator, executions, sent):
    ids, other_project = executions

    def find(**kwargs):
        return found_ids(search.find_executions(**kwargs))

    def expect(*names):
        return sorted(ids[n] for n in names)

    assert find() == expect("pipeline", "align", "align-sub", "qc")
    assert find(project=other_project) == expect("qc")
    assert find(state="failed") == expect("align-sub")
    assert find(executable="applet-" + H) == expect("align", "align-sub")
    assert find(launched_by=dx_emulator.user_id) == expect("pipeline", "align", "align-sub", "qc")
    assert find(launched_by="user-nobody") == []
    assert find(parent_job=ids["align"]) == expect("align-sub")
    assert find(parent_analysis=ids["pipeline"]) == expect("align")
    assert find(no_parent_job=True, no_parent_analysis=True) == expect("pipeline", "qc")
    # a root execution is its own root
    assert find(root_execution=ids["pipeline"]) == expect("pipeline", "align", "align-sub")
    assert find(name="align*", name_mode="glob") == expect("align", "align-sub")
    assert find(name="align") == expect("align")
    assert find(tags=["nightly"]) == expect("pipeline", "align")
    assert find(properties={"sample": "s2"}) == expect("qc")
    assert find(created_after="-1d") == expect("align-sub", "qc")
    assert find(created_before="-5d") == expect("pipeline", "align")
    assert find(include_subjobs=False) == expect("pipeline", "align", "qc")
    described = list(search.find_executions(name="qc", describe=True))
    assert described[0]["describe"]["state"] == "running"


def test_find_executions_class_and_origin_filters(dx_emulator, executions):
    ids, _ = executions
    assert found_ids(search.find_jobs()) == sorted([ids["align"], ids["align-sub"], ids["qc"]])
    assert found_ids(search.find_analyses()) == [ids["pipeline"]]
    assert found_ids(search.find_executions(classname="analysis")) == [ids["pipeline"]]
    assert found_ids(search.find_executions(origin_job=ids["align"])) == sorted([ids["align"], ids["align-sub"]])


def test_find_jobs_and_analyses_payloads(dx_emulator, sent):
    list(search.find_jobs(state="done", first_page_size=10))
    list(search.find_analyses(project=dx_emulator.project_id))
    assert sent["system_find_executions"] == [
        {"class": "job", "state": "done", "limit": 10},
        {"class": "analysis", "project": dx_emulator.project_id, "limit": 100}]


def test_find_executions_paging_and_handlers(dx_emulator, executions, sent):
    from dxpy.bindings.dxjob import DXJob
    from dxpy.bindings.dxanalysis import DXAnalysis
    ids, _ = executions
    handlers = list(search.find_executions(first_page_size=1, return_handler=True))
    assert sorted(h.get_id() for h in handlers) == sorted(ids.values())
    assert [c["limit"] for c in sent["system_find_executions"]] == [1, 2, 4]
    kinds = dict((h.get_id(), type(h)) for h in handlers)
    assert kinds[ids["pipeline"]] is DXAnalysis and kinds[ids["qc"]] is DXJob
    assert len(list(search.find_executions(limit=3))) == 3


def test_find_executions_wrong_input(dx_emulator, sent):
    with pytest.raises(DXError, match="parent_job"):
        search.find_executions(parent_job="job-" + H, no_parent_job=True)
    with pytest.raises(DXError, match="parent_analysis"):
        search.find_analyses(parent_analysis="analysis-" + H, no_parent_analysis=True)
    with pytest.raises(DXError, match="name_mode"):
        search.find_jobs(name="a", name_mode="exactly")
    with pytest.raises(DXError, match="tags"):
        search.find_executions(tags="nightly")
    with pytest.raises(DXError, match="first_page_size"):
        search.find_executions(first_page_size=None)
    with pytest.raises(ValueError):
        search.find_executions(created_before="soon")
    assert sent == {}


# find_apps / find_global_workflows / find_global_executables

def test_find_apps_payload_has_every_filter(dx_emulator, sent):
    list(search.find_apps(
        name="bwa*", name_mode="glob", category="Mapping", all_versions=True, published=True, billed_to="org-acme",
        created_by="user-alice", developer="user-bob", created_after=1, created_before=2, modified_after=3,
        modified_before=4, describe={"fields": {"name": True}}, limit=9))
    assert sent["system_find_apps"] == [{
        "name": {"glob": "bwa*"}, "category": "Mapping", "allVersions": True, "published": True,
        "billTo": "org-acme", "createdBy": "user-alice", "developer": "user-bob",
        "created": {"after": 1, "before": 2}, "modified": {"after": 3, "before": 4},
        "describe": {"fields": {"name": True}}, "limit": 9}]


def test_find_global_workflows_payload(dx_emulator, sent):
    list(search.find_global_workflows(name="wf", all_versions=False, first_page_size=5))
    list(search.find_global_executables(dxpy.api.system_find_global_workflows, name="^w", name_mode="regexp"))
    assert sent["system_find_global_workflows"] == [
        {"name": "wf", "allVersions": False, "limit": 5},
        {"name": {"regexp": "^w"}, "limit": 100}]


def _new_app(emu, name, version="1.0.0", **fields):
    applet = dxpy.api.applet_new({"project": emu.project_id, "name": name + "-applet", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "bash", "code": "true", "distribution": "Ubuntu",
                                              "release": "20.04", "version": "0"},
                                  "inputSpec": [], "outputSpec": []})["id"]
    payload = {"applet": applet, "name": name, "version": version}
    payload.update(fields)
    return dxpy.api.app_new(payload)["id"]


def test_find_apps_results(dx_emulator, sent):
    from dxpy.bindings.dxapp import DXApp
    bwa = _new_app(dx_emulator, "bwa_mem", categories=["Mapping"])
    bwa2 = _new_app(dx_emulator, "bwa_mem", version="2.0.0", categories=["Mapping"])
    gatk = _new_app(dx_emulator, "gatk")
    dxpy.api.app_publish(gatk, input_params={"makeDefault": True})

    def find(**kwargs):
        return found_ids(search.find_apps(**kwargs))

    assert find(name="gatk") == [gatk]
    assert find(name="bwa_mem", all_versions=True) == sorted([bwa, bwa2])
    assert find(name="bwa*", name_mode="glob", all_versions=True, category="Mapping") == sorted([bwa, bwa2])
    assert find(published=True) == [gatk]
    assert find(created_by=dx_emulator.user_id, name="gatk") == [gatk]
    assert find(developer=dx_emulator.user_id, name="gatk") == [gatk]
    assert find(created_after="-1d", name="gatk") == [gatk]
    assert find(created_before="-1d") == []
    handlers = list(search.find_apps(all_versions=True, return_handler=True, first_page_size=1))
    assert sorted(h.get_id() for h in handlers) == sorted([bwa, bwa2, gatk])
    assert all(type(h) is DXApp for h in handlers)
    assert [c["limit"] for c in sent["system_find_apps"][-2:]] == [1, 2]
    assert search.find_one_app(name="gatk")["id"] == gatk
    with pytest.raises(DXSearchError, match="bwa_mem"):
        search.find_one_app(name="bwa_mem", all_versions=True, more_ok=False)
    assert search.find_one_app(name="none_such", zero_ok=True) is None


def test_find_global_workflows_results(dx_emulator, sent):
    from dxpy.bindings.dxglobalworkflow import DXGlobalWorkflow
    workflow = dxpy.api.workflow_new({"project": dx_emulator.project_id, "name": "wf"})["id"]
    first = dxpy.api.global_workflow_new({"workflow": workflow, "name": "gw_pipeline", "version": "1.0.0"})["id"]
    second = dxpy.api.global_workflow_new({"workflow": workflow, "name": "gw_other", "version": "0.1.0"})["id"]
    assert found_ids(search.find_global_workflows(name="gw_pipeline")) == [first]
    assert found_ids(search.find_global_workflows(name="gw_*", name_mode="glob")) == sorted([first, second])
    handlers = list(search.find_global_workflows(name="gw_*", name_mode="glob", return_handler=True,
                                                 first_page_size=1))
    assert sorted(h.get_id() for h in handlers) == sorted([first, second])
    assert all(type(h) is DXGlobalWorkflow for h in handlers)
    assert [c["limit"] for c in sent["system_find_global_workflows"][-2:]] == [1, 2]
    assert found_ids(search.find_apps(name="gw_pipeline")) == []  # apps and global workflows are apart


def test_find_global_executables_wrong_input(dx_emulator, sent):
    with pytest.raises(DXError, match="method"):
        search.find_global_executables("system_find_apps")
    with pytest.raises(DXError, match="name_mode"):
        search.find_apps(name="a", name_mode="contains")
    with pytest.raises(DXError, match="limit"):
        search.find_global_workflows(limit=0)
    with pytest.raises(DXError, match="zero_ok"):
        search.find_one_app(zero_ok=1)
    with pytest.raises(ValueError):
        search.find_apps(modified_after="whenever")
    assert sent == {}


# orgs

def _new_org(handle):
    return dxpy.api.org_new({"handle": handle, "name": handle.upper()})["id"]


def test_find_orgs(dx_emulator, sent):
    orgs = sorted(_new_org("lab%d" % i) for i in range(3))
    query = {"level": "MEMBER"}
    results = list(search.find_orgs(query, first_page_size=1))
    assert sorted(r["id"] for r in results) == orgs
    assert query == {"level": "MEMBER"}  # the caller's dict is not changed
    calls = sent["system_find_orgs"]
    assert [c["limit"] for c in calls] == [1, 2]
    assert calls[0] == {"level": "MEMBER", "limit": 1}
    described = list(search.find_orgs({"level": "ADMIN", "describe": True}))
    assert sorted(r["id"] for r in described) == orgs
    assert all(r["describe"]["id"] == r["id"] for r in described)


def test_find_orgs_wrong_input(dx_emulator):
    with pytest.raises(DXError, match="query"):
        search.find_orgs("level=MEMBER")
    with pytest.raises(DXError, match="first_page_size"):
        search.find_orgs({"level": "MEMBER"}, first_page_size=0)


def test_org_find_members(dx_emulator, sent):
    org = _new_org("members")
    members = list(search.org_find_members(org))
    assert [m["id"] for m in members] == [dx_emulator.user_id]
    assert members[0]["level"] == "ADMIN"
    assert list(search.org_find_members(org, level="MEMBER")) == []
    described = list(search.org_find_members(org_id=org, level="ADMIN", describe=True))
    assert described[0]["describe"]["id"] == dx_emulator.user_id
    assert sent["org_find_members"] == [{"describe": False, "limit": 100},
                                        {"level": "MEMBER", "describe": False, "limit": 100},
                                        {"level": "ADMIN", "describe": True, "limit": 100}]


def test_org_find_projects(dx_emulator, sent):
    org = _new_org("projects")
    billed = [dxpy.api.project_new({"name": "org-p%d" % i, "billTo": org, "tags": ["t%d" % i, "all"],
                                    "properties": {"i": str(i), "org": "yes"}})["id"] for i in range(3)]
    found = list(search.org_find_projects(org))
    assert sorted(r["id"] for r in found) == sorted(billed)
    assert found_ids(search.org_find_projects(org, name="org-p1")) == [billed[1]]
    globbed = search.org_find_projects(org, name="org-p[02]", name_mode="glob")
    assert found_ids(globbed) == sorted([billed[0], billed[2]])
    assert found_ids(search.org_find_projects(org, ids=billed[:2])) == sorted(billed[:2])
    assert found_ids(search.org_find_projects(org, tags=["t2"])) == [billed[2]]
    assert found_ids(search.org_find_projects(org, tags=["t2", "all"])) == [billed[2]]
    assert found_ids(search.org_find_projects(org, properties={"i": "0"})) == [billed[0]]
    assert found_ids(search.org_find_projects(org, properties={"i": "0", "org": "yes"})) == [billed[0]]
    assert found_ids(search.org_find_projects(org, created_after="-1d")) == sorted(billed)
    assert found_ids(search.org_find_projects(org, created_before="-1d")) == []
    assert found_ids(search.org_find_projects(org, public=False)) == sorted(billed)
    calls = sent["org_find_projects"]
    assert calls[0] == {"describe": False, "limit": 100}
    assert calls[4]["tags"] == "t2"
    assert calls[5]["tags"] == {"$and": ["t2", "all"]}
    assert calls[6]["properties"] == {"i": "0"}
    assert calls[7]["properties"] == {"$and": [{"i": "0"}, {"org": "yes"}]}


def test_org_find_projects_payload_has_every_filter(dx_emulator, sent):
    org = _new_org("payload")
    list(search.org_find_projects(org, name="n", ids=["project-" + H], properties={"a": "b"}, tags=["t"],
                                  describe=True, public=True, created_after=5, created_before=6,
                                  region="aws:us-east-1", containsPHI=True))
    assert sent["org_find_projects"] == [{
        "name": "n", "id": ["project-" + H], "properties": {"a": "b"}, "tags": "t", "describe": True,
        "public": True, "created": {"after": 5, "before": 6}, "region": "aws:us-east-1", "containsPHI": True,
        "limit": 100}]


def test_org_find_apps(dx_emulator, sent):
    org = _new_org("apps")
    app = _new_app(dx_emulator, "org_tool", billTo=org)
    _new_app(dx_emulator, "mine_only")
    assert found_ids(search.org_find_apps(org)) == [app]
    assert found_ids(search.org_find_apps(org, name="org_*", name_mode="glob")) == [app]
    assert found_ids(search.org_find_apps(org, name="mine_only")) == []
    handlers = list(search.org_find_apps(org, return_handler=True))
    assert [h.get_id() for h in handlers] == [app]
    assert len(list(search.org_find_apps(org, limit=1))) == 1
    assert sent["org_find_apps"][0] == {"limit": 100}
    assert sent["org_find_apps"][-1] == {"limit": 1}


def test_org_find_apps_payload_has_every_filter(dx_emulator, sent):
    org = _new_org("appfilters")
    list(search.org_find_apps(org, name="x", category="c", all_versions=True, published=False,
                              created_by="user-a", developer="user-b", authorized_user="PUBLIC", created_after=1,
                              created_before=2, modified_after=3, modified_before=4, describe=True, limit=8,
                              first_page_size=2))
    assert sent["org_find_apps"] == [{
        "name": "x", "category": "c", "allVersions": True, "published": False, "createdBy": "user-a",
        "developer": "user-b", "authorizedUser": "PUBLIC", "created": {"after": 1, "before": 2},
        "modified": {"after": 3, "before": 4}, "describe": True, "limit": 8}]


@pytest.mark.parametrize("call", [
    lambda: search.org_find_members(),
    lambda: search.org_find_members("user-alice"),
    lambda: search.org_find_projects(org_id=None),
    lambda: search.org_find_projects("org-"),
    lambda: search.org_find_apps(42),
])
def test_org_searches_need_an_org_id(dx_emulator, sent, call):
    with pytest.raises(DXError, match="org_id"):
        call()
    assert sent == {}


def test_org_searches_wrong_filters(dx_emulator):
    with pytest.raises(DXError, match="name_mode"):
        search.org_find_projects("org-x", name="a", name_mode="bad")
    with pytest.raises(DXError, match="tags"):
        search.org_find_projects("org-x", tags="a")
    with pytest.raises(DXError, match="ids"):
        search.org_find_projects("org-x", ids="project-" + H)
    with pytest.raises(DXError, match="limit"):
        search.org_find_apps("org-x", limit=0)
    with pytest.raises(ValueError):
        search.org_find_apps("org-x", created_after="someday")


def test_handler_classes_exposed_like_dxpy():
    from dxpy.bindings.dxjob import DXJob
    from dxpy.bindings.dxproject import DXProject
    assert search.DXJob is DXJob and search.DXProject is DXProject
    assert search.DXSearchError is DXSearchError
    with pytest.raises(AttributeError):
        search.DXNothing
