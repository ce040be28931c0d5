"""dxpy.emulator.model: applet-xxxx/validateBatch, workflow-xxxx/dryRun, the instance types a
job's description gives on request, and workflows made from an analysis (what dx run --batch-tsv
and dx run --clone ask for)."""
import pytest

from emulator_model_helpers import fails
from test_emulator_runs import env, make_workflow, run  # noqa: F401  (env: a fixture)

pytestmark = pytest.mark.dx_emulator(run_jobs=False)


def validate(api, aid, batch, common=None, files=None):
    body = {"batchInput": batch, "commonInput": common or {}, "files": files or [], "instanceTypes": []}
    return api("/%s/validateBatch" % aid, body)


def test_validate_batch_expands_rows(env):  # noqa: F811
    _, api, _, pid, aid = env
    fid = api("/file/new", {"project": pid, "name": "reads.fq"})["id"]
    link = {"$dnanexus_link": fid}
    answer = validate(api, aid, {"n": [1, 2], "f": [link, link]}, common={"s": "shared"}, files=[link])
    assert answer == {"expandedBatch": [{"s": "shared", "n": 1, "f": link}, {"s": "shared", "n": 2, "f": link}]}
    assert validate(api, aid, {}, common={"n": 1}) == {"expandedBatch": []}
    assert api("/system/findJobs")["results"] == []


@pytest.mark.parametrize("batch, common, error", [
    ({"n": [1, 2], "s": ["a"]}, {}, "InvalidInput"),        # rows of different lengths
    ({"n": 1}, {}, "InvalidInput"),                          # not one value per row
    ({"n": ["one"]}, {}, "InvalidInput"),                    # not of the input's class
    ({"nope": [1]}, {"n": 1}, "InvalidInput"),               # not an input of the applet
    ({"s": ["a"]}, {}, "InvalidInput"),                      # a required input missing
    ({"n": [1], "f": [{"$dnanexus_link": "file-" + "B" * 24}]}, {}, "ResourceNotFound"),
])
def test_validate_batch_refuses(env, batch, common, error):  # noqa: F811
    _, api, _, _, aid = env
    fails(error, 404 if error == "ResourceNotFound" else 422, validate, api, aid, batch, common)
    assert api("/system/findJobs")["results"] == []


def test_validate_batch_of_another_users_applet(env):  # noqa: F811
    _, _, other, _, aid = env
    fails("PermissionDenied", 401, validate, other, aid, {"n": [1]})


def test_validate_batch_of_an_app(env):  # noqa: F811
    _, api, other, _, aid = env
    app_id = api("/app/new", {"applet": aid, "name": "tool", "version": "1.0.0"})["id"]
    assert validate(api, app_id, {"n": [3]}) == {"expandedBatch": [{"n": 3}]}
    assert validate(api, "app-tool/1.0.0", {"n": [4]}) == {"expandedBatch": [{"n": 4}]}
    fails("InvalidInput", 422, validate, api, app_id, {"n": ["x"]})
    fails("PermissionDenied", 401, validate, other, app_id, {"n": [3]})  # not an authorized user
    assert api("/system/findJobs")["results"] == []


def test_dry_run_starts_nothing(env):  # noqa: F811
    _, api, _, pid, aid = env
    wid = make_workflow(api, pid, aid)
    answer = api("/%s/dryRun" % wid, {"project": pid, "input": {"first.s": "hello"}})
    assert answer["id"].startswith("analysis-") and [stage["id"] for stage in answer["stages"]] == ["first", "second"]
    first = answer["stages"][0]["execution"]
    assert (first["name"], first["parentAnalysis"], first["input"]) == ("one", answer["id"], {"n": 1, "s": "hello"})
    assert api("/system/findExecutions")["results"] == []
    fails("InvalidInput", 422, api, "/%s/dryRun" % wid, {"project": pid, "input": {"first.n": "x"}})
    assert api("/system/findExecutions")["results"] == []


def test_requested_instance_types_are_described_on_request(env):  # noqa: F811
    _, api, _, pid, aid = env
    by_executable = {aid: {"main": {"instanceType": "mem2_ssd1_x2"}}}
    jid = run(api, aid, pid, {"n": 1}, systemRequirements={"main": {"instanceType": "mem1_ssd1_x4"}},
              systemRequirementsByExecutable=by_executable)
    fields = ("runSystemRequirements", "runSystemRequirementsByExecutable", "mergedSystemRequirementsByExecutable")
    assert not any(field in api("/%s/describe" % jid) for field in fields)
    desc = api("/%s/describe" % jid, {"defaultFields": True, "fields": dict((field, True) for field in fields)})
    assert desc["runSystemRequirements"] == {"main": {"instanceType": "mem1_ssd1_x4"}}
    assert desc["runSystemRequirementsByExecutable"] == desc["mergedSystemRequirementsByExecutable"] == by_executable
    assert desc["state"] == "idle"


def test_workflow_from_an_analysis_has_its_inputs_and_instance_types(env):  # noqa: F811
    _, api, _, pid, aid = env
    wid = make_workflow(api, pid, aid)
    analysis = api("/%s/run" % wid, {"project": pid, "input": {"first.s": "given", "second.n": 7},
                                     "stageSystemRequirements": {"second": {"*": {"instanceType": "mem1_ssd1_x8"}}}})
    copy_id = api("/workflow/new", {"project": pid, "initializeFrom": {"id": analysis["id"]}})["id"]
    stages = api("/%s/describe" % copy_id)["stages"]
    assert stages[0]["input"] == {"n": 1, "s": "given"}
    assert stages[1]["input"]["n"] == 7 and stages[1]["systemRequirements"] == {"*": {"instanceType": "mem1_ssd1_x8"}}
    rerun = api("/%s/run" % copy_id, {"project": pid, "input": {}})
    assert api("/%s/describe" % rerun["stages"][1])["systemRequirements"] == {"*": {"instanceType": "mem1_ssd1_x8"}}
