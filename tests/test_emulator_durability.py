"""The emulator's state under a data directory: what a transaction changed is journaled (and
nothing when it changed nothing), a crash loses nothing that was answered, a torn last record
is dropped, a damaged file is named, and a restart serves the same user, token and project."""
import json
import os
import shlex
import signal
import subprocess
import sys
import threading

import pytest
import requests

import dxpy.emulator
from dxpy.emulator.errors import CorruptStateError
from dxpy.emulator.model import Platform, store
from emulator_model_helpers import Caller, fails

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def journal_lines(data_dir):
    with open(os.path.join(str(data_dir), store.JOURNAL_FILE), "rb") as handle:
        return handle.read().splitlines(True)


def file_with_pending_part(api, project):
    fid = api("/file/new", {"project": project, "name": "half.txt"})["id"]
    api("/%s/upload" % fid, {"index": 1, "size": 3})
    return fid


# -- what a transaction changed --------------------------------------------------------------

def test_only_calls_that_change_something_are_journaled(tmp_path):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    project = api.project()
    rid = api.record(project, name="r")
    before = len(journal_lines(tmp_path))
    api("/%s/describe" % rid)
    api("/system/findDataObjects", {"scope": {"project": project}})
    api("/%s/getDetails" % rid)
    api("/%s/setDetails" % rid, {"a": 1})
    api("/%s/listProjects" % rid)
    lines = journal_lines(tmp_path)[before:]
    assert len(lines) == 1
    assert json.loads(lines[0])["changes"][0][:3] == ["set", "objects", rid]


def test_pending_part_survives_a_restart(tmp_path):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    fid = file_with_pending_part(api, api.project())
    restarted = Caller(Platform(str(tmp_path)), "alice")
    described = restarted("/%s/describe" % fid, {"fields": {"parts": True}})
    assert described["parts"] == {"1": {"state": "pending"}}
    error = fails("InvalidState", 422, restarted, "/%s/close" % fid)
    assert "still pending" in error.message


def test_restart_keeps_one_default_user_token_and_project(tmp_path):
    with dxpy.emulator.Emulator(data_dir=str(tmp_path), run_jobs=False) as first:
        identity = (first.user_id, first.token, first.project_id)
    with dxpy.emulator.Emulator(data_dir=str(tmp_path), run_jobs=False) as second:
        assert (second.user_id, second.token, second.project_id) == identity
        found = second.platform.call(second.user_id, "/system/findProjects", {"name": "emulator project"})
        assert [project["id"] for project in found["results"]] == [identity[2]]
    with dxpy.emulator.Emulator(data_dir=str(tmp_path), token="chosen", run_jobs=False) as third:
        assert (third.token, third.project_id) == ("chosen", identity[2])
    with dxpy.emulator.Emulator(data_dir=str(tmp_path), run_jobs=False) as fourth:
        assert fourth.token == "chosen"


def test_restart_with_the_same_orgs_keeps_them(tmp_path):
    for _ in range(2):
        with dxpy.emulator.Emulator(data_dir=str(tmp_path), run_jobs=False, users=["alice", "bob"],
                                    orgs={"lab": ["alice", "emulator"]}) as emu:
            members = emu.platform.call("user-alice", "/org-lab/findMembers", {})["results"]
            assert sorted(member["id"] for member in members) == ["user-alice", "user-emulator"]
    with dxpy.emulator.Emulator(data_dir=str(tmp_path), run_jobs=False, users=["alice", "bob"],
                                orgs={"lab": ["alice", "bob"]}) as emu:  # a member added on a later start
        members = emu.platform.call("user-alice", "/org-lab/findMembers", {})["results"]
        assert sorted(member["id"] for member in members) == ["user-alice", "user-bob", "user-emulator"]


# -- recovery --------------------------------------------------------------------------------

def test_torn_last_record_is_dropped(tmp_path):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    project = api.project()
    kept = api.record(project, name="kept")
    platform.close()
    path = os.path.join(str(tmp_path), store.JOURNAL_FILE)
    whole = os.path.getsize(path)
    with open(path, "ab") as handle:
        handle.write(b'{"seq": 999, "changes": [["set", "objects", "record-x", {"na')
    reopened = Platform(str(tmp_path))
    assert os.path.getsize(path) == whole  # cut back to the last whole record
    restarted = Caller(reopened, "alice")
    assert restarted("/%s/describe" % kept)["name"] == "kept"
    later = restarted.record(project, name="later")
    again = Caller(Platform(str(tmp_path)), "alice")
    assert [again("/%s/describe" % rid)["name"] for rid in (kept, later)] == ["kept", "later"]


def test_damaged_record_before_the_last_is_an_error_naming_the_journal(tmp_path):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    api.record(api.project())
    platform.close()
    path = os.path.join(str(tmp_path), store.JOURNAL_FILE)
    lines = journal_lines(tmp_path)
    with open(path, "wb") as handle:
        handle.write(lines[0] + b"{garbage\n" + b"".join(lines[1:]))
    with pytest.raises(CorruptStateError) as info:
        Platform(str(tmp_path))
    assert path in str(info.value) and "line 2" in str(info.value)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_corrupt_state_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / store.STATE_FILE
    path.write_bytes(content)
    with pytest.raises(CorruptStateError) as info:
        Platform(str(tmp_path))
    assert str(path) in str(info.value)
    result = subprocess.run([sys.executable, "-m", "dxpy.emulator", "--data-dir", str(tmp_path)], cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=60)
    assert result.returncode == 1 and result.stdout == b""
    error = result.stderr.decode()
    assert str(path) in error and "Traceback" not in error
    assert path.read_bytes() == content  # left as it was, for whoever looks into it


def test_state_of_the_first_format_is_read(tmp_path):
    legacy = store.empty_state()
    legacy["users"]["user-old"] = {"id": "user-old", "created": 1, "modified": 1, "first": "old", "middle": "",
                                   "last": "", "email": "old@example.com"}
    legacy["tokens"]["old-token"] = "user-old"
    (tmp_path / store.STATE_FILE).write_text(json.dumps(legacy))
    platform = Platform(str(tmp_path))
    assert platform.authenticate("old-token") == "user-old"


def test_temporary_files_of_a_crash_are_removed(tmp_path):
    Caller(Platform(str(tmp_path)), "alice")
    leftovers = [tmp_path / ".tmp-abc", tmp_path / ".state-xyz", tmp_path / store.PARTS_DIR / "file-x" / ".tmp-1"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    Platform(str(tmp_path))
    assert [path for path in leftovers if path.exists()] == []


def test_compaction_keeps_everything(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "COMPACT_MIN_BYTES", 4096)
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    project = api.project()
    records = [api.record(project, name="r%d" % n, details={"n": n}) for n in range(60)]
    api("/%s/removeObjects" % project, {"objects": records[:5]})
    assert len(journal_lines(tmp_path)) < 60  # emptied into a new snapshot at least once
    with open(str(tmp_path / store.STATE_FILE)) as handle:
        assert json.load(handle)["format"] == store.FORMAT
    restarted = Caller(Platform(str(tmp_path)), "alice")
    found = restarted("/system/findDataObjects", {"scope": {"project": project}, "describe": {"details": True}})
    assert sorted(result["describe"]["details"]["n"] for result in found["results"]) == list(range(5, 60))


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("")
    with pytest.raises(CorruptStateError) as info:
        Platform(str(path))
    assert str(path) in str(info.value)


# -- kill -9 in the middle of a burst of writes -------------------------------------------------

def start_server(data_dir):
    process = subprocess.Popen([sys.executable, "-m", "dxpy.emulator", "--data-dir", str(data_dir), "--no-run-jobs"],
                               cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE)
    words = shlex.split(process.stdout.readline().decode())
    assert words and words[0] == "export", "the emulator did not start"
    env = dict(word.split("=", 1) for word in words[1:])
    url = "http://%s:%s" % (env["DX_APISERVER_HOST"], env["DX_APISERVER_PORT"])
    token = json.loads(env["DX_SECURITY_CONTEXT"])["auth_token"]
    return process, url, token, env["DX_PROJECT_CONTEXT_ID"]


def test_kill_9_during_a_write_burst_loses_nothing_answered(tmp_path):
    process, url, token, project = start_server(tmp_path)
    acknowledged = {}  # record ID -> the details the server said it kept
    enough = threading.Event()
    guard = threading.Lock()

    def write(slot):
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer " + token
            n = 0
            while True:
                try:
                    rid = session.post(url + "/record/new", json={"project": project, "name": "w%d-%d" % (slot, n)},
                                       timeout=30).json()["id"]
                    details = {"slot": slot, "n": n}
                    answer = session.post(url + "/%s/setDetails" % rid, json=details, timeout=30)
                except (requests.ConnectionError, ValueError, KeyError):
                    return  # the server is gone: whatever was not answered may be lost
                if answer.status_code == 200:
                    with guard:
                        acknowledged[rid] = details
                        if len(acknowledged) >= 200:
                            enough.set()
                n += 1

    writers = [threading.Thread(target=write, args=(slot,)) for slot in range(6)]
    try:
        for writer in writers:
            writer.start()
        assert enough.wait(120), "the writers made no progress"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        for writer in writers:
            writer.join(60)
    with guard:
        answered = dict(acknowledged)
    restarted, url, again, same_project = start_server(tmp_path)
    try:
        assert (again, same_project) == (token, project)
        leftovers = [os.path.join(folder, name) for folder, _, names in os.walk(str(tmp_path)) for name in names
                     if name.startswith(".")]
        assert leftovers == []
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer " + token
            found = session.post(url + "/system/describeDataObjects",
                                 json={"objects": [{"id": rid, "describe": {"details": True}} for rid in answered]},
                                 timeout=60).json()["results"]
        kept = dict((result["describe"]["id"], result["describe"]["details"]) for result in found
                    if "describe" in result)
        assert kept == answered
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(30)
        restarted.stdout.close()


def test_a_value_that_only_looks_different_is_not_written_again(tmp_path):
    platform = Platform(str(tmp_path))
    with platform.transaction() as state:
        state["objects"]["record-tuple"] = {"id": "record-tuple", "pair": (1, 2)}  # a list in JSON
    before = len(journal_lines(tmp_path))
    with platform.transaction() as state:
        assert state["objects"]["record-tuple"]["pair"] == (1, 2)
        del state["objects"]["record-tuple"]["pair"]
        state["objects"]["record-tuple"]["pair"] = [1, 2]
    assert len(journal_lines(tmp_path)) == before


@pytest.mark.parametrize("reach", [lambda table, key: table[key], lambda table, key: table.get(key),
                                   lambda table, key: dict(table)[key], lambda table, key: {**table}[key],
                                   lambda table, key: dict(table.items())[key], lambda table, key: table.copy()[key],
                                   lambda table, key: [row for row in table.values() if row["id"] == key][0]])
def test_a_row_changed_however_it_was_reached_is_written(tmp_path, reach):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    rid = api.record(api.project(), name="before")
    with platform.transaction() as state:
        reach(state["objects"], rid)["name"] = "after"
    reopened = Caller(Platform(str(tmp_path)), "alice")
    assert reopened("/%s/describe" % rid)["name"] == "after"


def test_a_failed_journal_write_leaves_no_half_record(tmp_path, monkeypatch):
    platform = Platform(str(tmp_path))
    api = Caller(platform, "alice")
    project = api.project()
    path = os.path.join(str(tmp_path), store.JOURNAL_FILE)
    size = os.path.getsize(path)

    def disk_full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(store.os, "fsync", disk_full)
    with pytest.raises(OSError) as info:
        api.record(project, name="lost")
    assert path in str(info.value) and "No space left" in str(info.value)
    assert os.path.getsize(path) == size
    monkeypatch.undo()
    with pytest.raises(OSError):  # what is in memory is no longer what is on disk: no more writes
        api.record(project, name="later")
    reopened = Caller(Platform(str(tmp_path)), "alice")
    assert reopened("/system/findDataObjects", {"scope": {"project": project}})["results"] == []
