"""dxpy.download_all_inputs and dxpy.mount_all_inputs: a job's file inputs under $HOME/in."""
import importlib
import json
import os
import stat
import textwrap

import pytest

import dxpy
from dxpy.exceptions import DXError

# The modules (dxpy.bindings.download_all_inputs is the function, as in dxpy).
dai = importlib.import_module("dxpy.bindings.download_all_inputs")
mai = importlib.import_module("dxpy.bindings.mount_all_inputs")


def upload(emulator, text, name):
    handler = dxpy.upload_string(text, name=name, project=emulator.project_id, wait_on_close=True)
    return handler.get_id()


def link(file_id, project=None):
    if project is None:
        return {"$dnanexus_link": file_id}
    return {"$dnanexus_link": {"project": project, "id": file_id}}


def write_input(home, job_input):
    (home / "job_input.json").write_text(json.dumps(job_input))


@pytest.fixture
def inputs(dx_emulator, home):
    """A job input with a single file, an array of twelve files, a string and a record link."""
    reads = upload(dx_emulator, "ACGT\n", "sample.fq.gz")
    many = [upload(dx_emulator, "part %d\n" % i, "part.txt") for i in range(12)]
    record = dxpy.api.record_new({"project": dx_emulator.project_id, "close": True})["id"]
    job_input = {"reads": link(reads, dx_emulator.project_id), "many": [link(f) for f in many], "label": "x",
                 "rec": link(record)}
    write_input(home, job_input)
    return {"reads": reads, "many": many}


def read(path):
    with open(str(path)) as fh:
        return fh.read()


def check_layout(home, result):
    idir = home / "in"
    assert read(idir / "reads" / "sample.fq.gz") == "ACGT\n"
    # Arrays: one zero-padded directory per element, so that in/many/*/* keeps the input order.
    assert sorted(os.listdir(str(idir / "many"))) == ["%02d" % i for i in range(12)]
    for i in range(12):
        assert read(idir / "many" / ("%02d" % i) / "part.txt") == "part %d\n" % i
    assert sorted(os.listdir(str(idir))) == ["many", "reads"]
    assert result["reads_path"] == [str(idir / "reads" / "sample.fq.gz")]
    assert result["reads_name"] == ["sample.fq.gz"]
    assert result["reads_prefix"] == ["sample"]
    assert result["many_path"][11] == str(idir / "many" / "11" / "part.txt")
    assert result["many_name"] == ["part.txt"] * 12 and result["many_prefix"] == ["part"] * 12
    assert sorted(result) == ["many_name", "many_path", "many_prefix", "reads_name", "reads_path", "reads_prefix"]


def test_sequential_download(inputs, home, capsys):
    result = dxpy.download_all_inputs()
    check_layout(home, result)
    assert "downloading file: %s to filesystem: %s" % (inputs["reads"], home / "in" / "reads" / "sample.fq.gz") \
        in capsys.readouterr().out


def test_parallel_download(inputs, home, capsys):
    result = dxpy.download_all_inputs(parallel=True, max_threads=3)
    check_layout(home, result)
    threads = int(capsys.readouterr().err.split("Downloading files using ")[1].split()[0])
    assert 1 <= threads <= 3


def test_exclude(inputs, home):
    result = dxpy.download_all_inputs(exclude=["many", "not_an_input"])
    assert sorted(os.listdir(str(home / "in"))) == ["reads"]
    assert sorted(result) == ["reads_name", "reads_path", "reads_prefix"]


def test_wrong_arguments(inputs, home):
    with pytest.raises(DXError, match="exclude must be a list of input names"):
        dxpy.download_all_inputs(exclude="many")  # a string would exclude by substring
    with pytest.raises(DXError, match="exclude must be a list of input names"):
        dxpy.download_all_inputs(exclude=[1])
    for bad in (0, -2, 1.5, True):
        with pytest.raises(DXError, match="max_threads must be a positive int"):
            dxpy.download_all_inputs(parallel=True, max_threads=bad)
    assert not (home / "in").exists()


def test_missing_job_input(home):
    with pytest.raises(DXError, match="Could not find the input json file: %s" % (home / "job_input.json")) as info:
        dxpy.download_all_inputs()
    assert isinstance(info.value, IOError)  # what dxpy raises here


def test_job_input_not_json(home):
    (home / "job_input.json").write_text("{not json")
    with pytest.raises(DXError, match="not valid JSON"):
        dxpy.download_all_inputs()


def test_input_not_in_the_spec_is_still_downloaded(dx_emulator, home, tmp_path, monkeypatch):
    # The spec's patterns decide the prefix of the inputs it lists; other inputs use the extension.
    spec = tmp_path / "dxapp.json"
    spec.write_text(json.dumps({"inputSpec": [{"name": "reads", "class": "file", "patterns": ["*.fq.gz"]}]}))
    monkeypatch.setenv("DX_TEST_DXAPP_JSON", str(spec))
    write_input(home, {"reads": link(upload(dx_emulator, "r", "a.b.fq.gz")),
                       "extra": link(upload(dx_emulator, "e", "notes.v2.txt"))})
    result = dxpy.download_all_inputs()
    assert read(home / "in" / "extra" / "notes.v2.txt") == "e"
    assert result["reads_prefix"] == ["a.b"] and result["extra_prefix"] == ["notes.v2"]


def test_file_names_with_slashes(dx_emulator, home):
    write_input(home, {"f": link(upload(dx_emulator, "x", "a/b.txt"))})
    result = dxpy.download_all_inputs()
    assert result["f_name"] == ["a%2Fb.txt"] and read(home / "in" / "f" / "a%2Fb.txt") == "x"


@pytest.mark.parametrize("parallel", [False, True])
def test_failed_download_names_the_file(dx_emulator, home, parallel):
    good = upload(dx_emulator, "fine", "good.txt")
    bad = upload(dx_emulator, "lost", "bad.txt")
    write_input(home, {"good": link(good), "bad": link(bad)})
    dx_emulator.faults.add("/%s/download" % bad, status=404)
    with pytest.raises(DXError, match="Could not download the input file %s to %s" % (bad, home / "in" / "bad")):
        dxpy.download_all_inputs(parallel=parallel)


def test_open_file_cannot_be_downloaded(dx_emulator, home):
    open_file = dxpy.api.file_new({"project": dx_emulator.project_id, "name": "open.txt"})["id"]
    write_input(home, {"f": link(open_file)})
    with pytest.raises(DXError, match="Could not download the input file %s.*not closed" % open_file):
        dxpy.download_all_inputs()


def test_no_file_inputs(home):
    write_input(home, {"n": 3, "names": ["a", "b"]})
    assert dxpy.download_all_inputs(parallel=True) == {}
    assert os.listdir(str(home / "in")) == []


def test_thread_count():
    assert dai._get_num_parallel_threads(8, 2, 64000) == 2
    assert dai._get_num_parallel_threads(8, 16, 64000) == 8
    assert dai._get_num_parallel_threads(8, 16, 3000) == 2  # ~1.2 GB per thread
    assert dai._get_num_parallel_threads(8, 16, 100) == 1
    assert dai._get_num_parallel_threads(4, 16, None) == 4  # memory unknown


# ----------------------------------------------------------------------------- mount_all_inputs

FAKE_DXFUSE = textwrap.dedent('''\
    #!/bin/sh
    # Stands in for dxfuse: records its arguments and the manifest it was given.
    if [ "$1" = "-version" ]; then echo "v1.2.3"; exit 0; fi
    echo "$@" > "$HOME/dxfuse-args"
    for last; do :; done
    cp "$last" "$HOME/dxfuse-manifest"
    echo "mounted"
    exit ${FAKE_DXFUSE_STATUS:-0}
''')


@pytest.fixture
def fake_dxfuse(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "dxfuse"
    program.write_text(FAKE_DXFUSE)
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    return program


def test_mount_without_dxfuse(home, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    write_input(home, {})
    with pytest.raises(DXError, match="the dxfuse program is not installed"):
        dxpy.mount_all_inputs()
    assert not (home / "in").exists()


def test_mount_runs_dxfuse_with_a_manifest(inputs, dx_emulator, home, fake_dxfuse, capsys):
    result = dxpy.mount_all_inputs(exclude=["many"], verbose=True)
    args = read(home / "dxfuse-args").split()
    assert args == ["-verbose", "2", "-uid", str(os.getuid()), "-gid", str(os.getgid()), str(home / "in"),
                    str(home / "mount-manifest.json")]
    manifest = json.loads(read(home / "dxfuse-manifest"))
    assert manifest == {"Files": [{"proj_id": dx_emulator.project_id, "file_id": inputs["reads"],
                                   "parent": "/reads"}]}
    assert result == {"reads_path": [str(home / "in" / "reads" / "sample.fq.gz")], "reads_name": ["sample.fq.gz"],
                      "reads_prefix": ["sample"]}
    out = capsys.readouterr().out
    assert "Using dxfuse version v1.2.3" in out and "Done mounting inputs." in out


def test_mount_dxfuse_failure(home, fake_dxfuse, monkeypatch):
    write_input(home, {})
    monkeypatch.setenv("FAKE_DXFUSE_STATUS", "3")
    with pytest.raises(DXError, match="dxfuse .* failed.*exit status 3.*mounted"):
        dxpy.mount_all_inputs()


def test_mount_wrong_input(home, fake_dxfuse):
    with pytest.raises(DXError, match="Could not find the input json file"):
        dxpy.mount_all_inputs()
    write_input(home, {})
    with pytest.raises(DXError, match="exclude must be a list"):
        dxpy.mount_all_inputs(exclude="reads")


def test_build_mount_manifest(dx_emulator):
    from dxpy.bindings.dxfile import DXFile
    other_project = dxpy.api.project_new({"name": "other"})["id"]
    records = [{"handler": DXFile("file-" + "A" * 24, project=other_project), "src_file_id": "file-" + "A" * 24,
                "trg_fname": "reads/x.fq"},
               {"handler": DXFile("file-" + "B" * 24), "src_file_id": "file-" + "B" * 24,
                "trg_fname": "many/07/y.txt"}]
    assert mai._build_mount_manifest(records) == {"Files": [
        {"proj_id": other_project, "file_id": "file-" + "A" * 24, "parent": "/reads"},
        {"proj_id": dx_emulator.project_id, "file_id": "file-" + "B" * 24, "parent": "/many/07"}]}
    assert mai._build_mount_manifest([]) == {"Files": []}


def test_which(fake_dxfuse, tmp_path, monkeypatch):
    assert mai._which("dxfuse") == str(fake_dxfuse)
    not_executable = tmp_path / "bin" / "notexec"
    not_executable.write_text("")
    assert mai._which("notexec") is None
    monkeypatch.delenv("PATH")
    assert mai._which("dxfuse") is None
