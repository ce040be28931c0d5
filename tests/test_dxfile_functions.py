"""The file helpers against the emulator: uploads from paths, file objects and pipes,
verified and resumable downloads, folders, progress output, faults and bad input."""
import hashlib
import io
import os
import threading

import pytest
import requests

import dxpy
import dxpy.api
from dxpy.bindings import _download, dxfile_functions as fns
from dxpy.bindings.dxfile import DXFile
from dxpy.bindings.dxfile_functions import (download_dxfile, download_folder, list_subfolders, new_dxfile,
                                            open_dxfile, upload_local_file, upload_string)
from dxpy.exceptions import DXChecksumMismatchError, DXError, DXFileError, InternalError

KIB = 1024
PART = 64 * KIB


@pytest.fixture
def emu(dx_emulator, sleeps):
    dx_emulator.platform.options.upload_params = {"minimumPartSize": PART}
    return dx_emulator


def payload(size, seed=2):
    out, block = [], hashlib.sha256(str(seed).encode()).digest()
    while sum(map(len, out)) < size:
        block = hashlib.sha256(block).digest()
        out.append(block * 64)
    return b"".join(out)[:size]


def describe(handler, *fields):
    return DXFile(handler.get_id()).describe(fields=set(fields) | {"state"})


def local(tmp_path, data, name="src.bin"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def uploaded(tmp_path, data, **kwargs):
    kwargs.setdefault("write_buffer_size", PART)
    return upload_local_file(local(tmp_path, data), wait_on_close=True, **kwargs)


# -- open_dxfile / new_dxfile ------------------------------------------------------------------

def test_new_and_open(emu):
    f = new_dxfile(mode="w", name="made.txt", folder="/", media_type="text/plain", tags=["t"])
    f.write("hello")
    f.close(block=True)
    desc = f.describe()
    assert desc["name"] == "made.txt" and desc["media"] == "text/plain" and desc["tags"] == ["t"]
    g = open_dxfile(f.get_id(), project=emu.project_id, mode="r", read_buffer_size=2)
    assert isinstance(g, DXFile) and g.get_proj_id() == emu.project_id and g.read() == "hello"
    with pytest.raises(DXError):
        open_dxfile(42)
    with pytest.raises(ValueError, match="mode"):
        new_dxfile(mode="q")


# -- upload_local_file -------------------------------------------------------------------------

def test_upload_a_local_file_in_parts(emu, tmp_path):
    data = payload(5 * PART + 17)
    f = uploaded(tmp_path, data, media_type="application/octet-stream", properties={"k": "v"})
    desc = f.describe(fields={"name", "size", "parts", "state", "media", "properties"})
    assert desc["name"] == "src.bin" and desc["size"] == len(data) and desc["state"] == "closed"
    assert len(desc["parts"]) == 6 and desc["properties"] == {"k": "v"}
    assert DXFile(f.get_id(), mode="rb").read() == data


def test_upload_uses_the_whole_file_whatever_its_position_and_mode(emu, tmp_path):
    path = local(tmp_path, b"line one\nline two\n", "notes.txt")
    with open(path) as fh:  # text mode, as dxpy's own example does
        fh.readline()
        f = upload_local_file(file=fh, wait_on_close=True)
    assert describe(f, "name")["name"] == "notes.txt"
    assert DXFile(f.get_id(), mode="rb").read() == b"line one\nline two\n"


def test_upload_from_a_stream_of_unknown_length(emu):
    data = payload(3 * PART + 5)
    f = upload_local_file(file=io.BytesIO(data), name="stream", write_buffer_size=PART, wait_on_close=True)
    assert describe(f, "name", "size")["size"] == len(data)
    assert DXFile(f.get_id(), mode="rb").read() == data


def test_upload_from_a_pipe(emu):
    data = payload(4 * PART + 3)
    read_end, write_end = os.pipe()

    def feed():
        with os.fdopen(write_end, "wb") as w:
            for i in range(0, len(data), 1000):  # small writes: reads come back short
                w.write(data[i:i + 1000])
    feeder = threading.Thread(target=feed)
    feeder.start()
    with os.fdopen(read_end, "rb", buffering=0) as r:
        f = upload_local_file(file=r, name="piped", write_buffer_size=PART, wait_on_close=True)
    feeder.join()
    parts = describe(f, "parts")["parts"]
    assert [parts[str(i)]["size"] for i in range(1, 6)] == [PART] * 4 + [3]
    assert DXFile(f.get_id(), mode="rb").read() == data


def test_upload_text_stream(emu):
    f = upload_local_file(file=io.StringIO("ünïcode"), wait_on_close=True)
    assert DXFile(f.get_id()).read() == "ünïcode"


def test_upload_empty_file(emu, tmp_path):
    f = uploaded(tmp_path, b"")
    desc = describe(f, "size")
    assert desc["size"] == 0 and desc["state"] == "closed"


def test_keep_open_and_existing_handler(emu, tmp_path):
    path = local(tmp_path, b"first")
    f = upload_local_file(path, keep_open=True)
    assert describe(f)["state"] == "open"
    existing = new_dxfile(mode="a")
    g = upload_local_file(path, use_existing_dxfile=existing, wait_on_close=True)
    assert g is existing and DXFile(g.get_id()).read() == "first"


def test_upload_single_threaded(emu, tmp_path):
    data = payload(2 * PART + 1)
    f = uploaded(tmp_path, data, multithread=False)
    assert DXFile(f.get_id(), mode="rb").read() == data


def test_upload_survives_faults_on_every_endpoint(emu, tmp_path):
    data = payload(12 * PART + 9)
    emu.faults.add("/upload/*", status=500, probability=0.1, seed=1)
    emu.faults.add("/upload/*", status=503, retry_after=1, probability=0.1, seed=2)
    emu.faults.add("/upload/*", action="drop", probability=0.1, seed=3)
    emu.faults.add("/upload/*", action="truncate", probability=0.1, seed=4)
    emu.faults.add("/file-*/upload", status=500, probability=0.1, seed=5)
    f = uploaded(tmp_path, data)
    emu.faults.clear()
    parts = describe(f, "parts")["parts"]
    assert sorted(map(int, parts)) == list(range(1, 14))  # none lost, none extra
    assert DXFile(f.get_id(), mode="rb").read() == data


def test_upload_with_a_permanent_fault_raises(emu, tmp_path):
    emu.faults.add("/upload/*", status=500)
    with pytest.raises(InternalError):
        uploaded(tmp_path, payload(3 * PART))


def test_upload_progress_without_a_terminal(emu, tmp_path, capsys):
    uploaded(tmp_path, payload(3 * PART), show_progress=True)
    err = capsys.readouterr().err
    assert "Uploaded 196,608 of 196,608 bytes (100%)" in err
    assert "\r" not in err and "\x1b" not in err


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_redraws_one_line(emu, tmp_path, monkeypatch):
    term = FakeTerminal()
    monkeypatch.setattr("sys.stderr", term)
    f = uploaded(tmp_path, payload(2 * PART), show_progress=True)
    download_dxfile(f.get_id(), str(tmp_path / "out"), show_progress=True)
    out = term.getvalue()
    assert "\r" in out and "\x1b[2K" in out and "Completed 131,072 of 131,072 bytes (100%)" in out


def test_upload_local_file_rejects_bad_input(emu, tmp_path):
    with pytest.raises(DXError, match="exactly one"):
        upload_local_file()
    with pytest.raises(DXError, match="exactly one"):
        upload_local_file(local(tmp_path, b"x"), file=io.BytesIO(b"x"))
    with pytest.raises(DXError, match="read method"):
        upload_local_file(file=b"bytes are not a file")
    with pytest.raises(DXError, match="filename"):
        upload_local_file(filename=3)
    with pytest.raises(DXError, match="use_existing_dxfile"):
        upload_local_file(file=io.BytesIO(b"x"), use_existing_dxfile="file-xxxx")
    with pytest.raises(FileNotFoundError):
        upload_local_file(str(tmp_path / "missing"))


# -- upload_string -----------------------------------------------------------------------------

def test_upload_string(emu):
    f = upload_string("text", media_type="text/plain", name="s.txt", wait_on_close=True)
    assert describe(f, "media", "name") == {"id": f.get_id(), "media": "text/plain", "name": "s.txt",
                                            "state": "closed"}
    g = upload_string(b"\x00bytes", keep_open=True)
    assert describe(g)["state"] == "open"
    g.close(block=True)
    assert DXFile(g.get_id(), mode="rb").read() == b"\x00bytes"


def test_upload_string_rejects_other_types_before_creating_a_file(emu):
    before = len(list(dxpy.bindings.search.find_data_objects(classname="file", project=emu.project_id)))
    with pytest.raises(DXFileError, match="Invalid type"):
        upload_string(["not", "a", "string"])
    assert len(list(dxpy.bindings.search.find_data_objects(classname="file", project=emu.project_id))) == before


# -- download_dxfile ---------------------------------------------------------------------------

def test_download_in_parallel_ranges(emu, tmp_path):
    data = payload(9 * PART + 100)
    f = uploaded(tmp_path, data)
    out = str(tmp_path / "out")
    download_dxfile(f.get_id(), out, chunksize=PART // 3)
    assert open(out, "rb").read() == data
    download_dxfile(f, tmp_path / "out2")  # a handler and a PathLike work too
    assert (tmp_path / "out2").read_bytes() == data


def test_download_empty_file(emu, tmp_path):
    f = upload_string("", wait_on_close=True)
    out = tmp_path / "empty"
    download_dxfile(f.get_id(), str(out))
    assert out.read_bytes() == b""


def test_download_checks_whole_file_md5_when_described(emu, tmp_path):
    emu.platform.options.whole_file_md5 = True
    data = payload(3 * PART)
    f = uploaded(tmp_path, data)
    desc = DXFile(f.get_id()).describe(fields={"parts"}, default_fields=True)
    assert desc["md5"] == hashlib.md5(data).hexdigest()
    download_dxfile(f.get_id(), str(tmp_path / "ok"))
    assert (tmp_path / "ok").read_bytes() == data
    with pytest.raises(DXChecksumMismatchError, match="md5sum mismatch in %s " % f.get_id()):
        download_dxfile(f.get_id(), str(tmp_path / "bad"), describe_output=dict(desc, md5="0" * 32))


def test_download_detects_a_part_md5_mismatch(emu, tmp_path):
    f = uploaded(tmp_path, payload(2 * PART))
    desc = DXFile(f.get_id()).describe(fields={"parts"}, default_fields=True)
    desc["parts"]["2"] = dict(desc["parts"]["2"], md5="f" * 32)
    for chunksize in (4 * PART, PART // 2):  # the part in one range, or in several
        with pytest.raises(DXChecksumMismatchError, match="part 2"):
            download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=chunksize, describe_output=desc)


def test_download_retries_a_part_that_came_corrupted(emu, tmp_path, monkeypatch):
    data = payload(3 * PART)
    f = uploaded(tmp_path, data)
    original = _download.Download._land
    corrupted = []

    def flaky(self, transfer, view, offset, *args):
        if offset == PART and not corrupted:  # the first bytes of part 2 arrive damaged, once
            corrupted.append(offset)
            view = memoryview(b"X" + bytes(view[1:]))
        return original(self, transfer, view, offset, *args)
    monkeypatch.setattr(_download.Download, "_land", flaky)
    download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=PART // 2)
    assert corrupted and (tmp_path / "out").read_bytes() == data


def recording_fetches(monkeypatch, fail_from=None):
    """The (start, stop) of every range download_dxfile fetches; those from *fail_from* on fail."""
    original = _download.Download._fetch
    fetched = []

    def fetch(self, transfer, start, stop, *args):
        fetched.append((start, stop))
        if fail_from is not None and start >= fail_from:
            raise InternalError({"error": {"type": "InternalError", "message": "gone"}}, 500)
        return original(self, transfer, start, stop, *args)
    monkeypatch.setattr(_download.Download, "_fetch", fetch)
    return fetched


def test_download_resumes_after_the_intact_parts(emu, tmp_path, monkeypatch):
    data = payload(6 * PART)
    f = uploaded(tmp_path, data)
    out = tmp_path / "out"
    out.write_bytes(data[:2 * PART + 500] + b"garbage")  # an interrupted, partly damaged download
    fetched = recording_fetches(monkeypatch)
    download_dxfile(f.get_id(), str(out))
    assert out.read_bytes() == data
    assert min(a for a, _ in fetched) == 2 * PART  # the two intact parts were kept


def test_download_after_an_interruption(emu, tmp_path, monkeypatch):
    data = payload(6 * PART)
    f = uploaded(tmp_path, data)
    out = str(tmp_path / "out")
    original = _download.Download._fetch
    recording_fetches(monkeypatch, fail_from=3 * PART)
    with pytest.raises(InternalError):
        download_dxfile(f.get_id(), out, chunksize=PART)
    assert len(open(out, "rb").read()) <= 3 * PART
    monkeypatch.setattr(_download.Download, "_fetch", original)
    download_dxfile(f.get_id(), out)  # ... and the download is run again
    assert open(out, "rb").read() == data


def test_append_adds_the_whole_file(emu, tmp_path):
    f = upload_string(b"tail", wait_on_close=True)
    out = tmp_path / "out"
    out.write_bytes(b"head-")
    download_dxfile(f.get_id(), str(out), append=True)
    assert out.read_bytes() == b"head-tail"


def test_download_survives_faults(emu, tmp_path):
    data = payload(8 * PART + 1)
    f = uploaded(tmp_path, data)
    emu.faults.add("/download/*", status=500, probability=0.1, seed=1)
    emu.faults.add("/download/*", status=503, retry_after=1, probability=0.1, seed=2)
    emu.faults.add("/download/*", action="drop", probability=0.1, seed=3)
    emu.faults.add("/download/*", action="truncate", probability=0.1, seed=4)
    emu.faults.add("/file-*/download", status=500, probability=0.2, seed=5)
    out = tmp_path / "out"
    download_dxfile(f.get_id(), str(out), chunksize=PART // 2)
    assert out.read_bytes() == data


def test_download_with_a_permanent_fault_raises(emu, tmp_path, sleeps):
    f = upload_string("abc", wait_on_close=True)
    emu.faults.add("/download/*", action="drop")
    with pytest.raises(requests.exceptions.ConnectionError):  # gave up instead of retrying forever
        download_dxfile(f.get_id(), str(tmp_path / "out"))
    assert 0 < len(sleeps) <= 3 * (dxpy.DEFAULT_RETRIES + 1)


def test_download_of_an_open_file_names_it(emu, tmp_path):
    f = new_dxfile(name="still-open.txt")
    f.write(b"x")
    f.flush()
    with pytest.raises(DXFileError, match="%s \\(still-open.txt\\).*open" % f.get_id()):
        download_dxfile(f.get_id(), str(tmp_path / "out"))


def test_download_billing_follows_the_project_rules(emu, tmp_path, monkeypatch):
    f = upload_string("x", wait_on_close=True)
    dump = tmp_path / "billed"
    monkeypatch.setenv("_DX_DUMP_BILLED_PROJECT", str(dump))
    download_dxfile(f.get_id(), str(tmp_path / "a"))
    assert dump.read_text() == emu.project_id
    download_dxfile(f.get_id(), str(tmp_path / "b"), project=DXFile.NO_PROJECT_HINT)
    assert dump.read_text() == ""
    monkeypatch.setenv("DX_JOB_ID", "job-B0000000000000000000000")  # in a job: no guessing
    download_dxfile(f.get_id(), str(tmp_path / "c"))
    assert dump.read_text() == ""


def test_download_dxfile_rejects_bad_input(emu, tmp_path):
    f = upload_string("x", wait_on_close=True)
    with pytest.raises(DXError, match="filename"):
        download_dxfile(f.get_id(), None)
    with pytest.raises(DXError, match="chunksize"):
        download_dxfile(f.get_id(), str(tmp_path / "o"), chunksize=0)
    with pytest.raises(DXError, match="symlink_max_tries"):
        download_dxfile(f.get_id(), str(tmp_path / "o"), symlink_max_tries=0)
    with pytest.raises(DXError, match="describe_output"):
        download_dxfile(f.get_id(), str(tmp_path / "o"), describe_output="parts")
    with pytest.raises(DXError):
        download_dxfile(12, str(tmp_path / "o"))
    with pytest.raises(IsADirectoryError):
        download_dxfile(f.get_id(), str(tmp_path))


def test_download_progress_without_a_terminal(emu, tmp_path, capsys):
    f = uploaded(tmp_path, payload(4 * PART))
    capsys.readouterr()
    download_dxfile(f.get_id(), str(tmp_path / "out"), show_progress=True, chunksize=PART)
    err = capsys.readouterr().err
    assert "Completed 262,144 of 262,144 bytes (100%)" in err and "Downloaded 0 of 262,144 bytes (0%)" in err
    assert "\r" not in err and "\x1b" not in err


def test_progress_line_format():
    line = fns._transfer.Progress(200, "f.txt", "Downloaded").line(50, "Downloaded")
    assert line == "[" + "=" * 14 + ">" + " " * 45 + "] Downloaded 50 of 200 bytes (25%) f.txt"
    assert fns._transfer.Progress(None, "x", "Downloaded").line(5, "Downloaded").endswith("Downloaded 5 bytes (100%) x")


# -- folders -----------------------------------------------------------------------------------

def make_tree(emu):
    for folder in ("/data/a/deep", "/data/b", "/other"):
        dxpy.api.project_new_folder(emu.project_id, {"folder": folder, "parents": True})
    upload_string("root file", name="r.txt", folder="/data", wait_on_close=True)
    upload_string("in a", name="a.txt", folder="/data/a", wait_on_close=True)
    upload_string("deep", name="d.txt", folder="/data/a/deep", wait_on_close=True)
    upload_string("elsewhere", name="o.txt", folder="/other", wait_on_close=True)
    upload_string("unfinished", name="open.txt", folder="/data", keep_open=True)


def test_list_subfolders(emu):
    make_tree(emu)
    pid = emu.project_id
    assert sorted(list_subfolders(pid, "/data")) == ["/data", "/data/a", "/data/a/deep", "/data/b"]
    assert sorted(list_subfolders(pid, "/data/", recurse=False)) == ["/data", "/data/a", "/data/b"]
    assert sorted(list_subfolders(pid, "/", recurse=False)) == ["/", "/data", "/other"]
    assert "/other" in list_subfolders(pid, "/")
    assert list(list_subfolders(pid, "/dat")) == []  # a name prefix is not a parent
    with pytest.raises(DXError, match="path"):
        list(list_subfolders(pid, "data"))
    with pytest.raises(DXError, match="project"):
        list_subfolders(None, "/")


def test_download_folder_mirrors_the_tree(emu, tmp_path):
    make_tree(emu)
    dest = tmp_path / "dest"
    download_folder(emu.project_id, str(dest), folder="/data")
    found = sorted(os.path.relpath(os.path.join(d, f), str(dest)) for d, _, fs in os.walk(str(dest)) for f in fs)
    assert found == ["a/a.txt", "a/deep/d.txt", "r.txt"]
    assert (dest / "a" / "deep" / "d.txt").read_text() == "deep" and (dest / "b").is_dir()
    with pytest.raises(DXFileError, match="already exists but no overwrite"):
        download_folder(emu.project_id, str(dest), folder="/data")
    (dest / "r.txt").write_text("stale and longer than before")
    download_folder(emu.project_id, str(dest), folder="/data/", overwrite=True)
    assert (dest / "r.txt").read_text() == "root file"


def test_download_folder_rejects_bad_input(emu, tmp_path):
    make_tree(emu)
    with pytest.raises(DXFileError, match="not found"):
        download_folder(emu.project_id, str(tmp_path / "x"), folder="/nowhere")
    with pytest.raises(DXFileError, match="Invalid remote folder"):
        download_folder(emu.project_id, str(tmp_path / "x"), folder="")
    with pytest.raises(DXFileError, match="Invalid destination"):
        download_folder(emu.project_id, " ", folder="/data")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should go")
    with pytest.raises(DXFileError, match="not a directory"):
        download_folder(emu.project_id, str(blocker), folder="/data")


def test_names_are_reexported(emu):
    import dxpy.bindings as bindings
    for name in ("download_dxfile", "upload_local_file", "upload_string", "download_folder", "list_subfolders",
                 "new_dxfile", "open_dxfile"):
        assert getattr(bindings, name) is getattr(fns, name)
    assert dxpy.download_dxfile is download_dxfile and dxpy.DEFAULT_BUFFER_SIZE == fns.dxfile.DEFAULT_BUFFER_SIZE


# -- connections -------------------------------------------------------------------------------

def test_a_single_part_file_downloads_on_several_connections(emu, tmp_path, monkeypatch):
    data = payload(3 * 1024 * KIB)
    f = uploaded(tmp_path, data, write_buffer_size=len(data))
    assert len(describe(f, "parts")["parts"]) == 1
    # Two ranges must be in flight at once to pass the barrier: one connection could not.
    together = threading.Barrier(2, timeout=60)
    original = _download.Download._fetch
    fetched = []

    def fetch(self, transfer, start, stop, *args):
        fetched.append((start, stop))
        if len(fetched) <= 2:
            together.wait()
        return original(self, transfer, start, stop, *args)
    monkeypatch.setattr(_download.Download, "_fetch", fetch)
    download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=256 * KIB)
    assert (tmp_path / "out").read_bytes() == data
    assert len(fetched) == 12 and sorted(fetched)[0][0] == 0 and sorted(fetched)[-1][1] == len(data)


def count_concurrent_fetches(monkeypatch):
    """Ranges fetched at once, at the most so far (``[n]``), seen at ``Download._fetch``."""
    lock, running, peak = threading.Lock(), [0], [0]
    original = _download.Download._fetch

    def fetch(*args):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return original(*args)
        finally:
            with lock:
                running[0] -= 1
    monkeypatch.setattr(_download.Download, "_fetch", fetch)
    return peak


def test_downloads_keep_to_the_connections_set(emu, tmp_path, monkeypatch):
    monkeypatch.setattr(DXFile, "_http_threadpool_size", DXFile._http_threadpool_size)
    DXFile.set_http_threadpool_size(2)
    data = payload(12 * PART)
    f = uploaded(tmp_path, data)
    peak = count_concurrent_fetches(monkeypatch)
    download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=PART)
    assert (tmp_path / "out").read_bytes() == data and 1 <= peak[0] <= 2


def test_a_part_split_in_ranges_that_arrives_damaged_is_fetched_again(emu, tmp_path, monkeypatch):
    data = payload(2 * 1024 * KIB)
    f = uploaded(tmp_path, data, write_buffer_size=len(data))
    original = _download.Download._land
    damaged = []

    def flaky(self, transfer, view, offset, *args):
        if offset >= 1024 * KIB and not damaged:
            damaged.append(offset)
            view = memoryview(bytes(view[:-1]) + b"!")
        return original(self, transfer, view, offset, *args)
    monkeypatch.setattr(_download.Download, "_land", flaky)
    download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=256 * KIB)
    assert damaged and (tmp_path / "out").read_bytes() == data


def test_upload_sends_parts_of_a_local_file_as_slices(emu, tmp_path, monkeypatch):
    data = payload(6 * PART + 5)
    sent = []
    original = DXFile._upload_part

    def recording(self, transfer, part, *args, **kwargs):
        sent.append(type(part).__name__)
        return original(self, transfer, part, *args, **kwargs)
    monkeypatch.setattr(DXFile, "_upload_part", recording)
    f = uploaded(tmp_path, data)
    assert sent == ["FileSlice"] * 7
    assert DXFile(f.get_id(), mode="rb").read() == data


@pytest.mark.dx_emulator(link="per-connection=4MiB/s")
def test_a_download_adds_connections_while_each_moves_little(emu, tmp_path, monkeypatch):
    data = payload(4 * 1024 * KIB)
    f = uploaded(tmp_path, data, write_buffer_size=len(data))
    peak = count_concurrent_fetches(monkeypatch)
    download_dxfile(f.get_id(), str(tmp_path / "out"), chunksize=128 * KIB)
    assert (tmp_path / "out").read_bytes() == data
    # It starts with a few connections and, each being slow (a paced link), adds more.
    assert peak[0] > _download.FIRST_CONNECTIONS
