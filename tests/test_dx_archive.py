"""dx archive and dx unarchive against the emulator's archive routes, compared with dxpy's dx."""
import pytest

import dxpy
from dxpy.exceptions import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound

pytestmark = pytest.mark.reference


def _populate(project):
    dxpy.api.project_new_folder(project, {"folder": "/sub/deeper", "parents": True})
    for folder, name in (("/", "a.txt"), ("/", "b.txt"), ("/sub", "c.txt"), ("/sub/deeper", "d.txt")):
        dxpy.upload_string("data of " + name, project=project, folder=folder, name=name, wait_on_close=True)
    dxpy.new_dxrecord(project=project, name="notes", close=True)


@pytest.fixture
def files(twins):
    twins.populate(_populate)
    return twins


def states(project):
    """name -> archivalState of each file in *project*."""
    return {result["describe"]["name"]: result["describe"]["archivalState"]
            for result in dxpy.find_data_objects(classname="file", project=project,
                                                 describe={"fields": {"name": True, "archivalState": True}})}


def both_states(twins):
    ref, this = (states(client.project) for client in twins.clients)
    assert ref == this
    return this


def test_archive_files_by_name_and_path(files):
    code, out, _err = files.assert_same("archive", "a.txt", "{project}:/sub/c.txt", "-y")
    assert (code, out) == (0, "\nTagged 2 file(s) for archival in project-<1>\n\n")
    assert both_states(files) == {"a.txt": "archived", "b.txt": "live", "c.txt": "archived", "d.txt": "live"}
    # Already archived files are skipped.
    code, out, _err = files.assert_same("archive", "a.txt", "-y")
    assert "Tagged 0 file(s)" in out


def test_archive_a_folder_with_and_without_recursion(files):
    code, out, _err = files.assert_same("archive", "sub/", "--no-recurse", "-y")
    assert "Tagged 1 file(s)" in out
    code, out, _err = files.assert_same("archive", "{project}:/", "-y")
    assert (code, out) == (0, "\nTagged 3 file(s) for archival in project-<1>\n\n")
    assert set(both_states(files).values()) == {"archived"}


def test_archive_by_file_id_quietly(files):
    for client in files.clients:
        file_id = dxpy.find_one_data_object(name="b.txt", project=client.project)["id"]
        result = client.run("archive", file_id, "-q", "-y")
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert both_states(files)["b.txt"] == "archived"


def test_unarchive(files):
    files.assert_same("archive", "{project}:/", "-y")
    code, out, _err = files.assert_same("unarchive", "a.txt", "sub/c.txt", "-y")
    assert (code, out) == (0, "\nTagged 2 file(s) for unarchival, totalling 0.0 GB, costing $0.0\n\n")
    code, out, _err = files.assert_same("unarchive", "/", "--rate", "Bulk", "-y")
    assert "Tagged 2 file(s) for unarchival" in out
    assert set(both_states(files).values()) == {"live"}


def test_an_archived_file_is_not_downloaded(files, dx_this):
    files.assert_same("archive", "a.txt", "-y")
    result = files.this.run("download", "a.txt", "-o", "-")
    assert result.returncode == 3 and "archived" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("words", [
    ["a.txt", "sub/"],                  # a folder and files
    ["sub/", "sub/deeper/"],            # two folders
    ["nothing.txt"],                    # no such file
    ["notes"],                          # not a file
    ["a:b:c"],                          # not a path
    ["no such project:a.txt"],          # no such project
    ["a.txt", "--all-copies"],          # only for an admin of the billing org
])
def test_archive_bad_input_changes_nothing(files, words):
    code, out, _err = files.assert_same("archive", "-y", *words)
    assert code == 3 and out == ""
    assert set(both_states(files).values()) == {"live"}


def _without_trailing_spaces(text):
    # argparse before Python 3.10 heads the options "optional arguments:"
    return "\n".join(line.rstrip() for line in text.replace("optional arguments:", "options:").splitlines())


@pytest.mark.parametrize("command", ["archive", "unarchive"])
def test_usage_errors_and_help(files, command):
    # The same usage and help; dxpy's help text has spaces at the ends of some lines.
    calls = [[command, "--help"], [command]]
    if command == "unarchive":
        calls.insert(0, [command, "a.txt", "--rate", "Fast"])
    for words in calls:
        ref, this = files.outputs(*words)
        assert this[0] == ref[0]
        assert [_without_trailing_spaces(text) for text in this[1:]] == [_without_trailing_spaces(text)
                                                                          for text in ref[1:]]
    assert this[0] == 2 and "the following arguments are required: path" in this[2]


def test_paths_in_two_projects(files):
    other = files.ref.project
    result = files.this.run("archive", "-y", "a.txt", other + ":/b.txt")
    assert result.returncode == 3 and "must refer to files/folder in a single project" in result.stderr
    assert set(states(other).values()) == set(states(files.this.project).values()) == {"live"}


# -- the routes ----------------------------------------------------------------------------------

def test_archive_routes_refuse_malformed_input(files):
    project = files.this.project
    file_id = dxpy.find_one_data_object(name="a.txt", project=project)["id"]
    record_id = dxpy.find_one_data_object(name="notes", project=project)["id"]
    with pytest.raises(InvalidInput):
        dxpy.api.project_archive(project, {})
    with pytest.raises(InvalidInput):
        dxpy.api.project_archive(project, {"files": [file_id], "folder": "/"})
    with pytest.raises(InvalidInput):
        dxpy.api.project_archive(project, {"files": [record_id]})
    with pytest.raises(ResourceNotFound):
        dxpy.api.project_archive(project, {"folder": "/nowhere"})
    with pytest.raises(InvalidInput):
        dxpy.api.project_unarchive(project, {"files": [file_id], "rate": "Fast"})
    with pytest.raises(PermissionDenied):
        dxpy.api.project_archive(project, {"files": [file_id], "allCopies": True})
    assert set(states(project).values()) == {"live"}


def test_open_files_are_not_archived(files):
    project = files.this.project
    open_file = dxpy.new_dxfile(project=project, name="open.txt")
    with pytest.raises(InvalidState):
        dxpy.api.project_archive(project, {"files": [open_file.get_id()]})


def state_in(file_id, project):
    return dxpy.api.file_describe(file_id, {"project": project})["archivalState"]


def test_copies_in_one_account_are_archived_together(files):
    # A clone is a second copy: archiving one copy leaves it "archival" until the other is too.
    source, clone = files.this.project, files.ref.project
    file_id = dxpy.find_one_data_object(name="a.txt", project=source)["id"]
    dxpy.api.project_new_folder(clone, {"folder": "/copies"})
    dxpy.api.project_clone(source, {"objects": [file_id], "project": clone, "destination": "/copies"})
    assert dxpy.api.project_archive(source, {"files": [file_id]}) == {"count": 1}
    assert [state_in(file_id, p) for p in (source, clone)] == ["archival", "live"]
    dxpy.api.project_archive(clone, {"files": [file_id]})
    assert [state_in(file_id, p) for p in (source, clone)] == ["archived", "archived"]
    assert dxpy.api.project_unarchive(source, {"files": [file_id], "dryRun": True})["files"] == 1
    assert state_in(file_id, source) == "archived"
    dxpy.api.project_unarchive(source, {"files": [file_id]})
    assert [state_in(file_id, p) for p in (source, clone)] == ["live", "archival"]
