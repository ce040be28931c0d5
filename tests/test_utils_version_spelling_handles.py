"""dxpy.utils.version, dxpy.utils.spelling_corrector, dxpy.utils.file_handle and the old
dx-build-applet entry point."""
import gzip
import io
import subprocess
import sys

import pytest

from dxpy.utils.file_handle import as_handle
from dxpy.utils.spelling_corrector import correct
from dxpy.utils.version import Version
from dx_cli import REPO


def test_versions_compare_as_numbers_with_missing_parts_zero():
    assert Version("2.10") > Version("2.9.9")
    assert Version("2.8") == Version("2.8.0")
    assert Version("3") >= Version("2.99.99") and Version("1.0.1") <= Version("1.0.1")
    assert sorted([Version("1.10"), Version("1.2"), Version("1.9.1")]) == [Version("1.2"), Version("1.9.1"),
                                                                           Version("1.10")]
    assert Version("2.8.0").version == (2, 8, 0)
    assert len({Version("1"), Version("1.0.0")}) == 1


@pytest.mark.parametrize("text", ["1.2.3.4", "", "a.b", "1..2", "2.8.0-SNAPSHOT", "v1", "-1"])
def test_malformed_versions_are_refused(text):
    with pytest.raises(ValueError, match="Unsupported version format"):
        Version(text)


def test_global_workflow_builds_check_the_dxcompiler_version():
    from dxpy.workflow_builder import WorkflowBuilderException, _check_dxcompiler_version
    _check_dxcompiler_version({"name": "w", "details": {"version": "2.10.0-SNAPSHOT"}})
    with pytest.raises(WorkflowBuilderException, match=r"not compiled using dxCompiler \(version>=2.8.0\)"):
        _check_dxcompiler_version({"name": "w", "details": {"version": "2.7.9"}})
    with pytest.raises(WorkflowBuilderException, match="Cannot read the dxCompiler version 'two' of w"):
        _check_dxcompiler_version({"name": "w", "details": {"version": "two"}})


def test_a_version_is_a_string():
    with pytest.raises(ValueError, match="version string"):
        Version(2.8)


def test_spelling_corrections_within_two_edits():
    commands = ["ls", "cd", "describe", "download", "upload", "find", "run", "watch"]
    assert correct("ls", commands) == "ls"
    assert correct("lss", commands) == "ls"            # a deletion
    assert correct("dsecribe", commands) == "describe"  # a transposition
    assert correct("uplod", commands) == "upload"       # an insertion
    assert correct("wtch", commands) == "watch"
    assert correct("dowload", commands) == "download"
    assert correct("fnid", commands) == "find"
    assert correct("rnx", commands) == "run"            # two edits
    assert correct("zzzzzz", commands) == "zzzzzz"      # nothing near: the word itself


def test_spelling_ties_go_to_the_commoner_word_then_the_first_alphabetically():
    assert correct("cax", ["cab", "car"]) == "cab"
    assert correct("cax", ["car", "cab", "car"]) == "car"
    assert correct("x", []) == "x"


def test_unknown_dx_command_suggests_the_correction():
    result = subprocess.run([sys.executable, "-m", "dxpy.scripts.dx", "dsecribe"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, cwd=REPO, timeout=60)
    assert result.returncode == 2
    assert "Did you mean: dx describe" in result.stderr
    far = subprocess.run([sys.executable, "-m", "dxpy.scripts.dx", "qqqqqqq"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, cwd=REPO, timeout=60)
    assert far.returncode == 2 and "Did you mean" not in far.stderr


def test_as_handle_opens_and_closes_paths(tmp_path):
    path = tmp_path / "a.txt"
    with as_handle(str(path), "w") as handle:
        handle.write("one\n")
    assert handle.closed
    with as_handle(str(path)) as handle:
        assert handle.read() == "one\n"
    with as_handle(str(path), "r", encoding="utf-8") as handle:
        assert handle.read() == "one\n"


def test_as_handle_gzip_paths_and_objects(tmp_path):
    path = tmp_path / "a.gz"
    with as_handle(str(path), "wb", is_gzip=True) as handle:
        handle.write(b"zipped\n")
    assert gzip.decompress(path.read_bytes()) == b"zipped\n"
    with as_handle(str(path), is_gzip=True) as handle:  # reading a gzip path gives text
        assert handle.read() == "zipped\n"
    with open(str(path), "rb") as raw, as_handle(raw, is_gzip=True) as handle:
        assert handle.read() == b"zipped\n"


def test_as_handle_leaves_an_open_object_open():
    stream = io.StringIO("kept")
    with as_handle(stream, "r") as handle:
        assert handle is stream
    assert not stream.closed and stream.getvalue() == "kept"


def test_as_handle_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        with as_handle(str(tmp_path / "absent.txt")):
            pass


def test_dx_build_applet_entry_point_is_the_old_command(tmp_path):
    # dxpy's dx-build-applet only warns (under that name) that "dx build" replaced it and exits 0.
    script = tmp_path / "dx-build-applet"
    script.write_text("import sys\nfrom dxpy.scripts.dx_build_applet import main\nsys.exit(main())\n")
    result = subprocess.run([sys.executable, str(script), "--help"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, cwd=REPO, timeout=60)
    assert result.returncode == 0
    assert 'dx-build-applet has been replaced with "dx build"' in result.stderr
