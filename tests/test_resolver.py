"""dxpy.utils.resolver: path syntax and escaping (pure), resolution against the emulator,
and job-based references against a scripted server."""
import json

import pytest

import dxpy
from dxpy.exceptions import DXCLIError
from dxpy.utils import resolver
from dxpy.utils.resolver import (ResolutionError, check_folder_exists, clean_folder_path, escape_folder_str,
                                 escape_name_str, get_first_pos_of_char, get_last_pos_of_char, is_glob_pattern,
                                 is_project_explicit, object_exists_in_project, parse_input_keyval,
                                 resolve_container_id_or_name, resolve_existing_path, resolve_job_ref,
                                 resolve_multiple_existing_paths, resolve_path, resolve_to_objects_or_project,
                                 split_unescaped, unescape_folder_str, unescape_name_str)

RECORD_ID = "record-" + "A" * 24
FILE_ID = "file-" + "B" * 24
JOB_ID = "job-" + "C" * 24
PROJECT_ID = "project-" + "D" * 24


@pytest.fixture(autouse=True)
def isolated_resolver(monkeypatch):
    """No project-name cache shared between tests; never interactive; no current folder."""
    monkeypatch.setattr(resolver, "cached_project_names", {})
    monkeypatch.setattr(resolver, "INTERACTIVE_CLI", False)
    monkeypatch.delenv("DX_CLI_WD", raising=False)


# ---------------------------------------------------------------------------
# Pure functions

@pytest.mark.parametrize("name, escaped", [
    ("plain", "plain"), ("a:b", "a\\:b"), ("a/b", "a\\/b"), ("a b", "a\\ b"), ("back\\slash", "back\\\\slash"),
    ("*?#;&`\"'!$(){[<>|~", "\\*\\?\\#\\;\\&\\`\\\"\\'\\!\\$\\(\\)\\{\\[\\<\\>\\|\\~"), ("a]}b", "a]}b"),
])
def test_escape_name_round_trip(name, escaped):
    assert escape_name_str(name) == escaped
    assert unescape_name_str(escaped) == name


def test_folder_escaping_keeps_slashes():
    assert escape_folder_str("/a b/c:d") == "/a\\ b/c\\:d"
    assert unescape_folder_str("/a\\ b/c\\:d") == "/a b/c:d"
    assert unescape_folder_str("a\\/b") == "a\\/b"  # "/" is not special in folder names
    assert unescape_name_str("a\\/b") == "a/b"
    assert unescape_name_str("a\\xb") == "a\\xb"  # an escape before an ordinary character stays
    assert unescape_name_str("trailing\\") == "trailing\\"


def test_positions_of_unescaped_characters():
    assert get_last_pos_of_char(":", "a:b\\:c") == 1
    assert get_first_pos_of_char(":", "a\\:b:c:d") == 4
    assert get_last_pos_of_char(":", "a\\\\:b") == 3  # an escaped backslash does not escape ":"
    assert get_first_pos_of_char(":", "abc") == -1
    assert get_last_pos_of_char(":", "") == -1


def test_split_unescaped():
    assert split_unescaped("/", "/a//b\\/c/") == ["a", "b\\/c"]
    assert split_unescaped("/", "/a//b/", include_empty_strings=True) == ["", "a", "", "b", ""]
    assert split_unescaped(":", "") == []
    assert split_unescaped(":", "", include_empty_strings=True) == [""]


def test_glob_patterns():
    assert is_glob_pattern("*.txt") and is_glob_pattern("a?c")
    assert not is_glob_pattern("a\\*b") and not is_glob_pattern("plain")


@pytest.mark.parametrize("path, expected, result", [
    ("/a/b/c", None, ("/a/b", "c")),
    ("/a/b/c", "folder", ("/a/b/c", None)),
    ("/a/b/", None, ("/a/b", None)),
    ("//a///b", None, ("/a", "b")),
    ("/a/./b/../c", None, ("/a", "c")),
    ("/a/..", None, ("/", None)),
    ("/../..", None, ("/", None)),
    ("", None, ("/", None)),
    ("/f\\:g/n\\/m", None, ("/f:g", "n/m")),
])
def test_clean_folder_path(path, expected, result):
    assert clean_folder_path(path, expected) == result


def test_id_predicates():
    assert resolver.is_hashid(RECORD_ID) and resolver.is_data_obj_id(FILE_ID)
    assert resolver.is_container_id(PROJECT_ID) and resolver.is_container_id("container-" + "E" * 24)
    assert resolver.is_project_id(PROJECT_ID) and not resolver.is_project_id("container-" + "E" * 24)
    assert resolver.is_job_id(JOB_ID) and resolver.is_analysis_id("analysis-" + "F" * 24)
    assert resolver.is_jbor_str(JOB_ID + ":out_1") and not resolver.is_jbor_str(JOB_ID + ":1out")
    assert resolver.is_nohash_id("user-alice") and resolver.is_nohash_id("app-bwa") and not resolver.is_nohash_id("x")
    assert not resolver.is_hashid("record-short") and not resolver.is_data_obj_id(JOB_ID)


def test_is_localjob_id(monkeypatch):
    monkeypatch.delenv("DX_JOB_ID", raising=False)
    assert resolver.is_localjob_id("localjob-3")
    monkeypatch.setenv("DX_JOB_ID", JOB_ID)
    assert not resolver.is_localjob_id("localjob-3")


def test_is_project_explicit():
    assert not is_project_explicit(RECORD_ID)
    assert not is_project_explicit(json.dumps({"$dnanexus_link": RECORD_ID}))
    assert is_project_explicit(json.dumps({"$dnanexus_link": {"project": PROJECT_ID, "id": RECORD_ID}}))
    assert is_project_explicit("proj:" + RECORD_ID)
    assert is_project_explicit("some/name")


def test_parse_input_keyval():
    assert parse_input_keyval("reads=file-xxxx") == ("reads", "file-xxxx")
    assert parse_input_keyval("a\\=b=c=d") == ("a\\=b", "c=d")
    assert parse_input_keyval("empty=") == ("empty", "")


@pytest.mark.parametrize("bad", ["no_equals", "=value", "", None, 5])
def test_parse_input_keyval_rejects(bad):
    with pytest.raises(DXCLIError, match="-i<input name>=<input value>"):
        parse_input_keyval(bad)


def test_pick(monkeypatch, capsys):
    answers = iter(["9", "x", "1"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert resolver.pick(["first", "second"]) == 1
    assert capsys.readouterr().out.count("Not a valid selection") == 2
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    assert resolver.pick(["a", "b"], default=0) == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "*")
    assert resolver.pick(["a", "b"], allow_mult=True) == "*"
    monkeypatch.setattr("builtins.input", lambda prompt: "bee")
    assert resolver.pick(["a", "b"], str_choices=["ay", "bee"]) == 1
    assert resolver.pick(["only"]) == 0  # one choice: no question asked


def test_pick_without_input_raises_eof(monkeypatch):
    def closed(prompt):
        raise EOFError
    monkeypatch.setattr("builtins.input", closed)
    with pytest.raises(EOFError):
        resolver.pick(["a", "b"])
    with pytest.raises(ValueError, match="at least one"):
        resolver.pick([])


def test_paginate_and_pick(monkeypatch):
    answers = iter(["m", "0"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert resolver.paginate_and_pick(iter(["a", "b", "c", "d"]), page_len=2) == "c"
    assert resolver.paginate_and_pick(iter([])) == "none found"
    assert resolver.paginate_and_pick(iter([1, 2]), filter_fn=lambda x: x > 5) == "none picked"


def test_resolution_error():
    err = ResolutionError("why")
    assert str(err) == "why" and err.msg == "why" and isinstance(err, dxpy.exceptions.DXError)


# ---------------------------------------------------------------------------
# Against the emulator

def new_project(name):
    return dxpy.api.project_new({"name": name})["id"]


def new_record(project, name, folder="/", **fields):
    return dxpy.api.record_new(dict(fields, project=project, name=name, folder=folder, parents=True))["id"]


def new_folder(project, folder):
    dxpy.api.project_new_folder(project, {"folder": folder, "parents": True})


def test_resolve_path_by_project_name_and_id(dx_emulator):
    pid = new_project("resolver proj")
    assert resolve_path("resolver proj:/a/b") == (pid, "/a", "b")
    assert resolve_path("resolver proj:a/b/") == (pid, "/a/b", None)
    assert resolve_path("resolver proj:") == (pid, "/", None)
    assert resolve_path(pid + ":/x") == (pid, "/", "x")
    assert resolve_path(pid) == (pid, "/", None)
    assert resolver.cached_project_names == {"resolver proj": pid}
    assert resolve_path("resolver proj:/a/b", multi_projects=True) == ([pid], "/a", "b")


def test_resolve_path_relative_to_current_project_and_folder(dx_emulator, monkeypatch):
    ws = dx_emulator.project_id
    assert resolve_path("x") == (ws, "/", "x")
    assert resolve_path(":") == (ws, "/", None)
    assert resolve_path(":/d/e") == (ws, "/d", "e")
    assert resolve_path(RECORD_ID) == (ws, None, RECORD_ID)
    assert resolve_path(json.dumps({"$dnanexus_link": RECORD_ID})) == (ws, None, RECORD_ID)
    monkeypatch.setenv("DX_CLI_WD", "/work/dir")
    assert resolve_path("x") == (ws, "/work/dir", "x")
    assert resolve_path("../x") == (ws, "/work", "x")
    assert resolve_path("/abs") == (ws, "/", "abs")
    assert resolve_path(":rel") == (ws, "/", "rel")  # an explicit project starts at its root
    assert resolve_path("") == (ws, "/work/dir", None)


def test_resolve_path_escaped_names(dx_emulator):
    pid = new_project("odd:name/with slash")
    escaped_project = escape_name_str("odd:name/with slash")
    assert escaped_project == "odd\\:name\\/with\\ slash"
    assert resolve_path(escaped_project + ":/f\\:g/obj\\:1\\/2") == (pid, "/f:g", "obj:1/2")


def test_resolve_path_job_reference_is_parsed_not_looked_up(dx_emulator):
    assert resolve_path(JOB_ID + ":out") == (JOB_ID, None, "out")


def test_resolve_path_errors(dx_emulator):
    with pytest.raises(ResolutionError, match='Could not find a project named "no such project"'):
        resolve_path("no such project:/x")
    with pytest.raises(ResolutionError, match='Cannot parse "a:b:c"'):
        resolve_path("a:b:c")
    with pytest.raises(ResolutionError, match='Cannot parse ""'):
        resolve_path("", allow_empty_string=False)
    with pytest.raises(TypeError, match="None"):
        resolve_path(None)


def test_resolve_path_without_current_project(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", None)
    with pytest.raises(ResolutionError, match='Cannot resolve "rel/x"'):
        resolve_path("rel/x")
    with pytest.raises(ResolutionError, match='Cannot resolve ":"'):
        resolve_path(":")
    with pytest.raises(ResolutionError, match='Cannot resolve ":x"'):
        resolve_path(":x")


def test_ambiguous_project_name(dx_emulator):
    first, second = new_project("twin"), new_project("twin")
    with pytest.raises(ResolutionError, match='Found multiple projects with name "twin"'):
        resolve_path("twin:/x")
    projects, folder, name = resolve_path("twin:/x", multi_projects=True)
    assert sorted(projects) == sorted([first, second]) and (folder, name) == ("/", "x")
    assert sorted(resolve_container_id_or_name("twin", multi=True)) == sorted([first, second])


def test_interactive_pick_of_ambiguous_project(dx_emulator, monkeypatch):
    new_project("twin")
    new_project("twin")
    monkeypatch.setattr(resolver, "INTERACTIVE_CLI", True)
    monkeypatch.setattr("builtins.input", lambda prompt: "1")
    found = dxpy.api.system_find_projects({"name": "twin"})["results"]
    assert resolve_container_id_or_name("twin") == found[1]["id"]


def test_resolve_container_id_or_name_misses(dx_emulator):
    assert resolve_container_id_or_name("nothing here") is None
    assert resolve_container_id_or_name("nothing here", multi=True) == []
    assert resolve_container_id_or_name(PROJECT_ID) == PROJECT_ID  # IDs are not looked up
    with pytest.raises(ResolutionError, match='"nothing here"'):
        resolve_container_id_or_name("nothing here", is_error=True)
    with pytest.raises(ResolutionError, match="string"):
        resolve_container_id_or_name(None)


def test_resolve_existing_path_objects_and_folders(dx_emulator):
    pid = new_project("existing")
    rid = new_record(pid, "rec one", folder="/data/sub")
    project, folder, result = resolve_existing_path("existing:/data/sub/rec\\ one")
    assert (project, folder) == (pid, None)
    assert result["id"] == rid and result["project"] == pid and result["describe"]["name"] == "rec one"
    assert resolve_existing_path("existing:/data/sub") == (pid, "/data/sub", None)
    assert resolve_existing_path("existing:/data/") == (pid, "/data", None)
    project, folder, results = resolve_existing_path("existing:/data/sub/rec\\ one", allow_mult=True)
    assert [r["id"] for r in results] == [rid]


def test_resolve_existing_path_missing(dx_emulator):
    pid = new_project("missing")
    new_folder(pid, "/present")
    with pytest.raises(ResolutionError, match='Unable to resolve "nothing"'):
        resolve_existing_path("missing:/present/nothing")
    with pytest.raises(ResolutionError):
        resolve_existing_path("missing:/absent/nothing")
    with pytest.raises(ResolutionError, match='Cannot parse ""'):
        resolve_existing_path("", allow_empty_string=False)


def test_resolve_existing_path_multiple_matches(dx_emulator):
    pid = new_project("multi")
    ids = sorted([new_record(pid, "same"), new_record(pid, "same"), new_record(pid, "other")])
    with pytest.raises(ResolutionError, match='"multi:same" resolves to 2 data objects'):
        resolve_existing_path("multi:same")
    _p, _f, results = resolve_existing_path("multi:same", allow_mult=True, all_mult=True)
    assert len(results) == 2
    _p, _f, results = resolve_existing_path("multi:same", ask_to_resolve=False)
    assert len(results) == 2
    _p, _f, results = resolve_existing_path("multi:*", allow_mult=True)  # a glob returns every match
    assert sorted(r["id"] for r in results) == ids


def test_resolve_existing_path_interactive_pick(dx_emulator, monkeypatch, capsys):
    pid = new_project("pick")
    new_record(pid, "same")
    new_record(pid, "same")
    monkeypatch.setattr(resolver, "INTERACTIVE_CLI", True)
    monkeypatch.setattr("builtins.input", lambda prompt: "1")
    _p, _f, result = resolve_existing_path("pick:same")
    everything = resolve_existing_path("pick:same", ask_to_resolve=False)[2]
    assert result["id"] == everything[1]["id"]
    shown = capsys.readouterr().out
    assert 'The given path "pick:same" resolves to the following data objects:' in shown
    assert "1) " in shown and everything[1]["id"] in shown  # listed in the ls -l format
    monkeypatch.setattr("builtins.input", lambda prompt: "*")
    assert len(resolve_existing_path("pick:same", allow_mult=True)[2]) == 2
    # resolveDataObjects gives no descriptions: they are fetched to show the choices
    monkeypatch.setattr("builtins.input", lambda prompt: "0")
    picked = resolve_multiple_existing_paths(["pick:same"])["pick:same"]
    assert picked["project"] == pid and picked["name"]["id"] == everything[0]["id"]


def test_resolve_existing_path_by_id(dx_emulator):
    pid = new_project("by id")
    rid = new_record(pid, "r")
    project, folder, result = resolve_existing_path(rid)
    assert result["id"] == rid and result["describe"]["project"] == pid
    assert resolve_existing_path(rid, expected_classes=["file"]) == (None, None, None)
    _p, _f, listed = resolve_existing_path("by id:" + rid, ask_to_resolve=False)
    assert [r["id"] for r in listed] == [rid]
    with pytest.raises(ResolutionError):
        resolve_existing_path(RECORD_ID)  # a well-formed ID of nothing


def test_hidden_objects_and_visibility(dx_emulator):
    pid = new_project("hidden")
    rid = new_record(pid, "ghost", hidden=True)
    assert resolve_existing_path("hidden:ghost")[2]["id"] == rid
    assert resolve_existing_path("hidden:ghost", visibility="hidden")[2]["id"] == rid
    with pytest.raises(ResolutionError):
        resolve_existing_path("hidden:ghost", visibility="visible")
    with pytest.raises(ResolutionError):
        resolve_existing_path("hidden:ghost", visibility="sometimes")


def test_resolve_multiple_existing_paths(dx_emulator):
    pid = new_project("batch")
    rid = new_record(pid, "one", folder="/f")
    twins = sorted([new_record(pid, "two"), new_record(pid, "two")])
    paths = ["batch:/f/one", "batch:/f", "batch:/nothing", rid, "batch:/f/o?e", "batch:/t*o", "batch:two",
             "batch:/f/nope"]
    done = resolve_multiple_existing_paths(paths)
    assert done["batch:/f/one"] == {"project": pid, "folder": None, "name": {"project": pid, "id": rid}}
    assert done["batch:/f"] == {"project": pid, "folder": "/f", "name": None}
    assert done["batch:/nothing"] == {"project": None, "folder": None, "name": None}
    assert done[rid]["name"]["id"] == rid and done[rid]["name"]["describe"]["name"] == "one"
    assert done["batch:/f/o?e"]["name"]["id"] == rid  # a glob with one match
    assert len(twins) == 2
    # several matches cannot be picked from without a terminal: unresolved, as in dxpy
    assert done["batch:/t*o"] == {"project": None, "folder": None, "name": None}
    assert done["batch:two"] == {"project": None, "folder": None, "name": None}  # ambiguous
    assert done["batch:/f/nope"] == {"project": None, "folder": None, "name": None}
    with pytest.raises(ResolutionError, match="no such project"):
        resolve_multiple_existing_paths(["no such project:x"])


def test_resolve_to_objects_or_project(dx_emulator):
    pid = new_project("objs")
    rid = new_record(pid, "r", folder="/sub")
    assert resolve_to_objects_or_project("objs:") == (pid, "/", None)
    assert resolve_to_objects_or_project("objs:/sub/r")[2][0]["id"] == rid
    with pytest.raises(ResolutionError, match='Could not resolve "objs:/sub" to an existing data object'):
        resolve_to_objects_or_project("objs:/sub")


def test_check_folder_exists(dx_emulator):
    pid = new_project("folders")
    new_folder(pid, "/a/b")
    assert check_folder_exists(pid, "/a", "b")
    assert check_folder_exists(pid, "/", "a")
    assert not check_folder_exists(pid, "/a", "c")
    assert not check_folder_exists(pid, "/a", None)
    with pytest.raises(ResolutionError):
        check_folder_exists(pid, "/missing", "b")


def test_object_exists_in_project(dx_emulator):
    first, second = new_project("first"), new_project("second")
    rid = new_record(first, "r")
    assert object_exists_in_project(rid, first)
    assert not object_exists_in_project(RECORD_ID, first)
    with pytest.raises(ValueError, match="container ID"):
        object_exists_in_project(rid, "first")
    with pytest.raises(ValueError, match="obj_id"):
        object_exists_in_project(None, second)


def test_apps_and_global_workflows_not_found(dx_emulator):
    assert resolver.get_app_from_path("no-such-app/1.0.0") is None
    assert resolver.get_global_exec_from_path("no-such-thing") is None
    with pytest.raises(ResolutionError, match='"app-nope" could not be resolved to an accessible app'):
        resolver.resolve_app("app-nope")
    with pytest.raises(ResolutionError, match="accessible global workflow"):
        resolver.resolve_global_workflow("nope")
    with pytest.raises(ResolutionError, match="global executable"):
        resolver.resolve_global_executable("nope")
    with pytest.raises(ResolutionError, match="Version is required"):
        resolver.resolve_global_executable("nope", is_version_required=True)


def test_get_exec_handler_without_executables(dx_emulator):
    pid = new_project("execs")
    new_record(pid, "not_an_applet")
    with pytest.raises(ResolutionError, match="No matches found for execs:not_an_applet"):
        resolver.get_exec_handler("execs:not_an_applet")
    with pytest.raises(ResolutionError):
        resolver.get_exec_handler("execs:absent")


def test_try_call_exits_like_the_cli(capsys):
    assert resolver.try_call(int, "5") == 5
    with pytest.raises(SystemExit) as info:
        resolver.try_call(resolver.resolve_path, "a:b:c")
    assert info.value.code == 3
    assert "at most one unescaped colon" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Job-based references, against a scripted API server

JOB_OUTPUT = {
    "single": {"$dnanexus_link": RECORD_ID},
    "many": [{"$dnanexus_link": RECORD_ID}, {"$dnanexus_link": FILE_ID}],
    "empty": [],
    "numbers": [1, 2],
    "count": 7,
}


def job_api(state="done"):
    """A scripted server step answering job and object describes like the platform."""
    from loopback import error, reply

    def answer(request):
        if request.path == "/%s/describe" % JOB_ID:
            return reply(json={"id": JOB_ID, "project": PROJECT_ID, "state": state, "output": JOB_OUTPUT})
        object_id = request.path.split("/")[1]
        if object_id in (RECORD_ID, FILE_ID):
            return reply(json={"id": object_id, "project": request.json().get("project"), "name": object_id})
        return error(404, "ResourceNotFound", '"%s" could not be found' % object_id)
    return answer


def test_resolve_job_ref(dx):
    dx.server.default = job_api()
    [found] = resolve_job_ref(JOB_ID, "single")
    assert found["id"] == RECORD_ID and found["describe"]["project"] == PROJECT_ID
    assert [r["id"] for r in resolve_job_ref(JOB_ID, "many")] == [RECORD_ID, FILE_ID]
    assert [r["id"] for r in resolve_job_ref(JOB_ID, "many.1")] == [FILE_ID]
    describe = {"fields": {"name": True}}
    resolve_job_ref(JOB_ID, "single", describe=describe)
    assert describe == {"fields": {"name": True}}  # the caller's mapping is not changed
    assert dx.server.requests[-1].json() == {"fields": {"name": True}, "project": PROJECT_ID}


@pytest.mark.parametrize("name, message", [
    ("absent", 'Could not find "absent" as an output field name of %s; available fields are: single' % JOB_ID),
    ("empty", "it is an empty array"),
    ("numbers", "array of non-data objects"),
    ("count", "not of a data object class"),
    ("single.0", "not an array and cannot be indexed"),
    ("many.5", "index 5 is out of range"),
])
def test_resolve_job_ref_errors(dx, name, message):
    dx.server.default = job_api()
    with pytest.raises(ResolutionError) as info:
        resolve_job_ref(JOB_ID, name)
    assert message in str(info.value)


def test_resolve_job_ref_needs_a_done_job(dx):
    dx.server.default = job_api(state="running")
    with pytest.raises(ResolutionError, match="the job %s is running, and it must be in the done state" % JOB_ID):
        resolve_job_ref(JOB_ID, "single")


def test_resolve_job_ref_unknown_job(dx):
    dx.server.default = job_api()
    with pytest.raises(ResolutionError, match="could not be found"):
        resolve_job_ref("job-" + "Z" * 24, "out")


def test_job_reference_paths(dx, monkeypatch):
    dx.server.default = job_api()
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", PROJECT_ID)
    assert resolve_existing_path(JOB_ID + ":single")[:2] == (None, None)
    assert resolve_existing_path(JOB_ID + ":single")[2]["id"] == RECORD_ID
    with pytest.raises(ResolutionError, match="resolves to 2 data objects"):
        resolve_existing_path(JOB_ID + ":many")
    _p, _f, both = resolve_existing_path(JOB_ID + ":many", allow_mult=True, all_mult=True)
    assert [r["id"] for r in both] == [RECORD_ID, FILE_ID]
    done = resolve_multiple_existing_paths([JOB_ID + ":single", JOB_ID + ":absent"])
    assert done[JOB_ID + ":single"]["project"] is None
    assert done[JOB_ID + ":single"]["name"]["id"] == RECORD_ID
    assert done[JOB_ID + ":absent"] == {"project": None, "folder": None, "name": None}


# ---------------------------------------------------------------------------
# Apps and executables, against a scripted API server

APP_ID = "app-" + "G" * 24
APPLET_ID = "applet-" + "H" * 24
APP_DESC = {"class": "app", "id": APP_ID, "name": "bwa", "version": "1.0.0"}
APPLET_DESC = {"class": "applet", "id": APPLET_ID, "project": PROJECT_ID, "name": "bwa", "folder": "/",
               "state": "closed", "modified": 0}


def executables_api(applets=()):
    """Apps named bwa exist; *applets* are found by name in the current project."""
    from loopback import error, reply

    def answer(request):
        if request.path.startswith("/app-bwa/") or request.path.startswith("/%s/" % APP_ID):
            return reply(json=APP_DESC)
        if request.path == "/system/findDataObjects":
            return reply(json={"results": [{"project": PROJECT_ID, "id": d["id"], "describe": d} for d in applets],
                               "next": None})
        if request.path == "/%s/describe" % APPLET_ID:
            return reply(json=APPLET_DESC)
        if request.path == "/%s/listFolder" % PROJECT_ID:
            return reply(json={"folders": []})
        return error(404, "ResourceNotFound", '"%s" could not be found' % request.path)
    return answer


def test_resolve_apps_by_name_and_version(dx):
    dx.server.default = executables_api()
    assert resolver.resolve_app("bwa") == APP_DESC
    assert resolver.resolve_app("app-bwa/1.0.0") == APP_DESC
    assert dx.server.requests[-1].path == "/app-bwa/1.0.0/describe"
    assert resolver.resolve_global_executable("bwa/1.0.0", is_version_required=True) == APP_DESC
    assert resolver.get_global_exec_from_path("bwa") == APP_DESC
    assert resolver.get_global_workflow_from_path("bwa") is None


def test_get_exec_handler(dx, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", PROJECT_ID)
    dx.server.default = executables_api()
    handler = resolver.get_exec_handler("bwa")
    assert type(handler).__name__ == "DXApp" and handler.get_id() == APP_ID
    assert resolver.get_exec_handler("bwa", alias="1.0.0").get_id() == APP_ID
    assert dx.server.requests[-1].path == "/app-bwa/1.0.0/describe"  # that version, not the default one
    handler = resolver.get_exec_handler(APPLET_ID)
    assert type(handler).__name__ == "DXApplet" and handler.get_id() == APPLET_ID
    with pytest.raises(ResolutionError, match="No app or global workflow found for nothing"):
        resolver.get_exec_handler("nothing", alias="1.0")


def test_get_exec_handler_ambiguous(dx, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", PROJECT_ID)
    dx.server.default = executables_api(applets=[APPLET_DESC])
    with pytest.raises(ResolutionError, match="Found multiple executables with the path bwa"):
        resolver.get_exec_handler("bwa")  # an applet and an app of that name
    monkeypatch.setattr(resolver, "INTERACTIVE_CLI", True)
    monkeypatch.setattr("builtins.input", lambda prompt: "1")  # the app is listed after the applets
    assert resolver.get_exec_handler("bwa").get_id() == APP_ID
    monkeypatch.setattr("builtins.input", lambda prompt: "0")
    assert resolver.get_exec_handler("bwa").get_id() == APPLET_ID
