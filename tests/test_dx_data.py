"""dx upload, download, cat, head, make_download_url and get: the reference dx and this one
against one emulator, same state, same output; wrong input gives dxpy's error line and exit
code and changes nothing on the server; transfers under injected faults arrive intact."""
import argparse
import json
import os
import pty
import re
import subprocess

import pytest

import dxpy
from dxpy.cli.data import get_output_path
from dxpy.cli.download import download_one_database_file
from dxpy.emulator.model.databases import new_database

pytestmark = pytest.mark.reference

TEXT = "".join("line %d\n" % n for n in range(1, 13))
# Bytes that are not UTF-8, in several download ranges.
BINARY = bytes(range(256)) * 64 + b"\xff\xfe" * 1000


def put_files(project):
    """The objects every test starts with."""
    dxpy.upload_string(TEXT, project=project, name="a.txt", wait_on_close=True)
    dxpy.upload_string("second file\n", project=project, name="b.txt", wait_on_close=True)
    dxpy.upload_string(BINARY, project=project, name="data.bin", wait_on_close=True)
    dxpy.upload_string("x\n", project=project, folder="/dir", parents=True, name="x.txt", wait_on_close=True)
    dxpy.upload_string("y\n", project=project, folder="/dir/sub", parents=True, name="y.txt", wait_on_close=True)
    dxpy.new_dxrecord(project=project, name="rec", details={"k": [1, 2], "s": "v"}, close=True)


@pytest.fixture
def twins_with_files(twins):
    twins.populate(put_files)
    return twins


@pytest.fixture
def local(tmp_path):
    """A local directory with files to upload: a.txt, data.bin, tree/ (a file, a subfolder, an
    empty folder)."""
    root = tmp_path / "local"
    (root / "tree" / "inner").mkdir(parents=True)
    (root / "tree" / "empty").mkdir()
    (root / "a.txt").write_text(TEXT)
    (root / "data.bin").write_bytes(BINARY)
    (root / "tree" / "top.txt").write_text("top\n")
    (root / "tree" / "inner" / "deep.txt").write_text("deep\n")
    return root


def snapshot(project):
    """What a project holds: its folders and each object's place, state and metadata."""
    folders = sorted(dxpy.api.project_describe(project, {"folders": True})["folders"])
    objects = sorted((o["describe"]["folder"], o["describe"]["name"], o["id"], o["describe"]["state"],
                      o["describe"]["hidden"])
                     for o in dxpy.find_data_objects(project=project, describe=True, visibility="either"))
    return folders, objects


def snapshots(twins):
    return [snapshot(client.project) for client in twins.clients]


def assert_refused(twins, *words, **kwargs):
    """Both clients fail alike and leave their projects as they were; this one's result.

    With ``dxpy_exits_1``: dxpy prints the same message but exits 1, its code for a bug in dx;
    this dx exits 3, its code for input it refuses."""
    dxpy_exits_1 = kwargs.pop("dxpy_exits_1", False)
    before = snapshots(twins)
    if dxpy_exits_1:
        ref, this = twins.outputs(*words, **kwargs)
        assert (ref[0], this[0]) == (1, 3) and ref[1:] == this[1:], (ref, this)
    else:
        this = twins.assert_same(*words, **kwargs)
        assert this[0] != 0
    assert snapshots(twins) == before
    return this


def file_named(project, name, folder="/"):
    found = list(dxpy.find_data_objects(project=project, name=name, folder=folder, recurse=False,
                                        visibility="either", describe=True))
    assert len(found) == 1, found
    return found[0]


def remote_bytes(project, file_id):
    with dxpy.DXFile(file_id, project=project, mode="rb") as handle:
        return handle.read()


# -- upload ----------------------------------------------------------------------------------------

def test_upload_prints_the_new_file(twins, local):
    result = twins.assert_same("upload", "a.txt", cwd=local)
    assert "Name                              a.txt" in result[1]
    assert result[2] == ""  # no progress when stderr is not a terminal
    for client in twins.clients:
        found = file_named(client.project, "a.txt")
        assert remote_bytes(client.project, found["id"]).decode() == TEXT


def test_upload_with_metadata_options(twins, local):
    twins.assert_same("upload", "data.bin", "--brief", "--wait", "--path", "/new/place/d.bin", "-p",
                      "--property", "k=v", "--property", "x=y", "--tag", "t1", "--tag", "t2", "--type", "T",
                      "--details", '{"a": 1}', "--visibility", "hidden", cwd=local)
    descs = []
    for client in twins.clients:
        found = file_named(client.project, "d.bin", folder="/new/place")
        desc = dxpy.DXFile(found["id"], project=client.project).describe(incl_properties=True, incl_details=True)
        descs.append({k: desc[k] for k in ("name", "folder", "state", "hidden", "properties", "tags", "types",
                                           "details", "size")})
        assert remote_bytes(client.project, found["id"]) == BINARY
    assert descs[0] == descs[1] == {"name": "d.bin", "folder": "/new/place", "state": "closed", "hidden": True,
                                    "properties": {"k": "v", "x": "y"}, "tags": ["t1", "t2"], "types": ["T"],
                                    "details": {"a": 1}, "size": len(BINARY)}


def test_upload_from_stdin(twins):
    twins.assert_same("upload", "-", stdin="from stdin\n")
    twins.assert_same("upload", "-", "--brief", "--path", "/piped.txt", "--singlethread", "--buffer-size",
                      "5242880", stdin="piped\n")
    for client in twins.clients:
        found = file_named(client.project, "piped.txt")
        assert remote_bytes(client.project, found["id"]) == b"piped\n"


def test_upload_several_files_into_a_folder(twins, local):
    twins.assert_same("upload", "a.txt", "data.bin", "--brief", "--destination", "/several", "-p", cwd=local)
    for client in twins.clients:
        assert {n for _, n, _, _, _ in snapshot(client.project)[1]} == {"a.txt", "data.bin"}


def test_upload_directory_recursively(twins, local):
    twins.assert_same("upload", "-r", "tree", "--brief", cwd=local)
    ref, this = snapshots(twins)
    assert ref[0] == this[0] == ["/", "/tree", "/tree/empty", "/tree/inner"]
    assert [(f, n) for f, n, _, _, _ in ref[1]] == [(f, n) for f, n, _, _, _ in this[1]] == [
        ("/tree", "top.txt"), ("/tree/inner", "deep.txt")]


@pytest.mark.parametrize("words", [
    ["upload", "missing.txt"],
    ["upload", "tree"],
    ["upload", "a.txt", "--path", "nosuchproject:/x"],
    ["upload", "a.txt", "--property", "novalue"],
    ["upload", "a.txt", "--details", "{bad json"],
    ["upload", "a.txt", "--path", "/no/such/folder/"],
], ids=["missing local file", "directory without -r", "bad project", "bad property",
        "bad details", "missing folder"])
def test_upload_refusals(twins, local, words):
    assert_refused(twins, *words, cwd=local)


def test_upload_skips_a_directory_loop(twins, local):
    os.symlink("..", str(local / "tree" / "inner" / "back"))
    result = twins.assert_same("upload", "-r", "tree", "--brief", cwd=local)
    assert "Skipping tree/inner/back: directory loop" in result[2]


def test_upload_without_a_current_project(twins, local):
    assert_refused(twins, "upload", "a.txt", cwd=local, env={"DX_PROJECT_CONTEXT_ID": None})


def test_upload_with_both_path_and_o_is_a_usage_error(twins, local):
    before = snapshots(twins)
    ref, this = twins.outputs("upload", "a.txt", "--path", "/a", "-o", "/b", cwd=local)
    message = "dxpy.cli.parsers.DXParserError: Error: Cannot provide both the -o/--output and " \
              "--path/--destination arguments\n"
    # dxpy raises it past its error handling: a traceback and exit 1, as for a bug in dx.
    assert ref[0] == 1 and ref[2].startswith("Traceback") and ref[2].endswith(message)
    assert this == (3, "", message)
    assert snapshots(twins) == before


def viewer_environment(cli_emulator, twins, name):
    """A user who may only view the twins' projects: the environment that makes dx act as them."""
    user, token = cli_emulator.add_user(name)
    for client in twins.clients:
        dxpy.api.project_invite(client.project, {"invitee": user, "level": "VIEW",
                                                 "suppressEmailNotification": True})
    return {"DX_SECURITY_CONTEXT": json.dumps({"auth_token": token, "auth_token_type": "Bearer"})}


def test_upload_without_permission(twins, local, cli_emulator):
    env = viewer_environment(cli_emulator, twins, "viewer-upload")
    result = assert_refused(twins, "upload", "a.txt", cwd=local, env=env)
    assert "PermissionDenied" in result[2]


# -- download --------------------------------------------------------------------------------------

def local_bytes(client, *names):
    return client.home.joinpath(*names).read_bytes()


def test_download_is_byte_identical(twins_with_files):
    twins = twins_with_files
    twins.assert_same("download", "data.bin")
    twins.assert_same("download", "{project}:/a.txt", "-o", "renamed.txt")
    for client in twins.clients:
        assert local_bytes(client, "data.bin") == BINARY
        assert local_bytes(client, "renamed.txt") == TEXT.encode()


def test_download_to_stdout_and_of_several_paths(twins_with_files):
    twins = twins_with_files
    assert twins.assert_same("download", "a.txt", "-o", "-")[1] == TEXT
    assert twins.assert_same("download", "a.txt", "b.txt", "-o", "-")[1] == TEXT + "second file\n"
    twins.assert_same("download", "a.txt", "/dir/x.txt")
    for client in twins.clients:
        assert local_bytes(client, "a.txt") == TEXT.encode()
        assert local_bytes(client, "x.txt") == b"x\n"


def test_download_glob_all_and_overwrite(twins_with_files):
    twins = twins_with_files
    for client in twins.clients:
        client.home.joinpath("out").mkdir()
        client.home.joinpath("out", "a.txt").write_text("stale local copy that is longer than the file\n" * 9)
    twins.assert_same("download", "*.txt", "-o", "out", "-f")
    twins.populate(lambda project: dxpy.upload_string("again\n", project=project, name="b.txt", wait_on_close=True))
    assert_refused(twins, "download", "b.txt", "-o", "out/", "-f")  # two files match: -a is needed
    twins.assert_same("download", "b.txt", "-a", "-o", "out", "-f")
    ref, this = twins.clients
    assert local_bytes(ref, "out", "b.txt") == local_bytes(this, "out", "b.txt") in (b"again\n", b"second file\n")
    for client in twins.clients:
        assert local_bytes(client, "out", "a.txt") == TEXT.encode()


def test_download_folder_recursively(twins_with_files):
    twins = twins_with_files
    twins.assert_same("download", "-r", "/dir")
    twins.assert_same("download", "-r", "{project}:/di?", "-o", "copy/")
    for client in twins.clients:
        assert local_bytes(client, "dir", "x.txt") == b"x\n"
        assert local_bytes(client, "dir", "sub", "y.txt") == b"y\n"


@pytest.mark.parametrize("words", [
    ["download", "nosuch.txt"],
    ["download", "nosuchproject:/a.txt"],
    ["download", "file-B0000000000000000000000B"],
    ["download", "*.none"],
], ids=["unknown name", "bad project", "unknown ID", "glob matching nothing"])
def test_download_refusals(twins_with_files, words):
    assert_refused(twins_with_files, *words)


@pytest.mark.parametrize("words", [
    ["download", "/dir"],
    ["download", "a.txt", "b.txt", "-o", "nowhere"],
    ["download", "a.txt", "-o", "nowhere/"],
], ids=["folder without -r", "several to a missing directory", "missing directory"])
def test_download_refusals_exit_3(twins_with_files, words):
    assert_refused(twins_with_files, *words, dxpy_exits_1=True)


def test_a_file_named_in_a_project_that_does_not_hold_it(twins_with_files):
    twins = twins_with_files
    elsewhere = dxpy.api.project_new({"name": "elsewhere"})["id"]
    file_ids = {}
    for client in twins.clients:
        file_ids[client] = file_named(client.project, "a.txt")["id"]
    before = snapshots(twins)
    for words, message in ((["download", "-o", "copy.txt"], "Error: specified project does not contain specified "
                                                             "file object\n"),
                           (["cat"], "Error: project does not contain specified file object\n")):
        results = [client.run(*(words + [elsewhere + ":" + file_ids[client]])) for client in twins.clients]
        ref, this = [(r.returncode, r.stdout, r.stderr) for r in results]
        # dx finds the file through describe's project hint, then sees the project does not hold it
        assert ref == this and this[1:] == ("", message)
    assert snapshots(twins) == before
    assert not any(client.home.joinpath("copy.txt").exists() for client in twins.clients)


def test_download_skips_a_file_that_is_not_closed(twins):
    twins.populate(lambda project: dxpy.new_dxfile(project=project, name="open.txt"))
    result = twins.assert_same("download", "open.txt")
    assert result[0] == 0 and result[2] == "Skipping file open.txt (file-<1>) because it is not closed\n"


def test_download_skips_what_is_not_a_file(twins_with_files):
    result = twins_with_files.assert_same("download", "rec", "a.txt")
    assert result[0] == 0 and result[2].startswith("Skipping non-file data object rec (record-<")


def test_download_over_an_existing_file_without_f(twins_with_files):
    twins = twins_with_files
    for client in twins.clients:
        client.home.joinpath("a.txt").write_text("mine\n")
    result = assert_refused(twins, "download", "a.txt", "-o", "a.txt", dxpy_exits_1=True)
    assert result[2] == 'Error: path "a.txt" already exists but -f/--overwrite was not set\n'
    for client in twins.clients:
        assert local_bytes(client, "a.txt") == b"mine\n"


def test_download_without_permission(twins_with_files, cli_emulator):
    twins = twins_with_files
    stranger, token = cli_emulator.add_user("stranger-download")
    env = {"DX_SECURITY_CONTEXT": json.dumps({"auth_token": token, "auth_token_type": "Bearer"})}
    assert_refused(twins, "download", "{project}:/a.txt", env=env)
    for client in twins.clients:
        assert not client.home.joinpath("a.txt").exists()


# -- cat, head ---------------------------------------------------------------------------------

def test_cat(twins_with_files):
    twins = twins_with_files
    assert twins.assert_same("cat", "a.txt", "{project}:/dir/x.txt")[1] == TEXT + "x\n"
    assert twins.assert_same("cat", "--unicode", "b.txt")[1] == "second file\n"


def run_binary(client, *words, stderr=subprocess.PIPE):
    """``dx WORDS`` of *client* with bytes for output."""
    return subprocess.run([client.python, "-m", "dxpy.scripts.dx"] + list(words), env=client.env,
                          cwd=str(client.home), stdout=subprocess.PIPE, stderr=stderr, timeout=120)


def test_cat_and_download_to_stdout_are_byte_identical(twins_with_files):
    for client in twins_with_files.clients:
        for words in (["cat", "data.bin"], ["download", "data.bin", "-o", "-"]):
            out = run_binary(client, *words)
            assert (out.returncode, out.stdout, out.stderr) == (0, BINARY, b"")


@pytest.mark.parametrize("words", [["cat", "nosuch"], ["cat", "/dir"], ["cat", "rec"],
                                   ["cat", "a.txt", "file-B0000000000000000000000B"]],
                         ids=["unknown name", "folder", "record", "unknown ID after a good one"])
def test_cat_refusals(twins_with_files, words):
    assert_refused(twins_with_files, *words)


def test_head(twins_with_files):
    twins = twins_with_files
    assert twins.assert_same("head", "a.txt")[1] == "".join(TEXT.splitlines(True)[:10])
    assert twins.assert_same("head", "-n", "2", "a.txt")[1] == "line 1\nline 2\n"
    assert twins.assert_same("head", "--lines", "0", "a.txt")[1] == ""
    assert twins.assert_same("head", "data.bin")[1].endswith("File contains binary data")


@pytest.mark.parametrize("words", [["head", "nosuch"], ["head", "rec"], ["head", "/dir"]],
                         ids=["unknown name", "record", "folder"])
def test_head_refusals(twins_with_files, words):
    assert_refused(twins_with_files, *words)


@pytest.mark.parametrize("words", [["head", "-n", "x", "a.txt"], ["download", "--symlink-max-tries", "0", "a.txt"],
                                   ["upload"], ["cat"], ["make_download_url"], ["get"]])
def test_usage_errors(twins, words):
    # The help above the error is worded differently; the error line and the code are dxpy's.
    ref, this = twins.outputs(*words)
    assert ref[0] == this[0] == 2
    assert ref[2].splitlines()[-1] == this[2].splitlines()[-1]
    assert this[2].startswith("usage: dx " + words[0])


# -- make_download_url -----------------------------------------------------------------------------

def test_make_download_url(twins_with_files):
    twins = twins_with_files
    url = twins.assert_same("make_download_url", "a.txt")[1].strip()
    assert "/a.txt?" in url
    named = twins.assert_same("make_download_url", "{project}:/a.txt", "--duration", "2h",
                              "--filename", "given.txt")[1]
    assert "/given.txt?" in named


@pytest.mark.parametrize("words", [["make_download_url", "nosuch"], ["make_download_url", "/dir"],
                                   ["make_download_url", "rec"]],
                         ids=["unknown name", "folder", "record"])
def test_make_download_url_refusals(twins_with_files, words):
    assert_refused(twins_with_files, *words)


# -- get -----------------------------------------------------------------------------------------

def test_get_record_and_file(twins_with_files):
    twins = twins_with_files
    details = twins.assert_same("get", "rec", "-o", "-")[1]
    assert json.loads(details) == {"k": [1, 2], "s": "v"}
    twins.assert_same("get", "rec")
    twins.assert_same("get", "rec", "--no-ext")
    twins.assert_same("get", "{project}:/rec", "-o", "named.json")
    twins.assert_same("get", "a.txt")
    for client in twins.clients:
        for name in ("rec.json", "rec", "named.json"):
            assert json.loads(local_bytes(client, name)) == {"k": [1, 2], "s": "v"}
        assert local_bytes(client, "a.txt") == TEXT.encode()


@pytest.mark.parametrize("words", [["get", "nosuch"], ["get", "/dir"], ["get", "file-B0000000000000000000000B"]],
                         ids=["unknown name", "folder", "unknown ID"])
def test_get_refusals(twins_with_files, words):
    assert_refused(twins_with_files, *words)


def test_get_record_over_an_existing_file(twins_with_files):
    twins = twins_with_files
    for client in twins.clients:
        client.home.joinpath("rec.json").write_text("keep\n")
    assert_refused(twins, "get", "rec")
    for client in twins.clients:
        assert local_bytes(client, "rec.json") == b"keep\n"


def test_get_file_honours_output(dx_this, cli_emulator):
    # dxpy's dx get saves a file under its name whatever -o says; here -o is used.
    dx_this.project = dxpy.api.project_new({"name": "get-output"})["id"]
    dx_this.env["DX_PROJECT_CONTEXT_ID"] = dx_this.project
    put_files(dx_this.project)
    dx_this("get", "a.txt", "-o", "chosen.txt")
    assert local_bytes(dx_this, "chosen.txt") == TEXT.encode()
    assert dx_this("get", "b.txt", "-o", "-") == "second file\n"
    dx_this.home.joinpath("into").mkdir()
    dx_this("get", "b.txt", "-o", "into")
    assert local_bytes(dx_this, "into", "b.txt") == b"second file\n"


def test_get_output_path(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def args(output=None, overwrite=False):
        return argparse.Namespace(output=output, overwrite=overwrite)
    assert get_output_path("my/app", "applet", args()) == "./my%2Fapp"
    assert capsys.readouterr().err == 'Creating "./my%2Fapp" output directory\n'
    (tmp_path / "into").mkdir()
    assert get_output_path("wf", "workflow", args("into")) == "into/wf"
    (tmp_path / "plain").write_text("a file")
    with pytest.raises(SystemExit) as refused:
        get_output_path("x", "applet", args("plain"))
    assert refused.value.code == 3 and "already exists but -f/--overwrite was not set" in capsys.readouterr().err
    assert get_output_path("x", "applet", args("plain", overwrite=True)) == "plain"
    assert (tmp_path / "plain").is_dir()
    (tmp_path / "plain" / "x").mkdir()
    (tmp_path / "plain" / "x" / "kept").write_text("")
    with pytest.raises(SystemExit):
        get_output_path("x", "applet", args("plain", overwrite=True))
    assert 'Error: path "plain/x" already exists. Remove it and try again.' in capsys.readouterr().err
    assert get_output_path("x", "database", args("plain", overwrite=True)) == "plain/x"
    with pytest.raises(SystemExit):
        get_output_path("x", "applet", args("-"))
    assert "applet objects cannot be dumped to stdout" in capsys.readouterr().err


def test_download_one_database_file(cli_emulator, tmp_path):
    project = dxpy.api.project_new({"name": "databases"})["id"]
    database = new_database(cli_emulator.platform, cli_emulator.user_id, project, "db1",
                            files={"table/part-0.parquet": BINARY})
    desc = dxpy.api.database_describe(database)
    status = dxpy.api.database_list_folder(database, {"folder": "/table"})["results"][0]
    args = argparse.Namespace(overwrite=False, show_progress=False)
    download_one_database_file(project, desc, str(tmp_path), "table/part-0.parquet", status, args)
    assert (tmp_path / "table" / "part-0.parquet").read_bytes() == BINARY
    with pytest.raises(SystemExit) as refused:  # the file is there now
        download_one_database_file(project, desc, str(tmp_path), "table/part-0.parquet", status, args)
    assert refused.value.code == 3


# -- progress on a terminal, transfers under faults -------------------------------------------------

def run_with_terminal_stderr(client, *words):
    """(exit code, stdout, what a terminal on stderr received) of ``dx WORDS``."""
    master, slave = pty.openpty()
    process = subprocess.Popen([client.python, "-m", "dxpy.scripts.dx"] + list(words), env=client.env,
                               cwd=str(client.home), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    received = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not data:
            break
        received.append(data)
    os.close(master)
    out = process.stdout.read()
    process.stdout.close()
    return process.wait(timeout=120), out, b"".join(received).decode()


def last_progress_line(terminal):
    """The progress line last drawn on a terminal (escape codes and redraws removed)."""
    lines = [line for line in re.split(r"[\r\n]+", terminal.replace("\x1b[2K", "")) if line]
    return lines[-1] if lines else None


def test_progress_is_drawn_on_a_terminal_only(twins, local):
    big = local / "big.bin"
    big.write_bytes(os.urandom(5 * 1024 * 1024 + 17))
    final_lines = []
    for client in twins.clients:
        code, out, terminal = run_with_terminal_stderr(client, "upload", str(big), "--brief", "--path", "/big.bin")
        assert code == 0 and out.startswith(b"file-") and terminal == ""  # --brief: no progress
        code, _, terminal = run_with_terminal_stderr(client, "upload", str(big), "--path", "/big2.bin",
                                                     "--buffer-size", str(1024 * 1024))
        uploaded = last_progress_line(terminal)
        code, _, terminal = run_with_terminal_stderr(client, "download", "/big.bin", "-o", "here.bin")
        downloaded = last_progress_line(terminal)
        for words in (["download", "/big.bin", "-o", "quiet.bin"], ["upload", str(big), "--path", "/quiet.bin"]):
            code, _, terminal = run_with_terminal_stderr(client, *(words + ["--no-progress"]))
            assert (code, terminal) == (0, "")
        final_lines.append((uploaded, downloaded))
        assert client.home.joinpath("here.bin").read_bytes() == big.read_bytes()
    bar = "[" + "=" * 59 + ">]"
    assert final_lines[0] == final_lines[1] == (
        bar + " Uploaded 5,242,897 of 5,242,897 bytes (100%) " + str(big),
        bar + " Completed 5,242,897 of 5,242,897 bytes (100%) here.bin")


@pytest.fixture
def faults(cli_emulator):
    """The emulator's fault rules, its parts made small (64 KiB at least) so that a file of a
    few MiB has several; both put back afterwards."""
    saved = cli_emulator.platform.options.upload_params
    cli_emulator.platform.options.upload_params = {"minimumPartSize": 64 * 1024}
    yield cli_emulator.faults
    cli_emulator.faults.clear()
    cli_emulator.platform.options.upload_params = saved


def all_fired(faults):
    return all(rule["hits"] == rule["times"] for rule in faults.list())


def test_transfers_through_faults_arrive_intact(dx_this, local, faults):
    dx_this.project = dxpy.api.project_new({"name": "faults"})["id"]
    dx_this.env["DX_PROJECT_CONTEXT_ID"] = dx_this.project
    data = os.urandom(3 * 1024 * 1024 + 5)
    (local / "source.bin").write_bytes(data)
    faults.add("/upload/*", action="drop", times=1)
    faults.add("/upload/*/3", status=500, times=1)
    faults.add("/file-*/upload", status=503, retry_after=1, times=1)
    file_id = dx_this("upload", "source.bin", "--brief", "--buffer-size", str(1024 * 1024), cwd=local).strip()
    assert all_fired(faults), faults.list()
    assert remote_bytes(dx_this.project, file_id) == data
    faults.clear()
    faults.add("/download/*", action="truncate", times=1)
    faults.add("/download/*", action="drop", times=1)
    assert dx_this("download", file_id, "-o", "copy.bin") == ""
    assert local_bytes(dx_this, "copy.bin") == data
    assert all_fired(faults)
    faults.add("/download/*", status=503, retry_after=1, times=1)
    out = run_binary(dx_this, "cat", file_id)
    assert (out.returncode, out.stdout) == (0, data)
    assert all_fired(faults)
