"""download_dxdatabasefile against the emulator: ranged downloads of a database's files."""
import hashlib
import logging
import os

import pytest

import dxpy
from dxpy.bindings.dxdatabase import DXDatabase
from dxpy.bindings.dxdatabase_functions import download_dxdatabasefile, ensure_local_dir
from dxpy.emulator.model.databases import new_database
from dxpy.exceptions import (DXChecksumMismatchError, DXError, DXFileError, DXPartLengthMismatchError,
                             ResourceNotFound)

FILES = {
    "table_a/part-00000.parquet": os.urandom(10000),
    "table_a/part-00001.parquet": os.urandom(4097),
    "table_b/nested/deep/part-00000.parquet": b"x" * 1234,
    "_SUCCESS": b"",
    "top.txt": b"hello database\n",
}


@pytest.fixture
def database(dx_emulator):
    return new_database(dx_emulator.platform, dx_emulator.user_id, dx_emulator.project_id, "sales", files=FILES)


def _status(database_id, path):
    """The listFolder entry of *path* in the database, as ``dx get database`` passes it."""
    listing = dxpy.api.database_list_folder(database_id, {"folder": "/", "recurse": True})["results"]
    wanted = "/%s/%s" % (database_id, path)
    return next(entry for entry in listing if entry["path"] == wanted)


def _count_downloads(emulator):
    """A rule that fires on every download request without changing it, to count them."""
    return emulator.faults.add("/download/*", action="delay", delay=0)


def _read(path):
    with open(path, "rb") as fd:
        return fd.read()


# -- downloads that work -------------------------------------------------------------------

def test_downloads_every_listed_file_under_nested_paths(dx_emulator, database, tmp_path):
    listing = dxpy.api.database_list_folder(database, {"folder": "/", "recurse": True})["results"]
    for entry in listing:
        if entry["isDirectory"]:
            continue
        relative = entry["path"][len("/" + database + "/"):]
        download_dxdatabasefile(database, str(tmp_path), relative, entry, chunksize=1024)
    for path, data in FILES.items():
        assert _read(os.path.join(str(tmp_path), *path.split("/"))) == data


def test_file_is_fetched_in_ranges_of_chunksize(dx_emulator, database, tmp_path):
    counter = _count_downloads(dx_emulator)
    path = "table_a/part-00000.parquet"
    download_dxdatabasefile(database, str(tmp_path), path, _status(database, path), chunksize=3000)
    assert _read(str(tmp_path / "table_a" / "part-00000.parquet")) == FILES[path]
    assert counter.hits == 4  # 10000 bytes in ranges of 3000



def _spy_on_ranges(monkeypatch, drop_range=False):
    """Record the Range header of every download request (optionally removing it, as a
    server that ignores ranges would see it)."""
    real, seen = dxpy.DXHTTPRequest, []

    def spy(resource, data, **kwargs):
        if callable(resource) and kwargs.get("method") == "GET":
            inner = resource

            def resource():
                url, headers = inner()
                seen.append(headers.pop("Range") if drop_range else headers.get("Range"))
                return url, headers
        return real(resource, data, **kwargs)
    monkeypatch.setattr(dxpy, "DXHTTPRequest", spy)
    return seen


def test_range_headers_cover_the_file(dx_emulator, database, tmp_path, monkeypatch):
    seen = _spy_on_ranges(monkeypatch)
    path = "table_a/part-00000.parquet"
    download_dxdatabasefile(database, str(tmp_path), path, _status(database, path), chunksize=4000)
    assert sorted(seen) == ["bytes=0-3999", "bytes=4000-7999", "bytes=8000-9999"]


def test_server_ignoring_ranges_still_gives_the_right_bytes(dx_emulator, database, tmp_path, monkeypatch):
    seen = _spy_on_ranges(monkeypatch, drop_range=True)
    path = "table_a/part-00000.parquet"
    download_dxdatabasefile(database, str(tmp_path), path, _status(database, path), chunksize=3000)
    assert len(seen) == 4
    assert _read(str(tmp_path / "table_a" / "part-00000.parquet")) == FILES[path]

def test_handler_leading_slash_and_project_hints(dx_emulator, database, tmp_path):
    path = "table_b/nested/deep/part-00000.parquet"
    status = _status(database, path)
    handler = DXDatabase(database, project=dx_emulator.project_id)
    download_dxdatabasefile(handler, str(tmp_path / "a"), "/" + path, status, project=dx_emulator.project_id)
    download_dxdatabasefile(database, str(tmp_path / "b"), path, status, project=DXDatabase.NO_PROJECT_HINT)
    described = dxpy.api.database_describe(database, {"fields": {"parts": True}, "defaultFields": True})
    download_dxdatabasefile(database, tmp_path / "c", path, status, describe_output=described)
    for sub in ("a", "b", "c"):
        assert _read(str(tmp_path / sub / "table_b" / "nested" / "deep" / "part-00000.parquet")) == FILES[path]


def test_empty_file_is_created(dx_emulator, database, tmp_path):
    download_dxdatabasefile(database, str(tmp_path), "_SUCCESS", _status(database, "_SUCCESS"))
    assert _read(str(tmp_path / "_SUCCESS")) == b""


def test_replaces_a_longer_local_file_and_appends_when_asked(dx_emulator, database, tmp_path):
    target = tmp_path / "top.txt"
    target.write_bytes(b"an older and much longer local file than the remote one\n")
    status = _status(database, "top.txt")
    download_dxdatabasefile(database, str(tmp_path), "top.txt", status)
    assert _read(str(target)) == FILES["top.txt"]
    download_dxdatabasefile(database, str(tmp_path), "top.txt", status, append=True)
    assert _read(str(target)) == FILES["top.txt"] * 2


def test_md5_in_file_status_is_checked(dx_emulator, database, tmp_path):
    path = "table_a/part-00001.parquet"
    status = dict(_status(database, path), md5=hashlib.md5(FILES[path]).hexdigest())
    download_dxdatabasefile(database, str(tmp_path), path, status, chunksize=1000)
    assert _read(str(tmp_path / "table_a" / "part-00001.parquet")) == FILES[path]


def test_show_progress_draws_the_bar_on_stderr(dx_emulator, database, tmp_path, capsys):
    path = "table_a/part-00000.parquet"
    download_dxdatabasefile(database, str(tmp_path), path, _status(database, path), chunksize=2500,
                            show_progress=True)
    err = capsys.readouterr().err
    assert "Downloaded 0 of 10,000 bytes (0%)" in err
    assert "Downloaded 5,000 of 10,000 bytes (50%)" in err
    assert "Completed 10,000 of 10,000 bytes (100%)" in err
    assert str(tmp_path / "table_a" / "part-00000.parquet") in err


def test_no_progress_output_by_default(dx_emulator, database, tmp_path, capsys):
    download_dxdatabasefile(database, str(tmp_path), "top.txt", _status(database, "top.txt"))
    assert capsys.readouterr().err == ""


# -- wrong inputs --------------------------------------------------------------------------

def test_missing_file_raises_before_creating_anything(dx_emulator, database, tmp_path):
    dest = tmp_path / "out"
    with pytest.raises(ResourceNotFound, match="no_such_table/x.parquet"):
        download_dxdatabasefile(database, str(dest), "no_such_table/x.parquet", {"size": 10})
    assert not dest.exists()


@pytest.mark.parametrize("bad_id", ["file-" + "B" * 24, "database-short", "", None, 42])
def test_bad_database_ids(dx_emulator, tmp_path, bad_id):
    with pytest.raises(DXError):
        download_dxdatabasefile(bad_id, str(tmp_path), "top.txt", {"size": 1})
    assert os.listdir(str(tmp_path)) == []


def test_unknown_database_raises_resource_not_found(dx_emulator, tmp_path):
    with pytest.raises(ResourceNotFound):
        download_dxdatabasefile("database-" + "B" * 24, str(tmp_path), "top.txt", {"size": 1})


@pytest.mark.parametrize("chunksize", [0, -5, 1.5, "1024", True, None])
def test_bad_chunk_sizes(dx_emulator, database, tmp_path, chunksize):
    with pytest.raises(DXError, match="chunksize"):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", _status(database, "top.txt"),
                                chunksize=chunksize)


@pytest.mark.parametrize("file_status", [None, {}, {"size": -1}, {"size": "15"}, {"size": True}, [15]])
def test_bad_file_status(dx_emulator, database, tmp_path, file_status):
    with pytest.raises(DXError, match="file_status"):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", file_status)


@pytest.mark.parametrize("src", ["", "/", "../escape.txt", "a/../../b", "a//b", None, 7])
def test_bad_source_names(dx_emulator, database, tmp_path, src):
    with pytest.raises(DXError, match="src_filename"):
        download_dxdatabasefile(database, str(tmp_path), src, {"size": 1})


def test_bad_destination_and_describe_output(dx_emulator, database, tmp_path):
    status = _status(database, "table_a/part-00001.parquet")
    blocker = tmp_path / "table_a"
    blocker.write_bytes(b"a file where a directory is needed")
    with pytest.raises(DXFileError, match="not a directory"):
        download_dxdatabasefile(database, str(tmp_path), "table_a/part-00001.parquet", status)
    with pytest.raises(DXError, match="dst_filename"):
        download_dxdatabasefile(database, None, "top.txt", status)
    with pytest.raises(DXError, match="describe_output"):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", status, describe_output="yes")
    (tmp_path / "dir" / "top.txt").mkdir(parents=True)
    with pytest.raises(DXFileError, match="is a directory"):
        download_dxdatabasefile(database, str(tmp_path / "dir"), "top.txt", _status(database, "top.txt"))


def test_ensure_local_dir(tmp_path):
    ensure_local_dir(str(tmp_path / "x" / "y"))
    assert (tmp_path / "x" / "y").is_dir()
    ensure_local_dir(str(tmp_path / "x"))  # already there
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(DXFileError, match="already exists and is not a directory"):
        ensure_local_dir(str(tmp_path / "f"))


def test_size_larger_than_the_file_fails_after_three_attempts(dx_emulator, database, tmp_path, caplog, sleeps):
    counter = _count_downloads(dx_emulator)
    with caplog.at_level(logging.WARNING, logger="dxpy"):
        with pytest.raises(DXPartLengthMismatchError, match="top.txt"):
            download_dxdatabasefile(database, str(tmp_path), "top.txt", {"size": 100}, chunksize=1000)
    assert counter.hits == 3
    assert sum("retrying" in r.getMessage() for r in caplog.records) == 2
    # the attempts back off through dxpy.retry and the one sleep seam
    assert len(sleeps) == 2 and 0 < sleeps[0] <= sleeps[1]
    assert _read(str(tmp_path / "top.txt")) == b""  # nothing half-written is left


def test_wrong_md5_raises_checksum_mismatch_and_restores_appended_file(dx_emulator, database, tmp_path):
    (tmp_path / "top.txt").write_bytes(b"kept\n")
    status = dict(_status(database, "top.txt"), md5="0" * 32)
    with pytest.raises(DXChecksumMismatchError, match="top.txt"):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", status, append=True)
    assert _read(str(tmp_path / "top.txt")) == b"kept\n"


# -- injected faults -----------------------------------------------------------------------

@pytest.mark.parametrize("fault", [
    dict(action="status", status=503, times=2),
    dict(action="status", status=500, times=1),
    dict(action="truncate", times=2),
    dict(action="drop", times=1),
    dict(action="garbage", times=1),
])
def test_transient_download_faults_end_with_the_right_bytes(dx_emulator, database, tmp_path, sleeps, fault):
    path = "table_a/part-00000.parquet"
    rule = dx_emulator.faults.add("/download/*", **fault)
    download_dxdatabasefile(database, str(tmp_path), path, _status(database, path), chunksize=4096)
    assert rule.hits == fault["times"]
    assert _read(str(tmp_path / "table_a" / "part-00000.parquet")) == FILES[path]


def test_download_url_route_fault_is_retried(dx_emulator, database, tmp_path, sleeps):
    rule = dx_emulator.faults.add("/database-*/downloadFile", status=503, times=1)
    download_dxdatabasefile(database, str(tmp_path), "top.txt", _status(database, "top.txt"))
    assert rule.hits == 1
    assert _read(str(tmp_path / "top.txt")) == FILES["top.txt"]


def test_permanent_not_found_on_download_raises(dx_emulator, database, tmp_path, sleeps):
    dx_emulator.faults.add("/download/*", status=404)
    with pytest.raises(ResourceNotFound):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", _status(database, "top.txt"))


def test_persistent_server_errors_give_up_with_the_api_error(dx_emulator, database, tmp_path, sleeps):
    rule = dx_emulator.faults.add("/download/*", status=500)
    with pytest.raises(dxpy.exceptions.DXAPIError):
        download_dxdatabasefile(database, str(tmp_path), "top.txt", _status(database, "top.txt"))
    assert rule.hits > 1  # retried before giving up
