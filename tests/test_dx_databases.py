"""dx list database files and dx get of a database, compared with dxpy's dx against the emulator."""
import os

import pytest

import dxpy
from dx_cli import files_under
from dxpy.emulator.model.databases import new_database

pytestmark = pytest.mark.reference

FILES = {
    "table_a/part-00000.parquet": b"a" * 3000,
    "table_a/part-00001.parquet": b"b" * 17,
    "table_b/nested/part-00000.parquet": b"nested\n",
    "_SUCCESS": b"",
}


@pytest.fixture
def databases(twins, cli_emulator):
    """A database "sales" in each client's project, and a record "notes" beside it."""
    made = {}

    def make(project):
        made[project] = new_database(cli_emulator.platform, cli_emulator.user_id, project, "sales", files=FILES)
        dxpy.new_dxrecord(project=project, name="notes", close=True)
    twins.populate(make)
    return made


@pytest.mark.parametrize("options", [[], ["--recurse"], ["--csv"], ["--folder", "/table_a"],
                                     ["--folder", "/table_b", "--recurse", "--csv"]])
def test_list_database_files(twins, databases, options):
    code, out, _err = twins.assert_same("list", "database", "files", "sales", *options)
    assert code == 0
    if options == ["--recurse"]:
        assert [line.split()[-1].split("/", 2)[-1] for line in out.splitlines()] == sorted(FILES)


def test_list_database_files_by_id(twins, databases):
    outputs = [client.run("list", "database", "files", databases[client.project], "--recurse").stdout
               for client in twins.clients]
    assert outputs[0].replace(databases[twins.ref.project], "DB") == outputs[1].replace(
        databases[twins.this.project], "DB")
    assert outputs[1].count("\n") == len(FILES)


@pytest.mark.parametrize("words", [["notes"], ["nothing-here"], ["sales", "--folder", "no_table"],
                                   ["sales", "--timeout", "soon"]])
def test_list_database_files_bad_input(twins, databases, words):
    code, out, err = twins.assert_same("list", "database", "files", *words)
    assert code != 0 and out == ""


def test_get_database_files(twins, databases):
    code, out, _err = twins.assert_same("get", "sales", "--filename", "/table_a", "--recurse", "-f")
    assert code == 0 and out.splitlines() == ["table_a/part-00000.parquet", "table_a/part-00001.parquet"]
    trees = [files_under(client.home / databases[client.project]) for client in twins.clients]
    assert trees[0] == trees[1] == {os.path.join("table_a", "part-00000.parquet"): FILES["table_a/part-00000.parquet"],
                                    os.path.join("table_a", "part-00001.parquet"): FILES["table_a/part-00001.parquet"]}
    # -f adds the other files to the directory (and replaces those there).
    code, _out, _err = twins.assert_same("get", "sales", "--allow-all-files", "--recurse", "-f")
    assert code == 0
    assert files_under(twins.this.home / databases[twins.this.project]) == {
        os.path.join(*path.split("/")): data for path, data in FILES.items()}


def test_get_database_without_overwrite(twins, databases, tmp_path):
    # dxpy's dx refuses the directory it has just made itself unless -f is given (exit 1): here
    # only a file already there is refused.
    where = tmp_path / "fresh"
    where.mkdir()
    result = twins.this.run("get", "sales", "--filename", "/table_b", "--recurse", cwd=where)
    assert result.returncode == 0, result.stderr
    assert files_under(where) == {
        os.path.join(databases[twins.this.project], "table_b", "nested", "part-00000.parquet"):
            FILES["table_b/nested/part-00000.parquet"]}
    again = twins.this.run("get", "sales", "--filename", "/table_b", "--recurse", cwd=where)
    assert again.returncode == 3 and "already exists" in again.stderr


def test_get_database_needs_a_filename_or_allow_all_files(twins, databases):
    # dxpy's dx makes the output directory before refusing; here nothing is made.
    ref, this = twins.outputs("get", "sales")
    assert (this[0], this[1], this[2].splitlines()[-1:]) == (ref[0], ref[1], ref[2].splitlines()[-1:])
    assert this[0] == 3 and "--allow-all-files" in this[2]
    assert not any(name.startswith("database-") for name in os.listdir(str(twins.this.home)))
