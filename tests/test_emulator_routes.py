"""The one route table (dxpy/api_routes.json): the emulator serves what it lists, with the facts it
gives (level, read-only, raw input, nonce), and dxpy/api.py is what the generator makes of it."""
import json
import os
import subprocess
import sys

import pytest
import requests

import dxpy.emulator
from dxpy.emulator.model import ROUTES
from dxpy.emulator.model.access import LEVELS
from dxpy.emulator.model.routes import TABLE_PATH, RouteTable, load_table
from emulator_model_helpers import fails, make_platform

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = load_table()
EMULATED = [entry for entry in TABLE if "emulator" in entry]
FACTS = {"handler", "readOnly", "level", "intoLevel", "rawInput", "nonce", "token", "jobAccess"}


def test_the_table_is_the_one_in_the_package():
    assert os.path.samefile(TABLE_PATH, os.path.join(ROOT, "dxpy", "api_routes.json"))
    assert not os.path.exists(os.path.join(ROOT, "tools", "api_routes.json"))


def test_dxpy_api_is_what_the_generator_makes_of_the_table():
    proc = subprocess.run([sys.executable, os.path.join("tools", "generate_api.py"), "--check"], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    assert proc.returncode == 0, proc.stdout
    import dxpy.api
    for entry in TABLE:
        wrapped = hasattr(dxpy.api, entry.get("function") or "")
        assert wrapped == (entry.get("server", "api") == "api" and entry.get("wrapper", True)), entry["route"]


@pytest.mark.parametrize("entry", EMULATED, ids=[e["route"] for e in EMULATED])
def test_emulator_facts_are_well_formed(entry):
    facts = entry["emulator"]
    assert set(facts) <= FACTS and isinstance(facts["readOnly"], bool)
    assert facts.get("level", "VIEW") in LEVELS[1:] and facts.get("intoLevel", "VIEW") in LEVELS[1:]
    assert facts.get("jobAccess") in (None, "projectCreation", "developer")
    assert callable(ROUTES.routes[entry["route"]].handler)
    if entry["nonce"] or facts.get("nonce"):
        assert not facts["readOnly"], "a nonce only matters for a route that changes something"


def test_every_emulator_route_is_in_the_table():
    # the emulator's routes come from the table alone: a route it serves is one the table lists
    assert set(ROUTES.routes) == set(e["route"] for e in EMULATED)
    assert len(EMULATED) >= 170
    assert set(e["route"] for e in TABLE if e.get("server") == "auth") == {
        "/system/newAuthToken", "/system/destroyAuthToken", "/system/getUserInfo", "/user/new"}


def test_routes_without_a_token_are_the_ones_the_table_says(served):
    from dxpy.emulator.model.routes import tokenless_routes
    from dxpy.emulator.server import UNAUTHENTICATED_ROUTES
    assert UNAUTHENTICATED_ROUTES == tokenless_routes() == {"/system/newAuthToken", "/system/greet"}
    for entry in EMULATED:
        if entry["kind"] != "class":
            continue
        answer = requests.post(served.url + entry["route"], data="{}", timeout=30).json()
        refused = answer.get("error", {}).get("type") == "InvalidAuthentication"
        assert refused == (entry["route"] not in UNAUTHENTICATED_ROUTES), (entry["route"], answer)


def test_the_http_layer_reads_the_table_without_loading_the_model():
    code = ("import sys, dxpy.emulator.server; "
            "print(sorted(m for m in sys.modules if m.startswith('dxpy.emulator.model')))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            universal_newlines=True, check=True).stdout
    assert loaded.strip() == "['dxpy.emulator.model', 'dxpy.emulator.model.routes']"


def test_a_route_without_emulator_facts_is_not_served():
    table = RouteTable([dict(entry, emulator=None) if entry["route"] == "/record/new" else entry
                        for entry in TABLE if entry["route"] in ("/record/new", "/record-xxxx/describe")])
    assert table.find("/record/new") is None
    assert table.find("/record-%s/describe" % ("0" * 24))[1:] == ("record", "record-" + "0" * 24, "describe")


@pytest.mark.parametrize("path", ["/container-%s/addTags" % ("0" * 24), "/record-%s/new" % ("0" * 24),
                                  "/project/describe", "/system/nope", 7, "/x/y/z"])
def test_paths_the_table_does_not_list_are_refused(path):
    _, api, _ = make_platform()
    error = fails("InvalidInput", 422, api, path)
    assert "not implemented by the emulator" in error.message


@pytest.fixture(scope="module")
def served():
    with dxpy.emulator.Emulator(run_jobs=False) as emulator:
        yield emulator


def _call(emulator, path, body):
    return requests.post(emulator.url + path, data=body, timeout=30,
                         headers={"Authorization": "Bearer " + emulator.token, "Content-Type": "application/json"})


@pytest.mark.parametrize("entry", EMULATED, ids=[e["route"] for e in EMULATED])
def test_the_emulator_answers_every_route_it_lists(served, entry):
    kind = entry["kind"]
    target = {"object": entry["route"].split("/")[1].replace("xxxx", "B" * 24), "app": "app-nothing",
              "globalworkflow": "globalworkflow-nothing", "class": entry["route"].split("/")[1]}[kind]
    response = _call(served, "/%s/%s" % (target, entry["route"].rsplit("/", 1)[1]), "[]")
    answer = response.json() if response.content else {}
    assert "not implemented" not in json.dumps(answer), answer
    if not entry["emulator"].get("rawInput"):
        # named-field routes refuse a JSON array before doing anything
        assert response.status_code in (400, 401, 404, 422), answer


def test_raw_input_routes_take_any_json_value(served):
    record = _call(served, "/record/new", json.dumps({"project": served.project_id})).json()["id"]
    assert _call(served, "/%s/setDetails" % record, "[1, 2]").status_code == 200
    assert _call(served, "/%s/getDetails" % record, "{}").json() == [1, 2]
    assert _call(served, "/%s/describe" % record, "[1, 2]").json()["error"]["type"] == "InvalidInput"


def test_nonce_replays_on_the_routes_the_table_flags():
    _, api, _ = make_platform()
    project = api.project()
    first = api("/record/new", {"project": project, "nonce": "n"})
    assert api("/record/new", {"project": project, "nonce": "n"}) == first
    assert api("/project/new", {"name": "p", "nonce": "n"}) == api("/project/new", {"name": "p", "nonce": "n"})
    fails("InvalidInput", 422, api, "/record/new", {"project": project, "nonce": "n", "name": "other"})
    fails("InvalidInput", 422, api, "/record/new", {"project": project, "nonce": ""})
    # a route without the flag does not replay: the second call is a second attempt
    api("/%s/newFolder" % project, {"folder": "/a", "nonce": "n"})
    fails("InvalidInput", 422, api, "/%s/newFolder" % project, {"folder": "/a", "nonce": "n"})
