"""DXFile against the emulator: multi-part writes, reads with read-ahead, seeks, download
URLs, closing, and what faults on the transfer endpoints do to them."""
import hashlib
import io
import mmap
import os
import subprocess
import sys
import threading
import time

import pytest

import dxpy
import dxpy.api
from dxpy.bindings import _transfer
from dxpy.bindings import dxfile
from dxpy.bindings.dxfile import DXFile
from dxpy.bindings.dxfile_functions import new_dxfile, upload_string
from dxpy.exceptions import DXError, DXFileError, InternalError, InvalidState

KIB = 1024
PART = 64 * KIB  # the region's minimum part size in these tests


@pytest.fixture
def emu(dx_emulator, sleeps):
    """The emulator with small parts allowed; retry waits are recorded, not spent."""
    dx_emulator.platform.options.upload_params = {"minimumPartSize": PART}
    return dx_emulator


def payload(size, seed=1):
    # Random-looking but reproducible bytes: a part boundary error cannot hide in repetition.
    out, block = [], hashlib.sha256(str(seed).encode()).digest()
    while sum(map(len, out)) < size:
        block = hashlib.sha256(block).digest()
        out.append(block * 64)
    return b"".join(out)[:size]


def parts_of(handler):
    return DXFile(handler.get_id()).describe(fields={"parts"})["parts"]


def content_of(file_id):
    return DXFile(file_id, mode="rb").read()


def new_closed_file(data, part=PART):
    f = new_dxfile(mode="wb", write_buffer_size=part)
    f.write(data)
    f.close(block=True)
    return f


# -- module constants and part sizes -----------------------------------------------------------

def test_constants_follow_dxpy():
    assert dxfile.DXFILE_HTTP_THREADS == _transfer.default_connections()
    assert dxfile.DEFAULT_BUFFER_SIZE == 1024 * 1024 * (96 if dxpy.JOB_ID else 16)
    assert dxfile.MIN_BUFFER_SIZE == 1024 * 1024 and dxfile.FILE_REQUEST_TIMEOUT == 60
    assert DXFile.NO_PROJECT_HINT == "NO_PROJECT_HINT"


PARAMS = {"minimumPartSize": 5 * 1024 ** 2, "maximumPartSize": 5 * 1024 ** 3, "maximumNumParts": 10000,
          "maximumFileSize": 5 * 1024 ** 4, "emptyLastPartAllowed": True}


def test_part_size_rules():
    mib = 1024 ** 2
    assert _transfer.part_size(16 * mib, PARAMS) == 16 * mib
    assert _transfer.part_size(1, PARAMS) == 5 * mib                       # raised to the minimum
    assert _transfer.part_size(10 * 1024 ** 3, PARAMS) == 5 * 1024 ** 3   # lowered to the maximum
    # a big expected size needs bigger parts to fit in 10000 of them
    assert _transfer.part_size(16 * mib, PARAMS, expected_file_size=400 * 1024 ** 3) == 42949673
    grain = mmap.ALLOCATIONGRANULARITY
    assert _transfer.part_size(16 * mib + 5, PARAMS, file_is_mmapd=True) % grain == 0
    with pytest.raises(DXFileError, match="exceeds maximum of 5.00 TiB"):
        _transfer.part_size(16 * mib, PARAMS, expected_file_size=6 * 1024 ** 4)
    tight = dict(PARAMS, maximumNumParts=2, maximumPartSize=10 * mib)
    with pytest.raises(DXFileError, match="cannot be uploaded in 2 parts"):
        _transfer.part_size(mib, tight, expected_file_size=30 * mib)


def test_readable_size():
    assert _transfer.readable_size(1) == "1 byte"
    assert _transfer.readable_size(1023) == "1023 bytes"
    assert _transfer.readable_size(1536) == "1.50 KiB"
    assert _transfer.readable_size(5 * 1024 ** 4) == "5.00 TiB"


def test_ranges_ramp_up_and_cover_the_span():
    spans = list(_transfer.ranges(10, 100, 8, 32))
    assert spans[0] == (10, 18) and spans[1] == (18, 34) and spans[2] == (34, 66)
    assert spans[-1][1] == 100 and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


def test_read_ahead_budget_follows_the_rate_ranges_arrive_at():
    budget = _transfer.ReadAheadBudget(8)
    assert not budget.fast and budget() == _transfer.MEMORY_BUDGET  # until ranges say otherwise
    budget.arrived(8 * 1024 * 1024, seconds=0.01)  # 800 MiB/s: a fast connection
    assert budget.fast and budget() == 16  # two ranges
    budget.arrived(8, seconds=1.0)  # 8 bytes/s: slow
    assert not budget.fast and budget() == _transfer.MEMORY_BUDGET
    assert _transfer.ReadAheadBudget(_transfer.MEMORY_BUDGET)() == 2 * _transfer.MEMORY_BUDGET  # two at least


def test_prefetch_keeps_its_byte_budget_and_order():
    transfer = _transfer.Transfer(4)
    started, release = [], threading.Event()

    def fetch(start, stop):
        started.append((start, stop))
        release.wait(10)
        return bytes(stop - start)
    tasks = [(i * 10, i * 10 + size) for i, size in enumerate([10, 10, 30, 10, 10])]
    prefetch = _transfer.OrderedPrefetch(transfer, 4, fetch, tasks, budget=lambda: 25,
                                         size_of=lambda task: task[1] - task[0])
    try:
        assert len(prefetch._running) == 2  # 10 + 10; the 30-byte task would pass 25
        release.set()
        sizes = [len(prefetch.next()) for _ in range(5)]
        assert sizes == [10, 10, 30, 10, 10] and prefetch.next() is None
        assert prefetch._weight == 0
    finally:
        release.set()
        prefetch.close()


def test_a_read_over_a_slow_link_keeps_many_ranges_in_flight(emu, monkeypatch):
    # Each range is answered 0.2 s late: ranges arrive slowly, so the reader fetches several
    # at once (one per connection, within the memory budget).
    monkeypatch.setattr(_transfer, "READ_RANGE_MAX", 64 * KIB)
    data = payload(24 * 64 * KIB)
    f = new_closed_file(data)
    delayed = emu.faults.add("/download/*", action="delay", delay=0.2)
    reader = DXFile(f.get_id(), mode="rb", read_buffer_size=1024 * KIB)
    got, most_in_flight = [], 0
    while True:
        piece = reader.read(64 * KIB)
        if not piece:
            break
        got.append(piece)
        most_in_flight = max(most_in_flight, len(reader._prefetch._running))
    assert b"".join(got) == data and delayed.hits >= 20
    assert most_in_flight >= 4


def test_a_read_over_a_fast_link_keeps_two_ranges_in_flight(emu, monkeypatch):
    monkeypatch.setattr(_transfer, "READ_RANGE_MAX", 64 * KIB)
    monkeypatch.setattr(_transfer, "FAST_CONNECTION_RATE", 1)  # any range arrives fast enough
    data = payload(24 * 64 * KIB)
    f = new_closed_file(data)
    reader = DXFile(f.get_id(), mode="rb", read_buffer_size=1024 * KIB)
    got, in_flight = [], []
    while True:
        piece = reader.read(64 * KIB)
        if not piece:
            break
        got.append(piece)
        in_flight.append(len(reader._prefetch._running))
    assert b"".join(got) == data
    # Those asked for before the first came back drain; no more than two are asked for after.
    assert max(in_flight[:4]) > 2 and max(in_flight[16:]) <= 2


# -- writing -----------------------------------------------------------------------------------

def test_writes_of_any_shape_are_cut_into_region_sized_parts(emu):
    data = payload(5 * PART + 1234)
    f = new_dxfile(mode="wb", write_buffer_size=PART)
    pieces = [data[:100], bytearray(data[100:PART + 7]), memoryview(data[PART + 7:3 * PART]),
              data[3 * PART:5 * PART], data[5 * PART:]]
    for piece in pieces:
        f.write(piece)
    f.close(block=True)
    parts = parts_of(f)
    assert sorted(parts, key=int) == ["1", "2", "3", "4", "5", "6"]
    assert [parts[str(i)]["size"] for i in range(1, 7)] == [PART] * 5 + [1234]
    assert parts["2"]["md5"] == hashlib.md5(data[PART:2 * PART]).hexdigest()
    assert content_of(f.get_id()) == data


def test_mutable_buffers_are_copied_before_write_returns(emu):
    f = new_dxfile(mode="wb", write_buffer_size=PART)
    buf = bytearray(b"a" * (PART + 10))
    f.write(buf)
    buf[:] = b"b" * len(buf)  # the caller reuses its buffer at once
    f.close(block=True)
    assert content_of(f.get_id()) == b"a" * (PART + 10)


def test_text_is_written_as_utf8(emu):
    f = new_dxfile(mode="w")
    f.write("grüße\n")
    f.close(block=True)
    assert content_of(f.get_id()) == "grüße\n".encode("utf-8")


def test_write_rejects_other_types(emu):
    f = new_dxfile(mode="w")
    with pytest.raises(DXFileError, match="Invalid type <class 'int'> for write data argument"):
        f.write(123)


def test_parts_in_flight_are_bounded(emu, monkeypatch):
    # Slow part uploads: write() must wait for a slot rather than queue the whole file.
    emu.faults.add("/upload/*", action="delay", delay=0.05)
    running, peak, lock = [0], [0], threading.Lock()
    original = DXFile._upload_part

    def counting(self, *args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return original(self, *args, **kwargs)
        finally:
            with lock:
                running[0] -= 1
    monkeypatch.setattr(DXFile, "_upload_part", counting)
    limit = DXFile._http_threadpool_size
    f = new_dxfile(mode="wb", write_buffer_size=PART)
    data = payload(8 * PART)
    for i in range(0, len(data), PART // 2):
        f.write(data[i:i + PART // 2])
        assert len(f._jobs) <= limit
    f.close(block=True)
    assert 1 <= peak[0] <= limit
    assert content_of(f.get_id()) == data


def test_single_threaded_writes(emu):
    data = payload(3 * PART)
    f = new_dxfile(mode="wb", write_buffer_size=PART)
    f.write(data, multithread=False)
    assert len(f._jobs) == 0 and len(parts_of(f)) == 3
    f.flush(multithread=False)
    f.close(block=True)
    assert content_of(f.get_id()) == data


def test_context_manager_closes_in_write_mode_only(emu):
    with new_dxfile(mode="w") as f:
        f.write("x")
    assert f._get_state() in ("closing", "closed")
    with new_dxfile(mode="a") as g:
        g.write("y")
    assert g._get_state() == "open" and parts_of(g)["1"]["size"] == 1


def test_empty_file_gets_an_empty_part_and_closes(emu):
    f = new_dxfile()
    f.close(block=True)
    desc = f.describe(fields={"parts", "size", "state"})
    assert desc["state"] == "closed" and desc["size"] == 0 and desc["parts"]["1"]["size"] == 0


def test_no_empty_part_where_the_region_forbids_it(emu):
    emu.platform.options.upload_params = {"minimumPartSize": 1, "emptyLastPartAllowed": False}
    f = new_dxfile()
    f.close(block=True)
    assert f.describe(fields={"parts"})["parts"] == {}


def test_close_never_overwrites_a_part_uploaded_elsewhere(emu):
    writer = new_dxfile(mode="a")
    writer.upload_part(b"precious", 1)
    DXFile(writer.get_id()).close(block=True)  # a second handler that uploaded nothing
    assert content_of(writer.get_id()) == b"precious"


def test_close_block_waits_until_closed(emu, monkeypatch):
    emu.platform.options.close_delay = 0.3
    # The polling waits through dxpy.http._sleep; the emulator's clock is real: pass a little time.
    monkeypatch.setattr(dxpy.http, "_sleep", lambda seconds: time.sleep(0.05))
    f = new_dxfile()
    f.write(b"abc")
    f.close(block=True)
    assert f.closed() is True


def test_wait_on_close_times_out(emu):
    emu.platform.options.close_delay = 3600
    f = new_dxfile()
    f.write(b"abc")
    f.close()
    assert f.closed() is False
    with pytest.raises(DXError, match="timeout"):
        f.wait_on_close(timeout=0)


def test_write_to_a_closed_file_raises_invalid_state(emu):
    f = upload_string("done", wait_on_close=True)
    f.write(b"more")
    with pytest.raises(InvalidState, match="not in the open state"):
        f.flush()


def test_set_ids_flushes_the_previous_file(emu):
    f = new_dxfile(mode="a")
    first = f.get_id()
    f.write(b"pending")
    f.set_ids(new_dxfile().get_id())
    assert parts_of(DXFile(first))["1"]["size"] == 7


def test_destructor_flushes_and_warns(emu, capsys):
    f = new_dxfile(mode="a")
    file_id = f.get_id()
    f.write(b"left behind")
    del f
    assert "unflushed data" in capsys.readouterr().err
    assert parts_of(DXFile(file_id))["1"]["size"] == 11


def test_constructor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        DXFile(mode="x")
    with pytest.raises(ValueError, match="mode"):
        DXFile(mode=1)
    with pytest.raises(ValueError, match="read_buffer_size"):
        DXFile(read_buffer_size=0)
    with pytest.raises(ValueError, match="write_buffer_size"):
        DXFile(write_buffer_size="big")
    with pytest.raises(ValueError, match="expected_file_size"):
        DXFile(expected_file_size=-1)
    with pytest.raises(DXError):
        DXFile("record-xxxx")


def test_set_http_threadpool_size_sets_the_connections_of_transfers(monkeypatch):
    monkeypatch.setattr(DXFile, "_http_threadpool_size", DXFile._http_threadpool_size)
    DXFile.set_http_threadpool_size(4)
    assert DXFile._http_threadpool_size == 4
    for bad in (0, -1, 33, 2.5, "8", True, None):
        with pytest.raises(ValueError, match="num_threads must be an integer from 1 to 32"):
            DXFile.set_http_threadpool_size(bad)
    assert DXFile._http_threadpool_size == 4


def test_connections_default_and_environment_variable(capsys):
    assert _transfer.default_connections({}) == _transfer.DEFAULT_CONNECTIONS == 16
    assert _transfer.default_connections({"DX_TRANSFER_CONNECTIONS": " 8 "}) == 8
    for bad in ("0", "33", "many", "-2", "1.5"):
        assert _transfer.default_connections({"DX_TRANSFER_CONNECTIONS": bad}) == 16
        assert "DX_TRANSFER_CONNECTIONS must be an integer from 1 to 32" in capsys.readouterr().err


def test_connections_variable_is_read_at_import(tmp_path):
    code = "import dxpy; from dxpy.bindings.dxfile import DXFile; print(DXFile._http_threadpool_size)"
    env = dict(os.environ, DX_TRANSFER_CONNECTIONS="5")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "5"


def test_parts_held_in_memory_stay_within_the_budget():
    mib = 1024 * 1024
    assert _transfer.parts_in_memory(16, 16 * mib) == 3
    assert _transfer.parts_in_memory(16, 8 * mib) == 6
    assert _transfer.parts_in_memory(16, 1 * mib) == 16
    assert _transfer.parts_in_memory(16, 512 * mib) == 2
    assert _transfer.parts_in_memory(3, 1 * mib) == 3


# -- upload_part -------------------------------------------------------------------------------

def test_upload_part_options(emu, capsys):
    emu.platform.options.upload_params = {"minimumPartSize": 1}
    f = new_dxfile(mode="a")
    seen = []
    f.upload_part(b"second", 2, display_progress=True, report_progress_fn=lambda h, n: seen.append((h, n)))
    f.upload_part(io.BytesIO(b"xxfirst"[2:]), index=1)
    assert seen == [(f, 6)] and "." in capsys.readouterr().err
    f.close(block=True)
    assert content_of(f.get_id()) == b"firstsecond"


def test_upload_part_rejects_bad_input(emu):
    f = new_dxfile(mode="a")
    for index in (0, 10001, "1", True):
        with pytest.raises(DXFileError, match="Part index"):
            f.upload_part(b"x", index)
    with pytest.raises(DXFileError, match="Invalid type"):
        f.upload_part(42, 1)


def test_upload_url_is_asked_for_on_every_attempt(emu, monkeypatch):
    calls = []
    original = dxpy.api.file_upload
    monkeypatch.setattr(dxpy.api, "file_upload", lambda *a, **k: calls.append(k) or original(*a, **k))
    emu.faults.add("/upload/*", status=500, times=2)
    f = new_dxfile(mode="a")
    f.upload_part(b"data", 1)
    assert len(calls) == 3
    # the nested API call gets fewer retries on each attempt
    assert [k["max_retries"] for k in calls] == [dxpy.DEFAULT_RETRIES, dxpy.DEFAULT_RETRIES - 1,
                                                dxpy.DEFAULT_RETRIES - 2]
    f.close(block=True)
    assert content_of(f.get_id()) == b"data"


@pytest.mark.parametrize("fault", [dict(status=500), dict(status=503, retry_after=2), dict(action="drop"),
                                   dict(action="truncate")])
def test_part_uploads_survive_faults(emu, sleeps, fault):
    emu.faults.add("/upload/*", probability=0.3, seed=7, **fault)
    data = payload(10 * PART + 5)
    f = new_closed_file(data)
    assert len(parts_of(f)) == 11
    emu.faults.clear()
    assert content_of(f.get_id()) == data
    if fault.get("status") == 503:
        assert 2 in sleeps  # Retry-After was honoured (recorded, not waited)


def test_permanent_upload_fault_raises_within_the_retry_budget(emu, sleeps):
    emu.faults.add("/upload/*", status=500)
    f = new_dxfile(mode="wb", write_buffer_size=PART)
    with pytest.raises(InternalError):  # from the write waiting for a slot, or from flush
        f.write(payload(3 * PART))
        f.flush()
    assert 0 < len(sleeps) <= 3 * (dxpy.DEFAULT_RETRIES + 1)


# -- reading -----------------------------------------------------------------------------------

def test_reads_in_pieces_across_ranges(emu):
    data = payload(7 * PART + 333)
    f = new_closed_file(data)
    reader = DXFile(f.get_id(), mode="rb", read_buffer_size=50 * KIB)
    got = []
    while True:
        piece = reader.read(30 * KIB + 7)
        if not piece:
            break
        got.append(piece)
        assert len(reader._prefetch._running) <= DXFile._http_threadpool_size + 1
    assert b"".join(got) == data and reader.tell() == len(data)
    assert reader.read() == b"" and reader.read(10) == b""


def test_read_everything_and_text_mode(emu):
    text = "αβγ line one\nline two\n" * 3000
    f = upload_string(text, wait_on_close=True)
    assert DXFile(f.get_id(), mode="r").read() == text
    assert DXFile(f.get_id(), mode="rb").read() == text.encode("utf-8")


def test_text_reads_never_split_a_character(emu):
    text = "é" * 5000
    f = upload_string(text, wait_on_close=True)
    reader = DXFile(f.get_id(), read_buffer_size=333)
    assert "".join(iter(lambda: reader.read(333), "")) == text


def test_iteration_by_line(emu):
    f = upload_string("a\nbb\n\nccc", wait_on_close=True)
    assert list(DXFile(f.get_id(), read_buffer_size=2)) == ["a", "bb", "", "ccc"]
    with pytest.raises(DXFileError, match="binary mode"):
        list(DXFile(f.get_id(), mode="rb"))


def test_seek_and_tell(emu):
    data = payload(4 * PART)
    f = new_closed_file(data)
    r = DXFile(f.get_id(), mode="rb", read_buffer_size=PART)
    r.seek(10)
    assert r.read(5) == data[10:15] and r.tell() == 15
    r.seek(100, os.SEEK_CUR)
    assert r.read(5) == data[115:120]
    r.seek(-7, os.SEEK_END)
    assert r.read() == data[-7:]
    r.seek(3 * PART + 1)  # far away: the read-ahead starts afresh
    assert r.read(4) == data[3 * PART + 1:3 * PART + 5]
    r.seek(2)  # backwards
    assert r.read(3) == data[2:5]


def test_seek_past_the_end_reads_nothing(emu):
    f = upload_string(b"0123456789", wait_on_close=True)
    r = DXFile(f.get_id(), mode="rb")
    r.seek(100)
    assert r.read() == b"" and r.tell() == 10


def test_seek_rejects_bad_input(emu):
    f = upload_string(b"0123456789", wait_on_close=True)
    r = DXFile(f.get_id(), mode="rb")
    with pytest.raises(DXFileError, match="from_what"):
        r.seek(0, 7)
    with pytest.raises(DXFileError, match="before the start"):
        r.seek(-1)
    with pytest.raises(DXFileError, match="offset"):
        r.seek("3")
    with pytest.raises(DXFileError, match="read length"):
        r.read("3")


def test_reading_an_open_file_fails(emu):
    f = new_dxfile(mode="w")
    f.write(b"abc")
    with pytest.raises(DXFileError, match="closed state"):
        f.read()


def test_reads_survive_download_faults(emu, sleeps):
    data = payload(6 * PART)
    f = new_closed_file(data)
    for fault in (dict(status=500), dict(status=503, retry_after=1), dict(action="drop"), dict(action="truncate")):
        emu.faults.clear()
        emu.faults.add("/download/*", probability=0.4, seed=3, **fault)
        assert DXFile(f.get_id(), mode="rb", read_buffer_size=PART).read() == data


def test_permanent_download_fault_raises(emu, sleeps):
    f = new_closed_file(b"abc")
    emu.faults.add("/download/*", status=500)
    with pytest.raises(InternalError):
        DXFile(f.get_id(), mode="rb").read()


# -- download URLs -----------------------------------------------------------------------------

def test_download_url_is_cached_and_refreshed_after_an_error(emu):
    f = new_closed_file(payload(2 * PART))
    counter = emu.faults.add("/%s/download" % f.get_id(), action="delay", delay=0)  # counts the URL requests

    def url_calls():
        return counter.hits
    r = DXFile(f.get_id(), mode="rb", read_buffer_size=PART // 4)
    url, headers = r.get_download_url()
    assert r.get_download_url()[0] == url and url_calls() == 1
    headers["X"] = "changed"
    assert "X" not in r.get_download_url()[1]  # every caller gets its own headers
    r.read()
    assert url_calls() == 1  # all ranges served from the one URL
    emu.faults.add("/download/*", status=500, times=1)
    r.seek(0)
    r.read()
    assert url_calls() == 2  # the failed attempt asked for a fresh URL


def test_expired_download_url_is_renewed(emu, monkeypatch):
    f = new_closed_file(b"abc")
    r = DXFile(f.get_id())
    first = r.get_download_url(preauthenticated=True, duration=60)
    key, url, headers, _ = r._url_cache
    r._url_cache = (key, url, headers, 0)  # as if it expired long ago
    calls = []
    original = dxpy.api.file_download
    monkeypatch.setattr(dxpy.api, "file_download", lambda *a, **k: calls.append(a) or original(*a, **k))
    renewed = r.get_download_url(preauthenticated=True, duration=60)[0]
    assert renewed != first[0] and renewed.partition("?")[0] == first[0].partition("?")[0]  # a new URL, same file
    assert calls and calls[0][1]["preauthenticated"] is True and calls[0][1]["duration"] == 60


def billed_project(tmp_path, monkeypatch, handler, **kwargs):
    dump = tmp_path / "billed"
    monkeypatch.setenv("_DX_DUMP_BILLED_PROJECT", str(dump))
    handler.get_download_url(**kwargs)
    return dump.read_text()


def test_download_project_hint_rules(emu, tmp_path, monkeypatch):
    f = upload_string("x", wait_on_close=True)
    fid = f.get_id()
    # default: the handler's project, which holds the file
    assert billed_project(tmp_path, monkeypatch, DXFile(fid)) == emu.project_id
    assert billed_project(tmp_path, monkeypatch, DXFile(fid), project=DXFile.NO_PROJECT_HINT) == ""
    assert billed_project(tmp_path, monkeypatch, DXFile(fid), project=emu.project_id) == emu.project_id
    # a handler project that does not hold the file is no hint
    other = dxpy.api.project_new({"name": "other"})["id"]
    assert billed_project(tmp_path, monkeypatch, DXFile(fid, project=other)) == ""
    # inside a job no hint is derived from the handler
    monkeypatch.setenv("DX_JOB_ID", "job-B0000000000000000000000")
    assert billed_project(tmp_path, monkeypatch, DXFile(fid)) == ""
    with pytest.raises(DXFileError, match="project"):
        DXFile(fid).get_download_url(project=5)


# -- metadata ----------------------------------------------------------------------------------

def test_attribute_access_still_describes_after_reads(emu):
    f = upload_string("abc", name="notes.txt", wait_on_close=True)
    r = DXFile(f.get_id())
    assert r.read() == "abc"
    assert r.name == "notes.txt" and r.closed() is True


# -- a failed read -----------------------------------------------------------------------------

def test_a_read_after_a_failed_read_starts_afresh(emu):
    data = payload(5 * PART)
    f = new_closed_file(data)
    elsewhere = dxpy.api.project_new({"name": "without the file"})["id"]
    reader = DXFile(f.get_id(), project=emu.project_id, mode="rb", read_buffer_size=PART)
    with pytest.raises(dxpy.exceptions.ResourceNotFound):
        reader.read(PART, project=elsewhere)  # the file is not in that project
    assert reader._prefetch is None and reader.tell() == 0
    assert reader.read(PART) == data[:PART]  # the handler's own project holds it
    with pytest.raises(dxpy.exceptions.ResourceNotFound):
        reader.read(PART, project=elsewhere)  # a change of project starts a new read-ahead
    assert reader.read() == data[PART:]


def test_a_handler_naming_the_wrong_project_reads_once_it_is_fixed(emu):
    data = payload(2 * PART)
    f = new_closed_file(data)
    elsewhere = dxpy.api.project_new({"name": "without the file"})["id"]
    reader = DXFile(f.get_id(), project=elsewhere, mode="rb")
    with pytest.raises(dxpy.exceptions.ResourceNotFound):
        reader.read(project=elsewhere)  # the platform refuses to bill a project without the file
    reader.set_ids(f.get_id(), emu.project_id)
    assert reader.read() == data
    # a handler naming a project without the file reads with no project named, as dxpy does
    assert DXFile(f.get_id(), project=elsewhere, mode="rb").read() == data


def test_connection_slots_go_to_parts_in_order():
    slots = _transfer.OrderedSlots(1)
    order = []

    def part(number):
        with slots.taken(number):
            order.append(number)

    with slots.taken(0):  # the only slot is busy while parts 3, 1 and 2 line up for it
        waiters = [threading.Thread(target=part, args=(n,)) for n in (3, 1, 2)]
        for waiter in waiters:
            waiter.start()
        while len(slots._waiting) < 3:
            time.sleep(0.001)
    for waiter in waiters:
        waiter.join(30)
    assert order == [1, 2, 3]
