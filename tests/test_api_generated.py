"""Tests for the generated dxpy.api wrappers, their route table and dxpy.utils.Nonce."""
import inspect
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from dxpy import api  # noqa: E402
from dxpy.utils import Nonce  # noqa: E402

ROUTES_PATH = os.path.join(REPO, "dxpy", "api_routes.json")
SURFACE_PATH = os.path.join(REPO, "..", "shared", "reference", "dxpy-0.417.1-surface.json")
LEADING_PARAMS = {
    "object": ["object_id"],
    "app": ["app_name_or_id", "alias"],
    "globalworkflow": ["name_or_id", "alias"],
    "class": [],
}
NONCE_RE = re.compile(r"^[0-9a-f]{64}\d+\.\d{6}$")

with open(ROUTES_PATH) as _fd:
    TABLE = json.load(_fd)["routes"]
# dxpy.api wraps the API server's routes; the table also lists the auth server's, for the emulator
ROUTES = [e for e in TABLE if e.get("server", "api") == "api" and e.get("wrapper", True)]


class Recorder(object):
    """Stands in for DXHTTPRequest and remembers each call."""

    def __init__(self):
        self.calls = []

    def __call__(self, resource, data, **kwargs):
        self.calls.append((resource, data, kwargs))
        return {"called": resource}


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(api, "DXHTTPRequest", rec)
    return rec


def call_route(entry, **kwargs):
    fn = getattr(api, entry["function"])
    target = {"object": ["thing-0123"], "app": ["app-foo"], "globalworkflow": ["globalworkflow-foo"],
              "class": []}[entry["kind"]]
    return fn(*target, **kwargs)


def expected_resource(entry):
    if entry["kind"] == "class":
        return entry["route"]
    method = entry["route"].rsplit("/", 1)[1]
    prefix = {"object": "thing-0123", "app": "app-foo", "globalworkflow": "globalworkflow-foo"}[entry["kind"]]
    return "/%s/%s" % (prefix, method)


# --- generator -------------------------------------------------------------------------------

def test_generated_module_is_current():
    proc = subprocess.run([sys.executable, os.path.join("tools", "generate_api.py"), "--check"],
                          cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    assert proc.returncode == 0, "dxpy/api.py drifted from its generator:\n" + proc.stdout


# --- route table and signatures --------------------------------------------------------------

def test_route_table_covers_every_route_once():
    assert len(ROUTES) == 208
    assert set(e.get("server", "api") for e in TABLE) == {"api", "auth"}
    assert len(set(e["route"] for e in TABLE)) == len(TABLE)
    names = [e["function"] for e in ROUTES]
    assert len(set(names)) == len(names)
    assert len(set(e["route"] for e in ROUTES)) == len(ROUTES)
    for entry in ROUTES:
        assert entry["kind"] in LEADING_PARAMS
        assert re.match(r"^[a-z][a-z_]*$", entry["function"]), entry
        if entry["nonce"]:
            assert entry["retry"], "nonce routes are safe to retry: %r" % entry


@pytest.mark.parametrize("entry", ROUTES, ids=[e["function"] for e in ROUTES])
def test_function_signature_matches_route_table(entry):
    fn = getattr(api, entry["function"], None)
    assert callable(fn), "dxpy.api.%s is missing" % entry["function"]
    params = list(inspect.signature(fn).parameters.values())
    names = [p.name for p in params]
    assert names == LEADING_PARAMS[entry["kind"]] + ["input_params", "always_retry", "kwargs"]
    by_name = dict((p.name, p) for p in params)
    assert by_name["input_params"].default == {}
    assert by_name["always_retry"].default is entry["retry"]
    assert by_name["kwargs"].kind is inspect.Parameter.VAR_KEYWORD
    if "alias" in by_name:
        assert by_name["alias"].default is None
    assert entry["route"] in (fn.__doc__ or "")


def test_module_has_no_unexpected_public_functions():
    known = set(e["function"] for e in ROUTES) | {"DXHTTPRequest", "Nonce"}
    public = set(n for n in dir(api) if not n.startswith("_") and callable(getattr(api, n)))
    assert public == known


def test_signatures_match_reference_surface():
    if not os.path.exists(SURFACE_PATH):
        pytest.skip("reference surface file not available in this checkout")
    with open(SURFACE_PATH) as fd:
        reference = json.load(fd)["modules"]["dxpy.api"]
    functions = dict((n, r) for n, r in reference.items()
                     if r.get("kind") == "function" and r.get("defined_in") == "dxpy.api")
    assert len(functions) == 208
    assert set(functions) == set(e["function"] for e in ROUTES)
    for name, ref in sorted(functions.items()):
        assert str(inspect.signature(getattr(api, name))) == ref["signature"], name
    assert hasattr(api, "DXHTTPRequest") and hasattr(api, "Nonce")


# --- what each wrapper sends -----------------------------------------------------------------

def test_every_route_sends_the_right_resource(recorder):
    for entry in ROUTES:
        data = {"key": "value"}
        assert call_route(entry, input_params=data) == {"called": expected_resource(entry)}
        resource, sent, kwargs = recorder.calls[-1]
        assert resource == expected_resource(entry)
        assert kwargs == {"always_retry": entry["retry"]}
        assert data == {"key": "value"}, "the caller's input was modified by %s" % entry["function"]
        if entry["nonce"]:
            assert sent is not data
            assert sent["key"] == "value" and NONCE_RE.match(sent["nonce"])
        else:
            assert sent is data


def test_default_input_is_never_mutated(recorder):
    for entry in ROUTES:
        fn = getattr(api, entry["function"])
        call_route(entry)
        call_route(entry)
        (first, second) = [c[1] for c in recorder.calls[-2:]]
        if entry["nonce"]:
            assert first["nonce"] != second["nonce"]
        else:
            assert first == {} and second == {}
        default = inspect.signature(fn).parameters["input_params"].default
        assert default == {}, "default input of %s was modified" % entry["function"]
        assert fn.__defaults__[-2] == {}


def test_alias_is_appended_to_app_and_global_workflow_names(recorder):
    api.app_describe("app-foo", "1.0.0")
    api.app_run("app-foo", alias="beta", input_params={"input": {}})
    api.app_describe("app-foo", alias=None)
    api.global_workflow_describe("globalworkflow-bar", "2.1.0")
    api.global_workflow_run("bar", "", {"input": {}})
    resources = [c[0] for c in recorder.calls]
    assert resources == ["/app-foo/1.0.0/describe", "/app-foo/beta/run", "/app-foo/describe",
                         "/globalworkflow-bar/2.1.0/describe", "/bar/run"]


def test_keyword_arguments_are_passed_through(recorder):
    api.file_describe("file-0123", {"fields": {"name": True}}, always_retry=False, timeout=5,
                      headers={"X-Test": "1"})
    api.system_whoami(always_retry=False)
    api.record_new({"project": "project-0123", "nonce": "fixed"}, timeout=3)
    (r1, d1, k1), (r2, d2, k2), (r3, d3, k3) = recorder.calls
    assert (r1, d1) == ("/file-0123/describe", {"fields": {"name": True}})
    assert k1 == {"always_retry": False, "timeout": 5, "headers": {"X-Test": "1"}}
    assert (r2, d2, k2) == ("/system/whoami", {}, {"always_retry": False})
    assert (r3, d3, k3) == ("/record/new", {"project": "project-0123", "nonce": "fixed"},
                            {"always_retry": True, "timeout": 3})


# --- Nonce -----------------------------------------------------------------------------------

def test_nonce_format_and_uniqueness():
    first, second = Nonce(), Nonce()
    assert NONCE_RE.match(first.nonce)
    assert str(first) == first.nonce
    assert first.nonce != second.nonce
    assert list(inspect.signature(Nonce).parameters) == []


def test_update_nonce_adds_a_nonce_to_a_copy():
    original = {"a": 1}
    updated = Nonce.update_nonce(original)
    assert original == {"a": 1}
    assert updated is not original
    assert updated["a"] == 1 and NONCE_RE.match(updated["nonce"])
    assert NONCE_RE.match(Nonce.update_nonce({})["nonce"])


@pytest.mark.parametrize("empty", ["", None])
def test_update_nonce_replaces_an_empty_nonce(empty):
    updated = Nonce.update_nonce({"nonce": empty})
    assert NONCE_RE.match(updated["nonce"])


def test_update_nonce_keeps_an_existing_nonce():
    original = {"nonce": "my-nonce", "b": [1]}
    updated = Nonce.update_nonce(original)
    assert updated == original and updated is not original


@pytest.mark.parametrize("bad", [None, [], ["nonce"], "nonce", 3])
def test_update_nonce_rejects_non_dict_input(bad):
    with pytest.raises(TypeError, match="dict"):
        Nonce.update_nonce(bad)
