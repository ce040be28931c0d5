"""Tab completion: the completers of dxpy.utils.completer against the emulator, and ``dx`` driven
as bash drives it through argcomplete (the line in COMP_LINE, the matches written to a file)."""
import argparse
import json
import os
import subprocess
import sys

import pytest

import dxpy
from dx_cli import REPO, all_completions
from dxpy.cli import registry
from dxpy.utils import completer
from dxpy.utils.completer import (DXAppCompleter, DXPathCompleter, InstanceTypesCompleter, ListCompleter,
                                  LocalCompleter, MultiCompleter, NoneCompleter, path_completer)

NO_SUCH_PROJECT = "project-" + "0" * 24


def make_tree(project):
    """/bar/, /foo/ (a file, a record named "a:b", a hidden record), /food/x/, and a record
    "fox rec" at the root."""
    for folder in ("/foo", "/food/x", "/bar"):
        dxpy.api.project_new_folder(project, {"folder": folder, "parents": True})
    dxpy.new_dxrecord(project=project, folder="/", name="fox rec", close=True)
    dxpy.new_dxrecord(project=project, folder="/foo", name="a:b", close=True)
    dxpy.new_dxrecord(project=project, folder="/foo", name="secret", hidden=True, close=True)
    dxpy.upload_string("data", project=project, folder="/foo", name="file1.txt", wait_on_close=True)


@pytest.fixture(scope="module")
def tree(cli_emulator):
    """A project holding make_tree's objects, and two more projects with similar names."""
    project = dxpy.api.project_new({"name": "compl current"})["id"]
    make_tree(project)
    for name in ("compl other", "compl:colon"):
        dxpy.api.project_new({"name": name})
    return project


@pytest.fixture
def in_tree(tree, monkeypatch):
    """The tree project as the current project, "/" as the working folder."""
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", tree)
    monkeypatch.delenv("DX_CLI_WD", raising=False)
    return tree


# -- helpers of the path syntax ----------------------------------------------------------------

def test_paths_join_and_split_with_escapes():
    path = completer.join_path("my:proj", "a:b", "x/y:z")
    assert path == "my\\:proj:/a\\:b/x\\/y\\:z"
    assert completer.split_path(path) == ("my:proj", "/a:b", "x/y:z")
    assert completer.join_path("p", "/", "n") == "p:/n"
    assert completer.split_path("p:n") == ("p", "/", "n")
    assert completer.split_path("/a/b") == ("", "/a", "b")
    assert completer.escape_name("a/b:c") == "a\\/b\\:c"
    assert completer.unescape_colon(completer.escape_colon("a:b")) == "a:b"
    assert completer.startswith("ab")("abc") and not completer.startswith("ab")("ba")


# -- paths on the platform ---------------------------------------------------------------------

def test_empty_word_gives_folders_and_visible_objects_of_working_folder(in_tree, monkeypatch):
    assert sorted(path_completer("")) == ["bar/", "foo/", "food/", "fox rec"]
    monkeypatch.setenv("DX_CLI_WD", "/foo")
    assert sorted(path_completer("")) == ["a\\:b", "file1.txt"]
    # relative paths with a folder start from the working folder
    assert sorted(path_completer("../fo")) == ["../foo/", "../food/", "../fox rec"]


def test_partial_names_complete_folders_and_objects(in_tree):
    assert sorted(path_completer("/fo")) == ["/foo/", "/food/", "/fox rec"]
    assert sorted(path_completer("/fo", expected="folder")) == ["/foo/", "/food/"]
    assert path_completer("/food/") == ["/food/x/"]
    assert sorted(path_completer("f")) == ["foo/", "food/", "fox rec"]


def test_object_names_come_escaped_and_match_escaped_input(in_tree):
    assert path_completer("/foo/a") == ["/foo/a\\:b"]
    assert path_completer("/foo/a\\:") == ["/foo/a\\:b"]


def test_hidden_objects_only_once_their_name_is_started(in_tree):
    assert "/foo/secret" not in path_completer("/foo/")
    assert path_completer("/foo/s") == ["/foo/secret"]
    assert path_completer("/foo/", visibility="hidden") == ["/foo/secret"]


def test_classes_restrict_objects(in_tree):
    assert path_completer("/foo/", classes=["file"]) == ["/foo/file1.txt"]
    assert sorted(path_completer("/foo/", classes=["file", "record"])) == ["/foo/a\\:b", "/foo/file1.txt"]


def test_project_names_and_explicit_projects(in_tree):
    assert sorted(path_completer("compl")) == ["compl other:", "compl\\:colon:"]
    assert sorted(path_completer("compl", include_current_proj=True)) == [
        "compl current:", "compl other:", "compl\\:colon:"]
    assert path_completer("compl other:", expected="project") == ["compl other: "]
    assert path_completer("compl\\:colon:", expected="project") == ["compl\\:colon: "]
    assert sorted(path_completer("compl current:/fo")) == [
        "compl current:/foo/", "compl current:/food/", "compl current:/fox rec"]
    assert path_completer(in_tree + ":/food/") == [in_tree + ":/food/x/"]
    assert sorted(path_completer(":b")) == [":bar/"]


def test_unknown_project_is_explained_on_stderr(in_tree, capsys):
    assert path_completer("nosuch:") == []
    assert 'Could not find a project named "nosuch"' in capsys.readouterr().err


def test_failures_give_no_matches(in_tree, cli_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "WORKSPACE_ID", NO_SUCH_PROJECT)
    assert path_completer("/") == [] and path_completer("") == []
    dxpy.set_security_context({"auth_token": "not-a-token", "auth_token_type": "Bearer"})
    try:
        for completer_object in (DXPathCompleter(), DXPathCompleter(expected="project"), DXAppCompleter()):
            assert all_completions(completer_object, "") == []
        assert path_completer("compl") == [] and path_completer(in_tree + ":/") == []
    finally:
        dxpy.set_security_context(cli_emulator.security_context)


def test_path_completer_protocols(in_tree):
    folders_only = DXPathCompleter(expected="folder")
    assert sorted(all_completions(folders_only, "/")) == ["/bar/", "/foo/", "/food/"]
    assert folders_only.get_matches("dx cd /fo", 9, "/fo", "") == ["/foo/", "/food/"]
    assert DXPathCompleter(classes=["file"]).get_matches("", 0, "/foo/f", "") == ["/foo/file1.txt"]


# -- apps ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def apps(cli_emulator):
    project = dxpy.api.project_new({"name": "apps home"})["id"]
    applet = dxpy.api.applet_new({"project": project, "name": "tool", "dxapi": "1.0.0", "inputSpec": [],
                                  "outputSpec": [], "runSpec": {"interpreter": "bash", "code": "true"}})["id"]
    for name in ("mapper", "maptool"):
        dxpy.api.app_new({"applet": applet, "name": name, "version": "1.0.0"})
    dxpy.api.app_new({"applet": applet, "name": "mapper", "version": "2.0.0"})
    dxpy.api.app_install("app-maptool")


def test_app_names_with_and_without_prefix(apps):
    assert sorted(all_completions(DXAppCompleter(), "map")) == ["mapper", "maptool"]
    assert all_completions(DXAppCompleter(), "app-mapp") == ["app-mapper"]
    assert sorted(all_completions(DXAppCompleter(), "ap")) == ["app-mapper", "app-maptool"]
    assert all_completions(DXAppCompleter(installed=True), "map") == ["maptool"]
    assert all_completions(DXAppCompleter(installed=False), "map") == ["mapper"]


def test_app_completer_takes_the_whole_word_of_the_line(apps):
    app_completer = DXAppCompleter()
    assert sorted(app_completer.get_matches("dx run app-ma", 13, "ma", "")) == ["app-mapper", "app-maptool"]
    assert app_completer.get_matches("dx run x:ma", 11, "ma", "") == []


def test_multi_completer_joins_matches(apps, in_tree):
    both = MultiCompleter([DXAppCompleter(), DXPathCompleter(expected="folder")])
    assert all_completions(both, "f") == ["foo/", "food/"]
    assert sorted(both.get_matches("dx run ma", 9, "ma", "")) == ["mapper", "maptool"]


# -- local files, lists, instance types, nothing -------------------------------------------------

def test_local_files(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reads.fq").write_text("")
    (tmp_path / "dat.txt").write_text("")
    (tmp_path / ".dotfile").write_text("")
    monkeypatch.chdir(tmp_path)
    local = LocalCompleter()
    assert all_completions(local, "dat") == ["dat.txt", "data/"]
    assert all_completions(local, "data/") == ["data/reads.fq"]
    assert all_completions(local, "") == ["dat.txt", "data/"]
    assert all_completions(local, ".d") == [".dotfile"]
    assert all_completions(local, "missing/") == []
    assert local.get_matches("", 0, str(tmp_path / "data" / "r"), "") == [str(tmp_path / "data" / "reads.fq")]


def test_list_completer():
    categories = ListCompleter(["Read Mapping", "Read Manipulation", "Reports"])
    assert all_completions(categories, "Read") == ["Read Mapping", "Read Manipulation"]
    assert categories.get_matches("dx find apps --category Rep", 27, "Rep", "") == ["Reports"]
    # bash replaces only what follows the word's last colon
    assert ListCompleter(["ns:alpha", "ns:beta"]).get_matches("x ns:a", 6, "a", "") == ["alpha"]


def test_none_completer():
    assert NoneCompleter().get_matches("dx ", 3, "", "") == [] and NoneCompleter().complete("", 0) is None


def test_instance_types():
    types = InstanceTypesCompleter()
    assert all_completions(types, "mem1_ssd1_v2_x1") == ["mem1_ssd1_v2_x16"]
    assert types(prefix="fpga") == [] and types(prefix="mem3_ssd2_fpga")[0] == "mem3_ssd2_fpga1_x24"
    assert InstanceTypesCompleter.default_instance_type == ("mem1_ssd1_v2_x4", 4, 8.0, 100)
    assert InstanceTypesCompleter.gpu_instance_types["mem2_ssd1_gpu_x16"].GPU == "1 NVIDIA T4"
    assert list(InstanceTypesCompleter.instance_types) == InstanceTypesCompleter.instance_type_names


TABLES = ["aws_preferred_instance_types", "azure_preferred_instance_types", "oci_preferred_instance_types",
          "aws_other_instance_types", "gpu_instance_types", "fpga_instance_types", "standard_instance_types",
          "instance_types"]
TABLES_AS_JSON = """
import json
from dxpy.utils.completer import InstanceTypesCompleter as C
tables = {name: [[type(spec).__name__] + list(spec) for spec in getattr(C, name).values()] for name in %r}
tables["default"] = list(C.default_instance_type)
tables["names"] = C.instance_type_names
print(json.dumps(tables))
""" % (TABLES,)


@pytest.mark.reference
def test_instance_type_tables_are_dxpys(reference_python, tmp_path):
    def tables(python, env):
        return json.loads(subprocess.run([python, "-c", TABLES_AS_JSON], stdout=subprocess.PIPE, check=True,
                                         cwd=str(tmp_path), env=env, universal_newlines=True).stdout)
    clean = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    ours = tables(sys.executable, dict(clean, PYTHONPATH=REPO))
    assert ours == tables(reference_python, clean)
    assert len(ours["instance_types"]) > 200


# -- which arguments get which completer ---------------------------------------------------------

def _parser(*positionals, **options):
    parser = argparse.ArgumentParser()
    for dest in positionals:
        parser.add_argument(dest)
    for dest, flag in options.items():
        parser.add_argument(flag, dest=dest)
    return parser


def test_attach_completers_by_command_and_destination():
    parsers = {"ls": _parser("path"), "cd": _parser("path"), "download": _parser("paths", output="-o"),
               "upload": _parser("filename"), "select": _parser("project"), "run": _parser(
                   "executable", instance_type="--instance-type"), "find data": _parser(path="--path"),
               "new project": _parser("name")}
    completer.attach_completers(parsers)

    def completer_of(command, dest):
        return next(getattr(a, "completer", None) for a in parsers[command]._actions if a.dest == dest)
    assert type(completer_of("ls", "path")) is DXPathCompleter and completer_of("ls", "path").expected is None
    assert completer_of("cd", "path").expected == "folder" and completer_of("find data", "path").expected == "folder"
    assert completer_of("download", "paths").classes == ["file"] and completer_of("download", "output") is None
    assert type(completer_of("upload", "filename")) is LocalCompleter
    assert completer_of("select", "project").expected == "project"
    run = completer_of("run", "executable")
    assert [type(c) for c in run.completers] == [DXAppCompleter, DXPathCompleter]
    assert type(completer_of("run", "instance_type")) is InstanceTypesCompleter
    assert completer_of("new project", "name") is None


# -- dx, as the shell runs it --------------------------------------------------------------------

def complete(client, line, tmp_path, env=None):
    """The completions ``client`` (a DxCommand) gives for *line*, the cursor at its end, sorted."""
    output = tmp_path / "completions"
    environment = {"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
                   "_ARGCOMPLETE_IFS": "\n", "_ARGCOMPLETE_STDOUT_FILENAME": str(output)}
    environment.update(env or {})
    result = client.run(env=environment)
    assert result.returncode == 0 and result.stdout == "", (line, result.returncode, result.stdout, result.stderr)
    text = output.read_text()
    output.unlink()
    return sorted(text.split("\n")) if text else []


@pytest.fixture
def dx_in_tree(dx_this, tree):
    dx_this.env["DX_PROJECT_CONTEXT_ID"] = tree
    return dx_this


def test_dx_completes_paths(dx_in_tree, tmp_path):
    assert complete(dx_in_tree, "dx ls ", tmp_path) == ["bar/", "foo/", "food/", "fox\\ rec"]
    assert complete(dx_in_tree, "dx ls /fo", tmp_path) == ["/foo/", "/food/", "/fox\\ rec"]
    assert complete(dx_in_tree, "dx ls /foo/a", tmp_path) == ["/foo/a\\\\:b "]
    assert complete(dx_in_tree, "dx cd /fo", tmp_path) == ["/foo/", "/food/"]
    assert complete(dx_in_tree, "dx download /foo/", tmp_path) == ["/foo/file1.txt "]
    assert complete(dx_in_tree, "dx describe --json /food/", tmp_path) == ["/food/x/"]
    assert complete(dx_in_tree, "dx ls compl\\ o", tmp_path) == ["compl\\ other:"]


def test_dx_completes_commands_and_options(dx_in_tree, tmp_path):
    commands = sorted(name for name, _ in registry.COMMAND_MODULES if name.startswith("l"))
    assert complete(dx_in_tree, "dx l", tmp_path) == commands
    assert complete(dx_in_tree, "dx ls --b", tmp_path) == ["--brief "]
    assert complete(dx_in_tree, "dx describe --js", tmp_path) == ["--json "]


def test_dx_without_argcomplete_names_the_extra(dx_in_tree, tmp_path):
    shadow = tmp_path / "shadow" / "argcomplete"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError(\"No module named 'argcomplete'\")\n")
    line = "dx ls "
    result = dx_in_tree.run(env={"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
                                 "PYTHONPATH": os.pathsep.join([str(shadow.parent), REPO])})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == '\ndx: tab completion needs the argcomplete package; install it with\n' \
                            '  pip install "dxpy[completion]"\n'


COMPARED_LINES = ["dx ls ", "dx ls /fo", "dx ls /foo/", "dx ls /foo/s", "dx cd /", "dx download /foo/",
                  "dx describe fo", "dx ls --b", "dx ls :/fo", "dx ls nosuch:"]


@pytest.mark.reference
def test_dx_completes_as_dxpy_does(twins, tmp_path):
    twins.populate(make_tree)
    for line in COMPARED_LINES:
        ref, this = (complete(client, line, tmp_path) for client in twins.clients)
        assert this == ref, line
