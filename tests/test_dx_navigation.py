"""dx ls, tree, mkdir, rmdir, rm, mv and cp (and dxpy.utils.pathmatch): output, errors and exit
codes compared with the reference dx, the state each command leaves, and that a refused
command changes nothing."""
import re

import pytest

import dxpy
from dx_cli import as_user, normalize, others_project
from dxpy.utils import pathmatch

_APPLET_RUN_SPEC = {"interpreter": "bash", "code": "true", "distribution": "Ubuntu", "release": "20.04"}


def populate(project):
    """Folders /a/b/c and /empty; records (two named "dup", one hidden), a file and an applet."""
    dxpy.api.project_new_folder(project, {"folder": "/a/b/c", "parents": True})
    dxpy.api.project_new_folder(project, {"folder": "/empty"})
    for name, folder in [("r1", "/"), ("Beta", "/"), ("alpha", "/"), ("dup", "/"), ("dup", "/"),
                         ("x.txt", "/a"), ("y.txt", "/a/b")]:
        dxpy.new_dxrecord(project=project, name=name, folder=folder, close=True)
    dxpy.new_dxrecord(project=project, name="hid", folder="/", hidden=True, close=True)
    dxpy.upload_string("hello", project=project, name="f.txt", folder="/a", wait_on_close=True)
    dxpy.api.applet_new({"project": project, "name": "app1", "folder": "/a", "dxapi": "1.0.0",
                         "runSpec": _APPLET_RUN_SPEC, "inputSpec": [], "outputSpec": []})


@pytest.fixture
def filled(twins):
    twins.populate(populate)
    return twins


@pytest.fixture
def bobs(cli_emulator):
    """A project of user bob that this user may only view."""
    return others_project(cli_emulator, level="VIEW")


@pytest.fixture
def bobs_with_content(cli_emulator):
    """A project of user bob, viewable by this user, with a folder /empty and a record."""
    project = others_project(cli_emulator, level="VIEW", name="bobs-things")
    with as_user(cli_emulator.add_user("bob")[1]):
        dxpy.api.project_new_folder(project, {"folder": "/empty"})
        dxpy.new_dxrecord(project=project, name="bobs-record", close=True)
    return project


def snapshot(project):
    """What a command could change in *project*: its folders and, per object, name, folder and visibility."""
    folders = sorted(dxpy.api.project_describe(project, {"folders": True})["folders"])
    objects = sorted((found["id"], found["describe"]["name"], found["describe"]["folder"], found["describe"]["hidden"])
                     for found in dxpy.find_data_objects(project=project, visibility="either",
                                                         describe={"fields": {"name": True, "folder": True,
                                                                              "hidden": True}}))
    return folders, objects


def layout(project):
    """The state of *project* without IDs: sorted (folder, name, hidden) of its objects, and its folders."""
    folders, objects = snapshot(project)
    return folders, sorted((folder, name, hidden) for _id, name, folder, hidden in objects)


def assert_refused_unchanged(twins, *words, **kwargs):
    """Both clients refuse *words* alike, and neither project changes; the (code, out, err) of this dx."""
    before = [snapshot(client.project) for client in twins.clients]
    code, out, err = twins.assert_same(*words, **kwargs)
    assert code != 0
    assert [snapshot(client.project) for client in twins.clients] == before
    return code, out, err


def assert_same_each(twins, *words, **values):
    """twins.assert_same where ``{name}`` in *words* is, for each client, its own value
    from ``values[name]`` (a (reference, this) pair)."""
    results = []
    for index, client in enumerate(twins.clients):
        own = list(words)
        for name, pair in values.items():
            own = [word.replace("{" + name + "}", pair[index]) for word in own]
        result = client.run(*own)
        results.append((result.returncode, normalize(result.stdout, [client.home]),
                        normalize(result.stderr, [client.home])))
    assert results[1] == results[0], "dx %s differs\n--- reference\n%r\n--- this\n%r" % (
        " ".join(words), results[0], results[1])
    return results[1]


def ids_of(twins, name, folder="/"):
    """(reference's, this one's) ID of the object *name* in *folder* of each client's project."""
    return tuple(dxpy.find_one_data_object(project=client.project, name=name, folder=folder, recurse=False)["id"]
                 for client in twins.clients)


def new_projects(twins, name):
    """A further project for each client (same name): (reference's, this one's) ID."""
    return tuple(dxpy.api.project_new({"name": name})["id"] for _client in twins.clients)


# -- dxpy.utils.pathmatch -------------------------------------------------------------------------

_NAMES = ["/a", "/ab", "/a/b", "/a/bc", "/x.txt", "/A", "/[a]", "/!", "/^", "/a.b", "/", "/a/", "/b"]


@pytest.mark.parametrize("pattern, matches", [
    ("/*", ["/a", "/ab", "/x.txt", "/A", "/[a]", "/!", "/^", "/a.b", "/", "/b"]),
    ("/a/*", ["/a/b", "/a/bc", "/a/"]),
    ("/*/*", ["/a/b", "/a/bc", "/a/"]),
    ("/?", ["/a", "/A", "/!", "/^", "/b"]),
    ("/a?", ["/ab"]),
    ("/?/?", ["/a/b"]),
    ("/[ab]", ["/a", "/b"]),
    ("/[!a]", ["/A", "/!", "/^", "/b"]),
    ("/[^a]", ["/a", "/^"]),
    ("/[]a]", ["/a"]),
    ("/[a", []),
    ("/a.b", ["/a.b"]),
    ("/[a-b]*", ["/a", "/ab", "/a.b", "/b"]),
])
def test_pathmatch_filter(pattern, matches):
    # "*" and "?" stay inside one folder name; the rest is fnmatch's syntax, case-sensitive.
    assert pathmatch.filter(_NAMES, pattern) == matches


def test_pathmatch_translate_is_a_whole_string_regex():
    regex = re.compile(pathmatch.translate("/data/*.fq"))
    assert regex.match("/data/reads.fq")
    assert not regex.match("/data/sub/reads.fq")
    assert not regex.match("/data/reads.fq.gz")


# -- ls -------------------------------------------------------------------------------------------

@pytest.mark.reference
@pytest.mark.parametrize("words", [
    [], ["-l"], ["-a", "--full"], ["--obj"], ["--folders"], ["--obj", "--folders"], ["--brief", "-a", "a"],
    ["--verbose", "{project}:/a/b"], ["--color", "on", "a"], ["--delimiter", ",", "-l", "a"], ["--delim", "-l", "a"],
    ["-l", "a/f.txt"], ["a/*.txt"], ["d*"], ["--brief", "?1"], ["-l", "empty"],
])
def test_ls(filled, words):
    filled.assert_same("ls", *words)


@pytest.mark.reference
def test_ls_by_id_and_current_folder(filled):
    assert_same_each(filled, "ls", "-l", "{id}", id=ids_of(filled, "dup"))
    filled.assert_same("ls", env={"DX_CLI_WD": "/a"})


@pytest.mark.reference
@pytest.mark.parametrize("words", [
    ["nope"], ["nop:"], ["record-000000000000000000000000"], ["x:y:z"],
])
def test_ls_errors(filled, words):
    assert_refused_unchanged(filled, "ls", *words)


@pytest.mark.reference
def test_ls_without_a_project_and_in_a_project_of_another_user(filled, cli_emulator, bobs):
    assert_refused_unchanged(filled, "ls", env={"DX_PROJECT_CONTEXT_ID": None})
    unshared = others_project(cli_emulator, level=None, name="private")
    assert_refused_unchanged(filled, "ls", unshared + ":")
    filled.assert_same("ls", "-l", bobs + ":")


# -- tree -----------------------------------------------------------------------------------------

@pytest.mark.reference
@pytest.mark.parametrize("words", [[], ["-l"], ["-l", "{project}:/a"], ["--color", "on"]])
def test_tree(filled, words):
    filled.assert_same("tree", *words)


def test_tree_of_a_missing_folder_is_an_error(filled):
    # dxpy's dx draws just the path and exits 0 here.
    before = snapshot(filled.this.project)
    result = filled.this.run("tree", "zz")
    assert (result.returncode, result.stdout) == (3, "")
    assert normalize(result.stderr) == "/zz: No such file or directory found in project\nproject-<1>\n"
    assert snapshot(filled.this.project) == before


def test_tree_all_shows_hidden_objects(filled):
    # dxpy's dx takes -a but leaves hidden objects out anyway.
    assert "hid" in filled.this("tree", "-a").split()
    assert "hid" not in filled.this("tree").split()


@pytest.mark.reference
def test_tree_errors(filled, cli_emulator):
    assert_refused_unchanged(filled, "tree", "nop:")
    assert_refused_unchanged(filled, "tree", others_project(cli_emulator, level=None, name="private") + ":")


# -- mkdir, rmdir ---------------------------------------------------------------------------------

@pytest.mark.reference
def test_mkdir(filled):
    filled.assert_same("mkdir", "new", "{project}:/other", "a/b/more")
    filled.assert_same("mkdir", "-p", "deep/er/est", "a")
    filled.assert_same("ls", "--folders", "--full")
    filled.assert_same("tree")


@pytest.mark.reference
@pytest.mark.parametrize("words", [["empty", "q/r"], ["nop:x"], ["{bobs}:/x"]])
def test_mkdir_errors(filled, bobs, words):
    assert_refused_unchanged(filled, "mkdir", *[word.replace("{bobs}", bobs) for word in words])


@pytest.mark.reference
def test_mkdir_goes_on_after_an_error(filled):
    code, out, _err = filled.assert_same("mkdir", "fine", "empty", "q/r")
    assert code == 3 and "Error while creating /empty" in out
    assert "/fine" in snapshot(filled.this.project)[0]


def test_mkdir_of_an_id_is_refused(filled):
    # dxpy's dx sends the ID to the API as no folder, then fails with a TypeError.
    record = ids_of(filled, "r1")[1]
    before = snapshot(filled.this.project)
    result = filled.this.run("mkdir", record)
    assert result.returncode == 3
    assert " ".join(result.stdout.split()) == 'Could not resolve "%s": expected a folder path, not an ID' % record
    assert snapshot(filled.this.project) == before


@pytest.mark.reference
def test_rmdir(filled):
    filled.assert_same("mkdir", "-p", "gone/one", "gone/two")
    filled.assert_same("rmdir", "empty", "gone/one", "{project}:/gone/two")
    filled.assert_same("ls", "-a", "--full")
    assert "/empty" not in snapshot(filled.this.project)[0]


@pytest.mark.reference
@pytest.mark.parametrize("words", [["a", "zz"], ["/"], ["nop:/x"]])
def test_rmdir_errors(filled, words):
    assert_refused_unchanged(filled, "rmdir", *words)


@pytest.mark.reference
def test_rmdir_in_a_project_of_another_user(filled, bobs_with_content):
    assert_refused_unchanged(filled, "rmdir", bobs_with_content + ":/empty")
    assert snapshot(bobs_with_content)[0] == ["/", "/empty"]


# -- rm -------------------------------------------------------------------------------------------

@pytest.mark.reference
def test_rm(filled):
    filled.assert_same("rm", "r1", "a/x.txt")
    filled.assert_same("rm", "-a", "dup")
    filled.assert_same("rm", "B*")
    filled.assert_same("rm", "-r", "a/b", "empty")
    filled.assert_same("tree", "-l")
    assert layout(filled.ref.project) == layout(filled.this.project)


@pytest.mark.reference
def test_rm_by_id(filled):
    assert_same_each(filled, "rm", "{id}", id=ids_of(filled, "alpha"))
    filled.assert_same("ls", "-a")


@pytest.mark.reference
@pytest.mark.parametrize("words", [
    ["zz", "a", "dup"], ["nop:x"], ["{project}", "{project}:"], ["-r", "a", "{project}:"],
    ["record-000000000000000000000000"],
    ["-r", "-f", "{project}:"],  # the API refuses to remove a root folder
])
def test_rm_errors(filled, words):
    assert_refused_unchanged(filled, "rm", *words)


def test_rm_recursive_of_a_bad_path_exits_3(filled):
    # dxpy's dx leaves stderr swallowed after its check for a whole-project removal fails to
    # resolve the path, and exits 120 when Python cannot flush it.
    before = snapshot(filled.this.project)
    result = filled.this.run("rm", "-r", "zz")
    assert (result.returncode, result.stderr) == (3, "")
    assert result.stdout.startswith('Could not resolve "zz": Unable to resolve "zz"')
    assert snapshot(filled.this.project) == before


@pytest.mark.reference
def test_rm_goes_on_after_a_bad_path(filled):
    code, _out, _err = filled.assert_same("rm", "zz", "r1")
    assert code == 3
    assert "r1" not in [name for _folder, name, _hidden in layout(filled.this.project)[1]]


@pytest.mark.reference
def test_rm_in_a_project_of_another_user(filled, bobs_with_content):
    before = snapshot(bobs_with_content)
    assert_refused_unchanged(filled, "rm", bobs_with_content + ":bobs-record")
    assert_refused_unchanged(filled, "rm", "-r", "-f", bobs_with_content + ":")
    assert snapshot(bobs_with_content) == before


# -- mv -------------------------------------------------------------------------------------------

@pytest.mark.reference
def test_mv_objects_and_folders(filled):
    filled.assert_same("mv", "r1", "alpha", "a/b")          # several sources into a folder
    filled.assert_same("mv", "Beta", "gamma")               # rename in place
    filled.assert_same("mv", "a/x.txt", "empty/renamed")    # move and rename
    filled.assert_same("mv", "empty", "a/moved")            # rename a folder (a new path)
    filled.assert_same("mv", "a/b", "/")                    # a folder into an existing folder
    filled.assert_same("mv", "-a", "dup", "{project}:/a")
    filled.assert_same("mv", "--target-file-relocation", "a/f.txt", "/")
    filled.assert_same("tree", "-l")
    filled.assert_same("ls", "-l", "a")
    assert layout(filled.ref.project) == layout(filled.this.project)


@pytest.mark.reference
def test_mv_by_id(filled):
    assert_same_each(filled, "mv", "{id}", "a", id=ids_of(filled, "r1"))
    filled.assert_same("ls", "a")


@pytest.mark.reference
@pytest.mark.parametrize("words", [
    ["r1", "alpha", "zz/"], ["r1", "zz/new"], ["/", "newroot"], ["zz", "a"], ["dup", "a"], ["r1", "nop:/x"],
    ["nop:r1", "a"], ["r1", "a", "x:y:z"],
])
def test_mv_errors(filled, words):
    assert_refused_unchanged(filled, "mv", *words)


@pytest.mark.reference
def test_mv_between_projects_is_refused(filled, bobs_with_content):
    others = new_projects(filled, "mv-elsewhere")
    before = [snapshot(project) for project in others]
    assert_same_each(filled, "mv", "r1", "{other}:/", other=others)
    assert_same_each(filled, "mv", "r1", "{other}:/renamed", other=others)
    assert [snapshot(project) for project in others] == before
    bobs_before = snapshot(bobs_with_content)
    for words in ([":/x", ":/y"], [":bobs-record", ":/empty"], [":bobs-record", ":/renamed"]):
        assert_refused_unchanged(filled, "mv", *[bobs_with_content + word for word in words])
    assert snapshot(bobs_with_content) == bobs_before


def test_mv_to_an_id_is_refused_without_a_traceback(filled):
    record = ids_of(filled, "alpha")[1]
    before = snapshot(filled.this.project)
    result = filled.this.run("mv", "r1", record)
    assert (result.returncode, result.stdout, result.stderr) == (3, "", "Cannot move to a hash ID\n")
    assert snapshot(filled.this.project) == before


# -- cp -------------------------------------------------------------------------------------------

@pytest.mark.reference
def test_cp_into_another_project(filled):
    dests = new_projects(filled, "cp-dest")
    for project in dests:
        dxpy.api.project_new_folder(project, {"folder": "/in"})
    assert_same_each(filled, "cp", "r1", "a/f.txt", "{dest}:/in", dest=dests)          # objects into a folder
    assert_same_each(filled, "cp", "a", "{dest}:", dest=dests)                           # a folder, recursively
    assert_same_each(filled, "cp", "-a", "dup", "{dest}:/in", dest=dests)
    assert_same_each(filled, "cp", "r1", "{dest}:/in", dest=dests)                       # already there
    assert_same_each(filled, "cp", "alpha", "{dest}:/in/renamed", dest=dests)            # a new name
    assert_same_each(filled, "cp", "a/b", "{dest}:/bcopy", dest=dests)                   # a folder, new name
    assert_same_each(filled, "cp", "--target-file-relocation", "Beta", "{dest}:/in", dest=dests)
    assert_same_each(filled, "tree", "-l", "{dest}:", dest=dests)
    assert layout(dests[0]) == layout(dests[1])


@pytest.mark.reference
def test_cp_from_another_project_by_id(filled):
    sources = new_projects(filled, "cp-source")
    records = tuple(dxpy.new_dxrecord(project=project, name="elsewhere", folder="/in", parents=True,
                                      close=True).get_id() for project in sources)
    assert_same_each(filled, "cp", "{source}:{record}", ".", source=sources, record=records)
    assert_same_each(filled, "cp", "{source}:/in", "{project}:/a", source=sources)
    assert_same_each(filled, "cp", "{source}:/", "{project}:/a", source=sources)  # a root folder: refused
    filled.assert_same("tree")


@pytest.mark.reference
def test_cp_errors(filled, bobs):
    dests = new_projects(filled, "cp-dest")
    before = [snapshot(project) for project in dests]
    for words in (["r1", "alpha", "{dest}:/zz/"], ["r1", "{dest}:/q/zz"], ["zz", "{dest}:"], ["dup", "{dest}:"],
                  ["nop:r1", "{dest}:"], ["r1", "nop:"]):
        assert_same_each(filled, "cp", *words, dest=dests)
    assert [snapshot(project) for project in dests] == before
    for words in (["r1", ":/zz"], ["r1", "alpha", ":/"], ["r1", "{project}:/a"], ["r1", bobs + ":"],
                  ["r1", bobs + ":/new"]):
        assert_refused_unchanged(filled, "cp", *words)
    assert_same_each(filled, "cp", "{id}", "{project}:/a", id=ids_of(filled, "r1"))


@pytest.mark.reference
def test_cp_to_an_id(filled):
    assert_refused_unchanged(filled, "cp", "r1", "record-000000000000000000000000")


def test_cp_from_two_projects_at_once(dx_this):
    # dxpy's dx clones every source from the project of the last one, which fails.
    first, second, dest = (dxpy.api.project_new({"name": name})["id"] for name in ("cp-one", "cp-two", "cp-dest"))
    dxpy.new_dxrecord(project=first, name="one", close=True)
    dxpy.new_dxrecord(project=second, name="two", folder="/sub", parents=True, close=True)
    assert dx_this.run("cp", first + ":one", second + ":/sub", dest + ":/").returncode == 0
    assert layout(dest) == (["/", "/sub"], [("/", "one", False), ("/sub", "two", False)])


@pytest.mark.reference
@pytest.mark.parametrize("words", [["mkdir"], ["rm", "-r"], ["mv", "r1"], ["ls", "--color", "blue"]])
def test_bad_arguments_exit_2_with_dxpy_usage(twins, words):
    # The help between the usage and the error is worded differently; the usage and error are dxpy's.
    ref, this = [(code, err.splitlines()[0], err.splitlines()[-1]) for code, _out, err in twins.outputs(*words)]
    assert this == ref and this[0] == 2


def test_handlers_are_dx_names():
    from dxpy.cli import cp as cp_module
    from dxpy.scripts import dx
    for name in ("ls", "tree", "mkdir", "rmdir", "rm", "mv", "cp", "cmp_names"):
        assert callable(getattr(dx, name))
    assert callable(cp_module.cp_to_noexistent_destination)
