"""dxpy.utils.job_launcher: how local runs and the emulator start a job's entry point."""
import json
import os
import subprocess
import sys

import pytest

from dxpy.utils import job_launcher


def run(argv, home, env=None):
    return subprocess.run(argv, cwd=str(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=dict(os.environ, **(env or {})), timeout=120)


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    (path / "job_input.json").write_text(json.dumps({"who": "world", "n": 3}))
    return path


def test_bash_entry_point_gets_its_inputs(tmp_path, home):
    code = tmp_path / "code.sh"
    code.write_text('main() {\n  echo "{\\"said\\": \\"hello $who $n\\"}" > job_output.json\n}\n')
    proc = run(job_launcher.command("bash", str(code), "main", str(home)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((home / "job_output.json").read_text()) == {"said": "hello world 3"}
    assert "who=world" in (home / "environment").read_text()


def test_bash_without_the_function_runs_the_global_scope_and_succeeds(tmp_path, home):
    code = tmp_path / "code.sh"
    code.write_text("echo top-level\nmain() { exit 9; }\n")
    proc = run(job_launcher.command("bash", str(code), "other", str(home)), tmp_path)
    assert proc.returncode == 0
    assert "top-level" in proc.stdout
    assert "Not invoking entry point function other because it was not found" in proc.stderr


def test_bash_failure_and_trace(tmp_path, home):
    code = tmp_path / "code.sh"
    code.write_text("main() {\n  false\n  echo unreachable\n}\n")
    proc = run(job_launcher.command("bash", str(code), "main", str(home), trace=True), tmp_path)
    assert proc.returncode == 1 and "unreachable" not in proc.stdout
    assert "+ false" in proc.stderr


def test_python_code_runs_as_main_then_dxpy_run(tmp_path, home):
    code = tmp_path / "code.py"
    code.write_text("import dxpy, os, sys\n"
                    "assert __name__ == '__main__' and sys.path[0] == os.path.dirname(__file__)\n"
                    "@dxpy.entry_point('main')\n"
                    "def main(who, n):\n    return {'said': 'hi %s %d' % (who, n)}\n")
    env = {"DX_TEST_FUNCTION": "main", "PYTHONPATH": job_launcher.with_this_dxpy(os.environ.get("PYTHONPATH"))}
    proc = run(job_launcher.command("python3", str(code), "main", str(home)), tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((home / "job_output.json").read_text()) == {"said": "hi world 3"}


def test_with_this_dxpy_puts_this_package_first_once():
    root = job_launcher.library_root()
    assert os.path.isfile(os.path.join(root, "dxpy", "__init__.py"))
    assert job_launcher.with_this_dxpy(None) == root
    assert job_launcher.with_this_dxpy(os.pathsep.join(["/a", root, "", "/b"])) == os.pathsep.join([root, "/a", "/b"])


@pytest.mark.parametrize("interpreter, function, message", [
    ("perl", "main", "interpreter 'perl'"), (None, "main", "interpreter None"),
    ("bash", "main; rm -rf x", "not a valid bash function name"), ("bash", "", "not a valid bash function name"),
    ("bash", None, "not a valid bash function name"),
])
def test_wrong_interpreter_or_function(tmp_path, interpreter, function, message):
    with pytest.raises(ValueError, match=message):
        job_launcher.command(interpreter, str(tmp_path / "code"), function, str(tmp_path))


@pytest.mark.parametrize("args, message", [
    ([], "usage:"), (["bash", "code.sh", "main"], "usage:"), (["ruby", "code.rb", "main", "."], "interpreter 'ruby'"),
    (["bash", "code.sh", "$(reboot)", "."], "not a valid bash function name"),
])
def test_launcher_command_line_refuses_wrong_arguments(tmp_path, args, message):
    proc = run([sys.executable, "-m", "dxpy.utils.job_launcher"] + args, tmp_path)
    assert proc.returncode == 1 and message in proc.stderr
    assert os.listdir(str(tmp_path)) == []
